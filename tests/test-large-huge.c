// SPDX-License-Identifier: GPL-2.0
/*
 * Huge (2 MiB) entries for the reserved pool: where the kernel has huge
 * PFN maps (6.12 and later with THP), a pool segment of 2 MiB or more is
 * placed on a 2 MiB boundary and mapped as a PFN map (VM_PFNMAP, which
 * pagemap shows as not present) whose lined-up 2 MiB are one entry each,
 * still all present at map time; elsewhere (6.1, the PREEMPT_RT kernels
 * without THP, huge_pmd=0) 4 KiB entries whose pfns pagemap shows.
 * Either way: no fault after map, GUP refuses the memory (it has no struct
 * pages to hold), and cutting a mapping into pieces keeps the data and
 * gives the pool back.
 *
 * Runs in the large guest of tests/vm/check.sh (the one with a pool);
 * elsewhere it skips.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define MIB		(1024UL * 1024)
#define SEG_SIZE	(8 * MIB)
#define PAGE		4096UL
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define HUGE_PMD_PARAM	"/sys/module/rtshm/parameters/huge_pmd"
#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"
/* 4 KiB entries for 8 MiB take four page-table pages; 2 MiB ones none. */
#define PTE_KIB_4K	16

struct pool_seg {
	int h;
	uint32_t id;
	unsigned char *p;
	struct rtshm_seg_info info;
};

static void need_pool(void)
{
	char buf[64];

	if (t_read_text("/sys/module/rtshm/parameters/pool_size", buf, sizeof(buf)) ||
	    !strtoull(buf, NULL, 10))
		t_skip("needs the module loaded with a reserved pool (the large guest)");
}

/* THP's machine-wide setting: the word in brackets, "" without THP. */
static void thp_mode(char *mode, size_t size)
{
	char buf[128], *open_b, *close_b;

	mode[0] = '\0';
	if (t_read_text(THP_ENABLED, buf, sizeof(buf)))
		return;
	open_b = strchr(buf, '[');
	close_b = open_b ? strchr(open_b, ']') : NULL;
	if (close_b)
		snprintf(mode, size, "%.*s", (int)(close_b - open_b - 1), open_b + 1);
}

/*
 * Whether pool segments are placed for, say, and get 2 MiB entries (as PFN
 * maps): 6.12 or later (vmf_insert_pfn_pmd() with special PMDs), THP built
 * in, huge_pmd on.
 */
static bool pool_huge_expected(void)
{
	struct utsname u;
	char buf[16];
	int major = 0, minor = 0;

	CHECK_SYS(uname(&u));
	CHECK_EQ(sscanf(u.release, "%d.%d", &major, &minor), 2);
	if (major * 100 + minor < 612 || access(THP_ENABLED, F_OK))
		return false;
	if (t_read_text(HUGE_PMD_PARAM, buf, sizeof(buf)))
		t_fail(__FILE__, __LINE__, "no huge_pmd parameter");
	return buf[0] == 'Y';
}

static void pool_segment(struct pool_seg *s, const char *tag, size_t size)
{
	struct rtshm_result r;

	s->h = rtshm_create(t_name(tag), size, RTSHM_RDWR | RTSHM_EXCL | RTSHM_USE_POOL, 0600, &r);
	CHECK_OK(s->h);
	s->id = r.id;
	CHECK_OK(rtshm_map(s->h, 0, 0, PROT_READ | PROT_WRITE, (void **)&s->p));
	CHECK_OK(rtshm_stat(s->h, &s->info));
}

static void pool_segment_free(struct pool_seg *s)
{
	CHECK_OK(rtshm_unmap(s->p, s->info.size));
	CHECK_OK(rtshm_close(s->h));
	CHECK_EQ(t_proc_segments(), 0);
	CHECK_EQ(t_proc_pool_used(NULL), 0);
}

/*
 * pagemap of @len at @p: every page present at the pfns from @phys on, or
 * for a PFN map (@pfnmap), which pagemap does not walk, none present.
 */
