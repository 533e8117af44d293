// SPDX-License-Identifier: GPL-2.0
/*
 * Huge (2 MiB) entries for contig segments and 2 MiB pages-tier ones:
 * where the kernel can map a folio with one PMD (7.x with THP), their
 * memory comes in 2 MiB folios and each lined-up 2 MiB of a mapping is one
 * entry, still all present at map time; elsewhere (6.1, 6.12, PREEMPT_RT
 * kernels without THP, huge_pmd=0) 4 KiB entries, and /proc/rtshm says
 * which.
 * In both cases: no fault after map, shared futexes, GUP that outlives
 * the segment, and cutting a mapping into pieces loses no memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define MIB		(1024UL * 1024)
#define SEG_SIZE	(8 * MIB)
#define PAGE		4096UL
/*
 * Free memory may move this much over 16 rounds (page cache, slab) without
 * drop_caches; one 2 MiB folio kept per round would lose 32 MiB or more.
 */
#define LOST_KIB_MAX	(16 * 1024)

/*
 * Whether this kernel must give contig segments (and 2 MiB pages-tier
 * ones) 2 MiB entries: 7.0 or later (vmf_insert_folio_pmd() and
 * alloc_contig_frozen_range()), THP built in, and the module's huge_pmd on.  THP's "never" does not matter:
 * the kernel maps a 2 MiB folio that exists with one entry all the same,
 * as it does page-cache folios; only a process's PR_SET_THP_DISABLE does.
 */
static bool huge_expected(void)
{
	struct utsname u;
	char buf[128];

	CHECK_SYS(uname(&u));
	if (atoi(u.release) < 7 || access("/sys/kernel/mm/transparent_hugepage", F_OK))
		return false;
	if (t_read_text("/sys/module/rtshm/parameters/huge_pmd", buf, sizeof(buf)))
		t_fail(__FILE__, __LINE__, "no huge_pmd parameter");
	return buf[0] == 'Y';
}

/* A new segment of @size in @tier (RTSHM_USE_*), mapped read-write; skip without one. */
static unsigned char *tier_segment(const char *tag, size_t size, int tier, int *h, uint32_t *id)
{
	struct rtshm_result r;
	void *p;

	*h = rtshm_create(t_name(tag), size, RTSHM_RDWR | RTSHM_EXCL | tier, 0600, &r);
	if (*h == -EOPNOTSUPP)
		t_skip("the contig tier is off (PREEMPT_RT default)");
	if (*h == -ENOMEM)
		t_skip("no contiguous range free");
	CHECK_OK(*h);
	*id = r.id;
	CHECK_OK(rtshm_map(*h, 0, 0, PROT_READ | PROT_WRITE, &p));
	return p;
}

static unsigned char *contig_segment(const char *tag, size_t size, int *h, uint32_t *id)
{
	return tier_segment(tag, size, RTSHM_USE_CONTIG, h, id);
}

