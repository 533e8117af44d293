/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IntervalZero RTX/RTX64 shared-memory and synchronisation API on librtshm.
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
 * read-only for exactly SHM_MAP_READ (a write raises SIGSEGV), read-write
 * for any other value (SHM_MAP_WRITE, PAGE_READWRITE, 0 ...), as RTSS
 * grants.  bInheritHandle is ignored.
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

/* --- contiguous and locked memory ------------------------------------ */
/*
 * RtAllocateContiguousMemory: NumberOfBytes (rounded up to whole pages,
 * zero-filled) of physically contiguous memory, none of it above
 * HighestPhysicalAddress (a device that addresses 32 bits: 0xFFFFFFFF; -1,
 * or any value of 2^52 - 1 and up: no limit), mapped read-write.  It is
 * an unnamed rtshm segment (mode 0600) and never moves.  Up to 4 MiB any
 * user may have it; a larger block needs CAP_IPC_LOCK or the module's
 * tier_gid group (else ERROR_ACCESS_DENIED) and the contig tier or the
 * reserved pool.  NULL with ERROR_NOT_ENOUGH_MEMORY if no tier has that
 * much below the limit (or RLIMIT_MEMLOCK or max_bytes is reached),
 * ERROR_INVALID_PARAMETER for 0 bytes.  The cache type is always
 * write-back: RtAllocateContiguousMemorySpecifyCache is not provided.
 */
PVOID RTAPI RtAllocateContiguousMemory(ULONG NumberOfBytes,
				       LARGE_INTEGER HighestPhysicalAddress);
/* Free a block by its start address; else FALSE with ERROR_INVALID_ADDRESS. */
BOOL RTAPI RtFreeContiguousMemory(PVOID pVirtualAddress);
/*
 * The physical address of any byte of a contiguous block or of an RTX
 * shared-memory view; 0 on failure: ERROR_INVALID_ADDRESS (other memory,
 * locked memory included), ERROR_ACCESS_DENIED (the process lacks
 * CAP_SYS_ADMIN, which Linux asks of anyone who sees physical addresses).
 */
LARGE_INTEGER RTAPI RtGetPhysicalAddress(PVOID pVirtualAddress);
/*
 * RtAllocateLockedMemory: Size bytes (whole pages, zero-filled) of memory
 * that never page-faults and is never swapped (mlock); not contiguous.
 * NULL with ERROR_NOT_ENOUGH_MEMORY beyond RLIMIT_MEMLOCK (unless
 * CAP_IPC_LOCK), ERROR_INVALID_PARAMETER for 0 bytes.
 */
PVOID RTAPI RtAllocateLockedMemory(ULONG Size);
/* Free a block by its start address; else FALSE with ERROR_INVALID_ADDRESS. */
BOOL RTAPI RtFreeLockedMemory(PVOID pVirtualAddress);

/* --- events, mutexes, semaphores ------------------------------------- */
/*
 * They share the namespace of shared memory: a name belongs to one object,
 * and creating or opening it as another type fails with
 * ERROR_INVALID_HANDLE.  Create of an existing name of the same type opens
 * it and sets ERROR_ALREADY_EXISTS (the other arguments are then ignored);
 * success sets 0.  lpEventAttributes & co. and bInheritHandle are ignored,
 * dwDesiredAccess may be 0 or any of the values below, the standard
 * rights, MAXIMUM_ALLOWED or GENERIC_* (any of them gives full access).  Waits are futex waits on a shared state page: no system call
 * when the object is signaled.  RtCloseHandle closes them.
 */
#define SYNCHRONIZE		0x00100000
#define EVENT_MODIFY_STATE	0x0002
#define EVENT_ALL_ACCESS	0x001F0003
#define MUTEX_MODIFY_STATE	0x0001
#define MUTEX_ALL_ACCESS	0x001F0001
#define SEMAPHORE_MODIFY_STATE	0x0002
#define SEMAPHORE_ALL_ACCESS	0x001F0003

#define STATUS_WAIT_0		0x00000000
#define STATUS_ABANDONED_WAIT_0	0x00000080
#define STATUS_TIMEOUT		0x00000102
#define WAIT_OBJECT_0		STATUS_WAIT_0
#define WAIT_ABANDONED		STATUS_ABANDONED_WAIT_0
#define WAIT_ABANDONED_0	STATUS_ABANDONED_WAIT_0
#define WAIT_TIMEOUT		STATUS_TIMEOUT
#define WAIT_FAILED		0xFFFFFFFFU

/* Most handles RtWaitForMultipleObjects takes (RTX64's MAX_WFMO). */
#define MAX_WFMO		64
#ifndef MAXIMUM_WAIT_OBJECTS
#define MAXIMUM_WAIT_OBJECTS	MAX_WFMO
#endif

