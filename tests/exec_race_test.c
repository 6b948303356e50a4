// SPDX-License-Identifier: GPL-2.0
/*
 * The tool against a target that execs between the write that chose it
 * and the read: the module ends that view with ESRCH (perm_test checks
 * that), and `ptwalk maps PID` names a process, so the tool chooses it
 * again and shows the new program (docs/tool.md). The test stops the tool
 * at that read with ptrace and makes the target exec, or exit, right
 * there, every time, not by luck.
 * Oracles: /proc/PID/exe, and /proc/PID/maps of the program that runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "toolrun.h"
#include "util.h"

#define BUSYBOX "/bin/busybox"

/* A child that execs busybox's sh when told to, and says when it has. */
struct execer {
	pid_t pid;
	int go;		/* write a byte: exec; close: exit */
	int ran;	/* a byte: the new program runs (exec_sh_signalling()) */
};

static int execer_start(struct execer *e)
{
	int go[2], ran[2];
	char c;

	if (pipe(go) || pipe(ran))
		return -1;
	e->pid = fork();
	if (e->pid < 0)
		return -1;
	if (e->pid == 0) {
		close(go[1]);
		close(ran[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		/* A loop: sh neither exits nor execs its last command. */
		exec_sh_signalling(ran[1], "while :; do sleep 1; done");
		_exit(2);
	}
	close(go[0]);
	close(ran[1]);
	e->go = go[1];
	e->ran = ran[0];
	return 0;
}

/* Exec now; true once the child runs busybox (/proc/PID/exe says so). */
static bool execer_exec(struct execer *e)
{
	char c = 0, path[64], exe[256];
	ssize_t n;

	if (write(e->go, &c, 1) != 1 || read(e->ran, &c, 1) != 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/exe", e->pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n < 0)
		return false;
	exe[n] = '\0';
	return !strcmp(exe, BUSYBOX);
}

/* Without its byte the child exits: true once it is reaped (pid gone). */
static bool execer_exit(struct execer *e)
{
	close(e->go);
	e->go = -1;
	return waitpid(e->pid, NULL, 0) == e->pid;
}

/* Does fd @fd of @pid name /proc/ptwalk/@name? */
static bool fd_is(pid_t pid, unsigned long long fd, const char *name)
{
	char path[64], target[128], want[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%llu", pid, fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	snprintf(want, sizeof(want), PTWALK_DIR "/%s", name);
	return !strcmp(target, want);
}

/*
 * Run the tool with @argv under ptrace; at its first read() of a
 * /proc/ptwalk/maps descriptor it has written to, run @at_read on @e
 * (*@done says whether it did what it says). Counts the tool's writes to
 * such descriptors in *@writes. Returns the exit status, or -1; the tool's
 * stdout and stderr go to @out.
 */
static int run_tool_stopped_at_read(struct execer *e, bool (*at_read)(struct execer *),
				    char *const *argv, int out, int *writes, bool *done)
{
	struct __ptrace_syscall_info info;
	int status, sig;
	bool written = false;
	pid_t t;

	*writes = 0;
	*done = false;
	t = fork();
	if (t < 0)
		return -1;
	if (t == 0) {
		close(e->go);	/* the child's EOF must not wait for the tool */
		close(e->ran);
		dup2(out, 1);
		dup2(out, 2);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(126);
		execv(TOOL_PATH, argv);
		_exit(127);
	}
	/* The exec's SIGTRAP: from here on, stop at every system call. */
	if (waitpid(t, &status, 0) != t || !WIFSTOPPED(status))
		return -1;
	ptrace(PTRACE_SETOPTIONS, t, NULL, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
	sig = 0;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, t, NULL, (void *)(long)sig))
			return -1;
		if (waitpid(t, &status, 0) != t)
			return -1;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		sig = WSTOPSIG(status) == (SIGTRAP | 0x80) ? 0 : WSTOPSIG(status);
		if (sig)
			continue;
		if (ptrace(PTRACE_GET_SYSCALL_INFO, t, (void *)sizeof(info), &info) <= 0 ||
		    info.op != PTRACE_SYSCALL_INFO_ENTRY)
			continue;
		if (info.entry.nr == SYS_write && fd_is(t, info.entry.args[0], "maps")) {
			(*writes)++;
			written = true;
		} else if (info.entry.nr == SYS_read && written && !*done &&
			   fd_is(t, info.entry.args[0], "maps")) {
			*done = at_read(e);
			written = false;	/* once */
		}
	}
}

struct race {
	struct execer e;
	int rc;		/* the tool's exit status */
	int writes;	/* its writes to /proc/ptwalk/maps */
	bool done;	/* at_read did what it says */
	char *out;	/* its stdout and stderr */
};

/* `ptwalk maps PID` of a new execer, running @at_read at the tool's read. */
static int race_tool(struct race *r, bool (*at_read)(struct execer *))
{
	char pidstr[16], path[] = "/tmp/ptwalk-exec-race-XXXXXX";
	char *const argv[] = { TOOL_PATH, "maps", pidstr, NULL };
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (execer_start(&r->e)) {
		close(fd);
		return -1;
	}
	snprintf(pidstr, sizeof(pidstr), "%d", r->e.pid);
	r->rc = run_tool_stopped_at_read(&r->e, at_read, argv, fd, &r->writes, &r->done);
	r->out = lseek(fd, 0, SEEK_SET) == 0 ? read_fd_whole(fd, NULL) : NULL;
	close(fd);
	close(r->e.ran);
	if (r->e.go >= 0)
		close(r->e.go);
	return r->out ? 0 : -1;
}

/*
 * The target execs after the tool chose it and before the tool's read:
 * the tool chooses it again and shows the program it runs now.
 */
TEST(tool_rechooses_a_target_that_execs_before_the_read)
{
	char path[64], *maps;
	struct race r;

	ASSERT_EQ(0, race_tool(&r, execer_exec));
	EXPECT_TRUE(r.done) TH_LOG("the target did not exec at the tool's read");
	EXPECT_EQ(0, r.rc) TH_LOG("ptwalk maps %d: exit %d:\n%s", r.e.pid, r.rc, r.out);
	/* Chosen, then chosen again after the read's ESRCH. */
	EXPECT_EQ(2, r.writes);
	/* What it shows is the new program: /proc/PID/maps names busybox. */
	snprintf(path, sizeof(path), "/proc/%d/maps", r.e.pid);
	maps = read_whole(path, NULL);
	ASSERT_NE(NULL, maps);
	ASSERT_NE(NULL, strstr(maps, BUSYBOX));
	EXPECT_NE(NULL, strstr(r.out, BUSYBOX)) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "exec_race_test")) TH_LOG("%s", r.out);
	free(maps);
	free(r.out);
	kill(r.e.pid, SIGKILL);
	waitpid(r.e.pid, NULL, 0);
}

/*
 * A target that exits after the tool chose it and before the tool's read:
 * the second choice fails, and the tool gives its documented "no such
 * process" (exit 5, docs/tool.md), once, without looping.
 */
TEST(tool_reports_a_target_that_exits_before_the_read)
{
	struct race r;

	ASSERT_EQ(0, race_tool(&r, execer_exit));
	EXPECT_TRUE(r.done) TH_LOG("the target was not reaped at the tool's read");
	EXPECT_EQ(5, r.rc) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "no such process")) TH_LOG("%s", r.out);
	EXPECT_EQ(2, r.writes);
	free(r.out);
}

PTW_HARNESS_MAIN
