/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict little JSON reader for tests that check a program's --json
 * output: RFC 8259 syntax only (no trailing commas, no comments, nothing
 * after the value), strings decoded to UTF-8.  Nodes come from one
 * malloc'ed pool per document; json_free() releases it.
 */
#ifndef RTSHM_TEST_JSON_MINI_H
#define RTSHM_TEST_JSON_MINI_H

#include <stdlib.h>
#include <string.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	char *key;		/* member name inside an object */
	char *str;		/* JSON_STRING: decoded; JSON_NUMBER: its text */
	int boolean;
	struct json *child, *next;
};

struct json_doc {
	struct json *nodes;
	size_t used, cap;
	char *strings;		/* decoded strings, each NUL-terminated */
	size_t sused, scap;
	const char *p;		/* parse position */
	int depth;
};

static struct json *json_node(struct json_doc *d)
{
	if (d->used == d->cap)
		return NULL;	/* pool sized from the text: cannot happen */
	memset(&d->nodes[d->used], 0, sizeof(d->nodes[0]));
	return &d->nodes[d->used++];
}

static void json_ws(struct json_doc *d)
{
	while (*d->p == ' ' || *d->p == '\t' || *d->p == '\n' || *d->p == '\r')
		d->p++;
}

static int json_hex4(const char *s, unsigned int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* A string at d->p (on the quote) into the string area; NULL on error. */
static char *json_string(struct json_doc *d)
{
	char *out = d->strings + d->sused;

	if (*d->p++ != '"')
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*d->p++;
		unsigned int cp;

		if (c == '"')
			break;
		if (c < 0x20)
			return NULL;	/* raw control bytes, including the end */
		if (c != '\\') {
			d->strings[d->sused++] = (char)c;
			continue;
		}
		c = (unsigned char)*d->p++;
		switch (c) {
		case '"': case '\\': case '/': d->strings[d->sused++] = (char)c; break;
		case 'b': d->strings[d->sused++] = '\b'; break;
		case 'f': d->strings[d->sused++] = '\f'; break;
		case 'n': d->strings[d->sused++] = '\n'; break;
		case 'r': d->strings[d->sused++] = '\r'; break;
		case 't': d->strings[d->sused++] = '\t'; break;
		case 'u':
			if (json_hex4(d->p, &cp) || (cp >= 0xd800 && cp <= 0xdfff))
				return NULL;	/* no surrogate pairs needed here */
			d->p += 4;
			if (cp < 0x80) {
				d->strings[d->sused++] = (char)cp;
			} else if (cp < 0x800) {
				d->strings[d->sused++] = (char)(0xc0 | cp >> 6);
				d->strings[d->sused++] = (char)(0x80 | (cp & 0x3f));
			} else {
				d->strings[d->sused++] = (char)(0xe0 | cp >> 12);
				d->strings[d->sused++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				d->strings[d->sused++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default:
			return NULL;
		}
	}
	d->strings[d->sused++] = '\0';
	return out;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static char *json_number(struct json_doc *d)
{
	const char *s = d->p;
	char *out = d->strings + d->sused;

	if (*d->p == '-')
		d->p++;
	if (*d->p == '0')
		d->p++;
	else if (*d->p >= '1' && *d->p <= '9')
		while (*d->p >= '0' && *d->p <= '9')
			d->p++;
	else
		return NULL;
	if (*d->p == '.') {
		d->p++;
		if (!(*d->p >= '0' && *d->p <= '9'))
			return NULL;
		while (*d->p >= '0' && *d->p <= '9')
			d->p++;
	}
	if (*d->p == 'e' || *d->p == 'E') {
		d->p++;
		if (*d->p == '+' || *d->p == '-')
			d->p++;
		if (!(*d->p >= '0' && *d->p <= '9'))
			return NULL;
		while (*d->p >= '0' && *d->p <= '9')
			d->p++;
	}
	memcpy(out, s, (size_t)(d->p - s));
	d->sused += (size_t)(d->p - s);
	d->strings[d->sused++] = '\0';
	return out;
}

static struct json *json_value(struct json_doc *d)
{
	struct json *n = json_node(d), **tail;

	if (!n || ++d->depth > 64)
		return NULL;
	json_ws(d);
	if (*d->p == '{' || *d->p == '[') {
		int obj = *d->p++ == '{';

		n->type = obj ? JSON_OBJECT : JSON_ARRAY;
		tail = &n->child;
		json_ws(d);
		if (*d->p == (obj ? '}' : ']')) {
			d->p++;
		} else {
			for (;;) {
				char *key = NULL;
				struct json *c;

				if (obj) {
					json_ws(d);
					key = json_string(d);
					json_ws(d);
					if (!key || *d->p++ != ':')
						return NULL;
				}
				c = json_value(d);
				if (!c)
					return NULL;
				c->key = key;
				*tail = c;
				tail = &c->next;
				json_ws(d);
				if (*d->p == ',') {
					d->p++;
					continue;
				}
				if (*d->p++ != (obj ? '}' : ']'))
					return NULL;
				break;
			}
		}
	} else if (*d->p == '"') {
		n->type = JSON_STRING;
		n->str = json_string(d);
		if (!n->str)
			return NULL;
	} else if (!strncmp(d->p, "null", 4)) {
		n->type = JSON_NULL;
		d->p += 4;
	} else if (!strncmp(d->p, "true", 4) || !strncmp(d->p, "false", 5)) {
		n->type = JSON_BOOL;
		n->boolean = *d->p == 't';
		d->p += n->boolean ? 4 : 5;
	} else {
		n->type = JSON_NUMBER;
		n->str = json_number(d);
		if (!n->str)
			return NULL;
	}
	d->depth--;
	return n;
}

static void json_free(struct json_doc *d)
{
	free(d->nodes);
	free(d->strings);
	memset(d, 0, sizeof(*d));
}

/* The root of @text, or NULL if it is not exactly one JSON value. */
static struct json *json_parse(struct json_doc *d, const char *text)
{
	size_t len = strlen(text);
	struct json *root;

	memset(d, 0, sizeof(*d));
	d->cap = len + 1;		/* every node starts at a distinct byte */
	d->scap = len + 1;		/* decoding never grows a string */
	d->nodes = malloc(d->cap * sizeof(*d->nodes));
	d->strings = malloc(d->scap);
	if (!d->nodes || !d->strings)
		return NULL;
	d->p = text;
	root = json_value(d);
	if (!root)
		return NULL;
	json_ws(d);
	return *d->p ? NULL : root;
}

/* Member @key of object @o, or NULL. */
static struct json *json_get(const struct json *o, const char *key)
{
	struct json *c;

	if (!o || o->type != JSON_OBJECT)
		return NULL;
	for (c = o->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

/* Member @key as an unsigned integer; -1 if absent or not one. */
static long long json_uint(const struct json *o, const char *key)
{
	const struct json *n = json_get(o, key);
	char *end;
	long long v;

	if (!n || n->type != JSON_NUMBER || n->str[0] == '-')
		return -1;
	v = strtoll(n->str, &end, 10);
	return *end ? -1 : v;
}

/* Member @key as a string; NULL if absent or not a string. */
static const char *json_str(const struct json *o, const char *key)
{
	const struct json *n = json_get(o, key);

	return n && n->type == JSON_STRING ? n->str : NULL;
}

#endif
