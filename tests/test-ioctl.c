// SPDX-License-Identifier: GPL-2.0
/* Every ioctl field is validated: bad input gives an errno, never an oops or a leak. */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/rtshm.h>
#include "rtshm.h"
#include "harness.h"

#define KERNEL_ADDR	((void *)0xffffffff81000000UL)

static int dev(void)
{
	return CHECK_SYS(open("/dev/rtshm", O_RDWR | O_CLOEXEC));
}

static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p, 4096);
	return p;
}

static void *readonly_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

static int lookup_err(struct rtshm_lookup l)
{
	int fd = dev(), ret;

	ret = ioctl(fd, RTSHM_IOC_LOOKUP, &l) ? errno : 0;
	close(fd);
	return ret;
}

static int catalog_err(int fd, unsigned long cmd, struct rtshm_catalog c)
{
	return ioctl(fd, cmd, &c) ? errno : 0;
}

static struct rtshm_bind good_create(const char *name)
{
	struct rtshm_bind b;

	memset(&b, 0, sizeof(b));
	b.name = (uintptr_t)name;
	b.name_len = strlen(name);
	b.size = 4096;
	b.type = RTSHM_TYPE_SHM;
	b.flags = RTSHM_BIND_WRITE;
	b.mode = 0600;
	return b;
}

/* @b must fail with @err on a fresh handle, and leave nothing behind. */
static void expect_bind_fails(unsigned long cmd, struct rtshm_bind b, int err, int line)
{
	int fd = dev();

	errno = 0;
	if (ioctl(fd, cmd, &b) != -1 || errno != err)
		t_fail(__FILE__, line, "bind gave errno %d (%s), expected %d",
		       errno, strerror(errno), err);
	close(fd);
	if (t_proc_segments() != 0)
		t_fail(__FILE__, line, "failed bind left a segment");
}

#define BAD_CREATE(b, err) expect_bind_fails(RTSHM_IOC_CREATE, (b), (err), __LINE__)
#define BAD_OPEN(b, err) expect_bind_fails(RTSHM_IOC_OPEN, (b), (err), __LINE__)

TEST(bad_pointers)
{
	int fd = dev();

	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_GET_INFO, NULL), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_GET_INFO, unmapped_page()), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_GET_INFO, KERNEL_ADDR), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_GET_INFO, readonly_page()), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_CREATE, NULL), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_CREATE, unmapped_page()), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_CREATE, KERNEL_ADDR), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_OPEN, KERNEL_ADDR), EFAULT);
	close(fd);

	{
		struct rtshm_bind b = good_create("x");

		b.name = 0;
		BAD_CREATE(b, EFAULT);
		b.name = (uintptr_t)unmapped_page();
		BAD_CREATE(b, EFAULT);
		b.name = (uintptr_t)KERNEL_ADDR;
		BAD_CREATE(b, EFAULT);
		b = good_create("x");
		b.flags = 0;
		b.name = (uintptr_t)KERNEL_ADDR;
		b.size = 0;
		b.mode = 0;
		BAD_OPEN(b, EFAULT);
	}
}