/* Manual-reset events stay signaled until reset; auto-reset ones release one waiter. */
HANDLE RTAPI RtCreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
			    BOOL bInitialState, LPCSTR lpName);
HANDLE RTAPI RtCreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
			    BOOL bInitialState, LPCWSTR lpName);
HANDLE RTAPI RtOpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
HANDLE RTAPI RtOpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
BOOL RTAPI RtSetEvent(HANDLE hEvent);
BOOL RTAPI RtResetEvent(HANDLE hEvent);
/*
 * Release the threads waiting now (manual reset: all of them; auto reset:
 * at most one) and leave the event non-signaled.  As on Windows, a thread
 * that is just about to wait can miss a pulse; prefer RtSetEvent.
 */
BOOL RTAPI RtPulseEvent(HANDLE hEvent);

/*
 * A mutex is owned by a thread and may be taken again by its owner (each
 * wait needs its own RtReleaseMutex).  If the owner thread ends while
 * holding it, the next waiter gets it with WAIT_ABANDONED.  Waiting boosts
 * the owner to the waiter's real-time priority (priority inheritance).
 */
HANDLE RTAPI RtCreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
			    LPCSTR lpName);
HANDLE RTAPI RtCreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
			    LPCWSTR lpName);
HANDLE RTAPI RtOpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
HANDLE RTAPI RtOpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
/* FALSE with ERROR_NOT_OWNER unless the calling thread owns the mutex. */
BOOL RTAPI RtReleaseMutex(HANDLE hMutex);

/* 0 <= lInitialCount <= lMaximumCount, lMaximumCount > 0. */
HANDLE RTAPI RtCreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
				LONG lInitialCount, LONG lMaximumCount, LPCSTR lpName);
HANDLE RTAPI RtCreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
				LONG lInitialCount, LONG lMaximumCount, LPCWSTR lpName);
HANDLE RTAPI RtOpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
HANDLE RTAPI RtOpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
/*
 * Add lReleaseCount (> 0) to the count; FALSE with ERROR_TOO_MANY_POSTS if
 * that would pass the maximum (the count is then unchanged).
 * *lpPreviousCount (optional) receives the count before.
 */
BOOL RTAPI RtReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount, LPLONG lpPreviousCount);

/*
 * Wait up to dwMilliseconds (INFINITE: forever, 0: just test) for an event,
 * mutex or semaphore.  Return: WAIT_OBJECT_0, WAIT_ABANDONED (a mutex whose
 * owner died, now owned by the caller), WAIT_TIMEOUT, or WAIT_FAILED
 * (ERROR_INVALID_HANDLE: not a waitable handle).
 */
DWORD RTAPI RtWaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
/*
 * Wait for any (bWaitAll FALSE) or all of nCount (1..MAX_WFMO) handles;
 * wait-all takes all of them in one atomic step and needs distinct
 * objects.  Return: WAIT_OBJECT_0 + i (any: the lowest index that was
 * signaled; all: WAIT_OBJECT_0), WAIT_ABANDONED_0 + i (i is an abandoned
 * mutex), WAIT_TIMEOUT or WAIT_FAILED (ERROR_INVALID_PARAMETER for a bad
 * count, a NULL array or one object twice in a wait-all;
 * ERROR_INVALID_HANDLE).
 */
DWORD RTAPI RtWaitForMultipleObjects(DWORD nCount, CONST HANDLE *lpHandles, BOOL bWaitAll,
				     DWORD dwMilliseconds);

#ifdef UNICODE
#define RtCreateEvent		RtCreateEventW
#define RtOpenEvent		RtOpenEventW
#define RtCreateMutex		RtCreateMutexW
#define RtOpenMutex		RtOpenMutexW
#define RtCreateSemaphore	RtCreateSemaphoreW
#define RtOpenSemaphore		RtOpenSemaphoreW
#else
#define RtCreateEvent		RtCreateEventA
#define RtOpenEvent		RtOpenEventA
#define RtCreateMutex		RtCreateMutexA
#define RtOpenMutex		RtOpenMutexA
#define RtCreateSemaphore	RtCreateSemaphoreA
#define RtOpenSemaphore		RtOpenSemaphoreA
#endif

/* --- clocks, timers, thread priorities ------------------------------ */
/*
 * Every clock id names one clock: CLOCK_MONOTONIC in 100 ns units, counted
 * from boot (RTX counts from 1601), the same in every process, never
 * stepped.  Timers run their routine on a thread of their own under
 * SCHED_FIFO.  RTX priorities 0..127 map onto SCHED_FIFO 1..99 as
 * 1 + round(p * 98 / 127); a process without CAP_SYS_NICE or a high enough
 * RLIMIT_RTPRIO gets ERROR_PRIVILEGE_NOT_HELD, never a silent SCHED_OTHER.
 */
