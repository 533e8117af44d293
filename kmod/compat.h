/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version differences, kept in one place so the rest of the module
 * reads as if written for a single kernel.  This is the only file that
 * tests LINUX_VERSION_CODE (an out-of-tree module must build on several).
 */
#ifndef _RTSHM_COMPAT_H
#define _RTSHM_COMPAT_H

#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/version.h>

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

#endif /* _RTSHM_COMPAT_H */
