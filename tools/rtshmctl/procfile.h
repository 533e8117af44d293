/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser of /proc/rtshm: a pure function from the file's text to records.
 *
 * The format (README.md, rtshm(4)) is one header line, one line per segment
 * and a summary line, fields separated by single spaces.  The parser never
 * fails on bad input: a line it cannot read completely is skipped and
 * counted, so callers can show what was readable and warn about the rest.
 */
#ifndef RTSHMCTL_PROCFILE_H
#define RTSHMCTL_PROCFILE_H

#include <stddef.h>
#include <stdint.h>

#define PROCFILE_NAME_MAX	255
/* The first fields of the header line; later modules may append fields. */
#define PROCFILE_HEADER		"id name size handles mappings uid gid mode cpid phys"
#define PROCFILE_FIELDS		10

/* One segment line, decoded. */
struct procfile_seg {
	uint64_t size;
	uint64_t phys;		/* 0: hidden from this reader */
	uint32_t id;
	uint32_t handles;
	uint32_t mappings;
	uint32_t uid;
	uint32_t gid;
	uint32_t mode;
	uint32_t cpid;		/* 0: the creator is gone or not visible */
	int named;		/* 0: "-", an unnamed segment */
	size_t name_len;	/* bytes of @name, escapes decoded */
	unsigned char name[PROCFILE_NAME_MAX + 1];	/* NUL-terminated */
};

struct procfile {
	struct procfile_seg *segs;	/* in file order; free with procfile_free() */
	size_t nsegs;
	int header_ok;		/* the first line is a header we understand */
	int has_summary;	/* the summary line was read */
	uint64_t nr_segments, max_segments, bytes, max_bytes;	/* summary */
	int has_pool;		/* the "pool bytes USED/SIZE" line was read */
	uint64_t pool_used, pool_size;
	size_t bad_lines;	/* lines skipped as unreadable */
	size_t first_bad_line;	/* 1-based number of the first one, 0 if none */
};

/*
 * procfile_parse() - read the text of /proc/rtshm
 * @text: the file's bytes; need not be NUL-terminated and may contain NULs
 * @len: number of bytes at @text
 * @pf: filled in; release with procfile_free() even on error
 *
 * Without a known header line no segment is read (header_ok == 0): the
 * columns could mean anything.  Return: 0, or -ENOMEM.
 */
int procfile_parse(const char *text, size_t len, struct procfile *pf);

void procfile_free(struct procfile *pf);

/*
 * procfile_decode_name() - decode one name field ("\ooo" escapes)
 *
 * Return: the number of bytes written to @out (at most PROCFILE_NAME_MAX,
 * then NUL-terminated), 0 for "-" (unnamed), or -1 if the field is not a
 * valid escaped name.
 */
int procfile_decode_name(const char *field, size_t len, unsigned char *out);

#endif
