// SPDX-License-Identifier: GPL-2.0
/*
 * Shared-memory segments: allocation, create-or-open, open by id, release.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "rtshm_priv.h"

phys_addr_t rtshm_seg_phys(const struct rtshm_seg *seg)
{
	return seg->phys;
}

/*
 * The physical address of byte @offset (below the size) of a segment's
 * memory.  The pages tiers translate the page at that offset rather than
 * assume the run, so the answer stays right for memory that is not one.
 */
phys_addr_t rtshm_seg_phys_at(const struct rtshm_seg *seg, u64 offset)
{
	if (!seg->pages)
		return seg->phys + offset;
	return page_to_phys(rtshm_page_at(seg->pages, offset >> PAGE_SHIFT)) +
	       offset_in_page(offset);
}

static struct workqueue_struct *rtshm_free_wq;
/* queued frees not yet done: their memory and charges are still held */
static atomic_t rtshm_frees_pending = ATOMIC_INIT(0);

/*
 * Everything an object owns, in any state of construction, then the object:
 * memory first, then the charges that stood for it.
 */
static void rtshm_seg_free(struct rtshm_seg *seg)
{
	if (seg->file)
		rtshm_seg_file_detach(seg);
	if (seg->tier)
		rtshm_mem_free(seg);
	if (seg->quota_charged)
		rtshm_user_uncharge(seg->quota_uid, seg->nr_pages);
	rtshm_memlock_uncharge(seg);
	if (seg->state)
		fput(seg->state);
	put_pid(seg->e.creator);
	kfree(seg->e.name);
	/* last: the file may hold the last module reference */
	if (seg->file)
		rtshm_seg_file_put(seg);
	kfree(seg);
}

static void rtshm_seg_free_work(struct work_struct *work)
{
	rtshm_seg_free(container_of(work, struct rtshm_seg, free_work));
	atomic_dec(&rtshm_frees_pending);
}

/* Called by kref_put_mutex() with the namespace lock held; drops it. */
static void rtshm_entry_release_common(struct rtshm_entry *e, bool unmap)
{
	struct rtshm_seg *seg = to_seg(e);
	struct rtshm_ns *ns = e->ns;

	ns->nr_segments--;
	ns->bytes -= rtshm_seg_size(seg);
	rtshm_entry_unpublish(e);
	mutex_unlock(&ns->lock);
	rtshm_ns_put(ns);

	/*
	 * munmap() holds mmap_lock: freeing a large segment there would stall
	 * the process's other threads for as long as it takes.
	 */
	if (unmap && rtshm_mem_free_deferred(seg)) {
		atomic_inc(&rtshm_frees_pending);
		queue_work(rtshm_free_wq, &seg->free_work);
		return;
	}
	rtshm_seg_free(seg);
}

static void rtshm_entry_release(struct kref *ref)
{
	rtshm_entry_release_common(container_of(ref, struct rtshm_entry, ref),
				   false);
}

static void rtshm_entry_release_unmap(struct kref *ref)
{
	rtshm_entry_release_common(container_of(ref, struct rtshm_entry, ref),
				   true);
}

void rtshm_entry_put(struct rtshm_entry *e)
{
	kref_put_mutex(&e->ref, rtshm_entry_release, &e->ns->lock);
}

/* The put of a vma being closed (mmap_lock held). */
void rtshm_entry_put_unmap(struct rtshm_entry *e)
{
	kref_put_mutex(&e->ref, rtshm_entry_release_unmap, &e->ns->lock);
}

void rtshm_seg_get(struct rtshm_seg *seg)
{
	kref_get(&seg->e.ref);
}

/*
 * The memory of a new segment, from @args->tier on the node asked for (else
 * the module's default), or the state page of a new sync object.
 */
static int rtshm_seg_alloc(struct rtshm_seg *seg, const struct rtshm_bind *args,
			   const void *state)
{
	int nid = args->flags & RTSHM_BIND_NODE ? args->node : NUMA_NO_NODE;
	phys_addr_t max_phys = PHYS_ADDR_MAX;
	struct file *file;
	int ret;

	if (rtshm_type_is_sync(args->type)) {
		file = rtshm_state_new(state, args->size);
		if (IS_ERR(file))
			return PTR_ERR(file);
		seg->state = file;
		seg->node = NUMA_NO_NODE;
		return 0;
	}
	if (args->flags & RTSHM_BIND_MAX_PHYS)
		max_phys = min_t(u64, args->max_phys, PHYS_ADDR_MAX);
	ret = rtshm_mem_alloc(seg, args->tier, nid, max_phys);
	if (ret == -ENOMEM)
		pr_warn_ratelimited("no %llu contiguous bytes free for a segment (tier %s, node %d, highest address %pa)\n",
				    rtshm_seg_size(seg),
				    args->tier ? rtshm_tier_name(args->tier) : "any",
				    nid, &max_phys);
	if (ret)
		return ret;
	ret = rtshm_seg_file_new(seg);
	if (ret) {
		rtshm_mem_free(seg);
		seg->tier = 0;
	}
	return ret;
}

