// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RtWaitForSingleObject and RtWaitForMultipleObjects.
 *
 * A take holds the object's guard (see sync.h).  Wait-any tries the
 * objects in index order and takes the first it can: an event or
 * semaphore that is not there is passed over without its guard, one that
 * is (and every mutex) is tried under it.
 * Wait-all takes the guards of all its objects in serial order (so two
 * wait-alls cannot deadlock), checks the events and semaphores, trylocks
 * the mutexes, and only if everything can be had takes it all before
 * dropping the guards; otherwise it gives back the mutexes it trylocked,
 * which nobody could see as the guards were held.  Either wait then sleeps
 * in futex_waitv on the @seq words it read under the guards.
 *
 * A wait for one mutex alone sleeps in the kernel's PI futex instead,
 * which boosts the owner.  A wait that includes a mutex owned by another
 * thread also wakes every RTX_OWNER_POLL_NS to notice the owner's death,
 * which the robust-list cleanup reports to the mutex's own waiters only.
 *
 * Pulses: a wait-any that began before a pulse may return for it later;
 * a wait-all goes by the pulses since its last failed try only, so a pulse
 * that finds the rest of its objects unavailable is lost to it, as Windows
 * loses a pulse that cannot release a waiter at once.
 */
#include "sync.h"

/* One object of a wait and what the wait knows about it. */
struct rtx_waiter {
	struct rtx_sync *s;
	uint32_t pulse_gen;	/* events: pulses after this one count */
	enum rtx_try took;	/* wait-all: what the mutex trylock gave */
};

static int rtx_must_poll(struct rtx_sync *s)
{
	return s->type == RTSHM_OBJ_MUTEX && rtx_mutex_owned(s);
}

/* Guard held: is the event or semaphore of @w available? */
static int rtx_can_take(struct rtx_waiter *w)
{
	if (w->s->type == RTSHM_OBJ_EVENT)
		return rtx_event_can_take(w->s, w->pulse_gen);
	return rtx_sem_can_take(w->s);
}

/* Guard held: take the event or semaphore @rtx_can_take said yes to. */
static void rtx_take(struct rtx_waiter *w)
{
	if (w->s->type == RTSHM_OBJ_EVENT)
		rtx_event_take(w->s, w->pulse_gen);
	else
		rtx_sem_take(w->s);
}

