// SPDX-License-Identifier: GPL-2.0
/*
 * rtshm: named, physically contiguous, prefaulted shared memory for
 * real-time processes, behind the misc device /dev/rtshm.
 *
 * This file holds the module parameters, the device's file operations and
 * the ioctl argument checks.  See rtshm_priv.h for objects and locking.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "rtshm_priv.h"

static unsigned long max_bytes;
module_param(max_bytes, ulong, 0644);
MODULE_PARM_DESC(max_bytes,
		 "Bytes of all segments of one IPC namespace (0 = half of RAM)");

static unsigned long max_user_bytes;
module_param(max_user_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_bytes,
		 "Bytes of all segments one user creates, in all IPC namespaces (0 = a quarter of RAM)");

static unsigned int max_segments = 4096;
module_param(max_segments, uint, 0644);
MODULE_PARM_DESC(max_segments,
		 "Segments of one IPC namespace (at most 65535, default 4096)");

static bool protected_create = true;
module_param(protected_create, bool, 0644);
MODULE_PARM_DESC(protected_create,
		 "A create that finds another user's object opens it only if root created it (like fs.protected_regular; default yes)");

bool rtshm_protected_create(void)
{
	return READ_ONCE(protected_create);
}

u64 rtshm_limit_bytes(void)
{
	u64 limit = READ_ONCE(max_bytes);

	return limit ? limit : ((u64)totalram_pages() << PAGE_SHIFT) / 2;
}

u64 rtshm_limit_user_bytes(void)
{
	u64 limit = READ_ONCE(max_user_bytes);

	return limit ? limit : ((u64)totalram_pages() << PAGE_SHIFT) / 4;
}

unsigned int rtshm_limit_segments(void)
{
	return min_t(unsigned int, READ_ONCE(max_segments), RTSHM_ID_MAX);
}

/* Any tier's largest possible segment; see struct rtshm_info. */
u64 rtshm_max_segment_size(void)
{
	return rtshm_alloc_max_size();
}

