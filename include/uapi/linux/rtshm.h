/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rtshm: named, physically contiguous shared memory for real-time processes.
 *
 * This header is the contract between rtshm.ko and user space.  Both sides
 * include this exact file.  Rules: fixed-size structs, __u64 for pointers and
 * sizes, explicit padding, and every reserved field must be zero (the kernel
 * rejects anything else with EINVAL so the fields can be used later).
 *
 * One open file of /dev/rtshm is one handle.  RTSHM_IOC_CREATE or
 * RTSHM_IOC_OPEN binds it to a segment exactly once; mmap() of that file maps
 * the segment; close() drops the handle's reference.  A mapping keeps the
 * segment alive on its own, so it may outlive the handle.  A handle of a
 * synchronisation object maps its state page (offset 0, one page, shared);
 * that mapping does not keep the object alive: the object goes with its
 * last handle.
 */
#ifndef _UAPI_LINUX_RTSHM_H
#define _UAPI_LINUX_RTSHM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define RTSHM_DEVICE_PATH	"/dev/rtshm"
#define RTSHM_PROC_PATH		"/proc/rtshm"

/*
 * ABI version.  A new major means old binaries cannot work; a new minor only
 * adds commands, flags or feature bits.
 */
#define RTSHM_ABI_MAJOR		2
#define RTSHM_ABI_MINOR		3

/* Longest name in bytes, without a terminating NUL. */
#define RTSHM_NAME_MAX		255

/* Segment ids are small integers, unique within one IPC namespace. */
#define RTSHM_ID_MIN		1
#define RTSHM_ID_MAX		65535

/*
 * Object types in the shared namespace.  A name belongs to one object of
 * one type; creating or opening it as another type fails with EMEDIUMTYPE.
 * Events, mutexes and semaphores (1.2), INtime semaphores, mailboxes and
 * processes (2.2) are synchronisation objects: the
 * kernel owns their one state page (shmem-backed, so futexes work in it,
 * never swapped) and their name, permissions and lifetime; librtshm defines
 * the page's contents and implements the waits on it with futexes.
 */
#define RTSHM_TYPE_SHM		1	/* shared-memory segment */
#define RTSHM_TYPE_EVENT	2	/* RTX event (1.2) */
#define RTSHM_TYPE_MUTEX	3	/* RTX mutex (1.2) */
#define RTSHM_TYPE_SEMAPHORE	4	/* RTX semaphore (1.2) */
#define RTSHM_TYPE_RT_SEMAPHORE	5	/* INtime semaphore (2.2) */
#define RTSHM_TYPE_MAILBOX	6	/* INtime mailbox (2.2) */
#define RTSHM_TYPE_PROCESS	7	/* INtime process and its directory (2.2) */
#define RTSHM_TYPE_MAX		RTSHM_TYPE_PROCESS

/*
 * Size of a synchronisation object's state page as every command reports
 * it, whatever PAGE_SIZE is (the object may own a larger page).
 */
#define RTSHM_SYNC_STATE_SIZE	4096

/*
 * The last 32 bits of a synchronisation object's state belong to the
 * kernel (2.2): zero while it lives; RTSHM_STATE_DELETED once an owned
 * object is deleted.  The kernel cannot wake futex waiters itself, so a
 * waiter that must notice a deletion by a process that died sleeps with a
 * timeout and looks at this word.
 */
#define RTSHM_STATE_DELETED_OFFSET	4092
#define RTSHM_STATE_DELETED		0x44454144U	/* "DEAD" */

/* Feature bits reported by RTSHM_IOC_GET_INFO. */
#define RTSHM_FEAT_NAMES	(1ULL << 0)	/* named create/open */
#define RTSHM_FEAT_OPEN_BY_ID	(1ULL << 1)	/* RTSHM_BIND_BY_ID */
#define RTSHM_FEAT_PREFAULT	(1ULL << 2)	/* mmap never faults later */
#define RTSHM_FEAT_SERIAL	(1ULL << 3)	/* serials, RTSHM_BIND_SERIAL (1.1) */
#define RTSHM_FEAT_LOOKUP	(1ULL << 4)	/* RTSHM_IOC_LOOKUP (1.1) */
#define RTSHM_FEAT_CATALOG	(1ULL << 5)	/* RTSHM_IOC_CATALOG/UNCATALOG (1.1) */
#define RTSHM_FEAT_TIERS	(1ULL << 6)	/* @tier of CREATE, STAT (1.2) */
#define RTSHM_FEAT_NUMA		(1ULL << 7)	/* RTSHM_BIND_NODE, @node (1.2) */
#define RTSHM_FEAT_SYNC		(1ULL << 8)	/* event, mutex, semaphore types (1.2) */
/*
 * Every segment is one file whose address space holds its pages, so
 * process-shared futexes (and what glibc builds on them), GUP and O_DIRECT
 * work in segment memory, except where RTSHM_STAT_NO_PAGES says (1.3).
 */
