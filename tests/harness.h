/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal test harness for programs that run inside the test VM.
 *
 * TEST(name) { ... } registers a test.  Each test runs in its own forked
 * child with a time limit, so a crash, a signal or a hang fails that test
 * only.  Results are printed as
 *	RTSHM-RESULT PASS|FAIL|SKIP <program>/<test>
 * which tests/vm/check.sh counts.  CHECK* print the failing expression with
 * file and line, then end the test as failed.
 */
#ifndef RTSHM_TEST_HARNESS_H
#define RTSHM_TEST_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*t_func)(void);

void t_register(const char *name, t_func fn);
void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void t_skip(const char *why) __attribute__((noreturn));

#define TEST(name)							\
	static void test_##name(void);					\
	__attribute__((constructor)) static void reg_##name(void)	\
	{ t_register(#name, test_##name); }				\
	static void test_##name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			t_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);	\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b)						\
			t_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
			       #a, _a, #b, _b);				\
	} while (0)

/* A -errno style call must return exactly -err. */
#define CHECK_ERR(expr, err)						\
	do {								\
		long long _r = (long long)(expr);			\
		if (_r != -(long long)(err))				\
			t_fail(__FILE__, __LINE__, "%s returned %lld (%s), expected -%s", \
			       #expr, _r, _r < 0 ? strerror((int)-_r) : "ok", #err); \
	} while (0)

/* A -errno style call must succeed (>= 0); yields its value. */
#define CHECK_OK(expr)							\
	({								\
		long long _r = (long long)(expr);			\
		if (_r < 0)						\
			t_fail(__FILE__, __LINE__, "%s failed: %s", #expr, \
			       strerror((int)-_r));			\
		_r;							\
	})

/* A libc call returning -1 + errno must fail with exactly err. */
#define CHECK_SYSERR(expr, err)						\
	do {								\
		errno = 0;						\
		long long _r = (long long)(expr);			\
		if (_r != -1 || errno != (err))				\
			t_fail(__FILE__, __LINE__, "%s returned %lld errno %d (%s), expected %s", \
			       #expr, _r, errno, strerror(errno), #err); \
	} while (0)

/* A libc call returning -1 + errno must succeed. */
#define CHECK_SYS(expr)							\
	({								\
		errno = 0;						\
		long long _r = (long long)(expr);			\
		if (_r == -1)						\
			t_fail(__FILE__, __LINE__, "%s: %s", #expr, strerror(errno)); \
		_r;							\
	})

/* --- helpers shared by the tests ------------------------------------- */

/* Segment count of this IPC namespace from /proc/rtshm's summary line. */
long t_proc_segments(void);
/* The /proc/rtshm line of segment @id, or "" if absent (static buffer). */
const char *t_proc_line(uint32_t id);
/* Run @fn in a child process as @uid/@gid (+ @supp_gid if not -1); exit status. */
int t_run_as(unsigned int uid, unsigned int gid, int supp_gid, int (*fn)(void *), void *arg);
/* Wait for child @pid; return its exit status, or 128 + signal. */
int t_wait(int pid);
/* t_wait(), but a child still running after @seconds is killed: -1. */
int t_wait_within(int pid, int seconds);
/*
 * fork() @forks times, one child at a time, while a thread of this process
 * runs @op(@arg) in a loop; each child runs @op once and exits.  Return
 * the index of the first child that did not exit 0 within @seconds (it is
 * killed), or -1: fork() must leave no lock of @op's held in the child.
 */
int t_fork_beside(void (*op)(void *), void *arg, int forks, int seconds);

/* Spin on this thread's CPU time for @ms (a critical section that runs). */
void t_burn_cpu_ms(double ms);
/* The factor rtshm_time_scale=N of the kernel command line (1 if unset). */
unsigned int t_time_scale(void);
/* A /proc/meminfo field in KiB, or -1. */
long long t_meminfo_kib(const char *key);
/* Free pages on the per-CPU lists in KiB, which MemFree does not count. */
long long t_pcp_free_kib(void);
/*
 * Free memory in KiB (MemFree), per-CPU lists included, without dropping
 * caches: drop_caches in one program made a later one of the same guest
 * (test-rtx-contiguous) take one more fault.
 */
long long t_free_kib(void);
/* Free memory in KiB with the page cache dropped, per-CPU lists included. */
long long t_memfree_settled(void);
/* A /proc/self/status field in KiB ("VmLck", "VmPTE"), or -1. */
long long t_status_kib(const char *key);
/* Minor faults this process has taken so far. */
long t_minor_faults(void);
/*
 * The "pool bytes USED/SIZE" line of /proc/rtshm: USED, and SIZE into
 * *@size if not NULL; -1 if there is no such line.
 */
long long t_proc_pool_used(long long *size);
/* The last field of segment @id's /proc/rtshm line ("pmd", "no", "-"). */
void t_proc_huge(uint32_t id, char *huge, size_t size);
/* A small text file (sysfs, /proc) into @buf, NUL-terminated: 0, or -1. */
int t_read_text(const char *path, char *buf, size_t size);
/* Write @val to @path (a sysfs parameter); fails the test if it cannot. */
void t_write_text(const char *path, const char *val);
/* Read and write one byte of every 4 KiB page of @p: the faults it took. */
long t_touch_faults(volatile unsigned char *p, size_t len);
/* A byte every 512 from @seed on, and whether @len at @from still hold it. */
void t_fill_pattern(unsigned char *p, size_t len, unsigned int seed);
bool t_has_pattern(const unsigned char *p, size_t len, unsigned int seed, size_t from);
/* Unique name for this test run; valid until 16 more calls. */
const char *t_name(const char *tag);

#endif
