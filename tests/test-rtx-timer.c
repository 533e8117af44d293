// SPDX-License-Identifier: GPL-2.0
/*
 * RTX clocks, timers and thread priorities: RtGetClockTime,
 * RtGetClockResolution, RtSleepFt, RtCreateTimer, RtSetTimer(Relative),
 * RtCancelTimer, RtDeleteTimer, RtSetThreadPriority, RtGetThreadPriority,
 * and the rtshm_rtx_get_timer_counts extension.
 *
 * Nothing here asserts a latency: timers are checked by what must hold on
 * any machine, however loaded (a routine never runs before its due time,
 * every expiration is on the grid first + n * period, a late routine turns
 * the expirations it missed into overruns in one call, counts agree with
 * the clock's upper bound).  Waits for a routine have limits of tens of
 * seconds only so a broken timer fails instead of hanging.
 */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rtapi.h"
#include "rtx/sync_util.h"
#include "rtx/util.h"

#define MS		10000LL		/* 1 ms in 100 ns units */
#define HOUR		(3600 * 1000 * MS)

/* Generous limit for "the routine ran", stretched on slow kernels. */
static DWORD wait_ms(void)
{
	return 30000 * t_time_scale();
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static LONGLONG clock_now(void)
{
	LARGE_INTEGER t;

	if (!RtGetClockTime(CLOCK_FASTEST, &t))
		t_fail(__FILE__, __LINE__, "RtGetClockTime: %u", GetLastError());
	return t.QuadPart;
}

/* The documented map, written independently: 1 + round(p * 98 / 127). */
static int expected_fifo(int p)
{
	return 1 + (p * 98 * 2 + 127) / 254;
}

/* Whether thread @tid of this process still exists. */
static int task_exists(pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)tid);
	return access(path, F_OK) == 0;
}

/* Wait (up to 10 s) until thread @tid has gone. */
static void await_task_gone(pid_t tid)
{
	int i;

	for (i = 0; i < 10000 && task_exists(tid); i++)
		usleep(1000);
	CHECK(!task_exists(tid));
}

static struct rtshm_timer_counts counts_of(HANDLE h)
{
	struct rtshm_timer_counts c;

	if (!rtshm_rtx_get_timer_counts(h, &c))
		t_fail(__FILE__, __LINE__, "rtshm_rtx_get_timer_counts: %u", GetLastError());
	return c;
}

/* --- a routine that records what it sees --------------------------------- */

#define MAX_CALLS	64

struct call {
	LONGLONG at;		/* clock time on entry */
	struct rtshm_timer_counts counts;
	int prio;		/* RtGetThreadPriority(GetCurrentThread()) */
};

struct probe {
	HANDLE timer;
	HANDLE sem;		/* released once per call */
	_Atomic int calls;
	_Atomic pid_t tid;
	struct call call[MAX_CALLS];
	int block_call;		/* this call sleeps block_ticks */
	LONGLONG block_ticks;
	_Atomic int deleted;	/* delete_self: RtDeleteTimer's result + 1 */
	int delete_self;
	_Atomic int left;	/* the routine returned from the blocking call */
};

static void RTFCNDCL probe_routine(PVOID ctx)
{
	struct probe *p = ctx;
	int i = atomic_load(&p->calls);
	struct call c;

	c.at = clock_now();
	atomic_store(&p->tid, gettid_());
	rtshm_rtx_get_timer_counts(p->timer, &c.counts);
	c.prio = RtGetThreadPriority(GetCurrentThread());
	if (i < MAX_CALLS)
		p->call[i] = c;
	if (p->block_ticks && i == p->block_call) {
		LARGE_INTEGER d = { .QuadPart = p->block_ticks };

		RtSleepFt(&d);
		atomic_store(&p->left, 1);
	}
	if (p->delete_self)
		atomic_store(&p->deleted, RtDeleteTimer(p->timer) + 1);
	atomic_store(&p->calls, i + 1);
	RtReleaseSemaphore(p->sem, 1, NULL);
}

