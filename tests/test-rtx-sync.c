// SPDX-License-Identifier: GPL-2.0
/*
 * RTX events and semaphores, RtWaitForSingleObject/RtWaitForMultipleObjects,
 * and the namespace they share with shared memory: across threads and
 * processes, on the real kernel object.
 */
#include <stdatomic.h>
#include <sys/wait.h>

#include "rtapi.h"
#include "rtx/sync_util.h"
#include "rtx/util.h"

TEST(constants_have_documented_values)
{
	CHECK_EQ(WAIT_OBJECT_0, 0);
	CHECK_EQ(WAIT_ABANDONED, 0x80);
	CHECK_EQ(WAIT_ABANDONED_0, 0x80);
	CHECK_EQ(WAIT_TIMEOUT, 0x102);
	CHECK_EQ(WAIT_FAILED, 0xFFFFFFFFu);
	CHECK_EQ(INFINITE, 0xFFFFFFFFu);
	CHECK_EQ(MAX_WFMO, 64);
	CHECK_EQ(ERROR_NOT_OWNER, 288);
	CHECK_EQ(ERROR_TOO_MANY_POSTS, 298);
	CHECK_EQ(SYNCHRONIZE, 0x00100000);
	CHECK_EQ(EVENT_ALL_ACCESS, 0x001F0003);
	CHECK_EQ(MUTEX_ALL_ACCESS, 0x001F0001);
	CHECK_EQ(SEMAPHORE_ALL_ACCESS, 0x001F0003);
}

TEST(auto_reset_event_releases_one_wait_per_set)
{
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, t_name("ev"));

	CHECK(e);
	CHECK_EQ(GetLastError(), ERROR_SUCCESS);
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_TIMEOUT);
	CHECK(RtSetEvent(e));
	CHECK(RtSetEvent(e));	/* setting twice is still one release */
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_TIMEOUT);
	CHECK(RtCloseHandle(e));
}

TEST(manual_reset_event_stays_signaled_until_reset)
{
	HANDLE e = RtCreateEventA(NULL, TRUE, TRUE, t_name("ev"));

	CHECK(e);
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForSingleObject(e, 10), WAIT_OBJECT_0);
	CHECK(RtResetEvent(e));
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_TIMEOUT);
	CHECK(RtCloseHandle(e));
}

TEST(create_of_existing_name_opens_it)
{
	const char *name = t_name("ev");
	HANDLE a = RtCreateEventA(NULL, TRUE, FALSE, name);
	HANDLE b = RtCreateEventA(NULL, FALSE, TRUE, name);	/* args ignored */
	HANDLE c = RtOpenEventA(EVENT_ALL_ACCESS, FALSE, name);
	WCHAR wname[128];
	HANDLE w;
	size_t i;

	CHECK(a && b && c && a != b);
	for (i = 0; name[i]; i++)
		wname[i] = (WCHAR)name[i];
	wname[i] = 0;
	w = RtOpenEventW(SYNCHRONIZE, FALSE, wname);
	CHECK(w);
	CHECK_EQ(RtWaitForSingleObject(b, 0), WAIT_TIMEOUT);	/* initial FALSE */
	CHECK(RtSetEvent(c));
	CHECK_EQ(RtWaitForSingleObject(w, 0), WAIT_OBJECT_0);	/* manual */
	CHECK_EQ(RtWaitForSingleObject(a, 0), WAIT_OBJECT_0);
	SetLastError(0);
	CHECK(RtCloseHandle(a) && RtCloseHandle(b) && RtCloseHandle(c) && RtCloseHandle(w));
	CHECK_FAILS(RtOpenEventA(EVENT_ALL_ACCESS, FALSE, name), NULL, ERROR_FILE_NOT_FOUND);
}

