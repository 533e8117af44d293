/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* INtime layer internals, shared by the ntx_*.c and intime_*.c files. */
#ifndef RTSHM_LIB_INTIME_INTERNAL_H
#define RTSHM_LIB_INTIME_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtshm.h"
#include "ntx.h"

/* --- status (rt_status.c, status_of_errno.c) ------------------------- */

/* Record @status as the calling thread's last error. */
void intime_fail(WORD status);

/*
 * The INtime status for a negative errno from the native API.  -ENOENT is
 * ambiguous there (no such object, or no /dev/rtshm): it gives @if_absent
 * when the module answers, else E_NTX_INTERNAL_ERROR.
 */
WORD intime_status_of(int err, WORD if_absent);

/* E_OK if rtshm.ko is loaded and speaks ABI 1.1 or later, else E_NTX_INTERNAL_ERROR. */
WORD intime_kernel_status(void);

/* --- tables (table.c) ------------------------------------------------ */

/*
 * Make room for one more item after @count in the array *@items of
 * *@capacity: E_OK, E_MEM, or E_LIMIT once @count reaches @max.
 */
WORD intime_table_reserve(void **items, size_t *capacity, size_t count,
			  size_t item_size, size_t max);

/* --- object directory (directory.c) ---------------------------------- */

/* Longest INtime catalog name, without the NUL. */
#define INTIME_NAME_MAX 12

/* Permission bits of the objects the INtime calls make. */
#define INTIME_OBJECT_MODE 0600

/* An object directory: a process object's (id, serial), or id 0 for the root. */
struct intime_dir {
	uint32_t id;
	uint64_t serial;
};

/* Whether object id @id can be an RTHANDLE (not BAD_ or RTSHM_ROOT_RTHANDLE). */
static inline bool intime_id_usable(uint32_t id)
{
	return id != BAD_RTHANDLE && id != RTSHM_ROOT_RTHANDLE;
}

/* Whether @h can name an object: not NULL_, BAD_ or RTSHM_ROOT_RTHANDLE. */
static inline bool intime_handle_usable(RTHANDLE h)
{
	return h != NULL_RTHANDLE && intime_id_usable(h);
}

/*
 * A new object from @make(@arg, @res) whose id is a usable RTHANDLE
 * (object_id.c): a handle, or @make's -errno, or -ENOSPC.
 */
struct rtshm_result;
int intime_make_object(int (*make)(const void *arg, struct rtshm_result *res),
		       const void *arg, struct rtshm_result *res);

/*
 * The calling process's directory (rt_process.c): its process object's
 * once it is an RT process, else the root.  Reads RTSHM_INTIME_PROCESS at
 * the first call.  E_OK, or why the process object could not be made.
 */
WORD intime_rt_self(struct intime_dir *dir);

/* E_OK, E_BAD_ADDR (NULL) or E_PARAM (length 0 or more than 12). */
WORD intime_check_name(const char *name);

/*
 * Wait up to @ms (NO_WAIT, WAIT_FOREVER or milliseconds) for @name in
 * @dir; E_TIME if absent, E_EXIST if the directory's process is gone.
 */
WORD intime_lookup(const struct intime_dir *dir, const char *name, DWORD ms,
		   struct rtshm_object_info *info);

/*
 * Whether INtime can name objects of the kernel type @type: segments,
 * INtime semaphores and mailboxes (RTX objects are not INtime's).
 */
bool intime_catalog_type(uint32_t type);

/* Give the object (@id, @serial) of kernel type @type the name @name in @dir. */
WORD intime_catalog(const struct intime_dir *dir, uint32_t id, uint64_t serial,
		    uint32_t type, const char *name);

/*
 * Remove @name from @dir; with @serial != 0 only if it names that object.
 * E_CONTEXT if not.
 */
WORD intime_uncatalog(const struct intime_dir *dir, const char *name,
		      uint64_t serial);

/* Describe the object @id: E_EXIST if none. */
WORD intime_describe(uint32_t id, struct rtshm_object_info *info);

/* --- NTX handles (ntx_handles.c) ------------------------------------- */

/* ntx_object.kind of the root process; kernel object types start at 1. */
#define NTX_KIND_ROOT 0

/* What an NTXHANDLE stands for. */
struct ntx_object {
	uint64_t serial;	/* 0 for the root process */
	uint32_t id;		/* 0 for the root process */
	uint32_t kind;		/* NTX_KIND_ROOT or RTSHM_TYPE_* */
};

/* Identity of an IPC namespace: /proc/self/ns/ipc's device and inode. */
struct ntx_ipc_ns {
	uint64_t dev;
	uint64_t ino;
};

/* One issued handle and its mapping cache. */
struct ntx_record {
	struct ntx_object obj;
	struct ntx_ipc_ns ns;	/* where the handle was made */
	void *view;		/* NULL while unmapped */
	size_t view_len;
	bool view_writable;
};

/* The caller's IPC namespace now. */
void ntx_current_ipc_ns(struct ntx_ipc_ns *ns);
bool ntx_same_ipc_ns(const struct ntx_ipc_ns *a, const struct ntx_ipc_ns *b);

/*
 * The handle of @obj in the caller's IPC namespace: the same value every
 * time for the same object.  E_OK, E_MEM or E_LIMIT.
 */
WORD ntx_handle_for(const struct ntx_object *obj, NTXHANDLE *out);

/*
 * What @h stands for, in the caller's IPC namespace: E_OK, E_EXIST (not a
 * handle from this library) or E_LOCATION (made in another IPC namespace).
 */
WORD ntx_resolve(NTXHANDLE h, struct ntx_object *obj);

/*
 * Lock the handle table and return @h's record, or NULL (table left
 * unlocked) if this library never returned @h.  Unlock with
 * ntx_record_unlock().
 */
/*
 * The process-local table locks (fork_locks.c, which also keeps fork() from
 * leaving them held): NTX handle records, RT memory blocks, semaphores,
 * mailboxes.  Taken in that order when nested.
 */
extern pthread_mutex_t intime_ntx_lock, intime_rt_memory_lock;
extern pthread_mutex_t intime_rtsem_lock, intime_mbx_lock;

struct ntx_record *ntx_record_lock(NTXHANDLE h);
void ntx_record_unlock(void);

/* E_OK if the object of @obj still exists (serial unchanged), filling @info; else E_EXIST. */
WORD ntx_object_alive(const struct ntx_object *obj, struct rtshm_object_info *info);

/*
 * The directory @h stands for: NTX_NULL_NTXHANDLE and the root process's
 * handle the root, a live process's handle its own.  E_OK, E_EXIST (gone,
 * or no handle), E_TYPE (no process), E_LOCATION.
 */
WORD ntx_dir_of(NTXHANDLE h, struct intime_dir *dir);

#endif
