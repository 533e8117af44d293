// SPDX-License-Identifier: GPL-2.0
/*
 * Large segments and NUMA placement (issue 7): the contig tier, the reserved
 * pool, nodes, tiers in /proc/rtshm, and no leak.
 *
 * Runs in the large-memory guest of tests/vm/check.sh: 2 GiB in two NUMA
 * nodes, 256 MiB reserved with memmap= and given to the module as its pool
 * (the parameters are in /etc/rtshm-modparams).  Elsewhere it skips.
 * Measurements are printed as "RTSHM-MEASURE ..." lines.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/rtshm.h>
#include "rtshm.h"
#include "harness.h"

#define MiB		(1ULL << 20)
#define PAGE		4096ULL
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PARAM_DIR	"/sys/module/rtshm/parameters/"
#define MEMFREE_FILE	"/tmp/rtshm-large-memfree"
#define MODULE_PATH	"/lib/modules/rtshm.ko"

/* ---- environment ------------------------------------------------------ */

static unsigned long long read_ull(const char *path, int base)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ~0ULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ~0ULL;
	buf[n] = '\0';
	return strtoull(buf, NULL, base);
}

static unsigned long long pool_base(void)
{
	return read_ull(PARAM_DIR "pool_base", 10);
}

static unsigned long long pool_size(void)
{
	return read_ull(PARAM_DIR "pool_size", 10);
}

/* Only the large guest has a pool and a node 1. */
static void need_large(void)
{
	if (access("/sys/devices/system/node/node1", F_OK))
		t_skip("needs two NUMA nodes (the large guest of tests/vm/check.sh)");
	if (pool_size() == 0 || pool_size() == ~0ULL)
		t_skip("needs the module loaded with a reserved pool");
}

/* The backend and node fields (the last two) of a segment's line. */
static void proc_backend(uint32_t id, char *backend, int *node)
{
	int n = sscanf(t_proc_line(id), "%*u %*s %*u %*u %*u %*u %*u %*o %*d 0x%*x %15s %d",
		       backend, node);

	if (n != 2)
		t_fail(__FILE__, __LINE__, "no backend and node in \"%s\"", t_proc_line(id));
}

/* The futex column of the segment's /proc/rtshm line: 1 "yes", 0 "no". */
static int proc_futex(uint32_t id)
{
	char futex[8];
	int n = sscanf(t_proc_line(id), "%*u %*s %*u %*u %*u %*u %*u %*o %*d 0x%*x %*s %*d %*s %7s",
		       futex);

	if (n != 1 || (strcmp(futex, "yes") && strcmp(futex, "no")))
		t_fail(__FILE__, __LINE__, "no futex field in \"%s\"", t_proc_line(id));
	return !strcmp(futex, "yes");
}

static int iomem_has(const char *what)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/iomem", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, what) != NULL;
	fclose(f);
	return found;
}

/* ---- NUMA: which node's memory blocks hold a physical address --------- */

struct node_span {
	unsigned long long lo, hi;	/* block-aligned [lo, hi) of its blocks */
};

static unsigned long long block_size(void)
{
	return read_ull("/sys/devices/system/memory/block_size_bytes", 16);
}

/* Whether @phys is in one of node @nid's memory blocks; its span too. */
static int node_has_phys(int nid, unsigned long long phys, struct node_span *span)
{
	unsigned long long bs = block_size(), blk;
	char path[128];
	struct dirent *d;
	int found = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", nid);
	dir = opendir(path);
	if (!dir || bs == ~0ULL || !bs)
		t_fail(__FILE__, __LINE__, "cannot read %s", path);
	span->lo = ~0ULL;
	span->hi = 0;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "memory", 6) || d->d_name[6] < '0' || d->d_name[6] > '9')
			continue;
		blk = strtoull(d->d_name + 6, NULL, 10);
		if (blk * bs < span->lo)
			span->lo = blk * bs;
		if ((blk + 1) * bs > span->hi)
			span->hi = (blk + 1) * bs;
		found |= phys / bs == blk;
	}
	closedir(dir);
	return found;
}

/* ---- segments --------------------------------------------------------- */