/*
 * A new, unpublished object: its name, its charges, then its memory, or
 * ERR_PTR.
 */
static struct rtshm_seg *rtshm_seg_new(const struct rtshm_bind *args,
				       const char *name, const void *state)
{
	struct rtshm_seg *seg;
	int ret;

	seg = kzalloc_obj(*seg, GFP_KERNEL);
	if (!seg)
		return ERR_PTR(-ENOMEM);
	INIT_WORK(&seg->free_work, rtshm_seg_free_work);
	rtshm_entry_init(&seg->e);
	seg->e.type = args->type;
	seg->e.uid = current_euid();
	seg->e.gid = current_egid();
	seg->e.mode = args->mode;
	seg->e.creator = get_pid(task_tgid(current));
	if (args->name_len) {
		seg->e.name = kmemdup_nul(name, args->name_len, GFP_KERNEL);
		if (!seg->e.name) {
			ret = -ENOMEM;
			goto err;
		}
		seg->e.name_len = args->name_len;
	}
	seg->nr_pages = rtshm_type_is_sync(args->type) ? 1 :
			PAGE_ALIGN(args->size) >> PAGE_SHIFT;

	seg->quota_uid = rtshm_quota_owner();
	ret = rtshm_user_charge(seg->quota_uid, seg->nr_pages);
	if (ret)
		goto err;
	seg->quota_charged = true;
	if (!rtshm_type_is_sync(args->type)) {
		ret = rtshm_memlock_charge(seg);
		if (ret)
			goto err;
	}
	ret = rtshm_seg_alloc(seg, args, state);
	if (ret)
		goto err;
	kref_init(&seg->e.ref);
	return seg;

err:
	rtshm_seg_free(seg);
	return ERR_PTR(ret);
}

/*
 * Segments being freed count until they are: wait for them once.  A free
 * in flight when the create began may finish (and give back its charge)
 * between the failure and a look at the counter, so either look decides.
 */
static struct rtshm_seg *rtshm_seg_new_retry(const struct rtshm_bind *args,
					     const char *name,
					     const void *state)
{
	bool pending = atomic_read(&rtshm_frees_pending);
	struct rtshm_seg *seg = rtshm_seg_new(args, name, state);
	int ret = PTR_ERR_OR_ZERO(seg);

	if ((ret == -ENOMEM || ret == -EDQUOT) &&
	    (pending || atomic_read(&rtshm_frees_pending))) {
		flush_workqueue(rtshm_free_wq);
		seg = rtshm_seg_new(args, name, state);
	}
	return seg;
}

/**
 * rtshm_entry_delete - delete an owned object now
 * @e: an entry a handle holds a reference to
 *
 * Its name goes (lookup waiters are not woken: nothing appeared), opens
 * and lookups by id skip it, and a sync object's state word says so.
 *
 * Return: 0, -EINVAL if @e is not owned, -ENOENT if already deleted.
 */
int rtshm_entry_delete(struct rtshm_entry *e)
{
	struct rtshm_ns *ns = e->ns;
	char *name = NULL;
	int ret = 0;

	mutex_lock(&ns->lock);
	if (!e->owned) {
		ret = -EINVAL;
	} else if (e->deleted) {
		ret = -ENOENT;
	} else {
		e->deleted = true;
		e->owner = NULL;
		if (e->name) {
			name = e->name;
			rtshm_entry_drop_name(e);
		}
		rtshm_dir_drop_members(e);
	}
	mutex_unlock(&ns->lock);
	kfree(name);
	if (ret)
		return ret;
	if (rtshm_type_is_sync(e->type))
		rtshm_state_mark_deleted(to_seg(e)->state);
	/* lookups waiting in its directory end with ESRCH */
	if (e->type == RTSHM_TYPE_PROCESS)
		rtshm_names_wake_all();
	return 0;
}

