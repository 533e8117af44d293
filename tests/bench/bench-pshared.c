// SPDX-License-Identifier: GPL-2.0
/*
 * Process-shared pthread objects in segment memory: two processes hand a
 * PTHREAD_PROCESS_SHARED mutex and condition variable back and forth, the
 * same code with the objects in an rtshm segment and in POSIX shm.  One
 * round trip is two cross-process wake-ups, as in bench-pingpong.c, whose
 * method this follows: batches of round trips, the two placements
 * alternating batch by batch, median and p99 of the batch means.
 *
 *   mutex hand-off: one mutex, one condvar and a turn word; A passes the
 *     turn to B and sleeps until B passes it back, B likewise; each pass
 *     takes the mutex the other side just dropped.
 *   condvar ping-pong: a mutex and two condvars used as a pair of events
 *     (flag + pthread_cond_signal, pthread_cond_wait until the flag is set).
 *
 * glibc keys every process-shared object by a shared futex, which needs a
 * page the kernel can find behind the address; a module without segment
 * files (ABI < 1.3) fails that with EFAULT, and glibc aborts.  A probe
 * (FUTEX_WAKE on the segment) finds this out first; the rtshm cells then
 * say n/a and only POSIX shm runs.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rtshm.h"
#include "bench.h"

#define PS_BATCHES		41
#define PS_PER_BATCH		400
#define PS_BATCHES_QUICK	11
#define PS_PER_BATCH_QUICK	100

enum ps_kind { PS_HANDOFF, PS_CONDVAR, PS_KINDS };
enum ps_place { PS_RTSHM, PS_POSIX, PS_PLACES };

static const char *const ps_label[PS_KINDS] = {
	[PS_HANDOFF] = "pshared mutex hand-off",
	[PS_CONDVAR] = "pshared condvar ping-pong",
};

/* The table column of each placement. */
static const enum mech_id ps_column[PS_PLACES] = {
	[PS_RTSHM] = MECH_RTSHM,
	[PS_POSIX] = MECH_POSIX,
};

/* The measured objects, at the start of each placement's memory. */
struct ps_objs {
	pthread_mutex_t lock;		/* hand-off */
	pthread_cond_t turn_cv;
	int turn;			/* 0: A's turn, 1: B's */
	pthread_mutex_t ev_lock;	/* condvar ping-pong */
	pthread_cond_t ev_cv[2];
	int ev_flag[2];			/* 1 = signaled */
};

/* The command channel, in anonymous shared memory (works everywhere). */
struct ps_ctl {
	_Atomic uint32_t cmd[2];	/* A -> B: a command; B -> A: taken */
	_Atomic int kind;		/* command: row, or -1 to exit */
	_Atomic int place;		/* command: placement */
	_Atomic int rounds;		/* command: round trips to answer */
};

struct ps_state {
	struct ps_ctl *ctl;
	struct seg seg[PS_PLACES];
	struct ps_objs *objs[PS_PLACES];	/* NULL: placement not usable */
	int inited[PS_PLACES];
	int pid;
};

/* --- the two exchanges ---------------------------------------------------- */

/* A: give B the turn, sleep until it comes back. */
static void handoff_a(struct ps_objs *o)
{
	pthread_mutex_lock(&o->lock);
	o->turn = 1;
	pthread_cond_signal(&o->turn_cv);
	while (o->turn != 0)
		pthread_cond_wait(&o->turn_cv, &o->lock);
	pthread_mutex_unlock(&o->lock);
}

/* B: sleep until it is B's turn, give it back. */
static void handoff_b(struct ps_objs *o)
{
	pthread_mutex_lock(&o->lock);
	while (o->turn != 1)
		pthread_cond_wait(&o->turn_cv, &o->lock);
	o->turn = 0;
	pthread_cond_signal(&o->turn_cv);
	pthread_mutex_unlock(&o->lock);
}

static void ev_signal(struct ps_objs *o, int i)
{
	pthread_mutex_lock(&o->ev_lock);
	o->ev_flag[i] = 1;
	pthread_cond_signal(&o->ev_cv[i]);
	pthread_mutex_unlock(&o->ev_lock);
}

static void ev_wait(struct ps_objs *o, int i)
{
	pthread_mutex_lock(&o->ev_lock);
	while (!o->ev_flag[i])
		pthread_cond_wait(&o->ev_cv[i], &o->ev_lock);
	o->ev_flag[i] = 0;
	pthread_mutex_unlock(&o->ev_lock);
}

