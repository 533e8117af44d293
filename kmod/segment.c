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

#include "compat.h"
#include "rtshm_priv.h"

phys_addr_t rtshm_seg_phys(const struct rtshm_seg *seg)
{
	return seg->phys;
}

static void rtshm_seg_free(struct rtshm_seg *seg)
{
	if (seg->file)
		rtshm_seg_file_detach(seg);
	if (seg->tier)
		rtshm_mem_free(seg);
	if (seg->file)
		rtshm_seg_file_put(seg);
	if (seg->state)
		fput(seg->state);
	put_pid(seg->e.creator);
	kfree(seg->e.name);
	kfree(seg);
}

/* Called by kref_put_mutex() with rtshm_lock held; drops it. */
static void rtshm_entry_release(struct kref *ref)
{
	struct rtshm_entry *e = container_of(ref, struct rtshm_entry, ref);
	struct rtshm_seg *seg = to_seg(e);
	struct rtshm_ns *dead_ns;

	e->ns->nr_segments--;
	e->ns->bytes -= rtshm_seg_size(seg);
	rtshm_user_uncharge(e->uid, seg->nr_pages);
	dead_ns = rtshm_entry_unpublish(e);
	mutex_unlock(&rtshm_lock);

	rtshm_seg_free(seg);
	if (dead_ns)
		rtshm_ns_free(dead_ns);
}