struct seg {
	int h;
	unsigned char *p;
	struct rtshm_seg_info info;
	struct rtshm_result r;
};

static int seg_create(struct seg *s, const char *name, uint64_t size, unsigned int flags)
{
	int h = rtshm_create(name, size, RTSHM_RDWR | RTSHM_EXCL | flags, 0600, &s->r);

	if (h < 0)
		return h;
	s->h = h;
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&s->p));
	CHECK_OK(rtshm_stat(h, &s->info));
	CHECK_EQ(s->info.size, s->r.size);
	return 0;
}

static void seg_free(struct seg *s)
{
	CHECK_OK(rtshm_unmap(s->p, s->info.size));
	CHECK_OK(rtshm_close(s->h));
	memset(s, 0, sizeof(*s));
}

/* Every byte zero: read as 64-bit words. */
static void check_zero(const struct seg *s)
{
	const uint64_t *w = (const uint64_t *)s->p;
	uint64_t i, n = s->info.size / 8;

	for (i = 0; i < n; i++)
		if (w[i])
			t_fail(__FILE__, __LINE__, "word %llu of a new %llu-byte segment is 0x%llx",
			       (unsigned long long)i, (unsigned long long)s->info.size,
			       (unsigned long long)w[i]);
}

/*
 * Whether the segment is mapped as a PFN map: a pool segment with 2 MiB
 * entries ("pmd" in the last field of its /proc/rtshm line).
 */
static bool is_pfn_map(const struct seg *s)
{
	char huge[16];

	if (s->info.tier != RTSHM_BACKEND_POOL)
		return false;
	t_proc_huge(s->r.id, huge, sizeof(huge));
	return !strcmp(huge, "pmd");
}

/*
 * Every page of the mapping at the physical page after the previous one.
 * pagemap does not walk a PFN map: there the kernel's word has to do.
 */
