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
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stringhash.h>

#include "compat.h"
#include "rtshm_priv.h"

#define RTSHM_NAME_HASH_BITS	14

static DEFINE_HASHTABLE(rtshm_names, RTSHM_NAME_HASH_BITS);
static LIST_HEAD(rtshm_namespaces);

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

	ns = kzalloc(sizeof(*ns), GFP_KERNEL);
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
	ns->nr_entries++;
	if (e->name) {
		e->hash = rtshm_name_hash(ns, e->name, e->name_len);
		hash_add(rtshm_names, &e->hnode, e->hash);
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

void rtshm_names_exit(void)
{
	/* Every file holds a module reference, so nothing can be left. */
	WARN_ON(!list_empty(&rtshm_namespaces));
}
