// SPDX-License-Identifier: GPL-2.0
/* ntxLookupNtxhandle waiters racing with the RT side cataloging and freeing the name. */
#include <pthread.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "rtshm.h"
#include "harness.h"

#define WAITERS	4
#define FLIPS	300

struct race {
	NTXHANDLE root;
	volatile int stop;
	long found, timed_out, wrong;
};

static void *waiter(void *arg)
{
	struct race *r = arg;

	while (!r->stop) {
		NTXHANDLE h = ntxLookupNtxhandle(r->root, "race.seg", 20);

		if (h == NTX_BAD_NTXHANDLE) {
			if (ntxGetLastRtError() == E_TIME)
				__atomic_fetch_add(&r->timed_out, 1, __ATOMIC_RELAXED);
			else
				__atomic_fetch_add(&r->wrong, 1, __ATOMIC_RELAXED);
			continue;
		}
		/*
		 * Found: the handle names a segment of the size the RT side
		 * makes, or (freed meanwhile) nothing, never anything else.
		 * The last error is sticky, so clear it before asking.
		 */
		SetLastRtError(E_OK);
		if ((ntxGetType(h) == NTX_TYPE_RT_SHARED_MEMORY && ntxGetRtSize(h) == 8192) ||
		    ntxGetLastRtError() == E_EXIST)
			__atomic_fetch_add(&r->found, 1, __ATOMIC_RELAXED);
		else
			__atomic_fetch_add(&r->wrong, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(lookup_waiters_race_catalog_and_free)
{
	struct race r = { 0 };
	pthread_t t[WAITERS];
	int i;

	r.root = ntxGetRootRtProcess(NTX_LOCAL);
	CHECK(r.root != NTX_BAD_NTXHANDLE);
	for (i = 0; i < WAITERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, waiter, &r), 0);
	for (i = 0; i < FLIPS; i++) {
		PVOID p = AllocateRtMemory(8192);
		RTHANDLE h;

		CHECK(p != NULL);
		h = CreateRtMemoryHandle(p, 8192);
		CHECK(h != BAD_RTHANDLE);
		CHECK(CatalogRtHandle(NULL_RTHANDLE, h, "race.seg"));
		if (i % 2)
			usleep(500);
		if (i % 3 == 0)
			CHECK(UncatalogRtHandle(NULL_RTHANDLE, "race.seg"));
		CHECK(DeleteRtMemoryHandle(h));
		CHECK_EQ(FreeRtMemory(p), 8192);
	}
	r.stop = 1;
	for (i = 0; i < WAITERS; i++)
		pthread_join(t[i], NULL);
	fprintf(stderr, "  ntx lookup race: %d flips, %ld found, %ld timed out\n",
		FLIPS, r.found, r.timed_out);
	CHECK_EQ(r.wrong, 0);
	CHECK(r.found > 0);
	CHECK_EQ(t_proc_segments(), 0);
}