static void check_contiguous(const struct seg *s)
{
	uint64_t pages = s->info.size / PAGE, i, phys, contig;
	uint64_t *pm = malloc(pages * 8);
	int fd = CHECK_SYS(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
	off_t off = (off_t)((uintptr_t)s->p / PAGE) * 8;

	CHECK(pm != NULL);
	CHECK_EQ(pread(fd, pm, pages * 8, off), (long long)(pages * 8));
	close(fd);
	CHECK(s->info.phys_addr != 0);
	if (is_pfn_map(s)) {
		for (i = 0; i < pages; i++)
			if (pm[i] & PM_PRESENT)
				t_fail(__FILE__, __LINE__, "page %llu of a PFN map in pagemap",
				       (unsigned long long)i);
		CHECK_OK(rtshm_phys(s->h, 0, &phys, &contig));
		CHECK_EQ(phys, s->info.phys_addr);
		CHECK_EQ(contig, s->info.size);
		free(pm);
		return;
	}
	for (i = 0; i < pages; i++) {
		if (!(pm[i] & PM_PRESENT))
			t_fail(__FILE__, __LINE__, "page %llu not present", (unsigned long long)i);
		if ((pm[i] & PM_PFN_MASK) != s->info.phys_addr / PAGE + i)
			t_fail(__FILE__, __LINE__, "page %llu at pfn 0x%llx, expected 0x%llx",
			       (unsigned long long)i, pm[i] & PM_PFN_MASK,
			       (unsigned long long)(s->info.phys_addr / PAGE + i));
	}
	free(pm);
}

/* A byte of every MiB, and the last one, carries @tag + its MiB index. */
static void write_marks(unsigned char *p, uint64_t size, unsigned char tag)
{
	uint64_t off;

	for (off = 0; off < size; off += MiB)
		p[off] = (unsigned char)(tag + off / MiB);
	p[size - 1] = tag;
}

static int marks_ok(const unsigned char *p, uint64_t size, unsigned char tag)
{
	uint64_t off;

	for (off = 0; off < size; off += MiB)
		if (p[off] != (unsigned char)(tag + off / MiB))
			return 0;
	return p[size - 1] == tag;
}

/* A second process opens @name, sees marks 0x11, writes marks 0x77. */
static void check_shared(const char *name, struct seg *s)
{
	pid_t pid;

	write_marks(s->p, s->info.size, 0x11);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		unsigned char *q;
		int h = rtshm_open(name, RTSHM_RDWR, NULL);

		if (h < 0 || rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&q))
			_exit(2);
		if (!marks_ok(q, s->info.size, 0x11))
			_exit(3);
		write_marks(q, s->info.size, 0x77);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(marks_ok(s->p, s->info.size, 0x77));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- tests ------------------------------------------------------------ */

TEST(environment)
{
	struct rtshm_module_info mi;
	char want[64];
	FILE *f;

	need_large();
	/* the memmap= range is reserved and the module holds it */
	CHECK_EQ(iomem_has("rtshm pool"), 1);
	snprintf(want, sizeof(want), "%llx-", pool_base());
	CHECK_EQ(iomem_has(want), 1);
	CHECK_OK(rtshm_module_info(&mi));
	CHECK(mi.abi_major >= 2 || mi.abi_minor >= 2);
	CHECK(mi.features & RTSHM_FEAT_TIERS);
	CHECK(mi.features & RTSHM_FEAT_NUMA);
	CHECK(mi.max_segment_size >= pool_size());
	CHECK_EQ(t_proc_pool_used(NULL), 0);
	CHECK_EQ(t_proc_segments(), 0);
	/* the baseline of the leak test at the end */
	f = fopen(MEMFREE_FILE, "we");
	CHECK(f != NULL);
	fprintf(f, "%lld\n", t_memfree_settled());
	fclose(f);

	printf("RTSHM-MEASURE max_segment_size %llu\n", (unsigned long long)mi.max_segment_size);
}

/* 64 and 256 MiB from the contig tier: zeroed, contiguous, shared. */
TEST(contig_64m_and_256m)
{
	static const uint64_t sizes[] = { 64 * MiB, 256 * MiB };
	char backend[16];
	unsigned int i;
	struct seg s;
	int node;

	need_large();
	for (i = 0; i < 2; i++) {
		const char *name = t_name(i ? "c256" : "c64");
		double t0 = now_ms();

		CHECK_OK(seg_create(&s, name, sizes[i], RTSHM_USE_CONTIG));
		printf("RTSHM-MEASURE contig %llu MiB: create+map %.0f ms (fresh boot)\n",
		       (unsigned long long)(sizes[i] / MiB), now_ms() - t0);
		CHECK_EQ(s.info.size, sizes[i]);
		CHECK_EQ(s.info.tier, RTSHM_BACKEND_CONTIG);
		CHECK(s.info.node == 0 || s.info.node == 1);
		proc_backend(s.r.id, backend, &node);
		CHECK(!strcmp(backend, "contig"));
		CHECK_EQ(node, s.info.node);
		check_zero(&s);
		check_contiguous(&s);
		check_shared(name, &s);
		seg_free(&s);
	}
	CHECK_EQ(t_proc_segments(), 0);
}

/*
 * Write a pattern over free memory and free it again, down to @floor_kib
 * of MemFree.  Chunk by chunk, reading MemFree after each: one mapping
 * sized from a single reading ran the 7.3 large guest into the OOM killer
 * in CI, whatever the kernel took meanwhile coming out of the margin.
 */
static void dirty_free_memory(long long floor_kib)
{
	enum { CHUNK = 32 * MiB, MAX_CHUNKS = 1024 };
	static void *chunk[MAX_CHUNKS];
	unsigned int n = 0, i;

	while (n < MAX_CHUNKS && t_meminfo_kib("MemFree") - CHUNK / 1024 > floor_kib) {
		chunk[n] = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(chunk[n] != MAP_FAILED);
		memset(chunk[n++], 0xa5, CHUNK);
	}
	CHECK(n > 0);
	for (i = 0; i < n; i++)
		CHECK_SYS(munmap(chunk[i], CHUNK));
}

/*
 * Memory that held data before is zero in a new segment, in each tier the
 * page allocator backs: most of free memory is first written with a
 * pattern and freed, so the contig claim and the page blocks reuse it.
 * With init_on_alloc (Debian's default; the generic large guests) the
 * kernel zeroes it and the module must not zero it again; without (the rt
 * large guests boot with init_on_alloc=0) the module zeroes it itself.
 */
TEST(reused_memory_is_zero_in_every_tier)
{
	static const struct {
		unsigned int flag;
		uint64_t size;
	} cases[] = {
		{ RTSHM_USE_CONTIG, 256 * MiB },
		{ RTSHM_USE_CONTIG, 8 * MiB },
		{ RTSHM_USE_PAGES, 4 * MiB },
		{ RTSHM_USE_PAGES, 64 * 1024 },
	};
	struct seg s[sizeof(cases) / sizeof(cases[0])];
	unsigned int i;

	need_large();
	CHECK(t_memfree_settled() > 512 * 1024);
	dirty_free_memory(160 * 1024);
	/* all at once, so none reuses the zeroed pages of another */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_OK(seg_create(&s[i], NULL, cases[i].size, cases[i].flag));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_zero(&s[i]);
		seg_free(&s[i]);
	}
	CHECK_EQ(t_proc_segments(), 0);
}

