/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * INtime NTX API (the Windows side of INtime) for Linux: a normal process
 * looks up, imports and maps the shared memory of real-time processes that
 * use rt.h, and shares semaphores with them.  Link with librtshm.
 *
 * Differences from INtime, all where INtime leaves the behaviour open:
 *  - There is one location, the local node, named "NodeA" (or the value
 *    of the environment variable RTSHM_INTIME_NODE).  Its root process is
 *    the object directory of the caller's IPC namespace.
 *  - An NTXHANDLE remembers the object's serial and the IPC namespace it
 *    was made in.  A handle whose object is gone never reaches the object
 *    that later got the same id: such calls fail with E_EXIST.  After the
 *    process changes IPC namespace, mapping fails with E_TYPE and other
 *    calls with E_LOCATION (the object is on a node this process no longer
 *    shares memory with).  Unmapping still works.
 *  - A handle value this library never returned gives E_EXIST.
 *  - Segments are whole pages, so E_ALIGNMENT never happens and
 *    NTX_MAP_UNALIGNED has no effect; other flag bits are ignored.
 *  - E_PROTECTION: the segment's permission bits deny this user the
 *    access asked for.  E_NTX_INTERNAL_ERROR: rtshm.ko is not loaded or
 *    too old.
 */
#ifndef RTSHM_NTX_H
#define RTSHM_NTX_H

#include <stdint.h>

#include "rtshm_wintypes.h"
#include "rtshm_intime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void *NTXHANDLE;
typedef void *NTXLOCATION;
typedef WORD NTXSTATUS;

/* The RT kernel sharing this host with the caller. */
#define NTX_LOCAL		((NTXLOCATION)0)
#define NTX_UNDEFINED_LOCATION	((NTXLOCATION)(intptr_t)-1)

#define NTX_NULL_NTXHANDLE	((NTXHANDLE)0)
#define NTX_BAD_NTXHANDLE	((NTXHANDLE)(intptr_t)-1)
#define NTX_ERROR		((WORD)-1)
#define NTX_BAD_SIZE		((DWORD)-1)
#define NTX_BAD_NTXSTATUS	((NTXSTATUS)-1)

/* ntxMapRtSharedMemoryEx() flags */
#define NTX_MAP_WRITE		0x4		/* read-write; else read-only */
#define NTX_MAP_UNALIGNED	0x10000		/* allow unaligned segments */

/* ntxGetType() results */
#define NTX_TYPE_RT_PROCESS		1
#define NTX_TYPE_RT_THREAD		2
#define NTX_TYPE_MAILBOX		3
#define NTX_TYPE_RT_SEMAPHORE		4
#define NTX_TYPE_REGION			5
#define NTX_TYPE_RT_SHARED_MEMORY	6
#define NTX_TYPE_EXTENSION		7
#define NTX_TYPE_PORT			9
#define NTX_TYPE_POOL			10
#define NTX_TYPE_HEAP			10
#define NTX_TYPE_SERVICE		11

/*
 * The RTHANDLE of an NTXHANDLE: its low 16 bits, as in INtime.  The
 * uintptr_t step only keeps compilers quiet about the pointer cast.
 */
#define ntxExportRtHandle(handle) \
	((RTHANDLE)((DWORD)(uintptr_t)(handle) & 0xffff))

/* INtime accepts both spellings of these two. */
#define ntxLookupNtxHandle	ntxLookupNtxhandle
#define ntxImportRthandle	ntxImportRtHandle

/* Locations and the root process */
NTXLOCATION ntxGetLocationByName(LPCSTR lpszLocationName);
NTXSTATUS ntxGetRtStatus(NTXLOCATION hLoc);
NTXHANDLE ntxGetRootRtProcess(NTXLOCATION hLoc);

/* Object directory and handle conversion (names: 1..12 bytes) */
NTXHANDLE ntxLookupNtxhandle(NTXHANDLE hRtProcess, LPCSTR lpszName,
			     DWORD dwMilliseconds);