#define CLOCK_1			1
#define CLOCK_2			2
#define CLOCK_3			3
#define CLOCK_FASTEST		0xFFFF
#define CLOCK_SYSTEM		CLOCK_1

/* unsigned long on Windows: 32 bits */
typedef ULONG CLOCK, *PCLOCK;

#define RT_PRIORITY_MIN		0
#define RT_PRIORITY_MAX		127

/* RtGetThreadPriority's failure value (winbase.h: MAXLONG) */
#ifndef THREAD_PRIORITY_ERROR_RETURN
#define THREAD_PRIORITY_ERROR_RETURN	0x7FFFFFFF
#endif
/* the caller may not use that real-time priority (winerror.h) */
#ifndef ERROR_PRIVILEGE_NOT_HELD
#define ERROR_PRIVILEGE_NOT_HELD	1314
#endif

/* The clock's time (*pTime) and resolution (*pResolution), in 100 ns units. */
BOOL RTAPI RtGetClockTime(CLOCK Clock, PLARGE_INTEGER pTime);
BOOL RTAPI RtGetClockResolution(CLOCK Clock, PLARGE_INTEGER pResolution);

/*
 * Sleep at least *pSleepTime (100 ns units; 0 yields).  NULL or a negative
 * time sets ERROR_INVALID_PARAMETER and returns at once.
 */
VOID RTAPI RtSleepFt(PLARGE_INTEGER pSleepTime);

/*
 * A timer whose Routine(Context) runs on a new thread at RTX priority
 * Priority (0..127), stack StackSize bytes (0: the default).  It starts
 * disarmed.  pThreadAttributes is ignored.
 */
HANDLE RTAPI RtCreateTimer(PSECURITY_ATTRIBUTES pThreadAttributes, ULONG StackSize,
			   VOID (RTFCNDCL *Routine)(PVOID Context), PVOID Context,
			   ULONG Priority, CLOCK Clock);
/*
 * Arm the timer: first expiration at the clock time *pExpiration (RtSetTimer;
 * a negative value is relative, as RtSetTimerRelative with its magnitude) or
 * *pExpiration from now (RtSetTimerRelative), then every *pInterval (NULL or
 * 0: once).  Expirations are absolute (first + n * interval, no drift);
 * while the routine runs late, missed expirations are counted as overruns,
 * not replayed.  Setting an armed timer replaces its schedule.
 */
BOOL RTAPI RtSetTimer(HANDLE hTimer, PLARGE_INTEGER pExpiration, PLARGE_INTEGER pInterval);
BOOL RTAPI RtSetTimerRelative(HANDLE hTimer, PLARGE_INTEGER pExpiration,
			      PLARGE_INTEGER pInterval);
/*
 * Disarm; *pRemain (may be NULL) receives the time that was left until the
 * next expiration (0 if none).  A routine already running finishes.
 */
BOOL RTAPI RtCancelTimer(HANDLE hTimer, PLARGE_INTEGER pRemain);
/*
 * Stop the timer, wait for a running routine to return and end its thread
 * (from inside the routine: without waiting), close the handle; the same
 * as RtCloseHandle on a timer.
 */
BOOL RTAPI RtDeleteTimer(HANDLE Handle);

/*
 * Threads: GetCurrentThread() is the calling thread's pseudo-handle, as in
 * Win32; it is the only thread handle there is here.  RtGetThreadPriority
 * returns the RTX priority last set for the thread (RtSetThreadPriority, or
 * the timer's for a timer routine), else the lowest one that maps onto its
 * SCHED_FIFO/SCHED_RR priority; RT_PRIORITY_MIN for a SCHED_OTHER thread.
 */
HANDLE WINAPI GetCurrentThread(VOID);
BOOL RTAPI RtSetThreadPriority(HANDLE hThread, int nPriority);
int RTAPI RtGetThreadPriority(HANDLE hThread);

/*
 * rtshm extension (not RTX): a timer's counters since RtCreateTimer.
 * expirations = calls + overruns; due is the next expiration in the
 * clock's time (0: not armed).
 */
struct rtshm_timer_counts {
	ULONGLONG expirations;	/* deadlines that passed while armed */
	ULONGLONG calls;	/* routine runs started */
	ULONGLONG overruns;	/* expirations folded into a later run */
	LONGLONG due;
};
BOOL rtshm_rtx_get_timer_counts(HANDLE hTimer, struct rtshm_timer_counts *pCounts);

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
