// SPDX-License-Identifier: GPL-2.0
/*
 * Module-parameter limits: segments (ENOSPC) and bytes (ENOMEM) per IPC
 * namespace, and bytes per user over all namespaces (EDQUOT).
 */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define PARAM_DIR "/sys/module/rtshm/parameters/"

static void set_param(const char *name, const char *value)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = CHECK_SYS(open(path, O_WRONLY | O_CLOEXEC));
	CHECK_EQ(write(fd, value, strlen(value)), (long)strlen(value));
	close(fd);
}

TEST(segment_count_limit)
{
	struct rtshm_module_info mi;
	struct rtshm_result r;
	int h[3], i;

	set_param("max_segments", "3");
	CHECK_OK(rtshm_module_info(&mi));
	CHECK_EQ(mi.max_segments, 3);
	for (i = 0; i < 3; i++)
		h[i] = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &r));
	CHECK_ERR(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL), ENOSPC);
	CHECK_ERR(rtshm_create(t_name("n"), 4096, RTSHM_RDWR, 0600, NULL), ENOSPC);
	/* opening an existing segment is not limited */
	rtshm_close(CHECK_OK(rtshm_open_id(r.id, RTSHM_RDONLY, NULL)));
	rtshm_close(h[2]);
	h[2] = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	for (i = 0; i < 3; i++)
		rtshm_close(h[i]);
	set_param("max_segments", "4096");
}

TEST(byte_limit)
{
	int a, b;

	set_param("max_bytes", "16384");
	a = CHECK_OK(rtshm_create(NULL, 12288, RTSHM_RDWR, 0600, NULL));
	CHECK_ERR(rtshm_create(NULL, 8192, RTSHM_RDWR, 0600, NULL), ENOMEM);
	b = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_ERR(rtshm_create(NULL, 1, RTSHM_RDWR, 0600, NULL), ENOMEM);
	rtshm_close(a);
	rtshm_close(b);
	set_param("max_bytes", "0");
	a = CHECK_OK(rtshm_create(NULL, 8192, RTSHM_RDWR, 0600, NULL));
	rtshm_close(a);
}

TEST(proc_summary_shows_limits)
{
	char line[256] = "";
	FILE *f;
	int h;

	set_param("max_segments", "77");
	h = CHECK_OK(rtshm_create(NULL, 8192, RTSHM_RDWR, 0600, NULL));
	f = fopen("/proc/rtshm", "re");
	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f) && strncmp(line, "total ", 6))
		;
	fclose(f);
	CHECK(!strncmp(line, "total segments 1/77 bytes 8192/", 31));
	rtshm_close(h);
	set_param("max_segments", "4096");
}

/* Each namespace has its own segment limit. */
TEST(limits_hold_per_namespace)
{
	int h[2], pid;

	set_param("max_segments", "2");
	h[0] = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	h[1] = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_ERR(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL), ENOSPC);
	pid = fork();
	if (pid == 0) {
		int a, b;

		if (unshare(CLONE_NEWIPC))
			_exit(90);
		a = rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL);
		b = rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL);
		if (a < 0 || b < 0)
			_exit(91);
		_exit(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL) == -ENOSPC ? 0 : 92);
	}
	CHECK_EQ(t_wait(pid), 0);
	rtshm_close(h[0]);
	rtshm_close(h[1]);
	set_param("max_segments", "4096");
}

#define USER1	1001
#define USER2	1002

/* As @uid in a fresh IPC namespace (if @new_ns), create @pages pages; hold until killed. */
static int hold_as(unsigned int uid, int new_ns, int pages, int ready_fd)
{
	int pid = fork();

	if (pid == 0) {
		int ret;

		if (new_ns && unshare(CLONE_NEWIPC))
			_exit(90);
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(91);
		ret = rtshm_create(NULL, (uint64_t)pages * 4096, RTSHM_RDWR, 0600, NULL);
		if (write(ready_fd, &ret, sizeof(ret)) != sizeof(ret))
			_exit(92);
		pause();
		_exit(0);
	}
	return pid;
}

static int held_result(int fd)
{
	int ret = 1;

	if (read(fd, &ret, sizeof(ret)) != sizeof(ret))
		return 1;
	return ret < 0 ? ret : 0;
}

TEST(user_quota_spans_namespaces)
{
	struct rtshm_module_info mi;
	int p[2], pids[4], i;

	set_param("max_user_bytes", "16384");
	CHECK_OK(rtshm_module_info(&mi));
	CHECK_EQ(mi.max_user_bytes, 16384);
	CHECK_SYS(pipe(p));

	pids[0] = hold_as(USER1, 0, 3, p[1]);
	CHECK_EQ(held_result(p[0]), 0);
	/* the same user, another namespace: only one page of quota is left */
	pids[1] = hold_as(USER1, 1, 2, p[1]);
	CHECK_EQ(held_result(p[0]), -EDQUOT);
	pids[2] = hold_as(USER1, 1, 1, p[1]);
	CHECK_EQ(held_result(p[0]), 0);
	/* another user is not affected by USER1 using all of its quota */
	pids[3] = hold_as(USER2, 0, 4, p[1]);
	CHECK_EQ(held_result(p[0]), 0);

	for (i = 0; i < 4; i++) {
		kill(pids[i], SIGKILL);
		t_wait(pids[i]);
	}
	/* released quota can be used again */
	pids[0] = hold_as(USER1, 0, 4, p[1]);
	CHECK_EQ(held_result(p[0]), 0);
	kill(pids[0], SIGKILL);
	t_wait(pids[0]);
	set_param("max_user_bytes", "0");
	CHECK_EQ(t_proc_segments(), 0);
}
