// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Views: every mapping the RTX layer made, with the object (handle) that
 * made it, so a view can be unmapped by its address alone and closing a
 * handle unmaps exactly that handle's views.
 */
#include <stdlib.h>

#include "rtx.h"

struct rtx_view {
	void *addr;
	size_t len;
	uint64_t offset;	/* of the view in its segment */
	struct rtx_view_owner *owner;
	struct rtx_view *next;
};

static struct rtx_view *views;	/* under rtx_lock() */

DWORD rtx_views_add(struct rtx_view_owner *owner, void *addr, size_t len,
		    uint64_t offset)
{
	struct rtx_view *v = malloc(sizeof(*v));
	DWORD err = 0;

	if (!v)
		return ERROR_NOT_ENOUGH_MEMORY;
	v->addr = addr;
	v->len = len;
	v->offset = offset;
	v->owner = owner;
	rtx_lock();
	/* checked under the lock: a racing close must see this view or refuse it */
	if (owner->closed) {
		err = ERROR_INVALID_HANDLE;
	} else {
		v->next = views;
		views = v;
	}
	rtx_unlock();
	if (err)
		free(v);
	return err;
}

DWORD rtx_views_unmap(void *addr)
{
	struct rtx_view **pp, *v = NULL;

	if (!addr)
		return ERROR_INVALID_ADDRESS;
	rtx_lock();
	for (pp = &views; *pp; pp = &(*pp)->next) {
		if ((*pp)->addr == addr) {
			v = *pp;
			*pp = v->next;
			break;
		}
	}
	rtx_unlock();
	if (!v)
		return ERROR_INVALID_ADDRESS;
	rtshm_unmap(v->addr, v->len);
	free(v);
	return 0;
}

struct rtx_object *rtx_views_find(const void *addr, int *fd, uint64_t *offset)
{
	struct rtx_object *obj = NULL;
	struct rtx_view *v;

	rtx_lock();
	for (v = views; v; v = v->next) {
		uintptr_t in = (uintptr_t)addr - (uintptr_t)v->addr;

		if (in < v->len) {
			/*
			 * A listed view's owner is not closed, so the table
			 * still holds its object: taking a reference is safe.
			 */
			obj = v->owner->obj;
			atomic_fetch_add_explicit(&obj->refs, 1, memory_order_relaxed);
			*fd = v->owner->fd;
			*offset = v->offset + in;
			break;
		}
	}
	rtx_unlock();
	return obj;
}

void rtx_views_close_owner(struct rtx_view_owner *owner)
{
	struct rtx_view **pp, *v, *mine = NULL;

	rtx_lock();
	owner->closed = 1;
	for (pp = &views; *pp;) {
		v = *pp;
		if (v->owner == owner) {
			*pp = v->next;
			v->next = mine;
			mine = v;
		} else {
			pp = &v->next;
		}
	}
	rtx_unlock();

	while (mine) {
		v = mine;
		mine = v->next;
		rtshm_unmap(v->addr, v->len);
		free(v);
	}
}
