// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The INtime mailbox protocol on a shared state page: queue, ordered
 * waiting receivers, hand-off and deletion.  See mailbox.h.
 */
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "../core/futex.h"
#include "../core/internal.h"
#include "mailbox.h"

_Static_assert(sizeof(struct mbx_state) <= RTSHM_SYNC_DELETED_OFFSET,
	       "the state page's last 32 bits are the kernel's");
_Static_assert(sizeof(struct mbx_object_msg) <= MBX_DATA_MAX,
	       "an object message is a message");
_Static_assert(MBX_OBJECT_DEPTH * (sizeof(uint16_t) + sizeof(struct mbx_object_msg)) <=
	       sizeof(((struct mbx_state *)0)->queue), "the object queue fits");

/* Bytes of one queued message of @kind: its length and its largest payload. */
static size_t mbx_stride(const struct mbx_state *st)
{
	return sizeof(uint16_t) + (st->kind == MBX_KIND_DATA ?
				   MBX_DATA_MAX : sizeof(struct mbx_object_msg));
}

static uint8_t *mbx_entry(struct mbx_state *st, uint32_t i)
{
	return (uint8_t *)st->queue + (size_t)(i % st->depth) * mbx_stride(st);
}

WORD mbx_state_init(struct mbx_state *st, uint32_t kind, bool priority)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->magic = MBX_MAGIC;
	st->kind = kind;
	st->priority = priority;
	st->depth = kind == MBX_KIND_DATA ? MBX_DATA_DEPTH : MBX_OBJECT_DEPTH;
	if (rtshm_mutex_init(&st->guard, RTSHM_MUTEX_SHARED | RTSHM_MUTEX_PI))
		return E_MEM;
	for (i = 0; i < MBX_WAITERS; i++)
		if (rtshm_mutex_init(&st->waiters[i].owner, RTSHM_MUTEX_SHARED))
			return E_MEM;
	return E_OK;
}

WORD mbx_state_check(const struct mbx_state *st, uint32_t kind)
{
	if (st->magic != MBX_MAGIC ||
	    (st->kind != MBX_KIND_DATA && st->kind != MBX_KIND_OBJECT))
		return E_EXIST;
	return st->kind == kind ? E_OK : E_TYPE;
}

bool mbx_state_deleted(const struct mbx_state *st)
{
	const _Atomic uint32_t *kernel = (const _Atomic uint32_t *)
		((const char *)st + RTSHM_SYNC_DELETED_OFFSET);

	return atomic_load(&st->deleted) ||
	       atomic_load(kernel) == RTSHM_SYNC_DELETED;
}

static void mbx_lock(struct mbx_state *st)
{
	/*
	 * EOWNERDEAD: a process died holding it, in the middle of a few
	 * stores; what it did stands, as if it had finished.
	 */
	if (pthread_mutex_lock(&st->guard) == EOWNERDEAD)
		pthread_mutex_consistent(&st->guard);
}

static void mbx_unlock(struct mbx_state *st)
{
	pthread_mutex_unlock(&st->guard);
}

/* A slot's waiter is alive: it holds @owner.  A dead one's slot is freed. */
static bool mbx_waiter_alive(struct mbx_state *st, struct mbx_waiter *w)
{
	int ret = pthread_mutex_trylock(&w->owner);

	if (ret == EBUSY)
		return true;
	/* EOWNERDEAD (killed while waiting) or 0 (cannot be: left without freeing) */
	if (ret == EOWNERDEAD)
		pthread_mutex_consistent(&w->owner);
	if (ret == 0 || ret == EOWNERDEAD)
		pthread_mutex_unlock(&w->owner);
	atomic_store(&w->state, MBX_SLOT_FREE);
	atomic_fetch_add(&st->slot_seq, 1);
	rtshm_futex_wake(&st->slot_seq, INT_MAX);
	return false;
}

/* The waiter to serve first, or NULL.  Called with the guard held. */
static struct mbx_waiter *mbx_first_waiter(struct mbx_state *st)
{
	struct mbx_waiter *best = NULL, *w;
	unsigned int i;

	for (i = 0; i < MBX_WAITERS; i++) {
		w = &st->waiters[i];
		if (atomic_load(&w->state) != MBX_SLOT_WAITING ||
		    !mbx_waiter_alive(st, w))
			continue;
		/* arrival numbers wrap: compare their distance */
		if (!best || (st->priority && w->prio > best->prio) ||
		    ((!st->priority || w->prio == best->prio) &&
		     (int32_t)(w->order - best->order) < 0))
			best = w;
	}
	return best;
}

WORD mbx_state_send(struct mbx_state *st, const void *msg, uint16_t len)
{
	struct mbx_waiter *w;
	uint8_t *e;

	mbx_lock(st);
	if (mbx_state_deleted(st)) {
		mbx_unlock(st);
		return E_EXIST;
	}
	w = mbx_first_waiter(st);
	if (w) {
		/* straight into the waiter's buffer, as INtime does */
		w->msg.len = len;
		memcpy(w->msg.data, msg, len);
		atomic_store(&w->state, MBX_SLOT_DELIVERED);
		/* under the guard: the slot cannot be reused before the wake */
		rtshm_futex_wake(&w->state, 1);
		mbx_unlock(st);
		return E_OK;
	}
	if (st->count >= st->depth) {
		mbx_unlock(st);
		return E_MEM;	/* INtime: full and no memory to extend it */
	}
	e = mbx_entry(st, st->head + st->count);
	memcpy(e, &len, sizeof(len));
	memcpy(e + sizeof(len), msg, len);
	st->count++;
	mbx_unlock(st);
	return E_OK;
}

