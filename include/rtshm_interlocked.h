/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Win32 Interlocked* family, MemoryBarrier and YieldProcessor for code
 * ported from RTX/RTX64 (included by rtshm_windows.h; see Interlocked(3)).
 *
 * Header-only, always inlined: each call is one locked instruction (or a
 * compare-exchange loop for And/Or/Xor where the CPU has no fetch form), as
 * with MSVC's intrinsics, so real-time code pays no function call.  Every
 * operation is a full barrier (__ATOMIC_SEQ_CST), like the Win32 functions
 * on x86 and x64.  The argument types and return values are Win32's: LONG is
 * 32 bits and LONGLONG 64 even where C's long is 64; Increment, Decrement
 * and Add return the new value, Exchange, ExchangeAdd, And, Or and Xor the
 * old one, CompareExchange the initial one.  Signed overflow wraps, as in
 * two's complement hardware.  The operations are lock-free, so they are
 * atomic between processes on a shared segment as well as between threads.
 */
#ifndef RTSHM_INTERLOCKED_H
#define RTSHM_INTERLOCKED_H

#include "rtshm_wintypes.h"

/* Atomic between processes only if no hidden lock is involved. */
#if __GCC_ATOMIC_CHAR_LOCK_FREE != 2 || __GCC_ATOMIC_SHORT_LOCK_FREE != 2 || \
	__GCC_ATOMIC_INT_LOCK_FREE != 2 || __GCC_ATOMIC_LLONG_LOCK_FREE != 2 || \
	__GCC_ATOMIC_POINTER_LOCK_FREE != 2
#error "rtshm_interlocked.h: this CPU's 8- to 64-bit atomics are not all lock-free"
#endif

#define RTSHM_IL_	static __inline__ __attribute__((__always_inline__, __unused__))
#define RTSHM_SEQ_	__ATOMIC_SEQ_CST

/* --- LONG (32 bits) ---------------------------------------------------- */

RTSHM_IL_ LONG InterlockedIncrement(LONG volatile *Addend)
{
	return __atomic_add_fetch(Addend, 1, RTSHM_SEQ_);
}

RTSHM_IL_ LONG InterlockedDecrement(LONG volatile *Addend)
{
	return __atomic_sub_fetch(Addend, 1, RTSHM_SEQ_);
}

