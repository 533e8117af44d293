// SPDX-License-Identifier: GPL-2.0
/*
 * Generic-text (TCHAR) code as ported RTX programs write it, built twice:
 * rtx-tchar-ansi, and rtx-tchar-unicode with -DUNICODE -D_UNICODE.
 * test-rtx-tchar runs one build against the other: both must reach the
 * same objects, an ASCII name and one that needs UTF-8.
 *
 *   create   create the objects, mark them, print "ready", hold them
 *            until stdin closes, then check the opener's answer
 *   open     open the objects, check the creator's marks, answer
 *
 * Exit: 0 all good, 1 an RTX call failed, 2 the other side did not match.
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>
#include <tchar.h>
#include <rtapi.h>

struct mark {
	unsigned int creator_tchar;	/* sizeof(TCHAR) of the creating build */
	unsigned int creator_value;
	unsigned int opener_tchar;	/* sizeof(TCHAR) of the opening build */
};

#define NNAMES 2
static const TCHAR *const names[NNAMES] = {
	TEXT("SHM_UI"),
	TEXT("r\u00e9seau-\u4e2d\u6587-\U0001F600"),	/* 2-, 3- and 4-byte UTF-8 */
};

static int fail(const char *what, int i)
{
	fprintf(stderr, "%s build: %s of name %d failed, error %u\n",
		sizeof(TCHAR) == 1 ? "ANSI" : "UNICODE", what, i, GetLastError());
	return 1;
}

static int create(void)
{
	struct mark *m[NNAMES];
	HANDLE h[NNAMES];
	int i, ok = 1;

	for (i = 0; i < NNAMES; i++) {
		h[i] = RtCreateSharedMemory(PAGE_READWRITE, 0, sizeof(struct mark),
					    names[i], (VOID **)&m[i]);
		if (!h[i] || GetLastError() != ERROR_SUCCESS)
			return fail("RtCreateSharedMemory", i);
		m[i]->creator_tchar = sizeof(TCHAR);
		m[i]->creator_value = 0x1234 + i;
	}
	printf("ready\n");
	fflush(stdout);
	while (getchar() != EOF)
		;
	for (i = 0; i < NNAMES; i++) {
		if (m[i]->opener_tchar == 0 || m[i]->opener_tchar == sizeof(TCHAR))
			ok = 0;
		RtCloseHandle(h[i]);
	}
	return ok ? 0 : 2;
}

static int open_and_answer(void)
{
	struct mark *m, *again;
	HANDLE h, h2;
	int i, ok = 1;

	for (i = 0; i < NNAMES; i++) {
		h = RtOpenSharedMemory(SHM_MAP_ALL_ACCESS, FALSE, names[i], (VOID **)&m);
		if (!h)
			return fail("RtOpenSharedMemory", i);
		/* the create call of this build finds the same object */
		h2 = RtCreateSharedMemory(PAGE_READWRITE, 0, sizeof(struct mark),
					  names[i], (VOID **)&again);
		if (!h2 || GetLastError() != ERROR_ALREADY_EXISTS)
			return fail("RtCreateSharedMemory of the existing name", i);
		if (m->creator_value != 0x1234u + i || m->creator_tchar == sizeof(TCHAR) ||
		    again->creator_value != m->creator_value)
			ok = 0;
		m->opener_tchar = sizeof(TCHAR);
		RtCloseHandle(h2);
		RtCloseHandle(h);
	}
	return ok ? 0 : 2;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "create"))
		return create();
	if (argc == 2 && !strcmp(argv[1], "open"))
		return open_and_answer();
	fprintf(stderr, "usage: %s create|open\n", argv[0]);
	return 2;
}
