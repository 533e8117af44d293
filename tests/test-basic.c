// SPDX-License-Identifier: GPL-2.0
/* Create, open by name and by id, sizes, names, zero fill, mapping ranges. */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

static long page;

__attribute__((constructor)) static void init_page(void)
{
	page = sysconf(_SC_PAGESIZE);
}

TEST(create_new_then_existing)
{
	const char *name = t_name("seg");
	struct rtshm_result r1, r2;
	int h1, h2;

	h1 = CHECK_OK(rtshm_create(name, 10000, RTSHM_RDWR, 0600, &r1));
	CHECK_EQ(r1.created, 1);
	CHECK_EQ(r1.size, 3 * page);	/* rounded up to whole pages */
	CHECK(r1.id >= RTSHM_ID_FIRST && r1.id <= RTSHM_ID_LAST);

	/* an existing name: same segment, existing size, request ignored */
	h2 = CHECK_OK(rtshm_create(name, 1 << 20, RTSHM_RDWR, 0600, &r2));
	CHECK_EQ(r2.created, 0);
	CHECK_EQ(r2.size, 3 * page);
	CHECK_EQ(r2.id, r1.id);
	/* size 0 is fine when the name exists */
	CHECK_OK(rtshm_close(CHECK_OK(rtshm_create(name, 0, RTSHM_RDWR, 0600, &r2))));
	CHECK_EQ(r2.created, 0);

	CHECK_ERR(rtshm_create(name, page, RTSHM_RDWR | RTSHM_EXCL, 0600, NULL), EEXIST);
	CHECK_OK(rtshm_close(h1));
	CHECK_OK(rtshm_close(h2));
}

TEST(open_by_name_and_id_share_memory)
{
	const char *name = t_name("seg");
	struct rtshm_result r, ro;
	char *a, *b, *c;
	int h, hn, hi;

	h = CHECK_OK(rtshm_create(name, page, RTSHM_RDWR, 0600, &r));
	hn = CHECK_OK(rtshm_open(name, RTSHM_RDWR, &ro));
	CHECK_EQ(ro.id, r.id);
	CHECK_EQ(ro.size, page);
	CHECK_EQ(ro.created, 0);
	hi = CHECK_OK(rtshm_open_id(r.id, RTSHM_RDWR, &ro));
	CHECK_EQ(ro.size, page);

	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&a));
	CHECK_OK(rtshm_map(hn, 0, 0, PROT_READ | PROT_WRITE, (void **)&b));
	CHECK_OK(rtshm_map(hi, 0, 0, PROT_READ | PROT_WRITE, (void **)&c));
	CHECK(a != b && b != c);
	strcpy(a, "through the creator");
	CHECK(!strcmp(b, "through the creator"));
	strcpy(c + 100, "through the id");
	CHECK(!strcmp(a + 100, "through the id"));

	CHECK_OK(rtshm_unmap(a, page));
	CHECK_OK(rtshm_unmap(b, page));
	CHECK_OK(rtshm_unmap(c, page));
	CHECK_OK(rtshm_close(h));
	CHECK_OK(rtshm_close(hn));
	CHECK_OK(rtshm_close(hi));
}

TEST(open_missing)
{
	CHECK_ERR(rtshm_open(t_name("absent"), RTSHM_RDWR, NULL), ENOENT);
	CHECK_ERR(rtshm_open_id(RTSHM_ID_LAST, RTSHM_RDWR, NULL), ENOENT);
	CHECK_ERR(rtshm_open_id(0, RTSHM_RDWR, NULL), EINVAL);
	CHECK_ERR(rtshm_open_id(RTSHM_ID_LAST + 1, RTSHM_RDWR, NULL), EINVAL);
	CHECK_ERR(rtshm_open("", RTSHM_RDWR, NULL), EINVAL);
	CHECK_ERR(rtshm_open(NULL, RTSHM_RDWR, NULL), EINVAL);
}

TEST(names_are_case_sensitive_and_byte_exact)
{
	struct rtshm_result a, b, c;
	int ha, hb, hc;

	ha = CHECK_OK(rtshm_create("CaseName", page, RTSHM_RDWR, 0600, &a));
	hb = CHECK_OK(rtshm_create("casename", page, RTSHM_RDWR, 0600, &b));
	hc = CHECK_OK(rtshm_create("CaseName ", page, RTSHM_RDWR, 0600, &c));
	CHECK(a.created && b.created && c.created);
	CHECK(a.id != b.id && b.id != c.id);
	rtshm_close(ha);
	rtshm_close(hb);
	rtshm_close(hc);
}