#define RTSHM_FEAT_SEGMENT_FILE	(1ULL << 9)
/* RTSHM_IOC_PHYS: the physical address of any byte of a segment (2.1) */
#define RTSHM_FEAT_PHYS		(1ULL << 10)
/* RTSHM_BIND_MAX_PHYS, @max_phys of CREATE (2.1) */
#define RTSHM_FEAT_MAX_PHYS	(1ULL << 11)
/* RTSHM_TYPE_RT_SEMAPHORE and RTSHM_TYPE_MAILBOX (2.2) */
#define RTSHM_FEAT_INTIME_SYNC	(1ULL << 12)
/* RTSHM_BIND_OWNED, RTSHM_IOC_DELETE, the deleted state word (2.2) */
#define RTSHM_FEAT_OWNED	(1ULL << 13)
/* RTSHM_TYPE_PROCESS and names in its directory (2.2) */
#define RTSHM_FEAT_DIRS		(1ULL << 14)
/* RTSHM_BIND_NEW_FD (2.3) */
#define RTSHM_FEAT_NEW_FD	(1ULL << 15)

/**
 * struct rtshm_info - module description, from RTSHM_IOC_GET_INFO
 * @abi_major:		RTSHM_ABI_MAJOR of the running module
 * @abi_minor:		RTSHM_ABI_MINOR of the running module
 * @features:		RTSHM_FEAT_* bits
 * @max_segment_size:	largest single segment any tier could allocate on
 *			this machine: the largest of the page allocator's
 *			block, the largest memory zone (contig tier) and the
 *			reserved pool.  An upper bound, not a promise: free
 *			memory, fragmentation and the limits below decide.
 *			Larger requests fail with ENOMEM before allocating.
 * @max_bytes:		limit on the bytes of all segments of one IPC namespace
 * @max_segments:	limit on the segments of one IPC namespace
 * @name_max:		RTSHM_NAME_MAX
 * @max_user_bytes:	limit on the bytes of the segments one user creates,
 *			over all IPC namespaces (EDQUOT beyond it) (1.1)
 * @reserved:		zero
 *
 * This command works on any open file, bound or not.
 */
struct rtshm_info {
	__u32 abi_major;
	__u32 abi_minor;
	__u64 features;
	__u64 max_segment_size;
	__u64 max_bytes;
	__u32 max_segments;
	__u32 name_max;
	__u64 max_user_bytes;
	__u64 reserved[3];
};

/* Flags of struct rtshm_bind. */
#define RTSHM_BIND_WRITE	(1U << 0)	/* read-write handle (else read-only) */
#define RTSHM_BIND_EXCL		(1U << 1)	/* CREATE: fail with EEXIST if the name exists */
#define RTSHM_BIND_BY_ID	(1U << 2)	/* OPEN: look up @id, not @name */
#define RTSHM_BIND_SERIAL	(1U << 3)	/* OPEN by id: only if @serial matches */
#define RTSHM_BIND_NODE		(1U << 4)	/* CREATE: @node is valid (1.2) */
#define RTSHM_BIND_MAX_PHYS	(1U << 5)	/* CREATE: @max_phys is valid (2.1) */
/*
 * CREATE (2.2): the new object belongs to this file and is deleted when
 * the file is released or by RTSHM_IOC_DELETE, whatever other handles
 * exist.  Only for an object that is surely new: unnamed, or with
 * RTSHM_BIND_EXCL (else EINVAL).
 */
