// SPDX-License-Identifier: GPL-2.0
/* Module-parameter limits: segment count (ENOSPC) and bytes (ENOMEM). */
#include <fcntl.h>
#include <unistd.h>

#include "rtshm.h"
#include "harness.h"

#define PARAM_DIR "/sys/module/rtshm/parameters/"

static void set_param(const char *name, const char *value)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = CHECK_SYS(open(path, O_WRONLY | O_CLOEXEC));
	CHECK_EQ(write(fd, value, strlen(value)), (long)strlen(value));
	close(fd);
}

TEST(segment_count_limit)
{
	struct rtshm_module_info mi;
	struct rtshm_result r;
	int h[3], i;

	set_param("max_segments", "3");
	CHECK_OK(rtshm_module_info(&mi));
	CHECK_EQ(mi.max_segments, 3);
	for (i = 0; i < 3; i++)
		h[i] = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &r));
	CHECK_ERR(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL), ENOSPC);
	CHECK_ERR(rtshm_create(t_name("n"), 4096, RTSHM_RDWR, 0600, NULL), ENOSPC);
	/* opening an existing segment is not limited */
	rtshm_close(CHECK_OK(rtshm_open_id(r.id, RTSHM_RDONLY, NULL)));
	rtshm_close(h[2]);
	h[2] = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	for (i = 0; i < 3; i++)
		rtshm_close(h[i]);
	set_param("max_segments", "4096");
}

TEST(byte_limit)
{
	int a, b;

	set_param("max_bytes", "16384");
	a = CHECK_OK(rtshm_create(NULL, 12288, RTSHM_RDWR, 0600, NULL));
	CHECK_ERR(rtshm_create(NULL, 8192, RTSHM_RDWR, 0600, NULL), ENOMEM);
	b = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, NULL));
	CHECK_ERR(rtshm_create(NULL, 1, RTSHM_RDWR, 0600, NULL), ENOMEM);
	rtshm_close(a);
	rtshm_close(b);
	set_param("max_bytes", "0");
	a = CHECK_OK(rtshm_create(NULL, 8192, RTSHM_RDWR, 0600, NULL));
	rtshm_close(a);
}

TEST(proc_summary_shows_limits)
{
	char line[256] = "";
	FILE *f;
	int h;

	set_param("max_segments", "77");
	h = CHECK_OK(rtshm_create(NULL, 8192, RTSHM_RDWR, 0600, NULL));
	f = fopen("/proc/rtshm", "re");
	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f) && strncmp(line, "total ", 6))
		;
	fclose(f);
	CHECK(!strncmp(line, "total segments 1/77 bytes 8192/", 31));
	rtshm_close(h);
	set_param("max_segments", "4096");
}
