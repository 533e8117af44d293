// SPDX-License-Identifier: GPL-2.0
/*
 * Access throughput of mapped memory, every mechanism against anonymous
 * memory: sequential and random 8-byte reads and writes over one buffer per
 * mechanism, every page touched beforehand.  The random pattern is one
 * precomputed index array (fixed seed) used for all; reads are summed into
 * a volatile sink and the buffers are mmap()ed memory the compiler cannot
 * see the end of, so no pass can be optimised away.  The rate is the best
 * pass: interference (the emulator's host, other vCPU work) only ever
 * slows a pass down.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define ACCESS_PATTERNS	4
#define ACCESS_MAX_PASSES	128
/*
 * Each timed pass moves this much (two sweeps of a 4 MiB buffer, one of a
 * larger one).  Short passes, and many: on a busy host the emulator's vCPU
 * is preempted every few milliseconds, and the best pass is one that was
 * not.
 */
#define ACCESS_PASS_BYTES	(8 * MIB)

static volatile uint64_t sink;

static __attribute__((noinline)) uint64_t seq_read(const uint64_t *p, size_t words)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < words; i++)
		sum += p[i];
	return sum;
}

static __attribute__((noinline)) void seq_write(uint64_t *p, size_t words, uint64_t v)
{
	size_t i;

	for (i = 0; i < words; i++)
		p[i] = v + i;
}

static __attribute__((noinline)) uint64_t rand_read(const uint64_t *p,
						    const uint32_t *idx, size_t n)
{
	uint64_t sum = 0;
	size_t k;

	for (k = 0; k < n; k++)
		sum += p[idx[k]];
	return sum;
}

static __attribute__((noinline)) void rand_write(uint64_t *p, const uint32_t *idx,
						 size_t n, uint64_t v)
{
	size_t k;

	for (k = 0; k < n; k++)
		p[idx[k]] = v + k;
}

/* One timed pass: @sweeps times @pattern over @p. */
static uint64_t access_pass(int pattern, uint64_t *p, size_t words,
			    const uint32_t *idx, size_t n, uint64_t v,
			    unsigned int sweeps)
{
	uint64_t t0 = now_ns();
	unsigned int s;

	for (s = 0; s < sweeps; s++)
		switch (pattern) {
		case 0:
			sink += seq_read(p, words);
			break;
		case 1:
			seq_write(p, words, v + s);
			break;
		case 2:
			sink += rand_read(p, idx, n);
			break;
		default:
			rand_write(p, idx, n, v + s);
			break;
		}
	return now_ns() - t0;
}

/* Every mechanism, and rtshm again with a segment from the reserved pool. */
#define ACCESS_SLOTS	(MECH_COUNT + 1)
#define POOL_SLOT	MECH_COUNT

static int slot_create_map(int m, struct seg *s, size_t size)
{
	if (m == POOL_SLOT)
		return mech_rtshm_pool_create_map(s, "rtshm-bench-access-pool", size);
	return mechs[m].create_map(s, "rtshm-bench-access", 0x52420003, size);
}

/* The pool rows: rtshm's cell is the pool segment's, anon's the baseline. */
static void pool_rows(struct table *t, const char *const *labels, double rate[][ACCESS_SLOTS],
		      const int *have, int pool_err)
{
	char metric[80], ratio[16];
	int pat;

	for (pat = 0; pat < ACCESS_PATTERNS; pat++) {
		struct row *r;

		snprintf(metric, sizeof(metric), "%s, pool segment", labels[pat]);
		r = table_row(t, metric);
		if (!have[POOL_SLOT]) {
			row_mech(r, MECH_RTSHM, "n/a (%s)", pool_err == -ENOMEM ? "no pool" : strerror(-pool_err));
			row_ratio(r, "n/a");
			continue;
		}
		fmt_ratio(ratio, sizeof(ratio), rate[pat][POOL_SLOT],
			  have[MECH_ANON] ? rate[pat][MECH_ANON] : 0);
		row_mech(r, MECH_RTSHM, pat < 2 ? "%.0f (%s)" : "%.2f (%s)", rate[pat][POOL_SLOT], ratio);
		if (have[MECH_ANON])
			row_mech(r, MECH_ANON, pat < 2 ? "%.0f" : "%.2f", rate[pat][MECH_ANON]);
		row_ratio(r, "%s", ratio);
	}
}

