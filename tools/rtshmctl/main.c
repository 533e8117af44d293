// SPDX-License-Identifier: GPL-2.0
/*
 * rtshmctl: administer rtshm, the module and its shared-memory segments.
 *
 *   rtshmctl COMMAND [OPTIONS] [ARGS]    see rtshmctl --help, rtshmctl(1)
 *
 * A command table in the style of kmod's tools/kmod.c: each command parses
 * its own options and prints its own --help.
 */
#include <stdio.h>
#include <string.h>

#include "rtshmctl.h"

#ifndef RTSHM_VERSION
#define RTSHM_VERSION "unknown"
#endif

static const struct ctl_cmd *const commands[] = {
	&ctl_cmd_status, &ctl_cmd_load, &ctl_cmd_unload,
	&ctl_cmd_list, &ctl_cmd_info, &ctl_cmd_dump, &ctl_cmd_create, &ctl_cmd_watch,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char exit_codes[] =
	"Exit status:\n"
	"  0  success\n"
	"  1  failure not listed below (see the message)\n"
	"  2  usage error\n"
	"  3  the rtshm module is not loaded\n"
	"  4  no such segment, or no rtshm.ko to load\n"
	"  5  permission denied\n"
	"  6  the module is in use (unload), or loaded already (load with parameters)\n"
	"  7  the kernel refused the module: signature, other kernel, parameter value\n";

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: rtshmctl COMMAND [OPTIONS] [ARGS]\n"
		"       rtshmctl help [COMMAND]\n\n"
		"Administer rtshm, named physically contiguous shared memory for real-time\n"
		"processes: load and unload the module, list, inspect and hold segments.\n\n"
		"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "  %-8s %s\n\n", "help", "Show this help, or a command's");
	fprintf(f, "Options:\n"
		"  -h, --help     show this help\n"
		"  -V, --version  show the version\n\n"
		"%s\n"
		"'rtshmctl COMMAND --help' describes a command; see also rtshmctl(1).\n",
		exit_codes);
}

static const struct ctl_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct ctl_cmd *cmd;

	if (argc < 2) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return CTL_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("rtshmctl %s\n", RTSHM_VERSION);
		return CTL_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc == 2) {
			usage(stdout);
			return CTL_EXIT_OK;
		}
		cmd = find_command(argv[2]);
		if (!cmd || argc > 3) {
			fprintf(stderr, "rtshmctl help: unknown command '%s'\n", argv[2]);
			return CTL_EXIT_USAGE;
		}
		ctl_print_help(cmd, stdout);
		printf("\n%s", exit_codes);
		return CTL_EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "rtshmctl: unknown command '%s'\nTry 'rtshmctl --help'.\n",
			argv[1]);
		return CTL_EXIT_USAGE;
	}
	/* the command sees itself as argv[0], like kmod's commands */
	return cmd->run(cmd, argc - 1, argv + 1);
}
