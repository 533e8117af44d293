// SPDX-License-Identifier: GPL-2.0
/*
 * Open by name with many live segments: 10, 1000 and (by default) 60 000
 * one-page segments exist; each sample opens one of them, chosen by a fixed
 * pseudo-random sequence, and drops the descriptor again (rtshm_open +
 * rtshm_close, shm_open + close; SysV shmget of an existing key gives an
 * id, nothing to close).  The rtshm segments stay alive through a mapping
 * each (create, map, close), so no descriptor is held per segment.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define OPEN_LEVELS	3
#define OPEN_MARGIN	16	/* objects other rows may hold meanwhile */
#define OPEN_KEY_BASE	0x52500000

struct open_mech {
	int have;
	double first_median;	/* at the smallest level, for the growth row */
	double last_median;	/* at the largest level measured */
	int err;
	const char *what;
	char na[CELL_MAX];
	unsigned int live;	/* segments made so far */
	struct seg *segs;
	uint64_t *lat;
};

static void open_name(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "rtshm-bench-%05u", i);
}

static long read_sysctl(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Can @m hold @level live segments here?  If not, say why in @na. */
static int open_possible(const struct bench_cfg *cfg, enum mech_id m,
			 unsigned int level, char *na, size_t nalen)
{
	long v;

	switch (m) {
	case MECH_RTSHM:
		if (cfg->max_segments < level + OPEN_MARGIN) {
			snprintf(na, nalen, "n/a (max_segments %u)", cfg->max_segments);
			return 0;
		}
		v = read_sysctl("/proc/sys/vm/max_map_count");
		if (v >= 0 && v < (long)level + 1000) {
			snprintf(na, nalen, "n/a (vm.max_map_count %ld)", v);
			return 0;
		}
		return 1;
	case MECH_SYSV:
		v = read_sysctl("/proc/sys/kernel/shmmni");
		if (v >= 0 && v < (long)level + OPEN_MARGIN) {
			snprintf(na, nalen, "n/a (kernel.shmmni %ld)", v);
			return 0;
		}
		return 1;
	case MECH_POSIX:
		return 1;
	case MECH_HUGE:
		snprintf(na, nalen, "n/a (same keys as SysV)");
		return 0;
	default:
		snprintf(na, nalen, "n/a (no names)");
		return 0;
	}
}

static void open_fail(struct open_mech *om, const char *what, int err)
{
	om->have = 0;
	om->err = err;
	om->what = what;
}

/* Create segments until @m has @level of them. */
static void populate(struct open_mech *om, enum mech_id m, unsigned int level)
{
	char name[64];
	int ret;

	while (om->have && om->live < level) {
		open_name(name, sizeof(name), om->live);
		ret = mechs[m].make_live(&om->segs[om->live], name,
					 OPEN_KEY_BASE + (key_t)om->live, PAGE);
		if (ret) {
			open_fail(om, "create", ret);
			return;
		}
		om->live++;
	}
}

/*
 * How much the median grew from the fewest live segments (10) to the most:
 * 1.00 is flat.  Only for mechanisms measured at every level.
 */
static void growth_row(struct table *t, struct bench_cfg *cfg,
		       const struct open_mech *om, unsigned int bottom, unsigned int top)
{
	char label[CELL_MAX];
	double v[MECH_COUNT];
	int have[MECH_COUNT], m;
	struct row *r;

	snprintf(label, sizeof(label), "open, median %u / %u live", top, bottom);
	r = table_row(t, label);
	for (m = 0; m < MECH_COUNT; m++) {
		have[m] = om[m].have && om[m].first_median > 0.0;
		if (!have[m]) {
			if (om[m].err)
				cell_error(r, cfg, m, om[m].what, om[m].err);
			else
				row_mech(r, m, "%s", om[m].na);
			continue;
		}
		v[m] = om[m].last_median / om[m].first_median;
		row_mech(r, m, "%.2f", v[m]);
	}
	row_ratio_best(r, v, have);
}

void rows_open(struct table *t, struct bench_cfg *cfg)
{
	static struct open_mech om[MECH_COUNT];
	/* never more than --live: the arrays hold that many */
	unsigned int levels[OPEN_LEVELS] = { 10, 1000, cfg->max_live }, prev = 0;
	unsigned int warm = cfg->lookups / 10, n = cfg->lookups + warm;
	uint32_t *pick;
	char title[160];
	int li, m;

	snprintf(title, sizeof(title), "Open by name with N live 1-page segments: "
		 "%u opens each (+%u warm-up) of random live names "
		 "(ratio: rtshm / best other)", cfg->lookups, warm);
	table_section(t, title);

	pick = calloc(n, sizeof(*pick));
	memset(om, 0, sizeof(om));
	for (m = 0; m < MECH_COUNT; m++) {
		om[m].have = mechs[m].named && m != MECH_HUGE;
		if (!om[m].have)
			continue;
		om[m].segs = calloc(cfg->max_live, sizeof(struct seg));
		om[m].lat = calloc(n, sizeof(uint64_t));
		if (!om[m].segs || !om[m].lat || !pick)
			open_fail(&om[m], "calloc", -ENOMEM);
	}

	for (li = 0; li < OPEN_LEVELS; li++) {
		unsigned int level = levels[li] < cfg->max_live ? levels[li] : cfg->max_live, i;
		uint64_t seed = 0x9E3779B97F4A7C15ULL;
		double v[2][MECH_COUNT];
		int have[MECH_COUNT];
		struct row *r[2];
		char label[CELL_MAX], buf[CELL_MAX];
		int k;

		if (level <= prev)
			continue;	/* --live below 1000 */
		prev = level;
		if (!li)
			levels[0] = level;
		for (m = 0; m < MECH_COUNT; m++)
			if (om[m].have || (!om[m].err && !om[m].na[0])) {
				if (!open_possible(cfg, m, level, om[m].na, CELL_MAX))
					om[m].have = 0;
				else
					populate(&om[m], m, level);
			}
		if (pick)
			for (i = 0; i < n; i++)
				pick[i] = (uint32_t)(rng_next(&seed) % level);

		/* samples interleaved across mechanisms */
		for (i = 0; i < n; i++)
			for (m = 0; m < MECH_COUNT; m++) {
				uint64_t t0;
				int ret;

				if (!om[m].have)
					continue;
				open_name(buf, sizeof(buf), pick[i]);
				t0 = now_ns();
				ret = mechs[m].lookup(buf, OPEN_KEY_BASE + (key_t)pick[i]);
				om[m].lat[i] = now_ns() - t0;
				if (ret)
					open_fail(&om[m], "open", ret);
			}

		snprintf(label, sizeof(label), "open, %u live, median", level);
		r[0] = table_row(t, label);
		snprintf(label, sizeof(label), "open, %u live, p99", level);
		r[1] = table_row(t, label);
		for (m = 0; m < MECH_COUNT; m++) {
			have[m] = om[m].have;
			if (!have[m]) {
				for (k = 0; k < 2; k++)
					if (om[m].err)
						cell_error(r[k], cfg, m, om[m].what, om[m].err);
					else
						row_mech(r[k], m, "%s", om[m].na);
				continue;
			}
			v[0][m] = (double)percentile(om[m].lat + warm, cfg->lookups, 50.0);
			v[1][m] = (double)percentile(om[m].lat + warm, cfg->lookups, 99.0);
			if (!li)
				om[m].first_median = v[0][m];
			om[m].last_median = v[0][m];
			for (k = 0; k < 2; k++) {
				fmt_ns(buf, sizeof(buf), (uint64_t)v[k][m]);
				row_mech(r[k], m, "%s", buf);
			}
		}
		for (k = 0; k < 2; k++)
			row_ratio_best(r[k], v[k], have);
	}

	if (prev > levels[0])
		growth_row(t, cfg, om, levels[0], prev);

	for (m = 0; m < MECH_COUNT; m++) {
		while (om[m].live) {
			int ret = mechs[m].drop_live(&om[m].segs[--om[m].live]);

			if (ret && m == MECH_RTSHM)
				cfg->errors++;
		}
		free(om[m].segs);
		free(om[m].lat);
	}
	free(pick);
}