TEST(open_rejects_bad_arguments)
{
	const char *name = t_name("ev");
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, name);

	CHECK(e);
	CHECK_FAILS(RtOpenEventA(0x00400000u, FALSE, name), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtOpenEventA(EVENT_ALL_ACCESS, FALSE, NULL), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtOpenEventA(EVENT_ALL_ACCESS, FALSE, "a\\b"), NULL, ERROR_INVALID_NAME);
	CHECK_FAILS(RtOpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, t_name("none")), NULL,
		      ERROR_FILE_NOT_FOUND);
	CHECK_FAILS(RtSetEvent(NULL), FALSE, ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtResetEvent((HANDLE)0x12345), FALSE, ERROR_INVALID_HANDLE);
	CHECK(RtCloseHandle(e));
	CHECK_FAILS(RtPulseEvent(e), FALSE, ERROR_INVALID_HANDLE);	/* closed */
	CHECK_FAILS(RtWaitForSingleObject(e, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
}

TEST(unnamed_objects_are_private_and_listed)
{
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, NULL);
	HANDLE s = RtCreateSemaphoreA(NULL, 0, 1, "");
	long before;

	CHECK(e && s);
	before = t_proc_segments();
	CHECK(before >= 2);
	CHECK(RtCloseHandle(e));
	CHECK(RtCloseHandle(s));
	CHECK_EQ(t_proc_segments(), before - 2);
}

TEST(proc_shows_the_type_of_each_object)
{
	HANDLE h[3] = {
		RtCreateEventA(NULL, FALSE, FALSE, t_name("e")),
		RtCreateMutexA(NULL, FALSE, t_name("m")),
		RtCreateSemaphoreA(NULL, 0, 1, t_name("s")),
	};
	/*
	 * the type field, then the futex field (1.3): state pages are shmem;
	 * then the huge field: none for a synchronisation object
	 */
	static const char *const type[3] = {
		" event yes -\n", " mutex yes -\n", " semaphore yes -\n",
	};
	const char *names[3] = { t_name("e"), t_name("m"), t_name("s") };
	struct rtshm_object_info info;
	const char *line;
	int i;

	for (i = 0; i < 3; i++) {
		CHECK(h[i]);
		CHECK_OK(rtshm_lookup(names[i], 0, &info));
		CHECK_EQ(info.type, RTSHM_OBJ_EVENT + i);
		line = t_proc_line(info.id);
		CHECK(strstr(line, names[i]));
		CHECK(strlen(line) > strlen(type[i]));
		CHECK(!strcmp(line + strlen(line) - strlen(type[i]), type[i]));
		CHECK(RtCloseHandle(h[i]));
	}
}

/* A waiter in another process is woken by RtSetEvent. */
TEST(set_wakes_a_waiter_in_another_process)
{
	const char *name = t_name("ev");
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, name);
	int pid;

	CHECK(e);
	pid = CHECK_SYS(fork());
	if (!pid) {
		HANDLE o = RtOpenEventA(SYNCHRONIZE, FALSE, name);

		_exit(o && RtWaitForSingleObject(o, INFINITE) == WAIT_OBJECT_0 ? 0 : 1);
	}
	t_await_sleepers(e, 1);
	CHECK(RtSetEvent(e));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_TIMEOUT);	/* consumed */
	CHECK(RtCloseHandle(e));
}

TEST(timeout_expires_no_earlier_than_asked)
{
	HANDLE e = RtCreateEventA(NULL, TRUE, FALSE, NULL);
	double t0 = t_now_ms();

	CHECK(e);
	CHECK_EQ(RtWaitForSingleObject(e, 150), WAIT_TIMEOUT);
	CHECK(t_now_ms() - t0 >= 150.0);
	t0 = t_now_ms();
	CHECK_EQ(RtWaitForMultipleObjects(1, &e, FALSE, 120), WAIT_TIMEOUT);
	CHECK(t_now_ms() - t0 >= 120.0);
	CHECK(RtCloseHandle(e));
}

struct pulse_arg {
	HANDLE e;
	DWORD ms;
	DWORD result;
};

static void *pulse_waiter(void *p)
{
	struct pulse_arg *a = p;

	a->result = RtWaitForSingleObject(a->e, a->ms);
	return NULL;
}

TEST(manual_pulse_releases_every_waiter_and_resets)
{
	HANDLE e = RtCreateEventA(NULL, TRUE, FALSE, NULL);
	struct pulse_arg a[3];
	pthread_t t[3];
	int i;

	CHECK(e);
	for (i = 0; i < 3; i++) {
		a[i] = (struct pulse_arg){ e, INFINITE, 99 };
		CHECK_EQ(pthread_create(&t[i], NULL, pulse_waiter, &a[i]), 0);
	}
	t_await_sleepers(e, 3);
	CHECK(RtPulseEvent(e));
	for (i = 0; i < 3; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(a[i].result, WAIT_OBJECT_0);
	}
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_TIMEOUT);
	CHECK(RtPulseEvent(e));		/* nobody waiting: no effect */
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_TIMEOUT);
	CHECK(RtCloseHandle(e));
}

