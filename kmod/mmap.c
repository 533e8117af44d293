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
 * kernel never managed (memmap=), without struct pages: it is mapped by
 * pfn, still all at mmap() time, as a VM_MIXEDMAP vma of special ptes (not
 * VM_PFNMAP, which /proc/pid/pagemap would not walk).  pagemap shows its
 * pfns; get_user_pages(), O_DIRECT and shared futexes do not work on it.
 * Where the kernel has huge PFN maps (6.12 with THP), a pool segment
 * placed for them is mapped as a VM_PFNMAP | VM_IO vma instead, each
 * whole, aligned 2 MiB that the mapping lines up with by one special PMD,
 * made through the fault path as below (PR_SET_THP_DISABLE leaves 4 KiB
 * entries; THP's "never" does not apply to PFN maps); pagemap shows such a
 * mapping as not present.  A split PMD is zapped and mapped again 4 KiB
 * on first touch; fork() copies it.
 *
 * Contig segments in 2 MiB folios (alloc.c, on kernels that can map a
 * folio with one PMD) are mapped with one huge entry per folio where the
 * mapping's address lines up with it (the device's get_unmapped_area sees
 * to that), still all at mmap() time, and the rest with 4 KiB entries.
 * Such a vma is not VM_MIXEDMAP: the kernel does not give back the folio
 * reference of a huge entry it splits in a VM_MIXEDMAP vma (munmap() or
 * mprotect() of part of it), so vm_insert_pages() is not used there and
 * every entry is made through the fault path, the only exported way to
 * get the page-table level a huge entry lives in.  Its entries are
 * ordinary folio entries: GUP, O_DIRECT and shared futexes work in them.
 * A split huge entry's memory is mapped again by the fault handler, 4 KiB
 * on first touch; a forked child's, which fork() does not copy for a
 * vma that can fault them back, likewise, 2 MiB on first touch.
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
	if (!seg->pages && (vmf->vma->vm_flags & VM_PFNMAP))
		return vmf_insert_pfn(vmf->vma, vmf->address,
				      rtshm_pool_pfn(seg, vmf->pgoff));
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

#if RTSHM_HAVE_HUGE_PMD || RTSHM_HAVE_PFN_PMD
/* Whether the 2 MiB of @vma from @addr lie inside it, aligned. */
static bool rtshm_pmd_inside(struct vm_area_struct *vma, unsigned long addr)
{
	return IS_ALIGNED(addr, HPAGE_PMD_SIZE) && addr >= vma->vm_start &&
		vma->vm_end - addr >= HPAGE_PMD_SIZE;
}

#if RTSHM_HAVE_HUGE_PMD
/* The PMD folio for the 2 MiB of @vma from @addr, or NULL if none lines up. */
static struct folio *rtshm_pmd_folio_at(struct vm_area_struct *vma,
					unsigned long addr)
{
	struct rtshm_seg *seg = vma->vm_private_data;
	struct page *page;

	if (!seg->pages || !rtshm_pmd_inside(vma, addr))
		return NULL;
	page = rtshm_page_at(seg->pages, linear_page_index(vma, addr));
	if (!PageHead(page) || folio_order(page_folio(page)) != HPAGE_PMD_ORDER)
		return NULL;
	return page_folio(page);
}
#endif

/* The first of the 2 MiB of pool pfns @vma maps from @addr, or 0 if none line up. */
static unsigned long rtshm_pmd_pfn_at(struct vm_area_struct *vma,
				      unsigned long addr)
{
	struct rtshm_seg *seg = vma->vm_private_data;
	unsigned long pfn;

	if (seg->pages || !rtshm_pmd_inside(vma, addr))
		return 0;
	pfn = rtshm_pool_pfn(seg, linear_page_index(vma, addr));
	return IS_ALIGNED(pfn, HPAGE_PMD_NR) ? pfn : 0;
}

/* Whether the 2 MiB of @vma from @addr can be one entry. */
static bool rtshm_pmd_lines_up(struct vm_area_struct *vma, unsigned long addr)
{
#if RTSHM_HAVE_HUGE_PMD
	if (rtshm_pmd_folio_at(vma, addr))
		return true;
#endif
	return rtshm_pmd_pfn_at(vma, addr);
}

static vm_fault_t rtshm_vm_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	unsigned long addr = vmf->address & HPAGE_PMD_MASK;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	unsigned long pfn;

	if (order != HPAGE_PMD_ORDER)
		return VM_FAULT_FALLBACK;
