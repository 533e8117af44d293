// SPDX-License-Identifier: GPL-2.0
/*
 * RTX shared memory: create, open, sizes, names, access, views, close.
 * Results are checked against what the process really has mapped
 * (/proc/self/maps) and what the kernel holds (/proc/rtshm, rtshm_stat).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rtapi.h"
#include "rtx/util.h"

static long page;

__attribute__((constructor)) static void init_page(void)
{
	page = sysconf(_SC_PAGESIZE);
}

static char *copy_name(const char *tag)
{
	static char names[4][128];
	static int next;
	char *n = names[next++ % 4];

	snprintf(n, sizeof(names[0]), "%s", t_name(tag));
	return n;
}

TEST(constants_have_documented_values)
{
	CHECK_EQ(PAGE_READONLY, 0x02);
	CHECK_EQ(PAGE_READWRITE, 0x04);
	CHECK_EQ(SHM_MAP_READ, 1);
	CHECK_EQ(SHM_MAP_WRITE, 2);
	CHECK_EQ(SHM_MAP_ALL_ACCESS, 3);
	CHECK_EQ(RTX_MAX_OBJECT_NAME_LENGTH, 256);
	CHECK_EQ(ERROR_SUCCESS, 0);
	CHECK_EQ(ERROR_FILE_NOT_FOUND, 2);
	CHECK_EQ(ERROR_TOO_MANY_OPEN_FILES, 4);
	CHECK_EQ(ERROR_ACCESS_DENIED, 5);
	CHECK_EQ(ERROR_INVALID_HANDLE, 6);
	CHECK_EQ(ERROR_NOT_ENOUGH_MEMORY, 8);
	CHECK_EQ(ERROR_GEN_FAILURE, 31);
	CHECK_EQ(ERROR_DEV_NOT_EXIST, 55);
	CHECK_EQ(ERROR_INVALID_PARAMETER, 87);
	CHECK_EQ(ERROR_INVALID_NAME, 123);
	CHECK_EQ(ERROR_ALREADY_EXISTS, 183);
	CHECK_EQ(ERROR_FILENAME_EXCED_RANGE, 206);
	CHECK_EQ(ERROR_INVALID_ADDRESS, 487);
	CHECK_EQ(ERROR_NOACCESS, 998);
	CHECK_EQ(ERROR_MAPPED_ALIGNMENT, 1132);
	CHECK_EQ(ERROR_REVISION_MISMATCH, 1306);
	CHECK_EQ(ERROR_NOT_ENOUGH_QUOTA, 1816);
	/* Windows sizes, not Linux ones */
	CHECK_EQ(sizeof(DWORD), 4);
	CHECK_EQ(sizeof(LONG), 4);
	CHECK_EQ(sizeof(ULONG), 4);
	CHECK_EQ(sizeof(WORD), 2);
	CHECK_EQ(sizeof(BYTE), 1);
	CHECK_EQ(sizeof(LONGLONG), 8);
	CHECK_EQ(sizeof(LARGE_INTEGER), 8);
	CHECK_EQ(sizeof(HANDLE), sizeof(void *));
	CHECK_EQ(sizeof(WCHAR), sizeof(wchar_t));
}

TEST(create_new_name)
{
	const char *name = copy_name("new");
	long before = t_proc_segments();
	char *p;
	HANDLE h;

	SetLastError(12345);
	h = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 10000, name, (VOID **)&p);
	CHECK(h != NULL);
	CHECK_LASTERR(ERROR_SUCCESS);
	CHECK(p != NULL);
	CHECK_EQ(t_map_len(p), 3 * page);	/* whole pages */
	CHECK(!strcmp(t_map_perms(p), "rw-s"));
	CHECK_EQ(p[0], 0);
	strcpy(p + 9999 - 5, "tail");
	CHECK_EQ(t_proc_segments(), before + 1);
	CHECK_EQ(t_seg_info(name).size, 3 * page);

	CHECK(RtCloseHandle(h));
	CHECK_EQ(t_map_len(p), 0);
	CHECK_EQ(t_proc_segments(), before);
}