TEST(bad_fields)
{
	struct rtshm_bind b;
	unsigned int i;

	/* 2.1: max_phys, reserved before, is still zero without its flag */
	b = good_create("r");
	b.max_phys = 1;
	BAD_CREATE(b, EINVAL);
	b.max_phys = ~0ULL;
	BAD_CREATE(b, EINVAL);
	b = good_create("s");
	b.serial = 1;
	BAD_CREATE(b, EINVAL);
	b.flags |= RTSHM_BIND_SERIAL;
	BAD_CREATE(b, EINVAL);
	for (i = 0; i < 32; i++) {
		if (RTSHM_BIND_FLAGS & (1U << i))
			continue;	/* a flag of the ABI */
		b = good_create("f");
		b.flags |= 1U << i;
		BAD_CREATE(b, EINVAL);
	}
	/* owning a name someone else may have made: only with EXCL */
	b = good_create("f");
	b.flags |= RTSHM_BIND_OWNED;
	BAD_CREATE(b, EINVAL);
	b = good_create("f");
	b.flags |= RTSHM_BIND_BY_ID;
	BAD_CREATE(b, EINVAL);
	/* 1.2: tier and node */
	b = good_create("tier");
	b.tier = RTSHM_TIER_POOL + 1;
	BAD_CREATE(b, EINVAL);
	b.tier = ~0U;
	BAD_CREATE(b, EINVAL);
	b = good_create("node");
	b.node = 1;		/* a node without RTSHM_BIND_NODE */
	BAD_CREATE(b, EINVAL);
	b.node = -1;
	BAD_CREATE(b, EINVAL);
	b.flags |= RTSHM_BIND_NODE;
	BAD_CREATE(b, EINVAL);	/* -1 is no node */
	b.node = 1 << 20;
	BAD_CREATE(b, EINVAL);
	b.node = 0x7fffffff;
	BAD_CREATE(b, EINVAL);
	b = good_create("t");
	b.type = 0;
	BAD_CREATE(b, EINVAL);
	b.type = RTSHM_TYPE_EVENT;	/* a sync object needs its state */
	BAD_CREATE(b, EINVAL);
	b.type = RTSHM_TYPE_MAX + 1;
	BAD_CREATE(b, EINVAL);
	b.type = ~0U;
	BAD_CREATE(b, EINVAL);
	b = good_create("s");
	b.state = (uintptr_t)&b;	/* a segment has none */
	BAD_CREATE(b, EINVAL);
	b = good_create("z");
	b.type = RTSHM_TYPE_SEMAPHORE;
	b.state = (uintptr_t)&b;
	b.size = RTSHM_SYNC_STATE_SIZE + 1;
	BAD_CREATE(b, EINVAL);
	b.size = 0;
	BAD_CREATE(b, EINVAL);
	b.size = 64;
	b.state = 8;			/* unreadable */
	BAD_CREATE(b, EFAULT);
	b.state = (uintptr_t)&b;
	b.tier = RTSHM_TIER_PAGES;	/* tiers are for segments */
	BAD_CREATE(b, EINVAL);
	b.tier = 0;
	b.flags |= RTSHM_BIND_NODE;
	BAD_CREATE(b, EINVAL);
	b.flags &= ~RTSHM_BIND_NODE;	/* nor is a physical limit */
	b.flags |= RTSHM_BIND_MAX_PHYS;
	b.max_phys = ~0ULL;
	BAD_CREATE(b, EINVAL);
	b = good_create("m");
	b.mode = 01000;
	BAD_CREATE(b, EINVAL);
	b = good_create("i");
	b.id = 5;
	BAD_CREATE(b, EINVAL);
	b = good_create("o");
	b.result = 1;
	BAD_CREATE(b, EINVAL);
	b = good_create("z");
	b.size = 0;
	BAD_CREATE(b, EINVAL);
	b = good_create("nul\0inside");
	b.name_len = 10;
	BAD_CREATE(b, EINVAL);
	b = good_create("back\\slash");
	BAD_CREATE(b, EINVAL);
	b = good_create("long");
	b.name_len = RTSHM_NAME_MAX + 1;
	BAD_CREATE(b, ENAMETOOLONG);
	b.name_len = ~0U;
	BAD_CREATE(b, ENAMETOOLONG);

	/* OPEN: in-only CREATE fields must be zero; exactly one of name and id */
	b = good_create("x");
	b.size = 0;
	b.mode = 0;
	b.flags = RTSHM_BIND_EXCL;
	BAD_OPEN(b, EINVAL);
	b.flags = 0;
	b.mode = 0600;
	BAD_OPEN(b, EINVAL);
	b.mode = 0;
	b.size = 4096;
	BAD_OPEN(b, EINVAL);
	b.size = 0;
	b.flags = RTSHM_BIND_BY_ID;
	b.id = 1;
	BAD_OPEN(b, EINVAL);	/* name and id */
	b.name_len = 0;
	b.id = 0;
	BAD_OPEN(b, EINVAL);	/* neither */
	b.flags = 0;
	BAD_OPEN(b, EINVAL);
	b.id = 3;
	BAD_OPEN(b, EINVAL);	/* id without BY_ID */
	b.flags = RTSHM_BIND_BY_ID;
	b.id = 70000;
	BAD_OPEN(b, ENOENT);
	b.id = 1;
	b.serial = 5;
	BAD_OPEN(b, EINVAL);	/* serial without RTSHM_BIND_SERIAL */
	b.flags |= RTSHM_BIND_SERIAL;
	b.serial = 0;
	BAD_OPEN(b, EINVAL);	/* RTSHM_BIND_SERIAL without a serial */
	b.serial = 5;
	BAD_OPEN(b, ENOENT);
	b.tier = RTSHM_TIER_PAGES;	/* 1.2: tier and node are CREATE-only */
	BAD_OPEN(b, EINVAL);
	b.tier = 0;
	b.node = 1;
	BAD_OPEN(b, EINVAL);
	b.flags |= RTSHM_BIND_NODE;
	b.node = 0;
	BAD_OPEN(b, EINVAL);
	b.flags &= ~RTSHM_BIND_NODE;	/* 2.1: the physical limit too */
	b.flags |= RTSHM_BIND_MAX_PHYS;
	b.max_phys = ~0ULL;
	BAD_OPEN(b, EINVAL);
	b.flags &= ~RTSHM_BIND_MAX_PHYS;
	BAD_OPEN(b, EINVAL);
	b = good_create("n");
	b.size = 0;
	b.mode = 0;
	b.flags = RTSHM_BIND_SERIAL;
	b.serial = 5;
	BAD_OPEN(b, EINVAL);	/* a serial needs an id, not a name */
	b = good_create("absent");
	b.size = 0;
	b.mode = 0;
	BAD_OPEN(b, ENOENT);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(lookup_and_catalog_fields)
{
	struct rtshm_lookup l;
	struct rtshm_catalog c;
	unsigned int i;
	int fd;

	memset(&l, 0, sizeof(l));
	l.name = (uintptr_t)"absent";
	l.name_len = 6;
	CHECK_EQ(lookup_err(l), ENOENT);
	for (i = 0; i < 2; i++) {
		struct rtshm_lookup bad = l;

		bad.reserved[i] = 1;
		CHECK_EQ(lookup_err(bad), EINVAL);
	}
	l.flags = 1U << 3;
	CHECK_EQ(lookup_err(l), EINVAL);
	l.pad = 1;
	CHECK_EQ(lookup_err(l), EINVAL);
	l.pad = 0;
	/* a directory needs its flag, its id and its serial (2.2) */
	l.flags = RTSHM_LOOKUP_DIR;
	CHECK_EQ(lookup_err(l), EINVAL);
	l.dir_id = 1;
	CHECK_EQ(lookup_err(l), EINVAL);
	l.dir_serial = 1;
	CHECK_EQ(lookup_err(l), ESRCH);
	l.flags = 0;
	CHECK_EQ(lookup_err(l), EINVAL);
	l.dir_id = 0;
	CHECK_EQ(lookup_err(l), EINVAL);
	l.dir_serial = 0;
	l.deadline_ns = 1;	/* a deadline without RTSHM_LOOKUP_WAIT */
	CHECK_EQ(lookup_err(l), EINVAL);
	l.deadline_ns = 0;
	l.serial = 1;		/* out fields must be zero on input */
	CHECK_EQ(lookup_err(l), EINVAL);
	l.serial = 0;
	l.flags = RTSHM_LOOKUP_BY_ID;	/* id lookup with a name */
	l.id = 1;
	CHECK_EQ(lookup_err(l), EINVAL);
	l.name_len = 0;
	l.flags = RTSHM_LOOKUP_BY_ID | RTSHM_LOOKUP_WAIT;	/* ids cannot be waited for */
	CHECK_EQ(lookup_err(l), EINVAL);
	l.flags = RTSHM_LOOKUP_BY_ID;
	l.id = 0;
	CHECK_EQ(lookup_err(l), EINVAL);
	l.id = 65535;
	CHECK_EQ(lookup_err(l), ENOENT);
	l.flags = 0;
	l.id = 0;
	CHECK_EQ(lookup_err(l), EINVAL);	/* neither name nor id */
	l.name = (uintptr_t)KERNEL_ADDR;
	l.name_len = 4;
	CHECK_EQ(lookup_err(l), EFAULT);
	l.name_len = RTSHM_NAME_MAX + 1;
	CHECK_EQ(lookup_err(l), ENAMETOOLONG);
	l.flags = RTSHM_LOOKUP_WAIT;
	l.name = (uintptr_t)"absent";
	l.name_len = 6;
	l.deadline_ns = 1;	/* long past */
	CHECK_EQ(lookup_err(l), ETIMEDOUT);

	fd = dev();
	memset(&c, 0, sizeof(c));
	c.name = (uintptr_t)"cat";
	c.name_len = 3;
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_CATALOG, c), ENOTCONN);
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_UNCATALOG, c), ENOENT);
	c.flags = 2;
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_CATALOG, c), EINVAL);
	c.flags = RTSHM_CATALOG_DIR;	/* without a directory */
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_UNCATALOG, c), EINVAL);
	c.dir_id = 1;
	c.dir_serial = 1;
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_UNCATALOG, c), ESRCH);
	c.flags = 0;			/* a directory without the flag */
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_UNCATALOG, c), EINVAL);
	c.dir_id = 0;
	c.dir_serial = 0;
	c.pad = 1;
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_UNCATALOG, c), EINVAL);
	c.pad = 0;
	c.name_len = 0;
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_CATALOG, c), EINVAL);
	c.name = (uintptr_t)"a\\b";
	c.name_len = 3;
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_UNCATALOG, c), EINVAL);
	c.name = (uintptr_t)KERNEL_ADDR;
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_CATALOG, c), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_LOOKUP, NULL), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_CATALOG, NULL), EFAULT);
	close(fd);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(bind_once_stat_and_mmap_need_binding)
{
	struct rtshm_bind b = good_create(t_name("once"));
	struct rtshm_stat st;
	int fd = dev();
	void *p;

	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_STAT, &st), ENOTCONN);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p == MAP_FAILED && errno == ENOTCONN);
	CHECK_SYS(ioctl(fd, RTSHM_IOC_CREATE, &b));
	CHECK_EQ(b.result, RTSHM_RESULT_CREATED);
	b.result = 0;
	b.id = 0;	/* out fields must be cleared before reuse */
	b.serial = 0;
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_CREATE, &b), EBUSY);
	b.flags = 0;
	b.size = 0;
	b.mode = 0;
	b.id = 0;
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_OPEN, &b), EBUSY);
	CHECK_SYS(ioctl(fd, RTSHM_IOC_STAT, &st));
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_STAT, NULL), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_STAT, KERNEL_ADDR), EFAULT);
	CHECK_EQ(t_proc_segments(), 1);
	close(fd);
	CHECK_EQ(t_proc_segments(), 0);
}

