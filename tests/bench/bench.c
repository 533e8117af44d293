// SPDX-License-Identifier: GPL-2.0
/*
 * rtshm-bench: one table comparing rtshm with POSIX shm_open, System V
 * shmget (also with SHM_HUGETLB), memfd_create and, for access speed,
 * anonymous memory.  Every figure is measured in the run that prints it.
 *
 *   rtshm-bench [--accel TEXT] [--cycles N] [--lookups N] [--live N]
 *               [--passes N] [--only GROUP] [--quick]
 *
 * The table goes to stdout between the lines RTSHM-BENCH-BEGIN and
 * RTSHM-BENCH-END (tests/vm/bench.sh cuts it out of the serial log).
 * Exit status 1 if an rtshm measurement failed, 2 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rtshm.h"
#include "bench.h"

void cell_error(struct row *r, struct bench_cfg *cfg, enum mech_id m,
		const char *what, int err)
{
	row_mech(r, m, "n/a (%s: %s)", what, strerror(-err));
	if (m == MECH_RTSHM)
		cfg->errors++;
}

/* Ratio column: rtshm over the lowest value of the other shared mechanisms. */
void row_ratio_best(struct row *r, const double v[MECH_COUNT],
		    const int have[MECH_COUNT])
{
	double best = -1.0;
	char buf[16];
	int m;

	for (m = 0; m < MECH_COUNT; m++)
		if (m != MECH_RTSHM && mechs[m].shared && have[m] &&
		    (best < 0.0 || v[m] < best))
			best = v[m];
	if (!have[MECH_RTSHM] || best < 0.0) {
		row_ratio(r, "n/a");
		return;
	}
	fmt_ratio(buf, sizeof(buf), v[MECH_RTSHM], best);
	row_ratio(r, "%s", buf);
}

/*
 * Row groups, printed in this order.  Each is one file and adds its own
 * section and rows.
 */
struct row_group {
	const char *name;
	void (*rows)(struct table *t, struct bench_cfg *cfg);
};

static const struct row_group row_groups[] = {
	{ "faults", rows_faults },
	{ "cycle", rows_cycle },
	{ "open", rows_open },
	{ "access", rows_access },
	{ NULL, NULL }
};

/*
 * ------------------------------------------------------------------------
 * EXTENSION POINT: row groups from later changes.
 *
 * Each is a file tests/bench/bench-<name>.c with a function declared in
 * bench.h, and one entry below:
 *   - large-allocation latency by tier (create+map of large segments, one
 *     row per allocation tier and size), bench-tiers.c;
 *   - event ping-pong (RTX events between two processes, round-trip median
 *     and p99), bench-pingpong.c;
 *   - process-shared pthread mutex and condvar round trips with the objects
 *     in an rtshm segment and in POSIX shm, bench-pshared.c;
 *   - lateness of a 1 ms periodic RTX timer against a clock_nanosleep
 *     loop at the same SCHED_FIFO priority, bench-timer.c;
 *   - INtime semaphore hand-off between an RT-side and an NTX-side
 *     process against process-shared POSIX semaphores, bench-rtsem.c;
 *   - cyclictest latency idle, under rtshm's and under POSIX shm's
 *     heaviest load, bench-latency.c;
 *   - page-table memory of a 256 MiB mapping, bench-ptes.c.
 * A group calls table_section() once, then table_row() per row, and fills
 * one cell per mechanism (row_mech) and the ratio (row_ratio); a cell that
 * does not apply says "n/a (reason)".  Groups here print after the ones
 * above, before the notes.
 * ------------------------------------------------------------------------
 */
static const struct row_group extension_row_groups[] = {
	{ "tiers", rows_tiers },
	{ "pingpong", rows_pingpong },
	{ "pshared", rows_pshared },
	{ "timer", rows_timer },
	{ "rtsem", rows_rtsem },
	{ "latency", rows_latency },
	{ "ptes", rows_ptes },
	{ NULL, NULL }
};

