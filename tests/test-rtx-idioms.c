// SPDX-License-Identifier: GPL-2.0
/*
 * The Windows idioms of ported RTSS code (rtshm_windows.h and what it
 * includes): every Interlocked function's result and effect, their
 * atomicity between two processes of two threads each on one segment
 * (tests/rtx/idioms_peer.c built UNICODE, ANSI and as a gnu11 void main),
 * _tmain's wide or narrow arguments, void main's exit status,
 * LARGE_INTEGER's parts, Sleep's lower bound, Sleep(0)'s yield and
 * MemoryBarrier's store-load order.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "rtapi.h"
#include "rtx/idioms.h"
#include "rtx/spawn.h"

/* --- Interlocked results ------------------------------------------------- */

TEST(interlocked_32_bit_results)
{
	struct { LONG before; LONG volatile v; LONG after; } m = { 0x11111111, 5, 0x22222222 };

	CHECK_EQ(InterlockedIncrement(&m.v), 6);
	CHECK_EQ(InterlockedDecrement(&m.v), 5);
	CHECK_EQ(InterlockedExchange(&m.v, 42), 5);
	CHECK_EQ(m.v, 42);
	CHECK_EQ(InterlockedExchangeAdd(&m.v, 8), 42);
	CHECK_EQ(InterlockedExchangeAdd(&m.v, -60), 50);
	CHECK_EQ(m.v, -10);
	CHECK_EQ(InterlockedAdd(&m.v, 3), -7);
	CHECK_EQ(InterlockedCompareExchange(&m.v, 100, 0), -7);	/* no match: unchanged */
	CHECK_EQ(m.v, -7);
	CHECK_EQ(InterlockedCompareExchange(&m.v, 100, -7), -7);
	CHECK_EQ(m.v, 100);
	m.v = 0x0F0F;
	CHECK_EQ(InterlockedAnd(&m.v, 0x00FF), 0x0F0F);
	CHECK_EQ(m.v, 0x000F);
	CHECK_EQ(InterlockedOr(&m.v, 0x0F00), 0x000F);
	CHECK_EQ(m.v, 0x0F0F);
	CHECK_EQ(InterlockedXor(&m.v, 0xFFFF), 0x0F0F);
	CHECK_EQ(m.v, 0xF0F0);
	/* LONG is 32 bits: it wraps there, as on Windows */
	m.v = 0x7FFFFFFF;
	CHECK_EQ(InterlockedIncrement(&m.v), -2147483647LL - 1);
	CHECK_EQ(InterlockedDecrement(&m.v), 0x7FFFFFFF);
	CHECK_EQ(InterlockedExchangeAdd(&m.v, 1), 0x7FFFFFFF);
	CHECK_EQ(m.v, -2147483647LL - 1);
	/* the Acquire and Release forms are the same operations */
	m.v = 1;
	CHECK_EQ(InterlockedIncrementAcquire(&m.v), 2);
	CHECK_EQ(InterlockedDecrementRelease(&m.v), 1);
	CHECK_EQ(InterlockedCompareExchangeAcquire(&m.v, 7, 1), 1);
	CHECK_EQ(InterlockedCompareExchangeRelease(&m.v, 8, 7), 7);
	CHECK_EQ(m.v, 8);
	CHECK_EQ(m.before, 0x11111111);
	CHECK_EQ(m.after, 0x22222222);
}

