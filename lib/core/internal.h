/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* librtshm internals: nothing here is part of the ABI. */
#ifndef RTSHM_LIB_INTERNAL_H
#define RTSHM_LIB_INTERNAL_H

#include <errno.h>
#include <pthread.h>

#include <linux/rtshm.h>

#define RTSHM_EXPORT __attribute__((visibility("default")))

/* Open /dev/rtshm (O_RDWR | O_CLOEXEC) after checking the module's ABI. */
int rtshm_dev_open(void);

/* ioctl() returning -errno, retried on EINTR. */
int rtshm_dev_ioctl(int fd, unsigned long cmd, void *arg);

/*
 * CREATE or OPEN (@cmd) of @b into a new handle: one ioctl on the process's
 * control file (RTSHM_BIND_NEW_FD), or with a module before 2.3 a file of
 * its own.  Return: the handle or -errno.
 */
struct rtshm_bind;
int rtshm_dev_bind(unsigned long cmd, struct rtshm_bind *b);

/* A command that works on any file of the device (LOOKUP, UNCATALOG). */
int rtshm_dev_command(unsigned long cmd, void *arg);

/*
 * Check a C-string name and store it as the kernel's (pointer, length).
 * NULL and "" give length 0.  Return: 0 or -ENAMETOOLONG.
 */
int rtshm_name_arg(const char *name, __u64 *ptr, __u32 *len);

/*
 * RTSHM_IOC_STAT of a handle: -EBADF for anything but a bound handle's
 * file (segment.c).  What rtshm_map() needs, without rtshm_stat()'s extra
 * module query.
 */
struct rtshm_stat;
int rtshm_stat_raw(int handle, struct rtshm_stat *st);

/* RTSHM_IOC_GET_INFO on any open file of the device (device.c). */
struct rtshm_info;
int rtshm_get_info(int fd, struct rtshm_info *info);

/*
 * The calling thread's last error, one slot for both APIs (error_slot.c):
 * RTX's GetLastError reads all 32 bits, INtime's GetLastRtError the low
 * 16, as INtime's RT side shares one value with its Win32 GetLastError.
 */
extern _Thread_local unsigned int rtshm_last_error;

/* What rtshm_mutex_init() (mutex_init.c) makes of a mutex. */
#define RTSHM_MUTEX_SHARED	0x1u	/* process-shared and robust */
#define RTSHM_MUTEX_PI		0x2u	/* priority inheritance */
#define RTSHM_MUTEX_RECURSIVE	0x4u

/* pthread_mutex_init() with the attributes of @flags; 0 or an errno. */
int rtshm_mutex_init(pthread_mutex_t *m, unsigned int flags);

#endif
