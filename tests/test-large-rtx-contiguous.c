// SPDX-License-Identifier: GPL-2.0
/*
 * RTX contiguous memory beyond the page tier's 4 MiB, and the physical
 * limit (RTSHM_BIND_MAX_PHYS) in the contig tier and the reserved pool.
 *
 * Runs in the large guests of tests/vm/check.sh: 2 GiB in two NUMA nodes
 * (node 0 below 1 GiB), contig_tier=1 on every kernel, and a 256 MiB pool
 * at pool_base; elsewhere it skips (test-rtx-contiguous covers the small
 * guests).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rtapi.h"
#include "rtx/util.h"

#define MiB		(1ULL << 20)
#define PAGE		4096ULL
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PARAM_DIR	"/sys/module/rtshm/parameters/"

static unsigned long long read_param(const char *name)
{
	char path[128], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 0);
}

static unsigned long long pool_base(void)
{
	return read_param("pool_base");
}

static void need_large(void)
{
	if (access("/sys/devices/system/node/node1", F_OK) || !read_param("pool_size"))
		t_skip("needs the large guest of tests/vm/check.sh (two nodes, a pool)");
}

static LARGE_INTEGER limit(LONGLONG v)
{
	LARGE_INTEGER l;

	l.QuadPart = v;
	return l;
}

/* The backend field of segment @id's /proc/rtshm line. */
static const char *backend_of(uint32_t id)
{
	static char backend[16];

	if (sscanf(t_proc_line(id), "%*u %*s %*u %*u %*u %*u %*u %*o %*d 0x%*x %15s",
		   backend) != 1)
		t_fail(__FILE__, __LINE__, "no backend in \"%s\"", t_proc_line(id));
	return backend;
}

/* The id of the only segment (from /proc/rtshm). */
static uint32_t only_id(void)
{
	char line[1024];
	unsigned int id = 0;
	int n = 0;
	FILE *f = fopen("/proc/rtshm", "re");

	CHECK(f != NULL);
	CHECK(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f))
		if (line[0] >= '0' && line[0] <= '9' && sscanf(line, "%u ", &id) == 1)
			n++;
	fclose(f);
	CHECK_EQ(n, 1);
	return id;
}

/*
 * Every page of a block through RtGetPhysicalAddress, one page after the
 * other, agreeing with pagemap, the last byte at or below @highest.
 * Return: the first byte's address.
 */
