/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * INtime real-time API, shared-memory, semaphore and object-directory calls, for
 * Linux real-time processes.  Link with librtshm.
 *
 * Model: AllocateRtMemory() makes an unnamed rtshm segment (mode 0600)
 * and maps it; the segment's id is its RTHANDLE.  Names live in the rtshm
 * namespace of the IPC namespace, the same one RTX names use, so an RTX
 * process and an INtime process can share a segment.
 *
 * Differences from INtime, all where INtime leaves the behaviour open:
 *  - Each IPC namespace has a root directory, and each RT process (see
 *    below) one of its own.  NULL_RTHANDLE is the calling process: its
 *    own directory, or the root in a process that is no RT process.  A
 *    process handle argument that names another object gives E_TYPE, one
 *    naming nothing (or a process that ended) E_EXIST.
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
 *  - GetLastRtError(), ntxGetLastRtError() and GetLastError() read one
 *    per-thread status; a successful call does not clear it.
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

/*
 * Processes.  rtshm: a Linux process becomes an INtime RT process, named
 * in the root directory and with a directory of its own, by
 * rtshm_intime_process() or by the environment variable
 * RTSHM_INTIME_PROCESS, read at its first directory call; the kernel
 * deletes it, its directory and its names, when the process ends (a forked
 * child is not that process).  A process that never becomes one stands
 * for the root.  NULL_RTHANDLE means the calling process; the selections
 * are rtshm's values (only THIS_PROCESS and ROOT_PROCESS: threads are no
 * objects here, E_PARAM).
 */
#define THIS_PROCESS	1
#define ROOT_PROCESS	2
RTHANDLE GetRtThreadHandles(BYTE bySelection);
WORD rtshm_intime_process(LPCSTR lpszName);

/* Object directory (names: 1..12 bytes); Catalog is INtime's older name */
BOOLEAN CatalogRtHandle(RTHANDLE hProcess, RTHANDLE hObject, LPCSTR lpszName);
#define Catalog(hProcess, hObject, lpszName) \
	CatalogRtHandle(hProcess, hObject, lpszName)
BOOLEAN UncatalogRtHandle(RTHANDLE hProcess, LPCSTR lpszName);
RTHANDLE LookupRtHandle(RTHANDLE hProcess, LPCSTR lpszName, DWORD dwMilliseconds);

/*
 * Mailboxes.  Flag values are INtime's.  A mailbox belongs to the process
 * that created it and is deleted when that process ends.  rtshm, where
 * INtime leaves it open:
 *  - A data mailbox queues 16 messages of 0..128 bytes, an object mailbox
 *    64 handles whatever MAILBOX_DEPTH(n) says (n below 8 gives E_PARAM);
 *    INtime extends a full queue from memory, here a send to a full queue
 *    fails at once with E_MEM.  Sends never block.
 *  - Up to 8 receivers wait in FIFO_QUEUING or PRIORITY_QUEUING order
 *    (the higher SCHED_FIFO/SCHED_RR priority first, FIFO among equals;
 *    other policies count as 0); more receivers wait for one of them to
 *    leave, in no particular order.  A message goes straight to the first
 *    waiter, so none is queued while a receiver waits.
 *  - An object message carries the object's id and serial: if the object
 *    (or the response object) was deleted before ReceiveRtHandle, the
 *    message is consumed and the call fails with E_EXIST, so a stale
 *    handle never reaches an object that later got the same id.
 *  - Deleting a mailbox (any process may) wakes its receivers with
 *    E_EXIST; when its process is killed they see E_EXIST within 50 ms.
 *  - Unknown flag bits give E_PARAM; timeouts are not range-checked.
 */
#define OBJECT_MAILBOX		0x0000
#define DATA_MAILBOX		0x0020

/*
 * Semaphores.  Flag values are INtime's.  A semaphore belongs to the
 * process that created it: it is deleted when that process ends, or by
 * DeleteRtSemaphore() from any process.  rtshm, where INtime leaves it open:
 *  - A request for n units takes all n at once or waits; the units go to
 *    the head of the queue only, so a small request behind a large one
 *    waits too.  FIFO_QUEUING: the head is the earliest waiter;
 *    PRIORITY_QUEUING: the highest SCHED_FIFO/SCHED_RR priority (other
 *    policies count as 0), the earliest among equals.  A new request is
 *    granted at once only if it would be the head.
 *  - Up to 56 threads (of all processes) can wait on one semaphore; one
 *    more gets E_LIMIT.  A waiter that is killed leaves the queue.
 *  - WaitForRtSemaphore() with 0 units returns the count and never
 *    waits.  Its failure value WAIT_FAILED is 0xFFFFFFFF, as Win32's
 *    (so rt.h and rtapi.h can be included together): the DWORD result
 *    cannot be mistaken for a count of 65535.  Timeouts (NO_WAIT,
 *    WAIT_FOREVER, milliseconds) are not range-checked.
 *  - ReleaseRtSemaphore() of 0 units gives E_PARAM; past the maximum E_LIMIT.
 *  - Unknown flag bits give E_PARAM.
 *  - Deleting a semaphore wakes its waiters with E_EXIST; when its process
 *    is killed they see E_EXIST within 50 ms.  Semaphores can be
 *    cataloged; a name another object holds gives E_CONTEXT.
 */
#ifndef FIFO_QUEUING
#define FIFO_QUEUING		0x0000
#endif
#ifndef PRIORITY_QUEUING
#define PRIORITY_QUEUING	0x0001
#endif
#ifndef MAILBOX_DEPTH
#define MAILBOX_DEPTH(n)	(((n) >> 1) & 0x1e)	/* n: 8..60, multiple of 4 */
#endif

typedef RTHANDLE *LPRTHANDLE;

RTHANDLE CreateRtMailbox(WORD wMailboxFlags);
BOOLEAN DeleteRtMailbox(RTHANDLE hMailbox);
BOOLEAN SendRtHandle(RTHANDLE hMailbox, RTHANDLE hObject, RTHANDLE hResponse);
RTHANDLE ReceiveRtHandle(RTHANDLE hMailbox, DWORD dwMilliseconds,
			 LPRTHANDLE lphResponse);
BOOLEAN SendRtData(RTHANDLE hMailbox, LPVOID lpData, WORD cbBytesSent);
WORD ReceiveRtData(RTHANDLE hMailbox, LPVOID lpData, DWORD dwMilliseconds);

#ifndef WAIT_FAILED
#define WAIT_FAILED		0xFFFFFFFFU
#endif

RTHANDLE CreateRtSemaphore(WORD wInitCount, WORD wMaxCount, WORD wSemaphoreFlags);
/* Return: the units left after the take, or WAIT_FAILED. */
DWORD WaitForRtSemaphore(RTHANDLE hSemaphore, WORD wCount, DWORD dwMilliseconds);
BOOLEAN ReleaseRtSemaphore(RTHANDLE hSemaphore, WORD wReleaseCount);
BOOLEAN DeleteRtSemaphore(RTHANDLE hSemaphore);

/* The calling thread's status (16 bits) of its last failing call */
DWORD GetLastRtError(VOID);
VOID SetLastRtError(DWORD dwErrorCode);

#ifdef __cplusplus
}
#endif

#endif /* RTSHM_RT_H */
