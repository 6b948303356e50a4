// SPDX-License-Identifier: GPL-2.0
/*
 * The module loads, unloads without leaving /proc/ptwalk behind, and loads
 * again. Runs first in the guest and leaves the module loaded. The module
 * file comes from $PTWALK_KO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "util.h"

TEST(load_unload_load)
{
	if (ptwalk_loaded())
		ASSERT_EQ(0, module_unload("ptwalk"));
	ASSERT_FALSE(ptwalk_loaded());

	ASSERT_EQ(0, module_load(NULL)) TH_LOG("first load: %s", strerror(errno));
	ASSERT_EQ(0, access(PTWALK_DIR "/info", R_OK));

	ASSERT_EQ(0, module_unload("ptwalk")) TH_LOG("unload: %s", strerror(errno));
	ASSERT_FALSE(ptwalk_loaded());
	ASSERT_NE(0, access(PTWALK_DIR "/info", F_OK));

	ASSERT_EQ(0, module_load(NULL)) TH_LOG("second load: %s", strerror(errno));
	ASSERT_EQ(0, access(PTWALK_DIR "/info", R_OK));
}

TEST(second_load_is_refused)
{
	if (!ptwalk_loaded())
		ASSERT_EQ(0, module_load(NULL));
	EXPECT_EQ(-1, module_load(NULL));
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
		ASSERT_EQ(0, module_load(NULL));
	fd = open(PTWALK_DIR "/info", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, 16));
	ASSERT_EQ(0, module_unload("ptwalk")) TH_LOG("unload: %s", strerror(errno));
	EXPECT_FALSE(ptwalk_loaded());
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, close(fd));
	ASSERT_EQ(0, module_load(NULL));
	EXPECT_TRUE(ptwalk_loaded());
}

PTW_HARNESS_MAIN
