// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The INtime semaphore protocol on its state page (see rtsem.h): unit
 * counting, the FIFO or priority queue of waiter slots, deletion.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "../core/futex.h"
#include "../core/internal.h"
#include "rtsem.h"

/* Tries of the guard before sleeping for it. */
#define RTSEM_SPIN	200

_Static_assert(sizeof(struct rtsem_state) <= RTSHM_SYNC_DELETED_OFFSET,
	       "the state must leave the kernel's deleted word alone");

WORD rtsem_state_init(struct rtsem_state *st, uint32_t init, uint32_t max,
		      bool priority)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->magic = RTSEM_MAGIC;
	st->priority = priority;
	st->max = max;
	st->count = init;
	if (rtshm_mutex_init(&st->guard, RTSHM_MUTEX_SHARED | RTSHM_MUTEX_PI))
		return E_MEM;
	/* the waiters' mutexes only tell whether their thread lives: no PI */
	for (i = 0; i < RTSEM_WAITERS; i++)
		if (rtshm_mutex_init(&st->waiters[i].owner, RTSHM_MUTEX_SHARED))
			return E_MEM;
	return E_OK;
}

WORD rtsem_state_check(const struct rtsem_state *st)
{
	return st->magic == RTSEM_MAGIC && st->max && st->max <= 0xFFFF ?
	       E_OK : E_TYPE;
}

bool rtsem_state_deleted(const struct rtsem_state *st)
{
	/* the kernel's word: set when the owner died or was deleted */
	_Atomic uint32_t *kernel = (_Atomic uint32_t *)
		((uintptr_t)st + RTSHM_SYNC_DELETED_OFFSET);

	return atomic_load(&st->deleted) ||
	       atomic_load(kernel) == RTSHM_SYNC_DELETED;
}

static void rtsem_lock(struct rtsem_state *st)
{
	int ret, i;

	/*
	 * The guard is held for a few instructions: spin briefly before
	 * sleeping in the kernel's PI futex, whose contended path costs far
	 * more than the wait (the other side of a hand-off takes the guard
	 * the moment it is woken).
	 */
	for (i = 0; i < RTSEM_SPIN; i++) {
		ret = pthread_mutex_trylock(&st->guard);
		if (ret != EBUSY)
			break;
		__builtin_ia32_pause();
	}
	if (ret == EBUSY)
		ret = pthread_mutex_lock(&st->guard);
	/*
	 * EOWNERDEAD: a process died holding it, between two stores of a
	 * wait or a release; what it did stands, as if it had finished.
	 */
	if (ret == EOWNERDEAD)
		pthread_mutex_consistent(&st->guard);
}

static void rtsem_unlock(struct rtsem_state *st)
{
	pthread_mutex_unlock(&st->guard);
}

/* The caller's real-time priority: SCHED_FIFO/RR priority, else 0. */
static int32_t rtsem_my_priority(void)
{
	struct sched_param sp;
	int policy;

	if (pthread_getschedparam(pthread_self(), &policy, &sp))
		return 0;
	return policy == SCHED_FIFO || policy == SCHED_RR ? sp.sched_priority : 0;
}

/* Whether a waiting slot's thread lives.  Called with the guard held. */
static bool rtsem_waiter_alive(struct rtsem_waiter *w)
{
	int ret = pthread_mutex_trylock(&w->owner);

	if (ret == EBUSY)
		return true;
	/* EOWNERDEAD: killed while waiting; 0 cannot happen, but free it too */
	if (ret == EOWNERDEAD)
		pthread_mutex_consistent(&w->owner);
	if (ret == EOWNERDEAD || ret == 0)
		pthread_mutex_unlock(&w->owner);
	return false;
}

/* @a arrived before @b (arrival numbers wrap). */
static bool rtsem_earlier(const struct rtsem_waiter *a, const struct rtsem_waiter *b)
{
	return (int32_t)(a->order - b->order) < 0;
}

/*
 * The head of the queue, or NULL if nobody waits; slots of killed
 * waiters are freed on the way.  Called with the guard held.
 */
static struct rtsem_waiter *rtsem_head(struct rtsem_state *st)
{
	struct rtsem_waiter *best = NULL, *w;
	size_t i;

	if (!st->waiting)
		return NULL;
	for (i = 0; i < RTSEM_WAITERS; i++) {
		w = &st->waiters[i];
		if (atomic_load(&w->state) != RTSEM_WAITING)
			continue;
		if (!rtsem_waiter_alive(w)) {
			atomic_store(&w->state, RTSEM_FREE);
			st->waiting--;
			continue;
		}
		if (!best ||
		    (st->priority && w->prio > best->prio) ||
		    ((!st->priority || w->prio == best->prio) &&
		     rtsem_earlier(w, best)))
			best = w;
	}
	return best;
}

/* Waiters served by one call, to wake once the guard is dropped. */
struct rtsem_wakes {
	unsigned int n;
	struct rtsem_waiter *w[RTSEM_WAITERS];
};

/*
 * Give units to the head of the queue while its request fits, noting the
 * waiters to wake in @wk.  Called with the guard held.
 */
static void rtsem_grant(struct rtsem_state *st, struct rtsem_wakes *wk)
{
	struct rtsem_waiter *w;

	while ((w = rtsem_head(st)) && w->units <= st->count) {
		st->count -= w->units;
		w->left = st->count;
		st->waiting--;
		atomic_store(&w->state, RTSEM_GRANTED);
		wk->w[wk->n++] = w;
	}
}

/*
 * Wake the waiters of @wk, after the guard is dropped so the woken never
 * find it held by the system call that woke them.  A slot its waiter left
 * and another took meanwhile gets a spurious wake-up, which it ignores.
 */
