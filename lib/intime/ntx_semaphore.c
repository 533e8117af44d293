// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NTX semaphores: ntxCreateRtSemaphore, ntxWaitForRtSemaphore,
 * ntxReleaseRtSemaphore, ntxDeleteRtSemaphore.  The same semaphores as
 * rt.h's; an NTXHANDLE names one by id and serial, so a handle whose
 * semaphore is gone never reaches a later one that got the same id.
 */
#include "../core/internal.h"
#include "rtsem.h"

_Static_assert(NTX_PRIORITY_QUEUING == RTSEM_PRIORITY && NTX_FIFO_QUEUING == 0,
	       "INtime's flag values");

/* The semaphore @h for one call: E_OK, E_EXIST, E_LOCATION, E_TYPE. */
static WORD ntx_sem(NTXHANDLE h, struct rtsem_ref *ref)
{
	struct ntx_object obj;
	WORD status = ntx_resolve(h, &obj);

	if (status == E_OK && obj.kind != RTSHM_TYPE_RT_SEMAPHORE)
		status = E_TYPE;
	if (status == E_OK)
		status = rtsem_get(obj.id, obj.serial, ref);
	return status;
}

RTSHM_EXPORT NTXHANDLE ntxCreateRtSemaphore(NTXLOCATION hLocation, WORD wInitCount,
					    WORD wMaxCount, WORD wFlags)
{
	struct ntx_object obj = { .kind = RTSHM_TYPE_RT_SEMAPHORE };
	struct rtsem_ref ref;
	NTXHANDLE h = NTX_BAD_NTXHANDLE;
	WORD status;

	/* E_OK for our location with rtshm.ko up, E_LOCATION for any other */
	status = ntxGetRtStatus(hLocation);
	if (status == E_EXIST)
		status = E_NTX_INTERNAL_ERROR;	/* no /dev/rtshm */
	if (status == E_OK)
		status = rtsem_create(wInitCount, wMaxCount, wFlags, &ref);
	if (status == E_OK) {
		obj.id = ref.id;
		obj.serial = ref.serial;
		status = ntx_handle_for(&obj, &h);
		if (status != E_OK)
			rtsem_delete(&ref);	/* nobody could name it */
		rtsem_put(&ref);
	}
	if (status != E_OK) {
		intime_fail(status);
		return NTX_BAD_NTXHANDLE;
	}
	return h;
}

RTSHM_EXPORT WORD ntxWaitForRtSemaphore(NTXHANDLE hSemaphore, WORD wUnits,
					DWORD dwMilliseconds)
{
	struct rtsem_ref ref;
	uint32_t left = 0;
	WORD status = ntx_sem(hSemaphore, &ref);

	if (status == E_OK) {
		status = rtsem_state_wait(ref.st, wUnits, dwMilliseconds, &left);
		rtsem_put(&ref);
	}
	if (status != E_OK) {
		intime_fail(status);
		return NTX_ERROR;
	}
	return (WORD)left;
}

RTSHM_EXPORT NTXSTATUS ntxReleaseRtSemaphore(NTXHANDLE hSemaphore, WORD wUnits)
{
	struct rtsem_ref ref;
	WORD status = ntx_sem(hSemaphore, &ref);

	if (status == E_OK) {
		status = wUnits ? rtsem_state_release(ref.st, wUnits) : E_PARAM;
		rtsem_put(&ref);
	}
	if (status != E_OK)
		intime_fail(status);
	return status;
}

RTSHM_EXPORT NTXSTATUS ntxDeleteRtSemaphore(NTXHANDLE hSemaphore)
{
	struct rtsem_ref ref;
	WORD status = ntx_sem(hSemaphore, &ref);

	if (status == E_OK) {
		status = rtsem_delete(&ref);
		rtsem_put(&ref);
	}
	if (status != E_OK)
		intime_fail(status);
	return status;
}
