// SPDX-License-Identifier: LGPL-2.1-or-later
/* RTX semaphores: RtCreateSemaphore, RtOpenSemaphore, RtReleaseSemaphore. */
#include <string.h>

#include "rtx_sync.h"

static HANDLE rtx_sem_create(LONG initial, LONG max, DWORD name_err,
			     const char *name)
{
	struct rtx_sync_state init;
	int created = 0;
	HANDLE h;

	if (max <= 0 || initial < 0 || initial > max) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	memset(&init, 0, sizeof(init));
	init.magic = RTX_SYNC_MAGIC;
	init.type = RTSHM_OBJ_SEMAPHORE;
	init.sem.max = max;
	atomic_init(&init.sem.count, initial);
	h = rtx_sync_create(RTSHM_OBJ_SEMAPHORE, &init, name_err, name, &created);
	if (h)
		SetLastError(created ? ERROR_SUCCESS : ERROR_ALREADY_EXISTS);
	return h;
}

RTSHM_EXPORT HANDLE RtCreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
				       LONG lInitialCount, LONG lMaximumCount,
				       LPCSTR lpName)
{
	const char *name;
	DWORD err = rtx_name_ansi(lpName, &name);

	(void)lpSemaphoreAttributes;
	return rtx_sem_create(lInitialCount, lMaximumCount, err, name);
}

RTSHM_EXPORT HANDLE RtCreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
				       LONG lInitialCount, LONG lMaximumCount,
				       LPCWSTR lpName)
{
	char buf[RTX_NAME_MAX + 1];
	const char *name;
	DWORD err = rtx_name_wide(lpName, buf, &name);

	(void)lpSemaphoreAttributes;
	return rtx_sem_create(lInitialCount, lMaximumCount, err, name);
}

RTSHM_EXPORT HANDLE RtOpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle,
				     LPCSTR lpName)
{
	(void)bInheritHandle;
	return rtx_sync_open_ansi(RTSHM_OBJ_SEMAPHORE, dwDesiredAccess, lpName);
}

RTSHM_EXPORT HANDLE RtOpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle,
				     LPCWSTR lpName)
{
	(void)bInheritHandle;
	return rtx_sync_open_wide(RTSHM_OBJ_SEMAPHORE, dwDesiredAccess, lpName);
}

/* Add @n to the count unless that passes the maximum.  0 or ERROR_*. */
static DWORD rtx_sem_add(struct rtx_sync *s, LONG n, LONG *prev)
{
	struct rtx_sem_state *sem = &s->st->sem;
	int32_t old = atomic_load(&sem->count);

	do {
		if (old > sem->max - n)
			return ERROR_TOO_MANY_POSTS;
	} while (!atomic_compare_exchange_weak(&sem->count, &old, old + n));
	if (prev)
		*prev = old;
	rtx_sync_changed(s->st);
	return 0;
}

RTSHM_EXPORT BOOL RtReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
				     LPLONG lpPreviousCount)
{
	struct rtx_sync *s = rtx_sync_get(hSemaphore, RTX_KIND_SEMAPHORE);
	DWORD err;

	if (!s) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	err = lReleaseCount > 0 ? rtx_sem_add(s, lReleaseCount, lpPreviousCount)
				: ERROR_INVALID_PARAMETER;
	rtx_object_put(&s->obj);
	if (err) {
		SetLastError(err);
		return FALSE;
	}
	return TRUE;
}

enum rtx_try rtx_sem_try(struct rtx_sync *s)
{
	_Atomic int32_t *count = &s->st->sem.count;
	int32_t old = atomic_load(count);

	while (old > 0)
		if (atomic_compare_exchange_weak(count, &old, old - 1))
			return RTX_TRY_TAKEN;
	return RTX_TRY_BUSY;
}

void rtx_sem_undo(struct rtx_sync *s)
{
	atomic_fetch_add(&s->st->sem.count, 1);
	rtx_sync_changed(s->st);
}