void rtshm_entry_put(struct rtshm_entry *e)
{
	kref_put_mutex(&e->ref, rtshm_entry_release, &rtshm_lock);
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
	struct file *file;
	int ret;

	if (rtshm_type_is_sync(args->type)) {
		file = rtshm_state_new(state, args->size);
		if (IS_ERR(file))
			return PTR_ERR(file);
		seg->state = file;
		seg->nr_pages = 1;
		seg->node = NUMA_NO_NODE;
		return 0;
	}
	seg->nr_pages = PAGE_ALIGN(args->size) >> PAGE_SHIFT;
	ret = rtshm_mem_alloc(seg, args->tier, nid);
	if (ret == -ENOMEM)
		pr_warn_ratelimited("no %llu contiguous bytes free for a segment (tier %s, node %d)\n",
				    rtshm_seg_size(seg),
				    args->tier ? rtshm_tier_name(args->tier) : "any",
				    nid);
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
 * A new, unpublished object with its memory, or ERR_PTR; the name is taken
 * over only on success.
 */
static struct rtshm_seg *rtshm_seg_new(const struct rtshm_bind *args,
				       char *name, const void *state)
{
	struct rtshm_seg *seg;
	int ret;

	seg = kzalloc_obj(*seg, GFP_KERNEL);
	if (!seg)
		return ERR_PTR(-ENOMEM);
	ret = rtshm_seg_alloc(seg, args, state);
	if (ret) {
		kfree(seg);
		return ERR_PTR(ret);
	}
	kref_init(&seg->e.ref);
	seg->e.type = args->type;
	seg->e.name = name;
	seg->e.name_len = args->name_len;
	seg->e.uid = current_euid();
	seg->e.gid = current_egid();
	seg->e.mode = args->mode;
	seg->e.creator = get_pid(task_tgid(current));
	return seg;
}

/* Attach a referenced segment to a handle; the handle owns the reference. */
static void rtshm_handle_attach(struct rtshm_handle *h, struct rtshm_seg *seg,
				struct rtshm_bind *args)
{
	atomic_inc(&seg->e.handles);
	h->flags = args->flags & RTSHM_BIND_WRITE;
	args->id = seg->e.id;
	args->serial = seg->e.serial;
	args->size = rtshm_seg_size(seg);
	/* pairs with rtshm_handle_seg(): readers see h->flags once h->seg is set */
	smp_store_release(&h->seg, seg);
}

/* Open an existing entry found under rtshm_lock. */
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

/* Checks that do not depend on the name's existence, done before locking. */
static int rtshm_check_new_size(u64 size)
{
	if (!size)
		return -EINVAL;
	if (size > rtshm_max_segment_size()) {
		pr_info_ratelimited("%llu bytes requested; largest contiguous segment is %llu bytes\n",
				    size, rtshm_max_segment_size());
		return -ENOMEM;
	}
	return 0;
}

/* Namespace limits (@ns may be NULL: empty) and the creator's quota. */
static int rtshm_check_limits(struct rtshm_ns *ns, u64 bytes)
{
	u64 ns_bytes = ns ? ns->bytes : 0;

	if (ns && ns->nr_segments >= rtshm_limit_segments())
		return -ENOSPC;
	if (bytes > rtshm_limit_bytes() || ns_bytes > rtshm_limit_bytes() - bytes)
		return -ENOMEM;
	return rtshm_user_check(current_euid(), bytes >> PAGE_SHIFT);
}

/*
 * Look the name up and open it if it exists.  Return: 1 if opened, 0 if
 * absent, or -errno.  Caller holds rtshm_lock and has checked the handle is
 * unbound.
 */
static int rtshm_try_open_name(struct rtshm_handle *h, struct rtshm_bind *args,
			       const char *name)
{
	struct rtshm_entry *e;
	struct rtshm_ns *ns;
	int ret;

	if (!args->name_len)
		return 0;
	ns = rtshm_ns_current(false);
	if (!ns)
		return 0;
	e = rtshm_name_lookup(ns, name, args->name_len);
	if (!e)
		return 0;
	if (args->flags & RTSHM_BIND_EXCL)
		return -EEXIST;
	ret = rtshm_open_entry(h, e, args);
	if (ret)
		return ret;
	args->result = RTSHM_RESULT_EXISTED;
	return 1;
}

static int rtshm_create(struct rtshm_handle *h, struct rtshm_bind *args,
			const char *name, const void *state)
{
	struct rtshm_seg *seg = NULL;
	struct rtshm_ns *ns;
	char *name_copy = NULL;
	int ret;

	/*
	 * Allocating (and zeroing) up to megabytes must not block every other
	 * create and open, so it happens unlocked: look up, allocate, then look
	 * up again and publish.  Exactly one racing creator publishes; the
	 * others open its segment and free their own.
	 */
	mutex_lock(&rtshm_lock);
	ret = h->seg ? -EBUSY : rtshm_try_open_name(h, args, name);
	if (!ret)
		ret = rtshm_check_new_size(args->size);
	if (!ret)
		ret = rtshm_check_limits(rtshm_ns_current(false),
					 PAGE_ALIGN(args->size));
	mutex_unlock(&rtshm_lock);
	if (ret)
		return ret < 0 ? ret : 0;

	if (args->name_len) {
		name_copy = kmemdup_nul(name, args->name_len, GFP_KERNEL);
		if (!name_copy)
			return -ENOMEM;
	}
	seg = rtshm_seg_new(args, name_copy, state);
	if (IS_ERR(seg)) {
		kfree(name_copy);
		return PTR_ERR(seg);
	}

	mutex_lock(&rtshm_lock);
	ret = h->seg ? -EBUSY : rtshm_try_open_name(h, args, name);
	if (ret)
		goto out_unlock;
	ns = rtshm_ns_current(true);
	if (IS_ERR(ns)) {
		ret = PTR_ERR(ns);
		goto out_unlock;
	}
	ret = rtshm_check_limits(ns, rtshm_seg_size(seg));
	if (ret)
		goto out_put_ns;
	ret = rtshm_user_charge(seg->e.uid, seg->nr_pages);
	if (ret)
		goto out_put_ns;
	ret = rtshm_entry_publish(ns, &seg->e);
	if (ret) {
		rtshm_user_uncharge(seg->e.uid, seg->nr_pages);
		goto out_put_ns;
	}
	ns->nr_segments++;
	ns->bytes += rtshm_seg_size(seg);
	args->result = RTSHM_RESULT_CREATED;
	rtshm_handle_attach(h, seg, args);
	mutex_unlock(&rtshm_lock);
	return 0;

out_put_ns:
	/* A namespace we just made, with nothing in it, goes again. */
	if (!ns->nr_entries) {
		list_del(&ns->node);
		mutex_unlock(&rtshm_lock);
		rtshm_ns_free(ns);
		goto out_free;
	}
out_unlock:
	mutex_unlock(&rtshm_lock);
out_free:
	rtshm_seg_free(seg);
	return ret < 0 ? ret : 0;
}

static int rtshm_open(struct rtshm_handle *h, struct rtshm_bind *args,
		      const char *name)
{
	struct rtshm_entry *e = NULL;
	struct rtshm_ns *ns;
	int ret = -ENOENT;

	mutex_lock(&rtshm_lock);
	if (h->seg) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ns = rtshm_ns_current(false);
	if (!ns)
		goto out_unlock;
	if (args->flags & RTSHM_BIND_BY_ID)
		e = xa_load(&ns->ids, args->id);
	else
		e = rtshm_name_lookup(ns, name, args->name_len);
	/* a later object that reused the id is not the one asked for */
	if (e && args->flags & RTSHM_BIND_SERIAL && e->serial != args->serial)
		e = NULL;
	if (e)
		ret = rtshm_open_entry(h, e, args);
out_unlock:
	mutex_unlock(&rtshm_lock);
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
