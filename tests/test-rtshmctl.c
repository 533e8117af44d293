// SPDX-License-Identifier: GPL-2.0
/*
 * rtshmctl end to end: status, load (by path and by name with modprobe.d
 * options), unload refused while in use, list as a table and as JSON, info,
 * dump, create --hold, watch, exit codes, and what an unprivileged user can
 * do.  rtshmctl and the kmod program (run as depmod) sit next to this test.
 */
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/rtshm.h>

#include "rtshm.h"
#include "harness.h"
#include "json-mini.h"

#define MODULE_PATH	"/lib/modules/rtshm.ko"	/* where the VM's init loads it from */
#define MODPROBE_CONF	"/etc/modprobe.d/rtshm.conf"
#define PARAMS		"/sys/module/rtshm/parameters/"
#define ROOT		(-1)
#define RTUSER1		1001
#define RTUSER2		1002

static char ctl[PATH_MAX], kmod_prog[PATH_MAX];

/* rtshmctl and kmod are in this program's directory. */
__attribute__((constructor)) static void find_programs(void)
{
	char self[PATH_MAX - 16];	/* room for "/rtshmctl" */
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		n = 0;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(ctl, sizeof(ctl), "%s/rtshmctl", slash ? self : ".");
	snprintf(kmod_prog, sizeof(kmod_prog), "%s/kmod", slash ? self : ".");
}

/* --- running programs ---------------------------------------------------- */

struct run {
	int status;	/* exit status, or 128 + signal */
	char out[65536];
	char err[8192];
};

static void drop_to(int uid)
{
	gid_t none[1] = { 0 };

	if (uid == ROOT)
		return;
	if (setgroups(0, none) || setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid))
		_exit(126);
}

static void read_back(int fd, char *buf, size_t n)
{
	ssize_t r = pread(fd, buf, n - 1, 0);

	buf[r > 0 ? r : 0] = '\0';
	close(fd);
}

/*
 * Run @argv as @uid, stdout and stderr into memory files (no pipe can fill
 * up and block), and wait for it.  argv[0] is the program's path; @as_argv0
 * replaces it as the name the program sees, if not NULL.
 */
static int run_prog(struct run *r, int uid, const char *as_argv0, const char *const *argv)
{
	int out = CHECK_SYS(memfd_create("stdout", MFD_CLOEXEC));
	int err = CHECK_SYS(memfd_create("stderr", MFD_CLOEXEC));
	pid_t pid;

	fflush(NULL);
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		char **args = (char **)argv;
		const char *path = argv[0];

		if (as_argv0)
			args[0] = (char *)as_argv0;
		if (dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(125);
		drop_to(uid);
		execv(path, args);
		_exit(127);
	}
	r->status = t_wait(pid);
	read_back(out, r->out, sizeof(r->out));
	read_back(err, r->err, sizeof(r->err));
	return r->status;
}

#define CTL(r, uid, ...) run_prog(r, uid, NULL, (const char *const[]){ ctl, __VA_ARGS__, NULL })

/* The exit status must be @want; otherwise show what the program said. */
#define EXPECT(r, want)							\
	do {								\
		if ((r)->status != (want))				\
			t_fail(__FILE__, __LINE__, "exit status %d, expected %d\n" \
			       "--- stdout:\n%s--- stderr:\n%s", (r)->status, (want), \
			       (r)->out, (r)->err);			\
	} while (0)

#define EXPECT_IN(text, what)						\
	do {								\
		if (!strstr((text), (what)))				\
			t_fail(__FILE__, __LINE__, "\"%s\" not in:\n%s", (what), (text)); \
	} while (0)

/* Start @argv as @uid with stdout and stderr on a pipe; returns its read end. */
static int spawn(pid_t *pid, int uid, const char *const *argv)
{
	int p[2];

	CHECK_SYS(pipe2(p, O_CLOEXEC));
	fflush(NULL);
	*pid = CHECK_SYS(fork());
	if (*pid == 0) {
		if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(125);
		drop_to(uid);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	close(p[1]);
	return p[0];
}

/* One line from @fd within 20 s (rtshmctl flushes its lines). */
static void read_line(int fd, char *buf, size_t n)
{
	size_t len = 0;

	while (len + 1 < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 20000) != 1)
			t_fail(__FILE__, __LINE__, "no line within 20 s (got \"%.*s\")",
			       (int)len, buf);
		if (read(fd, buf + len, 1) != 1)
			break;
		if (buf[len++] == '\n')
			break;
	}
	buf[len] = '\0';
}

/* Everything @fd still delivers, until end of file. */
static void read_rest(int fd, char *buf, size_t n)
{
	size_t len = 0;
	ssize_t r;

	while (len + 1 < n && (r = read(fd, buf + len, n - 1 - len)) > 0)
		len += (size_t)r;
	buf[len] = '\0';
	close(fd);
}

/* --- module state -------------------------------------------------------- */

static int loaded(void)
{
	struct stat st;

	return stat("/sys/module/rtshm", &st) == 0;
}

static long param(const char *name)
{
	char path[128], buf[64] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strtol(buf, NULL, 10);
}