static void probe_init(struct probe *p, ULONG prio)
{
	memset(p, 0, sizeof(*p));
	p->sem = RtCreateSemaphoreA(NULL, 0, 1 << 30, NULL);
	CHECK(p->sem);
	p->timer = RtCreateTimer(NULL, 0, probe_routine, p, prio, CLOCK_FASTEST);
	if (!p->timer)
		t_fail(__FILE__, __LINE__, "RtCreateTimer: %u", GetLastError());
}

static void probe_await(struct probe *p, int calls)
{
	while (atomic_load(&p->calls) < calls)
		CHECK_EQ(RtWaitForSingleObject(p->sem, wait_ms()), WAIT_OBJECT_0);
}

static void probe_done(struct probe *p)
{
	if (p->timer)
		CHECK(RtDeleteTimer(p->timer));
	CHECK(RtCloseHandle(p->sem));
}

/* --- constants, clocks, sleeping ------------------------------------------ */

TEST(constants_have_documented_values)
{
	CHECK_EQ(CLOCK_1, 1);
	CHECK_EQ(CLOCK_2, 2);
	CHECK_EQ(CLOCK_3, 3);
	CHECK_EQ(CLOCK_FASTEST, 0xFFFF);
	CHECK_EQ(CLOCK_SYSTEM, CLOCK_1);
	CHECK_EQ(sizeof(CLOCK), 4);	/* Windows' unsigned long */
	CHECK_EQ(RT_PRIORITY_MIN, 0);
	CHECK_EQ(RT_PRIORITY_MAX, 127);
	CHECK_EQ(THREAD_PRIORITY_ERROR_RETURN, 0x7FFFFFFF);
	CHECK_EQ(ERROR_PRIVILEGE_NOT_HELD, 1314);
}

TEST(clock_time_is_clock_monotonic_in_100ns_units)
{
	static const CLOCK clocks[] = { CLOCK_1, CLOCK_2, CLOCK_3, CLOCK_FASTEST, CLOCK_SYSTEM };
	struct timespec a, b;
	LARGE_INTEGER t;
	LONGLONG last = 0;
	size_t i;

	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		CHECK(RtGetClockTime(clocks[i], &t));
		clock_gettime(CLOCK_MONOTONIC, &b);
		CHECK(t.QuadPart >= (a.tv_sec * 1000000000LL + a.tv_nsec) / 100);
		CHECK(t.QuadPart <= (b.tv_sec * 1000000000LL + b.tv_nsec) / 100);
		CHECK(t.QuadPart >= last);	/* one clock for all ids */
		last = t.QuadPart;
	}
}

TEST(clock_resolution_is_clock_getres_rounded_up)
{
	struct timespec r;
	LARGE_INTEGER res;
	LONGLONG ns;

	CHECK_SYS(clock_getres(CLOCK_MONOTONIC, &r));
	ns = r.tv_sec * 1000000000LL + r.tv_nsec;
	CHECK(RtGetClockResolution(CLOCK_2, &res));
	CHECK(res.QuadPart >= 1);
	CHECK(res.QuadPart * 100 >= ns);
	CHECK(res.QuadPart == 1 || (res.QuadPart - 1) * 100 < ns);
	CHECK(RtGetClockResolution(CLOCK_SYSTEM, &res));
}

TEST(clock_calls_reject_bad_arguments)
{
	LARGE_INTEGER t;

	CHECK_FAILS(RtGetClockTime(0, &t), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtGetClockTime(4, &t), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtGetClockTime(0xFFFE, &t), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtGetClockTime(CLOCK_2, NULL), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtGetClockResolution(7, &t), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtGetClockResolution(CLOCK_FASTEST, NULL), FALSE, ERROR_INVALID_PARAMETER);
}