#define RTSHM_BIND_OWNED	(1U << 6)
/*
 * CREATE and OPEN (2.3): bind not this file but a new one, opened on the
 * same device with this file's access mode and the caller's credentials,
 * and return its descriptor (close-on-exec) as the value of the ioctl.
 * This file stays as it was, bound or not, so one file of /dev/rtshm can
 * make every handle of a process: a create or an open is one system call.
 * RTSHM_BIND_OWNED ties the object to the new file.  On any error, EFAULT
 * from writing the results back included, no descriptor is made (an object
 * the call created is then released as if its handle had been closed);
 * EMFILE: no free descriptor.
 */
#define RTSHM_BIND_NEW_FD	(1U << 7)
#define RTSHM_BIND_FLAGS	(RTSHM_BIND_WRITE | RTSHM_BIND_EXCL | \
				 RTSHM_BIND_BY_ID | RTSHM_BIND_SERIAL | \
				 RTSHM_BIND_NODE | RTSHM_BIND_MAX_PHYS | \
				 RTSHM_BIND_OWNED | RTSHM_BIND_NEW_FD)

/*
 * Allocation tiers (1.2): where a segment's memory comes from.
 *   PAGES	the page allocator: up to its largest block (4 MiB on x86-64)
 *   CONTIG	a free physically contiguous range claimed with
 *		alloc_contig_range(), migrating movable pages away; best effort
 *   POOL	the reserved pool (module parameters pool_base, pool_size): RAM
 *		set aside at boot with memmap=SIZE$ADDR; deterministic
 * ANY takes the first that succeeds in the order PAGES, CONTIG, POOL,
 * skipping PAGES for sizes above its largest block.
 */
#define RTSHM_TIER_ANY		0
#define RTSHM_TIER_PAGES	1
#define RTSHM_TIER_CONTIG	2
#define RTSHM_TIER_POOL		3

/* Results of struct rtshm_bind. */
#define RTSHM_RESULT_CREATED	1	/* a new segment was made */
#define RTSHM_RESULT_EXISTED	2	/* the name already existed; @size is its size */

/**
 * struct rtshm_bind - argument of RTSHM_IOC_CREATE and RTSHM_IOC_OPEN
 * @name:	in: user pointer to the name bytes (need not be NUL-terminated)
 * @size:	in: CREATE: requested size in bytes, rounded up to whole pages;
 *		ignored when the name exists.  For a synchronisation object:
 *		the bytes at @state, 1..RTSHM_SYNC_STATE_SIZE.
 *		out: the segment's size (RTSHM_SYNC_STATE_SIZE for the
 *		state page of a synchronisation object).
 * @name_len:	in: number of bytes at @name; 0 = unnamed (CREATE only)
 * @flags:	in: RTSHM_BIND_*
 * @type:	in: RTSHM_TYPE_*
 * @mode:	in: CREATE: permission bits (0777 mask), like shmget()
 * @id:		in: OPEN with RTSHM_BIND_BY_ID: the id.  out: the segment's id.
 * @result:	out: RTSHM_RESULT_*
 * @serial:	in: OPEN with RTSHM_BIND_SERIAL: the expected serial, else 0.
 *		out: the segment's serial, unique for the module's lifetime.
 * @tier:	in: CREATE: RTSHM_TIER_*; OPEN: 0 (1.2)
 * @node:	in: CREATE with RTSHM_BIND_NODE: the NUMA node the memory must
 *		come from, in every tier; else 0 and the module parameter
 *		default_node (a preference, not a requirement) applies.
 *		OPEN: 0 (1.2).  Both 0 for a synchronisation object.
 * @max_phys:	in: CREATE with RTSHM_BIND_MAX_PHYS: the highest physical
 *		address any byte of the memory may have, in every tier (a
 *		device that can only address the first 4 GiB: 0xffffffff).
 *		ENOMEM if no tier has that much below it, never memory above
 *		it.  Else 0; OPEN: 0; a synchronisation object: 0 (2.1; this
 *		was a reserved field that had to be zero, and still must be
 *		without the flag).
 * @state:	in: CREATE of a synchronisation object: user pointer to the
 *		initial contents of its state page (the rest is zero), copied
 *		before the object becomes visible, so no opener can see it
 *		uninitialised.  Else 0.
 *
 * CREATE makes the segment, or opens the existing one of that name (unless
 * RTSHM_BIND_EXCL): when several processes race on one new name, exactly one
 * gets RTSHM_RESULT_CREATED.  Errors: EINVAL (bad flags, reserved, type,
 * size 0, a name containing '\' or NUL, an unknown tier, a node that is
 * not online with memory), ENAMETOOLONG, EFAULT, EMEDIUMTYPE (the name
 * belongs to an object of another type), EACCES (permissions), ENOENT
 * (OPEN: no such name or id), EEXIST (EXCL), ENOMEM (size above the largest
 * segment or the asked tier's largest (POOL without a pool: any size), the
 * byte limit, or no memory; with RTSHM_BIND_NODE: none free on that node,
 * never another node),
 * EDQUOT (the creating user's quota), ENOSPC (segment limit or no free id),
 * EBUSY (file already bound), EPERM (the CONTIG or POOL tier, asked for or
 * needed for the size, without the privilege the module parameter
 * tier_gid and CAP_IPC_LOCK decide; 2.0), EOPNOTSUPP (CONTIG asked for
 * where the module parameter contig_tier disables it; 2.0), ENOMEM (with
 * RTSHM_BIND_MAX_PHYS: no room at or below @max_phys in the tiers tried;
 * 2.1).
 * Memory is locked: a creator without CAP_IPC_LOCK has the segment charged
 * to RLIMIT_MEMLOCK like mlock() (ENOMEM beyond it; 2.0).  CREATE without
 * RTSHM_BIND_EXCL that finds an object created by another user who is not
 * root fails with EACCES while the module parameter protected_create is 1
 * (the default), as fs.protected_regular does for O_CREAT in /tmp (2.0).
 * Ids are reused (late); serials never are, so an id plus RTSHM_BIND_SERIAL
 * can never reach a later object that got the same id (ENOENT instead).
 */
