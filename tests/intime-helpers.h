/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the INtime tests: short names, a clock, pipe hand-offs. */
#ifndef RTSHM_TEST_INTIME_HELPERS_H
#define RTSHM_TEST_INTIME_HELPERS_H

#include <time.h>
#include <unistd.h>

#include "harness.h"

/* INtime names have at most 12 bytes: t_name()'s are longer. */
#define T_INTIME_NAME_SIZE 13

/* A name unique to this process and @tag, e.g. "Ia1234". */
static inline void t_intime_name(char buf[T_INTIME_NAME_SIZE], char tag)
{
	snprintf(buf, T_INTIME_NAME_SIZE, "I%c%d", tag, (int)getpid());
}

/* CLOCK_MONOTONIC in milliseconds. */
static inline long long t_ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void t_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Hand-offs between a test and its child: one byte through a pipe. */
static inline void t_post(int fd)
{
	CHECK_EQ(write(fd, "x", 1), 1);
}

/* Wait for t_post(); fails if the other side exited first. */
static inline void t_await(int fd)
{
	char c;

	CHECK_EQ(read(fd, &c, 1), 1);
}

#endif
