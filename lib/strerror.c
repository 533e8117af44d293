// SPDX-License-Identifier: LGPL-2.1-or-later
/* Messages for the errors this API gives, worded for its callers. */
#include <string.h>

#include "rtshm.h"
#include "internal.h"

RTSHM_EXPORT const char *rtshm_strerror(int err)
{
	switch (-err) {
	case 0:
		return "success";
	case ENOENT:
		return "no such segment, or /dev/rtshm missing (is rtshm.ko loaded?)";
	case ENODEV:
	case ENXIO:
		return "rtshm module not loaded";
	case EPROTO:
		return "rtshm module and library ABI versions differ";
	case EMEDIUMTYPE:
		return "name belongs to an object of another type";
	case ENOTCONN:
		return "handle is not bound to a segment";
	case ENOMEM:
		return "segment too large, byte limit reached, or out of contiguous memory";
	case ENOSPC:
		return "segment limit reached";
	case EDQUOT:
		return "the user's shared-memory quota is used up";
	default:
		/* strerrordesc_np() returns static text: thread-safe, unlike strerror() */
		return strerrordesc_np(-err) ? strerrordesc_np(-err) : "unknown error";
	}
}
