// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the rtshmctl commands: messages, /proc/rtshm, names. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rtshmctl.h"

/* /proc/rtshm of 65535 segments with 255-byte escaped names stays below this. */
#define PROC_MAX_BYTES	(128u << 20)

int ctl_error(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("rtshmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int ctl_usage(const struct ctl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rtshmctl %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: rtshmctl %s %s\nTry 'rtshmctl %s --help'.\n",
		cmd->name, cmd->args, cmd->name);
	return CTL_EXIT_USAGE;
}

void ctl_print_help(const struct ctl_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: rtshmctl %s %s\n\n%s.\n\n%s", cmd->name, cmd->args,
		cmd->summary, cmd->help);
}

int ctl_module_loaded(void)
{
	struct stat st;

	return stat(CTL_SYSFS_PATH, &st) == 0;
}

int ctl_exit_for(int err)
{
	switch (-err) {
	case EACCES:
	case EPERM:
		return CTL_EXIT_PERM;
	case ENOENT:	/* the device, or the segment */
		return ctl_module_loaded() ? CTL_EXIT_NOT_FOUND : CTL_EXIT_NOT_LOADED;
	case ENODEV:
	case ENXIO:
		return CTL_EXIT_NOT_LOADED;
	case EBUSY:
	case EAGAIN:
		return CTL_EXIT_BUSY;
	default:
		return CTL_EXIT_FAIL;
	}
}

/* Whole file into a malloc'ed buffer; -errno on failure. */
static int read_all(const char *path, char **text, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap);
	int fd, err = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb = cap < PROC_MAX_BYTES ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				err = -EFBIG;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*text = buf;
	*len = n;
	return 0;
}

int ctl_read_proc(const char *path, struct procfile *pf)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	memset(pf, 0, sizeof(*pf));
	err = read_all(path ? path : CTL_PROC_PATH, &text, &len);
	if (err == -ENOENT && !path)
		return ctl_error(CTL_EXIT_NOT_LOADED,
				 "the rtshm module is not loaded (no %s); load it with 'rtshmctl load'",
				 CTL_PROC_PATH);
	if (!path)
		path = CTL_PROC_PATH;
	if (err)
		return ctl_error(err == -ENOENT ? CTL_EXIT_FAIL : ctl_exit_for(err), "%s: %s",
				 path, strerror(-err));
	err = procfile_parse(text, len, pf);
	free(text);
	if (err)
		return ctl_error(CTL_EXIT_FAIL, "%s: %s", path, strerror(-err));
	if (!pf->header_ok)
		return ctl_error(CTL_EXIT_FAIL,
				 "%s: unknown format (first line is not '%s'): a module of another version?",
				 path, PROCFILE_HEADER);
	if (pf->bad_lines)
		ctl_error(0, "warning: %s: skipped %zu unreadable line%s (the first is line %zu)",
			  path, pf->bad_lines, pf->bad_lines == 1 ? "" : "s",
			  pf->first_bad_line);
	return 0;
}

/*
 * getpwuid() and getgrgid() read /etc/passwd and /etc/group on every call;
 * a table of thousands of segments usually has a handful of owners.
 */
#define NAME_CACHE	32

struct name_cache {
	unsigned int id[NAME_CACHE];
	char name[NAME_CACHE][64];
	unsigned int used, next;
};

static const char *cached(struct name_cache *c, unsigned int id, int group)
{
	unsigned int i, slot;

	for (i = 0; i < c->used; i++)
		if (c->id[i] == id)
			return c->name[i];
	slot = c->used < NAME_CACHE ? c->used++ : c->next++ % NAME_CACHE;
	c->id[slot] = id;
	if (group) {
		struct group *gr = getgrgid(id);

		snprintf(c->name[slot], sizeof(c->name[slot]), "%s",
			 gr && gr->gr_name[0] ? gr->gr_name : "");
	} else {
		struct passwd *pw = getpwuid(id);

		snprintf(c->name[slot], sizeof(c->name[slot]), "%s",
			 pw && pw->pw_name[0] ? pw->pw_name : "");
	}
	return c->name[slot];
}

void ctl_user_name(unsigned int uid, char *buf, size_t n)
{
	static struct name_cache users;
	const char *name = cached(&users, uid, 0);

	if (name[0])
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "%u", uid);
}

void ctl_group_name(unsigned int gid, char *buf, size_t n)
{
	static struct name_cache groups;
	const char *name = cached(&groups, gid, 1);

	if (name[0])
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "%u", gid);
}
