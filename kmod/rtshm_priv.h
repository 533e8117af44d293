/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtshm internals shared by the module's source files.
 *
 * Objects and lifetime
 *   struct rtshm_ns	one per IPC namespace that has objects; kref, one
 *			reference per entry and per operation in progress.
 *   struct rtshm_entry	a named (or unnamed) object of the namespace; kref.
 *   struct rtshm_seg	the shared-memory entry type.
 *
 * A segment reference is held by every bound handle (open file) and by every
 * vma mapping it.  The last put removes the entry from its namespace's
 * tables at once; the memory goes back, and the creator's quota and
 * RLIMIT_MEMLOCK charges with it, right away for small segments and from
 * a workqueue for large ones (the last put may come from munmap() under
 * mmap_lock).
 *
 * Locking
 *   rtshm_ns_lock (mutex) protects only the list of namespaces.  Each
 *   namespace's lock protects its name hash, its id xarray's entries and
 *   its counters, so namespaces never wait for each other.  Entry
 *   references are dropped with kref_put_mutex() on the namespace lock, so
 *   an entry reachable from the tables always has a non-zero count and
 *   kref_get() under that lock is safe.  Nothing allocates, reclaims or
 *   wakes other tasks while holding a namespace lock: memory, names and ids
 *   are obtained before it is taken, lookup waiters are woken after.
 *   A handle's bind_lock is taken before a namespace lock.  A namespace
 *   lock and rtshm_ns_lock are never held together.  Lock
 *   order: mmap_lock -> either (vma close drops references), so no user
 *   copy and no page-table work is ever done while holding one.  quota.c
 *   uses its xarray's own lock.
 */
#ifndef _RTSHM_PRIV_H
#define _RTSHM_PRIV_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/rtshm.h>

struct vfsmount;
struct pid;
struct page;
struct file;
struct seq_file;
struct user_struct;

/*
 * The name hash starts at 1 << RTSHM_NS_HASH_BITS buckets and doubles while
 * it holds more than two names a bucket, up to RTSHM_NS_HASH_MAX_BITS
 * (65 535 names, the most a namespace can have, at two a bucket).  It
 * does not shrink while the namespace lives.
 */
#define RTSHM_NS_HASH_BITS	10
#define RTSHM_NS_HASH_MAX_BITS	15

struct rtshm_ns {
	struct kref ref;
	struct list_head node;		/* in rtshm_namespaces */
	struct vfsmount *key;		/* pinned identity, see compat.h */
	struct mutex lock;		/* everything below */
	struct xarray ids;		/* id -> struct rtshm_entry */
	u32 next_id;			/* cyclic cursor (xa_lock): reuse ids late */
	unsigned int nr_segments;	/* objects, and creations in progress */
	u64 bytes;			/* their sizes */
	struct hlist_head *names;	/* 1 << @hash_bits buckets */
	unsigned int hash_bits;
	unsigned int nr_names;		/* entries in @names */
};

struct rtshm_entry {
	struct kref ref;
	struct rtshm_ns *ns;
	struct hlist_node hnode;	/* in the name hash if named */
	char *name;			/* NUL-terminated, NULL if unnamed */
	u32 name_len;
	u32 hash;
	u32 type;			/* RTSHM_TYPE_* */
	u32 id;
	u64 serial;			/* never reused, unlike id */
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	struct pid *creator;
	atomic_t handles;
	/*
	 * RTSHM_BIND_OWNED: deleted when @owner (the creating handle) is
	 * released or by RTSHM_IOC_DELETE.  A deleted entry keeps its id
	 * until freed but is unnamed, and opens and lookups skip it.
	 */
	struct rtshm_handle *owner;	/* NULL once deleted */
	bool owned;
	bool deleted;
	/*
	 * A name in a process object's directory: @dir is that object's
	 * serial (0: the namespace's root) and @in_dir links the entry into
	 * its @members, so deleting the process object drops its names.
	 */
	u64 dir;
	struct list_head in_dir;
	struct list_head members;	/* RTSHM_TYPE_PROCESS only */
};

