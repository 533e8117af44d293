// SPDX-License-Identifier: GPL-2.0
/*
 * The object namespace: one struct rtshm_ns per IPC namespace, a hash table
 * of names shared by all namespaces (the namespace salts the hash), and a
 * per-namespace xarray of small ids.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>

#include "compat.h"
#include "rtshm_priv.h"

#define RTSHM_NAME_HASH_BITS	14

static DEFINE_HASHTABLE(rtshm_names, RTSHM_NAME_HASH_BITS);
static LIST_HEAD(rtshm_namespaces);
/*
 * Serials must not repeat across module reloads either (user space may keep
 * an id and serial across one), so they start at a random point of 2^63.
 */
static u64 rtshm_next_serial;

/*
 * Lookup waiters sleep here.  Every new name bumps rtshm_name_seq (under
 * rtshm_lock) and wakes them all; each rechecks its own name.  Names appear
 * rarely, so a single queue costs less than one per name.
 */
static DECLARE_WAIT_QUEUE_HEAD(rtshm_name_wq);
static unsigned long rtshm_name_seq;

static void rtshm_names_changed(void)
{
	lockdep_assert_held(&rtshm_lock);
	WRITE_ONCE(rtshm_name_seq, rtshm_name_seq + 1);
	wake_up_all(&rtshm_name_wq);
}

static struct ipc_namespace *rtshm_current_ipc(void)
{
	return current->nsproxy->ipc_ns;
}

/**
 * rtshm_ns_current - the rtshm namespace of the calling task
 * @create: allocate it if the IPC namespace has no objects yet
 *
 * Return: the namespace, NULL if absent and !@create, or ERR_PTR(-ENOMEM).
 */
struct rtshm_ns *rtshm_ns_current(bool create)
{
	struct vfsmount *key = rtshm_ipc_key(rtshm_current_ipc());
	struct rtshm_ns *ns;

	lockdep_assert_held(&rtshm_lock);

	/* Few IPC namespaces have objects at a time; a list is enough. */
	list_for_each_entry(ns, &rtshm_namespaces, node)
		if (ns->key == key)
			return ns;
	if (!create)
		return NULL;

	ns = kzalloc_obj(*ns, GFP_KERNEL);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	ns->key = mntget(key);
	ns->next_id = RTSHM_ID_MIN;
	xa_init_flags(&ns->ids, XA_FLAGS_ALLOC);
	list_add(&ns->node, &rtshm_namespaces);
	return ns;
}

/* Called without rtshm_lock once the namespace is unlinked. */
void rtshm_ns_free(struct rtshm_ns *ns)
{
	xa_destroy(&ns->ids);
	mntput(ns->key);
	kfree(ns);
}

static u32 rtshm_name_hash(struct rtshm_ns *ns, const char *name, u32 len)
{
	return full_name_hash(ns, name, len);
}

/**
 * rtshm_name_lookup - find a named entry of @ns, of any type
 * @ns: the namespace
 * @name: the name's bytes
 * @len: length of @name
 *
 * Return: the entry (no reference taken) or NULL.
 */
struct rtshm_entry *rtshm_name_lookup(struct rtshm_ns *ns, const char *name,
				      u32 len)
{
	u32 hash = rtshm_name_hash(ns, name, len);
	struct rtshm_entry *e;

	lockdep_assert_held(&rtshm_lock);

	hash_for_each_possible(rtshm_names, e, hnode, hash)
		if (e->hash == hash && e->ns == ns && e->name_len == len &&
		    !memcmp(e->name, name, len))
			return e;
	return NULL;
}

/**
 * rtshm_entry_publish - give @e an id and, if named, a place in the hash
 * @ns: the namespace @e joins
 * @e: the new entry
 *
 * The caller has checked that the name is free.  On success @e belongs to
 * @ns and is visible to lookups.
 *
 * Return: 0, or -ENOSPC when all ids are taken, or -ENOMEM.
 */
int rtshm_entry_publish(struct rtshm_ns *ns, struct rtshm_entry *e)
{
	int ret;

	lockdep_assert_held(&rtshm_lock);

	ret = xa_alloc_cyclic(&ns->ids, &e->id, e,
			      XA_LIMIT(RTSHM_ID_MIN, RTSHM_ID_MAX),
			      &ns->next_id, GFP_KERNEL);
	if (ret == -EBUSY)
		return -ENOSPC;
	if (ret < 0)
		return ret;

	e->ns = ns;
	e->serial = ++rtshm_next_serial;
	ns->nr_entries++;
	if (e->name) {
		e->hash = rtshm_name_hash(ns, e->name, e->name_len);
		hash_add(rtshm_names, &e->hnode, e->hash);
		rtshm_names_changed();
	}
	return 0;
}

/**
 * rtshm_entry_unpublish - remove @e from its namespace's tables
 * @e: the entry whose last reference is gone
 *
 * Return: the namespace if @e was its last entry (the caller frees it with
 * rtshm_ns_free() after dropping rtshm_lock), else NULL.
 */
struct rtshm_ns *rtshm_entry_unpublish(struct rtshm_entry *e)
{
	struct rtshm_ns *ns = e->ns;

	lockdep_assert_held(&rtshm_lock);

	if (e->name)
		hash_del(&e->hnode);
	xa_erase(&ns->ids, e->id);
	if (--ns->nr_entries)
		return NULL;
	list_del(&ns->node);
	return ns;
}

/**
 * rtshm_may_access - System V IPC style permission check
 * @e: the object
 * @flags: RTSHM_BIND_WRITE for read-write, else read-only
 *
 * Read permission is always needed; write permission too for a read-write
 * handle.  CAP_IPC_OWNER in the namespace's user namespace overrides.
 */
