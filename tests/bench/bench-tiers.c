// SPDX-License-Identifier: GPL-2.0
/*
 * Large allocations by tier: the time of rtshm_create()+rtshm_map() of an
 * unnamed segment from one allocation tier (pages, contig, pool, or any:
 * the first that succeeds), and how many of the tries succeeded.  Only
 * rtshm has tiers; the other columns say so.  The pool rows need the
 * guest's memmap= reservation and the module's pool parameters, which
 * tests/vm/bench.sh sets; without them they say n/a.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "rtshm.h"
#include "bench.h"

#define TIER_TRIES	5
#define TIER_TRIES_QUICK 2

struct tier_case {
	const char *label;
	unsigned int flag;	/* RTSHM_USE_*, or 0 for any tier */
	size_t size;
};

static const struct tier_case tier_cases[] = {
	{ "alloc pages 4 MiB, create+map", RTSHM_USE_PAGES, 4 * MIB },
	{ "alloc contig 64 MiB, create+map", RTSHM_USE_CONTIG, 64 * MIB },
	{ "alloc contig 256 MiB, create+map", RTSHM_USE_CONTIG, 256 * MIB },
	{ "alloc pool 64 MiB, create+map", RTSHM_USE_POOL, 64 * MIB },
	{ "alloc pool 256 MiB, create+map", RTSHM_USE_POOL, 256 * MIB },
	{ "alloc any tier 64 MiB, create+map", 0, 64 * MIB },
};

/* One try: 0 and the time, or -errno. */
static int tier_try(const struct tier_case *c, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	void *p;
	int h, ret;

	h = rtshm_create(NULL, c->size, RTSHM_RDWR | c->flag, 0600, NULL);
	if (h < 0)
		return h;
	ret = rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, &p);
	*ns = now_ns() - t0;
	if (!ret)
		rtshm_unmap(p, c->size);
	rtshm_close(h);
	return ret;
}

static void tier_row(struct table *t, struct bench_cfg *cfg,
		     const struct tier_case *c, unsigned int tries)
{
	struct row *r = table_row(t, c->label);
	uint64_t lat[TIER_TRIES];
	unsigned int i, ok = 0;
	char buf[CELL_MAX];
	int m, ret, err = 0;

	for (m = 0; m < MECH_COUNT; m++)
		if (m != MECH_RTSHM)
			row_mech(r, m, "n/a (rtshm tiers)");
	if (c->size > cfg->max_segment) {
		row_mech(r, MECH_RTSHM, "n/a (max segment %llu MiB)",
			 (unsigned long long)(cfg->max_segment / MIB));
		return;
	}
	for (i = 0; i < tries; i++) {
		ret = tier_try(c, &lat[ok]);
		if (!ret)
			ok++;
		else
			err = ret;
	}
	if (!ok) {
		/* no pool configured, or no room: a fact of this guest, not an error */
		row_mech(r, MECH_RTSHM, "0/%u ok (%s)", tries, rtshm_strerror(err));
		return;
	}
	fmt_ns(buf, sizeof(buf), median(lat, ok));
	row_mech(r, MECH_RTSHM, "%s, %u/%u ok", buf, ok, tries);
}

void rows_tiers(struct table *t, struct bench_cfg *cfg)
{
	unsigned int tries = cfg->passes < 41 ? TIER_TRIES_QUICK : TIER_TRIES;
	size_t i;

	table_section(t, "Large allocations by tier: rtshm_create+rtshm_map of an "
		      "unnamed segment, median of the successful tries");
	for (i = 0; i < sizeof(tier_cases) / sizeof(tier_cases[0]); i++)
		tier_row(t, cfg, &tier_cases[i], tries);
}
