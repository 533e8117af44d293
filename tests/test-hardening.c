// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-user hardening of rtshm.ko (ABI 2.0): quotas that hold under races
 * and across user namespaces, RLIMIT_MEMLOCK, who may use which tier, the
 * squatting rule of a non-exclusive create, /proc/rtshm's namespaces pinned
 * at open, STAT with the opener's credentials, per-name lookup wake-ups and
 * the ioctl numbers.  Each test failed on the 1.x module.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/rtshm.h>

#include "harness.h"
#include "rtshm.h"

#define USER1	1001
#define USER2	1002
#define RTGRP	1100
#define MIB	(1ULL << 20)

/* ---- helpers ---------------------------------------------------------- */

static void param_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "/sys/module/rtshm/parameters/%s", name);
}

static void param_read(const char *name, char *val, size_t len)
{
	char path[128];
	FILE *f;

	param_path(path, sizeof(path), name);
	f = fopen(path, "re");
	CHECK(f);
	CHECK(fgets(val, (int)len, f));
	fclose(f);
	val[strcspn(val, "\n")] = '\0';
}

static void param_write(const char *name, const char *val)
{
	char path[128];
	FILE *f;

	param_path(path, sizeof(path), name);
	f = fopen(path, "we");
	CHECK(f);
	CHECK(fputs(val, f) >= 0);
	CHECK(fclose(f) == 0);
}

/*
 * Run @fn in a child with module parameter @name set to @val, and put the
 * old value back whatever happens to the child.  Return: its exit status.
 */
static int with_param(const char *name, const char *val, int (*fn)(void *),
		      void *arg)
{
	char old[64];
	int pid, st;

	param_read(name, old, sizeof(old));
	param_write(name, val);
	pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	st = t_wait(pid);
	param_write(name, old);
	return st;
}

static bool kernel_is_rt(void)
{
	struct utsname u;

	return uname(&u) == 0 && strstr(u.version, "PREEMPT_RT");
}

/* Become @uid with no capabilities (as t_run_as does, but in place). */
static void become(unsigned int uid, unsigned int gid)
{
	CHECK_SYS(setresgid(gid, gid, gid));
	CHECK_SYS(setresuid(uid, uid, uid));
}

