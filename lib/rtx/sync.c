// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Handles of RTX events, mutexes and semaphores: a native handle of the
 * kernel object plus a mapping of its state page, in the RTX handle table.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sync.h"

/*
 * Access masks an open accepts: 0 (which ported code passes), the
 * object-specific and standard rights (SYNCHRONIZE, *_MODIFY_STATE,
 * *_ALL_ACCESS, DELETE ...), MAXIMUM_ALLOWED and GENERIC_*.  Every handle
 * can wait and signal whatever it asked for, as in RTSS.
 */
#define RTX_SYNC_ACCESS_BITS	(0x001F0003u | 0x02000000u | 0xF0000000u)

static void rtx_sync_destroy(struct rtx_object *obj)
{
	struct rtx_sync *s = to_sync(obj);

	/*
	 * A robust mutex a thread of ours still owns is linked into that
	 * thread's robust list by its address here: the kernel reads the
	 * list when the thread ends, so the page must stay mapped.
	 */
	if (s->type != RTSHM_OBJ_MUTEX || !rtx_mutex_owned_here(s))
		munmap(s->st, RTSHM_SYNC_STATE_BYTES);
	rtshm_close(s->fd);
	free(s);
}

static const struct rtx_object_ops rtx_sync_ops[] = {
	[RTSHM_OBJ_EVENT] = { .kind = RTX_KIND_EVENT, .destroy = rtx_sync_destroy },
	[RTSHM_OBJ_MUTEX] = { .kind = RTX_KIND_MUTEX, .destroy = rtx_sync_destroy },
	[RTSHM_OBJ_SEMAPHORE] = { .kind = RTX_KIND_SEMAPHORE,
				  .destroy = rtx_sync_destroy },
};

/* Wrap a bound native handle; it is closed on failure. */
static HANDLE rtx_sync_bind(int fd, uint32_t type, DWORD *err)
{
	struct rtshm_seg_info info;
	struct rtx_sync *s;
	void *page;
	HANDLE h;
	int ret;

	page = mmap(NULL, RTSHM_SYNC_STATE_BYTES, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, 0);
	if (page == MAP_FAILED) {
		*err = rtx_error_from_native(-errno);
		rtshm_close(fd);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		*err = ERROR_NOT_ENOUGH_MEMORY;
		munmap(page, RTSHM_SYNC_STATE_BYTES);
		rtshm_close(fd);
		return NULL;
	}
	rtx_object_init(&s->obj, &rtx_sync_ops[type]);
	s->st = page;
	s->fd = fd;
	s->type = type;
	/* written by another layout version of this library */
	if (s->st->magic != RTX_SYNC_MAGIC || s->st->type != type) {
		*err = ERROR_REVISION_MISMATCH;
		rtx_sync_destroy(&s->obj);
		return NULL;
	}
	ret = rtshm_stat(fd, &info);
	if (ret) {
		*err = rtx_error_from_native(ret);
		rtx_sync_destroy(&s->obj);
		return NULL;
	}
	s->serial = info.serial;
	h = rtx_handle_insert(&s->obj, err);
	if (!h)
		rtx_sync_destroy(&s->obj);
	return h;
}

static HANDLE rtx_sync_fail(DWORD err)
{
	SetLastError(err);
	return NULL;
}

/* A handle for what a native create or open returned (fd or -errno). */
static HANDLE rtx_sync_handle(int fd, uint32_t type)
{
	DWORD err;
	HANDLE h;

	if (fd < 0)
		return rtx_sync_fail(rtx_error_from_native(fd));
	h = rtx_sync_bind(fd, type, &err);
	return h ? h : rtx_sync_fail(err);
}

HANDLE rtx_sync_create(uint32_t type, const struct rtx_sync_state *init,
		       DWORD name_err, const char *name, int *created)
{
	struct rtshm_result res = { 0 };
	HANDLE h;

	if (name_err)
		return rtx_sync_fail(name_err);
	h = rtx_sync_handle(rtshm_sync_create(name, type, init, sizeof(*init), 0,
					      rtx_create_mode(), &res), type);
	*created = res.created;
	return h;
}

static HANDLE rtx_sync_open(uint32_t type, DWORD access, DWORD name_err,
			    const char *name)
{
	if (access & ~RTX_SYNC_ACCESS_BITS)
		return rtx_sync_fail(ERROR_INVALID_PARAMETER);
	if (name_err)
		return rtx_sync_fail(name_err);
	if (!name)
		return rtx_sync_fail(ERROR_INVALID_PARAMETER);
	return rtx_sync_handle(rtshm_sync_open(name, type, NULL), type);
}

HANDLE rtx_sync_open_ansi(uint32_t type, DWORD access, LPCSTR name)
{
	const char *utf8;
	DWORD err = rtx_name_ansi(name, &utf8);

	return rtx_sync_open(type, access, err, utf8);
}

HANDLE rtx_sync_open_wide(uint32_t type, DWORD access, LPCWSTR name)
{
	char buf[RTX_NAME_MAX + 1];
	const char *utf8;
	DWORD err = rtx_name_wide(name, buf, &utf8);

	return rtx_sync_open(type, access, err, utf8);
}

struct rtx_sync *rtx_sync_get(HANDLE h, enum rtx_kind kind)
{
	struct rtx_object *obj = rtx_handle_get(h, kind);

	if (obj && obj->ops->destroy != rtx_sync_destroy) {
		rtx_object_put(obj);	/* a shared-memory handle */
		obj = NULL;
	}
	return obj ? to_sync(obj) : NULL;
}

int rtx_sync_state_init(struct rtx_sync_state *st, uint32_t type)
{
	memset(st, 0, sizeof(*st));
	st->magic = RTX_SYNC_MAGIC;
	st->type = type;
	return rtshm_mutex_init(&st->guard, RTSHM_MUTEX_SHARED | RTSHM_MUTEX_PI);
}

void rtx_guard_lock(struct rtx_sync *s)
{
	/*
	 * EOWNERDEAD: a process died holding it, between two stores of a
	 * take or a change; what it did stands, as if it had finished.
	 */
	if (pthread_mutex_lock(&s->st->guard) == EOWNERDEAD)
		pthread_mutex_consistent(&s->st->guard);
}

void rtx_guard_unlock(struct rtx_sync *s)
{
	pthread_mutex_unlock(&s->st->guard);
}

void rtx_sync_changed(struct rtx_sync_state *st)
{
	atomic_fetch_add(&st->seq, 1);
	if (atomic_load(&st->sleepers))
		rtshm_futex_wake(&st->seq, INT_MAX);
}
