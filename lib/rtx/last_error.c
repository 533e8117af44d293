// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * GetLastError/SetLastError: one last-error value per thread, as on Win32;
 * INtime's GetLastRtError reads the same one.
 */
#include "../core/internal.h"
#include "rtx.h"

RTSHM_EXPORT DWORD GetLastError(VOID)
{
	return rtshm_last_error;
}

RTSHM_EXPORT VOID SetLastError(DWORD dwErrCode)
{
	rtshm_last_error = dwErrCode;
}
