// SPDX-License-Identifier: GPL-2.0
/*
 * RTX mutexes: ownership and recursion, initial ownership, abandonment
 * when the owner dies (process killed, thread ended), mutual exclusion
 * across processes, and priority inheritance with SCHED_FIFO threads.
 */
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "rtapi.h"
#include "rtx/sync_util.h"
#include "rtx/util.h"

static void *release_from_other_thread(void *m)
{
	return (void *)(uintptr_t)(RtReleaseMutex(m) ? 0 : GetLastError());
}

TEST(owner_may_take_again_and_releases_each_time)
{
	HANDLE m = RtCreateMutexA(NULL, FALSE, t_name("mx"));
	pthread_t t;
	void *err;

	CHECK(m);
	CHECK_FAILS(RtReleaseMutex(m), FALSE, ERROR_NOT_OWNER);	/* unowned */
	CHECK_EQ(RtWaitForSingleObject(m, INFINITE), WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForSingleObject(m, 0), WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForMultipleObjects(1, &m, FALSE, 0), WAIT_OBJECT_0);
	CHECK_EQ(pthread_create(&t, NULL, release_from_other_thread, m), 0);
	CHECK_EQ(pthread_join(t, &err), 0);
	CHECK_EQ((uintptr_t)err, ERROR_NOT_OWNER);
	CHECK(RtReleaseMutex(m));
	CHECK(RtReleaseMutex(m));
	CHECK(RtReleaseMutex(m));
	CHECK_FAILS(RtReleaseMutex(m), FALSE, ERROR_NOT_OWNER);	/* three takes, three releases */
	CHECK(RtCloseHandle(m));
}

TEST(initial_owner_holds_a_new_mutex_only)
{
	const char *name = t_name("mx");
	HANDLE m = RtCreateMutexA(NULL, TRUE, name), again;
	int pid;

	CHECK(m);
	CHECK_EQ(GetLastError(), ERROR_SUCCESS);
	pid = CHECK_SYS(fork());
	if (!pid) {
		HANDLE o = RtOpenMutexA(SYNCHRONIZE, FALSE, name);

		if (!o || RtWaitForSingleObject(o, 50) != WAIT_TIMEOUT)
			_exit(1);
		/* an existing mutex ignores bInitialOwner */
		again = RtCreateMutexA(NULL, TRUE, name);
		if (!again || GetLastError() != ERROR_ALREADY_EXISTS ||
		    RtWaitForSingleObject(again, 0) != WAIT_TIMEOUT)
			_exit(2);
		if (RtWaitForSingleObject(o, 20000) != WAIT_OBJECT_0 || !RtReleaseMutex(o))
			_exit(3);
		_exit(0);
	}
	usleep(200000);
	CHECK(RtReleaseMutex(m));
	CHECK_EQ(t_wait(pid), 0);
	CHECK(RtCloseHandle(m));
}

