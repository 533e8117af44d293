// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Object names for the RTX layer.  The kernel stores names as bytes; the
 * RTX layer stores UTF-8.  ANSI names are taken byte for byte (no code-page
 * conversion); wide names (UTF-32 on Linux) are converted, so a UNICODE and
 * an ANSI build reach the same object.  The limit is the kernel's: 255
 * bytes of UTF-8.
 */
#include <string.h>

#include "rtx.h"

/* RTX documents '\' as the one character a name cannot contain. */
static DWORD rtx_name_check(const char *name, size_t len)
{
	if (len > RTX_NAME_MAX)
		return ERROR_FILENAME_EXCED_RANGE;
	if (memchr(name, '\\', len))
		return ERROR_INVALID_NAME;
	return 0;
}

DWORD rtx_name_ansi(LPCSTR name, const char **out)
{
	size_t len = name ? strnlen(name, RTX_NAME_MAX + 1) : 0;
	DWORD err = rtx_name_check(name, len);

	*out = len ? name : NULL;
	return err;
}

DWORD rtx_name_wide(LPCWSTR name, char buf[RTX_NAME_MAX + 1], const char **out)
{
	size_t len = 0, n;
	char utf8[4];
	int bad = 0;

	*out = NULL;
	if (!name || !*name)
		return 0;
	/* Too long wins over a bad character, as for ANSI names. */
	for (; *name; name++) {
		n = rtx_utf8_encode((uint32_t)*name, utf8);
		if (!n) {
			bad = 1;
			n = 1;
		}
		if (len + n > RTX_NAME_MAX)
			return ERROR_FILENAME_EXCED_RANGE;
		if (!bad)
			memcpy(buf + len, utf8, n);
		len += n;
	}
	if (bad)
		return ERROR_INVALID_NAME;
	buf[len] = '\0';
	*out = buf;
	return rtx_name_check(buf, len);
}