bool rtshm_may_access(struct rtshm_entry *e, u32 flags)
{
	int want = (flags & RTSHM_BIND_WRITE) ? 06 : 04;
	int granted = e->mode;

	if (uid_eq(current_euid(), e->uid))
		granted >>= 6;
	else if (in_group_p(e->gid))
		granted >>= 3;

	if ((want & ~granted & 07) == 0)
		return true;
	return ns_capable(rtshm_current_ipc()->user_ns, CAP_IPC_OWNER);
}

static void rtshm_lookup_fill(struct rtshm_lookup *args, struct rtshm_entry *e)
{
	args->id = e->id;
	args->type = e->type;
	args->serial = e->serial;
	args->size = rtshm_seg_size(to_seg(e));
}

/* One look under the lock; returns 0 if found, else -ENOENT and the seq seen. */
static int rtshm_lookup_once(struct rtshm_lookup *args, const char *name,
			     unsigned long *seq)
{
	struct rtshm_entry *e = NULL;
	struct rtshm_ns *ns;

	mutex_lock(&rtshm_lock);
	*seq = rtshm_name_seq;
	ns = rtshm_ns_current(false);
	if (ns) {
		if (args->flags & RTSHM_LOOKUP_BY_ID)
			e = xa_load(&ns->ids, args->id);
		else
			e = rtshm_name_lookup(ns, name, args->name_len);
	}
	if (e)
		rtshm_lookup_fill(args, e);
	mutex_unlock(&rtshm_lock);
	return e ? 0 : -ENOENT;
}

static bool rtshm_names_changed_since(unsigned long seq)
{
	return READ_ONCE(rtshm_name_seq) != seq;
}

/* Sleep until a name appears after @seq. Return: 0, -ETIME or -ERESTARTSYS. */
static long rtshm_wait_names(unsigned long seq, u64 deadline_ns)
{
	u64 now;

	if (deadline_ns == RTSHM_WAIT_FOREVER)
		return wait_event_interruptible(rtshm_name_wq,
						rtshm_names_changed_since(seq));
	now = ktime_get_ns();
	if (now >= deadline_ns)
		return -ETIME;
	return wait_event_interruptible_hrtimeout(rtshm_name_wq,
						  rtshm_names_changed_since(seq),
						  ns_to_ktime(deadline_ns - now));
}

/**
 * rtshm_lookup - describe a named object or an id, optionally waiting
 * @args: validated arguments; out fields are filled in on success
 * @name: @args->name_len bytes of validated name
 *
 * Return: 0, -ENOENT (absent, no wait), -ETIMEDOUT, or -ERESTARTSYS (the
 * restarted call keeps the same absolute deadline).
 */
int rtshm_lookup(struct rtshm_lookup *args, const char *name)
{
	unsigned long seq;
	long ret;

	for (;;) {
		ret = rtshm_lookup_once(args, name, &seq);
		if (ret != -ENOENT || !(args->flags & RTSHM_LOOKUP_WAIT))
			return ret;
		/* a timeout still gets one last look, racing the deadline */
		ret = rtshm_wait_names(seq, args->deadline_ns);
		if (ret == -ETIME)
			return rtshm_lookup_once(args, name, &seq) ? -ETIMEDOUT : 0;
		if (ret)
			return ret;
	}
}

/**
 * rtshm_catalog - give the unnamed segment of @h the name @name
 * @h: a bound read-write handle
 * @name: validated name bytes
 * @len: length of @name
 *
 * Return: 0, -ENOTCONN, -EPERM (read-only handle), -EBUSY (already named),
 * -EEXIST (name taken), or -ENOMEM.
 */
int rtshm_catalog(struct rtshm_handle *h, const char *name, u32 len)
{
	struct rtshm_seg *seg = rtshm_handle_seg(h);
	struct rtshm_entry *e;
	char *copy;
	int ret = 0;

	if (!seg)
		return -ENOTCONN;
	if (!(h->flags & RTSHM_BIND_WRITE))
		return -EPERM;
	copy = kmemdup_nul(name, len, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;

	e = &seg->e;
	mutex_lock(&rtshm_lock);
	if (e->name)
		ret = -EBUSY;
	else if (rtshm_name_lookup(e->ns, name, len))
		ret = -EEXIST;
	if (!ret) {
		e->name = copy;
		e->name_len = len;
		e->hash = rtshm_name_hash(e->ns, copy, len);
		hash_add(rtshm_names, &e->hnode, e->hash);
		copy = NULL;
		rtshm_names_changed();
	}
	mutex_unlock(&rtshm_lock);
	kfree(copy);
	return ret;
}

/**
 * rtshm_uncatalog - remove a name; its object lives on, unnamed
 * @name: validated name bytes
 * @len: length of @name
 *
 * Return: 0, -ENOENT, or -EACCES without write permission on the object.
 */
int rtshm_uncatalog(const char *name, u32 len)
{
	struct rtshm_entry *e = NULL;
	struct rtshm_ns *ns;
	char *old = NULL;
	int ret = -ENOENT;

	mutex_lock(&rtshm_lock);
	ns = rtshm_ns_current(false);
	if (ns)
		e = rtshm_name_lookup(ns, name, len);
	if (e && !rtshm_may_access(e, RTSHM_BIND_WRITE)) {
		ret = -EACCES;
	} else if (e) {
		hash_del(&e->hnode);
		old = e->name;
		e->name = NULL;
		e->name_len = 0;
		ret = 0;
	}
	mutex_unlock(&rtshm_lock);
	kfree(old);
	return ret;
}

void rtshm_names_init(void)
{
	rtshm_next_serial = get_random_u64() >> 1;
}

void rtshm_names_exit(void)
{
	/* Every file holds a module reference, so nothing can be left. */
	WARN_ON(!list_empty(&rtshm_namespaces));
}