TEST(sleep_lasts_at_least_the_time_asked)
{
	static const LONGLONG times[] = { 1, 500, MS, 20 * MS };
	LARGE_INTEGER d;
	LONGLONG t0;
	size_t i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		d.QuadPart = times[i];
		t0 = clock_now();
		RtSleepFt(&d);
		CHECK(clock_now() - t0 >= times[i]);
	}
	d.QuadPart = 0;		/* yields */
	SetLastError(0);
	RtSleepFt(&d);
	CHECK_LASTERR(0);
	d.QuadPart = -1;
	SetLastError(0);
	RtSleepFt(&d);
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
	SetLastError(0);
	RtSleepFt(NULL);
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
}

/* --- thread priorities ------------------------------------------------------ */

TEST(thread_priority_maps_onto_sched_fifo)
{
	struct sched_param sp;
	int p, last = 0;

	CHECK(GetCurrentThread() == (HANDLE)(LONG_PTR)-2);	/* Win32's pseudo-handle */
	CHECK_EQ(RtGetThreadPriority(GetCurrentThread()), RT_PRIORITY_MIN);	/* SCHED_OTHER */
	for (p = RT_PRIORITY_MIN; p <= RT_PRIORITY_MAX; p++) {
		CHECK(RtSetThreadPriority(GetCurrentThread(), p));
		CHECK_EQ(sched_getscheduler(0), SCHED_FIFO);
		CHECK_SYS(sched_getparam(0, &sp));
		CHECK_EQ(sp.sched_priority, expected_fifo(p));
		CHECK(sp.sched_priority >= last);	/* order kept */
		last = sp.sched_priority;
		CHECK_EQ(RtGetThreadPriority(GetCurrentThread()), p);	/* remembered */
	}
	CHECK_EQ(expected_fifo(RT_PRIORITY_MIN), 1);
	CHECK_EQ(expected_fifo(RT_PRIORITY_MAX), 99);
	CHECK_EQ(expected_fifo(64), 50);
	/* moved behind the library's back: the lowest RTX priority of the level */
	sp.sched_priority = 40;
	CHECK_SYS(sched_setscheduler(0, SCHED_FIFO, &sp));
	CHECK_EQ(RtGetThreadPriority(GetCurrentThread()), 50);
	CHECK_EQ(expected_fifo(49), 39);
	sp.sched_priority = 0;
	CHECK_SYS(sched_setscheduler(0, SCHED_OTHER, &sp));
	CHECK_EQ(RtGetThreadPriority(GetCurrentThread()), RT_PRIORITY_MIN);
}

TEST(thread_priority_rejects_bad_arguments)
{
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, NULL);
	struct probe p;

	CHECK(e);
	probe_init(&p, 10);
	CHECK_FAILS(RtSetThreadPriority(GetCurrentThread(), -1), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtSetThreadPriority(GetCurrentThread(), 128), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtSetThreadPriority(NULL, 10), FALSE, ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtSetThreadPriority(INVALID_HANDLE_VALUE, 10), FALSE, ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtSetThreadPriority(e, 10), FALSE, ERROR_INVALID_HANDLE);
	/* a timer is not a thread handle, as in RTX */
	CHECK_FAILS(RtSetThreadPriority(p.timer, 10), FALSE, ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtGetThreadPriority(NULL), THREAD_PRIORITY_ERROR_RETURN, ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtGetThreadPriority(p.timer), THREAD_PRIORITY_ERROR_RETURN,
		    ERROR_INVALID_HANDLE);
	CHECK_EQ(sched_getscheduler(0), SCHED_OTHER);	/* nothing changed */
	probe_done(&p);
	CHECK(RtCloseHandle(e));
}

