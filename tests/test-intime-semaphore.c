// SPDX-License-Identifier: GPL-2.0
/* INtime semaphores: the RT calls, the NTX calls, queueing, deletion, owner death. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "rtapi.h"
#include "rtshm.h"
#include "harness.h"
#include "intime-helpers.h"

#define CHECK_RT_ERROR(status) CHECK_EQ(GetLastRtError(), status)

/* How long a test waits for something that must happen, before it fails. */
#define T_PATIENCE_MS	(10000 * (long long)t_time_scale())

static NTXHANDLE root_process(void)
{
	NTXHANDLE root = ntxGetRootRtProcess(NTX_LOCAL);

	CHECK(root != NTX_BAD_NTXHANDLE && root != NTX_NULL_NTXHANDLE);
	return root;
}

static RTHANDLE new_sem(WORD init, WORD max, WORD flags)
{
	RTHANDLE h = CreateRtSemaphore(init, max, flags);

	CHECK(h != BAD_RTHANDLE && h != NULL_RTHANDLE);
	return h;
}

/* Units the semaphore holds now. */
static DWORD units_of(RTHANDLE h)
{
	DWORD n = WaitForRtSemaphore(h, 0, NO_WAIT);

	CHECK(n != WAIT_FAILED);
	return n;
}

/*
 * Whether thread @tid of process @pid sleeps in futex(2) now: the kernel
 * shows a blocked thread's system call number in /proc/.../syscall.
 */
