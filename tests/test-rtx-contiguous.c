// SPDX-License-Identifier: GPL-2.0
/*
 * RTX contiguous and locked memory: RtAllocateContiguousMemory,
 * RtFreeContiguousMemory, RtGetPhysicalAddress, RtAllocateLockedMemory,
 * RtFreeLockedMemory, used as a NIC driver or an EtherCAT master ported
 * from RTSS uses them (DMA rings below 4 GiB, their bus addresses written
 * into descriptors, locked buffers for frames).  Physical addresses are
 * checked against /proc/self/pagemap and /proc/rtshm, locking against
 * VmLck of /proc/self/status and the process's page faults, and every
 * test ends with /proc/rtshm empty.
 *
 * Runs in every guest: which tier can give more than 4 MiB depends on the
 * module parameters (contig_tier is off on PREEMPT_RT, the pool exists
 * only in the large guests), and the tests read them to expect the right
 * answer.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rtapi.h"
#include "rtx/util.h"

#define KiB		1024UL
#define MiB		(1024UL * 1024)
#define PAGE		4096UL
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define USER1		1001

static LARGE_INTEGER limit(LONGLONG v)
{
	LARGE_INTEGER l;

	l.QuadPart = v;
	return l;
}

/* Physical address of the page holding @p, from pagemap (root only). */
static uint64_t pagemap_phys(const void *p)
{
	int fd = CHECK_SYS(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
	off_t off = (off_t)((uintptr_t)p / PAGE) * 8;
	uint64_t e;

	if (pread(fd, &e, sizeof(e), off) != sizeof(e))
		t_fail(__FILE__, __LINE__, "pagemap read");
	close(fd);
	if (!(e & PM_PRESENT))
		t_fail(__FILE__, __LINE__, "page at %p not present", p);
	return (e & PM_PFN_MASK) * PAGE;
}

/* Whether the module may use the contig tier (Y/N), and has a pool. */
static int contig_tier_on(void)
{
	char c = 'N';
	int fd = open("/sys/module/rtshm/parameters/contig_tier", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 'N';
		close(fd);
	}
	return c == 'Y' || c == '1';
}

static int have_pool(void)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/rtshm", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		found |= !strncmp(line, "pool bytes ", 11);
	fclose(f);
	return found;
}

/* The only segment's /proc/rtshm line: its phys and backend fields. */
static void proc_only_segment(uint64_t *phys, char backend[16])
{
	char line[1024];
	int n = 0;
	FILE *f = fopen("/proc/rtshm", "re");

	CHECK(f != NULL);
	CHECK(fgets(line, sizeof(line), f));	/* header */
	while (fgets(line, sizeof(line), f)) {
		unsigned long long ph;

		if (!strncmp(line, "total ", 6) || !strncmp(line, "pool ", 5))
			continue;
		CHECK_EQ(sscanf(line, "%*u %*s %*u %*u %*u %*u %*u %*o %*d 0x%llx %15s",
				&ph, backend), 2);
		*phys = ph;
		n++;
	}
	fclose(f);
	CHECK_EQ(n, 1);
}

/*
 * Every page of [p, p + size) as RtGetPhysicalAddress sees it: non-zero,
 * page-aligned at the start, each page one page after the one before,
 * byte-exact inside a page, the same as pagemap, and the last byte at or
 * below @highest.
 */
static void check_block(const char *p, uint64_t size, uint64_t highest)
{
	uint64_t base = (uint64_t)RtGetPhysicalAddress((PVOID)p).QuadPart;
	uint64_t off;

	CHECK(base != 0);
	CHECK_EQ(base % PAGE, 0);
	CHECK_EQ(base, pagemap_phys(p));
	for (off = 0; off < size; off += PAGE) {
		uint64_t pa = (uint64_t)RtGetPhysicalAddress((PVOID)(p + off)).QuadPart;

		if (pa != base + off)
			t_fail(__FILE__, __LINE__, "page %llu at 0x%llx, expected 0x%llx",
			       (unsigned long long)(off / PAGE), (unsigned long long)pa,
			       (unsigned long long)(base + off));
	}
	CHECK_EQ(RtGetPhysicalAddress((PVOID)(p + 123)).QuadPart, base + 123);
	CHECK_EQ(RtGetPhysicalAddress((PVOID)(p + size - 1)).QuadPart, base + size - 1);
	CHECK_EQ(pagemap_phys(p + size - 1), base + size - PAGE);
	CHECK(base + size - 1 <= highest);
}

