// SPDX-License-Identifier: GPL-2.0
/*
 * RtWaitForMultipleObjects with bWaitAll TRUE as Win32 defines it: nothing
 * is taken until everything can be, and no other thread ever sees part of
 * a take; abandoned mutexes among the objects; pulses; duplicates; and the
 * access values of RtOpen* that ported code passes.
 */
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "rtapi.h"
#include "rtx/sync_util.h"
#include "rtx/util.h"

#define ROUNDS	20000

struct poller {
	HANDLE obj;		/* what the poller looks at */
	HANDLE pair[2];		/* what the wait-all thread asks for */
	atomic_int stop;
	long anomalies;		/* what a partial take would show */
	long rounds;
};

/* Wait-all attempts that can never complete: the second object is never set. */
static void *hopeless_wait_all(void *p)
{
	struct poller *pl = p;

	while (!atomic_load(&pl->stop))
		if (RtWaitForMultipleObjects(2, pl->pair, TRUE, 0) != WAIT_TIMEOUT)
			pl->anomalies += 1000000;	/* took what it cannot have */
	return NULL;
}

static void start(struct poller *pl, pthread_t *t, HANDLE obj)
{
	pl->obj = obj;
	pl->pair[0] = obj;
	pl->pair[1] = RtCreateEventA(NULL, TRUE, FALSE, NULL);	/* never set */
	CHECK(pl->pair[1]);
	atomic_init(&pl->stop, 0);
	pl->anomalies = 0;
	pl->rounds = 0;
	CHECK_EQ(pthread_create(t, NULL, hopeless_wait_all, pl), 0);
}

static void finish(struct poller *pl, pthread_t t, const char *what)
{
	atomic_store(&pl->stop, 1);
	CHECK_EQ(pthread_join(t, NULL), 0);
	fprintf(stderr, "  %s: %ld anomalies in %ld rounds beside a failing wait-all\n",
		what, pl->anomalies, pl->rounds);
	CHECK_EQ(pl->anomalies, 0);
	CHECK(RtCloseHandle(pl->pair[1]));
}

/*
 * A semaphore of count 1 that only this thread takes is always there for
 * its poll, and its count is 0 whenever it gives it back: a wait-all that
 * took it and gave it back would show as a spurious WAIT_TIMEOUT or a
 * count above the maximum.
 */
TEST(polls_never_see_a_failing_wait_all_take_a_semaphore)
{
	HANDLE s = RtCreateSemaphoreA(NULL, 1, 1, NULL);
	struct poller pl;
	pthread_t t;
	LONG prev;

	CHECK(s);
	start(&pl, &t, s);
	for (; pl.rounds < ROUNDS; pl.rounds++) {
		if (RtWaitForSingleObject(s, 0) != WAIT_OBJECT_0) {
			pl.anomalies++;
			continue;
		}
		if (!RtReleaseSemaphore(s, 1, &prev) || prev != 0)
			pl.anomalies++;
	}
	finish(&pl, t, "semaphore");
	CHECK(RtReleaseSemaphore(s, 0, NULL) == FALSE);
	CHECK_FAILS(RtReleaseSemaphore(s, 1, NULL), FALSE, ERROR_TOO_MANY_POSTS);
	CHECK(RtCloseHandle(s));
}

/*
 * After this thread resets an auto-reset event, a poll must find it reset;
 * a wait-all that took the set and gave it back would set it again.
 */
TEST(a_reset_event_stays_reset_beside_a_failing_wait_all)
{
	HANDLE e = RtCreateEventA(NULL, FALSE, TRUE, NULL);
	struct poller pl;
	pthread_t t;

	CHECK(e);
	start(&pl, &t, e);
	for (; pl.rounds < ROUNDS; pl.rounds++) {
		CHECK(RtResetEvent(e));
		if (RtWaitForSingleObject(e, 0) != WAIT_TIMEOUT)
			pl.anomalies++;
		CHECK(RtSetEvent(e));
		if (RtWaitForSingleObject(e, 0) != WAIT_OBJECT_0)
			pl.anomalies++;
		CHECK(RtSetEvent(e));
	}
	finish(&pl, t, "auto-reset event");
	CHECK(RtCloseHandle(e));
}

