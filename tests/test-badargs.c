// SPDX-License-Identifier: GPL-2.0
/*
 * Every public function against its bad inputs, as tables: each row is one
 * call and the exact error the documentation promises for it.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rtshm.h"
#include "rtapi.h"
#include "ntx.h"
#include "rt.h"
#include "harness.h"

/* Fixtures every row may use, made once per test. */
static struct {
	int h;			/* a bound read-write handle */
	int unbound;		/* an open, unbound /dev/rtshm file */
	int pipe_rd;		/* a descriptor that is not a handle */
	int closed;		/* a descriptor number that is closed */
	void *map;		/* a 2-page mapping of h */
	struct rtshm_seg_info info;
	struct rtshm_object_info obj;
	struct rtshm_module_info mod;
	char long_name[RTSHM_NAME_MAX_LEN + 2];
} fx;

static void fixtures(void)
{
	int p[2];

	fx.h = CHECK_OK(rtshm_create(NULL, 8192, RTSHM_RDWR, 0600, NULL));
	fx.unbound = CHECK_SYS(open("/dev/rtshm", O_RDWR | O_CLOEXEC));
	CHECK_SYS(pipe(p));
	fx.pipe_rd = p[0];
	fx.closed = p[1];
	close(p[1]);
	CHECK_OK(rtshm_map(fx.h, 0, 0, PROT_READ, &fx.map));
	memset(fx.long_name, 'x', RTSHM_NAME_MAX_LEN + 1);
	fx.long_name[RTSHM_NAME_MAX_LEN + 1] = '\0';
}

static const char absent[] = "name-that-does-not-exist";
static void *scratch;

