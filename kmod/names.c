// SPDX-License-Identifier: GPL-2.0
/*
 * The object namespace: one struct rtshm_ns per IPC namespace, each with
 * its own lock, hash table of names and xarray of small ids.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "compat.h"
#include "rtshm_priv.h"

static DEFINE_MUTEX(rtshm_ns_lock);	/* the list below */
static LIST_HEAD(rtshm_namespaces);
/*
 * Serials must not repeat across module reloads either (user space may keep
 * an id and serial across one), so they start at a random point of 2^63.
 */
static atomic64_t rtshm_next_serial;

/*
 * Lookup waiters sleep on the queue their name hashes to.  A new name bumps
 * its queue's sequence and wakes that queue only, after the namespace lock
 * is dropped; each waiter rechecks its own name.  The hash includes the
 * namespace, so creations in one namespace rarely wake waiters of another.
 */
#define RTSHM_WAIT_BITS		6

struct rtshm_name_wait {
	wait_queue_head_t wq;
	atomic_long_t seq;
};

static struct rtshm_name_wait rtshm_name_waits[1 << RTSHM_WAIT_BITS];

static struct rtshm_name_wait *rtshm_name_wait_of(u32 hash)
{
	return &rtshm_name_waits[hash_32(hash, RTSHM_WAIT_BITS)];
}

/* Wake the lookups waiting for a name of this hash; call unlocked. */
void rtshm_name_appeared(u32 hash)
{
	struct rtshm_name_wait *w = rtshm_name_wait_of(hash);

	atomic_long_inc(&w->seq);
	/* wq_has_sleeper() orders the increment before its check */
	if (wq_has_sleeper(&w->wq))
		wake_up_all(&w->wq);
}

static struct vfsmount *rtshm_current_key(void)
{
	return rtshm_ipc_key(current->nsproxy->ipc_ns);
}

static struct ipc_namespace *rtshm_current_ipc(void)
{
	return current->nsproxy->ipc_ns;
}

/*
 * Salted by the namespace, so equal names of two namespaces differ, and
 * mixed with the directory's serial, so equal names of two directories do.
 */
static u32 rtshm_name_hash(struct vfsmount *key, u64 dir, const char *name,
			   u32 len)
{
	u32 hash = full_name_hash(key, name, len);

	return dir ? hash_32(hash ^ (u32)dir ^ (u32)(dir >> 32), 32) : hash;
}

/* Wake every lookup waiter: a directory they may wait in went away. */
void rtshm_names_wake_all(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(rtshm_name_waits); i++) {
		atomic_long_inc(&rtshm_name_waits[i].seq);
		if (wq_has_sleeper(&rtshm_name_waits[i].wq))
			wake_up_all(&rtshm_name_waits[i].wq);
	}
}

static struct hlist_head *rtshm_name_bucket(struct rtshm_ns *ns, u32 hash)
{
	return &ns->names[hash_32(hash, ns->hash_bits)];
}

static void rtshm_name_add(struct rtshm_ns *ns, struct rtshm_entry *e)
{
	hlist_add_head(&e->hnode, rtshm_name_bucket(ns, e->hash));
	ns->nr_names++;
}

static void rtshm_name_del(struct rtshm_entry *e)
{
	hlist_del(&e->hnode);
	e->ns->nr_names--;
}

/**
 * rtshm_ns_grow_names - double the name hash of @ns if it is due
 * @ns: a namespace the caller holds a reference on, not its lock
 *
 * The new table is allocated without the lock, as everything is, and the
 * names move over under it: O(names), once per doubling.  If the memory
 * is not there the old table stays, only slower.
 */
