// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RTX clocks: RtGetClockTime, RtGetClockResolution, RtSleepFt.
 *
 * RTX has a 1 ms clock (CLOCK_1 = CLOCK_SYSTEM) and HAL timer clocks
 * (CLOCK_2 = CLOCK_FASTEST, CLOCK_3) counting 100 ns ticks since 1601.
 * Here all of them are CLOCK_MONOTONIC, in 100 ns ticks since boot: the
 * clock hrtimers and the timers of timer.c run on, identical in every
 * process (so times passed through shared memory compare), never stepped
 * by NTP or settimeofday.  A 1601-based value would have to add the wall
 * clock's offset, which changes with every clock step, so two processes
 * started on either side of a step would disagree.
 */
#include <errno.h>
#include <sched.h>

#include "timing.h"

int rtx_clock_valid(CLOCK clock)
{
	return clock == CLOCK_1 || clock == CLOCK_2 || clock == CLOCK_3 ||
	       clock == CLOCK_FASTEST;
}

int64_t rtx_clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(RTX_CLOCK_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t rtx_ticks_to_ns(int64_t ticks)
{
	if (ticks > INT64_MAX / RTX_NS_PER_TICK)
		return INT64_MAX;
	return ticks * RTX_NS_PER_TICK;
}

struct timespec rtx_ns_to_timespec(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000),
		.tv_nsec = (long)(ns % 1000000000),
	};

	return ts;
}

RTSHM_EXPORT BOOL RtGetClockTime(CLOCK Clock, PLARGE_INTEGER pTime)
{
	if (!rtx_clock_valid(Clock) || !pTime) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	pTime->QuadPart = rtx_clock_now_ns() / RTX_NS_PER_TICK;
	return TRUE;
}

/* clock_getres() rounded up to whole 100 ns ticks: never 0. */
RTSHM_EXPORT BOOL RtGetClockResolution(CLOCK Clock, PLARGE_INTEGER pResolution)
{
	struct timespec ts;
	int64_t ns;

	if (!rtx_clock_valid(Clock) || !pResolution) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (clock_getres(RTX_CLOCK_ID, &ts)) {
		SetLastError(ERROR_GEN_FAILURE);
		return FALSE;
	}
	ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	pResolution->QuadPart = ns <= RTX_NS_PER_TICK ? 1 :
				(ns + RTX_NS_PER_TICK - 1) / RTX_NS_PER_TICK;
	return TRUE;
}

/*
 * An absolute deadline, so a signal handler that interrupts the sleep
 * does not make it longer or shorter; never early (RTX may return one HAL
 * tick early).  RTX limits the time to 1 s: longer times sleep in full.
 */
RTSHM_EXPORT VOID RtSleepFt(PLARGE_INTEGER pSleepTime)
{
	struct timespec until;

	if (!pSleepTime || pSleepTime->QuadPart < 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return;
	}
	if (pSleepTime->QuadPart == 0) {
		sched_yield();	/* RTX: 0 yields to threads of equal priority */
		return;
	}
	until = rtx_ns_to_timespec(rtx_add_sat(rtx_clock_now_ns(),
					       rtx_ticks_to_ns(pSleepTime->QuadPart)));
	while (clock_nanosleep(RTX_CLOCK_ID, TIMER_ABSTIME, &until, NULL) == EINTR)
		;
}