/* Take the first queued message.  Called with the guard held, count > 0. */
static void mbx_dequeue(struct mbx_state *st, struct mbx_msg *out)
{
	const uint8_t *e = mbx_entry(st, st->head);

	memcpy(&out->len, e, sizeof(out->len));
	memcpy(out->data, e + sizeof(out->len), out->len);
	st->head = (st->head + 1) % st->depth;
	st->count--;
}

/* The calling thread's real-time priority: what priority queuing orders by. */
static int32_t mbx_my_priority(void)
{
	struct sched_param sp;
	int policy;

	if (pthread_getschedparam(pthread_self(), &policy, &sp))
		return 0;
	return policy == SCHED_FIFO || policy == SCHED_RR ? sp.sched_priority : 0;
}

/*
 * A waiter slot for this thread, or NULL: a free one, or one whose waiter
 * was killed (its owner mutex says EOWNERDEAD).  Guard held.
 */
static struct mbx_waiter *mbx_take_slot(struct mbx_state *st)
{
	struct mbx_waiter *w;
	unsigned int i;
	int ret;

	for (i = 0; i < MBX_WAITERS; i++) {
		w = &st->waiters[i];
		/* under the guard a slot in use is always held: EBUSY */
		ret = pthread_mutex_trylock(&w->owner);
		if (ret == EOWNERDEAD) {
			pthread_mutex_consistent(&w->owner);
			ret = 0;
		}
		if (ret)
			continue;
		w->prio = mbx_my_priority();
		w->order = st->next_order++;
		atomic_store(&w->state, MBX_SLOT_WAITING);
		return w;
	}
	return NULL;
}

/* Give the slot back.  Guard held. */
static void mbx_free_slot(struct mbx_state *st, struct mbx_waiter *w)
{
	atomic_store(&w->state, MBX_SLOT_FREE);
	pthread_mutex_unlock(&w->owner);
	atomic_fetch_add(&st->slot_seq, 1);
	rtshm_futex_wake(&st->slot_seq, INT_MAX);
}

/*
 * Sleep while *@word is @val, until @deadline (NULL: forever), at most
 * MBX_POLL_NS.  False once the deadline has passed.
 */
static bool mbx_nap(_Atomic uint32_t *word, uint32_t val,
		    const struct timespec *deadline)
{
	struct timespec cap;

	if (deadline && rtshm_deadline_passed(deadline))
		return false;
	rtshm_futex_wait(word, val, rtshm_deadline_cap(deadline, MBX_POLL_NS, &cap));
	return true;
}

WORD mbx_state_receive(struct mbx_state *st, DWORD ms, struct mbx_msg *out)
{
	struct timespec until, *deadline = NULL;
	struct mbx_waiter *w;
	uint32_t seq, state;
	WORD status;

	if (ms != WAIT_FOREVER) {
		rtshm_deadline_ms(&until, ms);
		deadline = &until;
	}
	mbx_lock(st);
	for (;;) {
		if (mbx_state_deleted(st)) {
			mbx_unlock(st);
			return E_EXIST;
		}
		if (st->count) {
			mbx_dequeue(st, out);
			mbx_unlock(st);
			return E_OK;
		}
		if (ms == NO_WAIT) {
			mbx_unlock(st);
			return E_TIME;
		}
		w = mbx_take_slot(st);
		if (w)
			break;
		/* every slot is taken: wait for one to free */
		seq = atomic_load(&st->slot_seq);
		mbx_unlock(st);
		if (!mbx_nap(&st->slot_seq, seq, deadline))
			return E_TIME;
		mbx_lock(st);
	}
	mbx_unlock(st);

	while (atomic_load(&w->state) == MBX_SLOT_WAITING && !mbx_state_deleted(st) &&
	       mbx_nap(&w->state, MBX_SLOT_WAITING, deadline))
		;

	mbx_lock(st);
	state = atomic_load(&w->state);
	if (state == MBX_SLOT_DELIVERED) {
		/* it came, if only as the time ran out */
		out->len = w->msg.len;
		memcpy(out->data, w->msg.data, w->msg.len);
		status = E_OK;
	} else if (state == MBX_SLOT_CANCELLED || mbx_state_deleted(st)) {
		status = E_EXIST;
	} else {
		status = E_TIME;
	}
	mbx_free_slot(st, w);
	mbx_unlock(st);
	return status;
}

void mbx_state_kill(struct mbx_state *st)
{
	struct mbx_waiter *w;
	unsigned int i;

	mbx_lock(st);
	atomic_store(&st->deleted, 1);
	st->count = 0;		/* the queue is discarded */
	for (i = 0; i < MBX_WAITERS; i++) {
		w = &st->waiters[i];
		if (atomic_load(&w->state) == MBX_SLOT_WAITING) {
			atomic_store(&w->state, MBX_SLOT_CANCELLED);
			rtshm_futex_wake(&w->state, 1);
		}
	}
	atomic_fetch_add(&st->slot_seq, 1);
	rtshm_futex_wake(&st->slot_seq, INT_MAX);
	mbx_unlock(st);
}
