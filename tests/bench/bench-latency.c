// SPDX-License-Identifier: GPL-2.0
/*
 * Real-time latency under load, measured with the field's own tool:
 * cyclictest (Debian's rt-tests) with one SCHED_FIFO 95 thread per CPU,
 * memory locked, a 1 ms interval, while other processes (SCHED_OTHER) run
 * the heaviest things a program can do with shared memory:
 *   - create, map, unmap and close 256 MiB segments, over and over (rtshm:
 *     one from the contig tier, one from the pool; POSIX: shm_open,
 *     ftruncate, mmap with MAP_POPULATE, munmap, shm_unlink),
 *   - open and close 2000 live names at random,
 *   - a kill storm: children that create, map and write 1 MiB objects,
 *     SIGKILLed after 1-4 ms and replaced.
 * The same run measures no load, rtshm's load and POSIX shm's load, each for
 * the same time; what counts is the ratio of their worst cases.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rtshm.h"
#include "bench.h"

#define LAT_BIG		(256 * MIB)
#define LAT_NAMES	2000
#define LAT_HIST_US	100000	/* histogram buckets of 1 us; beyond: overflow */
#define LAT_LOADS	3

enum lat_run { LAT_IDLE, LAT_RTSHM, LAT_POSIX, LAT_RUNS };

/* Where each run's figures go in the table. */
static const enum mech_id lat_column[LAT_RUNS] = {
	[LAT_IDLE] = MECH_ANON,
	[LAT_RTSHM] = MECH_RTSHM,
	[LAT_POSIX] = MECH_POSIX,
};

/* What the loads got done, counted in memory they share with the bench. */
static _Atomic uint64_t *lat_done;	/* [LAT_LOADS]: big cycles, opens, kills */

static void lat_count(int which)
{
	atomic_fetch_add_explicit(&lat_done[which], 1, memory_order_relaxed);
}

struct lat_result {
	int ok;
	char why[CELL_MAX];
	uint64_t max_us;	/* the worst of every thread */
	uint64_t p999_us;	/* 99.9th percentile of all samples together */
	uint64_t samples;
	uint64_t done[LAT_LOADS];	/* the loads' work meanwhile */
};

static void lat_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* --- the loads, each in a process of its own ----------------------------- */

static void big_rtshm(void)
{
	static const unsigned int tiers[] = { RTSHM_USE_CONTIG, RTSHM_USE_POOL };

	for (unsigned int i = 0;; i++) {
		int h = rtshm_create(NULL, LAT_BIG, RTSHM_RDWR | tiers[i % 2], 0600, NULL);
		void *p;

		if (h < 0) {
			lat_sleep_ms(10);	/* that tier is busy or absent */
			continue;
		}
		if (!rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, &p)) {
			rtshm_unmap(p, LAT_BIG);
			lat_count(0);
		}
		rtshm_close(h);
	}
}

static void big_posix(void)
{
	for (;;) {
		int fd = shm_open("/rtshm-bench-lat-big", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		void *p;

		if (fd < 0 || ftruncate(fd, LAT_BIG)) {
			lat_sleep_ms(10);
		} else {
			p = mmap(NULL, LAT_BIG, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_POPULATE, fd, 0);
			if (p != MAP_FAILED) {
				munmap(p, LAT_BIG);
				lat_count(0);
			}
		}
		if (fd >= 0)
			close(fd);
		shm_unlink("/rtshm-bench-lat-big");
	}
}

/* Names as mechs[] take them: without the leading slash POSIX adds. */
static void lat_name(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "rtshm-bench-lat-%04u", i);
}

static void storm_name(char *buf, size_t len, pid_t pid)
{
	snprintf(buf, len, "rtshm-bench-lat-storm-%d", (int)pid);
}

/* 2000 live names (a mapping keeps each rtshm segment), then open/close at random. */
static void names_churn(enum mech_id m)
{
	uint64_t rng = 0x5eed;
	char name[64];
	unsigned int i;

	for (i = 0; i < LAT_NAMES; i++) {
		struct seg s;

		lat_name(name, sizeof(name), i);
		if (mechs[m].make_live(&s, name, 0, PAGE))
			break;
	}
	for (;;) {
		lat_name(name, sizeof(name), (unsigned int)(rng_next(&rng) % i));
		if (!mechs[m].lookup(name, 0))
			lat_count(1);
	}
}