static const char *kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0])
		uname(&u);
	return u.release;
}

static void write_file(const char *path, const char *text)
{
	int fd = CHECK_SYS(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));

	CHECK_EQ(write(fd, text, strlen(text)), (long long)strlen(text));
	close(fd);
}

static void copy_file(const char *from, const char *to, size_t limit)
{
	static char buf[1 << 16];
	int in = CHECK_SYS(open(from, O_RDONLY | O_CLOEXEC));
	int out = CHECK_SYS(open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
	size_t done = 0;
	ssize_t n;

	while (done < limit && (n = read(in, buf, sizeof(buf))) > 0) {
		if ((size_t)n > limit - done)
			n = (ssize_t)(limit - done);
		CHECK_EQ(write(out, buf, (size_t)n), n);
		done += (size_t)n;
	}
	close(in);
	close(out);
}

/*
 * Back to the state the VM's init made: rtshm loaded from MODULE_PATH with
 * default parameters, no modprobe.d file, no /lib/modules/<kver> tree.
 */
static void module_restore(void)
{
	char tree[256];
	struct run r;

	unlink(MODPROBE_CONF);
	snprintf(tree, sizeof(tree), "/lib/modules/%s", kernel_release());
	run_prog(&r, ROOT, NULL, (const char *const[]){ "/bin/rm", "-rf", tree, "/tmp/ctl", NULL });
	if (loaded()) {
		rtshm_control_close();
		syscall(SYS_delete_module, "rtshm", O_NONBLOCK);
	}
	if (!loaded()) {
		int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			syscall(SYS_finit_module, fd, "", 0);
			close(fd);
		}
	}
}

/*
 * Run @body in a child, then restore the module whatever happened, so a
 * failure here cannot leave odd parameters to the tests that follow.
 */
static void with_module_restored(void (*body)(void))
{
	pid_t pid;
	int rc;

	fflush(NULL);
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		body();
		fflush(NULL);
		_exit(0);
	}
	rc = t_wait(pid);
	module_restore();
	CHECK(loaded());
	CHECK_EQ(param("max_segments"), 4096);
	CHECK_EQ(rc, 0);	/* the body printed why it failed */
}

/* --- help and usage ---------------------------------------------------- */

TEST(help_and_usage_errors)
{
	static const char *const cmds[] = {
		"status", "load", "unload", "list", "info", "dump", "create", "watch",
	};
	struct run r;
	char want[64];
	size_t i;

	CTL(&r, ROOT, "--help");
	EXPECT(&r, 0);
	EXPECT_IN(r.out, "Exit status:");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(want, sizeof(want), "Usage: rtshmctl %s", cmds[i]);
		CTL(&r, ROOT, cmds[i], "--help");
		EXPECT(&r, 0);
		EXPECT_IN(r.out, want);
		CTL(&r, ROOT, "help", cmds[i]);
		EXPECT(&r, 0);
		EXPECT_IN(r.out, want);
		CTL(&r, ROOT, cmds[i], "--no-such-option");
		EXPECT(&r, 2);
		EXPECT_IN(r.err, want);
	}
	CTL(&r, ROOT, "--version");
	EXPECT(&r, 0);
	EXPECT_IN(r.out, "rtshmctl ");
	run_prog(&r, ROOT, NULL, (const char *const[]){ ctl, NULL });
	EXPECT(&r, 2);
	CTL(&r, ROOT, "frobnicate");
	EXPECT(&r, 2);
	EXPECT_IN(r.err, "unknown command 'frobnicate'");
	CTL(&r, ROOT, "list", "extra");
	EXPECT(&r, 2);
	CTL(&r, ROOT, "info");
	EXPECT(&r, 2);
	CTL(&r, ROOT, "watch", "--interval", "0.01");
	EXPECT(&r, 2);
}

/* --- status, load, unload ---------------------------------------------- */

TEST(status_shows_module_and_parameters)
{
	static const char *const names[] = { "max_bytes", "max_segments", "max_user_bytes" };
	static const int uids[] = { ROOT, RTUSER1 };
	struct run r;
	char want[128];
	size_t i, u;

	for (u = 0; u < 2; u++) {
		CTL(&r, uids[u], "status");
		EXPECT(&r, 0);
		EXPECT_IN(r.out, "module:     rtshm (live)\n");
		EXPECT_IN(r.out, "refcount:   0\n");
		EXPECT_IN(r.out, "holders:    none\n");
		EXPECT_IN(r.out, "version:    1.0\n");
		snprintf(want, sizeof(want), "abi:        %d.%d ", RTSHM_ABI_MAJOR,
			 RTSHM_ABI_MINOR);
		EXPECT_IN(r.out, want);
		EXPECT_IN(r.out, "device:     /dev/rtshm (char ");
		snprintf(want, sizeof(want), "file:       not installed for kernel %s",
			 kernel_release());
		EXPECT_IN(r.out, want);
		EXPECT_IN(r.out, "\nparameters:\n");
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(want, sizeof(want), "\n  %s=%ld\n", names[i], param(names[i]));
			EXPECT_IN(r.out, want);
		}
	}
}