TEST(interlocked_64_bit_results)
{
	struct { LONG before; LONGLONG volatile v; LONG after; } m = { 0x11111111, 0xFFFFFFFF, 0x22222222 };
	LONG64 volatile b = 0x0F0F00000000LL;

	CHECK_EQ(InterlockedIncrement64(&m.v), 0x100000000LL);	/* carries into the high half */
	CHECK_EQ(InterlockedDecrement64(&m.v), 0xFFFFFFFFLL);
	CHECK_EQ(InterlockedExchange64(&m.v, 1LL << 40), 0xFFFFFFFFLL);
	CHECK_EQ(InterlockedExchangeAdd64(&m.v, 5), 1LL << 40);
	CHECK_EQ(InterlockedAdd64(&m.v, -(1LL << 41)), 5 - (1LL << 40));
	/* equal low halves, different high halves: no match */
	m.v = 0x100000007LL;
	CHECK_EQ(InterlockedCompareExchange64(&m.v, 9, 0x200000007LL), 0x100000007LL);
	CHECK_EQ(m.v, 0x100000007LL);
	CHECK_EQ(InterlockedCompareExchange64(&m.v, 0x300000009LL, 0x100000007LL), 0x100000007LL);
	CHECK_EQ(m.v, 0x300000009LL);
	CHECK_EQ(InterlockedCompareExchangeAcquire64(&m.v, 1, 0x300000009LL), 0x300000009LL);
	CHECK_EQ(InterlockedCompareExchangeRelease64(&m.v, 2, 1), 1);
	CHECK_EQ(m.v, 2);
	m.v = 0x7FFFFFFFFFFFFFFFLL;
	CHECK_EQ(InterlockedIncrement64(&m.v), (-0x7FFFFFFFFFFFFFFFLL) - 1);
	CHECK_EQ(InterlockedAnd64(&b, 0x00FF00000000LL), 0x0F0F00000000LL);
	CHECK_EQ(b, 0x000F00000000LL);
	CHECK_EQ(InterlockedOr64(&b, 0x0F0000000000LL), 0x000F00000000LL);
	CHECK_EQ(b, 0x0F0F00000000LL);
	CHECK_EQ(InterlockedXor64(&b, 0xFFFF00000001LL), 0x0F0F00000000LL);
	CHECK_EQ(b, 0xF0F000000001LL);
	CHECK_EQ(m.before, 0x11111111);
	CHECK_EQ(m.after, 0x22222222);
}

TEST(interlocked_16_8_bit_and_pointer_results)
{
	struct { SHORT before; SHORT volatile v; SHORT after; } s = { 0x1111, 32767, 0x2222 };
	struct { CHAR before; CHAR volatile v; CHAR after; } c = { 0x11, 0x0F, 0x22 };
	/* above 4 GiB, so a 32-bit operation would show */
	PVOID a = (PVOID)0x123456789A00ULL, b = (PVOID)0x123456789B00ULL,
	      d = (PVOID)0x223456789A00ULL;
	PVOID volatile p = a;

	CHECK_EQ(InterlockedIncrement16(&s.v), -32768);
	CHECK_EQ(InterlockedDecrement16(&s.v), 32767);
	CHECK_EQ(InterlockedExchange16(&s.v, -5), 32767);
	CHECK_EQ(InterlockedCompareExchange16(&s.v, 9, 5), -5);
	CHECK_EQ(s.v, -5);
	CHECK_EQ(InterlockedCompareExchange16(&s.v, 9, -5), -5);
	CHECK_EQ(s.v, 9);
	CHECK_EQ(InterlockedAnd16(&s.v, 1), 9);
	CHECK_EQ(InterlockedOr16(&s.v, 6), 1);
	CHECK_EQ(InterlockedXor16(&s.v, 3), 7);
	CHECK_EQ(s.v, 4);
	CHECK_EQ(s.before, 0x1111);
	CHECK_EQ(s.after, 0x2222);

	CHECK_EQ(InterlockedExchange8(&c.v, 0x3C), 0x0F);
	CHECK_EQ(InterlockedAnd8(&c.v, 0x0F), 0x3C);
	CHECK_EQ(InterlockedOr8(&c.v, 0x50), 0x0C);
	CHECK_EQ(InterlockedXor8(&c.v, 0x5C), 0x5C);
	CHECK_EQ(c.v, 0);
	CHECK_EQ(c.before, 0x11);
	CHECK_EQ(c.after, 0x22);

	CHECK(InterlockedExchangePointer(&p, b) == a);
	CHECK(p == b);
	CHECK(InterlockedCompareExchangePointer(&p, d, a) == b);	/* no match */
	CHECK(p == b);
	CHECK(InterlockedCompareExchangePointer(&p, d, b) == b);
	CHECK(p == d);
	CHECK(InterlockedCompareExchangePointerAcquire(&p, a, d) == d);
	CHECK(InterlockedCompareExchangePointerRelease(&p, NULL, a) == a);
	CHECK(p == NULL);
}