/* Explicit tiers are honoured; /proc/rtshm names them; bad tiers fail. */
TEST(tiers_honoured)
{
	static const struct {
		unsigned int flag;
		uint64_t size;
		uint32_t tier;
		const char *name;
	} cases[] = {
		{ RTSHM_USE_PAGES, MiB, RTSHM_BACKEND_PAGES, "pages" },
		{ RTSHM_USE_CONTIG, MiB, RTSHM_BACKEND_CONTIG, "contig" },
		{ RTSHM_USE_POOL, MiB, RTSHM_BACKEND_POOL, "pool" },
		{ 0, 64 * 1024, RTSHM_BACKEND_PAGES, "pages" },	/* any: pages first */
		{ 0, 8 * MiB, RTSHM_BACKEND_CONTIG, "contig" },	/* too big for pages */
	};
	struct rtshm_bind b;
	char backend[16];
	unsigned int i;
	struct seg s;
	int node, fd;

	need_large();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_OK(seg_create(&s, NULL, cases[i].size, cases[i].flag));
		CHECK_EQ(s.info.tier, cases[i].tier);
		/* only the pool tier lacks struct pages (RTSHM_STAT_NO_PAGES) */
		CHECK_EQ(s.info.shared_futex, cases[i].tier != RTSHM_BACKEND_POOL);
		CHECK_EQ(proc_futex(s.r.id), cases[i].tier != RTSHM_BACKEND_POOL);
		proc_backend(s.r.id, backend, &node);
		if (strcmp(backend, cases[i].name))
			t_fail(__FILE__, __LINE__, "case %u: backend %s, expected %s",
			       i, backend, cases[i].name);
		CHECK_EQ(node, s.info.node);
		check_zero(&s);
		check_contiguous(&s);
		seg_free(&s);
	}
	/* the page allocator cannot give more than its largest block */
	CHECK_ERR(rtshm_create(NULL, 4 * MiB + 1, RTSHM_RDWR | RTSHM_USE_PAGES, 0600, NULL),
		  ENOMEM);
	/* more than the pool holds */
	CHECK_ERR(rtshm_create(NULL, pool_size() + PAGE, RTSHM_RDWR | RTSHM_USE_POOL, 0600, NULL),
		  ENOMEM);
	/* unknown tiers, at the ioctl */
	fd = CHECK_SYS(open("/dev/rtshm", O_RDWR | O_CLOEXEC));
	memset(&b, 0, sizeof(b));
	b.size = PAGE;
	b.type = RTSHM_TYPE_SHM;
	b.flags = RTSHM_BIND_WRITE;
	b.mode = 0600;
	for (b.tier = RTSHM_TIER_POOL + 1; b.tier < 64; b.tier++)
		CHECK_SYSERR(ioctl(fd, RTSHM_IOC_CREATE, &b), EINVAL);
	b.tier = RTSHM_TIER_CONTIG;
	CHECK_SYS(ioctl(fd, RTSHM_IOC_CREATE, &b));
	close(fd);
	CHECK_EQ(t_proc_segments(), 0);
}