/* A free mutex this thread alone locks is always free for its poll. */
TEST(polls_never_see_a_failing_wait_all_hold_a_mutex)
{
	HANDLE m = RtCreateMutexA(NULL, FALSE, NULL);
	struct poller pl;
	pthread_t t;

	CHECK(m);
	start(&pl, &t, m);
	for (; pl.rounds < ROUNDS; pl.rounds++) {
		if (RtWaitForSingleObject(m, 0) != WAIT_OBJECT_0) {
			pl.anomalies++;
			continue;
		}
		CHECK(RtReleaseMutex(m));
	}
	finish(&pl, t, "mutex");
	CHECK(RtCloseHandle(m));
}

/*
 * Processes compete for a mutex, a semaphore of 3 and an auto-reset event
 * (wait-all), and for the semaphore alone (wait-any); the wait-all holders
 * count themselves in shared memory.  At most one holds all three at a
 * time, no release finds the semaphore full, nothing is lost.
 */
struct arena {
	atomic_int inside;	/* wait-all holders now */
	atomic_int worst;
	atomic_long takes_all, takes_sem;
	atomic_int errors;
};

static int contender(struct arena *a, const char *const names[3], int all)
{
	HANDLE h[3] = { RtOpenMutexA(0, FALSE, names[0]),
			RtOpenSemaphoreA(0, FALSE, names[1]),
			RtOpenEventA(0, FALSE, names[2]) };
	int i, n;
	LONG prev;

	if (!h[0] || !h[1] || !h[2])
		return 1;
	for (i = 0; i < 1500; i++) {
		if (!all) {
			if (RtWaitForSingleObject(h[1], 20000) != WAIT_OBJECT_0)
				return 2;
			atomic_fetch_add(&a->takes_sem, 1);
			if (!RtReleaseSemaphore(h[1], 1, &prev) || prev > 2)
				atomic_fetch_add(&a->errors, 1);
			continue;
		}
		if (RtWaitForMultipleObjects(3, h, TRUE, 20000) != WAIT_OBJECT_0)
			return 3;
		n = atomic_fetch_add(&a->inside, 1) + 1;
		if (n > atomic_load(&a->worst))
			atomic_store(&a->worst, n);
		atomic_fetch_add(&a->takes_all, 1);
		atomic_fetch_sub(&a->inside, 1);
		if (!RtSetEvent(h[2]))
			atomic_fetch_add(&a->errors, 1);
		if (!RtReleaseSemaphore(h[1], 1, &prev) || prev > 2)
			atomic_fetch_add(&a->errors, 1);
		if (!RtReleaseMutex(h[0]))
			atomic_fetch_add(&a->errors, 1);
	}
	return 0;
}

TEST(wait_all_under_contention_across_processes)
{
	const char *names[3] = { t_name("wam"), t_name("was"), t_name("wae") };
	HANDLE m = RtCreateMutexA(NULL, FALSE, names[0]);
	HANDLE s = RtCreateSemaphoreA(NULL, 3, 3, names[1]);
	HANDLE e = RtCreateEventA(NULL, FALSE, TRUE, names[2]);
	struct arena *a;
	int pids[6], i;
	LONG prev;

	CHECK(m && s && e);
	a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	memset(a, 0, sizeof(*a));
	for (i = 0; i < 6; i++) {
		pids[i] = CHECK_SYS(fork());
		if (!pids[i])
			_exit(contender(a, names, i < 4));
	}
	for (i = 0; i < 6; i++)
		CHECK_EQ(t_wait(pids[i]), 0);
	fprintf(stderr, "  %ld wait-all and %ld semaphore takes, at most %d holder(s), %d errors\n",
		atomic_load(&a->takes_all), atomic_load(&a->takes_sem),
		atomic_load(&a->worst), atomic_load(&a->errors));
	CHECK_EQ(atomic_load(&a->takes_all), 4 * 1500);
	CHECK_EQ(atomic_load(&a->worst), 1);
	CHECK_EQ(atomic_load(&a->errors), 0);
	/* everything back where it started */
	CHECK_EQ(RtWaitForMultipleObjects(3, (HANDLE[]){ m, s, e }, TRUE, 0), WAIT_OBJECT_0);
	CHECK(RtReleaseSemaphore(s, 1, &prev));
	CHECK_EQ(prev, 2);
	CHECK(RtReleaseMutex(m));
	munmap(a, sizeof(*a));
	CHECK(RtCloseHandle(m) && RtCloseHandle(s) && RtCloseHandle(e));
}

