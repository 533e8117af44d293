// SPDX-License-Identifier: GPL-2.0
/*
 * Process-shared synchronisation inside segment memory, as a port uses it:
 * PTHREAD_PROCESS_SHARED mutexes (plain, robust, priority-inheriting),
 * condition variables and semaphores placed in a segment, raw shared
 * futexes (FUTEX_WAIT/WAKE, futex_waitv) through several mappings of it,
 * and the paths that pin its pages (vmsplice, process_vm_readv, O_DIRECT).
 *
 * A shared futex (no FUTEX_PRIVATE_FLAG; glibc uses one for everything
 * PTHREAD_PROCESS_SHARED and for every robust mutex) is keyed by the page,
 * through get_futex_key(), which fails with EFAULT on a page without a
 * mapping; glibc then aborts (exit status 134).  Every wait here is
 * bounded, so a kernel that keys a futex differently in two mappings, and
 * so loses the wake-up, fails a test instead of hanging it.
 *
 * RTSHM_FUTEX_CONTROL=posix runs the tests on POSIX shm instead, where all
 * of this works, to check the tests themselves without the module; the one
 * test of an rtshm allocation tier skips there.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#ifndef SYS_futex_waitv
#define SYS_futex_waitv	449
#endif
#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32	0x02	/* = FUTEX_32 of the 5.16 headers */
#endif
#ifndef FUTEX_WAITV_MAX		/* headers older than Linux 5.16 */
struct futex_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t __reserved;
};
#endif

#define SEG_PAGE	4096
#define WAIT_S		10	/* bound of every wait, in seconds */
#define ROUNDS		20000	/* lock, increment, unlock: per process */

/* --- the memory: an rtshm segment, or POSIX shm as the control ---------- */

static char region_name[192];	/* this test's segment or shm object */
static bool region_name_kept;	/* control: the shm name stays until the end */

static bool posix_control(void)
{
	const char *v = getenv("RTSHM_FUTEX_CONTROL");

	return v && !strcmp(v, "posix");
}

/*
 * A new region of @size bytes, mapped read-write (before any fork, so
 * children inherit it): an rtshm segment of tier @tier (0: the library's
 * choice), or in control mode a POSIX shm object whose name is removed at
 * once unless @keep_name.  NULL, with -errno in *@handle_out, if rtshm
 * refuses an explicitly requested tier for lack of memory.
 */
static void *make_region(size_t size, unsigned int tier, bool keep_name, int *handle_out)
{
	void *p;
	int h;

	if (posix_control()) {
		snprintf(region_name, sizeof(region_name), "/rtshm-futex.%s", t_name("shm"));
		h = CHECK_SYS(shm_open(region_name, O_RDWR | O_CREAT | O_EXCL, 0600));
		CHECK_SYS(ftruncate(h, (off_t)size));
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, h, 0);
		CHECK(p != MAP_FAILED);
		region_name_kept = keep_name;
		if (!keep_name)
			CHECK_SYS(shm_unlink(region_name));
		*handle_out = h;
		return p;
	}
	snprintf(region_name, sizeof(region_name), "%s", t_name("seg"));
	h = rtshm_create(region_name, size, RTSHM_RDWR | RTSHM_EXCL | tier, 0600, NULL);
	*handle_out = h;
	/* EOPNOTSUPP: the contig tier is off, as by default on PREEMPT_RT */
	if (tier && (h == -ENOMEM || h == -EINVAL || h == -EOPNOTSUPP))
		return NULL;
	if (h < 0)
		t_fail(__FILE__, __LINE__, "rtshm_create(%s): %s", region_name, strerror(-h));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, &p));
	return p;
}

/* A region for this process and its children (control: already unlinked). */
static void *shared_region(size_t size, int *handle_out)
{
	return make_region(size, 0, false, handle_out);
}

/* A region that other processes also open by name, with open_region(). */
static void *named_region(size_t size, int *handle_out)
{
	return make_region(size, 0, true, handle_out);
}

/* A further view of the region through @handle: @len bytes at @offset. */
static void *map_view(int handle, size_t offset, size_t len)
{
	void *p;

	if (posix_control()) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, handle, (off_t)offset);
		CHECK(p != MAP_FAILED);
		return p;
	}
	CHECK_OK(rtshm_map(handle, offset, len, PROT_READ | PROT_WRITE, &p));
	return p;
}