/* Each row: one call, and the -errno it must return. */
#define NATIVE_ROWS(X)								\
	/* rtshm_create */							\
	X(rtshm_create("n", 0, RTSHM_RDWR, 0600, NULL), EINVAL)			\
	X(rtshm_create(NULL, 0, RTSHM_RDWR, 0600, NULL), EINVAL)		\
	X(rtshm_create("n", 4096, 0x80, 0600, NULL), EINVAL)			\
	X(rtshm_create("n", 4096, RTSHM_RDWR, 01000, NULL), EINVAL)		\
	X(rtshm_create("a\\b", 4096, RTSHM_RDWR, 0600, NULL), EINVAL)		\
	X(rtshm_create(fx.long_name, 4096, RTSHM_RDWR, 0600, NULL), ENAMETOOLONG) \
	X(rtshm_create("n", fx.mod.max_segment_size + 1, RTSHM_RDWR, 0600, NULL), ENOMEM) \
	X(rtshm_create("n", UINT64_MAX, RTSHM_RDWR, 0600, NULL), ENOMEM)	\
	/* rtshm_open */							\
	X(rtshm_open(NULL, RTSHM_RDONLY, NULL), EINVAL)				\
	X(rtshm_open("", RTSHM_RDONLY, NULL), EINVAL)				\
	X(rtshm_open("n", RTSHM_EXCL, NULL), EINVAL)				\
	X(rtshm_open("n", 0x80, NULL), EINVAL)					\
	X(rtshm_open(fx.long_name, RTSHM_RDONLY, NULL), ENAMETOOLONG)		\
	X(rtshm_open("a\\b", RTSHM_RDONLY, NULL), EINVAL)			\
	X(rtshm_open(absent, RTSHM_RDONLY, NULL), ENOENT)			\
	/* rtshm_open_id, rtshm_open_serial */					\
	X(rtshm_open_id(0, RTSHM_RDONLY, NULL), EINVAL)				\
	X(rtshm_open_id(65536, RTSHM_RDONLY, NULL), EINVAL)			\
	X(rtshm_open_id(1, RTSHM_EXCL, NULL), EINVAL)				\
	X(rtshm_open_id(65535, RTSHM_RDONLY, NULL), ENOENT)			\
	X(rtshm_open_serial(fx.info.id, 0, RTSHM_RDONLY, NULL), ENOENT)		\
	X(rtshm_open_serial(fx.info.id, fx.info.serial + 1000, RTSHM_RDONLY, NULL), ENOENT) \
	X(rtshm_open_serial(0, 1, RTSHM_RDONLY, NULL), EINVAL)			\
	/* rtshm_map */								\
	X(rtshm_map(-1, 0, 0, PROT_READ, &scratch), EBADF)			\
	X(rtshm_map(fx.pipe_rd, 0, 0, PROT_READ, &scratch), EBADF)		\
	X(rtshm_map(fx.closed, 0, 4096, PROT_READ, &scratch), EBADF)		\
	X(rtshm_map(fx.unbound, 0, 4096, PROT_READ, &scratch), ENOTCONN)	\
	X(rtshm_map(fx.h, 0, 0, PROT_READ, NULL), EINVAL)			\
	X(rtshm_map(fx.h, 0, 0, 0, &scratch), EINVAL)				\
	X(rtshm_map(fx.h, 0, 0, PROT_WRITE, &scratch), EINVAL)			\
	X(rtshm_map(fx.h, 0, 0, PROT_READ | PROT_EXEC, &scratch), EINVAL)	\
	X(rtshm_map(fx.h, 1, 0, PROT_READ, &scratch), EINVAL)			\
	X(rtshm_map(fx.h, 8192, 0, PROT_READ, &scratch), EINVAL)		\
	X(rtshm_map(fx.h, 4096, 8192, PROT_READ, &scratch), EINVAL)		\
	X(rtshm_map(fx.h, 0, UINT64_MAX, PROT_READ, &scratch), EINVAL)		\
	/* rtshm_unmap */							\
	X(rtshm_unmap(NULL, 4096), EINVAL)					\
	X(rtshm_unmap(fx.map, 0), EINVAL)					\
	X(rtshm_unmap((char *)fx.map + 1, 4096), EINVAL)			\
	X(rtshm_unmap(fx.map, UINT64_MAX), EINVAL)				\
	/* rtshm_stat */							\
	X(rtshm_stat(-1, &fx.info), EBADF)					\
	X(rtshm_stat(fx.pipe_rd, &fx.info), EBADF)				\
	X(rtshm_stat(fx.closed, &fx.info), EBADF)				\
	X(rtshm_stat(fx.unbound, &fx.info), ENOTCONN)				\
	X(rtshm_stat(fx.h, NULL), EINVAL)					\
	/* rtshm_close, rtshm_module_info */					\
	X(rtshm_close(-1), EBADF)						\
	X(rtshm_close(fx.closed), EBADF)					\
	X(rtshm_module_info(NULL), EINVAL)					\
	/* rtshm_lookup, rtshm_describe_id */					\
	X(rtshm_lookup(NULL, 0, &fx.obj), EINVAL)				\
	X(rtshm_lookup("", 0, &fx.obj), EINVAL)					\
	X(rtshm_lookup("n", 0, NULL), EINVAL)					\
	X(rtshm_lookup(fx.long_name, 0, &fx.obj), ENAMETOOLONG)			\
	X(rtshm_lookup("a\\b", 0, &fx.obj), EINVAL)				\
	X(rtshm_lookup(absent, 0, &fx.obj), ENOENT)				\
	X(rtshm_lookup(absent, 1, &fx.obj), ETIMEDOUT)				\
	X(rtshm_describe_id(0, &fx.obj), EINVAL)				\
	X(rtshm_describe_id(65536, &fx.obj), EINVAL)				\
	X(rtshm_describe_id(1, NULL), EINVAL)					\
	X(rtshm_describe_id(65535, &fx.obj), ENOENT)				\
	/* rtshm_catalog, rtshm_uncatalog */					\
	X(rtshm_catalog(-1, "n"), EBADF)					\
	X(rtshm_catalog(fx.pipe_rd, "n"), EBADF)				\
	X(rtshm_catalog(fx.unbound, "n"), ENOTCONN)				\
	X(rtshm_catalog(fx.h, NULL), EINVAL)					\
	X(rtshm_catalog(fx.h, ""), EINVAL)					\
	X(rtshm_catalog(fx.h, "a\\b"), EINVAL)				\
	X(rtshm_catalog(fx.h, fx.long_name), ENAMETOOLONG)			\
	X(rtshm_uncatalog(NULL), EINVAL)					\
	X(rtshm_uncatalog(""), EINVAL)						\
	X(rtshm_uncatalog(fx.long_name), ENAMETOOLONG)				\
	X(rtshm_uncatalog(absent), ENOENT)					\
	/* rtshm_sync_create, rtshm_sync_open */				\
	X(rtshm_sync_create("n", RTSHM_OBJ_SHM, fx.long_name, 4, 0, 0600, NULL), EINVAL) \
	X(rtshm_sync_create("n", RTSHM_OBJ_PROCESS + 1, fx.long_name, 4, 0, 0600, NULL), EINVAL) \
	X(rtshm_sync_create("n", RTSHM_OBJ_EVENT, fx.long_name, 4, RTSHM_OWNED, 0600, NULL), EINVAL) \
	X(rtshm_sync_create(NULL, RTSHM_OBJ_PROCESS, fx.long_name, 4, 0, 0600, NULL), EINVAL) \
	X(rtshm_sync_create("n", RTSHM_OBJ_EVENT, NULL, 4, 0, 0600, NULL), EINVAL) \
	X(rtshm_sync_create("n", RTSHM_OBJ_EVENT, fx.long_name, 0, 0, 0600, NULL), EINVAL) \
	X(rtshm_sync_create("n", RTSHM_OBJ_EVENT, fx.map, RTSHM_SYNC_STATE_BYTES + 1, 0, 0600, NULL), EINVAL) \
	X(rtshm_sync_create("n", RTSHM_OBJ_MUTEX, fx.long_name, 4, RTSHM_RDWR, 0600, NULL), EINVAL) \
	X(rtshm_sync_create("n", RTSHM_OBJ_MUTEX, fx.long_name, 4, 0, 01000, NULL), EINVAL) \
	X(rtshm_sync_create(fx.long_name, RTSHM_OBJ_SEMAPHORE, fx.long_name, 4, 0, 0600, NULL), ENAMETOOLONG) \
	X(rtshm_sync_create("a\\b", RTSHM_OBJ_SEMAPHORE, fx.long_name, 4, 0, 0600, NULL), EINVAL) \
	X(rtshm_sync_open(NULL, RTSHM_OBJ_EVENT, NULL), EINVAL)		\
	X(rtshm_sync_open("", RTSHM_OBJ_EVENT, NULL), EINVAL)			\
	X(rtshm_sync_open("n", RTSHM_OBJ_SHM, NULL), EINVAL)			\
	X(rtshm_sync_open(fx.long_name, RTSHM_OBJ_MUTEX, NULL), ENAMETOOLONG)	\
	X(rtshm_sync_open(absent, RTSHM_OBJ_SEMAPHORE, NULL), ENOENT)		\
	/* ABI 2.2: owned objects and directories */				\
	X(rtshm_sync_open_id(0, 0, RTSHM_OBJ_EVENT, NULL), EINVAL)		\
	X(rtshm_sync_open_id(1, 0, RTSHM_OBJ_SHM, NULL), EINVAL)		\
	X(rtshm_sync_open_id(65535, 1, RTSHM_OBJ_MAILBOX, NULL), ENOENT)	\
	X(rtshm_create(absent, 4096, RTSHM_RDWR | RTSHM_OWNED, 0600, NULL), EINVAL) \
	X(rtshm_delete(-1), EBADF)						\
	X(rtshm_delete(fx.h), EINVAL)						\
	X(rtshm_lookup_dir(0, 1, "n", 0, &fx.obj), EINVAL)			\
	X(rtshm_lookup_dir(1, 0, "n", 0, &fx.obj), EINVAL)			\
	X(rtshm_lookup_dir(1, 1, NULL, 0, &fx.obj), EINVAL)			\
	X(rtshm_lookup_dir(1, 1, "n", 0, NULL), EINVAL)			\
	X(rtshm_lookup_dir(1, 1, fx.long_name, 0, &fx.obj), ENAMETOOLONG)	\
	X(rtshm_lookup_dir(65535, 1, "n", 0, &fx.obj), ESRCH)		\
	X(rtshm_catalog_dir(-1, 1, 1, "n"), EBADF)				\
	X(rtshm_catalog_dir(fx.h, 0, 1, "n"), EINVAL)				\
	X(rtshm_catalog_dir(fx.h, 65535, 1, ""), EINVAL)			\
	X(rtshm_catalog_dir(fx.h, 65535, 1, "n"), ESRCH)			\
	X(rtshm_uncatalog_dir(1, 0, "n"), EINVAL)				\
	X(rtshm_uncatalog_dir(65535, 1, fx.long_name), ENAMETOOLONG)		\
	X(rtshm_uncatalog_dir(65535, 1, "n"), ESRCH)