TEST(auto_pulse_releases_one_waiter)
{
	HANDLE e = RtCreateEventA(NULL, FALSE, FALSE, NULL);
	struct pulse_arg a[2];
	pthread_t t[2];
	int i, released = 0;

	CHECK(e);
	for (i = 0; i < 2; i++) {
		a[i] = (struct pulse_arg){ e, 1500, 99 };
		CHECK_EQ(pthread_create(&t[i], NULL, pulse_waiter, &a[i]), 0);
	}
	t_await_sleepers(e, 2);
	CHECK(RtPulseEvent(e));
	for (i = 0; i < 2; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK(a[i].result == WAIT_OBJECT_0 || a[i].result == WAIT_TIMEOUT);
		released += a[i].result == WAIT_OBJECT_0;
	}
	CHECK_EQ(released, 1);
	CHECK_EQ(RtWaitForSingleObject(e, 0), WAIT_TIMEOUT);
	CHECK(RtCloseHandle(e));
}

/*
 * Producer and consumer in two processes hand items through a shared
 * segment, each signalling the other with an auto-reset event.
 */
TEST(producer_consumer_over_shared_memory)
{
	enum { ITEMS = 3000 };
	const char *shm_name = t_name("ring"), *full_name = t_name("full");
	const char *empty_name = t_name("empty");
	volatile uint64_t *slot;
	HANDLE shm, full, empty;
	int pid, i;

	shm = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 4096, shm_name, (void **)&slot);
	full = RtCreateEventA(NULL, FALSE, FALSE, full_name);
	empty = RtCreateEventA(NULL, FALSE, TRUE, empty_name);
	CHECK(shm && full && empty);
	pid = CHECK_SYS(fork());
	if (!pid) {
		volatile uint64_t *in;
		HANDLE s = RtOpenSharedMemoryA(SHM_MAP_ALL_ACCESS, FALSE, shm_name, (void **)&in);
		HANDLE f = RtOpenEventA(SYNCHRONIZE, FALSE, full_name);
		HANDLE m = RtOpenEventA(EVENT_MODIFY_STATE, FALSE, empty_name);

		if (!s || !f || !m)
			_exit(2);
		for (i = 0; i < ITEMS; i++) {
			if (RtWaitForSingleObject(f, 10000) != WAIT_OBJECT_0)
				_exit(3);
			if (*in != (uint64_t)i * 7 + 1)
				_exit(4);
			if (!RtSetEvent(m))
				_exit(5);
		}
		_exit(0);
	}
	for (i = 0; i < ITEMS; i++) {
		CHECK_EQ(RtWaitForSingleObject(empty, 10000), WAIT_OBJECT_0);
		*slot = (uint64_t)i * 7 + 1;
		CHECK(RtSetEvent(full));
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(RtCloseHandle(full) && RtCloseHandle(empty) && RtCloseHandle(shm));
}

TEST(semaphore_counts_and_maximum)
{
	HANDLE s = RtCreateSemaphoreA(NULL, 2, 3, t_name("sem"));
	LONG prev = -1;

	CHECK(s);
	CHECK_EQ(RtWaitForSingleObject(s, 0), WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForSingleObject(s, 0), WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForSingleObject(s, 0), WAIT_TIMEOUT);
	CHECK(RtReleaseSemaphore(s, 2, &prev));
	CHECK_EQ(prev, 0);
	CHECK_FAILS(RtReleaseSemaphore(s, 2, &prev), FALSE, ERROR_TOO_MANY_POSTS);
	CHECK_EQ(prev, 0);			/* untouched on failure */
	CHECK(RtReleaseSemaphore(s, 1, NULL));
	CHECK(RtReleaseSemaphore(s, 0x7fffffff, &prev) == FALSE);
	CHECK_EQ(GetLastError(), ERROR_TOO_MANY_POSTS);
	CHECK_FAILS(RtReleaseSemaphore(s, 0, NULL), FALSE, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtReleaseSemaphore(s, -1, NULL), FALSE, ERROR_INVALID_PARAMETER);
	CHECK(RtReleaseSemaphore(s, 0x7fffffff, &prev) == FALSE);
	CHECK_EQ(RtWaitForSingleObject(s, 0), WAIT_OBJECT_0);
	CHECK(RtReleaseSemaphore(s, 1, &prev));
	CHECK_EQ(prev, 2);
	CHECK(RtCloseHandle(s));
	CHECK_FAILS(RtCreateSemaphoreA(NULL, 0, 0, NULL), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtCreateSemaphoreA(NULL, -1, 5, NULL), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtCreateSemaphoreA(NULL, 6, 5, NULL), NULL, ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtReleaseSemaphore(s, 1, NULL), FALSE, ERROR_INVALID_HANDLE);
}

