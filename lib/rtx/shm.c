// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RTX/RTX64 shared memory on the native API: RtCreateSharedMemory,
 * RtOpenSharedMemory, RtMapViewOfSharedMemory and the unmap calls.
 * A handle owns one native handle (fd) and the views made through it.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rtx.h"

struct rtx_shm {
	struct rtx_object obj;		/* first: the table's view of us */
	struct rtx_view_owner views;
	int fd;
	int writable;			/* the native handle is read-write */
	uint64_t size;
};

static struct rtx_shm *to_shm(struct rtx_object *obj)
{
	return (struct rtx_shm *)obj;
}

static void rtx_shm_close(struct rtx_object *obj)
{
	rtx_views_close_owner(&to_shm(obj)->views);
}

static void rtx_shm_destroy(struct rtx_object *obj)
{
	struct rtx_shm *shm = to_shm(obj);

	rtshm_close(shm->fd);
	free(shm);
}

static const struct rtx_object_ops rtx_shm_ops = {
	.kind = RTX_KIND_SHM,
	.close = rtx_shm_close,
	.destroy = rtx_shm_destroy,
};

/*
 * dwDesiredAccess to mmap protection: read-only for exactly SHM_MAP_READ,
 * read-write for anything else (SHM_MAP_WRITE, SHM_MAP_ALL_ACCESS, and the
 * PAGE_READWRITE or 0 that ported code passes), as "the RTSS environment
 * always grants read and write access".
 */
static int rtx_access_prot(DWORD access)
{
	return access == SHM_MAP_READ ? PROT_READ : PROT_READ | PROT_WRITE;
}

/* Map @len bytes at @offset and record the view.  0 or an ERROR_*. */
static DWORD rtx_shm_map(struct rtx_shm *shm, uint64_t offset, uint64_t len,
			 int prot, void **addr)
{
	DWORD err;
	int ret;

	ret = rtshm_map(shm->fd, offset, len, prot, addr);
	if (ret)
		return rtx_error_from_native(ret);
	err = rtx_views_add(&shm->views, *addr, (size_t)len, offset);
	if (err)
		rtshm_unmap(*addr, len);
	return err;
}

/*
 * Wrap a fresh native handle: map all of it, enter it in the table.
 * On failure the native handle is closed and *err set.
 */
static HANDLE rtx_shm_bind(int fd, uint64_t size, int prot, void **location,
			   DWORD *err)
{
	struct rtx_shm *shm = calloc(1, sizeof(*shm));
	HANDLE h;

	if (!shm) {
		rtshm_close(fd);
		*err = ERROR_NOT_ENOUGH_MEMORY;
		return NULL;
	}
	rtx_object_init(&shm->obj, &rtx_shm_ops);
	shm->views.obj = &shm->obj;
	shm->views.fd = fd;
	shm->fd = fd;
	shm->writable = !!(prot & PROT_WRITE);
	shm->size = size;

	*err = rtx_shm_map(shm, 0, size, prot, location);
	if (*err) {
		rtx_shm_destroy(&shm->obj);
		return NULL;
	}
	h = rtx_handle_insert(&shm->obj, err);
	if (!h) {
		rtx_shm_close(&shm->obj);
		/* a lookup by address (rtx_views_find) may hold it a moment */
		rtx_object_put(&shm->obj);
	}
	return h;
}

static HANDLE rtx_fail(DWORD err, void **location)
{
	if (location)
		*location = NULL;
	SetLastError(err);
	return NULL;
}

static HANDLE rtx_shm_create(DWORD name_err, const char *name, DWORD size_high,
			     DWORD size_low, void **location)
{
	uint64_t size = (uint64_t)size_high << 32 | size_low;
	struct rtshm_result res;
	DWORD err;
	HANDLE h;
	int fd;

	if (!location)
		return rtx_fail(ERROR_INVALID_PARAMETER, location);
	if (name_err)
		return rtx_fail(name_err, location);
	/* The creator's view is always read-write: RTSS ignores flProtect. */
	fd = rtshm_create(name, size, RTSHM_RDWR, rtx_create_mode(), &res);
	if (fd < 0)
		return rtx_fail(rtx_error_from_native(fd), location);
	h = rtx_shm_bind(fd, res.size, PROT_READ | PROT_WRITE, location, &err);
	if (!h)
		return rtx_fail(err, location);
	SetLastError(res.created ? ERROR_SUCCESS : ERROR_ALREADY_EXISTS);
	return h;
}