TEST(create_existing_name_opens_it)
{
	const char *name = copy_name("exists");
	char *a, *b, *c;
	HANDLE ha, hb, hc;

	ha = RtCreateSharedMemoryA(0, 0, 2 * page, name, (VOID **)&a);
	CHECK(ha != NULL);
	CHECK_LASTERR(ERROR_SUCCESS);
	strcpy(a, "first");

	/* a larger request: the existing size wins */
	hb = RtCreateSharedMemoryA(0, 0, 1 << 20, name, (VOID **)&b);
	CHECK(hb != NULL && hb != ha);
	CHECK_LASTERR(ERROR_ALREADY_EXISTS);
	CHECK(b != a);
	CHECK_EQ(t_map_len(b), 2 * page);
	CHECK(!strcmp(b, "first"));
	strcpy(b + page, "second");
	CHECK(!strcmp(a + page, "second"));

	/* size 0 is fine for an existing name */
	hc = RtCreateSharedMemoryA(0, 0, 0, name, (VOID **)&c);
	CHECK(hc != NULL);
	CHECK_LASTERR(ERROR_ALREADY_EXISTS);
	CHECK_EQ(t_map_len(c), 2 * page);
	CHECK_EQ(t_seg_info(name).handles, 4);

	CHECK(RtCloseHandle(ha));
	CHECK(RtCloseHandle(hb));
	CHECK(RtCloseHandle(hc));
}

TEST(create_ignores_flprotect)
{
	/* 0, the two Win32 protections, the SHM_MAP values some code passes */
	static const DWORD values[] = {
		0, PAGE_READONLY, PAGE_READWRITE, SHM_MAP_READ, SHM_MAP_WRITE,
		SHM_MAP_ALL_ACCESS, 0xffffffff,
	};
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char *p;
		HANDLE h = RtCreateSharedMemoryA(values[i], 0, 100, NULL, (VOID **)&p);

		CHECK(h != NULL);
		CHECK(!strcmp(t_map_perms(p), "rw-s"));
		p[0] = 'w';	/* a fault here fails the test */
		CHECK_EQ(p[0], 'w');
		CHECK(RtCloseHandle(h));
	}
}

TEST(create_size_rules)
{
	struct rtshm_module_info mi;
	long before = t_proc_segments();
	char *p;
	HANDLE h;

	CHECK_OK(rtshm_module_info(&mi));

	p = (char *)1;
	CHECK(!RtCreateSharedMemoryA(0, 0, 0, copy_name("zero"), (VOID **)&p));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
	CHECK(p == NULL);
	CHECK(!RtCreateSharedMemoryA(0, 0, 0, NULL, (VOID **)&p));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);

	h = RtCreateSharedMemoryA(0, 0, 1, NULL, (VOID **)&p);
	CHECK(h != NULL);
	CHECK_EQ(t_map_len(p), page);
	RtCloseHandle(h);

	/* High:Low is one 64-bit size */
	CHECK(!RtCreateSharedMemoryA(0, 1, 0, NULL, (VOID **)&p));
	CHECK_LASTERR(ERROR_NOT_ENOUGH_MEMORY);
	CHECK(!RtCreateSharedMemoryA(0, 0xffffffff, 0xffffffff, copy_name("huge"), (VOID **)&p));
	CHECK_LASTERR(ERROR_NOT_ENOUGH_MEMORY);
	CHECK(!RtCreateSharedMemoryA(0, 0, (DWORD)mi.max_segment_size + 1, NULL, (VOID **)&p));
	CHECK_LASTERR(ERROR_NOT_ENOUGH_MEMORY);
	CHECK(p == NULL);

	/* the page allocator's largest block (larger ones are best effort) */
	h = RtCreateSharedMemoryA(0, 0, 4 << 20, NULL, (VOID **)&p);
	CHECK(h != NULL);
	CHECK_EQ(t_map_len(p), 4 << 20);
	RtCloseHandle(h);
	CHECK_EQ(t_proc_segments(), before);
}

#define PARAM_DIR "/sys/module/rtshm/parameters/"

static void read_param(const char *name, char *buf, size_t size)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = (int)CHECK_SYS(open(path, O_RDONLY | O_CLOEXEC));
	n = read(fd, buf, size - 1);
	close(fd);
	CHECK(n > 0);
	buf[n] = '\0';
}

static void write_param(const char *name, const char *value)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = (int)CHECK_SYS(open(path, O_WRONLY | O_CLOEXEC));
	CHECK_EQ(write(fd, value, strlen(value)), (long)strlen(value));
	close(fd);
}

