// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RtPrintf and RtWprintf: the RTX console prints, on stdout.
 *
 * Both write UTF-8 bytes, so they mix freely with each other and with
 * printf (a wprintf-style wide stream could not).  Each call is written in
 * one piece under the stream lock and flushed, as the RTX console shows
 * every line at once; output is not lost when the process is killed.
 */
#include <stdio.h>

#include "rtx.h"

/* Most messages fit: no allocation in the common case. */
#define RTX_PRINT_STACK	512

static int rtx_print(const void *fmt, int wide, va_list ap)
{
	char storage[RTX_PRINT_STACK];
	struct rtx_buf b;
	size_t i, chars = 0;
	int ret = -1;

	if (!fmt)
		return -1;
	rtx_buf_init(&b, storage, sizeof(storage));
	rtx_format(&b, fmt, wide, ap);
	if (!b.failed) {
		flockfile(stdout);
		if (fwrite(b.data, 1, b.len, stdout) == b.len && !fflush(stdout))
			ret = 0;
		funlockfile(stdout);
	}
	if (!ret) {
		if (!wide)
			chars = b.len;
		else
			for (i = 0; i < b.len; i++)
				chars += ((unsigned char)b.data[i] & 0xc0) != 0x80;
		ret = chars > INT32_MAX ? INT32_MAX : (int)chars;
	}
	rtx_buf_free(&b);
	return ret;
}

RTSHM_EXPORT int RtPrintf(LPCSTR pFormat, ...)
{
	va_list ap;
	int ret;

	va_start(ap, pFormat);
	ret = rtx_print(pFormat, 0, ap);
	va_end(ap);
	return ret;
}

RTSHM_EXPORT int RtWprintf(const WCHAR *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = rtx_print(fmt, 1, ap);
	va_end(ap);
	return ret;
}
