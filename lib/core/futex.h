/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared (not FUTEX_PRIVATE) futex calls on 32-bit words in state pages
 * mapped by several processes.  Deadlines are absolute CLOCK_MONOTONIC
 * times; NULL waits forever.
 */
#ifndef RTSHM_LIB_FUTEX_H
#define RTSHM_LIB_FUTEX_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include <linux/futex.h>

/* Wake up to @n waiters of @word.  Return: number woken or -errno. */
int rtshm_futex_wake(_Atomic uint32_t *word, int n);

/*
 * Sleep while *@word == @val, until woken or @deadline.
 * Return: 0 (woken or value changed), -ETIMEDOUT or -EINTR.
 */
int rtshm_futex_wait(_Atomic uint32_t *word, uint32_t val,
		     const struct timespec *deadline);

/*
 * Sleep until one of the @n words of @v changes from its value or is woken
 * (futex_waitv, Linux 5.16+).  Return: 0, -ETIMEDOUT, -EINTR or -errno.
 */
int rtshm_futex_waitv(struct futex_waitv *v, unsigned int n,
		      const struct timespec *deadline);

/* Fill in one futex_waitv entry for a shared 32-bit word. */
void rtshm_futex_waitv_set(struct futex_waitv *v, _Atomic uint32_t *word,
			   uint32_t val);

/* Absolute CLOCK_MONOTONIC time @ms milliseconds from now. */
void rtshm_deadline_ms(struct timespec *ts, uint32_t ms);

/* The earlier of @deadline (NULL: never) and now + @ns, into @out. */
const struct timespec *rtshm_deadline_cap(const struct timespec *deadline,
					  long ns, struct timespec *out);

/* Whether @deadline (not NULL) has passed. */
int rtshm_deadline_passed(const struct timespec *deadline);

#endif