static bool in_futex(pid_t pid, pid_t tid)
{
	char path[64], buf[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return atoi(buf) == SYS_futex && buf[0] != 'r';	/* not "running" */
}

/* Wait until @tid of @pid sleeps in futex(2); fails after T_PATIENCE_MS. */
static void await_asleep(pid_t pid, pid_t tid)
{
	long long t0 = t_ms_now();

	while (!in_futex(pid, tid)) {
		CHECK(t_ms_now() - t0 < T_PATIENCE_MS);
		t_sleep_ms(1);
	}
}

static pid_t my_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* --- argument errors ----------------------------------------------- */

TEST(create_argument_errors)
{
	struct rtshm_object_info info;
	RTHANDLE h;

	SetLastRtError(E_OK);
	CHECK_EQ(CreateRtSemaphore(0, 0, FIFO_QUEUING), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_PARAM);
	SetLastRtError(E_OK);
	CHECK_EQ(CreateRtSemaphore(3, 2, FIFO_QUEUING), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_PARAM);
	SetLastRtError(E_OK);
	CHECK_EQ(CreateRtSemaphore(0, 1, 0x0002), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_PARAM);
	SetLastRtError(E_OK);
	CHECK_EQ(CreateRtSemaphore(0, 1, 0x8000), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_PARAM);
	CHECK_EQ(t_proc_segments(), 0);

	/* the edges are valid: init == max, the largest maximum */
	h = new_sem(2, 2, PRIORITY_QUEUING);
	CHECK_OK(rtshm_describe_id(h, &info));
	CHECK_EQ(info.type, RTSHM_OBJ_RT_SEMAPHORE);
	CHECK_EQ(units_of(h), 2);
	CHECK(DeleteRtSemaphore(h));
	h = new_sem(65535, 65535, FIFO_QUEUING);
	CHECK_EQ(units_of(h), 65535);	/* a DWORD: never WAIT_FAILED */
	CHECK(DeleteRtSemaphore(h));
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(ntx_create_argument_errors)
{
	NTXLOCATION loc = ntxGetLocationByName("NodeA");
	NTXHANDLE h;

	CHECK(loc != NTX_UNDEFINED_LOCATION);
	CHECK(ntxCreateRtSemaphore(NTX_UNDEFINED_LOCATION, 0, 1, 0) == NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetLastRtError(), E_LOCATION);
	CHECK(ntxCreateRtSemaphore(NTX_LOCAL, 0, 0, 0) == NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetLastRtError(), E_PARAM);
	CHECK(ntxCreateRtSemaphore(NTX_LOCAL, 5, 4, 0) == NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetLastRtError(), E_PARAM);
	CHECK(ntxCreateRtSemaphore(loc, 0, 1, 0x0100) == NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetLastRtError(), E_PARAM);
	CHECK_EQ(t_proc_segments(), 0);

	h = ntxCreateRtSemaphore(loc, 1, 3, NTX_PRIORITY_QUEUING);
	CHECK(h != NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetType(h), NTX_TYPE_RT_SEMAPHORE);
	CHECK_EQ(ntxWaitForRtSemaphore(h, 0, NO_WAIT), 1);
	/* the same object on the RT side, by its RTHANDLE */
	CHECK_EQ(units_of(ntxExportRtHandle(h)), 1);
	CHECK_EQ(ntxDeleteRtSemaphore(h), E_OK);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(bad_handles_and_wrong_types)
{
	char evname[T_INTIME_NAME_SIZE];
	struct rtshm_object_info info;
	RTHANDLE bad[3], seg, rtx_sem;
	NTXHANDLE root = root_process(), nseg;
	HANDLE ev;
	void *p;
	size_t i;

	bad[0] = NULL_RTHANDLE;
	bad[1] = BAD_RTHANDLE;
	bad[2] = new_sem(0, 1, 0);	/* then deleted: names nothing */
	CHECK(DeleteRtSemaphore(bad[2]));
	for (i = 0; i < 3; i++) {
		SetLastRtError(E_OK);
		CHECK_EQ(WaitForRtSemaphore(bad[i], 1, NO_WAIT), WAIT_FAILED);
		CHECK_RT_ERROR(E_EXIST);
		SetLastRtError(E_OK);
		CHECK_EQ(WaitForRtSemaphore(bad[i], 0, NO_WAIT), WAIT_FAILED);
		CHECK_RT_ERROR(E_EXIST);
		SetLastRtError(E_OK);
		CHECK(!ReleaseRtSemaphore(bad[i], 1));
		CHECK_RT_ERROR(E_EXIST);
		SetLastRtError(E_OK);
		CHECK(!DeleteRtSemaphore(bad[i]));
		CHECK_RT_ERROR(E_EXIST);
	}

	/* a segment is no semaphore */
	p = AllocateRtMemory(4096);
	CHECK(p != NULL);
	seg = CreateRtMemoryHandle(p, 4096);
	CHECK(seg != BAD_RTHANDLE);
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(seg, 1, NO_WAIT), WAIT_FAILED);
	CHECK_RT_ERROR(E_TYPE);
	SetLastRtError(E_OK);
	CHECK(!ReleaseRtSemaphore(seg, 1));
	CHECK_RT_ERROR(E_TYPE);
	SetLastRtError(E_OK);
	CHECK(!DeleteRtSemaphore(seg));
	CHECK_RT_ERROR(E_TYPE);

	/* nor is an RTX semaphore or event, though they share the namespace */
	t_intime_name(evname, 'x');
	ev = RtCreateSemaphoreA(NULL, 1, 1, evname);
	CHECK(ev != NULL);
	CHECK_OK(rtshm_lookup(evname, 0, &info));
	rtx_sem = (RTHANDLE)info.id;
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(rtx_sem, 1, NO_WAIT), WAIT_FAILED);
	CHECK_RT_ERROR(E_TYPE);
	SetLastRtError(E_OK);
	CHECK(!ReleaseRtSemaphore(rtx_sem, 1));
	CHECK_RT_ERROR(E_TYPE);

	/* NTX: a value never returned, the root process, a segment */
	CHECK_EQ(ntxWaitForRtSemaphore(NTX_BAD_NTXHANDLE, 1, NO_WAIT), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
	CHECK_EQ(ntxReleaseRtSemaphore((NTXHANDLE)(uintptr_t)0x7fff0001, 1), E_EXIST);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
	CHECK_EQ(ntxDeleteRtSemaphore(NTX_NULL_NTXHANDLE), E_EXIST);
	CHECK_EQ(ntxWaitForRtSemaphore(root, 1, NO_WAIT), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_TYPE);
	CHECK_EQ(ntxReleaseRtSemaphore(root, 1), E_TYPE);
	CHECK_EQ(ntxDeleteRtSemaphore(root), E_TYPE);
	nseg = ntxImportRtHandle(seg, root);
	CHECK(nseg != NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxWaitForRtSemaphore(nseg, 1, NO_WAIT), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_TYPE);
	CHECK_EQ(ntxReleaseRtSemaphore(nseg, 1), E_TYPE);
	CHECK_EQ(ntxDeleteRtSemaphore(nseg), E_TYPE);

	CHECK(RtCloseHandle(ev));
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 0);
}

/* --- units and limits ---------------------------------------------- */

TEST(units_and_limits)
{
	RTHANDLE h = new_sem(2, 5, FIFO_QUEUING);

	/* more than the maximum can never be granted */
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(h, 6, WAIT_FOREVER), WAIT_FAILED);
	CHECK_RT_ERROR(E_LIMIT);
	/* a release past the maximum fails and changes nothing */
	SetLastRtError(E_OK);
	CHECK(!ReleaseRtSemaphore(h, 4));
	CHECK_RT_ERROR(E_LIMIT);
	CHECK_EQ(units_of(h), 2);
	SetLastRtError(E_OK);
	CHECK(!ReleaseRtSemaphore(h, 0));
	CHECK_RT_ERROR(E_PARAM);
	CHECK(ReleaseRtSemaphore(h, 3));
	CHECK_EQ(units_of(h), 5);
	/* the result is what is left */
	CHECK_EQ(WaitForRtSemaphore(h, 2, NO_WAIT), 3);
	CHECK_EQ(WaitForRtSemaphore(h, 3, NO_WAIT), 0);
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(h, 1, NO_WAIT), WAIT_FAILED);
	CHECK_RT_ERROR(E_TIME);
	/* all or nothing: 3 of 4 units are not taken */
	CHECK(ReleaseRtSemaphore(h, 3));
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(h, 4, NO_WAIT), WAIT_FAILED);
	CHECK_RT_ERROR(E_TIME);
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(h, 4, 30), WAIT_FAILED);
	CHECK_RT_ERROR(E_TIME);
	CHECK_EQ(units_of(h), 3);
	/* success leaves the last error alone */
	SetLastRtError(E_STATE);
	CHECK(ReleaseRtSemaphore(h, 1));
	CHECK_EQ(WaitForRtSemaphore(h, 4, NO_WAIT), 0);
	CHECK_RT_ERROR(E_STATE);
	CHECK(DeleteRtSemaphore(h));
}