struct rtshm_bind {
	__u64 name;
	__u64 size;
	__u32 name_len;
	__u32 flags;
	__u32 type;
	__u32 mode;
	__u32 id;
	__u32 result;
	__u64 serial;
	__u32 tier;
	__s32 node;
	__u64 max_phys;
	__u64 state;
};

/**
 * struct rtshm_stat - the bound segment, from RTSHM_IOC_STAT
 * @size:	segment size in bytes (whole pages)
 * @phys_addr:	physical address of the first byte; 0 unless whoever opened
 *		the file had CAP_SYS_ADMIN (its credentials, as /proc/rtshm
 *		uses its opener's); always 0 for a synchronisation object
 * @id:		segment id
 * @type:	RTSHM_TYPE_*
 * @flags:	this handle's RTSHM_BIND_WRITE bit, RTSHM_STAT_NO_PAGES,
 *		RTSHM_STAT_OWNED and RTSHM_STAT_DELETED
 * @mode:	permission bits
 * @uid:	creator's effective uid, as seen from the caller's user namespace
 * @gid:	creator's effective gid, likewise
 * @creator_pid: creating process, as seen from the caller's pid namespace (0 if gone)
 * @handles:	open handles bound to the segment
 * @mappings:	live mappings (vmas) of the segment
 * @name_len:	bytes of @name, 0 if unnamed
 * @name:	the name, NUL-terminated
 * @serial:	the segment's serial
 * @tier:	the segment's backend, RTSHM_TIER_PAGES, _CONTIG or _POOL (1.2)
 * @node:	the NUMA node of its memory, -1 if unknown (1.2)
 * @reserved:	zero
 *
 * ENOTCONN if the file is not bound yet.
 */
struct rtshm_stat {
	__u64 size;
	__u64 phys_addr;
	__u32 id;
	__u32 type;
	__u32 flags;
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__s32 creator_pid;
	__u32 handles;
	__u32 mappings;
	__u32 name_len;
	char name[RTSHM_NAME_MAX + 1];
	__u64 serial;
	__u32 tier;
	__s32 node;
	__u64 reserved[2];
};

/*
 * Output flag of struct rtshm_stat (1.3): the memory has no struct pages
 * (the pool tier), so it is mapped by pfn and shared futexes, GUP
 * (vmsplice, process_vm_readv, io_uring buffers) and O_DIRECT fail on it.
 */