/*
 * Processes compete for a semaphore of count 2; a counter in shared memory
 * shows how many are inside at once (never more than 2) and how many
 * entries happened (every one).
 */
TEST(semaphore_under_contention_across_processes)
{
	enum { PROCS = 4, ROUNDS = 400, SLOTS = 2 };
	const char *name = t_name("sem");
	struct { atomic_int inside, most, entries; } *shared;
	HANDLE sem, shm;
	int pid[PROCS], i;

	shm = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 4096, t_name("count"), (void **)&shared);
	sem = RtCreateSemaphoreA(NULL, SLOTS, SLOTS, name);
	CHECK(shm && sem);
	for (i = 0; i < PROCS; i++) {
		pid[i] = CHECK_SYS(fork());
		if (!pid[i]) {
			HANDLE s = RtOpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, name);
			int r, now, most;

			if (!s)
				_exit(2);
			for (r = 0; r < ROUNDS; r++) {
				if (RtWaitForSingleObject(s, 20000) != WAIT_OBJECT_0)
					_exit(3);
				now = atomic_fetch_add(&shared->inside, 1) + 1;
				most = atomic_load(&shared->most);
				while (now > most &&
				       !atomic_compare_exchange_weak(&shared->most, &most, now))
					;
				atomic_fetch_add(&shared->entries, 1);
				if (r % 8 == 0)
					sched_yield();
				atomic_fetch_sub(&shared->inside, 1);
				if (!RtReleaseSemaphore(s, 1, NULL))
					_exit(4);
			}
			_exit(0);
		}
	}
	for (i = 0; i < PROCS; i++)
		CHECK_EQ(t_wait(pid[i]), 0);
	CHECK_EQ(atomic_load(&shared->entries), PROCS * ROUNDS);
	CHECK(atomic_load(&shared->most) >= 1 && atomic_load(&shared->most) <= SLOTS);
	CHECK_EQ(RtWaitForSingleObject(sem, 0), WAIT_OBJECT_0);	/* count back at 2 */
	CHECK_EQ(RtWaitForSingleObject(sem, 0), WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForSingleObject(sem, 0), WAIT_TIMEOUT);
	CHECK(RtCloseHandle(sem) && RtCloseHandle(shm));
}

TEST(wait_any_returns_lowest_signaled_index)
{
	HANDLE h[3] = {
		RtCreateEventA(NULL, FALSE, FALSE, NULL),
		RtCreateSemaphoreA(NULL, 0, 5, NULL),
		RtCreateEventA(NULL, TRUE, FALSE, NULL),
	};
	LONG prev;

	CHECK(h[0] && h[1] && h[2]);
	CHECK_EQ(RtWaitForMultipleObjects(3, h, FALSE, 0), WAIT_TIMEOUT);
	CHECK(RtSetEvent(h[2]));
	CHECK(RtReleaseSemaphore(h[1], 1, NULL));
	CHECK_EQ(RtWaitForMultipleObjects(3, h, FALSE, 0), WAIT_OBJECT_0 + 1);
	CHECK_EQ(RtWaitForMultipleObjects(3, h, FALSE, 0), WAIT_OBJECT_0 + 2);
	CHECK_EQ(RtWaitForMultipleObjects(3, h, FALSE, INFINITE), WAIT_OBJECT_0 + 2);
	CHECK(RtSetEvent(h[0]));
	CHECK_EQ(RtWaitForMultipleObjects(3, h, FALSE, 0), WAIT_OBJECT_0);
	CHECK(RtReleaseSemaphore(h[1], 1, &prev));
	CHECK_EQ(prev, 0);	/* the any-wait took only what it returned */
	CHECK(RtCloseHandle(h[0]) && RtCloseHandle(h[1]) && RtCloseHandle(h[2]));
}

