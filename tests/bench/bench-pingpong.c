// SPDX-License-Identifier: GPL-2.0
/*
 * Event ping-pong: process A signals, process B waits and signals back,
 * A waits; one round trip is two wake-ups across processes.  The same
 * exchange with RTX auto-reset events (librtshm), process-shared POSIX
 * semaphores, and bare futex words in shared memory (the floor, shown in
 * the anon column).  Batches of the three alternate, so drift in the
 * emulator hits all alike.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rtapi.h"
#include "bench.h"

#define PP_BATCHES	41
#define PP_PER_BATCH	400

enum pingpong_mech { PP_RTX_EVENT, PP_POSIX_SEM, PP_FUTEX, PP_MECHS };

/* The table column of each mechanism. */
static const enum mech_id pp_column[PP_MECHS] = {
	[PP_RTX_EVENT] = MECH_RTSHM,
	[PP_POSIX_SEM] = MECH_POSIX,
	[PP_FUTEX] = MECH_ANON,
};

/* What both processes share: the futex words, the semaphores, the commands. */
struct pp_shared {
	_Atomic uint32_t word[2];	/* futex mechanism: 1 = signaled */
	sem_t sem[2];
	_Atomic uint32_t cmd[2];	/* A -> B: a command; B -> A: taken */
	_Atomic int mech;		/* command: mechanism, or -1 to exit */
	_Atomic int rounds;		/* command: round trips to answer */
	char ev_name[2][64];
};

struct pp_ends {
	HANDLE ev[2];
};

static void pp_signal(struct pp_shared *sh, struct pp_ends *e, int mech, int i)
{
	switch (mech) {
	case PP_RTX_EVENT:
		RtSetEvent(e->ev[i]);
		break;
	case PP_FUTEX:
		bench_futex_signal(&sh->word[i]);
		break;
	default:
		sem_post(&sh->sem[i]);
		break;
	}
}

static void pp_wait(struct pp_shared *sh, struct pp_ends *e, int mech, int i)
{
	switch (mech) {
	case PP_RTX_EVENT:
		RtWaitForSingleObject(e->ev[i], INFINITE);
		break;
	case PP_FUTEX:
		bench_futex_take(&sh->word[i]);
		break;
	default:
		while (sem_wait(&sh->sem[i]))
			;
		break;
	}
}

/* Process B: answer batches until told to stop. */
static void pp_child(struct pp_shared *sh)
{
	struct pp_ends e = {
		{ RtOpenEventA(EVENT_ALL_ACCESS, FALSE, sh->ev_name[0]),
		  RtOpenEventA(EVENT_ALL_ACCESS, FALSE, sh->ev_name[1]) },
	};
	int mech, n, i;

	if (!e.ev[0] || !e.ev[1])
		_exit(1);
	for (;;) {
		bench_futex_take(&sh->cmd[0]);
		mech = atomic_load(&sh->mech);
		n = atomic_load(&sh->rounds);
		bench_futex_signal(&sh->cmd[1]);
		if (mech < 0)
			_exit(0);
		for (i = 0; i < n; i++) {
			pp_wait(sh, &e, mech, 0);
			pp_signal(sh, &e, mech, 1);
		}
	}
}

static void pp_command(struct pp_shared *sh, int mech, int rounds)
{
	atomic_store(&sh->mech, mech);
	atomic_store(&sh->rounds, rounds);
	bench_futex_signal(&sh->cmd[0]);
	bench_futex_take(&sh->cmd[1]);
}

/* One batch of @n round trips; mean round trip in nanoseconds. */
static uint64_t pp_batch(struct pp_shared *sh, struct pp_ends *e, int mech,
			 unsigned int n)
{
	uint64_t t0;
	unsigned int i;

	pp_command(sh, mech, (int)n);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pp_signal(sh, e, mech, 0);
		pp_wait(sh, e, mech, 1);
	}
	return (now_ns() - t0) / n;
}