void rtshm_ns_grow_names(struct rtshm_ns *ns)
{
	unsigned int bits = READ_ONCE(ns->hash_bits), i;
	struct hlist_head *fresh, *old;
	struct hlist_node *tmp;
	struct rtshm_entry *e;

	if (bits >= RTSHM_NS_HASH_MAX_BITS ||
	    READ_ONCE(ns->nr_names) <= 2U << bits)
		return;
	fresh = kvcalloc(2U << bits, sizeof(*fresh), GFP_KERNEL | __GFP_NOWARN);
	if (!fresh)
		return;
	mutex_lock(&ns->lock);
	if (ns->hash_bits != bits) {	/* another creator grew it */
		mutex_unlock(&ns->lock);
		kvfree(fresh);
		return;
	}
	old = ns->names;
	for (i = 0; i < 1U << bits; i++)
		hlist_for_each_entry_safe(e, tmp, &old[i], hnode) {
			hlist_del(&e->hnode);
			hlist_add_head(&e->hnode,
				       &fresh[hash_32(e->hash, bits + 1)]);
		}
	ns->names = fresh;
	WRITE_ONCE(ns->hash_bits, bits + 1);
	mutex_unlock(&ns->lock);
	kvfree(old);
}

/* Under rtshm_ns_lock: the namespace of @key, referenced, or NULL. */
static struct rtshm_ns *rtshm_ns_find(struct vfsmount *key)
{
	struct rtshm_ns *ns;

	lockdep_assert_held(&rtshm_ns_lock);
	/* Few IPC namespaces have objects at a time; a list is enough. */
	list_for_each_entry(ns, &rtshm_namespaces, node) {
		if (ns->key == key) {
			kref_get(&ns->ref);
			return ns;
		}
	}
	return NULL;
}

static struct rtshm_ns *rtshm_ns_alloc(struct vfsmount *key)
{
	struct rtshm_ns *ns;

	ns = kzalloc_obj(*ns, GFP_KERNEL);
	if (!ns)
		return NULL;
	ns->hash_bits = RTSHM_NS_HASH_BITS;
	ns->names = kvcalloc(1U << ns->hash_bits, sizeof(*ns->names),
			     GFP_KERNEL);
	if (!ns->names) {
		kfree(ns);
		return NULL;
	}
	kref_init(&ns->ref);
	mutex_init(&ns->lock);
	xa_init_flags(&ns->ids, XA_FLAGS_ALLOC);
	ns->next_id = RTSHM_ID_MIN;
	ns->key = mntget(key);
	return ns;
}

static void rtshm_ns_free(struct rtshm_ns *ns)
{
	xa_destroy(&ns->ids);
	mutex_destroy(&ns->lock);
	mntput(ns->key);
	kvfree(ns->names);
	kfree(ns);
}

/**
 * rtshm_ns_get - the rtshm namespace of an IPC namespace, referenced
 * @key: the IPC namespace's key (rtshm_ipc_key()), or NULL for the caller's
 * @create: allocate it if the IPC namespace has no objects yet
 *
 * Return: the namespace (release it with rtshm_ns_put()), NULL if absent
 * and !@create, or ERR_PTR(-ENOMEM).
 */
struct rtshm_ns *rtshm_ns_get(struct vfsmount *key, bool create)
{
	struct rtshm_ns *ns, *fresh;

	if (!key)
		key = rtshm_current_key();
	mutex_lock(&rtshm_ns_lock);
	ns = rtshm_ns_find(key);
	mutex_unlock(&rtshm_ns_lock);
	if (ns || !create)
		return ns;

	/* allocated unlocked; a racing creator's namespace wins */
	fresh = rtshm_ns_alloc(key);
	if (!fresh)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&rtshm_ns_lock);
	ns = rtshm_ns_find(key);
	if (!ns) {
		list_add(&fresh->node, &rtshm_namespaces);
		ns = fresh;
		fresh = NULL;
	}
	mutex_unlock(&rtshm_ns_lock);
	if (fresh)
		rtshm_ns_free(fresh);
	return ns;
}

/* Called by kref_put_mutex() with rtshm_ns_lock held; drops it. */
static void rtshm_ns_release(struct kref *ref)
{
	struct rtshm_ns *ns = container_of(ref, struct rtshm_ns, ref);

	list_del(&ns->node);
	mutex_unlock(&rtshm_ns_lock);
	WARN_ON_ONCE(ns->nr_segments || !xa_empty(&ns->ids));
	rtshm_ns_free(ns);
}

