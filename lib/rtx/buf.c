// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Growable output buffer for RtPrintf/RtWprintf: short messages stay in the
 * caller's stack storage, so the usual print allocates nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtx.h"

void rtx_buf_init(struct rtx_buf *b, char *storage, size_t size)
{
	b->data = storage;
	b->len = 0;
	b->cap = size;
	b->on_heap = 0;
	b->failed = 0;
}

static int rtx_buf_reserve(struct rtx_buf *b, size_t n)
{
	size_t ncap;
	char *p;

	if (b->failed)
		return -1;
	if (n <= b->cap - b->len)
		return 0;
	if (n > SIZE_MAX / 2 - b->len) {
		b->failed = 1;
		return -1;
	}
	ncap = b->cap * 2 > b->len + n ? b->cap * 2 : b->len + n;
	p = b->on_heap ? realloc(b->data, ncap) : malloc(ncap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	if (!b->on_heap)
		memcpy(p, b->data, b->len);
	b->data = p;
	b->cap = ncap;
	b->on_heap = 1;
	return 0;
}

void rtx_buf_put(struct rtx_buf *b, const char *s, size_t n)
{
	if (rtx_buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

void rtx_buf_printf(struct rtx_buf *b, const char *fmt, ...)
{
	va_list ap, aq;
	int n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		b->failed = 1;
	else if (!rtx_buf_reserve(b, (size_t)n + 1)) {
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, aq);
		b->len += (size_t)n;
	}
	va_end(aq);
	va_end(ap);
}

void rtx_buf_free(struct rtx_buf *b)
{
	if (b->on_heap)
		free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->on_heap = 0;
}
