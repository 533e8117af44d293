// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user quota: pages of segments created by each user (the creator's
 * euid, as a global kuid), summed over all IPC namespaces, so a user cannot
 * exhaust memory by creating namespaces.  Protected by rtshm_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/xarray.h>

#include "rtshm_priv.h"

/* kuid -> xa_mk_value(pages charged) */
static DEFINE_XARRAY(rtshm_user_pages);

static unsigned long rtshm_user_charged(kuid_t uid)
{
	void *v = xa_load(&rtshm_user_pages, __kuid_val(uid));

	return v ? xa_to_value(v) : 0;
}

/* Return: 0 if @pages more fit in @uid's quota, else -EDQUOT. */
int rtshm_user_check(kuid_t uid, unsigned long pages)
{
	unsigned long quota = rtshm_limit_user_bytes() >> PAGE_SHIFT;
	unsigned long used;

	lockdep_assert_held(&rtshm_lock);
	used = rtshm_user_charged(uid);
	if (pages > quota || used > quota - pages)
		return -EDQUOT;
	return 0;
}

/* Return: 0, -EDQUOT, or -ENOMEM. */
int rtshm_user_charge(kuid_t uid, unsigned long pages)
{
	int ret = rtshm_user_check(uid, pages);

	if (ret)
		return ret;
	return xa_err(xa_store(&rtshm_user_pages, __kuid_val(uid),
			       xa_mk_value(rtshm_user_charged(uid) + pages),
			       GFP_KERNEL));
}

void rtshm_user_uncharge(kuid_t uid, unsigned long pages)
{
	unsigned long used;

	lockdep_assert_held(&rtshm_lock);
	used = rtshm_user_charged(uid);
	if (WARN_ON_ONCE(used < pages))
		pages = used;
	if (used == pages)
		xa_erase(&rtshm_user_pages, __kuid_val(uid));
	else
		xa_store(&rtshm_user_pages, __kuid_val(uid),
			 xa_mk_value(used - pages), GFP_KERNEL);
}

void rtshm_quota_exit(void)
{
	/* Every file holds a module reference, so nothing can be charged. */
	WARN_ON(!xa_empty(&rtshm_user_pages));
	xa_destroy(&rtshm_user_pages);
}