static void rtsem_wake(struct rtsem_wakes *wk)
{
	unsigned int i;

	for (i = 0; i < wk->n; i++)
		rtshm_futex_wake(&wk->w[i]->state, 1);
}

/* A free slot, or NULL.  Called with the guard held. */
static struct rtsem_waiter *rtsem_free_slot(struct rtsem_state *st)
{
	size_t i;

	for (i = 0; i < RTSEM_WAITERS; i++)
		if (atomic_load(&st->waiters[i].state) == RTSEM_FREE)
			return &st->waiters[i];
	return NULL;
}

/* Leave a slot this thread waited in; its state is not RTSEM_WAITING any more. */
static void rtsem_leave(struct rtsem_waiter *w)
{
	pthread_mutex_unlock(&w->owner);
	atomic_store(&w->state, RTSEM_FREE);
}

/* Sleep in @w until it is granted or cancelled, @deadline passes or the page dies. */
static uint32_t rtsem_sleep(struct rtsem_state *st, struct rtsem_waiter *w,
			    const struct timespec *deadline)
{
	const struct timespec *until;
	struct timespec slice;
	uint32_t s;

	for (;;) {
		s = atomic_load(&w->state);
		if (s != RTSEM_WAITING || rtsem_state_deleted(st) ||
		    (deadline && rtshm_deadline_passed(deadline)))
			return s;
		/* bounded: the kernel's deleted word wakes nobody */
		until = rtshm_deadline_cap(deadline, RTSEM_POLL_NS, &slice);
		rtshm_futex_wait(&w->state, RTSEM_WAITING, until);
	}
}

WORD rtsem_state_wait(struct rtsem_state *st, uint32_t units, DWORD ms,
		      uint32_t *left)
{
	struct rtsem_wakes wk = { .n = 0 };
	struct timespec deadline;
	struct rtsem_waiter *w, *head;
	int32_t prio;
	uint32_t s;
	int ret;

	if (rtsem_state_deleted(st))
		return E_EXIST;
	if (units > st->max)
		return E_LIMIT;
	prio = st->priority ? rtsem_my_priority() : 0;
	rtsem_lock(st);
	if (rtsem_state_deleted(st)) {
		rtsem_unlock(st);
		return E_EXIST;
	}
	if (!units) {
		*left = st->count;
		rtsem_unlock(st);
		return E_OK;
	}
	/* a killed head may have hidden one that fits: serve the queue first */
	rtsem_grant(st, &wk);
	/* at once only if it would head the queue, and only all units */
	head = rtsem_head(st);
	if ((!head || (st->priority && prio > head->prio)) && st->count >= units) {
		st->count -= units;
		*left = st->count;
		rtsem_unlock(st);
		rtsem_wake(&wk);
		return E_OK;
	}
	w = ms == NO_WAIT ? NULL : rtsem_free_slot(st);
	if (!w) {
		rtsem_unlock(st);
		rtsem_wake(&wk);
		return ms == NO_WAIT ? E_TIME : E_LIMIT;
	}
	ret = pthread_mutex_lock(&w->owner);
	if (ret == EOWNERDEAD)
		pthread_mutex_consistent(&w->owner);
	w->prio = prio;
	w->units = units;
	w->order = st->next_order++;
	atomic_store(&w->state, RTSEM_WAITING);
	st->waiting++;
	rtsem_unlock(st);
	rtsem_wake(&wk);
	wk.n = 0;

	if (ms != WAIT_FOREVER)
		rtshm_deadline_ms(&deadline, ms);
	s = rtsem_sleep(st, w, ms == WAIT_FOREVER ? NULL : &deadline);
	if (s == RTSEM_WAITING) {
		/* timed out, or the kernel deleted it: leave the queue */
		rtsem_lock(st);
		s = atomic_load(&w->state);
		if (s == RTSEM_WAITING) {
			st->waiting--;
			atomic_store(&w->state, RTSEM_CANCELLED);
			/* a head that leaves may let the next one through */
			if (!rtsem_state_deleted(st))
				rtsem_grant(st, &wk);
			s = rtsem_state_deleted(st) ? RTSEM_CANCELLED : RTSEM_FREE;
		}
		rtsem_unlock(st);
		rtsem_wake(&wk);
	}
	if (s == RTSEM_GRANTED)
		*left = w->left;
	rtsem_leave(w);
	if (s == RTSEM_GRANTED)
		return E_OK;
	return s == RTSEM_CANCELLED ? E_EXIST : E_TIME;
}

WORD rtsem_state_release(struct rtsem_state *st, uint32_t units)
{
	struct rtsem_wakes wk = { .n = 0 };
	WORD status = E_OK;

	rtsem_lock(st);
	if (rtsem_state_deleted(st))
		status = E_EXIST;
	else if (units > st->max - st->count)
		status = E_LIMIT;
	if (status == E_OK) {
		st->count += units;
		rtsem_grant(st, &wk);
	}
	rtsem_unlock(st);
	rtsem_wake(&wk);
	return status;
}

void rtsem_state_kill(struct rtsem_state *st)
{
	struct rtsem_waiter *w;
	size_t i;

	rtsem_lock(st);
	atomic_store(&st->deleted, 1);
	for (i = 0; i < RTSEM_WAITERS; i++) {
		w = &st->waiters[i];
		if (atomic_load(&w->state) == RTSEM_WAITING) {
			atomic_store(&w->state, RTSEM_CANCELLED);
			rtshm_futex_wake(&w->state, 1);
		}
	}
	st->waiting = 0;
	rtsem_unlock(st);
}
