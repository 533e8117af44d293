// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * This process's INtime semaphores: a handle and a mapping of the state
 * page of each one it created or used, shared by the RT and the NTX side.
 *
 * A semaphore this process created is held by its owning handle, so it is
 * deleted when the process ends.  One it only used stays mapped until a
 * call finds it deleted.  Entries are reference counted: a call holds its
 * entry, so a concurrent delete never unmaps a page a waiter sleeps in.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "../core/internal.h"
#include "rtsem.h"

/* Permission bits of new semaphores: the creating user only. */
#define RTSEM_MODE 0600

struct rtsem_entry {
	struct rtsem_state *st;
	uint64_t serial;
	uint32_t id;
	int fd;
	unsigned int refs;	/* the table's (while linked) and the calls' */
	bool linked;		/* in the table */
};

static struct rtsem_entry **rtsem_entries;
static size_t rtsem_count, rtsem_capacity;

/* Drop a reference.  Called with intime_rtsem_lock held. */
static void rtsem_unref(struct rtsem_entry *e)
{
	if (--e->refs)
		return;
	munmap(e->st, RTSHM_SYNC_STATE_BYTES);
	rtshm_close(e->fd);	/* an owner's: deletes the semaphore if not yet */
	free(e);
}

/* Take @e out of the table.  Called with intime_rtsem_lock held. */
static void rtsem_unlink(struct rtsem_entry *e)
{
	size_t i;

	for (i = 0; i < rtsem_count; i++)
		if (rtsem_entries[i] == e)
			break;
	if (i == rtsem_count)
		return;
	rtsem_entries[i] = rtsem_entries[--rtsem_count];
	e->linked = false;
	rtsem_unref(e);
}

/*
 * Map the semaphore of @fd and enter it in the table, referenced by the
 * caller as @ref.  The fd is closed on failure.  Called with intime_rtsem_lock held.
 */
static WORD rtsem_add(int fd, const struct rtshm_result *res,
		      struct rtsem_ref *ref)
{
	struct rtsem_entry *e;
	WORD status;
	void *page, *table = rtsem_entries;

	page = mmap(NULL, RTSHM_SYNC_STATE_BYTES, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, 0);
	if (page == MAP_FAILED) {
		rtshm_close(fd);
		return E_MEM;
	}
	status = rtsem_state_check(page);
	if (status == E_OK && rtsem_state_deleted(page))
		status = E_EXIST;
	if (status == E_OK)
		status = intime_table_reserve(&table, &rtsem_capacity, rtsem_count,
					      sizeof(*rtsem_entries), SIZE_MAX);
	rtsem_entries = table;
	e = status == E_OK ? calloc(1, sizeof(*e)) : NULL;
	if (!e) {
		munmap(page, RTSHM_SYNC_STATE_BYTES);
		rtshm_close(fd);
		return status == E_OK ? E_MEM : status;
	}
	*e = (struct rtsem_entry){
		.st = page, .serial = res->serial, .id = res->id, .fd = fd,
		.refs = 2, .linked = true,
	};
	rtsem_entries[rtsem_count++] = e;
	*ref = (struct rtsem_ref){ e, e->st, e->serial, e->id };
	return E_OK;
}

static int rtsem_make_object(const void *init, struct rtshm_result *res)
{
	return rtshm_sync_create(NULL, RTSHM_OBJ_RT_SEMAPHORE, init,
				 sizeof(struct rtsem_state), RTSHM_OWNED,
				 RTSEM_MODE, res);
}

WORD rtsem_create(WORD init, WORD max, WORD flags, struct rtsem_ref *ref)
{
	struct rtsem_state st;
	struct rtshm_result res;
	WORD status;
	int fd;

	if (!max || init > max || (flags & ~RTSEM_PRIORITY))
		return E_PARAM;
	status = rtsem_state_init(&st, init, max, flags & RTSEM_PRIORITY);
	if (status != E_OK)
		return status;
	fd = intime_make_object(rtsem_make_object, &st, &res);
	if (fd < 0)
		return intime_status_of(fd, E_NTX_INTERNAL_ERROR);
	pthread_mutex_lock(&intime_rtsem_lock);
	status = rtsem_add(fd, &res, ref);
	pthread_mutex_unlock(&intime_rtsem_lock);
	return status;
}

/* Open the semaphore @id (@serial) afresh.  Called with intime_rtsem_lock held. */
static WORD rtsem_open(uint32_t id, uint64_t serial, struct rtsem_ref *ref)
{
	struct rtshm_result res;
	int fd;

	fd = rtshm_sync_open_id(id, serial, RTSHM_OBJ_RT_SEMAPHORE, &res);
	if (fd == -EMEDIUMTYPE)
		return E_TYPE;
	if (fd == -EINVAL)
		return E_EXIST;	/* an id no object can have */
	if (fd < 0)
		return intime_status_of(fd, E_EXIST);
	return rtsem_add(fd, &res, ref);
}

WORD rtsem_get(uint32_t id, uint64_t serial, struct rtsem_ref *ref)
{
	struct rtsem_entry *e;
	WORD status;
	size_t i;

	if (!intime_handle_usable(id))
		return E_EXIST;
	pthread_mutex_lock(&intime_rtsem_lock);
	for (i = 0; i < rtsem_count; i++) {
		e = rtsem_entries[i];
		if (e->id != id || (serial && e->serial != serial))
			continue;
		if (rtsem_state_deleted(e->st)) {
			/* gone: its id may name a later object now */
			rtsem_unlink(e);
			break;
		}
		e->refs++;
		*ref = (struct rtsem_ref){ e, e->st, e->serial, e->id };
		pthread_mutex_unlock(&intime_rtsem_lock);
		return E_OK;
	}
	status = rtsem_open(id, serial, ref);
	pthread_mutex_unlock(&intime_rtsem_lock);
	return status;
}

void rtsem_put(struct rtsem_ref *ref)
{
	pthread_mutex_lock(&intime_rtsem_lock);
	/* deleted elsewhere: let the last call out drop handle and mapping */
	if (ref->e->linked && rtsem_state_deleted(ref->st))
		rtsem_unlink(ref->e);
	rtsem_unref(ref->e);
	pthread_mutex_unlock(&intime_rtsem_lock);
}

WORD rtsem_delete(struct rtsem_ref *ref)
{
	struct rtsem_entry *e = ref->e;
	bool first;
	int ret;

	pthread_mutex_lock(&intime_rtsem_lock);
	first = e->linked && !rtsem_state_deleted(e->st);
	if (first)
		rtsem_state_kill(e->st);	/* waiters leave with E_EXIST */
	rtsem_unlink(e);
	pthread_mutex_unlock(&intime_rtsem_lock);
	if (!first)
		return E_EXIST;
	/* the name goes, opens by id fail; our reference keeps e->fd open */
	ret = rtshm_delete(e->fd);
	return ret && ret != -ENOENT ? intime_status_of(ret, E_EXIST) : E_OK;
}