static void check_pagemap(const unsigned char *p, size_t len, uint64_t phys, bool pfnmap)
{
	size_t pages = len / PAGE, i;
	uint64_t *pm = malloc(pages * 8);
	int fd = CHECK_SYS(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));

	CHECK(pm != NULL);
	CHECK_EQ(pread(fd, pm, pages * 8, (off_t)((uintptr_t)p / PAGE * 8)), (ssize_t)(pages * 8));
	close(fd);
	for (i = 0; i < pages; i++) {
		bool ok = pfnmap ? !(pm[i] & PM_PRESENT)
				 : (pm[i] & PM_PRESENT) && (pm[i] & PM_PFN_MASK) == phys / PAGE + i;

		if (!ok)
			t_fail(__FILE__, __LINE__, "page %zu: pagemap 0x%llx, expected %s 0x%llx",
			       i, (unsigned long long)pm[i], pfnmap ? "nothing, not" : "pfn",
			       (unsigned long long)(phys / PAGE + i));
	}
	free(pm);
}

/* Create and map an 8 MiB pool segment: the page-table KiB it took. */
static long long mapped_pte_kib(struct pool_seg *s, const char *tag)
{
	long long before = t_status_kib("VmPTE");

	CHECK(before >= 0);
	pool_segment(s, tag, SEG_SIZE);
	return t_status_kib("VmPTE") - before;
}

TEST(pool_segment_maps_with_2mib_entries_where_the_kernel_can)
{
	bool placed = pool_huge_expected();
	struct pool_seg s;
	long long pte_kib;
	char huge[16];
	size_t i;

	need_pool();
	pte_kib = mapped_pte_kib(&s, "whole");
	t_proc_huge(s.id, huge, sizeof(huge));
	CHECK(!strcmp(huge, placed ? "pmd" : "no"));
	if (placed) {
		CHECK_EQ(s.info.phys_addr % (2 * MIB), 0);	/* placed on a boundary */
		CHECK_EQ((uintptr_t)s.p % (2 * MIB), 0);	/* get_unmapped_area lined it up */
	}
	if (placed)
		CHECK(pte_kib < PTE_KIB_4K);
	else
		CHECK(pte_kib >= PTE_KIB_4K);
	for (i = 0; i < SEG_SIZE; i += 64)
		CHECK_EQ(s.p[i], 0);			/* zero-filled */
	CHECK_EQ(t_touch_faults(s.p, SEG_SIZE), 0);	/* all present at map time */
	check_pagemap(s.p, SEG_SIZE, s.info.phys_addr, placed);
	pool_segment_free(&s);
}

/*
 * A segment smaller than 2 MiB keeps first fit; the next large one goes to
 * the next 2 MiB boundary, and the gap is still used by small ones.
 */
TEST(pool_places_large_segments_on_2mib_boundaries)
{
	bool placed = pool_huge_expected();
	struct pool_seg small, large, gap;

	need_pool();
	CHECK_EQ(t_proc_pool_used(NULL), 0);
	pool_segment(&small, "small", 64 * 1024);
	pool_segment(&large, "large", 4 * MIB);
	pool_segment(&gap, "gap", 64 * 1024);
	if (placed) {
		CHECK_EQ(large.info.phys_addr % (2 * MIB), 0);
		CHECK_EQ(large.info.phys_addr, (small.info.phys_addr + 2 * MIB) & ~(2 * MIB - 1));
	} else {
		CHECK_EQ(large.info.phys_addr, small.info.phys_addr + 64 * 1024);
	}
	CHECK_EQ(gap.info.phys_addr, placed ? small.info.phys_addr + 64 * 1024
					    : large.info.phys_addr + 4 * MIB);
	CHECK_OK(rtshm_unmap(gap.p, gap.info.size));
	CHECK_OK(rtshm_close(gap.h));
	CHECK_OK(rtshm_unmap(large.p, large.info.size));
	CHECK_OK(rtshm_close(large.h));
	pool_segment_free(&small);
}

/* A view at 1 MiB: 1 MiB of 4 KiB entries, two 2 MiB ones, 1 MiB again. */
TEST(pool_view_at_an_offset_keeps_data_and_pfns)
{
	struct pool_seg s;
	unsigned char *v;

	need_pool();
	pool_segment(&s, "view", SEG_SIZE);
	t_fill_pattern(s.p, SEG_SIZE, 3);
	CHECK_OK(rtshm_map(s.h, MIB, 6 * MIB, PROT_READ | PROT_WRITE, (void **)&v));
	CHECK(t_has_pattern(v, 6 * MIB, 3, MIB));
	CHECK_EQ(t_touch_faults(v, 6 * MIB), 0);
	check_pagemap(v, 6 * MIB, s.info.phys_addr + MIB, pool_huge_expected());
	CHECK_EQ(s.p[MIB], (unsigned char)(MIB / 512 * 7 + 3 + 1));	/* the same memory */
	CHECK_OK(rtshm_unmap(v, 6 * MIB));
	pool_segment_free(&s);
}

