// SPDX-License-Identifier: LGPL-2.1-or-later
/* Win32 error codes for the native API's negative errno values. */
#include <unistd.h>

#include "rtx.h"

/*
 * rtshm_open() gives -ENOENT both for "no such name" and for a missing
 * /dev/rtshm; only the second leaves no device node behind.
 */
static DWORD rtx_error_not_found(void)
{
	if (access(RTSHM_DEVICE_PATH, F_OK) && errno == ENOENT)
		return ERROR_DEV_NOT_EXIST;
	return ERROR_FILE_NOT_FOUND;
}

DWORD rtx_error_from_native(int err)
{
	switch (-err) {
	case 0:
		return ERROR_SUCCESS;
	case ENOENT:
		return rtx_error_not_found();
	case ENODEV:
	case ENXIO:
		return ERROR_DEV_NOT_EXIST;	/* rtshm.ko not loaded */
	case EPROTO:
		return ERROR_REVISION_MISMATCH;	/* module and library ABIs differ */
	case EACCES:
	case EPERM:
		return ERROR_ACCESS_DENIED;
	case EMEDIUMTYPE:
		return ERROR_INVALID_HANDLE;	/* name held by another object type */
	case ENOMEM:
	case ENOSPC:
		return ERROR_NOT_ENOUGH_MEMORY;
	case EDQUOT:
		return ERROR_NOT_ENOUGH_QUOTA;	/* the user's max_user_bytes */
	case EINVAL:
		return ERROR_INVALID_PARAMETER;
	case ENAMETOOLONG:
		return ERROR_FILENAME_EXCED_RANGE;
	case EEXIST:
		return ERROR_ALREADY_EXISTS;
	case EMFILE:
	case ENFILE:
		return ERROR_TOO_MANY_OPEN_FILES;
	case EBADF:
	case ENOTCONN:
		return ERROR_INVALID_HANDLE;
	case EFAULT:
		return ERROR_NOACCESS;
	default:
		return ERROR_GEN_FAILURE;
	}
}
