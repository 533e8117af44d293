// SPDX-License-Identifier: GPL-2.0
/* rtshmctl list and watch: the segments of /proc/rtshm as a table or JSON. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "rtshmctl.h"

enum { COL_ID, COL_SIZE, COL_HANDLES, COL_MAPS, COL_OWNER, COL_GROUP, COL_MODE,
       COL_CPID, COL_PHYS, COL_NAME, NCOLS };

static const char *const col_title[NCOLS] = {
	"ID", "SIZE", "HANDLES", "MAPS", "OWNER", "GROUP", "MODE", "CPID", "PHYS", "NAME",
};
/* Numbers are right-aligned, text left-aligned; NAME is last, unpadded. */
static const int col_right[NCOLS] = { 1, 1, 1, 1, 0, 0, 0, 1, 0, 0 };

/* The cells of one row; cell[COL_NAME] is the longest. */
struct row {
	char cell[NCOLS][FMT_NAME_BUF];
};

static void fill_row(struct row *r, const struct procfile_seg *s, int exact_bytes)
{
	snprintf(r->cell[COL_ID], FMT_NAME_BUF, "%u", s->id);
	if (exact_bytes)
		snprintf(r->cell[COL_SIZE], FMT_NAME_BUF, "%llu", (unsigned long long)s->size);
	else
		fmt_size(s->size, r->cell[COL_SIZE], FMT_NAME_BUF);
	snprintf(r->cell[COL_HANDLES], FMT_NAME_BUF, "%u", s->handles);
	snprintf(r->cell[COL_MAPS], FMT_NAME_BUF, "%u", s->mappings);
	ctl_user_name(s->uid, r->cell[COL_OWNER], FMT_NAME_BUF);
	ctl_group_name(s->gid, r->cell[COL_GROUP], FMT_NAME_BUF);
	snprintf(r->cell[COL_MODE], FMT_NAME_BUF, "%04o", s->mode);
	if (s->cpid)
		snprintf(r->cell[COL_CPID], FMT_NAME_BUF, "%u", s->cpid);
	else
		snprintf(r->cell[COL_CPID], FMT_NAME_BUF, "-");
	if (s->phys)
		snprintf(r->cell[COL_PHYS], FMT_NAME_BUF, "0x%llx", (unsigned long long)s->phys);
	else
		snprintf(r->cell[COL_PHYS], FMT_NAME_BUF, "-");
	if (s->named)
		fmt_name(s->name, s->name_len, r->cell[COL_NAME], FMT_NAME_BUF);
	else
		snprintf(r->cell[COL_NAME], FMT_NAME_BUF, "-");
}

static void print_cells(FILE *f, char cells[NCOLS][FMT_NAME_BUF], const int *width)
{
	int c;

	for (c = 0; c < NCOLS; c++) {
		if (c == COL_NAME)
			fprintf(f, "%s\n", cells[c]);
		else
			fprintf(f, col_right[c] ? "%*s  " : "%-*s  ", width[c], cells[c]);
	}
}

void ctl_print_table(FILE *f, const struct procfile *pf, int exact_bytes)
{
	struct row row;
	int width[NCOLS], c;
	char used[FMT_SIZE_BUF], limit[FMT_SIZE_BUF];
	size_t i;

	/* two passes, widths then rows: no memory per segment */
	for (c = 0; c < NCOLS; c++) {
		snprintf(row.cell[c], FMT_NAME_BUF, "%s", col_title[c]);
		width[c] = (int)strlen(col_title[c]);
	}
	for (i = 0; i < pf->nsegs; i++) {
		fill_row(&row, &pf->segs[i], exact_bytes);
		for (c = 0; c < NCOLS; c++)
			if ((int)strlen(row.cell[c]) > width[c])
				width[c] = (int)strlen(row.cell[c]);
	}
	for (c = 0; c < NCOLS; c++)
		snprintf(row.cell[c], FMT_NAME_BUF, "%s", col_title[c]);
	print_cells(f, row.cell, width);
	for (i = 0; i < pf->nsegs; i++) {
		fill_row(&row, &pf->segs[i], exact_bytes);
		print_cells(f, row.cell, width);
	}
	if (!pf->has_summary) {
		fprintf(f, "%zu segment%s (no summary line in %s)\n", pf->nsegs,
			pf->nsegs == 1 ? "" : "s", CTL_PROC_PATH);
		return;
	}
	if (exact_bytes) {
		snprintf(used, sizeof(used), "%llu bytes", (unsigned long long)pf->bytes);
		snprintf(limit, sizeof(limit), "%llu", (unsigned long long)pf->max_bytes);
	} else {
		fmt_size(pf->bytes, used, sizeof(used));
		fmt_size(pf->max_bytes, limit, sizeof(limit));
	}
	fprintf(f, "%llu of %llu segments, %s of %s in this IPC namespace\n",
		(unsigned long long)pf->nr_segments, (unsigned long long)pf->max_segments,
		used, limit);
}