TEST(ntx_units_and_the_65535_ambiguity)
{
	NTXHANDLE h = ntxCreateRtSemaphore(NTX_LOCAL, 0, 65535, NTX_FIFO_QUEUING);

	CHECK(h != NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxReleaseRtSemaphore(h, 65535), E_OK);
	CHECK_EQ(ntxReleaseRtSemaphore(h, 1), E_LIMIT);
	CHECK_EQ(ntxGetLastRtError(), E_LIMIT);
	/* as in INtime: 65535 units left reads as NTX_ERROR, the status tells */
	SetLastRtError(E_OK);
	CHECK_EQ(ntxWaitForRtSemaphore(h, 0, NO_WAIT), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_OK);
	CHECK_EQ(ntxWaitForRtSemaphore(h, 65000, NO_WAIT), 535);
	CHECK_EQ(ntxWaitForRtSemaphore(h, 600, NO_WAIT), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_TIME);
	CHECK_EQ(ntxReleaseRtSemaphore(h, 0), E_PARAM);
	CHECK_EQ(ntxDeleteRtSemaphore(h), E_OK);
	/* the handle stays and names nothing */
	CHECK_EQ(ntxWaitForRtSemaphore(h, 0, NO_WAIT), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
	CHECK_EQ(ntxDeleteRtSemaphore(h), E_EXIST);
	CHECK_EQ(ntxGetType(h), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
	CHECK_EQ(t_proc_segments(), 0);
}

/* --- timeouts ------------------------------------------------------ */

TEST(timed_wait_expires_without_units)
{
	RTHANDLE h = new_sem(0, 1, FIFO_QUEUING);
	long long t0 = t_ms_now();

	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(h, 1, 120), WAIT_FAILED);
	CHECK_RT_ERROR(E_TIME);
	CHECK(t_ms_now() - t0 >= 120);
	/* the timed-out waiter left the queue: a later one gets the unit */
	CHECK(ReleaseRtSemaphore(h, 1));
	CHECK_EQ(WaitForRtSemaphore(h, 1, 1000), 0);
	CHECK(DeleteRtSemaphore(h));
}

struct waiter {
	pthread_t thread;
	RTHANDLE h;
	NTXHANDLE nh;		/* used if not NULL */
	WORD units;
	DWORD ms;
	int prio;		/* SCHED_FIFO priority, 0: normal */
	_Atomic pid_t tid;
	DWORD result;
	WORD status;
	_Atomic int done;
	/* order of completion, shared by a group of waiters */
	_Atomic int *next_rank;
	int rank;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	atomic_store(&w->tid, my_tid());
	if (w->nh)
		w->result = ntxWaitForRtSemaphore(w->nh, w->units, w->ms);
	else
		w->result = WaitForRtSemaphore(w->h, w->units, w->ms);
	w->status = (WORD)GetLastRtError();
	if (w->next_rank)
		w->rank = atomic_fetch_add(w->next_rank, 1);
	atomic_store(&w->done, 1);
	return NULL;
}

/* Start @w and wait until it sleeps in the semaphore. */
static void start_waiter(struct waiter *w)
{
	pthread_attr_t a;
	struct sched_param sp = { .sched_priority = w->prio };
	int ret;

	SetLastRtError(E_OK);
	atomic_store(&w->tid, 0);
	CHECK_EQ(pthread_attr_init(&a), 0);
	if (w->prio) {
		CHECK_EQ(pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED), 0);
		CHECK_EQ(pthread_attr_setschedpolicy(&a, SCHED_FIFO), 0);
		CHECK_EQ(pthread_attr_setschedparam(&a, &sp), 0);
	}
	ret = pthread_create(&w->thread, &a, waiter_main, w);
	pthread_attr_destroy(&a);
	if (ret == EPERM)
		t_skip("no SCHED_FIFO threads here");
	CHECK_EQ(ret, 0);
	while (!atomic_load(&w->tid))
		t_sleep_ms(1);
	await_asleep(getpid(), atomic_load(&w->tid));
	CHECK(!atomic_load(&w->done));
}

