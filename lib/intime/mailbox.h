/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * INtime mailboxes: the state page every process shares (mailbox_state.c)
 * and this process's table of mapped mailboxes (mailbox_table.c), used by
 * rt_mailbox.c and ntx_mailbox.c.
 *
 * State page.  A mailbox is an RTSHM_TYPE_MAILBOX object; its 4 KiB state
 * page holds the message queue (a ring of MBX_DATA_DEPTH data messages or
 * MBX_OBJECT_DEPTH object messages), up to MBX_WAITERS waiting receivers
 * and @guard, a process-shared robust mutex that every operation holds
 * for a few instructions, never across a sleep.  The last 32 bits belong
 * to the kernel (RTSHM_SYNC_DELETED_OFFSET).
 *
 * A receiver that finds the queue empty takes a waiter slot: it locks the
 * slot's robust mutex (held for as long as it waits, so a sender sees a
 * killed waiter as EOWNERDEAD and skips it), notes its priority and an
 * arrival number, and sleeps on the slot's @state futex.  A sender gives
 * its message to the best waiting slot (FIFO: earliest arrival; priority:
 * highest SCHED_FIFO/RR priority, then earliest), copying it there and
 * setting @state to MBX_SLOT_DELIVERED, or queues it when nobody waits.
 * So a message never waits in the queue while a receiver sleeps.  Deletion
 * sets @deleted and cancels every slot; a waiter also sleeps at most
 * MBX_POLL_NS at a time and looks at the kernel's deleted word, which is
 * how it learns that the owner was killed.
 */
#ifndef RTSHM_LIB_INTIME_MAILBOX_H
#define RTSHM_LIB_INTIME_MAILBOX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "intime.h"

/* Layout tag: a page written by another layout version is refused. */
#define MBX_MAGIC		0x3158424Du	/* "MBX1" */

#define MBX_KIND_OBJECT		1
#define MBX_KIND_DATA		2

/* Largest data message (INtime's NTX_DATA_MESSAGE_SIZE). */
#define MBX_DATA_MAX		128
/* Messages a queue holds: 16 data messages, or 64 handles. */
#define MBX_DATA_DEPTH		16
#define MBX_OBJECT_DEPTH	64
/* Receivers that can wait in order; more wait for one of them to leave. */
#define MBX_WAITERS		8
/* Longest sleep between two looks at the kernel's deleted word. */
#define MBX_POLL_NS		50000000L

/* What an object message carries: the object and the response object. */
struct mbx_object_msg {
	uint64_t serial;
	uint64_t resp_serial;	/* 0: no response object */
	uint32_t id;
	uint32_t resp_id;	/* 0: no response object */
};

/* One message: @len bytes of @data (an object message is its bytes). */
struct mbx_msg {
	uint16_t len;
	uint8_t data[MBX_DATA_MAX];
};

/* @state of a waiter slot */
#define MBX_SLOT_FREE		0
#define MBX_SLOT_WAITING	1
#define MBX_SLOT_DELIVERED	2	/* @msg is the waiter's */
#define MBX_SLOT_CANCELLED	3	/* the mailbox was deleted */

struct mbx_waiter {
	_Atomic uint32_t state;
	int32_t prio;		/* SCHED_FIFO/RR priority, 0 for others */
	uint32_t order;		/* arrival number */
	uint32_t pad;
	pthread_mutex_t owner;	/* robust: held by the waiting thread */
	struct mbx_msg msg;
};

struct mbx_state {
	uint32_t magic;
	uint32_t kind;		/* MBX_KIND_* */
	uint32_t priority;	/* 1: waiters are served by priority */
	uint32_t depth;		/* queue capacity, messages */
	_Atomic uint32_t deleted;	/* set by DeleteRtMailbox, never cleared */
	_Atomic uint32_t slot_seq;	/* bumped when a waiter slot frees */
	uint32_t head;		/* first queued message */
	uint32_t count;		/* queued messages */
	uint32_t next_order;
	uint32_t pad;
	pthread_mutex_t guard;	/* process-shared, robust, priority-inheriting */
	struct mbx_waiter waiters[MBX_WAITERS];
	struct mbx_msg queue[MBX_DATA_DEPTH];	/* object messages: packed */
};

