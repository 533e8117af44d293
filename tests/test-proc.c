// SPDX-License-Identifier: GPL-2.0
/* /proc/rtshm format: header, one escaped line per segment, summary. */
#include <sys/mman.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

static int read_first_line(char *buf, size_t len)
{
	FILE *f = fopen("/proc/rtshm", "re");

	if (!f || !fgets(buf, (int)len, f))
		return -1;
	fclose(f);
	return 0;
}

TEST(header_and_lines)
{
	char line[1024], name[64], backend[16], type[16], futex[8], huge[8];
	unsigned long long size, phys;
	unsigned int id, handles, maps, uid, gid, mode;
	struct rtshm_seg_info info;
	struct rtshm_result r;
	int h, h2, cpid, n, node;
	void *p;

	CHECK_EQ(read_first_line(line, sizeof(line)), 0);
	CHECK(!strcmp(line, "id name size handles mappings uid gid mode cpid phys backend node type futex huge\n"));

	h = CHECK_OK(rtshm_create("proc test", 8000, RTSHM_RDWR, 0640, &r));
	h2 = CHECK_OK(rtshm_open("proc test", RTSHM_RDONLY, NULL));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ, &p));
	n = sscanf(t_proc_line(r.id), "%u %63s %llu %u %u %u %u %o %d 0x%llx %15s %d %15s %7s %7s%c",
		   &id, name, &size, &handles, &maps, &uid, &gid, &mode, &cpid, &phys,
		   backend, &node, type, futex, huge, &line[0]);
	CHECK_EQ(n, 16);
	CHECK_EQ(line[0], '\n');	/* huge is the last field */
	CHECK(!strcmp(huge, "no"));	/* the page tier: 4 KiB entries */
	CHECK(!strcmp(type, "shm"));
	CHECK(!strcmp(futex, "yes"));	/* page-allocator memory has struct pages */
	CHECK_OK(rtshm_stat(h, &info));
	CHECK(!strcmp(backend, "pages"));	/* small segments: page allocator */
	CHECK_EQ(info.tier, RTSHM_BACKEND_PAGES);
	CHECK_EQ(info.shared_futex, 1);
	CHECK(node >= 0);
	CHECK_EQ(node, info.node);
	CHECK_EQ(id, r.id);
	CHECK(!strcmp(name, "proc\\040test"));	/* space escaped */
	CHECK_EQ(size, 8192);
	CHECK_EQ(handles, 2);
	CHECK_EQ(maps, 1);
	CHECK_EQ(uid, 0);
	CHECK_EQ(gid, 0);
	CHECK_EQ(mode, 0640);
	CHECK_EQ(cpid, getpid());
	CHECK(phys != 0);
	rtshm_unmap(p, 8192);
	rtshm_close(h2);
	rtshm_close(h);
}

/* The name field, with its surrounding spaces, follows the id. */
static int has_field(const char *line, const char *field)
{
	const char *sp = strchr(line, ' ');

	return sp && !strncmp(sp, field, strlen(field));
}

TEST(names_are_escaped)
{
	struct rtshm_result a, b, c;
	int ha, hb, hc;

	ha = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &a));
	hb = CHECK_OK(rtshm_create("-", 4096, RTSHM_RDWR, 0600, &b));
	hc = CHECK_OK(rtshm_create("tab\there\n\377", 4096, RTSHM_RDWR, 0600, &c));
	CHECK(has_field(t_proc_line(a.id), " - "));
	CHECK(has_field(t_proc_line(b.id), " \\055 "));
	CHECK(has_field(t_proc_line(c.id), " tab\\011here\\012\\377 "));
	rtshm_close(ha);
	rtshm_close(hb);
	rtshm_close(hc);
}

/* The phys field (the 10th) of a segment line; ~0 if there is none. */
static unsigned long long proc_phys(const char *line)
{
	unsigned long long phys;

	if (sscanf(line, "%*u %*s %*u %*u %*u %*u %*u %*o %*d 0x%llx", &phys) != 1)
		return ~0ULL;
	return phys;
}

static int read_phys_as_user(void *arg)
{
	uint32_t id = *(uint32_t *)arg;

	return proc_phys(t_proc_line(id)) ? 2 : 0;
}

TEST(physical_address_hidden_from_users)
{
	struct rtshm_result r;
	int h;

	h = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0644, &r));
	CHECK(proc_phys(t_proc_line(r.id)) != 0);
	CHECK(proc_phys(t_proc_line(r.id)) != ~0ULL);
	CHECK_EQ(t_run_as(1001, 1001, -1, read_phys_as_user, &r.id), 0);
	rtshm_close(h);
}
