// SPDX-License-Identifier: GPL-2.0
/* INtime real-time side: memory blocks, memory handles, object directory. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "rtapi.h"
#include "rtshm.h"
#include "harness.h"
#include "intime-helpers.h"

/* The last error must be @status after a call that reported failure. */
#define CHECK_RT_ERROR(status) CHECK_EQ(GetLastRtError(), status)

TEST(allocate_rounds_up_to_whole_pages_zeroed)
{
	struct rtshm_object_info info;
	unsigned char *p;
	RTHANDLE h;
	int i;

	p = AllocateRtMemory(10000);
	CHECK(p != NULL);
	CHECK_EQ((uintptr_t)p % 4096, 0);
	for (i = 0; i < 12288; i++)
		CHECK_EQ(p[i], 0);
	memset(p, 0xA5, 12288);		/* all three pages are ours */

	h = CreateRtMemoryHandle(p, 10000);
	CHECK(h != BAD_RTHANDLE && h != NULL_RTHANDLE);
	CHECK_OK(rtshm_describe_id(h, &info));
	CHECK_EQ(info.size, 12288);
	CHECK_EQ(info.type, RTSHM_OBJ_SHM);
	CHECK_EQ(t_proc_segments(), 1);
	CHECK_EQ(FreeRtMemory(p), 12288);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(allocate_rejects_size_zero_and_sizes_beyond_any_segment)
{
	struct rtshm_module_info mi;

	SetLastRtError(E_OK);
	CHECK(AllocateRtMemory(0) == NULL);
	CHECK_RT_ERROR(E_PARAM);
	CHECK_OK(rtshm_module_info(&mi));
	CHECK(mi.max_segment_size < 0xFFFFF000U);
	SetLastRtError(E_OK);
	CHECK(AllocateRtMemory(0xFFFFF000U) == NULL);
	CHECK_RT_ERROR(E_PARAM);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(memory_handle_covers_exactly_one_whole_block)
{
	char local[64];
	char *p;
	RTHANDLE h;

	p = AllocateRtMemory(8192);
	CHECK(p != NULL);
	h = CreateRtMemoryHandle(p, 8192);
	CHECK(h != BAD_RTHANDLE);
	/* any size that rounds up to the block, again: the same handle */
	CHECK_EQ(CreateRtMemoryHandle(p, 4097), h);

	struct { void *p; DWORD cb; } bad[] = {
		{ p, 0 },		/* empty */
		{ p, 4096 },		/* first page only */
		{ p, 8193 },		/* beyond the block */
		{ p + 4096, 4096 },	/* second page only */
		{ p + 1, 8191 },	/* unaligned inside */
		{ local, sizeof(local) },	/* not a block at all */
		{ NULL, 4096 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SetLastRtError(E_OK);
		CHECK_EQ(CreateRtMemoryHandle(bad[i].p, bad[i].cb), BAD_RTHANDLE);
		CHECK_RT_ERROR(E_PARAM);
	}
	CHECK_EQ(FreeRtMemory(p), 8192);
	/* freed: the address is no block any more */
	CHECK_EQ(CreateRtMemoryHandle(p, 8192), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_PARAM);
}

TEST(free_takes_any_address_of_a_block_once)
{
	char local;
	char *p;

	CHECK_EQ(FreeRtMemory(NULL), (DWORD)-1);
	CHECK_RT_ERROR(E_BAD_ADDR);
	CHECK_EQ(FreeRtMemory(&local), (DWORD)-1);
	CHECK_RT_ERROR(E_NOT_ALLOCATED);

	p = AllocateRtMemory(3 * 4096);
	CHECK(p != NULL);
	/* an address inside frees the whole block */
	CHECK_EQ(FreeRtMemory(p + 5000), 3 * 4096);
	CHECK_EQ(t_proc_segments(), 0);
	SetLastRtError(E_OK);
	CHECK_EQ(FreeRtMemory(p), (DWORD)-1);
	CHECK_RT_ERROR(E_NOT_ALLOCATED);
}

TEST(delete_memory_handle_checks_the_handle)
{
	char *p = AllocateRtMemory(4096);
	RTHANDLE h = CreateRtMemoryHandle(p, 4096);

	CHECK(h != BAD_RTHANDLE);
	CHECK(DeleteRtMemoryHandle(h));
	CHECK(!DeleteRtMemoryHandle(BAD_RTHANDLE));
	CHECK_RT_ERROR(E_EXIST);
	CHECK(!DeleteRtMemoryHandle(NULL_RTHANDLE));
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(FreeRtMemory(p), 4096);
	/* the memory is gone, so is the object the handle named */
	SetLastRtError(E_OK);
	CHECK(!DeleteRtMemoryHandle(h));
	CHECK_RT_ERROR(E_EXIST);
}

TEST(another_process_maps_the_handle)
{
	char *p, *view;
	RTHANDLE h;
	int pid;

	p = AllocateRtMemory(8192);
	CHECK(p != NULL);
	h = CreateRtMemoryHandle(p, 8192);
	strcpy(p + 5000, "from the allocating process");

	pid = CHECK_SYS(fork());
	if (pid == 0) {
		view = MapRtSharedMemory(h);
		CHECK(view != NULL);
		CHECK(!strcmp(view + 5000, "from the allocating process"));
		strcpy(view + 100, "from the mapping process");
		/* a handle may be made from a mapped view, too */
		CHECK_EQ(CreateRtMemoryHandle(view, 8192), h);
		/* freeing a view releases only the view */
		CHECK_EQ(FreeRtMemory(view), 8192);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(!strcmp(p + 100, "from the mapping process"));
	CHECK_EQ(t_proc_segments(), 1);

	CHECK(MapRtSharedMemory(NULL_RTHANDLE) == NULL);
	CHECK_RT_ERROR(E_EXIST);
	CHECK(MapRtSharedMemory(BAD_RTHANDLE) == NULL);
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(FreeRtMemory(p), 8192);
	SetLastRtError(E_OK);
	CHECK(MapRtSharedMemory(h) == NULL);
	CHECK_RT_ERROR(E_EXIST);
}

TEST(memory_outlives_free_while_another_process_maps_it)
{
	int go[2], done[2], pid;
	char *p, *view;
	RTHANDLE h;

	CHECK_SYS(pipe2(go, O_CLOEXEC));
	CHECK_SYS(pipe2(done, O_CLOEXEC));
	p = AllocateRtMemory(4096);
	h = CreateRtMemoryHandle(p, 4096);
	strcpy(p, "kept alive");
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		close(done[1]);
		view = MapRtSharedMemory(h);
		CHECK(view != NULL);
		t_post(go[1]);
		t_await(done[0]);
		CHECK(!strcmp(view, "kept alive"));
		CHECK_EQ(FreeRtMemory(view), 4096);
		_exit(0);
	}
	close(go[1]);
	t_await(go[0]);
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 1);
	t_post(done[1]);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(catalog_lookup_uncatalog)
{
	char name[T_INTIME_NAME_SIZE], other[T_INTIME_NAME_SIZE];
	char *p, *q;
	RTHANDLE h, hq;

	t_intime_name(name, 'c');
	t_intime_name(other, 'o');
	p = AllocateRtMemory(4096);
	q = AllocateRtMemory(4096);
	h = CreateRtMemoryHandle(p, 4096);
	hq = CreateRtMemoryHandle(q, 4096);

	CHECK(CatalogRtHandle(NULL_RTHANDLE, h, name));
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, name, NO_WAIT), h);
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, name, WAIT_FOREVER), h);
	/* a name names one object; an object has one name here */
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, hq, name));
	CHECK_RT_ERROR(E_CONTEXT);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, h, other));
	CHECK_RT_ERROR(E_LIMIT);

	CHECK(UncatalogRtHandle(NULL_RTHANDLE, name));
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, name, NO_WAIT), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TIME);
	SetLastRtError(E_OK);
	CHECK(!UncatalogRtHandle(NULL_RTHANDLE, name));
	CHECK_RT_ERROR(E_CONTEXT);
	/* the object lives on unnamed, and can be named again */
	CHECK(CatalogRtHandle(NULL_RTHANDLE, h, other));
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, other, NO_WAIT), h);

	/* names die with their segment */
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, other, NO_WAIT), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TIME);
	CHECK_EQ(FreeRtMemory(q), 4096);
}

