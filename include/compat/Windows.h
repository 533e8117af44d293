/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <Windows.h>: Windows file names ignore case, Linux's do not. */
#include "windows.h"
