// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/rtshm: the segments of the reader's IPC namespace.
 *
 * Format (an interface; documented in README.md and rtshm(4)):
 *   a header line, one line per segment in id order, a summary line, and
 *   when a reserved pool is configured a line "pool bytes USED/SIZE".
 * Fields are separated by single spaces.  Names are escaped: bytes at or
 * below ' ', at or above 0x7f, and a name that is exactly "-" are written as
 * \ooo (octal).  Names cannot contain '\', so '\' only starts an escape.
 * An unnamed segment shows "-".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "rtshm_priv.h"

/* Positions: 0 header, RTSHM_ID_MIN..RTSHM_ID_MAX ids, then the summary. */
#define RTSHM_POS_SUMMARY	((loff_t)RTSHM_ID_MAX + 1)
#define RTSHM_SUMMARY_TOKEN	((void *)2)

struct rtshm_proc_state {
	struct rtshm_ns *ns;	/* valid between start and stop */
};

static void *rtshm_proc_find(struct seq_file *m, loff_t *pos)
{
	struct rtshm_proc_state *st = m->private;
	unsigned long id = *pos;

	if (*pos > RTSHM_POS_SUMMARY)
		return NULL;
	if (*pos < RTSHM_POS_SUMMARY && st->ns) {
		void *e = xa_find(&st->ns->ids, &id, RTSHM_ID_MAX, XA_PRESENT);

		if (e) {
			*pos = id;
			return e;
		}
	}
	*pos = RTSHM_POS_SUMMARY;
	return RTSHM_SUMMARY_TOKEN;
}

/* Takes rtshm_lock until rtshm_proc_stop(); seq_file copies out after that. */
static void *rtshm_proc_start(struct seq_file *m, loff_t *pos)
{
	struct rtshm_proc_state *st = m->private;

	mutex_lock(&rtshm_lock);
	st->ns = rtshm_ns_current(false);
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return rtshm_proc_find(m, pos);
}

static void *rtshm_proc_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	if (v == RTSHM_SUMMARY_TOKEN)
		return NULL;
	return rtshm_proc_find(m, pos);
}

static void rtshm_proc_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&rtshm_lock);
}

static const char *const rtshm_type_names[RTSHM_TYPE_MAX + 1] = {
	[RTSHM_TYPE_SHM] = "shm",
	[RTSHM_TYPE_EVENT] = "event",
	[RTSHM_TYPE_MUTEX] = "mutex",
	[RTSHM_TYPE_SEMAPHORE] = "semaphore",
};

static void rtshm_proc_name(struct seq_file *m, const struct rtshm_entry *e)
{
	u32 i;

	if (!e->name) {
		seq_putc(m, '-');
		return;
	}
	for (i = 0; i < e->name_len; i++) {
		unsigned char c = e->name[i];

		if (c <= ' ' || c >= 0x7f || (e->name_len == 1 && c == '-'))
			seq_printf(m, "\\%03o", c);
		else
			seq_putc(m, c);
	}
}

static int rtshm_proc_show(struct seq_file *m, void *v)
{
	struct rtshm_proc_state *st = m->private;
	struct user_namespace *user_ns = seq_user_ns(m);
	struct rtshm_entry *e = v;
	struct rtshm_seg *seg;
	u64 phys = 0;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "id name size handles mappings uid gid mode cpid phys backend node type futex\n");
		return 0;
	}
	if (v == RTSHM_SUMMARY_TOKEN) {
		u64 used, size;

		seq_printf(m, "total segments %u/%u bytes %llu/%llu\n",
			   st->ns ? st->ns->nr_segments : 0,
			   rtshm_limit_segments(),
			   st->ns ? st->ns->bytes : 0, rtshm_limit_bytes());
		/* the pool is machine-wide, shared by all namespaces */
		if (rtshm_pool_usage(&used, &size))
			seq_printf(m, "pool bytes %llu/%llu\n", used, size);
		return 0;
	}

	seg = to_seg(e);
	/* Like kallsyms: only an opener with CAP_SYS_ADMIN sees addresses. */
	if (file_ns_capable(m->file, &init_user_ns, CAP_SYS_ADMIN))
		phys = rtshm_seg_phys(seg);

	seq_printf(m, "%u ", e->id);
	rtshm_proc_name(m, e);
	seq_printf(m, " %llu %u %u %u %u %04o %d 0x%llx %s %d %s %s\n",
		   rtshm_seg_size(seg), atomic_read(&e->handles),
		   atomic_read(&seg->mappings),
		   from_kuid_munged(user_ns, e->uid),
		   from_kgid_munged(user_ns, e->gid), e->mode,
		   pid_nr_ns(e->creator, task_active_pid_ns(current)), phys,
		   rtshm_tier_name(seg->tier), seg->node,
		   rtshm_type_names[e->type],
		   rtshm_type_is_sync(e->type) || seg->pages ? "yes" : "no");
	return 0;
}

static const struct seq_operations rtshm_proc_ops = {
	.start = rtshm_proc_start,
	.next = rtshm_proc_next,
	.stop = rtshm_proc_stop,
	.show = rtshm_proc_show,
};

int rtshm_proc_init(void)
{
	if (!proc_create_seq_private("rtshm", 0444, NULL, &rtshm_proc_ops,
				     sizeof(struct rtshm_proc_state), NULL))
		return -ENOMEM;
	return 0;
}

void rtshm_proc_exit(void)
{
	remove_proc_entry("rtshm", NULL);
}