/* Process B: answer batches until told to stop. */
static void ps_child(struct ps_state *st)
{
	struct ps_ctl *ctl = st->ctl;
	struct ps_objs *o;
	int kind, n, i;

	for (;;) {
		bench_futex_take(&ctl->cmd[0]);
		kind = atomic_load(&ctl->kind);
		o = st->objs[atomic_load(&ctl->place)];
		n = atomic_load(&ctl->rounds);
		bench_futex_signal(&ctl->cmd[1]);
		if (kind < 0)
			_exit(0);
		for (i = 0; i < n; i++) {
			if (kind == PS_HANDOFF) {
				handoff_b(o);
			} else {
				ev_wait(o, 0);
				ev_signal(o, 1);
			}
		}
	}
}

static void ps_command(struct ps_ctl *ctl, int kind, int place, int rounds)
{
	atomic_store(&ctl->kind, kind);
	atomic_store(&ctl->place, place);
	atomic_store(&ctl->rounds, rounds);
	bench_futex_signal(&ctl->cmd[0]);
	bench_futex_take(&ctl->cmd[1]);
}

/* One batch of @n round trips; mean round trip in nanoseconds. */
static uint64_t ps_batch(struct ps_state *st, int kind, int place, unsigned int n)
{
	struct ps_objs *o = st->objs[place];
	uint64_t t0;
	unsigned int i;

	ps_command(st->ctl, kind, place, (int)n);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (kind == PS_HANDOFF) {
			handoff_a(o);
		} else {
			ev_signal(o, 0);
			ev_wait(o, 1);
		}
	}
	return (now_ns() - t0) / n;
}

/* --- setup ------------------------------------------------------------------ */

static int ps_init_objs(struct ps_objs *o)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int ret;

	memset(o, 0, sizeof(*o));
	ret = pthread_mutexattr_init(&ma);
	if (ret)
		return -ret;
	ret = pthread_condattr_init(&ca);
	if (ret) {
		pthread_mutexattr_destroy(&ma);
		return -ret;
	}
	ret = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	if (!ret)
		ret = pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	if (!ret)
		ret = pthread_mutex_init(&o->lock, &ma);
	if (!ret)
		ret = pthread_mutex_init(&o->ev_lock, &ma);
	if (!ret)
		ret = pthread_cond_init(&o->turn_cv, &ca);
	if (!ret)
		ret = pthread_cond_init(&o->ev_cv[0], &ca);
	if (!ret)
		ret = pthread_cond_init(&o->ev_cv[1], &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutexattr_destroy(&ma);
	return -ret;
}

static void ps_destroy_objs(struct ps_objs *o)
{
	pthread_cond_destroy(&o->ev_cv[1]);
	pthread_cond_destroy(&o->ev_cv[0]);
	pthread_cond_destroy(&o->turn_cv);
	pthread_mutex_destroy(&o->ev_lock);
	pthread_mutex_destroy(&o->lock);
}

/*
 * The memory of placement @p with the objects in it; 0, or -errno and the
 * reason in @why.  rtshm: a shared futex on the segment first, so that an
 * old module shows up as EFAULT here and not as glibc aborting.
 */
static int ps_place_setup(struct ps_state *st, int p, char *why, size_t whylen)
{
	struct seg *s = &st->seg[p];
	int ret;

	ret = mechs[ps_column[p]].create_map(s, "rtshm-bench-pshared", 0, PAGE);
	if (ret) {
		snprintf(why, whylen, "create");
		return ret;
	}
	if (p == PS_RTSHM &&
	    syscall(SYS_futex, (uint32_t *)s->addr, FUTEX_WAKE, 1, NULL, NULL, 0) < 0) {
		snprintf(why, whylen, "futex probe");
		ret = -errno;
		goto fail;
	}
	ret = ps_init_objs(s->addr);
	if (ret) {
		snprintf(why, whylen, "pthread init");
		goto fail;
	}
	st->objs[p] = s->addr;
	st->inited[p] = 1;
	return 0;
fail:
	mechs[ps_column[p]].unmap_destroy(s);
	return ret;
}

/* The rtshm cells when the module has no segment files. */
static void ps_efault_cells(struct row *r[], int nrows)
{
	struct rtshm_module_info mi;
	char cell[CELL_MAX];
	int i;

	if (rtshm_module_info(&mi))
		snprintf(cell, sizeof(cell), "n/a (futex EFAULT: module < 1.3)");
	else
		snprintf(cell, sizeof(cell), "n/a (futex EFAULT: module %u.%u < 1.3)",
			 mi.abi_major, mi.abi_minor);
	for (i = 0; i < nrows; i++)
		row_mech(r[i], MECH_RTSHM, "%s", cell);
}

/* 1 if the module predates segment files (ABI < 1.3) */
static int ps_old_module(void)
{
	struct rtshm_module_info mi;

	if (rtshm_module_info(&mi))
		return 1;
	return mi.abi_major == 1 && mi.abi_minor < 3;
}

