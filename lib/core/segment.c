// SPDX-License-Identifier: LGPL-2.1-or-later
/* Binding handles to segments: create, open by name or id, stat, close. */
#include <string.h>
#include <unistd.h>

#include "rtshm.h"
#include "internal.h"

#define RTSHM_LIB_FLAGS (RTSHM_RDWR | RTSHM_EXCL | RTSHM_OWNED | \
			 RTSHM_USE_MASK | RTSHM_NODE_SET | 0xffff0000U)

static void rtshm_fill_result(const struct rtshm_bind *b,
			      struct rtshm_result *res)
{
	if (!res)
		return;
	res->size = b->size;
	res->serial = b->serial;
	res->id = b->id;
	res->created = b->result == RTSHM_RESULT_CREATED;
}

/* Issue one bind command into a new handle; return it. */
static int rtshm_bind_fd(unsigned long cmd, struct rtshm_bind *b,
			 struct rtshm_result *res)
{
	int fd = rtshm_dev_bind(cmd, b);

	if (fd >= 0)
		rtshm_fill_result(b, res);
	return fd;
}

static __u32 rtshm_bind_flags(unsigned int flags)
{
	__u32 out = 0;

	if (flags & RTSHM_RDWR)
		out |= RTSHM_BIND_WRITE;
	if (flags & RTSHM_EXCL)
		out |= RTSHM_BIND_EXCL;
	if (flags & RTSHM_OWNED)
		out |= RTSHM_BIND_OWNED;
	return out;
}

/*
 * Bind a new handle to the object called @name; @b holds the rest of the
 * request.  Opening needs a name; creating without one makes it unnamed.
 */
static int rtshm_bind_named(unsigned long cmd, const char *name,
			    struct rtshm_bind *b, struct rtshm_result *res)
{
	int ret = rtshm_name_arg(name, &b->name, &b->name_len);

	if (ret)
		return ret;
	if (cmd == RTSHM_IOC_OPEN && !b->name_len)
		return -EINVAL;
	return rtshm_bind_fd(cmd, b, res);
}

/* Create a segment; @max_phys UINT64_MAX is no limit (any module). */
static int rtshm_create_seg(const char *name, uint64_t size,
			    unsigned int flags, mode_t mode, uint64_t max_phys,
			    struct rtshm_result *res)
{
	struct rtshm_module_info mi;
	struct rtshm_bind b;
	int ret;

	if (flags & ~RTSHM_LIB_FLAGS || mode & ~0777U)
		return -EINVAL;
	/* node bits only with RTSHM_NODE_SET */
	if (!(flags & RTSHM_NODE_SET) && flags >> 16)
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	b.size = size;
	b.flags = rtshm_bind_flags(flags);
	b.type = RTSHM_TYPE_SHM;
	b.mode = mode;
	b.tier = (flags & RTSHM_USE_MASK) >> 4;
	if (flags & RTSHM_NODE_SET) {
		b.flags |= RTSHM_BIND_NODE;
		b.node = (__s32)(flags >> 16);
	}
	if (max_phys != UINT64_MAX) {
		b.flags |= RTSHM_BIND_MAX_PHYS;
		b.max_phys = max_phys;
	}
	ret = rtshm_bind_named(RTSHM_IOC_CREATE, name, &b, res);
	/* a module before 2.1 refuses the flag as unknown */
	if (ret == -EINVAL && b.flags & RTSHM_BIND_MAX_PHYS &&
	    !rtshm_module_info(&mi) && !(mi.features & RTSHM_FEAT_MAX_PHYS))
		ret = -EOPNOTSUPP;
	return ret;
}

RTSHM_EXPORT int rtshm_create(const char *name, uint64_t size,
			      unsigned int flags, mode_t mode,
			      struct rtshm_result *res)
{
	return rtshm_create_seg(name, size, flags, mode, UINT64_MAX, res);
}

RTSHM_EXPORT int rtshm_create_below(const char *name, uint64_t size,
				    unsigned int flags, mode_t mode,
				    uint64_t max_phys, struct rtshm_result *res)
{
	return rtshm_create_seg(name, size, flags, mode, max_phys, res);
}

RTSHM_EXPORT int rtshm_open(const char *name, unsigned int flags,
			    struct rtshm_result *res)
{
	struct rtshm_bind b;

	if (flags & ~RTSHM_RDWR)
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	b.flags = rtshm_bind_flags(flags);
	b.type = RTSHM_TYPE_SHM;
	return rtshm_bind_named(RTSHM_IOC_OPEN, name, &b, res);
}

static int rtshm_sync_type_ok(uint32_t type)
{
	return type >= RTSHM_OBJ_EVENT && type <= RTSHM_OBJ_PROCESS;
}

/* A module before 2.2 refuses owned objects and INtime types as unknown. */
static int rtshm_new_in_2_2(int ret, uint64_t feature)
{
	struct rtshm_module_info mi;

	if (ret == -EINVAL && !rtshm_module_info(&mi) &&
	    !(mi.features & feature))
		return -EOPNOTSUPP;
	return ret;
}

RTSHM_EXPORT int rtshm_sync_create(const char *name, uint32_t type,
				   const void *state, size_t len,
				   unsigned int flags, mode_t mode,
				   struct rtshm_result *res)
{
	struct rtshm_bind b;

	int ret;