TEST(segment_limit_is_not_enough_memory)
{
	char old[32], limit[32];
	HANDLE h[2], over;
	void *p;
	int i;

	read_param("max_segments", old, sizeof(old));
	snprintf(limit, sizeof(limit), "%ld", t_proc_segments() + 2);
	write_param("max_segments", limit);
	for (i = 0; i < 2; i++)
		h[i] = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);
	over = RtCreateSharedMemoryA(0, 0, 4096, copy_name("over"), &p);
	write_param("max_segments", old);
	CHECK(h[0] && h[1]);
	CHECK(over == NULL);
	CHECK_LASTERR(ERROR_NOT_ENOUGH_MEMORY);
	RtCloseHandle(h[0]);
	RtCloseHandle(h[1]);
}

#define USER2	1002

/* Child body: 0 if the user's quota stops the second segment as it should. */
static int create_over_quota(void *arg)
{
	void *p;

	(void)arg;
	if (!RtCreateSharedMemoryA(0, 0, 3 * (DWORD)page, NULL, &p))
		return 1;
	if (RtCreateSharedMemoryA(0, 0, 2 * (DWORD)page, NULL, &p))
		return 2;
	return GetLastError() == ERROR_NOT_ENOUGH_QUOTA ? 0 : 3;
}

TEST(user_quota_is_not_enough_quota)
{
	char old[32], quota[32];
	int rc;

	read_param("max_user_bytes", old, sizeof(old));
	snprintf(quota, sizeof(quota), "%ld", 4 * page);
	write_param("max_user_bytes", quota);
	rc = t_run_as(USER2, USER2, -1, create_over_quota, NULL);
	write_param("max_user_bytes", old);
	CHECK_EQ(rc, 0);
}

TEST(location_null_creates_nothing)
{
	const char *name = copy_name("noloc");
	long before = t_proc_segments();

	CHECK(!RtCreateSharedMemoryA(0, 0, 4096, name, NULL));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
	CHECK(!RtCreateSharedMemoryW(0, 0, 4096, L"noloc", NULL));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
	CHECK_EQ(t_proc_segments(), before);
	CHECK_ERR(rtshm_open(name, RTSHM_RDONLY, NULL), ENOENT);

	/* and open too */
	{
		void *p;
		HANDLE h = RtCreateSharedMemoryA(0, 0, 4096, name, &p);

		CHECK(!RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, NULL));
		CHECK_LASTERR(ERROR_INVALID_PARAMETER);
		CHECK_EQ(t_seg_info(name).handles, 2);
		RtCloseHandle(h);
	}
}

TEST(unnamed_segments_are_distinct)
{
	char *a, *b;
	HANDLE ha, hb;

	ha = RtCreateSharedMemoryA(0, 0, 4096, NULL, (VOID **)&a);
	CHECK_LASTERR(ERROR_SUCCESS);
	hb = RtCreateSharedMemoryA(0, 0, 4096, "", (VOID **)&b);
	CHECK_LASTERR(ERROR_SUCCESS);
	CHECK(ha && hb);
	a[0] = 'a';
	b[0] = 'b';
	CHECK_EQ(a[0], 'a');
	RtCloseHandle(ha);
	RtCloseHandle(hb);
}

TEST(name_rules)
{
	char name[RTX_MAX_OBJECT_NAME_LENGTH + 8];
	void *p, *q;
	HANDLE h, h2;

	/* RTX_MAX_OBJECT_NAME_LENGTH counts the NUL: 255 bytes fit */
	memset(name, 'n', sizeof(name));
	name[RTX_MAX_OBJECT_NAME_LENGTH - 1] = '\0';
	h = RtCreateSharedMemoryA(0, 0, 4096, name, &p);
	CHECK(h != NULL);
	CHECK_LASTERR(ERROR_SUCCESS);
	h2 = RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, &q);
	CHECK(h2 != NULL);
	RtCloseHandle(h2);
	RtCloseHandle(h);

	name[RTX_MAX_OBJECT_NAME_LENGTH - 1] = 'n';
	name[RTX_MAX_OBJECT_NAME_LENGTH] = '\0';
	CHECK(!RtCreateSharedMemoryA(0, 0, 4096, name, &p));
	CHECK_LASTERR(ERROR_FILENAME_EXCED_RANGE);
	CHECK(!RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, &p));
	CHECK_LASTERR(ERROR_FILENAME_EXCED_RANGE);
	/* too long wins over a bad character */
	name[10] = '\\';
	CHECK(!RtCreateSharedMemoryA(0, 0, 4096, name, &p));
	CHECK_LASTERR(ERROR_FILENAME_EXCED_RANGE);

	CHECK(!RtCreateSharedMemoryA(0, 0, 4096, "back\\slash", &p));
	CHECK_LASTERR(ERROR_INVALID_NAME);
	CHECK(!RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, "\\", &p));
	CHECK_LASTERR(ERROR_INVALID_NAME);

	/* every other character is allowed, and case matters */
	h = RtCreateSharedMemoryA(0, 0, 4096, "Global/sp ace*?<>|:\"", &p);
	CHECK(h != NULL);
	CHECK_LASTERR(ERROR_SUCCESS);
	CHECK(!RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, "global/sp ace*?<>|:\"", &q));
	CHECK_LASTERR(ERROR_FILE_NOT_FOUND);
	RtCloseHandle(h);
}

