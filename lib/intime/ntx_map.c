// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NTX mapping of segments, with INtime's per-handle cache: mapping a
 * mapped handle returns the same pointer, and the first unmap ends it.
 */
#include <sys/mman.h>

#include "../core/internal.h"
#include "intime.h"

/* Map @r's segment, or return its cached view.  Called with the table locked. */
static WORD ntx_map_locked(struct ntx_record *r, bool writable,
			   const struct ntx_ipc_ns *now, void **view)
{
	int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
	struct rtshm_result res;
	int fd, ret;

	/* not a segment of this namespace, even if an older view exists */
	if (r->obj.kind != RTSHM_TYPE_SHM || !ntx_same_ipc_ns(&r->ns, now))
		return E_TYPE;
	if (r->view) {
		/* the cached view is read-only: it cannot turn writable */
		if (writable && !r->view_writable)
			return E_STATE;
		*view = r->view;
		return E_OK;
	}

	/* by (id, serial): a recycled id can never give another segment */
	fd = rtshm_open_serial(r->obj.id, r->obj.serial,
			       writable ? RTSHM_RDWR : RTSHM_RDONLY, &res);
	if (fd < 0)
		return intime_status_of(fd, E_EXIST);
	ret = rtshm_map(fd, 0, res.size, prot, view);
	rtshm_close(fd);	/* the view keeps the segment alive */
	if (ret)
		return intime_status_of(ret, E_EXIST);
	r->view = *view;
	r->view_len = res.size;
	r->view_writable = writable;
	return E_OK;
}

RTSHM_EXPORT LPVOID ntxMapRtSharedMemoryEx(NTXHANDLE hSegment, DWORD dwFlags)
{
	struct ntx_record *r;
	struct ntx_ipc_ns now;
	void *view = NULL;
	WORD status;

	ntx_current_ipc_ns(&now);
	r = ntx_record_lock(hSegment);
	if (!r) {
		intime_fail(E_EXIST);
		return NULL;
	}
	/* NTX_MAP_UNALIGNED needs nothing: segments are whole pages */
	status = ntx_map_locked(r, dwFlags & NTX_MAP_WRITE, &now, &view);
	ntx_record_unlock();
	if (status != E_OK) {
		intime_fail(status);
		return NULL;
	}
	return view;
}

RTSHM_EXPORT LPVOID ntxMapRtSharedMemory(NTXHANDLE hSegment)
{
	return ntxMapRtSharedMemoryEx(hSegment, NTX_MAP_WRITE);
}

RTSHM_EXPORT NTXSTATUS ntxUnmapRtSharedMemory(NTXHANDLE hSegment)
{
	struct ntx_record *r;
	WORD status = E_OK;

	/* no namespace check: the view is this process's own memory */
	r = ntx_record_lock(hSegment);
	if (!r) {
		intime_fail(E_EXIST);
		return E_EXIST;
	}
	if (r->view) {
		/* cannot fail: address and length are those mmap() gave */
		rtshm_unmap(r->view, r->view_len);
		r->view = NULL;
	} else {
		status = E_STATE;
	}
	ntx_record_unlock();
	if (status != E_OK)
		intime_fail(status);
	return status;
}