/*
 * Every entry is a struct rtshm_seg.  A shared-memory segment owns its
 * memory (@pages or @phys, by tier); an event, mutex or semaphore owns
 * instead the one-page shmem file @state
 * (shmem so that futexes work in it: they need a page with a mapping),
 * and @nr_pages is 1 for the accounting.
 */
struct rtshm_seg {
	struct rtshm_entry e;
	struct page *pages;		/* first of nr_pages contiguous pages;
					 * NULL in the pool tier (no struct page)
					 */
	phys_addr_t phys;		/* of the first byte */
	struct file *file;		/* what every mapping maps (segfs.c);
					 * segments only
					 */
	struct file *state;		/* synchronisation objects only */
	unsigned long nr_pages;
	u32 tier;			/* RTSHM_TIER_*, 0 until allocated */
	int node;			/* NUMA node, NUMA_NO_NODE if unknown */
	/*
	 * Contig tier: each whole, aligned 2 MiB of @pages is one folio of
	 * PMD order, mapped with one entry where a mapping allows (mmap.c).
	 */
	bool pmd_folios;
	/*
	 * Pool tier: @phys holds a whole, aligned 2 MiB, which mappings that
	 * line up with it map with one special (pfn) entry (mmap.c).
	 */
	bool pmd_pfns;
	atomic_t mappings;
	/* what creating it charged, given back once the memory is free */
	kuid_t quota_uid;		/* charged nr_pages if quota_charged */
	bool quota_charged;
	struct user_struct *locked_user; /* RLIMIT_MEMLOCK, or NULL */
	struct work_struct free_work;	/* freeing large segments */
};

static inline struct rtshm_seg *to_seg(struct rtshm_entry *e)
{
	return container_of(e, struct rtshm_seg, e);
}

static inline u64 rtshm_seg_size(const struct rtshm_seg *seg)
{
	return (u64)seg->nr_pages << PAGE_SHIFT;
}

static inline bool rtshm_type_is_sync(u32 type)
{
	return type != RTSHM_TYPE_SHM;
}

/* The size commands report: the UAPI's state size for sync objects. */
static inline u64 rtshm_entry_size(const struct rtshm_seg *seg)
{
	return rtshm_type_is_sync(seg->e.type) ? RTSHM_SYNC_STATE_SIZE
					      : rtshm_seg_size(seg);
}

/* Per-open-file state: one handle, bound at most once. */
struct rtshm_handle {
	/*
	 * One bind at a time: a file shared by processes of two IPC
	 * namespaces is bound under either namespace's lock, not both.
	 */
	struct mutex bind_lock;
	struct rtshm_seg *seg;		/* published with smp_store_release */
	u32 flags;			/* RTSHM_BIND_WRITE */
	/*
	 * A file that made handles with RTSHM_BIND_NEW_FD (a library's
	 * control file) keeps the first namespace it made them in, so a
	 * process creating and closing its only segment again and again does
	 * not build and tear down the namespace (its name hash) each time.
	 */
	struct rtshm_ns *ns_pin;
};

static inline struct rtshm_seg *rtshm_handle_seg(struct rtshm_handle *h)
{
	/* pairs with the store in rtshm_handle_attach() */
	return smp_load_acquire(&h->seg);
}

/* module parameters (main.c) */
u64 rtshm_limit_bytes(void);
u64 rtshm_limit_user_bytes(void);
unsigned int rtshm_limit_segments(void);
u64 rtshm_max_segment_size(void);
bool rtshm_protected_create(void);

/* names.c: namespaces, name hash, ids, permissions, lookup, catalog */
struct rtshm_ns *rtshm_ns_get(struct vfsmount *key, bool create);
void rtshm_ns_put(struct rtshm_ns *ns);
struct rtshm_entry *rtshm_name_lookup(struct rtshm_ns *ns, u64 dir,
				      const char *name, u32 len);
