// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * INtime RT memory: AllocateRtMemory, FreeRtMemory, CreateRtMemoryHandle,
 * DeleteRtMemoryHandle, MapRtSharedMemory.
 *
 * A block is one mapping of one whole segment: either a new unnamed
 * segment (AllocateRtMemory) or another process's (MapRtSharedMemory).
 * Its RTHANDLE is the segment id.  The mapping alone keeps the segment
 * alive, so no file descriptor is held.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../core/internal.h"
#include "intime.h"
#include "rt.h"

/* Permission bits of new segments: the creating user only. */
#define RT_SEGMENT_MODE INTIME_OBJECT_MODE

struct rt_block {
	char *addr;
	uint64_t size;
	uint32_t id;
};

static struct rt_block *rt_blocks;
static size_t rt_count, rt_capacity;

static WORD rt_block_add(void *addr, uint64_t size, uint32_t id)
{
	void *table;
	WORD status;

	pthread_mutex_lock(&intime_rt_memory_lock);
	/* no bound of its own: each block is a mapping the kernel limits */
	table = rt_blocks;
	status = intime_table_reserve(&table, &rt_capacity, rt_count,
				      sizeof(*rt_blocks), SIZE_MAX);
	rt_blocks = table;
	if (status == E_OK)
		rt_blocks[rt_count++] = (struct rt_block){ addr, size, id };
	pthread_mutex_unlock(&intime_rt_memory_lock);
	return status;
}

/* Index of the block containing @p, or -1.  Called with intime_rt_memory_lock held. */
static ssize_t rt_block_find(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	size_t i;

	for (i = 0; i < rt_count; i++)
		if (a - (uintptr_t)rt_blocks[i].addr < rt_blocks[i].size)
			return (ssize_t)i;
	return -1;
}

/* Map the whole segment of @fd read-write and remember it as a block. */
static WORD rt_map_block(int fd, const struct rtshm_result *res, void **addr)
{
	WORD status;
	int ret;

	ret = rtshm_map(fd, 0, res->size, PROT_READ | PROT_WRITE, addr);
	if (ret)
		return intime_status_of(ret, E_EXIST);
	status = rt_block_add(*addr, res->size, res->id);
	if (status != E_OK)
		rtshm_unmap(*addr, res->size);
	return status;
}

static int rt_make_segment(const void *arg, struct rtshm_result *res)
{
	return rtshm_create(NULL, *(const DWORD *)arg, RTSHM_RDWR, RT_SEGMENT_MODE,
			    res);
}

/* The status of a failed rtshm_create() of @cb bytes. */
static WORD rt_create_status(int err, DWORD cb)
{
	struct rtshm_module_info mi;

	/* ENOMEM also means "larger than any segment can be": E_PARAM then */
	if (err == -ENOMEM && !rtshm_module_info(&mi) && cb > mi.max_segment_size)
		return E_PARAM;
	return intime_status_of(err, E_NTX_INTERNAL_ERROR);
}

RTSHM_EXPORT PVOID AllocateRtMemory(DWORD cbSize)
{
	struct rtshm_result res;
	void *addr = NULL;
	WORD status;
	int fd;

	if (!cbSize) {
		intime_fail(E_PARAM);
		return NULL;
	}
	fd = intime_make_object(rt_make_segment, &cbSize, &res);
	if (fd < 0) {
		intime_fail(rt_create_status(fd, cbSize));
		return NULL;
	}
	status = rt_map_block(fd, &res, &addr);
	rtshm_close(fd);	/* the mapping keeps the segment */
	if (status != E_OK) {
		intime_fail(status);
		return NULL;
	}
	return addr;
}

RTSHM_EXPORT PVOID MapRtSharedMemory(RTHANDLE hSeg)
{
	struct rtshm_result res;
	void *addr = NULL;
	WORD status;
	int fd;

	if (!intime_handle_usable(hSeg)) {
		intime_fail(E_EXIST);
		return NULL;
	}
	fd = rtshm_open_id(hSeg, RTSHM_RDWR, &res);
	if (fd < 0) {
		intime_fail(intime_status_of(fd, E_EXIST));
		return NULL;
	}
	status = rt_map_block(fd, &res, &addr);
	rtshm_close(fd);
	if (status != E_OK) {
		intime_fail(status);
		return NULL;
	}
	return addr;
}

RTSHM_EXPORT DWORD FreeRtMemory(PVOID pAddress)
{
	struct rt_block b;
	ssize_t i;

	if (!pAddress) {
		intime_fail(E_BAD_ADDR);
		return (DWORD)-1;
	}
	pthread_mutex_lock(&intime_rt_memory_lock);
	i = rt_block_find(pAddress);
	if (i >= 0) {
		b = rt_blocks[i];
		rt_blocks[i] = rt_blocks[--rt_count];
	}
	pthread_mutex_unlock(&intime_rt_memory_lock);
	if (i < 0) {
		intime_fail(E_NOT_ALLOCATED);
		return (DWORD)-1;
	}
	/* the kernel frees the segment with its last mapping, maybe this one */
	rtshm_unmap(b.addr, b.size);
	return (DWORD)b.size;
}

RTSHM_EXPORT RTHANDLE CreateRtMemoryHandle(PVOID pOffset, DWORD cbSize)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t rounded = ((uint64_t)cbSize + page - 1) / page * page;
	RTHANDLE h = BAD_RTHANDLE;
	ssize_t i;

	pthread_mutex_lock(&intime_rt_memory_lock);
	i = pOffset ? rt_block_find(pOffset) : -1;
	/* a handle covers one whole block: no sub-ranges */
	if (i >= 0 && rt_blocks[i].addr == pOffset && cbSize &&
	    rounded == rt_blocks[i].size)
		h = (RTHANDLE)rt_blocks[i].id;
	pthread_mutex_unlock(&intime_rt_memory_lock);
	if (h == BAD_RTHANDLE)
		intime_fail(E_PARAM);
	return h;
}

RTSHM_EXPORT BOOLEAN DeleteRtMemoryHandle(RTHANDLE hSeg)
{
	struct rtshm_object_info info;
	WORD status = E_EXIST;

	/* the id lives as long as the segment: there is nothing to release */
	if (intime_handle_usable(hSeg))
		status = intime_describe(hSeg, &info);
	if (status == E_OK && info.type != RTSHM_TYPE_SHM)
		status = E_TYPE;
	if (status != E_OK) {
		intime_fail(status);
		return FALSE;
	}
	return TRUE;
}