TEST(open_access_modes)
{
	const char *name = copy_name("acc");
	char *c, *r, *w, *a;
	HANDLE hc, hr, hw, ha;

	hc = RtCreateSharedMemoryA(0, 0, 4096, name, (VOID **)&c);
	CHECK(hc != NULL);
	strcpy(c, "from the creator");

	SetLastError(777);
	hr = RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, (VOID **)&r);
	CHECK(hr != NULL);
	CHECK_LASTERR(777);	/* success leaves the last error alone */
	hw = RtOpenSharedMemoryA(SHM_MAP_WRITE, TRUE, name, (VOID **)&w);
	ha = RtOpenSharedMemoryA(SHM_MAP_ALL_ACCESS, FALSE, name, (VOID **)&a);
	CHECK(hw && ha);
	CHECK(hr != hw && hw != ha);
	CHECK(r != c && w != c && a != c && r != w && w != a);

	CHECK(!strcmp(t_map_perms(r), "r--s"));
	CHECK(!strcmp(t_map_perms(w), "rw-s"));
	CHECK(!strcmp(t_map_perms(a), "rw-s"));
	CHECK(!strcmp(r, "from the creator"));
	CHECK(t_write_faults(r));
	CHECK(!t_write_faults(w));
	strcpy(w + 100, "from the writer");
	CHECK(!strcmp(r + 100, "from the writer"));
	strcpy(a + 200, "from all access");
	CHECK(!strcmp(c + 200, "from all access"));

	CHECK(RtCloseHandle(hr));
	CHECK(RtCloseHandle(hw));
	CHECK(RtCloseHandle(ha));
	CHECK(RtCloseHandle(hc));
}

TEST(open_missing_or_unnamed)
{
	void *p;

	CHECK(!RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, copy_name("absent"), &p));
	CHECK_LASTERR(ERROR_FILE_NOT_FOUND);
	CHECK(!RtOpenSharedMemoryW(SHM_MAP_READ, FALSE, L"rtx.absent.name", &p));
	CHECK_LASTERR(ERROR_FILE_NOT_FOUND);
	CHECK(!RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, NULL, &p));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
	CHECK(!RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, "", &p));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
	CHECK(!RtOpenSharedMemoryW(SHM_MAP_READ, FALSE, L"", &p));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
}

struct open_args {
	const char *name;
	DWORD access;
};

/* Child body: 0 if the open worked, else the last error. */
static int open_as_other(void *arg)
{
	struct open_args *a = arg;
	void *p;

	return RtOpenSharedMemoryA(a->access, FALSE, a->name, &p) ? 0 : (int)GetLastError();
}

static int create_as_other(void *arg)
{
	void *p;

	return RtCreateSharedMemoryA(0, 0, 4096, arg, &p) ? 0 : (int)GetLastError();
}

