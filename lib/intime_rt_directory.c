// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * INtime RT object directory: CatalogRtHandle, UncatalogRtHandle,
 * LookupRtHandle.  The IPC namespace has one directory; NULL_RTHANDLE
 * stands for it, as the calling process and as the root process.
 */
#include "internal.h"
#include "intime_internal.h"
#include "rt.h"

/* E_OK for NULL_RTHANDLE; a handle of anything else is not a process. */
static WORD rt_check_process(RTHANDLE hProcess)
{
	struct rtshm_object_info info;
	WORD status;

	if (hProcess == NULL_RTHANDLE)
		return E_OK;
	if (hProcess == BAD_RTHANDLE)
		return E_EXIST;
	status = intime_describe(hProcess, &info);
	return status == E_OK ? E_TYPE : status;
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
	WORD status;

	status = rt_check_process(hProcess);
	if (status == E_OK)
		status = intime_check_name(lpszName);
	if (status == E_OK)
		status = hObject == NULL_RTHANDLE || hObject == BAD_RTHANDLE ?
			 E_EXIST : intime_describe(hObject, &info);
	if (status == E_OK && info.type != RTSHM_TYPE_SHM)
		status = E_TYPE;	/* only segments can be named here */
	if (status == E_OK)
		status = intime_catalog(info.id, info.serial, lpszName);
	return rt_result(status);
}

RTSHM_EXPORT BOOLEAN UncatalogRtHandle(RTHANDLE hProcess, LPCSTR lpszName)
{
	WORD status;

	status = rt_check_process(hProcess);
	if (status == E_OK)
		status = intime_check_name(lpszName);
	if (status == E_OK)
		status = intime_uncatalog(lpszName, 0);
	return rt_result(status);
}

RTSHM_EXPORT RTHANDLE LookupRtHandle(RTHANDLE hProcess, LPCSTR lpszName,
				     DWORD dwMilliseconds)
{
	struct rtshm_object_info info;
	WORD status;

	status = rt_check_process(hProcess);
	if (status == E_OK)
		status = intime_check_name(lpszName);
	if (status == E_OK)
		status = intime_lookup(lpszName, dwMilliseconds, &info);
	if (status == E_OK && info.id == BAD_RTHANDLE)
		status = E_LIMIT;	/* an id no RTHANDLE can carry */
	if (status != E_OK) {
		intime_fail(status);
		return BAD_RTHANDLE;
	}
	return (RTHANDLE)info.id;
}