/* In another process: a mapping of its own, found by the region's name. */
static void *open_region(size_t offset, size_t len)
{
	void *p;
	int h;

	if (posix_control()) {
		CHECK(region_name_kept);
		h = CHECK_SYS(shm_open(region_name, O_RDWR, 0));
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, h, (off_t)offset);
		CHECK(p != MAP_FAILED);
		CHECK_SYS(close(h));
		return p;
	}
	h = CHECK_OK(rtshm_open(region_name, RTSHM_RDWR, NULL));
	CHECK_OK(rtshm_map(h, offset, len, PROT_READ | PROT_WRITE, &p));
	CHECK_OK(rtshm_close(h));
	return p;
}

static void unmap_view(void *p, size_t len)
{
	if (posix_control())
		CHECK_SYS(munmap(p, len));
	else
		CHECK_OK(rtshm_unmap(p, len));
}

static void close_handle(int handle)
{
	if (posix_control())
		CHECK_SYS(close(handle));
	else
		CHECK_OK(rtshm_close(handle));
}

/* Once the test let go of every view and handle: the segment is gone. */
static void check_region_gone(void)
{
	if (posix_control()) {
		if (region_name_kept)
			CHECK_SYS(shm_unlink(region_name));
		return;
	}
	CHECK_EQ(t_proc_segments(), 0);
	CHECK_ERR(rtshm_open(region_name, RTSHM_RDWR, NULL), ENOENT);
}

/* --- processes, waits and what /proc says about a task ------------------ */

/* Run @fn(@arg) in a child that exits with its result and dies with the test. */
static int spawn(int (*fn)(void *), void *arg)
{
	int parent = getpid(), pid;

	pid = CHECK_SYS(fork());
	if (!pid) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(99);
		_exit(fn(arg));
	}
	return pid;
}

/* In a child: say what failed; the exit status for it. */
static int child_error(const char *what, int err)
{
	fprintf(stderr, "  pid %d: %s: %s\n", (int)getpid(), what, strerror(err));
	return 2;
}

/* CLOCK_REALTIME deadline WAIT_S from now, for the pthread and sem timed calls. */
static struct timespec deadline(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_S;
	return ts;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Wait until *@flag is set, at most WAIT_S; false if it never was. */
static bool wait_flag(atomic_int *flag)
{
	double end = now_ms() + WAIT_S * 1000;

	while (!atomic_load(flag))
		if (now_ms() > end)
			return false;
		else
			usleep(1000);
	return true;
}

/* State (field 3) and priority (field 18) of task @tid; false if it is gone. */
static bool task_stat(int tid, char *state, int *prio)
{
	char path[64], buf[1024], *p;
	bool ok = false;
	int field;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) && p[1] == ' ') {
		*state = p[2];
		/* p + 1 is the space before field 3 */
		for (field = 3, p++; field < 18 && p; field++)
			p = strchr(p + 1, ' ');
		if (p) {
			if (prio)
				*prio = atoi(p + 1);
			ok = true;
		}
	}
	fclose(f);
	return ok;
}

/* The system call task @tid is blocked in, or -1. */
static long task_syscall(int tid)
{
	char path[64], buf[256], *end;
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		nr = strtol(buf, &end, 10);
		if (end == buf || *end != ' ')
			nr = -1;	/* "running" */
	}
	fclose(f);
	return nr;
}

/*
 * Wait until task @tid sleeps in system call @nr, at most WAIT_S: then a
 * futex waiter is queued (it sleeps only after it queued itself, under the
 * hash-bucket lock a wake takes too).  False if it ended first.
 */
static bool sleeps_in(int tid, long nr)
{
	double end = now_ms() + WAIT_S * 1000;
	char state;

	while (now_ms() < end) {
		if (!task_stat(tid, &state, NULL) || state == 'Z' || state == 'X')
			return false;
		if (state == 'S' && task_syscall(tid) == nr)
			return true;
		usleep(1000);
	}
	return false;
}

/* --- shared futexes ------------------------------------------------------ */

/* Without FUTEX_PRIVATE_FLAG: keyed by the page, valid across mappings. */
static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

/* Sleep while *@word is 0, at most WAIT_S: 0 when woken, else errno. */
static int futex_sleep(uint32_t *word)
{
	struct timespec timeout = { .tv_sec = WAIT_S };

	return futex(word, FUTEX_WAIT, 0, &timeout) ? errno : 0;
}

/* Set *@word to 1 and wake its sleepers through this address: how many, or -errno. */
static long set_and_wake(uint32_t *word)
{
	long n;

	__atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
	n = futex(word, FUTEX_WAKE, INT_MAX, NULL);
	return n < 0 ? -errno : n;
}

struct sleeper {
	uint32_t *word;
	atomic_int tid;
	int err;		/* futex_sleep()'s result */
};