TEST(interlocked_bit_tests_address_a_bit_string)
{
	LONG volatile bits[4] = { 0 };
	LONG64 volatile bits64[2] = { 0 };

	CHECK_EQ(InterlockedBitTestAndSet(bits, 0), 0);
	CHECK_EQ(InterlockedBitTestAndSet(bits, 0), 1);
	CHECK_EQ(InterlockedBitTestAndSet(bits, 31), 0);
	CHECK_EQ((DWORD)bits[0], 0x80000001U);
	CHECK_EQ(InterlockedBitTestAndSet(bits, 33), 0);	/* bit 1 of the next LONG */
	CHECK_EQ(bits[1], 2);
	CHECK_EQ(InterlockedBitTestAndReset(bits, 33), 1);
	CHECK_EQ(InterlockedBitTestAndReset(bits, 33), 0);
	CHECK_EQ(bits[1], 0);
	CHECK_EQ(InterlockedBitTestAndComplement(bits, 64), 0);
	CHECK_EQ(bits[2], 1);
	CHECK_EQ(InterlockedBitTestAndComplement(bits, 64), 1);
	CHECK_EQ(bits[2], 0);
	CHECK_EQ(InterlockedBitTestAndSet(&bits[2], -1), 0);	/* bit 31 of the LONG before */
	CHECK_EQ((DWORD)bits[1], 0x80000000U);
	CHECK_EQ((DWORD)bits[0], 0x80000001U);
	CHECK_EQ(bits[2] | bits[3], 0);

	CHECK_EQ(InterlockedBitTestAndSet64(bits64, 63), 0);
	CHECK_EQ((ULONGLONG)bits64[0], 0x8000000000000000ULL);
	CHECK_EQ(InterlockedBitTestAndSet64(bits64, 64), 0);
	CHECK_EQ(bits64[1], 1);
	CHECK_EQ(InterlockedBitTestAndReset64(bits64, 63), 1);
	CHECK_EQ(bits64[0], 0);
	CHECK_EQ(InterlockedBitTestAndComplement64(bits64, 100), 0);
	CHECK_EQ(bits64[1], 1 + (1LL << 36));
	CHECK_EQ(InterlockedBitTestAndComplement64(bits64, 100), 1);
	CHECK_EQ(bits64[1], 1);
}

/* As RTX code uses it: QuadPart arithmetic, the 32-bit halves, u. */
TEST(large_integer_parts)
{
	LARGE_INTEGER li, due = { .QuadPart = -10000 }, zero = { 0 };
	PLARGE_INTEGER pli = &li;
	ULARGE_INTEGER uli;

	CHECK_EQ(sizeof(LARGE_INTEGER), 8);
	CHECK_EQ(offsetof(LARGE_INTEGER, LowPart), 0);
	CHECK_EQ(offsetof(LARGE_INTEGER, HighPart), 4);
	CHECK_EQ(offsetof(LARGE_INTEGER, u.HighPart), 4);
	CHECK_EQ(_Alignof(LARGE_INTEGER), 8);
	CHECK_EQ(due.QuadPart, -10000);
	CHECK_EQ(zero.QuadPart, 0);
	li.QuadPart = 0x123456789ABCDEF0LL;
	CHECK_EQ(li.LowPart, 0x9ABCDEF0U);
	CHECK_EQ(li.HighPart, 0x12345678);
	CHECK_EQ(li.u.LowPart, 0x9ABCDEF0U);
	CHECK_EQ(li.u.HighPart, 0x12345678);
	pli->QuadPart = -2;
	CHECK_EQ(li.LowPart, 0xFFFFFFFEU);
	CHECK_EQ(li.HighPart, -1);
	li.LowPart = 5;
	li.HighPart = -1;
	CHECK_EQ(li.QuadPart, -4294967291LL);
	li.u.HighPart = 1;
	CHECK_EQ(li.QuadPart, 0x100000005LL);
	uli.QuadPart = 0xFFFFFFFF00000001ULL;
	CHECK_EQ(uli.HighPart, 0xFFFFFFFFU);
	CHECK_EQ(uli.u.LowPart, 1);
}

