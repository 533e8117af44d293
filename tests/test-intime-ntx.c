// SPDX-License-Identifier: GPL-2.0
/* INtime NTX side: locations, lookups, handles, the mapping cache. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "rtshm.h"
#include "harness.h"
#include "intime-helpers.h"

#define CHECK_NTX_ERROR(status) CHECK_EQ(ntxGetLastRtError(), status)

/* An RT block of @size bytes cataloged as @name; returns its address. */
static void *rt_publish(const char *name, DWORD size, RTHANDLE *h)
{
	void *p = AllocateRtMemory(size);

	CHECK(p != NULL);
	*h = CreateRtMemoryHandle(p, size);
	CHECK(*h != BAD_RTHANDLE);
	CHECK(CatalogRtHandle(NULL_RTHANDLE, *h, name));
	return p;
}

static NTXHANDLE root_process(void)
{
	NTXHANDLE root = ntxGetRootRtProcess(NTX_LOCAL);

	CHECK(root != NTX_BAD_NTXHANDLE && root != NTX_NULL_NTXHANDLE);
	return root;
}

TEST(location_and_root_process)
{
	NTXLOCATION loc;
	NTXHANDLE root;

	loc = ntxGetLocationByName("NodeA");
	CHECK(loc != NTX_UNDEFINED_LOCATION && loc != NTX_LOCAL);
	CHECK(ntxGetLocationByName("NodeB") == NTX_UNDEFINED_LOCATION);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK(ntxGetLocationByName(NULL) == NTX_UNDEFINED_LOCATION);
	CHECK_NTX_ERROR(E_BAD_ADDR);
	/* the local node's name can be configured */
	CHECK_SYS(setenv("RTSHM_INTIME_NODE", "NodeB", 1));
	CHECK(ntxGetLocationByName("NodeB") == loc);
	CHECK(ntxGetLocationByName("NodeA") == NTX_UNDEFINED_LOCATION);
	CHECK_SYS(unsetenv("RTSHM_INTIME_NODE"));

	/* the node is up while rtshm.ko is loaded; no other node exists */
	CHECK_EQ(ntxGetRtStatus(loc), E_OK);
	CHECK_EQ(ntxGetRtStatus(NTX_LOCAL), E_OK);
	CHECK_EQ(ntxGetRtStatus(NTX_UNDEFINED_LOCATION), E_LOCATION);
	CHECK_NTX_ERROR(E_LOCATION);
	CHECK_EQ(ntxGetRtStatus((NTXLOCATION)&loc), E_LOCATION);

	root = root_process();
	CHECK(ntxGetRootRtProcess(loc) == root);	/* one handle per object */
	CHECK_EQ(ntxGetType(root), NTX_TYPE_RT_PROCESS);
	CHECK_EQ(ntxExportRtHandle(root), NULL_RTHANDLE);
	CHECK(ntxGetRootRtProcess(NTX_UNDEFINED_LOCATION) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_LOCATION);
	CHECK(ntxGetRootRtProcess((NTXLOCATION)&loc) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_PARAM);

	/* a process is no segment */
	CHECK(ntxMapRtSharedMemory(root) == NULL);
	CHECK_NTX_ERROR(E_TYPE);
	CHECK_EQ(ntxGetRtSize(root), NTX_BAD_SIZE);
	CHECK_NTX_ERROR(E_TYPE);
}