TEST(name_rules)
{
	char longest[RTSHM_NAME_MAX_LEN + 2];
	char odd[] = "sp ace/\001\377\"*?<>|:;-";
	struct rtshm_result r;
	int h;

	memset(longest, 'n', sizeof(longest));
	longest[RTSHM_NAME_MAX_LEN] = '\0';
	h = CHECK_OK(rtshm_create(longest, page, RTSHM_RDWR, 0600, &r));
	CHECK_EQ(r.created, 1);
	rtshm_close(CHECK_OK(rtshm_open(longest, RTSHM_RDONLY, NULL)));
	rtshm_close(h);

	longest[RTSHM_NAME_MAX_LEN] = 'n';
	longest[RTSHM_NAME_MAX_LEN + 1] = '\0';
	CHECK_ERR(rtshm_create(longest, page, RTSHM_RDWR, 0600, NULL), ENAMETOOLONG);
	CHECK_ERR(rtshm_open(longest, RTSHM_RDWR, NULL), ENAMETOOLONG);

	CHECK_ERR(rtshm_create("back\\slash", page, RTSHM_RDWR, 0600, NULL), EINVAL);
	CHECK_ERR(rtshm_open("\\", RTSHM_RDWR, NULL), EINVAL);

	/* every other byte is allowed */
	h = CHECK_OK(rtshm_create(odd, page, RTSHM_RDWR, 0600, &r));
	CHECK_EQ(r.created, 1);
	rtshm_close(CHECK_OK(rtshm_open(odd, RTSHM_RDONLY, NULL)));
	rtshm_close(h);
}

TEST(unnamed_segments_are_distinct)
{
	struct rtshm_result a, b;
	struct rtshm_seg_info info;
	int ha, hb;

	ha = CHECK_OK(rtshm_create(NULL, page, RTSHM_RDWR, 0600, &a));
	hb = CHECK_OK(rtshm_create("", page, RTSHM_RDWR, 0600, &b));
	CHECK(a.created && b.created);
	CHECK(a.id != b.id);
	CHECK_OK(rtshm_stat(ha, &info));
	CHECK_EQ(info.name_len, 0);
	/* reachable by id only */
	rtshm_close(CHECK_OK(rtshm_open_id(a.id, RTSHM_RDWR, NULL)));
	rtshm_close(ha);
	rtshm_close(hb);
}

TEST(size_rules)
{
	struct rtshm_module_info mi;
	struct rtshm_result r;
	int h;

	CHECK_OK(rtshm_module_info(&mi));
	/* any tier's largest: at least the x86-64 page allocator's block */
	CHECK(mi.max_segment_size >= 4 << 20);
	CHECK_EQ(mi.max_segment_size % page, 0);

	CHECK_ERR(rtshm_create(t_name("zero"), 0, RTSHM_RDWR, 0600, NULL), EINVAL);
	CHECK_ERR(rtshm_create(NULL, 0, RTSHM_RDWR, 0600, NULL), EINVAL);
	h = CHECK_OK(rtshm_create(t_name("one"), 1, RTSHM_RDWR, 0600, &r));
	CHECK_EQ(r.size, page);
	rtshm_close(h);

	/* the page tier's largest block works, one byte more does not */
	h = CHECK_OK(rtshm_create(t_name("max"), 4 << 20, RTSHM_RDWR | RTSHM_USE_PAGES, 0600, &r));
	CHECK_EQ(r.size, 4 << 20);
	rtshm_close(h);
	CHECK_ERR(rtshm_create(t_name("big"), (4 << 20) + 1, RTSHM_RDWR | RTSHM_USE_PAGES,
			       0600, NULL), ENOMEM);
	/* beyond any tier: refused before allocating */
	CHECK_ERR(rtshm_create(t_name("big"), mi.max_segment_size + 1, RTSHM_RDWR, 0600, NULL), ENOMEM);
	CHECK_ERR(rtshm_create(t_name("huge"), UINT64_MAX, RTSHM_RDWR, 0600, NULL), ENOMEM);
	CHECK_ERR(rtshm_create(t_name("huge2"), UINT64_MAX - page + 2, RTSHM_RDWR, 0600, NULL), ENOMEM);
}

