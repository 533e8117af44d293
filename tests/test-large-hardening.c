// SPDX-License-Identifier: GPL-2.0
/*
 * Hardening of the contig tier, in the large guest (2 GiB, a ZONE_MOVABLE
 * from movablecore=, contig_tier=1): it stays out of ZONE_MOVABLE, leaves
 * the mlocked pages of other processes where they are, gives back pages
 * that someone still holds (vmsplice) without a kernel warning, and a
 * segment freed from the workqueue after munmap() is reusable at once.
 * Each test failed on the 1.x module.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "harness.h"
#include "rtshm.h"

#define MIB		(1ULL << 20)
#define PAGE		4096ULL
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)

static void need_large(void)
{
	struct rtshm_module_info mi;

	CHECK_OK(rtshm_module_info(&mi));
	if (mi.max_segment_size < 256 * MIB)
		t_skip("not the large guest");
}

struct span {
	unsigned long long start, end;	/* pfns, end exclusive */
};

/* The pfn spans of every node's ZONE_MOVABLE, from /proc/zoneinfo. */
static int movable_spans(struct span *s, int max)
{
	char line[256];
	bool in_movable = false;
	unsigned long long spanned = 0;
	int n = 0;
	FILE *f = fopen("/proc/zoneinfo", "re");

	CHECK(f);
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned long long v;

		if (!strncmp(line, "Node ", 5)) {
			in_movable = strstr(line, "zone  Movable") != NULL;
			spanned = 0;
		} else if (in_movable && sscanf(line, " spanned %llu", &v) == 1) {
			spanned = v;
		} else if (in_movable && sscanf(line, " start_pfn: %llu", &v) == 1 &&
			   spanned) {
			s[n].start = v;
			s[n].end = v + spanned;
			n++;
		}
	}
	fclose(f);
	return n;
}

/* Up to @max contig segments of @size; returns how many were made. */
static int fill_contig(int *h, int max, uint64_t size)
{
	int n;

	for (n = 0; n < max; n++) {
		h[n] = rtshm_create(NULL, size, RTSHM_RDWR | RTSHM_USE_CONTIG, 0600, NULL);
		if (h[n] < 0) {
			CHECK_ERR(h[n], ENOMEM);
			break;
		}
	}
	return n;
}

TEST(contig_stays_out_of_zone_movable)
{
	struct span mov[8];
	int h[64], n, i, j, nmov;

	need_large();
	nmov = movable_spans(mov, 8);
	if (!nmov)
		t_skip("no ZONE_MOVABLE (movablecore= missing from the command line)");
	n = fill_contig(h, 64, 16 * MIB);
	CHECK(n > 0);
	for (i = 0; i < n; i++) {
		struct rtshm_seg_info info;
		unsigned long long first, last;

		CHECK_OK(rtshm_stat(h[i], &info));
		CHECK(info.phys_addr);
		first = info.phys_addr / PAGE;
		last = first + info.size / PAGE;
		for (j = 0; j < nmov; j++)
			if (first < mov[j].end && mov[j].start < last)
				t_fail(__FILE__, __LINE__,
				       "segment at pfn 0x%llx-0x%llx lies in ZONE_MOVABLE 0x%llx-0x%llx",
				       first, last, mov[j].start, mov[j].end);
	}
	fprintf(stderr, "  %d segments of 16 MiB, none in the %d movable zone(s)\n", n, nmov);
	for (i = 0; i < n; i++)
		rtshm_close(h[i]);
	CHECK_EQ(t_proc_segments(), 0);
}