TEST(directory_argument_errors)
{
	char name[T_INTIME_NAME_SIZE];
	char *p = AllocateRtMemory(4096);
	RTHANDLE h = CreateRtMemoryHandle(p, 4096);
	RTHANDLE unused = (RTHANDLE)(h == 65534 ? 1 : h + 1);

	t_intime_name(name, 'e');
	CHECK(h != BAD_RTHANDLE);
	CHECK_ERR(rtshm_describe_id(unused, &(struct rtshm_object_info){ 0 }), ENOENT);

	/* names: 1..12 bytes */
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, h, ""));
	CHECK_RT_ERROR(E_PARAM);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, h, "thirteen_char"));
	CHECK_RT_ERROR(E_PARAM);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, h, NULL));
	CHECK_RT_ERROR(E_BAD_ADDR);
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, "", NO_WAIT), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_PARAM);
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, NULL, NO_WAIT), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_BAD_ADDR);
	CHECK(!UncatalogRtHandle(NULL_RTHANDLE, "thirteen_char"));
	CHECK_RT_ERROR(E_PARAM);
	CHECK(CatalogRtHandle(NULL_RTHANDLE, h, "twelve_chars"));
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, "twelve_chars", NO_WAIT), h);
	CHECK(UncatalogRtHandle(NULL_RTHANDLE, "twelve_chars"));

	/* process handles: a segment is no process, an unused id is nothing */
	CHECK(!CatalogRtHandle(h, h, name));
	CHECK_RT_ERROR(E_TYPE);
	CHECK_EQ(LookupRtHandle(h, name, NO_WAIT), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TYPE);
	CHECK(!UncatalogRtHandle(unused, name));
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(LookupRtHandle(BAD_RTHANDLE, name, NO_WAIT), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_EXIST);

	/* objects */
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, NULL_RTHANDLE, name));
	CHECK_RT_ERROR(E_EXIST);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, BAD_RTHANDLE, name));
	CHECK_RT_ERROR(E_EXIST);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, unused, name));
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(FreeRtMemory(p), 4096);
}

