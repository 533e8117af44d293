// SPDX-License-Identifier: LGPL-2.1-or-later
/* RTX semaphores: RtCreateSemaphore, RtOpenSemaphore, RtReleaseSemaphore. */
#include <string.h>

#include "sync.h"

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
	if (rtx_sync_state_init(&init, RTSHM_OBJ_SEMAPHORE)) {
		SetLastError(ERROR_GEN_FAILURE);
		return NULL;
	}
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

/*
 * Add @n to the count unless that passes the maximum.  0 or ERROR_*.  No
 * guard: a release only makes more available, and takes subtract
 * atomically, so the check against the maximum sees every take.
 */
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

int rtx_sem_can_take(struct rtx_sync *s)
{
	return atomic_load(&s->st->sem.count) > 0;
}

void rtx_sem_take(struct rtx_sync *s)
{
	atomic_fetch_sub(&s->st->sem.count, 1);
}
