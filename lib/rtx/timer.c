// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RTX timers: RtCreateTimer, RtSetTimer, RtSetTimerRelative,
 * RtCancelTimer, RtDeleteTimer (and RtCloseHandle on a timer).
 *
 * Each timer is an entry of the handle table with a thread of its own,
 * created at the timer's SCHED_FIFO priority.  The schedule (armed, due,
 * period) lives in struct rtx_timer under its lock; the thread sleeps
 * until @due, an absolute CLOCK_MONOTONIC time, in a futex wait on @seq,
 * which every change of the schedule bumps and wakes.  A futex timeout is
 * the kernel's hrtimer sleeper, the one clock_nanosleep(TIMER_ABSTIME)
 * uses, which PREEMPT_RT expires in hard interrupt context for real-time
 * tasks; a timerfd's hrtimer expires in the timer softirq thread there
 * (SCHED_FIFO 1), behind every other real-time task, and clock_nanosleep
 * itself could only be cut short by a signal.
 *
 * Expirations stay on the grid first + n * period: the next due time is
 * the previous one plus the period, never "now + period".  A wake-up at or
 * after @due folds every expiration that has passed into one run of the
 * routine; those beyond the first are overruns, counted and never
 * replayed.
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "timing.h"
#include "../core/futex.h"

struct rtx_timer {
	struct rtx_object obj;
	/* set at creation */
	VOID (RTFCNDCL *routine)(PVOID);
	PVOID context;
	int prio;		/* RTX priority */
	pid_t pid;		/* the process that has the thread */
	pthread_t thread;
	_Atomic uint32_t seq;	/* bumped (under @lock) when the schedule changes */
	/* under @lock */
	pthread_mutex_t lock;
	int armed;
	int quit;		/* deleted: the thread ends */
	int64_t due;		/* next expiration, ns of RTX_CLOCK_ID */
	int64_t period;		/* ns; 0: one-shot */
	uint64_t expirations, calls, overruns;
};

static struct rtx_timer *to_timer(struct rtx_object *obj)
{
	return (struct rtx_timer *)obj;
}

/* The schedule changed: tell the thread.  Lock held; the wake-up is not. */
static void timer_changed(struct rtx_timer *t)
{
	atomic_fetch_add(&t->seq, 1);
}

static void timer_unlock_wake(struct rtx_timer *t)
{
	pthread_mutex_unlock(&t->lock);
	rtshm_futex_wake(&t->seq, 1);
}

/*
 * It is @now: account for the expirations that have passed and say
 * whether the routine runs.  Lock held.
 */
static int timer_expire(struct rtx_timer *t, int64_t now)
{
	uint64_t n = 1;

	if (!t->armed || now < t->due)
		return 0;
	if (t->period) {
		n += (uint64_t)((now - t->due) / t->period);
		if ((uint64_t)(INT64_MAX - t->due) / n < (uint64_t)t->period)
			t->armed = 0;	/* the next one is beyond the clock's range */
		else
			t->due += (int64_t)n * t->period;
	} else {
		t->armed = 0;
	}
	t->expirations += n;
	t->overruns += n - 1;
	t->calls++;
	return 1;
}