/* Never called with a namespace lock held. */
void rtshm_ns_put(struct rtshm_ns *ns)
{
	kref_put_mutex(&ns->ref, rtshm_ns_release, &rtshm_ns_lock);
}

/**
 * rtshm_name_lookup - find a named entry of @ns, of any type
 * @ns: the namespace, locked
 * @dir: the serial of the process object whose directory holds the name,
 *	 or 0 for the namespace's root
 * @name: the name's bytes
 * @len: length of @name
 *
 * Return: the entry (no reference taken) or NULL.
 */
struct rtshm_entry *rtshm_name_lookup(struct rtshm_ns *ns, u64 dir,
				      const char *name, u32 len)
{
	u32 hash = rtshm_name_hash(ns->key, dir, name, len);
	struct rtshm_entry *e;

	lockdep_assert_held(&ns->lock);

	hlist_for_each_entry(e, rtshm_name_bucket(ns, hash), hnode)
		if (e->hash == hash && e->dir == dir && e->name_len == len &&
		    !memcmp(e->name, name, len))
			return e;
	return NULL;
}

void rtshm_entry_init(struct rtshm_entry *e)
{
	INIT_LIST_HEAD(&e->in_dir);
	INIT_LIST_HEAD(&e->members);
}

/* Under the namespace lock: @e loses its name (the caller frees it). */
void rtshm_entry_drop_name(struct rtshm_entry *e)
{
	lockdep_assert_held(&e->ns->lock);
	rtshm_name_del(e);
	list_del_init(&e->in_dir);
	e->dir = 0;
	e->name = NULL;
	e->name_len = 0;
}

/* Under the namespace lock: every name of @dir's directory goes. */
void rtshm_dir_drop_members(struct rtshm_entry *dir)
{
	struct rtshm_entry *m, *tmp;
	char *name;

	lockdep_assert_held(&dir->ns->lock);
	list_for_each_entry_safe(m, tmp, &dir->members, in_dir) {
		name = m->name;
		rtshm_entry_drop_name(m);
		kfree(name);
	}
}

/*
 * Under the namespace lock: the live process object @id of serial
 * @serial, whose directory the caller may read (or write), or ERR_PTR.
 */
static struct rtshm_entry *rtshm_dir_find(struct rtshm_ns *ns, u32 id,
					  u64 serial, u32 access)
{
	struct rtshm_entry *d;

	lockdep_assert_held(&ns->lock);
	d = xa_load(&ns->ids, id);
	if (!d || d->serial != serial || d->deleted)
		return ERR_PTR(-ESRCH);
	if (d->type != RTSHM_TYPE_PROCESS)
		return ERR_PTR(-ENOTDIR);
	if (!rtshm_may_access(d, access))
		return ERR_PTR(-EACCES);
	return d;
}

/**
 * rtshm_id_reserve - take a free id of @ns for an entry about to be published
 * @ns: the namespace, not locked (the id xarray may allocate)
 * @id: out: the id, invisible to lookups until rtshm_entry_publish()
 *
 * Return: 0, -ENOSPC when all ids are taken, or -ENOMEM.
 */
int rtshm_id_reserve(struct rtshm_ns *ns, u32 *id)
{
	int ret;

	ret = xa_alloc_cyclic(&ns->ids, id, NULL,
			      XA_LIMIT(RTSHM_ID_MIN, RTSHM_ID_MAX),
			      &ns->next_id, GFP_KERNEL);
	if (ret == -EBUSY)
		return -ENOSPC;
	return ret < 0 ? ret : 0;
}

/* Give back an id that was reserved and never published. */
void rtshm_id_release(struct rtshm_ns *ns, u32 id)
{
	xa_erase(&ns->ids, id);
}

/**
 * rtshm_entry_publish - make @e visible in @ns under a reserved id
 * @ns: the namespace, locked
 * @e: the new entry
 * @id: from rtshm_id_reserve()
 *
 * The caller has checked that the name is free, and wakes lookup waiters
 * with rtshm_name_appeared() once it has dropped the lock.  The entry holds
 * a namespace reference from now on.
 */