static void unload_and_load_by_path(void)
{
	struct run r;
	void *p;
	int h;

	/*
	 * a handle, then only a mapping, pins the module: status 6, nothing
	 * forced; the module counts the open handle and the segment's file
	 */
	h = CHECK_OK(rtshm_create(t_name("pin"), 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_OK(rtshm_control_close());	/* it would be a third reference */
	CTL(&r, ROOT, "unload");
	EXPECT(&r, 6);
	EXPECT_IN(r.err, "rtshm is in use: 2 references from open handles and segments");
	EXPECT_IN(r.err, "(1 segment in this IPC namespace)");
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ, &p));
	CHECK_OK(rtshm_close(h));
	CTL(&r, ROOT, "unload");
	EXPECT(&r, 6);
	CHECK(loaded());
	CTL(&r, RTUSER1, "unload");	/* privilege is checked before use */
	EXPECT(&r, 5);
	EXPECT_IN(r.err, "needs root");
	CHECK_OK(rtshm_unmap(p, 4096));

	CTL(&r, ROOT, "unload");
	EXPECT(&r, 0);
	EXPECT_IN(r.out, "unloaded rtshm");
	CHECK(!loaded());

	/* everything says "not loaded" with status 3 */
	CTL(&r, ROOT, "status");
	EXPECT(&r, 3);
	EXPECT_IN(r.out, "module:     rtshm (not loaded)");
	CTL(&r, ROOT, "unload");
	EXPECT(&r, 3);
	CTL(&r, ROOT, "list");
	EXPECT(&r, 3);
	EXPECT_IN(r.err, "not loaded");
	CTL(&r, ROOT, "info", "1");
	EXPECT(&r, 3);
	CTL(&r, ROOT, "dump", "1");
	EXPECT(&r, 3);
	CTL(&r, ROOT, "create", "--hold", "x", "4096");
	EXPECT(&r, 3);

	CTL(&r, RTUSER1, "load", "--path", MODULE_PATH);
	EXPECT(&r, 5);
	EXPECT_IN(r.err, "CAP_SYS_MODULE");
	CHECK(!loaded());
	CTL(&r, ROOT, "load", "--path", MODULE_PATH, "max_segments=77");
	EXPECT(&r, 0);
	EXPECT_IN(r.out, "loaded " MODULE_PATH " with max_segments=77");
	CHECK(loaded());
	CHECK_EQ(param("max_segments"), 77);
	CTL(&r, ROOT, "status");
	EXPECT(&r, 0);
	EXPECT_IN(r.out, "\n  max_segments=77\n");
	/* the largest segment depends on the guest's zones since ABI 1.2 */
	EXPECT_IN(r.out, "limits:     ");
	EXPECT_IN(r.out, " per segment, ");

	/* loaded already: fine without parameters, refused with them */
	CTL(&r, ROOT, "load", "--path", MODULE_PATH);
	EXPECT(&r, 0);
	EXPECT_IN(r.out, "loaded already");
	CTL(&r, ROOT, "load", "--path", MODULE_PATH, "max_segments=5");
	EXPECT(&r, 6);
	EXPECT_IN(r.err, "parameters were not applied");
	CHECK_EQ(param("max_segments"), 77);
}

TEST(unload_refused_while_in_use_then_load_by_path)
{
	with_module_restored(unload_and_load_by_path);
}

static void load_errors(void)
{
	struct run r;

	CTL(&r, ROOT, "unload");
	EXPECT(&r, 0);
	CHECK_SYS(mkdir("/tmp/ctl", 0755));

	CTL(&r, ROOT, "load", "--path", "/tmp/ctl/absent/rtshm.ko");
	EXPECT(&r, 4);
	copy_file(MODULE_PATH, "/tmp/ctl/other.ko", SIZE_MAX);
	CTL(&r, ROOT, "load", "--path", "/tmp/ctl/other.ko");
	EXPECT(&r, 2);
	EXPECT_IN(r.err, "must be named rtshm.ko");
	CTL(&r, ROOT, "load", "--path", MODULE_PATH, "max_segments");
	EXPECT(&r, 2);
	CTL(&r, ROOT, "load", "--path", MODULE_PATH, "bogus=1");
	EXPECT(&r, 2);
	EXPECT_IN(r.err, "rtshm has no parameter 'bogus' (it has: ");
	EXPECT_IN(r.err, "max_user_bytes");
	CHECK(!loaded());

	/* the kernel refuses: a value it cannot parse, a file that is no module */
	CTL(&r, ROOT, "load", "--path", MODULE_PATH, "max_segments=lots");
	EXPECT(&r, 7);
	EXPECT_IN(r.err, "parameter value");
	CHECK(!loaded());
	CHECK_SYS(mkdir("/tmp/ctl/cut", 0755));
	copy_file(MODULE_PATH, "/tmp/ctl/cut/rtshm.ko", 2000);
	CTL(&r, ROOT, "load", "--path", "/tmp/ctl/cut/rtshm.ko");
	EXPECT(&r, 7);
	EXPECT_IN(r.err, "not a module for this kernel");
	CHECK(!loaded());

	CTL(&r, ROOT, "load", "--path", MODULE_PATH);
	EXPECT(&r, 0);
	CHECK(loaded());
}

