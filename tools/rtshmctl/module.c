// SPDX-License-Identifier: GPL-2.0
/* rtshmctl status, load and unload: the module, through libkmod. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libkmod.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#include "rtshm.h"
#include "format.h"
#include "rtshmctl.h"

#define MODULE_NAME	"rtshm"
#define PARAMS_DIR	CTL_SYSFS_PATH "/parameters"
#define DEVICE_PATH	"/dev/rtshm"

/* libkmod, quiet unless KMOD_LOG asks for its messages: we explain errors. */
static struct kmod_ctx *kmod_open(void)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);

	if (!ctx) {
		ctl_error(CTL_EXIT_FAIL, "libkmod: cannot initialise (out of memory?)");
		return NULL;
	}
	if (!getenv("KMOD_LOG"))
		kmod_set_log_priority(ctx, LOG_EMERG);
	return ctx;
}

static const char *kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u))
		return "?";
	return u.release;
}

/* First line of a sysfs file, without the newline; "" if unreadable. */
static void read_line(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd < 0 ? -1 : read(fd, buf, n - 1);

	if (fd >= 0)
		close(fd);
	if (r < 0)
		r = 0;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* The module file libkmod finds for "rtshm" in /lib/modules/$(uname -r). */
static struct kmod_module *lookup_installed(struct kmod_ctx *ctx)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_module *found = NULL;

	if (kmod_module_new_from_lookup(ctx, MODULE_NAME, &list) < 0)
		return NULL;
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		if (!found && !strcmp(kmod_module_get_name(m), MODULE_NAME) &&
		    kmod_module_get_path(m))
			found = kmod_module_ref(m);
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	return found;
}

/* --- status ------------------------------------------------------------ */

