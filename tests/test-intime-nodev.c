// SPDX-License-Identifier: GPL-2.0
/*
 * Without rtshm.ko every INtime call that needs the kernel fails with
 * E_NTX_INTERNAL_ERROR ("could not contact the RT kernel"), not with a
 * status that blames the caller.  The test unloads the module, so it
 * lives alone in this program: the runner reloads the module after it.
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "rtshm.h"
#include "harness.h"

#define MODULE_PATH "/lib/modules/rtshm.ko"

/* Statuses seen while the module was out, checked after it is back. */
struct unloaded_results {
	NTXHANDLE root;
	NTXSTATUS root_status;
	NTXSTATUS lookup_status;
	NTXSTATUS wait_status;
	NTXSTATUS map_status;
	NTXSTATUS type_status;
	NTXSTATUS import_status;
	NTXSTATUS node_status;
	DWORD alloc_status;
	DWORD rt_lookup_status;
	DWORD rt_map_status;
	DWORD catalog_status;
	void *map;
	void *alloc;
};

static void probe_without_module(NTXHANDLE root, NTXHANDLE seg, struct unloaded_results *u)
{
	u->root = ntxGetRootRtProcess(NTX_LOCAL);
	u->root_status = ntxGetLastRtError();
	ntxLookupNtxhandle(root, "absent", NO_WAIT);
	u->lookup_status = ntxGetLastRtError();
	ntxLookupNtxhandle(root, "absent", 100);
	u->wait_status = ntxGetLastRtError();
	u->map = ntxMapRtSharedMemory(seg);
	u->map_status = ntxGetLastRtError();
	ntxGetType(seg);
	u->type_status = ntxGetLastRtError();
	ntxImportRtHandle(1, root);
	u->import_status = ntxGetLastRtError();
	u->node_status = ntxGetRtStatus(NTX_LOCAL);
	u->alloc = AllocateRtMemory(4096);
	u->alloc_status = GetLastRtError();
	LookupRtHandle(NULL_RTHANDLE, "absent", NO_WAIT);
	u->rt_lookup_status = GetLastRtError();
	MapRtSharedMemory(1);
	u->rt_map_status = GetLastRtError();
	CatalogRtHandle(NULL_RTHANDLE, 1, "absent");
	u->catalog_status = GetLastRtError();
}

TEST(no_module_is_e_ntx_internal_error)
{
	struct unloaded_results u;
	NTXHANDLE root, seg;
	int fd, unloaded, err;
	char *p;

	/* handles made while the module is there; they hold nothing in it */
	root = ntxGetRootRtProcess(NTX_LOCAL);
	CHECK(root != NTX_BAD_NTXHANDLE);
	p = AllocateRtMemory(4096);
	CHECK(p != NULL);
	seg = ntxImportRtHandle(CreateRtMemoryHandle(p, 4096), root);
	CHECK(seg != NTX_BAD_NTXHANDLE);
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 0);

	rtshm_control_close();	/* it would keep the module */
	unloaded = syscall(SYS_delete_module, "rtshm", O_NONBLOCK) == 0;
	err = errno;
	if (unloaded) {
		probe_without_module(root, seg, &u);
		fd = CHECK_SYS(open(MODULE_PATH, O_RDONLY | O_CLOEXEC));
		CHECK_SYS(syscall(SYS_finit_module, fd, "", 0));
		close(fd);
	}
	if (!unloaded)
		t_fail(__FILE__, __LINE__, "rmmod rtshm: %s", strerror(err));

	CHECK(u.root == NTX_BAD_NTXHANDLE);
	CHECK_EQ(u.root_status, E_NTX_INTERNAL_ERROR);
	CHECK_EQ(u.lookup_status, E_NTX_INTERNAL_ERROR);
	CHECK_EQ(u.wait_status, E_NTX_INTERNAL_ERROR);
	CHECK(u.map == NULL);
	CHECK_EQ(u.map_status, E_NTX_INTERNAL_ERROR);
	CHECK_EQ(u.type_status, E_NTX_INTERNAL_ERROR);
	CHECK_EQ(u.import_status, E_NTX_INTERNAL_ERROR);
	/* what a port checks first: the node is not initialised */
	CHECK_EQ(u.node_status, E_EXIST);
	CHECK(u.alloc == NULL);
	CHECK_EQ(u.alloc_status, E_NTX_INTERNAL_ERROR);
	CHECK_EQ(u.rt_lookup_status, E_NTX_INTERNAL_ERROR);
	CHECK_EQ(u.rt_map_status, E_NTX_INTERNAL_ERROR);
	CHECK_EQ(u.catalog_status, E_NTX_INTERNAL_ERROR);

	/* back: the calls work again */
	CHECK_EQ(ntxGetRtStatus(NTX_LOCAL), E_OK);
	CHECK(ntxGetRootRtProcess(NTX_LOCAL) == root);
	p = AllocateRtMemory(4096);
	CHECK(p != NULL);
	CHECK_EQ(FreeRtMemory(p), 4096);
}