TEST(load_reports_each_refusal)
{
	with_module_restored(load_errors);
}

static void load_by_name(void)
{
	char dir[256], path[300], want[400];
	struct run r;

	CTL(&r, ROOT, "unload");
	EXPECT(&r, 0);
	CTL(&r, ROOT, "load");
	EXPECT(&r, 4);
	EXPECT_IN(r.err, "not installed for kernel");

	/* install it where modprobe looks, and index it with the real depmod */
	snprintf(dir, sizeof(dir), "/lib/modules/%s", kernel_release());
	CHECK_SYS(mkdir(dir, 0755));
	snprintf(path, sizeof(path), "%s/extra", dir);
	CHECK_SYS(mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/extra/rtshm.ko", dir);
	copy_file(MODULE_PATH, path, SIZE_MAX);
	snprintf(want, sizeof(want), "%s/modules.order", dir);
	write_file(want, "");
	snprintf(want, sizeof(want), "%s/modules.builtin", dir);
	write_file(want, "");
	run_prog(&r, ROOT, "depmod", (const char *const[]){ kmod_prog, kernel_release(), NULL });
	EXPECT(&r, 0);

	/* modprobe.d options first, the command line after them: it wins */
	mkdir("/etc/modprobe.d", 0755);
	write_file(MODPROBE_CONF, "options rtshm max_segments=123 max_bytes=1048576\n");
	CTL(&r, ROOT, "load", "max_segments=99");
	EXPECT(&r, 0);
	snprintf(want, sizeof(want),
		 "loaded %s with max_segments=123 max_bytes=1048576 max_segments=99", path);
	EXPECT_IN(r.out, want);
	CHECK_EQ(param("max_segments"), 99);
	CHECK_EQ(param("max_bytes"), 1048576);
	CTL(&r, ROOT, "status");
	EXPECT(&r, 0);
	snprintf(want, sizeof(want), "file:       %s\n", path);
	EXPECT_IN(r.out, want);
	EXPECT_IN(r.out, "\n  max_bytes=1048576\n");

	/* the limit from modprobe.d is in force: 1 MiB per IPC namespace */
	CHECK_ERR(rtshm_create(NULL, 2 << 20, RTSHM_RDWR, 0600, NULL), ENOMEM);
}

TEST(load_by_name_applies_modprobe_options)
{
	with_module_restored(load_by_name);
}

/* --- list ---------------------------------------------------------------- */

/* Segments of several kinds, created by this process. */
struct fixture {
	int h[5];
	uint32_t id[5];
	struct rtshm_seg_info info[5];
	char name[5][64];	/* as created; [1] unnamed */
	char shown[5][128];	/* as rtshmctl shows them */
	void *map;
};

static void make_fixture(struct fixture *f)
{
	struct rtshm_result res;
	int i;

	snprintf(f->name[0], 64, "%s", t_name("plain"));
	snprintf(f->shown[0], 128, "%s", f->name[0]);
	f->name[1][0] = '\0';
	snprintf(f->shown[1], 128, "-");
	snprintf(f->name[2], 64, "odd name\t\001\377%d", (int)getpid());
	snprintf(f->shown[2], 128, "odd\\040name\\t\\001\\377%d", (int)getpid());
	snprintf(f->name[3], 64, "4242%d", (int)getpid());
	snprintf(f->shown[3], 128, "%s", f->name[3]);
	snprintf(f->name[4], 64, "-");
	snprintf(f->shown[4], 128, "\\055");
	for (i = 0; i < 5; i++) {
		f->h[i] = CHECK_OK(rtshm_create(f->name[i][0] ? f->name[i] : NULL,
						i == 0 ? 10000 : 4096, RTSHM_RDWR | RTSHM_EXCL,
						i == 0 ? 0640 : 0600, &res));
		f->id[i] = res.id;
		CHECK_OK(rtshm_stat(f->h[i], &f->info[i]));
	}
	CHECK_OK(rtshm_map(f->h[0], 0, 4096, PROT_READ | PROT_WRITE, &f->map));
}

static const struct json *find_id(const struct json *segs, uint32_t id)
{
	const struct json *s;

	for (s = segs->child; s; s = s->next)
		if (json_uint(s, "id") == id)
			return s;
	return NULL;
}

TEST(list_json_matches_the_segments)
{
	struct json_doc doc;
	const struct json *root, *segs, *s, *total;
	struct fixture f;
	struct run r;
	long long n = 0;
	int i;

	make_fixture(&f);
	CTL(&r, ROOT, "list", "--json");
	EXPECT(&r, 0);
	CHECK_EQ(r.err[0], '\0');
	root = json_parse(&doc, r.out);
	if (!root)
		t_fail(__FILE__, __LINE__, "not JSON:\n%s", r.out);
	segs = json_get(root, "segments");
	CHECK(segs && segs->type == JSON_ARRAY);
	for (i = 0; i < 5; i++) {
		const struct json *name;

		s = find_id(segs, f.id[i]);
		if (!s)
			t_fail(__FILE__, __LINE__, "id %u not listed:\n%s", f.id[i], r.out);
		name = json_get(s, "name");
		CHECK(name);
		if (i == 1)
			CHECK(name->type == JSON_NULL);
		else if (name->type != JSON_STRING || strcmp(name->str, f.shown[i]))
			t_fail(__FILE__, __LINE__, "name of id %u: expected %s in\n%s",
			       f.id[i], f.shown[i], r.out);
		CHECK_EQ(json_uint(s, "size"), i == 0 ? 12288 : 4096);
		CHECK_EQ(json_uint(s, "handles"), 1);
		CHECK_EQ(json_uint(s, "mappings"), i == 0 ? 1 : 0);
		CHECK_EQ(json_uint(s, "uid"), 0);
		CHECK_EQ(json_uint(s, "gid"), 0);
		CHECK(json_str(s, "user") && !strcmp(json_str(s, "user"), "root"));
		CHECK(json_str(s, "group") && !strcmp(json_str(s, "group"), "root"));
		CHECK(!strcmp(json_str(s, "mode"), i == 0 ? "0640" : "0600"));
		CHECK_EQ(json_uint(s, "cpid"), getpid());
		/* root sees where the memory is */
		CHECK_EQ(json_uint(s, "phys"), (long long)f.info[i].phys_addr);
		CHECK(f.info[i].phys_addr != 0);
	}
	for (s = segs->child; s; s = s->next)
		n++;
	total = json_get(root, "total");
	CHECK_EQ(json_uint(total, "segments"), n);
	CHECK_EQ(json_uint(total, "segments"), t_proc_segments());
	CHECK_EQ(json_uint(total, "max_segments"), param("max_segments"));
	CHECK(json_uint(total, "bytes") >= 12288 + 4 * 4096);
	CHECK(json_uint(total, "max_bytes") > 0);
	CHECK_EQ(json_uint(root, "skipped_lines"), 0);
	json_free(&doc);

	/* another user lists the same, without physical addresses */
	CTL(&r, RTUSER1, "list", "--json");
	EXPECT(&r, 0);
	root = json_parse(&doc, r.out);
	CHECK(root);
	s = find_id(json_get(root, "segments"), f.id[0]);
	CHECK(s);
	CHECK(json_get(s, "phys") && json_get(s, "phys")->type == JSON_NULL);
	CHECK_EQ(json_uint(s, "size"), 12288);
	json_free(&doc);
}

/* The table line of segment @id: starts with the right-aligned id. */
static const char *table_line(const char *out, uint32_t id, char *buf, size_t n)
{
	const char *line = out;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		unsigned int got;

		if (sscanf(line, " %u ", &got) == 1 && got == id && len < n) {
			memcpy(buf, line, len);
			buf[len] = '\0';
			return buf;
		}
		line = end ? end + 1 : NULL;
	}
	t_fail(__FILE__, __LINE__, "id %u not in the table:\n%s", id, out);
}

