// SPDX-License-Identifier: GPL-2.0
/* Physical contiguity and the no-page-fault guarantee. */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)

static uint64_t pfn_of(int pagemap, const void *addr)
{
	uint64_t entry;
	off_t off = (off_t)((uintptr_t)addr / 4096) * 8;

	if (pread(pagemap, &entry, sizeof(entry), off) != sizeof(entry))
		t_fail(__FILE__, __LINE__, "pagemap read");
	if (!(entry & PM_PRESENT))
		t_fail(__FILE__, __LINE__, "page at %p not present", addr);
	return entry & PM_PFN_MASK;
}

static void check_contiguous(uint64_t size)
{
	struct rtshm_seg_info info;
	unsigned char *p;
	uint64_t first, off;
	int h, pm;

	h = CHECK_OK(rtshm_create(NULL, size, RTSHM_RDWR, 0600, NULL));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p));
	CHECK_OK(rtshm_stat(h, &info));
	pm = CHECK_SYS(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
	first = pfn_of(pm, p);
	CHECK(first != 0);
	CHECK_EQ(first * 4096, info.phys_addr);
	for (off = 4096; off < info.size; off += 4096)
		if (pfn_of(pm, p + off) != first + off / 4096)
			t_fail(__FILE__, __LINE__, "page %llu is not contiguous",
			       (unsigned long long)(off / 4096));
	close(pm);
	rtshm_unmap(p, info.size);
	rtshm_close(h);
}

TEST(contiguous_small)
{
	check_contiguous(5 * 4096);
}

TEST(contiguous_4mib)
{
	check_contiguous(4 << 20);
}

/* Touch every page (read, then write); return the minor faults it took. */
static long touch_faults(volatile unsigned char *p, size_t size)
{
	long before, after;
	size_t off;
	unsigned sum = 0;

	before = t_minor_faults();
	for (off = 0; off < size; off += 4096)
		sum += p[off];
	for (off = 0; off < size; off += 4096)
		p[off] = (unsigned char)(sum + off);
	after = t_minor_faults();
	return after - before;
}

TEST(no_page_faults_after_map)
{
	const size_t size = 4 << 20;
	unsigned char *p, *anon;
	int h, ro;

	t_minor_faults();
	h = CHECK_OK(rtshm_create(t_name("f"), size, RTSHM_RDWR, 0600, NULL));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p));
	CHECK_EQ(touch_faults(p, size), 0);

	/* a read-only view of the same memory is prefaulted too */
	ro = CHECK_OK(rtshm_open(t_name("f"), RTSHM_RDONLY, NULL));
	{
		volatile unsigned char *q;
		long before;
		unsigned sum = 0;
		size_t off;

		CHECK_OK(rtshm_map(ro, 0, 0, PROT_READ, (void **)&q));
		before = t_minor_faults();
		for (off = 0; off < size; off += 4096)
			sum += q[off];
		CHECK_EQ(t_minor_faults() - before, 0);
		CHECK(sum > 0 || sum == 0);
		rtshm_unmap((void *)q, size);
	}

	/* control: the measurement does see faults of ordinary memory */
	anon = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(anon != MAP_FAILED);
	CHECK(touch_faults(anon, size) >= (long)(size / 4096));

	munmap(anon, size);
	rtshm_unmap(p, size);
	rtshm_close(ro);
	rtshm_close(h);
}

TEST(madvise_dontneed_keeps_contents)
{
	char *p;
	int h = CHECK_OK(rtshm_create(NULL, 8192, RTSHM_RDWR, 0600, NULL));

	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p));
	strcpy(p + 4096, "kept");
	madvise(p, 8192, MADV_DONTNEED);
	CHECK(!strcmp(p + 4096, "kept"));
	rtshm_unmap(p, 8192);
	rtshm_close(h);
}
