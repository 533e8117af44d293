// SPDX-License-Identifier: GPL-2.0
/*
 * The WIN32 opener line of IntervalZero's RtCreateSharedMemory example,
 * verbatim between the SEED markers, with the declarations it uses copied
 * from the RTX half.  The wrapper after it reads the creator's value
 * through that read-only view, answers through a second, writable view and
 * checks that both views show the same memory.
 * Built ANSI with nothing but -I include/compat, as ported code is.
 *
 * Exit: 0 answered, 1 an open failed, 2 the views disagree.
 */
#include <windows.h>
#include <rtapi.h>

typedef struct {
    unsigned int Win32_index;
    unsigned int RTSS_index;
} STGSTR, *PSTGSTR;

#define STGSTR_NAME "Storage.Name"

int main(void)
{
	HANDLE hShm, hAnswer;
	PSTGSTR pStrg, pAnswer;
	int ok;

/* ---- SEED: WIN32 example, verbatim ---- */
hShm = RtOpenSharedMemory( SHM_MAP_READ, FALSE, STGSTR_NAME, (LPVOID *) &pStrg);
/* ---- end of SEED ---- */

	if (hShm == NULL) {
		RtPrintf("opener: RtOpenSharedMemory failed, error %lu\n", GetLastError());
		return 1;
	}
	RtPrintf("opener: RTSS_index = %u (read-only view)\n", pStrg->RTSS_index);

	hAnswer = RtOpenSharedMemory(SHM_MAP_WRITE, FALSE, STGSTR_NAME, (LPVOID *)&pAnswer);
	if (hAnswer == NULL) {
		RtPrintf("opener: writable open failed, error %lu\n", GetLastError());
		return 1;
	}
	pAnswer->Win32_index = pStrg->RTSS_index + 1;
	ok = pAnswer != pStrg && pStrg->Win32_index == pAnswer->Win32_index;
	RtPrintf("opener: wrote Win32_index = %u through a second view\n", pAnswer->Win32_index);
	RtCloseHandle(hAnswer);
	RtCloseHandle(hShm);
	return ok ? 0 : 2;
}