/* Children that wait to be killed also die with a test that failed. */
static void die_with_parent(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* ---- ioctl numbers ---------------------------------------------------- */

/* 0xB8 is mainline's /dev/mshv; 2.0 moved to 0xB9 and refuses the old one. */
TEST(ioctl_magic_is_0xb9_and_old_numbers_fail)
{
	struct rtshm_info info;
	int fd = CHECK_SYS(open("/dev/rtshm", O_RDWR | O_CLOEXEC));

	CHECK_EQ(_IOC_TYPE(RTSHM_IOC_GET_INFO), 0xB9);
	CHECK_SYSERR(ioctl(fd, _IOR(0xB8, 0x00, struct rtshm_info), &info), ENOTTY);
	memset(&info, 0, sizeof(info));
	CHECK_SYS(ioctl(fd, RTSHM_IOC_GET_INFO, &info));
	CHECK_EQ(info.abi_major, 2);
	close(fd);
}

/* ---- quota ------------------------------------------------------------ */

/*
 * The peak memory of racing creators, measured exactly by their memory
 * cgroup's memory.peak (the pages tier is charged to the creator's cgroup):
 * 12 processes of one user, each wanting a 4 MiB segment under an 8 MiB
 * quota.  Charging before allocating lets at most two allocate; the 1.x
 * module let every one that passed the check allocate and zero first.
 */
#define RACERS	12
#define CG	"/sys/fs/cgroup"

static bool cgroup_ready(void)
{
	struct stat st;
	FILE *f;

	if (stat(CG "/cgroup.controllers", &st))
		mount("none", CG, "cgroup2", 0, NULL);
	f = fopen(CG "/cgroup.subtree_control", "we");
	if (!f)
		return false;
	fputs("+memory", f);
	return fclose(f) == 0;
}

static long cg_read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int race_quota(void *arg)
{
	const char *name = arg;
	int go[2], done[2], pids[RACERS], created = 0, dquot = 0, i;
	char c;

	if (pipe(go) || pipe(done))
		return 90;
	for (i = 0; i < RACERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char nm[64];
			int h;

			die_with_parent();
			close(go[1]);
			snprintf(nm, sizeof(nm), "%s-%d", name, i);
			if (read(go[0], &c, 1) != 0)
				_exit(91);
			h = rtshm_create(nm, 4 * MIB, RTSHM_RDWR | RTSHM_USE_PAGES,
					 0600, NULL);
			c = h >= 0 ? 'c' : h == -EDQUOT ? 'q' : 'e';
			if (write(done[1], &c, 1) != 1)
				_exit(92);
			/* a creator holds its segment until every racer is done */
			if (h >= 0)
				pause();
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);	/* everyone starts at once */
	for (i = 0; i < RACERS; i++) {
		if (read(done[0], &c, 1) != 1)
			return 93;
		created += c == 'c';
		dquot += c == 'q';
	}
	for (i = 0; i < RACERS; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	fprintf(stderr, "  quota race: %d created, %d EDQUOT\n", created, dquot);
	return created <= 2 && created + dquot == RACERS ? 0 : 94;
}

TEST(racing_creators_never_hold_more_than_the_quota)
{
	char dir[64], path[128];
	long base, peak;
	int pid, go[2], st;
	char c;
	FILE *f;

	if (!cgroup_ready())
		t_skip("no cgroup2 memory controller");
	snprintf(dir, sizeof(dir), CG "/rtshm-quota-%d", getpid());
	CHECK_SYS(mkdir(dir, 0755));
	CHECK_SYS(pipe(go));
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 0)
			_exit(94);
		_exit(with_param("max_user_bytes", "8388608", race_quota,
				 (void *)t_name("qr")));
	}
	close(go[0]);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "we");
	CHECK(f);
	fprintf(f, "%d\n", pid);
	CHECK(fclose(f) == 0);
	snprintf(path, sizeof(path), "%s/memory.current", dir);
	base = cg_read_long(path);
	close(go[1]);
	st = t_wait(pid);
	snprintf(path, sizeof(path), "%s/memory.peak", dir);
	peak = cg_read_long(path);
	if (peak < 0)
		t_skip("no memory.peak");
	fprintf(stderr, "  quota race: cgroup peak %ld KiB above its start\n",
		(peak - base) >> 10);
	CHECK_EQ(st, 0);
	/* two 4 MiB segments, plus the racers' own pages (well under 4 MiB) */
	CHECK(peak - base < (long)(12 * MIB));
	rmdir(dir);
	CHECK_EQ(t_proc_segments(), 0);
}

/*
 * A user with a subordinate uid range owns every uid of it: uids 0..7 of a
 * user namespace owned by USER1 (mapped to 200000..200007 as newuidmap
 * would) share USER1's one quota rather than getting one each.
 */
struct userns_req {
	int ready[2];	/* child -> parent: namespace made */
	int mapped[2];	/* parent -> child: maps written */
	const char *name;
};

static int userns_creators(struct userns_req *r)
{
	int created = 0, i, n, done[2], pids[8];
	char c;

	if (unshare(CLONE_NEWUSER))
		return 80;
	if (write(r->ready[1], "u", 1) != 1 || read(r->mapped[0], &c, 1) != 1)
		return 81;
	if (pipe(done))
		return 84;
	for (n = 0; n < 8; n++) {
		pids[n] = fork();
		if (pids[n] == 0) {
			char nm[64];
			int h;

			if (setresgid(n, n, n) || setresuid(n, n, n))
				_exit(82);
			/* after the uid change, which clears it */
			die_with_parent();
			snprintf(nm, sizeof(nm), "%s-%d", r->name, n);
			h = rtshm_create(nm, MIB, RTSHM_RDWR, 0600, NULL);
			/* 'c' created (and kept), 'q' quota, 'e' anything else */
			c = h >= 0 ? 'c' : h == -EDQUOT ? 'q' : 'e';
			if (write(done[1], &c, 1) != 1 || h < 0)
				_exit(83);
			pause();
			_exit(0);
		}
		/* one creator at a time, however slow the machine */
		if (pids[n] < 0 || read(done[0], &c, 1) != 1 || c == 'e') {
			created = 85;
			n += pids[n] >= 0;
			break;
		}
		created += c == 'c';
	}
	fprintf(stderr, "  user namespace: %d of 8 uids got a 1 MiB segment under a 4 MiB quota\n",
		created);
	/*
	 * Reaped here, not left to init: their segments must be gone when
	 * this process's parent looks at /proc/rtshm.
	 */
	for (i = 0; i < n; i++) {
		kill(pids[i], SIGKILL);
		t_wait(pids[i]);
	}
	return created;
}

