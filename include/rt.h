/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * INtime real-time API, shared-memory and object-directory calls, for
 * Linux real-time processes.  Link with librtshm.
 *
 * Model: AllocateRtMemory() makes an unnamed rtshm segment (mode 0600)
 * and maps it; the segment's id is its RTHANDLE.  Names live in the rtshm
 * namespace of the IPC namespace, the same one RTX names use, so an RTX
 * process and an INtime process can share a segment.
 *
 * Differences from INtime, all where INtime leaves the behaviour open:
 *  - There is one object directory per IPC namespace.  NULL_RTHANDLE (the
 *    calling process) is also the root process: names cataloged through
 *    it are seen by every process of the IPC namespace.  A process handle
 *    argument that names a segment gives E_TYPE, one naming nothing E_EXIST.
 *  - An object has at most one name: cataloging a named segment again
 *    fails with E_LIMIT.  A name taken by another object gives E_CONTEXT.
 *  - A memory handle covers a whole allocation: CreateRtMemoryHandle()
 *    wants the address AllocateRtMemory() or MapRtSharedMemory() returned
 *    and a size that rounds up to that block's size, else E_PARAM.
 *    Creating it twice returns the same handle.
 *  - DeleteRtMemoryHandle() checks the handle (E_EXIST, E_TYPE) but the
 *    id stays valid as long as the memory exists, since the kernel names
 *    a segment by id for its whole life.
 *  - FreeRtMemory() releases the block (or the MapRtSharedMemory() view)
 *    containing the address and returns its size.  The memory itself
 *    lives on while another process still maps it, and is freed by the
 *    kernel with the last mapping.  NULL gives E_BAD_ADDR, an address of
 *    no block E_NOT_ALLOCATED.
 *  - E_PROTECTION: the segment's permission bits deny this user access.
 *    E_NTX_INTERNAL_ERROR: rtshm.ko is not loaded or too old.
 *  - GetLastRtError() and ntxGetLastRtError() read the same per-thread
 *    status; a successful call does not clear it.
 */
#ifndef RTSHM_RT_H
#define RTSHM_RT_H

#include "rtshm_wintypes.h"
#include "rtshm_intime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Memory */
PVOID AllocateRtMemory(DWORD cbSize);
DWORD FreeRtMemory(PVOID pAddress);
RTHANDLE CreateRtMemoryHandle(PVOID pOffset, DWORD cbSize);
BOOLEAN DeleteRtMemoryHandle(RTHANDLE hSeg);
PVOID MapRtSharedMemory(RTHANDLE hSeg);

/* Object directory (names: 1..12 bytes) */
BOOLEAN CatalogRtHandle(RTHANDLE hProcess, RTHANDLE hObject, LPCSTR lpszName);
BOOLEAN UncatalogRtHandle(RTHANDLE hProcess, LPCSTR lpszName);
RTHANDLE LookupRtHandle(RTHANDLE hProcess, LPCSTR lpszName, DWORD dwMilliseconds);

/* The calling thread's status (16 bits) of its last failing call */
DWORD GetLastRtError(VOID);
VOID SetLastRtError(DWORD dwErrorCode);

#ifdef __cplusplus
}
#endif

#endif /* RTSHM_RT_H */
