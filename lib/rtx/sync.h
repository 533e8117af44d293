/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RTX events, mutexes and semaphores: the state page every process shares
 * and the per-type operations the waits are built from.
 *
 * Guard.  Each state page holds @guard, a process-shared, robust,
 * priority-inheriting mutex.  Every take (an event's set or pulse token, a
 * semaphore's count, a mutex trylock) holds it; a wait-all holds the
 * guards of all its objects, in serial order, while it decides and takes.
 * Set, reset, pulse and release do not take it: they can only make a
 * wait-all's "not yet" stale (it has noted @seq first and tries again),
 * never its "take it", because nothing but a take makes an event or
 * semaphore unavailable, and a take of an auto-reset event or a
 * semaphore is a store or an atomic subtraction that stays right after a
 * concurrent set or release.  Events and semaphores are never given back,
 * so a look without the guard that finds one unavailable is true.  So no
 * other thread ever sees part of a wait-all.  The guard is held for a few
 * instructions, never across a sleep; a process killed while holding it
 * hands it on with EOWNERDEAD, which the next locker accepts.
 *
 * Wake-ups.  Every change that can satisfy a waiter increments @seq after
 * the change and then wakes the futex @seq if @sleepers is non-zero.  A
 * waiter reads @seq before it looks, fails to take, counts itself in
 * @sleepers and sleeps while @seq still has the value it read.
 * All accesses are sequentially consistent, so no wake-up is lost, and an
 * uncontended set or release makes no system call.
 *
 * Mutexes are pthread mutexes (PI, robust, recursive).  Their ownership is
 * the futex word's, changed atomically by lock, trylock and unlock; waits
 * trylock them under the guard so a wait-all can give one back before
 * anyone could see it taken, and a single-mutex wait sleeps in the PI futex
 * itself.  A release bumps @seq without the guard.
 */
#ifndef RTSHM_LIB_RTX_SYNC_H
#define RTSHM_LIB_RTX_SYNC_H

#include <pthread.h>

#include "../core/futex.h"
#include "rtx.h"

/* Layout tag: a page written by another layout version is refused. */
#define RTX_SYNC_MAGIC		0x32535452u	/* "RTS2": with @guard */

/* How often a wait that includes an owned mutex looks for its owner's death. */
#define RTX_OWNER_POLL_NS	10000000L

struct rtx_event_state {
	_Atomic uint32_t signaled;
	uint32_t manual;
	_Atomic uint32_t pulse_gen;	/* bumped by every RtPulseEvent */
	_Atomic uint32_t pulse_token;	/* auto reset: one waiter may take it */
};

struct rtx_sem_state {
	_Atomic int32_t count;
	int32_t max;
};

struct rtx_mutex_state {
	/* 0 until a creator with bInitialOwner owns it: waits hold back */
	_Atomic uint32_t ready;
	/*
	 * 1: abandoned, owned by nobody who knows.  Set by a wait-all that
	 * took an abandoned mutex and had to give it back, so the next owner
	 * still gets WAIT_ABANDONED; only an owner reads or writes it.
	 */
	uint32_t abandoned;
	/* process-shared, robust, priority-inheriting, recursive */
	pthread_mutex_t m;
};

struct rtx_sync_state {
	uint32_t magic;
	uint32_t type;			/* RTSHM_OBJ_* */
	_Atomic uint32_t seq;
	_Atomic uint32_t sleepers;
	pthread_mutex_t guard;
	union {
		struct rtx_event_state event;
		struct rtx_sem_state sem;
		struct rtx_mutex_state mutex;
	};
};

/* A handle's object: the native handle and its mapping of the state page. */
struct rtx_sync {
	struct rtx_object obj;		/* first: the table's view of us */
	struct rtx_sync_state *st;
	int fd;
	uint32_t type;
	uint64_t serial;		/* the kernel object's: order and identity */
};

static inline struct rtx_sync *to_sync(struct rtx_object *obj)
{
	return (struct rtx_sync *)obj;
}

/* A new object's state page: magic, type and guard set, the rest zero. */
int rtx_sync_state_init(struct rtx_sync_state *st, uint32_t type);

/*
 * Create (or open, if the name exists) an object whose new state is
 * @init, and enter it in the handle table.  *created tells which.
 * Return: the handle, or NULL with the last error set.
 */
HANDLE rtx_sync_create(uint32_t type, const struct rtx_sync_state *init,
		       DWORD name_err, const char *name, int *created);
/*
 * Open an existing named object (RtOpenEvent and the like, the name as the
 * caller gave it); NULL with the last error set.
 */
HANDLE rtx_sync_open_ansi(uint32_t type, DWORD access, LPCSTR name);
HANDLE rtx_sync_open_wide(uint32_t type, DWORD access, LPCWSTR name);

/* The object of @h if it is an event, mutex or semaphore (put it), else NULL. */
struct rtx_sync *rtx_sync_get(HANDLE h, enum rtx_kind kind);

/* Take and drop an object's guard. */
void rtx_guard_lock(struct rtx_sync *s);
void rtx_guard_unlock(struct rtx_sync *s);
/* After a change that can satisfy waiters: bump @seq, wake the sleepers. */
void rtx_sync_changed(struct rtx_sync_state *st);

/* Results of trying to take an object without waiting. */
enum rtx_try {
	RTX_TRY_BUSY,		/* not signaled */
	RTX_TRY_TAKEN,		/* taken (signaled, or a pulse for us) */
	RTX_TRY_ABANDONED,	/* a mutex taken whose owner died */
	RTX_TRY_FAILED,		/* error; last error set */
};

/*
 * Per type, all with the guard held.  Events and semaphores: can a wait
 * take it now, and take it (only after a yes).  @pulse_gen is the event's
 * pulse generation the wait goes by.  Mutexes: trylock, and give back what
 * a trylock took (@how: what it returned) for a wait-all that cannot
 * complete.
 */
int rtx_event_can_take(struct rtx_sync *s, uint32_t pulse_gen);
void rtx_event_take(struct rtx_sync *s, uint32_t pulse_gen);
int rtx_sem_can_take(struct rtx_sync *s);
void rtx_sem_take(struct rtx_sync *s);
enum rtx_try rtx_mutex_try(struct rtx_sync *s);
void rtx_mutex_give_back(struct rtx_sync *s, enum rtx_try how);
/* Wait for one mutex with priority inheritance; NULL deadline: forever. */
enum rtx_try rtx_mutex_lock(struct rtx_sync *s, const struct timespec *deadline);
/* The mutex is owned by some thread (a wait must watch for its death). */
int rtx_mutex_owned(struct rtx_sync *s);
/* The mutex is owned by a thread of this process. */
int rtx_mutex_owned_here(struct rtx_sync *s);

#endif