/* --- two processes, two threads each, one segment ----------------------- */

#define HAMMER_THREADS		2
#define HAMMER_ITERATIONS	200000
#define HAMMER_TOTAL		(2 * HAMMER_THREADS * HAMMER_ITERATIONS)

/* A peer program with arguments and IDIOMS_ENV set (it inherits it). */
static struct t_child start_peer(const char *prog, const char *const *args)
{
	setenv("IDIOMS_ENV", "\u00e9\u4e2d\U0001F600", 1);
	return t_start_args(prog, args);
}

static void check_bits(const LONG volatile *bits, long first, long last, long size)
{
	long i;

	for (i = 0; i < size; i++)
		if (!!(bits[i / 32] & (LONG)(1U << (i % 32))) != (i >= first && i <= last))
			t_fail(__FILE__, __LINE__, "bit %ld is %s", i, i >= first && i <= last ?
			       "clear" : "set");
}

static void check_segment(const IDIOMS_SHARED *s)
{
	long i;

	CHECK_EQ(s->errors, 0);
	CHECK_EQ(s->first_error, 0);
	CHECK_EQ(s->arrived, 2);
	CHECK_EQ(s->started, 2 * HAMMER_THREADS);
	CHECK_EQ(s->halfway, 2 * HAMMER_THREADS);
	CHECK_EQ(s->finished, 2 * HAMMER_THREADS);
	CHECK_EQ(s->count, HAMMER_TOTAL);
	CHECK_EQ(s->down, -HAMMER_TOTAL);
	CHECK_EQ(s->xadd, 2 * HAMMER_TOTAL);
	CHECK_EQ(s->sum, 5 * HAMMER_TOTAL);
	CHECK_EQ(s->cas, 3 * HAMMER_TOTAL);
	CHECK_EQ(s->lock, 0);
	CHECK_EQ(s->plain, HAMMER_TOTAL);
	CHECK_EQ(s->owners, 0);
	CHECK_EQ(s->toggles, 0);
	CHECK_EQ(s->count16, (SHORT)HAMMER_TOTAL);
	CHECK_EQ(s->down16, (SHORT)-HAMMER_TOTAL);
	CHECK_EQ((ULONG_PTR)s->ptr, HAMMER_TOTAL);
	CHECK(s->plock == NULL);
	CHECK_EQ(s->plain_p, HAMMER_TOTAL);
	CHECK_EQ(s->count64, HAMMER_TOTAL);
	CHECK_EQ(s->down64, -HAMMER_TOTAL);
	CHECK_EQ(s->big, HAMMER_TOTAL * IDIOMS_STEP64);
	CHECK_EQ(s->sum64, HAMMER_TOTAL * IDIOMS_SUM64_STEP);
	CHECK_EQ(s->cas64, HAMMER_TOTAL * IDIOMS_STEP64);
	CHECK_EQ(s->lock64, 0);
	CHECK_EQ(s->plain64, HAMMER_TOTAL);
	CHECK_EQ(s->owners64, 0);
	CHECK_EQ(s->toggles64, 0);
	/* each Increment result 1..total came back exactly once */
	check_bits(s->inc_seen, 1, HAMMER_TOTAL, (long)sizeof(s->inc_seen) * 8);
	/* each ExchangeAdd64 old value 0..total-1 steps, exactly once */
	for (i = 0; i < (long)(sizeof(s->add_seen) / sizeof(s->add_seen[0])); i++)
		CHECK_EQ(s->add_seen[i], i < HAMMER_TOTAL / 64 ? -1LL :
			 i == HAMMER_TOTAL / 64 ? (1LL << (HAMMER_TOTAL % 64)) - 1 : 0);
}

