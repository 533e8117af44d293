// SPDX-License-Identifier: GPL-2.0
/* rtshmctl info, dump and create: one segment, through the native API. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rtshm.h"
#include "format.h"
#include "rtshmctl.h"

#define NAME_ARG_HELP \
	"NAME|ID: a number is an id; id:N is the id N; name:TEXT is the name TEXT,\n" \
	"even if it is a number or '-'.  Escapes as shown by 'rtshmctl list' (\\040,\n" \
	"\\t, \\xHH) are decoded: names cannot contain a backslash.\n"

/* The argument as the user wrote it, for messages. */
static const char *shown(const struct fmt_target *t, char *buf, size_t n)
{
	if (t->by_id)
		snprintf(buf, n, "id %u", t->id);
	else
		fmt_name(t->name, t->name_len, buf, n);
	return buf;
}

/* The /proc/rtshm record of @t, or NULL. */
static const struct procfile_seg *find(const struct procfile *pf, const struct fmt_target *t)
{
	size_t i;

	for (i = 0; i < pf->nsegs; i++) {
		const struct procfile_seg *s = &pf->segs[i];

		if (t->by_id ? s->id == t->id :
		    s->named && s->name_len == t->name_len &&
		    !memcmp(s->name, t->name, t->name_len))
			return s;
	}
	return NULL;
}

/* Parse a NAME|ID that must designate an existing segment. */
static int target_arg(const struct ctl_cmd *cmd, const char *arg, struct fmt_target *t)
{
	const char *why = fmt_parse_target(arg, t);

	if (why)
		return ctl_usage(cmd, "'%s': %s", arg, why);
	if (t->unnamed)
		return ctl_usage(cmd, "'-' is not a name: address an unnamed segment by its id");
	return CTL_EXIT_OK;
}

/* --- info -------------------------------------------------------------- */

static void info_json(const struct procfile_seg *s, const struct rtshm_object_info *oi)
{
	char buf[FMT_NAME_BUF];

	printf("{\"id\": %u, \"name\": ", s->id);
	if (s->named) {
		fmt_name(s->name, s->name_len, buf, sizeof(buf));
		fmt_json_string(stdout, buf);
	} else {
		fputs("null", stdout);
	}
	printf(", \"size\": %llu, \"serial\": ", (unsigned long long)s->size);
	if (oi)
		printf("%llu", (unsigned long long)oi->serial);
	else
		fputs("null", stdout);
	printf(", \"handles\": %u, \"mappings\": %u, \"uid\": %u, \"user\": ",
	       s->handles, s->mappings, s->uid);
	ctl_user_name(s->uid, buf, sizeof(buf));
	fmt_json_string(stdout, buf);
	printf(", \"gid\": %u, \"group\": ", s->gid);
	ctl_group_name(s->gid, buf, sizeof(buf));
	fmt_json_string(stdout, buf);
	printf(", \"mode\": \"%04o\", \"cpid\": %u, \"phys\": ", s->mode, s->cpid);
	if (s->phys)
		printf("%llu}\n", (unsigned long long)s->phys);
	else
		puts("null}");
}

static void info_text(const struct procfile_seg *s, const struct rtshm_object_info *oi,
		      int oi_err)
{
	char buf[FMT_NAME_BUF], size[FMT_SIZE_BUF], mode[10];

	printf("id:        %u\n", s->id);
	if (s->named)
		fmt_name(s->name, s->name_len, buf, sizeof(buf));
	printf("name:      %s\n", s->named ? buf : "- (unnamed)");
	fmt_size(s->size, size, sizeof(size));
	printf("size:      %llu (%s)\n", (unsigned long long)s->size, size);
	if (oi)
		printf("serial:    %llu\n", (unsigned long long)oi->serial);
	else
		printf("serial:    unknown (%s)\n", rtshm_strerror(oi_err));
	printf("handles:   %u\n", s->handles);
	printf("mappings:  %u\n", s->mappings);
	ctl_user_name(s->uid, buf, sizeof(buf));
	printf("owner:     %s (%u)\n", buf, s->uid);
	ctl_group_name(s->gid, buf, sizeof(buf));
	printf("group:     %s (%u)\n", buf, s->gid);
	fmt_mode(s->mode, mode);
	printf("mode:      %04o (%s)\n", s->mode, mode);
	if (s->cpid)
		printf("creator:   pid %u\n", s->cpid);
	else
		printf("creator:   - (exited, or in another pid namespace)\n");
	if (s->phys)
		printf("physical:  0x%llx-0x%llx (contiguous)\n", (unsigned long long)s->phys,
		       (unsigned long long)(s->phys + s->size - 1));
	else
		printf("physical:  hidden (needs CAP_SYS_ADMIN)\n");
}

