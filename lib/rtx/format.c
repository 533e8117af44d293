// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Microsoft's printf format language, rendered as UTF-8 without the C
 * locale's help (a static program in a minimal system has no UTF-8 locale).
 * Ported code relies on Microsoft's meanings, which differ from glibc's:
 *
 *   %ld %lu %lx ...	long is 32 bits (LLP64): read an int
 *   %I64d %I32d %Id	64-bit, 32-bit, pointer-sized integers
 *   %s %c		narrow in RtPrintf, wide in RtWprintf
 *   %S %C		the other width; %hs/%hc always narrow, %ls/%ws wide
 *   %p			16 upper-case hex digits, no 0x
 *
 * Each conversion is read from the argument list with its own type and
 * printed on its own, numbers through snprintf, strings here.  Widths and
 * precisions of narrow strings count bytes, of wide strings characters.
 * An unknown conversion is copied to the output as it stands.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "rtx.h"

enum fmt_size {
	SZ_NONE, SZ_HH, SZ_H, SZ_L, SZ_LL, SZ_BIG_L, SZ_J, SZ_Z, SZ_T,
	SZ_I, SZ_I32, SZ_I64, SZ_W,
};

struct fmt_spec {
	char flags[8];		/* as written, for snprintf */
	int left;		/* '-' */
	int zero;		/* '0' */
	int width;		/* -1: none */
	int prec;		/* -1: none */
	enum fmt_size size;
	uint32_t conv;
};

struct fmt_state {
	struct rtx_buf *out;
	const void *fmt;
	int wide;		/* the format (and %s, %c) is wide */
	va_list ap;
};

static uint32_t fmt_at(const struct fmt_state *st, size_t i)
{
	if (st->wide)
		return (uint32_t)((const wchar_t *)st->fmt)[i];
	return (unsigned char)((const char *)st->fmt)[i];
}

/* One character of the format or of a wide string, as UTF-8. */
static void put_char(struct rtx_buf *out, uint32_t cp)
{
	char utf8[4];
	size_t n = rtx_utf8_encode(cp, utf8);

	if (!n)
		n = rtx_utf8_encode(0xfffd, utf8);	/* replacement character */
	rtx_buf_put(out, utf8, n);
}

/* Copy format text [from, to) unchanged. */
static void put_format_text(struct fmt_state *st, size_t from, size_t to)
{
	if (!st->wide) {
		rtx_buf_put(st->out, (const char *)st->fmt + from, to - from);
		return;
	}
	for (; from < to; from++)
		put_char(st->out, fmt_at(st, from));
}

static void put_pad(struct rtx_buf *out, char c, int n)
{
	for (; n > 0; n--)
		rtx_buf_put(out, &c, 1);
}

static int is_flag(uint32_t c)
{
	return c == '-' || c == '+' || c == ' ' || c == '#' || c == '0' || c == '\'';
}

