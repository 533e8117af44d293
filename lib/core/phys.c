// SPDX-License-Identifier: LGPL-2.1-or-later
/* Physical addresses of segment memory, for programs that drive devices. */
#include <string.h>

#include "rtshm.h"
#include "internal.h"

RTSHM_EXPORT int rtshm_phys(int handle, uint64_t offset, uint64_t *phys,
			    uint64_t *contig)
{
	struct rtshm_info info;
	struct rtshm_phys p;
	int ret;

	if (!phys)
		return -EINVAL;
	if (handle < 0)
		return -EBADF;
	memset(&p, 0, sizeof(p));
	p.offset = offset;
	ret = rtshm_dev_ioctl(handle, RTSHM_IOC_PHYS, &p);
	/* not ours at all, or a module before 2.1 that lacks the command */
	if (ret == -ENOTTY)
		ret = rtshm_get_info(handle, &info) ? -EBADF : -EOPNOTSUPP;
	if (ret)
		return ret;
	*phys = p.phys_addr;
	if (contig)
		*contig = p.contig;
	return 0;
}