TEST(lookup_waits_for_the_name_then_times_out)
{
	char name[T_INTIME_NAME_SIZE];
	long long t0, waited;
	int ready[2], pid;
	char *p;
	RTHANDLE h;

	t_intime_name(name, 'w');
	t0 = t_ms_now();
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, name, NO_WAIT), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TIME);
	CHECK(t_ms_now() - t0 < 5000);	/* no wait at all: generous for TCG */

	t0 = t_ms_now();
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, name, 300), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TIME);
	CHECK(t_ms_now() - t0 >= 300);

	/* a process cataloging the name wakes a WAIT_FOREVER lookup */
	CHECK_SYS(pipe2(ready, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		close(ready[1]);
		t_await(ready[0]);
		t_sleep_ms(200);
		p = AllocateRtMemory(4096);
		CHECK(CatalogRtHandle(NULL_RTHANDLE, CreateRtMemoryHandle(p, 4096), name));
		strcpy(p, "found");
		t_await(ready[0]);	/* keep it until the parent has mapped it */
		_exit(0);
	}
	close(ready[0]);
	t0 = t_ms_now();
	t_post(ready[1]);
	h = LookupRtHandle(NULL_RTHANDLE, name, WAIT_FOREVER);
	waited = t_ms_now() - t0;
	CHECK(h != BAD_RTHANDLE);
	CHECK(waited >= 200);
	p = MapRtSharedMemory(h);
	CHECK(p != NULL);
	t_post(ready[1]);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 0);
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
 * Id 0xFFFF is BAD_RTHANDLE: AllocateRtMemory never returns a block with
 * that id, and a lookup of an object that has it fails with E_LIMIT.
 * A fresh IPC namespace starts its ids at 1, so the test knows them.
 */
TEST(id_0xffff_never_becomes_an_rthandle)
{
	struct rtshm_result r;
	int anchor, named;
	char *p;
	RTHANDLE h;

	CHECK_SYS(unshare(CLONE_NEWIPC));
	anchor = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &r));
	CHECK_EQ(r.id, 1);

	/* the kernel's next id is 0xFFFF: AllocateRtMemory must skip it */
	burn_ids_through(0xFFFE);
	p = AllocateRtMemory(4096);
	CHECK(p != NULL);
	h = CreateRtMemoryHandle(p, 4096);
	CHECK_EQ(h, 2);			/* wrapped past the anchor */
	CHECK_EQ(t_proc_line(0xFFFF)[0], '\0');	/* the skipped one is gone */
	CHECK_EQ(t_proc_segments(), 2);

	/* a segment made elsewhere (RTX, native) can have id 0xFFFF */
	burn_ids_through(0xFFFE);
	named = CHECK_OK(rtshm_create("ID0xFFFF", 4096, RTSHM_RDWR, 0600, &r));
	CHECK_EQ(r.id, 0xFFFF);
	CHECK_EQ(LookupRtHandle(NULL_RTHANDLE, "ID0xFFFF", NO_WAIT), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_LIMIT);

	rtshm_close(named);
	CHECK_EQ(FreeRtMemory(p), 4096);
	rtshm_close(anchor);
}

