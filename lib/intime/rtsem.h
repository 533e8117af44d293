/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * INtime semaphores: the state page every process shares (rtsem_state.c)
 * and this process's table of mapped semaphores (rtsem_table.c), used by
 * rt_semaphore.c and ntx_semaphore.c.
 *
 * State page.  A semaphore is an RTSHM_TYPE_RT_SEMAPHORE object; its
 * 4 KiB state page holds the unit count, the maximum, the queueing order,
 * RTSEM_WAITERS waiter slots and @guard, a process-shared, robust,
 * priority-inheriting mutex that every wait and release holds for a few
 * instructions, never across a sleep.  The last 32 bits belong to the
 * kernel (RTSHM_SYNC_DELETED_OFFSET) and are not part of the layout.
 *
 * Queue.  A thread whose request cannot be granted at once takes a free
 * slot: it locks the slot's robust mutex @owner (held for as long as it
 * waits, so a releaser that finds it EOWNERDEAD knows the waiter was
 * killed and frees the slot), notes its units, its priority and an
 * arrival number, and sleeps on the slot's own futex word @state.  The
 * head of the queue is the waiting slot with the earliest arrival (FIFO
 * queueing) or the highest SCHED_FIFO/SCHED_RR priority, earliest first
 * among equals (priority queueing; other policies count as priority 0).
 * A release adds its units and then, while the head's request fits in
 * the count, takes the head's units for it, stores the count left in the
 * slot, sets @state to RTSEM_GRANTED and wakes that one futex: the units
 * go to the head only, all at once, never part of them, and a smaller
 * request behind it waits too (INtime's rule).  A new request is granted
 * at once only if it would be the head and its units are there.
 *
 * Deletion sets @deleted and cancels every waiting slot (E_EXIST).  A
 * waiter also sleeps at most RTSEM_POLL_NS at a time and looks at the
 * kernel's deleted word, which the kernel sets when the owning process
 * dies without waking anybody.
 */
#ifndef RTSHM_LIB_INTIME_RTSEM_H
#define RTSHM_LIB_INTIME_RTSEM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "intime.h"

/* Layout tag: a page written by another layout version is refused. */
#define RTSEM_MAGIC		0x31534D53u	/* "SMS1" */

/* Creation flag: waiters are served by priority (INtime's PRIORITY_QUEUING). */
#define RTSEM_PRIORITY		0x0001

/* Threads that can wait at once; one more gets E_LIMIT. */
#define RTSEM_WAITERS		56
/* Longest sleep between two looks at the kernel's deleted word. */
#define RTSEM_POLL_NS		50000000L

/* @state of a waiter slot */
#define RTSEM_FREE		0
#define RTSEM_WAITING		1
#define RTSEM_GRANTED		2	/* @left is the count after the grant */
#define RTSEM_CANCELLED		3	/* the semaphore was deleted */

struct rtsem_waiter {
	_Atomic uint32_t state;
	int32_t prio;		/* SCHED_FIFO/RR priority, 0 for others */
	uint32_t order;		/* arrival number */
	uint32_t units;		/* asked for, 1..max */
	uint32_t left;		/* RTSEM_GRANTED: units left in the semaphore */
	uint32_t pad;
	pthread_mutex_t owner;	/* robust: held by the waiting thread */
};

struct rtsem_state {
	uint32_t magic;
	uint32_t priority;	/* 1: waiters are served by priority */
	uint32_t max;		/* 1..65535 */
	uint32_t count;		/* units held, under @guard */
	_Atomic uint32_t deleted;	/* set by Delete*, never cleared */
	uint32_t waiting;	/* slots in RTSEM_WAITING, under @guard */
	uint32_t next_order;
	uint32_t pad;
	pthread_mutex_t guard;	/* process-shared, robust, priority-inheriting */
	struct rtsem_waiter waiters[RTSEM_WAITERS];
};

/* --- the protocol (rtsem_state.c) ------------------------------------ */

/* A new page with @init of @max units: E_OK or E_MEM. */
WORD rtsem_state_init(struct rtsem_state *st, uint32_t init, uint32_t max,
		      bool priority);

/* Whether the page is one of ours: E_OK, else E_TYPE. */
WORD rtsem_state_check(const struct rtsem_state *st);

/* Whether the semaphore was deleted, by a call or by the kernel. */
bool rtsem_state_deleted(const struct rtsem_state *st);

/*
 * Take @units (1..max) all at once, waiting up to @ms (NO_WAIT,
 * WAIT_FOREVER or milliseconds); 0 units only reads the count.  E_OK with
 * *@left the units left after the take, E_TIME, E_LIMIT (more than the
 * maximum, or no free waiter slot), E_EXIST (deleted, also while waiting).
 */
WORD rtsem_state_wait(struct rtsem_state *st, uint32_t units, DWORD ms,
		      uint32_t *left);

/* Add @units (1..): E_OK, E_LIMIT (the maximum would be passed), E_EXIST. */
WORD rtsem_state_release(struct rtsem_state *st, uint32_t units);

/* Mark the semaphore deleted and wake every waiter (they get E_EXIST). */
void rtsem_state_kill(struct rtsem_state *st);

/* --- this process's semaphores (rtsem_table.c) ----------------------- */

struct rtsem_entry;

/* A mapped semaphore in use by a call. */
struct rtsem_ref {
	struct rtsem_entry *e;
	struct rtsem_state *st;
	uint64_t serial;
	uint32_t id;
};

/*
 * Check the creation arguments (CreateRtSemaphore's, which
 * ntxCreateRtSemaphore shares: E_PARAM for a maximum of 0, an initial
 * count above it or unknown flags) and create a semaphore owned by this
 * process (deleted when the process ends), its id a usable RTHANDLE.
 * E_OK with @ref taken, else E_PARAM, E_MEM, E_LIMIT, E_NTX_INTERNAL_ERROR.
 */
WORD rtsem_create(WORD init, WORD max, WORD flags, struct rtsem_ref *ref);

/*
 * The semaphore @id (with @serial != 0: only that object) for one call;
 * put it back with rtsem_put().  E_OK, E_EXIST (none, or deleted), E_TYPE
 * (the id names another type of object).
 */
WORD rtsem_get(uint32_t id, uint64_t serial, struct rtsem_ref *ref);
void rtsem_put(struct rtsem_ref *ref);

/* Delete the semaphore of @ref: wake its waiters, drop its name.  E_OK or E_EXIST. */
WORD rtsem_delete(struct rtsem_ref *ref);

#endif
