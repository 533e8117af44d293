// SPDX-License-Identifier: GPL-2.0
/*
 * rtshmctl's pure parts, without the module: the /proc/rtshm parser on
 * fixtures (good, escaped, damaged, truncated, fuzzed), name display and
 * NAME|ID arguments, sizes, JSON strings.
 */
#include "harness.h"
#include "procfile.h"
#include "format.h"

#define HEADER PROCFILE_HEADER "\n"

/* The example of README.md, byte for byte. */
static const char readme_example[] =
	"id name size handles mappings uid gid mode cpid phys backend node\n"
	"1 demo.segment 4096 1 1 0 0 0644 98 0x1ff4a000 pages 0\n"
	"2 - 8192 1 0 1001 1100 0600 80 0x0 pages 0\n"
	"3 big 268435456 1 1 0 0 0600 99 0x60000000 pool 1\n"
	"total segments 3/4096 bytes 268447744/1073741824\n"
	"pool bytes 268435456/268435456\n";

static void parse(const char *text, struct procfile *pf)
{
	CHECK_EQ(procfile_parse(text, strlen(text), pf), 0);
}

TEST(parses_readme_example)
{
	struct procfile pf;
	const struct procfile_seg *s;

	parse(readme_example, &pf);
	CHECK(pf.header_ok);
	CHECK_EQ(pf.bad_lines, 0);
	CHECK_EQ(pf.first_bad_line, 0);
	CHECK_EQ(pf.nsegs, 3);
	s = &pf.segs[0];
	CHECK_EQ(s->id, 1);
	CHECK(s->named);
	CHECK_EQ(s->name_len, 12);
	CHECK(!strcmp((const char *)s->name, "demo.segment"));
	CHECK_EQ(s->size, 4096);
	CHECK_EQ(s->handles, 1);
	CHECK_EQ(s->mappings, 1);
	CHECK_EQ(s->uid, 0);
	CHECK_EQ(s->gid, 0);
	CHECK_EQ(s->mode, 0644);
	CHECK_EQ(s->cpid, 98);
	CHECK_EQ(s->phys, 0x1ff4a000);
	s = &pf.segs[1];
	CHECK_EQ(s->id, 2);
	CHECK(!s->named);
	CHECK_EQ(s->name_len, 0);
	CHECK_EQ(s->size, 8192);
	CHECK_EQ(s->mappings, 0);
	CHECK_EQ(s->uid, 1001);
	CHECK_EQ(s->gid, 1100);
	CHECK_EQ(s->mode, 0600);
	CHECK_EQ(s->cpid, 80);
	CHECK_EQ(s->phys, 0);
	CHECK_EQ(pf.segs[2].size, 268435456);
	CHECK_EQ(pf.segs[2].phys, 0x60000000);
	CHECK(pf.has_summary);
	CHECK_EQ(pf.nr_segments, 3);
	CHECK_EQ(pf.max_segments, 4096);
	CHECK_EQ(pf.bytes, 268447744);
	CHECK_EQ(pf.max_bytes, 1073741824);
	CHECK(pf.has_pool);
	CHECK_EQ(pf.pool_used, 268435456);
	CHECK_EQ(pf.pool_size, 268435456);
	procfile_free(&pf);
}

TEST(decodes_escaped_names)
{
	static const char text[] =
		HEADER
		"1 \\040lead 4096 1 0 0 0 0600 1 0x0\n"
		"2 a\\011b\\012c 4096 1 0 0 0 0600 1 0x0\n"
		"3 \\055 4096 1 0 0 0 0600 1 0x0\n"
		"4 \\377\\200\\177\\001 4096 1 0 0 0 0600 1 0x0\n"
		"5 -- 4096 1 0 0 0 0600 1 0x0\n"
		"6 caf\\303\\251 4096 1 0 0 0 0600 1 0x0\n"
		"total segments 6/4096 bytes 24576/1000000\n";
	struct procfile pf;

	parse(text, &pf);
	CHECK_EQ(pf.bad_lines, 0);
	CHECK_EQ(pf.nsegs, 6);
	CHECK_EQ(pf.segs[0].name_len, 5);
	CHECK(!memcmp(pf.segs[0].name, " lead", 5));
	CHECK_EQ(pf.segs[1].name_len, 5);
	CHECK(!memcmp(pf.segs[1].name, "a\tb\nc", 5));
	/* "\055" is a segment named "-", not an unnamed one */
	CHECK(pf.segs[2].named);
	CHECK_EQ(pf.segs[2].name_len, 1);
	CHECK_EQ(pf.segs[2].name[0], '-');
	CHECK_EQ(pf.segs[3].name_len, 4);
	CHECK(!memcmp(pf.segs[3].name, "\377\200\177\001", 4));
	CHECK(pf.segs[4].named);
	CHECK(!strcmp((const char *)pf.segs[4].name, "--"));
	CHECK(!strcmp((const char *)pf.segs[5].name, "caf\303\251"));
	procfile_free(&pf);
}

