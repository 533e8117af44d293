// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * INtime RT mailboxes: CreateRtMailbox, DeleteRtMailbox, SendRtHandle,
 * ReceiveRtHandle, SendRtData, ReceiveRtData.  A mailbox's RTHANDLE is
 * its kernel object id, as a segment's is.
 */
#include "../core/internal.h"
#include "mailbox.h"
#include "rt.h"

/* The mailbox @h for one call. */
static WORD rt_mailbox(RTHANDLE h, uint32_t kind, struct mbx_ref *ref)
{
	if (!intime_handle_usable(h))
		return E_EXIST;
	return mbx_get(h, 0, kind, ref);
}

RTSHM_EXPORT RTHANDLE CreateRtMailbox(WORD wMailboxFlags)
{
	struct mbx_ref ref;
	WORD status = intime_create_mailbox(wMailboxFlags, &ref);

	if (status != E_OK) {
		intime_fail(status);
		return BAD_RTHANDLE;
	}
	return (RTHANDLE)ref.id;
}

RTSHM_EXPORT BOOLEAN DeleteRtMailbox(RTHANDLE hMailbox)
{
	struct mbx_ref ref;
	WORD status = rt_mailbox(hMailbox, MBX_KIND_ANY, &ref);

	if (status == E_OK)
		status = mbx_call_delete(&ref);
	if (status != E_OK) {
		intime_fail(status);
		return FALSE;
	}
	return TRUE;
}

RTSHM_EXPORT BOOLEAN SendRtData(RTHANDLE hMailbox, LPVOID lpData, WORD cbBytesSent)
{
	struct mbx_ref ref;
	WORD status = rt_mailbox(hMailbox, MBX_KIND_DATA, &ref);

	if (status == E_OK)
		status = mbx_call_send_data(&ref, lpData, cbBytesSent);
	if (status != E_OK) {
		intime_fail(status);
		return FALSE;
	}
	return TRUE;
}

RTSHM_EXPORT WORD ReceiveRtData(RTHANDLE hMailbox, LPVOID lpData, DWORD dwMilliseconds)
{
	struct mbx_ref ref;
	WORD len, status = rt_mailbox(hMailbox, MBX_KIND_DATA, &ref);

	if (status == E_OK)
		status = mbx_call_receive_data(&ref, lpData, dwMilliseconds, &len);
	if (status != E_OK) {
		intime_fail(status);
		return 0;
	}
	/* a zero-length message returns 0 and leaves the status alone */
	return len;
}

/* What an RTHANDLE names now, for a message: E_OK, E_EXIST. */
static WORD rt_describe(RTHANDLE h, uint32_t *id, uint64_t *serial, uint32_t *type)
{
	struct rtshm_object_info info;
	WORD status = E_EXIST;

	if (intime_handle_usable(h))
		status = intime_describe(h, &info);
	if (status == E_OK) {
		*id = info.id;
		*serial = info.serial;
		*type = info.type;
	}
	return status;
}

RTSHM_EXPORT BOOLEAN SendRtHandle(RTHANDLE hMailbox, RTHANDLE hObject, RTHANDLE hResponse)
{
	struct mbx_object_msg m = { 0 };
	uint32_t type;
	struct mbx_ref ref;
	WORD status = rt_mailbox(hMailbox, MBX_KIND_OBJECT, &ref);

	if (status == E_OK) {
		status = rt_describe(hObject, &m.id, &m.serial, &type);
		if (status == E_OK && hResponse != NULL_RTHANDLE)
			status = rt_describe(hResponse, &m.resp_id, &m.resp_serial, &type);
		if (status == E_OK && m.resp_id && !mbx_response_type_ok(type))
			status = E_TYPE;
		if (status == E_OK)
			status = mbx_state_send(ref.st, &m, sizeof(m));
		mbx_put(&ref);
	}
	if (status != E_OK) {
		intime_fail(status);
		return FALSE;
	}
	return TRUE;
}

RTSHM_EXPORT RTHANDLE ReceiveRtHandle(RTHANDLE hMailbox, DWORD dwMilliseconds,
				      LPRTHANDLE lphResponse)
{
	struct mbx_object_msg m;
	uint32_t type, resp_type;
	struct mbx_ref ref;
	WORD status = rt_mailbox(hMailbox, MBX_KIND_OBJECT, &ref);

	if (status == E_OK)
		status = mbx_call_receive_object(&ref, dwMilliseconds, &m, &type,
						 &resp_type);
	if (status == E_OK && (!intime_id_usable(m.id) || !intime_id_usable(m.resp_id)))
		status = E_LIMIT;	/* not expressible as an RTHANDLE */
	if (status != E_OK) {
		intime_fail(status);
		return BAD_RTHANDLE;
	}
	if (lphResponse)
		*lphResponse = (RTHANDLE)m.resp_id;	/* NULL_RTHANDLE: none */
	return (RTHANDLE)m.id;
}