/* The pfns of @len bytes at @p (we are root: pagemap shows them). */
static void read_pfns(const void *p, size_t len, uint64_t *pfn)
{
	int fd = CHECK_SYS(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
	size_t pages = len / PAGE, i;

	CHECK_EQ(pread(fd, pfn, pages * 8, (off_t)((uintptr_t)p / PAGE) * 8),
		 (long long)(pages * 8));
	close(fd);
	for (i = 0; i < pages; i++) {
		CHECK(pfn[i] & PM_PRESENT);
		pfn[i] &= PM_PFN_MASK;
	}
}

/*
 * A real-time task's mlocked memory is not migrated by someone else's
 * contig segment: the child locks 32 MiB and reports where it is; the
 * parent takes every contiguous range it can get, then the child looks
 * again.
 */
TEST(contig_leaves_mlocked_pages_alone)
{
	const size_t len = 32 * MIB, pages = len / PAGE;
	int to_child[2], to_parent[2], h[128], n, i, pid;
	char c;

	need_large();
	CHECK_SYS(pipe(to_child));
	CHECK_SYS(pipe(to_parent));
	pid = fork();
	if (pid == 0) {
		uint64_t *before = malloc(pages * 8), *after = malloc(pages * 8);
		size_t moved = 0;
		char *p;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED || !before || !after || mlock(p, len))
			_exit(50);
		memset(p, 0x5a, len);
		read_pfns(p, len, before);
		if (write(to_parent[1], "r", 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(51);
		read_pfns(p, len, after);
		for (i = 0; i < (int)pages; i++)
			moved += before[i] != after[i];
		fprintf(stderr, "  %zu of %zu mlocked pages moved\n", moved, pages);
		_exit(moved ? 52 : 0);
	}
	CHECK_EQ(read(to_parent[0], &c, 1), 1);
	n = fill_contig(h, 128, 16 * MIB);
	fprintf(stderr, "  took %d segments of 16 MiB\n", n);
	CHECK(n > 0);
	for (i = 0; i < n; i++)
		rtshm_close(h[i]);
	CHECK_EQ(write(to_child[1], "c", 1), 1);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(t_proc_segments(), 0);
}

static int kernel_warnings(void)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *p;
	int n = 0;

	CHECK(len > 0);
	buf = malloc((size_t)len + 1);
	CHECK(buf);
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	CHECK(len >= 0);
	buf[len] = '\0';
	for (p = buf; (p = strstr(p, "WARNING:")); p++)
		n++;
	free(buf);
	return n;
}

/*
 * Pages of a contig segment that a pipe still holds when the segment goes:
 * the segment gives its references back, the pipe keeps the pages and
 * their data until it is read, and the kernel does not warn (6.1's
 * free_contig_range() did: a crash under panic_on_warn).  Both orders of
 * the last two puts: close last (freed at once) and munmap last (freed
 * from the workqueue).
 */
TEST(pages_held_by_a_pipe_outlive_their_segment)
{
	int warnings = kernel_warnings(), order;

	need_large();
	for (order = 0; order < 2; order++) {
		struct iovec iov;
		char buf[4 * 4096];
		int pfd[2], h, k;
		char *p;

		h = CHECK_OK(rtshm_create(NULL, 8 * MIB, RTSHM_RDWR | RTSHM_USE_CONTIG,
					  0600, NULL));
		CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p));
		for (k = 0; k < 4; k++)
			memset(p + 2 * MIB + k * 4096, 'a' + k, 4096);
		CHECK_SYS(pipe(pfd));
		iov.iov_base = p + 2 * MIB;
		iov.iov_len = sizeof(buf);
		CHECK_EQ(vmsplice(pfd[1], &iov, 1, 0), (long long)sizeof(buf));
		if (order == 0) {
			CHECK_OK(rtshm_unmap(p, 8 * MIB));
			CHECK_OK(rtshm_close(h));
		} else {
			CHECK_OK(rtshm_close(h));
			CHECK_OK(rtshm_unmap(p, 8 * MIB));
		}
		CHECK_EQ(t_proc_segments(), 0);
		/* make the freed memory busy before reading the pipe */
		h = CHECK_OK(rtshm_create(NULL, 64 * MIB, RTSHM_RDWR | RTSHM_USE_CONTIG,
					  0600, NULL));
		CHECK_EQ(read(pfd[0], buf, sizeof(buf)), (long long)sizeof(buf));
		for (k = 0; k < 4; k++)
			CHECK(buf[k * 4096] == 'a' + k && buf[k * 4096 + 4095] == 'a' + k);
		close(pfd[0]);
		close(pfd[1]);
		rtshm_close(h);
	}
	CHECK_EQ(kernel_warnings(), warnings);
	CHECK_EQ(t_proc_segments(), 0);
}

/*
 * A large segment whose last reference was a mapping is freed from the
 * workqueue, out of munmap()'s mmap_lock; a create that needs its memory
 * or its quota right after waits for that instead of failing.
 */
TEST(segment_freed_after_munmap_is_reusable_at_once)
{
	char old[32], path[] = "/sys/module/rtshm/parameters/max_user_bytes";
	FILE *f;
	int round;

	need_large();
	f = fopen(path, "re");
	CHECK(f && fgets(old, sizeof(old), f));
	fclose(f);
	/* room for one 64 MiB segment only */
	f = fopen(path, "we");
	CHECK(f && fputs("100663296", f) >= 0 && fclose(f) == 0);
	for (round = 0; round < 4; round++) {
		void *p;
		int h;

		h = rtshm_create(NULL, 64 * MIB, RTSHM_RDWR | RTSHM_USE_CONTIG, 0600, NULL);
		if (h < 0) {
			f = fopen(path, "we");
			if (f) {
				fputs(old, f);
				fclose(f);
			}
			t_fail(__FILE__, __LINE__, "round %d: rtshm_create: %s", round,
			       strerror(-h));
		}
		CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, &p));
		memset(p, round, 4096);
		CHECK_OK(rtshm_close(h));
		/* the last put: the free goes to the workqueue */
		CHECK_OK(rtshm_unmap(p, 64 * MIB));
		CHECK_EQ(t_proc_segments(), 0);
	}
	f = fopen(path, "we");
	CHECK(f && fputs(old, f) >= 0 && fclose(f) == 0);
}