void rtshm_entry_publish(struct rtshm_ns *ns, struct rtshm_entry *e, u32 id)
{
	lockdep_assert_held(&ns->lock);

	/* filling a reserved slot never allocates */
	WARN_ON_ONCE(xa_is_err(xa_store(&ns->ids, id, e, GFP_NOWAIT)));
	kref_get(&ns->ref);
	e->ns = ns;
	e->id = id;
	e->serial = atomic64_inc_return(&rtshm_next_serial);
	if (e->name) {
		e->hash = rtshm_name_hash(ns->key, 0, e->name, e->name_len);
		rtshm_name_add(ns, e);
	}
}

/**
 * rtshm_entry_unpublish - remove @e from its namespace's tables
 * @e: the entry whose last reference is gone; its namespace is locked
 *
 * The caller drops the entry's namespace reference after unlocking.
 */
void rtshm_entry_unpublish(struct rtshm_entry *e)
{
	lockdep_assert_held(&e->ns->lock);

	if (e->name) {
		rtshm_name_del(e);
		list_del(&e->in_dir);
	}
	/* emptied when it was deleted, which its owner's release does first */
	rtshm_dir_drop_members(e);
	xa_erase(&e->ns->ids, e->id);
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
	args->size = rtshm_entry_size(to_seg(e));
}

/* One look; returns 0 if found, else -ENOENT. */
static int rtshm_lookup_once(struct rtshm_lookup *args, const char *name,
			     struct vfsmount *key)
{
	struct rtshm_entry *e = NULL;
	struct rtshm_ns *ns;

	int ret = 0;

	ns = rtshm_ns_get(key, false);
	if (!ns)
		return args->flags & RTSHM_LOOKUP_DIR ? -ESRCH : -ENOENT;
	mutex_lock(&ns->lock);
	if (args->flags & RTSHM_LOOKUP_DIR) {
		e = rtshm_dir_find(ns, args->dir_id, args->dir_serial, 0);
		if (IS_ERR(e)) {
			ret = PTR_ERR(e);
			e = NULL;
			goto out_unlock;
		}
	}
	if (args->flags & RTSHM_LOOKUP_BY_ID)
		e = xa_load(&ns->ids, args->id);
	else
		e = rtshm_name_lookup(ns, args->dir_serial, name, args->name_len);
	if (e && e->deleted)
		e = NULL;
	if (e)
		rtshm_lookup_fill(args, e);
	ret = e ? 0 : -ENOENT;
out_unlock:
	mutex_unlock(&ns->lock);
	rtshm_ns_put(ns);
	return ret;
}

