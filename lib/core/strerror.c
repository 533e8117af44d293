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
		return "segment too large, byte limit or RLIMIT_MEMLOCK reached, or out of contiguous memory";
	case EPERM:
		return "the contig and pool tiers need CAP_IPC_LOCK or the module's tier_gid group; physical addresses need CAP_SYS_ADMIN";
	case EOPNOTSUPP:
		return "the contig tier is off here (module parameter contig_tier), or the module is too old for this call";
	case ENOSPC:
		return "segment limit reached";
	case EDQUOT:
		return "the user's shared-memory quota is used up";
	default:
		/* strerrordesc_np() returns static text: thread-safe, unlike strerror() */
		return strerrordesc_np(-err) ? strerrordesc_np(-err) : "unknown error";
	}
}