#define AS_TEXT(expr, err) { #expr, err },
static const struct {
	const char *call;
	int err;
} native_rows[] = { NATIVE_ROWS(AS_TEXT) };

/* Make call number @row of NATIVE_ROWS. */
static int native_call(unsigned int row)
{
	unsigned int n = 0;

#define AS_CALL(expr, err) if (row == n++) return (expr);
	NATIVE_ROWS(AS_CALL)
#undef AS_CALL
	return 0;
}

TEST(native_api_bad_arguments)
{
	unsigned int i, bad = 0;

	fixtures();
	CHECK_OK(rtshm_stat(fx.h, &fx.info));
	CHECK_OK(rtshm_module_info(&fx.mod));
	for (i = 0; i < sizeof(native_rows) / sizeof(native_rows[0]); i++) {
		int got = native_call(i);

		if (got != -native_rows[i].err) {
			fprintf(stderr, "  %s = %d (%s), expected -%d (%s)\n",
				native_rows[i].call, got, got < 0 ? strerror(-got) : "ok",
				native_rows[i].err, strerror(native_rows[i].err));
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(rtshm_strerror(0) && rtshm_strerror(-EPROTO) && rtshm_strerror(-99999) &&
	      rtshm_strerror(12345));
	/* nothing was created along the way: only the fixture */
	CHECK_EQ(t_proc_segments(), 1);
}

static VOID *loc;
static HANDLE rtx_h;
static const WCHAR bad_wide[] = { L'a', 0xD800, 0 };
static char long_ansi[300];

/* Each row: one call that must fail, and the last error it must leave. */
#define RTX_ROWS(X)								\
	X(RtCreateSharedMemoryA(0, 0, 0, "n", &loc), ERROR_INVALID_PARAMETER)	\
	X(RtCreateSharedMemoryA(0, 0, 4096, "n", NULL), ERROR_INVALID_PARAMETER) \
	X(RtCreateSharedMemoryA(0, 0, 4096, "a\\b", &loc), ERROR_INVALID_NAME)	\
	X(RtCreateSharedMemoryA(0, 0, 4096, long_ansi, &loc), ERROR_FILENAME_EXCED_RANGE) \
	X(RtCreateSharedMemoryA(0, 1, 0, "n", &loc), ERROR_NOT_ENOUGH_MEMORY)	\
	X(RtCreateSharedMemoryW(0, 0, 4096, bad_wide, &loc), ERROR_INVALID_NAME) \
	X(RtCreateSharedMemoryW(0, 0, 0, L"n", &loc), ERROR_INVALID_PARAMETER)	\
	X(RtOpenSharedMemoryA(0, FALSE, absent, &loc), ERROR_FILE_NOT_FOUND)	\
	X(RtOpenSharedMemoryA(PAGE_READWRITE, FALSE, absent, &loc), ERROR_FILE_NOT_FOUND) \
	X(RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, NULL, &loc), ERROR_INVALID_PARAMETER) \
	X(RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, "", &loc), ERROR_INVALID_PARAMETER) \
	X(RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, "n", NULL), ERROR_INVALID_PARAMETER) \
	X(RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, absent, &loc), ERROR_FILE_NOT_FOUND) \
	X(RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, "a\\b", &loc), ERROR_INVALID_NAME) \
	X(RtOpenSharedMemoryW(SHM_MAP_READ, FALSE, bad_wide, &loc), ERROR_INVALID_NAME) \
	X(RtCloseHandle(NULL), ERROR_INVALID_HANDLE)				\
	X(RtCloseHandle(INVALID_HANDLE_VALUE), ERROR_INVALID_HANDLE)		\
	X(RtCloseHandle((HANDLE)(uintptr_t)0x40001234), ERROR_INVALID_HANDLE)	\
	X(RtCloseHandle((HANDLE)(uintptr_t)3), ERROR_INVALID_HANDLE)		\
	X(RtUnmapSharedMemory(NULL), ERROR_INVALID_ADDRESS)			\
	X(RtUnmapSharedMemory(&loc), ERROR_INVALID_ADDRESS)			\
	X(RtUnmapViewOfSharedMemory(&loc), ERROR_INVALID_ADDRESS)		\
	X(RtMapViewOfSharedMemory(NULL, SHM_MAP_READ, 0, 0, 0), ERROR_INVALID_HANDLE) \
	X(RtMapViewOfSharedMemory(rtx_h, SHM_MAP_READ, 0, 1, 0), ERROR_MAPPED_ALIGNMENT) \
	X(RtMapViewOfSharedMemory(rtx_h, SHM_MAP_READ, 0, 8192, 0), ERROR_INVALID_PARAMETER) \
	X(RtMapViewOfSharedMemory(rtx_h, SHM_MAP_READ, 0, 0, 8193), ERROR_INVALID_PARAMETER) \
	X(RtCreateEventA(NULL, FALSE, FALSE, "a\\b"), ERROR_INVALID_NAME)	\
	X(RtCreateEventA(NULL, FALSE, FALSE, long_ansi), ERROR_FILENAME_EXCED_RANGE) \
	X(RtCreateEventW(NULL, TRUE, FALSE, bad_wide), ERROR_INVALID_NAME)	\
	X(RtOpenEventA(0x00400000, FALSE, "n"), ERROR_INVALID_PARAMETER)	\
	X(RtOpenEventA(0, FALSE, absent), ERROR_FILE_NOT_FOUND)		\
	X(RtOpenEventA(EVENT_ALL_ACCESS, FALSE, NULL), ERROR_INVALID_PARAMETER) \
	X(RtOpenEventA(EVENT_ALL_ACCESS, FALSE, absent), ERROR_FILE_NOT_FOUND) \
	X(RtOpenEventW(EVENT_ALL_ACCESS, FALSE, bad_wide), ERROR_INVALID_NAME) \
	X(RtSetEvent(NULL), ERROR_INVALID_HANDLE)				\
	X(RtResetEvent(rtx_h), ERROR_INVALID_HANDLE)				\
	X(RtPulseEvent(INVALID_HANDLE_VALUE), ERROR_INVALID_HANDLE)		\
	X(RtCreateMutexA(NULL, FALSE, long_ansi), ERROR_FILENAME_EXCED_RANGE)	\
	X(RtCreateMutexW(NULL, TRUE, bad_wide), ERROR_INVALID_NAME)		\
	X(RtOpenMutexA(MUTEX_ALL_ACCESS, FALSE, absent), ERROR_FILE_NOT_FOUND)	\
	X(RtOpenMutexW(0x00000100, FALSE, L"n"), ERROR_INVALID_PARAMETER)	\
	X(RtOpenMutexA(0x40000000, FALSE, absent), ERROR_FILE_NOT_FOUND)	\
	X(RtReleaseMutex(NULL), ERROR_INVALID_HANDLE)				\
	X(RtReleaseMutex(rtx_h), ERROR_INVALID_HANDLE)				\
	X(RtCreateSemaphoreA(NULL, 0, 0, NULL), ERROR_INVALID_PARAMETER)	\
	X(RtCreateSemaphoreA(NULL, 2, 1, NULL), ERROR_INVALID_PARAMETER)	\
	X(RtCreateSemaphoreW(NULL, -1, 1, NULL), ERROR_INVALID_PARAMETER)	\
	X(RtOpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, absent), ERROR_FILE_NOT_FOUND) \
	X(RtOpenSemaphoreW(SEMAPHORE_ALL_ACCESS, FALSE, bad_wide), ERROR_INVALID_NAME) \
	X(RtReleaseSemaphore(NULL, 1, NULL), ERROR_INVALID_HANDLE)		\
	X(RtWaitForSingleObject(NULL, 0) != WAIT_FAILED, ERROR_INVALID_HANDLE)	\
	X(RtWaitForSingleObject(rtx_h, INFINITE) != WAIT_FAILED, ERROR_INVALID_HANDLE) \
	X(RtWaitForMultipleObjects(0, &rtx_h, FALSE, 0) != WAIT_FAILED, ERROR_INVALID_PARAMETER) \
	X(RtWaitForMultipleObjects(MAX_WFMO + 1, &rtx_h, FALSE, 0) != WAIT_FAILED, ERROR_INVALID_PARAMETER) \
	X(RtWaitForMultipleObjects(1, NULL, TRUE, 0) != WAIT_FAILED, ERROR_INVALID_PARAMETER) \
	X(RtWaitForMultipleObjects(1, &rtx_h, TRUE, INFINITE) != WAIT_FAILED, ERROR_INVALID_HANDLE)

