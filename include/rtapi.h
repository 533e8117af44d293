/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IntervalZero RTX/RTX64 shared-memory API on librtshm.
 *
 * Source written for RTX's Rtapi.h compiles unchanged: build it with
 * `pkg-config --cflags --libs rtshm` (or -I include/compat and -lrtshm in
 * this tree).  Names, sizes, access rules and error codes are described
 * next to each function; the README's "semantics chosen" section lists what
 * the vendor leaves open.
 *
 * Every function is safe to call from several threads at once.  Functions
 * returning NULL or FALSE set the calling thread's last error (GetLastError);
 * on success only RtCreateSharedMemory sets it (0 or ERROR_ALREADY_EXISTS),
 * the others leave it as it was.  A failed Create or Open also sets
 * *location to NULL.
 *
 * A HANDLE is an entry of a per-process table, not a file descriptor.
 * Children made by fork() inherit handles and views; programs started by
 * exec() do not (bInheritHandle is ignored).
 */
#ifndef RTSHM_RTAPI_H
#define RTSHM_RTAPI_H

#include "rtshm_windows.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTAPI
#define RTFCNDCL

/* Longest object name, with its NUL (RTX64's value; RTX 2009 and older: 128). */
#define RTX_MAX_OBJECT_NAME_LENGTH	256

#define RtGetLastError	GetLastError
#define RtSetLastError	SetLastError
#define RtExitProcess	ExitProcess

/* RtOpenSharedMemory / RtMapViewOfSharedMemory dwDesiredAccess */
#define SHM_MAP_WRITE		2
#define SHM_MAP_READ		1
#define SHM_MAP_ALL_ACCESS	(SHM_MAP_WRITE + SHM_MAP_READ)

/*
 * Create a segment of MaximumSizeHigh:MaximumSizeLow bytes (rounded up to
 * whole pages, zero-filled, physically contiguous), or open the segment
 * already called lpName (then GetLastError() == ERROR_ALREADY_EXISTS and
 * the size is the existing one).  *location receives a read-write view.
 * flProtect is ignored, as under RTSS.  lpName NULL or "" makes an unnamed
 * segment; names are at most 255 bytes of UTF-8 and contain no '\'.
 */
HANDLE RTAPI RtCreateSharedMemoryA(DWORD flProtect, DWORD MaximumSizeHigh,
				   DWORD MaximumSizeLow, LPCSTR lpName,
				   VOID **location);
HANDLE RTAPI RtCreateSharedMemoryW(DWORD flProtect, DWORD MaximumSizeHigh,
				   DWORD MaximumSizeLow, LPCWSTR lpName,
				   VOID **location);

/*
 * Open the segment called lpName and map a new view of all of it:
 * read-only for SHM_MAP_READ (a write raises SIGSEGV), read-write for
 * SHM_MAP_WRITE or SHM_MAP_ALL_ACCESS.  bInheritHandle is ignored.
 */
HANDLE RTAPI RtOpenSharedMemoryA(DWORD dwDesiredAccess, BOOL bInheritHandle,
				 LPCSTR lpName, VOID **location);
HANDLE RTAPI RtOpenSharedMemoryW(DWORD dwDesiredAccess, BOOL bInheritHandle,
				 LPCWSTR lpName, VOID **location);

#ifdef UNICODE
#define RtCreateSharedMemory	RtCreateSharedMemoryW
#define RtOpenSharedMemory	RtOpenSharedMemoryW
#else
#define RtCreateSharedMemory	RtCreateSharedMemoryA
#define RtOpenSharedMemory	RtOpenSharedMemoryA
#endif

/*
 * Close a handle: unmap every view made through it and drop its
 * reference; the segment goes away with its last handle and view.
 */
BOOL RTAPI RtCloseHandle(HANDLE hObject);

/* RTX: unmap the view at location (as returned by Create/Open/MapView). */
BOOL RTAPI RtUnmapSharedMemory(VOID *location);

/*
 * RTX64: map another view of an open segment.  The offset must be a
 * multiple of the page size; dwNumberOfBytesToMap 0 maps to the end.
 */
LPVOID RTAPI RtMapViewOfSharedMemory(HANDLE hShmObj, DWORD dwDesiredAccess,
				     DWORD dwOffsetHigh, DWORD dwOffsetLow,
				     DWORD dwNumberOfBytesToMap);
/* RTX64: same as RtUnmapSharedMemory. */
BOOL RTAPI RtUnmapViewOfSharedMemory(LPVOID lpBaseAddress);

/*
 * printf to stdout with Microsoft's format language (%I64d, %ld as 32 bits,
 * %S/%C for the other character width, %s/%c wide in RtWprintf), written as
 * UTF-8 and flushed at once.  Return: bytes (RtPrintf) or characters
 * (RtWprintf) written, or -1.
 */
int __cdecl RtPrintf(LPCSTR pFormat, ...);
int __cdecl RtWprintf(const WCHAR *fmt, ...);

#ifdef __cplusplus
}
#endif

#endif /* RTSHM_RTAPI_H */
