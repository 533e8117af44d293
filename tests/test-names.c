// SPDX-License-Identifier: GPL-2.0
/* Waiting lookups, ids and serials, catalog and uncatalog. */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Fork a child that sleeps @delay_ms, creates @name and holds it @hold_ms. */
static int create_later(const char *name, int delay_ms, int hold_ms)
{
	int pid = fork();

	if (pid == 0) {
		usleep(delay_ms * 1000);
		if (rtshm_create(name, 8192, RTSHM_RDWR, 0600, NULL) < 0)
			_exit(1);
		usleep(hold_ms * 1000);
		_exit(0);
	}
	return pid;
}

TEST(lookup_describes_without_opening)
{
	const char *name = t_name("l");
	struct rtshm_object_info info;
	struct rtshm_result r;
	int h;

	h = CHECK_OK(rtshm_create(name, 5000, RTSHM_RDWR, 0600, &r));
	CHECK_OK(rtshm_lookup(name, 0, &info));
	CHECK_EQ(info.id, r.id);
	CHECK_EQ(info.serial, r.serial);
	CHECK_EQ(info.size, 8192);
	CHECK_EQ(info.type, RTSHM_OBJ_SHM);
	CHECK_OK(rtshm_describe_id(r.id, &info));
	CHECK_EQ(info.serial, r.serial);
	rtshm_close(h);
	CHECK_ERR(rtshm_lookup(name, 0, &info), ENOENT);
	CHECK_ERR(rtshm_describe_id(r.id, &info), ENOENT);
	CHECK_ERR(rtshm_lookup("", 0, &info), EINVAL);
	CHECK_ERR(rtshm_lookup(name, 0, NULL), EINVAL);
}

TEST(lookup_waits_for_creation)
{
	const char *name = t_name("w");
	struct rtshm_object_info info;
	long start, waited;
	int pid;

	pid = create_later(name, 500, 2000);
	start = now_ms();
	CHECK_OK(rtshm_lookup(name, 60000, &info));
	waited = now_ms() - start;
	CHECK(waited >= 400);		/* it really waited for the creator */
	CHECK(waited < 30000);		/* and was woken, not timed out */
	CHECK_EQ(info.size, 8192);
	CHECK_EQ(t_wait(pid), 0);
}

TEST(lookup_waits_forever_until_created)
{
	const char *name = t_name("f");
	struct rtshm_object_info info;
	int pid;

	pid = create_later(name, 300, 1000);
	CHECK_OK(rtshm_lookup(name, -1, &info));
	CHECK_EQ(t_wait(pid), 0);
}

TEST(lookup_times_out)
{
	struct rtshm_object_info info;
	long start = now_ms();

	CHECK_ERR(rtshm_lookup(t_name("never"), 300, &info), ETIMEDOUT);
	CHECK(now_ms() - start >= 300);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A signal without SA_RESTART does not cut the wait short. */
TEST(lookup_wait_survives_signals)
{
	struct sigaction sa;
	struct rtshm_object_info info;
	long start;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	ualarm(100000, 100000);
	start = now_ms();
	CHECK_ERR(rtshm_lookup(t_name("sig"), 800, &info), ETIMEDOUT);
	ualarm(0, 0);
	CHECK(now_ms() - start >= 800);
}

TEST(lookup_woken_by_catalog)
{
	const char *name = t_name("c");
	struct rtshm_object_info info;
	struct rtshm_result r;
	int h, pid;

	h = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &r));
	pid = fork();
	if (pid == 0) {
		struct rtshm_object_info got;

		if (rtshm_lookup(name, 60000, &got) || got.id != r.id)
			_exit(1);
		_exit(0);
	}
	usleep(300000);
	CHECK_OK(rtshm_catalog(h, name));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_OK(rtshm_lookup(name, 0, &info));
	rtshm_close(h);
}