/* Results that cannot be written back: the handle is bound, nothing leaks. */
TEST(result_copy_fault_keeps_state_consistent)
{
	struct rtshm_bind *b = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct rtshm_stat st;
	int fd = dev();

	*b = good_create("rofault");
	CHECK_SYS(mprotect(b, 4096, PROT_READ));
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_CREATE, b), EFAULT);
	CHECK_SYS(ioctl(fd, RTSHM_IOC_STAT, &st));
	CHECK_EQ(st.size, 4096);
	close(fd);
	CHECK_EQ(t_proc_segments(), 0);
}

/* ---- RTSHM_IOC_PHYS (2.1) ---------------------------------------------- */

static int phys_err(int fd, struct rtshm_phys p)
{
	return ioctl(fd, RTSHM_IOC_PHYS, &p) ? errno : 0;
}

static struct rtshm_phys phys_at(uint64_t offset)
{
	struct rtshm_phys p;

	memset(&p, 0, sizeof(p));
	p.offset = offset;
	return p;
}

/* A new handle bound to a fresh unnamed segment of @size bytes. */
static int bound_segment(uint64_t size)
{
	struct rtshm_bind b = good_create("");
	int fd = dev();

	b.name_len = 0;
	b.size = size;
	CHECK_SYS(ioctl(fd, RTSHM_IOC_CREATE, &b));
	return fd;
}