/* --- the protocol (mailbox_state.c) ---------------------------------- */

/* A new page for a mailbox of @kind: E_OK or E_MEM. */
WORD mbx_state_init(struct mbx_state *st, uint32_t kind, bool priority);

/* Whether the page is one of ours of @kind (E_OK), another kind (E_TYPE) or foreign (E_EXIST). */
WORD mbx_state_check(const struct mbx_state *st, uint32_t kind);

/* Whether the mailbox was deleted, by a call or by the kernel. */
bool mbx_state_deleted(const struct mbx_state *st);

/* Send @len bytes: to the first waiter in order, else queued.  E_OK, E_MEM (full), E_EXIST. */
WORD mbx_state_send(struct mbx_state *st, const void *msg, uint16_t len);

/*
 * Receive into @out, waiting up to @ms (NO_WAIT, WAIT_FOREVER or
 * milliseconds).  E_OK, E_TIME or E_EXIST (deleted, also while waiting).
 */
WORD mbx_state_receive(struct mbx_state *st, DWORD ms, struct mbx_msg *out);

/* Mark the mailbox deleted and wake every receiver (they get E_EXIST). */
void mbx_state_kill(struct mbx_state *st);

/* --- this process's mailboxes (mailbox_table.c) ---------------------- */

/* A mapped mailbox in use by a call. */
struct mbx_ref {
	struct mbx_state *st;
	uint64_t serial;
	uint32_t id;
};

/*
 * Create a mailbox of @kind owned by this process (it is deleted when the
 * process ends), its id a usable RTHANDLE.  E_OK with @ref taken, else
 * E_MEM, E_LIMIT, E_NTX_INTERNAL_ERROR.
 */
WORD mbx_create(uint32_t kind, bool priority, struct mbx_ref *ref);

/*
 * The mailbox @id (with @serial != 0: only that object) for one call; put
 * it back with mbx_put().  E_OK, E_EXIST (none, or deleted), E_TYPE (the
 * id names another type of object, or a mailbox not of @kind).
 */
WORD mbx_get(uint32_t id, uint64_t serial, uint32_t kind, struct mbx_ref *ref);
/* @kind for mbx_get(): either kind of mailbox */
#define MBX_KIND_ANY		0
void mbx_put(struct mbx_ref *ref);

/* Delete the mailbox of @ref (any kind): wake its receivers, drop its name.  E_OK or E_EXIST. */
WORD mbx_delete(struct mbx_ref *ref);

/* --- the calls both sides share (mailbox_calls.c) ------------------- */

/*
 * Check INtime creation flags (CreateRtMailbox's, which ntxCreateRtMailbox
 * shares) and create the mailbox.  E_OK, E_PARAM or mbx_create()'s
 * errors; @ref is not taken.
 */
WORD intime_create_mailbox(DWORD flags, struct mbx_ref *ref);

/*
 * The rest take a mailbox from mbx_get() and put it back.  Delete: E_OK
 * or E_EXIST.  Send data: E_LIMIT above MBX_DATA_MAX bytes, E_BAD_ADDR for
 * a NULL buffer with a length, or mbx_state_send()'s status.
 */
WORD mbx_call_delete(struct mbx_ref *ref);
WORD mbx_call_send_data(struct mbx_ref *ref, const void *data, WORD len);
/* E_OK with the message in @data (MBX_DATA_MAX bytes) and its length in *@len. */
WORD mbx_call_receive_data(struct mbx_ref *ref, void *data, DWORD ms, WORD *len);
/* E_OK with @m received and still naming what was sent (mbx_check_received()). */
WORD mbx_call_receive_object(struct mbx_ref *ref, DWORD ms, struct mbx_object_msg *m,
			     uint32_t *type, uint32_t *resp_type);

/* --- object messages (mailbox_object.c) ---------------------------- */

/* Whether an object of @type may be a response object: a mailbox or an INtime semaphore. */
bool mbx_response_type_ok(uint32_t type);

/*
 * After receiving @m: whether the object (and response object) it names
 * are still the ones sent, filling their types (@resp_type 0 if none).
 * E_OK or E_EXIST: an object deleted since, whose id may name another.
 */
WORD mbx_check_received(const struct mbx_object_msg *m, uint32_t *type,
			uint32_t *resp_type);

#endif
