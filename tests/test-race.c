// SPDX-License-Identifier: GPL-2.0
/* Create-or-open is atomic: racing processes agree on one creator. */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define RACERS	8
#define NAMES	64

struct race_report {
	int created[NAMES];	/* per name: how many racers were told "created" */
	uint32_t id[RACERS][NAMES];
	int done;		/* racers holding all their handles */
};

TEST(one_creator_per_name)
{
	struct race_report *rep;
	int i, n, round;
	char name[64];

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(rep != MAP_FAILED);

	for (round = 0; round < 5; round++) {
		int pids[RACERS];

		memset(rep, 0, sizeof(*rep));
		for (i = 0; i < RACERS; i++) {
			pids[i] = fork();
			CHECK(pids[i] >= 0);
			if (pids[i] == 0) {
				int h[NAMES];

				for (n = 0; n < NAMES; n++) {
					struct rtshm_result r;

					snprintf(name, sizeof(name), "race.%d.%d.%d", getppid(), round, n);
					h[n] = rtshm_create(name, 4096, RTSHM_RDWR, 0600, &r);
					if (h[n] < 0)
						_exit(10);
					if (r.created)
						__atomic_fetch_add(&rep->created[n], 1, __ATOMIC_SEQ_CST);
					rep->id[i][n] = r.id;
				}
				/* hold every handle until every racer holds all of its own */
				__atomic_fetch_add(&rep->done, 1, __ATOMIC_SEQ_CST);
				while (__atomic_load_n(&rep->done, __ATOMIC_SEQ_CST) < RACERS)
					usleep(1000);
				for (n = 0; n < NAMES; n++)
					rtshm_close(h[n]);
				_exit(0);
			}
		}
		for (i = 0; i < RACERS; i++)
			CHECK_EQ(t_wait(pids[i]), 0);
		for (n = 0; n < NAMES; n++) {
			CHECK_EQ(rep->created[n], 1);
			for (i = 1; i < RACERS; i++)
				CHECK_EQ(rep->id[i][n], rep->id[0][n]);
		}
		CHECK_EQ(t_proc_segments(), 0);
	}
}

/*
 * Creators and closers interleave.  Only a creator writes, and only into the
 * segment it was told it created: so a creator that finds its page already
 * written was not the only creator of that generation.
 */
TEST(create_close_churn)
{
	int i, pids[4];
	long *created;

	created = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(created != MAP_FAILED);
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			int k;

			for (k = 0; k < 2000; k++) {
				struct rtshm_result r;
				int h = rtshm_create("churn", 4096, RTSHM_RDWR, 0600, &r);
				volatile int *p;

				if (h < 0)
					_exit(10);
				if (rtshm_map(h, 0, 0, PROT_READ | PROT_WRITE, (void **)&p))
					_exit(11);
				if (r.created) {
					if (p[0] != 0)
						_exit(12);
					p[0] = getpid();
					__atomic_fetch_add(created, 1, __ATOMIC_SEQ_CST);
				}
				rtshm_unmap((void *)p, 4096);
				rtshm_close(h);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++)
		CHECK_EQ(t_wait(pids[i]), 0);
	CHECK(*created >= 1);
	CHECK_EQ(t_proc_segments(), 0);
}
