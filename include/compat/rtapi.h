/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <rtapi.h> from the compat directory, so -I .../compat alone is enough. */
#include "../rtapi.h"