TEST(serials_are_never_reused)
{
	struct rtshm_result a, b;
	int ha, hb;

	ha = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &a));
	hb = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &b));
	CHECK(b.serial > a.serial);
	rtshm_close(CHECK_OK(rtshm_open_serial(a.id, a.serial, RTSHM_RDWR, NULL)));
	/* a live id with another object's serial is refused */
	CHECK_ERR(rtshm_open_serial(b.id, a.serial, RTSHM_RDWR, NULL), ENOENT);
	CHECK_ERR(rtshm_open_serial(a.id, 0, RTSHM_RDWR, NULL), ENOENT);
	rtshm_close(ha);
	CHECK_ERR(rtshm_open_serial(a.id, a.serial, RTSHM_RDWR, NULL), ENOENT);
	rtshm_close(hb);
}

TEST(catalog_and_uncatalog)
{
	char name[128];
	struct rtshm_seg_info info;
	struct rtshm_result r, o;
	int h, ro, other, named;

	snprintf(name, sizeof(name), "%s", t_name("cat"));	/* t_name() reuses its buffer */
	h = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0644, &r));
	ro = CHECK_OK(rtshm_open_id(r.id, RTSHM_RDONLY, NULL));
	CHECK_ERR(rtshm_catalog(ro, name), EPERM);
	CHECK_OK(rtshm_catalog(h, name));
	CHECK_ERR(rtshm_catalog(h, "second.name"), EBUSY);
	rtshm_close(CHECK_OK(rtshm_open(name, RTSHM_RDWR, &o)));
	CHECK_EQ(o.id, r.id);
	CHECK_OK(rtshm_stat(ro, &info));
	CHECK(!strcmp(info.name, name));

	other = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_ERR(rtshm_catalog(other, name), EEXIST);
	named = CHECK_OK(rtshm_create(t_name("named"), 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_ERR(rtshm_catalog(named, t_name("alias")), EBUSY);
	CHECK_ERR(rtshm_catalog(h, "bad\\name"), EINVAL);

	/* uncatalog: the name goes, the segment stays */
	CHECK_OK(rtshm_uncatalog(name));
	CHECK_ERR(rtshm_open(name, RTSHM_RDWR, NULL), ENOENT);
	CHECK_ERR(rtshm_uncatalog(name), ENOENT);
	CHECK_OK(rtshm_stat(h, &info));
	CHECK_EQ(info.name_len, 0);
	CHECK(!strncmp(strchr(t_proc_line(r.id), ' '), " - ", 3));
	rtshm_close(CHECK_OK(rtshm_open_id(r.id, RTSHM_RDWR, NULL)));

	/* the freed name can be given to another segment */
	CHECK_OK(rtshm_catalog(other, name));
	rtshm_close(other);
	/* a name never keeps its object alive */
	CHECK_ERR(rtshm_open(name, RTSHM_RDWR, NULL), ENOENT);
	rtshm_close(named);
	rtshm_close(ro);
	rtshm_close(h);
	CHECK_EQ(t_proc_segments(), 0);
}

static int uncatalog_as_user(void *arg)
{
	return rtshm_uncatalog(arg) == -EACCES ? 0 : 1;
}

TEST(uncatalog_needs_write_permission)
{
	const char *name = t_name("perm");
	int h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0644, NULL));

	CHECK_EQ(t_run_as(1001, 1001, -1, uncatalog_as_user, (void *)name), 0);
	rtshm_close(CHECK_OK(rtshm_open(name, RTSHM_RDONLY, NULL)));
	rtshm_close(h);
}

#define WAITERS		6
#define FLIPS		400

struct flip_state {
	const char *name;
	volatile int stop;
	long found, timed_out, wrong;
};

