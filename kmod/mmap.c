// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping segments into user space.
 *
 * Every page is inserted at mmap() time, so touching the memory afterwards
 * never page-faults: that is the real-time guarantee.  vm_insert_pages() is
 * used rather than remap_pfn_range() so the pages stay ordinary pages that
 * /proc/pid/pagemap, get_user_pages() and O_DIRECT understand.  That holds
 * for the contig tier too: alloc_contig_range() gives order-0 pages with a
 * reference each, as alloc_pages_exact() does.  The pool tier is memory the
 * kernel never managed (memmap=), without usable struct pages: it is mapped
 * by pfn, still all at mmap() time, as a VM_MIXEDMAP vma of special ptes
 * (not VM_PFNMAP, which /proc/pid/pagemap would not walk).  pagemap shows
 * its pfns; get_user_pages() and O_DIRECT do not work on it.
 *
 * Each vma holds a segment reference (vm_ops open/close).  The vma's file is
 * replaced by the segment's own file (segfs.c), the same for every mapping
 * through every handle, so closing the handle really drops the handle while
 * the mapping keeps the segment alive, and the pages' mapping is the one
 * the vma maps; that file also pins the module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "compat.h"
#include "rtshm_priv.h"

/* Pages handed to vm_insert_pages() per call; bounds the array on the heap. */
#define RTSHM_INSERT_BATCH	512

static unsigned long rtshm_pool_pfn(struct rtshm_seg *seg,
				    unsigned long pgoff)
{
	return PHYS_PFN(seg->phys) + pgoff;
}

static void rtshm_vm_open(struct vm_area_struct *vma)
{
	struct rtshm_seg *seg = vma->vm_private_data;

	rtshm_seg_get(seg);
	atomic_inc(&seg->mappings);
}

static void rtshm_vm_close(struct vm_area_struct *vma)
{
	struct rtshm_seg *seg = vma->vm_private_data;

	atomic_dec(&seg->mappings);
	rtshm_entry_put_unmap(&seg->e);
}

/*
 * Only reached when user space dropped the prefaulted entries itself
 * (madvise(MADV_DONTNEED)); give the page back rather than SIGBUS.
 */
static vm_fault_t rtshm_vm_fault(struct vm_fault *vmf)
{
	struct rtshm_seg *seg = vmf->vma->vm_private_data;

	if (vmf->pgoff >= seg->nr_pages)
		return VM_FAULT_SIGBUS;
	if (!seg->pages)
		return rtshm_vmf_insert_mixed(vmf->vma, vmf->address,
					rtshm_pool_pfn(seg, vmf->pgoff));
	vmf->page = rtshm_page_at(seg->pages, vmf->pgoff);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct rtshm_vm_ops = {
	.open = rtshm_vm_open,
	.close = rtshm_vm_close,
	.fault = rtshm_vm_fault,
};

/* Pool segments: every pfn now, as special ptes of a VM_MIXEDMAP vma. */
static int rtshm_insert_pfns(struct vm_area_struct *vma, struct rtshm_seg *seg)
{
	unsigned long addr, pgoff = vma->vm_pgoff;
	vm_fault_t vmf;

	rtshm_vm_flags_set(vma, VM_MIXEDMAP);
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		vmf = rtshm_vmf_insert_mixed(vma, addr,
					     rtshm_pool_pfn(seg, pgoff++));
		if (vmf != VM_FAULT_NOPAGE)
			return vmf == VM_FAULT_OOM ? -ENOMEM : -EFAULT;
		if (!(pgoff % RTSHM_INSERT_BATCH))
			cond_resched();
	}
	return 0;
}

static int rtshm_insert_all(struct vm_area_struct *vma, struct page *first)
{
	unsigned long left = vma_pages(vma);
	unsigned long addr = vma->vm_start;
	struct page **batch;
	int ret = 0;

	batch = kmalloc_array(min_t(unsigned long, left, RTSHM_INSERT_BATCH),
			      sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;

	while (left) {
		unsigned long n = min_t(unsigned long, left, RTSHM_INSERT_BATCH);
		unsigned long i, num = n;

		for (i = 0; i < n; i++)
			batch[i] = rtshm_page_at(first, i);
		ret = vm_insert_pages(vma, addr, batch, &num);
		if (ret)
			break;
		first = rtshm_page_at(first, n);
		addr += n << PAGE_SHIFT;
		left -= n;
		/* 512 batches for 1 GiB: a voluntary-preemption kernel needs a break */
		cond_resched();
	}
	kfree(batch);
	return ret;
}

int rtshm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct rtshm_seg *seg = rtshm_handle_seg(file->private_data);
	struct rtshm_handle *h = file->private_data;
	unsigned long pgoff = vma->vm_pgoff;
	int ret;

	if (!seg)
		return -ENOTCONN;
	/*
	 * A private copy-on-write view of shared memory has no use here.
	 * VM_MAYSHARE, not VM_SHARED: do_mmap() clears VM_SHARED for a
	 * MAP_SHARED mapping of a file opened read-only.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (pgoff >= seg->nr_pages || vma_pages(vma) > seg->nr_pages - pgoff)
		return -EINVAL;
	if (!(h->flags & RTSHM_BIND_WRITE)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		/* and mprotect() may never add write access later */
		rtshm_vm_flags_clear(vma, VM_MAYWRITE);
	}
	rtshm_vm_flags_set(vma, VM_DONTEXPAND);
	if (seg->state)
		return rtshm_state_mmap(seg->state, vma);

	vma_set_file(vma, seg->file);

	/* On failure mmap_region() zaps what was inserted. */
	if (seg->pages)
		ret = rtshm_insert_all(vma, rtshm_page_at(seg->pages, pgoff));
	else
		ret = rtshm_insert_pfns(vma, seg);
	if (ret)
		return ret;

	vma->vm_private_data = seg;
	vma->vm_ops = &rtshm_vm_ops;
	rtshm_vm_open(vma);
	return 0;
}