void rtshm_entry_init(struct rtshm_entry *e);
void rtshm_entry_drop_name(struct rtshm_entry *e);
void rtshm_dir_drop_members(struct rtshm_entry *dir);
void rtshm_names_wake_all(void);
int rtshm_id_reserve(struct rtshm_ns *ns, u32 *id);
void rtshm_id_release(struct rtshm_ns *ns, u32 id);
void rtshm_entry_publish(struct rtshm_ns *ns, struct rtshm_entry *e, u32 id);
void rtshm_entry_unpublish(struct rtshm_entry *e);
void rtshm_name_appeared(u32 hash);
/* After a name was added, without the namespace lock: grow the hash if due. */
void rtshm_ns_grow_names(struct rtshm_ns *ns);
bool rtshm_may_access(struct rtshm_entry *e, u32 flags);
int rtshm_lookup(struct rtshm_lookup *args, const char *name);
int rtshm_catalog(struct rtshm_handle *h, const struct rtshm_catalog *args,
		  const char *name);
int rtshm_uncatalog(const struct rtshm_catalog *args, const char *name);
void rtshm_names_init(void);
void rtshm_names_exit(void);

/* quota.c: bytes per user (the owner of user namespaces), and memlock */
kuid_t rtshm_quota_owner(void);
int rtshm_user_charge(kuid_t uid, unsigned long pages);
void rtshm_user_uncharge(kuid_t uid, unsigned long pages);
int rtshm_memlock_charge(struct rtshm_seg *seg);
void rtshm_memlock_uncharge(struct rtshm_seg *seg);
void rtshm_quota_exit(void);

/* alloc.c: tiers and NUMA placement */
bool rtshm_node_valid(int nid);
int rtshm_default_node(void);
int rtshm_mem_check(u64 size, u32 tier);
int rtshm_mem_alloc(struct rtshm_seg *seg, u32 tier, int nid,
		    phys_addr_t max_phys);
void rtshm_mem_free(struct rtshm_seg *seg);
bool rtshm_mem_free_deferred(const struct rtshm_seg *seg);
u64 rtshm_alloc_max_size(void);
int rtshm_pool_init(void);
void rtshm_pool_exit(void);
bool rtshm_pool_usage(u64 *used, u64 *size);
const char *rtshm_tier_name(u32 tier);

/* segment.c */
int rtshm_bind(struct rtshm_handle *h, unsigned int cmd,
	       struct rtshm_bind *args, const char *name, const void *state);
void rtshm_entry_put(struct rtshm_entry *e);
int rtshm_entry_delete(struct rtshm_entry *e);
void rtshm_handle_release(struct rtshm_handle *h);
void rtshm_entry_put_unmap(struct rtshm_entry *e);
void rtshm_seg_get(struct rtshm_seg *seg);
phys_addr_t rtshm_seg_phys(const struct rtshm_seg *seg);
phys_addr_t rtshm_seg_phys_at(const struct rtshm_seg *seg, u64 offset);
int rtshm_segments_init(void);
void rtshm_segments_exit(void);

/* segfs.c: one file per segment, its pages in the file's address space */
int rtshm_seg_file_new(struct rtshm_seg *seg);
void rtshm_seg_file_detach(struct rtshm_seg *seg);
void rtshm_seg_file_put(struct rtshm_seg *seg);
int rtshm_fs_init(void);
void rtshm_fs_exit(void);

/* mmap.c */
int rtshm_mmap(struct file *file, struct vm_area_struct *vma);

/* sync.c: state pages of events, mutexes and semaphores */
struct file *rtshm_state_new(const void *state, size_t len);
int rtshm_state_mmap(struct file *state, struct vm_area_struct *vma);
void rtshm_state_mark_deleted(struct file *state);

/* proc.c */
int rtshm_proc_init(void);
void rtshm_proc_exit(void);

/*
 * Page @i of a run that starts at @first.  By pfn, not by pointer: a
 * contig-tier run can span memory sections, whose struct pages need not
 * be adjacent (what nth_page() did before it was removed).
 */
#define rtshm_page_at(first, i)	pfn_to_page(page_to_pfn(first) + (i))

#endif /* _RTSHM_PRIV_H */
