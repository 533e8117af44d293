// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * INtime RT mailboxes: CreateRtMailbox, DeleteRtMailbox, SendRtHandle,
 * ReceiveRtHandle, SendRtData, ReceiveRtData.  A mailbox's RTHANDLE is
 * its kernel object id, as a segment's is.
 */
#include <string.h>

#include "../core/internal.h"
#include "mailbox.h"
#include "rt.h"

/* The creation flags INtime defines: queuing, depth, kind. */
#define MBX_FLAG_BITS	(PRIORITY_QUEUING | 0x1e | DATA_MAILBOX)

/* The status of @wFlags: E_OK, or E_PARAM for unknown bits or a depth below 8. */
static WORD mbx_check_flags(DWORD flags)
{
	DWORD depth = (flags & 0x1e) * 2;	/* MAILBOX_DEPTH(n) undone */

	if (flags & ~(DWORD)MBX_FLAG_BITS)
		return E_PARAM;
	/* 0 is the default depth, 8; a data mailbox ignores the depth */
	if (!(flags & DATA_MAILBOX) && depth && depth < 8)
		return E_PARAM;
	return E_OK;
}

WORD intime_create_mailbox(DWORD flags, struct mbx_ref *ref)
{
	WORD status = mbx_check_flags(flags);

	if (status == E_OK)
		status = mbx_create(flags & DATA_MAILBOX ? MBX_KIND_DATA : MBX_KIND_OBJECT,
				    flags & PRIORITY_QUEUING, ref);
	if (status == E_OK)
		mbx_put(ref);	/* the table keeps it while it lives */
	return status;
}

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

	if (status == E_OK) {
		status = mbx_delete(&ref);
		mbx_put(&ref);
	}
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

	if (status == E_OK) {
		if (cbBytesSent > MBX_DATA_MAX)
			status = E_LIMIT;
		else if (!lpData && cbBytesSent)
			status = E_BAD_ADDR;
		else
			status = mbx_state_send(ref.st, lpData, cbBytesSent);
		mbx_put(&ref);
	}
	if (status != E_OK) {
		intime_fail(status);
		return FALSE;
	}
	return TRUE;
}

RTSHM_EXPORT WORD ReceiveRtData(RTHANDLE hMailbox, LPVOID lpData, DWORD dwMilliseconds)
{
	struct mbx_msg msg;
	struct mbx_ref ref;
	WORD status = rt_mailbox(hMailbox, MBX_KIND_DATA, &ref);

	if (status == E_OK) {
		if (!lpData)
			status = E_BAD_ADDR;
		else
			status = mbx_state_receive(ref.st, dwMilliseconds, &msg);
		mbx_put(&ref);
	}
	if (status != E_OK) {
		intime_fail(status);
		return 0;
	}
	/* a zero-length message returns 0 and leaves the status alone */
	memcpy(lpData, msg.data, msg.len);
	return msg.len;
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
	struct mbx_msg msg;
	struct mbx_ref ref;
	WORD status = rt_mailbox(hMailbox, MBX_KIND_OBJECT, &ref);

	if (status == E_OK) {
		status = mbx_state_receive(ref.st, dwMilliseconds, &msg);
		mbx_put(&ref);
	}
	if (status == E_OK) {
		memcpy(&m, msg.data, sizeof(m));
		/* a stale handle must not reach the object that got its id */
		status = mbx_check_received(&m, &type, &resp_type);
	}
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
