// SPDX-License-Identifier: GPL-2.0
/*
 * One generic-text (TCHAR) source built ANSI and UNICODE
 * (tests/rtx/tchar_peer.c): each build opens what the other created, by an
 * ASCII name and by a name that needs UTF-8.
 */
#include "rtapi.h"
#include "rtx/spawn.h"
#include "rtx/util.h"

static void run(const char *creator_prog, const char *opener_prog)
{
	static char out[4096], opener_out[4096];
	long before = t_proc_segments();
	struct t_child creator, opener;

	out[0] = opener_out[0] = '\0';
	creator = t_start(creator_prog, "create");
	if (!t_read_until(&creator, out, sizeof(out), "ready\n"))
		t_fail(__FILE__, __LINE__, "%s said: %s", creator_prog, out);
	CHECK_EQ(t_proc_segments(), before + 2);
	opener = t_start(opener_prog, "open");
	if (t_finish(&opener, opener_out, sizeof(opener_out)) != 0)
		t_fail(__FILE__, __LINE__, "%s said: %s", opener_prog, opener_out);
	if (t_finish(&creator, out, sizeof(out)) != 0)
		t_fail(__FILE__, __LINE__, "%s said: %s", creator_prog, out);
	CHECK_EQ(t_proc_segments(), before);
}

TEST(unicode_creator_ansi_opener)
{
	run("rtx-tchar-unicode", "rtx-tchar-ansi");
}

TEST(ansi_creator_unicode_opener)
{
	run("rtx-tchar-ansi", "rtx-tchar-unicode");
}
