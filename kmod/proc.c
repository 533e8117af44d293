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
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "compat.h"
#include "rtshm_priv.h"

/*
 * Positions: 0 header, RTSHM_ID_MIN..RTSHM_ID_MAX ids, then the summary.
 * A record is printed under its namespace's lock, one at a time, so no
 * creator waits for a whole buffer; an entry that went away between
 * finding and printing prints nothing.
 */
#define RTSHM_POS_SUMMARY	((loff_t)RTSHM_ID_MAX + 1)
#define RTSHM_SUMMARY_TOKEN	((void *)2)
#define RTSHM_ENTRY_TOKEN	((void *)3)	/* the id is m->index */

/* The reader's namespaces, pinned at open as sysvipc_proc_open() does. */
struct rtshm_proc_state {
	struct vfsmount *key;		/* IPC namespace */
	struct pid_namespace *pid_ns;
	struct rtshm_ns *ns;		/* referenced between start and stop */
};

static void *rtshm_proc_find(struct seq_file *m, loff_t *pos)
{
	struct rtshm_proc_state *st = m->private;
	unsigned long id = *pos;
	void *e = NULL;

	if (*pos > RTSHM_POS_SUMMARY)
		return NULL;
	if (*pos < RTSHM_POS_SUMMARY && st->ns) {
		mutex_lock(&st->ns->lock);
		e = xa_find(&st->ns->ids, &id, RTSHM_ID_MAX, XA_PRESENT);
		mutex_unlock(&st->ns->lock);
	}
	if (e) {
		*pos = id;
		return RTSHM_ENTRY_TOKEN;
	}
	*pos = RTSHM_POS_SUMMARY;
	return RTSHM_SUMMARY_TOKEN;
}

static void *rtshm_proc_start(struct seq_file *m, loff_t *pos)
{
	struct rtshm_proc_state *st = m->private;

	st->ns = rtshm_ns_get(st->key, false);
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
	struct rtshm_proc_state *st = m->private;

	if (st->ns)
		rtshm_ns_put(st->ns);
	st->ns = NULL;
}

static const char *const rtshm_type_names[RTSHM_TYPE_MAX + 1] = {
	[RTSHM_TYPE_SHM] = "shm",
	[RTSHM_TYPE_EVENT] = "event",
	[RTSHM_TYPE_MUTEX] = "mutex",
	[RTSHM_TYPE_SEMAPHORE] = "semaphore",
	[RTSHM_TYPE_RT_SEMAPHORE] = "rtsemaphore",
	[RTSHM_TYPE_MAILBOX] = "mailbox",
	[RTSHM_TYPE_PROCESS] = "process",
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

/*
 * "pmd": the memory is in 2 MiB folios that mappings map with one entry
 * each where they line up (mmap.c); "no": 4 KiB entries only; "-": a
 * synchronisation object.
 */
static const char *rtshm_proc_huge(const struct rtshm_seg *seg)
{
	if (rtshm_type_is_sync(seg->e.type))
		return "-";
	return seg->pmd_folios || seg->pmd_pfns ? "pmd" : "no";
}

static void rtshm_proc_entry(struct seq_file *m, struct rtshm_entry *e)
{
	struct rtshm_proc_state *st = m->private;
	struct user_namespace *user_ns = seq_user_ns(m);
	struct rtshm_seg *seg = to_seg(e);
	u64 phys = 0;

	/* Like kallsyms: only an opener with CAP_SYS_ADMIN sees addresses. */
	if (file_ns_capable(m->file, &init_user_ns, CAP_SYS_ADMIN))
		phys = rtshm_seg_phys(seg);

	seq_printf(m, "%u ", e->id);
	rtshm_proc_name(m, e);
	seq_printf(m, " %llu %u %u %u %u %04o %d 0x%llx %s %d %s %s %s\n",
		   rtshm_entry_size(seg), atomic_read(&e->handles),
		   atomic_read(&seg->mappings),
		   from_kuid_munged(user_ns, e->uid),
		   from_kgid_munged(user_ns, e->gid), e->mode,
		   pid_nr_ns(e->creator, st->pid_ns), phys,
		   rtshm_tier_name(seg->tier), seg->node,
		   rtshm_type_names[e->type],
		   rtshm_type_is_sync(e->type) || seg->pages ? "yes" : "no",
		   rtshm_proc_huge(seg));
}

static int rtshm_proc_show(struct seq_file *m, void *v)
{
	struct rtshm_proc_state *st = m->private;
	struct rtshm_entry *e;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "id name size handles mappings uid gid mode cpid phys backend node type futex huge\n");
		return 0;
	}
	if (v == RTSHM_SUMMARY_TOKEN) {
		u64 used, size, bytes = 0;
		unsigned int nr = 0;

		if (st->ns) {
			mutex_lock(&st->ns->lock);
			nr = st->ns->nr_segments;
			bytes = st->ns->bytes;
			mutex_unlock(&st->ns->lock);
		}
		seq_printf(m, "total segments %u/%u bytes %llu/%llu\n", nr,
			   rtshm_limit_segments(), bytes, rtshm_limit_bytes());
		/* the pool is machine-wide, shared by all namespaces */
		if (rtshm_pool_usage(&used, &size))
			seq_printf(m, "pool bytes %llu/%llu\n", used, size);
		return 0;
	}

	mutex_lock(&st->ns->lock);
	e = xa_load(&st->ns->ids, m->index);
	if (e)
		rtshm_proc_entry(m, e);
	mutex_unlock(&st->ns->lock);
	return 0;
}

static const struct seq_operations rtshm_proc_ops = {
	.start = rtshm_proc_start,
	.next = rtshm_proc_next,
	.stop = rtshm_proc_stop,
	.show = rtshm_proc_show,
};

static int rtshm_proc_open(struct inode *inode, struct file *file)
{
	struct rtshm_proc_state *st;

	st = __seq_open_private(file, &rtshm_proc_ops, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->key = mntget(rtshm_ipc_key(current->nsproxy->ipc_ns));
	st->pid_ns = get_pid_ns(task_active_pid_ns(current));
	return 0;
}

static int rtshm_proc_release(struct inode *inode, struct file *file)
{
	struct rtshm_proc_state *st = ((struct seq_file *)file->private_data)->private;

	mntput(st->key);
	put_pid_ns(st->pid_ns);
	return seq_release_private(inode, file);
}

static const struct proc_ops rtshm_proc_fops = {
	.proc_open = rtshm_proc_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = rtshm_proc_release,
};

int rtshm_proc_init(void)
{
	if (!proc_create("rtshm", 0444, NULL, &rtshm_proc_fops))
		return -ENOMEM;
	return 0;
}

void rtshm_proc_exit(void)
{
	remove_proc_entry("rtshm", NULL);
}