static void check_zero_then_pattern(unsigned char *p, uint64_t size)
{
	uint64_t i;

	for (i = 0; i < size; i++)
		if (p[i])
			t_fail(__FILE__, __LINE__, "byte %llu is not zero", (unsigned long long)i);
	for (i = 0; i < size; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < size; i++)
		if (p[i] != (unsigned char)(i * 7 + 3))
			t_fail(__FILE__, __LINE__, "byte %llu lost", (unsigned long long)i);
}

/* ---- contiguous memory -------------------------------------------------- */

TEST(contiguous_memory_is_zeroed_and_usable)
{
	unsigned char *p = RtAllocateContiguousMemory(64 * KiB, limit(-1));

	CHECK(p != NULL);
	CHECK_EQ(t_proc_segments(), 1);
	check_zero_then_pattern(p, 64 * KiB);
	CHECK(RtFreeContiguousMemory(p));
	CHECK_EQ(t_proc_segments(), 0);
	CHECK_EQ(t_map_len(p), 0);
}

/* A DMA ring: its bus address, page by page, as a driver fills descriptors. */
TEST(physical_address_of_every_page)
{
	static const ULONG sizes[] = { 4096, 5 * 4096, 64 * 1024, 1024 * 1024, 4 * 1024 * 1024 };
	char backend[16];
	uint64_t proc_phys;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *p = RtAllocateContiguousMemory(sizes[i], limit(0xFFFFFFFF));

		CHECK(p != NULL);
		check_block(p, sizes[i], 0xFFFFFFFF);
		proc_only_segment(&proc_phys, backend);
		CHECK_EQ(proc_phys, (uint64_t)RtGetPhysicalAddress(p).QuadPart);
		CHECK(RtFreeContiguousMemory(p));
	}
	/* a size that is not whole pages: the block is, and its end is in it */
	{
		char *p = RtAllocateContiguousMemory(10000, limit(-1));

		CHECK(p != NULL);
		CHECK_EQ(t_map_len(p), 3 * PAGE);
		check_block(p, 3 * PAGE, ~0ULL);
		CHECK(RtFreeContiguousMemory(p));
	}
	CHECK_EQ(t_proc_segments(), 0);
}