/* A child that keeps making and mapping 1 MiB objects until it is killed. */
static void storm_victim(enum mech_id m)
{
	char name[64];

	storm_name(name, sizeof(name), getpid());
	for (;;) {
		struct seg s;

		if (mechs[m].create_map(&s, name, 0, MIB))
			continue;
		/* its memory present in either: rtshm's already is */
		touch_pages(s.addr, MIB);
		mechs[m].unmap_destroy(&s);
	}
}

static void kill_storm(enum mech_id m)
{
	uint64_t rng = 0xc0ffee;

	for (;;) {
		pid_t pid = fork();

		if (pid == 0)
			storm_victim(m);
		if (pid < 0) {
			lat_sleep_ms(10);
			continue;
		}
		lat_sleep_ms(1 + (long)(rng_next(&rng) % 4));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		lat_count(2);
		if (m == MECH_POSIX) {	/* a POSIX name outlives its process */
			char name[64], path[80];

			storm_name(name, sizeof(name), pid);
			snprintf(path, sizeof(path), "/%s", name);
			shm_unlink(path);
		}
	}
}

static void load_body(enum lat_run run, int which)
{
	enum mech_id m = lat_column[run];

	switch (which) {
	case 0:
		if (run == LAT_RTSHM)
			big_rtshm();
		else
			big_posix();
		break;
	case 1:
		names_churn(m);
		break;
	default:
		kill_storm(m);
	}
}

/* Start @run's load processes; their pids into @pids.  0 or -errno. */
static int load_start(enum lat_run run, pid_t pids[LAT_LOADS])
{
	for (int i = 0; i < LAT_LOADS; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -errno;
		if (pids[i] == 0) {
			/* a load never outlives the benchmark */
			setpgid(0, 0);
			load_body(run, i);
			_exit(0);
		}
	}
	return 0;
}

static void load_stop(pid_t pids[LAT_LOADS])
{
	for (int i = 0; i < LAT_LOADS; i++)
		if (pids[i] > 0) {
			kill(-pids[i], SIGKILL);	/* the storm's victims too */
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	/* what a killed load left behind: POSIX names, rtshm frees in flight */
	for (unsigned int i = 0; i < LAT_NAMES; i++) {
		char name[64], path[80];

		lat_name(name, sizeof(name), i);
		snprintf(path, sizeof(path), "/%s", name);
		shm_unlink(path);
	}
	shm_unlink("/rtshm-bench-lat-big");
}

/* --- cyclictest ----------------------------------------------------------- */

/* Parse cyclictest -h output: the histogram lines and "# Max Latencies:". */
static void lat_parse(FILE *f, struct lat_result *r)
{
	static uint64_t hist[LAT_HIST_US + 1];
	uint64_t total = 0, seen = 0, overflow = 0;
	char line[4096];

	memset(hist, 0, sizeof(hist));
	r->max_us = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		unsigned long long v;

		if (!strncmp(line, "# Max Latencies:", 16)) {
			for (p = line + 16; (v = strtoull(p, &end, 10)), end != p; p = end)
				if (v > r->max_us)
					r->max_us = v;
			continue;
		}
		if (!strncmp(line, "# Histogram Overflows:", 22)) {
			for (p = line + 22; (v = strtoull(p, &end, 10)), end != p; p = end)
				overflow += v;
			continue;
		}
		if (line[0] < '0' || line[0] > '9')
			continue;
		unsigned long long bucket = strtoull(p, &end, 10);

		if (end == p || bucket > LAT_HIST_US)
			continue;
		for (p = end; (v = strtoull(p, &end, 10)), end != p; p = end) {
			hist[bucket] += v;
			total += v;
		}
	}
	total += overflow;
	hist[LAT_HIST_US] += overflow;
	r->samples = total;
	r->p999_us = 0;
	for (uint64_t b = 0; b <= LAT_HIST_US; b++) {
		seen += hist[b];
		if (seen * 1000 >= total * 999) {
			r->p999_us = b;
			break;
		}
	}
	r->ok = total > 0 && r->max_us > 0;
	if (!r->ok)
		snprintf(r->why, sizeof(r->why), "n/a (no cyclictest samples)");
}

static void lat_measure(unsigned int seconds, struct lat_result *r)
{
	char dur[32], hist[32], cmd[256];
	FILE *f;

	snprintf(dur, sizeof(dur), "%u", seconds);
	snprintf(hist, sizeof(hist), "%d", LAT_HIST_US);
	/* -S: one thread per CPU, pinned; -m: mlockall; -q: only the summary */
	snprintf(cmd, sizeof(cmd),
		 "cyclictest -m -S -p 95 -i 1000 -D %s -h %s -q 2>/dev/null", dur, hist);
	f = popen(cmd, "re");
	if (!f) {
		snprintf(r->why, sizeof(r->why), "n/a (popen: %s)", strerror(errno));
		return;
	}
	lat_parse(f, r);
	if (pclose(f) != 0 && r->ok) {
		r->ok = 0;
		snprintf(r->why, sizeof(r->why), "n/a (cyclictest failed)");
	}
}

