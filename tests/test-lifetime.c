// SPDX-License-Identifier: GPL-2.0
/* Lifetime: last handle or mapping frees; mappings outlive handles; kill -9. */
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

TEST(last_close_frees)
{
	const char *name = t_name("seg");
	struct rtshm_result r;
	int h1, h2;

	CHECK_EQ(t_proc_segments(), 0);
	h1 = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, &r));
	h2 = CHECK_OK(rtshm_open(name, RTSHM_RDWR, NULL));
	CHECK_EQ(t_proc_segments(), 1);
	CHECK_OK(rtshm_close(h1));
	CHECK_EQ(t_proc_segments(), 1);
	rtshm_close(CHECK_OK(rtshm_open(name, RTSHM_RDWR, NULL)));
	CHECK_OK(rtshm_close(h2));
	CHECK_EQ(t_proc_segments(), 0);
	CHECK_ERR(rtshm_open(name, RTSHM_RDWR, NULL), ENOENT);
	CHECK_ERR(rtshm_open_id(r.id, RTSHM_RDWR, NULL), ENOENT);

	/* the name is free again: a new segment, zeroed */
	h1 = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, &r));
	CHECK_EQ(r.created, 1);
	rtshm_close(h1);
}

TEST(mapping_outlives_handle)
{
	const char *name = t_name("seg");
	struct rtshm_seg_info info;
	struct rtshm_result r;
	char *p;
	int h;

	h = CHECK_OK(rtshm_create(name, 8192, RTSHM_RDWR, 0600, &r));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p));
	CHECK_OK(rtshm_close(h));
	strcpy(p, "still here");
	CHECK(strstr(t_proc_line(r.id), name) != NULL);

	/* the handle is gone but the mapping holds the segment open */
	h = CHECK_OK(rtshm_open(name, RTSHM_RDWR, NULL));
	CHECK_OK(rtshm_stat(h, &info));
	CHECK_EQ(info.handles, 1);
	CHECK_EQ(info.mappings, 1);
	rtshm_close(h);
	CHECK(!strcmp(p, "still here"));

	/* splitting the vma keeps one reference per piece */
	CHECK_OK(rtshm_unmap(p, 4096));
	CHECK_EQ(t_proc_segments(), 1);
	CHECK(!strcmp(p + 4096, ""));
	CHECK_OK(rtshm_unmap(p + 4096, 4096));
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(kill_9_frees)
{
	const char *name = t_name("seg");
	int pipefd[2], pid;
	char c;

	CHECK_SYS(pipe(pipefd));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		void *p;
		int h = rtshm_create(name, 65536, RTSHM_RDWR, 0600, NULL);

		if (h < 0 || rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, &p))
			_exit(1);
		/* a second, unmapped handle and a mapping with no handle */
		if (rtshm_open(name, RTSHM_RDONLY, NULL) < 0)
			_exit(1);
		rtshm_close(h);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	CHECK_EQ(read(pipefd[0], &c, 1), 1);
	CHECK_EQ(t_proc_segments(), 1);
	CHECK_SYS(kill(pid, SIGKILL));
	CHECK_EQ(t_wait(pid), 128 + SIGKILL);
	CHECK_EQ(t_proc_segments(), 0);
	CHECK_ERR(rtshm_open(name, RTSHM_RDWR, NULL), ENOENT);
}

TEST(fork_inherits_mapping_and_handle)
{
	struct rtshm_result r;
	char *p;
	int h, pid;

	h = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &r));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct rtshm_seg_info info;

		strcpy(p, "from the child");
		if (rtshm_stat(h, &info) || info.mappings != 2 || info.id != r.id)
			_exit(1);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(!strcmp(p, "from the child"));
	rtshm_close(h);
	CHECK_OK(rtshm_unmap(p, 4096));
	CHECK_EQ(t_proc_segments(), 0);
}
