// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of /proc/rtshm (see procfile.h).  Pure: no I/O, no globals; every
 * field is checked completely (digits only, range, no sign or blanks) so a
 * damaged or truncated line is skipped rather than half-read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "procfile.h"

/* A field of a line: [start, start + len). */
struct field {
	const char *s;
	size_t len;
};

/* Decimal (base 10), octal (8) or hexadecimal (16) digits, nothing else. */
static int parse_uint(struct field f, unsigned int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (f.len == 0)
		return -1;
	for (i = 0; i < f.len; i++) {
		unsigned char c = (unsigned char)f.s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		if (d >= base || d > max || v > (max - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int parse_u32(struct field f, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_uint(f, 10, max, &v) || v < min)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int procfile_decode_name(const char *field, size_t len, unsigned char *out)
{
	size_t i, n = 0;

	if (len == 1 && field[0] == '-') {
		out[0] = '\0';
		return 0;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)field[i];

		if (n == PROCFILE_NAME_MAX)
			return -1;
		if (c == '\\') {
			uint64_t v;

			if (len - i < 4 ||
			    parse_uint((struct field){ field + i + 1, 3 }, 8, 0377, &v))
				return -1;
			/* names never hold NUL or '\'; the kernel cannot write them */
			if (v == 0 || v == '\\')
				return -1;
			c = (unsigned char)v;
			i += 3;
		} else if (c <= ' ' || c >= 0x7f) {
			return -1;	/* the kernel escapes these */
		}
		out[n++] = c;
	}
	if (n == 0)
		return -1;
	out[n] = '\0';
	return (int)n;
}

/* Split @line at single spaces; fails on empty fields or more than @max. */
static int split(const char *line, size_t len, struct field *f, size_t max)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i <= len; i++) {
		if (i < len && line[i] != ' ')
			continue;
		if (i == start || n == max)
			return -1;
		f[n].s = line + start;
		f[n].len = i - start;
		n++;
		start = i + 1;
	}
	return (int)n;
}

static int field_is(struct field f, const char *word)
{
	return f.len == strlen(word) && !memcmp(f.s, word, f.len);
}

/* Header: the known field names first; returns the field count, or -1. */
static int parse_header(const char *line, size_t len)
{
	static const char *const names[PROCFILE_FIELDS] = {
		"id", "name", "size", "handles", "mappings",
		"uid", "gid", "mode", "cpid", "phys",
	};
	struct field f[64];
	int n = split(line, len, f, 64), i;

	if (n < PROCFILE_FIELDS)
		return -1;
	for (i = 0; i < PROCFILE_FIELDS; i++)
		if (!field_is(f[i], names[i]))
			return -1;
	return n;
}

/* "N/MAX": two decimal numbers around one slash. */
static int parse_pair(struct field f, uint64_t *a, uint64_t *b)
{
	const char *slash = memchr(f.s, '/', f.len);
	size_t la;

	if (!slash)
		return -1;
	la = (size_t)(slash - f.s);
	if (parse_uint((struct field){ f.s, la }, 10, UINT64_MAX, a) ||
	    parse_uint((struct field){ slash + 1, f.len - la - 1 }, 10, UINT64_MAX, b))
		return -1;
	return 0;
}

/* "total segments N/MAX bytes B/MAX" */
static int parse_summary(const char *line, size_t len, struct procfile *pf)
{
	struct field f[5];
	uint64_t v[4];

	if (split(line, len, f, 5) != 5 || !field_is(f[0], "total") ||
	    !field_is(f[1], "segments") || !field_is(f[3], "bytes") ||
	    parse_pair(f[2], &v[0], &v[1]) || parse_pair(f[4], &v[2], &v[3]))
		return -1;
	pf->nr_segments = v[0];
	pf->max_segments = v[1];
	pf->bytes = v[2];
	pf->max_bytes = v[3];
	pf->has_summary = 1;
	return 0;
}

/* "pool bytes USED/SIZE", printed when the module has a reserved pool */
static int parse_pool(const char *line, size_t len, struct procfile *pf)
{
	struct field f[3];

	if (split(line, len, f, 3) != 3 || !field_is(f[0], "pool") ||
	    !field_is(f[1], "bytes") ||
	    parse_pair(f[2], &pf->pool_used, &pf->pool_size))
		return -1;
	pf->has_pool = 1;
	return 0;
}

static int parse_segment(const char *line, size_t len, int nfields,
			 struct procfile_seg *s)
{
	struct field f[64];
	uint64_t v;
	int n;

	n = split(line, len, f, 64);
	if (n != nfields)
		return -1;
	memset(s, 0, sizeof(*s));
	if (parse_u32(f[0], 1, 65535, &s->id))
		return -1;
	n = procfile_decode_name(f[1].s, f[1].len, s->name);
	if (n < 0)
		return -1;
	s->named = n > 0;
	s->name_len = (size_t)n;
	if (parse_uint(f[2], 10, UINT64_MAX, &s->size) ||
	    parse_u32(f[3], 0, UINT32_MAX, &s->handles) ||
	    parse_u32(f[4], 0, UINT32_MAX, &s->mappings) ||
	    parse_u32(f[5], 0, UINT32_MAX, &s->uid) ||
	    parse_u32(f[6], 0, UINT32_MAX, &s->gid) ||
	    parse_uint(f[7], 8, 07777, &v) ||
	    parse_u32(f[8], 0, INT32_MAX, &s->cpid))
		return -1;
	s->mode = (uint32_t)v;
	if (f[9].len < 3 || f[9].s[0] != '0' || f[9].s[1] != 'x' ||
	    parse_uint((struct field){ f[9].s + 2, f[9].len - 2 }, 16, UINT64_MAX, &s->phys))
		return -1;
	return 0;
}

static int append(struct procfile *pf, const struct procfile_seg *s, size_t *cap)
{
	if (pf->nsegs == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct procfile_seg *n = realloc(pf->segs, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		pf->segs = n;
		*cap = ncap;
	}
	pf->segs[pf->nsegs++] = *s;
	return 0;
}

static void bad_line(struct procfile *pf, size_t lineno)
{
	if (!pf->bad_lines++)
		pf->first_bad_line = lineno;
}

int procfile_parse(const char *text, size_t len, struct procfile *pf)
{
	size_t pos = 0, lineno = 0, cap = 0;
	int nfields = -1;

	memset(pf, 0, sizeof(*pf));
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;
		struct procfile_seg seg;

		pos += llen + (nl ? 1 : 0);
		lineno++;
		if (lineno == 1) {
			nfields = parse_header(line, llen);
			pf->header_ok = nfields > 0;
			if (!pf->header_ok)
				bad_line(pf, lineno);
			continue;
		}
		if (nfields < 0) {
			bad_line(pf, lineno);
		} else if (llen > 6 && !memcmp(line, "total ", 6)) {
			if (pf->has_summary || parse_summary(line, llen, pf))
				bad_line(pf, lineno);
		} else if (llen > 5 && !memcmp(line, "pool ", 5)) {
			if (pf->has_pool || parse_pool(line, llen, pf))
				bad_line(pf, lineno);
		} else if (parse_segment(line, llen, nfields, &seg)) {
			bad_line(pf, lineno);
		} else if (append(pf, &seg, &cap)) {
			return -ENOMEM;
		}
	}
	return 0;
}

void procfile_free(struct procfile *pf)
{
	free(pf->segs);
	pf->segs = NULL;
	pf->nsegs = 0;
}
