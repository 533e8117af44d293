// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * INtime RT semaphores: CreateRtSemaphore, WaitForRtSemaphore,
 * ReleaseRtSemaphore, DeleteRtSemaphore.  The RTHANDLE is the kernel
 * object's id; the protocol is rtsem_state.c's.
 */
#include "../core/internal.h"
#include "rtsem.h"
#include "rt.h"

_Static_assert(PRIORITY_QUEUING == RTSEM_PRIORITY && FIFO_QUEUING == 0,
	       "INtime's flag values");

RTSHM_EXPORT RTHANDLE CreateRtSemaphore(WORD wInitCount, WORD wMaxCount,
					WORD wSemaphoreFlags)
{
	struct rtsem_ref ref;
	RTHANDLE h;
	WORD status;

	status = rtsem_create(wInitCount, wMaxCount, wSemaphoreFlags, &ref);
	if (status != E_OK) {
		intime_fail(status);
		return BAD_RTHANDLE;
	}
	h = (RTHANDLE)ref.id;
	rtsem_put(&ref);
	return h;
}

RTSHM_EXPORT DWORD WaitForRtSemaphore(RTHANDLE hSemaphore, WORD wCount,
				      DWORD dwMilliseconds)
{
	struct rtsem_ref ref;
	uint32_t left = 0;
	WORD status;

	status = rtsem_get(hSemaphore, 0, &ref);
	if (status == E_OK) {
		status = rtsem_state_wait(ref.st, wCount, dwMilliseconds, &left);
		rtsem_put(&ref);
	}
	if (status != E_OK) {
		intime_fail(status);
		return WAIT_FAILED;
	}
	return left;
}

RTSHM_EXPORT BOOLEAN ReleaseRtSemaphore(RTHANDLE hSemaphore, WORD wReleaseCount)
{
	struct rtsem_ref ref;
	WORD status;

	status = rtsem_get(hSemaphore, 0, &ref);
	if (status == E_OK) {
		status = wReleaseCount ? rtsem_state_release(ref.st, wReleaseCount)
				       : E_PARAM;
		rtsem_put(&ref);
	}
	if (status != E_OK) {
		intime_fail(status);
		return FALSE;
	}
	return TRUE;
}

RTSHM_EXPORT BOOLEAN DeleteRtSemaphore(RTHANDLE hSemaphore)
{
	struct rtsem_ref ref;
	WORD status;

	status = rtsem_get(hSemaphore, 0, &ref);
	if (status == E_OK) {
		status = rtsem_delete(&ref);
		rtsem_put(&ref);
	}
	if (status != E_OK) {
		intime_fail(status);
		return FALSE;
	}
	return TRUE;
}
