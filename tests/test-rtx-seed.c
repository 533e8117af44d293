// SPDX-License-Identifier: GPL-2.0
/*
 * The vendor's RtCreateSharedMemory example, compiled unchanged
 * (tests/seed), runs as two processes: the RTX creator (UNICODE build, and
 * an ANSI build) and the WIN32 opener see each other's writes.
 */
#include <signal.h>

#include "rtapi.h"
#include "rtx/spawn.h"
#include "rtx/util.h"

static void run_pair(const char *creator_prog)
{
	static char out[8192], opener_out[4096];
	long before = t_proc_segments();
	struct t_child creator, opener;

	out[0] = opener_out[0] = '\0';
	creator = t_start(creator_prog, NULL);
	if (!t_read_until(&creator, out, sizeof(out), "waiting for the opener"))
		t_fail(__FILE__, __LINE__, "%s said: %s", creator_prog, out);
	CHECK(strstr(out, "Shared memory object was created. HANDLE = 0x") != NULL);
	CHECK(strstr(out, "creator: RTSS_index = 21076,") != NULL);	/* 0x5254 */
	CHECK_EQ(t_proc_segments(), before + 1);

	opener = t_start("rtx-seed-opener", NULL);
	if (t_finish(&opener, opener_out, sizeof(opener_out)) != 0)
		t_fail(__FILE__, __LINE__, "opener said: %s", opener_out);
	CHECK(strstr(opener_out, "opener: RTSS_index = 21076 (read-only view)") != NULL);
	CHECK(strstr(opener_out, "opener: wrote Win32_index = 21077") != NULL);

	kill(creator.pid, SIGTERM);
	if (t_finish(&creator, out, sizeof(out)) != 0)
		t_fail(__FILE__, __LINE__, "%s said: %s", creator_prog, out);
	CHECK(strstr(out, "creator: Win32_index = 21077") != NULL);
	CHECK_EQ(t_proc_segments(), before);
}

TEST(seed_unicode_creator_and_ansi_opener)
{
	run_pair("rtx-seed-creator");
}

TEST(seed_ansi_creator_and_ansi_opener)
{
	run_pair("rtx-seed-creator-ansi");
}

TEST(seed_creator_reports_an_existing_object)
{
	static char out[4096], second_out[4096];
	struct t_child first, second;

	out[0] = second_out[0] = '\0';
	first = t_start("rtx-seed-creator", NULL);
	CHECK(t_read_until(&first, out, sizeof(out), "waiting for the opener"));
	second = t_start("rtx-seed-creator-ansi", NULL);
	CHECK_EQ(t_finish(&second, second_out, sizeof(second_out)), 1);
	CHECK(strstr(second_out, "Sdilena memory already exists!") != NULL);
	kill(first.pid, SIGTERM);
	CHECK_EQ(t_finish(&first, out, sizeof(out)), 2);	/* nobody answered */
}

TEST(seed_opener_alone_fails_cleanly)
{
	static char out[4096];
	struct t_child opener;

	out[0] = '\0';
	opener = t_start("rtx-seed-opener", NULL);
	CHECK_EQ(t_finish(&opener, out, sizeof(out)), 1);
	CHECK(strstr(out, "RtOpenSharedMemory failed, error 2") != NULL);
}
