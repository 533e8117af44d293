// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The INtime object directory on the rtshm namespace: name rules, waiting
 * lookups, catalog and uncatalog, shared by the NTX and the RT side.
 */
#include <string.h>

#include "internal.h"
#include "intime_internal.h"

WORD intime_check_name(const char *name)
{
	size_t len;

	if (!name)
		return E_BAD_ADDR;
	len = strnlen(name, INTIME_NAME_MAX + 1);
	if (len == 0 || len > INTIME_NAME_MAX)
		return E_PARAM;
	return E_OK;
}

WORD intime_lookup(const char *name, DWORD ms, struct rtshm_object_info *info)
{
	/* rtshm_lookup: 0 = no wait, < 0 = forever; the kernel wakes us */
	long timeout = ms == WAIT_FOREVER ? -1 : (long)ms;
	int ret = rtshm_lookup(name, timeout, info);

	return ret ? intime_status_of(ret, E_TIME) : E_OK;
}

WORD intime_describe(uint32_t id, struct rtshm_object_info *info)
{
	int ret = rtshm_describe_id(id, info);

	return ret ? intime_status_of(ret, E_EXIST) : E_OK;
}

WORD intime_catalog(uint32_t id, uint64_t serial, const char *name)
{
	int fd, ret;

	/* the kernel names a segment through a read-write handle to it */
	fd = rtshm_open_serial(id, serial, RTSHM_RDWR, NULL);
	if (fd < 0)
		return intime_status_of(fd, E_EXIST);
	ret = rtshm_catalog(fd, name);
	rtshm_close(fd);
	return ret ? intime_status_of(ret, E_EXIST) : E_OK;
}

WORD intime_uncatalog(const char *name, uint64_t serial)
{
	struct rtshm_object_info info;
	int ret;

	if (serial) {
		ret = rtshm_lookup(name, 0, &info);
		if (ret)
			return intime_status_of(ret, E_CONTEXT);
		if (info.serial != serial)
			return E_CONTEXT;
	}
	ret = rtshm_uncatalog(name);
	return ret ? intime_status_of(ret, E_CONTEXT) : E_OK;
}
