// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RtWaitForSingleObject and RtWaitForMultipleObjects.
 *
 * A wait tries the objects in index order and, if none (any) or not all
 * (all) can be taken, sleeps in futex_waitv on their @seq words (see
 * rtx_sync.h).  A wait for one mutex alone sleeps in the kernel's PI futex
 * instead, which boosts the owner.  A wait that includes a mutex owned by
 * another thread also wakes every RTX_OWNER_POLL_NS to notice the owner's
 * death, which the robust-list cleanup reports to the mutex's own waiters
 * only.
 *
 * Wait-all takes the objects one by one once it has seen each of them
 * signaled, and gives back what it took if another thread wins one of the
 * rest meanwhile; so it is not atomic with respect to other waiters (RTSS
 * itself only has wait-any).
 */
#include "rtx_sync.h"

/* One object of a wait and what the wait knows about it. */
struct rtx_waiter {
	struct rtx_sync *s;
	uint32_t pulse_gen;	/* events: generation when the wait began */
	int token;		/* the take consumed an auto-reset pulse */
};

static enum rtx_try rtx_try_take(struct rtx_waiter *w)
{
	switch (w->s->type) {
	case RTSHM_OBJ_EVENT:
		return rtx_event_try(w->s, w->pulse_gen, &w->token);
	case RTSHM_OBJ_SEMAPHORE:
		return rtx_sem_try(w->s);
	default:
		return rtx_mutex_try(w->s);
	}
}

static void rtx_give_back(struct rtx_waiter *w)
{
	switch (w->s->type) {
	case RTSHM_OBJ_EVENT:
		rtx_event_undo(w->s, w->token);
		break;
	case RTSHM_OBJ_SEMAPHORE:
		rtx_sem_undo(w->s);
		break;
	default:
		rtx_mutex_undo(w->s);
		break;
	}
}

/*
 * Sleep until one of @v's words changes, a wake-up, or the deadline; no
 * longer than RTX_OWNER_POLL_NS if @poll.
 */
static void rtx_sleep(struct rtx_waiter *w, struct futex_waitv *v,
		      unsigned int n, const struct timespec *deadline, int poll)
{
	struct timespec cap;
	unsigned int i;

	if (poll)
		deadline = rtshm_deadline_cap(deadline, RTX_OWNER_POLL_NS, &cap);
	for (i = 0; i < n; i++)
		atomic_fetch_add(&w[i].s->st->sleepers, 1);
	rtshm_futex_waitv(v, n, deadline);
	for (i = 0; i < n; i++)
		atomic_fetch_sub(&w[i].s->st->sleepers, 1);
}

static int rtx_must_poll(struct rtx_sync *s)
{
	return s->type == RTSHM_OBJ_MUTEX && rtx_mutex_owned(s);
}

static DWORD rtx_wait_any(struct rtx_waiter *w, unsigned int n,
			  const struct timespec *deadline, int test_only)
{
	struct futex_waitv v[MAX_WFMO];
	unsigned int i;
	int poll;

	for (;;) {
		poll = 0;
		for (i = 0; i < n; i++) {
			/* the value before the try: a later change wakes us */
			rtshm_futex_waitv_set(&v[i], &w[i].s->st->seq,
					      atomic_load(&w[i].s->st->seq));
			switch (rtx_try_take(&w[i])) {
			case RTX_TRY_TAKEN:
				return WAIT_OBJECT_0 + i;
			case RTX_TRY_ABANDONED:
				return WAIT_ABANDONED_0 + i;
			case RTX_TRY_FAILED:
				return WAIT_FAILED;
			case RTX_TRY_BUSY:
				poll |= rtx_must_poll(w[i].s);
				break;
			}
		}
		if (test_only || (deadline && rtshm_deadline_passed(deadline)))
			return WAIT_TIMEOUT;
		rtx_sleep(w, v, n, deadline, poll);
	}
}