	if (!rtshm_sync_type_ok(type) || !state || !len ||
	    len > RTSHM_SYNC_STATE_BYTES || flags & ~(RTSHM_EXCL | RTSHM_OWNED) ||
	    mode & ~0777U)
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	b.size = len;
	b.state = (__u64)(uintptr_t)state;
	/* waiting changes the state, so every handle is read-write */
	b.flags = rtshm_bind_flags(flags | RTSHM_RDWR);
	b.type = type;
	b.mode = mode;
	ret = rtshm_bind_named(RTSHM_IOC_CREATE, name, &b, res);
	if (flags & RTSHM_OWNED)
		ret = rtshm_new_in_2_2(ret, RTSHM_FEAT_OWNED);
	if (type >= RTSHM_OBJ_RT_SEMAPHORE)
		ret = rtshm_new_in_2_2(ret, RTSHM_FEAT_INTIME_SYNC);
	return ret;
}

RTSHM_EXPORT int rtshm_sync_open(const char *name, uint32_t type,
				 struct rtshm_result *res)
{
	struct rtshm_bind b;

	if (!rtshm_sync_type_ok(type))
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	b.flags = RTSHM_BIND_WRITE;
	b.type = type;
	return rtshm_bind_named(RTSHM_IOC_OPEN, name, &b, res);
}

static int rtshm_open_by_id(uint32_t id, uint64_t serial, uint32_t type,
			    unsigned int flags, struct rtshm_result *res)
{
	struct rtshm_bind b;

	if (flags & ~RTSHM_RDWR || id < RTSHM_ID_FIRST || id > RTSHM_ID_LAST)
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	b.flags = rtshm_bind_flags(flags) | RTSHM_BIND_BY_ID;
	if (serial)
		b.flags |= RTSHM_BIND_SERIAL;
	b.type = type;
	b.id = id;
	b.serial = serial;
	return rtshm_bind_fd(RTSHM_IOC_OPEN, &b, res);
}

RTSHM_EXPORT int rtshm_open_id(uint32_t id, unsigned int flags,
			       struct rtshm_result *res)
{
	return rtshm_open_by_id(id, 0, RTSHM_TYPE_SHM, flags, res);
}

RTSHM_EXPORT int rtshm_open_serial(uint32_t id, uint64_t serial,
				   unsigned int flags, struct rtshm_result *res)
{
	/* serials start at 1, so 0 cannot name anything */
	if (!serial)
		return -ENOENT;
	return rtshm_open_by_id(id, serial, RTSHM_TYPE_SHM, flags, res);
}

RTSHM_EXPORT int rtshm_sync_open_id(uint32_t id, uint64_t serial,
				    uint32_t type, struct rtshm_result *res)
{
	if (!rtshm_sync_type_ok(type))
		return -EINVAL;
	/* waiting changes the state, so every handle is read-write */
	return rtshm_open_by_id(id, serial, type, RTSHM_RDWR, res);
}

RTSHM_EXPORT int rtshm_delete(int handle)
{
	struct rtshm_delete d;
	struct rtshm_stat st;
	int ret;

	if (handle < 0)
		return -EBADF;
	memset(&d, 0, sizeof(d));
	ret = rtshm_dev_ioctl(handle, RTSHM_IOC_DELETE, &d);
	if (ret != -ENOTTY)
		return ret;
	/* not a handle, or a module before 2.2, which owns nothing */
	return rtshm_stat_raw(handle, &st) ? -EBADF : -EINVAL;
}

/*
 * Whether the bound object's memory has struct pages in a file's address
 * space: sync objects always (shmem), segments from module 1.3 on unless
 * the kernel says otherwise (the pool tier).
 */
static int rtshm_memory_has_pages(int handle, const struct rtshm_stat *st)
{
	struct rtshm_info mi;

	if (st->type != RTSHM_TYPE_SHM)
		return 1;
	if (rtshm_get_info(handle, &mi) || !(mi.features & RTSHM_FEAT_SEGMENT_FILE))
		return 0;
	return !(st->flags & RTSHM_STAT_NO_PAGES);
}

int rtshm_stat_raw(int handle, struct rtshm_stat *st)
{
	int ret;

	if (handle < 0)
		return -EBADF;
	memset(st, 0, sizeof(*st));
	ret = rtshm_dev_ioctl(handle, RTSHM_IOC_STAT, st);
	return ret == -ENOTTY ? -EBADF : ret;
}

RTSHM_EXPORT int rtshm_stat(int handle, struct rtshm_seg_info *info)
{
	struct rtshm_stat st;
	int ret;

	if (!info)
		return -EINVAL;
	ret = rtshm_stat_raw(handle, &st);
	if (ret)
		return ret;

	memset(info, 0, sizeof(*info));
	info->size = st.size;
	info->phys_addr = st.phys_addr;
	info->serial = st.serial;
	info->id = st.id;
	info->mode = st.mode;
	info->uid = st.uid;
	info->gid = st.gid;
	info->creator_pid = st.creator_pid;
	info->handles = st.handles;
	info->mappings = st.mappings;
	info->writable = !!(st.flags & RTSHM_BIND_WRITE);
	info->type = st.type;
	info->name_len = st.name_len < sizeof(info->name) ? st.name_len : 0;
	memcpy(info->name, st.name, info->name_len);
	info->tier = st.tier;
	info->node = st.node;
	info->shared_futex = rtshm_memory_has_pages(handle, &st);
	info->owned = !!(st.flags & RTSHM_STAT_OWNED);
	info->deleted = !!(st.flags & RTSHM_STAT_DELETED);
	return 0;
}

RTSHM_EXPORT int rtshm_close(int handle)
{
	if (handle < 0)
		return -EBADF;
	/* Linux releases the fd even when close() reports an error. */
	return close(handle) ? -errno : 0;
}