static void *timer_thread(void *arg)
{
	struct rtx_timer *t = arg;
	struct timespec until;
	uint32_t seq;
	int armed;

	rtx_thread_note_priority(t->prio);
	pthread_mutex_lock(&t->lock);
	while (!t->quit) {
		if (timer_expire(t, rtx_clock_now_ns())) {
			pthread_mutex_unlock(&t->lock);
			t->routine(t->context);
			pthread_mutex_lock(&t->lock);
			continue;
		}
		seq = atomic_load(&t->seq);
		armed = t->armed;
		until = rtx_ns_to_timespec(t->due);
		pthread_mutex_unlock(&t->lock);
		/* returns when woken, when @seq moved on, or at @due */
		rtshm_futex_wait(&t->seq, seq, armed ? &until : NULL);
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	rtx_object_put(&t->obj);	/* the thread's reference */
	return NULL;
}

/* Make the thread end; wait for it unless this is the thread itself. */
static void timer_stop_thread(struct rtx_timer *t)
{
	pthread_mutex_lock(&t->lock);
	t->quit = 1;
	t->armed = 0;
	timer_changed(t);
	timer_unlock_wake(t);
	if (pthread_equal(pthread_self(), t->thread))
		pthread_detach(t->thread);	/* it ends when the routine returns */
	else
		pthread_join(t->thread, NULL);
}

/*
 * The handle was closed: stop the thread.  In a fork() child the thread
 * does not exist (nor could the parent's lock be trusted): just drop the
 * reference that was the thread's.
 */
static void timer_close(struct rtx_object *obj)
{
	struct rtx_timer *t = to_timer(obj);

	if (t->pid != getpid())
		rtx_object_put(obj);
	else
		timer_stop_thread(t);
}

static void timer_destroy(struct rtx_object *obj)
{
	struct rtx_timer *t = to_timer(obj);

	if (t->pid == getpid())
		pthread_mutex_destroy(&t->lock);
	free(t);
}

static const struct rtx_object_ops rtx_timer_ops = {
	.kind = RTX_KIND_TIMER,
	.close = timer_close,
	.destroy = timer_destroy,
};

static HANDLE timer_fail(DWORD err)
{
	SetLastError(err);
	return NULL;
}

/* Start the thread at the timer's priority; 0 or a pthread error. */
static int timer_start_thread(struct rtx_timer *t, ULONG stack_size)
{
	struct sched_param sp = { .sched_priority = rtx_prio_to_fifo(t->prio) };
	sigset_t all, old;
	pthread_attr_t attr;
	int err;

	err = pthread_attr_init(&attr);
	if (err)
		return err;
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	if (stack_size) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		size_t min = (size_t)PTHREAD_STACK_MIN;
		size_t size = ((size_t)stack_size + page - 1) / page * page;

		err = pthread_attr_setstacksize(&attr, size < min ? min : size);
	}
	if (!err) {
		/* process signals go to the program's threads, not the handler */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		err = pthread_create(&t->thread, &attr, timer_thread, t);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	pthread_attr_destroy(&attr);
	return err;
}

RTSHM_EXPORT HANDLE RtCreateTimer(PSECURITY_ATTRIBUTES pThreadAttributes, ULONG StackSize,
				  VOID (RTFCNDCL *Routine)(PVOID Context), PVOID Context,
				  ULONG Priority, CLOCK Clock)
{
	struct rtx_timer *t;
	DWORD err;
	HANDLE h;
	int ret;

	(void)pThreadAttributes;
	if (!Routine || Priority > RT_PRIORITY_MAX || !rtx_clock_valid(Clock))
		return timer_fail(ERROR_INVALID_PARAMETER);
	t = calloc(1, sizeof(*t));
	if (!t)
		return timer_fail(ERROR_NOT_ENOUGH_MEMORY);
	rtx_object_init(&t->obj, &rtx_timer_ops);
	t->routine = Routine;
	t->context = Context;
	t->prio = (int)Priority;
	t->pid = getpid();
	/* the handler thread is real-time: who holds the lock inherits it */
	ret = rtshm_mutex_init(&t->lock, RTSHM_MUTEX_PI);
	if (ret) {
		free(t);
		return timer_fail(rtx_sched_error(ret));
	}
	/*
	 * The thread first, then the handle: nobody can reach the timer
	 * before its thread exists.  EPERM: SCHED_FIFO at that priority is
	 * not allowed (no CAP_SYS_NICE, RLIMIT_RTPRIO too low).
	 */
	atomic_fetch_add(&t->obj.refs, 1);	/* the thread's */
	ret = timer_start_thread(t, StackSize);
	if (ret) {
		timer_destroy(&t->obj);
		return timer_fail(rtx_sched_error(ret));
	}
	h = rtx_handle_insert(&t->obj, &err);
	if (!h) {
		timer_stop_thread(t);
		rtx_object_put(&t->obj);
		return timer_fail(err);
	}
	return h;
}

/* The timer of @h with a reference, or NULL with ERROR_INVALID_HANDLE. */
static struct rtx_timer *timer_get(HANDLE h)
{
	struct rtx_object *obj = rtx_handle_get(h, RTX_KIND_TIMER);

	if (obj && to_timer(obj)->pid != getpid()) {
		rtx_object_put(obj);	/* inherited through fork(): no thread here */
		obj = NULL;
	}
	if (!obj)
		SetLastError(ERROR_INVALID_HANDLE);
	return obj ? to_timer(obj) : NULL;
}

/* Arm @h: first expiration at @due (ns of RTX_CLOCK_ID), then every @period. */
static BOOL timer_arm(HANDLE h, int64_t due, int64_t period)
{
	struct rtx_timer *t = timer_get(h);
	BOOL ok = FALSE;

	if (!t)
		return FALSE;
	pthread_mutex_lock(&t->lock);
	if (!t->quit) {
		/* an armed timer gets the new schedule: RTX leaves that open */
		t->armed = 1;
		t->due = due;
		t->period = period;
		timer_changed(t);
		ok = TRUE;
	}
	timer_unlock_wake(t);
	rtx_object_put(&t->obj);
	if (!ok)
		SetLastError(ERROR_INVALID_HANDLE);	/* deleted meanwhile */
	return ok;
}

/* *pInterval in ns (NULL: 0), or -1 if negative. */
static int64_t timer_period(PLARGE_INTEGER pInterval)
{
	if (!pInterval)
		return 0;
	if (pInterval->QuadPart < 0)
		return -1;
	return rtx_ticks_to_ns(pInterval->QuadPart);
}

static BOOL timer_bad_parameter(void)
{
	SetLastError(ERROR_INVALID_PARAMETER);
	return FALSE;
}

RTSHM_EXPORT BOOL RtSetTimerRelative(HANDLE hTimer, PLARGE_INTEGER pExpiration,
				     PLARGE_INTEGER pInterval)
{
	int64_t period = timer_period(pInterval);

	if (!pExpiration || pExpiration->QuadPart < 0 || period < 0)
		return timer_bad_parameter();
	return timer_arm(hTimer, rtx_add_sat(rtx_clock_now_ns(),
					     rtx_ticks_to_ns(pExpiration->QuadPart)), period);
}

RTSHM_EXPORT BOOL RtSetTimer(HANDLE hTimer, PLARGE_INTEGER pExpiration,
			     PLARGE_INTEGER pInterval)
{
	LARGE_INTEGER rel;

	if (!pExpiration || timer_period(pInterval) < 0)
		return timer_bad_parameter();
	if (pExpiration->QuadPart < 0) {
		/* RTX: a negative expiration is relative, as RtSetTimerRelative */
		rel.QuadPart = pExpiration->QuadPart == INT64_MIN ? INT64_MAX :
			       -pExpiration->QuadPart;
		return RtSetTimerRelative(hTimer, &rel, pInterval);
	}
	return timer_arm(hTimer, rtx_ticks_to_ns(pExpiration->QuadPart),
			 timer_period(pInterval));
}

RTSHM_EXPORT BOOL RtCancelTimer(HANDLE hTimer, PLARGE_INTEGER pRemain)
{
	struct rtx_timer *t = timer_get(hTimer);
	int64_t left = 0;

	if (!t)
		return FALSE;
	pthread_mutex_lock(&t->lock);
	if (t->armed) {
		left = t->due - rtx_clock_now_ns();
		if (left < 0)
			left = 0;	/* due, the thread is about to run */
		t->armed = 0;
		timer_changed(t);
	}
	timer_unlock_wake(t);
	rtx_object_put(&t->obj);
	if (pRemain)
		pRemain->QuadPart = left / RTX_NS_PER_TICK;
	return TRUE;
}

RTSHM_EXPORT BOOL RtDeleteTimer(HANDLE Handle)
{
	struct rtx_object *obj = rtx_handle_get(Handle, RTX_KIND_TIMER);
	DWORD err;

	if (!obj) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	rtx_object_put(obj);
	/* never closes a handle of another kind; one closed meanwhile fails */
	err = rtx_handle_close(Handle);
	if (err) {
		SetLastError(err);
		return FALSE;
	}
	return TRUE;
}

RTSHM_EXPORT BOOL rtshm_rtx_get_timer_counts(HANDLE hTimer, struct rtshm_timer_counts *pCounts)
{
	struct rtx_timer *t;

	if (!pCounts) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	t = timer_get(hTimer);
	if (!t)
		return FALSE;
	pthread_mutex_lock(&t->lock);
	pCounts->expirations = t->expirations;
	pCounts->calls = t->calls;
	pCounts->overruns = t->overruns;
	pCounts->due = t->armed ? t->due / RTX_NS_PER_TICK : 0;
	pthread_mutex_unlock(&t->lock);
	rtx_object_put(&t->obj);
	return TRUE;
}