/* The handle's file is released: drop its reference, deleting what it owns. */
void rtshm_handle_release(struct rtshm_handle *h)
{
	struct rtshm_seg *seg = rtshm_handle_seg(h);
	bool owner;

	if (!seg)
		return;
	/* only its own release clears @owner, so this read cannot race */
	owner = READ_ONCE(seg->e.owner) == h;
	if (owner)
		rtshm_entry_delete(&seg->e);
	atomic_dec(&seg->e.handles);
	rtshm_entry_put(&seg->e);
}

/* Attach a referenced segment to a handle; the handle owns the reference. */
static void rtshm_handle_attach(struct rtshm_handle *h, struct rtshm_seg *seg,
				struct rtshm_bind *args)
{
	atomic_inc(&seg->e.handles);
	h->flags = args->flags & RTSHM_BIND_WRITE;
	args->id = seg->e.id;
	args->serial = seg->e.serial;
	args->size = rtshm_entry_size(seg);
	/* pairs with rtshm_handle_seg(): readers see h->flags once h->seg is set */
	smp_store_release(&h->seg, seg);
}

/* Open an existing entry found under its namespace's lock. */
static int rtshm_open_entry(struct rtshm_handle *h, struct rtshm_entry *e,
			    struct rtshm_bind *args)
{
	if (e->type != args->type)
		return -EMEDIUMTYPE;
	if (!rtshm_may_access(e, args->flags))
		return -EACCES;
	kref_get(&e->ref);
	rtshm_handle_attach(h, to_seg(e), args);
	return 0;
}

/*
 * Whether a CREATE that did not ask for exclusivity may open @e, which
 * another process created: like fs.protected_regular for O_CREAT in a
 * sticky world-writable directory, only an object of the caller's own or
 * of root, so nobody can plant an object under a name a privileged
 * program is about to create.
 */
static bool rtshm_may_create_open(const struct rtshm_entry *e)
{
	if (!rtshm_protected_create())
		return true;
	return uid_eq(e->uid, current_euid()) || uid_eq(e->uid, GLOBAL_ROOT_UID);
}

static int rtshm_check_new_size(const struct rtshm_bind *args)
{
	int ret;

	if (rtshm_type_is_sync(args->type))
		return 0;
	if (!args->size)
		return -EINVAL;
	ret = rtshm_mem_check(args->size, args->tier);
	if (ret)
		return ret;
	if (args->size > rtshm_max_segment_size()) {
		pr_info_ratelimited("%llu bytes requested; largest contiguous segment is %llu bytes\n",
				    args->size, rtshm_max_segment_size());
		return -ENOMEM;
	}
	return 0;
}

/* Count a creation in progress against the namespace's limits. */
static int rtshm_ns_reserve(struct rtshm_ns *ns, u64 bytes)
{
	lockdep_assert_held(&ns->lock);
	if (ns->nr_segments >= rtshm_limit_segments())
		return -ENOSPC;
	if (bytes > rtshm_limit_bytes() || ns->bytes > rtshm_limit_bytes() - bytes)
		return -ENOMEM;
	ns->nr_segments++;
	ns->bytes += bytes;
	return 0;
}

static void rtshm_ns_unreserve(struct rtshm_ns *ns, u64 bytes)
{
	mutex_lock(&ns->lock);
	ns->nr_segments--;
	ns->bytes -= bytes;
	mutex_unlock(&ns->lock);
}

/*
 * Look the name up and open it if it exists.  Return: 1 if opened, 0 if
 * absent, or -errno.  Caller holds the namespace lock.
 */
static int rtshm_try_open_name(struct rtshm_ns *ns, struct rtshm_handle *h,
			       struct rtshm_bind *args, const char *name)
{
	struct rtshm_entry *e;
	int ret;

	if (h->seg)
		return -EBUSY;
	if (!args->name_len)
		return 0;
	e = rtshm_name_lookup(ns, 0, name, args->name_len);
	if (!e)
		return 0;
	if (args->flags & RTSHM_BIND_EXCL)
		return -EEXIST;
	if (!rtshm_may_create_open(e))
		return -EACCES;
	ret = rtshm_open_entry(h, e, args);
	if (ret)
		return ret;
	args->result = RTSHM_RESULT_EXISTED;
	return 1;
}

