// SPDX-License-Identifier: LGPL-2.1-or-later
/* The namespace: waiting lookups, describing ids, catalog and uncatalog. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rtshm.h"
#include "internal.h"

int rtshm_name_arg(const char *name, __u64 *ptr, __u32 *len)
{
	size_t n = name ? strnlen(name, RTSHM_NAME_MAX_LEN + 1) : 0;

	if (n > RTSHM_NAME_MAX_LEN)
		return -ENAMETOOLONG;
	*ptr = (__u64)(uintptr_t)name;
	*len = (__u32)n;
	return 0;
}

/* Absolute CLOCK_MONOTONIC deadline in ns, as the kernel's ktime_get_ns(). */
static __u64 rtshm_deadline(long timeout_ms)
{
	struct timespec now;

	if (timeout_ms < 0)
		return RTSHM_WAIT_FOREVER;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (__u64)now.tv_sec * 1000000000ULL + (__u64)now.tv_nsec +
	       (__u64)timeout_ms * 1000000ULL;
}

/* A process object's directory: its id and serial, both needed. */
static int rtshm_check_dir(uint32_t dir_id, uint64_t dir_serial)
{
	return dir_id < RTSHM_ID_FIRST || dir_id > RTSHM_ID_LAST || !dir_serial ?
	       -EINVAL : 0;
}

/* One LOOKUP, on the control file. */
static int rtshm_do_lookup(struct rtshm_lookup *l, struct rtshm_object_info *info)
{
	int ret = rtshm_dev_command(RTSHM_IOC_LOOKUP, l);

	if (ret)
		return ret;
	memset(info, 0, sizeof(*info));
	info->serial = l->serial;
	info->size = l->size;
	info->id = l->id;
	info->type = l->type;
	return 0;
}

/* A LOOKUP by name, in the root (@dir_id 0) or in a process's directory. */
static int rtshm_lookup_in(uint32_t dir_id, uint64_t dir_serial,
			   const char *name, long timeout_ms,
			   struct rtshm_object_info *info)
{
	struct rtshm_lookup l;
	int ret;

	if (!info)
		return -EINVAL;
	memset(&l, 0, sizeof(l));
	ret = rtshm_name_arg(name, &l.name, &l.name_len);
	if (ret)
		return ret;
	if (!l.name_len)
		return -EINVAL;
	if (timeout_ms) {
		l.flags = RTSHM_LOOKUP_WAIT;
		l.deadline_ns = rtshm_deadline(timeout_ms);
	}
	if (dir_id) {
		l.flags |= RTSHM_LOOKUP_DIR;
		l.dir_id = dir_id;
		l.dir_serial = dir_serial;
	}
	return rtshm_do_lookup(&l, info);
}

RTSHM_EXPORT int rtshm_lookup(const char *name, long timeout_ms,
			      struct rtshm_object_info *info)
{
	return rtshm_lookup_in(0, 0, name, timeout_ms, info);
}

RTSHM_EXPORT int rtshm_lookup_dir(uint32_t dir_id, uint64_t dir_serial,
				  const char *name, long timeout_ms,
				  struct rtshm_object_info *info)
{
	int ret = rtshm_check_dir(dir_id, dir_serial);

	return ret ? ret : rtshm_lookup_in(dir_id, dir_serial, name, timeout_ms,
					   info);
}

RTSHM_EXPORT int rtshm_describe_id(uint32_t id, struct rtshm_object_info *info)
{
	struct rtshm_lookup l;

	if (!info || id < RTSHM_ID_FIRST || id > RTSHM_ID_LAST)
		return -EINVAL;
	memset(&l, 0, sizeof(l));
	l.flags = RTSHM_LOOKUP_BY_ID;
	l.id = id;
	return rtshm_do_lookup(&l, info);
}

/* The CATALOG or UNCATALOG argument for @name, in the root (@dir_id 0) or a directory. */
static int rtshm_catalog_arg(struct rtshm_catalog *c, uint32_t dir_id,
			     uint64_t dir_serial, const char *name)
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = rtshm_name_arg(name, &c->name, &c->name_len);
	if (ret)
		return ret;
	if (!c->name_len)
		return -EINVAL;
	if (dir_id) {
		c->flags = RTSHM_CATALOG_DIR;
		c->dir_id = dir_id;
		c->dir_serial = dir_serial;
	}
	return 0;
}

static int rtshm_catalog_in(int handle, uint32_t dir_id, uint64_t dir_serial,
			    const char *name)
{
	struct rtshm_catalog c;
	int ret;

	if (handle < 0)
		return -EBADF;
	ret = rtshm_catalog_arg(&c, dir_id, dir_serial, name);
	if (!ret)
		ret = rtshm_dev_ioctl(handle, RTSHM_IOC_CATALOG, &c);
	return ret == -ENOTTY ? -EBADF : ret;
}

RTSHM_EXPORT int rtshm_catalog(int handle, const char *name)
{
	return rtshm_catalog_in(handle, 0, 0, name);
}

RTSHM_EXPORT int rtshm_catalog_dir(int handle, uint32_t dir_id,
				   uint64_t dir_serial, const char *name)
{
	int ret = rtshm_check_dir(dir_id, dir_serial);

	return ret ? ret : rtshm_catalog_in(handle, dir_id, dir_serial, name);
}

static int rtshm_uncatalog_in(uint32_t dir_id, uint64_t dir_serial,
			      const char *name)
{
	struct rtshm_catalog c;
	int ret = rtshm_catalog_arg(&c, dir_id, dir_serial, name);

	return ret ? ret : rtshm_dev_command(RTSHM_IOC_UNCATALOG, &c);
}

RTSHM_EXPORT int rtshm_uncatalog(const char *name)
{
	return rtshm_uncatalog_in(0, 0, name);
}

RTSHM_EXPORT int rtshm_uncatalog_dir(uint32_t dir_id, uint64_t dir_serial,
				     const char *name)
{
	int ret = rtshm_check_dir(dir_id, dir_serial);

	return ret ? ret : rtshm_uncatalog_in(dir_id, dir_serial, name);
}
