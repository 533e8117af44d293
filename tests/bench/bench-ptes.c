// SPDX-License-Identifier: GPL-2.0
/*
 * Page-table memory of a mapping: how much VmPTE grows when one 256 MiB
 * object of each mechanism is mapped and every page touched, one mechanism
 * at a time.  4 KiB entries cost 512 KiB for 256 MiB; 2 MiB entries (THP,
 * SHM_HUGETLB, rtshm's huge entries) one 4 KiB table or none.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define PTES_SIZE	(256 * MIB)

/* VmPTE of this process in KiB, or -1. */
static long vm_pte_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTE: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* The same for a segment from the reserved pool; @anon_kib < 0: none. */
static void pool_row(struct table *t, struct bench_cfg *cfg, double anon_kib)
{
	struct row *r = table_row(t, "page tables, 256 MiB pool segment, KiB");
	long before = vm_pte_kib(), after;
	char ratio[16];
	struct seg s;
	int err;

	err = mech_rtshm_pool_create_map(&s, "rtshm-bench-ptes-pool", PTES_SIZE);
	if (err) {
		row_mech(r, MECH_RTSHM, "n/a (%s)", err == -ENOMEM ? "no pool" : strerror(-err));
		row_ratio(r, "n/a");
		return;
	}
	touch_pages(s.addr, PTES_SIZE);
	after = vm_pte_kib();
	if (mechs[MECH_RTSHM].unmap_destroy(&s))
		cfg->errors++;
	if (before < 0 || after < 0) {
		row_mech(r, MECH_RTSHM, "n/a (no VmPTE)");
		row_ratio(r, "n/a");
		return;
	}
	row_mech(r, MECH_RTSHM, "%ld", after - before);
	if (anon_kib >= 0) {
		row_mech(r, MECH_ANON, "%.0f", anon_kib);
		fmt_ratio(ratio, sizeof(ratio), (double)(after - before) + 1, anon_kib + 1);
		row_ratio(r, "%s", ratio);
	} else {
		row_ratio(r, "n/a");
	}
}

void rows_ptes(struct table *t, struct bench_cfg *cfg)
{
	struct row *r;
	double kib[MECH_COUNT];
	int have[MECH_COUNT], m;
	char ratio[16];

	table_section(t, "Page tables of a 256 MiB mapping, every page touched: "
		      "VmPTE growth in KiB; ratio: rtshm / anon");
	r = table_row(t, "page tables, 256 MiB, KiB");
	for (m = 0; m < MECH_COUNT; m++) {
		struct seg s;
		long before, after;
		int err;

		have[m] = 0;
		if (m == MECH_RTSHM && cfg->max_segment < PTES_SIZE) {
			row_mech(r, m, "n/a (max segment below 256 MiB)");
			continue;
		}
		if (m == MECH_HUGE && !cfg->huge_page) {
			row_mech(r, m, "%s", cfg->huge_why);
			continue;
		}
		before = vm_pte_kib();
		err = mechs[m].create_map(&s, "rtshm-bench-ptes", 0x52420009, PTES_SIZE);
		if (err) {
			cell_error(r, cfg, m, "create/map", err);
			continue;
		}
		touch_pages(s.addr, PTES_SIZE);
		after = vm_pte_kib();
		if (mechs[m].unmap_destroy(&s) && m == MECH_RTSHM)
			cfg->errors++;
		if (before < 0 || after < 0) {
			row_mech(r, m, "n/a (no VmPTE)");
			continue;
		}
		kib[m] = (double)(after - before);
		have[m] = 1;
		row_mech(r, m, "%.0f", kib[m]);
	}
	if (have[MECH_RTSHM] && have[MECH_ANON]) {
		/* 2 MiB entries on both sides may cost nothing: compare with 1 KiB */
		fmt_ratio(ratio, sizeof(ratio), kib[MECH_RTSHM] + 1, kib[MECH_ANON] + 1);
		row_ratio(r, "%s", ratio);
	} else {
		row_ratio(r, "n/a");
	}
	pool_row(t, cfg, have[MECH_ANON] ? kib[MECH_ANON] : -1);
}
