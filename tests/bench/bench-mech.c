// SPDX-License-Identifier: GPL-2.0
/*
 * The mechanisms compared, behind one interface: create and map, unmap and
 * destroy, and for the named ones keep alive, look up by name, drop.  Every
 * mapping is read-write and MAP_SHARED (anonymous memory: MAP_PRIVATE).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rtshm.h"
#include "bench.h"

#define RW	(PROT_READ | PROT_WRITE)

static void seg_init(struct seg *s)
{
	s->addr = NULL;
	s->len = 0;
	s->fd = -1;
	s->shmid = -1;
	s->name[0] = '\0';
}

void touch_pages(void *p, size_t len)
{
	volatile unsigned char *c = p;
	size_t off;

	for (off = 0; off < len; off += PAGE)
		c[off] = 1;
}

/* --- rtshm -------------------------------------------------------------- */

static int rt_create_map_flags(struct seg *s, const char *name, size_t size, unsigned int flags)
{
	struct rtshm_result res;
	int h, ret;

	seg_init(s);
	h = rtshm_create(name, size, RTSHM_RDWR | RTSHM_EXCL | flags, 0600, &res);
	if (h < 0)
		return h;
	ret = rtshm_map(h, 0, 0, RW, &s->addr);
	if (ret) {
		rtshm_close(h);
		s->addr = NULL;
		return ret;
	}
	s->fd = h;
	s->len = (size_t)res.size;
	return 0;
}

static int rt_create_map(struct seg *s, const char *name, key_t key, size_t size)
{
	(void)key;
	return rt_create_map_flags(s, name, size, 0);
}

int mech_rtshm_pool_create_map(struct seg *s, const char *name, size_t size)
{
	return rt_create_map_flags(s, name, size, RTSHM_USE_POOL);
}

static int rt_unmap_destroy(struct seg *s)
{
	int ret = rtshm_unmap(s->addr, s->len);
	int ret2 = rtshm_close(s->fd);

	seg_init(s);
	return ret ? ret : ret2;
}

/* Alive without a descriptor: the mapping holds the segment. */
static int rt_make_live(struct seg *s, const char *name, key_t key, size_t size)
{
	int ret = rt_create_map(s, name, key, size);

	if (ret)
		return ret;
	ret = rtshm_close(s->fd);
	s->fd = -1;
	return ret;
}

static int rt_lookup(const char *name, key_t key)
{
	int h;

	(void)key;
	h = rtshm_open(name, RTSHM_RDWR, NULL);
	if (h < 0)
		return h;
	return rtshm_close(h);
}

static int rt_drop_live(struct seg *s)
{
	int ret = rtshm_unmap(s->addr, s->len);

	seg_init(s);
	return ret;
}

/* --- POSIX shm_open ------------------------------------------------------ */

