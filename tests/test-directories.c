// SPDX-License-Identifier: GPL-2.0
/*
 * Process directories (ABI 2.2): a process object has names of its own,
 * which go with it; lookups in it wait like root lookups and end when the
 * process object does.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define USER1 1001

struct proc_obj {
	int fd;
	uint32_t id;
	uint64_t serial;
};

static int process_new(const char *name, mode_t mode, struct proc_obj *p)
{
	static const uint32_t state = 1;
	struct rtshm_result r;

	p->fd = rtshm_sync_create(name, RTSHM_OBJ_PROCESS, &state, sizeof(state),
				  RTSHM_OWNED | RTSHM_EXCL, mode, &r);
	p->id = r.id;
	p->serial = r.serial;
	return p->fd;
}

static int segment(struct rtshm_result *r)
{
	return rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, r);
}

/* Whether @pid sleeps (state S), for up to two seconds. */
static int asleep(int pid)
{
	char path[64], st[256];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(path, "re");
		int s = f && fgets(st, sizeof(st), f) && strstr(st, ") S ");

		if (f)
			fclose(f);
		if (s)
			return 1;
		usleep(20000);
	}
	return 0;
}

TEST(a_process_object_must_be_owned)
{
	static const uint32_t state = 1;

	CHECK_ERR(rtshm_sync_create(NULL, RTSHM_OBJ_PROCESS, &state, sizeof(state), 0,
				    0600, NULL), EINVAL);
	CHECK_ERR(rtshm_sync_create(t_name("p"), RTSHM_OBJ_PROCESS, &state,
				    sizeof(state), RTSHM_OWNED, 0600, NULL), EINVAL);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(names_are_per_directory)
{
	struct rtshm_object_info oi;
	struct rtshm_result a, b, c;
	struct proc_obj p1, p2;
	int sa, sb, sc;

	CHECK_OK(process_new(t_name("proc1"), 0600, &p1));
	CHECK_OK(process_new(t_name("proc2"), 0600, &p2));
	sa = CHECK_OK(segment(&a));
	sb = CHECK_OK(segment(&b));
	sc = CHECK_OK(segment(&c));
	/* one name, three places: the root and two directories */
	CHECK_OK(rtshm_catalog(sa, "SEGMENT"));
	CHECK_OK(rtshm_catalog_dir(sb, p1.id, p1.serial, "SEGMENT"));
	CHECK_OK(rtshm_catalog_dir(sc, p2.id, p2.serial, "SEGMENT"));
	CHECK_OK(rtshm_lookup("SEGMENT", 0, &oi));
	CHECK_EQ(oi.id, a.id);
	CHECK_OK(rtshm_lookup_dir(p1.id, p1.serial, "SEGMENT", 0, &oi));
	CHECK_EQ(oi.id, b.id);
	CHECK_OK(rtshm_lookup_dir(p2.id, p2.serial, "SEGMENT", 0, &oi));
	CHECK_EQ(oi.id, c.id);
	/* opening by name reaches the root's, never a directory's */
	CHECK_OK(rtshm_uncatalog("SEGMENT"));
	CHECK_ERR(rtshm_open("SEGMENT", RTSHM_RDWR, NULL), ENOENT);
	CHECK_OK(rtshm_lookup_dir(p1.id, p1.serial, "SEGMENT", 0, &oi));
	/* taken within a directory; one name per object anywhere */
	CHECK_OK(rtshm_uncatalog_dir(p2.id, p2.serial, "SEGMENT"));
	CHECK_ERR(rtshm_catalog_dir(sc, p1.id, p1.serial, "SEGMENT"), EEXIST);
	CHECK_ERR(rtshm_catalog_dir(sb, p2.id, p2.serial, "OTHER"), EBUSY);
	CHECK_ERR(rtshm_uncatalog_dir(p2.id, p2.serial, "SEGMENT"), ENOENT);
	/* the process objects themselves are named in the root */
	CHECK_OK(rtshm_lookup(t_name("proc1"), 0, &oi));
	CHECK_EQ(oi.type, RTSHM_OBJ_PROCESS);
	CHECK_EQ(oi.id, p1.id);
	rtshm_close(sa);
	rtshm_close(sb);
	rtshm_close(sc);
	/* a freed object leaves its directory */
	CHECK_ERR(rtshm_lookup_dir(p1.id, p1.serial, "SEGMENT", 0, &oi), ENOENT);
	rtshm_close(p1.fd);
	rtshm_close(p2.fd);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(directory_arguments)
{
	struct rtshm_object_info oi;
	struct rtshm_result a;
	struct proc_obj p;
	int s;

	CHECK_OK(process_new(t_name("proc"), 0600, &p));
	s = CHECK_OK(segment(&a));
	CHECK_ERR(rtshm_lookup_dir(0, p.serial, "x", 0, &oi), EINVAL);
	CHECK_ERR(rtshm_lookup_dir(p.id, 0, "x", 0, &oi), EINVAL);
	CHECK_ERR(rtshm_lookup_dir(p.id, p.serial + 1, "x", 0, &oi), ESRCH);
	CHECK_ERR(rtshm_lookup_dir(a.id, a.serial, "x", 0, &oi), ENOTDIR);
	CHECK_ERR(rtshm_catalog_dir(s, a.id, a.serial, "x"), ENOTDIR);
	CHECK_ERR(rtshm_catalog_dir(s, p.id, p.serial + 1, "x"), ESRCH);
	CHECK_ERR(rtshm_uncatalog_dir(a.id, a.serial, "x"), ENOTDIR);
	/* a process cannot be named in its own directory */
	CHECK_ERR(rtshm_catalog_dir(p.fd, p.id, p.serial, "self"), EINVAL);
	CHECK_ERR(rtshm_lookup_dir(p.id, p.serial, "x", 0, &oi), ENOENT);
	rtshm_close(s);
	rtshm_close(p.fd);
	CHECK_EQ(t_proc_segments(), 0);
}

/* Its names go with the process; what they named lives on. */
TEST(deleting_the_process_object_drops_its_names)
{
	struct rtshm_object_info oi;
	struct rtshm_result a;
	struct proc_obj p;
	int s;

	CHECK_OK(process_new(t_name("proc"), 0600, &p));
	s = CHECK_OK(segment(&a));
	CHECK_OK(rtshm_catalog_dir(s, p.id, p.serial, "SEGMENT"));
	CHECK_OK(rtshm_close(p.fd));
	CHECK_ERR(rtshm_lookup_dir(p.id, p.serial, "SEGMENT", 0, &oi), ESRCH);
	CHECK_ERR(rtshm_lookup(t_name("proc"), 0, &oi), ENOENT);
	CHECK_OK(rtshm_describe_id(a.id, &oi));
	/* the segment is unnamed again: it can take a name elsewhere */
	CHECK_OK(rtshm_catalog(s, t_name("again")));
	CHECK_ERR(rtshm_catalog_dir(s, p.id, p.serial, "SEGMENT"), ESRCH);
	rtshm_close(s);
	/* and the process's name is free for its next run */
	CHECK_OK(process_new(t_name("proc"), 0600, &p));
	rtshm_close(p.fd);
	CHECK_EQ(t_proc_segments(), 0);
}

/*
 * The port's first step: wait in a process's directory for the segment;
 * a catalog there wakes the waiter, the process's death ends the wait.
 */
TEST(waiting_lookup_is_woken_by_the_catalog_and_ended_by_the_process_death)
{
	struct rtshm_result a;
	struct proc_obj p;
	int report[2], pid, waiter, s, st;

	CHECK_SYS(pipe(report));
	pid = fork();
	if (pid == 0) {
		if (process_new(t_name("rtproc"), 0600, &p) < 0)
			_exit(80);
		if (write(report[1], &p, sizeof(p)) != sizeof(p))
			_exit(81);
		pause();
		_exit(0);
	}
	close(report[1]);	/* a child that failed ends the read */
	CHECK_EQ(read(report[0], &p, sizeof(p)), (long)sizeof(p));

	/* woken by the catalog in that directory */
	waiter = fork();
	if (waiter == 0) {
		struct rtshm_object_info oi;

		_exit(-rtshm_lookup_dir(p.id, p.serial, "SEGMENT", -1, &oi));
	}
	CHECK(asleep(waiter));
	s = CHECK_OK(segment(&a));
	CHECK_OK(rtshm_catalog_dir(s, p.id, p.serial, "SEGMENT"));
	CHECK_EQ(t_wait(waiter), 0);

	/* ended, not left waiting forever, when the process dies */
	waiter = fork();
	if (waiter == 0) {
		struct rtshm_object_info oi;

		_exit(-rtshm_lookup_dir(p.id, p.serial, "NEVER", -1, &oi));
	}
	CHECK(asleep(waiter));
	CHECK_SYS(kill(pid, SIGKILL));
	CHECK_EQ(t_wait(pid), 128 + SIGKILL);
	st = t_wait(waiter);
	CHECK_EQ(st, ESRCH);
	rtshm_close(s);
	CHECK_EQ(t_proc_segments(), 0);
}

static int lookup_as_user(void *arg)
{
	struct proc_obj *p = arg;
	struct rtshm_object_info oi;

	return -rtshm_lookup_dir(p->id, p->serial, "SEGMENT", 0, &oi);
}

static int uncatalog_as_user(void *arg)
{
	struct proc_obj *p = arg;

	return -rtshm_uncatalog_dir(p->id, p->serial, "SEGMENT");
}

/* A directory is read with read permission and changed with write. */
TEST(directory_permissions_follow_the_process_object)
{
	struct rtshm_result a;
	struct proc_obj p;
	int s;

	CHECK_OK(process_new(t_name("proc"), 0600, &p));
	s = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0666, &a));
	CHECK_OK(rtshm_catalog_dir(s, p.id, p.serial, "SEGMENT"));
	CHECK_EQ(t_run_as(USER1, USER1, -1, lookup_as_user, &p), EACCES);
	rtshm_close(p.fd);

	CHECK_OK(process_new(t_name("proc"), 0644, &p));
	CHECK_OK(rtshm_catalog_dir(s, p.id, p.serial, "SEGMENT"));
	CHECK_EQ(t_run_as(USER1, USER1, -1, lookup_as_user, &p), 0);
	CHECK_EQ(t_run_as(USER1, USER1, -1, uncatalog_as_user, &p), EACCES);
	rtshm_close(p.fd);
	rtshm_close(s);
	CHECK_EQ(t_proc_segments(), 0);
}
