// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RTX thread priorities on SCHED_FIFO: RtSetThreadPriority,
 * RtGetThreadPriority, and GetCurrentThread, the pseudo-handle they take.
 *
 * RTX has 128 priorities (0..127, 127 highest), Linux's SCHED_FIFO 99
 * (1..99).  Priority p runs at 1 + round(p * 98 / 127): the ends meet (0 is
 * 1, 127 is 99), order is kept, and 29 pairs of neighbours share a level
 * (2 and 3, 6 and 7, ... 124 and 125); 126 and 127 have levels of their own.
 * SCHED_FIFO, not SCHED_RR: RTSS threads of equal priority run until they
 * block unless a time quantum is set, which this API does not offer.
 * Since the map is not one to one, each thread remembers the RTX priority
 * it was given, and RtGetThreadPriority returns that while the thread still
 * runs at its level.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "timing.h"

#define RTX_FIFO_MIN		1
#define RTX_FIFO_MAX		99
#define RTX_CURRENT_THREAD	((HANDLE)(LONG_PTR)-2)	/* Win32's value */

/* The RTX priority this thread was set to through this library, or -1. */
static _Thread_local int rtx_thread_prio = -1;

int rtx_prio_to_fifo(int prio)
{
	const int span = RTX_FIFO_MAX - RTX_FIFO_MIN;

	return RTX_FIFO_MIN + (prio * span + RT_PRIORITY_MAX / 2) / RT_PRIORITY_MAX;
}

/* The lowest RTX priority that runs at SCHED_FIFO @fifo. */
static int rtx_prio_from_fifo(int fifo)
{
	int prio;

	for (prio = RT_PRIORITY_MIN; prio < RT_PRIORITY_MAX; prio++)
		if (rtx_prio_to_fifo(prio) >= fifo)
			break;
	return prio;
}

void rtx_thread_note_priority(int prio)
{
	rtx_thread_prio = prio;
}

DWORD rtx_sched_error(int err)
{
	switch (err) {
	case EPERM:
		return ERROR_PRIVILEGE_NOT_HELD;
	case EAGAIN:
	case ENOMEM:
		return ERROR_NOT_ENOUGH_MEMORY;
	case EINVAL:
		return ERROR_INVALID_PARAMETER;
	default:
		return ERROR_GEN_FAILURE;
	}
}

RTSHM_EXPORT HANDLE GetCurrentThread(VOID)
{
	return RTX_CURRENT_THREAD;
}

RTSHM_EXPORT BOOL RtSetThreadPriority(HANDLE hThread, int nPriority)
{
	struct sched_param sp = { 0 };
	int err;

	if (hThread != RTX_CURRENT_THREAD) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (nPriority < RT_PRIORITY_MIN || nPriority > RT_PRIORITY_MAX) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	sp.sched_priority = rtx_prio_to_fifo(nPriority);
	err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	if (err) {
		SetLastError(rtx_sched_error(err));
		return FALSE;
	}
	rtx_thread_prio = nPriority;
	return TRUE;
}

RTSHM_EXPORT int RtGetThreadPriority(HANDLE hThread)
{
	struct sched_param sp;
	int policy;

	if (hThread != RTX_CURRENT_THREAD) {
		SetLastError(ERROR_INVALID_HANDLE);
		return THREAD_PRIORITY_ERROR_RETURN;
	}
	/* the kernel's view: pthread_getschedparam() may answer from glibc's cache */
	policy = sched_getscheduler(0);
	if (policy < 0 || sched_getparam(0, &sp)) {
		SetLastError(rtx_sched_error(errno));
		return THREAD_PRIORITY_ERROR_RETURN;
	}
	policy &= ~SCHED_RESET_ON_FORK;
	if (policy != SCHED_FIFO && policy != SCHED_RR)
		return RT_PRIORITY_MIN;
	/* still at the level it was given, or moved by someone else (chrt) */
	if (rtx_thread_prio >= 0 && rtx_prio_to_fifo(rtx_thread_prio) == sp.sched_priority)
		return rtx_thread_prio;
	return rtx_prio_from_fifo(sp.sched_priority);
}
