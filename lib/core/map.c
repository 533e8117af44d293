// SPDX-License-Identifier: LGPL-2.1-or-later
/* Mapping segments: one prefaulted MAP_SHARED view per call. */
#include <sys/mman.h>
#include <unistd.h>

#include "rtshm.h"
#include "internal.h"

RTSHM_EXPORT int rtshm_map(int handle, uint64_t offset, uint64_t length,
			   int prot, void **addr)
{
	long page = sysconf(_SC_PAGESIZE);
	struct rtshm_stat st;
	void *p;
	int ret;

	if (!addr || prot & ~(PROT_READ | PROT_WRITE) || !(prot & PROT_READ))
		return -EINVAL;
	if (offset % (uint64_t)page)
		return -EINVAL;
	if (handle < 0)
		return -EBADF;
	/* a descriptor that is not a bound handle fails here, not in mmap() */
	ret = rtshm_stat_raw(handle, &st);
	if (ret)
		return ret;
	if (offset >= st.size || length > st.size - offset)
		return -EINVAL;
	if (!length)
		length = st.size - offset;

	p = mmap(NULL, (size_t)length, prot, MAP_SHARED, handle, (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

RTSHM_EXPORT int rtshm_unmap(void *addr, uint64_t length)
{
	if (!addr || !length || length > SIZE_MAX)
		return -EINVAL;
	return munmap(addr, (size_t)length) ? -errno : 0;
}
