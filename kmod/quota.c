// SPDX-License-Identifier: GPL-2.0
/*
 * What creating a segment charges, so that no user exceeds what the
 * administrator allows, however many namespaces they create:
 *
 *   quota	pages of all objects a user created, over every IPC namespace,
 *		against the module parameter max_user_bytes (EDQUOT).  The user
 *		is the owner of the creator's outermost user namespace below the
 *		initial one (the creator's euid in the initial one): every uid
 *		of a subordinate range maps to the one person who owns it.
 *   memlock	segment memory is never swapped or reclaimed, so like mlock()
 *		and SHM_LOCK a creator without CAP_IPC_LOCK has it counted in
 *		its user's locked_vm against RLIMIT_MEMLOCK, the counter
 *		io_uring and perf charge too (ENOMEM).
 *
 * Both are charged before any memory is allocated and given back after the
 * memory is free, so racing creators can never hold more than the limit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>

#include "rtshm_priv.h"

/* quota owner kuid -> xa_mk_value(pages charged); its xa_lock is the lock */
static DEFINE_XARRAY(rtshm_user_pages);

kuid_t rtshm_quota_owner(void)
{
	const struct user_namespace *ns = current_user_ns();
	kuid_t uid = current_euid();

	for (; ns != &init_user_ns; ns = ns->parent)
		uid = ns->owner;
	return uid;
}

/* Return: 0, -EDQUOT, or -ENOMEM. */
int rtshm_user_charge(kuid_t uid, unsigned long pages)
{
	unsigned long quota = rtshm_limit_user_bytes() >> PAGE_SHIFT;
	unsigned long index = __kuid_val(uid);
	unsigned long used;
	void *old;
	int ret;

	if (pages > quota)
		return -EDQUOT;
	for (;;) {
		/* the slot's memory, obtained without holding the lock */
		ret = xa_reserve(&rtshm_user_pages, index, GFP_KERNEL);
		if (ret)
			return ret;
		xa_lock(&rtshm_user_pages);
		old = xa_load(&rtshm_user_pages, index);
		used = old ? xa_to_value(old) : 0;
		if (used > quota - pages) {
			if (!old)
				__xa_erase(&rtshm_user_pages, index);
			xa_unlock(&rtshm_user_pages);
			return -EDQUOT;
		}
		old = __xa_store(&rtshm_user_pages, index,
				 xa_mk_value(used + pages), GFP_NOWAIT);
		xa_unlock(&rtshm_user_pages);
		/* an uncharge to zero erased the reserved slot meanwhile: again */
		if (!xa_is_err(old))
			return 0;
	}
}

void rtshm_user_uncharge(kuid_t uid, unsigned long pages)
{
	unsigned long index = __kuid_val(uid);
	unsigned long used;
	void *old;

	xa_lock(&rtshm_user_pages);
	old = xa_load(&rtshm_user_pages, index);
	used = old ? xa_to_value(old) : 0;
	if (WARN_ON_ONCE(used < pages))
		pages = used;
	if (used == pages)
		__xa_erase(&rtshm_user_pages, index);
	else	/* replacing a value in place never allocates */
		__xa_store(&rtshm_user_pages, index, xa_mk_value(used - pages),
			   GFP_NOWAIT);
	xa_unlock(&rtshm_user_pages);
}

/*
 * Charge @seg's pages to the creating user's locked memory.  Within
 * RLIMIT_MEMLOCK no capability is asked for (no audit record); beyond it
 * CAP_IPC_LOCK lets the segment through uncharged, as mlock() does.
 * Return: 0 or -ENOMEM.
 */
int rtshm_memlock_charge(struct rtshm_seg *seg)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	struct user_struct *user = get_current_user();
	unsigned long cur = atomic_long_read(&user->locked_vm);

	do {
		if (cur + seg->nr_pages > limit || cur + seg->nr_pages < cur) {
			free_uid(user);
			if (capable(CAP_IPC_LOCK))
				return 0;
			pr_info_ratelimited("%s[%d]: %lu KiB segment above RLIMIT_MEMLOCK (%lu KiB locked, limit %lu KiB)\n",
					    current->comm, task_pid_nr(current),
					    seg->nr_pages << (PAGE_SHIFT - 10),
					    cur << (PAGE_SHIFT - 10),
					    limit << (PAGE_SHIFT - 10));
			return -ENOMEM;
		}
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur,
					  cur + seg->nr_pages));
	seg->locked_user = user;
	return 0;
}

void rtshm_memlock_uncharge(struct rtshm_seg *seg)
{
	if (!seg->locked_user)
		return;
	atomic_long_sub(seg->nr_pages, &seg->locked_user->locked_vm);
	free_uid(seg->locked_user);
	seg->locked_user = NULL;
}

void rtshm_quota_exit(void)
{
	/* Every file holds a module reference, so nothing can be charged. */
	WARN_ON(!xa_empty(&rtshm_user_pages));
	xa_destroy(&rtshm_user_pages);
}
