// SPDX-License-Identifier: GPL-2.0
/*
 * RTSHM_BIND_NEW_FD (ABI 2.3): a create or an open on any file of the
 * device returns a new handle of its own, and the library makes every
 * handle that way on one control file.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/rtshm.h>

#include "rtshm.h"
#include "harness.h"

static int dev(int flags)
{
	return CHECK_SYS(open("/dev/rtshm", flags | O_CLOEXEC));
}

static struct rtshm_bind create_arg(const char *name, uint64_t size)
{
	struct rtshm_bind b;

	memset(&b, 0, sizeof(b));
	b.name = (uintptr_t)name;
	b.name_len = name ? strlen(name) : 0;
	b.size = size;
	b.type = RTSHM_TYPE_SHM;
	b.flags = RTSHM_BIND_WRITE | RTSHM_BIND_NEW_FD;
	b.mode = 0600;
	return b;
}

static struct rtshm_bind open_arg(const char *name, uint32_t flags)
{
	struct rtshm_bind b;

	memset(&b, 0, sizeof(b));
	b.name = (uintptr_t)name;
	b.name_len = strlen(name);
	b.type = RTSHM_TYPE_SHM;
	b.flags = flags | RTSHM_BIND_NEW_FD;
	return b;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	CHECK(d != NULL);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

/* Descriptors of /dev/rtshm this process holds. */
static int device_fds(void)
{
	struct stat dev_st, st;
	int fd, n = 0;

	CHECK_SYS(stat("/dev/rtshm", &dev_st));
	for (fd = 0; fd < 1024; fd++)
		if (!fstat(fd, &st) && S_ISCHR(st.st_mode) && st.st_rdev == dev_st.st_rdev)
			n++;
	return n;
}

static int is_unbound_device_file(int fd)
{
	struct rtshm_stat st;

	return ioctl(fd, RTSHM_IOC_STAT, &st) == -1 && errno == ENOTCONN;
}

TEST(new_fd_is_a_handle_of_its_own)
{
	const char *name = t_name("newfd");
	struct rtshm_bind b = create_arg(name, 8192);
	struct stat ctl_st, h_st;
	struct rtshm_stat st;
	int ctl = dev(O_RDWR), h, h2;
	char *w, *r;

	h = CHECK_SYS(ioctl(ctl, RTSHM_IOC_CREATE, &b));
	CHECK(h > ctl);
	CHECK_EQ(b.result, RTSHM_RESULT_CREATED);
	CHECK_EQ(b.size, 8192);
	CHECK(b.id >= RTSHM_ID_MIN);
	CHECK(fcntl(h, F_GETFD) & FD_CLOEXEC);
	CHECK_EQ(fcntl(h, F_GETFL) & O_ACCMODE, O_RDWR);
	CHECK_SYS(fstat(ctl, &ctl_st));
	CHECK_SYS(fstat(h, &h_st));
	CHECK_EQ(h_st.st_rdev, ctl_st.st_rdev);
	/* the file the call was made on is left unbound */
	CHECK(is_unbound_device_file(ctl));
	CHECK_SYS(ioctl(h, RTSHM_IOC_STAT, &st));
	CHECK_EQ(st.size, 8192);
	CHECK_EQ(st.id, b.id);

	w = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, h, 0);
	CHECK(w != MAP_FAILED);
	strcpy(w + 4096, "through the first handle");
	b = open_arg(name, 0);
	h2 = CHECK_SYS(ioctl(ctl, RTSHM_IOC_OPEN, &b));
	CHECK_EQ(b.result, 0);
	CHECK_EQ(b.size, 8192);
	r = mmap(NULL, 8192, PROT_READ, MAP_SHARED, h2, 0);
	CHECK(r != MAP_FAILED);
	CHECK(!strcmp(r + 4096, "through the first handle"));
	/* a read-only handle: no writable mapping */
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, h2, 0) == MAP_FAILED);

	munmap(w, 8192);
	munmap(r, 8192);
	close(h);
	CHECK_EQ(t_proc_segments(), 1);
	close(h2);
	CHECK_EQ(t_proc_segments(), 0);
	close(ctl);
}

