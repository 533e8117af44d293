/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <tchar.h> for code ported from RTX/RTX64: _TCHAR, _T()/_TEXT() and the
 * _tcs* string functions whose narrow and wide C versions behave alike.
 * _UNICODE selects wide, as on Windows.  The printf family is left out:
 * Linux's wprintf reads %s as a narrow string, Microsoft's as a wide one;
 * use RtPrintf/RtWprintf (<rtapi.h>), which follow Microsoft.
 */
#ifndef RTSHM_COMPAT_TCHAR_H
#define RTSHM_COMPAT_TCHAR_H

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../rtshm_windows.h"

/*
 * _tmain is wmain under _UNICODE, which gets argv and envp converted from
 * UTF-8, as RTSS passes wide arguments; main otherwise (rtshm_entry.h).
 */
#ifdef _UNICODE
#define _tmain		wmain
#else
#define _tmain		main
#endif

#ifdef _UNICODE
typedef wchar_t _TCHAR;
#define _tcslen		wcslen
#define _tcscpy		wcscpy
#define _tcsncpy	wcsncpy
#define _tcscat		wcscat
#define _tcsncat	wcsncat
#define _tcscmp		wcscmp
#define _tcsncmp	wcsncmp
#define _tcschr		wcschr
#define _tcsrchr	wcsrchr
#define _tcsstr		wcsstr
#define _tcstol		wcstol
#define _tcstoul	wcstoul
#define _tcstod		wcstod
#else
typedef char _TCHAR;
#define _tcslen		strlen
#define _tcscpy		strcpy
#define _tcsncpy	strncpy
#define _tcscat		strcat
#define _tcsncat	strncat
#define _tcscmp		strcmp
#define _tcsncmp	strncmp
#define _tcschr		strchr
#define _tcsrchr	strrchr
#define _tcsstr		strstr
#define _tcstol		strtol
#define _tcstoul	strtoul
#define _tcstod		strtod
#endif

#endif /* RTSHM_COMPAT_TCHAR_H */
