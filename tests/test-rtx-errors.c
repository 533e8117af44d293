// SPDX-License-Identifier: GPL-2.0
/*
 * Win32 error codes for native failures: the module missing (end to end,
 * by unloading it), and the translation of errors this kernel cannot be
 * made to produce on demand (another object type, another ABI).
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rtapi.h"
#include "rtx/util.h"
#include "../lib/rtx/rtx.h"

#define MODULE_PATH "/lib/modules/rtshm.ko"

TEST(native_errors_translate)
{
	static const struct { int err; DWORD win; } map[] = {
		{ 0, ERROR_SUCCESS },
		{ -ENOENT, ERROR_FILE_NOT_FOUND },	/* /dev/rtshm is there */
		{ -ENODEV, ERROR_DEV_NOT_EXIST },
		{ -ENXIO, ERROR_DEV_NOT_EXIST },
		{ -EPROTO, ERROR_REVISION_MISMATCH },
		{ -EACCES, ERROR_ACCESS_DENIED },
		{ -EPERM, ERROR_ACCESS_DENIED },
		{ -EMEDIUMTYPE, ERROR_INVALID_HANDLE },
		{ -ENOMEM, ERROR_NOT_ENOUGH_MEMORY },
		{ -ENOSPC, ERROR_NOT_ENOUGH_MEMORY },
		{ -EDQUOT, ERROR_NOT_ENOUGH_QUOTA },
		{ -EINVAL, ERROR_INVALID_PARAMETER },
		{ -ENAMETOOLONG, ERROR_FILENAME_EXCED_RANGE },
		{ -EEXIST, ERROR_ALREADY_EXISTS },
		{ -EMFILE, ERROR_TOO_MANY_OPEN_FILES },
		{ -ENFILE, ERROR_TOO_MANY_OPEN_FILES },
		{ -EBADF, ERROR_INVALID_HANDLE },
		{ -EFAULT, ERROR_NOACCESS },
		{ -EIO, ERROR_GEN_FAILURE },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (rtx_error_from_native(map[i].err) != map[i].win)
			t_fail(__FILE__, __LINE__, "errno %d gave %u, expected %u",
			       -map[i].err, rtx_error_from_native(map[i].err), map[i].win);
}

TEST(descriptor_limit_is_too_many_open_files)
{
	struct rlimit lim = { 0, 0 };
	void *p;
	HANDLE h;

	h = RtCreateSharedMemoryA(0, 0, 4096, NULL, &p);
	CHECK(h != NULL);
	CHECK_SYS(getrlimit(RLIMIT_NOFILE, &lim));
	lim.rlim_cur = (rlim_t)t_count_fds();	/* every descriptor in use */
	CHECK_SYS(setrlimit(RLIMIT_NOFILE, &lim));
	CHECK(!RtCreateSharedMemoryA(0, 0, 4096, NULL, &p));
	CHECK_LASTERR(ERROR_TOO_MANY_OPEN_FILES);
	CHECK(RtCloseHandle(h));
}

/* The library's control file would keep the module: only handles and mappings may. */
static int rmmod(void)
{
	rtshm_control_close();
	return (int)syscall(SYS_delete_module, "rtshm", O_NONBLOCK);
}

TEST(module_not_loaded_is_dev_not_exist)
{
	void *p;
	HANDLE h;
	int fd;

	CHECK_SYS(rmmod());
	CHECK(!RtCreateSharedMemoryA(0, 0, 4096, "rtx.nomodule", &p));
	CHECK_LASTERR(ERROR_DEV_NOT_EXIST);
	CHECK(!RtCreateSharedMemoryW(0, 0, 4096, NULL, &p));
	CHECK_LASTERR(ERROR_DEV_NOT_EXIST);
	/* not ERROR_FILE_NOT_FOUND: the name is not what is missing */
	CHECK(!RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, "rtx.nomodule", &p));
	CHECK_LASTERR(ERROR_DEV_NOT_EXIST);

	fd = (int)CHECK_SYS(open(MODULE_PATH, O_RDONLY | O_CLOEXEC));
	CHECK_SYS(syscall(SYS_finit_module, fd, "", 0));
	close(fd);
	h = RtCreateSharedMemoryA(0, 0, 4096, "rtx.nomodule", &p);
	CHECK(h != NULL);
	CHECK(RtCloseHandle(h));
}