/* Join @w, failing instead of hanging if it never returns. */
static void join_waiter(struct waiter *w)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += T_PATIENCE_MS / 1000;
	CHECK_EQ(pthread_timedjoin_np(w->thread, NULL, &ts), 0);
}

TEST(forever_waiter_is_woken_by_a_release_from_another_process)
{
	char name[T_INTIME_NAME_SIZE];
	struct waiter w = { .units = 2, .ms = WAIT_FOREVER };
	int go[2], pid;

	t_intime_name(name, 'w');
	w.h = new_sem(1, 4, FIFO_QUEUING);
	CHECK(CatalogRtHandle(NULL_RTHANDLE, w.h, name));
	CHECK_SYS(pipe2(go, O_CLOEXEC));
	start_waiter(&w);

	pid = CHECK_SYS(fork());
	if (pid == 0) {
		/* an NTX process: finds it by name, gives 2 units */
		NTXHANDLE h;

		close(go[1]);
		h = ntxLookupNtxhandle(root_process(), name, 1000);
		CHECK(h != NTX_BAD_NTXHANDLE);
		t_await(go[0]);
		CHECK_EQ(ntxReleaseRtSemaphore(h, 2), E_OK);
		_exit(0);
	}
	close(go[0]);
	/* it still sleeps: 1 unit of 2 is not enough */
	t_sleep_ms(50);
	CHECK(!atomic_load(&w.done));
	/* back asleep after a slice (it wakes every 50 ms to look) */
	await_asleep(getpid(), atomic_load(&w.tid));
	CHECK_EQ(units_of(w.h), 1);
	t_post(go[1]);
	join_waiter(&w);
	CHECK_EQ(w.status, E_OK);
	CHECK_EQ(w.result, 1);	/* 1 + 2 - 2 left */
	CHECK_EQ(t_wait(pid), 0);
	CHECK(DeleteRtSemaphore(w.h));
	CHECK_EQ(t_proc_segments(), 0);
}

/* --- queueing ------------------------------------------------------ */

/*
 * Three waiters for one unit each arrive in the order of @prio; units are
 * given one by one.  Return the order they were served in (indices).
 */
static void serve_three(WORD flags, const int prio[3], int order[3])
{
	struct waiter w[3];
	_Atomic int next_rank = 0;
	RTHANDLE h = new_sem(0, 3, flags);
	int i, n;

	for (i = 0; i < 3; i++) {
		w[i] = (struct waiter){ .h = h, .units = 1, .ms = WAIT_FOREVER,
					.prio = prio[i], .next_rank = &next_rank };
		start_waiter(&w[i]);
	}
	for (n = 1; n <= 3; n++) {
		long long t0 = t_ms_now();

		CHECK(ReleaseRtSemaphore(h, 1));
		while (atomic_load(&next_rank) < n)
			CHECK(t_ms_now() - t0 < T_PATIENCE_MS);
	}
	for (i = 0; i < 3; i++) {
		join_waiter(&w[i]);
		CHECK_EQ(w[i].status, E_OK);
		CHECK_EQ(w[i].result, 0);
		order[w[i].rank] = i;
	}
	CHECK(DeleteRtSemaphore(h));
}

TEST(fifo_queueing_serves_in_arrival_order)
{
	const int prio[3] = { 10, 30, 20 };
	int order[3];

	serve_three(FIFO_QUEUING, prio, order);
	CHECK_EQ(order[0], 0);
	CHECK_EQ(order[1], 1);
	CHECK_EQ(order[2], 2);
}

TEST(priority_queueing_serves_the_highest_priority_first)
{
	const int prio[3] = { 10, 30, 20 };
	const int same[3] = { 15, 15, 15 };
	int order[3];

	serve_three(PRIORITY_QUEUING, prio, order);
	CHECK_EQ(order[0], 1);
	CHECK_EQ(order[1], 2);
	CHECK_EQ(order[2], 0);
	/* among equals, arrival order */
	serve_three(PRIORITY_QUEUING, same, order);
	CHECK_EQ(order[0], 0);
	CHECK_EQ(order[1], 1);
	CHECK_EQ(order[2], 2);
}

