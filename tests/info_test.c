// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/info against independent oracles: the la57 CPU flag, the
 * kernel command line and the meltdown vulnerability file for PTI, uname(),
 * sysconf(), and the THP sysfs file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "ptwalk.h"
#include "util.h"

FIXTURE(info) {
	char *text;
};

FIXTURE_SETUP(info)
{
	self->text = read_whole(PTWALK_DIR "/info", NULL);
	ASSERT_NE(NULL, self->text);
}

FIXTURE_TEARDOWN(info)
{
	free(self->text);
}

static void get(struct __test_metadata *_metadata, const char *text,
		const char *key, char *out, size_t sz)
{
	ASSERT_TRUE(pw_info_get(text, key, out, sz)) TH_LOG("no '%s=' field", key);
}

TEST_F(info, format_line)
{
	ASSERT_EQ(0, strncmp(self->text, PTW_HEADER(info), strlen(PTW_HEADER(info))));
}

TEST_F(info, paging_levels_match_la57)
{
	char v[32];
	const char *want = getenv("ptwalk_paging");

	get(_metadata, self->text, "paging_levels", v, sizeof(v));
	EXPECT_EQ(cpu_has_flag("la57") ? 5 : 4, atoi(v));
	/* The VM was configured for this mode: make sure it got it. */
	if (want)
		EXPECT_EQ(atoi(want), atoi(v));
}

/*
 * PTI: the "pti" flag in /proc/cpuinfo is the kernel's own word; the command
 * line forces it either way; the meltdown file says "Mitigation: PTI" when
 * the CPU needs it (pti=on on an unaffected CPU still says "Not affected").
 */
TEST_F(info, pti_matches_cpuinfo_cmdline_and_meltdown_file)
{
	char v[32];
	char *melt = read_whole("/sys/devices/system/cpu/vulnerabilities/meltdown", NULL);
	bool on;

	get(_metadata, self->text, "pti", v, sizeof(v));
	ASSERT_TRUE(!strcmp(v, "on") || !strcmp(v, "off"));
	on = !strcmp(v, "on");
	EXPECT_EQ(cpu_has_flag("pti"), on);
	if (cmdline_has("pti=on"))
		EXPECT_TRUE(on);
	if (cmdline_has("pti=off") || cmdline_has("nopti"))
		EXPECT_FALSE(on);
	ASSERT_NE(NULL, melt);
	if (strstr(melt, "Mitigation: PTI"))
		EXPECT_TRUE(on);
	free(melt);
}

TEST_F(info, release_matches_uname)
{
	char v[128];
	struct utsname u;

	ASSERT_EQ(0, uname(&u));
	get(_metadata, self->text, "release", v, sizeof(v));
	EXPECT_STREQ(u.release, v);
}

TEST_F(info, page_size_matches_sysconf)
{
	char v[32];

	get(_metadata, self->text, "page_size", v, sizeof(v));
	EXPECT_EQ(sysconf(_SC_PAGESIZE), atol(v));
}

TEST_F(info, user_top_matches_paging_mode)
{
	char v[32];
	unsigned long top, bits = cpu_has_flag("la57") ? 56 : 47;

	get(_metadata, self->text, "user_top", v, sizeof(v));
	top = strtoul(v, NULL, 16);
	EXPECT_EQ((1UL << bits) - sysconf(_SC_PAGESIZE), top);
}

/*
 * Exactly the documented keys. No THP mode: finding it meant reading sysfs
 * inside the seq_file show, which lockdep reports as recursive locking.
 */
TEST_F(info, keys_are_the_documented_ones)
{
	static const char * const lines[] = {
		"module version files_open",
		"kernel release paging_levels pti page_size user_top",
	};
	char *copy = strdup(self->text), *rest = copy + strlen(PTW_HEADER(info)), *line;
	char keys[128];
	struct ptw_line l;
	size_t i = 0;
	int k;

	while ((line = ptw_next_line(&rest))) {
		ASSERT_GT(ARRAY_SIZE(lines), i) TH_LOG("extra line '%.40s'", line);
		ASSERT_EQ(0, ptw_tokenize(line, &l)) TH_LOG("not TAG key=value: '%.40s'", line);
		snprintf(keys, sizeof(keys), "%s", l.tag);
		for (k = 0; k < l.n; k++)
			snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys), " %s", l.key[k]);
		EXPECT_STREQ(lines[i], keys);
		i++;
	}
	EXPECT_EQ(ARRAY_SIZE(lines), i);
	free(copy);
}

TEST(readable_unprivileged)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *t;

		if (drop_to_nobody())
			_exit(2);
		t = read_whole(PTWALK_DIR "/info", NULL);
		if (!t)
			_exit(10 + errno);
		_exit(!strncmp(t, PTW_HEADER(info), strlen(PTW_HEADER(info))) ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

PTW_HARNESS_MAIN
