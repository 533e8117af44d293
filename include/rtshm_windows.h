/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The part of <windows.h> that code ported from RTX/RTX64 needs: the Win32
 * types (from rtshm_wintypes.h, shared with the INtime headers), _T(), the
 * error codes librtshm reports, page protections and the kernel32 calls
 * librtshm implements (GetLastError, SetLastError, ExitProcess, Sleep),
 * the Interlocked family and the program entry points RTSS code uses.
 * Included by <rtapi.h> and by the compat <windows.h> and <tchar.h>, so
 * they can be included together, in any order.
 */
#ifndef RTSHM_WINDOWS_H
#define RTSHM_WINDOWS_H

#include "rtshm_wintypes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Calling conventions mean nothing on x86-64 Linux. */
#ifndef WINAPI
#define WINAPI
#endif
#ifndef APIENTRY
#define APIENTRY
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __stdcall
#define __stdcall
#endif
#ifndef CONST
#define CONST const
#endif

/* _T() and _TEXT() follow _UNICODE, as in tchar.h. */
#ifndef _T
#ifdef _UNICODE
#define _T(x) RTSHM_WIDEN_(x)
#else
#define _T(x) x
#endif
#endif
#ifndef _TEXT
#define _TEXT(x) _T(x)
#endif

#define MAX_PATH		260
#define INVALID_HANDLE_VALUE	((HANDLE)(LONG_PTR)-1)

/* Page protections (winnt.h). */
#define PAGE_READONLY		0x02
#define PAGE_READWRITE		0x04

/* System error codes (winerror.h) that librtshm reports; plain ints, as in Wine. */
#define ERROR_SUCCESS			0
#define NO_ERROR			0
#define ERROR_FILE_NOT_FOUND		2
#define ERROR_TOO_MANY_OPEN_FILES	4
#define ERROR_ACCESS_DENIED		5
#define ERROR_INVALID_HANDLE		6
#define ERROR_NOT_ENOUGH_MEMORY		8
#define ERROR_GEN_FAILURE		31
#define ERROR_DEV_NOT_EXIST		55
#define ERROR_INVALID_PARAMETER		87
#define ERROR_INVALID_NAME		123
#define ERROR_ALREADY_EXISTS		183
#define ERROR_FILENAME_EXCED_RANGE	206
#define ERROR_NOT_OWNER			288
#define ERROR_TOO_MANY_POSTS		298
#define ERROR_INVALID_ADDRESS		487
#define ERROR_NOACCESS			998
#define ERROR_MAPPED_ALIGNMENT		1132
#define ERROR_REVISION_MISMATCH		1306
#define ERROR_NOT_ENOUGH_QUOTA		1816

/* The calling thread's last error: per thread, like Win32. */
DWORD WINAPI GetLastError(VOID);
VOID WINAPI SetLastError(DWORD dwErrCode);

/* exit(): flushes stdio and runs atexit handlers; the kernel closes every handle. */
__attribute__((noreturn)) VOID WINAPI ExitProcess(UINT uExitCode);

/* --- idioms of ported RTSS code: calling conventions, Sleep ------------ */
/* The single-underscore spellings MSVC also accepts ("void _cdecl main"). */
#ifndef _cdecl
#define _cdecl
#endif
#ifndef _stdcall
#define _stdcall
#endif
#ifndef __fastcall
#define __fastcall
#endif
#ifndef _fastcall
#define _fastcall
#endif

/* SleepEx's value when an APC ended the wait; rtshm has no APCs. */
#define WAIT_IO_COMPLETION	0x000000C0

/*
 * Suspend the calling thread for at least dwMilliseconds on the monotonic
 * clock (signals do not shorten it); 0 yields the processor to a ready
 * thread of the same priority (sched_yield), INFINITE never returns.
 */
VOID WINAPI Sleep(DWORD dwMilliseconds);
/* Sleep; no APC or I/O completion routine can be queued, so always 0. */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);

/* As RTX's Rtapi.h names them. */
#define RtSleep		Sleep
#define RtSleepEx	SleepEx
/* --- end of the idioms block ------------------------------------------ */

#ifdef __cplusplus
}
#endif

/* Interlocked*, MemoryBarrier, YieldProcessor; void main, wmain (see there). */
#include "rtshm_interlocked.h"
#include "rtshm_entry.h"

#endif /* RTSHM_WINDOWS_H */