static int print_parameters(void)
{
	struct dirent **names;
	int n, i;

	n = scandir(PARAMS_DIR, &names, NULL, alphasort);
	if (n < 0) {
		printf("parameters: unreadable (%s)\n", strerror(errno));
		return 0;
	}
	printf("parameters:\n");
	for (i = 0; i < n; i++) {
		char path[512], value[256];

		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", PARAMS_DIR, names[i]->d_name);
			read_line(path, value, sizeof(value));
			printf("  %s=%s\n", names[i]->d_name, value);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

static void print_device(void)
{
	char user[64], group[64], mode[10];
	struct rtshm_module_info mi;
	struct stat st;
	int err;

	if (stat(DEVICE_PATH, &st)) {
		printf("device:     %s missing (%s)\n", DEVICE_PATH, strerror(errno));
		return;
	}
	ctl_user_name(st.st_uid, user, sizeof(user));
	ctl_group_name(st.st_gid, group, sizeof(group));
	fmt_mode(st.st_mode, mode);
	printf("device:     %s (char %u:%u, %c%s %s %s)\n", DEVICE_PATH, major(st.st_rdev),
	       minor(st.st_rdev), S_ISCHR(st.st_mode) ? 'c' : '?', mode, user, group);
	err = rtshm_module_info(&mi);
	if (err) {
		printf("abi:        unknown (%s: %s)\n", DEVICE_PATH, rtshm_strerror(err));
	} else {
		char seg[FMT_SIZE_BUF], ns[FMT_SIZE_BUF], usr[FMT_SIZE_BUF];

		fmt_size(mi.max_segment_size, seg, sizeof(seg));
		fmt_size(mi.max_bytes, ns, sizeof(ns));
		fmt_size(mi.max_user_bytes, usr, sizeof(usr));
		printf("abi:        %u.%u (features 0x%llx)\n", mi.abi_major, mi.abi_minor,
		       (unsigned long long)mi.features);
		printf("limits:     %s per segment, %s and %u segments per IPC namespace, %s per user\n",
		       seg, ns, mi.max_segments, usr);
	}
}

static int cmd_status(const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kmod_module *mod = NULL, *file;
	struct kmod_list *holders, *l;
	struct kmod_ctx *ctx;
	struct procfile pf;
	char buf[256];
	int c, state;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			ctl_print_help(cmd, stdout);
			return CTL_EXIT_OK;
		}
		return ctl_usage(cmd, "unknown option");
	}
	if (optind != argc)
		return ctl_usage(cmd, "unexpected argument '%s'", argv[optind]);
	ctx = kmod_open();
	if (!ctx)
		return CTL_EXIT_FAIL;
	file = lookup_installed(ctx);
	if (kmod_module_new_from_name(ctx, MODULE_NAME, &mod) < 0) {
		kmod_unref(ctx);
		return ctl_error(CTL_EXIT_FAIL, "libkmod: out of memory");
	}
	state = kmod_module_get_initstate(mod);
	printf("module:     %s (%s)\n", MODULE_NAME,
	       state < 0 ? "not loaded" : kmod_module_initstate_str(state));
	if (file)
		printf("file:       %s\n", kmod_module_get_path(file));
	else
		printf("file:       not installed for kernel %s (load it with --path FILE)\n",
		       kernel_release());
	if (state >= 0) {
		read_line(CTL_SYSFS_PATH "/version", buf, sizeof(buf));
		printf("version:    %s\n", buf[0] ? buf : "-");
		printf("refcount:   %d\n", kmod_module_get_refcnt(mod));
		printf("size:       %ld bytes\n", kmod_module_get_size(mod));
		read_line(CTL_SYSFS_PATH "/taint", buf, sizeof(buf));
		printf("taint:      %s\n", buf[0] ? buf : "-");
		holders = kmod_module_get_holders(mod);
		printf("holders:   ");
		if (!holders)
			printf(" none");
		kmod_list_foreach(l, holders) {
			struct kmod_module *h = kmod_module_get_module(l);

			printf(" %s", kmod_module_get_name(h));
			kmod_module_unref(h);
		}
		putchar('\n');
		kmod_module_unref_list(holders);
		print_device();
		if (ctl_read_proc(NULL, &pf) == CTL_EXIT_OK && pf.has_summary) {
			char used[FMT_SIZE_BUF];

			fmt_size(pf.bytes, used, sizeof(used));
			printf("segments:   %llu (%s) in this IPC namespace\n",
			       (unsigned long long)pf.nr_segments, used);
		}
		procfile_free(&pf);
		print_parameters();
	}
	if (file)
		kmod_module_unref(file);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return state < 0 ? CTL_EXIT_NOT_LOADED : CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_status = {
	.name = "status",
	.run = cmd_status,
	.args = "",
	.summary = "Show whether the module is loaded, its parameters, device and use",
	.help =
	"Prints the module's state (live, coming, going or not loaded), the module\n"
	"file libkmod would load for this kernel, and when loaded: version,\n"
	"reference count, size, taint flags, holders, the device node's mode and\n"
	"group, the ABI version and limits, the segments of this IPC namespace and\n"
	"the parameters from " PARAMS_DIR ", one NAME=VALUE per line.\n"
	"\n"
	"  -h, --help   show this help\n"
	"\n"
	"Exit status 0 when loaded, 3 when not.  Works for any user.\n",
};

/* --- load -------------------------------------------------------------- */

/* PARAM=VALUE with a plain name and a value the kernel parses as one word. */
static int param_syntax_ok(const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *p;

	if (!eq || eq == arg || !eq[1])
		return 0;
	for (p = arg; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	for (p = eq + 1; *p; p++)
		if (*p <= ' ' || *p == '"' || *p >= 0x7f)
			return 0;
	return 1;
}

/*
 * Parameters the module file declares ("parm" entries of its .modinfo);
 * returns 1 if @arg's name is one, 0 if not, -1 if the file is unreadable.
 */
static int param_known(struct kmod_module *mod, const char *arg, char *known, size_t n)
{
	struct kmod_list *info = NULL, *l;
	size_t len = strcspn(arg, "=");
	int found = 0;

	if (kmod_module_get_info(mod, &info) < 0)
		return -1;
	known[0] = '\0';
	kmod_list_foreach(l, info) {
		const char *key = kmod_module_info_get_key(l);
		const char *val = kmod_module_info_get_value(l);
		size_t vlen;

		if (strcmp(key, "parm") || !val)
			continue;
		vlen = strcspn(val, ":");
		if (vlen == len && !strncmp(val, arg, len))
			found = 1;
		if (strlen(known) + vlen + 2 < n)
			snprintf(known + strlen(known), n - strlen(known), "%s%.*s",
				 known[0] ? ", " : "", (int)vlen, val);
	}
	kmod_module_info_free_list(info);
	return found;
}

/* What the kernel's init_module/finit_module errors mean for rtshm. */
static int insert_error(int err, const char *path)
{
	switch (-err) {
	case EKEYREJECTED:
	case ENOKEY:
	case EKEYEXPIRED:
	case EKEYREVOKED:
	case EBADMSG:
		return ctl_error(CTL_EXIT_REJECTED,
				 "the kernel rejected the signature of %s (%s): it enforces module\n"
				 "signatures (Secure Boot lockdown or module.sig_enforce=1).  Sign rtshm.ko\n"
				 "with a key the kernel trusts, e.g. install it with DKMS and enrol the DKMS\n"
				 "key with mokutil --import.", path, strerror(-err));
	case ENOEXEC:
		return ctl_error(CTL_EXIT_REJECTED,
				 "%s is not a module for this kernel (%s): built for another kernel\n"
				 "release or configuration?  Check 'modinfo -F vermagic %s' against\n"
				 "'uname -r' and see the kernel log (dmesg).", path, strerror(-err), path);
	case EINVAL:
		return ctl_error(CTL_EXIT_REJECTED,
				 "the kernel refused %s or a parameter value (%s); see dmesg",
				 path, strerror(-err));
	case EPERM:
		return ctl_error(CTL_EXIT_PERM,
				 "loading %s is not permitted: it needs root (CAP_SYS_MODULE), and\n"
				 "fails anyway if module loading is disabled (kernel.modules_disabled=1)",
				 path);
	case EACCES:
		return ctl_error(CTL_EXIT_PERM, "%s: %s", path, strerror(-err));
	case ENOENT:
		return ctl_error(CTL_EXIT_NOT_FOUND, "%s: no such file", path);
	default:
		return ctl_error(CTL_EXIT_FAIL, "loading %s failed: %s", path, strerror(-err));
	}
}

static int already_loaded(int nparams)
{
	if (nparams)
		return ctl_error(CTL_EXIT_BUSY,
				 "rtshm is loaded already, so the parameters were not applied:\n"
				 "unload it first ('rtshmctl unload'), or write them to %s/NAME",
				 PARAMS_DIR);
	printf("rtshm is loaded already\n");
	return CTL_EXIT_OK;
}

/* "options rtshm ..." from modprobe.d, then the command line's PARAM=VALUE. */
static char *load_options(struct kmod_module *mod, char **params, int nparams)
{
	const char *conf = kmod_module_get_options(mod);
	size_t len = (conf ? strlen(conf) : 0) + 1;
	char *opts;
	int i;

	for (i = 0; i < nparams; i++)
		len += strlen(params[i]) + 1;
	opts = malloc(len);
	if (!opts)
		return NULL;
	snprintf(opts, len, "%s", conf ? conf : "");
	for (i = 0; i < nparams; i++)
		snprintf(opts + strlen(opts), len - strlen(opts), "%s%s",
			 opts[0] ? " " : "", params[i]);
	return opts;
}

static int cmd_load(const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "path", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	const char *path = NULL, *modpath;
	char known[256], *options;
	char **params;
	int c, i, nparams, err, rc = CTL_EXIT_OK;

	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': path = optarg; break;
		case 'h': ctl_print_help(cmd, stdout); return CTL_EXIT_OK;
		default: return ctl_usage(cmd, "unknown option");
		}
	}
	params = argv + optind;
	nparams = argc - optind;
	for (i = 0; i < nparams; i++)
		if (!param_syntax_ok(params[i]))
			return ctl_usage(cmd, "'%s' is not PARAM=VALUE", params[i]);

	ctx = kmod_open();
	if (!ctx)
		return CTL_EXIT_FAIL;
	if (path) {
		struct stat st;

		if (stat(path, &st)) {
			rc = ctl_error(errno == ENOENT ? CTL_EXIT_NOT_FOUND : ctl_exit_for(-errno),
				       "%s: %s", path, strerror(errno));
			goto out;
		}
		err = kmod_module_new_from_path(ctx, path, &mod);
		if (err < 0) {
			rc = ctl_error(CTL_EXIT_FAIL, "%s: %s", path, strerror(-err));
			goto out;
		}
		if (strcmp(kmod_module_get_name(mod), MODULE_NAME)) {
			/* libkmod names a module after its file */
			rc = ctl_usage(cmd, "%s: the file must be named rtshm.ko (this is '%s')",
				       path, kmod_module_get_name(mod));
			goto out;
		}
	} else {
		mod = lookup_installed(ctx);
		if (!mod) {
			if (ctl_module_loaded()) {
				rc = already_loaded(nparams);
				goto out;
			}
			rc = ctl_error(CTL_EXIT_NOT_FOUND,
				       "rtshm.ko is not installed for kernel %s (libkmod found it in\n"
				       "neither %s/modules.dep.bin nor the built-in list): install it\n"
				       "('make install' or 'make dkms-install') or use --path FILE",
				       kernel_release(), kmod_get_dirname(ctx));
			goto out;
		}
	}
	modpath = kmod_module_get_path(mod);
	if (kmod_module_get_initstate(mod) >= 0) {
		rc = already_loaded(nparams);
		goto out;
	}
	for (i = 0; i < nparams; i++) {
		int known_rc = param_known(mod, params[i], known, sizeof(known));

		if (known_rc == 0) {
			rc = ctl_usage(cmd, "rtshm has no parameter '%.*s' (it has: %s)",
				       (int)strcspn(params[i], "="), params[i], known);
			goto out;
		}
	}
	options = load_options(mod, params, nparams);
	if (!options) {
		rc = ctl_error(CTL_EXIT_FAIL, "out of memory");
		goto out;
	}
	err = kmod_module_insert_module(mod, 0, options);
	if (err == -EEXIST)
		rc = already_loaded(nparams);
	else if (err < 0)
		rc = insert_error(err, modpath ? modpath : MODULE_NAME);
	else if (options[0])
		printf("loaded %s with %s\n", modpath, options);
	else
		printf("loaded %s\n", modpath);
	free(options);
out:
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return rc;
}