/* ---- abandoned mutexes ------------------------------------------------- */

/* A child process takes the mutex of @m and ends without releasing it. */
static void abandon_in_child(HANDLE m)
{
	int pid = CHECK_SYS(fork());

	if (!pid)
		_exit(RtWaitForSingleObject(m, INFINITE) == WAIT_OBJECT_0 ? 0 : 1);
	CHECK_EQ(t_wait(pid), 0);
}

TEST(wait_all_reports_an_abandoned_mutex_with_its_index)
{
	HANDLE e = RtCreateEventA(NULL, TRUE, TRUE, NULL);
	HANDLE m = RtCreateMutexA(NULL, FALSE, NULL);
	HANDLE h[2] = { e, m };

	CHECK(e && m);
	abandon_in_child(m);
	CHECK_EQ(RtWaitForMultipleObjects(2, h, TRUE, 20000), WAIT_ABANDONED_0 + 1);
	/* and it is ours now, an ordinary mutex again */
	CHECK(RtReleaseMutex(m));
	CHECK_EQ(RtWaitForMultipleObjects(2, h, TRUE, 0), WAIT_OBJECT_0);
	CHECK(RtReleaseMutex(m));
	CHECK_FAILS(RtReleaseMutex(m), FALSE, ERROR_NOT_OWNER);
	CHECK(RtCloseHandle(e) && RtCloseHandle(m));
}

/*
 * A wait-all that cannot complete gives the abandoned mutex back still
 * abandoned: the next owner, by any kind of wait, is told.
 */
TEST(a_failing_wait_all_keeps_the_abandonment_for_the_next_owner)
{
	HANDLE m = RtCreateMutexA(NULL, FALSE, NULL);
	HANDLE none = RtCreateEventA(NULL, TRUE, FALSE, NULL);
	HANDLE h[2] = { m, none };

	CHECK(m && none);
	abandon_in_child(m);
	CHECK_EQ(RtWaitForMultipleObjects(2, h, TRUE, 0), WAIT_TIMEOUT);
	CHECK_EQ(RtWaitForMultipleObjects(2, h, TRUE, 30), WAIT_TIMEOUT);
	/* the blocking single-mutex path (PI futex) */
	CHECK_EQ(RtWaitForSingleObject(m, 1000), WAIT_ABANDONED);
	CHECK(RtReleaseMutex(m));
	/* a poll, after another abandonment and another failed wait-all */
	abandon_in_child(m);
	CHECK_EQ(RtWaitForMultipleObjects(2, h, TRUE, 0), WAIT_TIMEOUT);
	CHECK_EQ(RtWaitForSingleObject(m, 0), WAIT_ABANDONED);
	CHECK(RtReleaseMutex(m));
	CHECK_EQ(RtWaitForSingleObject(m, 0), WAIT_OBJECT_0);
	CHECK(RtReleaseMutex(m));
	CHECK(RtCloseHandle(m) && RtCloseHandle(none));
}

/* ---- pulses ------------------------------------------------------------ */

struct waiter {
	HANDLE *h;
	DWORD n, ms;
	BOOL all;
	DWORD result;
};

static void *wait_thread(void *p)
{
	struct waiter *w = p;

	w->result = RtWaitForMultipleObjects(w->n, w->h, w->all, w->ms);
	return NULL;
}