TEST(a_bound_file_stays_bound_to_its_own_segment)
{
	struct rtshm_bind b = create_arg(NULL, 4096);
	struct rtshm_stat st;
	int ctl = dev(O_RDWR), h;

	b.flags &= ~RTSHM_BIND_NEW_FD;
	CHECK_SYS(ioctl(ctl, RTSHM_IOC_CREATE, &b));
	b = create_arg(NULL, 4096);
	b.flags &= ~RTSHM_BIND_NEW_FD;
	CHECK_SYSERR(ioctl(ctl, RTSHM_IOC_CREATE, &b), EBUSY);	/* bound once, as before */
	b = create_arg(NULL, 3 * 4096);
	h = CHECK_SYS(ioctl(ctl, RTSHM_IOC_CREATE, &b));
	CHECK_SYS(ioctl(ctl, RTSHM_IOC_STAT, &st));
	CHECK_EQ(st.size, 4096);
	CHECK_SYS(ioctl(h, RTSHM_IOC_STAT, &st));
	CHECK_EQ(st.size, 3 * 4096);
	CHECK_EQ(t_proc_segments(), 2);
	close(h);
	close(ctl);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(a_failed_call_leaves_no_descriptor)
{
	struct rtshm_bind *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct rtshm_bind b = open_arg(t_name("missing"), 0);
	int ctl = dev(O_RDWR), before;

	CHECK(ro != MAP_FAILED);
	before = open_fds();
	CHECK_SYSERR(ioctl(ctl, RTSHM_IOC_OPEN, &b), ENOENT);
	CHECK_EQ(open_fds(), before);

	/* bad fields are refused as without the flag */
	b = create_arg(NULL, 4096);
	b.id = 7;
	CHECK_SYSERR(ioctl(ctl, RTSHM_IOC_CREATE, &b), EINVAL);
	CHECK_EQ(open_fds(), before);

	/* results that cannot be written back: no handle, and so no segment */
	*ro = create_arg(t_name("rofault"), 4096);
	CHECK_SYS(mprotect(ro, 4096, PROT_READ));
	CHECK_SYSERR(ioctl(ctl, RTSHM_IOC_CREATE, ro), EFAULT);
	CHECK_EQ(open_fds(), before);
	CHECK_EQ(t_proc_segments(), 0);
	CHECK(is_unbound_device_file(ctl));
	close(ctl);
}

TEST(no_free_descriptor_is_emfile)
{
	struct rtshm_bind b = create_arg(NULL, 4096);
	struct rlimit rl, low;
	int ctl = dev(O_RDWR);

	CHECK_SYS(getrlimit(RLIMIT_NOFILE, &rl));
	low = rl;
	low.rlim_cur = open_fds();	/* every descriptor below it is taken */
	CHECK_SYS(setrlimit(RLIMIT_NOFILE, &low));
	CHECK_SYSERR(ioctl(ctl, RTSHM_IOC_CREATE, &b), EMFILE);
	CHECK_SYS(setrlimit(RLIMIT_NOFILE, &rl));	/* /proc/rtshm needs one */
	CHECK_EQ(t_proc_segments(), 0);
	close(ctl);
}

/* The new file has the access mode of the file the call was made on. */
TEST(a_read_only_control_file_makes_read_only_handles)
{
	const char *name = t_name("rdonly");
	struct rtshm_bind b = create_arg(name, 4096);
	int rw = dev(O_RDWR), ro = dev(O_RDONLY), h, hr;

	h = CHECK_SYS(ioctl(rw, RTSHM_IOC_CREATE, &b));
	b = open_arg(name, RTSHM_BIND_WRITE);
	hr = CHECK_SYS(ioctl(ro, RTSHM_IOC_OPEN, &b));
	CHECK_EQ(fcntl(hr, F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, hr, 0) == MAP_FAILED);
	CHECK_EQ(errno, EACCES);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, hr, 0) != MAP_FAILED);
	close(hr);
	close(h);
	close(ro);
	close(rw);
}

