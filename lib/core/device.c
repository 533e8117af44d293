// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening /dev/rtshm and the ABI handshake with the module. */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
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
/* Whether that module has RTSHM_BIND_NEW_FD (2.3); set before abi_checked. */
static atomic_int new_fd_ok;

/*
 * The process's control file: an unbound file of /dev/rtshm on which every
 * create and open makes its handle with RTSHM_BIND_NEW_FD, in one system
 * call, and the commands that work on any file run.  Opened on first use,
 * -1 before; inherited by fork() (it is never bound, so sharing it is
 * harmless), not by exec().  It pins the module as any open file does,
 * until rtshm_control_close().
 */
static atomic_int ctl_fd = -1;

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
	atomic_store_explicit(&new_fd_ok, !!(info.features & RTSHM_FEAT_NEW_FD),
			      memory_order_relaxed);
	atomic_store_explicit(&abi_checked, 1, memory_order_release);
	return fd;
}

/* The control file, opened if need be; -EOPNOTSUPP for a module before 2.3. */
static int rtshm_ctl_get(void)
{
	int fd = atomic_load_explicit(&ctl_fd, memory_order_acquire);
	int expected = -1;

	if (fd >= 0)
		return fd;
	/* a module known to lack it: no device file opened only to close it */
	if (atomic_load_explicit(&abi_checked, memory_order_acquire) &&
	    !atomic_load_explicit(&new_fd_ok, memory_order_relaxed))
		return -EOPNOTSUPP;
	fd = rtshm_dev_open();
	if (fd < 0)
		return fd;
	if (!atomic_load_explicit(&new_fd_ok, memory_order_relaxed)) {
		close(fd);
		return -EOPNOTSUPP;
	}
	/* two threads raced to open it: the first one stored wins */
	if (!atomic_compare_exchange_strong(&ctl_fd, &expected, fd)) {
		close(fd);
		return expected;
	}
	return fd;
}

/*
 * EBADF or ENOTTY on the control file: the program closed that descriptor
 * (a daemon closing every fd it did not open) and perhaps opened something
 * else on its number.  It is not ours any more; forget it, do not close it.
 */
static bool rtshm_ctl_lost(int fd, int ret)
{
	int expected = fd;

	if (ret != -EBADF && ret != -ENOTTY)
		return false;
	atomic_compare_exchange_strong(&ctl_fd, &expected, -1);
	return true;
}

/*
 * @cmd on the control file: true with its result in *@ret, false where the
 * caller must use a file of its own (a module before 2.3, or a control file
 * lost twice in a row).  A control file lost once is replaced.
 */
static bool rtshm_ctl_ioctl(unsigned long cmd, void *arg, int *ret)
{
	int fd, tries;

	for (tries = 0; tries < 2; tries++) {
		fd = rtshm_ctl_get();
		if (fd == -EOPNOTSUPP)
			return false;
		*ret = fd < 0 ? fd : rtshm_dev_ioctl(fd, cmd, arg);
		if (fd < 0 || !rtshm_ctl_lost(fd, *ret))
			return true;
	}
	return false;
}

int rtshm_dev_bind(unsigned long cmd, struct rtshm_bind *b)
{
	bool done;
	int fd, ret;

	b->flags |= RTSHM_BIND_NEW_FD;
	done = rtshm_ctl_ioctl(cmd, b, &ret);
	b->flags &= ~RTSHM_BIND_NEW_FD;
	if (done)
		return ret;
	/* a module before 2.3: a file of its own, bound */
	fd = rtshm_dev_open();
	if (fd < 0)
		return fd;
	ret = rtshm_dev_ioctl(fd, cmd, b);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int rtshm_dev_command(unsigned long cmd, void *arg)
{
	int fd, ret;

	if (rtshm_ctl_ioctl(cmd, arg, &ret))
		return ret;
	fd = rtshm_dev_open();
	if (fd < 0)
		return fd;
	ret = rtshm_dev_ioctl(fd, cmd, arg);
	close(fd);
	return ret;
}

RTSHM_EXPORT int rtshm_control_close(void)
{
	struct rtshm_stat st;
	int fd = atomic_exchange(&ctl_fd, -1);

	if (fd < 0)
		return 0;
	/* only an unbound file of the device: the number may be reused */
	if (rtshm_dev_ioctl(fd, RTSHM_IOC_STAT, &st) != -ENOTCONN)
		return 0;
	return close(fd) ? -errno : 0;
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
