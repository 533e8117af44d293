/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librtshm native API: named, physically contiguous, prefaulted shared
 * memory on /dev/rtshm.
 *
 * A handle is a file descriptor (O_CLOEXEC) bound to one segment; close it
 * with rtshm_close() or close(2).  Every function returns 0 (or a handle)
 * on success and a negative errno value on failure, never prints, and is
 * safe to call from several threads at once.
 *
 * Errors common to all calls that reach the device:
 *   -ENOENT / -ENODEV / -ENXIO	/dev/rtshm missing or module not loaded
 *   -EPROTO			the loaded module speaks an incompatible ABI
 *   -EACCES			/dev/rtshm or the segment's permissions
 */
#ifndef RTSHM_H
#define RTSHM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Flags for rtshm_create() and rtshm_open*(). */
#define RTSHM_RDONLY	0x0	/* read-only handle: maps can never write */
#define RTSHM_RDWR	0x1	/* read-write handle */
#define RTSHM_EXCL	0x2	/* rtshm_create(): fail with -EEXIST if it exists */
/*
 * rtshm_create() and rtshm_sync_create(): the new object belongs to the
 * returned handle and is deleted when that handle is closed (at the
 * latest when the process ends) or by rtshm_delete(), even while other
 * handles are open: INtime's rule that a process's objects go with it.
 * A deleted object loses its name, cannot be opened or described any
 * more (-ENOENT) and is freed with its last handle and mapping (2.2).
 */
#define RTSHM_OWNED	0x4

/*
 * rtshm_create() only: where the memory comes from (one of, in bits 4-5 of
 * @flags; none = the first that succeeds of pages, contig, pool):
 *   RTSHM_USE_PAGES	the page allocator, up to its largest block (4 MiB)
 *   RTSHM_USE_CONTIG	a contiguous range claimed from all of RAM, any size;
 *			best effort, fails on fragmented memory
 *   RTSHM_USE_POOL	the reserved pool (module parameters pool_base and
 *			pool_size), for sizes that must always succeed
 * rtshm_seg_info.tier reports the tier as RTSHM_BACKEND_* (= flag >> 4).
 */
#define RTSHM_USE_PAGES		0x10
#define RTSHM_USE_CONTIG	0x20
#define RTSHM_USE_POOL		0x30
#define RTSHM_USE_MASK		0x30

#define RTSHM_BACKEND_PAGES	1
#define RTSHM_BACKEND_CONTIG	2
#define RTSHM_BACKEND_POOL	3

/*
 * rtshm_create() only: the memory must come from NUMA node @n, in every
 * tier (-ENOMEM if that node has none free, never another node; -EINVAL if
 * @n is not online with memory).  Without it the module parameter
 * default_node is a preference.
 */
#define RTSHM_NODE_SET		0x100
#define RTSHM_ON_NODE(n)	(RTSHM_NODE_SET | (((unsigned int)(n) & 0xffffU) << 16))

/* Longest name in bytes (without NUL) and id range. */
#define RTSHM_NAME_MAX_LEN	255
#define RTSHM_ID_FIRST		1
#define RTSHM_ID_LAST		65535

/* Object types in the shared namespace (struct rtshm_object_info). */
#define RTSHM_OBJ_SHM		1
#define RTSHM_OBJ_EVENT		2	/* synchronisation objects: see */
#define RTSHM_OBJ_MUTEX		3	/* rtshm_sync_create() */
#define RTSHM_OBJ_SEMAPHORE	4
#define RTSHM_OBJ_RT_SEMAPHORE	5	/* INtime semaphore (module ABI 2.2) */
#define RTSHM_OBJ_MAILBOX	6	/* INtime mailbox (module ABI 2.2) */
#define RTSHM_OBJ_PROCESS	7	/* INtime process: a directory (2.2) */

/* Bytes of a synchronisation object's state page. */
#define RTSHM_SYNC_STATE_BYTES	4096

/*
 * The last 32 bits of the state page belong to the kernel: 0 while the
 * object lives, RTSHM_SYNC_DELETED once an RTSHM_OWNED object is deleted,
 * so a waiter that sleeps with a timeout sees the deletion even when the
 * deleting process was killed and woke nobody (2.2).
 */
#define RTSHM_SYNC_DELETED_OFFSET	4092
#define RTSHM_SYNC_DELETED		0x44454144U	/* "DEAD" */

/* What a successful create or open found. */
struct rtshm_result {
	uint64_t size;		/* segment size: whole pages */
	uint64_t serial;	/* never reused; see rtshm_open_serial() */
	uint32_t id;		/* segment id, see rtshm_open_id() */
	int created;		/* 1: this call made the segment; 0: it existed */
};

