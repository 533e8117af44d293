// SPDX-License-Identifier: GPL-2.0
/*
 * The RTX creator example of IntervalZero's RtCreateSharedMemory page,
 * verbatim between the SEED markers, in a main().  The wrapper after it
 * publishes a value, holds the segment until SIGTERM or SIGINT so an
 * opener (rtx_opener.c) can attach, and checks the opener's reply.
 * Built with nothing but -I include/compat, as ported code is.
 *
 * Exit: 0 the opener's reply arrived, 1 the example's own failure exits,
 * 2 no reply.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>

#include <windows.h>
#include <rtapi.h>

#define RTSS_VALUE 0x5254

int main(void)
{
	unsigned int reply;
	sigset_t stop;
	int sig;

	/* blocked before the segment exists: no signal can come too early */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);

/* ---- SEED: RTX example, verbatim ---- */
typedef struct {
    unsigned int Win32_index;
    unsigned int RTSS_index;
} STGSTR, *PSTGSTR;

HANDLE hShm;
PSTGSTR pStrg;
DWORD dwMaximumSizeHigh = 0; /*64 KB MAX*/
#define STGSTR_NAME "Storage.Name"

hShm = RtCreateSharedMemory(    0, /*PAGE_READWRITE, PAGE_READONLY WIN32 */
                              dwMaximumSizeHigh,
                              sizeof(STGSTR),
                              TEXT(STGSTR_NAME),
                              (LPVOID) &pStrg);

if(GetLastError()==ERROR_ALREADY_EXISTS) {
    RtWprintf(L"Sdilena memory already exists!\n");
    ExitProcess(1);
}
if (hShm==NULL) {
    RtWprintf(L"Can not create shared memory object!");
    ExitProcess(1);
}
RtWprintf(L"Shared memory object was created. HANDLE = 0x%X.\n", hShm);
/* ---- end of SEED ---- */

	pStrg->RTSS_index = RTSS_VALUE;
	RtWprintf(L"creator: RTSS_index = %u, waiting for the opener\n", pStrg->RTSS_index);
	sigwait(&stop, &sig);
	reply = pStrg->Win32_index;
	RtWprintf(L"creator: Win32_index = %u\n", reply);
	RtCloseHandle(hShm);
	return reply == RTSS_VALUE + 1 ? 0 : 2;
}
