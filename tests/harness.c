// SPDX-License-Identifier: GPL-2.0
/* Test runner: see harness.h. */
#include <grp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define T_MAX_TESTS	128
#define T_TIME_LIMIT	240	/* seconds per test */

/*
 * Slow kernels (the sanitizer lane) stretch every time limit by the factor
 * rtshm_time_scale=N of the kernel command line, which the kernel hands to
 * init, and init to us, as an environment variable.
 */
unsigned int t_time_scale(void)
{
	const char *v = getenv("rtshm_time_scale");
	int n = v ? atoi(v) : 1;

	return n >= 1 && n <= 20 ? (unsigned int)n : 1;
}

struct t_case {
	const char *name;
	t_func fn;
};

static struct t_case t_cases[T_MAX_TESTS];
static int t_count;
static const char *t_prog = "test";
static const char *t_current = "";

void t_register(const char *name, t_func fn)
{
	if (t_count == T_MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	t_cases[t_count].name = name;
	t_cases[t_count].fn = fn;
	t_count++;
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s/%s: %s:%d: ", t_prog, t_current, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(NULL);
	_exit(1);
}

void t_skip(const char *why)
{
	fprintf(stderr, "  %s/%s: skipped: %s\n", t_prog, t_current, why);
	fflush(NULL);
	_exit(77);
}

int t_wait(int pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int t_wait_within(int pid, int seconds)
{
	struct timespec tick = { 0, 1000000 };
	long left = seconds * 1000L;
	int status, ret;

	while ((ret = waitpid(pid, &status, WNOHANG)) == 0 && left-- > 0)
		nanosleep(&tick, NULL);
	if (ret == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -1;
	}
	if (ret < 0)
		return t_wait(pid);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

struct t_busy {
	void (*op)(void *);
	void *arg;
	atomic_bool stop;
};

static void *t_busy_loop(void *p)
{
	struct t_busy *b = p;

	while (!atomic_load(&b->stop))
		b->op(b->arg);
	return NULL;
}

int t_fork_beside(void (*op)(void *), void *arg, int forks, int seconds)
{
	struct t_busy b = { .op = op, .arg = arg };
	int i, pid, hung = -1;
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, t_busy_loop, &b), 0);
	for (i = 0; i < forks && hung < 0; i++) {
		pid = CHECK_SYS(fork());
		if (!pid) {
			op(arg);
			_exit(0);
		}
		if (t_wait_within(pid, seconds) != 0)
			hung = i;
	}
	atomic_store(&b.stop, true);
	CHECK_EQ(pthread_join(t, NULL), 0);
	return hung;
}

long t_proc_segments(void)
{
	char line[512];
	long n = -1;
	FILE *f = fopen("/proc/rtshm", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "total ", 6))
			sscanf(line, "total segments %ld/", &n);
	fclose(f);
	return n;
}

const char *t_proc_line(uint32_t id)
{
	static char line[1024];
	FILE *f = fopen("/proc/rtshm", "re");
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%u ", id);
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, prefix, strlen(prefix))) {
				fclose(f);
				return line;
			}
		fclose(f);
	}
	line[0] = '\0';
	return line;
}

int t_run_as(unsigned int uid, unsigned int gid, int supp_gid,
	     int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		gid_t groups[1] = { (gid_t)supp_gid };

		if (setgroups(supp_gid < 0 ? 0 : 1, groups) ||
		    setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
			_exit(99);
		_exit(fn(arg));
	}
	return t_wait(pid);
}

const char *t_name(const char *tag)
{
	/* a ring, so a name stays valid while a test makes a few more */
	static char bufs[16][128];
	static unsigned int next;
	char *buf = bufs[next++ % 16];

	snprintf(buf, sizeof(bufs[0]), "%s.%s.%d", t_current, tag, (int)getpid());
	return buf;
}

static int t_run_one(const struct t_case *c)
{
	pid_t pid;
	int rc;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		t_current = c->name;
		alarm(T_TIME_LIMIT * t_time_scale());
		c->fn();
		fflush(NULL);
		_exit(0);
	}
	rc = t_wait(pid);
	if (rc > 128)
		fprintf(stderr, "  %s/%s: killed by signal %d\n", t_prog, c->name, rc - 128);
	return rc;
}

int main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	struct timespec t0, t1;
	int i, failed = 0;
	double secs;

	t_prog = slash ? slash + 1 : argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < t_count; i++) {
		const struct t_case *c = &t_cases[i];
		int rc;

		if (argc > 1 && strcmp(argv[1], c->name))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = t_run_one(c);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("RTSHM-RESULT %s %s/%s\n",
		       rc == 0 ? "PASS" : rc == 77 ? "SKIP" : "FAIL", t_prog, c->name);
		/* where the suite's time goes: every test of a second or more */
		secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (secs >= 1.0)
			printf("RTSHM-TIME %s/%s %.0fs\n", t_prog, c->name, secs);
		failed += rc != 0 && rc != 77;
	}
	return failed ? 1 : 0;
}

void t_burn_cpu_ms(double ms)
{
	struct timespec ts;
	double start;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	start = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	while (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6 - start < ms);
}

long long t_proc_pool_used(long long *size)
{
	char line[512];
	long long used = -1, sz = 0;
	FILE *f = fopen("/proc/rtshm", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "pool bytes %lld/%lld", &used, &sz) == 2)
			break;
	fclose(f);
	if (size)
		*size = sz;
	return used;
}

/* The number after "@key:" in a /proc file of "Key: value kB" lines, or -1. */
static long long proc_field_kib(const char *path, const char *key)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = atoll(line + strlen(key) + 1);
	fclose(f);
	return v;
}

long long t_meminfo_kib(const char *key)
{
	return proc_field_kib("/proc/meminfo", key);
}

long long t_pcp_free_kib(void)
{
	char line[256];
	long long pages = 0;
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " ");

		if (!strncmp(p, "count:", 6))
			pages += atoll(p + 6);
	}
	fclose(f);
	return pages * 4;
}

long long t_free_kib(void)
{
	return t_meminfo_kib("MemFree") + t_pcp_free_kib();
}

long long t_memfree_settled(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	sync();
	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			t_fail(__FILE__, __LINE__, "drop_caches");
		close(fd);
	}
	return t_free_kib();
}

long long t_status_kib(const char *key)
{
	return proc_field_kib("/proc/self/status", key);
}

void t_proc_huge(uint32_t id, char *huge, size_t size)
{
	const char *line = t_proc_line(id);
	const char *last = strrchr(line, ' ');

	CHECK(last != NULL);
	snprintf(huge, size, "%.*s", (int)strcspn(last + 1, "\n"), last + 1);
}

int t_read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

void t_write_text(const char *path, const char *val)
{
	int fd = CHECK_SYS(open(path, O_WRONLY | O_CLOEXEC));

	CHECK_EQ(CHECK_SYS(write(fd, val, strlen(val))), (ssize_t)strlen(val));
	close(fd);
}

long t_touch_faults(volatile unsigned char *p, size_t len)
{
	long before = t_minor_faults();
	size_t i;

	for (i = 0; i < len; i += 4096)
		p[i] = (unsigned char)(p[i] + 1);
	return t_minor_faults() - before;
}

void t_fill_pattern(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i += 512)
		p[i] = (unsigned char)(i / 512 * 7 + seed);
}

bool t_has_pattern(const unsigned char *p, size_t len, unsigned int seed, size_t from)
{
	size_t i;

	for (i = 0; i < len; i += 512)
		if (p[i] != (unsigned char)((from + i) / 512 * 7 + seed))
			return false;
	return true;
}

long t_minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}
