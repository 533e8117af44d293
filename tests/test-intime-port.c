// SPDX-License-Identifier: GPL-2.0
/*
 * A typical INtime port end to end: the RT process starts, allocates,
 * catalogs in its own directory and makes a semaphore and a mailbox; the
 * NTX process finds it by name, waits for the segment, maps it, and the
 * two exchange data under the semaphores and a handle through the mailbox;
 * then the RT process is killed.  And one name space for every type.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "rtapi.h"
#include "rtshm.h"
#include "harness.h"
#include "intime-helpers.h"

#define ROUNDS 50

struct shared_page {
	volatile DWORD value;	/* written by the RT side */
	volatile DWORD echo;	/* written back by the NTX side */
};

static void rt_side(const char *procname)
{
	RTHANDLE seg, seg2, sem, ack, mbx;
	struct shared_page *p;
	char *second;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setenv("RTSHM_INTIME_PROCESS", procname, 1))
		_exit(60);
	p = AllocateRtMemory(4096);
	second = AllocateRtMemory(8192);
	if (!p || !second)
		_exit(61);
	strcpy(second, "sent through the mailbox");
	seg = CreateRtMemoryHandle(p, 4096);
	seg2 = CreateRtMemoryHandle(second, 8192);
	sem = CreateRtSemaphore(0, 1, FIFO_QUEUING);
	ack = CreateRtSemaphore(0, 1, FIFO_QUEUING);
	mbx = CreateRtMailbox(OBJECT_MAILBOX | FIFO_QUEUING);
	if (seg == BAD_RTHANDLE || seg2 == BAD_RTHANDLE || sem == BAD_RTHANDLE ||
	    ack == BAD_RTHANDLE || mbx == BAD_RTHANDLE)
		_exit(62);
	/* in the process's own directory: NULL_RTHANDLE */
	if (!CatalogRtHandle(NULL_RTHANDLE, sem, "SEM") ||
	    !CatalogRtHandle(NULL_RTHANDLE, ack, "ACK") ||
	    !CatalogRtHandle(NULL_RTHANDLE, mbx, "MBX") ||
	    !CatalogRtHandle(NULL_RTHANDLE, seg, "SEGMENT"))
		_exit(63);
	for (DWORD i = 1; i <= ROUNDS; i++) {
		p->value = i;
		if (!ReleaseRtSemaphore(sem, 1) ||
		    WaitForRtSemaphore(ack, 1, WAIT_FOREVER) == WAIT_FAILED ||
		    p->echo != i)
			_exit(64);
	}
	if (!SendRtHandle(mbx, seg2, NULL_RTHANDLE))
		_exit(65);
	pause();
	_exit(0);
}

/* Waits on the RT side's semaphore until its process dies. */
static int waits_past_the_owner(NTXHANDLE sem)
{
	WORD left = ntxWaitForRtSemaphore(sem, 1, WAIT_FOREVER);

	return left == NTX_ERROR && ntxGetLastRtError() == E_EXIST ? 0 : 1;
}