/* The last word of a table line (the name) must be @name. */
static void check_ends_with(const char *line, const char *name)
{
	size_t l = strlen(line), n = strlen(name);

	if (l < n + 2 || strcmp(line + l - n, name) || strncmp(line + l - n - 2, "  ", 2))
		t_fail(__FILE__, __LINE__, "line \"%s\" does not end with \"  %s\"", line, name);
}

TEST(list_table_shows_names_sizes_owners)
{
	struct fixture f;
	struct run r;
	char line[1024], phys[32];
	int i;

	make_fixture(&f);
	CTL(&r, ROOT, "list");
	EXPECT(&r, 0);
	/* the header is the first line */
	CHECK(strstr(r.out, "ID  ") && strstr(r.out, "ID  ") < strchr(r.out, '\n'));
	EXPECT_IN(r.out, "SIZE  HANDLES  MAPS  OWNER  ");
	for (i = 0; i < 5; i++) {
		table_line(r.out, f.id[i], line, sizeof(line));
		check_ends_with(line, f.shown[i]);
		EXPECT_IN(line, i == 0 ? " 12 KiB " : " 4 KiB ");
		EXPECT_IN(line, i == 0 ? " 0640 " : " 0600 ");
		EXPECT_IN(line, " root ");
		snprintf(phys, sizeof(phys), " 0x%llx ", (unsigned long long)f.info[i].phys_addr);
		EXPECT_IN(line, phys);
	}
	EXPECT_IN(r.out, " segments, ");
	EXPECT_IN(r.out, " in this IPC namespace\n");

	CTL(&r, ROOT, "list", "--bytes");
	EXPECT(&r, 0);
	EXPECT_IN(table_line(r.out, f.id[0], line, sizeof(line)), " 12288 ");

	/* an unprivileged user gets the same table, addresses hidden */
	CTL(&r, RTUSER2, "list");
	EXPECT(&r, 0);
	table_line(r.out, f.id[0], line, sizeof(line));
	check_ends_with(line, f.shown[0]);
	CHECK(!strstr(line, " 0x"));
}

