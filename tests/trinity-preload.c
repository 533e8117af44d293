// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD library that aims trinity (1.9, Debian's package) at rtshm;
 * test-trinity runs trinity with it.
 *
 * Trinity knows ioctl commands only from the groups compiled into it
 * (ioctls/ in its source); on a device it has no group for it issues random
 * command numbers, which practically never carry rtshm's magic, and the
 * /dev/rtshm files it opens are unbound handles, on which mmap fails.  So:
 *  - every /dev/rtshm file trinity opens (its victim files at start-up,
 *    and its fuzzed open(2) calls) is bound to a new or existing segment
 *    with RTSHM_IOC_CREATE, three times in four, before trinity sees it;
 *  - half of trinity's ioctl(2) calls on such a file get one of rtshm's
 *    commands (from include/uapi/linux/rtshm.h, so a new magic follows),
 *    with trinity's own random argument, or half the time with a plausible
 *    struct (names of a small shared pool, small sizes, random flags).
 * Everything else (mmap, mremap, madvise, splice, ... with trinity's
 * arguments on these files) is trinity's.  Counters live in a shared page;
 * trinity's main process prints them when it exits, on stderr and into
 * $RTSHM_TRINITY_STATS, for the test to prove the commands were reached.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/rtshm.h>

#define NCMDS		9
#define POOL_NAMES	16

static const unsigned long cmds[NCMDS] = {
	RTSHM_IOC_GET_INFO, RTSHM_IOC_CREATE, RTSHM_IOC_OPEN, RTSHM_IOC_STAT,
	RTSHM_IOC_LOOKUP, RTSHM_IOC_CATALOG, RTSHM_IOC_UNCATALOG,
	RTSHM_IOC_PHYS, RTSHM_IOC_DELETE,
};
static const char *const cmd_names[NCMDS] = {
	"get_info", "create", "open", "stat", "lookup", "catalog", "uncatalog",
	"phys", "delete",
};

struct counters {
	long opened, bound, bind_failed, unbound;
	long all_ioctls, ioctls, random_cmd, cmd[NCMDS], cmd_ok[NCMDS];
	long mmaps, mmap_ok;
};

static struct counters *cnt;
static dev_t rtshm_rdev;
static pid_t main_pid;
static unsigned int seed;
static pid_t seed_pid;
/* trinity's children are single-threaded: one buffer per process */
static unsigned char arg_buf[4096];
static char name_buf[32];

static int (*real_open)(const char *, int, ...);
static FILE *(*real_fopen)(const char *, const char *);
static long (*real_syscall)(long, ...);

#define COUNT(field)	__atomic_fetch_add(&cnt->field, 1, __ATOMIC_RELAXED)

static unsigned int rnd(unsigned int n)
{
	/* a child must not replay its parent's sequence */
	if (seed_pid != getpid()) {
		seed_pid = getpid();
		seed = (unsigned int)seed_pid * 2654435761U;
	}
	return (unsigned int)rand_r(&seed) % n;
}

__attribute__((constructor)) static void shim_init(void)
{
	struct stat st;

	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_fopen = (FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT, "fopen");
	real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	if (!real_open || !real_fopen || !real_syscall) {
		fprintf(stderr, "rtshm-trinity: dlsym failed\n");
		abort();
	}
	if (stat(RTSHM_DEVICE_PATH, &st) == 0)
		rtshm_rdev = st.st_rdev;
	cnt = mmap(NULL, sizeof(*cnt), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cnt == MAP_FAILED) {
		fprintf(stderr, "rtshm-trinity: no counter page\n");
		abort();
	}
	main_pid = getpid();
}

__attribute__((destructor)) static void shim_report(void)
{
	const char *path = getenv("RTSHM_TRINITY_STATS");
	FILE *f;
	int i, pass;

	if (getpid() != main_pid)
		return;
	for (pass = 0; pass < 2; pass++) {
		f = pass ? (path ? real_fopen(path, "w") : NULL) : stderr;
		if (!f)
			continue;
		fprintf(f, "rtshm-trinity: opened %ld bound %ld bind_failed %ld unbound %ld"
			" ioctls %ld/%ld random_cmd %ld mmaps %ld mmap_ok %ld\n",
			cnt->opened, cnt->bound, cnt->bind_failed, cnt->unbound,
			cnt->ioctls, cnt->all_ioctls, cnt->random_cmd, cnt->mmaps, cnt->mmap_ok);
		fprintf(f, "rtshm-trinity: ioctl tried/ok:");
		for (i = 0; i < NCMDS; i++)
			fprintf(f, " %s %ld/%ld", cmd_names[i], cnt->cmd[i], cnt->cmd_ok[i]);
		fputc('\n', f);
		if (f != stderr)
			fclose(f);
	}
}

static int is_rtshm(long fd)
{
	struct stat st;

	return rtshm_rdev && fd >= 0 && fd <= 0x7fffffff && fstat((int)fd, &st) == 0 &&
	       S_ISCHR(st.st_mode) && st.st_rdev == rtshm_rdev;
}

