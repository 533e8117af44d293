// SPDX-License-Identifier: GPL-2.0
/*
 * RTX handles: invalid values are refused and never touch file
 * descriptors, stale values stay dead, many threads create, open and close
 * without leaks, closes race safely with mapping, last error is per thread,
 * and fork() in a threaded process leaves the handle table usable.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rtapi.h"
#include "rtx/util.h"

static void check_invalid(HANDLE h)
{
	SetLastError(0);
	if (RtCloseHandle(h))
		t_fail(__FILE__, __LINE__, "RtCloseHandle(%p) succeeded", h);
	CHECK_LASTERR(ERROR_INVALID_HANDLE);
	SetLastError(0);
	if (RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, 0, 0))
		t_fail(__FILE__, __LINE__, "RtMapViewOfSharedMemory(%p) succeeded", h);
	CHECK_LASTERR(ERROR_INVALID_HANDLE);
}

TEST(invalid_handles_are_refused)
{
	uintptr_t v;
	void *p;
	int local;
	HANDLE h, closed;

	h = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);
	closed = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);
	CHECK(h && closed);
	CHECK(RtCloseHandle(closed));
	v = (uintptr_t)h;

	check_invalid(NULL);
	check_invalid(INVALID_HANDLE_VALUE);
	check_invalid(closed);			/* double close */
	check_invalid((HANDLE)1);
	check_invalid((HANDLE)(uintptr_t)0x7fffffff);	/* the last slot, never used */
	check_invalid((HANDLE)(v ^ 0x00010000));	/* another generation */
	check_invalid((HANDLE)(v + 2));		/* a slot never used */
	check_invalid((HANDLE)(v | 0x80000000));
	check_invalid((HANDLE)(v | (uintptr_t)1 << 40));
	check_invalid((HANDLE)&local);
	check_invalid((HANDLE)p);

	/* the real one survived all of that */
	CHECK(RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, 0, 0) != NULL);
	CHECK(RtCloseHandle(h));
	check_invalid(h);
}

TEST(handle_values_are_small)
{
	void *p;
	HANDLE h = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);

	/* positive 32-bit values: printing them with %X (as the RTX samples do) shows all */
	CHECK(h != NULL);
	CHECK((uintptr_t)h <= 0x7fffffff);
	RtCloseHandle(h);
}

TEST(forged_handles_never_close_descriptors)
{
	HANDLE real[2];
	int pfd[2], fd;
	long fds_before;
	uintptr_t v, around;
	char byte = 'x';
	void *p;

	CHECK_SYS(pipe(pfd));
	real[0] = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);
	real[1] = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);
	CHECK(real[0] && real[1]);
	fds_before = t_count_fds();

	/* every small integer (all descriptors), and values near real handles */
	for (v = 0; v < 4096; v++)
		CHECK(!RtCloseHandle((HANDLE)v));
	for (around = 0; around < 2; around++)
		for (v = (uintptr_t)real[around] - 1024; v < (uintptr_t)real[around] + 1024; v++)
			if ((HANDLE)v != real[0] && (HANDLE)v != real[1])
				CHECK(!RtCloseHandle((HANDLE)v));

	CHECK_EQ(t_count_fds(), fds_before);
	for (fd = 0; fd < 3; fd++)
		CHECK(fcntl(fd, F_GETFD) >= 0);
	CHECK_EQ(write(pfd[1], &byte, 1), 1);
	byte = 0;
	CHECK_EQ(read(pfd[0], &byte, 1), 1);
	CHECK_EQ(byte, 'x');
	CHECK(RtCloseHandle(real[0]));
	CHECK(RtCloseHandle(real[1]));
}