/* Sleep until a name of @w's queue appears after @seq. */
static long rtshm_wait_names(struct rtshm_name_wait *w, long seq,
			     u64 deadline_ns)
{
	u64 now;

	if (deadline_ns == RTSHM_WAIT_FOREVER)
		return wait_event_interruptible(w->wq,
						atomic_long_read(&w->seq) != seq);
	now = ktime_get_ns();
	if (now >= deadline_ns)
		return -ETIME;
	return wait_event_interruptible_hrtimeout(w->wq,
						  atomic_long_read(&w->seq) != seq,
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
	struct vfsmount *key = rtshm_current_key();
	struct rtshm_name_wait *w;
	long ret, seq;

	if (!(args->flags & RTSHM_LOOKUP_WAIT))
		return rtshm_lookup_once(args, name, key);
	w = rtshm_name_wait_of(rtshm_name_hash(key, args->dir_serial, name,
					       args->name_len));
	for (;;) {
		/* read before looking: a name published after the look bumps it */
		seq = atomic_long_read(&w->seq);
		ret = rtshm_lookup_once(args, name, key);
		if (ret != -ENOENT)
			return ret;
		/* a timeout still gets one last look, racing the deadline */
		ret = rtshm_wait_names(w, seq, args->deadline_ns);
		if (ret == -ETIME)
			return rtshm_lookup_once(args, name, key) ? -ETIMEDOUT : 0;
		if (ret)
			return ret;
	}
}

/**
 * rtshm_catalog - give the unnamed object of @h the name @name
 * @h: a bound read-write handle
 * @args: validated arguments: the name's length, and the directory if any
 * @name: validated name bytes
 *
 * Return: 0, -ENOTCONN, -EPERM (read-only handle), -EBUSY (already named),
 * -EEXIST (name taken), -ENOENT (deleted), -ENOMEM, or for a directory
 * -ESRCH, -ENOTDIR, -EACCES, -EINVAL (the process object itself).
 */
int rtshm_catalog(struct rtshm_handle *h, const struct rtshm_catalog *args,
		  const char *name)
{
	struct rtshm_seg *seg = rtshm_handle_seg(h);
	u64 dir = args->dir_serial;
	struct rtshm_entry *e, *d = NULL;
	u32 len = args->name_len;
	struct rtshm_ns *ns;
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
	ns = e->ns;	/* the handle's reference keeps e, and e keeps ns */
	mutex_lock(&ns->lock);
	if (args->flags & RTSHM_CATALOG_DIR) {
		d = rtshm_dir_find(ns, args->dir_id, dir, RTSHM_BIND_WRITE);
		if (IS_ERR(d))
			ret = PTR_ERR(d);
		else if (d == e)
			ret = -EINVAL;
	}
	if (!ret && e->deleted)
		ret = -ENOENT;
	else if (!ret && e->name)
		ret = -EBUSY;
	else if (!ret && rtshm_name_lookup(ns, dir, name, len))
		ret = -EEXIST;
	if (!ret) {
		e->name = copy;
		e->name_len = len;
		e->dir = dir;
		e->hash = rtshm_name_hash(ns->key, dir, copy, len);
		rtshm_name_add(ns, e);
		if (d)
			list_add_tail(&e->in_dir, &d->members);
		copy = NULL;
	}
	mutex_unlock(&ns->lock);
	kfree(copy);
	if (!ret) {
		rtshm_name_appeared(rtshm_name_hash(ns->key, dir, name, len));
		rtshm_ns_grow_names(ns);
	}
	return ret;
}

/**
 * rtshm_uncatalog - remove a name; its object lives on, unnamed
 * @args: validated arguments (the directory, if any)
 * @name: validated name bytes
 *
 * Return: 0, -ENOENT, -EACCES without write permission on the object (or
 * the directory), or the errors of a directory that is not there.
 */
int rtshm_uncatalog(const struct rtshm_catalog *args, const char *name)
{
	struct rtshm_entry *e, *d;
	struct rtshm_ns *ns;
	char *old = NULL;
	int ret = -ENOENT;

	ns = rtshm_ns_get(NULL, false);
	if (!ns)
		return args->flags & RTSHM_CATALOG_DIR ? -ESRCH : -ENOENT;
	mutex_lock(&ns->lock);
	if (args->flags & RTSHM_CATALOG_DIR) {
		d = rtshm_dir_find(ns, args->dir_id, args->dir_serial,
				   RTSHM_BIND_WRITE);
		if (IS_ERR(d)) {
			ret = PTR_ERR(d);
			goto out_unlock;
		}
	}
	e = rtshm_name_lookup(ns, args->dir_serial, name, args->name_len);
	if (e && !rtshm_may_access(e, RTSHM_BIND_WRITE)) {
		ret = -EACCES;
	} else if (e) {
		old = e->name;
		rtshm_entry_drop_name(e);
		ret = 0;
	}
out_unlock:
	mutex_unlock(&ns->lock);
	rtshm_ns_put(ns);
	kfree(old);
	return ret;
}

void rtshm_names_init(void)
{
	unsigned int i;

	atomic64_set(&rtshm_next_serial, get_random_u64() >> 1);
	for (i = 0; i < ARRAY_SIZE(rtshm_name_waits); i++) {
		init_waitqueue_head(&rtshm_name_waits[i].wq);
		atomic_long_set(&rtshm_name_waits[i].seq, 0);
	}
}

void rtshm_names_exit(void)
{
	/* Every file holds a module reference, so nothing can be left. */
	WARN_ON(!list_empty(&rtshm_namespaces));
}
