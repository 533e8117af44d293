// SPDX-License-Identifier: GPL-2.0
/*
 * INtime processes: a Linux process that declares itself an RT process is
 * found by name in the root directory, has a directory of its own, and
 * takes it (names and all) with it when it dies.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "rtshm.h"
#include "harness.h"
#include "intime-helpers.h"

#define CHECK_RT_ERROR(status) CHECK_EQ(GetLastRtError(), status)
#define CHECK_NTX_ERROR(status) CHECK_EQ(ntxGetLastRtError(), status)

/* What the RT side tells the test: its pid comes from fork(). */
struct rt_side {
	int pid;
	int ready;	/* read end: one byte once it cataloged */
};

/*
 * The RT process of a typical port, declared by the environment: it
 * allocates a segment, writes into it and catalogs it in its own directory.
 */
static void rt_process_main(const char *procname, int ready)
{
	RTHANDLE seg;
	char *p;

	if (setenv("RTSHM_INTIME_PROCESS", procname, 1))
		_exit(60);
	p = AllocateRtMemory(4096);
	if (!p)
		_exit(61);
	strcpy(p, "from the RT side");
	seg = CreateRtMemoryHandle(p, 4096);
	if (seg == BAD_RTHANDLE)
		_exit(62);
	/* NULL_RTHANDLE: the calling process's own directory */
	if (!CatalogRtHandle(NULL_RTHANDLE, seg, "SEGMENT"))
		_exit(63);
	if (write(ready, "r", 1) != 1)
		_exit(64);
	pause();
	_exit(0);
}

static struct rt_side start_rt_process(const char *procname)
{
	struct rt_side rt;
	int fds[2];
	char c;

	CHECK_SYS(pipe(fds));
	rt.pid = fork();
	if (rt.pid == 0) {
		/* a failed test must not leave it holding the console */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[0]);
		rt_process_main(procname, fds[1]);
	}
	close(fds[1]);
	rt.ready = fds[0];
	CHECK_EQ(read(rt.ready, &c, 1), 1);
	return rt;
}

static void stop_rt_process(struct rt_side *rt)
{
	kill(rt->pid, SIGKILL);
	t_wait(rt->pid);
	close(rt->ready);
}

TEST(a_plain_process_stands_for_the_root)
{
	RTHANDLE root = GetRtThreadHandles(ROOT_PROCESS);
	char *p = AllocateRtMemory(4096);
	RTHANDLE seg = CreateRtMemoryHandle(p, 4096);
	char name[T_INTIME_NAME_SIZE];

	t_intime_name(name, 'p');
	CHECK_EQ(root, RTSHM_ROOT_RTHANDLE);
	CHECK_EQ(GetRtThreadHandles(THIS_PROCESS), root);
	CHECK(CatalogRtHandle(NULL_RTHANDLE, seg, name));
	CHECK_EQ(LookupRtHandle(root, name, NO_WAIT), seg);
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, name, NO_WAIT), seg);
	CHECK(UncatalogRtHandle(root, name));
	CHECK_EQ(GetRtThreadHandles(0), BAD_RTHANDLE);	/* THIS_THREAD */
	CHECK_RT_ERROR(E_PARAM);
	CHECK_EQ(FreeRtMemory(p), 4096);
}