struct status_thread {
	pthread_barrier_t *start;
	void *block;		/* for a call that succeeds */
	int kind;
	int failures;
};

/* Each thread makes one kind of failure and checks it sees only its own. */
static void *status_worker(void *arg)
{
	static const DWORD expect[] = { E_PARAM, E_BAD_ADDR, E_NOT_ALLOCATED, E_EXIST };
	struct status_thread *t = arg;
	DWORD own = 0x10000 | (DWORD)t->kind;
	char local;

	pthread_barrier_wait(t->start);
	for (int i = 0; i < 20000; i++) {
		switch (t->kind) {
		case 0: AllocateRtMemory(0); break;
		case 1: FreeRtMemory(NULL); break;
		case 2: FreeRtMemory(&local); break;
		case 3: DeleteRtMemoryHandle(BAD_RTHANDLE); break;
		}
		t->failures += GetLastRtError() != expect[t->kind];
		/* 32 bits are stored, 16 read back; success keeps the status */
		SetLastRtError(own);
		t->failures += CreateRtMemoryHandle(t->block, 4096) == BAD_RTHANDLE;
		t->failures += GetLastRtError() != (own & 0xFFFF);
	}
	return NULL;
}

TEST(last_error_is_per_thread_and_survives_success)
{
	struct status_thread t[4];
	pthread_barrier_t start;
	pthread_t tid[4];
	char *p;

	CHECK_EQ(GetLastRtError(), E_OK);	/* nothing failed yet */
	CHECK(AllocateRtMemory(0) == NULL);
	p = AllocateRtMemory(4096);		/* success leaves E_PARAM */
	CHECK(p != NULL);
	CHECK_RT_ERROR(E_PARAM);
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_RT_ERROR(E_PARAM);

	pthread_barrier_init(&start, NULL, 4);
	for (int i = 0; i < 4; i++) {
		t[i] = (struct status_thread){ &start, AllocateRtMemory(4096), i, 0 };
		CHECK(t[i].block != NULL);
		CHECK_EQ(pthread_create(&tid[i], NULL, status_worker, &t[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		CHECK_EQ(t[i].failures, 0);
		CHECK_EQ(FreeRtMemory(t[i].block), 4096);
	}
	CHECK_RT_ERROR(E_PARAM);	/* the threads never touched ours */
}

/* INtime's RT side keeps one status with Win32: GetLastError reads it too. */
TEST(get_last_error_and_get_last_rt_error_share_one_slot)
{
	CHECK(AllocateRtMemory(0) == NULL);
	CHECK_EQ(GetLastError(), E_PARAM);
	SetLastError(ERROR_INVALID_HANDLE);
	CHECK_EQ(GetLastRtError(), ERROR_INVALID_HANDLE);
	CHECK_EQ(ntxGetLastRtError(), ERROR_INVALID_HANDLE);
	/* 32 bits are kept; the INtime calls read 16 */
	SetLastRtError(0x12345678);
	CHECK_EQ(GetLastError(), 0x12345678);
	CHECK_EQ(GetLastRtError(), 0x5678);
	/* an RTX failure is seen by INtime code as well */
	CHECK(RtOpenSharedMemory(SHM_MAP_WRITE, FALSE, "no.such.segment", NULL) == NULL);
	CHECK_EQ(GetLastRtError(), GetLastError() & 0xFFFF);
	CHECK(GetLastError() != 0x12345678);
}

/* Catalog, the older name existing RT code calls. */
TEST(catalog_is_catalog_rt_handle)
{
	RTHANDLE seg, found;
	char *p = AllocateRtMemory(4096);

	CHECK(p != NULL);
	seg = CreateRtMemoryHandle(p, 4096);
	CHECK(seg != BAD_RTHANDLE);
	CHECK(Catalog(NULL_RTHANDLE, seg, "oldname"));
	found = LookupRtHandle(NULL_RTHANDLE, "oldname", NO_WAIT);
	CHECK_EQ(found, seg);
	CHECK(!Catalog(NULL_RTHANDLE, seg, "oldname"));
	CHECK_RT_ERROR(E_LIMIT);	/* one name per object */
	CHECK(UncatalogRtHandle(NULL_RTHANDLE, "oldname"));
	CHECK_EQ(FreeRtMemory(p), 4096);
}