static HANDLE rtx_shm_open(DWORD access, DWORD name_err, const char *name,
			   void **location)
{
	int prot = rtx_access_prot(access);
	struct rtshm_result res;
	DWORD err;
	HANDLE h;
	int fd;

	if (!location)
		return rtx_fail(ERROR_INVALID_PARAMETER, location);
	if (name_err)
		return rtx_fail(name_err, location);
	if (!name)
		return rtx_fail(ERROR_INVALID_PARAMETER, location);
	fd = rtshm_open(name, prot & PROT_WRITE ? RTSHM_RDWR : RTSHM_RDONLY, &res);
	if (fd < 0)
		return rtx_fail(rtx_error_from_native(fd), location);
	h = rtx_shm_bind(fd, res.size, prot, location, &err);
	if (!h)
		return rtx_fail(err, location);
	return h;
}

RTSHM_EXPORT HANDLE RtCreateSharedMemoryA(DWORD flProtect, DWORD MaximumSizeHigh,
					  DWORD MaximumSizeLow, LPCSTR lpName,
					  VOID **location)
{
	const char *name;
	DWORD err = rtx_name_ansi(lpName, &name);

	(void)flProtect;
	return rtx_shm_create(err, name, MaximumSizeHigh, MaximumSizeLow, location);
}

RTSHM_EXPORT HANDLE RtCreateSharedMemoryW(DWORD flProtect, DWORD MaximumSizeHigh,
					  DWORD MaximumSizeLow, LPCWSTR lpName,
					  VOID **location)
{
	char buf[RTX_NAME_MAX + 1];
	const char *name;
	DWORD err = rtx_name_wide(lpName, buf, &name);

	(void)flProtect;
	return rtx_shm_create(err, name, MaximumSizeHigh, MaximumSizeLow, location);
}

RTSHM_EXPORT HANDLE RtOpenSharedMemoryA(DWORD dwDesiredAccess, BOOL bInheritHandle,
					LPCSTR lpName, VOID **location)
{
	const char *name;
	DWORD err = rtx_name_ansi(lpName, &name);

	(void)bInheritHandle;
	return rtx_shm_open(dwDesiredAccess, err, name, location);
}

RTSHM_EXPORT HANDLE RtOpenSharedMemoryW(DWORD dwDesiredAccess, BOOL bInheritHandle,
					LPCWSTR lpName, VOID **location)
{
	char buf[RTX_NAME_MAX + 1];
	const char *name;
	DWORD err = rtx_name_wide(lpName, buf, &name);

	(void)bInheritHandle;
	return rtx_shm_open(dwDesiredAccess, err, name, location);
}

RTSHM_EXPORT LPVOID RtMapViewOfSharedMemory(HANDLE hShmObj, DWORD dwDesiredAccess,
					    DWORD dwOffsetHigh, DWORD dwOffsetLow,
					    DWORD dwNumberOfBytesToMap)
{
	uint64_t offset = (uint64_t)dwOffsetHigh << 32 | dwOffsetLow;
	uint64_t len = dwNumberOfBytesToMap;
	int prot = rtx_access_prot(dwDesiredAccess);
	struct rtx_object *obj;
	struct rtx_shm *shm;
	void *addr = NULL;
	DWORD err = 0;

	obj = rtx_handle_get(hShmObj, RTX_KIND_SHM);
	if (!obj) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	shm = to_shm(obj);
	if (prot & PROT_WRITE && !shm->writable)
		err = ERROR_ACCESS_DENIED;
	else if (offset % (uint64_t)sysconf(_SC_PAGESIZE))
		err = ERROR_MAPPED_ALIGNMENT;
	else if (offset >= shm->size || len > shm->size - offset)
		err = ERROR_INVALID_PARAMETER;
	if (!err)
		err = rtx_shm_map(shm, offset, len ? len : shm->size - offset,
				  prot, &addr);
	rtx_object_put(obj);
	if (err) {
		SetLastError(err);
		return NULL;
	}
	return addr;
}

static BOOL rtx_unmap_view(void *addr)
{
	DWORD err = rtx_views_unmap(addr);

	if (err) {
		SetLastError(err);
		return FALSE;
	}
	return TRUE;
}

RTSHM_EXPORT BOOL RtUnmapViewOfSharedMemory(LPVOID lpBaseAddress)
{
	return rtx_unmap_view(lpBaseAddress);
}

RTSHM_EXPORT BOOL RtUnmapSharedMemory(VOID *location)
{
	return rtx_unmap_view(location);
}