/* The exit status of the creators' parent: how many got a segment. */
static int userns_quota(void *arg)
{
	struct userns_req *r = arg;
	char path[64], c;
	int pid, fd;

	if (pipe(r->ready) || pipe(r->mapped))
		return 70;
	pid = fork();
	if (pid == 0) {
		if (setresgid(USER1, USER1, USER1) || setresuid(USER1, USER1, USER1))
			_exit(71);
		_exit(userns_creators(r));
	}
	if (read(r->ready[0], &c, 1) != 1)
		return 72;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0 200000 8\n", 11) != 11)
		return 73;
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0 200000 8\n", 11) != 11)
		return 74;
	close(fd);
	if (write(r->mapped[1], "m", 1) != 1)
		return 75;
	return t_wait(pid);
}

TEST(user_namespace_uids_share_their_owners_quota)
{
	struct userns_req r = { .name = t_name("uq") };

	CHECK_EQ(with_param("max_user_bytes", "4194304", userns_quota, &r), 4);
	CHECK_EQ(t_proc_segments(), 0);
}

/* ---- RLIMIT_MEMLOCK --------------------------------------------------- */

static int memlock_as_user(void *arg)
{
	struct rlimit rl = { 2 * MIB, 2 * MIB };
	int a, b, c;

	(void)arg;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 60;
	become(USER1, USER1);
	a = rtshm_create(NULL, MIB, RTSHM_RDWR, 0600, NULL);
	b = rtshm_create(NULL, MIB, RTSHM_RDWR, 0600, NULL);
	c = rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL);
	if (a < 0 || b < 0)
		return 61;
	if (c != -ENOMEM)
		return 62;
	/* given back with the segment */
	rtshm_close(a);
	c = rtshm_create(NULL, MIB, RTSHM_RDWR, 0600, NULL);
	return c >= 0 ? 0 : 63;
}

TEST(segments_count_against_rlimit_memlock)
{
	int pid = fork();

	if (pid == 0)
		_exit(memlock_as_user(NULL));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(t_proc_segments(), 0);
}

/* CAP_IPC_LOCK lets a segment past the limit, as with mlock(). */
TEST(cap_ipc_lock_is_exempt_from_rlimit_memlock)
{
	struct rlimit rl = { MIB, MIB };
	int h;

	CHECK_SYS(setrlimit(RLIMIT_MEMLOCK, &rl));
	h = CHECK_OK(rtshm_create(NULL, 4 * MIB, RTSHM_RDWR, 0600, NULL));
	rtshm_close(h);
}

/* ---- tier policy ------------------------------------------------------ */

static int tiers_as_user(void *arg)
{
	int want_group = arg != NULL;	/* supplementary groups set by the caller */
	int h, ret = 0;

	become(USER1, USER1);
	h = rtshm_create(NULL, 8 * MIB, RTSHM_RDWR | RTSHM_USE_CONTIG, 0600, NULL);
	if (want_group ? h == -EPERM : h != -EPERM)
		ret |= 1;
	if (h >= 0)
		rtshm_close(h);
	h = rtshm_create(NULL, 4096, RTSHM_RDWR | RTSHM_USE_POOL, 0600, NULL);
	if (want_group ? h == -EPERM : h != -EPERM)
		ret |= 2;
	if (h >= 0)
		rtshm_close(h);
	/* a size only contig or pool can give */
	h = rtshm_create(NULL, 8 * MIB, RTSHM_RDWR, 0600, NULL);
	if (want_group ? h == -EPERM : h != -EPERM)
		ret |= 4;
	if (h >= 0)
		rtshm_close(h);
	/* the page tier stays open to everyone */
	h = rtshm_create(NULL, 4 * MIB, RTSHM_RDWR, 0600, NULL);
	if (h < 0)
		ret |= 8;
	else
		rtshm_close(h);
	return ret;
}

