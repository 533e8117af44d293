/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by the RTX clock (clock.c), thread priority
 * (thread_priority.c) and timer (timer.c) calls.
 */
#ifndef RTSHM_LIB_RTX_TIMING_H
#define RTSHM_LIB_RTX_TIMING_H

#include <stdint.h>
#include <time.h>

#include "rtx.h"

/* Every RTX clock id is this clock. */
#define RTX_CLOCK_ID		CLOCK_MONOTONIC
#define RTX_NS_PER_TICK		100	/* RTX time unit: 100 ns */

/* Whether @clock is a clock id RTX documents. */
int rtx_clock_valid(CLOCK clock);

/* RTX_CLOCK_ID now, in nanoseconds. */
int64_t rtx_clock_now_ns(void);

/* 100 ns ticks to nanoseconds, saturating at INT64_MAX (@ticks >= 0). */
int64_t rtx_ticks_to_ns(int64_t ticks);

/* Nanoseconds to a timespec (@ns >= 0). */
struct timespec rtx_ns_to_timespec(int64_t ns);

/* a + b for b >= 0, saturating at INT64_MAX */
static inline int64_t rtx_add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* The SCHED_FIFO priority of RTX priority @prio (0..127). */
int rtx_prio_to_fifo(int prio);

/* Record @prio as the calling thread's RTX priority (what it was set to). */
void rtx_thread_note_priority(int prio);

/*
 * Win32 error for a pthread scheduling call's error: EPERM (no
 * CAP_SYS_NICE, RLIMIT_RTPRIO too low) is ERROR_PRIVILEGE_NOT_HELD.
 */
DWORD rtx_sched_error(int err);

#endif /* RTSHM_LIB_RTX_TIMING_H */
