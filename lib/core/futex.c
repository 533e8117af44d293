// SPDX-License-Identifier: LGPL-2.1-or-later
/* Shared futex calls and CLOCK_MONOTONIC deadlines. */
#include <errno.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "futex.h"

#define NSEC_PER_SEC 1000000000L

int rtshm_futex_wake(_Atomic uint32_t *word, int n)
{
	long ret = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, n, NULL,
			   NULL, 0);

	return ret < 0 ? -errno : (int)ret;
}

static int rtshm_futex_result(long ret)
{
	if (ret >= 0 || errno == EAGAIN)
		return 0;
	return -errno;
}

int rtshm_futex_wait(_Atomic uint32_t *word, uint32_t val,
		     const struct timespec *deadline)
{
	/* WAIT_BITSET takes an absolute time on CLOCK_MONOTONIC */
	return rtshm_futex_result(syscall(SYS_futex, (uint32_t *)word,
					  FUTEX_WAIT_BITSET, val, deadline,
					  NULL, FUTEX_BITSET_MATCH_ANY));
}

int rtshm_futex_waitv(struct futex_waitv *v, unsigned int n,
		      const struct timespec *deadline)
{
	return rtshm_futex_result(syscall(SYS_futex_waitv, v, n, 0, deadline,
					  CLOCK_MONOTONIC));
}

void rtshm_futex_waitv_set(struct futex_waitv *v, _Atomic uint32_t *word,
			   uint32_t val)
{
	v->val = val;
	v->uaddr = (uintptr_t)word;
	v->flags = FUTEX_32;	/* no FUTEX_PRIVATE_FLAG: other processes wake us */
	v->__reserved = 0;
}

static void rtshm_ts_add_ns(struct timespec *ts, long ns)
{
	ts->tv_sec += ns / NSEC_PER_SEC;
	ts->tv_nsec += ns % NSEC_PER_SEC;
	if (ts->tv_nsec >= NSEC_PER_SEC) {
		ts->tv_sec++;
		ts->tv_nsec -= NSEC_PER_SEC;
	}
}

static int rtshm_ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

void rtshm_deadline_ms(struct timespec *ts, uint32_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	rtshm_ts_add_ns(ts, (long)(ms % 1000) * 1000000L);
}

const struct timespec *rtshm_deadline_cap(const struct timespec *deadline,
					  long ns, struct timespec *out)
{
	clock_gettime(CLOCK_MONOTONIC, out);
	rtshm_ts_add_ns(out, ns);
	if (deadline && rtshm_ts_before(deadline, out))
		return deadline;
	return out;
}

int rtshm_deadline_passed(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return !rtshm_ts_before(&now, deadline);
}
