// SPDX-License-Identifier: LGPL-2.1-or-later
/* NTX locations: the one local node and its root process. */
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "intime.h"

/* INtime's default name of the node on the local host. */
#define NTX_DEFAULT_NODE_NAME "NodeA"

/* Its NTXLOCATION: an address no other location can have, never NULL. */
static const char ntx_local_node;
#define NTX_LOCAL_NODE ((NTXLOCATION)&ntx_local_node)

static const char *ntx_node_name(void)
{
	const char *name = getenv("RTSHM_INTIME_NODE");

	return name && *name ? name : NTX_DEFAULT_NODE_NAME;
}

RTSHM_EXPORT NTXLOCATION ntxGetLocationByName(LPCSTR lpszLocationName)
{
	if (!lpszLocationName) {
		intime_fail(E_BAD_ADDR);
		return NTX_UNDEFINED_LOCATION;
	}
	if (strcmp(lpszLocationName, ntx_node_name())) {
		intime_fail(E_EXIST);
		return NTX_UNDEFINED_LOCATION;
	}
	return NTX_LOCAL_NODE;
}

/*
 * Whether the RT kernel of @hLoc is up: E_OK with rtshm.ko loaded, E_EXIST
 * without /dev/rtshm (the node is not initialised), E_NTX_INTERNAL_ERROR
 * for a module too old to speak to, E_LOCATION for any location but ours.
 */
RTSHM_EXPORT NTXSTATUS ntxGetRtStatus(NTXLOCATION hLoc)
{
	struct rtshm_module_info mi;
	WORD status;
	int ret;

	if (hLoc != NTX_LOCAL && hLoc != NTX_LOCAL_NODE) {
		status = E_LOCATION;
	} else {
		ret = rtshm_module_info(&mi);
		if (ret == -ENOENT || ret == -ENODEV || ret == -ENXIO)
			status = E_EXIST;
		else
			status = intime_kernel_status();
	}
	if (status != E_OK)
		intime_fail(status);
	return status;
}

RTSHM_EXPORT NTXHANDLE ntxGetRootRtProcess(NTXLOCATION hLoc)
{
	const struct ntx_object root = { .kind = NTX_KIND_ROOT };
	NTXHANDLE h;
	WORD status;

	if (hLoc == NTX_UNDEFINED_LOCATION)
		status = E_LOCATION;
	else if (hLoc != NTX_LOCAL && hLoc != NTX_LOCAL_NODE)
		status = E_PARAM;
	else
		status = intime_kernel_status();
	if (status == E_OK)
		status = ntx_handle_for(&root, &h);
	if (status != E_OK) {
		intime_fail(status);
		return NTX_BAD_NTXHANDLE;
	}
	return h;
}