/* Both processes, the objects; 0 or -errno. */
static int pp_setup(struct pp_shared **shp, struct pp_ends *e, int *pid)
{
	struct pp_shared *sh;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -errno;
	memset(sh, 0, sizeof(*sh));
	*shp = sh;
	snprintf(sh->ev_name[0], sizeof(sh->ev_name[0]), "bench.ping.%d", (int)getpid());
	snprintf(sh->ev_name[1], sizeof(sh->ev_name[1]), "bench.pong.%d", (int)getpid());
	e->ev[0] = RtCreateEventA(NULL, FALSE, FALSE, sh->ev_name[0]);
	e->ev[1] = RtCreateEventA(NULL, FALSE, FALSE, sh->ev_name[1]);
	if (!e->ev[0] || !e->ev[1])
		return -ENOENT;
	if (sem_init(&sh->sem[0], 1, 0) || sem_init(&sh->sem[1], 1, 0))
		return -errno;
	*pid = fork();
	if (*pid < 0)
		return -errno;
	if (!*pid)
		pp_child(sh);
	return 0;
}

static void pp_teardown(struct pp_shared *sh, struct pp_ends *e, int pid)
{
	if (pid > 0) {
		pp_command(sh, -1, 0);
		waitpid(pid, NULL, 0);
	}
	if (e->ev[0])
		RtCloseHandle(e->ev[0]);
	if (e->ev[1])
		RtCloseHandle(e->ev[1]);
	if (sh) {
		sem_destroy(&sh->sem[0]);
		sem_destroy(&sh->sem[1]);
		munmap(sh, sizeof(*sh));
	}
}

void rows_pingpong(struct table *t, struct bench_cfg *cfg)
{
	uint64_t *lat[PP_MECHS] = { NULL };
	struct pp_ends e = { { NULL, NULL } };
	struct pp_shared *sh = NULL;
	double med[PP_MECHS];
	struct row *r[2];
	char buf[CELL_MAX];
	int pid = -1, ret, m, b;

	table_section(t, "Event ping-pong between two processes, round trip "
		      "(rtshm: RtSetEvent/RtWaitForSingleObject; POSIX shm: "
		      "sem_post/sem_wait; anon: bare futex; ratio: rtshm / futex)");
	r[0] = table_row(t, "ping-pong round trip, median");
	r[1] = table_row(t, "ping-pong round trip, p99");
	ret = pp_setup(&sh, &e, &pid);
	for (m = 0; !ret && m < PP_MECHS; m++) {
		lat[m] = calloc(PP_BATCHES, sizeof(uint64_t));
		if (!lat[m])
			ret = -ENOMEM;
	}
	if (ret) {
		cell_error(r[0], cfg, MECH_RTSHM, "setup", ret);
		goto out;
	}
	for (m = 0; m < PP_MECHS; m++)		/* warm-up */
		pp_batch(sh, &e, m, PP_PER_BATCH);
	for (b = 0; b < PP_BATCHES; b++)
		for (m = 0; m < PP_MECHS; m++)
			lat[m][b] = pp_batch(sh, &e, m, PP_PER_BATCH);
	for (m = 0; m < PP_MECHS; m++) {
		med[m] = (double)percentile(lat[m], PP_BATCHES, 50);
		fmt_ns(buf, sizeof(buf), (uint64_t)med[m]);
		row_mech(r[0], pp_column[m], "%s", buf);
		fmt_ns(buf, sizeof(buf), percentile(lat[m], PP_BATCHES, 99));
		row_mech(r[1], pp_column[m], "%s", buf);
	}
	for (m = MECH_SYSV; m <= MECH_MEMFD; m++)
		if (m != MECH_POSIX) {
			row_mech(r[0], m, "n/a (no event object)");
			row_mech(r[1], m, "n/a (no event object)");
		}
	fmt_ratio(buf, sizeof(buf), med[PP_RTX_EVENT], med[PP_FUTEX]);
	row_ratio(r[0], "%s", buf);
out:
	for (m = 0; m < PP_MECHS; m++)
		free(lat[m]);
	pp_teardown(sh, &e, pid);
}