/* "FilePmdMapped" of the mapping at @addr in /proc/self/smaps, in KiB. */
static long pmd_mapped_kib(const void *addr)
{
	char line[256], want[32];
	long kib = -1;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "re");

	CHECK(f != NULL);
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = !strncmp(line, want, strlen(want));
		else if (in && sscanf(line, "FilePmdMapped: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	CHECK(kib >= 0);
	return kib;
}

TEST(contig_segment_maps_with_2mib_entries_where_the_kernel_can)
{
	bool expect = huge_expected();
	unsigned char *p;
	char huge[16];
	long long pte_before, pte_after;
	uint32_t id;
	size_t i;
	int h;

	pte_before = t_status_kib("VmPTE");
	CHECK(pte_before >= 0);
	p = contig_segment("whole", SEG_SIZE, &h, &id);
	pte_after = t_status_kib("VmPTE");
	t_proc_huge(id, huge, sizeof(huge));
	CHECK(!strcmp(huge, expect ? "pmd" : "no"));
	if (expect) {
		CHECK_EQ((uintptr_t)p % (2 * MIB), 0);	/* get_unmapped_area lined it up */
		CHECK_EQ(pmd_mapped_kib(p), (long)(SEG_SIZE / 1024));
		CHECK(pte_after - pte_before < 16);	/* 4 KiB entries would take 16 KiB */
	} else {
		CHECK_EQ(pmd_mapped_kib(p), 0);
		CHECK(pte_after - pte_before >= 16);
	}
	for (i = 0; i < SEG_SIZE; i += 64)
		CHECK_EQ(p[i], 0);			/* zero-filled */
	CHECK_EQ(t_touch_faults(p, SEG_SIZE), 0);	/* all present at map time */
	CHECK_OK(rtshm_unmap(p, SEG_SIZE));
	CHECK_OK(rtshm_close(h));
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(view_at_an_offset_is_huge_where_folios_line_up)
{
	bool expect = huge_expected();
	unsigned char *p, *v;
	uint32_t id;
	int h;

	p = contig_segment("view", SEG_SIZE, &h, &id);
	t_fill_pattern(p, SEG_SIZE, 3);
	/* 1 MiB to 7 MiB: 1 MiB of 4 KiB entries, two folios, 1 MiB again */
	CHECK_OK(rtshm_map(h, MIB, 6 * MIB, PROT_READ | PROT_WRITE, (void **)&v));
	CHECK_EQ(pmd_mapped_kib(v), expect ? 4096 : 0);
	CHECK(t_has_pattern(v, 6 * MIB, 3, MIB));
	CHECK_EQ(t_touch_faults(v, 6 * MIB), 0);
	CHECK_EQ(p[MIB], (unsigned char)(MIB / 512 * 7 + 3 + 1));	/* the same memory */
	CHECK_OK(rtshm_unmap(v, 6 * MIB));
	CHECK_OK(rtshm_unmap(p, SEG_SIZE));
	CHECK_OK(rtshm_close(h));
	CHECK_EQ(t_proc_segments(), 0);
}

struct counted {
	pthread_mutex_t lock;
	long count;
	uint32_t word;
};

#define ROUNDS	20000

static void count_rounds(struct counted *c)
{
	int i;

	for (i = 0; i < ROUNDS; i++) {
		CHECK_EQ(pthread_mutex_lock(&c->lock), 0);
		c->count++;
		CHECK_EQ(pthread_mutex_unlock(&c->lock), 0);
	}
}

/*
 * A process-shared mutex and a raw shared futex in the middle of a 2 MiB
 * entry, used by a second process through its own mapping: the kernel keys
 * them by the page's file and offset, so both mappings meet.
 */
TEST(shared_futexes_work_in_huge_entries)
{
	const size_t off = 3 * MIB + 1000;
	pthread_mutexattr_t attr;
	struct counted *c;
	unsigned char *p;
	char name[128];
	uint32_t id;
	int h, pid;

	p = contig_segment("futex", SEG_SIZE, &h, &id);
	snprintf(name, sizeof(name), "%s", t_name("futex"));
	c = (struct counted *)(p + off);
	CHECK_EQ(pthread_mutexattr_init(&attr), 0);
	CHECK_EQ(pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED), 0);
	CHECK_EQ(pthread_mutex_init(&c->lock, &attr), 0);

	pid = fork();
	CHECK(pid >= 0);
	if (!pid) {
		struct counted *mine;
		void *q;
		int h2 = rtshm_open(name, RTSHM_RDWR, NULL);

		if (h2 < 0 || rtshm_map(h2, 0, 0, PROT_READ | PROT_WRITE, &q))
			_exit(2);
		mine = (struct counted *)((unsigned char *)q + off);
		count_rounds(mine);
		/* wait until the parent wakes the word of its own mapping */
		while (!__atomic_load_n(&mine->word, __ATOMIC_ACQUIRE))
			syscall(SYS_futex, &mine->word, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(0);
	}
	count_rounds(c);
	usleep(100 * 1000);
	__atomic_store_n(&c->word, 1, __ATOMIC_RELEASE);
	CHECK(syscall(SYS_futex, &c->word, FUTEX_WAKE, 1, NULL, NULL, 0) >= 0);
	CHECK_EQ(t_wait_within(pid, 60), 0);
	CHECK_EQ(c->count, 2L * ROUNDS);
	CHECK_OK(rtshm_unmap(p, SEG_SIZE));
	CHECK_OK(rtshm_close(h));
	CHECK_EQ(t_proc_segments(), 0);
}

/* vmsplice() @len bytes at @p into a new pipe: it holds references to their pages. */
static void splice_to_new_pipe(int fds[2], unsigned char *p, size_t len)
{
	struct iovec iov = { .iov_base = p, .iov_len = len };

	CHECK_SYS(pipe(fds));
	CHECK_EQ(CHECK_SYS(vmsplice(fds[1], &iov, 1, 0)), (ssize_t)len);
}

/* Read the pipe's @len bytes and close it: whether they carry the pattern. */
static bool pipe_drains_pattern(int fds[2], size_t len, unsigned int seed, size_t from)
{
	unsigned char buf[4 * PAGE];
	bool ok;

	CHECK(len <= sizeof(buf));
	CHECK_EQ(CHECK_SYS(read(fds[0], buf, len)), (ssize_t)len);
	ok = t_has_pattern(buf, len, seed, from);
	close(fds[0]);
	close(fds[1]);
	return ok;
}

/*
 * vmsplice() takes references on pages inside a 2 MiB entry; the segment
 * goes away (last unmap and close) while the pipe still holds them, and
 * the pipe still reads what was there.
 */
TEST(gup_references_outlive_the_segment)
{
	const size_t off = 2 * MIB + 5 * PAGE, len = 4 * PAGE;
	unsigned char *p;
	int fds[2], h;
	uint32_t id;

	p = contig_segment("gup", SEG_SIZE, &h, &id);
	t_fill_pattern(p + off, len, 9);
	splice_to_new_pipe(fds, p + off, len);
	CHECK_OK(rtshm_unmap(p, SEG_SIZE));
	CHECK_OK(rtshm_close(h));
	CHECK_EQ(t_proc_segments(), 0);
	CHECK(pipe_drains_pattern(fds, len, 9, 0));
}

/*
 * The page tier gives a segment of exactly 2 MiB one folio, which maps
 * with one entry where contig's pieces do; 16 rounds of it, each cut by
 * an mprotect() and a page of it held by a pipe past the segment's end,
 * give all the memory back.  A 4 MiB one keeps 4 KiB entries everywhere.
 */
TEST(pages_tier_2mib_segment_is_one_huge_entry)
{
	const size_t size = 2 * MIB;
	bool expect = huge_expected();
	long long before, after;
	char huge[16];
	unsigned char *p;
	int fds[2], h, round;
	uint32_t id;
	size_t i;

	before = t_free_kib();
	for (round = 0; round < 16; round++) {
		p = tier_segment("pages2m", size, RTSHM_USE_PAGES, &h, &id);
		t_proc_huge(id, huge, sizeof(huge));
		CHECK(!strcmp(huge, expect ? "pmd" : "no"));
		CHECK_EQ(pmd_mapped_kib(p), expect ? 2048 : 0);
		for (i = 0; i < size; i += 64)
			CHECK_EQ(p[i], 0);
		CHECK_EQ(t_touch_faults(p, size), 0);
		t_fill_pattern(p, size, (unsigned int)round);
		CHECK_SYS(mprotect(p + MIB, PAGE, PROT_READ));
		CHECK(t_has_pattern(p, size, (unsigned int)round, 0));	/* refilled 4 KiB */
		splice_to_new_pipe(fds, p + 3 * PAGE, PAGE);
		CHECK_OK(rtshm_unmap(p, size));
		CHECK_OK(rtshm_close(h));
		CHECK_EQ(t_proc_segments(), 0);
		CHECK(pipe_drains_pattern(fds, PAGE, (unsigned int)round, 3 * PAGE));
	}
	after = t_free_kib();
	CHECK(before - after < LOST_KIB_MAX);

	p = tier_segment("pages4m", 4 * MIB, RTSHM_USE_PAGES, &h, &id);
	t_proc_huge(id, huge, sizeof(huge));
	CHECK(!strcmp(huge, "no"));
	CHECK_EQ(pmd_mapped_kib(p), 0);
	CHECK_OK(rtshm_unmap(p, 4 * MIB));
	CHECK_OK(rtshm_close(h));
}

/*
 * munmap() and mprotect() of single pages inside 2 MiB entries split them;
 * the rest keeps its data and refills on touch, and after the segment is
 * gone its memory is back: done 16 times, one 2 MiB folio kept by each
 * split would keep 32 MiB.
 */
TEST(cutting_huge_entries_keeps_data_and_loses_no_memory)
{
	long long before, after;
	unsigned char *p;
	uint32_t id;
	int h, round;

	before = t_free_kib();
	for (round = 0; round < 16; round++) {
		p = contig_segment("cut", SEG_SIZE, &h, &id);
		t_fill_pattern(p, SEG_SIZE, (unsigned int)round);
		CHECK_SYS(munmap(p + 2 * MIB + PAGE, PAGE));
		CHECK_SYS(mprotect(p + 4 * MIB + 2 * PAGE, PAGE, PROT_READ));
		CHECK(t_has_pattern(p, 2 * MIB + PAGE, (unsigned int)round, 0));
		CHECK(t_has_pattern(p + 2 * MIB + 2 * PAGE, 6 * MIB - 2 * PAGE,
				  (unsigned int)round, 2 * MIB + 2 * PAGE));
		p[2 * MIB + 3 * PAGE] = 1;		/* refilled, writable */
		CHECK_OK(rtshm_close(h));
		CHECK_SYS(munmap(p, 2 * MIB + PAGE));
		CHECK_SYS(munmap(p + 2 * MIB + 2 * PAGE, 6 * MIB - 2 * PAGE));
		CHECK_EQ(t_proc_segments(), 0);
	}
	after = t_free_kib();
	if (before - after > LOST_KIB_MAX)
		t_fail(__FILE__, __LINE__, "%lld KiB less free after 16 rounds", before - after);
}

/* A forked child uses the parent's huge mapping (fork does not copy it). */
TEST(forked_child_shares_huge_memory)
{
	unsigned char *p;
	uint32_t id;
	int h, pid;

	p = contig_segment("fork", SEG_SIZE, &h, &id);
	t_fill_pattern(p, SEG_SIZE, 5);
	pid = fork();
	CHECK(pid >= 0);
	if (!pid) {
		if (!t_has_pattern(p, SEG_SIZE, 5, 0))
			_exit(1);
		p[6 * MIB + 17] = 0xA5;
		_exit(0);
	}
	CHECK_EQ(t_wait_within(pid, 60), 0);
	CHECK_EQ(p[6 * MIB + 17], 0xA5);
	CHECK_OK(rtshm_unmap(p, SEG_SIZE));
	CHECK_OK(rtshm_close(h));
}

/*
 * What a real-time program does first: mlockall(MCL_CURRENT | MCL_FUTURE).
 * Huge entries of a locked vma mlock their folios; unmapping unlocks them,
 * and 16 rounds later the memory is back.
 */
TEST(mlockall_program_maps_and_frees_huge_segments)
{
	bool expect = huge_expected();
	long long before, after;
	unsigned char *p;
	uint32_t id;
	int h, round;

	CHECK_SYS(mlockall(MCL_CURRENT | MCL_FUTURE));
	before = t_free_kib();
	for (round = 0; round < 16; round++) {
		p = contig_segment("locked", SEG_SIZE, &h, &id);
		CHECK_EQ(pmd_mapped_kib(p), expect ? (long)(SEG_SIZE / 1024) : 0);
		CHECK_EQ(t_touch_faults(p, SEG_SIZE), 0);
		CHECK_SYS(munmap(p + 4 * MIB + PAGE, PAGE));	/* split one, locked */
		CHECK_OK(rtshm_close(h));
		CHECK_SYS(munmap(p, 4 * MIB + PAGE));
		CHECK_SYS(munmap(p + 4 * MIB + 2 * PAGE, 4 * MIB - 2 * PAGE));
		CHECK_EQ(t_proc_segments(), 0);
	}
	after = t_free_kib();
	CHECK_SYS(munlockall());
	if (before - after > LOST_KIB_MAX)
		t_fail(__FILE__, __LINE__, "%lld KiB less free after 16 rounds", before - after);
}

/* A process that turned THP off gets 4 KiB entries, all present still. */
TEST(thp_disabled_process_gets_4kib_entries)
{
	bool expect = huge_expected();
	unsigned char *p;
	char huge[16];
	uint32_t id;
	int h;

	CHECK_SYS(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	p = contig_segment("nothp", SEG_SIZE, &h, &id);
	t_proc_huge(id, huge, sizeof(huge));
	CHECK(!strcmp(huge, expect ? "pmd" : "no"));	/* the memory is in folios */
	CHECK_EQ(pmd_mapped_kib(p), 0);
	CHECK_EQ(t_touch_faults(p, SEG_SIZE), 0);
	CHECK_OK(rtshm_unmap(p, SEG_SIZE));
	CHECK_OK(rtshm_close(h));
	CHECK_EQ(t_proc_segments(), 0);
}

/* huge_pmd=0: the next segments get 4 KiB entries, and say so. */
TEST(huge_pmd_off_gives_4kib_entries)
{
	static const char param[] = "/sys/module/rtshm/parameters/huge_pmd";
	unsigned char *p;
	char huge[16];
	uint32_t id;
	int h;

	struct rtshm_result r;

	t_write_text(param, "0");
	h = rtshm_create(t_name("off"), SEG_SIZE, RTSHM_RDWR | RTSHM_EXCL | RTSHM_USE_CONTIG,
			 0600, &r);
	t_write_text(param, "1");
	if (h == -EOPNOTSUPP || h == -ENOMEM)
		t_skip("no contig segment");
	CHECK_OK(h);
	id = r.id;
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p));
	t_proc_huge(id, huge, sizeof(huge));
	CHECK(!strcmp(huge, "no"));
	CHECK_EQ(pmd_mapped_kib(p), 0);
	CHECK_EQ(t_touch_faults(p, SEG_SIZE), 0);
	CHECK_OK(rtshm_unmap(p, SEG_SIZE));
	CHECK_OK(rtshm_close(h));
	CHECK_EQ(t_proc_segments(), 0);
}