static int rtshm_fop_open(struct inode *inode, struct file *file)
{
	struct rtshm_handle *h;

	h = kzalloc_obj(*h, GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	mutex_init(&h->bind_lock);
	file->private_data = h;
	return nonseekable_open(inode, file);
}

static int rtshm_fop_release(struct inode *inode, struct file *file)
{
	struct rtshm_handle *h = file->private_data;

	rtshm_handle_release(h);
	if (h->ns_pin)
		rtshm_ns_put(h->ns_pin);
	mutex_destroy(&h->bind_lock);
	kfree(h);
	return 0;
}

static bool rtshm_reserved_zero(const __u64 *reserved, size_t n)
{
	while (n--)
		if (reserved[n])
			return false;
	return true;
}

static long rtshm_ioctl_get_info(void __user *uarg)
{
	struct rtshm_info info;

	memset(&info, 0, sizeof(info));
	info.abi_major = RTSHM_ABI_MAJOR;
	info.abi_minor = RTSHM_ABI_MINOR;
	info.features = RTSHM_FEAT_NAMES | RTSHM_FEAT_OPEN_BY_ID |
			RTSHM_FEAT_PREFAULT | RTSHM_FEAT_SERIAL |
			RTSHM_FEAT_LOOKUP | RTSHM_FEAT_CATALOG |
			RTSHM_FEAT_TIERS | RTSHM_FEAT_NUMA | RTSHM_FEAT_SYNC |
			RTSHM_FEAT_SEGMENT_FILE | RTSHM_FEAT_PHYS |
			RTSHM_FEAT_MAX_PHYS | RTSHM_FEAT_INTIME_SYNC |
			RTSHM_FEAT_OWNED | RTSHM_FEAT_DIRS |
			RTSHM_FEAT_NEW_FD;
	info.max_segment_size = rtshm_max_segment_size();
	info.max_bytes = rtshm_limit_bytes();
	info.max_segments = rtshm_limit_segments();
	info.max_user_bytes = rtshm_limit_user_bytes();
	info.name_max = RTSHM_NAME_MAX;
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * Copy a name from user space.  Names are 1..RTSHM_NAME_MAX bytes, any byte
 * but a backslash and NUL; @len 0 gives "", which means "unnamed" where a
 * command allows it.  Return: the NUL-terminated copy (kfree it) or ERR_PTR.
 */
static char *rtshm_name_from_user(u64 uptr, u32 len)
{
	char *name;

	if (len > RTSHM_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	name = memdup_user_nul(u64_to_user_ptr(uptr), len);
	if (IS_ERR(name))
		return name;
	if (memchr(name, '\0', len) || memchr(name, '\\', len)) {
		kfree(name);
		return ERR_PTR(-EINVAL);
	}
	return name;
}

static int rtshm_check_bind(unsigned int cmd, const struct rtshm_bind *args)
{
	u32 allowed = RTSHM_BIND_WRITE | RTSHM_BIND_NEW_FD;

	if (args->type < RTSHM_TYPE_SHM || args->type > RTSHM_TYPE_MAX)
		return -EINVAL;
	/* the field that was reserved until 2.1: still zero without its flag */
	if (!(args->flags & RTSHM_BIND_MAX_PHYS) && args->max_phys)
		return -EINVAL;
	if (cmd == RTSHM_IOC_CREATE) {
		allowed |= RTSHM_BIND_EXCL | RTSHM_BIND_NODE |
			   RTSHM_BIND_MAX_PHYS | RTSHM_BIND_OWNED;
		/* owning what another process made would be a takeover */
		if (args->flags & RTSHM_BIND_OWNED && args->name_len &&
		    !(args->flags & RTSHM_BIND_EXCL))
			return -EINVAL;
		/* a process object lives as long as its process */
		if (args->type == RTSHM_TYPE_PROCESS &&
		    !(args->flags & RTSHM_BIND_OWNED))
			return -EINVAL;
		if (args->mode & ~0777U || args->id || args->serial ||
		    args->tier > RTSHM_TIER_POOL)
			return -EINVAL;
		if (args->flags & RTSHM_BIND_NODE ? !rtshm_node_valid(args->node)
						  : args->node)
			return -EINVAL;
		/* a sync object's state: 1..RTSHM_SYNC_STATE_SIZE bytes, no tier */
		if (rtshm_type_is_sync(args->type) ?
		    !args->state || !args->size ||
		    args->size > RTSHM_SYNC_STATE_SIZE || args->tier ||
		    args->flags & (RTSHM_BIND_NODE | RTSHM_BIND_MAX_PHYS) :
		    args->state)
			return -EINVAL;
	} else {
		if (args->state)
			return -EINVAL;
		allowed |= RTSHM_BIND_BY_ID | RTSHM_BIND_SERIAL;
		if (args->mode || args->size || args->tier || args->node)
			return -EINVAL;
		/* exactly one of a name and an id; a serial only with an id */
		if (args->flags & RTSHM_BIND_BY_ID ? args->name_len || !args->id
						   : !args->name_len || args->id)
			return -EINVAL;
		if (!(args->flags & RTSHM_BIND_SERIAL) != !args->serial ||
		    (args->flags & RTSHM_BIND_SERIAL &&
		     !(args->flags & RTSHM_BIND_BY_ID)))
			return -EINVAL;
	}
	if (args->flags & ~allowed || args->result)
		return -EINVAL;
	return 0;
}

static int rtshm_bind_locked(struct rtshm_handle *h, unsigned int cmd,
			     struct rtshm_bind *args, const char *name,
			     const void *state)
{
	int ret;

	mutex_lock(&h->bind_lock);
	ret = rtshm_bind(h, cmd, args, name, state);
	mutex_unlock(&h->bind_lock);
	return ret;
}

/*
 * RTSHM_BIND_NEW_FD: a new file of the device, opened as open(2) opens one
 * (rtshm_fop_open() runs; the caller's credentials are the ones STAT and
 * /proc/rtshm go by), bound, and given a descriptor only once the results
 * are back in user space, so a failed call leaves nothing behind.  No
 * permission check on the device node: the caller holds it open already.
 */
static void rtshm_pin_ns(struct rtshm_handle *h)
{
	struct rtshm_ns *ns;

	if (READ_ONCE(h->ns_pin))
		return;
	ns = rtshm_ns_get(NULL, true);
	if (IS_ERR(ns))
		return;		/* only a cache: the bind reports real errors */
	if (cmpxchg(&h->ns_pin, NULL, ns))
		rtshm_ns_put(ns);	/* another thread pinned it first */
}

static long rtshm_bind_new_file(struct file *file, unsigned int cmd,
				struct rtshm_bind *args, void __user *uarg,
				const char *name, const void *state)
{
	struct file *nf;
	int fd, ret;

	rtshm_pin_ns(file->private_data);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	nf = dentry_open(&file->f_path, file->f_flags & O_ACCMODE,
			 current_cred());
	if (IS_ERR(nf)) {
		ret = PTR_ERR(nf);
		goto put_fd;
	}
	ret = rtshm_bind_locked(nf->private_data, cmd, args, name, state);
	if (ret)
		goto put_file;
	if (copy_to_user(uarg, args, sizeof(*args))) {
		ret = -EFAULT;
		goto put_file;
	}
	fd_install(fd, nf);
	return fd;

put_file:
	fput(nf);
put_fd:
	put_unused_fd(fd);
	return ret;
}

static long rtshm_ioctl_bind(struct file *file, unsigned int cmd,
			     void __user *uarg)
{
	struct rtshm_bind args;
	void *state = NULL;
	char *name;
	long ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	ret = rtshm_check_bind(cmd, &args);
	if (ret)
		return ret;

	name = rtshm_name_from_user(args.name, args.name_len);
	if (IS_ERR(name))
		return PTR_ERR(name);
	if (args.state) {
		state = memdup_user(u64_to_user_ptr(args.state), args.size);
		if (IS_ERR(state)) {
			kfree(name);
			return PTR_ERR(state);
		}
	}
	if (args.flags & RTSHM_BIND_NEW_FD) {
		ret = rtshm_bind_new_file(file, cmd, &args, uarg, name, state);
		goto out;
	}
	ret = rtshm_bind_locked(file->private_data, cmd, &args, name, state);
	/*
	 * The handle is bound now; if the results cannot be written back the
	 * caller still owns a handle it can stat or close, as with any fd.
	 */
	if (!ret && copy_to_user(uarg, &args, sizeof(args)))
		ret = -EFAULT;
out:
	kfree(state);
	kfree(name);
	return ret;
}

static long rtshm_ioctl_stat(struct file *file, void __user *uarg)
{
	struct user_namespace *user_ns = current_user_ns();
	struct rtshm_handle *h = file->private_data;
	struct rtshm_seg *seg = rtshm_handle_seg(h);
	struct rtshm_entry *e;
	struct rtshm_stat *st;
	long ret = 0;

	if (!seg)
		return -ENOTCONN;
	st = kzalloc_obj(*st, GFP_KERNEL);
	if (!st)
		return -ENOMEM;

	e = &seg->e;
	/* like /proc/rtshm: the opener's credentials, no audit per call */
	if (file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		st->phys_addr = rtshm_seg_phys(seg);
	/* the name can change (catalog), so read it all under the lock */
	mutex_lock(&e->ns->lock);
	st->size = rtshm_entry_size(seg);
	st->id = e->id;
	st->type = e->type;
	st->flags = h->flags;
	if (!rtshm_type_is_sync(e->type) && !seg->pages)
		st->flags |= RTSHM_STAT_NO_PAGES;
	if (e->owned)
		st->flags |= RTSHM_STAT_OWNED;
	if (e->deleted)
		st->flags |= RTSHM_STAT_DELETED;
	st->mode = e->mode;
	st->uid = from_kuid_munged(user_ns, e->uid);
	st->gid = from_kgid_munged(user_ns, e->gid);
	st->creator_pid = pid_nr_ns(e->creator, task_active_pid_ns(current));
	st->handles = atomic_read(&e->handles);
	st->mappings = atomic_read(&seg->mappings);
	st->name_len = e->name_len;
	if (e->name)
		memcpy(st->name, e->name, e->name_len);
	st->serial = e->serial;
	st->tier = seg->tier;
	st->node = seg->node;
	mutex_unlock(&e->ns->lock);

	if (copy_to_user(uarg, st, sizeof(*st)))
		ret = -EFAULT;
	kfree(st);
	return ret;
}

/*
 * Where the bound segment's byte @offset is in physical memory, for a
 * program that hands it to a device; the same privilege as the phys_addr
 * of STAT.
 */
static long rtshm_ioctl_phys(struct file *file, void __user *uarg)
{
	struct rtshm_handle *h = file->private_data;
	struct rtshm_seg *seg = rtshm_handle_seg(h);
	struct rtshm_phys args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!rtshm_reserved_zero(args.reserved, ARRAY_SIZE(args.reserved)) ||
	    args.flags || args.pad || args.phys_addr || args.contig)
		return -EINVAL;
	if (!seg)
		return -ENOTCONN;
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	if (rtshm_type_is_sync(seg->e.type))
		return -EMEDIUMTYPE;
	if (args.offset >= rtshm_seg_size(seg))
		return -EINVAL;
	args.phys_addr = rtshm_seg_phys_at(seg, args.offset);
	args.contig = rtshm_seg_size(seg) - args.offset;
	if (copy_to_user(uarg, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

static long rtshm_ioctl_delete(struct rtshm_handle *h, void __user *uarg)
{
	struct rtshm_seg *seg = rtshm_handle_seg(h);
	struct rtshm_delete args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!rtshm_reserved_zero(args.reserved, ARRAY_SIZE(args.reserved)) ||
	    args.flags || args.pad)
		return -EINVAL;
	if (!seg)
		return -ENOTCONN;
	if (!(h->flags & RTSHM_BIND_WRITE))
		return -EPERM;
	return rtshm_entry_delete(&seg->e);
}

static long rtshm_ioctl_lookup(void __user *uarg)
{
	struct rtshm_lookup args;
	char *name;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!rtshm_reserved_zero(args.reserved, ARRAY_SIZE(args.reserved)) ||
	    args.flags & ~RTSHM_LOOKUP_FLAGS || args.serial || args.size ||
	    args.type || args.pad)
		return -EINVAL;
	/* a directory by id and serial, with a name, or nothing of it */
	if (args.flags & RTSHM_LOOKUP_DIR ?
	    !args.dir_id || !args.dir_serial || args.flags & RTSHM_LOOKUP_BY_ID :
	    args.dir_id || args.dir_serial)
		return -EINVAL;
	if (!(args.flags & RTSHM_LOOKUP_WAIT) && args.deadline_ns)
		return -EINVAL;
	if (args.flags & RTSHM_LOOKUP_BY_ID ?
	    args.name_len || !args.id || args.flags & RTSHM_LOOKUP_WAIT :
	    !args.name_len || args.id)
		return -EINVAL;

	name = rtshm_name_from_user(args.name, args.name_len);
	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = rtshm_lookup(&args, name);
	kfree(name);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

static long rtshm_ioctl_catalog(struct rtshm_handle *h, unsigned int cmd,
				void __user *uarg)
{
	struct rtshm_catalog args;
	char *name;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~RTSHM_CATALOG_DIR || args.pad || !args.name_len)
		return -EINVAL;
	if (args.flags & RTSHM_CATALOG_DIR ? !args.dir_id || !args.dir_serial :
					     args.dir_id || args.dir_serial)
		return -EINVAL;

	name = rtshm_name_from_user(args.name, args.name_len);
	if (IS_ERR(name))
		return PTR_ERR(name);
	if (cmd == RTSHM_IOC_CATALOG)
		ret = rtshm_catalog(h, &args, name);
	else
		ret = rtshm_uncatalog(&args, name);
	kfree(name);
	return ret;
}

static long rtshm_fop_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct rtshm_handle *h = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case RTSHM_IOC_GET_INFO:
		return rtshm_ioctl_get_info(uarg);
	case RTSHM_IOC_CREATE:
	case RTSHM_IOC_OPEN:
		return rtshm_ioctl_bind(file, cmd, uarg);
	case RTSHM_IOC_STAT:
		return rtshm_ioctl_stat(file, uarg);
	case RTSHM_IOC_LOOKUP:
		return rtshm_ioctl_lookup(uarg);
	case RTSHM_IOC_CATALOG:
	case RTSHM_IOC_UNCATALOG:
		return rtshm_ioctl_catalog(h, cmd, uarg);
	case RTSHM_IOC_PHYS:
		return rtshm_ioctl_phys(file, uarg);
	case RTSHM_IOC_DELETE:
		return rtshm_ioctl_delete(h, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations rtshm_fops = {
	.owner = THIS_MODULE,
	.open = rtshm_fop_open,
	.release = rtshm_fop_release,
	.unlocked_ioctl = rtshm_fop_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = rtshm_mmap,
#if RTSHM_HAVE_HUGE_PMD || RTSHM_HAVE_PFN_PMD
	/* 2 MiB-aligned where the file offset is, for huge entries (mmap.c) */
	.get_unmapped_area = thp_get_unmapped_area,
#endif
};

/*
 * World-accessible like /dev/shm: each segment carries its own owner and
 * mode.  A udev rule can narrow this to a group.
 */
static struct miscdevice rtshm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "rtshm",
	.fops = &rtshm_fops,
	.mode = 0666,
};

static int __init rtshm_init(void)
{
	int ret;

	rtshm_names_init();
	ret = rtshm_segments_init();
	if (ret)
		return ret;
	ret = rtshm_fs_init();
	if (ret)
		goto err_segments;
	ret = rtshm_pool_init();
	if (ret)
		goto err_fs;
	ret = rtshm_proc_init();
	if (ret)
		goto err_pool;
	ret = misc_register(&rtshm_misc);
	if (ret)
		goto err_proc;
	pr_info("ABI %u.%u, segments up to %llu bytes\n", RTSHM_ABI_MAJOR,
		RTSHM_ABI_MINOR, rtshm_max_segment_size());
	return 0;

err_proc:
	rtshm_proc_exit();
err_pool:
	rtshm_pool_exit();
err_fs:
	rtshm_fs_exit();
err_segments:
	rtshm_segments_exit();
	return ret;
}

static void __exit rtshm_exit(void)
{
	misc_deregister(&rtshm_misc);
	rtshm_proc_exit();
	/* a queued free may still be returning after its last fput() */
	rtshm_segments_exit();
	rtshm_pool_exit();
	rtshm_fs_exit();
	rtshm_names_exit();
	rtshm_quota_exit();
}

module_init(rtshm_init);
module_exit(rtshm_exit);

MODULE_DESCRIPTION("Named physically contiguous shared memory for real-time processes");
MODULE_AUTHOR("rtshm developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("1.0");
