// SPDX-License-Identifier: LGPL-2.1-or-later
/* GetLastError/SetLastError: one last-error value per thread, as on Win32. */
#include "rtx_internal.h"

static _Thread_local DWORD rtx_last_error;

RTSHM_EXPORT DWORD GetLastError(VOID)
{
	return rtx_last_error;
}

RTSHM_EXPORT VOID SetLastError(DWORD dwErrCode)
{
	rtx_last_error = dwErrCode;
}
