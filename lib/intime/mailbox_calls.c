// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mailbox calls' bodies that the RT side (rt_mailbox.c, RTHANDLEs) and
 * the NTX side (ntx_mailbox.c, NTXHANDLEs) share once each has found its
 * mailbox: creation flags, argument checks, send, receive, delete.
 */
#include <string.h>

#include "../core/internal.h"
#include "mailbox.h"
#include "rt.h"

_Static_assert(MBX_DATA_MAX == NTX_DATA_MESSAGE_SIZE,
	       "the RT and NTX sides send the same largest message");

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

WORD mbx_call_delete(struct mbx_ref *ref)
{
	WORD status = mbx_delete(ref);

	mbx_put(ref);
	return status;
}

WORD mbx_call_send_data(struct mbx_ref *ref, const void *data, WORD len)
{
	WORD status;

	if (len > MBX_DATA_MAX)
		status = E_LIMIT;
	else if (!data && len)
		status = E_BAD_ADDR;
	else
		status = mbx_state_send(ref->st, data, len);
	mbx_put(ref);
	return status;
}

WORD mbx_call_receive_data(struct mbx_ref *ref, void *data, DWORD ms, WORD *len)
{
	struct mbx_msg msg;
	WORD status = data ? mbx_state_receive(ref->st, ms, &msg) : E_BAD_ADDR;

	mbx_put(ref);
	if (status == E_OK) {
		memcpy(data, msg.data, msg.len);
		*len = msg.len;
	}
	return status;
}

WORD mbx_call_receive_object(struct mbx_ref *ref, DWORD ms, struct mbx_object_msg *m,
			     uint32_t *type, uint32_t *resp_type)
{
	struct mbx_msg msg;
	WORD status = mbx_state_receive(ref->st, ms, &msg);

	mbx_put(ref);
	if (status != E_OK)
		return status;
	memcpy(m, msg.data, sizeof(*m));
	/* a stale handle must not reach the object that got its id */
	return mbx_check_received(m, type, resp_type);
}