static int tiers_as_group_member(void *arg)
{
	gid_t g = RTGRP;

	(void)arg;
	if (setgroups(1, &g))
		return 50;
	return tiers_as_user((void *)1);
}

TEST(contig_and_pool_need_cap_ipc_lock_or_tier_gid)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int pid;

	/* memlock is another test's business */
	CHECK_SYS(setrlimit(RLIMIT_MEMLOCK, &rl));
	pid = fork();
	if (pid == 0)
		_exit(tiers_as_user(NULL));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(with_param("tier_gid", "1100", tiers_as_group_member, NULL), 0);
	CHECK_EQ(t_proc_segments(), 0);
}

/* On PREEMPT_RT the contig tier is off until the administrator turns it on. */
TEST(contig_tier_is_off_by_default_on_preempt_rt)
{
	char v[8];
	int h;

	param_read("contig_tier", v, sizeof(v));
	if (kernel_is_rt()) {
		CHECK(!strcmp(v, "N"));
		CHECK_ERR(rtshm_create(NULL, 8 * MIB, RTSHM_RDWR | RTSHM_USE_CONTIG,
				       0600, NULL), EOPNOTSUPP);
	} else {
		CHECK(!strcmp(v, "Y"));
		h = rtshm_create(NULL, 8 * MIB, RTSHM_RDWR | RTSHM_USE_CONTIG,
				 0600, NULL);
		CHECK(h >= 0 || h == -ENOMEM);
		if (h >= 0)
			rtshm_close(h);
	}
}

/* ---- squatting -------------------------------------------------------- */

static int plant(void *arg)
{
	int h;

	die_with_parent();
	h = rtshm_create(arg, 4096, RTSHM_RDWR, 0666, NULL);

	if (h < 0)
		return 1;
	pause();
	return 0;
}

static int create_open_own(void *arg)
{
	int h = rtshm_create(arg, 4096, RTSHM_RDWR, 0666, NULL);

	return h >= 0 ? 0 : 1;
}

static int create_open_other(void *arg)
{
	return rtshm_create(arg, 4096, RTSHM_RDWR, 0666, NULL) >= 0 ? 0 : 1;
}

TEST(create_does_not_open_another_users_planted_object)
{
	const char *name = t_name("sq");
	const char *rname = t_name("sqroot");
	struct rtshm_result res;
	int pid, h;

	pid = fork();
	if (pid == 0) {
		become(USER1, USER1);
		_exit(plant((void *)name));
	}
	while (!t_proc_segments())
		usleep(10000);
	/* root's create must not silently adopt USER1's 0666 object */
	CHECK_ERR(rtshm_create(name, 4096, RTSHM_RDWR, 0600, &res), EACCES);
	CHECK_ERR(rtshm_create(name, 4096, RTSHM_RDWR | RTSHM_EXCL, 0600, NULL), EEXIST);
	/* asking for the existing object by name is still fine */
	h = CHECK_OK(rtshm_open(name, RTSHM_RDWR, NULL));
	rtshm_close(h);
	/* nor another user's */
	CHECK_EQ(t_run_as(USER2, USER2, -1, create_open_other, (void *)name), 1);
	/* its owner may create-open it */
	CHECK_EQ(t_run_as(USER1, USER1, -1, create_open_own, (void *)name), 0);
	/* and with the rule off, anyone the mode allows */
	CHECK_EQ(with_param("protected_create", "0", create_open_other, (void *)name), 0);
	kill(pid, SIGKILL);
	t_wait(pid);

	/* objects of root stay create-openable by every user the mode lets in */
	h = CHECK_OK(rtshm_create(rname, 4096, RTSHM_RDWR, 0666, NULL));
	CHECK_EQ(t_run_as(USER1, USER1, -1, create_open_other, (void *)rname), 0);
	rtshm_close(h);
	CHECK_EQ(t_proc_segments(), 0);
}