static const struct {
	const char *call;
	DWORD err;
} rtx_rows[] = { RTX_ROWS(AS_TEXT) };

/* Make call number @row of RTX_ROWS; 1 if it returned its failure value. */
static int rtx_call_failed(unsigned int row)
{
	unsigned int n = 0;

#define AS_CALL(expr, err) if (row == n++) return !(expr);
	RTX_ROWS(AS_CALL)
#undef AS_CALL
	return 0;
}

TEST(rtx_api_bad_arguments)
{
	unsigned int i, bad = 0;

	memset(long_ansi, 'x', sizeof(long_ansi) - 1);
	rtx_h = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 8192, NULL, &loc);
	CHECK(rtx_h != NULL);
	for (i = 0; i < sizeof(rtx_rows) / sizeof(rtx_rows[0]); i++) {
		int failed;

		SetLastError(0xdead);
		failed = rtx_call_failed(i);
		if (!failed || GetLastError() != rtx_rows[i].err) {
			fprintf(stderr, "  %s %s, last error %u, expected failure with %u\n",
				rtx_rows[i].call, failed ? "failed" : "succeeded",
				(unsigned)GetLastError(), (unsigned)rtx_rows[i].err);
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(RtCloseHandle(rtx_h));
	CHECK_EQ(t_proc_segments(), 0);
}

static NTXHANDLE root, hseg, hother;
static PVOID blk, blk2;
static RTHANDLE rth, rth2;
static DWORD not_a_block;

/* Each row: one call that must fail (the expression says so), and its status. */
#define INTIME_ROWS(X)								\
	X(ntxGetLocationByName(NULL) == NTX_UNDEFINED_LOCATION, E_BAD_ADDR)	\
	X(ntxGetLocationByName("NoSuchNode") == NTX_UNDEFINED_LOCATION, E_EXIST) \
	X(ntxGetRootRtProcess(NTX_UNDEFINED_LOCATION) == NTX_BAD_NTXHANDLE, E_LOCATION) \
	X(ntxGetRootRtProcess((NTXLOCATION)(intptr_t)12345) == NTX_BAD_NTXHANDLE, E_PARAM) \
	X(ntxLookupNtxhandle(root, NULL, NO_WAIT) == NTX_BAD_NTXHANDLE, E_BAD_ADDR) \
	X(ntxLookupNtxhandle(root, "", NO_WAIT) == NTX_BAD_NTXHANDLE, E_PARAM)	\
	X(ntxLookupNtxhandle(root, "thirteen.char", NO_WAIT) == NTX_BAD_NTXHANDLE, E_PARAM) \
	X(ntxLookupNtxhandle(root, "ba.absent", NO_WAIT) == NTX_BAD_NTXHANDLE, E_TIME) \
	X(ntxLookupNtxhandle(root, "ba.absent", 50) == NTX_BAD_NTXHANDLE, E_TIME) \
	X(ntxLookupNtxhandle((NTXHANDLE)(uintptr_t)0x77770001, "x", NO_WAIT) == NTX_BAD_NTXHANDLE, E_EXIST) \
	X(ntxLookupNtxhandle(hseg, "x", NO_WAIT) == NTX_BAD_NTXHANDLE, E_TYPE)	\
	X(ntxImportRtHandle(65000, root) == NTX_BAD_NTXHANDLE, E_EXIST)	\
	X(ntxMapRtSharedMemory(NTX_BAD_NTXHANDLE) == NULL, E_EXIST)		\
	X(ntxMapRtSharedMemory((NTXHANDLE)(uintptr_t)0x77770001) == NULL, E_EXIST) \
	X(ntxMapRtSharedMemory(root) == NULL, E_TYPE)				\
	X(ntxUnmapRtSharedMemory(hseg) == E_STATE, E_STATE)			\
	X(ntxGetType(NTX_BAD_NTXHANDLE) == NTX_ERROR, E_EXIST)			\
	X(ntxGetRtSize(NTX_BAD_NTXHANDLE) == NTX_BAD_SIZE, E_EXIST)		\
	X(ntxCatalogNtxHandle(root, hseg, "") == E_PARAM, E_PARAM)		\
	X(ntxCatalogNtxHandle(root, hother, "ba.seg") == E_CONTEXT, E_CONTEXT)	\
	X(AllocateRtMemory(0) == NULL, E_PARAM)					\
	X(AllocateRtMemory(0xFFFFFFFF) == NULL, E_PARAM)			\
	X(FreeRtMemory(NULL) == (DWORD)-1, E_BAD_ADDR)				\
	X(FreeRtMemory(&not_a_block) == (DWORD)-1, E_NOT_ALLOCATED)		\
	X(CreateRtMemoryHandle((char *)blk + 4096, 4096) == BAD_RTHANDLE, E_PARAM) \
	X(CreateRtMemoryHandle(blk, 4096) == BAD_RTHANDLE, E_PARAM)		\
	X(CreateRtMemoryHandle(NULL, 4096) == BAD_RTHANDLE, E_PARAM)		\
	X(DeleteRtMemoryHandle(65000) == FALSE, E_EXIST)			\
	X(MapRtSharedMemory(65000) == NULL, E_EXIST)				\
	X(CatalogRtHandle(NULL_RTHANDLE, rth, "") == FALSE, E_PARAM)		\
	X(CatalogRtHandle(NULL_RTHANDLE, rth, NULL) == FALSE, E_BAD_ADDR)	\
	X(CatalogRtHandle(NULL_RTHANDLE, rth, "thirteen.char") == FALSE, E_PARAM) \
	X(CatalogRtHandle(NULL_RTHANDLE, rth2, "ba.seg") == FALSE, E_CONTEXT)	\
	X(CatalogRtHandle(NULL_RTHANDLE, rth, "ba.alias") == FALSE, E_LIMIT)	\
	X(CatalogRtHandle(rth, rth2, "ba.x") == FALSE, E_TYPE)			\
	X(UncatalogRtHandle(NULL_RTHANDLE, "ba.absent") == FALSE, E_CONTEXT)	\
	X(LookupRtHandle(NULL_RTHANDLE, "ba.absent", NO_WAIT) == BAD_RTHANDLE, E_TIME) \
	X(LookupRtHandle(rth, "ba.seg", NO_WAIT) == BAD_RTHANDLE, E_TYPE)

static const struct {
	const char *call;
	WORD status;
} intime_rows[] = { INTIME_ROWS(AS_TEXT) };

/* Make call number @row of INTIME_ROWS; 1 if it failed as the row expects. */
static int intime_call_failed(unsigned int row)
{
	unsigned int n = 0;

#define AS_CALL(expr, status) if (row == n++) return (expr);
	INTIME_ROWS(AS_CALL)
#undef AS_CALL
	return 0;
}

TEST(intime_api_bad_arguments)
{
	unsigned int i, bad = 0;

	root = ntxGetRootRtProcess(NTX_LOCAL);
	CHECK(root != NTX_BAD_NTXHANDLE);
	blk = AllocateRtMemory(8192);
	blk2 = AllocateRtMemory(4096);
	CHECK(blk && blk2);
	rth = CreateRtMemoryHandle(blk, 8192);
	rth2 = CreateRtMemoryHandle(blk2, 4096);
	CHECK(rth != BAD_RTHANDLE && rth2 != BAD_RTHANDLE);
	CHECK(CatalogRtHandle(NULL_RTHANDLE, rth, "ba.seg"));
	hseg = ntxLookupNtxhandle(root, "ba.seg", NO_WAIT);
	hother = ntxImportRtHandle(rth2, hseg);
	CHECK(hseg != NTX_BAD_NTXHANDLE && hother != NTX_BAD_NTXHANDLE);

	for (i = 0; i < sizeof(intime_rows) / sizeof(intime_rows[0]); i++) {
		int failed;

		SetLastRtError(0x7777);
		failed = intime_call_failed(i);
		if (!failed || GetLastRtError() != intime_rows[i].status) {
			fprintf(stderr, "  %s %s, status 0x%04x, expected 0x%04x\n",
				intime_rows[i].call, failed ? "held" : "did not hold",
				(unsigned)GetLastRtError(), (unsigned)intime_rows[i].status);
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(FreeRtMemory(blk) == 8192);
	CHECK(FreeRtMemory(blk2) == 4096);
	CHECK_EQ(t_proc_segments(), 0);
}
