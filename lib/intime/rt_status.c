// SPDX-License-Identifier: LGPL-2.1-or-later
/* The INtime per-thread status: GetLastRtError, SetLastRtError, ntxGetLastRtError. */
#include "../core/internal.h"
#include "intime.h"
#include "rt.h"

/*
 * The slot GetLastError reads too (core/error_slot.c), as INtime's RT side
 * shares it with its Win32 GetLastError: 32 bits are stored, the INtime
 * calls read 16.  Only failures write it; success leaves the last failure
 * visible.
 */

void intime_fail(WORD status)
{
	rtshm_last_error = status;
}

RTSHM_EXPORT DWORD GetLastRtError(VOID)
{
	return rtshm_last_error & 0xFFFF;
}

RTSHM_EXPORT VOID SetLastRtError(DWORD dwErrorCode)
{
	rtshm_last_error = dwErrorCode;
}

RTSHM_EXPORT NTXSTATUS ntxGetLastRtError(void)
{
	return (NTXSTATUS)(rtshm_last_error & 0xFFFF);
}
