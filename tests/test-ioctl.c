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

	for (i = 0; i < sizeof(b.reserved) / sizeof(b.reserved[0]); i++) {
		b = good_create("r");
		b.reserved[i] = 1ULL << (i * 16);
		BAD_CREATE(b, EINVAL);
	}
	b = good_create("s");
	b.serial = 1;
	BAD_CREATE(b, EINVAL);
	b.flags |= RTSHM_BIND_SERIAL;
	BAD_CREATE(b, EINVAL);
	for (i = 5; i < 32; i++) {
		b = good_create("f");
		b.flags |= 1U << i;
		BAD_CREATE(b, EINVAL);
	}
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
	for (i = 0; i < 4; i++) {
		struct rtshm_lookup bad = l;

		bad.reserved[i] = 1;
		CHECK_EQ(lookup_err(bad), EINVAL);
	}
	l.flags = 1U << 2;
	CHECK_EQ(lookup_err(l), EINVAL);
	l.flags = 0;
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
	c.flags = 1;
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_CATALOG, c), EINVAL);
	c.flags = 0;
	c.reserved[1] = 1;
	CHECK_EQ(catalog_err(fd, RTSHM_IOC_UNCATALOG, c), EINVAL);
	c.reserved[1] = 0;
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
			memset(b->reserved, 0, sizeof(b->reserved));
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
		cmd = rand_r(&seed) % 5 ? cmds[rand_r(&seed) % 7] : (unsigned long)rand_r(&seed);
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