RTSHM_IL_ LONG InterlockedExchange(LONG volatile *Target, LONG Value)
{
	return __atomic_exchange_n(Target, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value)
{
	return __atomic_fetch_add(Addend, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONG InterlockedAdd(LONG volatile *Addend, LONG Value)
{
	return __atomic_add_fetch(Addend, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONG InterlockedCompareExchange(LONG volatile *Destination, LONG ExChange,
					  LONG Comperand)
{
	/* on failure the builtin stores what it found: the initial value either way */
	__atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, RTSHM_SEQ_, RTSHM_SEQ_);
	return Comperand;
}

RTSHM_IL_ LONG InterlockedAnd(LONG volatile *Destination, LONG Value)
{
	return __atomic_fetch_and(Destination, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONG InterlockedOr(LONG volatile *Destination, LONG Value)
{
	return __atomic_fetch_or(Destination, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONG InterlockedXor(LONG volatile *Destination, LONG Value)
{
	return __atomic_fetch_xor(Destination, Value, RTSHM_SEQ_);
}

/* --- LONGLONG / LONG64 (64 bits) --------------------------------------- */

RTSHM_IL_ LONGLONG InterlockedIncrement64(LONGLONG volatile *Addend)
{
	return __atomic_add_fetch(Addend, 1, RTSHM_SEQ_);
}

RTSHM_IL_ LONGLONG InterlockedDecrement64(LONGLONG volatile *Addend)
{
	return __atomic_sub_fetch(Addend, 1, RTSHM_SEQ_);
}

RTSHM_IL_ LONGLONG InterlockedExchange64(LONGLONG volatile *Target, LONGLONG Value)
{
	return __atomic_exchange_n(Target, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONGLONG InterlockedExchangeAdd64(LONGLONG volatile *Addend, LONGLONG Value)
{
	return __atomic_fetch_add(Addend, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONGLONG InterlockedAdd64(LONGLONG volatile *Addend, LONGLONG Value)
{
	return __atomic_add_fetch(Addend, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONGLONG InterlockedCompareExchange64(LONGLONG volatile *Destination,
						LONGLONG ExChange, LONGLONG Comperand)
{
	__atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, RTSHM_SEQ_, RTSHM_SEQ_);
	return Comperand;
}

RTSHM_IL_ LONG64 InterlockedAnd64(LONG64 volatile *Destination, LONG64 Value)
{
	return __atomic_fetch_and(Destination, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONG64 InterlockedOr64(LONG64 volatile *Destination, LONG64 Value)
{
	return __atomic_fetch_or(Destination, Value, RTSHM_SEQ_);
}

RTSHM_IL_ LONG64 InterlockedXor64(LONG64 volatile *Destination, LONG64 Value)
{
	return __atomic_fetch_xor(Destination, Value, RTSHM_SEQ_);
}

/* --- SHORT (16 bits) and CHAR (8 bits) ---------------------------------- */

RTSHM_IL_ SHORT InterlockedIncrement16(SHORT volatile *Addend)
{
	return __atomic_add_fetch(Addend, 1, RTSHM_SEQ_);
}

RTSHM_IL_ SHORT InterlockedDecrement16(SHORT volatile *Addend)
{
	return __atomic_sub_fetch(Addend, 1, RTSHM_SEQ_);
}

RTSHM_IL_ SHORT InterlockedExchange16(SHORT volatile *Target, SHORT Value)
{
	return __atomic_exchange_n(Target, Value, RTSHM_SEQ_);
}

RTSHM_IL_ SHORT InterlockedCompareExchange16(SHORT volatile *Destination, SHORT ExChange,
					     SHORT Comperand)
{
	__atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, RTSHM_SEQ_, RTSHM_SEQ_);
	return Comperand;
}

RTSHM_IL_ SHORT InterlockedAnd16(SHORT volatile *Destination, SHORT Value)
{
	return __atomic_fetch_and(Destination, Value, RTSHM_SEQ_);
}

RTSHM_IL_ SHORT InterlockedOr16(SHORT volatile *Destination, SHORT Value)
{
	return __atomic_fetch_or(Destination, Value, RTSHM_SEQ_);
}

RTSHM_IL_ SHORT InterlockedXor16(SHORT volatile *Destination, SHORT Value)
{
	return __atomic_fetch_xor(Destination, Value, RTSHM_SEQ_);
}

RTSHM_IL_ CHAR InterlockedExchange8(CHAR volatile *Target, CHAR Value)
{
	return __atomic_exchange_n(Target, Value, RTSHM_SEQ_);
}

RTSHM_IL_ CHAR InterlockedAnd8(CHAR volatile *Destination, CHAR Value)
{
	return __atomic_fetch_and(Destination, Value, RTSHM_SEQ_);
}

RTSHM_IL_ CHAR InterlockedOr8(CHAR volatile *Destination, CHAR Value)
{
	return __atomic_fetch_or(Destination, Value, RTSHM_SEQ_);
}

RTSHM_IL_ CHAR InterlockedXor8(CHAR volatile *Destination, CHAR Value)
{
	return __atomic_fetch_xor(Destination, Value, RTSHM_SEQ_);
}

/* --- pointers ---------------------------------------------------------- */

RTSHM_IL_ PVOID InterlockedExchangePointer(PVOID volatile *Target, PVOID Value)
{
	return __atomic_exchange_n(Target, Value, RTSHM_SEQ_);
}

RTSHM_IL_ PVOID InterlockedCompareExchangePointer(PVOID volatile *Destination, PVOID ExChange,
						  PVOID Comperand)
{
	__atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, RTSHM_SEQ_, RTSHM_SEQ_);
	return Comperand;
}

/* --- bit tests --------------------------------------------------------- */
/*
 * Return the bit's old value (0 or 1).  As x86's lock bts/btr/btc with a
 * register offset, Base starts a bit string: Offset may pass the first word
 * (and be negative).
 */

RTSHM_IL_ BOOLEAN InterlockedBitTestAndSet(LONG volatile *Base, LONG Offset)
{
	LONG bit = (LONG)(1U << (Offset & 31));

	return (__atomic_fetch_or(Base + (Offset >> 5), bit, RTSHM_SEQ_) & bit) != 0;
}

RTSHM_IL_ BOOLEAN InterlockedBitTestAndReset(LONG volatile *Base, LONG Offset)
{
	LONG bit = (LONG)(1U << (Offset & 31));

	return (__atomic_fetch_and(Base + (Offset >> 5), ~bit, RTSHM_SEQ_) & bit) != 0;
}

RTSHM_IL_ BOOLEAN InterlockedBitTestAndComplement(LONG volatile *Base, LONG Offset)
{
	LONG bit = (LONG)(1U << (Offset & 31));

	return (__atomic_fetch_xor(Base + (Offset >> 5), bit, RTSHM_SEQ_) & bit) != 0;
}

RTSHM_IL_ BOOLEAN InterlockedBitTestAndSet64(LONG64 volatile *Base, LONG64 Offset)
{
	LONG64 bit = (LONG64)(1ULL << (Offset & 63));

	return (__atomic_fetch_or(Base + (Offset >> 6), bit, RTSHM_SEQ_) & bit) != 0;
}

RTSHM_IL_ BOOLEAN InterlockedBitTestAndReset64(LONG64 volatile *Base, LONG64 Offset)
{
	LONG64 bit = (LONG64)(1ULL << (Offset & 63));

	return (__atomic_fetch_and(Base + (Offset >> 6), ~bit, RTSHM_SEQ_) & bit) != 0;
}

RTSHM_IL_ BOOLEAN InterlockedBitTestAndComplement64(LONG64 volatile *Base, LONG64 Offset)
{
	LONG64 bit = (LONG64)(1ULL << (Offset & 63));

	return (__atomic_fetch_xor(Base + (Offset >> 6), bit, RTSHM_SEQ_) & bit) != 0;
}

/*
 * The Acquire and Release forms winnt.h defines for x64, where they are
 * the full-barrier functions too.
 */
#define InterlockedIncrementAcquire		InterlockedIncrement
#define InterlockedIncrementRelease		InterlockedIncrement
#define InterlockedDecrementAcquire		InterlockedDecrement
#define InterlockedDecrementRelease		InterlockedDecrement
#define InterlockedCompareExchangeAcquire	InterlockedCompareExchange
#define InterlockedCompareExchangeRelease	InterlockedCompareExchange
#define InterlockedCompareExchangeAcquire64	InterlockedCompareExchange64
#define InterlockedCompareExchangeRelease64	InterlockedCompareExchange64
#define InterlockedCompareExchangePointerAcquire InterlockedCompareExchangePointer
#define InterlockedCompareExchangePointerRelease InterlockedCompareExchangePointer

/* --- barriers ---------------------------------------------------------- */

/* A full memory barrier: no load or store moves across it (mfence). */
RTSHM_IL_ VOID MemoryBarrier(VOID)
{
	__atomic_thread_fence(RTSHM_SEQ_);
}

/*
 * The spin-wait hint (pause); also a compiler barrier, so a spin loop
 * re-reads what it waits for.
 */
RTSHM_IL_ VOID YieldProcessor(VOID)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__atomic_signal_fence(RTSHM_SEQ_);
#endif
}

/* Macros on Windows, which code tests with #ifdef. */
#define MemoryBarrier	MemoryBarrier
#define YieldProcessor	YieldProcessor

#undef RTSHM_IL_
#undef RTSHM_SEQ_

#endif /* RTSHM_INTERLOCKED_H */
