// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Permission bits of segments the RTX layer creates.  RTX has no
 * permissions; the nearest Linux habit is a file's: 0666 less the umask,
 * as open(O_CREAT) and shm_open() do.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rtx.h"

#define RTX_DEFAULT_UMASK	022

/*
 * umask() cannot read the mask without setting it, which races with other
 * threads; /proc/self/status shows it (Linux 4.7 and later).
 */
static mode_t rtx_umask(void)
{
	char buf[4096], *p;
	ssize_t n;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return RTX_DEFAULT_UMASK;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return RTX_DEFAULT_UMASK;
	buf[n] = '\0';
	p = strstr(buf, "\nUmask:");
	if (!p)
		return RTX_DEFAULT_UMASK;
	return (mode_t)strtoul(p + strlen("\nUmask:"), NULL, 8) & 0777;
}

mode_t rtx_create_mode(void)
{
	return 0666 & ~rtx_umask();
}