static int cmd_info(const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rtshm_object_info oi;
	const struct procfile_seg *s;
	struct fmt_target t;
	struct procfile pf;
	int json = 0, c, rc, oi_err;
	char buf[FMT_NAME_BUF];

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': ctl_print_help(cmd, stdout); return CTL_EXIT_OK;
		default: return ctl_usage(cmd, "unknown option");
		}
	}
	if (argc - optind != 1)
		return ctl_usage(cmd, "expected one NAME or ID");
	rc = target_arg(cmd, argv[optind], &t);
	if (rc)
		return rc;
	rc = ctl_read_proc(NULL, &pf);
	if (rc) {
		procfile_free(&pf);
		return rc;
	}
	s = find(&pf, &t);
	if (!s) {
		procfile_free(&pf);
		return ctl_error(CTL_EXIT_NOT_FOUND, "no segment %s in this IPC namespace",
				 shown(&t, buf, sizeof(buf)));
	}
	/* The serial is not in /proc; the device may be closed to this user. */
	oi_err = rtshm_describe_id(s->id, &oi);
	if (!oi_err && oi.size != s->size)
		oi_err = -ENOENT;	/* the id was freed and reused meanwhile */
	if (json)
		info_json(s, oi_err ? NULL : &oi);
	else
		info_text(s, oi_err ? NULL : &oi, oi_err);
	procfile_free(&pf);
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_info = {
	.name = "info",
	.run = cmd_info,
	.args = "[--json] NAME|ID",
	.summary = "Describe one segment",
	.help =
	"Shows what /proc/rtshm says about the segment, with the owner's and group's\n"
	"names, the mode in letters, and its serial (a number never reused, unlike\n"
	"the id) when /dev/rtshm can be opened.\n"
	"\n"
	NAME_ARG_HELP
	"\n"
	"  -j, --json    one JSON object with the keys of 'rtshmctl list --json' and\n"
	"                \"serial\" (null if unknown)\n"
	"  -h, --help    show this help\n",
};

/* --- dump -------------------------------------------------------------- */