/* Pool: placement, free, coalescing, exhaustion, zeroing, sharing. */
TEST(pool_alloc_free_coalesce)
{
	const unsigned long long base = pool_base(), size = pool_size();
	struct seg a, b, c, d, e;

	need_large();
	CHECK(size >= 256 * MiB);
	CHECK_EQ(t_proc_pool_used(NULL), 0);
	/* first fit in an empty pool: A, B, C one after the other */
	CHECK_OK(seg_create(&a, t_name("A"), 64 * MiB, RTSHM_USE_POOL));
	CHECK_OK(seg_create(&b, t_name("B"), 32 * MiB, RTSHM_USE_POOL));
	CHECK_OK(seg_create(&c, t_name("C"), 64 * MiB, RTSHM_USE_POOL));
	CHECK_EQ(a.info.tier, RTSHM_BACKEND_POOL);
	CHECK_EQ(a.info.phys_addr, base);
	CHECK_EQ(b.info.phys_addr, base + 64 * MiB);
	CHECK_EQ(c.info.phys_addr, base + 96 * MiB);
	CHECK_EQ(t_proc_pool_used(NULL), 160 * MiB);
	check_zero(&a);
	check_contiguous(&b);
	check_shared(t_name("C"), &c);
	memset(a.p, 0x5a, a.info.size);
	memset(b.p, 0x5a, b.info.size);

	/* free A and B: a segment of A+B fits in their place, zeroed */
	seg_free(&a);
	seg_free(&b);
	CHECK_EQ(t_proc_pool_used(NULL), 64 * MiB);
	CHECK_OK(seg_create(&d, t_name("D"), 96 * MiB, RTSHM_USE_POOL));
	CHECK_EQ(d.info.phys_addr, base);
	check_zero(&d);

	/* the rest after C, then the pool is exhausted */
	CHECK_OK(seg_create(&e, t_name("E"), size - 160 * MiB, RTSHM_USE_POOL));
	CHECK_EQ(e.info.phys_addr, base + 160 * MiB);
	CHECK_EQ(t_proc_pool_used(NULL), (long long)size);
	CHECK_ERR(rtshm_create(NULL, PAGE, RTSHM_RDWR | RTSHM_USE_POOL, 0600, NULL), ENOMEM);

	/* all freed: the whole pool is one segment again */
	seg_free(&c);
	seg_free(&d);
	seg_free(&e);
	CHECK_EQ(t_proc_pool_used(NULL), 0);
	CHECK_OK(seg_create(&a, t_name("whole"), size, RTSHM_USE_POOL));
	CHECK_EQ(a.info.phys_addr, base);
	check_zero(&a);
	check_contiguous(&a);
	seg_free(&a);
	CHECK_EQ(t_proc_pool_used(NULL), 0);
	CHECK_EQ(t_proc_segments(), 0);
}

/* The library's control file would keep the module: only handles and mappings may. */
static int rmmod(void)
{
	rtshm_control_close();
	return (int)syscall(SYS_delete_module, "rtshm", O_NONBLOCK);
}

/* insmod with the guest's parameters plus @extra. */
static void insmod(const char *extra)
{
	char params[512] = "";
	FILE *f = fopen("/etc/rtshm-modparams", "re");
	int fd;

	if (f) {
		if (!fgets(params, sizeof(params), f))
			params[0] = '\0';
		fclose(f);
	}
	params[strcspn(params, "\n")] = '\0';
	strncat(params, " ", sizeof(params) - strlen(params) - 1);
	strncat(params, extra, sizeof(params) - strlen(params) - 1);
	fd = CHECK_SYS(open(MODULE_PATH, O_RDONLY | O_CLOEXEC));
	CHECK_SYS(syscall(SYS_finit_module, fd, params, 0));
	close(fd);
}