TEST(longest_name_and_extreme_numbers)
{
	char text[2048], name[256];
	struct procfile pf;

	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(text, sizeof(text), HEADER
		 "65535 %s 18446744073709551615 4294967295 4294967295 4294967295 "
		 "4294967295 7777 2147483647 0xffffffffffffffff\n"
		 "7 %sn 4096 1 0 0 0 0600 1 0x0\n", name, name);
	parse(text, &pf);
	CHECK_EQ(pf.nsegs, 1);
	CHECK_EQ(pf.bad_lines, 1);	/* the 256-byte name */
	CHECK_EQ(pf.first_bad_line, 3);
	CHECK_EQ(pf.segs[0].id, 65535);
	CHECK_EQ(pf.segs[0].name_len, 255);
	CHECK(pf.segs[0].size == UINT64_MAX);
	CHECK(pf.segs[0].handles == UINT32_MAX);
	CHECK(pf.segs[0].uid == UINT32_MAX);
	CHECK_EQ(pf.segs[0].mode, 07777);
	CHECK_EQ(pf.segs[0].cpid, 2147483647);
	CHECK(pf.segs[0].phys == UINT64_MAX);
	CHECK(!pf.has_summary);
	procfile_free(&pf);
}

/* Each line is damaged in one way; the good line after each must survive. */
static const char *const bad_lines[] = {
	"",						/* empty line */
	" 1 a 4096 1 0 0 0 0600 1 0x0",			/* leading space */
	"1 a 4096 1 0 0 0 0600 1 0x0 ",			/* trailing space */
	"1  a 4096 1 0 0 0 0600 1 0x0",			/* double space */
	"1\ta 4096 1 0 0 0 0600 1 0x0",			/* tab separator */
	"1 a 4096 1 0 0 0 0600 1",			/* field missing */
	"1 a 4096 1 0 0 0 0600 1 0x0 extra",		/* field too many */
	"x a 4096 1 0 0 0 0600 1 0x0",			/* id not a number */
	"0 a 4096 1 0 0 0 0600 1 0x0",			/* id 0 */
	"65536 a 4096 1 0 0 0 0600 1 0x0",		/* id too large */
	"-1 a 4096 1 0 0 0 0600 1 0x0",			/* signed */
	"+1 a 4096 1 0 0 0 0600 1 0x0",
	"1 a 18446744073709551616 1 0 0 0 0600 1 0x0",	/* size overflows */
	"1 a 4096 4294967296 0 0 0 0600 1 0x0",		/* handles overflow */
	"1 a 4096 1 0 0 0 0608 1 0x0",			/* 8 is not octal */
	"1 a 4096 1 0 0 0 17777 1 0x0",			/* mode above 07777 */
	"1 a 4096 1 0 0 0 0600 -5 0x0",			/* negative pid */
	"1 a 4096 1 0 0 0 0600 2147483648 0x0",		/* pid above INT32_MAX */
	"1 a 4096 1 0 0 0 0600 1 0",			/* phys without 0x */
	"1 a 4096 1 0 0 0 0600 1 0x",			/* phys without digits */
	"1 a 4096 1 0 0 0 0600 1 0xg",
	"1 a 4096 1 0 0 0 0600 1 0x10000000000000000",	/* phys overflows */
	"1 a\\089x 4096 1 0 0 0 0600 1 0x0",		/* escape with a non-octal digit */
	"1 a\\04 4096 1 0 0 0 0600 1 0x0",		/* escape cut short */
	"1 a\\ 4096 1 0 0 0 0600 1 0x0",		/* lone backslash */
	"1 \\400 4096 1 0 0 0 0600 1 0x0",		/* escape above 0377 */
	"1 a\\000b 4096 1 0 0 0 0600 1 0x0",		/* NUL in a name */
	"1 a\\134b 4096 1 0 0 0 0600 1 0x0",		/* backslash in a name */
	"1 a\177b 4096 1 0 0 0 0600 1 0x0",		/* raw DEL, unescaped */
	"1 a\377b 4096 1 0 0 0 0600 1 0x0",		/* raw high byte, unescaped */
	"1 a 4096 1 0 0 0 0600 1 0x0\r",		/* CRLF */
	"total segments 1/4096 bytes 4096/x",		/* summary damaged */
	"total segments 1 bytes 4096/8192",
	"total segments 1/4096 bytes 4096/8192 more",
	"pool bytes 4096/x",				/* pool line damaged */
	"pool bytes 4096",
	"pool bytes 0/4096 more",
};

