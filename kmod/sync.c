// SPDX-License-Identifier: GPL-2.0
/*
 * State pages of events, mutexes and semaphores.
 *
 * The kernel does not interpret them: librtshm keeps futex words there and
 * waits with futex(2), which gives mutexes priority inheritance
 * (FUTEX_LOCK_PI) and owner-death (robust lists) from the kernel's own,
 * well-tested code.  What the module adds is what futexes lack: a typed
 * name in the namespace shared with segments, permissions, IPC-namespace
 * scoping, a lifetime tied to handles, and an initial state that is in
 * place before any other process can open the object.
 *
 * Futexes shared between processes need a page with a mapping, which a
 * segment's driver-owned pages lack, so each object is a one-page
 * kernel-internal shmem file, as SysV shared memory is, marked unevictable
 * so a real-time waiter never has to fault it back in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>

#include "compat.h"
#include "rtshm_priv.h"

static_assert(RTSHM_SYNC_STATE_SIZE <= PAGE_SIZE);
static_assert(RTSHM_STATE_DELETED_OFFSET + sizeof(u32) == RTSHM_SYNC_STATE_SIZE);

/* A new state page holding @len bytes of @state, the rest zero. */
struct file *rtshm_state_new(const void *state, size_t len)
{
	struct file *file;
	struct page *page;

	file = rtshm_shmem_kernel_file_noreserve("rtshm-sync", PAGE_SIZE);
	if (IS_ERR(file))
		return file;
	mapping_set_unevictable(file->f_mapping);
	page = shmem_read_mapping_page(file->f_mapping, 0);
	if (IS_ERR(page)) {
		fput(file);
		return ERR_CAST(page);
	}
	memcpy_to_page(page, 0, state, len);
	set_page_dirty(page);
	put_page(page);
	return file;
}

/*
 * Map the state page (the caller checked the range: one page at offset 0).
 * The vma becomes a mapping of the shmem file, as shmat() does, so the
 * futex code finds the page by inode in every process.
 */
int rtshm_state_mmap(struct file *state, struct vm_area_struct *vma)
{
	vma_set_file(vma, state);
	return vfs_mmap(state, vma);
}

/*
 * Tell the object's waiters it is gone: they sleep with timeouts and look
 * at the word, as the module has no way to wake a futex.
 */
void rtshm_state_mark_deleted(struct file *state)
{
	struct page *page;
	u32 *word;

	page = shmem_read_mapping_page(state->f_mapping, 0);
	/* the page is unevictable and in the page cache: only a bug fails */
	if (WARN_ON_ONCE(IS_ERR(page)))
		return;
	word = kmap_local_page(page) + RTSHM_STATE_DELETED_OFFSET;
	WRITE_ONCE(*word, RTSHM_STATE_DELETED);
	kunmap_local(word);
	set_page_dirty(page);
	put_page(page);
}
