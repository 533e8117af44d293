// SPDX-License-Identifier: LGPL-2.1-or-later
/* Translating native -errno results into INtime status codes. */
#include "../core/internal.h"
#include "intime.h"

/* Kernel features the INtime layer is built on (ABI 1.1). */
#define INTIME_NEEDED_FEATURES \
	(RTSHM_FEAT_OPEN_BY_ID | RTSHM_FEAT_SERIAL | RTSHM_FEAT_LOOKUP | \
	 RTSHM_FEAT_CATALOG)

WORD intime_kernel_status(void)
{
	struct rtshm_module_info mi;

	if (rtshm_module_info(&mi) || mi.abi_major != RTSHM_ABI_MAJOR ||
	    (mi.features & INTIME_NEEDED_FEATURES) != INTIME_NEEDED_FEATURES)
		return E_NTX_INTERNAL_ERROR;
	return E_OK;
}

WORD intime_status_of(int err, WORD if_absent)
{
	switch (err) {
	case -ENOENT:
		/* the native API says ENOENT for a missing device, too */
		return intime_kernel_status() ? E_NTX_INTERNAL_ERROR : if_absent;
	case -ETIMEDOUT:
		return E_TIME;
	case -ENOMEM:		/* no memory, or the namespace's byte limit */
	case -EDQUOT:		/* the user's byte quota: INtime's pool limit */
		return E_MEM;
	case -ENOSPC:		/* segments per IPC namespace */
	case -EMFILE:		/* file descriptors */
	case -ENFILE:
	case -EBUSY:		/* the segment already has its one name */
		return E_LIMIT;
	case -EEXIST:		/* the name is taken */
		return E_CONTEXT;
	case -EACCES:
	case -EPERM:
		return E_PROTECTION;
	case -EMEDIUMTYPE:
	case -ENOTDIR:		/* a directory handle that is no process */
		return E_TYPE;
	case -ESRCH:		/* the directory's process is gone */
		return E_EXIST;
	case -EINVAL:
	case -ENAMETOOLONG:
		return E_PARAM;
	default:		/* ENODEV, ENXIO, EPROTO, or anything unforeseen */
		return E_NTX_INTERNAL_ERROR;
	}
}
