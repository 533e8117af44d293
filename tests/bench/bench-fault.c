// SPDX-License-Identifier: GPL-2.0
/*
 * First touch of a freshly mapped segment: create and map it (timed), then
 * write one byte per 4 KiB page (timed, and the page faults counted with
 * getrusage).  rtshm inserts every page at mmap time, so its cost is in
 * create+map and its touch should not fault; the total shows the trade.
 */
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "bench.h"

#define FAULT_MAX_REPS	16

struct fault_run {
	int have;			/* measured */
	int err;			/* -errno of a failed call, if !have */
	const char *what;		/* that call */
	char na[CELL_MAX];		/* else why not, if !have */
	uint64_t map_ns[FAULT_MAX_REPS];
	uint64_t touch_ns[FAULT_MAX_REPS];
	uint64_t total_ns[FAULT_MAX_REPS];
	uint64_t faults[FAULT_MAX_REPS];
};

/* Can @m make a segment of @size at all?  If not, say why in @na. */
static int fault_possible(const struct bench_cfg *cfg, enum mech_id m,
			  size_t size, char *na, size_t nalen)
{
	if (m == MECH_RTSHM && size > cfg->max_segment) {
		snprintf(na, nalen, "n/a (max segment %llu MiB)",
			 (unsigned long long)(cfg->max_segment / MIB));
		return 0;
	}
	if (m == MECH_HUGE && !cfg->huge_page) {
		snprintf(na, nalen, "%s", cfg->huge_why);
		return 0;
	}
	if (m == MECH_HUGE && size % cfg->huge_page) {
		snprintf(na, nalen, "n/a (not whole huge pages)");
		return 0;
	}
	/* a small guest (tests/vm/demo.sh --bench) must not die of SIGBUS or OOM */
	if (m != MECH_HUGE) {
		long avail = sysconf(_SC_AVPHYS_PAGES);
		struct statvfs sv;

		if (avail > 0 && (size_t)avail * PAGE < 2 * size) {
			snprintf(na, nalen, "n/a (%zu MiB free)", (size_t)avail * PAGE / MIB);
			return 0;
		}
		if (m == MECH_POSIX && !statvfs("/dev/shm", &sv) &&
		    (size_t)sv.f_bavail * sv.f_frsize < size) {
			snprintf(na, nalen, "n/a (/dev/shm %zu MiB free)",
				 (size_t)sv.f_bavail * sv.f_frsize / MIB);
			return 0;
		}
	}
	return 1;
}

static void fault_rows_for(struct table *t, struct bench_cfg *cfg,
			   size_t size, unsigned int reps)
{
	static struct fault_run run[MECH_COUNT];
	struct row *r[4];
	char label[CELL_MAX], buf[CELL_MAX];
	double v[4][MECH_COUNT];
	int have[MECH_COUNT];
	unsigned int rep;
	int m, i;

	if (reps > FAULT_MAX_REPS)
		reps = FAULT_MAX_REPS;
	memset(run, 0, sizeof(run));
	for (m = 0; m < MECH_COUNT; m++)
		run[m].have = fault_possible(cfg, m, size, run[m].na, CELL_MAX);

	/* reps interleaved across mechanisms, so drift hits all alike */
	for (rep = 0; rep < reps; rep++)
		for (m = 0; m < MECH_COUNT; m++) {
			struct seg s;
			uint64_t t0, t1, t2;
			long f0, f1;
			int ret;

			if (!run[m].have)
				continue;
			t0 = now_ns();
			ret = mechs[m].create_map(&s, "rtshm-bench-fault",
						  0x52420001, size);
			t1 = now_ns();
			if (ret) {
				run[m].have = 0;
				run[m].err = ret;
				run[m].what = "create/map";
				continue;
			}
			f0 = faults_now();
			t2 = now_ns();
			touch_pages(s.addr, size);
			run[m].touch_ns[rep] = now_ns() - t2;
			f1 = faults_now();
			run[m].map_ns[rep] = t1 - t0;
			run[m].total_ns[rep] = run[m].map_ns[rep] + run[m].touch_ns[rep];
			run[m].faults[rep] = (uint64_t)(f1 - f0);
			ret = mechs[m].unmap_destroy(&s);
			if (ret) {
				run[m].have = 0;
				run[m].err = ret;
				run[m].what = "unmap/destroy";
			}
		}

	snprintf(label, sizeof(label), "page faults, %zu MiB", size / MIB);
	r[0] = table_row(t, label);
	snprintf(label, sizeof(label), "create+map, %zu MiB", size / MIB);
	r[1] = table_row(t, label);
	snprintf(label, sizeof(label), "first touch, %zu MiB", size / MIB);
	r[2] = table_row(t, label);
	snprintf(label, sizeof(label), "create+map+touch, %zu MiB", size / MIB);
	r[3] = table_row(t, label);

	for (m = 0; m < MECH_COUNT; m++) {
		have[m] = run[m].have;
		if (!have[m]) {
			for (i = 0; i < 4; i++)
				if (run[m].err)
					cell_error(r[i], cfg, m, run[m].what, run[m].err);
				else
					row_mech(r[i], m, "%s", run[m].na);
			continue;
		}
		v[0][m] = (double)median(run[m].faults, reps);
		v[1][m] = (double)median(run[m].map_ns, reps);
		v[2][m] = (double)median(run[m].touch_ns, reps);
		v[3][m] = (double)median(run[m].total_ns, reps);
		row_mech(r[0], m, "%.0f", v[0][m]);
		for (i = 1; i < 4; i++) {
			fmt_ns(buf, sizeof(buf), (uint64_t)v[i][m]);
			row_mech(r[i], m, "%s", buf);
		}
	}
	for (i = 0; i < 4; i++)
		row_ratio_best(r[i], v[i], have);
}

void rows_faults(struct table *t, struct bench_cfg *cfg)
{
	table_section(t, "First touch: create and map, then write 1 byte per 4 KiB page "
		      "(medians; ratio: rtshm / best other shared)");
	fault_rows_for(t, cfg, 4 * MIB, cfg->fault_reps_small);
	fault_rows_for(t, cfg, 256 * MIB, cfg->fault_reps_large);
}
