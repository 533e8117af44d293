/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtshm-bench: rtshm against the other ways Linux shares memory, measured
 * side by side in one run.  See tests/bench/bench.c for the table and the
 * README section "Benchmarks" for what each row means.
 */
#ifndef RTSHM_BENCH_H
#define RTSHM_BENCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KIB	((size_t)1024)
#define MIB	((size_t)1024 * 1024)
#define PAGE	((size_t)4096)

/* --- mechanisms (bench-mech.c) ------------------------------------------ */

enum mech_id {
	MECH_RTSHM,
	MECH_POSIX,	/* shm_open + ftruncate + mmap */
	MECH_SYSV,	/* shmget + shmat */
	MECH_HUGE,	/* shmget(SHM_HUGETLB) + shmat */
	MECH_MEMFD,	/* memfd_create + ftruncate + mmap */
	MECH_ANON,	/* mmap(MAP_PRIVATE | MAP_ANONYMOUS): the baseline */
	MECH_COUNT
};

/* One object of a mechanism, mapped or merely alive. */
struct seg {
	void *addr;		/* NULL: not mapped */
	size_t len;		/* mapped length */
	int fd;			/* rtshm handle, POSIX or memfd fd; -1 if none */
	int shmid;		/* SysV id; -1 if none */
	char name[64];		/* the name as the mechanism spells it */
};

struct mech {
	const char *label;	/* column header */
	int shared;		/* 0: anonymous memory, the baseline */
	int named;		/* objects can be found by name (or key) */
	/*
	 * Create an object of @size bytes and map it read-write, MAP_SHARED
	 * (anon: MAP_PRIVATE).  @name and @key name it where the mechanism
	 * has names.  Return 0 or -errno; on failure nothing is left behind.
	 */
	int (*create_map)(struct seg *s, const char *name, key_t key, size_t size);
	/* Unmap, close and destroy what create_map() made.  0 or -errno. */
	int (*unmap_destroy)(struct seg *s);
	/*
	 * Named mechanisms only: leave an object of @size bytes alive with no
	 * file descriptor (rtshm: create, map, close: the mapping keeps it),
	 * find it again by name (and drop the descriptor that gives), and
	 * destroy it.
	 */
	int (*make_live)(struct seg *s, const char *name, key_t key, size_t size);
	int (*lookup)(const char *name, key_t key);
	int (*drop_live)(struct seg *s);
};

extern const struct mech mechs[MECH_COUNT];

/*
 * An rtshm segment from the reserved pool, mapped as MECH_RTSHM's
 * create_map() does (undone by its unmap_destroy()); -errno without a pool.
 */
int mech_rtshm_pool_create_map(struct seg *s, const char *name, size_t size);

/* One write per 4 KiB page of @p: what faults a lazily mapped object in. */
void touch_pages(void *p, size_t len);

/*
 * Huge pages for MECH_HUGE: probe once.  Return the huge page size, or 0
 * with the reason in @why.
 */
size_t mech_huge_probe(char *why, size_t whylen);

/* --- timing and statistics (bench-stats.c) ---------------------------- */

uint64_t now_ns(void);
/* minor + major page faults of this process so far */
long faults_now(void);
/* the @p-th percentile (nearest rank, 0 < p <= 100); sorts @v */
uint64_t percentile(uint64_t *v, size_t n, double p);
static inline uint64_t median(uint64_t *v, size_t n)
{
	return percentile(v, n, 50.0);
}
/* the smallest of @v */
uint64_t minimum(const uint64_t *v, size_t n);
/* xorshift64*: the same sequence for every mechanism and run */
uint64_t rng_next(uint64_t *state);
/* "12.3 us", "4.56 ms", "1.23 s" */
void fmt_ns(char *buf, size_t len, uint64_t ns);
/* "0.99" or "n/a" if the denominator is 0 */
void fmt_ratio(char *buf, size_t len, double num, double den);

/* --- the table (bench-table.c) ------------------------------------------ */

#define TABLE_COLS	(MECH_COUNT + 2)	/* metric, mechanisms, ratio */
#define TABLE_RATIO	(MECH_COUNT + 1)
#define CELL_MAX	64

struct row;
struct table;

struct table *table_new(void);
void table_free(struct table *t);
/* a heading line between groups of rows */
void table_section(struct table *t, const char *title);
/* a new row, every cell "-" until set */
struct row *table_row(struct table *t, const char *metric);
/* set cell @col: 1 + mechanism, or TABLE_RATIO */
void row_set(struct row *r, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void row_mech(struct row *r, enum mech_id m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void row_ratio(struct row *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void table_print(const struct table *t);

/* --- the run ------------------------------------------------------------ */

struct bench_cfg {
	uint64_t max_segment;	/* rtshm_module_info(): largest segment */
	uint32_t max_segments;	/* rtshm_module_info(): per namespace */
	size_t huge_page;	/* 0: no SysV SHM_HUGETLB, see huge_why */
	char huge_why[CELL_MAX];
	unsigned int fault_reps_small, fault_reps_large;
	unsigned int cycles, cycle_warmup;
	unsigned int lookups, max_live;
	unsigned int passes;
	size_t access_size;
	int errors;		/* rtshm measurements that failed */
};

/* Row groups, each in its own file; each adds its rows to @t. */
void rows_faults(struct table *t, struct bench_cfg *cfg);
void rows_cycle(struct table *t, struct bench_cfg *cfg);
void rows_open(struct table *t, struct bench_cfg *cfg);
void rows_access(struct table *t, struct bench_cfg *cfg);
void rows_ptes(struct table *t, struct bench_cfg *cfg);
void rows_pingpong(struct table *t, struct bench_cfg *cfg);
void rows_tiers(struct table *t, struct bench_cfg *cfg);
void rows_pshared(struct table *t, struct bench_cfg *cfg);
void rows_timer(struct table *t, struct bench_cfg *cfg);
void rows_rtsem(struct table *t, struct bench_cfg *cfg);
void rows_latency(struct table *t, struct bench_cfg *cfg);

/* Ratio cell: rtshm / the lowest of the other shared mechanisms in @have. */
void row_ratio_best(struct row *r, const double v[MECH_COUNT],
		    const int have[MECH_COUNT]);

/* A failed measurement: "n/a (what: strerror)" in the cell; counts rtshm's. */
void cell_error(struct row *r, struct bench_cfg *cfg, enum mech_id m,
		const char *what, int err);

/* Futex-word events of the two-process rows (bench-mech.c). */
void bench_futex_signal(_Atomic uint32_t *w);
void bench_futex_take(_Atomic uint32_t *w);

#endif