/* Guard held: take @w's object if it can be had now. */
static enum rtx_try rtx_try_one(struct rtx_waiter *w)
{
	if (w->s->type == RTSHM_OBJ_MUTEX)
		return rtx_mutex_try(w->s);
	if (!rtx_can_take(w))
		return RTX_TRY_BUSY;
	rtx_take(w);
	return RTX_TRY_TAKEN;
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

/* Guard held: note @w's @seq, the value a change moves on from. */
static void rtx_note_seq(struct futex_waitv *v, struct rtx_waiter *w)
{
	rtshm_futex_waitv_set(v, &w->s->st->seq, atomic_load(&w->s->st->seq));
}

static DWORD rtx_wait_any(struct rtx_waiter *w, unsigned int n,
			  const struct timespec *deadline, int test_only)
{
	struct futex_waitv v[MAX_WFMO];
	enum rtx_try r;
	unsigned int i;
	int poll;

	for (;;) {
		poll = 0;
		for (i = 0; i < n; i++) {
			rtx_note_seq(&v[i], &w[i]);
			/*
			 * An event or semaphore that is not there needs no
			 * guard to say so: only a take makes one unavailable,
			 * and takes are never undone.
			 */
			if (w[i].s->type != RTSHM_OBJ_MUTEX && !rtx_can_take(&w[i])) {
				r = RTX_TRY_BUSY;
			} else {
				rtx_guard_lock(w[i].s);
				r = rtx_try_one(&w[i]);
				rtx_guard_unlock(w[i].s);
			}
			switch (r) {
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

/*
 * All guards held: take everything or nothing.  Return: WAIT_OBJECT_0,
 * WAIT_ABANDONED_0 + the lowest index of an abandoned mutex, WAIT_TIMEOUT
 * (something is not available) or WAIT_FAILED.
 */
static DWORD rtx_take_all(struct rtx_waiter *w, unsigned int n)
{
	DWORD ret = WAIT_OBJECT_0;
	unsigned int i, j;

	/* events and semaphores cannot change while we hold their guards */
	for (i = 0; i < n; i++)
		if (w[i].s->type != RTSHM_OBJ_MUTEX && !rtx_can_take(&w[i]))
			return WAIT_TIMEOUT;
	for (i = 0; i < n; i++) {
		if (w[i].s->type != RTSHM_OBJ_MUTEX)
			continue;
		w[i].took = rtx_mutex_try(w[i].s);
		if (w[i].took == RTX_TRY_TAKEN)
			continue;
		if (w[i].took == RTX_TRY_ABANDONED) {
			if (ret == WAIT_OBJECT_0)
				ret = WAIT_ABANDONED_0 + i;
			continue;
		}
		for (j = 0; j < i; j++)
			if (w[j].s->type == RTSHM_OBJ_MUTEX)
				rtx_mutex_give_back(w[j].s, w[j].took);
		return w[i].took == RTX_TRY_BUSY ? WAIT_TIMEOUT : WAIT_FAILED;
	}
	for (i = 0; i < n; i++)
		if (w[i].s->type != RTSHM_OBJ_MUTEX)
			rtx_take(&w[i]);
	return ret;
}

static DWORD rtx_wait_all(struct rtx_waiter *w, unsigned int n,
			  const unsigned char *order,
			  const struct timespec *deadline, int test_only)
{
	struct futex_waitv v[MAX_WFMO];
	uint32_t gen[MAX_WFMO];
	unsigned int i;
	DWORD ret;
	int poll;

	for (;;) {
		for (i = 0; i < n; i++)
			rtx_guard_lock(w[order[i]].s);
		/* before deciding: a set after this wakes the sleep below */
		for (i = 0; i < n; i++) {
			rtx_note_seq(&v[i], &w[i]);
			if (w[i].s->type == RTSHM_OBJ_EVENT)
				gen[i] = atomic_load(&w[i].s->st->event.pulse_gen);
		}
		ret = rtx_take_all(w, n);
		poll = 0;
		if (ret == WAIT_TIMEOUT) {
			for (i = 0; i < n; i++) {
				poll |= rtx_must_poll(w[i].s);
				/* the pulses before this try could not release us */
				if (w[i].s->type == RTSHM_OBJ_EVENT)
					w[i].pulse_gen = gen[i];
			}
		}
		for (i = n; i--;)
			rtx_guard_unlock(w[order[i]].s);
		if (ret != WAIT_TIMEOUT)
			return ret;
		if (test_only || (deadline && rtshm_deadline_passed(deadline)))
			return WAIT_TIMEOUT;
		rtx_sleep(w, v, n, deadline, poll);
	}
}

/* Look the handles up; on failure the last error is set. */
static int rtx_wait_get(DWORD n, const HANDLE *handles, struct rtx_waiter *w)
{
	DWORD i;

	for (i = 0; i < n; i++) {
		w[i].s = rtx_sync_get(handles[i], RTX_KIND_ANY);
		if (!w[i].s) {
			SetLastError(ERROR_INVALID_HANDLE);
			goto fail;
		}
		if (w[i].s->type == RTSHM_OBJ_EVENT)
			w[i].pulse_gen = atomic_load(&w[i].s->st->event.pulse_gen);
	}
	return 0;
fail:
	while (i--)
		rtx_object_put(&w[i].s->obj);
	return -1;
}

/*
 * Wait-all's guard order: by serial, which every process sees the same.
 * Return: 0, or -1 if an object is there twice (by any handle).
 */
static int rtx_wait_order(const struct rtx_waiter *w, unsigned int n,
			  unsigned char *order)
{
	unsigned int i, j;

	/* insertion sort: n <= 64, and no shared state for qsort's callback */
	for (i = 0; i < n; i++) {
		for (j = i; j && w[order[j - 1]].s->serial > w[i].s->serial; j--)
			order[j] = order[j - 1];
		order[j] = (unsigned char)i;
	}
	for (i = 1; i < n; i++)
		if (w[order[i - 1]].s->serial == w[order[i]].s->serial)
			return -1;
	return 0;
}

static DWORD rtx_wait(DWORD n, const HANDLE *handles, BOOL all, DWORD ms)
{
	struct rtx_waiter w[MAX_WFMO];
	unsigned char order[MAX_WFMO];
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
	} else if (!all) {
		ret = rtx_wait_any(w, n, deadline, !ms);
	} else if (rtx_wait_order(w, n, order)) {
		/* Win32: one object twice in a wait-all is invalid */
		SetLastError(ERROR_INVALID_PARAMETER);
		ret = WAIT_FAILED;
	} else {
		ret = rtx_wait_all(w, n, order, deadline, !ms);
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