NTXSTATUS ntxCatalogNtxHandle(NTXHANDLE hRtProcess, NTXHANDLE hRtObject,
			      LPCSTR lpszName);
NTXSTATUS ntxUncatalogNtxHandle(NTXHANDLE hRtProcess, NTXHANDLE hRtObject,
				LPCSTR lpszName);
NTXHANDLE ntxImportRtHandle(RTHANDLE IncomingObject, NTXHANDLE hObjectSource);
WORD ntxGetType(NTXHANDLE hObject);
DWORD ntxGetRtSize(NTXHANDLE hObject);

/* Shared memory */
LPVOID ntxMapRtSharedMemory(NTXHANDLE hSegment);
LPVOID ntxMapRtSharedMemoryEx(NTXHANDLE hSegment, DWORD dwFlags);
NTXSTATUS ntxUnmapRtSharedMemory(NTXHANDLE hSegment);

/*
 * Mailboxes, shared with rt.h's (see the semantics there).  rtshm: the
 * location is NTX_LOCAL or ntxGetLocationByName()'s, else E_LOCATION.
 * An NTXHANDLE of the root process cannot be sent (E_EXIST); handles made
 * in another IPC namespace give E_LOCATION.  ntxReceiveRtHandle()'s
 * handles work with the other NTX calls, a segment's with
 * ntxMapRtSharedMemory().
 */
#define NTX_DATA_MESSAGE_SIZE	128
#define NTX_OBJECT_MAILBOX	0x0000
#define NTX_DATA_MAILBOX	0x0020

/*
 * Semaphores: the same objects as rt.h's, with its semantics (see there).
 * ntxCreateRtSemaphore() wants NTX_LOCAL or the node's location
 * (E_LOCATION for another); the semaphore belongs to the calling process.
 * ntxWaitForRtSemaphore() returns the units left or NTX_ERROR (0xFFFF):
 * as in INtime, a count of 65535 looks like NTX_ERROR, so check
 * ntxGetLastRtError() then.
 */
#ifndef NTX_FIFO_QUEUING
#define NTX_FIFO_QUEUING	0x0000
#endif
#ifndef NTX_PRIORITY_QUEUING
#define NTX_PRIORITY_QUEUING	0x0001
#endif
#ifndef MAILBOX_DEPTH
#define MAILBOX_DEPTH(n)	(((n) >> 1) & 0x1e)	/* n: 8..60, multiple of 4 */
#endif

NTXHANDLE ntxCreateRtMailbox(NTXLOCATION hLocation, DWORD dwFlags);
NTXSTATUS ntxDeleteRtMailbox(NTXHANDLE hMailbox);
NTXSTATUS ntxSendRtHandle(NTXHANDLE hMailbox, NTXHANDLE hObject,
			  NTXHANDLE hResponse);
NTXHANDLE ntxReceiveRtHandle(NTXHANDLE hMailbox, DWORD dwMilliseconds,
			     NTXHANDLE *phResponse);
NTXSTATUS ntxSendRtData(NTXHANDLE hMailbox, LPVOID pMessage, WORD wActualLength);
WORD ntxReceiveRtData(NTXHANDLE hMailbox, LPVOID pMessage, DWORD dwMilliseconds);

NTXHANDLE ntxCreateRtSemaphore(NTXLOCATION hLocation, WORD wInitCount,
			       WORD wMaxCount, WORD wFlags);
WORD ntxWaitForRtSemaphore(NTXHANDLE hSemaphore, WORD wUnits, DWORD dwMilliseconds);
NTXSTATUS ntxReleaseRtSemaphore(NTXHANDLE hSemaphore, WORD wUnits);
NTXSTATUS ntxDeleteRtSemaphore(NTXHANDLE hSemaphore);

/* Status of the calling thread's last failing call; E_OK if none failed. */
NTXSTATUS ntxGetLastRtError(void);

#ifdef __cplusplus
}
#endif

#endif /* RTSHM_NTX_H */
