// SPDX-License-Identifier: LGPL-2.1-or-later
/* Growing the INtime layer's tables (NTX handles, RT blocks). */
#include <stdlib.h>

#include "../core/internal.h"
#include "intime.h"

WORD intime_table_reserve(void **items, size_t *capacity, size_t count,
			  size_t item_size, size_t max)
{
	size_t cap;
	void *p;

	if (count < *capacity)
		return E_OK;
	if (count >= max)
		return E_LIMIT;
	cap = *capacity ? *capacity * 2 : 16;
	p = realloc(*items, cap * item_size);
	if (!p)
		return E_MEM;
	*items = p;
	*capacity = cap;
	return E_OK;
}