/* One line of xxd's default format: offset, 8 groups of 2 bytes, text. */
static void xxd_line(uint64_t offset, const unsigned char *p, size_t n)
{
	char hex[41], text[17];
	size_t i;

	memset(hex, ' ', 40);
	hex[40] = '\0';
	for (i = 0; i < n; i++) {
		static const char digits[] = "0123456789abcdef";
		size_t at = i / 2 * 5 + i % 2 * 2;

		hex[at] = digits[p[i] >> 4];
		hex[at + 1] = digits[p[i] & 15];
		text[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	}
	text[n] = '\0';
	printf("%08llx: %s %s\n", (unsigned long long)offset, hex, text);
}

static int cmd_dump(const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "offset", required_argument, NULL, 's' },
		{ "length", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t offset = 0, length = UINT64_MAX, start, end, maplen, pos;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct rtshm_result res;
	struct fmt_target t;
	int c, rc, h;
	unsigned char *p;
	char buf[FMT_NAME_BUF];

	while ((c = getopt_long(argc, argv, "s:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (fmt_parse_size(optarg, &offset))
				return ctl_usage(cmd, "bad offset '%s'", optarg);
			break;
		case 'l':
			if (fmt_parse_size(optarg, &length))
				return ctl_usage(cmd, "bad length '%s'", optarg);
			break;
		case 'h': ctl_print_help(cmd, stdout); return CTL_EXIT_OK;
		default: return ctl_usage(cmd, "unknown option");
		}
	}
	if (argc - optind != 1)
		return ctl_usage(cmd, "expected one NAME or ID");
	rc = target_arg(cmd, argv[optind], &t);
	if (rc)
		return rc;

	h = t.by_id ? rtshm_open_id(t.id, RTSHM_RDONLY, &res)
		    : rtshm_open((const char *)t.name, RTSHM_RDONLY, &res);
	if (h < 0 && h == -ENOENT && !ctl_module_loaded())
		return ctl_error(CTL_EXIT_NOT_LOADED, "the rtshm module is not loaded");
	if (h < 0)
		return ctl_error(ctl_exit_for(h), "%s: %s", shown(&t, buf, sizeof(buf)),
				 h == -ENOENT ? "no such segment in this IPC namespace" :
				 rtshm_strerror(h));
	if (offset > res.size) {
		rtshm_close(h);
		return ctl_usage(cmd, "offset %llu is beyond the end of the segment (%llu bytes)",
				 (unsigned long long)offset, (unsigned long long)res.size);
	}
	/* like xxd, a length past the end stops at the end */
	end = length > res.size - offset ? res.size : offset + length;
	if (end == offset) {
		rtshm_close(h);
		return CTL_EXIT_OK;
	}
	start = offset / page * page;
	maplen = (end - start + page - 1) / page * page;
	rc = rtshm_map(h, start, maplen, PROT_READ, (void **)&p);
	rtshm_close(h);		/* the mapping keeps the segment */
	if (rc)
		return ctl_error(ctl_exit_for(rc), "%s: map: %s", shown(&t, buf, sizeof(buf)),
				 rtshm_strerror(rc));
	for (pos = offset; pos < end; pos += 16)
		xxd_line(pos, p + (pos - start), end - pos < 16 ? (size_t)(end - pos) : 16);
	rtshm_unmap(p, maplen);
	if (fflush(stdout) || ferror(stdout))
		return ctl_error(CTL_EXIT_FAIL, "writing the output: %s", strerror(errno));
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_dump = {
	.name = "dump",
	.run = cmd_dump,
	.args = "[--offset N] [--length N] NAME|ID",
	.summary = "Print a segment's bytes in hex and ASCII, like xxd",
	.help =
	"Opens the segment read-only (you need read permission) and prints 16 bytes\n"
	"per line in xxd's format: the offset in the segment, the bytes in groups of\n"
	"two, and the bytes as text with '.' for unprintable ones.\n"
	"\n"
	NAME_ARG_HELP
	"\n"
	"  -s, --offset N  start N bytes into the segment (default 0)\n"
	"  -l, --length N  print at most N bytes (default: to the end)\n"
	"  -h, --help      show this help\n"
	"\n"
	"N is a number of bytes: decimal, 0x hexadecimal, or with a K, M or G suffix\n"
	"(powers of 1024, also KiB, MiB, GiB).\n",
};

/* --- create ------------------------------------------------------------ */

static int cmd_create(const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "excl", no_argument, NULL, 'x' },
		{ "hold", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int flags = RTSHM_RDONLY;
	struct rtshm_result res;
	struct fmt_target t;
	uint64_t size;
	long mode = 0600;
	int hold = 0, c, h, sig;
	sigset_t set;
	char *end, buf[FMT_NAME_BUF], sz[FMT_SIZE_BUF];
	const char *why;

	while ((c = getopt_long(argc, argv, "m:xHh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			errno = 0;
			mode = strtol(optarg, &end, 8);
			if (errno || end == optarg || *end || mode < 0 || mode > 0777)
				return ctl_usage(cmd, "bad mode '%s' (octal, at most 0777)", optarg);
			break;
		case 'x': flags |= RTSHM_EXCL; break;
		case 'H': hold = 1; break;
		case 'h': ctl_print_help(cmd, stdout); return CTL_EXIT_OK;
		default: return ctl_usage(cmd, "unknown option");
		}
	}
	if (argc - optind != 2)
		return ctl_usage(cmd, "expected NAME and SIZE");
	why = fmt_parse_target(argv[optind], &t);
	if (why)
		return ctl_usage(cmd, "'%s': %s", argv[optind], why);
	if (t.by_id)
		return ctl_usage(cmd, "'%s' is an id; for a name made of digits write name:%s",
				 argv[optind], argv[optind]);
	if (fmt_parse_size(argv[optind + 1], &size) || !size)
		return ctl_usage(cmd, "bad size '%s'", argv[optind + 1]);
	if (!hold)
		return ctl_usage(cmd, "a segment lives only while a handle or mapping refers to it;\n"
				 "add --hold to keep it until rtshmctl is interrupted");

	/* block the signals we wait for before anyone can know our segment */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* a read-only handle holds the segment as well as a writable one */
	h = rtshm_create(t.unnamed ? NULL : (const char *)t.name, size, flags,
			 (mode_t)mode, &res);
	if (t.unnamed)
		snprintf(buf, sizeof(buf), "-");
	else
		fmt_name(t.name, t.name_len, buf, sizeof(buf));
	if (h < 0)
		return ctl_error(h == -EEXIST ? CTL_EXIT_FAIL : ctl_exit_for(h), "create %s: %s",
				 buf, rtshm_strerror(h));
	fmt_size(res.size, sz, sizeof(sz));
	printf("%s segment %s: id %u, %llu bytes (%s); holding it until interrupted\n",
	       res.created ? "created" : "opened existing", buf, res.id,
	       (unsigned long long)res.size, sz);
	fflush(stdout);
	while (sigwait(&set, &sig))
		;
	rtshm_close(h);
	printf("released segment %s (id %u) on %s\n", buf, res.id, strsignal(sig));
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_create = {
	.name = "create",
	.run = cmd_create,
	.args = "[--mode OCTAL] [--excl] --hold NAME SIZE",
	.summary = "Create a segment (or open it if NAME exists) and hold it until interrupted",
	.help =
	"A segment lives while a handle or a mapping refers to it.  rtshmctl keeps a\n"
	"handle open until it gets SIGINT (Ctrl-C), SIGTERM or SIGHUP, then closes it\n"
	"and exits with status 0; the segment goes away with its last handle.  The\n"
	"first line of output (flushed at once) says what happened, e.g.\n"
	"  created segment demo: id 3, 8192 bytes (8 KiB); holding it until interrupted\n"
	"If NAME exists, that segment is held instead and SIZE and --mode are ignored.\n"
	"\n"
	"NAME: as for info; '-' makes an unnamed segment (reachable by its id),\n"
	"name:TEXT a segment named TEXT even if TEXT is a number.\n"
	"SIZE: bytes, rounded up to whole pages (decimal, 0x..., K, M, G suffixes).\n"
	"\n"
	"  -m, --mode OCTAL  permission bits of a new segment (default 0600)\n"
	"  -x, --excl        fail if NAME exists\n"
	"      --hold        required: keep the segment until interrupted\n"
	"  -h, --help        show this help\n",
};