/*
 * vmsplice() of @len bytes at @p into @fd must fail: EFAULT from a PFN map,
 * EEXIST ("an entry but no page") from the special ptes of a VM_MIXEDMAP one.
 */
static void splice_refused(int fd, unsigned char *p, size_t len)
{
	struct iovec iov = { .iov_base = p, .iov_len = len };

	errno = 0;
	CHECK_EQ(vmsplice(fd, &iov, 1, 0), -1);
	if (errno != EFAULT && errno != EEXIST)
		t_fail(__FILE__, __LINE__, "vmsplice: %s, expected EFAULT or EEXIST",
		       strerror(errno));
}

/*
 * GUP has no page to hold in pool memory, huge entry or not: vmsplice()
 * fails (a reference kept past the segment's end would let a pipe read
 * memory the pool has handed to someone else).
 */
TEST(pool_memory_refuses_gup)
{
	struct pool_seg s;
	int fds[2];

	need_pool();
	pool_segment(&s, "gup", SEG_SIZE);
	CHECK_SYS(pipe(fds));
	splice_refused(fds[1], s.p + 2 * MIB + 5 * PAGE, 4 * PAGE);	/* inside a 2 MiB entry */
	splice_refused(fds[1], s.p, PAGE);
	close(fds[0]);
	close(fds[1]);
	pool_segment_free(&s);
}

/*
 * munmap() and mprotect() of single pages split 2 MiB entries; the rest
 * keeps its data and is mapped again on touch; MADV_DONTNEED drops whole
 * entries, which come back with the same memory (a PFN map refuses it:
 * EINVAL); the LRU advice calls have nothing to act on.  A forked child
 * gets the parent's entries.  After each round the pool is whole again.
 */
TEST(cutting_pool_huge_entries_keeps_data_and_the_pool)
{
	bool pfnmap = pool_huge_expected();
	struct pool_seg s;
	int round, pid;

	need_pool();
	for (round = 0; round < 4; round++) {
		pool_segment(&s, "cut", SEG_SIZE);
		t_fill_pattern(s.p, SEG_SIZE, (unsigned int)round);
		pid = fork();
		CHECK(pid >= 0);
		if (!pid) {
			if (!t_has_pattern(s.p, SEG_SIZE, (unsigned int)round, 0) ||
			    t_touch_faults(s.p, SEG_SIZE) != 0)	/* fork copied the entries */
				_exit(1);
			s.p[6 * MIB + 17] = 0xA5;
			_exit(0);
		}
		CHECK_EQ(t_wait_within(pid, 60), 0);
		CHECK_EQ(s.p[6 * MIB + 17], 0xA5);
		t_fill_pattern(s.p, SEG_SIZE, (unsigned int)round);

		CHECK_SYS(munmap(s.p + 2 * MIB + PAGE, PAGE));
		CHECK_SYS(mprotect(s.p + 4 * MIB + 2 * PAGE, PAGE, PROT_READ));
		if (pfnmap)
			CHECK_SYSERR(madvise(s.p + 6 * MIB, 2 * MIB, MADV_DONTNEED), EINVAL);
		else
			CHECK_SYS(madvise(s.p + 6 * MIB, 2 * MIB, MADV_DONTNEED));
		(void)madvise(s.p, 2 * MIB, MADV_COLD);
		(void)madvise(s.p, 2 * MIB, MADV_PAGEOUT);
		CHECK(t_has_pattern(s.p, 2 * MIB + PAGE, (unsigned int)round, 0));
		CHECK(t_has_pattern(s.p + 2 * MIB + 2 * PAGE, 6 * MIB - 2 * PAGE,
				  (unsigned int)round, 2 * MIB + 2 * PAGE));
		s.p[2 * MIB + 3 * PAGE] = 1;			/* mapped again, writable */
		CHECK_OK(rtshm_close(s.h));
		CHECK_SYS(munmap(s.p, 2 * MIB + PAGE));
		CHECK_SYS(munmap(s.p + 2 * MIB + 2 * PAGE, 6 * MIB - 2 * PAGE));
		CHECK_EQ(t_proc_segments(), 0);
		CHECK_EQ(t_proc_pool_used(NULL), 0);
	}
}

