/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The entry points of code ported from RTX/RTX64 (included by
 * rtshm_windows.h; see wmain(3)): "void _cdecl main(...)", as the RTX
 * wizard writes it, and wmain, which <tchar.h>'s _tmain becomes under
 * _UNICODE and which RTSS calls with wide arguments.
 *
 * Linux's C runtime calls only int main(int, char **, char **).  So main(...)
 * and wmain(...) are macros: where the program defines its entry point they
 * give the program's function another symbol and define the real main,
 * which calls it with the parameters it declares (none, argc and argv, or
 * those and envp; wmain's converted from UTF-8 to wchar_t) and exits with
 * what it returns, or 0 if it returns void.  With GCC the program's
 * function keeps the C name main, so C's rule that reaching the closing }
 * of main returns 0 holds for it, wmain included (see RTSHM_FN_).
 *
 * The macros expect one definition and no other use of the name in the
 * file (a prototype or a call would define main again).  Define
 * RTSHM_NO_ENTRY_WRAPPER before the first include to write a plain Linux
 * main instead.  C only: C++ has no void main.
 */
#ifndef RTSHM_ENTRY_H
#define RTSHM_ENTRY_H

#if !defined(__cplusplus) && !defined(RTSHM_NO_ENTRY_WRAPPER)

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/*
 * UTF-8 to wchar_t (UTF-32), the encoding the library uses for wide names.
 * A byte that starts no valid sequence becomes U+FFFD, as with Windows'
 * MultiByteToWideChar.  Writes the string and its NUL at @out, returns the
 * place after them; never writes more wchar_t than @s has bytes + 1.
 */
static __inline__ wchar_t *rtshm_utf8_to_wide_(const char *s, wchar_t *out)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int c, len, min, i;

	while (*p) {
		c = *p;
		if (c < 0x80) {
			*out++ = (wchar_t)c;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, min = 0x80, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, min = 0x800, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, min = 0x10000, c &= 0x07;
		else
			len = 0, min = 0;
		for (i = 1; i < len && (p[i] & 0xc0) == 0x80; i++)
			c = c << 6 | (p[i] & 0x3f);
		if (len == 0 || i < len || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
			*out++ = (wchar_t)0xfffd;
			p++;
			continue;
		}
		*out++ = (wchar_t)c;
		p += len;
	}
	*out++ = L'\0';
	return out;
}

/*
 * A wide copy of the NULL-terminated vector @v, in one block that lives as
 * long as the process (like argv).  NULL, after a message, if out of memory.
 */
static __inline__ wchar_t **rtshm_widen_vector_(char **v)
{
	size_t n, chars = 0;
	wchar_t **w, *p;

	for (n = 0; v[n]; n++)
		chars += strlen(v[n]) + 1;
	w = (wchar_t **)malloc((n + 1) * sizeof(*w) + chars * sizeof(wchar_t));
	if (!w) {
		/* what MSVC's runtime does (R6008), which exits with 255 */
		fputs("not enough space for arguments\n", stderr);
		return NULL;
	}
	p = (wchar_t *)(w + n + 1);
	for (n = 0; v[n]; n++) {
		w[n] = p;
		p = rtshm_utf8_to_wide_(v[n], p);
	}
	w[n] = NULL;
	return w;
}

/*
 * wmain(...) is main(...) with three more arguments in front, so one macro
 * (whose own expansion can name main without expanding it again) serves
 * both: 1 to 3 arguments are main's (() and (void) count 1), 4 to 6 wmain's.
 */
#define RTSHM_COUNT_(...)	RTSHM_COUNT2_(__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define RTSHM_COUNT2_(a, b, c, d, e, f, n, ...)	n
#define RTSHM_CAT_(a, b)	RTSHM_CAT2_(a, b)
#define RTSHM_CAT2_(a, b)	a##b
#define RTSHM_STR_(x)		RTSHM_STR2_(x)
#define RTSHM_STR2_(x)		#x
#define RTSHM_SYM_(name)	RTSHM_STR_(__USER_LABEL_PREFIX__) name
#define RTSHM_KEEP_(...)	__VA_ARGS__
#define RTSHM_DROP3_(a, b, c, ...)	__VA_ARGS__

/* By count: the parameters as written, the symbol of the program's function, */
#define RTSHM_PARAMS_1		RTSHM_KEEP_
#define RTSHM_PARAMS_2		RTSHM_KEEP_
#define RTSHM_PARAMS_3		RTSHM_KEEP_
#define RTSHM_PARAMS_4		RTSHM_DROP3_
#define RTSHM_PARAMS_5		RTSHM_DROP3_
#define RTSHM_PARAMS_6		RTSHM_DROP3_
#define RTSHM_SYMBOL_1		"rtshm_program_main"
#define RTSHM_SYMBOL_2		"rtshm_program_main"
#define RTSHM_SYMBOL_3		"rtshm_program_main"
#define RTSHM_SYMBOL_4		"wmain"
#define RTSHM_SYMBOL_5		"wmain"
#define RTSHM_SYMBOL_6		"wmain"
/* arguments of the right shape for __typeof__ of a call, the real ones, */
#define RTSHM_ZEROS_1
#define RTSHM_ZEROS_2		0, 0
#define RTSHM_ZEROS_3		0, 0, 0
#define RTSHM_ZEROS_4
#define RTSHM_ZEROS_5		0, 0
#define RTSHM_ZEROS_6		0, 0, 0
#define RTSHM_ARGS_1
#define RTSHM_ARGS_2		rtshm_argc_, rtshm_argv_
#define RTSHM_ARGS_3		rtshm_argc_, rtshm_argv_, rtshm_envp_
#define RTSHM_ARGS_4
#define RTSHM_ARGS_5		rtshm_argc_, rtshm_wargv_
#define RTSHM_ARGS_6		rtshm_argc_, rtshm_wargv_, rtshm_wenvp_
/* and the conversions they need. */
#define RTSHM_CONVERT_1
#define RTSHM_CONVERT_2
#define RTSHM_CONVERT_3
#define RTSHM_CONVERT_4
#define RTSHM_CONVERT_5							\
	wchar_t **rtshm_wargv_ = rtshm_widen_vector_(rtshm_argv_);	\
	if (!rtshm_wargv_)						\
		return 255;
#define RTSHM_CONVERT_6							\
	wchar_t **rtshm_wargv_ = rtshm_widen_vector_(rtshm_argv_);	\
	wchar_t **rtshm_wenvp_ = rtshm_wargv_ ? rtshm_widen_vector_(rtshm_envp_) : NULL; \
	if (!rtshm_wenvp_)						\
		return 255;

/*
 * The C name of the program's function.  GCC lets it stay main, so the
 * implicit return 0 applies; clang refuses a main that returns void or
 * takes wide arguments, so there it is another name and an int main or
 * wmain must return its value itself.
 */
#ifdef __clang__
#define RTSHM_FN_	rtshm_program_fn_
#else
#define RTSHM_FN_	main
#endif

/* The exit status: what @call returns, or 0 when it returns void. */
#define RTSHM_STATUS_(call)						\
	__builtin_choose_expr(__builtin_types_compatible_p(__typeof__(call), void), \
			      ((call), 0), (call))

/*
 * Completes the program's "RET _cdecl " into a declaration of its function
 * under another symbol, defines the real main (C name rtshm_entry_) and
 * opens the program's definition with the same return type.  -Wmain is off
 * from there on: a void main or wide parameters are what the program means.
 */
#define RTSHM_ENTRY_(n, ...)						\
	RTSHM_FN_(RTSHM_CAT_(RTSHM_PARAMS_, n)(__VA_ARGS__))		\
		__asm__(RTSHM_SYM_(RTSHM_CAT_(RTSHM_SYMBOL_, n)));	\
	int rtshm_entry_(int, char **, char **) __asm__(RTSHM_SYM_("main")); \
	int rtshm_entry_(int rtshm_argc_, char **rtshm_argv_, char **rtshm_envp_) \
	{								\
		RTSHM_CAT_(RTSHM_CONVERT_, n)				\
		(void)rtshm_argc_;					\
		(void)rtshm_argv_;					\
		(void)rtshm_envp_;					\
		return RTSHM_STATUS_(RTSHM_FN_(RTSHM_CAT_(RTSHM_ARGS_, n))); \
	}								\
	_Pragma("GCC diagnostic ignored \"-Wmain\"")			\
	__typeof__(RTSHM_FN_(RTSHM_CAT_(RTSHM_ZEROS_, n)))		\
	RTSHM_FN_(RTSHM_CAT_(RTSHM_PARAMS_, n)(__VA_ARGS__))

#define main(...)	RTSHM_ENTRY_(RTSHM_COUNT_(__VA_ARGS__), __VA_ARGS__)
#define wmain(...)	main(~, ~, ~, __VA_ARGS__)

#endif /* !__cplusplus && !RTSHM_NO_ENTRY_WRAPPER */

#endif /* RTSHM_ENTRY_H */
