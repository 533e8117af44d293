/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The basic Win32 types the ported APIs are written in (RTX's rtapi.h,
 * INtime's ntx.h and rt.h), defined once for all of them.
 *
 * Every compatibility header includes this file instead of typedef'ing
 * these names itself, so any mix of them can be included in one source
 * file.  RTSHM_WIN_TYPES_DEFINED is the one guard: a header that needs a
 * type missing here adds it here, never beside this block.
 *
 * Sizes follow the Windows data model, not LP64: DWORD and LONG are 32
 * bits even where C's long is 64, so structures shared with code written
 * for Windows keep their layout.
 */
#ifndef RTSHM_WIN_TYPES_DEFINED
#define RTSHM_WIN_TYPES_DEFINED

#include <stddef.h>
#include <stdint.h>

typedef uint8_t		BYTE;
typedef uint16_t	WORD;
typedef uint32_t	DWORD;
typedef int32_t		LONG;
typedef uint32_t	ULONG;
typedef unsigned int	UINT;
typedef int		BOOL;
typedef BYTE		BOOLEAN;
typedef char		CHAR;
typedef CHAR		*LPSTR;
typedef const CHAR	*LPCSTR;
typedef void		*PVOID;
typedef void		*LPVOID;
typedef void		*HANDLE;

/* The rest of windef.h/winnt.h that RTX's rtapi.h and its callers use. */
typedef BYTE		UCHAR, *PUCHAR, *PBYTE, *LPBYTE;
typedef BOOLEAN		*PBOOLEAN;
typedef BOOL		*PBOOL, *LPBOOL;
typedef CHAR		*PCHAR, *PSTR;
typedef const CHAR	*PCSTR;
typedef int16_t		SHORT, *PSHORT;
typedef WORD		USHORT, *PUSHORT, *PWORD, *LPWORD;
typedef int		INT, *PINT, *LPINT;
typedef UINT		*PUINT;
typedef LONG		*PLONG, *LPLONG;
typedef ULONG		*PULONG;
typedef DWORD		*PDWORD, *LPDWORD;
typedef int32_t		INT32;
typedef uint32_t	UINT32;
typedef int64_t		INT64, LONGLONG, *PLONGLONG;
typedef uint64_t	UINT64, DWORD64, ULONGLONG, *PULONGLONG;
typedef int64_t		LONG64, *PLONG64;
typedef uint64_t	ULONG64, *PULONG64;
typedef intptr_t	INT_PTR, LONG_PTR;
typedef uintptr_t	UINT_PTR, ULONG_PTR, DWORD_PTR, *PDWORD_PTR;
typedef size_t		SIZE_T, *PSIZE_T;
typedef ptrdiff_t	SSIZE_T;
typedef float		FLOAT;
typedef const void	*LPCVOID;
typedef HANDLE		*PHANDLE, *LPHANDLE;

/* Accepted and ignored: Linux permissions come from the umask. */
typedef struct _SECURITY_ATTRIBUTES {
	DWORD nLength;
	LPVOID lpSecurityDescriptor;
	BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/*
 * WCHAR is wchar_t so that L"..." literals work unchanged; on Linux that
 * is 32 bits (UTF-32), not Windows' UTF-16.  Functions taking wide names
 * convert them to UTF-8, so L"name" and "name" are the same object.
 */
typedef wchar_t		WCHAR, *PWCHAR, *PWSTR, *LPWSTR;
typedef const WCHAR	*PCWSTR, *LPCWSTR;

/* __extension__: anonymous structs are C11, and this header serves C99 too. */
typedef union _LARGE_INTEGER {
	__extension__ struct {
		DWORD LowPart;
		LONG HighPart;
	};
	struct {
		DWORD LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

/* ntdef.h: a physical address, as RtGetPhysicalAddress returns it. */
typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef union _ULARGE_INTEGER {
	__extension__ struct {
		DWORD LowPart;
		DWORD HighPart;
	};
	struct {
		DWORD LowPart;
		DWORD HighPart;
	} u;
	ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* Generic text: UNICODE selects wide TCHAR and TEXT(), as in winnt.h. */
#define RTSHM_WIDEN_(quote)	L##quote
#ifdef UNICODE
typedef WCHAR		TCHAR, *PTCHAR;
#define TEXT(quote)		RTSHM_WIDEN_(quote)
#else
typedef char		TCHAR, *PTCHAR;
#define TEXT(quote)		quote
#endif
typedef TCHAR		*PTSTR, *LPTSTR;
typedef const TCHAR	*PCTSTR, *LPCTSTR;

#ifndef VOID
#define VOID void
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
/* winbase.h: a wait without time limit */
#ifndef INFINITE
#define INFINITE 0xFFFFFFFFU
#endif

#endif /* RTSHM_WIN_TYPES_DEFINED */