/* Look the name up again and again with short waits while it comes and goes. */
static void *lookup_waiter(void *arg)
{
	struct flip_state *st = arg;

	while (!st->stop) {
		struct rtshm_object_info info;
		int ret = rtshm_lookup(st->name, 20, &info);

		if (ret == 0 && info.type == RTSHM_OBJ_SHM && info.size == 8192)
			__atomic_fetch_add(&st->found, 1, __ATOMIC_RELAXED);
		else if (ret == -ETIMEDOUT)
			__atomic_fetch_add(&st->timed_out, 1, __ATOMIC_RELAXED);
		else
			__atomic_fetch_add(&st->wrong, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Waiters racing with creation and deletion: no hang, no wrong answer, no leak. */
TEST(lookup_races_with_create_and_delete)
{
	struct flip_state st = { .name = t_name("flip") };
	pthread_t t[WAITERS];
	int i;

	for (i = 0; i < WAITERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, lookup_waiter, &st), 0);
	for (i = 0; i < FLIPS; i++) {
		int h = CHECK_OK(rtshm_create(st.name, 8192, RTSHM_RDWR, 0600, NULL));

		if (i % 2)
			usleep(500);
		rtshm_close(h);
		if (i % 3)
			usleep(500);
	}
	st.stop = 1;
	for (i = 0; i < WAITERS; i++)
		pthread_join(t[i], NULL);
	fprintf(stderr, "  lookup race: %d flips, %ld found, %ld timed out\n",
		FLIPS, st.found, st.timed_out);
	CHECK_EQ(st.wrong, 0);
	CHECK(st.found > 0);
	CHECK_EQ(t_proc_segments(), 0);
}

/* Every waiter sleeping forever on a name is woken by its creation. */
TEST(all_forever_waiters_wake)
{
	const char *other = t_name("other");
	char name[128];
	int pids[WAITERS], i, h;

	snprintf(name, sizeof(name), "%s", t_name("herd"));
	for (i = 0; i < WAITERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct rtshm_object_info info;

			_exit(rtshm_lookup(name, -1, &info) ? 1 : 0);
		}
	}
	usleep(300000);
	/* other names coming and going do not wake them for good */
	for (i = 0; i < 20; i++)
		rtshm_close(CHECK_OK(rtshm_create(other, 4096, RTSHM_RDWR, 0600, NULL)));
	h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL));
	for (i = 0; i < WAITERS; i++)
		CHECK_EQ(t_wait(pids[i]), 0);
	rtshm_close(h);
}

/*
 * 3000 live names (max_segments is 4096 by default): the name hash doubles
 * from 1024 buckets to 2048 at the 2049th, moving every name; each stays
 * findable by name (catalogued names too), with its own id, before and
 * after the growth.
 */
TEST(names_stay_found_while_the_hash_grows)
{
	enum { N = 3000 };
	static uint32_t ids[N];
	static void *maps[N];
	struct rtshm_object_info info;
	struct rtshm_result res;
	char name[64];
	uint64_t rng = 7;
	int i, h;

	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "%s-%d", t_name("grow"), i);
		if (i % 2) {
			h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR | RTSHM_EXCL, 0600, &res));
		} else {	/* half of them named afterwards */
			h = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &res));
			CHECK_OK(rtshm_catalog(h, name));
		}
		ids[i] = res.id;
		CHECK_OK(rtshm_map(h, 0, 0, PROT_READ, &maps[i]));
		CHECK_OK(rtshm_close(h));
		/* an earlier name, picked at random, is still there */
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		int j = (int)((rng >> 33) % (uint64_t)(i + 1));

		snprintf(name, sizeof(name), "%s-%d", t_name("grow"), j);
		CHECK_OK(rtshm_lookup(name, 0, &info));
		CHECK_EQ(info.id, ids[j]);
	}
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "%s-%d", t_name("grow"), i);
		CHECK_OK(rtshm_lookup(name, 0, &info));
		CHECK_EQ(info.id, ids[i]);
		CHECK_OK(rtshm_unmap(maps[i], 4096));
	}
	CHECK_EQ(t_proc_segments(), 0);
	snprintf(name, sizeof(name), "%s-%d", t_name("grow"), 0);
	CHECK_ERR(rtshm_lookup(name, 0, &info), ENOENT);
}
