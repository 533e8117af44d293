// SPDX-License-Identifier: GPL-2.0
/*
 * The whole life of a small named segment: create, map, unmap, close (and
 * for POSIX shm_unlink, for SysV IPC_RMID, so the object is gone at the end
 * as an rtshm segment is after its last close).  First with the memory
 * untouched, where the others map lazily and allocate nothing while rtshm
 * allocates, zeroes and maps all of it; then with every page written once,
 * where each has its memory present as a program using it would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define CYCLE_SIZE	(64 * KIB)

/*
 * One pair of rows (median, p99).  @write: every page is written once
 * between map and unmap, so each mechanism has its memory present, as a
 * program that uses the segment has; without it only rtshm allocates any.
 */
static void cycle_rows(struct table *t, struct bench_cfg *cfg, int write)
{
	uint64_t *lat[MECH_COUNT] = { NULL };
	int have[MECH_COUNT], err[MECH_COUNT];
	const char *what[MECH_COUNT];
	double v[2][MECH_COUNT];
	struct row *r[2];
	char buf[CELL_MAX];
	unsigned int i, n = cfg->cycles + cfg->cycle_warmup;
	int m, k;

	r[0] = table_row(t, write ? "64 KiB written, median" : "64 KiB cycle, median");
	r[1] = table_row(t, write ? "64 KiB written, p99" : "64 KiB cycle, p99");

	for (m = 0; m < MECH_COUNT; m++) {
		err[m] = 0;
		what[m] = NULL;
		have[m] = mechs[m].shared && m != MECH_HUGE;
		if (have[m]) {
			lat[m] = calloc(n, sizeof(uint64_t));
			if (!lat[m]) {
				have[m] = 0;
				err[m] = -ENOMEM;
				what[m] = "calloc";
			}
		}
	}

	/* iterations interleaved across mechanisms; the first ones warm up */
	for (i = 0; i < n; i++)
		for (m = 0; m < MECH_COUNT; m++) {
			struct seg s;
			uint64_t t0;
			int ret;

			if (!have[m])
				continue;
			t0 = now_ns();
			ret = mechs[m].create_map(&s, "rtshm-bench-cycle",
						  0x52420002, CYCLE_SIZE);
			if (!ret && write)
				touch_pages(s.addr, CYCLE_SIZE);
			if (!ret)
				ret = mechs[m].unmap_destroy(&s);
			lat[m][i] = now_ns() - t0;
			if (ret) {
				have[m] = 0;
				err[m] = ret;
				what[m] = "cycle";
			}
		}

	for (m = 0; m < MECH_COUNT; m++) {
		if (!have[m]) {
			for (k = 0; k < 2; k++) {
				if (err[m])
					cell_error(r[k], cfg, m, what[m], err[m]);
				else if (m == MECH_HUGE)
					row_mech(r[k], m, "n/a (below one huge page)");
				else
					row_mech(r[k], m, "n/a (not shared)");
			}
			continue;
		}
		v[0][m] = (double)percentile(lat[m] + cfg->cycle_warmup, cfg->cycles, 50.0);
		v[1][m] = (double)percentile(lat[m] + cfg->cycle_warmup, cfg->cycles, 99.0);
		for (k = 0; k < 2; k++) {
			fmt_ns(buf, sizeof(buf), (uint64_t)v[k][m]);
			row_mech(r[k], m, "%s", buf);
		}
	}
	for (k = 0; k < 2; k++)
		row_ratio_best(r[k], v[k], have);
	for (m = 0; m < MECH_COUNT; m++)
		free(lat[m]);
}

void rows_cycle(struct table *t, struct bench_cfg *cfg)
{
	table_section(t, "Life cycle of a 64 KiB segment: create+map+unmap+close, "
		      "then the same with every page written once (ratio: rtshm / best other)");
	cycle_rows(t, cfg, 0);
	cycle_rows(t, cfg, 1);
}