TEST(closed_handles_stay_dead)
{
	enum { CYCLES = 5000 };
	static uintptr_t seen[CYCLES];
	HANDLE first, h;
	void *p;
	int i, j;

	first = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);
	CHECK(RtCloseHandle(first));
	for (i = 0; i < CYCLES; i++) {
		h = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);
		CHECK(h != NULL);
		CHECK(h != first);
		seen[i] = (uintptr_t)h;
		CHECK(RtCloseHandle(h));
		if (i % 500 == 0)
			CHECK(!RtCloseHandle(first));
	}
	/* no value came back: slots are reused late, with a new generation */
	for (i = 0; i < CYCLES; i++)
		for (j = i + 1; j < CYCLES; j++)
			if (seen[i] == seen[j])
				t_fail(__FILE__, __LINE__, "cycles %d and %d both got %#lx",
				       i, j, (unsigned long)seen[i]);
}

/* --- threads ----------------------------------------------------------- */

/*
 * 2 400 create/open/map/close rounds: each mmap of a threaded process
 * costs TLB shootdowns, which dominate this test under QEMU.
 */
enum { THREADS = 8, ROUNDS = 300 };

static char shared_name[128];
static atomic_int thread_errors;

static void *create_open_close(void *arg)
{
	int t = (int)(intptr_t)arg, i;
	char name[160];
	unsigned int *c, *o, *v;
	HANDLE hc, ho;

	snprintf(name, sizeof(name), "%s.t%d", shared_name, t);
	for (i = 0; i < ROUNDS; i++) {
		/* every fourth round all threads meet on one shared name */
		const char *n = i % 4 == 3 ? shared_name : name;

		hc = RtCreateSharedMemoryA(0, 0, 4096, n, (VOID **)&c);
		if (!hc || (GetLastError() != 0 && GetLastError() != ERROR_ALREADY_EXISTS)) {
			atomic_fetch_add(&thread_errors, 1);
			return NULL;
		}
		ho = RtOpenSharedMemoryA(SHM_MAP_ALL_ACCESS, FALSE, n, (VOID **)&o);
		v = ho ? RtMapViewOfSharedMemory(ho, SHM_MAP_READ, 0, 0, 0) : NULL;
		if (!ho || !v) {
			atomic_fetch_add(&thread_errors, 1);
			return NULL;
		}
		c[1 + t] = (unsigned int)i;
		if (o[1 + t] != (unsigned int)i || v[1 + t] != (unsigned int)i)
			atomic_fetch_add(&thread_errors, 1);
		if (i % 2 && !RtUnmapViewOfSharedMemory(v))
			atomic_fetch_add(&thread_errors, 1);
		if (!RtCloseHandle(ho) || !RtCloseHandle(hc))
			atomic_fetch_add(&thread_errors, 1);
	}
	return NULL;
}

