/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtshmctl: administrator's command for rtshm.  One file per group of
 * subcommands; main.c holds the command table.
 */
#ifndef RTSHMCTL_H
#define RTSHMCTL_H

#include <stdio.h>

#include "procfile.h"

/* Exit codes, documented in rtshmctl --help and rtshmctl(1). */
enum {
	CTL_EXIT_OK		= 0,
	CTL_EXIT_FAIL		= 1,	/* anything not listed below */
	CTL_EXIT_USAGE		= 2,	/* bad command line */
	CTL_EXIT_NOT_LOADED	= 3,	/* the module is not loaded */
	CTL_EXIT_NOT_FOUND	= 4,	/* no such segment, or no module file */
	CTL_EXIT_PERM		= 5,	/* permission denied */
	CTL_EXIT_BUSY		= 6,	/* module in use, or loaded already */
	CTL_EXIT_REJECTED	= 7,	/* the kernel refused the module */
};

struct ctl_cmd {
	const char *name;
	int (*run)(const struct ctl_cmd *cmd, int argc, char **argv);
	const char *args;	/* synopsis after the name */
	const char *summary;	/* one line for rtshmctl --help */
	const char *help;	/* the rest of rtshmctl CMD --help */
};

extern const struct ctl_cmd ctl_cmd_status, ctl_cmd_load, ctl_cmd_unload,
	ctl_cmd_list, ctl_cmd_watch, ctl_cmd_info, ctl_cmd_dump, ctl_cmd_create;

#define CTL_PROC_PATH	"/proc/rtshm"
#define CTL_SYSFS_PATH	"/sys/module/rtshm"

/* Print "rtshmctl: <message>" on stderr; returns @code. */
int ctl_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A bad command line: message and a hint to --help; returns CTL_EXIT_USAGE. */
int ctl_usage(const struct ctl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "Usage: rtshmctl NAME ARGS" and the command's help text. */
void ctl_print_help(const struct ctl_cmd *cmd, FILE *f);

/* The module is loaded (its sysfs directory exists). */
int ctl_module_loaded(void);

/*
 * Read and parse /proc/rtshm, or @path if not NULL (a saved copy).  On
 * failure prints why and returns the exit code; warns about skipped lines.
 * Free @pf with procfile_free() in any case.
 */
int ctl_read_proc(const char *path, struct procfile *pf);

/* Exit code for a negative errno of the native API or the kernel. */
int ctl_exit_for(int err);

/* User and group names for a table, or the number if unknown. */
void ctl_user_name(unsigned int uid, char *buf, size_t n);
void ctl_group_name(unsigned int gid, char *buf, size_t n);

/* list's table, also used by watch. */
void ctl_print_table(FILE *f, const struct procfile *pf, int exact_bytes);

#endif
