/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* INtime NTX (Windows side) API, for code that includes <ntx.h>. */
#include "../ntx.h"