/* A pulse releases a sleeping wait-all whose other objects are there. */
TEST(pulse_releases_a_wait_all_that_can_complete)
{
	HANDLE h[2] = { RtCreateEventA(NULL, FALSE, FALSE, NULL),
			RtCreateSemaphoreA(NULL, 1, 1, NULL) };
	struct waiter w = { h, 2, INFINITE, TRUE, 99 };
	pthread_t t;
	LONG prev;

	CHECK(h[0] && h[1]);
	CHECK_EQ(pthread_create(&t, NULL, wait_thread, &w), 0);
	t_await_sleepers(h[0], 1);
	CHECK(RtPulseEvent(h[0]));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(w.result, WAIT_OBJECT_0);
	CHECK(RtReleaseSemaphore(h[1], 1, &prev));
	CHECK_EQ(prev, 0);					/* it took the count */
	CHECK_EQ(RtWaitForSingleObject(h[0], 0), WAIT_TIMEOUT);	/* pulses leave it reset */
	CHECK(RtCloseHandle(h[0]) && RtCloseHandle(h[1]));
}

/*
 * A pulse that finds the wait-all's semaphore empty cannot release it:
 * the one release of the auto-reset pulse goes to a wait-any waiter, and
 * the wait-all times out.
 */
TEST(pulse_that_cannot_release_a_wait_all_goes_to_another_waiter)
{
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, NULL);
	HANDLE s = RtCreateSemaphoreA(NULL, 0, 1, NULL);
	HANDLE all_h[2] = { e, s }, any_h[1] = { e };
	struct waiter all = { all_h, 2, 3000, TRUE, 99 };
	struct waiter any = { any_h, 1, 20000, FALSE, 99 };
	pthread_t ta, tb;

	CHECK(e && s);
	CHECK_EQ(pthread_create(&ta, NULL, wait_thread, &all), 0);
	CHECK_EQ(pthread_create(&tb, NULL, wait_thread, &any), 0);
	t_await_sleepers(e, 2);
	CHECK(RtPulseEvent(e));
	CHECK_EQ(pthread_join(tb, NULL), 0);
	CHECK_EQ(any.result, WAIT_OBJECT_0);
	CHECK_EQ(pthread_join(ta, NULL), 0);
	CHECK_EQ(all.result, WAIT_TIMEOUT);
	CHECK_FAILS(RtReleaseSemaphore(s, 2, NULL), FALSE, ERROR_TOO_MANY_POSTS);
	CHECK(RtCloseHandle(e) && RtCloseHandle(s));
}

/* ---- duplicates -------------------------------------------------------- */

TEST(an_object_twice_is_invalid_for_wait_all_but_fine_for_wait_any)
{
	const char *name = t_name("dup");
	HANDLE e = RtCreateEventA(NULL, TRUE, TRUE, name);
	HANDLE again = RtOpenEventA(SYNCHRONIZE, FALSE, name);
	HANDLE other = RtCreateEventA(NULL, TRUE, TRUE, NULL);

	CHECK(e && again && other);
	/* the same handle twice, and two handles of one object */
	CHECK_FAILS(RtWaitForMultipleObjects(2, (HANDLE[]){ e, e }, TRUE, 0), WAIT_FAILED,
		    ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtWaitForMultipleObjects(3, (HANDLE[]){ e, other, again }, TRUE, INFINITE),
		    WAIT_FAILED, ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtWaitForMultipleObjects(2, (HANDLE[]){ e, other }, TRUE, 0), WAIT_OBJECT_0);
	/* wait-any, as Win32: the lowest index wins */
	CHECK_EQ(RtWaitForMultipleObjects(2, (HANDLE[]){ e, e }, FALSE, 0), WAIT_OBJECT_0);
	CHECK(RtResetEvent(e));
	CHECK_EQ(RtWaitForMultipleObjects(3, (HANDLE[]){ e, again, other }, FALSE, 0),
		 WAIT_OBJECT_0 + 2);
	CHECK(RtResetEvent(other));
	CHECK_EQ(RtWaitForMultipleObjects(2, (HANDLE[]){ again, e }, FALSE, 0), WAIT_TIMEOUT);
	CHECK(RtCloseHandle(e) && RtCloseHandle(again) && RtCloseHandle(other));
}

/* A wait-any sleeping on one object twice is woken by its set. */
TEST(wait_any_on_one_object_twice_sleeps_and_wakes)
{
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, NULL);
	HANDLE h[2] = { e, e };
	struct waiter w = { h, 2, 20000, FALSE, 99 };
	pthread_t t;

	CHECK(e);
	CHECK_EQ(pthread_create(&t, NULL, wait_thread, &w), 0);
	t_await_sleepers(e, 2);
	CHECK(RtSetEvent(e));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(w.result, WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_TIMEOUT);	/* taken once */
	CHECK(RtCloseHandle(e));
}