static DWORD rtx_wait_all(struct rtx_waiter *w, unsigned int n,
			  const struct timespec *deadline, int test_only)
{
	struct futex_waitv v;
	int abandoned;
	unsigned int i, j;
	enum rtx_try r;

	for (;;) {
		abandoned = -1;
		for (i = 0; i < n; i++) {
			rtshm_futex_waitv_set(&v, &w[i].s->st->seq,
					      atomic_load(&w[i].s->st->seq));
			r = rtx_try_take(&w[i]);
			if (r == RTX_TRY_ABANDONED && abandoned < 0)
				abandoned = (int)i;
			if (r == RTX_TRY_BUSY || r == RTX_TRY_FAILED)
				break;
		}
		if (i == n)
			return abandoned < 0 ? WAIT_OBJECT_0
					     : WAIT_ABANDONED_0 + (DWORD)abandoned;
		for (j = 0; j < i; j++)
			rtx_give_back(&w[j]);
		if (r == RTX_TRY_FAILED)
			return WAIT_FAILED;
		if (test_only || (deadline && rtshm_deadline_passed(deadline)))
			return WAIT_TIMEOUT;
		/* object i stopped us: sleep until it changes */
		rtx_sleep(&w[i], &v, 1, deadline, rtx_must_poll(w[i].s));
	}
}

/* Look the handles up; on failure the last error is set. */
static int rtx_wait_get(DWORD n, const HANDLE *handles, struct rtx_waiter *w)
{
	DWORD i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (handles[j] == handles[i]) {
				SetLastError(ERROR_INVALID_PARAMETER);
				goto fail;
			}
		w[i].s = rtx_sync_get(handles[i], RTX_KIND_ANY);
		if (!w[i].s) {
			SetLastError(ERROR_INVALID_HANDLE);
			goto fail;
		}
		w[i].token = 0;
		if (w[i].s->type == RTSHM_OBJ_EVENT)
			w[i].pulse_gen = atomic_load(&w[i].s->st->event.pulse_gen);
	}
	return 0;
fail:
	while (i--)
		rtx_object_put(&w[i].s->obj);
	return -1;
}

static DWORD rtx_wait(DWORD n, const HANDLE *handles, BOOL all, DWORD ms)
{
	struct rtx_waiter w[MAX_WFMO];
	struct timespec ts, *deadline = NULL;
	enum rtx_try r;
	DWORD ret, i;

	if (rtx_wait_get(n, handles, w))
		return WAIT_FAILED;
	if (ms != INFINITE && ms) {
		rtshm_deadline_ms(&ts, ms);
		deadline = &ts;
	}
	if (n == 1 && w[0].s->type == RTSHM_OBJ_MUTEX && ms) {
		r = rtx_mutex_lock(w[0].s, deadline);
		ret = r == RTX_TRY_TAKEN ? WAIT_OBJECT_0 :
		      r == RTX_TRY_ABANDONED ? WAIT_ABANDONED_0 :
		      r == RTX_TRY_BUSY ? WAIT_TIMEOUT : WAIT_FAILED;
	} else if (all) {
		ret = rtx_wait_all(w, n, deadline, !ms);
	} else {
		ret = rtx_wait_any(w, n, deadline, !ms);
	}
	for (i = 0; i < n; i++)
		rtx_object_put(&w[i].s->obj);
	return ret;
}

RTSHM_EXPORT DWORD RtWaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
	return rtx_wait(1, &hHandle, FALSE, dwMilliseconds);
}

RTSHM_EXPORT DWORD RtWaitForMultipleObjects(DWORD nCount, CONST HANDLE *lpHandles,
					    BOOL bWaitAll, DWORD dwMilliseconds)
{
	if (!nCount || nCount > MAX_WFMO || !lpHandles) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return WAIT_FAILED;
	}
	return rtx_wait(nCount, lpHandles, bWaitAll, dwMilliseconds);
}
