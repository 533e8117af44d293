// SPDX-License-Identifier: LGPL-2.1-or-later
/* The per-thread last-error slot the RTX and INtime layers share. */
#include "internal.h"

_Thread_local unsigned int rtshm_last_error;
