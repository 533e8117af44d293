// SPDX-License-Identifier: GPL-2.0
/*
 * RTX names: wide names are converted to UTF-8, so the A and W functions
 * reach the same objects; invalid wide characters, backslashes and names
 * over 255 bytes of UTF-8 are refused.
 */
#include <wchar.h>

#include "rtapi.h"
#include "rtx/util.h"

/* L"<t_name(tag)>" in @buf */
static const wchar_t *wide_name(const char *tag, wchar_t *buf, size_t n)
{
	const char *s = t_name(tag);
	size_t i;

	for (i = 0; s[i] && i < n - 1; i++)
		buf[i] = (wchar_t)(unsigned char)s[i];
	buf[i] = 0;
	return buf;
}

TEST(wide_and_ansi_names_meet)
{
	wchar_t wname[128];
	char aname[128];
	char *a, *w;
	HANDLE ha, hw;

	wide_name("meet", wname, 128);
	wcstombs(aname, wname, sizeof(aname));	/* ASCII: any locale */

	hw = RtCreateSharedMemoryW(0, 0, 4096, wname, (VOID **)&w);
	CHECK(hw != NULL);
	CHECK_LASTERR(ERROR_SUCCESS);
	ha = RtOpenSharedMemoryA(SHM_MAP_WRITE, FALSE, aname, (VOID **)&a);
	CHECK(ha != NULL);
	strcpy(a, "ansi");
	CHECK(!strcmp(w, "ansi"));
	RtCloseHandle(ha);
	ha = RtCreateSharedMemoryA(0, 0, 4096, aname, (VOID **)&a);
	CHECK(ha != NULL);
	CHECK_LASTERR(ERROR_ALREADY_EXISTS);
	RtCloseHandle(ha);
	RtCloseHandle(hw);
}

TEST(non_ascii_wide_names_are_utf8)
{
	static const wchar_t wname[] = L"r\u00e9seau-\u4e2d-\U0001F600.names";
	static const char utf8[] = "r\xc3\xa9seau-\xe4\xb8\xad-\xf0\x9f\x98\x80.names";
	struct rtshm_seg_info info;
	char *a, *w;
	HANDLE ha, hw;

	hw = RtCreateSharedMemoryW(0, 0, 4096, wname, (VOID **)&w);
	CHECK(hw != NULL);
	info = t_seg_info(utf8);		/* the kernel holds the UTF-8 bytes */
	CHECK_EQ(info.name_len, strlen(utf8));
	CHECK(!memcmp(info.name, utf8, sizeof(utf8)));
	ha = RtOpenSharedMemoryA(SHM_MAP_WRITE, FALSE, utf8, (VOID **)&a);
	CHECK(ha != NULL);
	strcpy(a, "same");
	CHECK(!strcmp(w, "same"));
	RtCloseHandle(ha);
	ha = RtOpenSharedMemoryW(SHM_MAP_READ, FALSE, wname, (VOID **)&a);
	CHECK(ha != NULL);
	RtCloseHandle(ha);
	RtCloseHandle(hw);
}

TEST(invalid_wide_characters)
{
	static const wchar_t bad[][4] = {
		{ 0xd800, 0 },			/* lone surrogates: UTF-16 leftovers */
		{ 0xdfff, 0 },
		{ 'a', 0xdc00, 'b', 0 },
		{ 0x110000, 0 },		/* beyond Unicode */
		{ (wchar_t)-1, 0 },
	};
	size_t i;
	void *p;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = (void *)1;
		CHECK(!RtCreateSharedMemoryW(0, 0, 4096, bad[i], &p));
		CHECK_LASTERR(ERROR_INVALID_NAME);
		CHECK(p == NULL);
		CHECK(!RtOpenSharedMemoryW(SHM_MAP_READ, FALSE, bad[i], &p));
		CHECK_LASTERR(ERROR_INVALID_NAME);
	}
	/* the edges of what is valid */
	{
		static const wchar_t ok[] = { 0xd7ff, 0xe000, 0xfffd, 0x10ffff, 0 };
		HANDLE h = RtCreateSharedMemoryW(0, 0, 4096, ok, &p);

		CHECK(h != NULL);
		RtCloseHandle(h);
	}
	CHECK(!RtCreateSharedMemoryW(0, 0, 4096, L"back\\slash", &p));
	CHECK_LASTERR(ERROR_INVALID_NAME);
}

/* @count copies of @cp, then @tail, as a wide string in @buf. */
static const wchar_t *repeat(wchar_t *buf, wchar_t cp, int count, const wchar_t *tail)
{
	int i;

	for (i = 0; i < count; i++)
		buf[i] = cp;
	wcscpy(buf + count, tail);
	return buf;
}

static void check_fits(const wchar_t *name)
{
	void *p;
	HANDLE h = RtCreateSharedMemoryW(0, 0, 4096, name, &p);

	if (!h)
		t_fail(__FILE__, __LINE__, "name of %zu characters refused, error %u",
		       wcslen(name), GetLastError());
	RtCloseHandle(h);
}

static void check_too_long(const wchar_t *name)
{
	void *p;

	CHECK(!RtCreateSharedMemoryW(0, 0, 4096, name, &p));
	CHECK_LASTERR(ERROR_FILENAME_EXCED_RANGE);
	CHECK(!RtOpenSharedMemoryW(SHM_MAP_READ, FALSE, name, &p));
	CHECK_LASTERR(ERROR_FILENAME_EXCED_RANGE);
}

TEST(wide_name_limit_counts_utf8_bytes)
{
	wchar_t buf[600];

	check_fits(repeat(buf, 'a', 255, L""));
	check_too_long(repeat(buf, 'a', 256, L""));
	check_fits(repeat(buf, 0x20ac, 85, L""));		/* 85 x 3 bytes = 255 */
	check_too_long(repeat(buf, 0x20ac, 86, L""));	/* 258 bytes, 86 characters */
	check_fits(repeat(buf, 0x1f600, 63, L"abc"));	/* 63 x 4 + 3 = 255 */
	check_too_long(repeat(buf, 0x1f600, 64, L""));	/* 256 */
	check_too_long(repeat(buf, 0xe9, 128, L""));	/* 256 bytes, 128 characters */
	/* too long wins over a bad character */
	check_too_long(repeat(buf, 'a', 300, L"\\"));
	check_too_long(repeat(buf, 0xd800, 300, L""));
}

TEST(names_are_case_sensitive)
{
	char *a, *b;
	HANDLE ha, hb;

	ha = RtCreateSharedMemoryW(0, 0, 4096, L"rtx.Case.Name", (VOID **)&a);
	CHECK_LASTERR(ERROR_SUCCESS);
	hb = RtCreateSharedMemoryW(0, 0, 4096, L"rtx.case.name", (VOID **)&b);
	CHECK_LASTERR(ERROR_SUCCESS);
	CHECK(ha && hb);
	a[0] = 'A';
	CHECK_EQ(b[0], 0);
	RtCloseHandle(ha);
	RtCloseHandle(hb);
}