TEST(units_go_to_the_head_of_the_queue_only)
{
	struct waiter big = { .units = 3, .ms = WAIT_FOREVER };
	struct waiter small = { .units = 1, .ms = WAIT_FOREVER };
	RTHANDLE h = new_sem(0, 5, FIFO_QUEUING);

	big.h = small.h = h;
	start_waiter(&big);
	start_waiter(&small);
	/* one unit is there, but the head wants three: both keep waiting */
	CHECK(ReleaseRtSemaphore(h, 1));
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(h, 1, NO_WAIT), WAIT_FAILED);
	CHECK_RT_ERROR(E_TIME);	/* a newcomer queues behind them too */
	t_sleep_ms(50);
	CHECK(!atomic_load(&big.done) && !atomic_load(&small.done));
	CHECK_EQ(units_of(h), 1);
	/* two more: the head takes all three, the small one still waits */
	CHECK(ReleaseRtSemaphore(h, 2));
	join_waiter(&big);
	CHECK_EQ(big.status, E_OK);
	CHECK_EQ(big.result, 0);
	CHECK(!atomic_load(&small.done));
	CHECK(ReleaseRtSemaphore(h, 1));
	join_waiter(&small);
	CHECK_EQ(small.status, E_OK);
	CHECK_EQ(small.result, 0);
	CHECK(DeleteRtSemaphore(h));
}

TEST(a_timed_out_head_lets_the_next_waiter_through)
{
	struct waiter big = { .units = 3, .ms = 300 };
	struct waiter small = { .units = 1, .ms = WAIT_FOREVER };
	RTHANDLE h = new_sem(0, 5, FIFO_QUEUING);

	big.h = small.h = h;
	start_waiter(&big);
	start_waiter(&small);
	CHECK(ReleaseRtSemaphore(h, 1));
	join_waiter(&big);
	CHECK_EQ(big.status, E_TIME);
	CHECK_EQ(big.result, WAIT_FAILED);
	join_waiter(&small);
	CHECK_EQ(small.status, E_OK);
	CHECK_EQ(small.result, 0);
	CHECK(DeleteRtSemaphore(h));
}

TEST(too_many_waiters_get_E_LIMIT)
{
	enum { N = 56 };
	static struct waiter w[N];
	RTHANDLE h = new_sem(0, 1, PRIORITY_QUEUING);
	int i;

	for (i = 0; i < N; i++) {
		w[i] = (struct waiter){ .h = h, .units = 1, .ms = WAIT_FOREVER };
		start_waiter(&w[i]);
	}
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(h, 1, 5000), WAIT_FAILED);
	CHECK_RT_ERROR(E_LIMIT);
	/* not waiting is still fine */
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(h, 1, NO_WAIT), WAIT_FAILED);
	CHECK_RT_ERROR(E_TIME);
	/* one leaves, one more can wait */
	CHECK(ReleaseRtSemaphore(h, 1));
	join_waiter(&w[0]);
	CHECK_EQ(w[0].status, E_OK);
	w[0] = (struct waiter){ .h = h, .units = 1, .ms = WAIT_FOREVER };
	start_waiter(&w[0]);
	/* deleting wakes them all */
	CHECK(DeleteRtSemaphore(h));
	for (i = 0; i < N; i++) {
		join_waiter(&w[i]);
		CHECK_EQ(w[i].status, E_EXIST);
		CHECK_EQ(w[i].result, WAIT_FAILED);
	}
	CHECK_EQ(t_proc_segments(), 0);
}

/* --- across processes ---------------------------------------------- */

