/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* INtime real-time side API, for code that includes <rt.h>. */
#include "../rt.h"
