// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The NTXHANDLE table.
 *
 * A handle value is (slot << 16) | id: its low 16 bits are the object's
 * id, which is its RTHANDLE, so INtime's ntxExportRtHandle() macro works;
 * the slot (from 1, so no handle is NULL) picks the record that keeps the
 * object's serial, the IPC namespace the handle was made in and the
 * mapping cache.  Records are never reused: a stale handle keeps its
 * record and can only ever reach its own object.  One object gets one
 * handle per IPC namespace, so looking it up twice gives equal handles and
 * one mapping, as INtime's handles do.
 */
#include <pthread.h>
#include <sys/stat.h>

#include "../core/internal.h"
#include "intime.h"

/* A bound on memory, far beyond what a process meets in practice. */
#define NTX_MAX_HANDLES (1U << 24)

static struct ntx_record *ntx_records;	/* slot s is ntx_records[s - 1] */
static size_t ntx_count, ntx_capacity;

void ntx_current_ipc_ns(struct ntx_ipc_ns *ns)
{
	struct stat st;

	/* Without /proc every handle looks local: nothing better is known. */
	if (stat("/proc/self/ns/ipc", &st)) {
		ns->dev = 0;
		ns->ino = 0;
		return;
	}
	ns->dev = st.st_dev;
	ns->ino = st.st_ino;
}

bool ntx_same_ipc_ns(const struct ntx_ipc_ns *a, const struct ntx_ipc_ns *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

static NTXHANDLE ntx_value(size_t slot, uint32_t id)
{
	return (NTXHANDLE)(((uintptr_t)slot << 16) | (id & 0xFFFF));
}

static bool ntx_same_object(const struct ntx_record *r, const struct ntx_object *obj,
			    const struct ntx_ipc_ns *ns)
{
	return r->obj.kind == obj->kind && r->obj.id == obj->id &&
	       r->obj.serial == obj->serial && ntx_same_ipc_ns(&r->ns, ns);
}

WORD ntx_handle_for(const struct ntx_object *obj, NTXHANDLE *out)
{
	struct ntx_ipc_ns ns;
	WORD status = E_OK;
	size_t i;

	ntx_current_ipc_ns(&ns);
	pthread_mutex_lock(&intime_ntx_lock);
	for (i = 0; i < ntx_count; i++)
		if (ntx_same_object(&ntx_records[i], obj, &ns))
			break;
	if (i == ntx_count) {
		void *table = ntx_records;

		status = intime_table_reserve(&table, &ntx_capacity, ntx_count,
					      sizeof(*ntx_records), NTX_MAX_HANDLES);
		ntx_records = table;
		if (status == E_OK) {
			ntx_records[i] = (struct ntx_record){ .obj = *obj, .ns = ns };
			ntx_count++;
		}
	}
	if (status == E_OK)
		*out = ntx_value(i + 1, obj->id);
	pthread_mutex_unlock(&intime_ntx_lock);
	return status;
}

struct ntx_record *ntx_record_lock(NTXHANDLE h)
{
	uintptr_t v = (uintptr_t)h;
	size_t slot = v >> 16;

	pthread_mutex_lock(&intime_ntx_lock);
	if (slot >= 1 && slot <= ntx_count &&
	    (ntx_records[slot - 1].obj.id & 0xFFFF) == (v & 0xFFFF))
		return &ntx_records[slot - 1];
	pthread_mutex_unlock(&intime_ntx_lock);
	return NULL;
}

void ntx_record_unlock(void)
{
	pthread_mutex_unlock(&intime_ntx_lock);
}

WORD ntx_resolve(NTXHANDLE h, struct ntx_object *obj)
{
	struct ntx_ipc_ns now, then;
	struct ntx_record *r;

	ntx_current_ipc_ns(&now);
	r = ntx_record_lock(h);
	if (!r)
		return E_EXIST;
	*obj = r->obj;
	then = r->ns;
	ntx_record_unlock();
	return ntx_same_ipc_ns(&now, &then) ? E_OK : E_LOCATION;
}

WORD ntx_object_alive(const struct ntx_object *obj, struct rtshm_object_info *info)
{
	WORD status = intime_describe(obj->id, info);

	if (status == E_OK && info->serial != obj->serial)
		return E_EXIST;	/* the id now names a later object */
	return status;
}

WORD ntx_dir_of(NTXHANDLE h, struct intime_dir *dir)
{
	struct rtshm_object_info info;
	struct ntx_object obj;
	WORD status;

	*dir = (struct intime_dir){ 0 };
	/* an NTX process is no RT process: "the current process" is the root */
	if (h == NTX_NULL_NTXHANDLE)
		return E_OK;
	status = ntx_resolve(h, &obj);
	if (status != E_OK || obj.kind == NTX_KIND_ROOT)
		return status;
	if (obj.kind != RTSHM_OBJ_PROCESS)
		return E_TYPE;
	status = ntx_object_alive(&obj, &info);
	if (status == E_OK)
		*dir = (struct intime_dir){ .id = obj.id, .serial = obj.serial };
	return status;
}