TEST(threads_create_open_close_without_leaks)
{
	long segs = t_proc_segments(), fds = t_count_fds_settled(), maps = t_count_rtshm_maps();
	pthread_t th[THREADS];
	int t;

	snprintf(shared_name, sizeof(shared_name), "%s", t_name("mt"));
	/* the counters see what this test leaks: one handle, one fd, one view */
	{
		void *p;
		HANDLE h = RtCreateSharedMemoryA(0, 0, 4096, shared_name, &p);

		CHECK_EQ(t_count_fds(), fds + 1);
		CHECK_EQ(t_count_rtshm_maps(), maps + 1);
		RtCloseHandle(h);
	}
	for (t = 0; t < THREADS; t++)
		CHECK_EQ(pthread_create(&th[t], NULL, create_open_close, (void *)(intptr_t)t), 0);
	for (t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	CHECK_EQ(atomic_load(&thread_errors), 0);
	CHECK_EQ(t_proc_segments(), segs);
	CHECK_EQ(t_count_fds(), fds);
	CHECK_EQ(t_count_rtshm_maps(), maps);
}

static HANDLE race_handle;
static atomic_int race_stop;

/* Map and unmap views of race_handle until it is closed under us. */
static void *map_until_closed(void *arg)
{
	(void)arg;
	for (;;) {
		void *v = RtMapViewOfSharedMemory(race_handle, SHM_MAP_WRITE, 0, 0, 0);

		if (!v) {
			if (GetLastError() != ERROR_INVALID_HANDLE)
				atomic_fetch_add(&thread_errors, 1);
			return NULL;
		}
		/* the view may already be gone with the handle: that is the race */
		RtUnmapViewOfSharedMemory(v);
	}
}

/* The two closers and the main thread let go at once. */
static pthread_barrier_t race_start;

static void *close_it(void *arg)
{
	(void)arg;
	/* not a busy wait: three spinners on two CPUs would starve the mapper */
	pthread_barrier_wait(&race_start);
	return (void *)(intptr_t)RtCloseHandle(race_handle);
}

TEST(close_races_with_map_and_close)
{
	long segs = t_proc_segments(), fds = t_count_fds_settled(), maps = t_count_rtshm_maps();
	pthread_t mapper, closer[2];
	void *r0, *r1, *p;
	int round;

	CHECK_EQ(pthread_barrier_init(&race_start, NULL, 3), 0);
	for (round = 0; round < 200; round++) {
		race_handle = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);
		CHECK(race_handle != NULL);
		CHECK_EQ(pthread_create(&mapper, NULL, map_until_closed, NULL), 0);
		CHECK_EQ(pthread_create(&closer[0], NULL, close_it, NULL), 0);
		CHECK_EQ(pthread_create(&closer[1], NULL, close_it, NULL), 0);
		usleep(round % 10 * 100);
		pthread_barrier_wait(&race_start);
		pthread_join(closer[0], &r0);
		pthread_join(closer[1], &r1);
		pthread_join(mapper, NULL);
		/* exactly one of two racing closes wins */
		CHECK_EQ((intptr_t)r0 + (intptr_t)r1, 1);
	}
	pthread_barrier_destroy(&race_start);
	CHECK_EQ(atomic_load(&thread_errors), 0);
	CHECK_EQ(t_proc_segments(), segs);
	CHECK_EQ(t_count_fds(), fds);
	CHECK_EQ(t_count_rtshm_maps(), maps);
}

static void *set_and_check_last_error(void *arg)
{
	DWORD mine = (DWORD)(uintptr_t)arg;
	void *p;
	int i;

	for (i = 0; i < 10000; i++) {
		SetLastError(mine);
		if (i % 100 == 0)	/* a failing call of our own changes only our value */
			RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, "\\", &p);
		else if (GetLastError() != mine)
			atomic_fetch_add(&thread_errors, 1);
	}
	return NULL;
}

TEST(last_error_is_per_thread)
{
	pthread_t th[4];
	int t;

	SetLastError(99);
	for (t = 0; t < 4; t++)
		CHECK_EQ(pthread_create(&th[t], NULL, set_and_check_last_error,
					(void *)(uintptr_t)(1000 + t)), 0);
	for (t = 0; t < 4; t++)
		pthread_join(th[t], NULL);
	CHECK_EQ(atomic_load(&thread_errors), 0);
	CHECK_LASTERR(99);
	RtSetLastError(7);
	CHECK_EQ(RtGetLastError(), 7);
}

static void *churn(void *arg)
{
	void *p;

	(void)arg;
	while (!atomic_load(&race_stop)) {
		HANDLE h = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);

		RtCloseHandle(h);
	}
	return NULL;
}

TEST(fork_while_threads_use_handles)
{
	pthread_t th;
	char *p;
	HANDLE h;
	int i, pid;

	h = RtCreateSharedMemoryA(0, 0, 4096, NULL, (VOID **)&p);
	CHECK(h != NULL);
	atomic_store(&race_stop, 0);
	CHECK_EQ(pthread_create(&th, NULL, churn, NULL), 0);
	for (i = 0; i < 50; i++) {
		pid = fork();
		if (pid == 0) {
			/* inherited handles work; the lock was not left held */
			void *q;
			HANDLE mine;

			alarm(20);
			p[i] = 'c';
			mine = RtCreateSharedMemoryA(0, 0, 4096, NULL, &q);
			_exit(mine && RtCloseHandle(mine) && RtCloseHandle(h) ? 0 : 1);
		}
		CHECK_EQ(t_wait(pid), 0);
		CHECK_EQ(p[i], 'c');
	}
	atomic_store(&race_stop, 1);
	pthread_join(th, NULL);
	CHECK(RtCloseHandle(h));
}