struct multi_arg {
	HANDLE *h;
	DWORD n;
	BOOL all;
	DWORD result;
};

static void *multi_waiter(void *p)
{
	struct multi_arg *a = p;

	a->result = RtWaitForMultipleObjects(a->n, a->h, a->all, 10000);
	return NULL;
}

TEST(wait_any_sleeps_until_one_is_signaled)
{
	HANDLE h[2] = { RtCreateEventA(NULL, FALSE, FALSE, NULL),
			RtCreateSemaphoreA(NULL, 0, 1, NULL) };
	struct multi_arg a = { h, 2, FALSE, 99 };
	pthread_t t;

	CHECK(h[0] && h[1]);
	CHECK_EQ(pthread_create(&t, NULL, multi_waiter, &a), 0);
	t_await_sleepers(h[1], 1);
	CHECK_EQ(t_sleepers(h[0]), 1);
	CHECK(RtReleaseSemaphore(h[1], 1, NULL));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(a.result, WAIT_OBJECT_0 + 1);
	CHECK_EQ(t_sleepers(h[0]), 0);
	CHECK(RtCloseHandle(h[0]) && RtCloseHandle(h[1]));
}

TEST(wait_all_takes_all_or_nothing)
{
	HANDLE h[3] = { RtCreateSemaphoreA(NULL, 1, 1, NULL),
			RtCreateEventA(NULL, FALSE, TRUE, NULL),
			RtCreateEventA(NULL, TRUE, FALSE, NULL) };
	struct multi_arg a = { h, 3, TRUE, 99 };
	pthread_t t;
	LONG prev;

	CHECK(h[0] && h[1] && h[2]);
	/* two of three signaled: nothing is taken */
	CHECK_EQ(RtWaitForMultipleObjects(3, h, TRUE, 0), WAIT_TIMEOUT);
	CHECK_EQ(RtWaitForMultipleObjects(3, h, TRUE, 50), WAIT_TIMEOUT);
	CHECK_EQ(RtWaitForSingleObject(h[1], 0), WAIT_OBJECT_0);	/* still set */
	CHECK(RtSetEvent(h[1]));
	CHECK_EQ(pthread_create(&t, NULL, multi_waiter, &a), 0);
	t_await_sleepers(h[2], 1);
	CHECK(RtSetEvent(h[2]));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(a.result, WAIT_OBJECT_0);
	CHECK_EQ(RtWaitForSingleObject(h[1], 0), WAIT_TIMEOUT);	/* auto: taken */
	CHECK(RtReleaseSemaphore(h[0], 1, &prev));
	CHECK_EQ(prev, 0);						/* taken */
	CHECK_EQ(RtWaitForSingleObject(h[2], 0), WAIT_OBJECT_0);	/* manual */
	CHECK(RtCloseHandle(h[0]) && RtCloseHandle(h[1]) && RtCloseHandle(h[2]));
}

TEST(wait_multiple_rejects_bad_arguments)
{
	HANDLE h[MAX_WFMO + 1], shm;
	void *p;
	int i;

	for (i = 0; i <= MAX_WFMO; i++) {
		h[i] = RtCreateEventA(NULL, TRUE, FALSE, NULL);
		CHECK(h[i]);
	}
	CHECK_EQ(RtWaitForMultipleObjects(MAX_WFMO, h, FALSE, 0), WAIT_TIMEOUT);
	CHECK(RtSetEvent(h[MAX_WFMO - 1]));
	CHECK_EQ(RtWaitForMultipleObjects(MAX_WFMO, h, FALSE, 0), WAIT_OBJECT_0 + MAX_WFMO - 1);
	CHECK_FAILS(RtWaitForMultipleObjects(MAX_WFMO + 1, h, FALSE, 0), WAIT_FAILED,
		      ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtWaitForMultipleObjects(0, h, FALSE, 0), WAIT_FAILED,
		      ERROR_INVALID_PARAMETER);
	CHECK_FAILS(RtWaitForMultipleObjects(1, NULL, FALSE, 0), WAIT_FAILED,
		      ERROR_INVALID_PARAMETER);
	h[1] = h[0];
	CHECK_FAILS(RtWaitForMultipleObjects(2, h, TRUE, 0), WAIT_FAILED,
		      ERROR_INVALID_PARAMETER);
	shm = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 4096, NULL, &p);
	CHECK(shm);
	CHECK_FAILS(RtWaitForSingleObject(shm, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtSetEvent(shm), FALSE, ERROR_INVALID_HANDLE);
	h[1] = shm;
	CHECK_FAILS(RtWaitForMultipleObjects(2, h, FALSE, 0), WAIT_FAILED,
		      ERROR_INVALID_HANDLE);
	CHECK_FAILS(RtWaitForSingleObject(NULL, INFINITE), WAIT_FAILED, ERROR_INVALID_HANDLE);
	CHECK(RtCloseHandle(shm));
	for (i = 0; i <= MAX_WFMO; i++)
		if (i != 1)
			CHECK(RtCloseHandle(h[i]));
}