/* Each routine runs on its own thread at the timer's SCHED_FIFO priority. */
TEST(routine_thread_runs_at_the_mapped_priority)
{
	static const ULONG prios[] = { RT_PRIORITY_MIN, 1, 64, 126, RT_PRIORITY_MAX };
	struct sched_param sp;
	LARGE_INTEGER due = { .QuadPart = MS };
	struct probe p;
	size_t i;
	pid_t tid;

	for (i = 0; i < sizeof(prios) / sizeof(prios[0]); i++) {
		probe_init(&p, prios[i]);
		CHECK(RtSetTimerRelative(p.timer, &due, NULL));
		probe_await(&p, 1);
		tid = atomic_load(&p.tid);
		CHECK(tid != gettid_());
		CHECK_EQ(sched_getscheduler(tid), SCHED_FIFO);
		CHECK_SYS(sched_getparam(tid, &sp));
		CHECK_EQ(sp.sched_priority, expected_fifo((int)prios[i]));
		CHECK_EQ(p.call[0].prio, (int)prios[i]);
		probe_done(&p);
		await_task_gone(tid);	/* RtDeleteTimer ended the thread */
	}
}

/*
 * Without CAP_SYS_NICE a process may use SCHED_FIFO up to its
 * RLIMIT_RTPRIO: above that RtCreateTimer and RtSetThreadPriority fail with
 * ERROR_PRIVILEGE_NOT_HELD (no silent SCHED_OTHER), below it they work.
 */
static int unprivileged(unsigned int rtprio)
{
	struct rlimit rl = { rtprio, rtprio };
	struct probe p;
	LARGE_INTEGER due = { .QuadPart = MS };
	HANDLE h;

	if (setrlimit(RLIMIT_RTPRIO, &rl) || setresgid(1001, 1001, 1001) ||
	    setresuid(1001, 1001, 1001))
		return 99;
	CHECK_FAILS(RtCreateTimer(NULL, 0, probe_routine, &p, RT_PRIORITY_MAX, CLOCK_2),
		    NULL, ERROR_PRIVILEGE_NOT_HELD);
	CHECK_FAILS(RtSetThreadPriority(GetCurrentThread(), RT_PRIORITY_MAX), FALSE,
		    ERROR_PRIVILEGE_NOT_HELD);
	CHECK_EQ(sched_getscheduler(0), SCHED_OTHER);
	CHECK_EQ(RtGetThreadPriority(GetCurrentThread()), RT_PRIORITY_MIN);
	if (rtprio == 0) {
		CHECK_FAILS(RtCreateTimer(NULL, 0, probe_routine, &p, RT_PRIORITY_MIN, CLOCK_2),
			    NULL, ERROR_PRIVILEGE_NOT_HELD);
		return 0;
	}
	/* RLIMIT_RTPRIO 50: RTX 64 runs at 50, RTX 65 would need 51 */
	CHECK_FAILS(RtCreateTimer(NULL, 0, probe_routine, &p, 65, CLOCK_2), NULL,
		    ERROR_PRIVILEGE_NOT_HELD);
	probe_init(&p, 64);
	CHECK(RtSetTimerRelative(p.timer, &due, NULL));
	probe_await(&p, 1);
	probe_done(&p);
	CHECK(RtSetThreadPriority(GetCurrentThread(), 64));
	CHECK_EQ(RtGetThreadPriority(GetCurrentThread()), 64);
	h = RtCreateTimer(NULL, 0, probe_routine, &p, 64, CLOCK_2);
	CHECK(h);
	CHECK(RtCloseHandle(h));
	return 0;
}

TEST(no_realtime_privilege_fails_with_error_privilege_not_held)
{
	int pid;

	pid = CHECK_SYS(fork());
	if (pid == 0)
		_exit(unprivileged(0));
	CHECK_EQ(t_wait(pid), 0);
	pid = CHECK_SYS(fork());
	if (pid == 0)
		_exit(unprivileged(50));
	CHECK_EQ(t_wait(pid), 0);
}

/* --- creating, arming, cancelling, deleting ----------------------------------- */

