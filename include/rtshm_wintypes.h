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