const struct ctl_cmd ctl_cmd_load = {
	.name = "load",
	.run = cmd_load,
	.args = "[--path FILE] [PARAM=VALUE]...",
	.summary = "Load the module, optionally with parameters",
	.help =
	"Without --path, libkmod looks rtshm up in /lib/modules/$(uname -r) like\n"
	"modprobe does (so it must be installed there and depmod must have run);\n"
	"with --path, FILE is loaded like insmod does.  Either way the options of\n"
	"'options rtshm ...' lines in /etc/modprobe.d/*.conf come first and the\n"
	"PARAM=VALUE arguments after them, so the command line wins.  install and\n"
	"remove commands of modprobe.d are not run.\n"
	"\n"
	"Parameters (see rtshm(4)): max_bytes, max_user_bytes, max_segments.  Names\n"
	"are checked against the module file before loading.\n"
	"\n"
	"  -p, --path FILE  load this rtshm.ko instead of the installed one\n"
	"  -h, --help       show this help\n"
	"\n"
	"Needs root (CAP_SYS_MODULE).  If rtshm is loaded already, exit status 0 -\n"
	"unless parameters were given, which cannot apply then (status 6).  Status 7\n"
	"when the kernel refuses the module: a signature it does not accept (with\n"
	"Secure Boot or module.sig_enforce=1), a module built for another kernel,\n"
	"or a bad parameter value; status 4 when there is no module file.\n",
};