enum kind { SHM, EVENT, MUTEX, SEM, KINDS };

static HANDLE create_kind(enum kind k, const char *name)
{
	void *p;

	switch (k) {
	case SHM:
		return RtCreateSharedMemoryA(PAGE_READWRITE, 0, 4096, name, &p);
	case EVENT:
		return RtCreateEventA(NULL, FALSE, FALSE, name);
	case MUTEX:
		return RtCreateMutexA(NULL, FALSE, name);
	default:
		return RtCreateSemaphoreA(NULL, 1, 1, name);
	}
}

static HANDLE open_kind(enum kind k, const char *name)
{
	void *p;

	switch (k) {
	case SHM:
		return RtOpenSharedMemoryA(SHM_MAP_ALL_ACCESS, FALSE, name, &p);
	case EVENT:
		return RtOpenEventA(EVENT_ALL_ACCESS, FALSE, name);
	case MUTEX:
		return RtOpenMutexA(MUTEX_ALL_ACCESS, FALSE, name);
	default:
		return RtOpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, name);
	}
}

/* Every ordered pair of distinct types, by create and by open. */
TEST(name_collisions_across_types_fail_with_invalid_handle)
{
	static const char *const kname[KINDS] = { "shm", "event", "mutex", "semaphore" };
	int a, b, pairs = 0;

	for (a = 0; a < KINDS; a++) {
		for (b = 0; b < KINDS; b++) {
			const char *name = t_name("collide");
			HANDLE first, again;

			if (a == b)
				continue;
			first = create_kind(a, name);
			if (!first)
				t_fail(__FILE__, __LINE__, "create %s: %u", kname[a], GetLastError());
			SetLastError(0);
			if (create_kind(b, name) || GetLastError() != ERROR_INVALID_HANDLE)
				t_fail(__FILE__, __LINE__, "create %s over %s: error %u",
				       kname[b], kname[a], GetLastError());
			SetLastError(0);
			if (open_kind(b, name) || GetLastError() != ERROR_INVALID_HANDLE)
				t_fail(__FILE__, __LINE__, "open %s as %s: error %u",
				       kname[a], kname[b], GetLastError());
			/* the right type still opens it */
			again = open_kind(a, name);
			CHECK(again);
			CHECK(RtCloseHandle(again) && RtCloseHandle(first));
			pairs++;
		}
	}
	CHECK_EQ(pairs, 12);
}

TEST(object_lives_until_its_last_handle_closes)
{
	const char *name = t_name("sem");
	HANDLE a = RtCreateSemaphoreA(NULL, 0, 9, name);
	HANDLE b = RtOpenSemaphoreA(SYNCHRONIZE, FALSE, name);
	LONG prev;

	CHECK(a && b);
	CHECK(RtReleaseSemaphore(a, 3, NULL));
	CHECK(RtCloseHandle(a));
	CHECK(RtReleaseSemaphore(b, 1, &prev));
	CHECK_EQ(prev, 3);				/* same object, state kept */
	CHECK(RtCloseHandle(b));
	a = RtCreateSemaphoreA(NULL, 0, 9, name);	/* a new one */
	CHECK(a);
	CHECK_EQ(GetLastError(), ERROR_SUCCESS);
	CHECK(RtReleaseSemaphore(a, 1, &prev));
	CHECK_EQ(prev, 0);
	CHECK(RtCloseHandle(a));
	CHECK_FAILS(RtCloseHandle(a), FALSE, ERROR_INVALID_HANDLE);
}