TEST(skips_each_kind_of_damaged_line)
{
	size_t i;

	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		char text[512];
		struct procfile pf;

		snprintf(text, sizeof(text), HEADER "%s\n2 good 4096 1 0 0 0 0600 1 0x0\n",
			 bad_lines[i]);
		parse(text, &pf);
		if (pf.bad_lines != 1 || pf.nsegs != 1 || pf.segs[0].id != 2 ||
		    pf.first_bad_line != 2)
			t_fail(__FILE__, __LINE__, "bad line %zu \"%s\": %zu bad, %zu segments",
			       i, bad_lines[i], pf.bad_lines, pf.nsegs);
		procfile_free(&pf);
	}
}

TEST(nul_bytes_and_second_summary)
{
	static const char text[] =
		HEADER
		"1 a\0b 4096 1 0 0 0 0600 1 0x0\n"
		"2 b 4096 1 0 0 0 0600 1 0x0\n"
		"total segments 1/4096 bytes 4096/8192\n"
		"total segments 9/4096 bytes 9/8192\n";
	struct procfile pf;

	CHECK_EQ(procfile_parse(text, sizeof(text) - 1, &pf), 0);
	CHECK_EQ(pf.nsegs, 1);
	CHECK_EQ(pf.segs[0].id, 2);
	CHECK_EQ(pf.bad_lines, 2);
	CHECK_EQ(pf.first_bad_line, 2);
	CHECK_EQ(pf.nr_segments, 1);	/* the first summary counts */
	procfile_free(&pf);
}

TEST(unknown_header_reads_nothing)
{
	static const char *const texts[] = {
		"",
		"\n",
		"id name size\n1 a 4096\n",
		"ID NAME SIZE HANDLES MAPPINGS UID GID MODE CPID PHYS\n1 a 4096 1 0 0 0 0600 1 0x0\n",
		"name id size handles mappings uid gid mode cpid phys\n",
		"1 a 4096 1 0 0 0 0600 1 0x0\n",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct procfile pf;

		parse(texts[i], &pf);
		CHECK(!pf.header_ok);
		CHECK_EQ(pf.nsegs, 0);
		CHECK(!pf.has_summary);
		procfile_free(&pf);
	}
}

TEST(later_fields_are_ignored)
{
	static const char text[] =
		PROCFILE_HEADER " numa serial\n"
		"1 a 4096 1 0 0 0 0600 1 0x0 0 77\n"
		"2 b 4096 1 0 0 0 0600 1 0x0\n"	/* too few for this header */
		"total segments 1/4096 bytes 4096/8192\n";
	struct procfile pf;

	parse(text, &pf);
	CHECK(pf.header_ok);
	CHECK_EQ(pf.nsegs, 1);
	CHECK_EQ(pf.segs[0].id, 1);
	CHECK_EQ(pf.bad_lines, 1);
	CHECK(pf.has_summary);
	procfile_free(&pf);
}

TEST(truncated_file)
{
	const size_t full = strlen(readme_example);
	size_t len;

	/* every prefix parses; complete lines before the cut are all kept */
	for (len = 0; len <= full; len++) {
		struct procfile pf;
		size_t complete = 0, i;

		for (i = 0; i < len; i++)
			complete += readme_example[i] == '\n';
		CHECK_EQ(procfile_parse(readme_example, len, &pf), 0);
		/* header, 3 segments, summary, pool line */
		if (complete >= 4)
			CHECK_EQ(pf.nsegs, 3);
		else if (complete >= 2)	/* a cut segment line may be whole */
			CHECK(pf.nsegs == complete - 1 || pf.nsegs == complete);
		procfile_free(&pf);
	}
	{
		/* a cut inside a number still gives a well-formed but shorter line */
		static const char cut[] = HEADER "1 demo 4096 1 1 0 0 0644 98 0x1ff4";
		struct procfile pf;

		parse(cut, &pf);
		CHECK_EQ(pf.nsegs, 1);
		CHECK_EQ(pf.segs[0].phys, 0x1ff4);
		procfile_free(&pf);
	}
}

/* xorshift: a fixed sequence, so a failure can be reproduced */
static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