static const char *pool_name(__u64 *ptr, __u32 *len)
{
	int n = snprintf(name_buf, sizeof(name_buf), "trinity.%u", rnd(POOL_NAMES));

	*ptr = (uintptr_t)name_buf;
	*len = (__u32)n;
	return name_buf;
}

/* Bind a freshly opened rtshm file, so trinity's mmaps of it can work. */
static void bind_new(int fd)
{
	static const __u64 sizes[] = { 4096, 8192, 65536, 1 << 20, 2 << 20, 4 << 20 };
	struct rtshm_bind b;

	if (!is_rtshm(fd))
		return;
	COUNT(opened);
	if (rnd(4) == 0) {
		COUNT(unbound);
		return;
	}
	memset(&b, 0, sizeof(b));
	if (rnd(2))
		pool_name(&b.name, &b.name_len);
	b.size = sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))];
	b.flags = rnd(4) ? RTSHM_BIND_WRITE : 0;
	b.type = RTSHM_TYPE_SHM;
	b.mode = rnd(2) ? 0600 : 0666;
	if (ioctl(fd, RTSHM_IOC_CREATE, &b) == 0)
		COUNT(bound);
	else
		COUNT(bind_failed);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int fd;

	va_start(ap, flags);
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		mode = va_arg(ap, mode_t);
	va_end(ap);
	fd = real_open(path, flags, mode);
	if (fd >= 0) {
		int e = errno;

		bind_new(fd);
		errno = e;
	}
	return fd;
}

FILE *fopen(const char *path, const char *mode)
{
	FILE *f = real_fopen(path, mode);

	if (f) {
		int e = errno;

		bind_new(fileno(f));
		errno = e;
	}
	return f;
}

/* A plausible argument for rtshm command @i: trinity's own are random bytes. */
static unsigned long plausible_arg(int i)
{
	memset(arg_buf, 0, sizeof(arg_buf));
	if (cmds[i] == RTSHM_IOC_CREATE || cmds[i] == RTSHM_IOC_OPEN) {
		struct rtshm_bind *b = (void *)arg_buf;

		if (rnd(4))
			pool_name(&b->name, &b->name_len);
		b->size = 4096 * (1 + rnd(256));
		b->flags = (rnd(32) | (rnd(8) ? 0 : RTSHM_BIND_OWNED)) & RTSHM_BIND_FLAGS;
		b->type = rnd(4) ? RTSHM_TYPE_SHM : 1 + rnd(RTSHM_TYPE_MAX);
		if (b->type != RTSHM_TYPE_SHM) {
			b->size = 1 + rnd(RTSHM_SYNC_STATE_SIZE);
			b->state = (uintptr_t)(arg_buf + 2048);
		}
		b->mode = rnd(0777 + 1);
		b->id = rnd(64);
		b->tier = rnd(4) ? RTSHM_TIER_ANY : rnd(4);
	} else if (cmds[i] == RTSHM_IOC_LOOKUP) {
		struct rtshm_lookup *l = (void *)arg_buf;

		pool_name(&l->name, &l->name_len);
		l->flags = rnd(4) & RTSHM_LOOKUP_FLAGS;
		l->id = l->flags & RTSHM_LOOKUP_BY_ID ? rnd(64) : 0;
		/* a wait ends at once: its deadline is in the past */
		l->deadline_ns = l->flags & RTSHM_LOOKUP_WAIT ? 1 : 0;
	} else if (cmds[i] == RTSHM_IOC_CATALOG || cmds[i] == RTSHM_IOC_UNCATALOG) {
		struct rtshm_catalog *c = (void *)arg_buf;

		pool_name(&c->name, &c->name_len);
	}
	return (uintptr_t)arg_buf;
}

long syscall(long nr, ...)
{
	long a[6], ret;
	int i = -1, e, rtshm_fd = 0;
	va_list ap;

	va_start(ap, nr);
	for (e = 0; e < 6; e++)
		a[e] = va_arg(ap, long);
	va_end(ap);

	if (nr == SYS_ioctl)
		COUNT(all_ioctls);
	if (nr == SYS_ioctl && is_rtshm(a[0])) {
		rtshm_fd = 1;
		COUNT(ioctls);
		if (rnd(2)) {
			/*
			 * PHYS and DELETE (the last two) fail for trinity's
			 * unprivileged user but on owned objects: 1 in 8, so
			 * the other commands succeed as often as before.
			 */
			i = rnd(8) ? (int)rnd(NCMDS - 2) : NCMDS - 2 + (int)rnd(2);
			a[1] = (long)cmds[i];
			if (rnd(2))
				a[2] = (long)plausible_arg(i);
			COUNT(cmd[i]);
		} else {
			COUNT(random_cmd);
		}
	} else if (nr == SYS_mmap && is_rtshm(a[4])) {
		rtshm_fd = 1;
		COUNT(mmaps);
	}
	ret = real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (rtshm_fd && ret != -1) {
		e = errno;
		if (i >= 0)
			COUNT(cmd_ok[i]);
		else if (nr == SYS_mmap)
			COUNT(mmap_ok);
		errno = e;
	} else if ((nr == SYS_open || nr == SYS_openat) && ret >= 0) {
		e = errno;
		bind_new((int)ret);
		errno = e;
	}
	return ret;
}
