// SPDX-License-Identifier: GPL-2.0
/*
 * Owned objects (ABI 2.2): an object created with RTSHM_OWNED is deleted
 * with its creating handle or by rtshm_delete(), whatever other handles
 * exist, the way INtime deletes a process's objects with the process.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/rtshm.h>

#include "rtshm.h"
#include "harness.h"

/* A child and the pipes it talks to its parent through. */
struct watcher {
	int pid;
	int to_child[2];	/* parent -> child: go on */
	int to_parent[2];	/* child -> parent: a byte per step */
};

static void step(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(90);
}

static char wait_step(int fd)
{
	char c = 0;

	return read(fd, &c, 1) == 1 ? c : 0;
}

static uint32_t state_word(const void *page)
{
	return __atomic_load_n((const uint32_t *)((const char *)page +
						   RTSHM_SYNC_DELETED_OFFSET),
			       __ATOMIC_ACQUIRE);
}

TEST(owner_close_deletes_what_other_handles_still_hold)
{
	struct rtshm_seg_info info;
	struct rtshm_object_info oi;
	struct rtshm_result r;
	char *p;
	int owner, other;

	owner = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR | RTSHM_OWNED, 0600, &r));
	other = CHECK_OK(rtshm_open_serial(r.id, r.serial, RTSHM_RDWR, NULL));
	CHECK_OK(rtshm_map(other, 0, 4096, PROT_READ | PROT_WRITE, (void **)&p));
	CHECK_OK(rtshm_stat(other, &info));
	CHECK_EQ(info.owned, 1);
	CHECK_EQ(info.deleted, 0);
	p[0] = 'x';

	CHECK_OK(rtshm_close(owner));
	/* gone for everyone who would find it ... */
	CHECK_ERR(rtshm_open_serial(r.id, r.serial, RTSHM_RDWR, NULL), ENOENT);
	CHECK_ERR(rtshm_open_id(r.id, RTSHM_RDWR, NULL), ENOENT);
	CHECK_ERR(rtshm_describe_id(r.id, &oi), ENOENT);
	/* ... but what is held stays valid */
	CHECK_OK(rtshm_stat(other, &info));
	CHECK_EQ(info.deleted, 1);
	CHECK_EQ(info.handles, 1);
	CHECK_EQ(p[0], 'x');
	CHECK_ERR(rtshm_delete(other), ENOENT);
	CHECK_EQ(t_proc_segments(), 1);
	CHECK_OK(rtshm_close(other));
	CHECK_EQ(t_proc_segments(), 1);	/* the mapping holds it */
	CHECK_SYS(munmap(p, 4096));
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(named_owned_objects_need_excl_and_their_name_goes_first)
{
	const char *name = t_name("own");
	struct rtshm_result r;
	int owner, other, again;

	CHECK_ERR(rtshm_create(name, 4096, RTSHM_RDWR | RTSHM_OWNED, 0600, NULL), EINVAL);
	owner = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR | RTSHM_OWNED | RTSHM_EXCL,
				      0600, &r));
	other = CHECK_OK(rtshm_open(name, RTSHM_RDWR, NULL));
	CHECK_OK(rtshm_close(owner));
	CHECK_ERR(rtshm_open(name, RTSHM_RDWR, NULL), ENOENT);
	/* the name is free while the deleted object still has a handle */
	again = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_EQ(t_proc_segments(), 2);
	/* and a deleted object can never be named again */
	CHECK_ERR(rtshm_catalog(other, t_name("late")), ENOENT);
	rtshm_close(again);
	rtshm_close(other);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(delete_rules)
{
	struct rtshm_delete d;
	struct rtshm_result r;
	int plain, owner, ro, fd;

	plain = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_ERR(rtshm_delete(plain), EINVAL);		/* not owned */
	owner = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR | RTSHM_OWNED, 0644, &r));
	ro = CHECK_OK(rtshm_open_serial(r.id, r.serial, RTSHM_RDONLY, NULL));
	CHECK_ERR(rtshm_delete(ro), EPERM);
	CHECK_ERR(rtshm_delete(-1), EBADF);
	CHECK_ERR(rtshm_delete(0), EBADF);		/* not a handle */
	/* the UAPI's reserved fields must be zero */
	memset(&d, 0, sizeof(d));
	d.pad = 1;
	CHECK_SYSERR(ioctl(owner, RTSHM_IOC_DELETE, &d), EINVAL);
	memset(&d, 0, sizeof(d));
	d.reserved[1] = 1;
	CHECK_SYSERR(ioctl(owner, RTSHM_IOC_DELETE, &d), EINVAL);
	fd = CHECK_SYS(open("/dev/rtshm", O_RDWR | O_CLOEXEC));
	memset(&d, 0, sizeof(d));
	CHECK_SYSERR(ioctl(fd, RTSHM_IOC_DELETE, &d), ENOTCONN);
	close(fd);
	/* a read-write handle that is not the owner's may delete */
	CHECK_OK(rtshm_delete(owner));
	CHECK_ERR(rtshm_delete(owner), ENOENT);
	/* opening an owned object with RTSHM_OWNED is no takeover either */
	CHECK_ERR(rtshm_open(t_name("x"), RTSHM_RDWR | RTSHM_OWNED, NULL), EINVAL);
	rtshm_close(ro);
	rtshm_close(owner);
	rtshm_close(plain);
	CHECK_EQ(t_proc_segments(), 0);
}