TEST(timer_calls_reject_bad_arguments)
{
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, NULL);
	LARGE_INTEGER due = { .QuadPart = HOUR }, neg = { .QuadPart = -1 }, rem;
	struct rtshm_timer_counts c;
	struct probe p;
	HANDLE closed;

	CHECK(e);
	CHECK_FAILS(RtCreateTimer(NULL, 0, NULL, NULL, 10, CLOCK_2), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtCreateTimer(NULL, 0, probe_routine, &p, 128, CLOCK_2), NULL,
		    ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtCreateTimer(NULL, 0, probe_routine, &p, 10, 0), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtCreateTimer(NULL, 0, probe_routine, &p, 10, 4), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtCreateTimer(NULL, 0, probe_routine, &p, 10, 0x10000), NULL,
		    ERROR_INVALID_PARAMETER);

	closed = RtCreateTimer(NULL, 0, probe_routine, &p, 10, CLOCK_1);
	CHECK(closed);
	CHECK(RtCloseHandle(closed));
	HANDLE bad[] = { NULL, INVALID_HANDLE_VALUE, (HANDLE)1, closed, e };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_FAILS(RtSetTimer(bad[i], &due, NULL), FALSE, ERROR_INVALID_HANDLE);
		CHECK_FAILS(RtSetTimerRelative(bad[i], &due, &due), FALSE, ERROR_INVALID_HANDLE);
		CHECK_FAILS(RtCancelTimer(bad[i], &rem), FALSE, ERROR_INVALID_HANDLE);
		CHECK_FAILS(RtDeleteTimer(bad[i]), FALSE, ERROR_INVALID_HANDLE);
		CHECK_FAILS(rtshm_rtx_get_timer_counts(bad[i], &c), FALSE, ERROR_INVALID_HANDLE);
	}
	/* RtDeleteTimer did not close the event */
	CHECK(RtSetEvent(e));
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_OBJECT_0);

	probe_init(&p, 10);
	CHECK_FAILS(RtSetTimer(p.timer, NULL, NULL), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtSetTimer(p.timer, &due, &neg), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtSetTimerRelative(p.timer, NULL, &due), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtSetTimerRelative(p.timer, &neg, NULL), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtSetTimerRelative(p.timer, &due, &neg), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(rtshm_rtx_get_timer_counts(p.timer, NULL), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_EQ(counts_of(p.timer).due, 0);	/* nothing armed it */
	/* not a waitable object, not a segment */
	CHECK_FAILS(RtWaitForSingleObject(p.timer, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtMapViewOfSharedMemory(p.timer, SHM_MAP_READ, 0, 0, 0), NULL,
		    ERROR_INVALID_HANDLE);
	probe_done(&p);
	CHECK_FAILS(RtDeleteTimer(p.timer), FALSE, ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtCloseHandle(p.timer), FALSE, ERROR_INVALID_HANDLE);
	CHECK(RtCloseHandle(e));
}

TEST(one_shot_runs_once_and_never_early)
{
	LARGE_INTEGER due = { .QuadPart = 2 * MS }, zero = { .QuadPart = 0 };
	struct rtshm_timer_counts c;
	struct probe p;
	LONGLONG set_at;

	probe_init(&p, RT_PRIORITY_MAX);
	set_at = clock_now();
	CHECK(RtSetTimerRelative(p.timer, &due, NULL));
	probe_await(&p, 1);
	CHECK(p.call[0].at >= set_at + due.QuadPart);
	CHECK_EQ(p.call[0].counts.expirations, 1);
	CHECK_EQ(p.call[0].counts.calls, 1);
	CHECK_EQ(p.call[0].counts.due, 0);	/* one-shot: disarmed */
	/* a zero interval is one-shot too */
	set_at = clock_now();
	CHECK(RtSetTimerRelative(p.timer, &due, &zero));
	probe_await(&p, 2);
	CHECK(p.call[1].at >= set_at + due.QuadPart);
	/* long past both due times: still two runs */
	RtSleepFt(&(LARGE_INTEGER){ .QuadPart = 20 * MS });
	c = counts_of(p.timer);
	CHECK_EQ(atomic_load(&p.calls), 2);
	CHECK_EQ(c.calls, 2);
	CHECK_EQ(c.expirations, 2);
	CHECK_EQ(c.overruns, 0);
	probe_done(&p);
}

TEST(absolute_due_time_is_in_the_clock_time_base)
{
	LARGE_INTEGER due, rel = { .QuadPart = -3 * MS };
	struct probe p;
	LONGLONG set_at;

	struct rtshm_timer_counts c;

	probe_init(&p, 100);
	due.QuadPart = clock_now() + 50 * MS;
	CHECK(RtSetTimer(p.timer, &due, NULL));
	/* the due time as given, unless a stalled guest let it fire already */
	c = counts_of(p.timer);
	CHECK(c.due == due.QuadPart || (c.due == 0 && c.expirations == 1));
	probe_await(&p, 1);
	CHECK(p.call[0].at >= due.QuadPart);
	/* negative: relative, as RtSetTimerRelative */
	set_at = clock_now();
	CHECK(RtSetTimer(p.timer, &rel, NULL));
	probe_await(&p, 2);
	CHECK(p.call[1].at >= set_at + 3 * MS);
	/* a time in the past expires at once */
	due.QuadPart = 0;
	CHECK(RtSetTimer(p.timer, &due, NULL));
	probe_await(&p, 3);
	probe_done(&p);
}

TEST(setting_an_armed_timer_replaces_its_schedule)
{
	LARGE_INTEGER far = { .QuadPart = HOUR }, soon = { .QuadPart = MS };
	struct probe p;

	probe_init(&p, 90);
	CHECK(RtSetTimerRelative(p.timer, &far, &far));
	CHECK(RtSetTimerRelative(p.timer, &soon, NULL));	/* within wait_ms(), not an hour */
	probe_await(&p, 1);
	CHECK_EQ(counts_of(p.timer).due, 0);
	probe_done(&p);
}

TEST(cancel_returns_the_time_remaining)
{
	LARGE_INTEGER far = { .QuadPart = HOUR }, soon = { .QuadPart = MS }, rem;
	struct rtshm_timer_counts c;
	struct probe p;

	probe_init(&p, 60);
	CHECK(RtSetTimerRelative(p.timer, &far, &soon));
	CHECK(counts_of(p.timer).due > 0);
	rem.QuadPart = -1;
	CHECK(RtCancelTimer(p.timer, &rem));
	CHECK(rem.QuadPart > 0);
	CHECK(rem.QuadPart <= far.QuadPart);
	c = counts_of(p.timer);
	CHECK_EQ(c.due, 0);
	CHECK_EQ(c.calls, 0);
	/* cancelling a disarmed timer: nothing remains */
	rem.QuadPart = -1;
	CHECK(RtCancelTimer(p.timer, &rem));
	CHECK_EQ(rem.QuadPart, 0);
	CHECK(RtSetTimerRelative(p.timer, &far, NULL));
	CHECK(RtCancelTimer(p.timer, NULL));
	/* a cancelled timer can be set again */
	CHECK(RtSetTimerRelative(p.timer, &soon, NULL));
	probe_await(&p, 1);
	CHECK_EQ(counts_of(p.timer).calls, 1);
	probe_done(&p);
}

/* The periodic routine of a "real-time process" counts into shared memory. */
struct shm_counter {
	_Atomic uint64_t ticks;
};

static void RTFCNDCL count_routine(PVOID ctx)
{
	struct shm_counter *shm = ctx;

	atomic_fetch_add_explicit(&shm->ticks, 1, memory_order_release);
}

/* The "UI process": open the segment by name and watch the counter grow. */
static int watch_counter(const char *name, uint64_t until)
{
	struct shm_counter *shm;
	uint64_t last = 0, now;
	double give_up = t_now_ms() + wait_ms();
	HANDLE h;

	while (!(h = RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, (VOID **)&shm)))
		if (t_now_ms() > give_up)
			return 2;
	for (;;) {
		now = atomic_load_explicit(&shm->ticks, memory_order_acquire);
		if (now < last)
			return 3;	/* a counter never goes back */
		last = now;
		if (now >= until)
			break;
		if (t_now_ms() > give_up)
			return 4;
		usleep(1000);
	}
	RtCloseHandle(h);
	return 0;
}

TEST(periodic_1ms_timer_feeds_a_counter_in_shared_memory)
{
	const char *name = t_name("shm");
	LARGE_INTEGER due, period = { .QuadPart = MS };
	struct rtshm_timer_counts c;
	struct shm_counter *shm;
	HANDLE seg, timer;
	LONGLONG start, end;
	int pid;

	seg = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 4096, name, (VOID **)&shm);
	CHECK(seg);
	pid = CHECK_SYS(fork());
	if (pid == 0)
		_exit(watch_counter(name, 200));
	timer = RtCreateTimer(NULL, 0, count_routine, shm, RT_PRIORITY_MAX, CLOCK_FASTEST);
	CHECK(timer);
	start = clock_now() + MS;
	due.QuadPart = start;
	CHECK(RtSetTimer(timer, &due, &period));
	CHECK_EQ(t_wait(pid), 0);	/* the other process saw 200 ticks */
	CHECK(RtCancelTimer(timer, NULL));
	end = clock_now();
	c = counts_of(timer);	/* final: a cancelled timer counts no more */
	CHECK(RtDeleteTimer(timer));	/* a routine still running has returned */
	CHECK_EQ(c.calls, atomic_load(&shm->ticks));
	CHECK(c.calls >= 200);
	CHECK_EQ(c.expirations, c.calls + c.overruns);
	/* no more expirations than deadlines that passed */
	CHECK(c.expirations <= (ULONGLONG)((end - start) / MS + 1));
	CHECK(RtCloseHandle(seg));
}

