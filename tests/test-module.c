// SPDX-License-Identifier: GPL-2.0
/* rmmod is refused while handles or mappings exist; a reload starts clean. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define MODULE_PATH "/lib/modules/rtshm.ko"

/* The library's control file would keep the module: only handles and mappings may. */
static int rmmod(void)
{
	rtshm_control_close();
	return (int)syscall(SYS_delete_module, "rtshm", O_NONBLOCK);
}

static void insmod(void)
{
	int fd = CHECK_SYS(open(MODULE_PATH, O_RDONLY | O_CLOEXEC));

	CHECK_SYS(syscall(SYS_finit_module, fd, "", 0));
	close(fd);
}

TEST(rmmod_refused_while_in_use)
{
	struct stat st;
	void *p;
	int h;

	h = CHECK_OK(rtshm_create(t_name("busy"), 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_SYSERR(rmmod(), EWOULDBLOCK);

	/* a mapping without a handle pins the module too */
	CHECK_OK(rtshm_map(h, 0, 0, PROT_READ, &p));
	CHECK_OK(rtshm_close(h));
	CHECK_SYSERR(rmmod(), EWOULDBLOCK);
	CHECK_EQ(t_proc_segments(), 1);

	/* an unbound handle pins it as well */
	CHECK_OK(rtshm_unmap(p, 4096));
	h = CHECK_SYS(open("/dev/rtshm", O_RDWR | O_CLOEXEC));
	CHECK_SYSERR(rmmod(), EWOULDBLOCK);
	close(h);

	/* and so does the library's control file, until it is let go */
	CHECK_ERR(rtshm_open(t_name("none"), 0, NULL), ENOENT);
	CHECK_SYSERR(syscall(SYS_delete_module, "rtshm", O_NONBLOCK), EWOULDBLOCK);
	CHECK_OK(rtshm_control_close());
	CHECK_OK(rtshm_control_close());	/* none: nothing to do */

	CHECK_SYS(rmmod());
	CHECK_SYSERR(stat("/proc/rtshm", &st), ENOENT);
	CHECK_ERR(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL), ENOENT);
	CHECK_ERR(rtshm_module_info(&(struct rtshm_module_info){ 0 }), ENOENT);

	insmod();
	CHECK_EQ(t_proc_segments(), 0);
	h = CHECK_OK(rtshm_create(t_name("after"), 4096, RTSHM_RDWR, 0600, NULL));
	rtshm_close(h);
}

TEST(reload_cycles_leave_nothing)
{
	int i, h;

	for (i = 0; i < 5; i++) {
		h = CHECK_OK(rtshm_create(t_name("cycle"), 1 << 20, RTSHM_RDWR, 0600, NULL));
		rtshm_close(h);
		CHECK_SYS(rmmod());
		insmod();
	}
	CHECK_EQ(t_proc_segments(), 0);
}

/* A reload reuses ids from 1, but never serials: a kept pair reaches nothing. */
TEST(serials_do_not_repeat_after_reload)
{
	struct rtshm_result before, after;
	int h;

	CHECK_SYS(rmmod());
	insmod();
	h = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &before));
	rtshm_close(h);
	CHECK_SYS(rmmod());
	insmod();
	h = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &after));
	CHECK_EQ(after.id, before.id);	/* each fresh module starts ids over */
	CHECK(after.serial != before.serial);
	CHECK_ERR(rtshm_open_serial(before.id, before.serial, RTSHM_RDONLY, NULL), ENOENT);
	rtshm_close(CHECK_OK(rtshm_open_serial(after.id, after.serial, RTSHM_RDONLY, NULL)));
	rtshm_close(h);
}
