/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version differences, kept in one place so the rest of the module
 * reads as if written for the newest kernel of tests/kernels.list: each
 * wrapper carries the newest interface's shape and maps it onto what older
 * kernels have.  This is the only file that tests LINUX_VERSION_CODE or
 * probes for symbols.  Where a macro can be probed it is, since a probe
 * cannot be wrong about a backport (bookworm's sparse has no __has_include,
 * so headers are not probed); version numbers marked (est.) were only
 * checked to fall between the matrix kernels they separate.
 */
#ifndef _RTSHM_COMPAT_H
#define _RTSHM_COMPAT_H

#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/version.h>
#if KERNEL_VERSION(6, 17, 0) > LINUX_VERSION_CODE
#include <linux/pfn_t.h>
#endif

/* vm_flags became write-protected behind helpers in 6.3. */
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
static inline void rtshm_vm_flags_set(struct vm_area_struct *vma,
				      unsigned long flags)
{
	vma->vm_flags |= flags;
}

static inline void rtshm_vm_flags_clear(struct vm_area_struct *vma,
					unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#else
#define rtshm_vm_flags_set	vm_flags_set
#define rtshm_vm_flags_clear	vm_flags_clear
#endif

/*
 * Largest block the page allocator hands out.  MAX_ORDER was exclusive
 * before 6.4 and inclusive (later MAX_PAGE_ORDER) after.
 */
#if defined(MAX_PAGE_ORDER)
#define RTSHM_MAX_ALLOC_ORDER	MAX_PAGE_ORDER
#elif KERNEL_VERSION(6, 4, 0) <= LINUX_VERSION_CODE
#define RTSHM_MAX_ALLOC_ORDER	MAX_ORDER
#else
#define RTSHM_MAX_ALLOC_ORDER	(MAX_ORDER - 1)
#endif

/*
 * Identity of an IPC namespace that stays unique while we hold it.
 * put_ipc_ns() is not exported, so the namespace itself cannot be pinned.
 * Its mqueue mount can (mntget), and a pinned mount can never be handed to a
 * new namespace, so an orphaned segment of a dead namespace can never
 * appear in a later namespace that reuses the same address.
 */
#ifdef CONFIG_POSIX_MQUEUE
static inline struct vfsmount *rtshm_ipc_key(struct ipc_namespace *ipc)
{
	return ipc->mq_mnt;
}
#else
#error "rtshm needs CONFIG_POSIX_MQUEUE to identify IPC namespaces"
#endif

/*
 * vmf_insert_mixed() takes a plain pfn since pfn_t went away in 6.17
 * (est.); older kernels want it wrapped.
 */
#if KERNEL_VERSION(6, 17, 0) > LINUX_VERSION_CODE
static inline vm_fault_t rtshm_vmf_insert_mixed(struct vm_area_struct *vma,
						unsigned long addr,
						unsigned long pfn)
{
	return vmf_insert_mixed(vma, addr, pfn_to_pfn_t(pfn));
}
#else
#define rtshm_vmf_insert_mixed	vmf_insert_mixed
#endif

/*
 * alloc_contig_range() takes acr_flags_t instead of a migratetype since
 * 6.16 (est.); ACR_FLAGS_NONE is the plain request, MIGRATE_MOVABLE was.
 */
#ifdef ACR_FLAGS_NONE
#define rtshm_alloc_contig_range(start, end, gfp) \
	alloc_contig_range(start, end, ACR_FLAGS_NONE, gfp)
#else
#define rtshm_alloc_contig_range(start, end, gfp) \
	alloc_contig_range(start, end, MIGRATE_MOVABLE, gfp)
#endif

/*
 * Huge entries that stay ordinary pages, so that GUP, O_DIRECT and shared
 * futexes keep working in them: vmf_insert_folio_pmd() (6.15, est.) maps a
 * folio of PMD order with a normal, refcounted PMD, and
 * alloc_contig_frozen_range() (7.0, est.) claims a range as such a folio.
 * Before, a huge entry could only map a pfn, which GUP does not follow, so
 * older kernels keep 4 KiB entries.  Without THP there is no huge PMD.
 */
#if KERNEL_VERSION(7, 0, 0) <= LINUX_VERSION_CODE && \
	defined(CONFIG_TRANSPARENT_HUGEPAGE) && defined(CONFIG_CONTIG_ALLOC)
#define RTSHM_HAVE_HUGE_PMD	1

/* Claim the PMD-aligned pfns from @pfn as one folio, with one reference. */
static inline int rtshm_alloc_contig_pmd_folio(unsigned long pfn, gfp_t gfp)
{
	int ret = alloc_contig_frozen_range(pfn, pfn + HPAGE_PMD_NR,
					    ACR_FLAGS_NONE, gfp | __GFP_COMP);

	if (!ret)
		folio_ref_unfreeze(pfn_folio(pfn), 1);
	return ret;
}
#else
#define RTSHM_HAVE_HUGE_PMD	0
#endif

/*
 * A pfn range mapped by one special PMD: the huge PFN maps of 6.12
 * (CONFIG_ARCH_SUPPORTS_PMD_PFNMAP, which is also what gives a PMD the
 * special bit that tells the kernel there is no folio behind it).  6.1 has
 * no such bit and no huge faults in VM_MIXEDMAP vmas.  vmf_insert_pfn_pmd()
 * takes a plain pfn since pfn_t went away in 6.17 (est.).
 */
#if defined(CONFIG_TRANSPARENT_HUGEPAGE) && \
	defined(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP)
#define RTSHM_HAVE_PFN_PMD	1
#if KERNEL_VERSION(6, 17, 0) > LINUX_VERSION_CODE
static inline vm_fault_t rtshm_vmf_insert_pfn_pmd(struct vm_fault *vmf,
						  unsigned long pfn,
						  bool write)
{
	return vmf_insert_pfn_pmd(vmf, pfn_to_pfn_t(pfn), write);
}
#else
#define rtshm_vmf_insert_pfn_pmd	vmf_insert_pfn_pmd
#endif
#else
#define RTSHM_HAVE_PFN_PMD	0
#endif

/* call_mmap() was renamed vfs_mmap() in 6.17 (est.). */
#if KERNEL_VERSION(6, 17, 0) > LINUX_VERSION_CODE
#define vfs_mmap	call_mmap
#endif

/*
 * A kernel-internal shmem file (S_PRIVATE: no LSM checks, never reached
 * through a path).  shmem_kernel_file_setup() is exported since 6.12 (est.;
 * 6.1 lacks the export), before that the flag is set by hand as it would
 * have set it.  Both take vma_flags_t instead of VM_* bits since 7.0
 * (est.).  Only VM_NORESERVE is ever asked for.
 */
#if KERNEL_VERSION(7, 0, 0) <= LINUX_VERSION_CODE
static inline struct file *rtshm_shmem_kernel_file_noreserve(const char *name,
							     loff_t size)
{
	return shmem_kernel_file_setup(name, size,
				       mk_vma_flags(VMA_NORESERVE_BIT));
}
#elif KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
static inline struct file *rtshm_shmem_kernel_file_noreserve(const char *name,
							     loff_t size)
{
	return shmem_kernel_file_setup(name, size, VM_NORESERVE);
}
#else
static inline struct file *rtshm_shmem_kernel_file_noreserve(const char *name,
							     loff_t size)
{
	struct file *file = shmem_file_setup(name, size, VM_NORESERVE);

	if (!IS_ERR(file))
		file_inode(file)->i_flags |= S_PRIVATE;
	return file;
}
#endif

/* Typed allocation helpers (kzalloc_obj() and friends) arrived in 7.0 (est.). */
#ifndef kzalloc_obj
#define kzalloc_obj(obj, gfp)					\
	({ typeof(obj) *__rtshm_obj = kzalloc(sizeof(obj), gfp); __rtshm_obj; })
#endif

#endif /* _RTSHM_COMPAT_H */