TEST(phys_fields)
{
	struct rtshm_phys p = phys_at(0);
	struct rtshm_stat st;
	unsigned int i;
	int fd = dev();

	CHECK_EQ(phys_err(fd, p), ENOTCONN);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_PHYS, NULL), EFAULT);
	close(fd);

	fd = bound_segment(3 * 4096);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_PHYS, NULL), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_PHYS, unmapped_page()), EFAULT);
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_PHYS, KERNEL_ADDR), EFAULT);
	for (i = 0; i < 4; i++) {
		p = phys_at(0);
		p.reserved[i] = 1;
		CHECK_EQ(phys_err(fd, p), EINVAL);
	}
	p = phys_at(0);
	p.flags = 1;
	CHECK_EQ(phys_err(fd, p), EINVAL);
	p = phys_at(0);
	p.pad = 1;
	CHECK_EQ(phys_err(fd, p), EINVAL);
	p = phys_at(0);
	p.phys_addr = 4096;	/* out fields must be zero on input */
	CHECK_EQ(phys_err(fd, p), EINVAL);
	p = phys_at(0);
	p.contig = 1;
	CHECK_EQ(phys_err(fd, p), EINVAL);
	CHECK_EQ(phys_err(fd, phys_at(3 * 4096)), EINVAL);	/* one past the end */
	CHECK_EQ(phys_err(fd, phys_at(~0ULL)), EINVAL);
	CHECK_EQ(phys_err(fd, phys_at(1ULL << 63)), EINVAL);

	/* good ones: byte-exact, contiguous to the end, as STAT says */
	memset(&st, 0, sizeof(st));
	CHECK_SYS(ioctl(fd, RTSHM_IOC_STAT, &st));
	CHECK(st.phys_addr != 0);
	p = phys_at(0);
	CHECK_SYS(ioctl(fd, RTSHM_IOC_PHYS, &p));
	CHECK_EQ(p.phys_addr, st.phys_addr);
	CHECK_EQ(p.contig, 3 * 4096);
	p = phys_at(2 * 4096 + 4095);
	CHECK_SYS(ioctl(fd, RTSHM_IOC_PHYS, &p));
	CHECK_EQ(p.phys_addr, st.phys_addr + 2 * 4096 + 4095);
	CHECK_EQ(p.contig, 1);
	/* a result that cannot be written back */
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_PHYS, readonly_page()), EFAULT);
	close(fd);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(phys_of_sync_object)
{
	struct rtshm_bind b = good_create("");
	char state[64] = { 1 };
	int fd = dev();

	b.name_len = 0;
	b.type = RTSHM_TYPE_EVENT;
	b.size = sizeof(state);
	b.state = (uintptr_t)state;
	CHECK_SYS(ioctl(fd, RTSHM_IOC_CREATE, &b));
	CHECK_EQ(phys_err(fd, phys_at(0)), EMEDIUMTYPE);
	close(fd);
	CHECK_EQ(t_proc_segments(), 0);
}

