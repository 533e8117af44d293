// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's one way to make a mutex: every lock a real-time thread can
 * wait on inherits priority, and every lock in a segment is process-shared
 * and robust, so a dead holder is reported rather than waited for.
 */
#include <pthread.h>

#include "internal.h"

int rtshm_mutex_init(pthread_mutex_t *m, unsigned int flags)
{
	pthread_mutexattr_t a;
	int ret;

	ret = pthread_mutexattr_init(&a);
	if (ret)
		return ret;
	if (flags & RTSHM_MUTEX_SHARED) {
		ret = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
		if (!ret)
			ret = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	}
	if (!ret && (flags & RTSHM_MUTEX_PI))
		ret = pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	if (!ret && (flags & RTSHM_MUTEX_RECURSIVE))
		ret = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	if (!ret)
		ret = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return ret;
}
