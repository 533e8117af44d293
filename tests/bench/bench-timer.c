// SPDX-License-Identifier: GPL-2.0
/*
 * Periodic timer lateness: a 1 ms RTX timer (RtCreateTimer at
 * RT_PRIORITY_MAX, RtSetTimer with an absolute first due time) against
 * the loop a Linux real-time program writes itself, a thread at the same
 * SCHED_FIFO priority in clock_nanosleep(TIMER_ABSTIME) on the same grid.
 * Lateness is the time from a due time to the moment the routine (or the
 * loop body) runs, measured with CLOCK_MONOTONIC; when a wake-up comes
 * more than a period late, both count the missed due times and measure
 * from the earliest one, as the RTX timer folds them into one call.
 * Passes of the two alternate, so drift in the emulator hits both alike.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtapi.h"
#include "bench.h"

#define TM_PERIOD_NS	1000000ULL	/* 1 ms */
#define TM_PER_PASS	200		/* due times per pass and mechanism */
#define TM_LEAD_NS	2000000ULL	/* first due time this far ahead */

enum { TM_RTX, TM_NANOSLEEP, TM_MECHS };

static const enum mech_id tm_column[TM_MECHS] = {
	[TM_RTX] = MECH_RTSHM,
	[TM_NANOSLEEP] = MECH_ANON,
};

/* One pass of one mechanism: where its samples go. */
struct tm_pass {
	uint64_t start;		/* first due time, ns */
	uint64_t *lat;		/* TM_PER_PASS samples */
	unsigned int n;
	uint64_t served;	/* due times accounted for so far */
	uint64_t missed;	/* due times folded into a later wake-up */
	_Atomic uint32_t done;
};

/* Record a wake-up at @now that serves every due time up to @now. */
static int tm_record(struct tm_pass *p, uint64_t now)
{
	uint64_t first = p->start + p->served * TM_PERIOD_NS;
	uint64_t upto = (now - p->start) / TM_PERIOD_NS + 1;

	p->lat[p->n++] = now > first ? now - first : 0;
	p->missed += upto - p->served - 1;
	p->served = upto;
	return p->n == TM_PER_PASS;
}

static void RTFCNDCL tm_routine(PVOID ctx)
{
	struct tm_pass *p = ctx;
	uint64_t now = now_ns();

	if (p->n < TM_PER_PASS && tm_record(p, now))
		bench_futex_signal(&p->done);
}

/* The hand-written loop. */
static void *tm_nanosleep_loop(void *arg)
{
	struct tm_pass *p = arg;
	struct timespec ts;
	uint64_t due;

	do {
		due = p->start + p->served * TM_PERIOD_NS;
		ts.tv_sec = (time_t)(due / 1000000000ULL);
		ts.tv_nsec = (long)(due % 1000000000ULL);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	} while (!tm_record(p, now_ns()));
	return NULL;
}

/*
 * A timer per pass: RtDeleteTimer waits for its thread, so no late call
 * can write into the next pass.  0, or the RTX error as a positive number.
 */
static DWORD tm_pass_rtx(struct tm_pass *p)
{
	LARGE_INTEGER due, period = { .QuadPart = TM_PERIOD_NS / 100 };
	HANDLE timer = RtCreateTimer(NULL, 0, tm_routine, p, RT_PRIORITY_MAX, CLOCK_FASTEST);

	if (!timer)
		return GetLastError();
	p->start = now_ns() + TM_LEAD_NS;
	p->start -= p->start % 100;	/* on the 100 ns grid RtSetTimer takes */
	due.QuadPart = (LONGLONG)(p->start / 100);
	if (!RtSetTimer(timer, &due, &period)) {
		RtDeleteTimer(timer);
		return GetLastError();
	}
	bench_futex_take(&p->done);
	return RtDeleteTimer(timer) ? 0 : GetLastError();
}

