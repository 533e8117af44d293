// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The RTX layer's lock, guarding the handle table and the view list.
 * Held only for short list work, never across system calls.
 */
#include <pthread.h>

#include "rtx.h"

static pthread_mutex_t rtx_mutex;
static pthread_once_t rtx_mutex_once = PTHREAD_ONCE_INIT;

/*
 * Priority inheritance: a low-priority thread holding the lock must not
 * hold up a real-time thread behind medium-priority work.
 */
static void rtx_mutex_init(void)
{
	rtshm_mutex_init(&rtx_mutex, RTSHM_MUTEX_PI);
}

/* fork() while another thread holds the lock must not leave it held. */
static void rtx_mutex_prefork(void)
{
	pthread_mutex_lock(&rtx_mutex);
}

static void rtx_mutex_parent(void)
{
	pthread_mutex_unlock(&rtx_mutex);
}

/* A PI mutex records its owner's tid, which the child does not have. */
static void rtx_mutex_child(void)
{
	rtx_mutex_init();
}

static void rtx_lock_setup(void)
{
	rtx_mutex_init();
	pthread_atfork(rtx_mutex_prefork, rtx_mutex_parent, rtx_mutex_child);
}

void rtx_lock(void)
{
	pthread_once(&rtx_mutex_once, rtx_lock_setup);
	pthread_mutex_lock(&rtx_mutex);
}

void rtx_unlock(void)
{
	pthread_mutex_unlock(&rtx_mutex);
}
