// SPDX-License-Identifier: GPL-2.0
/*
 * INtime semaphore hand-off: an RT-side process (rt.h: CreateRtSemaphore,
 * ReleaseRtSemaphore, WaitForRtSemaphore) and an NTX-side process (ntx.h:
 * ntxLookupNtxhandle, ntxWaitForRtSemaphore, ntxReleaseRtSemaphore) pass a
 * unit back and forth through two semaphores; one round trip is two
 * wake-ups across processes.  The same exchange between two RT-side
 * processes shows the protocol without the NTX handle checks, and with
 * process-shared POSIX semaphores in shared memory is the reference.
 * Batches of the three alternate, so drift in the emulator hits all alike.
 */
#include <errno.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "bench.h"

#define RS_BATCHES	41
#define RS_PER_BATCH	400

/* RT side against NTX side, RT side against RT side, POSIX sem_t */
enum rtsem_mech { RS_INTIME, RS_RT, RS_POSIX, RS_MECHS };

/* What both processes share: the POSIX semaphores, the commands, the names. */
struct rs_shared {
	sem_t sem[2];
	_Atomic uint32_t cmd[2];	/* RT -> NTX: a command; NTX -> RT: taken */
	_Atomic int mech;		/* command: mechanism, or -1 to exit */
	_Atomic int rounds;		/* command: round trips to answer */
	char name[2][13];		/* INtime names: at most 12 bytes */
};

/* The NTX process: answer batches until told to stop. */
static void rs_child(struct rs_shared *sh)
{
	NTXHANDLE root = ntxGetRootRtProcess(NTX_LOCAL), h[2];
	RTHANDLE rh[2];
	int mech, n, i;

	h[0] = ntxLookupNtxhandle(root, sh->name[0], 5000);
	h[1] = ntxLookupNtxhandle(root, sh->name[1], 5000);
	rh[0] = LookupRtHandle(NULL_RTHANDLE, sh->name[0], 5000);
	rh[1] = LookupRtHandle(NULL_RTHANDLE, sh->name[1], 5000);
	if (h[0] == NTX_BAD_NTXHANDLE || h[1] == NTX_BAD_NTXHANDLE ||
	    rh[0] == BAD_RTHANDLE || rh[1] == BAD_RTHANDLE)
		_exit(1);
	for (;;) {
		bench_futex_take(&sh->cmd[0]);
		mech = atomic_load(&sh->mech);
		n = atomic_load(&sh->rounds);
		bench_futex_signal(&sh->cmd[1]);
		if (mech < 0)
			_exit(0);
		for (i = 0; i < n; i++) {
			if (mech == RS_INTIME) {
				ntxWaitForRtSemaphore(h[0], 1, WAIT_FOREVER);
				ntxReleaseRtSemaphore(h[1], 1);
			} else if (mech == RS_RT) {
				WaitForRtSemaphore(rh[0], 1, WAIT_FOREVER);
				ReleaseRtSemaphore(rh[1], 1);
			} else {
				while (sem_wait(&sh->sem[0]))
					;
				sem_post(&sh->sem[1]);
			}
		}
	}
}

static void rs_command(struct rs_shared *sh, int mech, int rounds)
{
	atomic_store(&sh->mech, mech);
	atomic_store(&sh->rounds, rounds);
	bench_futex_signal(&sh->cmd[0]);
	bench_futex_take(&sh->cmd[1]);
}

/* One batch of @n round trips from the RT side; mean round trip in ns. */
static uint64_t rs_batch(struct rs_shared *sh, const RTHANDLE h[2], int mech,
			 unsigned int n)
{
	uint64_t t0;
	unsigned int i;

	rs_command(sh, mech, (int)n);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (mech != RS_POSIX) {
			ReleaseRtSemaphore(h[0], 1);
			WaitForRtSemaphore(h[1], 1, WAIT_FOREVER);
		} else {
			sem_post(&sh->sem[0]);
			while (sem_wait(&sh->sem[1]))
				;
		}
	}
	return (now_ns() - t0) / n;
}

