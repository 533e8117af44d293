// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NTX mailboxes: ntxCreateRtMailbox, ntxDeleteRtMailbox, ntxSendRtHandle,
 * ntxReceiveRtHandle, ntxSendRtData, ntxReceiveRtData.  The same mailboxes
 * as rt.h's; an NTXHANDLE names one by id and serial.
 */
#include "../core/internal.h"
#include "mailbox.h"

static NTXHANDLE ntx_mbx_failed(WORD status)
{
	intime_fail(status);
	return NTX_BAD_NTXHANDLE;
}

/* What @h names, for a message: E_OK, E_EXIST (none, the root process), E_LOCATION. */
static WORD ntx_mbx_object(NTXHANDLE h, struct ntx_object *obj)
{
	struct rtshm_object_info info;
	WORD status = ntx_resolve(h, obj);

	if (status == E_OK && obj->kind == NTX_KIND_ROOT)
		status = E_EXIST;	/* no kernel object to send */
	if (status == E_OK)
		status = ntx_object_alive(obj, &info);
	return status;
}

/* The mailbox @h for one call. */
static WORD ntx_mbx(NTXHANDLE h, uint32_t kind, struct mbx_ref *ref)
{
	struct ntx_object obj;
	WORD status = ntx_resolve(h, &obj);

	if (status == E_OK && obj.kind != RTSHM_TYPE_MAILBOX)
		status = E_TYPE;
	if (status == E_OK)
		status = mbx_get(obj.id, obj.serial, kind, ref);
	return status;
}

RTSHM_EXPORT NTXHANDLE ntxCreateRtMailbox(NTXLOCATION hLocation, DWORD dwFlags)
{
	struct ntx_object obj = { .kind = RTSHM_TYPE_MAILBOX };
	struct mbx_ref ref;
	NTXHANDLE h;
	WORD status;

	/* E_OK for our location with rtshm.ko up, E_LOCATION for any other */
	status = ntxGetRtStatus(hLocation);
	if (status == E_EXIST)
		status = E_NTX_INTERNAL_ERROR;	/* no /dev/rtshm */
	if (status == E_OK)
		status = intime_create_mailbox(dwFlags, &ref);
	if (status != E_OK)
		return ntx_mbx_failed(status);
	obj.id = ref.id;
	obj.serial = ref.serial;
	status = ntx_handle_for(&obj, &h);
	return status == E_OK ? h : ntx_mbx_failed(status);
}

RTSHM_EXPORT NTXSTATUS ntxDeleteRtMailbox(NTXHANDLE hMailbox)
{
	struct mbx_ref ref;
	WORD status = ntx_mbx(hMailbox, MBX_KIND_ANY, &ref);

	if (status == E_OK)
		status = mbx_call_delete(&ref);
	if (status != E_OK)
		intime_fail(status);
	return status;
}

RTSHM_EXPORT NTXSTATUS ntxSendRtData(NTXHANDLE hMailbox, LPVOID pMessage,
				     WORD wActualLength)
{
	struct mbx_ref ref;
	WORD status = ntx_mbx(hMailbox, MBX_KIND_DATA, &ref);

	if (status == E_OK)
		status = mbx_call_send_data(&ref, pMessage, wActualLength);
	if (status != E_OK)
		intime_fail(status);
	return status;
}

RTSHM_EXPORT WORD ntxReceiveRtData(NTXHANDLE hMailbox, LPVOID pMessage,
				   DWORD dwMilliseconds)
{
	struct mbx_ref ref;
	WORD len, status = ntx_mbx(hMailbox, MBX_KIND_DATA, &ref);

	if (status == E_OK)
		status = mbx_call_receive_data(&ref, pMessage, dwMilliseconds, &len);
	if (status != E_OK) {
		intime_fail(status);
		return NTX_ERROR;
	}
	return len;
}

RTSHM_EXPORT NTXSTATUS ntxSendRtHandle(NTXHANDLE hMailbox, NTXHANDLE hObject,
				       NTXHANDLE hResponse)
{
	struct mbx_object_msg m = { 0 };
	struct ntx_object obj, resp;
	struct mbx_ref ref;
	WORD status = ntx_mbx(hMailbox, MBX_KIND_OBJECT, &ref);

	if (status == E_OK) {
		status = ntx_mbx_object(hObject, &obj);
		if (status == E_OK && hResponse != NTX_NULL_NTXHANDLE) {
			status = ntx_mbx_object(hResponse, &resp);
			if (status == E_OK && !mbx_response_type_ok(resp.kind))
				status = E_TYPE;
			m.resp_id = resp.id;
			m.resp_serial = resp.serial;
		}
		m.id = obj.id;
		m.serial = obj.serial;
		if (status == E_OK)
			status = mbx_state_send(ref.st, &m, sizeof(m));
		mbx_put(&ref);
	}
	if (status != E_OK)
		intime_fail(status);
	return status;
}

RTSHM_EXPORT NTXHANDLE ntxReceiveRtHandle(NTXHANDLE hMailbox, DWORD dwMilliseconds,
					  NTXHANDLE *phResponse)
{
	struct ntx_object obj, resp;
	struct mbx_object_msg m;
	NTXHANDLE h, hr = NTX_NULL_NTXHANDLE;
	struct mbx_ref ref;
	WORD status = ntx_mbx(hMailbox, MBX_KIND_OBJECT, &ref);

	if (status == E_OK)
		status = mbx_call_receive_object(&ref, dwMilliseconds, &m,
						 &obj.kind, &resp.kind);
	if (status != E_OK)
		return ntx_mbx_failed(status);
	obj.id = m.id;
	obj.serial = m.serial;
	status = ntx_handle_for(&obj, &h);
	if (status == E_OK && m.resp_id) {
		resp.id = m.resp_id;
		resp.serial = m.resp_serial;
		status = ntx_handle_for(&resp, &hr);
	}
	if (status != E_OK)
		return ntx_mbx_failed(status);
	if (phResponse)
		*phResponse = hr;
	return h;
}