/*
 * The case INtime needs: the owner is killed, and a process sleeping on
 * the object's state sees the deletion in the kernel's word.
 */
TEST(killed_owner_marks_the_state_page_of_its_sync_objects)
{
	struct rtshm_result r;
	uint32_t init[4] = { 1, 2, 3, 4 };
	int pid, h, report[2];
	void *page;

	CHECK_SYS(pipe(report));
	pid = fork();
	if (pid == 0) {
		h = rtshm_sync_create(NULL, RTSHM_OBJ_RT_SEMAPHORE, init, sizeof(init),
				      RTSHM_OWNED, 0600, &r);
		if (h < 0)
			_exit(80);
		if (write(report[1], &r, sizeof(r)) != sizeof(r))
			_exit(81);
		pause();
		_exit(0);
	}
	close(report[1]);	/* a child that failed ends the read */
	CHECK_EQ(read(report[0], &r, sizeof(r)), (long)sizeof(r));
	h = CHECK_OK(rtshm_sync_open_id(r.id, r.serial, RTSHM_OBJ_RT_SEMAPHORE, NULL));
	CHECK_ERR(rtshm_sync_open_id(r.id, r.serial, RTSHM_OBJ_MAILBOX, NULL), EMEDIUMTYPE);
	CHECK_ERR(rtshm_sync_open_id(r.id, r.serial + 1, RTSHM_OBJ_RT_SEMAPHORE, NULL), ENOENT);
	CHECK_OK(rtshm_map(h, 0, RTSHM_SYNC_STATE_BYTES, PROT_READ | PROT_WRITE, &page));
	CHECK_EQ(((uint32_t *)page)[3], 4);
	CHECK_EQ(state_word(page), 0);

	CHECK_SYS(kill(pid, SIGKILL));
	CHECK_EQ(t_wait(pid), 128 + SIGKILL);
	CHECK_EQ(state_word(page), RTSHM_SYNC_DELETED);
	CHECK_ERR(rtshm_sync_open_id(r.id, r.serial, RTSHM_OBJ_RT_SEMAPHORE, NULL), ENOENT);
	/* the rest of the page is as it was */
	CHECK_EQ(((uint32_t *)page)[0], 1);
	munmap(page, RTSHM_SYNC_STATE_BYTES);
	rtshm_close(h);
	CHECK_EQ(t_proc_segments(), 0);
}

/* An explicit delete sets the word as the owner's death does. */
TEST(delete_marks_the_state_page_in_every_mapping)
{
	uint32_t init = 7;
	void *a, *b;
	int owner, other;
	struct rtshm_result r;

	owner = CHECK_OK(rtshm_sync_create(NULL, RTSHM_OBJ_MAILBOX, &init, sizeof(init),
					   RTSHM_OWNED, 0600, &r));
	other = CHECK_OK(rtshm_sync_open_id(r.id, 0, RTSHM_OBJ_MAILBOX, NULL));
	CHECK_OK(rtshm_map(owner, 0, RTSHM_SYNC_STATE_BYTES, PROT_READ | PROT_WRITE, &a));
	CHECK_OK(rtshm_map(other, 0, RTSHM_SYNC_STATE_BYTES, PROT_READ | PROT_WRITE, &b));
	CHECK_OK(rtshm_delete(other));
	CHECK_EQ(state_word(a), RTSHM_SYNC_DELETED);
	CHECK_EQ(state_word(b), RTSHM_SYNC_DELETED);
	CHECK_EQ(*(uint32_t *)b, 7);
	/* the owner's close after a delete changes nothing more */
	rtshm_close(owner);
	CHECK_EQ(t_proc_segments(), 1);
	CHECK_EQ(state_word(b), RTSHM_SYNC_DELETED);
	/* a state page's mappings keep the page, not the object */
	rtshm_close(other);
	CHECK_EQ(t_proc_segments(), 0);
	CHECK_EQ(state_word(b), RTSHM_SYNC_DELETED);
	munmap(a, RTSHM_SYNC_STATE_BYTES);
	munmap(b, RTSHM_SYNC_STATE_BYTES);
}

/*
 * The owner is the open file, not the process: a child that inherited the
 * descriptor keeps the object alive after its parent closed its copy.
 */
TEST(owner_is_the_open_file_shared_across_fork)
{
	struct watcher w;
	struct rtshm_result r;
	struct rtshm_object_info oi;
	int owner;

	CHECK_SYS(pipe(w.to_parent));
	CHECK_SYS(pipe(w.to_child));
	owner = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR | RTSHM_OWNED, 0600, &r));
	w.pid = fork();
	if (w.pid == 0) {
		if (wait_step(w.to_child[0]) != 'g')
			_exit(70);
		/* still ours after the parent's close */
		if (rtshm_describe_id(r.id, &oi) || oi.serial != r.serial)
			_exit(71);
		rtshm_close(owner);
		step(w.to_parent[1], 'c');
		_exit(0);
	}
	CHECK_OK(rtshm_close(owner));
	step(w.to_child[1], 'g');
	CHECK_EQ(wait_step(w.to_parent[0]), 'c');
	CHECK_EQ(t_wait(w.pid), 0);
	CHECK_ERR(rtshm_describe_id(r.id, &oi), ENOENT);
	CHECK_EQ(t_proc_segments(), 0);
}