TEST(fuzzed_text_never_breaks_invariants)
{
	static const char alphabet[] = "0123456789abcx -\\\n\t/\0\377tolsegmnb";
	char buf[512];
	int round;

	for (round = 0; round < 50000; round++) {
		size_t len = strlen(readme_example), i, lines = 1;
		struct procfile pf;
		int edits = 1 + (int)(rnd() % 6);

		memcpy(buf, readme_example, len);
		while (edits--) {
			size_t at = rnd() % len;

			switch (rnd() % 3) {
			case 0:	/* replace a byte */
				buf[at] = alphabet[rnd() % (sizeof(alphabet) - 1)];
				break;
			case 1:	/* delete a byte */
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			default:	/* insert one */
				if (len + 1 < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = alphabet[rnd() % (sizeof(alphabet) - 1)];
					len++;
				}
			}
		}
		for (i = 0; i < len; i++)
			lines += buf[i] == '\n';
		CHECK_EQ(procfile_parse(buf, len, &pf), 0);
		CHECK(pf.nsegs + pf.bad_lines <= lines);
		CHECK(pf.bad_lines == 0 || (pf.first_bad_line >= 1 && pf.first_bad_line <= lines));
		for (i = 0; i < pf.nsegs; i++) {
			const struct procfile_seg *s = &pf.segs[i];

			CHECK(s->id >= 1 && s->id <= 65535);
			CHECK(s->named ? s->name_len >= 1 && s->name_len <= 255 : s->name_len == 0);
			CHECK_EQ(strlen((const char *)s->name), s->name_len);
			CHECK(!memchr(s->name, '\\', s->name_len));
			CHECK(s->mode <= 07777);
		}
		procfile_free(&pf);
	}
}