#define RTSHM_STAT_NO_PAGES	(1U << 16)
/* Output flags of struct rtshm_stat (2.2): RTSHM_BIND_OWNED, and deleted. */
#define RTSHM_STAT_OWNED	(1U << 17)
#define RTSHM_STAT_DELETED	(1U << 18)

/* Flags of struct rtshm_lookup. */
#define RTSHM_LOOKUP_WAIT	(1U << 0)	/* wait until @deadline_ns for the name */
#define RTSHM_LOOKUP_BY_ID	(1U << 1)	/* describe @id instead of a name */
#define RTSHM_LOOKUP_DIR	(1U << 2)	/* the name is in @dir_id's directory (2.2) */
#define RTSHM_LOOKUP_FLAGS	(RTSHM_LOOKUP_WAIT | RTSHM_LOOKUP_BY_ID | \
				 RTSHM_LOOKUP_DIR)

/* @deadline_ns value that never expires. */
#define RTSHM_WAIT_FOREVER	(~0ULL)

/**
 * struct rtshm_lookup - argument of RTSHM_IOC_LOOKUP
 * @name:	in: user pointer to the name (not with RTSHM_LOOKUP_BY_ID)
 * @deadline_ns: in: with RTSHM_LOOKUP_WAIT, absolute CLOCK_MONOTONIC time
 *		to give up, or RTSHM_WAIT_FOREVER; else 0
 * @serial:	out: the object's serial
 * @size:	out: the segment's size
 * @name_len:	in: bytes at @name, 1..RTSHM_NAME_MAX
 * @flags:	in: RTSHM_LOOKUP_*
 * @id:		in: with RTSHM_LOOKUP_BY_ID, the id (else 0).  out: the id.
 * @type:	out: RTSHM_TYPE_*
 * @dir_serial:	in: with RTSHM_LOOKUP_DIR, the serial of the directory's
 *		process object, else 0 (2.2; was reserved)
 * @dir_id:	in: with RTSHM_LOOKUP_DIR, its id, else 0
 * @pad:	zero
 * @reserved:	zero
 *
 * Describes an object of the caller's IPC namespace without opening it.
 * Waiting sleeps until the name is created or cataloged (woken by that
 * event, not by polling), a signal (the call restarts with the same
 * deadline), or the deadline.  Works on any open file, bound or not.
 * With RTSHM_LOOKUP_DIR the name is looked up in the directory of a
 * process object instead of the namespace's root; a waiter returns ESRCH
 * when that process object is deleted (2.2).
 * Errors: ENOENT (absent, no wait), ETIMEDOUT (deadline passed), EINVAL,
 * ENAMETOOLONG, EFAULT; with RTSHM_LOOKUP_DIR: ESRCH (no such process
 * object, or deleted), ENOTDIR (the id is no process object), EACCES (no
 * read permission on it).
 */