TEST(permissions_follow_the_umask)
{
	char priv[128], shared[128];
	struct open_args rd = { priv, SHM_MAP_READ }, wr = { shared, SHM_MAP_WRITE };
	void *p;
	HANDLE hp, hs;

	snprintf(priv, sizeof(priv), "%s", t_name("private"));
	snprintf(shared, sizeof(shared), "%s", t_name("shared"));

	umask(077);
	hp = RtCreateSharedMemoryA(0, 0, 4096, priv, &p);
	umask(022);
	hs = RtCreateSharedMemoryA(0, 0, 4096, shared, &p);
	CHECK(hp && hs);
	CHECK_EQ(t_seg_info(priv).mode, 0600);
	CHECK_EQ(t_seg_info(shared).mode, 0644);

	CHECK_EQ(t_run_as(USER2, USER2, -1, open_as_other, &rd), ERROR_ACCESS_DENIED);
	CHECK_EQ(t_run_as(USER2, USER2, -1, create_as_other, priv), ERROR_ACCESS_DENIED);
	rd.name = shared;
	CHECK_EQ(t_run_as(USER2, USER2, -1, open_as_other, &rd), 0);
	CHECK_EQ(t_run_as(USER2, USER2, -1, open_as_other, &wr), ERROR_ACCESS_DENIED);
	/* create asks for read-write: refused too */
	CHECK_EQ(t_run_as(USER2, USER2, -1, create_as_other, shared), ERROR_ACCESS_DENIED);
	RtCloseHandle(hp);
	RtCloseHandle(hs);
}

TEST(last_close_destroys)
{
	const char *name = copy_name("life");
	long before = t_proc_segments();
	char *c, *o;
	HANDLE hc, ho;

	hc = RtCreateSharedMemoryA(0, 0, 4096, name, (VOID **)&c);
	ho = RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, (VOID **)&o);
	CHECK(hc && ho);
	strcpy(c, "kept");

	CHECK(RtCloseHandle(hc));
	CHECK_EQ(t_map_len(c), 0);		/* the creator's view went with it */
	CHECK_EQ(t_proc_segments(), before + 1);
	CHECK(!strcmp(o, "kept"));

	CHECK(RtCloseHandle(ho));
	CHECK_EQ(t_map_len(o), 0);
	CHECK_EQ(t_proc_segments(), before);
	CHECK(!RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, (VOID **)&o));
	CHECK_LASTERR(ERROR_FILE_NOT_FOUND);
}

TEST(close_unmaps_only_its_own_views)
{
	const char *name = copy_name("own");
	char *c, *c2, *o, *o2;
	HANDLE hc, ho;

	hc = RtCreateSharedMemoryA(0, 0, 2 * page, name, (VOID **)&c);
	ho = RtOpenSharedMemoryA(SHM_MAP_WRITE, FALSE, name, (VOID **)&o);
	CHECK(hc && ho);
	c2 = RtMapViewOfSharedMemory(hc, SHM_MAP_WRITE, 0, (DWORD)page, 0);
	o2 = RtMapViewOfSharedMemory(ho, SHM_MAP_READ, 0, 0, 0);
	CHECK(c2 && o2);

	CHECK(RtCloseHandle(hc));
	CHECK_EQ(t_map_len(c), 0);
	CHECK_EQ(t_map_len(c2), 0);
	CHECK_EQ(t_map_len(o), 2 * page);
	CHECK_EQ(t_map_len(o2), 2 * page);
	strcpy(o, "still here");
	CHECK(!strcmp(o2, "still here"));
	CHECK(RtCloseHandle(ho));
	CHECK_EQ(t_map_len(o), 0);
	CHECK_EQ(t_map_len(o2), 0);
}

TEST(unmap_by_address)
{
	long before = t_proc_segments();
	char *p, *v, *heap;
	HANDLE h;

	h = RtCreateSharedMemoryA(0, 0, 2 * page, NULL, (VOID **)&p);
	CHECK(h != NULL);
	v = RtMapViewOfSharedMemory(h, SHM_MAP_WRITE, 0, 0, 0);
	CHECK(v != NULL);

	/* only the start of a view is a view's address */
	CHECK(!RtUnmapSharedMemory(p + page));
	CHECK_LASTERR(ERROR_INVALID_ADDRESS);
	CHECK_EQ(t_map_len(p), 2 * page);
	heap = malloc(64);
	CHECK(!RtUnmapViewOfSharedMemory(heap));
	CHECK_LASTERR(ERROR_INVALID_ADDRESS);
	free(heap);
	CHECK(!RtUnmapSharedMemory(NULL));
	CHECK_LASTERR(ERROR_INVALID_ADDRESS);

	SetLastError(55555);
	CHECK(RtUnmapSharedMemory(p));
	CHECK_LASTERR(55555);
	CHECK_EQ(t_map_len(p), 0);
	CHECK(!RtUnmapSharedMemory(p));
	CHECK_LASTERR(ERROR_INVALID_ADDRESS);

	CHECK(RtUnmapViewOfSharedMemory(v));
	CHECK_EQ(t_map_len(v), 0);
	CHECK(!RtUnmapViewOfSharedMemory(v));
	CHECK_LASTERR(ERROR_INVALID_ADDRESS);

	/* no views left, the handle still holds the segment */
	CHECK_EQ(t_proc_segments(), before + 1);
	v = RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, 0, 0);
	CHECK(v != NULL);
	CHECK(RtCloseHandle(h));
	CHECK_EQ(t_map_len(v), 0);
	CHECK_EQ(t_proc_segments(), before);
}