TEST(human_sizes)
{
	static const struct {
		uint64_t bytes;
		const char *text;
	} cases[] = {
		{ 0, "0 B" }, { 1, "1 B" }, { 1023, "1023 B" }, { 1024, "1 KiB" },
		{ 1536, "1.5 KiB" }, { 4096, "4 KiB" }, { 10000, "9.8 KiB" },
		{ 12288, "12 KiB" }, { 10240 + 512, "10 KiB" }, { 4 << 20, "4 MiB" },
		{ 238667776, "228 MiB" }, { 1ull << 30, "1 GiB" },
		{ UINT64_MAX, "16 EiB" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[FMT_SIZE_BUF];

		fmt_size(cases[i].bytes, buf, sizeof(buf));
		if (strcmp(buf, cases[i].text))
			t_fail(__FILE__, __LINE__, "%llu bytes shown as \"%s\", expected \"%s\"",
			       (unsigned long long)cases[i].bytes, buf, cases[i].text);
	}
}

TEST(name_display_form)
{
	static const struct {
		const char *name;
		const char *shown;
	} cases[] = {
		{ "demo.segment", "demo.segment" },
		{ "odd name", "odd\\040name" },
		{ "tab\there", "tab\\there" },
		{ "\a\b\t\n\v\f\r", "\\a\\b\\t\\n\\v\\f\\r" },
		{ "\001\037\177\200\377", "\\001\\037\\177\\200\\377" },
		{ "-", "\\055" },
		{ "--", "--" },
		{ "12345", "12345" },
		{ "caf\303\251", "caf\\303\\251" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[FMT_NAME_BUF];

		fmt_name((const unsigned char *)cases[i].name, strlen(cases[i].name), buf,
			 sizeof(buf));
		if (strcmp(buf, cases[i].shown))
			t_fail(__FILE__, __LINE__, "case %zu shown as \"%s\", expected \"%s\"",
			       i, buf, cases[i].shown);
	}
	{
		/* a small buffer cuts at an escape boundary, still terminated */
		char small[6];

		fmt_name((const unsigned char *)"ab\001cd", 5, small, sizeof(small));
		CHECK(!strcmp(small, "ab"));
	}
}

TEST(name_arguments)
{
	struct fmt_target t;

	CHECK(!fmt_parse_target("12", &t) && t.by_id && t.id == 12);
	CHECK(!fmt_parse_target("id:7", &t) && t.by_id && t.id == 7);
	CHECK(!fmt_parse_target("65535", &t) && t.by_id && t.id == 65535);
	CHECK(!fmt_parse_target("name:12", &t) && !t.by_id && t.name_len == 2 &&
	      !strcmp((char *)t.name, "12"));
	CHECK(!fmt_parse_target("-", &t) && t.unnamed);
	CHECK(!fmt_parse_target("name:-", &t) && !t.unnamed && !strcmp((char *)t.name, "-"));
	CHECK(!fmt_parse_target("\\055", &t) && !t.unnamed && !strcmp((char *)t.name, "-"));
	CHECK(!fmt_parse_target("demo", &t) && !t.by_id && !strcmp((char *)t.name, "demo"));
	CHECK(!fmt_parse_target("a\\x41\\x4a", &t) && !strcmp((char *)t.name, "aAJ"));
	CHECK(!fmt_parse_target("\\040x\\t", &t) && !strcmp((char *)t.name, " x\t"));
	CHECK(!fmt_parse_target("\\1x", &t) && !strcmp((char *)t.name, "\001x"));
	CHECK(!fmt_parse_target("12a", &t) && !t.by_id);
	CHECK(!fmt_parse_target("id", &t) && !t.by_id);

	CHECK(fmt_parse_target("0", &t));
	CHECK(fmt_parse_target("65536", &t));
	CHECK(fmt_parse_target("99999999999999999999", &t));
	CHECK(fmt_parse_target("id:", &t));
	CHECK(fmt_parse_target("id:x", &t));
	CHECK(fmt_parse_target("id:0", &t));
	CHECK(fmt_parse_target("name:", &t));
	CHECK(fmt_parse_target("", &t));
	CHECK(fmt_parse_target("a\\\\b", &t));		/* backslash */
	CHECK(fmt_parse_target("a\\000b", &t));		/* NUL */
	CHECK(fmt_parse_target("a\\x0", &t));
	CHECK(fmt_parse_target("a\\400", &t));
	CHECK(fmt_parse_target("a\\q", &t));
	CHECK(fmt_parse_target("a\\", &t));
	{
		char longest[300];

		memset(longest, 'x', 256);
		longest[256] = '\0';
		CHECK(fmt_parse_target(longest, &t));
		longest[255] = '\0';
		CHECK(!fmt_parse_target(longest, &t) && t.name_len == 255);
	}
}

TEST(display_form_reads_back_to_the_same_bytes)
{
	int round;

	for (round = 0; round < 20000; round++) {
		unsigned char name[PROCFILE_NAME_MAX + 1];
		char shown[FMT_NAME_BUF], arg[FMT_NAME_BUF + 8];
		size_t len = 1 + rnd() % PROCFILE_NAME_MAX, i;
		struct fmt_target t;
		const char *why;

		for (i = 0; i < len; i++) {
			do {
				name[i] = (unsigned char)(rnd() % (round % 2 ? 256 : 128));
			} while (name[i] == 0 || name[i] == '\\');
		}
		name[len] = '\0';
		fmt_name(name, len, shown, sizeof(shown));
		CHECK(!strpbrk(shown, " \t\n"));
		/* as documented: "name:" for names the plain form would misread */
		snprintf(arg, sizeof(arg), "name:%s", shown);
		why = fmt_parse_target(arg, &t);
		if (why)
			t_fail(__FILE__, __LINE__, "\"%s\": %s", arg, why);
		CHECK_EQ(t.name_len, len);
		CHECK(!memcmp(t.name, name, len));
	}
}

TEST(size_arguments)
{
	static const struct {
		const char *arg;
		uint64_t v;
	} good[] = {
		{ "0", 0 }, { "4096", 4096 }, { "0x1000", 4096 }, { "4K", 4096 },
		{ "4k", 4096 }, { "4KiB", 4096 }, { "2M", 2 << 20 }, { "2MiB", 2 << 20 },
		{ "1G", 1 << 30 }, { "1GiB", 1 << 30 }, { "7B", 7 },
		{ "18446744073709551615", UINT64_MAX },
	};
	static const char *const bad[] = {
		"", "K", "-1", "+1", " 1", "1 ", "4KB", "4X", "0x", "0xg",
		"18446744073709551616", "17179869184G", "1.5M",
	};
	size_t i;
	uint64_t v;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (fmt_parse_size(good[i].arg, &v) || v != good[i].v)
			t_fail(__FILE__, __LINE__, "\"%s\" not read as %llu", good[i].arg,
			       (unsigned long long)good[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!fmt_parse_size(bad[i], &v))
			t_fail(__FILE__, __LINE__, "\"%s\" accepted", bad[i]);
}

TEST(json_strings_and_modes)
{
	char buf[128] = "";
	char mode[10];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	CHECK(f);
	fmt_json_string(f, "a\"b\\c\n\001\177d");
	fclose(f);
	CHECK(!strcmp(buf, "\"a\\\"b\\\\c\\u000a\\u0001\\u007fd\""));
	fmt_mode(0640, mode);
	CHECK(!strcmp(mode, "rw-r-----"));
	fmt_mode(07777, mode);
	CHECK(!strcmp(mode, "rwxrwxrwx"));
	fmt_mode(0, mode);
	CHECK(!strcmp(mode, "---------"));
}
