// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * This process's mailboxes: each mailbox a call uses is mapped once and
 * kept, with the owning handle of the ones this process created (closing
 * it, at the latest when the process ends, deletes them).  A mapping is
 * dropped once its mailbox is deleted and no call uses it any more.  An
 * entry belongs to the IPC namespace it was made in: after the process
 * moves to another one, the same id names another object.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../core/internal.h"
#include "mailbox.h"
#include "rtshm.h"

/* Permission bits of new mailboxes: the creating user only, as segments. */
#define MBX_MODE 0600

struct mbx_entry {
	struct mbx_state *st;
	uint64_t serial;
	uint32_t id;
	struct ntx_ipc_ns ns;	/* where it was opened or created */
	int fd;			/* the owning handle, or -1 */
	unsigned int refs;	/* calls using it */
	bool dead;		/* deleted: no new call gets it */
};

static struct mbx_entry **mbx_entries;
static size_t mbx_count, mbx_capacity;

/* Forget entry @i and its mapping.  Called with intime_mbx_lock held, refs 0. */
static void mbx_drop(size_t i)
{
	struct mbx_entry *e = mbx_entries[i];

	mbx_entries[i] = mbx_entries[--mbx_count];
	munmap(e->st, RTSHM_SYNC_STATE_BYTES);
	if (e->fd >= 0)
		rtshm_close(e->fd);	/* deletes what it owns */
	free(e);
}

/* Mark @e dead; drop it if unused.  Called with intime_mbx_lock held. */
static void mbx_bury(struct mbx_entry *e)
{
	size_t i;

	e->dead = true;
	if (e->refs)
		return;
	for (i = 0; i < mbx_count; i++)
		if (mbx_entries[i] == e) {
			mbx_drop(i);
			return;
		}
}

/* The live entry of @id (and @serial if not 0) in @ns, taken; or NULL.  Lock held. */
static struct mbx_entry *mbx_find(uint32_t id, uint64_t serial,
				  const struct ntx_ipc_ns *ns)
{
	struct mbx_entry *e;
	size_t i;

	for (i = 0; i < mbx_count; i++) {
		e = mbx_entries[i];
		if (e->dead || e->id != id || (serial && e->serial != serial) ||
		    !ntx_same_ipc_ns(&e->ns, ns))
			continue;
		if (mbx_state_deleted(e->st)) {
			mbx_bury(e);
			return NULL;	/* ids are unique among live objects */
		}
		e->refs++;
		return e;
	}
	return NULL;
}

static void mbx_fill(struct mbx_ref *ref, const struct mbx_entry *e)
{
	ref->st = e->st;
	ref->serial = e->serial;
	ref->id = e->id;
}

/* Map the state page of @fd read-write. */
static WORD mbx_map(int fd, struct mbx_state **st)
{
	void *page = mmap(NULL, RTSHM_SYNC_STATE_BYTES, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, fd, 0);

	if (page == MAP_FAILED)
		return intime_status_of(-errno, E_EXIST);
	*st = page;
	return E_OK;
}

/*
 * Enter a new mapping; on failure it is undone (and @fd closed).  If
 * another thread entered the same object meanwhile, that one is used.
 */
static WORD mbx_insert(struct mbx_state *st, const struct rtshm_result *res,
		       const struct ntx_ipc_ns *ns, int fd, struct mbx_ref *ref)
{
	struct mbx_entry *e = NULL, *old;
	void *table;
	WORD status;

	pthread_mutex_lock(&intime_mbx_lock);
	old = mbx_find(res->id, res->serial, ns);
	if (old) {
		mbx_fill(ref, old);
		pthread_mutex_unlock(&intime_mbx_lock);
		munmap(st, RTSHM_SYNC_STATE_BYTES);
		return E_OK;
	}
	table = mbx_entries;
	status = intime_table_reserve(&table, &mbx_capacity, mbx_count,
				      sizeof(*mbx_entries), SIZE_MAX);
	mbx_entries = table;
	if (status == E_OK) {
		e = malloc(sizeof(*e));
		if (!e)
			status = E_MEM;
	}
	if (status == E_OK) {
		*e = (struct mbx_entry){ .st = st, .serial = res->serial,
					 .id = res->id, .ns = *ns, .fd = fd,
					 .refs = 1 };
		mbx_entries[mbx_count++] = e;
		mbx_fill(ref, e);
	}
	pthread_mutex_unlock(&intime_mbx_lock);
	if (status != E_OK) {
		munmap(st, RTSHM_SYNC_STATE_BYTES);
		if (fd >= 0)
			rtshm_close(fd);
	}
	return status;
}