/* The loop on a thread of its own at @fifo, as the RTX timer's; 0 or an errno. */
static int tm_pass_nanosleep(struct tm_pass *p, int fifo)
{
	struct sched_param sp = { .sched_priority = fifo };
	pthread_attr_t attr;
	pthread_t th;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	p->start = now_ns() + TM_LEAD_NS;
	err = pthread_create(&th, &attr, tm_nanosleep_loop, p);
	pthread_attr_destroy(&attr);
	if (err)
		return err;
	pthread_join(th, NULL);
	return 0;
}

static void tm_cells(struct row *r[4], enum mech_id col, uint64_t *lat, size_t n,
		     uint64_t missed, double stat[3])
{
	char buf[CELL_MAX];

	stat[0] = (double)percentile(lat, n, 50);
	stat[1] = (double)percentile(lat, n, 99);
	stat[2] = (double)percentile(lat, n, 100);
	for (int i = 0; i < 3; i++) {
		fmt_ns(buf, sizeof(buf), (uint64_t)stat[i]);
		row_mech(r[i], col, "%s", buf);
	}
	row_mech(r[3], col, "%llu of %zu", (unsigned long long)missed, n + missed);
}

void rows_timer(struct table *t, struct bench_cfg *cfg)
{
	struct tm_pass pass[TM_MECHS];
	uint64_t *lat[TM_MECHS] = { NULL }, missed[TM_MECHS] = { 0 };
	double stat[TM_MECHS][3];
	char buf[CELL_MAX];
	struct row *r[4];
	DWORD rtx_err = 0;
	unsigned int i;
	int m, err = 0;

	table_section(t, "1 ms periodic timer at SCHED_FIFO 99, lateness after each due time "
		      "(rtshm: RtCreateTimer at RT_PRIORITY_MAX + RtSetTimer; anon: "
		      "clock_nanosleep(TIMER_ABSTIME) loop; ratio: rtshm / clock_nanosleep)");
	r[0] = table_row(t, "1 ms timer lateness, median");
	r[1] = table_row(t, "1 ms timer lateness, p99");
	r[2] = table_row(t, "1 ms timer lateness, max");
	r[3] = table_row(t, "1 ms timer, due times missed");
	for (m = MECH_POSIX; m <= MECH_MEMFD; m++)
		for (i = 0; i < 4; i++)
			row_mech(r[i], m, "n/a (no timer)");
	for (m = 0; m < TM_MECHS; m++) {
		lat[m] = calloc((size_t)cfg->passes * TM_PER_PASS, sizeof(uint64_t));
		if (!lat[m])
			err = ENOMEM;
	}
	/* pass 0 warms up and is not counted */
	for (i = 0; !err && !rtx_err && i <= cfg->passes; i++) {
		for (m = 0; !err && !rtx_err && m < TM_MECHS; m++) {
			struct tm_pass *p = &pass[m];

			memset(p, 0, sizeof(*p));
			p->lat = i ? lat[m] + (size_t)(i - 1) * TM_PER_PASS : lat[m];
			if (m == TM_RTX)
				rtx_err = tm_pass_rtx(p);
			else
				err = tm_pass_nanosleep(p, sched_get_priority_max(SCHED_FIFO));
			if (i)
				missed[m] += p->missed;
		}
	}
	if (rtx_err) {
		/* ERROR_PRIVILEGE_NOT_HELD: no SCHED_FIFO for this process */
		row_mech(r[0], MECH_RTSHM, "n/a (RtCreateTimer: error %u)", rtx_err);
		cfg->errors++;
	} else if (err) {
		cell_error(r[0], cfg, err == ENOMEM ? MECH_RTSHM : MECH_ANON, "pass", -err);
	} else {
		for (m = 0; m < TM_MECHS; m++)
			tm_cells(r, tm_column[m], lat[m], (size_t)cfg->passes * TM_PER_PASS,
				 missed[m], stat[m]);
		for (i = 0; i < 3; i++) {
			fmt_ratio(buf, sizeof(buf), stat[TM_RTX][i], stat[TM_NANOSLEEP][i]);
			row_ratio(r[i], "%s", buf);
		}
	}
	for (m = 0; m < TM_MECHS; m++)
		free(lat[m]);
}
