// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The RTX handle table.  A HANDLE is not a file descriptor: it encodes a
 * slot index and that slot's generation, so a NULL, forged, closed or
 * foreign value is recognised and rejected, never mistaken for (or used to
 * close) some unrelated descriptor.
 *
 * Handle value: bit 30 set, generation in bits 16-29, slot in bits 0-15.
 * It fits in 31 bits, so code that prints handles with %X shows them whole.
 * Freed slots are reused first in, first out, and only once more than
 * RTX_REUSE_DELAY slots are free; with 14 generation bits a stale handle can
 * only match again after millions of closes.
 */
#include <stdlib.h>

#include "rtx.h"

#define RTX_HANDLE_TAG		0x40000000u
#define RTX_SLOT_BITS		16
#define RTX_GEN_MASK		0x3fffu
#define RTX_MAX_SLOTS		(1u << RTX_SLOT_BITS)
#define RTX_REUSE_DELAY		256
#define RTX_FIRST_CAP		64
#define RTX_NO_SLOT		UINT32_MAX

struct rtx_slot {
	struct rtx_object *obj;	/* NULL: free */
	uint32_t gen;
	uint32_t next_free;
};

/* all under rtx_lock() */
static struct rtx_slot *slots;
static uint32_t nslots, cap;
static uint32_t free_head = RTX_NO_SLOT, free_tail = RTX_NO_SLOT, nfree;

void rtx_object_init(struct rtx_object *obj, const struct rtx_object_ops *ops)
{
	obj->ops = ops;
	atomic_init(&obj->refs, 1);
}

void rtx_object_put(struct rtx_object *obj)
{
	if (atomic_fetch_sub_explicit(&obj->refs, 1, memory_order_acq_rel) == 1)
		obj->ops->destroy(obj);
}

static HANDLE handle_encode(uint32_t idx, uint32_t gen)
{
	return (HANDLE)(uintptr_t)(RTX_HANDLE_TAG | (gen & RTX_GEN_MASK) << RTX_SLOT_BITS | idx);
}

/* The slot @h names if it is live, else RTX_NO_SLOT.  Lock held. */
static uint32_t handle_slot(HANDLE h)
{
	uintptr_t v = (uintptr_t)h;
	uint32_t idx, gen;

	if ((v & ~(uintptr_t)0x7fffffff) || !(v & RTX_HANDLE_TAG))
		return RTX_NO_SLOT;
	idx = v & (RTX_MAX_SLOTS - 1);
	gen = (v >> RTX_SLOT_BITS) & RTX_GEN_MASK;
	if (idx >= nslots || !slots[idx].obj || (slots[idx].gen & RTX_GEN_MASK) != gen)
		return RTX_NO_SLOT;
	return idx;
}

static uint32_t slot_pop_free(void)
{
	uint32_t idx = free_head;

	free_head = slots[idx].next_free;
	if (free_head == RTX_NO_SLOT)
		free_tail = RTX_NO_SLOT;
	nfree--;
	return idx;
}

static void slot_push_free(uint32_t idx)
{
	slots[idx].next_free = RTX_NO_SLOT;
	if (free_tail == RTX_NO_SLOT)
		free_head = idx;
	else
		slots[free_tail].next_free = idx;
	free_tail = idx;
	nfree++;
}

/* A slot for a new handle, or RTX_NO_SLOT with *err set.  Lock held. */
static uint32_t slot_alloc(DWORD *err)
{
	if (nfree && (nfree > RTX_REUSE_DELAY || nslots == RTX_MAX_SLOTS))
		return slot_pop_free();
	if (nslots == RTX_MAX_SLOTS) {
		*err = ERROR_TOO_MANY_OPEN_FILES;
		return RTX_NO_SLOT;
	}
	if (nslots == cap) {
		uint32_t ncap = cap ? cap * 2 : RTX_FIRST_CAP;
		struct rtx_slot *n = realloc(slots, ncap * sizeof(*n));

		if (!n) {
			*err = ERROR_NOT_ENOUGH_MEMORY;
			return RTX_NO_SLOT;
		}
		slots = n;
		cap = ncap;
	}
	slots[nslots].obj = NULL;
	slots[nslots].gen = 0;
	return nslots++;
}

HANDLE rtx_handle_insert(struct rtx_object *obj, DWORD *err)
{
	HANDLE h = NULL;
	uint32_t idx;

	rtx_lock();
	idx = slot_alloc(err);
	if (idx != RTX_NO_SLOT) {
		slots[idx].obj = obj;
		h = handle_encode(idx, slots[idx].gen);
	}
	rtx_unlock();
	return h;
}

struct rtx_object *rtx_handle_get(HANDLE h, enum rtx_kind kind)
{
	struct rtx_object *obj = NULL;
	uint32_t idx;

	rtx_lock();
	idx = handle_slot(h);
	if (idx != RTX_NO_SLOT &&
	    (kind == RTX_KIND_ANY || slots[idx].obj->ops->kind == kind)) {
		obj = slots[idx].obj;
		atomic_fetch_add_explicit(&obj->refs, 1, memory_order_relaxed);
	}
	rtx_unlock();
	return obj;
}

DWORD rtx_handle_close(HANDLE h)
{
	struct rtx_object *obj;
	uint32_t idx;

	rtx_lock();
	idx = handle_slot(h);
	if (idx == RTX_NO_SLOT) {
		rtx_unlock();
		return ERROR_INVALID_HANDLE;
	}
	obj = slots[idx].obj;
	slots[idx].obj = NULL;
	slots[idx].gen++;
	slot_push_free(idx);
	rtx_unlock();

	/* Unmapping and closing are system calls: do them unlocked. */
	if (obj->ops->close)
		obj->ops->close(obj);
	rtx_object_put(obj);
	return 0;
}

RTSHM_EXPORT BOOL RtCloseHandle(HANDLE hObject)
{
	DWORD err = rtx_handle_close(hObject);

	if (err) {
		SetLastError(err);
		return FALSE;
	}
	return TRUE;
}