struct rtshm_lookup {
	__u64 name;
	__u64 deadline_ns;
	__u64 serial;
	__u64 size;
	__u32 name_len;
	__u32 flags;
	__u32 id;
	__u32 type;
	__u64 dir_serial;
	__u32 dir_id;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct rtshm_catalog - argument of RTSHM_IOC_CATALOG and RTSHM_IOC_UNCATALOG
 * @name:	in: user pointer to the name
 * @name_len:	in: bytes at @name, 1..RTSHM_NAME_MAX
 * @flags:	in: 0 or RTSHM_CATALOG_DIR
 * @dir_serial:	in: with RTSHM_CATALOG_DIR, the serial of the directory's
 *		process object, else 0 (2.2; was reserved)
 * @dir_id:	in: with RTSHM_CATALOG_DIR, its id, else 0
 * @pad:	zero
 *
 * CATALOG names the unnamed segment of a read-write handle (EBUSY if it
 * already has a name, EEXIST if the name is taken, EPERM for a read-only
 * handle, ENOTCONN if unbound) and wakes RTSHM_IOC_LOOKUP waiters.
 * UNCATALOG removes @name from whatever object holds it, which stays alive
 * and reachable by id (ENOENT if absent, EACCES without write permission);
 * it works on any open file.  A name never keeps an object alive.
 * With RTSHM_CATALOG_DIR both work in the directory of a process object
 * (RTSHM_TYPE_PROCESS), whose names are its own: the same name can exist
 * in the root and in every directory.  Naming there needs write permission
 * on the process object; its names go when it is deleted (2.2).  Errors
 * then also: ESRCH (no such process object, or deleted), ENOTDIR (the id
 * is no process object), EINVAL (a process object in its own directory).
 */
#define RTSHM_CATALOG_DIR	(1U << 0)	/* 2.2 */

struct rtshm_catalog {
	__u64 name;
	__u32 name_len;
	__u32 flags;
	__u64 dir_serial;
	__u32 dir_id;
	__u32 pad;
};

/**
 * struct rtshm_phys - argument of RTSHM_IOC_PHYS (2.1)
 * @offset:	in: byte offset into the bound segment, below its size
 * @phys_addr:	out: the CPU physical address of that byte (what a device
 *		is given for DMA where no IOMMU translates its addresses)
 * @contig:	out: bytes that are physically contiguous from there on, up
 *		to the end of the segment (every tier allocates one run, so
 *		this is the size less @offset)
 * @flags:	in: zero
 * @pad:	zero
 * @reserved:	zero
 *
 * Works for every tier; the memory never moves while the segment lives.
 * Only for a file opened with CAP_SYS_ADMIN in the initial user namespace
 * (the opener's credentials, the rule of RTSHM_IOC_STAT and /proc/rtshm):
 * physical addresses help attacks on the kernel.  Errors: EFAULT, EINVAL
 * (flags, pad or reserved not zero, out fields not zero on input, @offset
 * not below the size), ENOTCONN (not bound), EPERM (no privilege),
 * EMEDIUMTYPE (a synchronisation object, whose state page is not for
 * devices).
 */
struct rtshm_phys {
	__u64 offset;
	__u64 phys_addr;
	__u64 contig;
	__u32 flags;
	__u32 pad;
	__u64 reserved[4];
};

/**
 * struct rtshm_delete - argument of RTSHM_IOC_DELETE (2.2)
 * @flags:	in: zero
 * @pad:	zero
 * @reserved:	zero
 *
 * Deletes the owned object the file is bound to, as its owner's release
 * would: the name goes, OPEN and LOOKUP by id fail with ENOENT (the id is
 * not reused while handles remain), the state word is set, STAT shows
 * RTSHM_STAT_DELETED; handles and mappings stay valid until closed.
 * Errors: EFAULT, EINVAL (flags, pad or reserved not zero; not an owned
 * object), ENOTCONN (unbound), EPERM (read-only handle), ENOENT (already
 * deleted).
 */
struct rtshm_delete {
	__u32 flags;
	__u32 pad;
	__u64 reserved[2];
};

/*
 * Ioctl numbers (2.0; 1.x used 0xB8, which mainline gave to /dev/mshv).
 * For Documentation/userspace-api/ioctl/ioctl-number.rst:
 *   0xB9  00-1F  uapi/linux/rtshm.h  rtshm (out of tree)
 */
#define RTSHM_IOC_MAGIC		0xB9

#define RTSHM_IOC_GET_INFO	_IOR(RTSHM_IOC_MAGIC, 0x00, struct rtshm_info)
#define RTSHM_IOC_CREATE	_IOWR(RTSHM_IOC_MAGIC, 0x01, struct rtshm_bind)
#define RTSHM_IOC_OPEN		_IOWR(RTSHM_IOC_MAGIC, 0x02, struct rtshm_bind)
#define RTSHM_IOC_STAT		_IOR(RTSHM_IOC_MAGIC, 0x03, struct rtshm_stat)
#define RTSHM_IOC_LOOKUP	_IOWR(RTSHM_IOC_MAGIC, 0x04, struct rtshm_lookup)
#define RTSHM_IOC_CATALOG	_IOW(RTSHM_IOC_MAGIC, 0x05, struct rtshm_catalog)
#define RTSHM_IOC_UNCATALOG	_IOW(RTSHM_IOC_MAGIC, 0x06, struct rtshm_catalog)
#define RTSHM_IOC_PHYS		_IOWR(RTSHM_IOC_MAGIC, 0x07, struct rtshm_phys)
#define RTSHM_IOC_DELETE	_IOW(RTSHM_IOC_MAGIC, 0x08, struct rtshm_delete)

#endif /* _UAPI_LINUX_RTSHM_H */