TEST(rt_process_creates_and_catalogs_ntx_process_uses)
{
	char na[T_INTIME_NAME_SIZE], nb[T_INTIME_NAME_SIZE];
	NTXHANDLE root = root_process(), a, b;
	int done[2], pid, i;
	RTHANDLE ra;

	t_intime_name(na, 'a');
	t_intime_name(nb, 'b');
	CHECK_SYS(pipe2(done, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		/* the RT process: two semaphores, a ping-pong through them */
		RTHANDLE sa = new_sem(0, 1, FIFO_QUEUING);
		RTHANDLE sb = new_sem(0, 1, PRIORITY_QUEUING);

		close(done[1]);
		CHECK(CatalogRtHandle(NULL_RTHANDLE, sa, na));
		CHECK(CatalogRtHandle(NULL_RTHANDLE, sb, nb));
		for (i = 0; i < 100; i++) {
			CHECK(ReleaseRtSemaphore(sa, 1));
			CHECK_EQ(WaitForRtSemaphore(sb, 1, WAIT_FOREVER), 0);
		}
		t_await(done[0]);
		_exit(0);	/* its semaphores go with it */
	}
	close(done[0]);
	a = ntxLookupNtxhandle(root, na, 5000);
	CHECK(a != NTX_BAD_NTXHANDLE);
	b = ntxLookupNtxhandle(root, nb, 5000);
	CHECK(b != NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetType(a), NTX_TYPE_RT_SEMAPHORE);
	/* the RT side's handle imports to the same NTX handle */
	ra = LookupRtHandle(NULL_RTHANDLE, na, NO_WAIT);
	CHECK(ra != BAD_RTHANDLE);
	CHECK_EQ(ntxExportRtHandle(a), ra);
	CHECK(ntxImportRtHandle(ra, root) == a);
	for (i = 0; i < 100; i++) {
		CHECK_EQ(ntxWaitForRtSemaphore(a, 1, WAIT_FOREVER), 0);
		CHECK_EQ(ntxReleaseRtSemaphore(b, 1), E_OK);
	}
	t_post(done[1]);
	CHECK_EQ(t_wait(pid), 0);
	/* gone with their process */
	CHECK_EQ(ntxWaitForRtSemaphore(a, 0, NO_WAIT), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
	CHECK_EQ(ntxReleaseRtSemaphore(b, 1), E_EXIST);
	CHECK(ntxLookupNtxhandle(root, na, NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetLastRtError(), E_TIME);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(delete_wakes_waiters_in_other_processes_with_E_EXIST)
{
	char name[T_INTIME_NAME_SIZE];
	struct waiter local = { .units = 1, .ms = WAIT_FOREVER };
	int ready[2], pid;
	pid_t tid;
	RTHANDLE h;

	t_intime_name(name, 'd');
	h = new_sem(0, 1, FIFO_QUEUING);
	CHECK(CatalogRtHandle(NULL_RTHANDLE, h, name));
	CHECK_SYS(pipe2(ready, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		NTXHANDLE nh;
		WORD r;

		close(ready[0]);
		nh = ntxLookupNtxhandle(root_process(), name, NO_WAIT);
		CHECK(nh != NTX_BAD_NTXHANDLE);
		tid = my_tid();
		CHECK_EQ(write(ready[1], &tid, sizeof(tid)), (ssize_t)sizeof(tid));
		r = ntxWaitForRtSemaphore(nh, 1, WAIT_FOREVER);
		CHECK_EQ(r, NTX_ERROR);
		_exit(ntxGetLastRtError() == E_EXIST ? 0 : 3);
	}
	close(ready[1]);
	CHECK_EQ(read(ready[0], &tid, sizeof(tid)), (ssize_t)sizeof(tid));
	await_asleep(pid, tid);
	local.h = h;
	start_waiter(&local);

	CHECK(DeleteRtSemaphore(h));
	join_waiter(&local);
	CHECK_EQ(local.status, E_EXIST);
	CHECK_EQ(t_wait(pid), 0);
	/* the name went with it */
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, name, NO_WAIT), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TIME);
	SetLastRtError(E_OK);
	CHECK(!ReleaseRtSemaphore(h, 1));
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(ntx_delete_of_an_rt_semaphore_wakes_its_rt_waiter)
{
	NTXHANDLE nh;
	struct waiter w = { .units = 1, .ms = WAIT_FOREVER };

	w.h = new_sem(0, 2, PRIORITY_QUEUING);
	nh = ntxImportRtHandle(w.h, root_process());
	CHECK(nh != NTX_BAD_NTXHANDLE);
	start_waiter(&w);
	CHECK_EQ(ntxDeleteRtSemaphore(nh), E_OK);
	join_waiter(&w);
	CHECK_EQ(w.status, E_EXIST);
	SetLastRtError(E_OK);
	CHECK(!DeleteRtSemaphore(w.h));
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(owner_killed_waiter_in_another_process_gets_E_EXIST)
{
	char name[T_INTIME_NAME_SIZE];
	struct rtshm_object_info info;
	struct waiter w = { .units = 1, .ms = WAIT_FOREVER };
	int ready[2], pid;

	t_intime_name(name, 'k');
	CHECK_SYS(pipe2(ready, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		RTHANDLE h = new_sem(0, 1, FIFO_QUEUING);

		close(ready[0]);
		CHECK(CatalogRtHandle(NULL_RTHANDLE, h, name));
		t_post(ready[1]);
		for (;;)
			pause();
	}
	close(ready[1]);
	t_await(ready[0]);
	w.nh = ntxLookupNtxhandle(root_process(), name, NO_WAIT);
	CHECK(w.nh != NTX_BAD_NTXHANDLE);
	start_waiter(&w);
	CHECK_SYS(kill(pid, SIGKILL));
	CHECK_EQ(t_wait(pid), 128 + SIGKILL);
	join_waiter(&w);
	CHECK_EQ(w.result, NTX_ERROR);
	CHECK_EQ(w.status, E_EXIST);
	/* nothing of it is left: not its name, its id, or its memory */
	CHECK_ERR(rtshm_lookup(name, 0, &info), ENOENT);
	CHECK_ERR(rtshm_describe_id(ntxExportRtHandle(w.nh), &info), ENOENT);
	CHECK_EQ(ntxGetType(w.nh), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(owner_exit_deletes_its_semaphores)
{
	struct rtshm_object_info info;
	int ids[2], pid;
	RTHANDLE h;

	CHECK_SYS(pipe2(ids, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		h = new_sem(1, 1, FIFO_QUEUING);
		CHECK_EQ(write(ids[1], &h, sizeof(h)), (ssize_t)sizeof(h));
		_exit(0);
	}
	CHECK_EQ(read(ids[0], &h, sizeof(h)), (ssize_t)sizeof(h));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_ERR(rtshm_describe_id(h, &info), ENOENT);
	SetLastRtError(E_OK);
	CHECK_EQ(WaitForRtSemaphore(h, 1, NO_WAIT), WAIT_FAILED);
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(t_proc_segments(), 0);
}

/* --- names ------------------------------------------------------------ */

TEST(names_are_shared_with_segments_and_rtx_objects)
{
	char segname[T_INTIME_NAME_SIZE], evname[T_INTIME_NAME_SIZE];
	char semname[T_INTIME_NAME_SIZE], other[T_INTIME_NAME_SIZE];
	struct rtshm_object_info info;
	NTXHANDLE root = root_process(), nh;
	RTHANDLE seg, h;
	HANDLE ev;
	void *p;

	t_intime_name(segname, 's');
	t_intime_name(evname, 'e');
	t_intime_name(semname, 'n');
	t_intime_name(other, 'o');
	p = AllocateRtMemory(4096);
	CHECK(p != NULL);
	seg = CreateRtMemoryHandle(p, 4096);
	CHECK(CatalogRtHandle(NULL_RTHANDLE, seg, segname));
	ev = RtCreateEventA(NULL, FALSE, FALSE, evname);
	CHECK(ev != NULL);
	CHECK_OK(rtshm_lookup(evname, 0, &info));

	h = new_sem(0, 1, FIFO_QUEUING);
	nh = ntxImportRtHandle(h, root);
	CHECK(nh != NTX_BAD_NTXHANDLE);
	/* a name another object holds */
	SetLastRtError(E_OK);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, h, segname));
	CHECK_RT_ERROR(E_CONTEXT);
	SetLastRtError(E_OK);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, h, evname));
	CHECK_RT_ERROR(E_CONTEXT);
	CHECK_EQ(ntxCatalogNtxHandle(root, nh, segname), E_CONTEXT);
	CHECK_EQ(ntxCatalogNtxHandle(root, nh, evname), E_CONTEXT);
	/* an RTX object cannot be cataloged by INtime */
	SetLastRtError(E_OK);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, (RTHANDLE)info.id, other));
	CHECK_RT_ERROR(E_TYPE);

	/* its own name: found from both sides, one name per object */
	CHECK_EQ(ntxCatalogNtxHandle(root, nh, semname), E_OK);
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, semname, NO_WAIT), h);
	CHECK(ntxLookupNtxhandle(root, semname, NO_WAIT) == nh);
	SetLastRtError(E_OK);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, h, other));
	CHECK_RT_ERROR(E_LIMIT);
	/* a segment cannot take the semaphore's name */
	SetLastRtError(E_OK);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, seg, semname));
	CHECK_RT_ERROR(E_LIMIT);	/* the segment is named already */
	CHECK(UncatalogRtHandle(NULL_RTHANDLE, semname));
	CHECK(CatalogRtHandle(NULL_RTHANDLE, h, other));
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, other, NO_WAIT), h);
	/* a semaphore is neither memory nor a process */
	CHECK(ntxMapRtSharedMemory(nh) == NULL);
	CHECK_EQ(ntxGetLastRtError(), E_TYPE);
	SetLastRtError(E_OK);
	CHECK(MapRtSharedMemory(h) == NULL);
	CHECK_RT_ERROR(E_TYPE);
	SetLastRtError(E_OK);
	CHECK(!DeleteRtMemoryHandle(h));
	CHECK_RT_ERROR(E_TYPE);

	CHECK(DeleteRtSemaphore(h));
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, other, NO_WAIT), BAD_RTHANDLE);
	CHECK(RtCloseHandle(ev));
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 0);
}