TEST(timeout_on_an_owned_mutex)
{
	const char *name = t_name("mx");
	HANDLE m = RtCreateMutexA(NULL, TRUE, name);
	int pid;

	CHECK(m);
	pid = CHECK_SYS(fork());
	if (!pid) {
		HANDLE o = RtOpenMutexA(MUTEX_ALL_ACCESS, FALSE, name);
		double t0 = t_now_ms();

		if (!o || RtWaitForSingleObject(o, 120) != WAIT_TIMEOUT)
			_exit(1);
		_exit(t_now_ms() - t0 >= 120.0 ? 0 : 2);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(RtReleaseMutex(m));
	CHECK(RtCloseHandle(m));
}

/*
 * Start a child process that opens mutex @name, takes it and waits to be
 * killed; return its pid once it holds the mutex (it says so with an event).
 */
static int start_holder(const char *name)
{
	const char *ready_name = t_name("ready");
	HANDLE ready = RtCreateEventA(NULL, TRUE, FALSE, ready_name);
	int pid;

	CHECK(ready);
	pid = CHECK_SYS(fork());
	if (!pid) {
		HANDLE o = RtOpenMutexA(MUTEX_ALL_ACCESS, FALSE, name);
		HANDLE e = RtOpenEventA(EVENT_ALL_ACCESS, FALSE, ready_name);

		if (!o || !e || RtWaitForSingleObject(o, INFINITE) != WAIT_OBJECT_0)
			_exit(1);
		RtSetEvent(e);
		pause();
		_exit(2);
	}
	CHECK_EQ(RtWaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
	CHECK(RtCloseHandle(ready));
	return pid;
}

/* A holder in another process is killed: the waiter gets WAIT_ABANDONED. */
TEST(killed_holder_abandons_the_mutex)
{
	const char *name = t_name("mx");
	HANDLE m = RtCreateMutexA(NULL, FALSE, name);
	int pid;

	CHECK(m);
	pid = start_holder(name);
	CHECK_EQ(RtWaitForSingleObject(m, 0), WAIT_TIMEOUT);
	CHECK_SYS(kill(pid, SIGKILL));
	CHECK_EQ(RtWaitForSingleObject(m, 20000), WAIT_ABANDONED);
	/* now an ordinary mutex, owned by us */
	CHECK(RtReleaseMutex(m));
	CHECK_EQ(RtWaitForSingleObject(m, 0), WAIT_OBJECT_0);
	CHECK(RtReleaseMutex(m));
	CHECK_EQ(t_wait(pid), 128 + SIGKILL);
	CHECK(RtCloseHandle(m));
}

static void *take_and_exit(void *m)
{
	return (void *)(uintptr_t)RtWaitForSingleObject(m, INFINITE);
}

TEST(ended_owner_thread_abandons_the_mutex)
{
	HANDLE m = RtCreateMutexA(NULL, FALSE, NULL);
	pthread_t t;
	void *r;

	CHECK(m);
	CHECK_EQ(pthread_create(&t, NULL, take_and_exit, m), 0);
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK_EQ((uintptr_t)r, WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForSingleObject(m, 5000), WAIT_ABANDONED);
	CHECK(RtReleaseMutex(m));
	CHECK(RtCloseHandle(m));
}

/* A wait for several objects sees the abandonment too, with its index. */
TEST(wait_any_reports_the_abandoned_index)
{
	const char *name = t_name("mx");
	HANDLE h[2] = { RtCreateEventA(NULL, FALSE, FALSE, NULL),
			RtCreateMutexA(NULL, FALSE, name) };
	int pid;

	CHECK(h[0] && h[1]);
	pid = start_holder(name);
	CHECK_EQ(RtWaitForMultipleObjects(2, h, FALSE, 0), WAIT_TIMEOUT);
	CHECK_SYS(kill(pid, SIGKILL));
	CHECK_EQ(RtWaitForMultipleObjects(2, h, FALSE, 20000), WAIT_ABANDONED_0 + 1);
	CHECK(RtReleaseMutex(h[1]));
	CHECK_EQ(t_wait(pid), 128 + SIGKILL);
	/* and a release wakes a multi-object waiter */
	CHECK_EQ(RtWaitForMultipleObjects(2, h, TRUE, 0), WAIT_TIMEOUT);
	CHECK(RtSetEvent(h[0]));
	CHECK_EQ(RtWaitForMultipleObjects(2, h, TRUE, 0), WAIT_OBJECT_0);
	CHECK(RtReleaseMutex(h[1]));
	CHECK(RtCloseHandle(h[0]) && RtCloseHandle(h[1]));
}

/* Processes increment a plain counter in shared memory under the mutex. */
TEST(mutual_exclusion_across_processes)
{
	enum { PROCS = 3, ROUNDS = 300 };
	const char *name = t_name("mx");
	volatile long *counter;
	HANDLE m, shm;
	int pid[PROCS], i;

	shm = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 4096, NULL, (void **)&counter);
	m = RtCreateMutexA(NULL, FALSE, name);
	CHECK(shm && m);
	for (i = 0; i < PROCS; i++) {
		pid[i] = CHECK_SYS(fork());
		if (!pid[i]) {
			HANDLE o = RtOpenMutexA(MUTEX_ALL_ACCESS, FALSE, name);
			long v;
			int r;

			if (!o)
				_exit(1);
			for (r = 0; r < ROUNDS; r++) {
				if (RtWaitForSingleObject(o, 20000) != WAIT_OBJECT_0)
					_exit(2);
				v = *counter;
				if (r % 16 == 0)
					sched_yield();
				*counter = v + 1;
				if (!RtReleaseMutex(o))
					_exit(3);
			}
			_exit(0);
		}
	}
	for (i = 0; i < PROCS; i++)
		CHECK_EQ(t_wait(pid[i]), 0);
	CHECK_EQ(*counter, PROCS * ROUNDS);
	CHECK(RtCloseHandle(m) && RtCloseHandle(shm));
}

/* --- priority inheritance ------------------------------------------------ */

struct pi_test {
	HANDLE m;
	atomic_int low_tid, low_locked, high_result, high_done, medium_gave_up;
};

/* Run on CPU 0 with SCHED_FIFO @prio. */
static int pin_fifo(int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		return -1;
	return pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) ? -1 : 0;
}

