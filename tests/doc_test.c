// SPDX-License-Identifier: GPL-2.0
/*
 * The documentation's commands, run as written: scripts/doc-blocks.sh
 * extracts every shell block of README.md and docs/tool.md marked
 * "doctest" (run as root) or "doctest-user" (run as nobody) into /doc in
 * the guest. Each runs with "sh -e" in a directory laid out like the
 * source tree after "make" (module/ptwalk.ko, user/ptwalk), with "sudo"
 * meaning "as root" (the guest has no sudo; the root blocks already run
 * as root). A block fails when it exits non-zero or prints what the docs
 * call an error: a line starting "ptwalk: " (docs/tool.md) or a demo step's
 * "UNEXPECTED:". The module is unloaded before a block that loads it and
 * loaded again after a block that unloads it, for the tests that follow.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "util.h"

#define DOC_DIR		"/doc"
#define BLOCK_SECS	600
#define NOBODY		65534

/* A source tree after "make", for root (@uid 0) or nobody to work in. */
static int make_tree(const char *dir, uid_t uid)
{
	const char *ko = getenv("PTWALK_KO") ? getenv("PTWALK_KO") : "/lib/modules/ptwalk.ko";
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "rm -rf %s && mkdir -p %s/module %s/user %s/bin",
		 dir, dir, dir, dir);
	if (system(path))
		return -1;
	snprintf(path, sizeof(path), "%s/module/ptwalk.ko", dir);
	if (symlink(ko, path))
		return -1;
	snprintf(path, sizeof(path), "%s/user/ptwalk", dir);
	if (symlink("/bin/ptwalk", path))
		return -1;
	/* The blocks that use sudo run as root already. */
	snprintf(path, sizeof(path), "%s/bin/sudo", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || dprintf(fd, "#!/bin/sh\nexec \"$@\"\n") < 0)
		return -1;
	close(fd);
	snprintf(path, sizeof(path), "chown -R %u:%u %s", uid, uid, dir);
	return system(path) ? -1 : 0;
}

static bool block_loads_module(const char *file)
{
	char *text = read_whole(file, NULL);
	bool loads = text && strstr(text, "insmod ");

	free(text);
	return loads;
}

/* A line of @out that the docs call an error, or NULL. */
static const char *error_line(const char *out)
{
	const char *l;

	for (l = out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, "ptwalk: ", 8) || !strncmp(l, "UNEXPECTED:", 11) ||
		    strstr(l, " UNEXPECTED: "))
			return l;
	return NULL;
}

/*
 * Run block @file as root or nobody in its own tree; 0 if it passed, else
 * -1 with its output logged.
 */
static int run_block(struct __test_metadata *_metadata, const char *file, bool user)
{
	const char *dir = user ? "/tmp/doc-user" : "/tmp/doc-root";
	char outpath[64], *out;
	const char *bad;
	time_t until = time(NULL) + BLOCK_SECS;
	int status = 0, fd;
	pid_t pid;

	if (make_tree(dir, user ? NOBODY : 0))
		return -1;
	if (!user && block_loads_module(file) && ptwalk_loaded() &&
	    module_unload("ptwalk")) {
		TH_LOG("%s: cannot unload the module first: %s", file, strerror(errno));
		return -1;
	}
	snprintf(outpath, sizeof(outpath), "/tmp/doc-out.XXXXXX");
	fd = mkstemp(outpath);
	if (fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char path[300];

		dup2(fd, 1);
		dup2(fd, 2);
		snprintf(path, sizeof(path), "%s/bin:/bin:/sbin:/usr/bin:/usr/sbin", dir);
		setenv("PATH", path, 1);
		setenv("HOME", dir, 1);
		unsetenv("NO_COLOR");
		if (chdir(dir) || (user && drop_to_nobody()))
			_exit(125);
		execl("/bin/sh", "sh", "-e", file, (char *)NULL);
		_exit(126);
	}
	close(fd);
	while (pid > 0 && waitpid(pid, &status, WNOHANG) == 0) {
		if (time(NULL) > until) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			TH_LOG("%s: still running after %d s, killed", file, BLOCK_SECS);
			break;
		}
		usleep(50000);
	}
	out = read_whole(outpath, NULL);
	unlink(outpath);
	bad = out ? error_line(out) : NULL;
	if (!ptwalk_loaded() && module_load(NULL))
		TH_LOG("reloading the module after %s: %s", file, strerror(errno));
	if (pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status) && !bad) {
		free(out);
		return 0;
	}
	TH_LOG("%s as %s: status 0x%x%s%.*s\n--- output ---\n%s", file,
	       user ? "nobody" : "root", status, bad ? ", error line: " : "",
	       bad ? (int)strcspn(bad, "\n") : 0, bad ? bad : "", out ? out : "");
	free(out);
	return -1;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * One test runs every block, and README's first runs the whole demo: more
 * than the harness's default 30 s under emulation (a fixture is the
 * harness's way to set a test's timeout).
 */
FIXTURE(doc) {
	int unused;
};

FIXTURE_SETUP(doc)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(doc)
{
}

TEST_F_TIMEOUT(doc, documented_commands_run_as_written, 180)
{
	struct dirent **names;
	int n, i, ran = 0, failed = 0;

	n = scandir(DOC_DIR, &names, NULL, by_name);
	if (n < 0)
		SKIP(return, "no %s in this VM: scripts/doc-blocks.sh's output was not copied (vm-run.sh copies it in test mode)",
		     DOC_DIR);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		char file[300];
		bool user;

		if (len < 8 || strcmp(name + len - 3, ".sh")) {
			free(names[i]);
			continue;
		}
		user = len > 8 && !strcmp(name + len - 8, ".user.sh");
		snprintf(file, sizeof(file), DOC_DIR "/%s", name);
		TH_LOG("running %s as %s", name, user ? "nobody" : "root");
		failed += run_block(_metadata, file, user) != 0;
		ran++;
		free(names[i]);
	}
	free(names);
	TH_LOG("%d documentation blocks run, %d failed", ran, failed);
	EXPECT_LT(0, ran);
	EXPECT_EQ(0, failed);
}

PTW_HARNESS_MAIN