/* --- contention ---------------------------------------------------- */

#define STRESS_MAX	8
#define STRESS_THREADS	4
#define STRESS_ROUNDS	1500

/* Units held by all stress threads of both processes, and the most seen. */
struct stress_shared {
	_Atomic int held;
	_Atomic int most;
	_Atomic int timeouts;
	_Atomic int errors;
};

struct stresser {
	pthread_t thread;
	struct stress_shared *sh;
	RTHANDLE h;
	NTXHANDLE nh;		/* used if not NULL */
	unsigned int seed;
};

static void *stress_main(void *arg)
{
	struct stresser *s = arg;
	int i, n, now, most;
	DWORD r, ms;

	for (i = 0; i < STRESS_ROUNDS; i++) {
		n = 1 + (int)(rand_r(&s->seed) % 3);
		/* some short timeouts, to leave the queue from anywhere in it */
		ms = rand_r(&s->seed) % 4 ? WAIT_FOREVER : 1;

		if (s->nh) {
			WORD w = ntxWaitForRtSemaphore(s->nh, (WORD)n, ms);

			r = w == NTX_ERROR ? WAIT_FAILED : w;
		} else {
			r = WaitForRtSemaphore(s->h, (WORD)n, ms);
		}
		if (r == WAIT_FAILED) {
			if (GetLastRtError() == E_TIME && ms != WAIT_FOREVER)
				atomic_fetch_add(&s->sh->timeouts, 1);
			else
				atomic_fetch_add(&s->sh->errors, 1);
			continue;
		}
		if (r > STRESS_MAX - (DWORD)n)
			atomic_fetch_add(&s->sh->errors, 1);	/* more left than can be */
		now = atomic_fetch_add(&s->sh->held, n) + n;
		most = atomic_load(&s->sh->most);
		while (now > most && !atomic_compare_exchange_weak(&s->sh->most, &most, now))
			;
		if (rand_r(&s->seed) % 2)
			sched_yield();
		atomic_fetch_sub(&s->sh->held, n);
		if (s->nh ? ntxReleaseRtSemaphore(s->nh, (WORD)n) != E_OK
			  : !ReleaseRtSemaphore(s->h, (WORD)n))
			atomic_fetch_add(&s->sh->errors, 1);
	}
	return NULL;
}