static void print_json(FILE *f, const struct procfile *pf)
{
	char buf[FMT_NAME_BUF];
	size_t i;

	fputs("{\n  \"segments\": [", f);
	for (i = 0; i < pf->nsegs; i++) {
		const struct procfile_seg *s = &pf->segs[i];

		fprintf(f, "%s\n    {\"id\": %u, \"name\": ", i ? "," : "", s->id);
		if (s->named) {
			fmt_name(s->name, s->name_len, buf, sizeof(buf));
			fmt_json_string(f, buf);
		} else {
			fputs("null", f);
		}
		fprintf(f, ", \"size\": %llu, \"handles\": %u, \"mappings\": %u, \"uid\": %u, ",
			(unsigned long long)s->size, s->handles, s->mappings, s->uid);
		ctl_user_name(s->uid, buf, sizeof(buf));
		fputs("\"user\": ", f);
		fmt_json_string(f, buf);
		fprintf(f, ", \"gid\": %u, \"group\": ", s->gid);
		ctl_group_name(s->gid, buf, sizeof(buf));
		fmt_json_string(f, buf);
		fprintf(f, ", \"mode\": \"%04o\", \"cpid\": %u, \"phys\": ", s->mode, s->cpid);
		if (s->phys)
			fprintf(f, "%llu}", (unsigned long long)s->phys);
		else
			fputs("null}", f);
	}
	fprintf(f, "%s],\n", pf->nsegs ? "\n  " : "");
	if (pf->has_summary)
		fprintf(f, "  \"total\": {\"segments\": %llu, \"max_segments\": %llu, "
			"\"bytes\": %llu, \"max_bytes\": %llu},\n",
			(unsigned long long)pf->nr_segments,
			(unsigned long long)pf->max_segments,
			(unsigned long long)pf->bytes, (unsigned long long)pf->max_bytes);
	else
		fputs("  \"total\": null,\n", f);
	fprintf(f, "  \"skipped_lines\": %zu\n}\n", pf->bad_lines);
}

