// SPDX-License-Identifier: GPL-2.0
/*
 * Coverage-minded fuzzer of the device: random commands, sizes, flags and
 * pointers (valid, NULL, unmapped, read-only, kernel, misaligned), names of
 * every byte value and length, and random mmap/mprotect/mremap/madvise/munmap
 * and shared futex waits and wakes
 * of what gets mapped, from several processes at once.  The kernel must stay
 * healthy (the harness checks its log) and nothing may leak.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/rtshm.h>
#include "rtshm.h"
#include "harness.h"

#define FUZZERS		4
#define OPS		40000
#define MAPS		8

struct fuzz_state {
	unsigned int seed;
	int fds[4];
	void *maps[MAPS];
	size_t lens[MAPS];
	unsigned char *ro, *unmapped, *buf;
};

static unsigned int rnd(struct fuzz_state *st, unsigned int n)
{
	return n ? (unsigned int)rand_r(&st->seed) % n : 0;
}

static uint64_t fuzz_ptr(struct fuzz_state *st, size_t need)
{
	switch (rnd(st, 8)) {
	case 0: return 0;
	case 1: return (uintptr_t)st->unmapped;
	case 2: return (uintptr_t)st->ro;
	case 3: return 0xffffffff81000000ULL + rnd(st, 1 << 20);
	case 4: return (uintptr_t)(st->buf + 4096 - need / 2);	/* straddles into a guard page */
	case 5: return (uintptr_t)st->buf + 1 + rnd(st, 64);	/* misaligned */
	default: return (uintptr_t)st->buf + 512;
	}
}

/* A name of random length (0..300) and random bytes, NUL and '\' included. */
static void fuzz_name(struct fuzz_state *st, __u64 *ptr, __u32 *len)
{
	unsigned char *n = st->buf + 512;
	unsigned int i, l = rnd(st, 4) ? rnd(st, 12) : rnd(st, 301);

	for (i = 0; i < l; i++)
		n[i] = (unsigned char)(rnd(st, 3) ? 'a' + rnd(st, 4) : rnd(st, 256));
	*ptr = rnd(st, 10) ? (uintptr_t)n : fuzz_ptr(st, l);
	*len = rnd(st, 20) ? l : (__u32)rand_r(&st->seed);
}

static void fuzz_ioctl(struct fuzz_state *st, int fd)
{
	static const unsigned long cmds[] = {
		RTSHM_IOC_GET_INFO, RTSHM_IOC_CREATE, RTSHM_IOC_OPEN, RTSHM_IOC_STAT,
		RTSHM_IOC_LOOKUP, RTSHM_IOC_CATALOG, RTSHM_IOC_UNCATALOG,
		RTSHM_IOC_PHYS, RTSHM_IOC_DELETE,
	};
	unsigned char *arg = st->buf;
	unsigned long cmd = cmds[rnd(st, sizeof(cmds) / sizeof(cmds[0]))];
	unsigned int i;

	for (i = 0; i < 512; i++)
		arg[i] = rnd(st, 4) ? 0 : (unsigned char)rand_r(&st->seed);
	if (cmd == RTSHM_IOC_CREATE || cmd == RTSHM_IOC_OPEN) {
		struct rtshm_bind *b = (void *)arg;

		fuzz_name(st, &b->name, &b->name_len);
		b->type = rnd(st, 8) ? RTSHM_TYPE_SHM : rand_r(&st->seed);
		b->flags = rnd(st, 8) ? b->flags & RTSHM_BIND_FLAGS : b->flags;
		b->size = rnd(st, 10) ? rnd(st, 5 * 4096) : ((uint64_t)rand_r(&st->seed) << 32);
		b->mode = rnd(st, 8) ? b->mode & 0777 : b->mode;
		b->id = rnd(st, 4) ? rnd(st, 16) : b->id;
	} else if (cmd == RTSHM_IOC_LOOKUP) {
		struct rtshm_lookup *l = (void *)arg;

		fuzz_name(st, &l->name, &l->name_len);
		l->flags &= RTSHM_LOOKUP_FLAGS;
		/* waits end at once: the deadline is in the past */
		l->deadline_ns = l->flags & RTSHM_LOOKUP_WAIT ? 1 : 0;
	} else if (cmd == RTSHM_IOC_CATALOG || cmd == RTSHM_IOC_UNCATALOG) {
		struct rtshm_catalog *c = (void *)arg;

		fuzz_name(st, &c->name, &c->name_len);
	}
	if (rnd(st, 10) == 0)
		cmd = rnd(st, 2) ? (unsigned long)rand_r(&st->seed) : cmd ^ (1UL << rnd(st, 32));
	ioctl(fd, cmd, rnd(st, 12) ? (uintptr_t)arg : fuzz_ptr(st, 256));
}