TEST(map_view_ranges)
{
	char *p, *v;
	HANDLE h;

	h = RtCreateSharedMemoryA(0, 0, 4 * page, NULL, (VOID **)&p);
	CHECK(h != NULL);
	p[2 * page] = 'x';
	p[3 * page + 5] = 'y';

	SetLastError(4242);
	v = RtMapViewOfSharedMemory(h, SHM_MAP_ALL_ACCESS, 0, 0, 0);
	CHECK(v != NULL && v != p);
	CHECK_LASTERR(4242);
	CHECK_EQ(t_map_len(v), 4 * page);
	v = RtMapViewOfSharedMemory(h, SHM_MAP_WRITE, 0, (DWORD)(2 * page), 0);
	CHECK(v != NULL);
	CHECK_EQ(t_map_len(v), 2 * page);
	CHECK_EQ(v[0], 'x');
	v = RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, (DWORD)(3 * page), (DWORD)page);
	CHECK(v != NULL);
	CHECK_EQ(t_map_len(v), page);
	CHECK_EQ(v[5], 'y');
	v = RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, 0, 100);	/* partial page */
	CHECK(v != NULL);
	CHECK_EQ(t_map_len(v), page);
	CHECK(RtUnmapViewOfSharedMemory(v));

	CHECK(!RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, 100, 0));
	CHECK_LASTERR(ERROR_MAPPED_ALIGNMENT);
	CHECK(!RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, (DWORD)(4 * page), 0));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
	CHECK(!RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, (DWORD)(3 * page), (DWORD)(2 * page)));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
	CHECK(!RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, 0, (DWORD)(4 * page + 1)));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);
	CHECK(!RtMapViewOfSharedMemory(h, SHM_MAP_READ, 1, 0, 0));
	CHECK_LASTERR(ERROR_INVALID_PARAMETER);

	CHECK(RtCloseHandle(h));
	CHECK(!RtMapViewOfSharedMemory(h, SHM_MAP_READ, 0, 0, 0));
	CHECK_LASTERR(ERROR_INVALID_HANDLE);
	CHECK(!RtMapViewOfSharedMemory(NULL, SHM_MAP_READ, 0, 0, 0));
	CHECK_LASTERR(ERROR_INVALID_HANDLE);
}

TEST(map_view_access_follows_the_handle)
{
	const char *name = copy_name("mva");
	char *c, *r, *v;
	HANDLE hc, hr;

	hc = RtCreateSharedMemoryA(0, 0, 4096, name, (VOID **)&c);
	hr = RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, (VOID **)&r);
	CHECK(hc && hr);

	CHECK(!RtMapViewOfSharedMemory(hr, SHM_MAP_WRITE, 0, 0, 0));
	CHECK_LASTERR(ERROR_ACCESS_DENIED);
	CHECK(!RtMapViewOfSharedMemory(hr, SHM_MAP_ALL_ACCESS, 0, 0, 0));
	CHECK_LASTERR(ERROR_ACCESS_DENIED);
	v = RtMapViewOfSharedMemory(hr, SHM_MAP_READ, 0, 0, 0);
	CHECK(v != NULL);
	CHECK(!strcmp(t_map_perms(v), "r--s"));
	CHECK(t_write_faults(v));

	/* a read-write handle can still give a read-only view */
	v = RtMapViewOfSharedMemory(hc, SHM_MAP_READ, 0, 0, 0);
	CHECK(v != NULL);
	CHECK(t_write_faults(v));
	c[0] = 'c';
	CHECK_EQ(v[0], 'c');
	RtCloseHandle(hr);
	RtCloseHandle(hc);
}
