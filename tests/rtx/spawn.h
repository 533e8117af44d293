/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For RTX tests that run companion programs (the seed example, the
 * UNICODE/ANSI peers): find them next to the test binary, start them with
 * pipes, read their output.
 */
#ifndef RTSHM_TEST_RTX_SPAWN_H
#define RTSHM_TEST_RTX_SPAWN_H

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "../harness.h"

/* Absolute path of companion program @name, in @buf. */
static inline const char *t_companion(const char *name, char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		t_fail(__FILE__, __LINE__, "readlink /proc/self/exe: %s", strerror(errno));
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	*slash = '\0';
	if (snprintf(buf, size, "%s/%s", exe, name) >= (int)size || access(buf, X_OK))
		t_fail(__FILE__, __LINE__, "companion program %s missing", buf);
	return buf;
}

struct t_child {
	int pid;
	int in;		/* write end of the child's stdin, or -1 */
	int out;	/* read end of the child's stdout + stderr */
};

/*
 * Start companion @name with the NULL-terminated @args (at most 10), its
 * stdin and stdout + stderr piped.
 */
static inline struct t_child t_start_args(const char *name, const char *const *args)
{
	const char *argv[12] = { name };
	int to[2], from[2], i;
	struct t_child c;
	char path[PATH_MAX];

	for (i = 0; args[i] && i < 10; i++)
		argv[i + 1] = args[i];
	t_companion(name, path, sizeof(path));
	CHECK_SYS(pipe2(to, O_CLOEXEC));
	CHECK_SYS(pipe2(from, O_CLOEXEC));
	fflush(NULL);
	c.pid = (int)CHECK_SYS(fork());
	if (c.pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		dup2(from[1], 2);
		execv(path, (char **)argv);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	c.in = to[1];
	c.out = from[0];
	return c;
}

/* Start companion @name with one argument (or none if @arg is NULL). */
static inline struct t_child t_start(const char *name, const char *arg)
{
	const char *args[2] = { arg, NULL };

	return t_start_args(name, args);
}

/* Append the child's output to @buf until @want appears or output ends. */
static inline int t_read_until(struct t_child *c, char *buf, size_t size, const char *want)
{
	size_t len = strlen(buf);
	ssize_t n;

	while (!strstr(buf, want) && len < size - 1) {
		n = read(c->out, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
	}
	return strstr(buf, want) != NULL;
}

/* Close stdin, collect the rest of the output, return the exit status. */
static inline int t_finish(struct t_child *c, char *buf, size_t size)
{
	if (c->in >= 0)
		close(c->in);
	c->in = -1;
	t_read_until(c, buf, size, "\001never\001");
	close(c->out);
	return t_wait(c->pid);
}

#endif