static void *sleeper_thread(void *arg)
{
	struct sleeper *s = arg;

	atomic_store(&s->tid, (int)gettid());
	s->err = futex_sleep(s->word);
	return NULL;
}

/*
 * A thread sleeps on the futex word at @wait_at; this thread wakes it
 * through @wake_at, the same memory at another address (or the same one):
 * the kernel must see one futex, wake exactly the sleeper, and the sleeper
 * must see the new value.
 */
static void wake_thread_across(uint32_t *wait_at, uint32_t *wake_at)
{
	struct sleeper s = { .word = wait_at };
	pthread_t t;

	__atomic_store_n(wait_at, 0, __ATOMIC_SEQ_CST);
	CHECK_EQ(pthread_create(&t, NULL, sleeper_thread, &s), 0);
	while (!atomic_load(&s.tid))
		usleep(100);
	if (!sleeps_in(atomic_load(&s.tid), SYS_futex)) {
		pthread_join(t, NULL);
		t_fail(__FILE__, __LINE__, "FUTEX_WAIT at %p did not sleep: %s",
		       (void *)wait_at, strerror(s.err));
	}
	CHECK_EQ(set_and_wake(wake_at), 1);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(s.err, 0);
	CHECK_EQ(__atomic_load_n(wait_at, __ATOMIC_SEQ_CST), 1);
}

/*
 * Child @pid sleeps in system call @nr on a futex of the region: wake it
 * through @word; it must report exactly one woken and the child exit 0.
 */
static void wake_child(int pid, long nr, uint32_t *word)
{
	if (!sleeps_in(pid, nr))
		t_fail(__FILE__, __LINE__, "child did not sleep in syscall %ld: exit status %d",
		       nr, t_wait(pid));
	CHECK_EQ(set_and_wake(word), 1);
	CHECK_EQ(t_wait(pid), 0);
}

/* In a child: sleep on the futex word @word of the inherited mapping. */
static int sleep_inherited(void *word)
{
	int err = futex_sleep(word);

	return err ? child_error("FUTEX_WAIT", err) : 0;
}

/* In a child: sleep on the first word of page 1, in a mapping of its own of page 1 only. */
static int sleep_in_own_mapping(void *unused)
{
	(void)unused;
	return sleep_inherited(open_region(SEG_PAGE, SEG_PAGE));
}

/* --- pthread objects ----------------------------------------------------- */

