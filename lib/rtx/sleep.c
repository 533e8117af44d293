// SPDX-License-Identifier: LGPL-2.1-or-later
/* Sleep and SleepEx: the calling thread waits at least the time asked. */
#include <errno.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "rtx.h"

static void rtx_sleep(DWORD ms)
{
	struct timespec deadline;

	if (ms == 0) {
		/* Win32: give the rest of the time slice to a ready thread */
		sched_yield();
		return;
	}
	if (ms == INFINITE)
		for (;;)
			pause();
	/*
	 * An absolute deadline: a signal handler that interrupts the wait
	 * neither shortens it nor, by restarting a relative one, lengthens it.
	 */
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
		;
}

RTSHM_EXPORT VOID Sleep(DWORD dwMilliseconds)
{
	rtx_sleep(dwMilliseconds);
}

/*
 * Nothing in rtshm queues APCs or I/O completion routines, so an alertable
 * sleep has nothing to end it early either: it runs out and returns 0.
 */
RTSHM_EXPORT DWORD SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
	(void)bAlertable;
	rtx_sleep(dwMilliseconds);
	return 0;
}
