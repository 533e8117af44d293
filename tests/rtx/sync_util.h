/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the RTX event/mutex/semaphore tests: peeking at an object's
 * state page (to know when waiters are asleep), threads, and time.
 */
#ifndef RTSHM_TEST_RTX_SYNC_UTIL_H
#define RTSHM_TEST_RTX_SYNC_UTIL_H

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "../../lib/rtx/sync.h"
#include "../harness.h"

/* Threads of any process asleep in a wait on the object of @h. */
static inline unsigned int t_sleepers(HANDLE h)
{
	struct rtx_sync *s = rtx_sync_get(h, RTX_KIND_ANY);
	unsigned int n;

	if (!s)
		t_fail(__FILE__, __LINE__, "not a sync handle");
	n = atomic_load(&s->st->sleepers);
	rtx_object_put(&s->obj);
	return n;
}

/* Wait (polling, up to 10 s) until @n threads sleep on the object of @h. */
static inline void t_await_sleepers(HANDLE h, unsigned int n)
{
	int i;

	for (i = 0; i < 10000 && t_sleepers(h) != n; i++)
		usleep(1000);
	if (t_sleepers(h) != n)
		t_fail(__FILE__, __LINE__, "%u sleepers, expected %u", t_sleepers(h), n);
}

static inline double t_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Expect a Win32 call to fail with @err as its last error. */
#define CHECK_FAILS(expr, failed, err)				\
	do {								\
		SetLastError(0xDEAD);					\
		if ((expr) != (failed))					\
			t_fail(__FILE__, __LINE__, "%s did not fail", #expr); \
		if (GetLastError() != (DWORD)(err))			\
			t_fail(__FILE__, __LINE__, "%s: last error %u, expected %s (%u)", \
			       #expr, GetLastError(), #err, (unsigned int)(err)); \
	} while (0)

#endif