void rows_access(struct table *t, struct bench_cfg *cfg)
{
	static const char *const labels[ACCESS_PATTERNS] = {
		"seq read, MiB/s", "seq write, MiB/s",
		"random read 8 B, M/s", "random write 8 B, M/s",
	};
	static uint64_t ns[ACCESS_PATTERNS][ACCESS_SLOTS][ACCESS_MAX_PASSES];
	size_t size = cfg->access_size, words = size / 8, n = size / 64, k;
	unsigned int passes = cfg->passes, pass;
	unsigned int sweeps = size < ACCESS_PASS_BYTES ? (unsigned int)(ACCESS_PASS_BYTES / size) : 1;
	struct seg segs[ACCESS_SLOTS];
	int have[ACCESS_SLOTS], err[ACCESS_SLOTS];
	double rate[ACCESS_PATTERNS][ACCESS_SLOTS];
	uint64_t seed = 0x2545F4914F6CDD1DULL;
	char title[200];
	uint32_t *idx;
	int m, pat;

	if (passes > ACCESS_MAX_PASSES - 1)
		passes = ACCESS_MAX_PASSES - 1;
	snprintf(title, sizeof(title), "Access throughput over %zu MiB (%u sweeps "
		 "per pass), every page touched first: best of %u passes (+1 "
		 "warm-up); cell: rate (/ anon); ratio: rtshm / anon",
		 size / MIB, sweeps, passes);
	table_section(t, title);

	idx = malloc(n * sizeof(*idx));
	for (k = 0; idx && k < n; k++)
		idx[k] = (uint32_t)(rng_next(&seed) % words);

	for (m = 0; m < ACCESS_SLOTS; m++) {
		err[m] = 0;
		have[m] = 1;
		if (m == MECH_HUGE && (!cfg->huge_page || size % cfg->huge_page)) {
			have[m] = 0;
			continue;
		}
		if (!idx) {
			have[m] = 0;
			err[m] = -ENOMEM;
			continue;
		}
		err[m] = slot_create_map(m, &segs[m], size);
		if (err[m]) {
			have[m] = 0;
			continue;
		}
		memset(segs[m].addr, 0x5a, size);
	}

	/* pass 0 warms up; each pass starts with another mechanism */
	for (pass = 0; pass <= passes; pass++)
		for (pat = 0; pat < ACCESS_PATTERNS; pat++)
			for (k = 0; k < ACCESS_SLOTS; k++) {
				m = (int)((k + pass) % ACCESS_SLOTS);
				if (have[m])
					ns[pat][m][pass] = access_pass(pat, segs[m].addr,
								       words, idx, n, pass,
								       sweeps);
			}

	for (pat = 0; pat < ACCESS_PATTERNS; pat++)
		for (m = 0; m < ACCESS_SLOTS; m++) {
			double best;

			if (!have[m])
				continue;
			best = (double)minimum(&ns[pat][m][1], passes) / 1e9;
			rate[pat][m] = (double)sweeps *
				       (pat < 2 ? (double)size / MIB : (double)n / 1e6) / best;
		}

	for (pat = 0; pat < ACCESS_PATTERNS; pat++) {
		struct row *r = table_row(t, labels[pat]);

		for (m = 0; m < MECH_COUNT; m++) {
			char ratio[16];

			if (!have[m]) {
				if (err[m])
					cell_error(r, cfg, m, "create/map", err[m]);
				else if (!cfg->huge_page)
					row_mech(r, m, "%s", cfg->huge_why);
				else
					row_mech(r, m, "n/a (not whole huge pages)");
				continue;
			}
			fmt_ratio(ratio, sizeof(ratio), rate[pat][m],
				  have[MECH_ANON] ? rate[pat][MECH_ANON] : 0);
			row_mech(r, m, pat < 2 ? "%.0f (%s)" : "%.2f (%s)", rate[pat][m], ratio);
			if (m == MECH_RTSHM)
				row_ratio(r, "%s", ratio);
		}
		if (!have[MECH_RTSHM])
			row_ratio(r, "n/a");
	}
	pool_rows(t, labels, rate, have, err[POOL_SLOT]);

	for (m = 0; m < ACCESS_SLOTS; m++)
		if (have[m] && mechs[m < MECH_COUNT ? m : MECH_RTSHM].unmap_destroy(&segs[m]) &&
		    (m == MECH_RTSHM || m == POOL_SLOT))
			cfg->errors++;
	free(idx);
}
