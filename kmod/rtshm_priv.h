/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtshm internals shared by the module's source files.
 *
 * Objects and lifetime
 *   struct rtshm_ns	one per IPC namespace that has objects; freed with
 *			its last entry.
 *   struct rtshm_entry	a named (or unnamed) object of the namespace; kref.
 *   struct rtshm_seg	the shared-memory entry type.
 *
 * A segment reference is held by every bound handle (open file) and by every
 * vma mapping it.  The last put removes the entry from the name table and
 * the id table and frees the memory at once.
 *
 * Locking
 *   rtshm_lock (mutex) protects the namespace list, each namespace's id
 *   xarray and counters, and the name hash.  References are dropped with
 *   kref_put_mutex(), so an entry reachable from a table always has a
 *   non-zero count and kref_get() under rtshm_lock is safe.
 *   Lock order: mmap_lock -> rtshm_lock (vma close drops references), so no
 *   user copy and no page-table work is ever done while holding rtshm_lock.
 */
#ifndef _RTSHM_PRIV_H
#define _RTSHM_PRIV_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>
#include <uapi/linux/rtshm.h>

struct vfsmount;
struct pid;
struct page;
struct file;
struct seq_file;

struct rtshm_ns {
	struct list_head node;		/* in rtshm_namespaces */
	struct vfsmount *key;		/* pinned identity, see compat.h */
	struct xarray ids;		/* id -> struct rtshm_entry */
	u32 next_id;			/* cyclic cursor: reuse ids late */
	unsigned int nr_entries;
	unsigned int nr_segments;
	u64 bytes;			/* sum of segment sizes */
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
	atomic_t mappings;
};

static inline struct rtshm_seg *to_seg(struct rtshm_entry *e)
{
	return container_of(e, struct rtshm_seg, e);
}

static inline u64 rtshm_seg_size(const struct rtshm_seg *seg)
{
	return (u64)seg->nr_pages << PAGE_SHIFT;
}

/* Per-open-file state: one handle, bound at most once. */
struct rtshm_handle {
	struct rtshm_seg *seg;		/* published with smp_store_release */
	u32 flags;			/* RTSHM_BIND_WRITE */
};

static inline struct rtshm_seg *rtshm_handle_seg(struct rtshm_handle *h)
{
	/* pairs with the store in rtshm_handle_attach() */
	return smp_load_acquire(&h->seg);
}

extern struct mutex rtshm_lock;

/* module parameters (main.c) */
u64 rtshm_limit_bytes(void);
u64 rtshm_limit_user_bytes(void);
unsigned int rtshm_limit_segments(void);
u64 rtshm_max_segment_size(void);

/* names.c: namespaces, name hash, ids, permissions, lookup, catalog */
struct rtshm_ns *rtshm_ns_current(bool create);
struct rtshm_entry *rtshm_name_lookup(struct rtshm_ns *ns, const char *name,
				      u32 len);
int rtshm_entry_publish(struct rtshm_ns *ns, struct rtshm_entry *e);
struct rtshm_ns *rtshm_entry_unpublish(struct rtshm_entry *e);
void rtshm_ns_free(struct rtshm_ns *ns);
bool rtshm_may_access(struct rtshm_entry *e, u32 flags);
int rtshm_lookup(struct rtshm_lookup *args, const char *name);
int rtshm_catalog(struct rtshm_handle *h, const char *name, u32 len);
int rtshm_uncatalog(const char *name, u32 len);
void rtshm_names_init(void);
void rtshm_names_exit(void);

/* quota.c: bytes per creating user, across namespaces */
int rtshm_user_check(kuid_t uid, unsigned long pages);
int rtshm_user_charge(kuid_t uid, unsigned long pages);
void rtshm_user_uncharge(kuid_t uid, unsigned long pages);
void rtshm_quota_exit(void);

/* alloc.c: tiers and NUMA placement */
bool rtshm_node_valid(int nid);
int rtshm_default_node(void);
int rtshm_mem_alloc(struct rtshm_seg *seg, u32 tier, int nid);
void rtshm_mem_free(struct rtshm_seg *seg);
u64 rtshm_alloc_max_size(void);
int rtshm_pool_init(void);
void rtshm_pool_exit(void);
bool rtshm_pool_usage(u64 *used, u64 *size);
const char *rtshm_tier_name(u32 tier);

/* segment.c */
int rtshm_bind(struct rtshm_handle *h, unsigned int cmd,
	       struct rtshm_bind *args, const char *name, const void *state);
void rtshm_entry_put(struct rtshm_entry *e);
void rtshm_seg_get(struct rtshm_seg *seg);
phys_addr_t rtshm_seg_phys(const struct rtshm_seg *seg);

/* segfs.c: one file per segment, its pages in the file's address space */
int rtshm_seg_file_new(struct rtshm_seg *seg);
void rtshm_seg_file_detach(struct rtshm_seg *seg);
void rtshm_seg_file_put(struct rtshm_seg *seg);
int rtshm_fs_init(void);
void rtshm_fs_exit(void);

/* mmap.c */
int rtshm_mmap(struct file *file, struct vm_area_struct *vma);

/* sync.c: state pages of events, mutexes and semaphores */
static inline bool rtshm_type_is_sync(u32 type)
{
	return type != RTSHM_TYPE_SHM;
}

struct file *rtshm_state_new(const void *state, size_t len);
int rtshm_state_mmap(struct file *state, struct vm_area_struct *vma);

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