static void fuzz_mm(struct fuzz_state *st, int fd)
{
	int slot = (int)rnd(st, MAPS);
	void *p = st->maps[slot];
	size_t len = st->lens[slot];

	if (!p) {
		len = 4096 * (1 + rnd(st, 4));
		p = mmap(NULL, len, rnd(st, 2) ? PROT_READ : PROT_READ | PROT_WRITE,
			 rnd(st, 10) ? MAP_SHARED : MAP_PRIVATE, fd, 4096 * (off_t)rnd(st, 3));
		if (p != MAP_FAILED) {
			st->maps[slot] = p;
			st->lens[slot] = len;
		}
		return;
	}
	switch (rnd(st, 7)) {
	case 0:
		mprotect(p, len, rnd(st, 2) ? PROT_READ | PROT_WRITE : PROT_NONE);
		break;
	case 5: {
		/* shared futex keys on segment pages, mapped or not, any protection */
		uint32_t *w = (uint32_t *)((char *)p + 4 * rnd(st, len / 4));
		struct timespec ts = { 0, 1000 };

		syscall(SYS_futex, w, rnd(st, 2) ? FUTEX_WAKE : FUTEX_WAIT,
			rnd(st, 2) ? 0 : 1, &ts, NULL, 0);
		break;
	}
	case 1: {
		void *q = mremap(p, len, len / 2 ? len / 2 : len, 0);

		if (q != MAP_FAILED && len / 2) {
			munmap((char *)p + len / 2, len - len / 2);
			st->lens[slot] = len / 2;
		}
		break;
	}
	case 2:
		madvise(p, len, rnd(st, 2) ? MADV_DONTNEED : MADV_WILLNEED);
		break;
	case 3:
		if (mprotect(p, len, PROT_READ | PROT_WRITE) == 0)
			memset(p, 0x33, len);
		break;
	default:
		munmap(p, len);
		st->maps[slot] = NULL;
	}
}

static int fuzz_process(unsigned int seed, long *ops_done)
{
	struct fuzz_state st = { .seed = seed };
	long op;
	int i;

	st.buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st.buf == MAP_FAILED || st.ro == MAP_FAILED || st.unmapped == MAP_FAILED)
		return 2;
	munmap(st.buf + 4096, 4096);	/* a guard page after buf */
	munmap(st.unmapped, 4096);
	for (i = 0; i < 4; i++)
		st.fds[i] = open("/dev/rtshm", O_RDWR | O_CLOEXEC);

	for (op = 0; op < OPS; op++) {
		int slot = (int)rnd(&st, 4);

		if (st.fds[slot] < 0 || rnd(&st, 50) == 0) {
			if (st.fds[slot] >= 0)
				close(st.fds[slot]);
			st.fds[slot] = open("/dev/rtshm", O_RDWR | O_CLOEXEC);
			if (st.fds[slot] < 0)
				return 3;
		}
		if (rnd(&st, 4))
			fuzz_ioctl(&st, st.fds[slot]);
		else
			fuzz_mm(&st, st.fds[slot]);
	}
	*ops_done = op;
	return 0;
}

TEST(fuzz_from_several_processes)
{
	long *ops = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct timespec t0, t1;
	long total = 0;
	double secs;
	int pids[FUZZERS], i;

	CHECK(ops != MAP_FAILED);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < FUZZERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(fuzz_process(777 + i * 31, &ops[i]));
	}
	for (i = 0; i < FUZZERS; i++) {
		CHECK_EQ(t_wait(pids[i]), 0);
		total += ops[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK_EQ(total, (long)FUZZERS * OPS);
	printf("RTSHM-INFO fuzz: %ld operations from %d processes in %.1f s (%.0f ops/s)\n",
	       total, FUZZERS, secs, total / secs);
	CHECK_EQ(t_proc_segments(), 0);
}
