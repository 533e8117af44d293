// SPDX-License-Identifier: GPL-2.0
/*
 * The Windows idioms of RTSS code, written as a ported RTSS program is:
 * _tmain (or, built with -DIDIOMS_VOID_MAIN, the RTX wizard's
 * "void _cdecl main"), Sleep, the Interlocked family on counters in an
 * RtCreateSharedMemory segment, LARGE_INTEGER.  Built UNICODE
 * (rtx-idioms-unicode: _tmain is wmain with wide arguments), ANSI
 * (rtx-idioms-ansi) and void main with -std=gnu11 (rtx-idioms-voidmain);
 * test-rtx-idioms runs them.  The threads are pthreads: the port replaced
 * CreateThread, which rtshm does not provide.
 *
 *   hammer NAME PROCESSES THREADS ITERATIONS
 *       create or open segment NAME (an argument: wide in the UNICODE
 *       build), print "attached", wait for PROCESSES processes, run THREADS
 *       threads of ITERATIONS rounds of every Interlocked function, print
 *       "done" and the final 64-bit sum as LARGE_INTEGER parts once all
 *       threads of all processes are done, hold the segment until stdin
 *       closes
 *   args ARG...
 *       print sizeof(_TCHAR), each argument's _tcslen and first character,
 *       and the length of the environment's IDIOMS_ENV entry
 *
 * Success ends at the closing brace of main, which must exit 0; failures
 * call ExitProcess: 1 an RTX call failed, 2 usage, 3 a wrong result.
 */
#include <pthread.h>
#include <stdio.h>

#include <windows.h>
#include <tchar.h>
#include <rtapi.h>

#include "idioms.h"

typedef struct {
	IDIOMS_SHARED *s;
	LONG me;		/* 1 + the thread's number among all processes' */
	LONG total;		/* rounds of all threads together */
	LONG threads;		/* threads of all processes together */
	LONG iterations;
} WORKER;

static void Bad(IDIOMS_SHARED *s, LONG check)
{
	InterlockedIncrement(&s->errors);
	InterlockedCompareExchange(&s->first_error, check, 0);
}

/* Spin politely: the holder may be preempted on this CPU. */
static void Spin(DWORD *n)
{
	if (++*n % 64)
		YieldProcessor();
	else
		Sleep(0);
}

/* One round of the lock-free operations: all threads run these at once. */
static void Round(IDIOMS_SHARED *s, const WORKER *w)
{
	LONG bit = (LONG)(1UL << (w->me - 1));
	LONG64 bit64 = (LONG64)(1ULL << (32 + w->me - 1));
	LONG v, c;
	LONGLONG v64, c64;
	PVOID p;

	v = InterlockedIncrement(&s->count);
	if (v < 1 || v > w->total)
		Bad(s, 1);
	else if (InterlockedBitTestAndSet(s->inc_seen, v))
		Bad(s, 2);
	InterlockedDecrement(&s->down);
	if (InterlockedExchangeAdd(&s->xadd, 2) % 2)
		Bad(s, 3);
	v = InterlockedAdd(&s->sum, 5);
	if (v < 5 || v % 5)
		Bad(s, 4);
	do
		c = s->cas;
	while (InterlockedCompareExchange(&s->cas, c + 3, c) != c);
	if (InterlockedOr(&s->owners, bit) & bit)
		Bad(s, 5);
	if (!(InterlockedAnd(&s->owners, ~bit) & bit))
		Bad(s, 6);
	if (InterlockedXor(&s->toggles, bit) & bit)
		Bad(s, 7);
	if (!(InterlockedXor(&s->toggles, bit) & bit))
		Bad(s, 8);
	InterlockedIncrement16(&s->count16);
	InterlockedDecrement16(&s->down16);
	do
		p = s->ptr;
	while (InterlockedCompareExchangePointer(&s->ptr, (PVOID)((ULONG_PTR)p + 1), p) != p);

	v64 = InterlockedIncrement64(&s->count64);
	if (v64 < 1 || v64 > w->total)
		Bad(s, 9);
	InterlockedDecrement64(&s->down64);
	v64 = InterlockedExchangeAdd64(&s->big, IDIOMS_STEP64);
	if (v64 % IDIOMS_STEP64 || v64 / IDIOMS_STEP64 >= w->total)
		Bad(s, 10);
	else if (InterlockedBitTestAndSet64(s->add_seen, v64 / IDIOMS_STEP64))
		Bad(s, 11);
	if (InterlockedAdd64(&s->sum64, IDIOMS_SUM64_STEP) % IDIOMS_SUM64_STEP)
		Bad(s, 12);
	do
		c64 = s->cas64;
	while (InterlockedCompareExchange64(&s->cas64, c64 + IDIOMS_STEP64, c64) != c64);
	if (InterlockedOr64(&s->owners64, bit64) & bit64)
		Bad(s, 13);
	if (!(InterlockedAnd64(&s->owners64, ~bit64) & bit64))
		Bad(s, 14);
	if (InterlockedXor64(&s->toggles64, bit64) & bit64)
		Bad(s, 15);
	if (!(InterlockedXor64(&s->toggles64, bit64) & bit64))
		Bad(s, 16);
}

