// SPDX-License-Identifier: LGPL-2.1-or-later
/* What an NTXHANDLE is: ntxGetType, ntxGetRtSize. */
#include "../core/internal.h"
#include "intime.h"

RTSHM_EXPORT WORD ntxGetType(NTXHANDLE hObject)
{
	struct rtshm_object_info info;
	struct ntx_object obj;
	WORD status;

	status = ntx_resolve(hObject, &obj);
	if (status == E_OK && obj.kind == NTX_KIND_ROOT)
		return NTX_TYPE_RT_PROCESS;
	if (status == E_OK)
		status = ntx_object_alive(&obj, &info);
	if (status == E_OK && obj.kind == RTSHM_TYPE_SHM)
		return NTX_TYPE_RT_SHARED_MEMORY;
	if (status == E_OK && obj.kind == RTSHM_OBJ_PROCESS)
		return NTX_TYPE_RT_PROCESS;
	if (status == E_OK && obj.kind == RTSHM_TYPE_RT_SEMAPHORE)
		return NTX_TYPE_RT_SEMAPHORE;
	if (status == E_OK && obj.kind == RTSHM_TYPE_MAILBOX)
		return NTX_TYPE_MAILBOX;
	/* a kernel object type INtime has no name for */
	intime_fail(status == E_OK ? E_TYPE : status);
	return NTX_ERROR;
}

RTSHM_EXPORT DWORD ntxGetRtSize(NTXHANDLE hObject)
{
	struct rtshm_object_info info;
	struct ntx_object obj;
	WORD status;

	status = ntx_resolve(hObject, &obj);
	if (status == E_OK && obj.kind != RTSHM_TYPE_SHM)
		status = E_TYPE;
	if (status == E_OK)
		status = ntx_object_alive(&obj, &info);
	if (status == E_OK && info.size >= NTX_BAD_SIZE)
		status = E_LIMIT;	/* does not fit the DWORD result */
	if (status != E_OK) {
		intime_fail(status);
		return NTX_BAD_SIZE;
	}
	return (DWORD)info.size;
}