/*
 * A routine that blocks for 20 periods: the expirations it missed are
 * counted as overruns in the next call, not run back to back; every due
 * time stays on the grid start + n * period.
 */
TEST(late_routine_overruns_are_counted_not_replayed)
{
	LARGE_INTEGER due, period = { .QuadPart = MS };
	const struct call *b, *n;
	struct probe p;
	LONGLONG start;
	int i;

	probe_init(&p, RT_PRIORITY_MAX);
	p.block_call = 3;
	p.block_ticks = 20 * MS;
	start = clock_now() + 2 * MS;
	due.QuadPart = start;
	CHECK(RtSetTimer(p.timer, &due, &period));
	probe_await(&p, 8);
	CHECK(RtCancelTimer(p.timer, NULL));
	CHECK(atomic_load(&p.left));
	for (i = 0; i < 8; i++) {
		const struct call *c = &p.call[i];

		CHECK_EQ(c->counts.calls, i + 1);
		CHECK_EQ(c->counts.expirations, c->counts.calls + c->counts.overruns);
		/* this call's deadline had passed when it ran: never early */
		CHECK(c->at >= start + (LONGLONG)(c->counts.expirations - 1) * MS);
		/* absolute schedule: the next due time is on the grid */
		CHECK_EQ(c->counts.due, start + (LONGLONG)c->counts.expirations * MS);
		CHECK(c->prio == RT_PRIORITY_MAX);
	}
	b = &p.call[p.block_call];
	n = &p.call[p.block_call + 1];
	/* >= 20 ms passed in the blocking call: >= 19 more deadlines in one call */
	CHECK(n->counts.expirations >= b->counts.expirations + 19);
	CHECK(n->counts.overruns >= b->counts.overruns + 18);
	CHECK_EQ(n->counts.calls, b->counts.calls + 1);
	probe_done(&p);
}