static void init_shared_mutex(pthread_mutex_t *m, int robust, int protocol)
{
	pthread_mutexattr_t a;

	CHECK_EQ(pthread_mutexattr_init(&a), 0);
	CHECK_EQ(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
	CHECK_EQ(pthread_mutexattr_setrobust(&a, robust), 0);
	CHECK_EQ(pthread_mutexattr_setprotocol(&a, protocol), 0);
	CHECK_EQ(pthread_mutex_init(m, &a), 0);
	CHECK_EQ(pthread_mutexattr_destroy(&a), 0);
}

struct counter_area {
	pthread_mutex_t lock;
	volatile long counter;	/* only the mutex protects it */
};

/* In a child: ROUNDS read-yield-write increments, each under the lock. */
static int count_under_lock(void *arg)
{
	struct counter_area *a = arg;
	struct timespec dl;
	long v;
	int i, e;

	for (i = 0; i < ROUNDS; i++) {
		dl = deadline();
		e = pthread_mutex_timedlock(&a->lock, &dl);
		if (e)
			return child_error("pthread_mutex_timedlock", e);
		v = a->counter;
		if (i % 64 == 0)
			sched_yield();	/* let the others run into the held lock */
		a->counter = v + 1;
		e = pthread_mutex_unlock(&a->lock);
		if (e)
			return child_error("pthread_mutex_unlock", e);
	}
	return 0;
}

/*
 * @procs processes increment one counter under a mutex in @region: none
 * lost.  They start on a mutex this process holds, so each one sleeps in
 * the kernel at least once: 20000 rounds take a millisecond, and a child
 * could otherwise finish before the next one even started.
 */
static void count_in_processes(void *region, int procs)
{
	struct counter_area *a = region;
	int pid[8], i;

	CHECK(procs <= 8);
	init_shared_mutex(&a->lock, PTHREAD_MUTEX_STALLED, PTHREAD_PRIO_NONE);
	a->counter = 0;
	CHECK_EQ(pthread_mutex_lock(&a->lock), 0);
	for (i = 0; i < procs; i++)
		pid[i] = spawn(count_under_lock, a);
	for (i = 0; i < procs; i++)
		if (!sleeps_in(pid[i], SYS_futex))
			t_fail(__FILE__, __LINE__, "child %d did not block on the mutex: exit status %d",
			       i, t_wait(pid[i]));
	CHECK_EQ(pthread_mutex_unlock(&a->lock), 0);
	for (i = 0; i < procs; i++)
		CHECK_EQ(t_wait(pid[i]), 0);	/* 134: glibc aborted on a futex error */
	CHECK_EQ(a->counter, (long)procs * ROUNDS);
	CHECK_EQ(pthread_mutex_destroy(&a->lock), 0);
}

static void mutex_test(int procs)
{
	int h;
	void *p = shared_region(SEG_PAGE, &h);

	count_in_processes(p, procs);
	unmap_view(p, SEG_PAGE);
	close_handle(h);
	check_region_gone();
}

TEST(pshared_mutex_2proc)
{
	mutex_test(2);
}

TEST(pshared_mutex_4proc)
{
	mutex_test(4);
}

/* --- condition variable -------------------------------------------------- */

#define PINGPONG_ROUNDS	2000

struct pingpong_area {
	pthread_mutex_t lock;
	pthread_cond_t turn_changed;
	int turn;		/* 0 or 1: whose move it is */
	int moves[2];		/* moves each side made */
};

/* In a child: PINGPONG_ROUNDS times wait for our turn, then hand it over. */
static int play(struct pingpong_area *a, int me)
{
	struct timespec dl;
	int r, e;

	for (r = 0; r < PINGPONG_ROUNDS; r++) {
		dl = deadline();
		e = pthread_mutex_timedlock(&a->lock, &dl);
		if (e)
			return child_error("pthread_mutex_timedlock", e);
		while (a->turn != me && !e)
			e = pthread_cond_timedwait(&a->turn_changed, &a->lock, &dl);
		if (e) {
			pthread_mutex_unlock(&a->lock);
			return child_error("pthread_cond_timedwait", e);
		}
		a->turn = !me;
		a->moves[me]++;
		e = pthread_cond_broadcast(&a->turn_changed);
		pthread_mutex_unlock(&a->lock);
		if (e)
			return child_error("pthread_cond_broadcast", e);
	}
	return 0;
}

static int play_first(void *a)
{
	return play(a, 0);
}

static int play_second(void *a)
{
	return play(a, 1);
}

TEST(pshared_condvar_pingpong)
{
	struct pingpong_area *a;
	pthread_condattr_t ca;
	int h, first, second;

	a = shared_region(SEG_PAGE, &h);
	init_shared_mutex(&a->lock, PTHREAD_MUTEX_STALLED, PTHREAD_PRIO_NONE);
	CHECK_EQ(pthread_condattr_init(&ca), 0);
	CHECK_EQ(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
	CHECK_EQ(pthread_cond_init(&a->turn_changed, &ca), 0);
	CHECK_EQ(pthread_condattr_destroy(&ca), 0);

	/* the second player waits in the condvar before the first one moves */
	second = spawn(play_second, a);
	if (!sleeps_in(second, SYS_futex))
		t_fail(__FILE__, __LINE__, "second player did not wait: exit status %d",
		       t_wait(second));
	first = spawn(play_first, a);
	CHECK_EQ(t_wait(first), 0);
	CHECK_EQ(t_wait(second), 0);
	CHECK_EQ(a->moves[0], PINGPONG_ROUNDS);
	CHECK_EQ(a->moves[1], PINGPONG_ROUNDS);
	CHECK_EQ(a->turn, 0);
	CHECK_EQ(pthread_cond_destroy(&a->turn_changed), 0);
	CHECK_EQ(pthread_mutex_destroy(&a->lock), 0);
	unmap_view(a, SEG_PAGE);
	close_handle(h);
	check_region_gone();
}

/* --- semaphores ---------------------------------------------------------- */

#define SEM_ITEMS	5000
#define RING_SLOTS	16

struct ring_area {
	sem_t free_slots, filled;
	unsigned int slot[RING_SLOTS];
	unsigned int received;	/* items the consumer got, in order */
};

/* sem_timedwait() for at most WAIT_S: 0 or errno. */
static int sem_take(sem_t *s)
{
	struct timespec dl = deadline();

	while (sem_timedwait(s, &dl))
		if (errno != EINTR)
			return errno;
	return 0;
}

static int produce(void *arg)
{
	struct ring_area *a = arg;
	unsigned int i;
	int e;

	for (i = 0; i < SEM_ITEMS; i++) {
		e = sem_take(&a->free_slots);
		if (e)
			return child_error("producer: sem_timedwait", e);
		a->slot[i % RING_SLOTS] = i;
		if (sem_post(&a->filled))
			return child_error("producer: sem_post", errno);
	}
	return 0;
}

static int consume(void *arg)
{
	struct ring_area *a = arg;
	unsigned int i;
	int e;

	for (i = 0; i < SEM_ITEMS; i++) {
		e = sem_take(&a->filled);
		if (e)
			return child_error("consumer: sem_timedwait", e);
		if (a->slot[i % RING_SLOTS] != i) {
			fprintf(stderr, "  consumer: item %u is %u\n", i, a->slot[i % RING_SLOTS]);
			return 3;
		}
		a->received++;
		if (sem_post(&a->free_slots))
			return child_error("consumer: sem_post", errno);
	}
	return 0;
}

TEST(sem_producer_consumer)
{
	struct ring_area *a;
	int h, consumer, producer;

	a = shared_region(SEG_PAGE, &h);
	CHECK_SYS(sem_init(&a->free_slots, 1, RING_SLOTS));
	CHECK_SYS(sem_init(&a->filled, 1, 0));
	/* the consumer sleeps on the empty ring before anything is produced */
	consumer = spawn(consume, a);
	if (!sleeps_in(consumer, SYS_futex))
		t_fail(__FILE__, __LINE__, "consumer did not wait: exit status %d",
		       t_wait(consumer));
	producer = spawn(produce, a);
	CHECK_EQ(t_wait(producer), 0);
	CHECK_EQ(t_wait(consumer), 0);
	CHECK_EQ(a->received, SEM_ITEMS);
	CHECK_SYS(sem_destroy(&a->filled));
	CHECK_SYS(sem_destroy(&a->free_slots));
	unmap_view(a, SEG_PAGE);
	close_handle(h);
	check_region_gone();
}

/* --- robust mutex -------------------------------------------------------- */

struct robust_area {
	pthread_mutex_t lock;
	atomic_int held;
};

/*
 * In a child: take the mutex and die holding it, but only once another
 * process sleeps on it (glibc sets FUTEX_WAITERS in the lock word before
 * it calls futex()), so the kernel's robust-list cleanup must wake it.
 */
static int hold_and_die(void *arg)
{
	struct robust_area *a = arg;
	double end;
	int e;

	e = pthread_mutex_lock(&a->lock);
	if (e)
		return child_error("pthread_mutex_lock", e);
	atomic_store(&a->held, 1);
	end = now_ms() + WAIT_S * 1000;
	while (!(__atomic_load_n(&a->lock.__data.__lock, __ATOMIC_SEQ_CST) & FUTEX_WAITERS))
		if (now_ms() > end)
			return child_error("nobody waited for the mutex", ETIMEDOUT);
		else
			usleep(1000);
	raise(SIGKILL);
	return 3;
}

TEST(robust_mutex_owner_killed)
{
	struct robust_area *a;
	struct timespec dl;
	int h, pid;

	a = shared_region(SEG_PAGE, &h);
	init_shared_mutex(&a->lock, PTHREAD_MUTEX_ROBUST, PTHREAD_PRIO_NONE);
	pid = spawn(hold_and_die, a);
	CHECK(wait_flag(&a->held));
	dl = deadline();
	CHECK_EQ(pthread_mutex_timedlock(&a->lock, &dl), EOWNERDEAD);
	CHECK_EQ(t_wait(pid), 128 + SIGKILL);
	CHECK_EQ(pthread_mutex_consistent(&a->lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&a->lock), 0);
	dl = deadline();
	CHECK_EQ(pthread_mutex_timedlock(&a->lock, &dl), 0);
	CHECK_EQ(pthread_mutex_unlock(&a->lock), 0);
	CHECK_EQ(pthread_mutex_destroy(&a->lock), 0);
	unmap_view(a, SEG_PAGE);
	close_handle(h);
	check_region_gone();
}

/* --- priority inheritance ------------------------------------------------ */

struct pi_area {
	pthread_mutex_t lock;
	atomic_int low_locked, high_done, medium_gave_up;
	int high_result;
};

/* The calling process on CPU 0 with SCHED_FIFO @prio: 0 or errno. */
static int pin_fifo(int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		return errno;
	return sched_setscheduler(0, SCHED_FIFO, &sp) ? errno : 0;
}

static int pi_low(void *arg)
{
	struct pi_area *a = arg;
	struct timespec dl = deadline();
	int e = pin_fifo(10);

	if (e)
		return child_error("low: SCHED_FIFO 10", e);
	e = pthread_mutex_timedlock(&a->lock, &dl);
	if (e)
		return child_error("low: pthread_mutex_timedlock", e);
	atomic_store(&a->low_locked, 1);
	t_burn_cpu_ms(300);	/* the critical section */
	e = pthread_mutex_unlock(&a->lock);
	return e ? child_error("low: pthread_mutex_unlock", e) : 0;
}

static int pi_high(void *arg)
{
	struct pi_area *a = arg;
	struct timespec dl;
	int e = pin_fifo(30);

	if (e)
		return child_error("high: SCHED_FIFO 30", e);
	/* longer than medium spins, so no inheritance fails on medium_gave_up */
	dl = deadline();
	dl.tv_sec += WAIT_S;
	e = pthread_mutex_timedlock(&a->lock, &dl);
	a->high_result = e;
	atomic_store(&a->high_done, 1);
	if (e)
		return child_error("high: pthread_mutex_timedlock", e);
	e = pthread_mutex_unlock(&a->lock);
	return e ? child_error("high: pthread_mutex_unlock", e) : 0;
}

/* Without inheritance this keeps low off CPU 0 until it gives up. */
static int pi_medium(void *arg)
{
	struct pi_area *a = arg;
	double end;
	int e = pin_fifo(20);

	if (e)
		return child_error("medium: SCHED_FIFO 20", e);
	end = now_ms() + 8000;
	while (!atomic_load(&a->high_done))
		if (now_ms() > end) {
			atomic_store(&a->medium_gave_up, 1);
			break;
		}
	return 0;
}

/*
 * Low (FIFO 10) holds a PTHREAD_PRIO_INHERIT mutex, High (FIFO 30) blocks
 * on it, Medium (FIFO 20) spins, three processes on CPU 0.  With priority
 * inheritance through the segment's PI futex, Low runs at 30, finishes,
 * and High gets the mutex while Medium still spins; the kernel shows Low's
 * priority raised to High's meanwhile.
 */
TEST(pi_mutex_boosts_holder)
{
	int h, low, high, medium, boosted = 0, prio, e;
	struct pi_area *a;
	char state;

	e = pin_fifo(50);
	if (e == EPERM)
		t_skip("SCHED_FIFO not permitted (EPERM)");
	if (e)
		t_fail(__FILE__, __LINE__, "SCHED_FIFO on CPU 0: %s", strerror(e));
	a = shared_region(SEG_PAGE, &h);
	init_shared_mutex(&a->lock, PTHREAD_MUTEX_STALLED, PTHREAD_PRIO_INHERIT);

	low = spawn(pi_low, a);
	CHECK(wait_flag(&a->low_locked));
	high = spawn(pi_high, a);
	if (!sleeps_in(high, SYS_futex))
		t_fail(__FILE__, __LINE__, "high did not block on the mutex: exit status %d",
		       t_wait(high));
	medium = spawn(pi_medium, a);
	while (!atomic_load(&a->high_done) && !atomic_load(&a->medium_gave_up)) {
		if (task_stat(low, &state, &prio) && prio < boosted)
			boosted = prio;
		usleep(5000);
	}
	CHECK_EQ(t_wait(low), 0);
	CHECK_EQ(t_wait(high), 0);
	CHECK_EQ(t_wait(medium), 0);
	CHECK_EQ(a->high_result, 0);
	CHECK_EQ(atomic_load(&a->medium_gave_up), 0);
	CHECK_EQ(boosted, -31);		/* low ran at high's priority, 30 */
	CHECK_EQ(pthread_mutex_destroy(&a->lock), 0);
	unmap_view(a, SEG_PAGE);
	close_handle(h);
	check_region_gone();
}

/* --- raw futexes --------------------------------------------------------- */

/*
 * Two pages, mapped three times: whole at A and at B, and page 1 alone at
 * C; and page 1 in a child's own mapping.  Every view of a word is one
 * futex, so the key must come from the page and its offset in the
 * segment, not from the mapping or the address.
 */
TEST(raw_futex_two_views)
{
	char *a, *b, *c;
	uint32_t *word;
	int h, pid;

	a = named_region(2 * SEG_PAGE, &h);
	b = map_view(h, 0, 2 * SEG_PAGE);
	c = map_view(h, SEG_PAGE, SEG_PAGE);
	CHECK(a != b);
	word = (uint32_t *)(a + SEG_PAGE);

	wake_thread_across(word, (uint32_t *)(b + SEG_PAGE));
	wake_thread_across((uint32_t *)(b + SEG_PAGE), word);
	wake_thread_across((uint32_t *)c, word);		/* the offset view */
	wake_thread_across(word, (uint32_t *)c);
	wake_thread_across((uint32_t *)(a + 64), (uint32_t *)(b + 64));	/* page 0 */

	__atomic_store_n(word, 0, __ATOMIC_SEQ_CST);
	pid = spawn(sleep_in_own_mapping, NULL);
	wake_child(pid, SYS_futex, (uint32_t *)(b + SEG_PAGE));

	unmap_view(c, SEG_PAGE);
	unmap_view(b, 2 * SEG_PAGE);
	unmap_view(a, 2 * SEG_PAGE);
	close_handle(h);
	check_region_gone();
}

/* In a child: futex_waitv on the first words of page 0 and 1, mapped by name; expects 1. */
static int waitv_two_words(void *unused)
{
	char *p = open_region(0, 2 * SEG_PAGE);
	struct futex_waitv v[2] = {
		{ .val = 0, .uaddr = (uintptr_t)p, .flags = FUTEX2_SIZE_U32 },
		{ .val = 0, .uaddr = (uintptr_t)(p + SEG_PAGE), .flags = FUTEX2_SIZE_U32 },
	};
	struct timespec dl;
	long r;

	(void)unused;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += WAIT_S;
	r = syscall(SYS_futex_waitv, v, 2, 0, &dl, CLOCK_MONOTONIC);
	if (r < 0)
		return child_error("futex_waitv", errno);
	if (r != 1) {
		fprintf(stderr, "  futex_waitv returned %ld, expected 1\n", r);
		return 3;
	}
	return 0;
}

TEST(futex_waitv_segment)
{
	char *p;
	int h, pid;

	/* no waiters: EINVAL where the call exists */
	if (syscall(SYS_futex_waitv, NULL, 0, 0, NULL, 0) < 0 && errno == ENOSYS)
		t_skip("futex_waitv: ENOSYS (Linux < 5.16)");
	p = named_region(2 * SEG_PAGE, &h);
	pid = spawn(waitv_two_words, NULL);
	wake_child(pid, SYS_futex_waitv, (uint32_t *)(p + SEG_PAGE));
	CHECK_EQ(*(uint32_t *)p, 0);
	unmap_view(p, 2 * SEG_PAGE);
	close_handle(h);
	check_region_gone();
}

/* --- page pinning: vmsplice, process_vm_readv, O_DIRECT ---------------- */

static unsigned char pattern_byte(size_t i, unsigned int seed)
{
	return (unsigned char)(i * 131 + (i >> 9) + seed * 37 + 1);
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern_byte(i, seed);
}

static bool has_pattern(const unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pattern_byte(i, seed))
			return false;
	return true;
}

/* vmsplice() @len bytes at @p into a pipe (pinning, not gifting) and read them back. */
static void splice_round_trip(unsigned char *p, size_t len)
{
	struct iovec iov = { .iov_base = p, .iov_len = len };
	unsigned char *back = malloc(len);
	int fds[2];

	CHECK(back);
	CHECK_SYS(pipe(fds));
	CHECK_EQ(CHECK_SYS(vmsplice(fds[1], &iov, 1, 0)), len);
	CHECK_EQ(CHECK_SYS(read(fds[0], back, len)), len);
	CHECK(!memcmp(back, p, len));
	CHECK_SYS(close(fds[0]));
	CHECK_SYS(close(fds[1]));
	free(back);
}

struct peek_area {		/* page 0 of the region */
	atomic_int ready, done;
	uint64_t addr;		/* where the child mapped the region */
};

/* In a child: map the region by name, fill page 1, tell the parent where, wait. */
static int fill_own_mapping(void *unused)
{
	unsigned char *p = open_region(0, 2 * SEG_PAGE);
	struct peek_area *a = (struct peek_area *)p;

	(void)unused;
	fill(p + SEG_PAGE, SEG_PAGE, 11);
	a->addr = (uintptr_t)p;
	atomic_store(&a->ready, 1);
	return wait_flag(&a->done) ? 0 : 3;
}

TEST(gup_vmsplice)
{
	unsigned char *p, buf[SEG_PAGE];
	struct iovec local = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct iovec remote;
	struct peek_area *a;
	int h, pid;

	p = named_region(2 * SEG_PAGE, &h);
	a = (struct peek_area *)p;
	fill(p + SEG_PAGE, SEG_PAGE, 7);
	splice_round_trip(p + SEG_PAGE, SEG_PAGE);

	/* another process's own mapping, read through its address space */
	pid = spawn(fill_own_mapping, NULL);
	CHECK(wait_flag(&a->ready));
	remote.iov_base = (void *)(uintptr_t)(a->addr + SEG_PAGE);
	remote.iov_len = SEG_PAGE;
	CHECK_EQ(CHECK_SYS(process_vm_readv(pid, &local, 1, &remote, 1, 0)), SEG_PAGE);
	CHECK(has_pattern(buf, SEG_PAGE, 11));
	CHECK(has_pattern(p + SEG_PAGE, SEG_PAGE, 11));
	atomic_store(&a->done, 1);
	CHECK_EQ(t_wait(pid), 0);

	/* only the mapping left */
	close_handle(h);
	fill(p + SEG_PAGE, SEG_PAGE, 9);
	splice_round_trip(p + SEG_PAGE, SEG_PAGE);
	splice_round_trip(p, SEG_PAGE);
	unmap_view(p, 2 * SEG_PAGE);
	check_region_gone();
}

/*
 * A file of @len pattern bytes (seed 5), opened O_RDONLY | O_DIRECT, on the
 * first of the guest's file systems that allows O_DIRECT (tmpfs only since
 * Linux 6.6); its path in @path.  -1 if none does.
 */
static int odirect_file(size_t len, char *path, size_t path_size)
{
	static const char *const dirs[] = { "/tmp", "/dev/shm" };
	unsigned char *data = malloc(len);
	size_t i;
	int fd;

	CHECK(data);
	fill(data, len, 5);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, path_size, "%s/rtshm-futex-odirect.%d", dirs[i], (int)getpid());
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			continue;
		CHECK_EQ(CHECK_SYS(write(fd, data, len)), len);
		CHECK_SYS(close(fd));
		fd = open(path, O_RDONLY | O_DIRECT);
		if (fd >= 0) {
			free(data);
			return fd;
		}
		if (errno != EINVAL)
			t_fail(__FILE__, __LINE__, "open(%s, O_DIRECT): %s", path, strerror(errno));
		CHECK_SYS(unlink(path));
	}
	free(data);
	return -1;
}

