// SPDX-License-Identifier: LGPL-2.1-or-later
/* RTX events: RtCreateEvent, RtOpenEvent, RtSetEvent, RtResetEvent, RtPulseEvent. */
#include <string.h>

#include "sync.h"

static HANDLE rtx_event_create(BOOL manual, BOOL initial, DWORD name_err,
			       const char *name)
{
	struct rtx_sync_state init;
	int created = 0;
	HANDLE h;

	if (rtx_sync_state_init(&init, RTSHM_OBJ_EVENT)) {
		SetLastError(ERROR_GEN_FAILURE);
		return NULL;
	}
	init.event.manual = !!manual;
	atomic_init(&init.event.signaled, !!initial);
	h = rtx_sync_create(RTSHM_OBJ_EVENT, &init, name_err, name, &created);
	if (h)
		SetLastError(created ? ERROR_SUCCESS : ERROR_ALREADY_EXISTS);
	return h;
}

RTSHM_EXPORT HANDLE RtCreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
				   BOOL bManualReset, BOOL bInitialState,
				   LPCSTR lpName)
{
	const char *name;
	DWORD err = rtx_name_ansi(lpName, &name);

	(void)lpEventAttributes;
	return rtx_event_create(bManualReset, bInitialState, err, name);
}

RTSHM_EXPORT HANDLE RtCreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
				   BOOL bManualReset, BOOL bInitialState,
				   LPCWSTR lpName)
{
	char buf[RTX_NAME_MAX + 1];
	const char *name;
	DWORD err = rtx_name_wide(lpName, buf, &name);

	(void)lpEventAttributes;
	return rtx_event_create(bManualReset, bInitialState, err, name);
}

RTSHM_EXPORT HANDLE RtOpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle,
				 LPCSTR lpName)
{
	(void)bInheritHandle;
	return rtx_sync_open_ansi(RTSHM_OBJ_EVENT, dwDesiredAccess, lpName);
}

RTSHM_EXPORT HANDLE RtOpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle,
				 LPCWSTR lpName)
{
	(void)bInheritHandle;
	return rtx_sync_open_wide(RTSHM_OBJ_EVENT, dwDesiredAccess, lpName);
}

enum rtx_event_op { RTX_EVENT_SET, RTX_EVENT_RESET, RTX_EVENT_PULSE };

static BOOL rtx_event_apply(HANDLE h, enum rtx_event_op op)
{
	struct rtx_sync *s = rtx_sync_get(h, RTX_KIND_EVENT);
	struct rtx_event_state *ev;

	if (!s) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	ev = &s->st->event;
	/*
	 * No guard: a change here can only make a wait-all's "not yet" stale,
	 * never its "take it" (takes are atomic stores a wait-all's commit
	 * orders after; see sync.h).
	 */
	switch (op) {
	case RTX_EVENT_SET:
		atomic_store(&ev->signaled, 1);
		rtx_sync_changed(s->st);
		break;
	case RTX_EVENT_RESET:
		atomic_store(&ev->signaled, 0);
		break;
	case RTX_EVENT_PULSE:
		/*
		 * Waiters that began before this generation may return; for
		 * an auto-reset event only the one that takes the token.
		 */
		if (!ev->manual)
			atomic_store(&ev->pulse_token, 1);
		atomic_fetch_add(&ev->pulse_gen, 1);
		atomic_store(&ev->signaled, 0);
		rtx_sync_changed(s->st);
		break;
	}
	rtx_object_put(&s->obj);
	return TRUE;
}

RTSHM_EXPORT BOOL RtSetEvent(HANDLE hEvent)
{
	return rtx_event_apply(hEvent, RTX_EVENT_SET);
}

RTSHM_EXPORT BOOL RtResetEvent(HANDLE hEvent)
{
	return rtx_event_apply(hEvent, RTX_EVENT_RESET);
}

RTSHM_EXPORT BOOL RtPulseEvent(HANDLE hEvent)
{
	return rtx_event_apply(hEvent, RTX_EVENT_PULSE);
}

int rtx_event_can_take(struct rtx_sync *s, uint32_t pulse_gen)
{
	struct rtx_event_state *ev = &s->st->event;

	if (atomic_load(&ev->signaled))
		return 1;
	/* a pulse since @pulse_gen, and for auto reset its token unclaimed */
	return atomic_load(&ev->pulse_gen) != pulse_gen &&
	       (ev->manual || atomic_load(&ev->pulse_token));
}

void rtx_event_take(struct rtx_sync *s, uint32_t pulse_gen)
{
	struct rtx_event_state *ev = &s->st->event;

	if (ev->manual)
		return;		/* taking a manual-reset event changes nothing */
	/*
	 * A pulse's token first: a set that comes between a wait-all's check
	 * and this take then stays, as it would after the pulse on Windows.
	 */
	if (atomic_load(&ev->pulse_gen) != pulse_gen &&
	    atomic_exchange(&ev->pulse_token, 0))
		return;
	atomic_store(&ev->signaled, 0);
}