/* Unloading releases the reserved range; a reload claims it again. */
TEST(pool_region_released_on_unload)
{
	struct seg s;
	void *p;

	need_large();
	CHECK_OK(seg_create(&s, t_name("held"), 16 * MiB, RTSHM_USE_POOL));
	CHECK_OK(rtshm_map(s.h, 0, 0, PROT_READ, &p));
	seg_free(&s);
	/* a mapping alone keeps the segment, the pool and the module */
	CHECK_SYSERR(rmmod(), EWOULDBLOCK);
	CHECK_EQ(iomem_has("rtshm pool"), 1);
	CHECK_OK(rtshm_unmap(p, 16 * MiB));

	CHECK_SYS(rmmod());
	CHECK_EQ(iomem_has("rtshm pool"), 0);
	insmod("");
	CHECK_EQ(iomem_has("rtshm pool"), 1);
	CHECK_EQ(t_proc_pool_used(NULL), 0);
	/* the whole pool is usable after the reload */
	CHECK_OK(seg_create(&s, NULL, pool_size(), RTSHM_USE_POOL));
	CHECK_EQ(s.info.phys_addr, pool_base());
	seg_free(&s);
}

/* Explicit nodes in every tier; invalid nodes; no fallback. */
TEST(numa_explicit_nodes)
{
	static const struct {
		unsigned int flag;
		uint64_t size;
	} cases[] = {
		{ RTSHM_USE_PAGES, 2 * MiB }, { RTSHM_USE_CONTIG, 32 * MiB }, { 0, 64 * 1024 },
	};
	struct node_span span[2];
	char backend[16];
	unsigned int i;
	int nid, node, pool_node = -1;
	struct seg s;

	need_large();
	for (nid = 0; nid < 2; nid++) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			CHECK_OK(seg_create(&s, NULL, cases[i].size, cases[i].flag | RTSHM_ON_NODE(nid)));
			CHECK_EQ(s.info.node, nid);
			proc_backend(s.r.id, backend, &node);
			CHECK_EQ(node, nid);
			/* first and last byte in that node's memory blocks */
			CHECK(node_has_phys(nid, s.info.phys_addr, &span[nid]));
			CHECK(node_has_phys(nid, s.info.phys_addr + s.info.size - 1, &span[nid]));
			CHECK(!node_has_phys(!nid, s.info.phys_addr, &span[!nid]));
			check_contiguous(&s);
			seg_free(&s);
		}
	}
	/* the pool's node: the one whose span holds it */
	for (nid = 0; nid < 2; nid++)
		if (pool_base() >= span[nid].lo && pool_base() < span[nid].hi)
			pool_node = nid;
	CHECK(pool_node >= 0);
	CHECK_OK(seg_create(&s, NULL, MiB, RTSHM_USE_POOL | RTSHM_ON_NODE(pool_node)));
	CHECK_EQ(s.info.node, pool_node);
	proc_backend(s.r.id, backend, &node);
	CHECK(!strcmp(backend, "pool"));
	CHECK_EQ(node, pool_node);
	seg_free(&s);
	CHECK_ERR(rtshm_create(NULL, MiB, RTSHM_RDWR | RTSHM_USE_POOL | RTSHM_ON_NODE(!pool_node),
			       0600, NULL), ENOMEM);

	/* not a node with memory */
	CHECK_ERR(rtshm_create(NULL, PAGE, RTSHM_RDWR | RTSHM_ON_NODE(2), 0600, NULL), EINVAL);
	CHECK_ERR(rtshm_create(NULL, PAGE, RTSHM_RDWR | RTSHM_ON_NODE(-1), 0600, NULL), EINVAL);
	CHECK_ERR(rtshm_create(NULL, PAGE, RTSHM_RDWR | RTSHM_ON_NODE(1000), 0600, NULL), EINVAL);
	/* more than node 1 has (its blocks minus the pool): ENOMEM, not node 0 */
	CHECK_ERR(rtshm_create(NULL, span[1].hi - span[1].lo - pool_size() + 64 * MiB,
			       RTSHM_RDWR | RTSHM_USE_CONTIG | RTSHM_ON_NODE(1), 0600, NULL), ENOMEM);
	CHECK_EQ(t_proc_segments(), 0);
}

static int set_default_node(const char *value)
{
	int fd = CHECK_SYS(open(PARAM_DIR "default_node", O_WRONLY | O_CLOEXEC));
	ssize_t n = write(fd, value, strlen(value));
	int err = errno;

	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -err;
}

