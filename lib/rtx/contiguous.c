// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RTX contiguous memory: RtAllocateContiguousMemory, RtFreeContiguousMemory
 * and RtGetPhysicalAddress.
 *
 * A block is an unnamed segment mapped read-write whole: every tier of
 * rtshm.ko gives physically contiguous memory that never moves.  The block
 * keeps its native handle, through which RtGetPhysicalAddress asks the
 * kernel (RTSHM_IOC_PHYS); a lookup holds a reference, so a free racing
 * with it never leaves it a closed or reused descriptor.
 * RtGetPhysicalAddress also answers for RTX shared-memory views.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "rtx.h"

/* Permission bits of the segments: the creating user only. */
#define RTX_CONTIG_MODE		0600

/*
 * HighestPhysicalAddress values from 2^52 - 1 up (x86-64's whole physical
 * address space) limit nothing, nor do negative ones (-1 is the usual
 * "any"), so they work with any module.
 */
#define RTX_PHYS_ANY		((1ULL << 52) - 1)

struct rtx_contig {
	char *addr;
	uint64_t size;
	int fd;
	unsigned int refs;	/* the list's and lookups' (rtx_lock) */
	struct rtx_contig *next;
};

static struct rtx_contig *blocks;	/* under rtx_lock() */

static void rtx_contig_put(struct rtx_contig *b)
{
	unsigned int left;

	rtx_lock();
	left = --b->refs;
	rtx_unlock();
	if (!left) {
		rtshm_close(b->fd);
		free(b);
	}
}

/* Only a module too old for the call (before ABI 2.1) gives -EOPNOTSUPP. */
static DWORD rtx_contig_error(int err)
{
	return err == -EOPNOTSUPP ? ERROR_REVISION_MISMATCH
				  : rtx_error_from_native(err);
}

static void *rtx_contig_fail(DWORD err)
{
	SetLastError(err);
	return NULL;
}

RTSHM_EXPORT PVOID RtAllocateContiguousMemory(ULONG NumberOfBytes,
					      LARGE_INTEGER HighestPhysicalAddress)
{
	uint64_t max_phys = (uint64_t)HighestPhysicalAddress.QuadPart;
	struct rtshm_result res;
	struct rtx_contig *b;
	void *addr;
	int fd, ret;

	if (!NumberOfBytes)
		return rtx_contig_fail(ERROR_INVALID_PARAMETER);
	if (max_phys >= RTX_PHYS_ANY)
		max_phys = UINT64_MAX;
	b = malloc(sizeof(*b));
	if (!b)
		return rtx_contig_fail(ERROR_NOT_ENOUGH_MEMORY);
	fd = rtshm_create_below(NULL, NumberOfBytes, RTSHM_RDWR, RTX_CONTIG_MODE,
				max_phys, &res);
	if (fd < 0) {
		free(b);
		return rtx_contig_fail(rtx_contig_error(fd));
	}
	ret = rtshm_map(fd, 0, res.size, PROT_READ | PROT_WRITE, &addr);
	if (ret) {
		rtshm_close(fd);
		free(b);
		return rtx_contig_fail(rtx_contig_error(ret));
	}
	b->addr = addr;
	b->size = res.size;
	b->fd = fd;
	b->refs = 1;
	rtx_lock();
	b->next = blocks;
	blocks = b;
	rtx_unlock();
	return addr;
}

RTSHM_EXPORT BOOL RtFreeContiguousMemory(PVOID pVirtualAddress)
{
	struct rtx_contig **pp, *b = NULL;

	rtx_lock();
	for (pp = &blocks; pVirtualAddress && *pp; pp = &(*pp)->next) {
		if ((*pp)->addr == pVirtualAddress) {
			b = *pp;
			*pp = b->next;
			break;
		}
	}
	rtx_unlock();
	if (!b) {
		SetLastError(ERROR_INVALID_ADDRESS);
		return FALSE;
	}
	/* the segment goes with its last mapping and handle */
	rtshm_unmap(b->addr, b->size);
	rtx_contig_put(b);
	return TRUE;
}

/* The block holding @addr with a reference, and @addr's offset in it. */
static struct rtx_contig *rtx_contig_find(const void *addr, uint64_t *offset)
{
	struct rtx_contig *b;

	rtx_lock();
	for (b = blocks; b; b = b->next) {
		uintptr_t in = (uintptr_t)addr - (uintptr_t)b->addr;

		if (in < b->size) {
			b->refs++;
			*offset = in;
			break;
		}
	}
	rtx_unlock();
	return b;
}

RTSHM_EXPORT LARGE_INTEGER RtGetPhysicalAddress(PVOID pVirtualAddress)
{
	LARGE_INTEGER pa = { .QuadPart = 0 };
	struct rtx_object *view = NULL;
	struct rtx_contig *b;
	uint64_t offset = 0, phys;
	int fd = -1, ret;

	b = rtx_contig_find(pVirtualAddress, &offset);
	if (b)
		fd = b->fd;
	else
		view = rtx_views_find(pVirtualAddress, &fd, &offset);
	if (!b && !view) {
		SetLastError(ERROR_INVALID_ADDRESS);
		return pa;
	}
	ret = rtshm_phys(fd, offset, &phys, NULL);
	if (b)
		rtx_contig_put(b);
	else
		rtx_object_put(view);
	if (ret) {
		SetLastError(rtx_contig_error(ret));
		return pa;
	}
	pa.QuadPart = (LONGLONG)phys;
	return pa;
}