TEST(typical_port_rt_and_ntx_processes)
{
	char procname[T_INTIME_NAME_SIZE];
	NTXHANDLE root, proc, seg, sem, ack, mbx, got, resp;
	struct shared_page *view;
	char *second;
	int rt, waiter;

	t_intime_name(procname, 'P');
	rt = fork();
	if (rt == 0)
		rt_side(procname);
	/* the NTX side may come first: its lookups wait */
	root = ntxGetRootRtProcess(NTX_LOCAL);
	CHECK_EQ(ntxGetRtStatus(NTX_LOCAL), E_OK);
	proc = ntxLookupNtxhandle(root, procname, WAIT_FOREVER);
	CHECK(proc != NTX_BAD_NTXHANDLE);
	seg = ntxLookupNtxhandle(proc, "SEGMENT", WAIT_FOREVER);
	CHECK(seg != NTX_BAD_NTXHANDLE);
	sem = ntxLookupNtxhandle(proc, "SEM", NO_WAIT);
	ack = ntxLookupNtxhandle(proc, "ACK", NO_WAIT);
	mbx = ntxLookupNtxhandle(proc, "MBX", NO_WAIT);
	CHECK(sem != NTX_BAD_NTXHANDLE && ack != NTX_BAD_NTXHANDLE &&
	      mbx != NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetType(proc), NTX_TYPE_RT_PROCESS);
	CHECK_EQ(ntxGetType(sem), NTX_TYPE_RT_SEMAPHORE);
	CHECK_EQ(ntxGetType(mbx), NTX_TYPE_MAILBOX);
	CHECK_EQ(ntxGetType(seg), NTX_TYPE_RT_SHARED_MEMORY);
	view = ntxMapRtSharedMemory(seg);
	CHECK(view != NULL);

	for (DWORD i = 1; i <= ROUNDS; i++) {
		CHECK(ntxWaitForRtSemaphore(sem, 1, WAIT_FOREVER) != NTX_ERROR);
		CHECK_EQ(view->value, i);
		view->echo = i;
		CHECK_EQ(ntxReleaseRtSemaphore(ack, 1), E_OK);
	}
	/* a segment handle through the mailbox maps here */
	got = ntxReceiveRtHandle(mbx, WAIT_FOREVER, &resp);
	CHECK(got != NTX_BAD_NTXHANDLE);
	CHECK(resp == NTX_NULL_NTXHANDLE);
	second = ntxMapRtSharedMemory(got);
	CHECK(second != NULL);
	CHECK(!strcmp(second, "sent through the mailbox"));
	CHECK_EQ(ntxGetRtSize(got), 8192);

	/* the RT process is killed: everything it owned goes */
	waiter = fork();
	if (waiter == 0)
		_exit(waits_past_the_owner(sem));
	t_sleep_ms(100);
	CHECK_SYS(kill(rt, SIGKILL));
	CHECK_EQ(t_wait(rt), 128 + SIGKILL);
	CHECK_EQ(t_wait(waiter), 0);
	CHECK_EQ(ntxWaitForRtSemaphore(sem, 1, NO_WAIT), NTX_ERROR);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
	CHECK_EQ(ntxReleaseRtSemaphore(ack, 1), E_EXIST);
	CHECK(ntxReceiveRtHandle(mbx, NO_WAIT, NULL) == NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
	CHECK(ntxLookupNtxhandle(proc, "SEGMENT", NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
	CHECK(ntxLookupNtxhandle(root, procname, NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetLastRtError(), E_TIME);
	/* the memory lives while mapped here, and goes with the last unmap */
	CHECK_EQ(view->echo, ROUNDS);
	CHECK_EQ(ntxUnmapRtSharedMemory(seg), E_OK);
	CHECK_EQ(ntxUnmapRtSharedMemory(got), E_OK);
	CHECK_EQ(t_proc_segments(), 0);
}

/* Holders of the name "N" of each type (all in the root directory). */
enum holder { H_SEGMENT, H_EVENT, H_MUTEX, H_RTX_SEM, H_RT_SEM, H_MAILBOX, H_PROCESS,
	      H_COUNT };

static const char *const holder_names[H_COUNT] = {
	"segment", "event", "mutex", "rtx-semaphore", "rt-semaphore", "mailbox",
	"process",
};

/* Make @h hold @name; returns something to release it with. */
static int hold(enum holder h, const char *name, HANDLE *rtx, RTHANDLE *rt)
{
	*rtx = NULL;
	*rt = BAD_RTHANDLE;
	switch (h) {
	case H_SEGMENT:
		return rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL);
	case H_EVENT:
		*rtx = RtCreateEventA(NULL, FALSE, FALSE, name);
		break;
	case H_MUTEX:
		*rtx = RtCreateMutexA(NULL, FALSE, name);
		break;
	case H_RTX_SEM:
		*rtx = RtCreateSemaphoreA(NULL, 0, 1, name);
		break;
	case H_RT_SEM:
		*rt = CreateRtSemaphore(0, 1, FIFO_QUEUING);
		return CatalogRtHandle(GetRtThreadHandles(ROOT_PROCESS), *rt, name) ? 0 : -1;
	case H_MAILBOX:
		*rt = CreateRtMailbox(DATA_MAILBOX | FIFO_QUEUING);
		return CatalogRtHandle(GetRtThreadHandles(ROOT_PROCESS), *rt, name) ? 0 : -1;
	case H_PROCESS:
		return rtshm_intime_process(name) == E_OK ? 0 : -1;
	default:
		return -1;
	}
	return *rtx ? 0 : -1;
}

/* Every taker against one holder, in a child (a process declares once). */
static int collide_with(enum holder h, const char *name)
{
	HANDLE rtx, taken;
	RTHANDLE rt, newseg;
	char *block;
	void *view;
	int fd, bad = 0;

	fd = hold(h, name, &rtx, &rt);
	if (fd < 0)
		return 100;
	/* RTX: the same type opens it, another type is ERROR_INVALID_HANDLE */
	taken = RtCreateEventA(NULL, FALSE, FALSE, name);
	bad |= h == H_EVENT ? !taken || GetLastError() != ERROR_ALREADY_EXISTS
			    : taken || GetLastError() != ERROR_INVALID_HANDLE;
	if (taken)
		RtCloseHandle(taken);
	taken = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 4096, name, &view);
	bad |= (h == H_SEGMENT ? !taken : taken || GetLastError() != ERROR_INVALID_HANDLE) << 1;
	if (taken)
		RtCloseHandle(taken);
	/* native: another type is EMEDIUMTYPE */
	fd = h == H_SEGMENT ? rtshm_sync_create(name, RTSHM_OBJ_MAILBOX, "x", 1, 0, 0600, NULL)
			    : rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL);
	bad |= (fd != -EMEDIUMTYPE) << 2;
	/* INtime: a taken name is E_CONTEXT, whatever holds it */
	block = AllocateRtMemory(4096);
	newseg = CreateRtMemoryHandle(block, 4096);
	bad |= (CatalogRtHandle(GetRtThreadHandles(ROOT_PROCESS), newseg, name) ||
		GetLastRtError() != E_CONTEXT) << 3;
	FreeRtMemory(block);
	return bad;
}

TEST(one_namespace_for_every_type)
{
	for (int h = 0; h < H_COUNT; h++) {
		char name[T_INTIME_NAME_SIZE];
		int pid, st;

		snprintf(name, sizeof(name), "N%d.%d", h, (int)getpid() % 10000);
		pid = fork();
		if (pid == 0)
			_exit(collide_with(h, name));
		st = t_wait(pid);
		if (st)
			fprintf(stderr, "  holder %s: failed checks 0x%x\n",
				holder_names[h], st);
		CHECK_EQ(st, 0);
	}
	CHECK_EQ(t_proc_segments(), 0);
}
