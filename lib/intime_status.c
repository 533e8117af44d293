// SPDX-License-Identifier: LGPL-2.1-or-later
/* The INtime per-thread status: GetLastRtError, SetLastRtError, ntxGetLastRtError. */
#include "internal.h"
#include "intime_internal.h"
#include "rt.h"

/*
 * One slot per thread for both sides, as INtime's RT side shares it with
 * iwin32's GetLastError: 32 bits are stored, the INtime calls read 16.
 * Only failures write it; success leaves the last failure visible.
 */
static _Thread_local DWORD intime_last_status;

void intime_fail(WORD status)
{
	intime_last_status = status;
}

RTSHM_EXPORT DWORD GetLastRtError(VOID)
{
	return intime_last_status & 0xFFFF;
}

RTSHM_EXPORT VOID SetLastRtError(DWORD dwErrorCode)
{
	intime_last_status = dwErrorCode;
}

RTSHM_EXPORT NTXSTATUS ntxGetLastRtError(void)
{
	return (NTXSTATUS)(intime_last_status & 0xFFFF);
}
