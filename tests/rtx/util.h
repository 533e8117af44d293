/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the RTX API tests: what the process really has mapped and
 * open (from /proc/self), whether a write faults, and the native view of a
 * named segment.
 */
#ifndef RTSHM_TEST_RTX_UTIL_H
#define RTSHM_TEST_RTX_UTIL_H

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include "rtapi.h"
#include "rtshm.h"
#include "../harness.h"

/* The /proc/self/maps line of the mapping that starts at @addr, or "". */
static inline const char *t_map_line(const void *addr, char *line, size_t size)
{
	unsigned long start;
	FILE *f = fopen("/proc/self/maps", "re");

	line[0] = '\0';
	if (!f)
		return line;
	while (fgets(line, (int)size, f))
		if (sscanf(line, "%lx-", &start) == 1 && start == (unsigned long)addr) {
			fclose(f);
			return line;
		}
	fclose(f);
	line[0] = '\0';
	return line;
}

/* Length of the mapping starting at @addr; 0 if none starts there. */
static inline size_t t_map_len(const void *addr)
{
	unsigned long start, end;
	char line[512];

	if (sscanf(t_map_line(addr, line, sizeof(line)), "%lx-%lx", &start, &end) != 2)
		return 0;
	return end - start;
}

/* "rw-s", "r--s"... of the mapping starting at @addr; "" if none. */
static inline const char *t_map_perms(const void *addr)
{
	static char perms[8];
	unsigned long start, end;
	char line[512];

	perms[0] = '\0';
	if (sscanf(t_map_line(addr, line, sizeof(line)), "%lx-%lx %4s", &start, &end, perms) != 3)
		perms[0] = '\0';
	return perms;
}

/* Whether writing one byte at @p kills a process with SIGSEGV. */
static inline int t_write_faults(volatile char *p)
{
	int pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		*p = 1;
		_exit(0);
	}
	return t_wait(pid) == 128 + SIGSEGV;
}

/* Open descriptors of this process. */
static inline long t_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

/*
 * t_count_fds() once the library holds its control file of /dev/rtshm,
 * which its first command opens and then keeps: the baseline of a test
 * that checks that nothing leaks.
 */
static inline long t_count_fds_settled(void)
{
	struct rtshm_object_info info;

	rtshm_describe_id(RTSHM_ID_LAST, &info);	/* ENOENT or not */
	return t_count_fds();
}

/* Mappings of rtshm segments (the module names them "[rtshm]"); others come and go with threads and malloc. */
static inline long t_count_rtshm_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "[rtshm]") != NULL;
	fclose(f);
	return n;
}

/* Native description of segment @name (its handles count includes ours). */
static inline struct rtshm_seg_info t_seg_info(const char *name)
{
	struct rtshm_seg_info info;
	int h = (int)CHECK_OK(rtshm_open(name, RTSHM_RDONLY, NULL));

	CHECK_OK(rtshm_stat(h, &info));
	rtshm_close(h);
	return info;
}

/* GetLastError() must be @err. */
#define CHECK_LASTERR(err)	CHECK_EQ(GetLastError(), err)

#endif