TEST(delete_from_inside_the_routine)
{
	LARGE_INTEGER due = { .QuadPart = MS };
	struct probe p;
	pid_t tid;

	probe_init(&p, 80);
	p.delete_self = 1;
	CHECK(RtSetTimerRelative(p.timer, &due, &due));
	probe_await(&p, 1);
	CHECK_EQ(atomic_load(&p.deleted), TRUE + 1);
	tid = atomic_load(&p.tid);
	await_task_gone(tid);	/* the thread ended after its routine returned */
	CHECK_EQ(atomic_load(&p.calls), 1);
	CHECK_FAILS(RtSetTimerRelative(p.timer, &due, NULL), FALSE, ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtDeleteTimer(p.timer), FALSE, ERROR_INVALID_HANDLE);
	p.timer = NULL;
	probe_done(&p);
}

/* RtDeleteTimer (and RtCloseHandle) wait for a running routine to return. */
TEST(delete_waits_for_the_running_routine)
{
	LARGE_INTEGER due = { .QuadPart = MS };
	struct probe p;
	int i;

	for (i = 0; i < 2; i++) {
		probe_init(&p, 70);
		p.block_call = 0;
		p.block_ticks = 50 * MS;
		CHECK(RtSetTimerRelative(p.timer, &due, NULL));
		while (!atomic_load(&p.tid))
			usleep(100);
		if (i == 0)
			CHECK(RtDeleteTimer(p.timer));
		else
			CHECK(RtCloseHandle(p.timer));
		CHECK(atomic_load(&p.left));
		await_task_gone(atomic_load(&p.tid));
		p.timer = NULL;
		probe_done(&p);
	}
}