/* The RT side's semaphores, cataloged, and the NTX process; 0 or -errno. */
static int rs_setup(struct rs_shared **shp, RTHANDLE h[2], int *pid)
{
	struct rs_shared *sh;
	int i;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -errno;
	memset(sh, 0, sizeof(*sh));
	*shp = sh;
	for (i = 0; i < 2; i++) {
		snprintf(sh->name[i], sizeof(sh->name[i]), "bs%c%d", 'a' + i,
			 (int)getpid() % 1000000);
		h[i] = CreateRtSemaphore(0, 1, FIFO_QUEUING);
		if (h[i] == BAD_RTHANDLE ||
		    !CatalogRtHandle(NULL_RTHANDLE, h[i], sh->name[i]))
			return -ENOENT;
	}
	if (sem_init(&sh->sem[0], 1, 0) || sem_init(&sh->sem[1], 1, 0))
		return -errno;
	*pid = fork();
	if (*pid < 0)
		return -errno;
	if (!*pid)
		rs_child(sh);
	return 0;
}

static void rs_teardown(struct rs_shared *sh, const RTHANDLE h[2], int pid)
{
	int i;

	if (pid > 0) {
		rs_command(sh, -1, 0);
		waitpid(pid, NULL, 0);
	}
	for (i = 0; i < 2; i++)
		if (h[i] != BAD_RTHANDLE)
			DeleteRtSemaphore(h[i]);
	if (sh) {
		sem_destroy(&sh->sem[0]);
		sem_destroy(&sh->sem[1]);
		munmap(sh, sizeof(*sh));
	}
}

void rows_rtsem(struct table *t, struct bench_cfg *cfg)
{
	uint64_t *lat[RS_MECHS] = { NULL };
	RTHANDLE h[2] = { BAD_RTHANDLE, BAD_RTHANDLE };
	struct rs_shared *sh = NULL;
	double med[RS_MECHS];
	struct row *r[4];
	char buf[CELL_MAX];
	int pid = -1, ret, m, b;

	table_section(t, "INtime semaphore hand-off between two processes, "
		      "round trip (rtshm: ReleaseRtSemaphore, then "
		      "ntxWaitForRtSemaphore (RT/NTX) or WaitForRtSemaphore "
		      "(RT/RT), and back; POSIX shm: sem_post/sem_wait on a "
		      "process-shared sem_t; ratio: rtshm / POSIX)");
	r[0] = table_row(t, "RT/NTX semaphore hand-off, median");
	r[1] = table_row(t, "RT/NTX semaphore hand-off, p99");
	r[2] = table_row(t, "RT/RT semaphore hand-off, median");
	r[3] = table_row(t, "RT/RT semaphore hand-off, p99");
	ret = rs_setup(&sh, h, &pid);
	for (m = 0; !ret && m < RS_MECHS; m++) {
		lat[m] = calloc(RS_BATCHES, sizeof(uint64_t));
		if (!lat[m])
			ret = -ENOMEM;
	}
	if (ret) {
		cell_error(r[0], cfg, MECH_RTSHM, "setup", ret);
		goto out;
	}
	for (m = 0; m < RS_MECHS; m++)		/* warm-up */
		rs_batch(sh, h, m, RS_PER_BATCH);
	for (b = 0; b < RS_BATCHES; b++)
		for (m = 0; m < RS_MECHS; m++)
			lat[m][b] = rs_batch(sh, h, m, RS_PER_BATCH);
	for (m = 0; m < RS_MECHS; m++)
		med[m] = (double)percentile(lat[m], RS_BATCHES, 50);
	for (b = 0; b < 4; b++) {
		/* rows 0, 1: RT/NTX; rows 2, 3: RT/RT; POSIX in both pairs */
		m = b < 2 ? RS_INTIME : RS_RT;
		fmt_ns(buf, sizeof(buf), percentile(lat[m], RS_BATCHES, b % 2 ? 99 : 50));
		row_mech(r[b], MECH_RTSHM, "%s", buf);
		fmt_ns(buf, sizeof(buf), percentile(lat[RS_POSIX], RS_BATCHES,
						    b % 2 ? 99 : 50));
		row_mech(r[b], MECH_POSIX, "%s", buf);
		for (m = MECH_SYSV; m <= MECH_ANON; m++)
			row_mech(r[b], m, "n/a (no semaphore)");
	}
	fmt_ratio(buf, sizeof(buf), med[RS_INTIME], med[RS_POSIX]);
	row_ratio(r[0], "%s", buf);
	fmt_ratio(buf, sizeof(buf), med[RS_RT], med[RS_POSIX]);
	row_ratio(r[2], "%s", buf);
out:
	for (m = 0; m < RS_MECHS; m++)
		free(lat[m]);
	rs_teardown(sh, h, pid);
}