TEST(list_file_with_damaged_lines)
{
	static const char fixture[] =
		"id name size handles mappings uid gid mode cpid phys\n"
		"1 demo.segment 4096 1 1 0 0 0644 98 0x1ff4a000\n"
		"2 broken  line\n"
		"3 - 8192 1 0 1001 1100 0600 80 0x0\n"
		"4 a\\999 4096 1 0 0 0 0600 1 0x0\n"
		"total segments 2/4096 bytes 12288/238667776\n";
	const struct json *root, *segs;
	struct json_doc doc;
	struct run r;
	char line[1024];

	CHECK_SYS(mkdir("/tmp/ctl-list", 0755));
	write_file("/tmp/ctl-list/good", fixture);
	CTL(&r, RTUSER1, "list", "--file", "/tmp/ctl-list/good");
	EXPECT(&r, 0);
	EXPECT_IN(r.err, "skipped 2 unreadable lines (the first is line 3)");
	check_ends_with(table_line(r.out, 1, line, sizeof(line)), "demo.segment");
	EXPECT_IN(line, " 0x1ff4a000 ");
	check_ends_with(table_line(r.out, 3, line, sizeof(line)), "-");
	EXPECT_IN(line, " rtuser1 ");
	EXPECT_IN(line, " rtgrp ");
	EXPECT_IN(r.out, "2 of 4096 segments, 12 KiB of 228 MiB");

	CTL(&r, ROOT, "list", "--json", "--file", "/tmp/ctl-list/good");
	EXPECT(&r, 0);
	root = json_parse(&doc, r.out);
	CHECK(root);
	segs = json_get(root, "segments");
	CHECK(find_id(segs, 1) && find_id(segs, 3) && !find_id(segs, 2) && !find_id(segs, 4));
	CHECK_EQ(json_uint(find_id(segs, 1), "phys"), 0x1ff4a000);
	CHECK_EQ(json_uint(root, "skipped_lines"), 2);
	json_free(&doc);

	write_file("/tmp/ctl-list/alien", "ID NAME\n1 x\n");
	CTL(&r, ROOT, "list", "--file", "/tmp/ctl-list/alien");
	EXPECT(&r, 1);
	EXPECT_IN(r.err, "unknown format");
	CTL(&r, ROOT, "list", "--file", "/tmp/ctl-list/absent");
	EXPECT(&r, 1);
}

/* --- info ---------------------------------------------------------------- */

/* An id no segment has now. */
static uint32_t unused_id(void)
{
	uint32_t id;

	for (id = RTSHM_ID_LAST; id > 0; id--)
		if (!t_proc_line(id)[0])
			return id;
	t_fail(__FILE__, __LINE__, "every id is in use");
}

TEST(info_by_name_id_and_escapes)
{
	const struct json *root;
	struct json_doc doc;
	struct fixture f;
	struct run r;
	char arg[300], want[300];
	int i;

	make_fixture(&f);
	for (i = 0; i < 5; i++) {
		/* the name as listed works as an argument, except where documented */
		if (i == 1)
			snprintf(arg, sizeof(arg), "%u", f.id[i]);
		else if (i == 3)
			snprintf(arg, sizeof(arg), "name:%s", f.shown[i]);
		else
			snprintf(arg, sizeof(arg), "%s", f.shown[i]);
		CTL(&r, RTUSER1, "info", arg);
		EXPECT(&r, 0);
		snprintf(want, sizeof(want), "id:        %u\n", f.id[i]);
		EXPECT_IN(r.out, want);
		snprintf(want, sizeof(want), "name:      %s\n", i == 1 ? "- (unnamed)" : f.shown[i]);
		EXPECT_IN(r.out, want);
		snprintf(want, sizeof(want), "serial:    %llu\n",
			 (unsigned long long)f.info[i].serial);
		EXPECT_IN(r.out, want);
		EXPECT_IN(r.out, i == 0 ? "mode:      0640 (rw-r-----)\n" : "mode:      0600 (rw-------)\n");
		EXPECT_IN(r.out, "owner:     root (0)\n");
		EXPECT_IN(r.out, "physical:  hidden");

		snprintf(arg, sizeof(arg), "id:%u", f.id[i]);
		CTL(&r, ROOT, "info", "--json", arg);
		EXPECT(&r, 0);
		root = json_parse(&doc, r.out);
		if (!root)
			t_fail(__FILE__, __LINE__, "not JSON:\n%s", r.out);
		CHECK_EQ(json_uint(root, "id"), f.id[i]);
		CHECK_EQ(json_uint(root, "serial"), (long long)f.info[i].serial);
		CHECK_EQ(json_uint(root, "phys"), (long long)f.info[i].phys_addr);
		CHECK_EQ(json_uint(root, "size"), (long long)f.info[i].size);
		json_free(&doc);
	}
	CTL(&r, ROOT, "info", f.shown[0]);
	snprintf(want, sizeof(want), "physical:  0x%llx-0x%llx (contiguous)\n",
		 (unsigned long long)f.info[0].phys_addr,
		 (unsigned long long)(f.info[0].phys_addr + 12288 - 1));
	EXPECT_IN(r.out, want);

	/* all digits means an id: this one is too large, and says what to do */
	CTL(&r, ROOT, "info", f.shown[3]);
	EXPECT(&r, 2);
	EXPECT_IN(r.err, "name:NAME");
	CTL(&r, ROOT, "info", "-");
	EXPECT(&r, 2);
	snprintf(arg, sizeof(arg), "%u", unused_id());
	CTL(&r, ROOT, "info", arg);
	EXPECT(&r, 4);
	CTL(&r, ROOT, "info", t_name("absent"));
	EXPECT(&r, 4);
	EXPECT_IN(r.err, "no segment");
	CTL(&r, ROOT, "info", "bad\\\\name");
	EXPECT(&r, 2);
}