/* default_node at run time and at load time: a preference every tier honours. */
TEST(numa_default_node)
{
	static const unsigned int flags[] = { RTSHM_USE_PAGES, RTSHM_USE_CONTIG, 0 };
	static const char *const values[] = { "1", "0" };
	unsigned int i, v;
	struct seg s;

	need_large();
	CHECK_EQ((long long)read_ull(PARAM_DIR "default_node", 10), -1);	/* "-1" */
	for (v = 0; v < 2; v++) {
		CHECK_OK(set_default_node(values[v]));
		CHECK_EQ((long long)read_ull(PARAM_DIR "default_node", 10), atoi(values[v]));
		for (i = 0; i < 3; i++) {
			CHECK_OK(seg_create(&s, NULL, i == 1 ? 16 * MiB : MiB, flags[i]));
			CHECK_EQ(s.info.node, atoi(values[v]));
			CHECK(node_has_phys(s.info.node, s.info.phys_addr, &(struct node_span){ 0 }));
			seg_free(&s);
		}
	}
	CHECK_ERR(set_default_node("2"), EINVAL);
	CHECK_ERR(set_default_node("-2"), EINVAL);
	CHECK_OK(set_default_node("-1"));

	/* at load time */
	CHECK_SYS(rmmod());
	insmod("default_node=1");
	CHECK_OK(seg_create(&s, NULL, 16 * MiB, RTSHM_USE_CONTIG));
	CHECK_EQ(s.info.node, 1);
	seg_free(&s);
	CHECK_SYS(rmmod());
	insmod("");
	CHECK_EQ(t_proc_segments(), 0);
}

/* Scatter unmovable pages through free memory, then try large contig segments. */
struct fragmenter {
	int pipes[400][2];
	int npipes;
	unsigned char *anon;
	size_t anon_len;
};

/* A new pipe holding @kib KiB: unmovable pages until it is closed. */
static void fill_pipe(struct fragmenter *fr, int kib)
{
	static char chunk[64 * 1024];
	int *p = fr->pipes[fr->npipes], i;

	memset(chunk, 0xc3, sizeof(chunk));
	CHECK_SYS(pipe2(p, O_CLOEXEC | O_NONBLOCK));
	if (kib > 64)
		CHECK_SYS(fcntl(p[1], F_SETPIPE_SZ, kib * 1024));
	for (i = 0; i < kib / 64; i++)
		CHECK_EQ(write(p[1], chunk, sizeof(chunk)), (long)sizeof(chunk));
	fr->npipes++;
}

/*
 * Fill memory with anonymous pages, 2 MiB at a time, then free every other
 * 256 KiB of it; and fill up to 400 pipes: pipe buffers are unmovable
 * kernel pages, which alloc_contig_range() cannot migrate.  Either one pipe
 * of 64 KiB after every other 2 MiB while filling, or (@late) 400 pipes of
 * 1 MiB after the holes are made, so the kernel takes their pages from the
 * holes, spread over all of memory.
 */
