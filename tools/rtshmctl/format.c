// SPDX-License-Identifier: GPL-2.0
/* Text conversions of rtshmctl (see format.h). */
#include <string.h>

#include "format.h"

void fmt_size(uint64_t bytes, char *buf, size_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	uint64_t unit = 1024;
	unsigned int u = 0;
	double v;

	if (bytes < 1024) {
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
		return;
	}
	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes / unit >= 1024) {
		unit *= 1024;
		u++;
	}
	if (bytes % unit == 0) {
		snprintf(buf, n, "%llu %s", (unsigned long long)(bytes / unit), units[u]);
		return;
	}
	v = (double)bytes / (double)unit;
	snprintf(buf, n, v < 9.95 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* The C escape letter of @c, or 0. */
static char c_escape(unsigned char c)
{
	static const char from[] = "\a\b\t\n\v\f\r";
	static const char to[] = "abtnvfr";
	const char *p = c ? memchr(from, c, sizeof(from) - 1) : NULL;

	return p ? to[p - from] : 0;
}

void fmt_name(const unsigned char *name, size_t len, char *buf, size_t n)
{
	size_t i, o = 0;

	if (!n)
		return;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];
		char tmp[5];

		if (c_escape(c))
			snprintf(tmp, sizeof(tmp), "\\%c", c_escape(c));
		else if (c <= ' ' || c >= 0x7f || (len == 1 && c == '-'))
			snprintf(tmp, sizeof(tmp), "\\%03o", c);
		else
			snprintf(tmp, sizeof(tmp), "%c", c);
		if (o + strlen(tmp) >= n)
			break;
		memcpy(buf + o, tmp, strlen(tmp));
		o += strlen(tmp);
	}
	buf[o] = '\0';
}

static int digit_value(char c, unsigned int base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

/* Decode the escapes of a name argument into @t->name. */
static const char *decode_name(const char *s, struct fmt_target *t)
{
	size_t n = 0;

	while (*s) {
		unsigned int v;

		if (n == PROCFILE_NAME_MAX)
			return "name longer than 255 bytes";
		if (*s != '\\') {
			t->name[n++] = (unsigned char)*s++;
			continue;
		}
		s++;
		if (*s && strchr("abtnvfr", *s)) {
			static const char from[] = "abtnvfr";
			static const char to[] = "\a\b\t\n\v\f\r";

			v = (unsigned char)to[strchr(from, *s) - from];
			s++;
		} else if (*s == 'x' && digit_value(s[1], 16) >= 0) {
			int i;

			s++;
			for (v = 0, i = 0; i < 2 && digit_value(*s, 16) >= 0; i++)
				v = v * 16 + (unsigned int)digit_value(*s++, 16);
		} else if (digit_value(*s, 8) >= 0) {
			int i;

			for (v = 0, i = 0; i < 3 && digit_value(*s, 8) >= 0; i++)
				v = v * 8 + (unsigned int)digit_value(*s++, 8);
			if (v > 0377)
				return "octal escape above \\377";
		} else {
			return "a name cannot contain '\\': use \\ooo, \\xHH or \\n-style escapes";
		}
		if (v == 0)
			return "a name cannot contain a NUL byte";
		if (v == '\\')
			return "a name cannot contain '\\'";
		t->name[n++] = (unsigned char)v;
	}
	if (n == 0)
		return "empty name";
	t->name[n] = '\0';
	t->name_len = n;
	return NULL;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

const char *fmt_parse_target(const char *arg, struct fmt_target *t)
{
	memset(t, 0, sizeof(*t));
	if (!strncmp(arg, "name:", 5))
		return decode_name(arg + 5, t);
	if (!strcmp(arg, "-")) {
		t->unnamed = 1;
		return NULL;
	}
	if (!strncmp(arg, "id:", 3) || all_digits(arg)) {
		const char *d = arg[0] == 'i' ? arg + 3 : arg;
		uint32_t v = 0;

		if (!all_digits(d))
			return "an id is a number from 1 to 65535";
		for (; *d; d++) {
			v = v * 10 + (uint32_t)(*d - '0');
			if (v > 65535)
				return "an id is a number from 1 to 65535 (for a name made of digits write name:NAME)";
		}
		if (v == 0)
			return "an id is a number from 1 to 65535 (for a name made of digits write name:NAME)";
		t->by_id = 1;
		t->id = v;
		return NULL;
	}
	return decode_name(arg, t);
}

int fmt_parse_size(const char *arg, uint64_t *out)
{
	static const struct {
		const char *suffix;
		unsigned int shift;
	} sfx[] = {
		{ "", 0 }, { "B", 0 },
		{ "K", 10 }, { "k", 10 }, { "KiB", 10 }, { "kiB", 10 },
		{ "M", 20 }, { "MiB", 20 }, { "G", 30 }, { "GiB", 30 },
	};
	unsigned int base = 10, i;
	uint64_t v = 0;
	const char *s = arg;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (digit_value(*s, base) < 0)
		return -1;
	for (; digit_value(*s, base) >= 0; s++) {
		unsigned int d = (unsigned int)digit_value(*s, base);

		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if (strcmp(s, sfx[i].suffix))
			continue;
		if (sfx[i].shift && v > (UINT64_MAX >> sfx[i].shift))
			return -1;
		*out = v << sfx[i].shift;
		return 0;
	}
	return -1;
}

void fmt_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void fmt_mode(uint32_t mode, char buf[10])
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	for (i = 0; i < 9; i++)
		buf[i] = mode & (0400u >> i) ? rwx[i] : '-';
	buf[9] = '\0';
}