/* RTSHM_BIND_OWNED ties the object to the new file, not to the control file. */
TEST(an_owned_object_belongs_to_the_new_file)
{
	struct rtshm_bind b = create_arg(NULL, 4096);
	int ctl = dev(O_RDWR), h;
	uint32_t id;
	void *p;

	b.flags |= RTSHM_BIND_OWNED;
	h = CHECK_SYS(ioctl(ctl, RTSHM_IOC_CREATE, &b));
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, h, 0);
	CHECK(p != MAP_FAILED);
	CHECK_EQ(t_proc_segments(), 1);
	close(h);
	/* deleted with its handle; the mapping keeps only the memory */
	id = b.id;
	memset(&b, 0, sizeof(b));
	b.type = RTSHM_TYPE_SHM;
	b.flags = RTSHM_BIND_BY_ID | RTSHM_BIND_NEW_FD;
	b.id = id;
	CHECK_SYSERR(ioctl(ctl, RTSHM_IOC_OPEN, &b), ENOENT);
	munmap(p, 4096);
	CHECK_EQ(t_proc_segments(), 0);
	CHECK(is_unbound_device_file(ctl));
	close(ctl);
}

/* The library: every handle from one control file, and no other file kept. */
TEST(the_library_keeps_one_control_file)
{
	struct rtshm_object_info info;
	const char *name = t_name("ctl");
	int base, h[3], i;

	rtshm_control_close();
	base = device_fds();
	for (i = 0; i < 3; i++)
		h[i] = CHECK_OK(rtshm_create(i ? NULL : name, 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_EQ(device_fds(), base + 4);	/* three handles, one control file */
	CHECK_OK(rtshm_lookup(name, 0, &info));
	CHECK_EQ(device_fds(), base + 4);
	for (i = 0; i < 3; i++)
		rtshm_close(h[i]);
	CHECK_EQ(device_fds(), base + 1);
	CHECK_OK(rtshm_control_close());
	CHECK_EQ(device_fds(), base);
	CHECK_EQ(t_proc_segments(), 0);
}

/* A program that closes the control file behind the library's back. */
TEST(a_lost_control_file_is_replaced_not_closed)
{
	const char *name = t_name("lost");
	int h, h2, fd, ctl = -1, p[2];
	struct stat st;

	h = CHECK_OK(rtshm_create(name, 4096, RTSHM_RDWR, 0600, NULL));
	for (fd = 0; fd < 1024; fd++)
		if (fd != h && is_unbound_device_file(fd))
			ctl = fd;
	CHECK(ctl >= 0);
	/* a pipe on its number: no rtshm command reaches it, nor a close */
	CHECK_SYS(pipe2(p, O_CLOEXEC));
	CHECK_SYS(dup3(p[0], ctl, O_CLOEXEC));
	h2 = CHECK_OK(rtshm_open(name, RTSHM_RDWR, NULL));
	CHECK_SYS(fstat(ctl, &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_OK(rtshm_control_close());
	CHECK_SYS(fstat(ctl, &st));
	CHECK(S_ISFIFO(st.st_mode));
	rtshm_close(h2);
	rtshm_close(h);
	close(p[0]);
	close(p[1]);
	close(ctl);
}

/* fork(): the child makes handles on the control file it inherited. */
TEST(a_forked_child_shares_the_control_file)
{
	const char *name = t_name("forked");
	int before, h, pid;

	h = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	before = device_fds();
	pid = fork();
	if (pid == 0) {
		int c = rtshm_create(name, 4096, RTSHM_RDWR | RTSHM_EXCL, 0600, NULL);

		_exit(c >= 0 && device_fds() == before + 1 ? 0 : 1);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(t_proc_segments(), 1);		/* the child's went with it */
	CHECK_EQ(device_fds(), before);
	rtshm_close(h);
}