/* An object of the namespace, described without opening it. */
struct rtshm_object_info {
	uint64_t serial;
	uint64_t size;		/* segments: size in bytes */
	uint32_t id;
	uint32_t type;		/* RTSHM_OBJ_* */
};

/* Description of a bound segment (rtshm_stat()). */
struct rtshm_seg_info {
	uint64_t size;
	uint64_t phys_addr;	/* 0 unless the caller has CAP_SYS_ADMIN */
	uint64_t serial;
	uint32_t id;
	uint32_t mode;		/* permission bits */
	uint32_t uid;		/* creator's euid */
	uint32_t gid;		/* creator's egid */
	int32_t creator_pid;	/* 0 if not visible or gone */
	uint32_t handles;	/* open handles */
	uint32_t mappings;	/* live mappings */
	int writable;		/* this handle is read-write */
	size_t name_len;	/* 0: unnamed */
	char name[RTSHM_NAME_MAX_LEN + 1];
	uint32_t tier;		/* RTSHM_BACKEND_*; 0 for sync objects */
	int32_t node;		/* NUMA node of the memory, -1 if unknown */
	uint32_t type;		/* RTSHM_OBJ_* */
	int shared_futex;	/* 1: process-shared futexes (pthread mutexes,
				 * condition variables, sem_t), GUP and O_DIRECT
				 * work in this memory; 0: the pool tier, which
				 * has no struct pages, or a module before 1.3 */
	int owned;		/* created with RTSHM_OWNED (2.2) */
	int deleted;		/* an owned object, deleted (2.2) */
};

/* The loaded module (rtshm_module_info()). */
struct rtshm_module_info {
	uint32_t abi_major;
	uint32_t abi_minor;
	uint64_t features;
	uint64_t max_segment_size;	/* largest single segment */
	uint64_t max_bytes;		/* bytes per IPC namespace */
	uint64_t max_user_bytes;	/* bytes one user may create, all namespaces */
	uint32_t max_segments;		/* segments per IPC namespace */
	uint32_t name_max;
};

/**
 * rtshm_create() - create a segment, or open it if the name exists
 * @name: NULL or "" for an unnamed segment; else 1..255 bytes, no '\'
 * @size: bytes, rounded up to whole pages; ignored if the name exists
 * @flags: RTSHM_RDWR or RTSHM_RDONLY, optionally | RTSHM_EXCL, one
 *	   RTSHM_USE_* and RTSHM_ON_NODE(n) (tier and node apply to a new
 *	   segment only, like @size), RTSHM_OWNED (unnamed or with
 *	   RTSHM_EXCL; -EOPNOTSUPP before module ABI 2.2)
 * @mode: permission bits (0777 mask) of a new segment
 * @res: optional; receives size, id and whether this call created it
 *
 * Return: a handle (fd >= 0), or -EINVAL (size 0, bad flags or mode, a
 * '\' in @name, or a node that is not online with memory), -ENAMETOOLONG,
 * -EEXIST (RTSHM_EXCL), -EMEDIUMTYPE (the name belongs to another object
 * type), -EACCES, -ENOMEM (larger than the largest segment, the tier's
 * largest (RTSHM_USE_PAGES: 4 MiB; RTSHM_USE_POOL: the free pool, none
 * without a pool) or the byte limit, or no memory, on the node if one was
 * given), -EDQUOT (the user's quota, see max_user_bytes), -ENOSPC (segment
 * limit), -EINTR (a fatal signal during a contig scan).
 */
int rtshm_create(const char *name, uint64_t size, unsigned int flags,
		 mode_t mode, struct rtshm_result *res);

/**
 * rtshm_create_below() - rtshm_create() of memory at low physical addresses
 * @max_phys: the highest physical address any byte of a new segment may
 *	      have (a device that addresses 32 bits: 0xffffffff); UINT64_MAX
 *	      is no limit, as rtshm_create()
 *
 * The other arguments and the result are those of rtshm_create(); like the
 * tier and the node, @max_phys applies to a new segment only.  Every tier
 * honours it: the page tier (up to 4 MiB) by asking zone by zone (ZONE_DMA
 * ends at 16 MiB, ZONE_DMA32 at 4 GiB), the contig tier by scanning below
 * it, the pool by its first fit.
 *
 * Return: a handle, or the errors of rtshm_create(); -ENOMEM also when no
 * tier tried has the memory at or below @max_phys; -EOPNOTSUPP if the
 * module is older than ABI 2.1 and @max_phys is not UINT64_MAX.
 */
int rtshm_create_below(const char *name, uint64_t size, unsigned int flags,
		       mode_t mode, uint64_t max_phys, struct rtshm_result *res);