/* ---- access values ----------------------------------------------------- */

/* Every value but SHM_MAP_READ opens read-write, as RTSS grants. */
TEST(open_shared_memory_maps_read_write_for_every_access_but_read)
{
	static const DWORD rw[] = { SHM_MAP_WRITE, SHM_MAP_ALL_ACCESS, PAGE_READWRITE, 0,
				    PAGE_READONLY, 4, 8, 0xF001F /* FILE_MAP_ALL_ACCESS */,
				    0xFFFFFFFFu };
	const char *name = t_name("acc");
	char *p, *q;
	HANDLE c, o;
	size_t i;

	c = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 4096, name, (void **)&p);
	CHECK(c);
	for (i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
		o = RtOpenSharedMemoryA(rw[i], FALSE, name, (void **)&q);
		CHECK(o);
		CHECK(!strcmp(t_map_perms(q), "rw-s"));
		q[i] = (char)(i + 1);
		CHECK_EQ(p[i], (char)(i + 1));
		CHECK(RtCloseHandle(o));
		/* a view of the creator's handle by the same rule */
		q = RtMapViewOfSharedMemory(c, rw[i], 0, 0, 0);
		CHECK(q);
		CHECK(!strcmp(t_map_perms(q), "rw-s"));
		CHECK(RtUnmapViewOfSharedMemory(q));
	}
	o = RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, (void **)&q);
	CHECK(o);
	CHECK(!strcmp(t_map_perms(q), "r--s"));
	CHECK_EQ(q[0], 1);
	CHECK(RtCloseHandle(o));
	CHECK(RtCloseHandle(c));
}

TEST(open_of_sync_objects_accepts_what_ported_code_passes)
{
	static const DWORD ok[] = {
		0, SYNCHRONIZE, EVENT_MODIFY_STATE, MUTEX_MODIFY_STATE, EVENT_ALL_ACCESS,
		MUTEX_ALL_ACCESS, SEMAPHORE_ALL_ACCESS, SYNCHRONIZE | EVENT_MODIFY_STATE,
		0x80000000u /* GENERIC_READ */, 0x40000000u /* GENERIC_WRITE */,
		0x20000000u /* GENERIC_EXECUTE */, 0x10000000u /* GENERIC_ALL */,
		0xC0000000u, 0x02000000u /* MAXIMUM_ALLOWED */, 0x00010000u /* DELETE */,
	};
	const char *ev = t_name("aev"), *mx = t_name("amx"), *sm = t_name("asm");
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, ev);
	HANDLE m = RtCreateMutexA(NULL, FALSE, mx);
	HANDLE s = RtCreateSemaphoreA(NULL, 0, 5, sm);
	HANDLE o;
	size_t i;

	CHECK(e && m && s);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		/* whatever it asked for, the handle can signal and wait */
		o = RtOpenEventA(ok[i], FALSE, ev);
		CHECK(o);
		CHECK(RtSetEvent(o));
		CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_OBJECT_0);
		CHECK(RtCloseHandle(o));
		o = RtOpenMutexA(ok[i], FALSE, mx);
		CHECK(o);
		CHECK_EQ(RtWaitForSingleObject(o, 0), WAIT_OBJECT_0);
		CHECK(RtReleaseMutex(o));
		CHECK(RtCloseHandle(o));
		o = RtOpenSemaphoreA(ok[i], FALSE, sm);
		CHECK(o);
		CHECK(RtReleaseSemaphore(o, 1, NULL));
		CHECK_EQ(RtWaitForSingleObject(s, 0), WAIT_OBJECT_0);
		CHECK(RtCloseHandle(o));
	}
	/* bits no access mask has */
	CHECK_FAILS(RtOpenEventA(0x00400000u, FALSE, ev), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtOpenMutexA(0x00000100u, FALSE, mx), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtOpenSemaphoreA(0x01000000u, FALSE, sm), NULL, ERROR_INVALID_PARAMETER);
	CHECK(RtCloseHandle(e) && RtCloseHandle(m) && RtCloseHandle(s));
}
