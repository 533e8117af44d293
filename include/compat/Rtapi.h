/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <Rtapi.h>: Windows file names ignore case, Linux's do not. */
#include "../rtapi.h"
