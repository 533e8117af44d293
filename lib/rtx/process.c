// SPDX-License-Identifier: LGPL-2.1-or-later
/* ExitProcess: the RTX samples' way out. */
#include <stdlib.h>

#include "rtx.h"

/*
 * exit() flushes stdio and runs atexit handlers, as ExitProcess runs DLL
 * detach; the kernel then closes every handle and view.
 */
RTSHM_EXPORT VOID ExitProcess(UINT uExitCode)
{
	exit((int)uExitCode);
}
