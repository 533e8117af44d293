// SPDX-License-Identifier: LGPL-2.1-or-later
/* NTX object directory and handle import: NTXHANDLEs from names and RTHANDLEs. */
#include "../core/internal.h"
#include "intime.h"

static NTXHANDLE ntx_failed(WORD status)
{
	intime_fail(status);
	return NTX_BAD_NTXHANDLE;
}

static NTXHANDLE ntx_handle_of_info(const struct rtshm_object_info *info)
{
	const struct ntx_object obj = {
		.serial = info->serial, .id = info->id, .kind = info->type,
	};
	NTXHANDLE h;
	WORD status = ntx_handle_for(&obj, &h);

	return status == E_OK ? h : ntx_failed(status);
}

RTSHM_EXPORT NTXHANDLE ntxLookupNtxhandle(NTXHANDLE hRtProcess, LPCSTR lpszName,
					  DWORD dwMilliseconds)
{
	struct rtshm_object_info info;
	struct intime_dir dir;
	WORD status;

	status = ntx_dir_of(hRtProcess, &dir);
	if (status == E_OK)
		status = intime_check_name(lpszName);
	if (status == E_OK)
		status = intime_lookup(&dir, lpszName, dwMilliseconds, &info);
	if (status != E_OK)
		return ntx_failed(status);
	return ntx_handle_of_info(&info);
}

RTSHM_EXPORT NTXHANDLE ntxImportRtHandle(RTHANDLE IncomingObject,
					 NTXHANDLE hObjectSource)
{
	struct rtshm_object_info info;
	struct ntx_object source;
	WORD status;

	/* the source only tells INtime the location: here there is one */
	status = ntx_resolve(hObjectSource, &source);
	if (status == E_OK && IncomingObject == RTSHM_ROOT_RTHANDLE)
		return ntxGetRootRtProcess(NTX_LOCAL);
	if (status == E_OK &&
	    (IncomingObject == NULL_RTHANDLE || IncomingObject == BAD_RTHANDLE))
		status = E_EXIST;
	if (status == E_OK)
		status = intime_describe(IncomingObject, &info);
	if (status != E_OK)
		return ntx_failed(status);
	return ntx_handle_of_info(&info);
}

RTSHM_EXPORT NTXSTATUS ntxCatalogNtxHandle(NTXHANDLE hRtProcess, NTXHANDLE hRtObject,
					   LPCSTR lpszName)
{
	struct intime_dir dir;
	struct ntx_object obj;
	WORD status;

	status = ntx_dir_of(hRtProcess, &dir);
	if (status == E_OK)
		status = ntx_resolve(hRtObject, &obj);
	if (status == E_OK && !intime_catalog_type(obj.kind))
		status = E_TYPE;	/* a process, or an RTX object */
	if (status == E_OK)
		status = intime_check_name(lpszName);
	if (status == E_OK)
		status = intime_catalog(&dir, obj.id, obj.serial, obj.kind, lpszName);
	if (status != E_OK)
		intime_fail(status);
	return status;
}

RTSHM_EXPORT NTXSTATUS ntxUncatalogNtxHandle(NTXHANDLE hRtProcess, NTXHANDLE hRtObject,
					     LPCSTR lpszName)
{
	struct intime_dir dir;
	struct ntx_object obj;
	WORD status;

	status = ntx_dir_of(hRtProcess, &dir);
	if (status == E_OK)
		status = ntx_resolve(hRtObject, &obj);
	if (status == E_OK)
		status = intime_check_name(lpszName);
	if (status == E_OK && obj.kind == NTX_KIND_ROOT)
		status = E_CONTEXT;	/* no name can name the root */
	if (status == E_OK)
		status = intime_uncatalog(&dir, lpszName, obj.serial);
	if (status != E_OK)
		intime_fail(status);
	return status;
}