TEST(lookup_argument_errors)
{
	char name[T_INTIME_NAME_SIZE];
	NTXHANDLE root = root_process(), seg;
	RTHANDLE h;
	void *p;

	t_intime_name(name, 'a');
	p = rt_publish(name, 4096, &h);
	seg = ntxLookupNtxhandle(root, name, NO_WAIT);
	CHECK(seg != NTX_BAD_NTXHANDLE);
	/* NTX_NULL_NTXHANDLE is the current process: the same directory */
	CHECK(ntxLookupNtxhandle(NTX_NULL_NTXHANDLE, name, NO_WAIT) == seg);

	CHECK(ntxLookupNtxhandle(root, "", NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_PARAM);
	CHECK(ntxLookupNtxhandle(root, "thirteen_char", NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_PARAM);
	CHECK(ntxLookupNtxhandle(root, NULL, NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_BAD_ADDR);
	CHECK(ntxLookupNtxhandle(seg, name, NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_TYPE);
	/* values this library never returned */
	CHECK(ntxLookupNtxhandle(NTX_BAD_NTXHANDLE, name, NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK(ntxLookupNtxhandle((NTXHANDLE)(uintptr_t)0x7fff0000, name, NO_WAIT) ==
	      NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK(ntxMapRtSharedMemory((NTXHANDLE)((uintptr_t)seg ^ 1)) == NULL);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK_EQ(ntxUnmapRtSharedMemory(NTX_NULL_NTXHANDLE), E_EXIST);
	CHECK_EQ(ntxGetType(NTX_BAD_NTXHANDLE), NTX_ERROR);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK_EQ(FreeRtMemory(p), 4096);
}

TEST(lookup_no_wait_and_timeout_give_e_time)
{
	char name[T_INTIME_NAME_SIZE];
	NTXHANDLE root = root_process();
	long long t0;

	t_intime_name(name, 't');
	t0 = t_ms_now();
	CHECK(ntxLookupNtxhandle(root, name, NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_TIME);
	CHECK(t_ms_now() - t0 < 5000);	/* no wait at all: generous for TCG */

	t0 = t_ms_now();
	CHECK(ntxLookupNtxhandle(root, name, 400) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_TIME);
	CHECK(t_ms_now() - t0 >= 400);
}

TEST(lookup_forever_is_woken_by_the_catalog)
{
	char name[T_INTIME_NAME_SIZE];
	int ready[2], pid;
	long long t0;
	NTXHANDLE h;
	RTHANDLE rth;

	t_intime_name(name, 'f');
	CHECK_SYS(pipe2(ready, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		close(ready[1]);
		t_await(ready[0]);
		t_sleep_ms(200);
		rt_publish(name, 4096, &rth);
		t_await(ready[0]);
		_exit(0);
	}
	close(ready[0]);
	t0 = t_ms_now();
	t_post(ready[1]);
	h = ntxLookupNtxhandle(root_process(), name, WAIT_FOREVER);
	CHECK(h != NTX_BAD_NTXHANDLE);
	CHECK(t_ms_now() - t0 >= 200);
	CHECK_EQ(ntxGetRtSize(h), 4096);
	t_post(ready[1]);
	CHECK_EQ(t_wait(pid), 0);
}

TEST(mapping_is_cached_per_handle_until_the_first_unmap)
{
	char name[T_INTIME_NAME_SIZE];
	NTXHANDLE root = root_process(), h;
	char *p, *v1;
	RTHANDLE rth;

	t_intime_name(name, 'm');
	p = rt_publish(name, 8192, &rth);
	strcpy(p, "cached");
	h = ntxLookupNtxhandle(root, name, NO_WAIT);
	CHECK(h != NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxExportRtHandle(h), rth);
	/* the same object always has the same handle */
	CHECK(ntxLookupNtxhandle(root, name, NO_WAIT) == h);
	CHECK(ntxImportRtHandle(rth, root) == h);

	v1 = ntxMapRtSharedMemory(h);
	CHECK(v1 != NULL && !strcmp(v1, "cached"));
	CHECK(ntxMapRtSharedMemory(h) == v1);
	CHECK(ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE | NTX_MAP_UNALIGNED) == v1);
	CHECK(ntxMapRtSharedMemoryEx(h, 0) == v1);	/* read-only asks get it too */
	CHECK_EQ(t_proc_segments(), 1);
	strcpy(v1 + 4096, "via NTX");
	CHECK(!strcmp(p + 4096, "via NTX"));

	/* no count: the first unmap ends the view */
	CHECK_EQ(ntxUnmapRtSharedMemory(h), E_OK);
	SetLastRtError(E_OK);
	CHECK_EQ(ntxUnmapRtSharedMemory(h), E_STATE);
	CHECK_NTX_ERROR(E_STATE);
	CHECK_EQ(ntxUnmapRtSharedMemory(root), E_STATE);

	/* and a new map works again */
	v1 = ntxMapRtSharedMemory(h);
	CHECK(v1 != NULL && !strcmp(v1 + 4096, "via NTX"));
	CHECK_EQ(ntxUnmapRtSharedMemory(h), E_OK);
	CHECK_EQ(FreeRtMemory(p), 8192);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(read_only_map_faults_on_write_and_cannot_turn_writable)
{
	char name[T_INTIME_NAME_SIZE];
	NTXHANDLE h;
	RTHANDLE rth;
	char *p, *ro;
	int pid;

	t_intime_name(name, 'r');
	p = rt_publish(name, 4096, &rth);
	strcpy(p, "read me");
	h = ntxLookupNtxhandle(root_process(), name, NO_WAIT);

	ro = ntxMapRtSharedMemoryEx(h, 0);
	CHECK(ro != NULL && !strcmp(ro, "read me"));
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		ro[0] = 'X';
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 128 + SIGSEGV);
	CHECK_EQ(p[0], 'r');

	CHECK(ntxMapRtSharedMemoryEx(h, NTX_MAP_WRITE) == NULL);
	CHECK_NTX_ERROR(E_STATE);
	SetLastRtError(E_OK);
	CHECK(ntxMapRtSharedMemory(h) == NULL);
	CHECK_NTX_ERROR(E_STATE);
	CHECK(ntxMapRtSharedMemoryEx(h, 0) == ro);

	/* after the unmap, a writable view is possible */
	CHECK_EQ(ntxUnmapRtSharedMemory(h), E_OK);
	ro = ntxMapRtSharedMemory(h);
	CHECK(ro != NULL);
	ro[0] = 'R';
	CHECK_EQ(p[0], 'R');
	CHECK_EQ(ntxUnmapRtSharedMemory(h), E_OK);
	CHECK_EQ(FreeRtMemory(p), 4096);
}

TEST(import_converts_rthandles_from_shared_data)
{
	char name[T_INTIME_NAME_SIZE];
	NTXHANDLE root = root_process(), hs, hd;
	RTHANDLE src, data, unused;
	RTHANDLE *table;
	char *d;

	t_intime_name(name, 'i');
	table = rt_publish(name, 4096, &src);
	d = AllocateRtMemory(4096);
	data = CreateRtMemoryHandle(d, 4096);
	unused = (RTHANDLE)(data == 65534 ? 1 : data + 1);
	CHECK(unused != src);
	table[0] = data;

	hs = ntxLookupNtxhandle(root, name, NO_WAIT);
	CHECK(hs != NTX_BAD_NTXHANDLE);
	hd = ntxImportRtHandle(table[0], hs);
	CHECK(hd != NTX_BAD_NTXHANDLE && hd != hs);
	CHECK_EQ(ntxExportRtHandle(hd), data);
	CHECK_EQ(ntxGetType(hd), NTX_TYPE_RT_SHARED_MEMORY);
	CHECK(ntxImportRtHandle(data, root) == hd);	/* any valid source */

	CHECK(ntxImportRtHandle(unused, hs) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK(ntxImportRtHandle(NULL_RTHANDLE, hs) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK(ntxImportRtHandle(BAD_RTHANDLE, hs) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_EXIST);
	SetLastRtError(E_OK);
	CHECK(ntxImportRtHandle(data, NTX_NULL_NTXHANDLE) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK_EQ(FreeRtMemory(d), 4096);
	CHECK_EQ(FreeRtMemory(table), 4096);
}

TEST(type_and_size_of_segments)
{
	char name[T_INTIME_NAME_SIZE];
	NTXHANDLE h;
	RTHANDLE rth;
	void *p;

	t_intime_name(name, 's');
	p = rt_publish(name, 5 * 4096 - 100, &rth);
	h = ntxLookupNtxhandle(root_process(), name, NO_WAIT);
	CHECK_EQ(ntxGetType(h), NTX_TYPE_RT_SHARED_MEMORY);
	CHECK_EQ(ntxGetRtSize(h), 5 * 4096);
	CHECK_EQ(FreeRtMemory(p), 5 * 4096);
	/* gone: the handle names nothing any more */
	CHECK_EQ(ntxGetType(h), NTX_ERROR);
	CHECK_NTX_ERROR(E_EXIST);
	SetLastRtError(E_OK);
	CHECK_EQ(ntxGetRtSize(h), NTX_BAD_SIZE);
	CHECK_NTX_ERROR(E_EXIST);
}

TEST(ntx_catalog_and_uncatalog)
{
	char name[T_INTIME_NAME_SIZE], alias[T_INTIME_NAME_SIZE];
	NTXHANDLE root = root_process(), h, other;
	RTHANDLE rth;
	void *p, *q;

	t_intime_name(name, 'k');
	t_intime_name(alias, 'l');
	p = rt_publish(name, 4096, &rth);
	h = ntxLookupNtxhandle(root, name, NO_WAIT);
	q = AllocateRtMemory(4096);
	other = ntxImportRtHandle(CreateRtMemoryHandle(q, 4096), root);
	CHECK(other != NTX_BAD_NTXHANDLE);

	/* name taken; object already named; not a segment; not a process */
	CHECK_EQ(ntxCatalogNtxHandle(root, other, name), E_CONTEXT);
	CHECK_NTX_ERROR(E_CONTEXT);
	CHECK_EQ(ntxCatalogNtxHandle(root, h, alias), E_LIMIT);
	CHECK_EQ(ntxCatalogNtxHandle(root, root, alias), E_TYPE);
	CHECK_EQ(ntxCatalogNtxHandle(h, other, alias), E_TYPE);
	CHECK_EQ(ntxCatalogNtxHandle(root, other, "thirteen_char"), E_PARAM);

	CHECK_EQ(ntxCatalogNtxHandle(NTX_NULL_NTXHANDLE, other, alias), E_OK);
	CHECK(ntxLookupNtxhandle(root, alias, NO_WAIT) == other);
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, alias, NO_WAIT), ntxExportRtHandle(other));

	/* uncatalog only the name of that object */
	CHECK_EQ(ntxUncatalogNtxHandle(root, h, alias), E_CONTEXT);
	CHECK_EQ(ntxUncatalogNtxHandle(root, other, alias), E_OK);
	CHECK(ntxLookupNtxhandle(root, alias, NO_WAIT) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_TIME);
	CHECK_EQ(ntxUncatalogNtxHandle(root, other, alias), E_CONTEXT);
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(FreeRtMemory(q), 4096);
}

/*
 * A handle is bound to the IPC namespace it was made in: after unshare()
 * the same id may name another segment, which it must never map.
 */
TEST(handle_from_another_ipc_namespace_is_refused)
{
	char name[T_INTIME_NAME_SIZE];
	NTXHANDLE root = root_process(), h;
	RTHANDLE rth;
	char *p, *view;
	int pid;

	t_intime_name(name, 'n');
	p = rt_publish(name, 4096, &rth);
	strcpy(p, "parent namespace");
	h = ntxLookupNtxhandle(root, name, NO_WAIT);
	CHECK(h != NTX_BAD_NTXHANDLE);

	pid = CHECK_SYS(fork());
	if (pid == 0) {
		view = ntxMapRtSharedMemory(h);
		CHECK(view != NULL);
		CHECK_SYS(unshare(CLONE_NEWIPC));
		/* the new namespace has a segment with the same id */
		p = AllocateRtMemory(4096);
		CHECK_EQ(CreateRtMemoryHandle(p, 4096), 1);

		CHECK(ntxMapRtSharedMemory(h) == NULL);
		CHECK_NTX_ERROR(E_TYPE);
		CHECK(ntxMapRtSharedMemoryEx(h, 0) == NULL);
		CHECK_NTX_ERROR(E_TYPE);
		CHECK_EQ(ntxGetType(h), NTX_ERROR);
		CHECK_NTX_ERROR(E_LOCATION);
		CHECK(ntxLookupNtxhandle(root, name, NO_WAIT) == NTX_BAD_NTXHANDLE);
		CHECK_NTX_ERROR(E_LOCATION);
		CHECK(ntxImportRtHandle(1, h) == NTX_BAD_NTXHANDLE);
		CHECK_NTX_ERROR(E_LOCATION);
		/* the old view is still ours to read and unmap */
		CHECK(!strcmp(view, "parent namespace"));
		CHECK_EQ(ntxUnmapRtSharedMemory(h), E_OK);

		/* this namespace's root and handles work */
		CHECK(root_process() != root);
		CHECK(ntxImportRtHandle(1, root_process()) != h);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(FreeRtMemory(p), 4096);
}

/* Create and close unnamed segments until the kernel handed out @id. */
static void burn_ids_through(uint32_t id)
{
	struct rtshm_result r;

	do
		CHECK_OK(rtshm_close(CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &r))));
	while (r.id != id);
}

/*
 * Unlike INtime's cache, a stale handle never maps the segment that got
 * its id later.  Ids are reused only after all 65535 went round (a fresh
 * IPC namespace starts at 1, so the test knows them): about 65000
 * create/close cycles, a few seconds in the test VM.
 */
TEST(stale_handle_never_maps_the_segment_that_reused_its_id)
{
	struct rtshm_result r;
	NTXHANDLE root, stale, fresh;
	char *a, *b, *view;
	RTHANDLE ha, hb;
	int anchor;

	CHECK_SYS(unshare(CLONE_NEWIPC));
	anchor = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &r));
	CHECK_EQ(r.id, 1);	/* keeps the namespace and its id cursor */
	root = root_process();

	a = rt_publish("STALE", 4096, &ha);
	strcpy(a, "segment A");
	stale = ntxLookupNtxhandle(root, "STALE", NO_WAIT);
	CHECK(stale != NTX_BAD_NTXHANDLE);
	CHECK_EQ(FreeRtMemory(a), 4096);

	/* go round the ids until A's comes back */
	burn_ids_through(0xFFFE);
	b = AllocateRtMemory(4096);
	hb = CreateRtMemoryHandle(b, 4096);
	CHECK_EQ(hb, ha);
	strcpy(b, "segment B");
	CHECK_EQ(ntxExportRtHandle(stale), hb);

	SetLastRtError(E_OK);
	CHECK(ntxMapRtSharedMemory(stale) == NULL);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK_EQ(ntxGetRtSize(stale), NTX_BAD_SIZE);
	CHECK_EQ(ntxGetType(stale), NTX_ERROR);

	/* importing the id now gives B, under a new handle */
	fresh = ntxImportRtHandle(hb, root);
	CHECK(fresh != NTX_BAD_NTXHANDLE && fresh != stale);
	view = ntxMapRtSharedMemory(fresh);
	CHECK(view != NULL && !strcmp(view, "segment B"));
	CHECK_EQ(ntxUnmapRtSharedMemory(fresh), E_OK);
	CHECK_EQ(FreeRtMemory(b), 4096);
	rtshm_close(anchor);
}

struct ntx_status_thread {
	pthread_barrier_t *start;
	NTXHANDLE root;
	int kind;
	int failures;
};

static void *ntx_status_worker(void *arg)
{
	static const NTXSTATUS expect[] = { E_TYPE, E_EXIST, E_PARAM, E_LOCATION };
	struct ntx_status_thread *t = arg;

	pthread_barrier_wait(t->start);
	for (int i = 0; i < 20000; i++) {
		switch (t->kind) {
		case 0: ntxMapRtSharedMemory(t->root); break;
		case 1: ntxGetType(NTX_BAD_NTXHANDLE); break;
		case 2: ntxLookupNtxhandle(t->root, "", NO_WAIT); break;
		case 3: ntxGetRootRtProcess(NTX_UNDEFINED_LOCATION); break;
		}
		t->failures += ntxGetLastRtError() != expect[t->kind];
		/* a success in between leaves it */
		t->failures += ntxGetType(t->root) != NTX_TYPE_RT_PROCESS;
		t->failures += ntxGetLastRtError() != expect[t->kind];
	}
	return NULL;
}

TEST(ntx_last_error_is_per_thread)
{
	struct ntx_status_thread t[4];
	pthread_barrier_t start;
	pthread_t tid[4];
	NTXHANDLE root = root_process();

	CHECK_EQ(ntxGetLastRtError(), E_OK);
	pthread_barrier_init(&start, NULL, 4);
	for (int i = 0; i < 4; i++) {
		t[i] = (struct ntx_status_thread){ &start, root, i, 0 };
		CHECK_EQ(pthread_create(&tid[i], NULL, ntx_status_worker, &t[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		CHECK_EQ(t[i].failures, 0);
	}
	CHECK_EQ(ntxGetLastRtError(), E_OK);
}

/* Many threads mapping one handle all get the one cached view. */
struct map_thread {
	pthread_barrier_t *start;
	NTXHANDLE h;
	void *view;
};

static void *map_worker(void *arg)
{
	struct map_thread *t = arg;

	pthread_barrier_wait(t->start);
	t->view = ntxMapRtSharedMemory(t->h);
	return NULL;
}

TEST(concurrent_maps_share_one_view)
{
	char name[T_INTIME_NAME_SIZE];
	struct map_thread t[8];
	pthread_barrier_t start;
	pthread_t tid[8];
	RTHANDLE rth;
	NTXHANDLE h;
	void *p;

	t_intime_name(name, 'v');
	p = rt_publish(name, 4096, &rth);
	h = ntxLookupNtxhandle(root_process(), name, NO_WAIT);
	pthread_barrier_init(&start, NULL, 8);
	for (int i = 0; i < 8; i++) {
		t[i] = (struct map_thread){ &start, h, NULL };
		CHECK_EQ(pthread_create(&tid[i], NULL, map_worker, &t[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(tid[i], NULL);
	for (int i = 0; i < 8; i++)
		CHECK(t[i].view != NULL && t[i].view == t[0].view);
	CHECK_EQ(ntxUnmapRtSharedMemory(h), E_OK);
	CHECK_EQ(ntxUnmapRtSharedMemory(h), E_STATE);
	CHECK_EQ(FreeRtMemory(p), 4096);
}