static void *pi_low(void *p)
{
	struct pi_test *t = p;

	pin_fifo(10);
	atomic_store(&t->low_tid, (int)syscall(SYS_gettid));
	if (RtWaitForSingleObject(t->m, INFINITE) != WAIT_OBJECT_0)
		return NULL;
	atomic_store(&t->low_locked, 1);
	t_burn_cpu_ms(300);	/* the critical section */
	RtReleaseMutex(t->m);
	return NULL;
}

static void *pi_high(void *p)
{
	struct pi_test *t = p;

	pin_fifo(30);
	atomic_store(&t->high_result, (int)RtWaitForSingleObject(t->m, INFINITE));
	atomic_store(&t->high_done, 1);
	RtReleaseMutex(t->m);
	return NULL;
}

/* Without inheritance this would keep the low thread off the CPU for 8 s. */
static void *pi_medium(void *p)
{
	struct pi_test *t = p;
	double end;

	pin_fifo(20);
	end = t_now_ms() + 8000;
	while (!atomic_load(&t->high_done))
		if (t_now_ms() > end) {
			atomic_store(&t->medium_gave_up, 1);
			break;
		}
	return NULL;
}

/* The kernel's view of a thread's priority: -1 - rt_priority when real-time. */
static int thread_prio(int tid)
{
	char path[64], buf[1024], *p;
	int prio = 0, field;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')'))) {
		/* p + 1 is the space before field 3; field 18 is priority */
		for (field = 3, p++; field < 18 && p; field++)
			p = strchr(p + 1, ' ');
		if (p)
			prio = atoi(p + 1);
	}
	fclose(f);
	return prio;
}

static pthread_t start_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, fn, arg))
		t_fail(__FILE__, __LINE__, "pthread_create");
	return t;
}

/*
 * Low (FIFO 10) holds the mutex, High (FIFO 30) waits for it, Medium
 * (FIFO 20) spins, all on one CPU.  With priority inheritance Low runs at
 * 30, finishes, and High gets the mutex while Medium still spins; the
 * kernel shows Low's priority raised to High's meanwhile.
 */
TEST(priority_inheritance_boosts_the_owner)
{
	struct pi_test t = { 0 };
	pthread_t low, high, medium;
	int boosted = 0, prio;

	if (pin_fifo(50))
		t_skip("SCHED_FIFO not permitted");
	t.m = RtCreateMutexA(NULL, FALSE, NULL);
	CHECK(t.m);
	low = start_thread(pi_low, &t);
	while (!atomic_load(&t.low_locked))
		usleep(1000);
	high = start_thread(pi_high, &t);
	usleep(20000);		/* high blocks on the mutex */
	medium = start_thread(pi_medium, &t);
	while (!atomic_load(&t.high_done) && !atomic_load(&t.medium_gave_up)) {
		prio = thread_prio(atomic_load(&t.low_tid));
		if (prio < boosted)
			boosted = prio;
		usleep(5000);
	}
	pthread_join(low, NULL);
	pthread_join(high, NULL);
	pthread_join(medium, NULL);
	CHECK_EQ(atomic_load(&t.high_result), WAIT_OBJECT_0);
	CHECK_EQ(atomic_load(&t.medium_gave_up), 0);
	CHECK_EQ(boosted, -31);		/* low ran at high's priority, 30 */
	CHECK(RtCloseHandle(t.m));
}