/* --- unload ------------------------------------------------------------ */

static int cmd_unload(const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	struct procfile pf;
	int c, err, rc = CTL_EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			ctl_print_help(cmd, stdout);
			return CTL_EXIT_OK;
		}
		return ctl_usage(cmd, "unknown option");
	}
	if (optind != argc)
		return ctl_usage(cmd, "unexpected argument '%s'", argv[optind]);
	ctx = kmod_open();
	if (!ctx)
		return CTL_EXIT_FAIL;
	if (kmod_module_new_from_name(ctx, MODULE_NAME, &mod) < 0) {
		rc = ctl_error(CTL_EXIT_FAIL, "libkmod: out of memory");
		goto out;
	}
	if (kmod_module_get_initstate(mod) < 0) {
		rc = ctl_error(CTL_EXIT_NOT_LOADED, "rtshm is not loaded");
		goto out;
	}
	err = kmod_module_remove_module(mod, 0);	/* O_NONBLOCK: never waits */
	if (err == -EBUSY || err == -EAGAIN) {
		char what[128] = "";

		if (ctl_read_proc(NULL, &pf) == CTL_EXIT_OK && pf.has_summary)
			snprintf(what, sizeof(what), " (%llu segment%s in this IPC namespace)",
				 (unsigned long long)pf.nr_segments,
				 pf.nr_segments == 1 ? "" : "s");
		procfile_free(&pf);
		rc = ctl_error(CTL_EXIT_BUSY,
			       "rtshm is in use: %d reference%s from open handles and segments%s.\n"
			       "Stop the processes that use it ('rtshmctl list' shows the segments\n"
			       "and their creators) and try again.",
			       kmod_module_get_refcnt(mod),
			       kmod_module_get_refcnt(mod) == 1 ? "" : "s", what);
	} else if (err == -EPERM) {
		rc = ctl_error(CTL_EXIT_PERM, "unloading rtshm needs root (CAP_SYS_MODULE)");
	} else if (err == -ENOENT) {
		rc = ctl_error(CTL_EXIT_NOT_LOADED, "rtshm is not loaded");
	} else if (err < 0) {
		rc = ctl_error(CTL_EXIT_FAIL, "unloading rtshm failed: %s", strerror(-err));
	} else {
		printf("unloaded rtshm\n");
	}
out:
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return rc;
}

const struct ctl_cmd ctl_cmd_unload = {
	.name = "unload",
	.run = cmd_unload,
	.args = "",
	.summary = "Unload the module",
	.help =
	"Removes rtshm from the kernel.  The kernel refuses while any handle or\n"
	"mapping exists (exit status 6, with the number of references); rtshmctl\n"
	"never forces it.  Needs root (CAP_SYS_MODULE).\n"
	"\n"
	"  -h, --help   show this help\n",
};
