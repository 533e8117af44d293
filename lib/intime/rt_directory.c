// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * INtime RT object directory: CatalogRtHandle, UncatalogRtHandle,
 * LookupRtHandle, in the root, the calling process's directory
 * (NULL_RTHANDLE) or another process's.
 */
#include "../core/internal.h"
#include "intime.h"
#include "rt.h"

/* The directory @hProcess stands for. */
static WORD rt_dir_of(RTHANDLE hProcess, struct intime_dir *dir)
{
	struct rtshm_object_info info;
	WORD status;

	if (hProcess == NULL_RTHANDLE)
		return intime_rt_self(dir);
	if (hProcess == RTSHM_ROOT_RTHANDLE) {
		*dir = (struct intime_dir){ 0 };
		return E_OK;
	}
	if (hProcess == BAD_RTHANDLE)
		return E_EXIST;
	status = intime_describe(hProcess, &info);
	if (status == E_OK && info.type != RTSHM_OBJ_PROCESS)
		status = E_TYPE;
	if (status == E_OK)
		*dir = (struct intime_dir){ .id = info.id, .serial = info.serial };
	return status;
}

static BOOLEAN rt_result(WORD status)
{
	if (status == E_OK)
		return TRUE;
	intime_fail(status);
	return FALSE;
}

RTSHM_EXPORT BOOLEAN CatalogRtHandle(RTHANDLE hProcess, RTHANDLE hObject,
				     LPCSTR lpszName)
{
	struct rtshm_object_info info;
	struct intime_dir dir;
	WORD status;

	status = rt_dir_of(hProcess, &dir);
	if (status == E_OK)
		status = intime_check_name(lpszName);
	if (status == E_OK)
		status = !intime_id_usable(hObject) || hObject == NULL_RTHANDLE ?
			 E_EXIST : intime_describe(hObject, &info);
	if (status == E_OK && !intime_catalog_type(info.type))
		status = E_TYPE;	/* an RTX object */
	if (status == E_OK)
		status = intime_catalog(&dir, info.id, info.serial, info.type,
					lpszName);
	return rt_result(status);
}

RTSHM_EXPORT BOOLEAN UncatalogRtHandle(RTHANDLE hProcess, LPCSTR lpszName)
{
	struct intime_dir dir;
	WORD status;

	status = rt_dir_of(hProcess, &dir);
	if (status == E_OK)
		status = intime_check_name(lpszName);
	if (status == E_OK)
		status = intime_uncatalog(&dir, lpszName, 0);
	return rt_result(status);
}

RTSHM_EXPORT RTHANDLE LookupRtHandle(RTHANDLE hProcess, LPCSTR lpszName,
				     DWORD dwMilliseconds)
{
	struct rtshm_object_info info;
	struct intime_dir dir;
	WORD status;

	status = rt_dir_of(hProcess, &dir);
	if (status == E_OK)
		status = intime_check_name(lpszName);
	if (status == E_OK)
		status = intime_lookup(&dir, lpszName, dwMilliseconds, &info);
	if (status == E_OK && !intime_id_usable(info.id))
		status = E_LIMIT;	/* an id no RTHANDLE can carry */
	if (status != E_OK) {
		intime_fail(status);
		return BAD_RTHANDLE;
	}
	return (RTHANDLE)info.id;
}
