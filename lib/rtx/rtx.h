/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RTX API layer internals: handle table, views, names, error codes. */
#ifndef RTSHM_LIB_RTX_INTERNAL_H
#define RTSHM_LIB_RTX_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rtapi.h"
#include "rtshm.h"
#include "../core/internal.h"

/* The lock of the handle table and the view list (lock.c). */
void rtx_lock(void);
void rtx_unlock(void);

/* --- handle table (handles.c) ---------------------------------------- */

/* What a handle refers to. */
enum rtx_kind {
	RTX_KIND_ANY = 0,	/* for rtx_handle_get(): any kind */
	RTX_KIND_SHM,
	RTX_KIND_EVENT,
	RTX_KIND_MUTEX,
	RTX_KIND_SEMAPHORE,
	RTX_KIND_TIMER,		/* timer.c */
};

struct rtx_object;

struct rtx_object_ops {
	enum rtx_kind kind;
	/*
	 * The handle was closed (it is already out of the table): release
	 * what belongs to the handle rather than to the object, e.g. views.
	 * Called once, without locks held.  May be NULL.
	 */
	void (*close)(struct rtx_object *obj);
	/* The last reference is gone: free the object. */
	void (*destroy)(struct rtx_object *obj);
};

/*
 * Embedded in every object.  The table holds one reference while the
 * handle is open; rtx_handle_get() lends another, so an object stays valid
 * (its fd open) for a caller working outside the table lock even if
 * another thread closes the handle meanwhile.
 */
struct rtx_object {
	const struct rtx_object_ops *ops;
	atomic_uint refs;
};

/* Set refs to 1 (the reference rtx_handle_insert() hands to the table). */
void rtx_object_init(struct rtx_object *obj, const struct rtx_object_ops *ops);
void rtx_object_put(struct rtx_object *obj);

/*
 * Enter @obj in the table.  Return: its handle, or NULL with *err set
 * (ERROR_NOT_ENOUGH_MEMORY, ERROR_TOO_MANY_OPEN_FILES); the caller still
 * owns @obj then.
 */
HANDLE rtx_handle_insert(struct rtx_object *obj, DWORD *err);

/* The object of @h with a reference (rtx_object_put() it), or NULL. */
struct rtx_object *rtx_handle_get(HANDLE h, enum rtx_kind kind);

/* Remove @h, run ops->close, drop the table's reference.  0 or an ERROR_*. */
DWORD rtx_handle_close(HANDLE h);

/* --- views (views.c) ------------------------------------------------- */

/* Embedded in an object that owns views; zero-initialised, then set up. */
struct rtx_view_owner {
	int closed;		/* no more views may be added */
	struct rtx_object *obj;	/* the object embedding this */
	int fd;			/* the native handle its views map */
};

/*
 * Record a mapping of @len bytes at @offset of the segment; 0, or
 * ERROR_INVALID_HANDLE if @owner is closed, or ERROR_NOT_ENOUGH_MEMORY.
 */
DWORD rtx_views_add(struct rtx_view_owner *owner, void *addr, size_t len,
		    uint64_t offset);
/*
 * The object whose view holds the byte at @addr, with a reference
 * (rtx_object_put() it, which keeps *fd open until then), its native
 * handle in *fd and the byte's offset in the segment in *offset; or NULL.
 */
struct rtx_object *rtx_views_find(const void *addr, int *fd, uint64_t *offset);
/* Unmap the view starting at @addr.  0 or ERROR_INVALID_ADDRESS. */
DWORD rtx_views_unmap(void *addr);
/* Close @owner to new views and unmap all of its views. */
void rtx_views_close_owner(struct rtx_view_owner *owner);

/* --- helpers --------------------------------------------------------- */

/* Longest name in bytes, as the kernel's; a buffer needs one more. */
#define RTX_NAME_MAX	RTSHM_NAME_MAX_LEN

/*
 * Check an object name and give the UTF-8 bytes librtshm takes.  NULL and
 * "" give *out = NULL (unnamed).  @buf receives converted wide names.
 * Return: 0, ERROR_FILENAME_EXCED_RANGE or ERROR_INVALID_NAME.
 */
DWORD rtx_name_ansi(LPCSTR name, const char **out);
DWORD rtx_name_wide(LPCWSTR name, char buf[RTX_NAME_MAX + 1], const char **out);

/* UTF-8 bytes of code point @cp into @out (4 bytes); 0 if not a scalar value. */
size_t rtx_utf8_encode(uint32_t cp, char *out);

/* Win32 error for a negative errno from the native API. */
DWORD rtx_error_from_native(int err);

/* Permission bits for new segments: 0666 less the process umask. */
mode_t rtx_create_mode(void);

/*
 * A growable output buffer: starts in caller-provided storage and moves to
 * the heap when it outgrows it.  failed is set when memory ran out.
 */
struct rtx_buf {
	char *data;
	size_t len;
	size_t cap;
	int on_heap;
	int failed;
};

void rtx_buf_init(struct rtx_buf *b, char *storage, size_t size);
void rtx_buf_put(struct rtx_buf *b, const char *s, size_t n);
/* Append C printf output (glibc's format language, not Microsoft's). */
void rtx_buf_printf(struct rtx_buf *b, const char *fmt, ...);
void rtx_buf_free(struct rtx_buf *b);

/*
 * Format with Microsoft's printf language into UTF-8.  @fmt is char
 * (@wide 0, bytes copied as they are) or wchar_t (@wide 1, encoded).
 */
void rtx_format(struct rtx_buf *out, const void *fmt, int wide, va_list ap);

#endif /* RTSHM_LIB_RTX_INTERNAL_H */