static int mbx_make_object(const void *init, struct rtshm_result *res)
{
	return rtshm_sync_create(NULL, RTSHM_OBJ_MAILBOX, init,
				 sizeof(struct mbx_state), RTSHM_OWNED, MBX_MODE,
				 res);
}

WORD mbx_create(uint32_t kind, bool priority, struct mbx_ref *ref)
{
	struct rtshm_result res;
	struct mbx_state *init, *st;
	struct ntx_ipc_ns ns;
	WORD status;
	int fd;

	ntx_current_ipc_ns(&ns);
	init = malloc(sizeof(*init));
	if (!init)
		return E_MEM;
	status = mbx_state_init(init, kind, priority);
	if (status != E_OK) {
		free(init);
		return status;
	}
	fd = intime_make_object(mbx_make_object, init, &res);
	free(init);
	if (fd < 0)
		return intime_status_of(fd, E_NTX_INTERNAL_ERROR);
	status = mbx_map(fd, &st);
	if (status != E_OK) {
		rtshm_close(fd);
		return status;
	}
	return mbx_insert(st, &res, &ns, fd, ref);
}

WORD mbx_get(uint32_t id, uint64_t serial, uint32_t kind, struct mbx_ref *ref)
{
	struct rtshm_result res;
	struct mbx_entry *e;
	struct mbx_state *st;
	struct ntx_ipc_ns ns;
	WORD status;
	int fd;

	ntx_current_ipc_ns(&ns);
	pthread_mutex_lock(&intime_mbx_lock);
	e = mbx_find(id, serial, &ns);
	if (e)
		mbx_fill(ref, e);
	pthread_mutex_unlock(&intime_mbx_lock);
	if (!e) {
		fd = rtshm_sync_open_id(id, serial, RTSHM_OBJ_MAILBOX, &res);
		if (fd < 0)
			return intime_status_of(fd, E_EXIST);
		status = mbx_map(fd, &st);
		rtshm_close(fd);	/* the mapping keeps the page */
		if (status != E_OK)
			return status;
		if (mbx_state_check(st, MBX_KIND_OBJECT) == E_EXIST) {
			munmap(st, RTSHM_SYNC_STATE_BYTES);
			return E_TYPE;	/* another layout version's mailbox */
		}
		status = mbx_insert(st, &res, &ns, -1, ref);
		if (status != E_OK)
			return status;
	}
	if (mbx_state_deleted(ref->st)) {
		mbx_put(ref);
		return E_EXIST;
	}
	status = kind == MBX_KIND_ANY ? E_OK : mbx_state_check(ref->st, kind);
	if (status != E_OK)
		mbx_put(ref);
	return status;
}

void mbx_put(struct mbx_ref *ref)
{
	struct mbx_entry *e;
	size_t i;

	pthread_mutex_lock(&intime_mbx_lock);
	for (i = 0; i < mbx_count; i++) {
		e = mbx_entries[i];
		if (e->st != ref->st)
			continue;
		if (!--e->refs && (e->dead || mbx_state_deleted(e->st)))
			mbx_drop(i);
		break;
	}
	pthread_mutex_unlock(&intime_mbx_lock);
}

WORD mbx_delete(struct mbx_ref *ref)
{
	struct mbx_entry *e = NULL;
	int fd = -1, ret;
	size_t i;

	pthread_mutex_lock(&intime_mbx_lock);
	for (i = 0; i < mbx_count; i++)
		if (mbx_entries[i]->st == ref->st)
			e = mbx_entries[i];
	if (e && !e->dead && e->fd >= 0) {
		fd = e->fd;	/* ours: delete through the owning handle */
		e->fd = -1;
	}
	pthread_mutex_unlock(&intime_mbx_lock);

	if (fd < 0)
		fd = rtshm_sync_open_id(ref->id, ref->serial, RTSHM_OBJ_MAILBOX, NULL);
	if (fd < 0)
		return intime_status_of(fd, E_EXIST);
	ret = rtshm_delete(fd);
	rtshm_close(fd);
	if (ret)
		return intime_status_of(ret, E_EXIST);
	/* a live process wakes its receivers at once; the kernel cannot */
	mbx_state_kill(ref->st);
	pthread_mutex_lock(&intime_mbx_lock);
	if (e)
		e->dead = true;	/* mbx_put() drops it */
	pthread_mutex_unlock(&intime_mbx_lock);
	return E_OK;
}