/* @n threads of this process hammer the semaphore. */
static void stress_threads(struct stress_shared *sh, RTHANDLE h, NTXHANDLE nh,
			   unsigned int seed)
{
	struct stresser s[STRESS_THREADS];
	int i;

	for (i = 0; i < STRESS_THREADS; i++) {
		s[i] = (struct stresser){ .sh = sh, .h = h, .nh = nh,
					  .seed = seed + (unsigned int)i };
		CHECK_EQ(pthread_create(&s[i].thread, NULL, stress_main, &s[i]), 0);
	}
	for (i = 0; i < STRESS_THREADS; i++)
		CHECK_EQ(pthread_join(s[i].thread, NULL), 0);
}

static void stress(WORD flags)
{
	struct stress_shared *sh;
	int pid;
	RTHANDLE h = new_sem(STRESS_MAX, STRESS_MAX, flags);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		/* the NTX process */
		NTXHANDLE nh = ntxImportRtHandle(h, root_process());

		CHECK(nh != NTX_BAD_NTXHANDLE);
		stress_threads(sh, h, nh, 1000);
		_exit(0);
	}
	stress_threads(sh, h, NULL, 1);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(atomic_load(&sh->errors), 0);
	CHECK_EQ(atomic_load(&sh->held), 0);
	CHECK(atomic_load(&sh->most) <= STRESS_MAX);
	CHECK(atomic_load(&sh->most) > 0);
	/* every unit came back */
	CHECK_EQ(units_of(h), STRESS_MAX);
	CHECK(DeleteRtSemaphore(h));
	munmap(sh, sizeof(*sh));
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(units_are_conserved_under_contention_fifo)
{
	stress(FIFO_QUEUING);
}

TEST(units_are_conserved_under_contention_priority)
{
	stress(PRIORITY_QUEUING);
}

static void semaphore_traffic(void *arg)
{
	RTHANDLE h = *(RTHANDLE *)arg;

	ReleaseRtSemaphore(h, 1);
	WaitForRtSemaphore(h, 1, NO_WAIT);
}

/*
 * fork() while another thread is inside the process's semaphore table:
 * the child's copy of the table lock must not stay held.
 */
TEST(fork_beside_semaphore_calls_leaves_the_child_working)
{
	RTHANDLE h = new_sem(0, 1000, FIFO_QUEUING);
	int hung = t_fork_beside(semaphore_traffic, &h, 100, 20);

	if (hung >= 0)
		t_fail(__FILE__, __LINE__, "child %d of 100 hung in the semaphore calls", hung + 1);
	CHECK(DeleteRtSemaphore(h));
}