static uint64_t check_block(const char *p, uint64_t size, uint64_t highest)
{
	int pm = CHECK_SYS(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
	uint64_t base = (uint64_t)RtGetPhysicalAddress((PVOID)p).QuadPart;
	uint64_t off, e;

	CHECK(base != 0 && base % PAGE == 0);
	for (off = 0; off < size; off += PAGE) {
		if ((uint64_t)RtGetPhysicalAddress((PVOID)(p + off)).QuadPart != base + off)
			t_fail(__FILE__, __LINE__, "page %llu is not contiguous",
			       (unsigned long long)(off / PAGE));
		if (pread(pm, &e, sizeof(e), (off_t)((uintptr_t)(p + off) / PAGE * 8)) != sizeof(e) ||
		    !(e & PM_PRESENT) || (e & PM_PFN_MASK) * PAGE != base + off)
			t_fail(__FILE__, __LINE__, "pagemap disagrees at page %llu",
			       (unsigned long long)(off / PAGE));
	}
	close(pm);
	CHECK(base + size - 1 <= highest);
	return base;
}

TEST(block_of_64mib)
{
	char *p;

	need_large();
	p = RtAllocateContiguousMemory(64 * MiB, limit(-1));
	if (!p)
		t_fail(__FILE__, __LINE__, "64 MiB: error %u", GetLastError());
	check_block(p, 64 * MiB, ~0ULL);
	CHECK(!strcmp(backend_of(only_id()), "contig") || !strcmp(backend_of(only_id()), "pool"));
	memset(p, 0xa5, 64 * MiB);
	CHECK(RtFreeContiguousMemory(p));
	CHECK_EQ(t_proc_segments(), 0);
}

/* A device that reaches only node 0's memory, below 1 GiB: the contig scan stops there. */
TEST(contig_tier_below_1gib)
{
	char *p;

	need_large();
	p = RtAllocateContiguousMemory(16 * MiB, limit(0x3FFFFFFF));
	if (!p)
		t_fail(__FILE__, __LINE__, "16 MiB below 1 GiB: error %u", GetLastError());
	check_block(p, 16 * MiB, 0x3FFFFFFF);
	CHECK(!strcmp(backend_of(only_id()), "contig"));
	CHECK(RtFreeContiguousMemory(p));
	/* 16 MiB never fit below 16 MiB (ZONE_DMA is smaller) */
	CHECK(RtAllocateContiguousMemory(16 * MiB, limit(0xFFFFFF)) == NULL);
	CHECK_EQ(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
	CHECK_EQ(t_proc_segments(), 0);
}

/* The pool's first fit is checked against the limit, never exceeds it. */
TEST(pool_tier_honours_the_limit)
{
	uint64_t base = pool_base(), phys, contig;
	struct rtshm_seg_info info;
	int a, b;

	need_large();
	CHECK_EQ(t_proc_pool_used(NULL), 0);
	/* all of the pool lies above this limit */
	CHECK_ERR(rtshm_create_below(NULL, 16 * MiB, RTSHM_RDWR | RTSHM_USE_POOL, 0600,
				     base - 1, NULL), ENOMEM);
	/* exactly the first 16 MiB of the pool */
	a = CHECK_OK(rtshm_create_below(NULL, 16 * MiB, RTSHM_RDWR | RTSHM_USE_POOL, 0600,
					base + 16 * MiB - 1, NULL));
	CHECK_OK(rtshm_stat(a, &info));
	CHECK_EQ(info.phys_addr, base);
	CHECK_EQ(info.tier, RTSHM_BACKEND_POOL);
	CHECK_OK(rtshm_phys(a, 16 * MiB - 1, &phys, &contig));
	CHECK_EQ(phys, base + 16 * MiB - 1);
	CHECK_EQ(contig, 1);
	/* the next fit ends one byte too high: refused, and given back */
	CHECK_ERR(rtshm_create_below(NULL, 16 * MiB, RTSHM_RDWR | RTSHM_USE_POOL, 0600,
				     base + 32 * MiB - 2, NULL), ENOMEM);
	CHECK_EQ(t_proc_pool_used(NULL), 16 * MiB);
	b = CHECK_OK(rtshm_create_below(NULL, 16 * MiB, RTSHM_RDWR | RTSHM_USE_POOL, 0600,
					base + 32 * MiB - 1, NULL));
	CHECK_OK(rtshm_phys(b, 0, &phys, NULL));
	CHECK_EQ(phys, base + 16 * MiB);
	rtshm_close(a);
	rtshm_close(b);
	CHECK_EQ(t_proc_pool_used(NULL), 0);
	CHECK_EQ(t_proc_segments(), 0);
}

/* The contig tier asked for by name, below the pool and below 4 GiB. */
TEST(contig_tier_honours_the_limit)
{
	uint64_t base = pool_base(), phys, contig;
	int h;

	need_large();
	h = CHECK_OK(rtshm_create_below(NULL, 32 * MiB, RTSHM_RDWR | RTSHM_USE_CONTIG, 0600,
					base - 1, NULL));
	CHECK_OK(rtshm_phys(h, 0, &phys, &contig));
	CHECK_EQ(contig, 32 * MiB);
	CHECK(phys + 32 * MiB - 1 <= base - 1);
	rtshm_close(h);
	CHECK_ERR(rtshm_create_below(NULL, 16 * MiB, RTSHM_RDWR | RTSHM_USE_CONTIG, 0600,
				     0xFFFFFF, NULL), ENOMEM);
	CHECK_EQ(t_proc_segments(), 0);
}

/* More than 4 MiB needs CAP_IPC_LOCK or tier_gid, whatever tiers exist. */
static int unprivileged(void *arg)
{
	char *p;

	(void)arg;
	SetLastError(0);
	if (RtAllocateContiguousMemory(8 * MiB, limit(-1)) || GetLastError() != ERROR_ACCESS_DENIED)
		return 1;
	/* the page tier honours the limit too: node 0's memory */
	p = RtAllocateContiguousMemory(1 * MiB, limit(0x3FFFFFFF));
	if (!p)
		return 2;
	memset(p, 1, 1 * MiB);
	SetLastError(0);
	if (RtGetPhysicalAddress(p).QuadPart || GetLastError() != ERROR_ACCESS_DENIED)
		return 3;
	return RtFreeContiguousMemory(p) ? 0 : 4;
}

TEST(unprivileged_user)
{
	need_large();
	CHECK_EQ(t_run_as(1001, 1001, -1, unprivileged, NULL), 0);
	CHECK_EQ(t_proc_segments(), 0);
	CHECK_EQ(t_proc_pool_used(NULL), 0);
}