#if RTSHM_HAVE_HUGE_PMD
	{
		struct folio *folio = rtshm_pmd_folio_at(vmf->vma, addr);

		if (folio)
			return vmf_insert_folio_pmd(vmf, folio, write);
	}
#endif
	pfn = rtshm_pmd_pfn_at(vmf->vma, addr);
	if (!pfn)
		return VM_FAULT_FALLBACK;
	return rtshm_vmf_insert_pfn_pmd(vmf, pfn, write);
}

static const struct vm_operations_struct rtshm_vm_huge_ops = {
	.open = rtshm_vm_open,
	.close = rtshm_vm_close,
	.fault = rtshm_vm_fault,
	.huge_fault = rtshm_vm_huge_fault,
};

/* Whether @addr of @mm is mapped by a huge PMD; mmap_lock held. */
static bool rtshm_pmd_mapped(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;

	if (pgd_none(pgdp_get(pgd)))
		return false;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(p4dp_get(p4d)))
		return false;
	pud = pud_offset(p4d, addr);
	if (pud_none(pudp_get(pud)) || pud_leaf(pudp_get(pud)))
		return false;
	return pmd_leaf(pmdp_get(pmd_offset(pud, addr)));
}

/*
 * Every entry of a vma with huge entries, through the fault path: a huge
 * one where 2 MiB lines up, 4 KiB ones elsewhere and in a process that
 * disabled THP (PR_SET_THP_DISABLE; the machine-wide "never" does not stop
 * a driver's folio or PFN map).  Not counted as the task's faults.
 */
static int rtshm_prefault(struct vm_area_struct *vma)
{
	unsigned int flags = vma->vm_flags & VM_WRITE ? FAULT_FLAG_WRITE : 0;
	unsigned long addr = vma->vm_start, n = 0;
	vm_fault_t ret;

	while (addr < vma->vm_end) {
		bool huge = rtshm_pmd_lines_up(vma, addr);

		ret = handle_mm_fault(vma, addr, flags, NULL);
		if (ret & VM_FAULT_ERROR)
			return ret & VM_FAULT_OOM ? -ENOMEM : -EFAULT;
		if (huge && rtshm_pmd_mapped(vma->vm_mm, addr))
			addr += HPAGE_PMD_SIZE;
		else
			addr += PAGE_SIZE;
		if (!(++n % RTSHM_INSERT_BATCH))
			cond_resched();
	}
	return 0;
}

static int rtshm_mmap_huge(struct vm_area_struct *vma, struct rtshm_seg *seg)
{
	int ret;

	rtshm_vm_flags_set(vma, VM_HUGEPAGE);	/* for THP "madvise" */
	vma->vm_private_data = seg;
	vma->vm_ops = &rtshm_vm_huge_ops;
	ret = rtshm_prefault(vma);
	if (ret)
		return ret;
	rtshm_vm_open(vma);
	return 0;
}
#endif

/* Pool segments with 4 KiB entries: every pfn now, as special ptes. */
static int rtshm_insert_pfns(struct vm_area_struct *vma, struct rtshm_seg *seg)
{
	unsigned long addr, pgoff = vma->vm_pgoff;
	vm_fault_t vmf;

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
#if RTSHM_HAVE_HUGE_PMD
	if (seg->pmd_folios)
		return rtshm_mmap_huge(vma, seg);
#endif
#if RTSHM_HAVE_PFN_PMD
	/*
	 * Huge pool entries need VM_PFNMAP, as vfio's do: much of mm (GUP's
	 * slow path, pagemap and MADV_COLD on 6.12) takes the page of a
	 * leaf PMD in a VM_MIXEDMAP vma to exist, and the pool has none.
	 */
	if (seg->pmd_pfns) {
		rtshm_vm_flags_set(vma, VM_PFNMAP | VM_IO);
		return rtshm_mmap_huge(vma, seg);
	}
#endif
	if (seg->pages) {
		ret = rtshm_insert_all(vma, rtshm_page_at(seg->pages, pgoff));
	} else {
		rtshm_vm_flags_set(vma, VM_MIXEDMAP);
		ret = rtshm_insert_pfns(vma, seg);
	}
	if (ret)
		return ret;

	vma->vm_private_data = seg;
	vma->vm_ops = &rtshm_vm_ops;
	rtshm_vm_open(vma);
	return 0;
}