/**
 * rtshm_phys() - the physical address of a byte of a segment
 * @handle: a handle of a segment (either access)
 * @offset: byte offset into the segment, below its size
 * @phys: receives the physical address of that byte
 * @contig: optional; receives how many bytes are physically contiguous
 *	    from there on (to the end of the segment, in every tier)
 *
 * For programs that give segment memory to a device.  The address stays
 * valid while the segment lives: its memory never moves.  Only a handle
 * whose /dev/rtshm file was opened with CAP_SYS_ADMIN (the rule of
 * rtshm_stat()'s phys_addr and of /proc/rtshm) may ask.
 *
 * Return: 0, or -EPERM (the opener lacked CAP_SYS_ADMIN), -EINVAL (@phys
 * NULL, or @offset not below the size), -EBADF (not a handle), -ENOTCONN
 * (unbound), -EMEDIUMTYPE (a synchronisation object), -EOPNOTSUPP (a
 * module older than ABI 2.1).  *@phys and *@contig are untouched on
 * failure.
 */
int rtshm_phys(int handle, uint64_t offset, uint64_t *phys, uint64_t *contig);

/**
 * rtshm_sync_create() - create a synchronisation object, or open it
 * @name: NULL or "" for an unnamed object; else as for rtshm_create()
 * @type: RTSHM_OBJ_EVENT, RTSHM_OBJ_MUTEX, RTSHM_OBJ_SEMAPHORE,
 *	  RTSHM_OBJ_RT_SEMAPHORE or RTSHM_OBJ_MAILBOX
 * @state: initial contents of the object's state page (the rest is zero;
 *	   the last 32 bits are the kernel's, see RTSHM_SYNC_DELETED_OFFSET)
 * @len: bytes at @state, 1..RTSHM_SYNC_STATE_BYTES
 * @flags: 0, RTSHM_EXCL, RTSHM_OWNED; the handle is always read-write
 * @mode: permission bits of a new object
 * @res: optional, as for rtshm_create(); size is the state page's size
 *
 * The kernel gives the object a name in the namespace shared with
 * segments, permissions and a lifetime (the last handle closes it); the
 * state page, mapped with rtshm_map(), is shared memory in which futexes
 * work.  The kernel copies @state into it before any other process can
 * open the object.  The RTX layer (rtapi.h) builds events, mutexes and
 * semaphores on this.
 *
 * Return: a handle, or the errors of rtshm_create(); -EMEDIUMTYPE if the
 * name belongs to an object of another type.
 */
int rtshm_sync_create(const char *name, uint32_t type, const void *state,
		      size_t len, unsigned int flags, mode_t mode,
		      struct rtshm_result *res);

/**
 * rtshm_sync_open_id() - open a synchronisation object by id (2.2)
 * @id: its id
 * @serial: 0, or the serial the object must have (see rtshm_open_serial())
 * @type: the RTSHM_OBJ_* it must be
 * @res: optional
 *
 * Return: a read-write handle, or -ENOENT (no such object, another serial,
 * or deleted), -EMEDIUMTYPE (another type), -EACCES, -EINVAL.
 */
int rtshm_sync_open_id(uint32_t id, uint64_t serial, uint32_t type,
		       struct rtshm_result *res);

/**
 * rtshm_delete() - delete an RTSHM_OWNED object now (2.2)
 * @handle: any read-write handle of it, its owner's or another's
 *
 * What closing the owning handle does, done now: the name goes, opens
 * fail, a sync object's deleted word is set.  Handles and mappings stay
 * valid until closed.
 *
 * Return: 0, -EBADF, -EPERM (read-only handle), -EINVAL (not an owned
 * object), -ENOENT (already deleted).
 */
int rtshm_delete(int handle);

/**
 * rtshm_sync_open() - open an existing named synchronisation object
 *
 * Return: a read-write handle, or -ENOENT, -EACCES (no read-write
 * permission), -EINVAL, -ENAMETOOLONG, -EMEDIUMTYPE (another type).
 */
int rtshm_sync_open(const char *name, uint32_t type, struct rtshm_result *res);

/**
 * rtshm_open() - open an existing named segment
 * @flags: RTSHM_RDWR or RTSHM_RDONLY
 *
 * Return: a handle, or -ENOENT, -EACCES, -EINVAL (empty name or bad flags),
 * -ENAMETOOLONG, -EMEDIUMTYPE.
 */
int rtshm_open(const char *name, unsigned int flags, struct rtshm_result *res);

/**
 * rtshm_open_id() - open a segment of this IPC namespace by its id
 *
 * Return: a handle, or -ENOENT, -EACCES, -EINVAL (id out of range or bad flags).
 */