TEST(new_memory_is_zero)
{
	const uint64_t seg_size = 4 << 20;	/* the page tier's largest block */
	struct rtshm_module_info mi;
	unsigned char *p;
	uint64_t i;
	int round, h;

	CHECK_OK(rtshm_module_info(&mi));
	CHECK(mi.max_segment_size >= seg_size);
	/* scribble, free, allocate again: never see old bytes */
	for (round = 0; round < 4; round++) {
		h = CHECK_OK(rtshm_create(NULL, seg_size, RTSHM_RDWR, 0600, NULL));
		CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p));
		for (i = 0; i < seg_size; i++)
			if (p[i])
				t_fail(__FILE__, __LINE__, "byte %llu is 0x%02x",
				       (unsigned long long)i, p[i]);
		memset(p, 0xa5, seg_size);
		CHECK_OK(rtshm_unmap(p, seg_size));
		CHECK_OK(rtshm_close(h));
	}
}

TEST(map_ranges)
{
	struct rtshm_result r;
	char *whole, *part;
	int h;

	h = CHECK_OK(rtshm_create(t_name("r"), 4 * page, RTSHM_RDWR, 0600, &r));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&whole));
	CHECK_OK(rtshm_map(h, 2 * page, page, PROT_READ, (void **)&part));
	whole[2 * page + 7] = 'x';
	CHECK_EQ(part[7], 'x');
	CHECK_OK(rtshm_unmap(part, page));
	CHECK_OK(rtshm_map(h, 3 * page, 0, PROT_READ, (void **)&part));
	CHECK_OK(rtshm_unmap(part, page));

	CHECK_ERR(rtshm_map(h, 4 * page, 0, PROT_READ, (void **)&part), EINVAL);
	CHECK_ERR(rtshm_map(h, 3 * page, 2 * page, PROT_READ, (void **)&part), EINVAL);
	CHECK_ERR(rtshm_map(h, 1, page, PROT_READ, (void **)&part), EINVAL);
	CHECK_ERR(rtshm_map(h, 0, 5 * page, PROT_READ, (void **)&part), EINVAL);
	/* a private copy-on-write view is refused by the device */
	CHECK(mmap(NULL, page, PROT_READ, MAP_PRIVATE, h, 0) == MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	/* mremap cannot grow it */
	CHECK(mremap(whole, 4 * page, 8 * page, MREMAP_MAYMOVE) == MAP_FAILED);

	CHECK_OK(rtshm_unmap(whole, 4 * page));
	CHECK_OK(rtshm_close(h));
}

TEST(stat_reports_the_segment)
{
	const char *name = t_name("st");
	struct rtshm_seg_info info;
	struct rtshm_result r;
	void *p;
	int h, h2;

	h = CHECK_OK(rtshm_create(name, 2 * page, RTSHM_RDWR, 0640, &r));
	h2 = CHECK_OK(rtshm_open(name, RTSHM_RDONLY, NULL));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ, &p));
	CHECK_OK(rtshm_stat(h, &info));
	CHECK_EQ(info.size, 2 * page);
	CHECK_EQ(info.id, r.id);
	CHECK_EQ(info.mode, 0640);
	CHECK_EQ(info.uid, getuid());
	CHECK_EQ(info.gid, getgid());
	CHECK_EQ(info.creator_pid, getpid());
	CHECK_EQ(info.handles, 2);
	CHECK_EQ(info.mappings, 1);
	CHECK_EQ(info.writable, 1);
	CHECK_EQ(info.name_len, strlen(name));
	CHECK(!strcmp(info.name, name));
	CHECK(info.phys_addr != 0);	/* we are root */
	CHECK_EQ(info.phys_addr % page, 0);
	CHECK_OK(rtshm_stat(h2, &info));
	CHECK_EQ(info.writable, 0);
	CHECK_OK(rtshm_unmap(p, 2 * page));
	rtshm_close(h);
	rtshm_close(h2);
}

TEST(handles_are_cloexec)
{
	int h = CHECK_OK(rtshm_create(NULL, page, RTSHM_RDWR, 0600, NULL));

	CHECK(fcntl(h, F_GETFD) & FD_CLOEXEC);
	rtshm_close(h);
}