static void hammer(const char *creator_prog, const char *opener_prog)
{
	static char out[2][4096], big[128];
	char name[200], threads[16], iterations[16];
	const char *args[] = { "hammer", name, "2", threads, iterations, NULL };
	long before = t_proc_segments();
	struct t_child peer[2];
	IDIOMS_SHARED *s;
	HANDLE h;
	int i;

	/* a name that needs UTF-8: the UNICODE build gets it as a wide argument */
	snprintf(name, sizeof(name), "%s-\u00e9\u4e2d\U0001F600", t_name("hammer"));
	snprintf(threads, sizeof(threads), "%d", HAMMER_THREADS);
	snprintf(iterations, sizeof(iterations), "%d", HAMMER_ITERATIONS);
	snprintf(big, sizeof(big), "big %lld = HighPart %d LowPart %d u.LowPart %d\n",
		 HAMMER_TOTAL * IDIOMS_STEP64, HAMMER_TOTAL, HAMMER_TOTAL, HAMMER_TOTAL);
	out[0][0] = out[1][0] = '\0';
	peer[0] = start_peer(creator_prog, args);
	if (!t_read_until(&peer[0], out[0], sizeof(out[0]), "attached 0 created\n"))
		t_fail(__FILE__, __LINE__, "%s said: %s", creator_prog, out[0]);
	peer[1] = start_peer(opener_prog, args);
	if (!t_read_until(&peer[1], out[1], sizeof(out[1]), "attached 1 opened\n"))
		t_fail(__FILE__, __LINE__, "%s said: %s", opener_prog, out[1]);
	for (i = 0; i < 2; i++)
		if (!t_read_until(&peer[i], out[i], sizeof(out[i]), "u.LowPart"))
			t_fail(__FILE__, __LINE__, "peer %d said: %s", i, out[i]);

	/* both hold the segment until their stdin closes: look at it */
	h = RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, (VOID **)&s);
	CHECK(h);
	check_segment(s);
	CHECK(RtCloseHandle(h));

	for (i = 0; i < 2; i++) {
		if (t_finish(&peer[i], out[i], sizeof(out[i])) != 0)
			t_fail(__FILE__, __LINE__, "peer %d said: %s", i, out[i]);
		CHECK(strstr(out[i], "done errors 0 first 0\n") != NULL);
		if (!strstr(out[i], big))
			t_fail(__FILE__, __LINE__, "peer %d said: %s, not %s", i, out[i], big);
	}
	CHECK_EQ(t_proc_segments(), before);
}

TEST(interlocked_atomic_between_unicode_and_ansi_processes)
{
	hammer("rtx-idioms-unicode", "rtx-idioms-ansi");
}

TEST(interlocked_atomic_between_ansi_and_void_main_processes)
{
	hammer("rtx-idioms-ansi", "rtx-idioms-voidmain");
}

/* --- entry points ------------------------------------------------------- */

static int run_peer(const char *prog, const char *const *args, char *out, size_t size)
{
	struct t_child c = start_peer(prog, args);

	out[0] = '\0';
	return t_finish(&c, out, size);
}

/* "\xff" is no UTF-8: the wide conversion makes it U+FFFD. */
static const char *const arg_probe[] = { "args", "\u00e9\u4e2d\U0001F600", "\xff", "x", NULL };