/* The limits ported code passes: 4 GiB, 256 MiB, ISA's 16 MiB. */
TEST(highest_physical_address_is_honoured)
{
	static const LONGLONG limits[] = { 0xFFFFFFFF, 0x0FFFFFFF, 0x00FFFFFF, 0x00FFFFFF };
	static const ULONG sizes[] = { 1024 * 1024, 256 * 1024, 50 * 1024, 1024 * 1024 };
	unsigned int i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		char *p = RtAllocateContiguousMemory(sizes[i], limit(limits[i]));

		if (!p)
			t_fail(__FILE__, __LINE__, "%lu bytes below 0x%llx: error %u",
			       (unsigned long)sizes[i], (unsigned long long)limits[i],
			       GetLastError());
		check_block(p, (sizes[i] + PAGE - 1) / PAGE * PAGE, (uint64_t)limits[i]);
		CHECK(RtFreeContiguousMemory(p));
	}
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(highest_physical_address_too_low_fails_cleanly)
{
	static const LONGLONG limits[] = { 0, 0xFFF, 0x1FFF };
	unsigned int i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		SetLastError(0);
		CHECK(RtAllocateContiguousMemory(4096, limit(limits[i])) == NULL);
		CHECK_EQ(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
	}
	/* 4 MiB can never lie below 2 MiB */
	CHECK(RtAllocateContiguousMemory(4 * 1024 * 1024, limit(2 * 1024 * 1024 - 1)) == NULL);
	CHECK_EQ(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
	CHECK_EQ(t_proc_segments(), 0);
}

/* "Any address": -1, MAXLONGLONG, and values past x86-64's 52 bits. */
TEST(no_limit_values)
{
	static const LONGLONG limits[] = { -1, 0x7FFFFFFFFFFFFFFFLL, (1LL << 52) - 1, 1LL << 60 };
	unsigned int i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		char *p = RtAllocateContiguousMemory(8192, limit(limits[i]));

		CHECK(p != NULL);
		check_block(p, 8192, ~0ULL);
		CHECK(RtFreeContiguousMemory(p));
	}
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(zero_bytes)
{
	SetLastError(0);
	CHECK(RtAllocateContiguousMemory(0, limit(-1)) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	CHECK(RtAllocateLockedMemory(0) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK_EQ(t_proc_segments(), 0);
}

/*
 * More than the page tier's 4 MiB: the contig tier where contig_tier is on,
 * else the pool if there is one, else no tier can: ERROR_NOT_ENOUGH_MEMORY.
 */
TEST(large_block_by_tier)
{
	const ULONG size = 8 * 1024 * 1024;
	int contig = contig_tier_on(), pool = have_pool();
	char backend[16];
	uint64_t proc_phys;
	char *p;

	SetLastError(0);
	p = RtAllocateContiguousMemory(size, limit(-1));
	if (!contig && !pool) {
		CHECK(p == NULL);
		CHECK_EQ(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
		CHECK_EQ(t_proc_segments(), 0);
		return;
	}
	if (!p)
		t_fail(__FILE__, __LINE__, "8 MiB (contig tier %s, pool %s): error %u",
		       contig ? "on" : "off", pool ? "yes" : "no", GetLastError());
	check_block(p, size, ~0ULL);
	proc_only_segment(&proc_phys, backend);
	CHECK((contig && !strcmp(backend, "contig")) || (pool && !strcmp(backend, "pool")));
	CHECK_EQ(proc_phys, (uint64_t)RtGetPhysicalAddress(p).QuadPart);
	check_zero_then_pattern((unsigned char *)p, size);
	CHECK(RtFreeContiguousMemory(p));
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(free_takes_only_a_block_start)
{
	char *p = RtAllocateContiguousMemory(3 * PAGE, limit(-1));
	char *locked = RtAllocateLockedMemory(PAGE);
	int on_stack;

	CHECK(p != NULL && locked != NULL);
	SetLastError(0);
	CHECK(!RtFreeContiguousMemory(NULL));
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	SetLastError(0);
	CHECK(!RtFreeContiguousMemory(p + PAGE));
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	CHECK(!RtFreeContiguousMemory(&on_stack));
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	CHECK(!RtFreeContiguousMemory(locked));
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	CHECK(!RtFreeLockedMemory(p));
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	/* the failures touched nothing */
	p[3 * PAGE - 1] = 1;
	locked[0] = 1;
	CHECK_EQ(t_proc_segments(), 1);
	CHECK(RtFreeContiguousMemory(p));
	SetLastError(0);
	CHECK(!RtFreeContiguousMemory(p));	/* twice */
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	CHECK(RtFreeLockedMemory(locked));
	CHECK(!RtFreeLockedMemory(locked));
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(physical_address_of_other_memory)
{
	char *p = RtAllocateContiguousMemory(2 * PAGE, limit(-1));
	char *locked = RtAllocateLockedMemory(PAGE);
	char *heap = malloc(64);
	int on_stack;

	CHECK(p && locked && heap);
	SetLastError(0);
	CHECK_EQ(RtGetPhysicalAddress(NULL).QuadPart, 0);
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	SetLastError(0);
	CHECK_EQ(RtGetPhysicalAddress(&on_stack).QuadPart, 0);
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	SetLastError(0);
	CHECK_EQ(RtGetPhysicalAddress(heap).QuadPart, 0);
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	/* locked memory has no stable physical address */
	SetLastError(0);
	CHECK_EQ(RtGetPhysicalAddress(locked).QuadPart, 0);
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	SetLastError(0);
	CHECK_EQ(RtGetPhysicalAddress(p + 2 * PAGE).QuadPart, 0);	/* one past */
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	/* success leaves the last error alone */
	SetLastError(1234);
	CHECK(RtGetPhysicalAddress(p).QuadPart != 0);
	CHECK_EQ(GetLastError(), 1234);
	CHECK(RtFreeContiguousMemory(p));
	SetLastError(0);
	CHECK_EQ(RtGetPhysicalAddress(p).QuadPart, 0);	/* freed */
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	CHECK(RtFreeLockedMemory(locked));
	free(heap);
	CHECK_EQ(t_proc_segments(), 0);
}

/* RTSS code also asks for the bus address of shared memory it created. */
TEST(physical_address_of_shared_memory_views)
{
	char *loc = NULL, *view;
	uint64_t base, proc_phys;
	char backend[16];
	HANDLE h;

	h = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 3 * PAGE, t_name("dma"), (VOID **)&loc);
	CHECK(h != NULL && loc != NULL);
	base = (uint64_t)RtGetPhysicalAddress(loc).QuadPart;
	proc_only_segment(&proc_phys, backend);
	CHECK_EQ(base, proc_phys);
	CHECK_EQ(base, pagemap_phys(loc));
	CHECK_EQ(RtGetPhysicalAddress(loc + PAGE + 5).QuadPart, base + PAGE + 5);
	view = RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, 2 * PAGE, PAGE);
	CHECK(view != NULL);
	CHECK_EQ(RtGetPhysicalAddress(view + 17).QuadPart, base + 2 * PAGE + 17);
	CHECK(RtUnmapViewOfSharedMemory(view));
	CHECK_EQ(RtGetPhysicalAddress(view).QuadPart, 0);
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	/* RtFreeContiguousMemory is not for views */
	CHECK(!RtFreeContiguousMemory(loc));
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	CHECK(RtCloseHandle(h));
	CHECK_EQ(RtGetPhysicalAddress(loc).QuadPart, 0);
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	CHECK_EQ(t_proc_segments(), 0);
}

/* Without CAP_SYS_ADMIN no physical address: 0 and ERROR_ACCESS_DENIED. */
static int unprivileged(void *arg)
{
	char *p = RtAllocateContiguousMemory(64 * 1024, limit(0xFFFFFFFF));

	(void)arg;
	if (!p)
		return 10;
	p[0] = 1;
	SetLastError(0);
	if (RtGetPhysicalAddress(p).QuadPart != 0 || GetLastError() != ERROR_ACCESS_DENIED)
		return 11;
	if (!RtFreeContiguousMemory(p))
		return 12;
	/* beyond the page tier's 4 MiB: CAP_IPC_LOCK or tier_gid */
	SetLastError(0);
	if (RtAllocateContiguousMemory(8 * 1024 * 1024, limit(-1)) != NULL ||
	    GetLastError() != ERROR_ACCESS_DENIED)
		return 13;
	return 0;
}

TEST(unprivileged_user)
{
	CHECK_EQ(t_run_as(USER1, USER1, -1, unprivileged, NULL), 0);
	CHECK_EQ(t_proc_segments(), 0);
}

/* Several threads allocating, translating and freeing at once. */
static void *churn(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	int i;

	for (i = 0; i < 150; i++) {
		ULONG size = (ULONG)(1 + rand_r(&seed) % 16) * PAGE;
		char *p = RtAllocateContiguousMemory(size, limit(0xFFFFFFFF));
		char *l = RtAllocateLockedMemory(PAGE);
		uint64_t pa;

		if (!p || !l)
			return (void *)1;
		pa = (uint64_t)RtGetPhysicalAddress(p + size - 1).QuadPart;
		if (pa != (uint64_t)RtGetPhysicalAddress(p).QuadPart + size - 1)
			return (void *)2;
		p[size - 1] = (char)i;
		if (!RtFreeContiguousMemory(p) || !RtFreeLockedMemory(l))
			return (void *)3;
	}
	return NULL;
}

TEST(threads)
{
	long fds = t_count_fds_settled();
	pthread_t t[4];
	void *ret;
	int i;

	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, churn, (void *)(uintptr_t)(i + 1)), 0);
	for (i = 0; i < 4; i++) {
		CHECK_EQ(pthread_join(t[i], &ret), 0);
		CHECK(ret == NULL);
	}
	CHECK_EQ(t_count_fds(), fds);
	CHECK_EQ(t_proc_segments(), 0);
}

/* A fork child shares the block (it is shared memory) and frees its own. */
TEST(fork_child)
{
	char *p = RtAllocateContiguousMemory(2 * PAGE, limit(-1));
	LONGLONG pa;
	int pid;

	CHECK(p != NULL);
	pa = RtGetPhysicalAddress(p).QuadPart;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int ok = RtGetPhysicalAddress(p + 1).QuadPart == pa + 1;

		p[1] = 42;
		ok = ok && RtFreeContiguousMemory(p) && !RtFreeContiguousMemory(p);
		_exit(ok ? 0 : 1);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(p[1], 42);
	CHECK_EQ(RtGetPhysicalAddress(p).QuadPart, pa);
	CHECK_EQ(t_proc_segments(), 1);
	CHECK(RtFreeContiguousMemory(p));
	CHECK_EQ(t_proc_segments(), 0);
}

/* ---- the native calls underneath ---------------------------------------- */

TEST(native_calls_bad_arguments)
{
	int h = CHECK_OK(rtshm_create(NULL, 8192, RTSHM_RDWR, 0600, NULL));
	int unbound = CHECK_SYS(open("/dev/rtshm", O_RDWR | O_CLOEXEC));
	uint64_t phys = 7, contig = 7;
	int p[2], ev;
	char state[16] = { 0 };

	CHECK_SYS(pipe(p));
	close(p[1]);
	CHECK_ERR(rtshm_phys(-1, 0, &phys, NULL), EBADF);
	CHECK_ERR(rtshm_phys(p[0], 0, &phys, NULL), EBADF);	/* not a handle */
	CHECK_ERR(rtshm_phys(p[1], 0, &phys, NULL), EBADF);	/* closed */
	CHECK_ERR(rtshm_phys(unbound, 0, &phys, NULL), ENOTCONN);
	CHECK_ERR(rtshm_phys(h, 0, NULL, &contig), EINVAL);
	CHECK_ERR(rtshm_phys(h, 8192, &phys, &contig), EINVAL);
	CHECK_ERR(rtshm_phys(h, UINT64_MAX, &phys, &contig), EINVAL);
	CHECK(phys == 7 && contig == 7);	/* untouched on failure */
	ev = CHECK_OK(rtshm_sync_create(NULL, RTSHM_OBJ_EVENT, state, sizeof(state), 0, 0600, NULL));
	CHECK_ERR(rtshm_phys(ev, 0, &phys, NULL), EMEDIUMTYPE);
	rtshm_close(ev);
	CHECK_OK(rtshm_phys(h, 4097, &phys, &contig));
	CHECK_EQ(contig, 8192 - 4097);
	CHECK_OK(rtshm_phys(h, 0, &contig, NULL));
	CHECK_EQ(phys, contig + 4097);

	CHECK_ERR(rtshm_create_below(NULL, 0, RTSHM_RDWR, 0600, 0xFFFFFFFF, NULL), EINVAL);
	CHECK_ERR(rtshm_create_below(NULL, 4096, 0x80, 0600, 0xFFFFFFFF, NULL), EINVAL);
	CHECK_ERR(rtshm_create_below("a\\b", 4096, RTSHM_RDWR, 0600, 0xFFFFFFFF, NULL), EINVAL);
	CHECK_ERR(rtshm_create_below(NULL, 4096, RTSHM_RDWR, 0600, 0, NULL), ENOMEM);
	CHECK_ERR(rtshm_create_below(NULL, 8192, RTSHM_RDWR | RTSHM_USE_PAGES, 0600, 4095, NULL),
		  ENOMEM);
	close(p[0]);
	close(unbound);
	rtshm_close(h);
	CHECK_EQ(t_proc_segments(), 0);
}

/* ---- locked memory ------------------------------------------------------ */

TEST(locked_memory_is_locked_and_never_faults)
{
	long before = t_status_kib("VmLck"), faults;
	unsigned char *p = RtAllocateLockedMemory(1024 * 1024 + 1);
	size_t i;

	CHECK(before >= 0);
	CHECK(p != NULL);
	CHECK_EQ(t_status_kib("VmLck"), before + 1024 + 4);
	CHECK_EQ(t_map_len(p), 1024 * 1024 + PAGE);
	faults = t_minor_faults();
	for (i = 0; i < 1024 * 1024 + 1; i++)
		if (p[i])
			t_fail(__FILE__, __LINE__, "byte %zu is not zero", i);
	for (i = 0; i < 1024 * 1024 + 1; i += 64)
		p[i] = 0x5a;
	CHECK_EQ(t_minor_faults(), faults);
	CHECK(RtFreeLockedMemory(p));
	CHECK_EQ(t_status_kib("VmLck"), before);
	CHECK_EQ(t_map_len(p), 0);
}

/* As an unprivileged user RLIMIT_MEMLOCK decides: ERROR_NOT_ENOUGH_MEMORY. */
static int locked_rlimit(void *arg)
{
	struct rlimit rl = { 64 * 1024, 64 * 1024 };
	char *a, *b;

	(void)arg;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 10;
	a = RtAllocateLockedMemory(48 * 1024);
	if (!a)
		return 11;
	SetLastError(0);
	b = RtAllocateLockedMemory(32 * 1024);	/* 80 KiB in all */
	if (b || GetLastError() != ERROR_NOT_ENOUGH_MEMORY)
		return 12;
	if (t_status_kib("VmLck") != 48)
		return 13;
	if (!RtFreeLockedMemory(a))
		return 14;
	b = RtAllocateLockedMemory(64 * 1024);	/* fits once a is gone */
	if (!b || !RtFreeLockedMemory(b))
		return 15;
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 16;
	SetLastError(0);
	if (RtAllocateLockedMemory(PAGE) || GetLastError() != ERROR_NOT_ENOUGH_MEMORY)
		return 17;
	return 0;
}

TEST(locked_memory_rlimit)
{
	CHECK_EQ(t_run_as(USER1, USER1, -1, locked_rlimit, NULL), 0);
}

/* Contiguous memory counts against RLIMIT_MEMLOCK too (rtshm's rule). */
static int contig_rlimit(void *arg)
{
	struct rlimit rl = { 64 * 1024, 64 * 1024 };
	char *a;

	(void)arg;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 10;
	a = RtAllocateContiguousMemory(64 * 1024, limit(-1));
	if (!a)
		return 11;
	SetLastError(0);
	if (RtAllocateContiguousMemory(PAGE, limit(-1)) || GetLastError() != ERROR_NOT_ENOUGH_MEMORY)
		return 12;
	if (!RtFreeContiguousMemory(a))
		return 13;
	return 0;
}

TEST(contiguous_memory_rlimit)
{
	CHECK_EQ(t_run_as(USER1, USER1, -1, contig_rlimit, NULL), 0);
	CHECK_EQ(t_proc_segments(), 0);
}