static int is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* Digits at *i, saturating at INT_MAX. */
static int parse_number(const struct fmt_state *st, size_t *i)
{
	long long n = 0;

	while (is_digit(fmt_at(st, *i))) {
		if (n < INT32_MAX)
			n = n * 10 + (fmt_at(st, *i) - '0');
		(*i)++;
	}
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

static enum fmt_size parse_size(const struct fmt_state *st, size_t *i)
{
	uint32_t c = fmt_at(st, *i);

	switch (c) {
	case 'h':
		(*i)++;
		if (fmt_at(st, *i) != 'h')
			return SZ_H;
		(*i)++;
		return SZ_HH;
	case 'l':
		(*i)++;
		if (fmt_at(st, *i) != 'l')
			return SZ_L;
		(*i)++;
		return SZ_LL;
	case 'I':
		(*i)++;
		if (fmt_at(st, *i) == '6' && fmt_at(st, *i + 1) == '4') {
			*i += 2;
			return SZ_I64;
		}
		if (fmt_at(st, *i) == '3' && fmt_at(st, *i + 1) == '2') {
			*i += 2;
			return SZ_I32;
		}
		return SZ_I;
	case 'L':
		(*i)++;
		return SZ_BIG_L;
	case 'j':
		(*i)++;
		return SZ_J;
	case 'z':
		(*i)++;
		return SZ_Z;
	case 't':
		(*i)++;
		return SZ_T;
	case 'w':
		(*i)++;
		return SZ_W;
	default:
		return SZ_NONE;
	}
}

/* Parse the conversion after the '%' at *i.  0: the format ended inside it. */
static int parse_spec(struct fmt_state *st, size_t *i, struct fmt_spec *s)
{
	size_t nflags = 0;
	uint32_t c;

	memset(s, 0, sizeof(*s));
	s->width = -1;
	s->prec = -1;
	while (is_flag(c = fmt_at(st, *i))) {
		if (nflags < sizeof(s->flags) - 1)
			s->flags[nflags++] = (char)c;
		s->left |= c == '-';
		s->zero |= c == '0';
		(*i)++;
	}
	if (fmt_at(st, *i) == '*') {
		int w = va_arg(st->ap, int);

		(*i)++;
		if (w < 0) {
			s->left = 1;
			w = w == INT32_MIN ? INT32_MAX : -w;
		}
		s->width = w;
	} else if (is_digit(fmt_at(st, *i))) {
		s->width = parse_number(st, i);
	}
	if (fmt_at(st, *i) == '.') {
		(*i)++;
		if (fmt_at(st, *i) == '*') {
			int p = va_arg(st->ap, int);

			(*i)++;
			s->prec = p < 0 ? -1 : p;
		} else {
			s->prec = parse_number(st, i);
		}
	}
	s->size = parse_size(st, i);
	s->conv = fmt_at(st, *i);
	if (!s->conv)
		return 0;
	(*i)++;
	return 1;
}

/* "%<flags><width>.<prec><length><conv>" for snprintf. */
static void c_spec(const struct fmt_spec *s, const char *length, char conv,
		   char *buf, size_t size)
{
	char width[16] = "", prec[16] = "";

	if (s->width >= 0)
		snprintf(width, sizeof(width), "%d", s->width);
	if (s->prec >= 0)
		snprintf(prec, sizeof(prec), ".%d", s->prec);
	snprintf(buf, size, "%%%s%s%s%s%c", s->flags, width, prec, length, conv);
}

static void put_signed(struct fmt_state *st, const struct fmt_spec *s)
{
	char spec[64];
	long long v;

	switch (s->size) {
	case SZ_HH:
		v = (signed char)va_arg(st->ap, int);
		break;
	case SZ_H:
		v = (short)va_arg(st->ap, int);
		break;
	case SZ_LL:
	case SZ_I64:
	case SZ_BIG_L:
		v = va_arg(st->ap, long long);
		break;
	case SZ_J:
		v = va_arg(st->ap, intmax_t);
		break;
	case SZ_Z:
	case SZ_I:
		v = va_arg(st->ap, ssize_t);
		break;
	case SZ_T:
		v = va_arg(st->ap, ptrdiff_t);
		break;
	default:	/* none, l (32-bit long), I32, w */
		v = va_arg(st->ap, int);
		break;
	}
	c_spec(s, "ll", (char)s->conv, spec, sizeof(spec));
	rtx_buf_printf(st->out, spec, v);
}

static void put_unsigned(struct fmt_state *st, const struct fmt_spec *s)
{
	unsigned long long v;
	char spec[64];

	switch (s->size) {
	case SZ_HH:
		v = (unsigned char)va_arg(st->ap, unsigned int);
		break;
	case SZ_H:
		v = (unsigned short)va_arg(st->ap, unsigned int);
		break;
	case SZ_LL:
	case SZ_I64:
	case SZ_BIG_L:
		v = va_arg(st->ap, unsigned long long);
		break;
	case SZ_J:
		v = va_arg(st->ap, uintmax_t);
		break;
	case SZ_Z:
	case SZ_I:
		v = va_arg(st->ap, size_t);
		break;
	case SZ_T:
		v = (unsigned long long)va_arg(st->ap, ptrdiff_t);
		break;
	default:
		v = va_arg(st->ap, unsigned int);
		break;
	}
	c_spec(s, "ll", (char)s->conv, spec, sizeof(spec));
	rtx_buf_printf(st->out, spec, v);
}

static void put_float(struct fmt_state *st, const struct fmt_spec *s)
{
	char spec[64];

	if (s->size == SZ_BIG_L) {
		c_spec(s, "L", (char)s->conv, spec, sizeof(spec));
		rtx_buf_printf(st->out, spec, va_arg(st->ap, long double));
	} else {
		c_spec(s, "", (char)s->conv, spec, sizeof(spec));
		rtx_buf_printf(st->out, spec, va_arg(st->ap, double));
	}
}

/* Pad @text (@len bytes, @chars characters) to the width. */
static void put_padded(struct rtx_buf *out, const struct fmt_spec *s,
		       const char *text, size_t len, size_t chars)
{
	int pad = s->width > 0 && (size_t)s->width > chars ? s->width - (int)chars : 0;

	if (!s->left)
		put_pad(out, s->zero ? '0' : ' ', pad);	/* Microsoft pads %05s with zeros */
	rtx_buf_put(out, text, len);
	if (s->left)
		put_pad(out, ' ', pad);
}

static void put_narrow_string(struct fmt_state *st, const struct fmt_spec *s)
{
	const char *str = va_arg(st->ap, const char *);
	size_t len;

	if (!str)
		str = "(null)";
	len = s->prec >= 0 ? strnlen(str, (size_t)s->prec) : strlen(str);
	put_padded(st->out, s, str, len, len);
}

static void put_wide_string(struct fmt_state *st, const struct fmt_spec *s)
{
	const wchar_t *str = va_arg(st->ap, const wchar_t *);
	char storage[256];
	struct rtx_buf text;
	size_t chars = 0;

	if (!str)
		str = L"(null)";
	rtx_buf_init(&text, storage, sizeof(storage));
	for (; *str && (s->prec < 0 || chars < (size_t)s->prec); str++, chars++)
		put_char(&text, (uint32_t)*str);
	if (text.failed)
		st->out->failed = 1;
	else
		put_padded(st->out, s, text.data, text.len, chars);
	rtx_buf_free(&text);
}

static void put_character(struct fmt_state *st, const struct fmt_spec *s, int wide)
{
	struct rtx_buf text;
	char storage[8];

	rtx_buf_init(&text, storage, sizeof(storage));
	if (wide) {
		put_char(&text, (uint32_t)va_arg(st->ap, wint_t));
	} else {
		char c = (char)va_arg(st->ap, int);

		rtx_buf_put(&text, &c, 1);
	}
	put_padded(st->out, s, text.data, text.len, 1);
	rtx_buf_free(&text);
}

/* Whether %c/%s/%C/%S means a wide argument here. */
static int wide_argument(const struct fmt_state *st, const struct fmt_spec *s)
{
	int upper = s->conv == 'C' || s->conv == 'S';

	if (s->size == SZ_H)
		return 0;
	if (s->size == SZ_L || s->size == SZ_W)
		return 1;
	return st->wide ? !upper : upper;
}

static void put_pointer(struct fmt_state *st, const struct fmt_spec *s)
{
	char text[24];
	int n = snprintf(text, sizeof(text), "%016" PRIXPTR,
			 (uintptr_t)va_arg(st->ap, void *));

	put_padded(st->out, s, text, (size_t)n, (size_t)n);
}

/* Characters written so far: bytes, or code points for the wide functions. */
static size_t written(const struct fmt_state *st)
{
	size_t i, n = 0;

	if (!st->wide)
		return st->out->len;
	for (i = 0; i < st->out->len; i++)
		n += ((unsigned char)st->out->data[i] & 0xc0) != 0x80;
	return n;
}

static void store_count(struct fmt_state *st, const struct fmt_spec *s)
{
	size_t n = written(st);

	switch (s->size) {
	case SZ_HH:
		*va_arg(st->ap, signed char *) = (signed char)n;
		break;
	case SZ_H:
		*va_arg(st->ap, short *) = (short)n;
		break;
	case SZ_LL:
	case SZ_I64:
		*va_arg(st->ap, long long *) = (long long)n;
		break;
	case SZ_Z:
	case SZ_I:
		*va_arg(st->ap, size_t *) = n;
		break;
	default:
		*va_arg(st->ap, int *) = (int)n;
		break;
	}
}

/* Print one conversion; 0 if it is unknown (and nothing was read). */
static int put_conversion(struct fmt_state *st, const struct fmt_spec *s)
{
	switch (s->conv) {
	case 'd':
	case 'i':
		put_signed(st, s);
		return 1;
	case 'o':
	case 'u':
	case 'x':
	case 'X':
		put_unsigned(st, s);
		return 1;
	case 'e':
	case 'E':
	case 'f':
	case 'F':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		put_float(st, s);
		return 1;
	case 'c':
	case 'C':
		put_character(st, s, wide_argument(st, s));
		return 1;
	case 's':
	case 'S':
		if (wide_argument(st, s))
			put_wide_string(st, s);
		else
			put_narrow_string(st, s);
		return 1;
	case 'p':
		put_pointer(st, s);
		return 1;
	case 'n':
		store_count(st, s);
		return 1;
	default:
		return 0;
	}
}

void rtx_format(struct rtx_buf *out, const void *fmt, int wide, va_list ap)
{
	struct fmt_state st = { .out = out, .fmt = fmt, .wide = wide };
	struct fmt_spec spec;
	size_t i = 0, start;
	uint32_t c;

	va_copy(st.ap, ap);
	while ((c = fmt_at(&st, i)) != 0 && !out->failed) {
		if (c != '%') {
			for (start = i++; (c = fmt_at(&st, i)) != 0 && c != '%'; i++)
				;
			put_format_text(&st, start, i);
			continue;
		}
		start = i++;
		if (fmt_at(&st, i) == '%') {
			rtx_buf_put(out, "%", 1);
			i++;
			continue;
		}
		if (!parse_spec(&st, &i, &spec)) {
			put_format_text(&st, start, i);
			break;
		}
		if (!put_conversion(&st, &spec))
			put_format_text(&st, start, i);
	}
	va_end(st.ap);
}