/* ---- /proc/rtshm and STAT --------------------------------------------- */

static int count_lines(int fd)
{
	char buf[8192];
	ssize_t n;
	int lines = 0;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	return lines;
}

/* An open /proc/rtshm keeps showing the IPC namespace it was opened in. */
TEST(proc_shows_the_openers_ipc_namespace)
{
	int h = CHECK_OK(rtshm_create(t_name("pns"), 4096, RTSHM_RDWR, 0600, NULL));
	int fd = CHECK_SYS(open("/proc/rtshm", O_RDONLY | O_CLOEXEC));
	int pid;

	/* header, our segment, summary */
	CHECK_EQ(count_lines(fd), 3);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWIPC))
			_exit(40);
		if (rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL) < 0 ||
		    rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL) < 0)
			_exit(41);
		/* the inherited descriptor still reads the first namespace */
		_exit(count_lines(fd) == 3 ? 0 : 42);
	}
	CHECK_EQ(t_wait(pid), 0);
	close(fd);
	rtshm_close(h);
}

/* cpid is given in the opener's pid namespace, as uid is in its user ns. */
TEST(proc_shows_pids_of_the_openers_pid_namespace)
{
	int h = CHECK_OK(rtshm_create(t_name("pidns"), 4096, RTSHM_RDWR, 0600, NULL));
	int fd = CHECK_SYS(open("/proc/rtshm", O_RDONLY | O_CLOEXEC));
	int creator = getpid(), pid;

	pid = fork();
	if (pid == 0) {
		int inner;

		if (unshare(CLONE_NEWPID))
			_exit(30);
		inner = fork();
		if (inner == 0) {
			char buf[4096], want[32];
			ssize_t n;

			n = pread(fd, buf, sizeof(buf) - 1, 0);
			if (n <= 0)
				_exit(31);
			buf[n] = '\0';
			/* "... mode cpid phys ...": the creator is invisible here */
			snprintf(want, sizeof(want), " 0600 %d ", creator);
			_exit(strstr(buf, want) ? 0 : 32);
		}
		_exit(t_wait(inner));
	}
	CHECK_EQ(t_wait(pid), 0);
	close(fd);
	rtshm_close(h);
}

/*
 * STAT decides on physical addresses by the credentials the handle was
 * opened with, as /proc/rtshm does, not by a capability check of the
 * caller on every call.
 */
TEST(stat_uses_the_openers_credentials)
{
	struct rtshm_seg_info info;
	int h = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	int pid;

	pid = fork();
	if (pid == 0) {
		/* drop every capability: the handle was opened with them */
		struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct data[2];

		memset(data, 0, sizeof(data));
		if (syscall(SYS_capset, &hdr, data))
			_exit(20);
		if (rtshm_stat(h, &info))
			_exit(21);
		_exit(info.phys_addr ? 0 : 22);
	}
	CHECK_EQ(t_wait(pid), 0);
	rtshm_close(h);
}

/* ---- lookup wake-ups -------------------------------------------------- */