/* --- dump ---------------------------------------------------------------- */

TEST(dump_prints_like_xxd)
{
	static const char bytes[] = "Hello, world!\n\0\1\2abc\177\200xyz";
	struct rtshm_result res;
	const char *name = t_name("dump");
	struct run r;
	char id[16], *p, *last;
	int h, lines = 0;

	h = CHECK_OK(rtshm_create(name, 8192, RTSHM_RDWR, 0600, &res));
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p));
	memcpy(p + 4090, bytes, sizeof(bytes) - 1);	/* across the page boundary */
	snprintf(id, sizeof(id), "%u", res.id);

	CTL(&r, ROOT, "dump", "--offset", "4090", "--length", "25", name);
	EXPECT(&r, 0);
	CHECK(!strcmp(r.out,
		      "00000ffa: 4865 6c6c 6f2c 2077 6f72 6c64 210a 0001  Hello, world!...\n"
		      "0000100a: 0261 6263 7f80 7879 7a                   .abc..xyz\n"));
	CTL(&r, ROOT, "dump", "-s", "4K", "-l", "0x10", id);
	EXPECT(&r, 0);
	CHECK(!strcmp(r.out,
		      "00001000: 2077 6f72 6c64 210a 0001 0261 6263 7f80   world!....abc..\n"));

	/* the whole segment: 512 lines, the last one zeros */
	CTL(&r, RTUSER1, "dump", id);
	EXPECT(&r, 5);		/* mode 0600, owner root */
	CTL(&r, ROOT, "dump", id);
	EXPECT(&r, 0);
	for (p = r.out; (p = strchr(p, '\n')); p++)
		lines++;
	CHECK_EQ(lines, 512);
	last = strstr(r.out, "00001ff0: ");
	CHECK(last && !strcmp(last, "00001ff0: 0000 0000 0000 0000 0000 0000 0000 0000"
			      "  ................\n"));

	/* a length past the end stops at the end; an offset past it is an error */
	CTL(&r, ROOT, "dump", "--offset", "8180", "--length", "1M", id);
	EXPECT(&r, 0);
	CHECK(!strcmp(r.out, "00001ff4: 0000 0000 0000 0000 0000 0000            ............\n"));
	CTL(&r, ROOT, "dump", "--offset", "8192", id);
	EXPECT(&r, 0);
	CHECK_EQ(r.out[0], '\0');
	CTL(&r, ROOT, "dump", "--offset", "8193", id);
	EXPECT(&r, 2);
	CTL(&r, ROOT, "dump", "--length", "ten", id);
	EXPECT(&r, 2);
	CTL(&r, ROOT, "dump", t_name("absent"));
	EXPECT(&r, 4);
	rtshm_close(h);
}

/* --- create --hold ------------------------------------------------------- */

/* Start "rtshmctl create --hold ..." and read its first line. */
static int start_hold(pid_t *pid, int uid, char *line, size_t n, const char *const *args)
{
	const char *argv[12] = { ctl, "create", "--hold" };
	int i, fd;

	for (i = 0; args[i] && i < 8; i++)
		argv[3 + i] = args[i];
	argv[3 + i] = NULL;
	fd = spawn(pid, uid, argv);
	read_line(fd, line, n);
	return fd;
}

/* Signal a holder; it must say so and exit 0. */
static void stop_hold(pid_t pid, int fd, int sig, const char *signame)
{
	char rest[512];

	CHECK_SYS(kill(pid, sig));
	read_rest(fd, rest, sizeof(rest));
	CHECK_EQ(t_wait(pid), 0);
	EXPECT_IN(rest, "released segment ");
	EXPECT_IN(rest, signame);
}

