// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The INtime layer's process-local table locks, and what fork() does with
 * them.  Each is held only for short table work, but a fork() by another
 * thread at that moment would leave the child's copy held for ever: a
 * child that then used a mailbox or semaphore hung (seen in the mailbox
 * stress test on 7.3-rt).  So fork() takes them all first, in one order,
 * and parent and child both release them.  The NTX handle lock comes
 * first: a record stays locked across the mapping work of ntx_map.c; the
 * others are leaves.
 */
#include <pthread.h>

#include "intime.h"

pthread_mutex_t intime_ntx_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t intime_rt_memory_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t intime_rtsem_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t intime_mbx_lock = PTHREAD_MUTEX_INITIALIZER;

static pthread_mutex_t *const intime_locks[] = {
	&intime_ntx_lock, &intime_rt_memory_lock, &intime_rtsem_lock,
	&intime_mbx_lock,
};

#define INTIME_NLOCKS (sizeof(intime_locks) / sizeof(intime_locks[0]))

static void intime_locks_take(void)
{
	for (size_t i = 0; i < INTIME_NLOCKS; i++)
		pthread_mutex_lock(intime_locks[i]);
}

/* Plain mutexes: the forking thread, which took them, may release them. */
static void intime_locks_release(void)
{
	for (size_t i = INTIME_NLOCKS; i-- > 0;)
		pthread_mutex_unlock(intime_locks[i]);
}

/* At load: no thread can hold a lock yet, and any user of one links this. */
__attribute__((constructor)) static void intime_locks_atfork(void)
{
	pthread_atfork(intime_locks_take, intime_locks_release,
		       intime_locks_release);
}
