// SPDX-License-Identifier: GPL-2.0
/*
 * rtshm-demo: the two halves of the classic shared-memory example.
 *
 *   rtshm-demo write NAME TEXT   create NAME, write TEXT, hold it until a signal
 *   rtshm-demo read NAME         open NAME read-only and print what it holds
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rtshm.h"

#define DEMO_SIZE 4096

static int fail(const char *what, int err)
{
	fprintf(stderr, "rtshm-demo: %s: %s\n", what, rtshm_strerror(err));
	return 1;
}

static int demo_write(const char *name, const char *text)
{
	struct rtshm_result res;
	sigset_t set;
	char *p;
	int h, ret, sig;

	/* block the signals we wait for before anything can send them */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	h = rtshm_create(name, DEMO_SIZE, RTSHM_RDWR, 0644, &res);
	if (h < 0)
		return fail("create", h);
	ret = rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p);
	if (ret)
		return fail("map", ret);
	snprintf(p, DEMO_SIZE, "%s", text);
	printf("writer: %s segment '%s' id %u, %llu bytes; wrote \"%s\"\n",
	       res.created ? "created" : "opened existing", name, res.id,
	       (unsigned long long)res.size, p);
	fflush(stdout);
	sigwait(&set, &sig);
	rtshm_unmap(p, res.size);
	rtshm_close(h);
	printf("writer: closed '%s'\n", name);
	return 0;
}

static int demo_read(const char *name)
{
	struct rtshm_result res;
	void *w;
	char *p;
	int h, ret;

	h = rtshm_open(name, RTSHM_RDONLY, &res);
	if (h < 0)
		return fail("open", h);
	ret = rtshm_map(h, 0, 0, PROT_READ, (void **)&p);
	if (ret)
		return fail("map", ret);
	printf("reader: opened '%s' id %u read-only; it holds \"%.*s\"\n",
	       name, res.id, DEMO_SIZE, p);
	ret = rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, &w);
	printf("reader: a writable view is refused: %s\n", rtshm_strerror(ret));
	rtshm_unmap(p, res.size);
	rtshm_close(h);
	return ret == -EACCES ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "write"))
		return demo_write(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "read"))
		return demo_read(argv[2]);
	fprintf(stderr, "usage: rtshm-demo write NAME TEXT | rtshm-demo read NAME\n");
	return 2;
}
