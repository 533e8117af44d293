// SPDX-License-Identifier: LGPL-2.1-or-later
/* What an object mailbox message may carry, and whether it still holds. */
#include "../core/internal.h"
#include "mailbox.h"

bool mbx_response_type_ok(uint32_t type)
{
	return type == RTSHM_TYPE_MAILBOX || type == RTSHM_TYPE_RT_SEMAPHORE;
}

/* The type of the object (@id, @serial), if it is still that object. */
static WORD mbx_still(uint32_t id, uint64_t serial, uint32_t *type)
{
	struct rtshm_object_info info;
	WORD status = intime_describe(id, &info);

	if (status == E_OK && info.serial != serial)
		status = E_EXIST;	/* the id names a later object now */
	if (status == E_OK)
		*type = info.type;
	return status;
}

WORD mbx_check_received(const struct mbx_object_msg *m, uint32_t *type,
			uint32_t *resp_type)
{
	WORD status = mbx_still(m->id, m->serial, type);

	*resp_type = 0;
	if (status == E_OK && m->resp_id)
		status = mbx_still(m->resp_id, m->resp_serial, resp_type);
	return status;
}
