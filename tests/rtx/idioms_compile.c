// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-only: the headers take the idioms of ported RTSS code, with the
 * Win32 types, under every C standard and both character sets the
 * Makefile tries (the rtx-idioms-compile check; nothing runs).  ENTRY picks
 * one of the entry points public RTX and Windows code writes.
 */
#include <windows.h>
#include <tchar.h>
#include <rtapi.h>

#ifndef ENTRY
#define ENTRY 1
#endif

/* C99 has no _Static_assert. */
#define SAME_TYPE(expr, type)		SAME_TYPE_(expr, type, __LINE__)
#define SAME_TYPE_(expr, type, line)	SAME_TYPE__(expr, type, line)
#define SAME_TYPE__(expr, type, line)					\
	typedef char same_type_##line[__builtin_types_compatible_p(__typeof__(expr), type) ? 1 : -1]

static LONG volatile counter;
static LONGLONG volatile counter64;
static SHORT volatile counter16;
static PVOID volatile slot;
static LARGE_INTEGER due = { .QuadPart = -10000 };

SAME_TYPE(InterlockedIncrement(&counter), LONG);
SAME_TYPE(InterlockedCompareExchange64(&counter64, 0, 0), LONGLONG);
SAME_TYPE(InterlockedIncrement16(&counter16), SHORT);
SAME_TYPE(InterlockedExchangePointer(&slot, NULL), PVOID);
SAME_TYPE(InterlockedBitTestAndSet(&counter, 0), BOOLEAN);
SAME_TYPE(SleepEx(0, FALSE), DWORD);
SAME_TYPE(due.QuadPart, LONGLONG);
SAME_TYPE(due.LowPart, DWORD);
SAME_TYPE(due.HighPart, LONG);
SAME_TYPE(due.u.LowPart, DWORD);

/* The idioms, as RTSS code writes them; called from every entry point. */
static LONG idioms(void)
{
	LARGE_INTEGER li, zero = { 0 };
	ULARGE_INTEGER uli;
	LONG old;

	li.QuadPart = due.QuadPart * 2;
	li.LowPart += li.u.LowPart;
	li.HighPart = li.u.HighPart;
	uli.QuadPart = (ULONGLONG)li.QuadPart;
	old = InterlockedCompareExchange(&counter, 1, 0);
	InterlockedExchangeAdd(&counter, (LONG)uli.LowPart);
	InterlockedAnd(&counter, InterlockedOr(&counter, InterlockedXor(&counter, 1)));
	InterlockedIncrement64(&counter64);
	InterlockedExchange64(&counter64, InterlockedAdd64(&counter64, li.QuadPart));
	InterlockedAnd64(&counter64, InterlockedOr64(&counter64, InterlockedXor64(&counter64, 2)));
	InterlockedCompareExchange16(&counter16, InterlockedIncrement16(&counter16), 0);
	InterlockedCompareExchangePointer(&slot, InterlockedExchangePointer(&slot, &li), NULL);
	InterlockedIncrementAcquire(&counter);
	InterlockedDecrementRelease(&counter);
	InterlockedBitTestAndReset64(&counter64, 40);
#ifdef MemoryBarrier
	MemoryBarrier();
#endif
#ifdef YieldProcessor
	YieldProcessor();
#endif
	Sleep(0);
	RtSleep(1);
	SleepEx(INFINITE - INFINITE, TRUE);
	return old + (LONG)zero.LowPart + (LONG)uli.HighPart;
}

/* The RTX wizard and Microsoft samples */
#if ENTRY == 1
void _cdecl main(int argc, char **argv, char **envp)
{
	idioms();
	RtPrintf("%d %s %s\n", argc, argv[0], envp[0]);
}
#elif ENTRY == 2
void
_cdecl
main(
    void
    )
{
	idioms();
}
#elif ENTRY == 3
int __cdecl main(int argc, char *argv[])
{
	if (argc > 1)
		return idioms();
	RtPrintf("%s\n", argv[0]);
}
#elif ENTRY == 4
/* the RTX64 wizard */
int _tmain(int argc, _TCHAR * argv[])
{
	idioms();
	return (int)_tcslen(argv[argc - 1]);
}
#elif ENTRY == 5
INT _tmain(INT argc, _TCHAR *argv[], _TCHAR *envp[])
{
	idioms();
	return argc + (int)_tcslen(argv[0]) + (int)_tcslen(envp[0]);
}
#elif ENTRY == 6
int wmain(int argc, wchar_t **argv)
{
	idioms();
	RtWprintf(L"%d %s\n", argc, argv[0]);
}
#elif ENTRY == 7
void _cdecl main(unsigned argc, char **argv)
{
	RtPrintf("%u %s %ld\n", argc, argv[0], idioms());
}
#elif ENTRY == 8
int _tmain()
{
	return idioms();
}
#endif
