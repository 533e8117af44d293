/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <windows.h> for code ported from RTX/RTX64: the Win32 types, constants and
 * kernel32 calls librtshm provides (see rtshm_windows.h), not the whole
 * Windows API.
 */
#include "../rtshm_windows.h"
