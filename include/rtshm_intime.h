/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What INtime's ntx.h (Windows side) and rt.h (real-time side) both
 * define: RTHANDLE, the status codes and the wait values.  Included by
 * both, so they can be used together; not meant to be included directly.
 *
 * Values are those of INtime's headers and status code reference.  Where
 * INtime documents none, the choice is marked "rtshm:".
 */
#ifndef RTSHM_INTIME_H
#define RTSHM_INTIME_H

#include "rtshm_wintypes.h"

/*
 * A real-time object handle.  rtshm: the object's id in the rtshm
 * namespace of the IPC namespace (1..65535, see rtshm.h), so an RTHANDLE
 * stored in shared memory means the same object in every process.
 */
typedef WORD RTHANDLE;

/*
 * rtshm: NULL_RTHANDLE is 0, which no object id takes.  BAD_RTHANDLE is
 * 0xFFFF; the kernel can give that id to an object, so the INtime calls
 * never hand it out as a handle (AllocateRtMemory skips it, lookups of
 * an object with that id fail with E_LIMIT).
 */
#define NULL_RTHANDLE	((RTHANDLE)0)
#define BAD_RTHANDLE	((RTHANDLE)0xFFFF)

/*
 * rtshm: the root process's RTHANDLE, what GetRtThreadHandles(ROOT_PROCESS)
 * returns.  Like BAD_RTHANDLE, an id the INtime calls never hand out for
 * an object.
 */
#define RTSHM_ROOT_RTHANDLE	((RTHANDLE)0xFFFE)

/* Timeouts of the lookup calls, in milliseconds. */
#define NO_WAIT		0U
#define WAIT_FOREVER	INFINITE

/* Kernel conditions (0x0000-0x3FFF). */
#define E_OK			0x0000	/* no error */
#define E_TIME			0x0001	/* time limit expired */
#define E_MEM			0x0002	/* not enough memory */
#define E_BUSY			0x0003
#define E_LIMIT			0x0004	/* a limit would be exceeded */
#define E_CONTEXT		0x0005	/* out of context, e.g. name cataloged */
#define E_EXIST			0x0006	/* the handle names no object */
#define E_STATE			0x0007	/* illegal state, e.g. not mapped */
#define E_SLOT			0x000C	/* no descriptor slot left */
#define E_INVALID_ADDRESS	0x00E2
#define E_VMEM			0x00F0	/* not enough virtual memory */
#define E_NOT_ALLOCATED		0x00F2	/* no memory at that address */

/* Programming errors (0x8000-0xBFFF). */
#define E_TYPE			0x8002	/* wrong object type */
#define E_PARAM			0x8004	/* bad parameter */
#define E_BAD_CALL		0x8005
#define E_PROTECTION		0x800D
#define E_BAD_ADDR		0x800F	/* bad pointer */
#define E_STRING		0x8084
#define E_PROTOCOL		0x80E0
#define E_PORT_ID_USED		0x80E1
#define E_NUC_BAD_BUF		0x80E2
#define E_SEND_NOT_COMPLETE	0x80E3
#define E_ALIGNMENT		0x80F1	/* segment not page-aligned */
#define E_LOCATION		0x8F02	/* bad or unreachable location */

/* NTX conditions.  rtshm: E_NTX_INTERNAL_ERROR means rtshm.ko is not reachable. */
#define E_NTX_INTERNAL_ERROR		0x1001
#define E_NTX_COMM_FAILURE		0x1002
#define E_NTX_KERNEL_FAILURE		0x1003
#define E_NTX_DSM_INTERNAL_ERROR	0x1004
#define E_NOT_AN_NTX_ERROR		0x1100

#endif /* RTSHM_INTIME_H */