static int have_cyclictest(void)
{
	return system("command -v cyclictest >/dev/null 2>&1") == 0;
}

void rows_latency(struct table *t, struct bench_cfg *cfg)
{
	unsigned int seconds = cfg->passes > 10 ? 20 : 5;
	struct lat_result res[LAT_RUNS] = { 0 };
	struct row *r[5];
	char buf[CELL_MAX];
	int run;

	table_section(t, "Real-time latency: cyclictest, a SCHED_FIFO 95 thread per CPU, "
		      "idle (anon column), under rtshm's and under POSIX shm's heaviest load "
		      "(ratio: rtshm load / POSIX load)");
	r[0] = table_row(t, "cyclictest max");
	r[1] = table_row(t, "cyclictest p99.9");
	r[2] = table_row(t, "max / idle max");
	r[3] = table_row(t, "p99.9 / idle p99.9");
	r[4] = table_row(t, "load: 256M, opens, kills");
	if (!have_cyclictest()) {
		for (int k = 0; k < 5; k++)
			row_ratio(r[k], "n/a (no cyclictest: rt-tests)");
		return;
	}
	lat_done = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (lat_done == MAP_FAILED) {
		row_ratio(r[0], "n/a (mmap: %s)", strerror(errno));
		cfg->errors++;
		return;
	}
	for (run = 0; run < LAT_RUNS; run++) {
		pid_t pids[LAT_LOADS] = { 0 };
		int ret = 0;

		fflush(NULL);
		if (run != LAT_IDLE)
			ret = load_start((enum lat_run)run, pids);
		if (!ret) {
			lat_sleep_ms(1000);	/* the loads under way */
			for (int i = 0; i < LAT_LOADS; i++)
				atomic_store(&lat_done[i], 0);
			lat_measure(seconds, &res[run]);
			for (int i = 0; i < LAT_LOADS; i++)
				res[run].done[i] = atomic_load(&lat_done[i]);
		} else {
			snprintf(res[run].why, sizeof(res[run].why), "n/a (fork: %s)",
				 strerror(-ret));
		}
		if (run != LAT_IDLE)
			load_stop(pids);
	}
	for (run = 0; run < LAT_RUNS; run++) {
		enum mech_id m = lat_column[run];

		if (run != LAT_IDLE)
			row_mech(r[4], m, "%llu, %llu, %llu",
				 (unsigned long long)res[run].done[0],
				 (unsigned long long)res[run].done[1],
				 (unsigned long long)res[run].done[2]);
		if (!res[run].ok) {
			for (int k = 0; k < 4; k++)
				row_mech(r[k], m, "%s", res[run].why);
			if (run == LAT_RTSHM)
				cfg->errors++;
			continue;
		}
		fmt_ns(buf, sizeof(buf), res[run].max_us * 1000);
		row_mech(r[0], m, "%s", buf);
		fmt_ns(buf, sizeof(buf), res[run].p999_us * 1000);
		row_mech(r[1], m, "%s", buf);
		if (run == LAT_IDLE || !res[LAT_IDLE].ok)
			continue;
		fmt_ratio(buf, sizeof(buf), (double)res[run].max_us, (double)res[LAT_IDLE].max_us);
		row_mech(r[2], m, "%s", buf);
		fmt_ratio(buf, sizeof(buf), (double)res[run].p999_us,
			  (double)res[LAT_IDLE].p999_us);
		row_mech(r[3], m, "%s", buf);
	}
	if (res[LAT_RTSHM].ok && res[LAT_POSIX].ok) {
		fmt_ratio(buf, sizeof(buf), (double)res[LAT_RTSHM].max_us,
			  (double)res[LAT_POSIX].max_us);
		row_ratio(r[0], "%s", buf);
		row_ratio(r[2], "%s", buf);
		fmt_ratio(buf, sizeof(buf), (double)res[LAT_RTSHM].p999_us,
			  (double)res[LAT_POSIX].p999_us);
		row_ratio(r[1], "%s", buf);
		row_ratio(r[3], "%s", buf);
	}
	munmap(lat_done, PAGE);
}
