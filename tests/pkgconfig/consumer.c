// SPDX-License-Identifier: GPL-2.0
/*
 * A program of an rtshm user, built only with the installed tree's
 *   cc $(pkg-config --cflags rtshm) consumer.c $(pkg-config --libs rtshm)
 * (tests/host-checks.sh builds it against a DESTDIR install, statically as
 * build/tests/bin/test-pkgconfig for the VM, and dynamically for the host).
 * It includes only installed headers: <rtshm.h> and RTX's <rtapi.h>.
 *
 *   test-pkgconfig               run in the VM: prints RTSHM-RESULT lines
 *   test-pkgconfig --link-only   no device needed: proves the program links
 *                                and starts, prints rtshm_strerror(-ENOENT)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rtshm.h>
#include <rtapi.h>

static int result(const char *test, const char *failure)
{
	if (failure)
		printf("  test-pkgconfig/%s: %s\n", test, failure);
	printf("RTSHM-RESULT %s test-pkgconfig/%s\n", failure ? "FAIL" : "PASS", test);
	return failure ? 1 : 0;
}

/* Write through a read-write handle, read through a read-only one. */
static const char *native(void)
{
	struct rtshm_result res;
	struct rtshm_seg_info info;
	char name[64], *w, *r;
	int hw, hr;

	snprintf(name, sizeof(name), "pkgconfig.native.%d", (int)getpid());
	hw = rtshm_create(name, 5000, RTSHM_RDWR | RTSHM_EXCL, 0600, &res);
	if (hw < 0)
		return rtshm_strerror(hw);
	if (!res.created || res.size != 8192)
		return "create: wrong result";
	if (rtshm_map(hw, 0, 0, PROT_READ | PROT_WRITE, (void **)&w))
		return "map read-write";
	strcpy(w + 4096, "through the installed library");
	hr = rtshm_open(name, RTSHM_RDONLY, NULL);
	if (hr < 0 || rtshm_map(hr, 4096, 4096, PROT_READ, (void **)&r))
		return "open and map read-only";
	if (strcmp(r, "through the installed library"))
		return "the read-only view does not show the write";
	if (rtshm_stat(hr, &info) || info.id != res.id || info.handles != 2 || info.writable)
		return "stat";
	rtshm_unmap(r, 4096);
	rtshm_unmap(w, 8192);
	rtshm_close(hr);
	rtshm_close(hw);
	if (rtshm_open(name, RTSHM_RDONLY, NULL) != -ENOENT)
		return "the segment outlived its handles";
	return NULL;
}

/* The vendor's API from the same headers and library. */
static const char *rtx(void)
{
	char name[64], *w, *r;
	HANDLE hw, hr;

	snprintf(name, sizeof(name), "pkgconfig.rtx.%d", (int)getpid());
	hw = RtCreateSharedMemoryA(PAGE_READWRITE, 0, 4096, name, (VOID **)&w);
	if (!hw || GetLastError() != 0)
		return "RtCreateSharedMemoryA";
	strcpy(w, "RTX view");
	hr = RtOpenSharedMemoryA(SHM_MAP_READ, FALSE, name, (VOID **)&r);
	if (!hr || strcmp(r, "RTX view"))
		return "RtOpenSharedMemoryA";
	if (!RtCloseHandle(hr) || !RtCloseHandle(hw))
		return "RtCloseHandle";
	return NULL;
}

int main(int argc, char **argv)
{
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--link-only")) {
		printf("%s\n", rtshm_strerror(-ENOENT));
		return 0;
	}
	failed += result("native", native());
	failed += result("rtx", rtx());
	return failed ? 1 : 0;
}