static long voluntary_switches(int pid)
{
	char path[64], line[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		sscanf(line, "voluntary_ctxt_switches: %ld", &v);
	fclose(f);
	return v;
}

/*
 * A waiter for one name is woken by names of its own hash queue only, not
 * by every creation on the machine (1.x: one queue for everything).  200
 * other names would wake a single shared queue 200 times; with 64 queues
 * about 3 of them land on the waiter's.  The names come GAP_US apart, so a
 * woken waiter is asleep again before the next one (each wake-up counts).
 */
#define GAP_US	4000

/* Create and close 200 other names, GAP_US apart, here or in a new IPC ns. */
static void wake_with_other_names(const char *name, int round, bool other_namespace)
{
	int pid = other_namespace ? fork() : 0;
	int i;

	if (pid > 0) {
		CHECK_EQ(t_wait(pid), 0);
		return;
	}
	if (other_namespace && unshare(CLONE_NEWIPC))
		_exit(1);
	for (i = 0; i < 200; i++) {
		char nm[64];
		int h;

		snprintf(nm, sizeof(nm), "%s-other%d-%d", name, round, i);
		h = rtshm_create(nm, 4096, RTSHM_RDWR, 0600, NULL);
		if (h < 0 && other_namespace)
			_exit(2);
		CHECK_OK(h);
		rtshm_close(h);
		usleep(GAP_US);
	}
	if (other_namespace)
		_exit(0);
}

static void lookup_wakeups(bool other_namespace)
{
	const char *name = t_name("lw");
	long before = -1, after = -1;
	int waiter, i, h, round;

	waiter = fork();
	if (waiter == 0) {
		struct rtshm_object_info oi;

		die_with_parent();
		/* what the lookup found, for the parent to check */
		_exit(-rtshm_lookup(name, 60000, &oi));
	}
	/* let it block */
	for (i = 0; i < 100; i++) {
		char path[64], st[256];
		FILE *f;

		usleep(20000);
		snprintf(path, sizeof(path), "/proc/%d/stat", waiter);
		f = fopen(path, "re");
		if (f && fgets(st, sizeof(st), f) && strstr(st, ") S ")) {
			fclose(f);
			break;
		}
		if (f)
			fclose(f);
	}
	usleep(100000);
	/*
	 * Context switches stand in for wake-ups, and anything else that
	 * wakes the waiter counts too: a second round with fresh names tells
	 * a transient from a queue woken by other names (every round).
	 */
	for (round = 0; round < 2; round++) {
		before = voluntary_switches(waiter);
		wake_with_other_names(name, round, other_namespace);
		after = voluntary_switches(waiter);
		fprintf(stderr, "  lookup waiter woken %ld times by 200 other names%s (round %d)\n",
			after - before, other_namespace ? " of another namespace" : "",
			round + 1);
		if (after - before < 40)
			break;
	}
	CHECK(before >= 0);
	CHECK(after - before < 40);
	/* and the name it waits for still wakes it: kept until it has looked */
	h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_EQ(t_wait(waiter), 0);
	rtshm_close(h);
}

TEST(lookup_waiters_are_woken_by_their_own_names)
{
	lookup_wakeups(false);
}

TEST(lookup_waiters_are_not_woken_from_other_namespaces)
{
	lookup_wakeups(true);
}

/* ---- one handle, two namespaces --------------------------------------- */

static int bind_unnamed(int fd)
{
	struct rtshm_bind b;

	memset(&b, 0, sizeof(b));
	b.type = RTSHM_TYPE_SHM;
	b.size = 4096;
	b.mode = 0600;
	b.flags = RTSHM_BIND_WRITE;
	return ioctl(fd, RTSHM_IOC_CREATE, &b) ? -errno : 0;
}

/*
 * A descriptor shared by processes of two IPC namespaces is bound once:
 * racing creates on it, one in each namespace, give one segment and EBUSY.
 */
TEST(one_handle_binds_once_across_namespaces)
{
	int round, won = 0;

	for (round = 0; round < 100; round++) {
		int fd = CHECK_SYS(open("/dev/rtshm", O_RDWR | O_CLOEXEC));
		int go[2], pid, mine, theirs;
		char c;

		CHECK_SYS(pipe(go));
		pid = fork();
		if (pid == 0) {
			if (unshare(CLONE_NEWIPC))
				_exit(100);
			if (read(go[0], &c, 1) != 1)
				_exit(101);
			_exit(-bind_unnamed(fd));
		}
		usleep(2000);
		CHECK_EQ(write(go[1], "g", 1), 1);
		mine = bind_unnamed(fd);
		theirs = -t_wait(pid);
		close(go[0]);
		close(go[1]);
		CHECK((mine == 0 && theirs == -EBUSY) || (mine == -EBUSY && theirs == 0));
		won += mine == 0;
		close(fd);
	}
	fprintf(stderr, "  100 races: this namespace bound %d, the other %d\n", won, 100 - won);
	CHECK_EQ(t_proc_segments(), 0);
}