static void ps_teardown(struct ps_state *st)
{
	int p;

	if (st->pid > 0) {
		ps_command(st->ctl, -1, 0, 0);
		waitpid(st->pid, NULL, 0);
	}
	for (p = 0; p < PS_PLACES; p++) {
		if (st->inited[p])
			ps_destroy_objs(st->objs[p]);
		if (st->seg[p].addr)
			mechs[ps_column[p]].unmap_destroy(&st->seg[p]);
	}
	if (st->ctl)
		munmap(st->ctl, sizeof(*st->ctl));
}

/* --- the rows ---------------------------------------------------------------- */

void rows_pshared(struct table *t, struct bench_cfg *cfg)
{
	int quick = cfg->passes < 41;
	unsigned int batches = quick ? PS_BATCHES_QUICK : PS_BATCHES;
	unsigned int per_batch = quick ? PS_PER_BATCH_QUICK : PS_PER_BATCH;
	uint64_t *lat[PS_PLACES] = { NULL };
	struct ps_state st = { .pid = -1 };
	struct row *r[PS_KINDS][2];
	double v[MECH_COUNT] = { 0 };
	int have[MECH_COUNT];
	char buf[CELL_MAX], why[32], title[240];
	int k, p, m, i, ret, usable = 0;
	unsigned int b;

	snprintf(title, sizeof(title), "PTHREAD_PROCESS_SHARED mutex and condvar, "
		 "two processes, round trip; the same code with the objects in an "
		 "rtshm segment / in POSIX shm (batches of %u, median and p99 over %u; "
		 "ratio: rtshm / POSIX shm)", per_batch, batches);
	table_section(t, title);
	for (k = 0; k < PS_KINDS; k++) {
		snprintf(buf, sizeof(buf), "%s, median", ps_label[k]);
		r[k][0] = table_row(t, buf);
		snprintf(buf, sizeof(buf), "%s, p99", ps_label[k]);
		r[k][1] = table_row(t, buf);
		for (i = 0; i < 2; i++)
			for (m = 0; m < MECH_COUNT; m++)
				if (m != MECH_RTSHM && m != MECH_POSIX)
					row_mech(r[k][i], m, m == MECH_ANON ?
						 "n/a (not shared)" : "n/a (POSIX only)");
	}

	for (p = 0; p < PS_PLACES; p++) {
		ret = ps_place_setup(&st, p, why, sizeof(why));
		if (!ret) {
			usable++;
			continue;
		}
		if (p == PS_RTSHM && ret == -EFAULT && ps_old_module()) {
			/* a fact of this module, not a failed measurement */
			ps_efault_cells(&r[0][0], 2 * PS_KINDS);
			continue;
		}
		for (k = 0; k < PS_KINDS; k++)
			for (i = 0; i < 2; i++)
				cell_error(r[k][i], cfg, ps_column[p], why, ret);
	}

	ret = 0;
	st.ctl = mmap(NULL, sizeof(*st.ctl), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st.ctl == MAP_FAILED) {
		st.ctl = NULL;
		ret = -errno;
	}
	for (p = 0; !ret && p < PS_PLACES; p++) {
		lat[p] = calloc(batches, sizeof(uint64_t));
		if (!lat[p])
			ret = -ENOMEM;
	}
	if (!ret && usable) {
		memset(st.ctl, 0, sizeof(*st.ctl));
		st.pid = fork();
		if (st.pid < 0)
			ret = -errno;
		else if (!st.pid)
			ps_child(&st);
	}
	if (ret) {
		for (p = 0; p < PS_PLACES; p++)
			if (st.objs[p])
				cell_error(r[0][0], cfg, ps_column[p], "setup", ret);
		goto out;
	}
	if (!usable)
		goto out;

	for (k = 0; k < PS_KINDS; k++) {
		for (p = 0; p < PS_PLACES; p++)		/* warm-up */
			if (st.objs[p])
				ps_batch(&st, k, p, per_batch);
		for (b = 0; b < batches; b++)
			for (p = 0; p < PS_PLACES; p++)
				if (st.objs[p])
					lat[p][b] = ps_batch(&st, k, p, per_batch);
		for (i = 0; i < 2; i++) {
			memset(have, 0, sizeof(have));
			for (p = 0; p < PS_PLACES; p++) {
				if (!st.objs[p])
					continue;
				m = ps_column[p];
				v[m] = (double)percentile(lat[p], batches, i ? 99 : 50);
				have[m] = 1;
				fmt_ns(buf, sizeof(buf), (uint64_t)v[m]);
				row_mech(r[k][i], m, "%s", buf);
			}
			row_ratio_best(r[k][i], v, have);
		}
	}
out:
	for (p = 0; p < PS_PLACES; p++)
		free(lat[p]);
	ps_teardown(&st);
}