/* The usual first steps of the NTX side, then the RT process dies. */
TEST(ntx_side_finds_the_rt_process_then_its_segment)
{
	char procname[T_INTIME_NAME_SIZE];
	struct rt_side rt;
	NTXHANDLE root, proc, seg, other;
	char *view, *mine;

	t_intime_name(procname, 'r');
	rt = start_rt_process(procname);
	root = ntxGetRootRtProcess(NTX_LOCAL);
	proc = ntxLookupNtxhandle(root, procname, WAIT_FOREVER);
	CHECK(proc != NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxGetType(proc), NTX_TYPE_RT_PROCESS);
	/* the segment is in the process's directory, not in the root */
	CHECK(ntxLookupNtxhandle(root, "SEGMENT", NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_TIME);
	seg = ntxLookupNtxhandle(proc, "SEGMENT", WAIT_FOREVER);
	CHECK(seg != NTX_BAD_NTXHANDLE);
	view = ntxMapRtSharedMemory(seg);
	CHECK(view != NULL);
	CHECK(!strcmp(view, "from the RT side"));

	/* the NTX side names things in the RT process's directory too */
	CHECK_EQ(ntxCatalogNtxHandle(proc, seg, "ALIAS"), E_LIMIT);	/* one name */
	mine = AllocateRtMemory(4096);
	CHECK(mine != NULL);
	other = ntxImportRtHandle(CreateRtMemoryHandle(mine, 4096), root);
	CHECK(other != NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxCatalogNtxHandle(proc, other, "FROMNTX"), E_OK);
	CHECK(ntxLookupNtxhandle(proc, "FROMNTX", NO_WAIT) == other);

	stop_rt_process(&rt);
	/* the process, its directory and its names are gone; not a hang */
	CHECK(ntxLookupNtxhandle(proc, "SEGMENT", NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK(ntxLookupNtxhandle(proc, "SEGMENT", WAIT_FOREVER) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK(ntxLookupNtxhandle(root, procname, NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_TIME);
	CHECK_EQ(ntxGetType(proc), NTX_ERROR);
	CHECK_NTX_ERROR(E_EXIST);
	/* what was named there lives on, unnamed: it can be named again */
	CHECK_EQ(ntxCatalogNtxHandle(root, other, "FROMNTX"), E_OK);
	CHECK_EQ(ntxUncatalogNtxHandle(root, other, "FROMNTX"), E_OK);
	CHECK_EQ(FreeRtMemory(mine), 4096);
	/* the memory the NTX side still maps stays until it lets go */
	CHECK(!strcmp(view, "from the RT side"));
	CHECK_EQ(ntxUnmapRtSharedMemory(seg), E_OK);
	CHECK_EQ(t_proc_segments(), 0);
}

/* A lookup waiting in a process's directory ends when the process does. */
TEST(waiting_in_a_directory_ends_with_the_process)
{
	char procname[T_INTIME_NAME_SIZE];
	struct rt_side rt;
	NTXHANDLE proc;
	long long t0;
	int waiter;

	t_intime_name(procname, 'w');
	rt = start_rt_process(procname);
	proc = ntxLookupNtxhandle(ntxGetRootRtProcess(NTX_LOCAL), procname, NO_WAIT);
	CHECK(proc != NTX_BAD_NTXHANDLE);
	waiter = fork();
	if (waiter == 0) {
		NTXHANDLE h = ntxLookupNtxhandle(proc, "NEVER", WAIT_FOREVER);

		_exit(h == NTX_BAD_NTXHANDLE && ntxGetLastRtError() == E_EXIST ? 0 : 1);
	}
	t_sleep_ms(200);
	t0 = t_ms_now();
	stop_rt_process(&rt);
	CHECK_EQ(t_wait(waiter), 0);
	fprintf(stderr, "  waiter ended %lld ms after the kill\n", t_ms_now() - t0);
	CHECK_EQ(t_proc_segments(), 0);
}

/* The RT side of another process reaches the directory by the process's handle. */
TEST(rt_side_of_another_process_uses_the_process_handle)
{
	char procname[T_INTIME_NAME_SIZE];
	struct rt_side rt;
	RTHANDLE proc, seg;
	char *p;

	t_intime_name(procname, 'h');
	rt = start_rt_process(procname);
	proc = LookupRtHandle(GetRtThreadHandles(ROOT_PROCESS), procname, NO_WAIT);
	CHECK(proc != BAD_RTHANDLE);
	seg = LookupRtHandle(proc, "SEGMENT", NO_WAIT);
	CHECK(seg != BAD_RTHANDLE);
	CHECK(LookupRtHandle(NULL_RTHANDLE, "SEGMENT", NO_WAIT) == BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TIME);
	p = MapRtSharedMemory(seg);
	CHECK(p != NULL);
	CHECK(!strcmp(p, "from the RT side"));
	/* a segment handle is no process handle */
	CHECK(LookupRtHandle(seg, "SEGMENT", NO_WAIT) == BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TYPE);
	stop_rt_process(&rt);
	CHECK(LookupRtHandle(proc, "SEGMENT", NO_WAIT) == BAD_RTHANDLE);
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 0);
}

/* Declared by call; once only; names are unique among live processes. */
static int declare_twice(void *arg)
{
	const char *name = arg;

	if (rtshm_intime_process(name) != E_OK)
		return 1;
	if (rtshm_intime_process("other") != E_CONTEXT)
		return 2;
	if (GetRtThreadHandles(THIS_PROCESS) == RTSHM_ROOT_RTHANDLE)
		return 3;
	return 0;
}

TEST(declaring_by_call)
{
	char procname[T_INTIME_NAME_SIZE];
	struct rt_side rt;
	int pid;

	CHECK_EQ(rtshm_intime_process(NULL), E_BAD_ADDR);
	CHECK_EQ(rtshm_intime_process(""), E_PARAM);
	CHECK_EQ(rtshm_intime_process("thirteen_char"), E_PARAM);
	pid = fork();
	if (pid == 0)
		_exit(declare_twice((void *)"RTPROC.X"));
	CHECK_EQ(t_wait(pid), 0);
	/* a live process's name is taken */
	t_intime_name(procname, 'd');
	rt = start_rt_process(procname);
	pid = fork();
	if (pid == 0)
		_exit(rtshm_intime_process(procname) & 0xff);
	CHECK_EQ(t_wait(pid), E_CONTEXT);
	stop_rt_process(&rt);
	CHECK_EQ(t_proc_segments(), 0);
}

/* A forked child of an RT process is not that process. */
static int child_of_rt_process(void *arg)
{
	char *name = arg;
	int pid;

	if (rtshm_intime_process(name) != E_OK)
		return 1;
	pid = fork();
	if (pid == 0) {
		/* the child stands for the root and can take a name of its own */
		if (GetRtThreadHandles(THIS_PROCESS) != RTSHM_ROOT_RTHANDLE)
			_exit(2);
		_exit(rtshm_intime_process("CHILD.X") == E_OK ? 0 : 3);
	}
	if (t_wait(pid))
		return 4;
	/* the parent's process object outlived its child's copy */
	return LookupRtHandle(GetRtThreadHandles(ROOT_PROCESS), name, NO_WAIT) ==
	       GetRtThreadHandles(THIS_PROCESS) ? 0 : 5;
}

TEST(a_forked_child_is_another_process)
{
	int pid = fork();

	if (pid == 0)
		_exit(child_of_rt_process((void *)"PARENT.X"));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(t_proc_segments(), 0);
}