TEST(tmain_of_a_unicode_build_gets_wide_arguments)
{
	static char out[4096];

	CHECK_EQ(run_peer("rtx-idioms-unicode", arg_probe, out, sizeof(out)), 0);
	if (!strstr(out, "tchar 4 argc 5\n"
			 "arg 2 len 3 first 0xE9\n"
			 "arg 3 len 1 first 0xFFFD\n"
			 "arg 4 len 1 first 0x78\n"
			 "env len 3\n"))
		t_fail(__FILE__, __LINE__, "said: %s", out);
}

TEST(tmain_of_an_ansi_build_gets_the_bytes)
{
	static char out[4096];

	CHECK_EQ(run_peer("rtx-idioms-ansi", arg_probe, out, sizeof(out)), 0);
	if (!strstr(out, "tchar 1 argc 5\n"
			 "arg 2 len 9 first 0xC3\n"
			 "arg 3 len 1 first 0xFF\n"
			 "arg 4 len 1 first 0x78\n"
			 "env len 9\n"))
		t_fail(__FILE__, __LINE__, "said: %s", out);
}

TEST(void_main_exits_0_and_ExitProcess_keeps_its_code)
{
	static const char *const none[] = { NULL }, *const bad[] = { "hammer", NULL };
	static char out[4096];

	/* the last call before the closing brace returns nonzero: the status is still 0 */
	CHECK_EQ(run_peer("rtx-idioms-voidmain", arg_probe, out, sizeof(out)), 0);
	CHECK(strstr(out, "tchar 1 argc 5\narg 2 len 9 first 0xC3\n") != NULL);
	CHECK(strstr(out, "env len 9\n") != NULL);
	CHECK_EQ(run_peer("rtx-idioms-voidmain", none, out, sizeof(out)), 2);
	CHECK(strstr(out, "usage: ") != NULL);
	CHECK_EQ(run_peer("rtx-idioms-unicode", bad, out, sizeof(out)), 2);
	CHECK_EQ(run_peer("rtx-idioms-ansi", bad, out, sizeof(out)), 2);
}

