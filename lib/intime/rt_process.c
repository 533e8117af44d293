// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The calling process as an INtime RT process: a process object named in
 * the root directory, with a directory of its own, that the kernel deletes
 * (names and all) when this process ends.  A process becomes one by
 * rtshm_intime_process() or, at its first RT-side directory call, by the
 * environment variable RTSHM_INTIME_PROCESS; otherwise it stands for the
 * root process, as before processes existed here.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "../core/internal.h"
#include "intime.h"
#include "rt.h"

/* State page of a process object: what it is, for a reader of /proc. */
struct rt_process_state {
	uint32_t magic;		/* RT_PROCESS_MAGIC */
	uint32_t pid;		/* in the creator's pid namespace */
};

#define RT_PROCESS_MAGIC 0x52545031	/* "RTP1" */

static pthread_mutex_t rt_self_lock = PTHREAD_MUTEX_INITIALIZER;
static bool rt_self_decided;	/* declared, or the environment was read */
static int rt_self_fd = -1;
static struct intime_dir rt_self_dir;	/* id 0: the root */

static void rt_self_lock_for_fork(void)
{
	pthread_mutex_lock(&rt_self_lock);
}

static void rt_self_unlock_after_fork(void)
{
	pthread_mutex_unlock(&rt_self_lock);
}

/*
 * A forked child is not the RT process: it drops its copy of the owning
 * descriptor (the parent's keeps the process object) and stands for the
 * root, without reading the environment it inherited, which names its
 * parent.  The child of a process that is no RT process reads the
 * environment at its own first call, as its parent would have.
 */
static void rt_self_forget(void)
{
	if (rt_self_fd >= 0) {
		close(rt_self_fd);
		rt_self_decided = true;
	} else {
		rt_self_decided = false;
	}
	rt_self_fd = -1;
	rt_self_dir = (struct intime_dir){ 0 };
	pthread_mutex_unlock(&rt_self_lock);
}

static void rt_self_atfork(void)
{
	pthread_atfork(rt_self_lock_for_fork, rt_self_unlock_after_fork,
		       rt_self_forget);
}

struct rt_process_make {
	const char *name;
	const struct rt_process_state *st;
};

static int rt_make_process(const void *arg, struct rtshm_result *res)
{
	const struct rt_process_make *mk = arg;

	return rtshm_sync_create(mk->name, RTSHM_OBJ_PROCESS, mk->st,
				 sizeof(*mk->st), RTSHM_OWNED | RTSHM_EXCL,
				 INTIME_OBJECT_MODE, res);
}

/* Under rt_self_lock: make the process object called @name. */
static WORD rt_self_declare(const char *name)
{
	struct rt_process_state st = { RT_PROCESS_MAGIC, (uint32_t)getpid() };
	WORD status = intime_check_name(name);
	struct rt_process_make mk;
	struct rtshm_result res;
	int fd;

	if (status != E_OK)
		return status;
	mk = (struct rt_process_make){ name, &st };
	fd = intime_make_object(rt_make_process, &mk, &res);
	if (fd < 0)
		return intime_status_of(fd, E_NTX_INTERNAL_ERROR);
	rt_self_fd = fd;
	rt_self_dir.id = res.id;
	rt_self_dir.serial = res.serial;
	rt_self_decided = true;
	return E_OK;
}

WORD intime_rt_self(struct intime_dir *dir)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const char *name;
	WORD status = E_OK;

	pthread_once(&once, rt_self_atfork);
	pthread_mutex_lock(&rt_self_lock);
	if (!rt_self_decided) {
		name = getenv("RTSHM_INTIME_PROCESS");
		if (name && *name)
			status = rt_self_declare(name);
		/* a name that failed stays undecided: the next call tells again */
		rt_self_decided = status == E_OK;
	}
	*dir = rt_self_dir;
	pthread_mutex_unlock(&rt_self_lock);
	return status;
}

RTSHM_EXPORT WORD rtshm_intime_process(LPCSTR lpszName)
{
	struct intime_dir dir;
	WORD status;

	/* the environment is read first, so both ways meet the same rule */
	status = intime_rt_self(&dir);
	if (status == E_OK && dir.id)
		status = E_CONTEXT;	/* it has a name already */
	if (status == E_OK) {
		pthread_mutex_lock(&rt_self_lock);
		status = rt_self_declare(lpszName);
		pthread_mutex_unlock(&rt_self_lock);
	}
	if (status != E_OK)
		intime_fail(status);
	return status;
}

RTSHM_EXPORT RTHANDLE GetRtThreadHandles(BYTE bySelection)
{
	struct intime_dir dir;
	WORD status;

	switch (bySelection) {
	case ROOT_PROCESS:
		return RTSHM_ROOT_RTHANDLE;
	case THIS_PROCESS:
		status = intime_rt_self(&dir);
		if (status != E_OK)
			break;
		return dir.id ? (RTHANDLE)dir.id : RTSHM_ROOT_RTHANDLE;
	default:
		status = E_PARAM;	/* threads are no objects here */
		break;
	}
	intime_fail(status);
	return BAD_RTHANDLE;
}