/*
 * mremap() moves a mapping, 2 MiB entries and all, to a 2 MiB-aligned
 * address elsewhere: the data and the "no fault" promise move with it, and
 * the pool comes back after the moved mapping goes.
 */
TEST(pool_mapping_moves_with_mremap)
{
	struct pool_seg s;
	unsigned char *hole, *to, *moved;
	size_t head;

	need_pool();
	pool_segment(&s, "move", SEG_SIZE);
	t_fill_pattern(s.p, SEG_SIZE, 11);
	/* somewhere free and aligned: reserve 2 MiB more, keep an aligned part */
	hole = mmap(NULL, SEG_SIZE + 2 * MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(hole != MAP_FAILED);
	to = (unsigned char *)(((uintptr_t)hole + 2 * MIB - 1) & ~(uintptr_t)(2 * MIB - 1));
	moved = mremap(s.p, SEG_SIZE, SEG_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	CHECK(moved == to);
	CHECK(t_has_pattern(moved, SEG_SIZE, 11, 0));
	CHECK_EQ(t_touch_faults(moved, SEG_SIZE), 0);
	head = (size_t)(to - hole);			/* 0 to 2 MiB - 4 KiB */
	if (head)
		CHECK_SYS(munmap(hole, head));
	CHECK_SYS(munmap(to + SEG_SIZE, 2 * MIB - head));
	s.p = moved;
	pool_segment_free(&s);
}

/* huge_pmd=0: first fit and 4 KiB entries for the next segments, and "no". */
TEST(huge_pmd_off_gives_pool_segments_4kib_entries)
{
	struct pool_seg s;
	long long pte_kib;
	char huge[16];

	need_pool();
	if (access(HUGE_PMD_PARAM, W_OK))
		t_skip("huge_pmd is not writable");
	t_write_text(HUGE_PMD_PARAM, "0");
	pte_kib = mapped_pte_kib(&s, "off");
	t_write_text(HUGE_PMD_PARAM, "1");
	t_proc_huge(s.id, huge, sizeof(huge));
	CHECK(!strcmp(huge, "no"));
	CHECK(pte_kib >= PTE_KIB_4K);
	CHECK_EQ(t_touch_faults(s.p, SEG_SIZE), 0);
	pool_segment_free(&s);
}

/*
 * THP "never" does not apply to PFN maps: pool segments keep 2 MiB entries
 * where they have them.
 */
TEST(thp_never_leaves_pool_entries_alone)
{
	bool placed = pool_huge_expected();
	char mode[32], huge[16];
	struct pool_seg s;
	long long pte_kib;

	need_pool();
	thp_mode(mode, sizeof(mode));
	if (!mode[0])
		t_skip("no THP in this kernel");
	t_write_text(THP_ENABLED, "never");
	pte_kib = mapped_pte_kib(&s, "never");
	t_write_text(THP_ENABLED, mode);
	t_proc_huge(s.id, huge, sizeof(huge));
	CHECK(!strcmp(huge, placed ? "pmd" : "no"));
	CHECK(placed ? pte_kib < PTE_KIB_4K : pte_kib >= PTE_KIB_4K);
	CHECK_EQ(t_touch_faults(s.p, SEG_SIZE), 0);
	pool_segment_free(&s);
}

/* A process that turned THP off gets 4 KiB entries, all present still. */
TEST(thp_disabled_process_gets_4kib_pool_entries)
{
	bool placed = pool_huge_expected();
	struct pool_seg s;
	long long pte_kib;
	char huge[16];

	need_pool();
	CHECK_SYS(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	pte_kib = mapped_pte_kib(&s, "nothp");
	t_proc_huge(s.id, huge, sizeof(huge));
	CHECK(!strcmp(huge, placed ? "pmd" : "no"));	/* placed for them */
	CHECK(pte_kib >= PTE_KIB_4K);
	CHECK_EQ(t_touch_faults(s.p, SEG_SIZE), 0);
	check_pagemap(s.p, SEG_SIZE, s.info.phys_addr, placed);
	pool_segment_free(&s);
}