int rtshm_open_id(uint32_t id, unsigned int flags, struct rtshm_result *res);

/**
 * rtshm_open_serial() - open by id, only if it is still the object of @serial
 *
 * Ids are reused (as late as possible); serials never are.  A caller that
 * kept (id, serial) can never reach a later object that got the same id.
 * Return: a handle, or -ENOENT (gone or replaced), -EACCES, -EINVAL.
 */
int rtshm_open_serial(uint32_t id, uint64_t serial, unsigned int flags,
		      struct rtshm_result *res);

/**
 * rtshm_lookup() - describe the object named @name, waiting for it to appear
 * @timeout_ms: 0 = do not wait, < 0 = wait forever, else milliseconds
 *
 * The wait ends the moment the name is created or cataloged (the kernel
 * wakes the caller; there is no polling).  Signals do not end it early.
 * Return: 0, -ENOENT (absent and @timeout_ms == 0), -ETIMEDOUT, -EINVAL,
 * -ENAMETOOLONG.
 */
int rtshm_lookup(const char *name, long timeout_ms, struct rtshm_object_info *info);

/** rtshm_describe_id() - describe the object @id; -ENOENT if none */
int rtshm_describe_id(uint32_t id, struct rtshm_object_info *info);

/**
 * rtshm_catalog() - give the unnamed segment of a read-write handle a name
 *
 * Return: 0, -EEXIST (name taken), -EBUSY (segment already named), -EPERM
 * (read-only handle), -EINVAL, -ENAMETOOLONG.
 */
int rtshm_catalog(int handle, const char *name);

/**
 * rtshm_uncatalog() - remove a name; the object stays, reachable by id
 *
 * Return: 0, -ENOENT, -EACCES (no write permission on the object).
 */
int rtshm_uncatalog(const char *name);

/*
 * Directories (module ABI 2.2): a process object (RTSHM_OBJ_PROCESS, made
 * with rtshm_sync_create() and RTSHM_OWNED) has a directory of names of
 * its own, which go when it is deleted.  These are rtshm_lookup(),
 * rtshm_catalog() and rtshm_uncatalog() in the directory of the process
 * object @dir_id of serial @dir_serial.  Extra errors: -ESRCH (no such
 * process object, or deleted: a waiting lookup returns it when that
 * happens), -ENOTDIR (@dir_id is another type), -EACCES (no read
 * permission on it for a lookup, no write permission otherwise).
 */
int rtshm_lookup_dir(uint32_t dir_id, uint64_t dir_serial, const char *name,
		     long timeout_ms, struct rtshm_object_info *info);
int rtshm_catalog_dir(int handle, uint32_t dir_id, uint64_t dir_serial,
		      const char *name);
int rtshm_uncatalog_dir(uint32_t dir_id, uint64_t dir_serial, const char *name);

/**
 * rtshm_map() - map part or all of a segment, prefaulted
 * @handle: from rtshm_create() or rtshm_open*()
 * @offset: page-aligned offset into the segment
 * @length: bytes to map; 0 maps from @offset to the end
 * @prot: PROT_READ, optionally | PROT_WRITE (read-write handles only)
 * @addr: receives the address
 *
 * The mapping stays valid after the handle is closed, until rtshm_unmap().
 * Return: 0, or -EACCES (write on a read-only handle), -EINVAL (range or
 * prot), -EBADF (not a handle), -ENOTCONN (an unbound /dev/rtshm file), -ENOMEM.
 */
int rtshm_map(int handle, uint64_t offset, uint64_t length, int prot,
	      void **addr);

/** rtshm_unmap() - undo rtshm_map(); @length as mapped (0 is not allowed) */
int rtshm_unmap(void *addr, uint64_t length);

/** rtshm_stat() - describe the segment a handle is bound to */
int rtshm_stat(int handle, struct rtshm_seg_info *info);

/** rtshm_close() - drop a handle; the last handle and mapping free the segment */
int rtshm_close(int handle);

/**
 * rtshm_module_info() - ABI version, features and limits of the module
 *
 * Return: 0, or the device errors above.  -EPROTO is not returned here:
 * the caller sees the versions and decides.
 */
int rtshm_module_info(struct rtshm_module_info *info);

/**
 * rtshm_control_close() - let go of the library's control file
 *
 * Every create and open makes its handle with one ioctl on one unbound
 * file of /dev/rtshm that the library opens on first use and keeps
 * (close-on-exec).  Like any open file of the device it keeps the module
 * loaded; after this call only handles and mappings do, and the next
 * create or open opens a new control file.  Return: 0, or -errno of close.
 */
int rtshm_control_close(void);

/** rtshm_strerror() - short English text for a negative errno from this API */
const char *rtshm_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* RTSHM_H */
