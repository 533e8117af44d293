// SPDX-License-Identifier: GPL-2.0
/*
 * RtPrintf, RtWprintf and ExitProcess: Microsoft's format language, UTF-8
 * output on stdout, flushed per call; ExitProcess exits with the code after
 * flushing stdio.
 */
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

#include "rtapi.h"
#include "rtx/util.h"

/* stdout goes to a memory file until capture_end(), which returns the text. */
static int capture_fd = -1, saved_stdout = -1;

static void capture_begin(void)
{
	fflush(stdout);
	capture_fd = (int)CHECK_SYS(memfd_create("rtx-print", MFD_CLOEXEC));
	saved_stdout = (int)CHECK_SYS(dup(1));
	CHECK_SYS(dup2(capture_fd, 1));
}

static const char *capture_end(void)
{
	static char text[65536];
	ssize_t n;

	fflush(stdout);
	CHECK_SYS(dup2(saved_stdout, 1));
	close(saved_stdout);
	n = pread(capture_fd, text, sizeof(text) - 1, 0);
	close(capture_fd);
	CHECK(n >= 0);
	text[n] = '\0';
	return text;
}

#define CHECK_STR(got, want)						\
	do {								\
		const char *_g = (got), *_w = (want);			\
		if (strcmp(_g, _w))					\
			t_fail(__FILE__, __LINE__, "got \"%s\", expected \"%s\"", _g, _w); \
	} while (0)

TEST(rtprintf_integer_sizes_are_microsoft_ones)
{
	int ret;

	capture_begin();
	ret = RtPrintf("%ld|%lu|%lx|%I64d|%I64u|%I32d|%Id|%Iu|%lld|%hd|%hhu|%-4d|%04X|%+d|%%|%5.1f|%Le\n",
		       (LONG)-5, (DWORD)4000000000u, (DWORD)0xdeadbeef,
		       (LONGLONG)-1234567890123LL, (ULONGLONG)UINT64_MAX, -7,
		       (SSIZE_T)-8, (SIZE_T)9, -10LL, (short)-11, (unsigned char)200,
		       12, 0xab, 13, 3.14159, (long double)2.5);
	CHECK_STR(capture_end(),
		  "-5|4000000000|deadbeef|-1234567890123|18446744073709551615|-7|-8|9"
		  "|-10|-11|200|12  |00AB|+13|%|  3.1|2.500000e+00\n");
	CHECK_EQ(ret, 114);
}

TEST(rtprintf_strings_and_characters)
{
	capture_begin();
	RtPrintf("%s|%S|%hs|%ls|%ws|%c|%C|%5s|%-5s|%.2s|%3S|%s|%05s|%hc|%wc\n",
		 "nar", L"wide", "h", L"l", L"w", 'c', (wint_t)0xe9, "ab", "ab", "abcd",
		 L"\u00e9", (char *)NULL, "z", 'h', (wint_t)0x4e2d);
	CHECK_STR(capture_end(),
		  "nar|wide|h|l|w|c|\xc3\xa9|   ab|ab   |ab|  \xc3\xa9|(null)|0000z|h|\xe4\xb8\xad\n");
}

TEST(rtwprintf_strings_are_wide_by_default)
{
	int ret;

	capture_begin();
	ret = RtWprintf(L"%s|%S|%c|%C|%hs|%ls|%d|\u00e9\u4e2d\U0001F600|%.1s\n",
			L"wide", "narrow", (wint_t)'w', 'n', "h", L"l", 42, L"\u00e9\u00e8");
	CHECK_STR(capture_end(),
		  "wide|narrow|w|n|h|l|42|\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80|\xc3\xa9\n");
	/* characters, not bytes */
	CHECK_EQ(ret, 29);
}

TEST(rtwprintf_prints_a_handle_as_the_seed_does)
{
	char want[64];
	void *p;
	HANDLE h = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);

	CHECK(h != NULL);
	snprintf(want, sizeof(want), "HANDLE = 0x%X.\n", (unsigned int)(uintptr_t)h);
	capture_begin();
	RtWprintf(L"HANDLE = 0x%X.\n", h);
	CHECK_STR(capture_end(), want);
	RtCloseHandle(h);
}

TEST(pointers_print_as_microsoft_does)
{
	char want[64];
	int x;

	snprintf(want, sizeof(want), "[%016" PRIXPTR "]", (uintptr_t)&x);
	capture_begin();
	RtPrintf("[%p]", (void *)&x);
	CHECK_STR(capture_end(), want);
}

TEST(narrow_wide_and_stdio_output_interleave)
{
	capture_begin();
	printf("1 ");
	RtPrintf("%s ", "2");
	RtWprintf(L"%s ", L"3");
	printf("4 ");
	RtWprintf(L"\u00e9\n");
	CHECK_STR(capture_end(), "1 2 3 4 \xc3\xa9\n");
}

TEST(long_output)
{
	static char big[20001], want[30008];
	const char *got;
	int ret;

	memset(big, 'b', sizeof(big) - 1);
	capture_begin();
	ret = RtPrintf("%s", big);
	RtWprintf(L"%10000ls|", L"w");
	got = capture_end();
	CHECK_EQ(ret, 20000);
	memcpy(want, big, 20000);
	memset(want + 20000, ' ', 9999);
	strcpy(want + 29999, "w|");
	CHECK_EQ(strlen(got), strlen(want));
	CHECK(!strcmp(got, want));
}

TEST(odd_formats)
{
	static const wchar_t surrogate[] = { 'a', 0xd800, 'b', 0 };
	int n = -1;

	capture_begin();
	RtWprintf(L"%ls|", surrogate);		/* not a character: U+FFFD */
	RtPrintf("%y %d|", 5);			/* unknown conversion: copied */
	RtPrintf("abc%n|", &n);
	RtPrintf("%*d|%-*d|%.*f|", 4, 1, 3, 2, 1, 2.25);
	RtPrintf("%");				/* the format ends inside a conversion */
	CHECK_STR(capture_end(), "a\xef\xbf\xbd" "b|%y 5|abc|   1|2  |2.2|%");
	CHECK_EQ(n, 3);
	CHECK_EQ(RtPrintf(NULL), -1);
	CHECK_EQ(RtWprintf(NULL), -1);
}

TEST(exit_process_flushes_and_exits)
{
	const char *out;
	int pid;

	capture_begin();
	pid = fork();
	if (pid == 0) {
		printf("pending, not flushed");
		ExitProcess(7);
	}
	CHECK_EQ(t_wait(pid), 7);
	out = capture_end();
	CHECK_STR(out, "pending, not flushed");
	pid = fork();
	if (pid == 0)
		RtExitProcess(0);
	CHECK_EQ(t_wait(pid), 0);
}
