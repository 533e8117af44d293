// SPDX-License-Identifier: GPL-2.0
/*
 * The INtime flow across processes: an RT process shares memory, a
 * Windows-side (NTX) process finds and maps it; and RTX and INtime code
 * sharing segments through the common namespace.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "rtapi.h"
#include "rtshm.h"
#include "harness.h"
#include "intime-helpers.h"

/* What the RT side publishes: data plus the RTHANDLE of a second segment. */
struct shared_block {
	uint32_t magic;
	RTHANDLE second;
	char text[32];
};

#define FLOW_MAGIC	0x1A7E5EED
#define FLOW_DELAY_MS	300
#define FLOW_TIMEOUT_MS	30000

struct flow_pipes {
	int ready[2];	/* NTX -> RT: about to wait for the name */
	int mapped[2];	/* NTX -> RT: both segments mapped and read */
	int freed[2];	/* RT -> NTX: both blocks freed */
};

static void ntx_side(struct flow_pipes *p)
{
	NTXHANDLE root, first, second;
	struct shared_block *b;
	long long t0, waited;
	char *text;

	root = ntxGetRootRtProcess(ntxGetLocationByName("NodeA"));
	CHECK(root != NTX_BAD_NTXHANDLE);

	/* started before the RT side: the lookup has to wait for the name */
	t0 = t_ms_now();
	t_post(p->ready[1]);
	first = ntxLookupNtxhandle(root, "SHMNAME", FLOW_TIMEOUT_MS);
	waited = t_ms_now() - t0;
	CHECK(first != NTX_BAD_NTXHANDLE);
	CHECK(waited >= FLOW_DELAY_MS);
	CHECK(waited < FLOW_TIMEOUT_MS / 2);	/* woken, not timed out */
	CHECK_EQ(ntxGetType(first), NTX_TYPE_RT_SHARED_MEMORY);

	b = ntxMapRtSharedMemory(first);
	CHECK(b != NULL);
	CHECK_EQ(b->magic, FLOW_MAGIC);
	CHECK(!strcmp(b->text, "first segment"));

	second = ntxImportRtHandle(b->second, first);
	CHECK(second != NTX_BAD_NTXHANDLE);
	CHECK_EQ(ntxExportRtHandle(second), b->second);
	CHECK_EQ(ntxGetRtSize(second), 8192);
	text = ntxMapRtSharedMemory(second);
	CHECK(text != NULL);
	CHECK(!strcmp(text, "second segment"));
	strcpy(text + 4096, "written by NTX");
	t_post(p->mapped[1]);

	/* the RT side freed both: our views keep the segments alive */
	t_await(p->freed[0]);
	CHECK_EQ(b->magic, FLOW_MAGIC);
	CHECK(!strcmp(text + 4096, "written by NTX"));
	CHECK_EQ(ntxUnmapRtSharedMemory(second), E_OK);
	CHECK_EQ(ntxUnmapRtSharedMemory(first), E_OK);

	/* the last views are gone, so are the segments */
	CHECK(ntxMapRtSharedMemory(first) == NULL);
	CHECK_EQ(ntxGetLastRtError(), E_EXIST);
}

