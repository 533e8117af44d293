// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RTX mutexes: RtCreateMutex, RtOpenMutex, RtReleaseMutex.
 *
 * The state page holds a process-shared, robust, priority-inheriting,
 * recursive pthread mutex.  So the kernel's PI futexes boost an owner to
 * its highest waiter's priority, and its robust lists hand the mutex to
 * the next waiter with EOWNERDEAD (WAIT_ABANDONED) when the owner thread
 * dies, however it dies.
 */
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sync.h"

/* What a pthread lock call returned, as a take result. */
static enum rtx_try rtx_mutex_result(struct rtx_sync *s, int ret)
{
	switch (ret) {
	case 0:
		/* given back abandoned by a wait-all: still abandoned for us */
		if (s->st->mutex.abandoned) {
			s->st->mutex.abandoned = 0;
			return RTX_TRY_ABANDONED;
		}
		return RTX_TRY_TAKEN;
	case EOWNERDEAD:
		/* ours now; the data it guards may need repair */
		pthread_mutex_consistent(&s->st->mutex.m);
		return RTX_TRY_ABANDONED;
	case EBUSY:
	case ETIMEDOUT:
		return RTX_TRY_BUSY;
	default:	/* EAGAIN: recursion count overflow */
		SetLastError(ERROR_GEN_FAILURE);
		return RTX_TRY_FAILED;
	}
}

/*
 * A creator that asked for initial ownership takes the mutex right after
 * creating it; until then waits hold back.  Should the creator die first,
 * nobody else will, so its death lifts the gate.  0 or -ETIMEDOUT.
 */
static int rtx_mutex_wait_ready(struct rtx_sync *s,
				const struct timespec *deadline)
{
	struct rtx_mutex_state *mx = &s->st->mutex;
	struct rtshm_seg_info info;
	struct timespec cap;

	while (!atomic_load(&mx->ready)) {
		if (deadline && rtshm_deadline_passed(deadline))
			return -ETIMEDOUT;
		rtshm_futex_wait(&mx->ready, 0,
				 rtshm_deadline_cap(deadline, RTX_OWNER_POLL_NS, &cap));
		if (!atomic_load(&mx->ready) && !rtshm_stat(s->fd, &info) &&
		    !info.creator_pid)
			atomic_store(&mx->ready, 1);
	}
	return 0;
}

static void rtx_mutex_set_ready(struct rtx_sync *s)
{
	atomic_store(&s->st->mutex.ready, 1);
	rtshm_futex_wake(&s->st->mutex.ready, INT_MAX);
	rtx_sync_changed(s->st);
}

static HANDLE rtx_mutex_create(BOOL initial_owner, DWORD name_err,
			       const char *name)
{
	struct rtx_sync_state init;
	struct rtx_sync *s;
	int created = 0;
	HANDLE h;

	if (rtx_sync_state_init(&init, RTSHM_OBJ_MUTEX) ||
	    rtshm_mutex_init(&init.mutex.m, RTSHM_MUTEX_SHARED |
			     RTSHM_MUTEX_PI | RTSHM_MUTEX_RECURSIVE)) {
		SetLastError(ERROR_GEN_FAILURE);
		return NULL;
	}
	atomic_init(&init.mutex.ready, !initial_owner);
	h = rtx_sync_create(RTSHM_OBJ_MUTEX, &init, name_err, name, &created);
	if (!h)
		return NULL;
	/* an existing mutex ignores bInitialOwner, as on Windows */
	if (initial_owner && created) {
		s = rtx_sync_get(h, RTX_KIND_MUTEX);
		/* nobody else can lock it before ready is set */
		pthread_mutex_lock(&s->st->mutex.m);
		rtx_mutex_set_ready(s);
		rtx_object_put(&s->obj);
	}
	SetLastError(created ? ERROR_SUCCESS : ERROR_ALREADY_EXISTS);
	return h;
}

RTSHM_EXPORT HANDLE RtCreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
				   BOOL bInitialOwner, LPCSTR lpName)
{
	const char *name;
	DWORD err = rtx_name_ansi(lpName, &name);

	(void)lpMutexAttributes;
	return rtx_mutex_create(bInitialOwner, err, name);
}

RTSHM_EXPORT HANDLE RtCreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
				   BOOL bInitialOwner, LPCWSTR lpName)
{
	char buf[RTX_NAME_MAX + 1];
	const char *name;
	DWORD err = rtx_name_wide(lpName, buf, &name);

	(void)lpMutexAttributes;
	return rtx_mutex_create(bInitialOwner, err, name);
}

RTSHM_EXPORT HANDLE RtOpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle,
				 LPCSTR lpName)
{
	(void)bInheritHandle;
	return rtx_sync_open_ansi(RTSHM_OBJ_MUTEX, dwDesiredAccess, lpName);
}

RTSHM_EXPORT HANDLE RtOpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle,
				 LPCWSTR lpName)
{
	(void)bInheritHandle;
	return rtx_sync_open_wide(RTSHM_OBJ_MUTEX, dwDesiredAccess, lpName);
}

RTSHM_EXPORT BOOL RtReleaseMutex(HANDLE hMutex)
{
	struct rtx_sync *s = rtx_sync_get(hMutex, RTX_KIND_MUTEX);
	int ret;

	if (!s) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	/*
	 * No guard: ownership is the futex word's, which trylock reads
	 * atomically; the guard orders only the other types' state.
	 */
	ret = pthread_mutex_unlock(&s->st->mutex.m);
	if (!ret)
		rtx_sync_changed(s->st);	/* for multi-object waits */
	rtx_object_put(&s->obj);
	if (ret) {
		SetLastError(ERROR_NOT_OWNER);
		return FALSE;
	}
	return TRUE;
}

enum rtx_try rtx_mutex_try(struct rtx_sync *s)
{
	if (!atomic_load(&s->st->mutex.ready))
		return RTX_TRY_BUSY;
	return rtx_mutex_result(s, pthread_mutex_trylock(&s->st->mutex.m));
}

void rtx_mutex_give_back(struct rtx_sync *s, enum rtx_try how)
{
	/* nobody saw it taken (the guard is held): no wake-up */
	if (how == RTX_TRY_ABANDONED)
		s->st->mutex.abandoned = 1;
	pthread_mutex_unlock(&s->st->mutex.m);
}

enum rtx_try rtx_mutex_lock(struct rtx_sync *s, const struct timespec *deadline)
{
	int ret;

	if (rtx_mutex_wait_ready(s, deadline))
		return RTX_TRY_BUSY;
	if (deadline)
		ret = pthread_mutex_clocklock(&s->st->mutex.m, CLOCK_MONOTONIC,
					      deadline);
	else
		ret = pthread_mutex_lock(&s->st->mutex.m);
	return rtx_mutex_result(s, ret);
}

/* The owner's thread id: the PI futex word's low bits (0: unowned). */
static pid_t rtx_mutex_owner_tid(struct rtx_sync *s)
{
	return (pid_t)(__atomic_load_n(&s->st->mutex.m.__data.__lock,
				       __ATOMIC_SEQ_CST) & FUTEX_TID_MASK);
}

int rtx_mutex_owned(struct rtx_sync *s)
{
	return !atomic_load(&s->st->mutex.ready) || rtx_mutex_owner_tid(s);
}

int rtx_mutex_owned_here(struct rtx_sync *s)
{
	pid_t tid = rtx_mutex_owner_tid(s);

	/* signal 0 to (our pid, tid) only succeeds for a thread of ours */
	return tid && !syscall(SYS_tgkill, getpid(), tid, 0);
}
