/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RTX events, mutexes and semaphores: the state page every process shares
 * and the per-type operations the waits are built from.
 *
 * Protocol.  Every change that can satisfy a waiter (set, release, pulse)
 * updates the object's state, then increments @seq, then wakes the futex
 * @seq if @sleepers is non-zero.  A waiter reads @seq, tries to take the
 * object, and only if that fails counts itself in @sleepers and sleeps
 * while @seq still has the value it read.  All accesses are sequentially
 * consistent, so either the waiter sees the new state or the futex sees
 * the new @seq: no wake-up is lost, and an uncontended set or release
 * makes no system call.
 */
#ifndef RTSHM_LIB_RTX_SYNC_H
#define RTSHM_LIB_RTX_SYNC_H

#include <pthread.h>

#include "futex.h"
#include "rtx_internal.h"

/* Layout tag: a page written by another layout version is refused. */
#define RTX_SYNC_MAGIC		0x31535452u	/* "RTS1" */

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
	uint32_t pad;
	/* process-shared, robust, priority-inheriting, recursive */
	pthread_mutex_t m;
};

struct rtx_sync_state {
	uint32_t magic;
	uint32_t type;			/* RTSHM_OBJ_* */
	_Atomic uint32_t seq;
	_Atomic uint32_t sleepers;
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
};

static inline struct rtx_sync *to_sync(struct rtx_object *obj)
{
	return (struct rtx_sync *)obj;
}

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

/* After a change that can satisfy waiters: bump @seq, wake sleepers. */
void rtx_sync_changed(struct rtx_sync_state *st);

/* Results of trying to take an object without waiting. */
enum rtx_try {
	RTX_TRY_BUSY,		/* not signaled */
	RTX_TRY_TAKEN,		/* taken (signaled, or a pulse for us) */
	RTX_TRY_ABANDONED,	/* a mutex taken whose owner died */
	RTX_TRY_FAILED,		/* error; last error set */
};

/*
 * Per type: take without waiting, and give back what a take took (for a
 * wait-all that could not get everything).  @pulse_gen is the event's
 * pulse generation when the wait began.
 */
enum rtx_try rtx_event_try(struct rtx_sync *s, uint32_t pulse_gen, int *token);
void rtx_event_undo(struct rtx_sync *s, int token);
enum rtx_try rtx_sem_try(struct rtx_sync *s);
void rtx_sem_undo(struct rtx_sync *s);
enum rtx_try rtx_mutex_try(struct rtx_sync *s);
void rtx_mutex_undo(struct rtx_sync *s);
/* Wait for one mutex with priority inheritance; NULL deadline: forever. */
enum rtx_try rtx_mutex_lock(struct rtx_sync *s, const struct timespec *deadline);
/* The mutex is owned by some thread (a wait must watch for its death). */
int rtx_mutex_owned(struct rtx_sync *s);
/* The mutex is owned by a thread of this process. */
int rtx_mutex_owned_here(struct rtx_sync *s);

#endif