/* One round of the three spin locks, each around a plain ++. */
static void LockedRound(IDIOMS_SHARED *s, const WORKER *w)
{
	DWORD n = 0;

	while (InterlockedCompareExchange(&s->lock, w->me, 0) != 0)
		Spin(&n);
	s->plain++;
	if (InterlockedExchange(&s->lock, 0) != w->me)
		Bad(s, 17);

	while (InterlockedExchangePointer(&s->plock, (PVOID)1) != NULL)
		Spin(&n);
	s->plain_p++;
	if (InterlockedExchangePointer(&s->plock, NULL) != (PVOID)1)
		Bad(s, 18);

	while (InterlockedCompareExchange64(&s->lock64, w->me, 0) != 0)
		Spin(&n);
	s->plain64++;
	if (InterlockedExchange64(&s->lock64, 0) != w->me)
		Bad(s, 19);
}

/* Wait until all threads of all processes have come to this line. */
static void StartLine(LONG volatile *line, LONG threads)
{
	InterlockedIncrement(line);
	while (*line < threads)
		YieldProcessor();
}

static void *Worker(void *param)
{
	WORKER *w = param;
	IDIOMS_SHARED *s = w->s;
	LONG i;

	/* all threads of all processes start each part together, for contention */
	StartLine(&s->started, w->threads);
	for (i = 0; i < w->iterations; i++)
		Round(s, w);
	StartLine(&s->halfway, w->threads);
	for (i = 0; i < w->iterations; i++)
		LockedRound(s, w);
	InterlockedIncrement(&s->finished);
	return NULL;
}

static void Hammer(const _TCHAR *name, LONG processes, LONG threads, LONG iterations)
{
	pthread_t tid[IDIOMS_MAX_THREADS];
	WORKER w[IDIOMS_MAX_THREADS];
	IDIOMS_SHARED *s;
	LARGE_INTEGER sum;
	HANDLE hShm;
	LONG index, errors, i;

	if (processes < 1 || threads < 1 || iterations < 1 ||
	    processes * threads > IDIOMS_MAX_THREADS ||
	    (LONGLONG)processes * threads * iterations > IDIOMS_MAX_TOTAL)
		ExitProcess(2);
	hShm = RtCreateSharedMemory(PAGE_READWRITE, 0, sizeof(IDIOMS_SHARED), name,
				    (VOID **)&s);
	if (hShm == NULL) {
		RtPrintf("RtCreateSharedMemory failed, error %u\n", GetLastError());
		ExitProcess(1);
	}
	index = InterlockedIncrement(&s->arrived) - 1;
	RtPrintf("attached %ld %s\n", index,
		 GetLastError() == ERROR_ALREADY_EXISTS ? "opened" : "created");
	while (s->arrived < processes)
		Sleep(1);

	for (i = 0; i < threads; i++) {
		w[i].s = s;
		w[i].me = index * threads + i + 1;
		w[i].total = processes * threads * iterations;
		w[i].threads = processes * threads;
		w[i].iterations = iterations;
		if (pthread_create(&tid[i], NULL, Worker, &w[i])) {
			RtPrintf("pthread_create failed\n");
			ExitProcess(1);
		}
	}
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	while (s->finished < processes * threads)
		Sleep(1);
	/* the other process's plain (non-atomic) stores, before reading them */
	MemoryBarrier();

	sum.QuadPart = s->big;
	errors = s->errors;
	RtPrintf("done errors %ld first %ld\n", errors, s->first_error);
	RtPrintf("big %I64d = HighPart %ld LowPart %lu u.LowPart %lu\n", sum.QuadPart,
		 sum.HighPart, sum.LowPart, sum.u.LowPart);
	while (getchar() != EOF)
		;
	if (!RtCloseHandle(hShm))
		ExitProcess(1);
	if (errors)
		ExitProcess(3);
}

static void Arguments(int argc, _TCHAR **argv, _TCHAR **envp)
{
	static const _TCHAR key[] = _T("IDIOMS_ENV=");
	int i;

	RtPrintf("tchar %u argc %d\n", (unsigned int)sizeof(_TCHAR), argc);
	for (i = 2; i < argc; i++)
		RtPrintf("arg %d len %u first 0x%X\n", i, (unsigned int)_tcslen(argv[i]),
			 sizeof(_TCHAR) == 1 ? (unsigned int)(unsigned char)argv[i][0]
					     : (unsigned int)argv[i][0]);
	for (i = 0; envp[i]; i++)
		if (!_tcsncmp(envp[i], key, _tcslen(key)))
			RtPrintf("env len %u\n", (unsigned int)_tcslen(envp[i] + _tcslen(key)));
}

#ifdef IDIOMS_VOID_MAIN
void _cdecl main(int argc, char **argv, char **envp)
#else
int _tmain(int argc, _TCHAR *argv[], _TCHAR *envp[])
#endif
{
	if (argc == 6 && !_tcscmp(argv[1], _T("hammer")))
		Hammer(argv[2], _tcstol(argv[3], NULL, 10), _tcstol(argv[4], NULL, 10),
		       _tcstol(argv[5], NULL, 10));
	else if (argc >= 2 && !_tcscmp(argv[1], _T("args")))
		Arguments(argc, argv, envp);
	else {
		RtPrintf("usage: hammer NAME PROCESSES THREADS ITERATIONS | args ARG...\n");
		ExitProcess(2);
	}
}
