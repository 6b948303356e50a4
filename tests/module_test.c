// SPDX-License-Identifier: GPL-2.0
/*
 * The module loads, unloads without leaving /proc/ptwalk behind, and loads
 * again. Runs first in the guest and leaves the module loaded. The module
 * file comes from $PTWALK_KO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "util.h"

static int load(void)
{
	const char *ko = getenv("PTWALK_KO");
	int fd, ret;

	if (!ko)
		ko = "/lib/modules/ptwalk.ko";
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "ptwalk", O_NONBLOCK);
}

TEST(load_unload_load)
{
	if (ptwalk_loaded())
		ASSERT_EQ(0, unload());
	ASSERT_FALSE(ptwalk_loaded());

	ASSERT_EQ(0, load()) TH_LOG("first load: %s", strerror(errno));
	ASSERT_EQ(0, access(PTWALK_DIR "/info", R_OK));

	ASSERT_EQ(0, unload()) TH_LOG("unload: %s", strerror(errno));
	ASSERT_FALSE(ptwalk_loaded());
	ASSERT_NE(0, access(PTWALK_DIR "/info", F_OK));

	ASSERT_EQ(0, load()) TH_LOG("second load: %s", strerror(errno));
	ASSERT_EQ(0, access(PTWALK_DIR "/info", R_OK));
}

TEST(second_load_is_refused)
{
	if (!ptwalk_loaded())
		ASSERT_EQ(0, load());
	EXPECT_EQ(-1, load());
	EXPECT_EQ(EEXIST, errno);
	EXPECT_TRUE(ptwalk_loaded());
}

/*
 * proc files do not pin the module: rmmod with a file open succeeds, the
 * kernel runs the file's release, and the stale descriptor reads EIO.
 */
TEST(unload_with_open_file)
{
	char buf[64];
	int fd;

	if (!ptwalk_loaded())
		ASSERT_EQ(0, load());
	fd = open(PTWALK_DIR "/info", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, 16));
	ASSERT_EQ(0, unload()) TH_LOG("unload: %s", strerror(errno));
	EXPECT_FALSE(ptwalk_loaded());
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, close(fd));
	ASSERT_EQ(0, load());
	EXPECT_TRUE(ptwalk_loaded());
}

TEST_HARNESS_MAIN
