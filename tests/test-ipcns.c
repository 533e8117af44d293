// SPDX-License-Identifier: GPL-2.0
/* IPC namespaces cannot see, open or list each other's segments. */
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/rtshm.h>
#include "rtshm.h"
#include "harness.h"

struct ns_probe {
	const char *name;
	uint32_t id;
};

/* In a new IPC namespace: nothing of the parent is visible. */
static int probe_new_ns(void *arg)
{
	struct ns_probe *p = arg;
	struct rtshm_result r;
	int h;

	if (unshare(CLONE_NEWIPC))
		return 90;
	if (t_proc_segments() != 0)
		return 91;
	if (rtshm_open(p->name, RTSHM_RDONLY, NULL) != -ENOENT)
		return 92;
	if (rtshm_open_id(p->id, RTSHM_RDONLY, NULL) != -ENOENT)
		return 93;
	/* the same name here is a different, new segment */
	h = rtshm_create(p->name, 4096, RTSHM_RDWR, 0600, &r);
	if (h < 0 || !r.created)
		return 94;
	if (t_proc_segments() != 1)
		return 95;
	return 0;
}

TEST(namespaces_are_isolated)
{
	struct ns_probe p;
	struct rtshm_result r;
	int h, pid;

	p.name = t_name("iso");
	h = CHECK_OK(rtshm_create(p.name, 4096, RTSHM_RDWR, 0600, &r));
	p.id = r.id;
	pid = fork();
	if (pid == 0)
		_exit(probe_new_ns(&p));
	CHECK_EQ(t_wait(pid), 0);
	/* the child's segment died with it; ours is untouched */
	CHECK_EQ(t_proc_segments(), 1);
	rtshm_close(h);
}

/*
 * A handle can outlive its namespace (the file was shared across fork and
 * bound inside a namespace that then died).  A new namespace, which may
 * reuse the dead one's memory, must still not see that segment.
 */
TEST(orphan_of_dead_namespace_stays_hidden)
{
	struct rtshm_bind b;
	struct ns_probe p;
	int fd, pid, i;

	fd = CHECK_SYS(open("/dev/rtshm", O_RDWR | O_CLOEXEC));
	p.name = "orphan";
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWIPC))
			_exit(90);
		memset(&b, 0, sizeof(b));
		b.name = (uintptr_t)p.name;
		b.name_len = strlen(p.name);
		b.size = 4096;
		b.type = RTSHM_TYPE_SHM;
		b.flags = RTSHM_BIND_WRITE;
		b.mode = 0600;
		if (ioctl(fd, RTSHM_IOC_CREATE, &b))
			_exit(91);
		_exit(b.id == 1 ? 0 : 92);
	}
	CHECK_EQ(t_wait(pid), 0);
	/* the namespace is gone; its segment lives on through our fd */
	p.id = 1;
	for (i = 0; i < 20; i++) {
		pid = fork();
		if (pid == 0)
			_exit(probe_new_ns(&p));
		CHECK_EQ(t_wait(pid), 0);
	}
	CHECK_EQ(t_proc_segments(), 0);
	close(fd);
}
