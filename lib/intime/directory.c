// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The INtime object directory on the rtshm namespace: name rules, waiting
 * lookups, catalog and uncatalog, shared by the NTX and the RT side.
 */
#include <string.h>

#include "../core/internal.h"
#include "intime.h"

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

WORD intime_lookup(const struct intime_dir *dir, const char *name, DWORD ms,
		   struct rtshm_object_info *info)
{
	/* rtshm_lookup: 0 = no wait, < 0 = forever; the kernel wakes us */
	long timeout = ms == WAIT_FOREVER ? -1 : (long)ms;
	int ret = dir->id ? rtshm_lookup_dir(dir->id, dir->serial, name, timeout, info)
			  : rtshm_lookup(name, timeout, info);

	return ret ? intime_status_of(ret, E_TIME) : E_OK;
}

WORD intime_describe(uint32_t id, struct rtshm_object_info *info)
{
	int ret = rtshm_describe_id(id, info);

	return ret ? intime_status_of(ret, E_EXIST) : E_OK;
}

bool intime_catalog_type(uint32_t type)
{
	return type == RTSHM_TYPE_SHM || type == RTSHM_TYPE_RT_SEMAPHORE ||
	       type == RTSHM_TYPE_MAILBOX;
}

WORD intime_catalog(const struct intime_dir *dir, uint32_t id, uint64_t serial,
		    uint32_t type, const char *name)
{
	int fd, ret;

	/* the kernel names an object through a read-write handle to it */
	if (type == RTSHM_TYPE_SHM)
		fd = rtshm_open_serial(id, serial, RTSHM_RDWR, NULL);
	else
		fd = rtshm_sync_open_id(id, serial, type, NULL);
	if (fd < 0)
		return intime_status_of(fd, E_EXIST);
	ret = dir->id ? rtshm_catalog_dir(fd, dir->id, dir->serial, name)
		      : rtshm_catalog(fd, name);
	rtshm_close(fd);
	return ret ? intime_status_of(ret, E_EXIST) : E_OK;
}

WORD intime_uncatalog(const struct intime_dir *dir, const char *name,
		      uint64_t serial)
{
	struct rtshm_object_info info;
	WORD status;
	int ret;

	if (serial) {
		status = intime_lookup(dir, name, NO_WAIT, &info);
		if (status != E_OK)
			return status == E_TIME ? E_CONTEXT : status;
		if (info.serial != serial)
			return E_CONTEXT;
	}
	ret = dir->id ? rtshm_uncatalog_dir(dir->id, dir->serial, name)
		      : rtshm_uncatalog(name);
	return ret ? intime_status_of(ret, E_CONTEXT) : E_OK;
}