/* Opened without CAP_SYS_ADMIN: EPERM, the handle's other calls unaffected. */
static int phys_unprivileged(void *arg)
{
	int root_fd = *(int *)arg;
	struct rtshm_phys p = phys_at(0);
	struct rtshm_stat st;
	int fd = bound_segment(4096);

	if (phys_err(fd, p) != EPERM)
		return 1;
	memset(&st, 0, sizeof(st));
	if (ioctl(fd, RTSHM_IOC_STAT, &st) || st.phys_addr)
		return 2;
	close(fd);
	/* the opener's credentials decide, as for STAT: root opened this one */
	if (ioctl(root_fd, RTSHM_IOC_PHYS, &p) || !p.phys_addr)
		return 3;
	return 0;
}

TEST(phys_needs_cap_sys_admin_of_the_opener)
{
	int fd = bound_segment(4096);

	CHECK_EQ(t_run_as(1001, 1001, -1, phys_unprivileged, &fd), 0);
	close(fd);
	CHECK_EQ(t_proc_segments(), 0);
}

/* CREATE's physical limit: honoured, and too low fails cleanly. */
TEST(create_max_phys)
{
	static const uint64_t limits[] = { 0xffffffffULL, 0x0fffffffULL, 0x00ffffffULL };
	struct rtshm_bind b;
	struct rtshm_stat st;
	unsigned int i;
	int fd;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		b = good_create(t_name("below"));
		b.size = 64 * 1024;
		b.flags |= RTSHM_BIND_MAX_PHYS;
		b.max_phys = limits[i];
		fd = dev();
		CHECK_SYS(ioctl(fd, RTSHM_IOC_CREATE, &b));
		memset(&st, 0, sizeof(st));
		CHECK_SYS(ioctl(fd, RTSHM_IOC_STAT, &st));
		CHECK(st.phys_addr != 0);
		CHECK(st.phys_addr + st.size - 1 <= limits[i]);
		close(fd);
	}
	/* no memory at or below 4 KiB, nor 4 MiB below 2 MiB */
	b = good_create("low");
	b.flags |= RTSHM_BIND_MAX_PHYS;
	b.max_phys = 0xfff;
	BAD_CREATE(b, ENOMEM);
	b.max_phys = 0;
	BAD_CREATE(b, ENOMEM);
	b.size = 4 << 20;
	b.max_phys = (2 << 20) - 1;
	BAD_CREATE(b, ENOMEM);
	/* an existing name ignores it, as it ignores the size */
	fd = dev();
	b = good_create(t_name("exists"));
	CHECK_SYS(ioctl(fd, RTSHM_IOC_CREATE, &b));
	{
		int fd2 = dev();

		b.result = b.id = 0;
		b.serial = 0;
		b.flags |= RTSHM_BIND_MAX_PHYS;
		b.max_phys = 0;
		CHECK_SYS(ioctl(fd2, RTSHM_IOC_CREATE, &b));
		CHECK_EQ(b.result, RTSHM_RESULT_EXISTED);
		close(fd2);
	}
	close(fd);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(abi_2_1_features)
{
	struct rtshm_info info;
	int fd = dev();

	memset(&info, 0, sizeof(info));
	CHECK_SYS(ioctl(fd, RTSHM_IOC_GET_INFO, &info));
	CHECK_EQ(info.abi_major, 2);
	CHECK(info.abi_minor >= 1);
	CHECK(info.features & RTSHM_FEAT_PHYS);
	CHECK(info.features & RTSHM_FEAT_MAX_PHYS);
	CHECK_EQ(_IOC_NR(RTSHM_IOC_PHYS), 0x07);
	CHECK_EQ(_IOC_DIR(RTSHM_IOC_PHYS), _IOC_READ | _IOC_WRITE);
	CHECK_EQ(_IOC_SIZE(RTSHM_IOC_PHYS), 64);
	close(fd);
}