static int rtshm_create(struct rtshm_handle *h, struct rtshm_bind *args,
			const char *name, const void *state)
{
	u64 bytes = rtshm_type_is_sync(args->type) ? PAGE_SIZE :
		    PAGE_ALIGN(args->size);
	/* decided unlocked (it may ask for a capability), used if no name */
	int new_ret = rtshm_check_new_size(args);
	struct rtshm_seg *seg;
	struct rtshm_ns *ns;
	u32 id;
	int ret;

	ns = rtshm_ns_get(NULL, true);
	if (IS_ERR(ns))
		return PTR_ERR(ns);

	/*
	 * Allocating (and zeroing) up to gigabytes must not block other
	 * creates and opens, so it happens unlocked, but only after the
	 * namespace's limits and the user's quota have been charged: racing
	 * creators never hold more than the limits.  Look up, reserve,
	 * allocate, then look up again and publish: exactly one racing creator
	 * publishes; the others open its object and free their own.
	 */
	mutex_lock(&ns->lock);
	ret = rtshm_try_open_name(ns, h, args, name);
	if (!ret)
		ret = new_ret;
	if (!ret)
		ret = rtshm_ns_reserve(ns, bytes);
	mutex_unlock(&ns->lock);
	if (ret)
		goto out_put_ns;

	seg = rtshm_seg_new_retry(args, name, state);
	if (IS_ERR(seg)) {
		ret = PTR_ERR(seg);
		goto out_unreserve;
	}
	ret = rtshm_id_reserve(ns, &id);
	if (ret)
		goto out_free;

	mutex_lock(&ns->lock);
	ret = rtshm_try_open_name(ns, h, args, name);
	if (ret) {
		mutex_unlock(&ns->lock);
		goto out_release_id;
	}
	/* the reservation becomes the entry's share of the counters */
	if (args->flags & RTSHM_BIND_OWNED) {
		seg->e.owned = true;
		seg->e.owner = h;
	}
	rtshm_entry_publish(ns, &seg->e, id);
	args->result = RTSHM_RESULT_CREATED;
	rtshm_handle_attach(h, seg, args);
	mutex_unlock(&ns->lock);
	if (seg->e.name) {
		rtshm_name_appeared(seg->e.hash);
		rtshm_ns_grow_names(ns);
	}
	rtshm_ns_put(ns);
	return 0;

out_release_id:
	rtshm_id_release(ns, id);
out_free:
	rtshm_seg_free(seg);
out_unreserve:
	rtshm_ns_unreserve(ns, bytes);
out_put_ns:
	rtshm_ns_put(ns);
	return ret < 0 ? ret : 0;
}

static int rtshm_open(struct rtshm_handle *h, struct rtshm_bind *args,
		      const char *name)
{
	struct rtshm_entry *e = NULL;
	struct rtshm_ns *ns;
	int ret = -ENOENT;

	ns = rtshm_ns_get(NULL, false);
	if (!ns)
		return h->seg ? -EBUSY : -ENOENT;
	mutex_lock(&ns->lock);
	if (h->seg) {
		ret = -EBUSY;
		goto out_unlock;
	}
	if (args->flags & RTSHM_BIND_BY_ID)
		e = xa_load(&ns->ids, args->id);
	else
		e = rtshm_name_lookup(ns, 0, name, args->name_len);
	/* a later object that reused the id is not the one asked for */
	if (e && args->flags & RTSHM_BIND_SERIAL && e->serial != args->serial)
		e = NULL;
	if (e && e->deleted)
		e = NULL;
	if (e)
		ret = rtshm_open_entry(h, e, args);
out_unlock:
	mutex_unlock(&ns->lock);
	rtshm_ns_put(ns);
	return ret;
}

/**
 * rtshm_bind - bind a handle to a new or existing segment
 * @h: the unbound handle
 * @cmd: RTSHM_IOC_CREATE or RTSHM_IOC_OPEN
 * @args: validated arguments; out fields are filled in
 * @name: @args->name_len bytes of validated name (kernel copy)
 * @state: CREATE of a sync object: @args->size bytes of its initial state
 */
int rtshm_bind(struct rtshm_handle *h, unsigned int cmd,
	       struct rtshm_bind *args, const char *name, const void *state)
{
	args->result = 0;
	if (cmd == RTSHM_IOC_CREATE)
		return rtshm_create(h, args, name, state);
	return rtshm_open(h, args, name);
}

int rtshm_segments_init(void)
{
	/* unbound: frees run where the scheduler likes, not on an RT CPU */
	rtshm_free_wq = alloc_workqueue("rtshm_free", WQ_UNBOUND, 0);
	return rtshm_free_wq ? 0 : -ENOMEM;
}

void rtshm_segments_exit(void)
{
	destroy_workqueue(rtshm_free_wq);
}