/* --- Sleep -------------------------------------------------------------- */

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#define CHECK_SLEEPS_AT_LEAST(ms, call)					\
	do {								\
		long long _t0 = now_ns(), _dt;				\
		call;							\
		_dt = now_ns() - _t0;					\
		if (_dt < (ms) * 1000000LL)				\
			t_fail(__FILE__, __LINE__, "%s took %lld ns, less than %d ms", \
			       #call, _dt, (ms));			\
	} while (0)

TEST(sleep_lasts_at_least_the_time_asked)
{
	DWORD r = 1;

	CHECK_SLEEPS_AT_LEAST(1, Sleep(1));
	CHECK_SLEEPS_AT_LEAST(2, Sleep(2));
	CHECK_SLEEPS_AT_LEAST(15, Sleep(15));
	CHECK_SLEEPS_AT_LEAST(1000, Sleep(1000));	/* the seconds part of the deadline */
	CHECK_SLEEPS_AT_LEAST(1500, Sleep(1500));
	CHECK_SLEEPS_AT_LEAST(5, RtSleep(5));
	CHECK_SLEEPS_AT_LEAST(20, r = SleepEx(20, TRUE));
	CHECK_EQ(r, 0);
	r = 1;
	CHECK_SLEEPS_AT_LEAST(3, r = RtSleepEx(3, FALSE));
	CHECK_EQ(r, 0);
	Sleep(0);
	CHECK_EQ(SleepEx(0, TRUE), 0);
	CHECK_EQ(GetLastError(), ERROR_SUCCESS);	/* neither sets it */
}

static atomic_int signals, stop_signals;

static void count_signal(int sig)
{
	(void)sig;
	atomic_fetch_add(&signals, 1);
}

static void *send_signals(void *target)
{
	while (!atomic_load(&stop_signals)) {
		pthread_kill(*(pthread_t *)target, SIGUSR1);
		usleep(1000);
	}
	return NULL;
}

TEST(sleep_is_not_shortened_by_signal_handlers)
{
	struct sigaction sa = { .sa_handler = count_signal };	/* no SA_RESTART */
	pthread_t self = pthread_self(), sender;
	int before;

	CHECK_SYS(sigaction(SIGUSR1, &sa, NULL));
	CHECK_EQ(pthread_create(&sender, NULL, send_signals, &self), 0);
	while (atomic_load(&signals) < 2)
		usleep(1000);
	before = atomic_load(&signals);
	CHECK_SLEEPS_AT_LEAST(200, Sleep(200));
	CHECK_SLEEPS_AT_LEAST(50, SleepEx(50, TRUE));
	atomic_store(&stop_signals, 1);
	CHECK_EQ(pthread_join(sender, NULL), 0);
	CHECK(atomic_load(&signals) - before >= 2);	/* handlers did run meanwhile */
}

static LONG volatile yield_go, yield_done;

static void *yield_partner(void *arg)
{
	(void)arg;
	while (!yield_go)
		sched_yield();
	yield_done = 1;
	return NULL;
}

/*
 * Two SCHED_FIFO threads of one priority on one CPU: the second runs only
 * if the first gives the CPU up, which Sleep(0) must do.
 */
TEST(sleep_0_yields_to_a_ready_thread_of_the_same_priority)
{
	struct sched_param sp = { .sched_priority = 10 };
	cpu_set_t cpus;
	pthread_t partner;
	long i;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	CHECK_SYS(sched_setaffinity(0, sizeof(cpus), &cpus));
	if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp))
		t_skip("SCHED_FIFO not permitted");
	CHECK_EQ(pthread_create(&partner, NULL, yield_partner, NULL), 0);	/* inherits both */
	InterlockedExchange(&yield_go, 1);
	for (i = 0; i < 1000000 && !yield_done; i++)
		Sleep(0);
	CHECK(yield_done);
	CHECK_EQ(pthread_join(partner, NULL), 0);
}

/* --- MemoryBarrier: store, fence, load (Dekker) ---------------------------- */

#define DEKKER_ROUNDS	20000

static struct {
	LONG volatile x, y, r1, r2, arrive;
} dk;

static void dekker_barrier(LONG phase)
{
	InterlockedIncrement(&dk.arrive);
	while (dk.arrive < 2 * phase)
		YieldProcessor();
}

static void *dekker_b(void *arg)
{
	LONG r;

	(void)arg;
	for (r = 1; r <= DEKKER_ROUNDS; r++) {
		dekker_barrier(2 * r - 1);
		dk.y = 1;
		MemoryBarrier();
		dk.r2 = dk.x;
		dekker_barrier(2 * r);
	}
	return NULL;
}

/* With a full fence between each thread's store and load, both loads cannot miss. */
TEST(memory_barrier_keeps_a_load_after_a_store)
{
	cpu_set_t cpus;
	pthread_t b;
	long both_zero = 0;
	LONG r;

	CPU_ZERO(&cpus);
	CPU_SET(1, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		t_skip("no second CPU");
	CHECK_EQ(pthread_create(&b, NULL, dekker_b, NULL), 0);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	CHECK_SYS(sched_setaffinity(0, sizeof(cpus), &cpus));
	for (r = 1; r <= DEKKER_ROUNDS; r++) {
		dekker_barrier(2 * r - 1);
		dk.x = 1;
		MemoryBarrier();
		dk.r1 = dk.y;
		dekker_barrier(2 * r);
		both_zero += !dk.r1 && !dk.r2;
		dk.x = dk.y = 0;
	}
	CHECK_EQ(pthread_join(b, NULL), 0);
	CHECK_EQ(both_zero, 0);
}
