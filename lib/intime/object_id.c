// SPDX-License-Identifier: LGPL-2.1-or-later
/* New INtime objects whose ids are usable RTHANDLEs. */
#include "../core/internal.h"
#include "intime.h"

/*
 * The kernel may hand out ids 0xFFFE (RTSHM_ROOT_RTHANDLE) and 0xFFFF
 * (BAD_RTHANDLE).  Ids are cyclic (a freed id comes back late), so the next
 * object gets the next id: after two more tries the id is past both.  An
 * unusable object is closed first, which frees it (nobody else has it yet)
 * and its name with it.
 */
int intime_make_object(int (*make)(const void *arg, struct rtshm_result *res),
		       const void *arg, struct rtshm_result *res)
{
	int fd = make(arg, res);

	for (int tries = 0; fd >= 0 && !intime_id_usable(res->id) && tries < 2;
	     tries++) {
		rtshm_close(fd);
		fd = make(arg, res);
	}
	if (fd >= 0 && !intime_id_usable(res->id)) {
		rtshm_close(fd);
		return -ENOSPC;
	}
	return fd;
}