/* Run every group of @g, or only the one named @only (if not NULL). */
static void run_groups(const struct row_group *g, struct table *t,
		       struct bench_cfg *cfg, const char *only)
{
	for (; g->rows; g++) {
		uint64_t t0 = now_ns();

		if (only && strcmp(only, g->name))
			continue;
		g->rows(t, cfg);
		fprintf(stderr, "rtshm-bench: %s rows took %.1f s\n", g->name,
			(double)(now_ns() - t0) / 1e9);
	}
}

/* --- environment header --------------------------------------------------- */

/* First line of @path that starts with @key, the part after ": " in @out. */
static int file_field(const char *path, const char *key, char *out, size_t len)
{
	char line[256];
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon;

		if (strncmp(line, key, strlen(key)))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		colon++;
		colon += strspn(colon, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(out, len, "%s", colon);
		found = 1;
	}
	fclose(f);
	return found;
}

/* The whole first line of @path, or @missing */
static void file_line(const char *path, char *out, size_t len, const char *missing)
{
	FILE *f = fopen(path, "r");

	snprintf(out, len, "%s", missing);
	if (!f)
		return;
	if (fgets(out, (int)len, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

static void print_header(const struct bench_cfg *cfg, const struct rtshm_module_info *mi,
			 const char *accel)
{
	char cpu[128] = "?", mem[64] = "?", hp[64] = "0", hps[64] = "?", thp[96], shm_thp[96];
	struct utsname u;

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	file_field("/proc/cpuinfo", "model name", cpu, sizeof(cpu));
	file_field("/proc/meminfo", "MemTotal", mem, sizeof(mem));
	file_field("/proc/meminfo", "HugePages_Total", hp, sizeof(hp));
	file_field("/proc/meminfo", "Hugepagesize", hps, sizeof(hps));
	file_line("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof(thp),
		  "not in this kernel");
	file_line("/sys/kernel/mm/transparent_hugepage/shmem_enabled", shm_thp,
		  sizeof(shm_thp), "not in this kernel");

	printf("rtshm benchmark: rtshm vs POSIX shm_open, SysV shmget (+SHM_HUGETLB), "
	       "memfd_create, anonymous mmap\n");
	printf("kernel      %s %s (%s)\n", u.release, u.version, u.machine);
	printf("cpu         %s, %ld online\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));
	printf("memory      %s; huge pages %s x %s\n", mem, hp, hps);
	printf("THP         anon: %s; shmem: %s\n", thp, shm_thp);
	printf("machine     %s\n", accel);
	printf("module      rtshm ABI %u.%u, max segment %llu KiB, max_segments %u, "
	       "max_bytes %llu MiB\n", mi->abi_major, mi->abi_minor,
	       (unsigned long long)(mi->max_segment_size / KIB), mi->max_segments,
	       (unsigned long long)(mi->max_bytes / MIB));
	printf("iterations  first touch: %u reps (4 MiB), %u reps (256 MiB); cycle: %u "
	       "(+%u warm-up); open: %u per level; access: %u passes over %zu MiB\n",
	       cfg->fault_reps_small, cfg->fault_reps_large, cfg->cycles,
	       cfg->cycle_warmup, cfg->lookups, cfg->passes, cfg->access_size / MIB);
	printf("clock       CLOCK_MONOTONIC; faults: getrusage(RUSAGE_SELF) minor+major\n");
}

static void print_notes(void)
{
	printf("ratio: rtshm / the best of POSIX shm, SysV shm, SysV huge and memfd "
	       "(lower is better), except access rows: rtshm / anon (higher is better)\n");
	printf("open: rtshm_open+rtshm_close (one ioctl on the library's control "
	       "file, close; before ABI 2.3: open /dev/rtshm, ioctl, close), "
	       "shm_open+close (openat, close), shmget of an existing key (one call, "
	       "no descriptor); the growth row is 1.00 when flat\n");
	printf("cycle: the object is gone at the end: rtshm last close, POSIX "
	       "shm_unlink, SysV IPC_RMID, memfd close; untouched, only rtshm "
	       "allocates (the others map lazily); \"written\": one write per page "
	       "between map and unmap\n");
	printf("ping-pong: one round trip is two cross-process wake-ups; ratio: "
	       "rtshm / bare futex (lower is better); each time is the mean of a "
	       "batch of 400 round trips, median and p99 over 41 batches\n");
	printf("timer: lateness is the time from a due time to the routine (the loop "
	       "body) running; a wake-up more than a period late serves every due time "
	       "passed, measured from the earliest, the others counted as missed\n");
	printf("n/a: not measurable here, with the reason; times are medians unless "
	       "a row says p99\n");
}

/* --- main ----------------------------------------------------------------- */

static unsigned int arg_uint(const char *s, const char *opt)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || v == 0 || v > 1000000) {
		fprintf(stderr, "rtshm-bench: bad value for %s: %s\n", opt, s);
		exit(2);
	}
	return (unsigned int)v;
}

static void usage(void)
{
	fprintf(stderr, "usage: rtshm-bench [--accel TEXT] [--cycles N] [--lookups N] "
		"[--live N] [--passes N] [--only GROUP] [--quick]\n"
		"groups: faults, cycle, open, access, tiers, pingpong, pshared, timer, rtsem\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *accel = "not stated (--accel)", *only = NULL;
	struct bench_cfg cfg = {
		.fault_reps_small = 9, .fault_reps_large = 3,
		.cycles = 2000, .cycle_warmup = 100,
		.lookups = 2000, .max_live = 60000,
		.passes = 41,
	};
	struct rtshm_module_info mi;
	struct table *t;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			cfg.fault_reps_small = 3;
			cfg.fault_reps_large = 1;
			cfg.cycles = 200;
			cfg.cycle_warmup = 20;
			cfg.lookups = 200;
			cfg.max_live = 2000;
			cfg.passes = 5;
		} else if (i + 1 < argc && !strcmp(argv[i], "--accel")) {
			accel = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--cycles")) {
			cfg.cycles = arg_uint(argv[++i], "--cycles");
		} else if (i + 1 < argc && !strcmp(argv[i], "--lookups")) {
			cfg.lookups = arg_uint(argv[++i], "--lookups");
		} else if (i + 1 < argc && !strcmp(argv[i], "--live")) {
			cfg.max_live = arg_uint(argv[++i], "--live");
		} else if (i + 1 < argc && !strcmp(argv[i], "--only")) {
			only = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--passes")) {
			cfg.passes = arg_uint(argv[++i], "--passes");
		} else {
			usage();
		}
	}

	ret = rtshm_module_info(&mi);
	if (ret) {
		fprintf(stderr, "rtshm-bench: rtshm_module_info: %s\n", rtshm_strerror(ret));
		return 1;
	}
	cfg.max_segment = mi.max_segment_size;
	cfg.max_segments = mi.max_segments;
	cfg.access_size = (size_t)(mi.max_segment_size < 64 * MIB ?
				   mi.max_segment_size : 64 * MIB);
	cfg.access_size -= cfg.access_size % MIB;
	cfg.huge_page = mech_huge_probe(cfg.huge_why, sizeof(cfg.huge_why));

	t = table_new();
	if (!t || cfg.access_size < MIB) {
		fprintf(stderr, "rtshm-bench: no memory, or max segment below 1 MiB\n");
		return 1;
	}
	run_groups(row_groups, t, &cfg, only);
	run_groups(extension_row_groups, t, &cfg, only);

	printf("RTSHM-BENCH-BEGIN\n");
	print_header(&cfg, &mi, accel);
	table_print(t);
	print_notes();
	printf("RTSHM-BENCH-END\n");
	fflush(stdout);
	table_free(t);
	if (cfg.errors)
		fprintf(stderr, "rtshm-bench: %d rtshm measurement(s) failed\n", cfg.errors);
	return cfg.errors ? 1 : 0;
}
