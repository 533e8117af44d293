// SPDX-License-Identifier: GPL-2.0
/* Read-only handles and System V style permissions across users. */
#include <grp.h>
#include <signal.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define USER1	1001
#define USER2	1002
#define GROUP	1100

TEST(read_only_handle_cannot_write)
{
	const char *name = t_name("ro");
	char *p;
	int h, ro, pid;

	h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0644, NULL));
	ro = CHECK_OK(rtshm_open(name, RTSHM_RDONLY, NULL));
	CHECK_ERR(rtshm_map(ro, 0, 0, PROT_READ | PROT_WRITE, (void **)&p), EACCES);
	CHECK_OK(rtshm_map(ro, 0, 0, PROT_READ, (void **)&p));
	/* mprotect cannot add write access later */
	CHECK_SYSERR(mprotect(p, 4096, PROT_READ | PROT_WRITE), EACCES);

	pid = fork();
	if (pid == 0) {
		p[0] = 1;	/* must not survive this */
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 128 + SIGSEGV);
	CHECK_EQ(p[0], 0);
	rtshm_unmap(p, 4096);
	rtshm_close(ro);
	rtshm_close(h);
}

struct open_req {
	const char *name;
	unsigned int flags;
};

/* Child body: exit 0 if the open succeeded, 13 for EACCES, else 1. */
static int try_open(void *arg)
{
	struct open_req *req = arg;
	int h = rtshm_open(req->name, req->flags, NULL);

	if (h >= 0)
		return 0;
	return h == -EACCES ? 13 : 1;
}

TEST(permissions_across_users)
{
	char name[128];
	struct open_req rd = { name, RTSHM_RDONLY }, rw = { name, RTSHM_RDWR };
	struct rtshm_seg_info info;
	int owner, pid;

	snprintf(name, sizeof(name), "%s", t_name("perm"));
	pid = fork();
	if (pid == 0) {
		/* the creator is USER1 in group GROUP; it holds the segment until killed */
		if (setgroups(0, NULL) || setresgid(GROUP, GROUP, GROUP) ||
		    setresuid(USER1, USER1, USER1) ||
		    rtshm_create(name, 4096, RTSHM_RDWR, 0640, NULL) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	while (t_proc_segments() != 1)
		usleep(10000);

	/* owner: rw-, group: r--, other: --- */
	CHECK_EQ(t_run_as(USER1, USER1, -1, try_open, &rw), 0);
	CHECK_EQ(t_run_as(USER2, USER2, GROUP, try_open, &rd), 0);
	CHECK_EQ(t_run_as(USER2, USER2, GROUP, try_open, &rw), 13);
	CHECK_EQ(t_run_as(USER2, USER2, -1, try_open, &rd), 13);
	CHECK_EQ(t_run_as(USER2, USER2, -1, try_open, &rw), 13);

	/* root has CAP_IPC_OWNER */
	owner = CHECK_OK(rtshm_open(name, RTSHM_RDWR, NULL));
	CHECK_OK(rtshm_stat(owner, &info));
	CHECK_EQ(info.uid, USER1);
	CHECK_EQ(info.gid, GROUP);
	CHECK_EQ(info.mode, 0640);
	/* create-or-open of an existing name checks permissions too */
	CHECK_EQ(t_run_as(USER2, USER2, -1, try_open, &rd), 13);

	kill(pid, SIGKILL);
	t_wait(pid);
	rtshm_close(owner);
	CHECK_EQ(t_proc_segments(), 0);
}

static int create_existing_as_other(void *arg)
{
	int h = rtshm_create(arg, 4096, RTSHM_RDONLY, 0600, NULL);

	return h == -EACCES ? 13 : h < 0 ? 1 : 0;
}

TEST(create_of_existing_checks_permissions)
{
	const char *name = t_name("cx");
	int h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL));

	CHECK_EQ(t_run_as(USER2, USER2, -1, create_existing_as_other, (void *)name), 13);
	rtshm_close(h);
}

/* Set the effective and permitted sets to exactly @caps (a bit mask). */
static int set_caps(uint64_t caps)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)caps;
	data[1].effective = data[1].permitted = (uint32_t)(caps >> 32);
	return (int)syscall(SYS_capset, &hdr, data);
}

/* As USER1, a 0600 segment of root opens only while CAP_IPC_OWNER is held. */
TEST(cap_ipc_owner_is_what_overrides)
{
	const char *name = t_name("cap");
	struct open_req rw = { name, RTSHM_RDWR };
	int h, pid;

	h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL));
	pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_KEEPCAPS, 1) || setresgid(USER1, USER1, USER1) ||
		    setresuid(USER1, USER1, USER1))
			_exit(90);
		if (set_caps(1ULL << CAP_IPC_OWNER))
			_exit(91);
		if (try_open(&rw) != 0)
			_exit(92);
		if (set_caps(0))
			_exit(93);
		_exit(try_open(&rw));
	}
	CHECK_EQ(t_wait(pid), 13);
	rtshm_close(h);
}