TEST(odirect_read_into_segment)
{
	enum { LEN = 4 * SEG_PAGE };
	unsigned char *p;
	char path[128];
	int h, fd;

	fd = odirect_file(LEN, path, sizeof(path));
	if (fd < 0)
		t_skip("no O_DIRECT-capable file system in the guest");
	p = shared_region(LEN + 2 * SEG_PAGE, &h);
	CHECK_EQ(CHECK_SYS(read(fd, p + SEG_PAGE, LEN)), LEN);
	CHECK(has_pattern(p + SEG_PAGE, LEN, 5));
	CHECK_EQ(CHECK_SYS(pread(fd, p + SEG_PAGE + LEN, SEG_PAGE, 0)), SEG_PAGE);
	CHECK(has_pattern(p + SEG_PAGE + LEN, SEG_PAGE, 5));
	CHECK_SYS(close(fd));
	CHECK_SYS(unlink(path));
	unmap_view(p, LEN + 2 * SEG_PAGE);
	close_handle(h);
	check_region_gone();
}

/* --- the segment alive only through its mapping -------------------------- */

TEST(after_last_close)
{
	uint32_t *word;
	char *p;
	int h, pid;

	p = shared_region(2 * SEG_PAGE, &h);
	close_handle(h);		/* only the mapping keeps it alive now */
	word = (uint32_t *)(p + SEG_PAGE);

	count_in_processes(p, 2);	/* children forked after the close */
	wake_thread_across(word, word);
	__atomic_store_n(word, 0, __ATOMIC_SEQ_CST);
	pid = spawn(sleep_inherited, word);
	wake_child(pid, SYS_futex, word);

	unmap_view(p, 2 * SEG_PAGE);
	check_region_gone();
}

/* --- another allocation tier --------------------------------------------- */

TEST(contig_tier_mutex)
{
	struct rtshm_seg_info info;
	enum { LEN = 16 * SEG_PAGE };
	void *p;
	int h;

	if (posix_control())
		t_skip("RTSHM_USE_CONTIG is an rtshm allocation tier");
	p = make_region(LEN, RTSHM_USE_CONTIG, false, &h);
	if (!p) {
		fprintf(stderr, "  rtshm_create(RTSHM_USE_CONTIG): %s\n", strerror(-h));
		t_skip("no contiguous memory for RTSHM_USE_CONTIG");
	}
	CHECK_OK(rtshm_stat(h, &info));
	CHECK_EQ(info.tier, RTSHM_BACKEND_CONTIG);
	count_in_processes(p, 2);
	unmap_view(p, LEN);
	close_handle(h);
	check_region_gone();
}
