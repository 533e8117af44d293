// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening /dev/rtshm and the ABI handshake with the module. */
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rtshm.h"
#include "internal.h"

/*
 * Set once a module with our ABI major has been seen.  Only success is
 * remembered, so loading the right module later makes calls work.
 */
static atomic_int abi_checked;

int rtshm_dev_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, cmd, arg);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

static int rtshm_dev_open_raw(void)
{
	int fd = open(RTSHM_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int rtshm_get_info(int fd, struct rtshm_info *info)
{
	memset(info, 0, sizeof(*info));
	return rtshm_dev_ioctl(fd, RTSHM_IOC_GET_INFO, info);
}

int rtshm_dev_open(void)
{
	struct rtshm_info info;
	int fd, ret;

	fd = rtshm_dev_open_raw();
	if (fd < 0 || atomic_load_explicit(&abi_checked, memory_order_acquire))
		return fd;

	ret = rtshm_get_info(fd, &info);
	if (ret == -ENOTTY || (!ret && info.abi_major != RTSHM_ABI_MAJOR))
		ret = -EPROTO;
	if (ret) {
		close(fd);
		return ret;
	}
	atomic_store_explicit(&abi_checked, 1, memory_order_release);
	return fd;
}

RTSHM_EXPORT int rtshm_module_info(struct rtshm_module_info *out)
{
	struct rtshm_info info;
	int fd, ret;

	if (!out)
		return -EINVAL;
	fd = rtshm_dev_open_raw();
	if (fd < 0)
		return fd;
	ret = rtshm_get_info(fd, &info);
	close(fd);
	if (ret)
		return ret == -ENOTTY ? -EPROTO : ret;

	memset(out, 0, sizeof(*out));
	out->abi_major = info.abi_major;
	out->abi_minor = info.abi_minor;
	out->features = info.features;
	out->max_segment_size = info.max_segment_size;
	out->max_bytes = info.max_bytes;
	out->max_user_bytes = info.max_user_bytes;
	out->max_segments = info.max_segments;
	out->name_max = info.name_max;
	return 0;
}
