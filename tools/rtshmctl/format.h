/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text conversions of rtshmctl: sizes, segment names shown to people and
 * read from the command line, JSON strings.  Pure functions.
 */
#ifndef RTSHMCTL_FORMAT_H
#define RTSHMCTL_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "procfile.h"

/* Longest display form of a name: 4 bytes per escaped byte, plus NUL. */
#define FMT_NAME_BUF	(PROCFILE_NAME_MAX * 4 + 1)
#define FMT_SIZE_BUF	32

/* "512 B", "4 KiB", "1.5 MiB", "228 MiB": binary units, 2-3 digits. */
void fmt_size(uint64_t bytes, char *buf, size_t n);

/*
 * Display form of a name: printable ASCII stays, \a \b \t \n \v \f \r are
 * written C-style, every other byte at or below ' ' or at or above 0x7f
 * as \ooo, and a name that is exactly "-" as \055 (a bare "-" means
 * unnamed).  The result is one token without blanks, and
 * fmt_parse_target() reads it back to the same bytes.
 */
void fmt_name(const unsigned char *name, size_t len, char *buf, size_t n);

/* What a NAME|ID argument designates. */
struct fmt_target {
	int by_id;		/* 1: @id; 0: @name */
	int unnamed;		/* the argument was "-" */
	uint32_t id;
	size_t name_len;
	unsigned char name[PROCFILE_NAME_MAX + 1];
};

/*
 * fmt_parse_target() - read a NAME|ID argument
 *
 * "id:N" or all digits: the id N.  "name:TEXT": the name TEXT, even if it
 * is all digits or "-".  "-": unnamed.  Anything else is a name.  In names,
 * backslash escapes are decoded (\ooo, \xHH, \a \b \t \n \v \f \r): a name
 * can never hold a backslash, so a backslash always starts an escape.
 * Return: NULL, or a message saying what is wrong.
 */
const char *fmt_parse_target(const char *arg, struct fmt_target *t);

/*
 * fmt_parse_size() - "4096", "0x1000", "4K", "4KiB", "2M", "1G" (powers of
 * 1024).  Return: 0, or -1 if @arg is not such a number or overflows.
 */
int fmt_parse_size(const char *arg, uint64_t *out);

/* @s as a JSON string literal with quotes; control bytes as \u00XX. */
void fmt_json_string(FILE *f, const char *s);

/* "rwxr-x---" for the permission bits of @mode (10 bytes with the NUL). */
void fmt_mode(uint32_t mode, char buf[10]);

#endif