/* A fork() child inherits the handle but not the thread; the parent's timer goes on. */
TEST(fork_child_cannot_use_the_parents_timer)
{
	LARGE_INTEGER due = { .QuadPart = MS };
	struct rtshm_timer_counts c;
	struct probe p;
	int pid, calls;

	probe_init(&p, 50);
	CHECK(RtSetTimerRelative(p.timer, &due, &due));
	probe_await(&p, 2);
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		CHECK_FAILS(RtSetTimerRelative(p.timer, &due, NULL), FALSE, ERROR_INVALID_HANDLE);
		CHECK_FAILS(RtCancelTimer(p.timer, NULL), FALSE, ERROR_INVALID_HANDLE);
		CHECK_FAILS(rtshm_rtx_get_timer_counts(p.timer, &c), FALSE, ERROR_INVALID_HANDLE);
		CHECK(RtDeleteTimer(p.timer));	/* frees the child's copy */
		CHECK_FAILS(RtCloseHandle(p.timer), FALSE, ERROR_INVALID_HANDLE);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	calls = atomic_load(&p.calls);
	probe_await(&p, calls + 2);	/* still running here */
	probe_done(&p);
}

/* Timers come and go from several threads at once without leaking threads. */
static void *churn(void *arg)
{
	LARGE_INTEGER due = { .QuadPart = 1 }, period = { .QuadPart = 2000 };
	struct probe p;
	int i;

	(void)arg;
	for (i = 0; i < 20; i++) {
		probe_init(&p, (ULONG)(i * 6));
		CHECK(RtSetTimerRelative(p.timer, &due, i & 1 ? &period : NULL));
		probe_await(&p, 1);
		probe_done(&p);
	}
	return NULL;
}

static long count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

TEST(many_timers_from_many_threads)
{
	pthread_t th[4];
	int i;

	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, churn, NULL), 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	for (i = 0; i < 10000 && count_tasks() != 1; i++)
		usleep(1000);
	CHECK_EQ(count_tasks(), 1);	/* every timer thread has ended */
}
