// SPDX-License-Identifier: GPL-2.0
/* The result table: rows of cells, printed as aligned plain text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define TABLE_MAX_ROWS	96
#define TITLE_MAX	240

struct row {
	int section;			/* 1: a heading, text in title */
	char title[TITLE_MAX];
	char cell[TABLE_COLS][CELL_MAX];
};

struct table {
	int nrows;
	struct row rows[TABLE_MAX_ROWS];
};

struct table *table_new(void)
{
	return calloc(1, sizeof(struct table));
}

void table_free(struct table *t)
{
	free(t);
}

/* Rows beyond the capacity go to a scratch row that is never printed. */
static struct row scratch;

static struct row *table_next(struct table *t)
{
	struct row *r;
	int c;

	if (t->nrows == TABLE_MAX_ROWS) {
		fprintf(stderr, "rtshm-bench: table full, row dropped\n");
		return &scratch;
	}
	r = &t->rows[t->nrows++];
	memset(r, 0, sizeof(*r));
	for (c = 1; c < TABLE_COLS; c++)
		strcpy(r->cell[c], "-");
	return r;
}

void table_section(struct table *t, const char *title)
{
	struct row *r = table_next(t);

	r->section = 1;
	snprintf(r->title, TITLE_MAX, "%s", title);
}

struct row *table_row(struct table *t, const char *metric)
{
	struct row *r = table_next(t);

	snprintf(r->cell[0], CELL_MAX, "%s", metric);
	return r;
}

static void row_vset(struct row *r, int col, const char *fmt, va_list ap)
{
	if (col < 0 || col >= TABLE_COLS)
		return;
	vsnprintf(r->cell[col], CELL_MAX, fmt, ap);
}

void row_set(struct row *r, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	row_vset(r, col, fmt, ap);
	va_end(ap);
}

void row_mech(struct row *r, enum mech_id m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	row_vset(r, 1 + (int)m, fmt, ap);
	va_end(ap);
}

void row_ratio(struct row *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	row_vset(r, TABLE_RATIO, fmt, ap);
	va_end(ap);
}

static void rule(const size_t *w)
{
	size_t total = 0;
	int c;

	for (c = 0; c < TABLE_COLS; c++)
		total += w[c] + (c ? 3 : 0);
	while (total--)
		putchar('-');
	putchar('\n');
}

void table_print(const struct table *t)
{
	size_t w[TABLE_COLS];
	int c, i;

	for (c = 0; c < TABLE_COLS; c++)
		w[c] = c == 0 ? strlen("metric") :
		       c == TABLE_RATIO ? strlen("ratio") : strlen(mechs[c - 1].label);
	for (i = 0; i < t->nrows; i++) {
		if (t->rows[i].section)
			continue;
		for (c = 0; c < TABLE_COLS; c++) {
			size_t len = strlen(t->rows[i].cell[c]);

			if (len > w[c])
				w[c] = len;
		}
	}

	printf("%-*s", (int)w[0], "metric");
	for (c = 1; c < TABLE_COLS; c++)
		printf(" | %*s", (int)w[c],
		       c == TABLE_RATIO ? "ratio" : mechs[c - 1].label);
	putchar('\n');
	for (i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (r->section) {
			rule(w);
			printf("%s\n", r->title);
			continue;
		}
		printf("%-*s", (int)w[0], r->cell[0]);
		for (c = 1; c < TABLE_COLS; c++)
			printf(" | %*s", (int)w[c], r->cell[c]);
		putchar('\n');
	}
	rule(w);
}
