// SPDX-License-Identifier: GPL-2.0
/*
 * One file per segment, on a private pseudo filesystem.
 *
 * Every mapping of a segment, through any handle and in any process, maps
 * the segment's own file, and each page belongs to that file's address
 * space at the index of its offset.  That is what the kernel keys shared
 * futexes on (get_futex_key(): the page's mapping->host and index), so
 * process-shared pthread mutexes, condition variables and semaphores work
 * in segment memory; and rmap walks (memory_failure(), i_mmap) find every
 * mapper through the one inode.
 *
 * The pages stay the driver's: they never enter the page cache's xarray or
 * the LRU, so reclaim, compaction and migration never see them; the mapping
 * is marked unevictable and refuses migration in any case.  A page joins
 * the address space after it was zeroed and leaves it before it goes back
 * to the allocator, which insists on a NULL ->mapping.  Pool memory has no
 * struct pages to attach: its mappings use the file too, but futexes, GUP
 * and O_DIRECT do not work there (RTSHM_STAT_NO_PAGES).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/migrate.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>

#include "compat.h"
#include "rtshm_priv.h"

#define RTSHM_FS_MAGIC	0x7273686d	/* "rshm" */

static struct vfsmount *rtshm_mnt;

/* What /proc/PID/maps shows for a segment mapping (as before: "[rtshm]"). */
static char *rtshm_fs_dname(struct dentry *dentry, char *buf, int buflen)
{
	static const char name[] = "[rtshm]";

	if (buflen < (int)sizeof(name))
		return ERR_PTR(-ENAMETOOLONG);
	return memcpy(buf + buflen - sizeof(name), name, sizeof(name));
}

static const struct dentry_operations rtshm_fs_dops = {
	.d_dname = rtshm_fs_dname,
};

static int rtshm_fs_init_fs_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, RTSHM_FS_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->dops = &rtshm_fs_dops;
	return 0;
}

/* Never registered: only kern_mount() below can mount it, as with dma-buf. */
static struct file_system_type rtshm_fs_type = {
	.name = "rtshm",
	.init_fs_context = rtshm_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

/* The pages are pinned in place for the segment's life. */
static int rtshm_migrate_folio(struct address_space *mapping,
			       struct folio *dst, struct folio *src,
			       enum migrate_mode mode)
{
	return -EBUSY;
}

/*
 * dirty_folio: unmapping a written page marks it dirty through the
 * mapping; there is nothing to write back.
 */
static const struct address_space_operations rtshm_aops = {
	.dirty_folio = noop_dirty_folio,
	.migrate_folio = rtshm_migrate_folio,
};

/*
 * The file is never handed to user space as such (only mapped), so it has
 * no operations; its owner keeps the module loaded while any mapping
 * exists, the reference being dropped by __fput() after our code returned.
 */
static const struct file_operations rtshm_seg_fops = {
	.owner = THIS_MODULE,
};

/*
 * Folio by folio: a 2 MiB folio of the contig tier (alloc.c) carries the
 * mapping and the index of its first page for all of its pages.
 */
static void rtshm_seg_pages_attach(struct rtshm_seg *seg,
				   struct address_space *mapping)
{
	unsigned long i, n;

	for (i = 0; i < seg->nr_pages; i += n) {
		struct folio *folio = page_folio(rtshm_page_at(seg->pages, i));

		n = folio_nr_pages(folio);
		folio->index = i;
		WRITE_ONCE(folio->mapping, mapping);
		/* 262 144 pages for 1 GiB: let a voluntary-preemption kernel breathe */
		if (!(i % 4096))
			cond_resched();
	}
}

static void rtshm_seg_pages_detach(struct rtshm_seg *seg)
{
	unsigned long i, n;

	for (i = 0; i < seg->nr_pages; i += n) {
		struct folio *folio = page_folio(rtshm_page_at(seg->pages, i));

		n = folio_nr_pages(folio);
		WRITE_ONCE(folio->mapping, NULL);
		folio->index = 0;
		if (!(i % 4096))
			cond_resched();
	}
}

/* The segment's file, its pages attached at their offsets. */
int rtshm_seg_file_new(struct rtshm_seg *seg)
{
	struct inode *inode;
	struct file *file;

	inode = alloc_anon_inode(rtshm_mnt->mnt_sb);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	inode->i_size = rtshm_seg_size(seg);
	inode->i_mapping->a_ops = &rtshm_aops;
	mapping_set_unevictable(inode->i_mapping);

	/* the file's module reference, which its last fput() drops */
	__module_get(THIS_MODULE);
	file = alloc_file_pseudo(inode, rtshm_mnt, "rtshm", O_RDWR,
				 &rtshm_seg_fops);
	if (IS_ERR(file)) {
		module_put(THIS_MODULE);
		iput(inode);
		return PTR_ERR(file);
	}
	if (seg->pages)
		rtshm_seg_pages_attach(seg, file->f_mapping);
	seg->file = file;
	return 0;
}

/*
 * Before the memory is freed: no vma maps it any more (each holds a segment
 * reference), so only GUP references (a pipe, I/O in flight) can remain,
 * and those put_page() a page that no longer claims a mapping.
 */
void rtshm_seg_file_detach(struct rtshm_seg *seg)
{
	if (seg->pages)
		rtshm_seg_pages_detach(seg);
}

/* After the memory was freed. */
void rtshm_seg_file_put(struct rtshm_seg *seg)
{
	fput(seg->file);
	seg->file = NULL;
}

int rtshm_fs_init(void)
{
	rtshm_mnt = kern_mount(&rtshm_fs_type);
	return PTR_ERR_OR_ZERO(rtshm_mnt);
}

void rtshm_fs_exit(void)
{
	kern_unmount(rtshm_mnt);
}
