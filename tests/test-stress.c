// SPDX-License-Identifier: GPL-2.0
/* Kill storms, thread races and exec: nothing leaks, nothing is freed twice. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define WORKERS		6
#define KILLS		1000
#define NAME_POOL	8

/*
 * What the guest can hand out again, in KiB: MemFree, Cached and the pages
 * on the per-CPU lists, which MemFree does not count.  Since 6.7 the kernel
 * grows those lists on free-heavy loads (a storm of exits) and shrinks them
 * again over seconds: on 6.12 they went from 20 to 54 MiB during this storm
 * while MemFree fell by the same amount.
 */
static long long free_kib(void)
{
	return t_free_kib() + t_meminfo_kib("Cached");
}

/*
 * Create/open/map/write/futex/unmap/close forever, on a small pool of
 * names.
 */
static void worker(unsigned int seed)
{
	int held[4] = { -1, -1, -1, -1 };

	for (;;) {
		int slot = rand_r(&seed) % 4;
		char name[32];
		unsigned char *p;
		struct rtshm_result r;

		if (held[slot] >= 0) {
			rtshm_close(held[slot]);
			held[slot] = -1;
		}
		snprintf(name, sizeof(name), "storm.%d", rand_r(&seed) % NAME_POOL);
		held[slot] = rtshm_create(rand_r(&seed) % 4 ? name : NULL,
					  4096 * (1 + rand_r(&seed) % 16),
					  RTSHM_RDWR, 0600, &r);
		if (held[slot] < 0)
			continue;
		if (!rtshm_map(held[slot], 0, 0, PROT_READ | PROT_WRITE, (void **)&p)) {
			struct timespec ts = { 0, 100000 };

			memset(p, 0x5a, 4096);
			/*
			 * A shared futex on the segment, as pthread objects in it
			 * would use: the names are shared, so other workers wake
			 * it; the kill may land in the middle of the wait.
			 */
			syscall(SYS_futex, (uint32_t *)p, FUTEX_WAKE, 1, NULL, NULL, 0);
			syscall(SYS_futex, (uint32_t *)p, FUTEX_WAIT, 0x5a5a5a5a, &ts, NULL, 0);
			/* sometimes leave the mapping to outlive the handle */
			if (rand_r(&seed) % 3)
				rtshm_unmap(p, r.size);
		}
	}
}

TEST(kill_storm_leaves_nothing)
{
	int pids[WORKERS], i, k;
	unsigned int seed = 4242;
	long long before, after;

	/* warm up caches the storm will also use, then take the baseline */
	for (i = 0; i < 50; i++)
		rtshm_close(CHECK_OK(rtshm_create(NULL, 65536, RTSHM_RDWR, 0600, NULL)));
	before = free_kib();

	for (i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(seed + i);
	}
	for (k = 0; k < KILLS; k++) {
		i = rand_r(&seed) % WORKERS;
		usleep(1000 * (rand_r(&seed) % 20));
		CHECK_SYS(kill(pids[i], SIGKILL));
		CHECK_EQ(t_wait(pids[i]), 128 + SIGKILL);
		pids[i] = fork();
		if (pids[i] == 0)
			worker(seed + 1000 + k);
	}
	for (i = 0; i < WORKERS; i++) {
		kill(pids[i], SIGKILL);
		t_wait(pids[i]);
	}
	CHECK_EQ(t_proc_segments(), 0);
	after = free_kib();
	fprintf(stderr, "  kill storm: %d kills, free memory %lld KiB before, %lld KiB after"
		" (of which per-CPU lists %lld KiB)\n", KILLS, before, after, t_pcp_free_kib());
	/* tolerance: 4 MiB of slab and page-table noise in a 512 MiB guest */
	CHECK(after > before - 4096);
}

#define THREADS		4
#define PROCS		3
#define ITERATIONS	1500
#define RACE_NAMES	4

/*
 * Only a creator writes, and only into the segment it was told it created;
 * so a creator that finds its first word already set was not the only
 * creator of that generation of the name.
 */
static void *race_thread(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		char name[32];
		struct rtshm_result r;
		volatile long *p;
		int h;

		snprintf(name, sizeof(name), "thread.race.%d", rand_r(&seed) % RACE_NAMES);
		h = rtshm_create(name, 4096, RTSHM_RDWR, 0600, &r);
		if (h < 0)
			return (void *)1;
		if (rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p)) {
			rtshm_close(h);
			return (void *)2;
		}
		if (r.created) {
			if (p[0] != 0)
				return (void *)3;
			p[0] = (long)getpid() << 16 | (long)(uintptr_t)arg;
		}
		rtshm_unmap((void *)p, 4096);
		if (rtshm_close(h))
			return (void *)4;
	}
	return NULL;
}

static int race_process(int base)
{
	pthread_t t[THREADS];
	void *res;
	int i, bad = 0;

	for (i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, race_thread, (void *)(uintptr_t)(base + i + 1)))
			return 50;
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &res);
		if (res)
			bad = (int)(uintptr_t)res;
	}
	return bad;
}

TEST(processes_and_threads_race_on_names)
{
	int pids[PROCS], i;

	for (i = 0; i < PROCS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(race_process(i * 100));
	}
	for (i = 0; i < PROCS; i++)
		CHECK_EQ(t_wait(pids[i]), 0);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(exec_drops_handles)
{
	char cmd[128];
	struct rtshm_seg_info info;
	int h, pid;

	h = CHECK_OK(rtshm_create(t_name("exec"), 4096, RTSHM_RDWR, 0600, NULL));
	snprintf(cmd, sizeof(cmd),
		 "[ ! -e /proc/$$/fd/%d ] && grep -q ' 1 0 0 0 0600 ' /proc/rtshm", h);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	/* the exec'd shell holds no handle: the count stays at ours */
	CHECK_EQ(t_wait(pid), 0);
	CHECK_OK(rtshm_stat(h, &info));
	CHECK_EQ(info.handles, 1);
	rtshm_close(h);
}