static int px_create(struct seg *s, const char *name, size_t size)
{
	seg_init(s);
	snprintf(s->name, sizeof(s->name), "/%s", name);
	s->fd = shm_open(s->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (s->fd < 0)
		return -errno;
	if (ftruncate(s->fd, (off_t)size)) {
		int err = -errno;

		close(s->fd);
		shm_unlink(s->name);
		return err;
	}
	return 0;
}

static int px_create_map(struct seg *s, const char *name, key_t key, size_t size)
{
	int ret;

	(void)key;
	ret = px_create(s, name, size);
	if (ret)
		return ret;
	s->addr = mmap(NULL, size, RW, MAP_SHARED, s->fd, 0);
	if (s->addr == MAP_FAILED) {
		ret = -errno;
		close(s->fd);
		shm_unlink(s->name);
		seg_init(s);
		return ret;
	}
	s->len = size;
	return 0;
}

static int px_unmap_destroy(struct seg *s)
{
	int ret = 0;

	if (munmap(s->addr, s->len))
		ret = -errno;
	if (close(s->fd) && !ret)
		ret = -errno;
	if (shm_unlink(s->name) && !ret)
		ret = -errno;
	seg_init(s);
	return ret;
}

static int px_make_live(struct seg *s, const char *name, key_t key, size_t size)
{
	int ret;

	(void)key;
	ret = px_create(s, name, size);
	if (ret)
		return ret;
	ret = close(s->fd) ? -errno : 0;
	s->fd = -1;
	return ret;
}

static int px_lookup(const char *name, key_t key)
{
	char path[64];
	int fd;

	(void)key;
	snprintf(path, sizeof(path), "/%s", name);
	fd = shm_open(path, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	return close(fd) ? -errno : 0;
}

static int px_drop_live(struct seg *s)
{
	int ret = shm_unlink(s->name) ? -errno : 0;

	seg_init(s);
	return ret;
}

/* --- System V shmget/shmat (also SHM_HUGETLB) ----------------------------- */

static int sv_create_map_flags(struct seg *s, key_t key, size_t size, int extra)
{
	int ret;

	seg_init(s);
	s->shmid = shmget(key, size, IPC_CREAT | IPC_EXCL | extra | 0600);
	if (s->shmid < 0)
		return -errno;
	s->addr = shmat(s->shmid, NULL, 0);
	if (s->addr == (void *)-1) {
		ret = -errno;
		shmctl(s->shmid, IPC_RMID, NULL);
		seg_init(s);
		return ret;
	}
	s->len = size;
	return 0;
}

static int sv_create_map(struct seg *s, const char *name, key_t key, size_t size)
{
	(void)name;
	return sv_create_map_flags(s, key, size, 0);
}

static int huge_create_map(struct seg *s, const char *name, key_t key, size_t size)
{
	(void)name;
	(void)key;
	return sv_create_map_flags(s, IPC_PRIVATE, size, SHM_HUGETLB);
}

static int sv_unmap_destroy(struct seg *s)
{
	int ret = 0;

	if (shmdt(s->addr))
		ret = -errno;
	if (shmctl(s->shmid, IPC_RMID, NULL) && !ret)
		ret = -errno;
	seg_init(s);
	return ret;
}

static int sv_make_live(struct seg *s, const char *name, key_t key, size_t size)
{
	(void)name;
	seg_init(s);
	s->shmid = shmget(key, size, IPC_CREAT | IPC_EXCL | 0600);
	return s->shmid < 0 ? -errno : 0;
}

static int sv_lookup(const char *name, key_t key)
{
	(void)name;
	return shmget(key, 0, 0) < 0 ? -errno : 0;
}

static int sv_drop_live(struct seg *s)
{
	int ret = shmctl(s->shmid, IPC_RMID, NULL) ? -errno : 0;

	seg_init(s);
	return ret;
}

/* --- memfd_create ---------------------------------------------------------- */

static int mfd_create_map(struct seg *s, const char *name, key_t key, size_t size)
{
	int ret;

	(void)key;
	seg_init(s);
	s->fd = memfd_create(name, MFD_CLOEXEC);
	if (s->fd < 0)
		return -errno;
	if (ftruncate(s->fd, (off_t)size)) {
		ret = -errno;
		close(s->fd);
		seg_init(s);
		return ret;
	}
	s->addr = mmap(NULL, size, RW, MAP_SHARED, s->fd, 0);
	if (s->addr == MAP_FAILED) {
		ret = -errno;
		close(s->fd);
		seg_init(s);
		return ret;
	}
	s->len = size;
	return 0;
}

static int fd_unmap_destroy(struct seg *s)
{
	int ret = 0;

	if (munmap(s->addr, s->len))
		ret = -errno;
	if (close(s->fd) && !ret)
		ret = -errno;
	seg_init(s);
	return ret;
}

/* --- anonymous memory, the baseline ---------------------------------------- */

static int anon_create_map(struct seg *s, const char *name, key_t key, size_t size)
{
	(void)name;
	(void)key;
	seg_init(s);
	s->addr = mmap(NULL, size, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->addr == MAP_FAILED) {
		s->addr = NULL;
		return -errno;
	}
	s->len = size;
	return 0;
}

static int anon_unmap_destroy(struct seg *s)
{
	int ret = munmap(s->addr, s->len) ? -errno : 0;

	seg_init(s);
	return ret;
}

const struct mech mechs[MECH_COUNT] = {
	[MECH_RTSHM] = { "rtshm", 1, 1, rt_create_map, rt_unmap_destroy,
			 rt_make_live, rt_lookup, rt_drop_live },
	[MECH_POSIX] = { "POSIX shm", 1, 1, px_create_map, px_unmap_destroy,
			 px_make_live, px_lookup, px_drop_live },
	[MECH_SYSV] = { "SysV shm", 1, 1, sv_create_map, sv_unmap_destroy,
			sv_make_live, sv_lookup, sv_drop_live },
	[MECH_HUGE] = { "SysV huge", 1, 0, huge_create_map, sv_unmap_destroy,
			NULL, NULL, NULL },
	[MECH_MEMFD] = { "memfd", 1, 0, mfd_create_map, fd_unmap_destroy,
			 NULL, NULL, NULL },
	[MECH_ANON] = { "anon", 0, 0, anon_create_map, anon_unmap_destroy,
			NULL, NULL, NULL },
};

/* A field of /proc/meminfo, in its own unit (kB or pages); 0 if absent. */
static unsigned long meminfo(const char *field)
{
	char line[128];
	size_t len = strlen(field);
	unsigned long v = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			sscanf(line + len + 1, "%lu", &v);
			break;
		}
	fclose(f);
	return v;
}

size_t mech_huge_probe(char *why, size_t whylen)
{
	size_t hp = (size_t)meminfo("Hugepagesize") * 1024;
	int id;

	if (!hp) {
		snprintf(why, whylen, "n/a (no hugetlbfs)");
		return 0;
	}
	if (!meminfo("HugePages_Total")) {
		snprintf(why, whylen, "n/a (0 huge pages reserved)");
		return 0;
	}
	id = shmget(IPC_PRIVATE, hp, IPC_CREAT | SHM_HUGETLB | 0600);
	if (id < 0) {
		snprintf(why, whylen, "n/a (SHM_HUGETLB: %s)", strerror(errno));
		return 0;
	}
	shmctl(id, IPC_RMID, NULL);
	why[0] = '\0';
	return hp;
}

/* A one-word event between processes: set it and wake the taker. */
void bench_futex_signal(_Atomic uint32_t *w)
{
	atomic_store(w, 1);
	syscall(SYS_futex, (uint32_t *)w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Sleep until the word is set, and clear it. */
void bench_futex_take(_Atomic uint32_t *w)
{
	uint32_t one = 1;

	while (!atomic_compare_exchange_strong(w, &one, 0)) {
		syscall(SYS_futex, (uint32_t *)w, FUTEX_WAIT, 0, NULL, NULL, 0);
		one = 1;
	}
}
