/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The segment the rtx-idioms-* programs (tests/rtx/idioms_peer.c) share
 * and test-rtx-idioms checks: one field per Interlocked function, updated
 * by every thread of every process, so the end values are exact.  Include
 * <windows.h> (or "rtapi.h") first.
 */
#ifndef RTSHM_TEST_RTX_IDIOMS_H
#define RTSHM_TEST_RTX_IDIOMS_H

/* ExchangeAdd64 and CompareExchange64 step: every add carries into HighPart */
#define IDIOMS_STEP64		0x100000001LL
/* InterlockedAdd64 step */
#define IDIOMS_SUM64_STEP	(1LL << 40)
/* threads x iterations of all processes together, at most */
#define IDIOMS_MAX_TOTAL	(1 << 20)
/* threads of all processes, at most: each owns a bit of owners and owners64 */
#define IDIOMS_MAX_THREADS	32

typedef struct {
	LONG volatile arrived;		/* processes attached */
	LONG volatile started;		/* threads at the start line */
	LONG volatile halfway;		/* threads through the lock-free part */
	LONG volatile finished;		/* threads done */
	LONG volatile errors;		/* wrong results the threads saw */
	LONG volatile first_error;	/* the number of the first wrong one */
	LONG volatile count;		/* InterlockedIncrement */
	LONG volatile down;		/* InterlockedDecrement */
	LONG volatile xadd;		/* InterlockedExchangeAdd of 2 */
	LONG volatile sum;		/* InterlockedAdd of 5 */
	LONG volatile cas;		/* InterlockedCompareExchange loop adding 3 */
	LONG volatile lock;		/* spin lock: CompareExchange in, Exchange out */
	LONG plain;			/* ++ under lock */
	LONG volatile owners;		/* InterlockedOr, then InterlockedAnd of the thread's bit */
	LONG volatile toggles;		/* InterlockedXor of the thread's bit, twice */
	SHORT volatile count16;		/* InterlockedIncrement16 (wraps) */
	SHORT volatile down16;		/* InterlockedDecrement16 (wraps) */
	PVOID volatile ptr;		/* InterlockedCompareExchangePointer loop adding 1 */
	PVOID volatile plock;		/* spin lock: InterlockedExchangePointer */
	LONG plain_p;			/* ++ under plock */
	LONGLONG volatile count64;	/* InterlockedIncrement64 */
	LONGLONG volatile down64;	/* InterlockedDecrement64 */
	LONGLONG volatile big;		/* InterlockedExchangeAdd64 of IDIOMS_STEP64 */
	LONGLONG volatile sum64;	/* InterlockedAdd64 of IDIOMS_SUM64_STEP */
	LONGLONG volatile cas64;	/* InterlockedCompareExchange64 loop adding IDIOMS_STEP64 */
	LONGLONG volatile lock64;	/* spin lock: CompareExchange64 in, Exchange64 out */
	LONGLONG plain64;		/* ++ under lock64 */
	LONG64 volatile owners64;	/* Or64, then And64 of bit 32 + thread */
	LONG64 volatile toggles64;	/* Xor64 of that bit, twice */
	/* bit v: InterlockedIncrement returned v (InterlockedBitTestAndSet) */
	LONG volatile inc_seen[IDIOMS_MAX_TOTAL / 32 + 1];
	/* bit k: InterlockedExchangeAdd64 returned k * IDIOMS_STEP64 (...Set64) */
	LONG64 volatile add_seen[IDIOMS_MAX_TOTAL / 64];
} IDIOMS_SHARED;

#endif