TEST(create_holds_until_signalled)
{
	const char *name = t_name("hold");
	char line[512], want[512], proc[128];
	unsigned int id, id2;
	pid_t a, b;
	struct run r;
	int fa, fb;

	fa = start_hold(&a, ROOT, line, sizeof(line),
			(const char *const[]){ "--mode", "0640", name, "5000", NULL });
	snprintf(want, sizeof(want), "created segment %s: id ", name);
	EXPECT_IN(line, want);
	EXPECT_IN(line, ", 8192 bytes (8 KiB); holding it until interrupted\n");
	CHECK(sscanf(strstr(line, ": id ") + 5, "%u", &id) == 1);
	snprintf(proc, sizeof(proc), "%u %s 8192 1 0 0 0 0640 %d ", id, name, (int)a);
	EXPECT_IN(t_proc_line(id), proc);

	/* a second holder opens the same segment; size and mode are ignored */
	fb = start_hold(&b, ROOT, line, sizeof(line),
			(const char *const[]){ "--mode", "0666", name, "1", NULL });
	snprintf(want, sizeof(want), "opened existing segment %s: id %u, 8192 bytes", name, id);
	EXPECT_IN(line, want);
	snprintf(proc, sizeof(proc), "%u %s 8192 2 0 0 0 0640 ", id, name);
	EXPECT_IN(t_proc_line(id), proc);
	CTL(&r, ROOT, "create", "--hold", "--excl", name, "4096");
	EXPECT(&r, 1);
	EXPECT_IN(r.err, "exists");

	/* the segment lives until its last holder goes */
	stop_hold(a, fa, SIGTERM, "Terminated");
	snprintf(proc, sizeof(proc), "%u %s 8192 1 ", id, name);
	EXPECT_IN(t_proc_line(id), proc);
	stop_hold(b, fb, SIGINT, "Interrupt");
	CHECK_EQ(t_proc_line(id)[0], '\0');

	/* unnamed ("-"), a name of digits (name:), another user's segment */
	fa = start_hold(&a, ROOT, line, sizeof(line), (const char *const[]){ "-", "1M", NULL });
	EXPECT_IN(line, "created segment -: id ");
	CHECK(sscanf(strstr(line, ": id ") + 5, "%u", &id) == 1);
	snprintf(proc, sizeof(proc), "%u - 1048576 1 0 0 0 0600 ", id);
	EXPECT_IN(t_proc_line(id), proc);
	fb = start_hold(&b, RTUSER1, line, sizeof(line), (const char *const[]){ "name:123", "4096", NULL });
	EXPECT_IN(line, "created segment 123: id ");
	CHECK(sscanf(strstr(line, ": id ") + 5, "%u", &id2) == 1);
	snprintf(proc, sizeof(proc), "%u 123 4096 1 0 1001 1001 0600 ", id2);
	EXPECT_IN(t_proc_line(id2), proc);
	stop_hold(a, fa, SIGHUP, "Hangup");
	stop_hold(b, fb, SIGTERM, "Terminated");
	CHECK_EQ(t_proc_line(id)[0], '\0');
	CHECK_EQ(t_proc_line(id2)[0], '\0');
}

TEST(create_refusals)
{
	const char *name = t_name("mine");
	struct run r;
	int h;

	CTL(&r, ROOT, "create", name, "4096");
	EXPECT(&r, 2);
	EXPECT_IN(r.err, "--hold");
	CTL(&r, ROOT, "create", "--hold", "123", "4096");
	EXPECT(&r, 2);
	EXPECT_IN(r.err, "name:123");
	CTL(&r, ROOT, "create", "--hold", name, "0");
	EXPECT(&r, 2);
	CTL(&r, ROOT, "create", "--hold", name, "4 K");
	EXPECT(&r, 2);
	CTL(&r, ROOT, "create", "--hold", "--mode", "0800", name, "4096");
	EXPECT(&r, 2);
	CTL(&r, ROOT, "create", "--hold", "--mode", "01777", name, "4096");
	EXPECT(&r, 2);
	{
		struct rtshm_module_info mi;
		char big[32];

		CHECK_OK(rtshm_module_info(&mi));
		snprintf(big, sizeof(big), "%llu", (unsigned long long)mi.max_segment_size + 4096);
		CTL(&r, ROOT, "create", "--hold", name, big);	/* above the largest segment */
	}
	EXPECT(&r, 1);
	EXPECT_IN(r.err, "create ");
	CHECK_ERR(rtshm_lookup(name, 0, &(struct rtshm_object_info){ 0 }), ENOENT);

	/* holding someone else's 0600 segment needs read permission */
	h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL));
	CTL(&r, RTUSER1, "create", "--hold", name, "4096");
	EXPECT(&r, 5);
	rtshm_close(h);
}

/* --- watch --------------------------------------------------------------- */

TEST(watch_redraws_and_stops_on_signal)
{
	const char *name = t_name("watched");
	char out[65536], *p;
	struct run r;
	pid_t pid;
	int h, fd, frames = 0;

	h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL));
	CTL(&r, RTUSER1, "watch", "--interval", "0.1", "--count", "3");
	EXPECT(&r, 0);
	for (p = r.out; (p = strstr(p, "rtshm segments, every 0.1s: ")); p++)
		frames++;
	CHECK_EQ(frames, 3);
	for (frames = 0, p = r.out; (p = strstr(p, name)); p++)
		frames++;
	CHECK_EQ(frames, 3);	/* our segment in each table */

	fd = spawn(&pid, ROOT, (const char *const[]){ ctl, "watch", "-n", "0.2", NULL });
	read_line(fd, out, sizeof(out));
	EXPECT_IN(out, "rtshm segments, every 0.2s: ");
	usleep(500000);
	CHECK_SYS(kill(pid, SIGINT));
	read_rest(fd, out, sizeof(out));
	CHECK_EQ(t_wait(pid), 0);
	EXPECT_IN(out, name);
	rtshm_close(h);
}