static void fragment(struct fragmenter *fr, size_t anon_mib, int late)
{
	size_t off, step = 2 * MiB;

	memset(fr, 0, sizeof(*fr));
	fr->anon_len = (anon_mib & ~(size_t)1) * MiB;	/* whole steps */
	fr->anon = mmap(NULL, fr->anon_len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(fr->anon != MAP_FAILED);
	/*
	 * 4 KiB pages: with transparent huge pages the holes would free
	 * nothing (partly unmapped huge pages stay whole until the kernel
	 * splits them later, which also delays the no-leak count).  EINVAL:
	 * no transparent huge pages (PREEMPT_RT).
	 */
	if (madvise(fr->anon, fr->anon_len, MADV_NOHUGEPAGE) && errno != EINVAL)
		t_fail(__FILE__, __LINE__, "MADV_NOHUGEPAGE: %s", strerror(errno));
	for (off = 0; off < fr->anon_len; off += step) {
		memset(fr->anon + off, 0x3c, step);
		if (!late && off / step % 2 == 0 && fr->npipes < 400)
			fill_pipe(fr, 64);
	}
	for (off = 0; off < fr->anon_len; off += 512 * 1024)
		CHECK_SYS(madvise(fr->anon + off, 256 * 1024, MADV_DONTNEED));
	while (late && fr->npipes < 400)
		fill_pipe(fr, 1024);
}

static void unfragment(struct fragmenter *fr)
{
	int i;

	for (i = 0; i < fr->npipes; i++) {
		close(fr->pipes[i][0]);
		close(fr->pipes[i][1]);
	}
	munmap(fr->anon, fr->anon_len);
}

/* Try contig segments of a few sizes; print the success rate and times. */
static void contig_rate(const char *how)
{
	static const uint64_t sizes[] = { 16 * MiB, 64 * MiB, 256 * MiB };
	const int tries = 4;
	unsigned int i;
	int t, ok;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		double t0, ms_ok = 0, ms_fail = 0;
		int failed = 0;

		for (t = ok = 0; t < tries; t++) {
			int h;

			t0 = now_ms();
			h = rtshm_create(NULL, sizes[i], RTSHM_RDWR | RTSHM_USE_CONTIG, 0600, NULL);
			if (h >= 0) {
				ms_ok += now_ms() - t0;
				ok++;
				rtshm_close(h);
			} else {
				/* a failure is a clean ENOMEM, nothing else */
				CHECK_ERR(h, ENOMEM);
				ms_fail += now_ms() - t0;
				failed++;
			}
		}
		printf("RTSHM-MEASURE contig after fragmentation (%s): %llu MiB %d/%d succeeded"
		       " (avg %.0f ms ok, %.0f ms failed)\n", how,
		       (unsigned long long)(sizes[i] / MiB), ok, tries,
		       ok ? ms_ok / ok : 0.0, failed ? ms_fail / failed : 0.0);
	}
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(contig_after_fragmentation)
{
	static const char *const how[] = { "23 MiB of pipes while filling",
					   "400 MiB of pipes in the holes" };
	struct fragmenter fr;
	long long free_kib;
	struct seg s;
	int late;

	need_large();
	for (late = 0; late < 2; late++) {
		/* fill all but 200 MiB, then free half of it in 256 KiB holes */
		free_kib = t_meminfo_kib("MemFree");
		CHECK(free_kib > 600 * 1024);
		fragment(&fr, (size_t)(free_kib / 1024 - 200), late);
		printf("RTSHM-MEASURE fragmented (%s): MemFree %lld KiB before, %lld KiB after,"
		       " %d pipes\n", how[late], free_kib, t_meminfo_kib("MemFree"), fr.npipes);
		contig_rate(how[late]);
		if (late) {
			/* the reserved pool does not care */
			CHECK_OK(seg_create(&s, NULL, 256 * MiB, RTSHM_USE_POOL));
			check_zero(&s);
			seg_free(&s);
			/* nor does the default order, which ends at the pool */
			CHECK_OK(seg_create(&s, NULL, 128 * MiB, 0));
			printf("RTSHM-MEASURE 128 MiB with any tier after fragmentation: %s\n",
			       s.info.tier == RTSHM_BACKEND_POOL ? "pool" : "contig");
			seg_free(&s);
		}
		unfragment(&fr);
	}
	CHECK_EQ(t_proc_segments(), 0);
	CHECK_EQ(t_proc_pool_used(NULL), 0);
}

/* Last: everything is back. */
TEST(no_leak)
{
	long long before = -1, after = 0;
	FILE *f;
	int i;

	need_large();
	f = fopen(MEMFREE_FILE, "re");
	CHECK(f != NULL);
	CHECK_EQ(fscanf(f, "%lld", &before), 1);
	fclose(f);
	/*
	 * Freed memory can take a moment to show (per-cpu lists and counters,
	 * kcompactd): look for up to 10 s.
	 */
	for (i = 0; i < 20; i++) {
		after = t_memfree_settled();
		if (after > before - 8 * 1024)
			break;
		usleep(500 * 1000);
	}
	printf("RTSHM-MEASURE free memory %lld KiB at start, %lld KiB at end (%+lld KiB, %.1f s)\n",
	       before, after, after - before, i * 0.5);
	CHECK(after > before - 8 * 1024);
	CHECK_EQ(t_proc_segments(), 0);
	CHECK_EQ(t_proc_pool_used(NULL), 0);
}