static int cmd_list(const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct procfile pf;
	const char *file = NULL;
	int json = 0, bytes = 0, c, rc;

	while ((c = getopt_long(argc, argv, "jbf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'b': bytes = 1; break;
		case 'f': file = optarg; break;
		case 'h': ctl_print_help(cmd, stdout); return CTL_EXIT_OK;
		default: return ctl_usage(cmd, "unknown option");
		}
	}
	if (optind != argc)
		return ctl_usage(cmd, "unexpected argument '%s'", argv[optind]);
	rc = ctl_read_proc(file, &pf);
	if (rc == CTL_EXIT_OK) {
		if (json)
			print_json(stdout, &pf);
		else
			ctl_print_table(stdout, &pf, bytes);
	}
	procfile_free(&pf);
	if (rc == CTL_EXIT_OK && (fflush(stdout) || ferror(stdout)))
		return ctl_error(CTL_EXIT_FAIL, "writing the output: %s", strerror(errno));
	return rc;
}

const struct ctl_cmd ctl_cmd_list = {
	.name = "list",
	.run = cmd_list,
	.args = "[--json] [--bytes] [--file FILE]",
	.summary = "Show the segments of this IPC namespace (from /proc/rtshm)",
	.help =
	"A table with one line per segment: id, size, open handles, live mappings,\n"
	"the creator's user and group, the mode, the creating process (- if gone),\n"
	"the physical address (- unless you are root) and the name (- if unnamed).\n"
	"Names are shown with odd bytes escaped (\\t, \\n, \\ooo; a space is \\040) so\n"
	"each is one word that rtshmctl accepts back as a NAME argument.\n"
	"\n"
	"  -j, --json       print JSON for scripts: {\"segments\": [{\"id\", \"name\" (as\n"
	"                   in the table, or null), \"size\", \"handles\", \"mappings\",\n"
	"                   \"uid\", \"user\", \"gid\", \"group\", \"mode\" (octal string),\n"
	"                   \"cpid\", \"phys\" (null if hidden)}...], \"total\": {\"segments\",\n"
	"                   \"max_segments\", \"bytes\", \"max_bytes\"}, \"skipped_lines\"}\n"
	"  -b, --bytes      sizes in bytes instead of KiB/MiB\n"
	"  -f, --file FILE  read a saved copy of /proc/rtshm (from another machine,\n"
	"                   a bug report) instead of the live one\n"
	"  -h, --help       show this help\n"
	"\n"
	"Any user can list; lines of /proc/rtshm that cannot be read are skipped with\n"
	"a warning.\n",
};

/* --- watch ------------------------------------------------------------- */

static volatile sig_atomic_t watch_stop;

static void on_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* Seconds with an optional fraction, at least 0.1, at most a day. */
static int parse_interval(const char *arg, struct timespec *ts)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0.1 && v <= 86400))
		return -1;
	ts->tv_sec = (time_t)v;
	ts->tv_nsec = (long)((v - (double)ts->tv_sec) * 1e9);
	return 0;
}

static int cmd_watch(const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct timespec interval = { 1, 0 };
	struct sigaction sa;
	long count = -1, frame;
	int bytes = 0, tty, c;
	char *end;

	while ((c = getopt_long(argc, argv, "n:c:bh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_interval(optarg, &interval))
				return ctl_usage(cmd, "bad interval '%s' (seconds, 0.1 to 86400)", optarg);
			break;
		case 'c':
			errno = 0;
			count = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || count < 1)
				return ctl_usage(cmd, "bad count '%s'", optarg);
			break;
		case 'b': bytes = 1; break;
		case 'h': ctl_print_help(cmd, stdout); return CTL_EXIT_OK;
		default: return ctl_usage(cmd, "unknown option");
		}
	}
	if (optind != argc)
		return ctl_usage(cmd, "unexpected argument '%s'", argv[optind]);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: nanosleep returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	tty = isatty(STDOUT_FILENO);
	for (frame = 0; !watch_stop && (count < 0 || frame < count); frame++) {
		struct timespec left = interval;
		struct procfile pf;
		char stamp[64];
		time_t now = time(NULL);

		if (frame && !tty)
			putchar('\n');
		if (tty)
			fputs("\033[H\033[2J", stdout);	/* home, clear screen */
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&now));
		printf("rtshm segments, every %.1fs: %s\n\n",
		       (double)interval.tv_sec + (double)interval.tv_nsec / 1e9, stamp);
		if (ctl_read_proc(NULL, &pf) == CTL_EXIT_OK)
			ctl_print_table(stdout, &pf, bytes);
		procfile_free(&pf);
		if (fflush(stdout) || ferror(stdout))
			return ctl_error(CTL_EXIT_FAIL, "writing the output: %s", strerror(errno));
		if (count >= 0 && frame + 1 == count)
			break;
		while (!watch_stop && nanosleep(&left, &left) && errno == EINTR)
			;
	}
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_watch = {
	.name = "watch",
	.run = cmd_watch,
	.args = "[--interval SECONDS] [--count N] [--bytes]",
	.summary = "Show the segment table again and again until interrupted",
	.help =
	"Redraws the table of 'rtshmctl list' every interval; on a terminal the screen\n"
	"is cleared first, otherwise the tables follow each other with a blank line.\n"
	"If the module is unloaded meanwhile, that is shown and watching goes on.\n"
	"\n"
	"  -n, --interval SECONDS  time between tables (default 1, at least 0.1)\n"
	"  -c, --count N           stop after N tables\n"
	"  -b, --bytes             sizes in bytes\n"
	"  -h, --help              show this help\n"
	"\n"
	"SIGINT (Ctrl-C) or SIGTERM ends it with exit status 0.\n",
};
