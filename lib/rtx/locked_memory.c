// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RTX locked memory: RtAllocateLockedMemory and RtFreeLockedMemory.
 *
 * Anonymous memory locked with mlock(), which also faults every page in,
 * so touching it later never page-faults and it is never swapped.  Locked
 * memory counts against RLIMIT_MEMLOCK unless the process has
 * CAP_IPC_LOCK.  It is not physically contiguous and its pages may still
 * be migrated, so it has no physical address to give a device: that is
 * what RtAllocateContiguousMemory is for.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rtx.h"

struct rtx_locked {
	void *addr;
	size_t len;
	struct rtx_locked *next;
};

static struct rtx_locked *locked;	/* under rtx_lock() */

static void *rtx_locked_fail(DWORD err)
{
	SetLastError(err);
	return NULL;
}

RTSHM_EXPORT PVOID RtAllocateLockedMemory(ULONG Size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = ((size_t)Size + page - 1) / page * page;
	struct rtx_locked *l;
	void *p;

	if (!Size)
		return rtx_locked_fail(ERROR_INVALID_PARAMETER);
	l = malloc(sizeof(*l));
	if (!l)
		return rtx_locked_fail(ERROR_NOT_ENOUGH_MEMORY);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED) {
		free(l);
		return rtx_locked_fail(ERROR_NOT_ENOUGH_MEMORY);
	}
	/*
	 * ENOMEM (RLIMIT_MEMLOCK, or no memory), EAGAIN (pages that could not
	 * be locked) and EPERM (a limit of 0) all mean "not that much".
	 */
	if (mlock(p, len)) {
		munmap(p, len);
		free(l);
		return rtx_locked_fail(ERROR_NOT_ENOUGH_MEMORY);
	}
	l->addr = p;
	l->len = len;
	rtx_lock();
	l->next = locked;
	locked = l;
	rtx_unlock();
	return p;
}

RTSHM_EXPORT BOOL RtFreeLockedMemory(PVOID pVirtualAddress)
{
	struct rtx_locked **pp, *l = NULL;

	rtx_lock();
	for (pp = &locked; pVirtualAddress && *pp; pp = &(*pp)->next) {
		if ((*pp)->addr == pVirtualAddress) {
			l = *pp;
			*pp = l->next;
			break;
		}
	}
	rtx_unlock();
	if (!l) {
		SetLastError(ERROR_INVALID_ADDRESS);
		return FALSE;
	}
	munmap(l->addr, l->len);	/* unlocks it too */
	free(l);
	return TRUE;
}