TEST(unknown_commands)
{
	char buf[512] = { 0 };
	int fd = dev();

	CHECK_SYSERR(ioctl(fd, 0, buf), ENOTTY);
	CHECK_SYSERR(ioctl(fd, _IO(RTSHM_IOC_MAGIC, 0x3f), buf), ENOTTY);
	CHECK_SYSERR(ioctl(fd, _IOWR(RTSHM_IOC_MAGIC, 0x01, char[8]), buf), ENOTTY);
	CHECK_SYSERR(ioctl(fd, _IOR(RTSHM_IOC_MAGIC, 0x00, char[16]), buf), ENOTTY);
	CHECK_SYSERR(ioctl(fd, _IOWR('T', 0x01, struct rtshm_bind), buf), ENOTTY);
	CHECK_SYSERR(ioctl(fd, FIONREAD, buf), ENOTTY);
	close(fd);
}

/* Random commands and argument bytes: the kernel stays healthy, nothing leaks. */
TEST(random_arguments)
{
	static const unsigned long cmds[] = {
		RTSHM_IOC_GET_INFO, RTSHM_IOC_CREATE, RTSHM_IOC_OPEN, RTSHM_IOC_STAT,
		RTSHM_IOC_LOOKUP, RTSHM_IOC_CATALOG, RTSHM_IOC_UNCATALOG,
		RTSHM_IOC_PHYS,
	};
	unsigned char buf[512];
	unsigned int seed = 12345;
	int i, j, fd = -1;

	for (i = 0; i < 20000; i++) {
		unsigned long cmd;

		if (fd < 0 || i % 16 == 0) {
			if (fd >= 0)
				close(fd);
			fd = dev();
		}
		for (j = 0; j < (int)sizeof(buf); j++)
			buf[j] = (unsigned char)rand_r(&seed);
		if (i % 2) {
			/* plausible binds: valid type, small sizes, names in buf */
			struct rtshm_bind *b = (struct rtshm_bind *)buf;

			b->type = RTSHM_TYPE_SHM;
			b->name = (uintptr_t)(buf + 128);
			b->name_len %= 8;
			b->size %= 3 * 4096;
			b->mode &= 0777;
			b->flags &= RTSHM_BIND_FLAGS;
			b->id %= 8;
			b->result = 0;
			b->state = 0;
			if (!(b->flags & RTSHM_BIND_MAX_PHYS))
				b->max_phys = 0;
		}
		if (i % 4 == 1) {
			/* plausible lookups and catalogs, never waiting long */
			struct rtshm_lookup *l = (struct rtshm_lookup *)buf;

			l->name = (uintptr_t)(buf + 128);
			l->name_len %= 8;
			l->flags &= RTSHM_LOOKUP_FLAGS;
			l->deadline_ns = l->flags & RTSHM_LOOKUP_WAIT ? 1 : 0;
			l->id %= 8;
			l->serial = l->size = 0;
			l->type = 0;
			memset(l->reserved, 0, sizeof(l->reserved));
		}
		cmd = rand_r(&seed) % 5 ? cmds[rand_r(&seed) % (sizeof(cmds) / sizeof(cmds[0]))] :
					  (unsigned long)rand_r(&seed);
		ioctl(fd, cmd, buf);
		if (rand_r(&seed) % 8 == 0) {
			size_t len = 4096 * (1 + rand_r(&seed) % 3);
			void *p = mmap(NULL, len,
				       rand_r(&seed) % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
				       MAP_SHARED, fd, 4096 * (rand_r(&seed) % 3));
			if (p != MAP_FAILED)
				munmap(p, len);
		}
	}
	close(fd);
	CHECK_EQ(t_proc_segments(), 0);
}