TEST(rt_allocates_ntx_looks_up_imports_and_maps)
{
	struct flow_pipes p;
	struct shared_block *b;
	RTHANDLE h1, h2;
	char *p2;
	int pid;

	CHECK_SYS(pipe2(p.ready, O_CLOEXEC));
	CHECK_SYS(pipe2(p.mapped, O_CLOEXEC));
	CHECK_SYS(pipe2(p.freed, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (pid == 0) {
		/* without other writers, a dead peer reads as EOF, not a hang */
		close(p.freed[1]);
		ntx_side(&p);
		_exit(0);
	}
	close(p.ready[1]);
	close(p.mapped[1]);

	/* the RT side starts once the NTX side is waiting */
	t_await(p.ready[0]);
	t_sleep_ms(FLOW_DELAY_MS);
	b = AllocateRtMemory(sizeof(*b));
	p2 = AllocateRtMemory(8192);
	CHECK(b && p2);
	h1 = CreateRtMemoryHandle(b, sizeof(*b));
	h2 = CreateRtMemoryHandle(p2, 8192);
	CHECK(h1 != BAD_RTHANDLE && h2 != BAD_RTHANDLE && h1 != h2);
	strcpy(p2, "second segment");
	b->magic = FLOW_MAGIC;
	b->second = h2;
	strcpy(b->text, "first segment");
	/* data first, then the name: a lookup never sees it half written */
	CHECK(CatalogRtHandle(NULL_RTHANDLE, h1, "SHMNAME"));

	t_await(p.mapped[0]);
	CHECK(!strcmp(p2 + 4096, "written by NTX"));
	CHECK_EQ(t_proc_segments(), 2);
	CHECK(DeleteRtMemoryHandle(h1));
	CHECK(DeleteRtMemoryHandle(h2));
	CHECK_EQ(FreeRtMemory(b), 4096);
	CHECK_EQ(FreeRtMemory(p2), 8192);
	CHECK_EQ(t_proc_segments(), 2);		/* still mapped by NTX */
	t_post(p.freed[1]);

	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(t_proc_segments(), 0);
}

/* RTX names and INtime names are one kernel namespace: either can share with the other. */
TEST(rtx_segment_and_intime_segment_are_shared_both_ways)
{
	char rtx_name[T_INTIME_NAME_SIZE], intime_name[T_INTIME_NAME_SIZE];
	char *rtx_view, *rtx_of_intime, *again, *p, *q;
	HANDLE rtx_created, rtx_opened, rtx_again;
	NTXHANDLE root, h;
	RTHANDLE rth;
	int pid;

	t_intime_name(rtx_name, 'x');
	t_intime_name(intime_name, 'n');

	/* RTX creates a named segment; both INtime sides find and map it */
	rtx_created = RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, rtx_name,
					   (VOID **)&rtx_view);
	CHECK(rtx_created != NULL);
	strcpy(rtx_view, "from RTX");

	pid = CHECK_SYS(fork());
	if (pid == 0) {
		root = ntxGetRootRtProcess(NTX_LOCAL);
		h = ntxLookupNtxhandle(root, rtx_name, NO_WAIT);
		CHECK(h != NTX_BAD_NTXHANDLE);
		CHECK_EQ(ntxGetType(h), NTX_TYPE_RT_SHARED_MEMORY);
		p = ntxMapRtSharedMemory(h);
		CHECK(p && !strcmp(p, "from RTX"));
		strcpy(p + 100, "from NTX");
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(!strcmp(rtx_view + 100, "from NTX"));

	rth = LookupRtHandle(NULL_RTHANDLE, rtx_name, NO_WAIT);
	CHECK(rth != BAD_RTHANDLE);
	p = MapRtSharedMemory(rth);
	CHECK(p && !strcmp(p, "from RTX"));
	strcpy(p + 200, "from RT");
	CHECK(!strcmp(rtx_view + 200, "from RT"));
	CHECK_EQ(FreeRtMemory(p), 4096);

	/* INtime catalogs a segment; RTX opens it by name */
	p = AllocateRtMemory(4096);
	CHECK(p != NULL);
	strcpy(p, "from INtime");
	CHECK(CatalogRtHandle(NULL_RTHANDLE, CreateRtMemoryHandle(p, 4096), intime_name));
	rtx_opened = RtOpenSharedMemory(SHM_MAP_ALL_ACCESS, FALSE, intime_name,
					(VOID **)&rtx_of_intime);
	CHECK(rtx_opened != NULL);
	CHECK(!strcmp(rtx_of_intime, "from INtime"));
	strcpy(rtx_of_intime + 100, "back from RTX");
	CHECK(!strcmp(p + 100, "back from RTX"));

	/* one namespace: RTX creating the INtime name opens that segment */
	rtx_again = RtCreateSharedMemory(PAGE_READWRITE, 0, 8192, intime_name,
					 (VOID **)&again);
	CHECK(rtx_again != NULL);
	CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
	CHECK(!strcmp(again, "from INtime"));
	/* and INtime cannot catalog a name RTX holds */
	q = AllocateRtMemory(4096);
	CHECK(q != NULL);
	CHECK(!CatalogRtHandle(NULL_RTHANDLE, CreateRtMemoryHandle(q, 4096), rtx_name));
	CHECK_EQ(GetLastRtError(), E_CONTEXT);
	CHECK_EQ(FreeRtMemory(q), 4096);

	CHECK(RtCloseHandle(rtx_again));
	CHECK(RtCloseHandle(rtx_opened));
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK(RtCloseHandle(rtx_created));
	CHECK_EQ(t_proc_segments(), 0);
}