/*
 * A descriptor opened O_RDONLY: do_mmap() turns MAP_SHARED into a vma
 * without VM_SHARED (but VM_MAYSHARE) for such a file.  A read-only handle
 * on it maps read-only and shared: it sees the creator's later writes.
 */
TEST(map_shared_on_o_rdonly_descriptor)
{
	const char *name = t_name("rdonly");
	struct rtshm_bind b = good_create(name);
	char *w, *r;
	int h, fd;

	h = CHECK_OK(rtshm_create(name, 8192, RTSHM_RDWR, 0644, NULL));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&w));
	fd = CHECK_SYS(open("/dev/rtshm", O_RDONLY | O_CLOEXEC));
	b.flags = 0;		/* read-only handle */
	b.mode = 0;
	b.size = 0;
	CHECK_SYS(ioctl(fd, RTSHM_IOC_OPEN, &b));
	r = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(r == MAP_FAILED);
	r = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(r != MAP_FAILED);
	strcpy(w + 4096, "written after the read-only map");
	CHECK(!strcmp(r + 4096, "written after the read-only map"));
	CHECK_SYSERR(mprotect(r, 8192, PROT_READ | PROT_WRITE), EACCES);
	/* MAP_PRIVATE stays refused: a copy-on-write view of shared memory */
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	munmap(r, 8192);
	close(fd);
	rtshm_unmap(w, 8192);
	rtshm_close(h);
	CHECK_EQ(t_proc_segments(), 0);
}
