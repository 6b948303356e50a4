// SPDX-License-Identifier: GPL-2.0
/*
 * A target that execs between the write that chose it and a read.
 * - The module: a descriptor follows the address space it chose, and an
 *   execve() of the target ends it (ESRCH), even while another process
 *   still shares that mm (CLONE_VM without CLONE_THREAD, as vfork() and
 *   posix_spawn() make), which keeps the mm's users above zero.
 * - The tool: `ptwalk maps PID` names a process, so when PID execs between
 *   the tool's write and its read, the tool chooses it again and shows the
 *   new program (docs/tool.md). The test stops the tool at that read with
 *   ptrace and makes the target exec there, every time, not by luck.
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

static int sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/*
 * The exec ends the view although the mm lives on in a CLONE_VM sibling:
 * the mm's users do not say whether the target still runs in it.
 */
TEST(exec_ends_the_view_while_a_sibling_keeps_the_mm)
{
	int verdict[2], status;
	char v = 99;
	pid_t pid;

	ASSERT_EQ(0, pipe(verdict));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static char stack[64 * 1024] __attribute__((aligned(16)));
		int ran[2], fd;
		pid_t sibling;
		char buf[64], c = 0;

		/* First: it must not hold a copy of the descriptors below. */
		sibling = clone(sleep_forever, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL);
		if (sibling < 0)
			_exit(12);
		/* The new program writes a byte into it (exec_sh_signalling()). */
		if (pipe(ran))
			_exit(10);
		fd = open(PTWALK_DIR "/maps", O_RDONLY);	/* target: self */
		if (fd < 0)
			_exit(11);
		if (fork() == 0) {
			char r = 0;
			ssize_t n;

			close(ran[1]);
			if (read(ran[0], &c, 1) != 1)	/* the parent runs sh */
				_exit(13);
			n = read(fd, buf, sizeof(buf));
			if (n != -1 || errno != ESRCH)
				r = n >= 0 ? 100 + (n > 99 ? 99 : n) : errno;
			kill(sibling, SIGKILL);
			if (write(verdict[1], &r, 1) != 1)
				_exit(14);
			_exit(0);
		}
		close(fd);
		exec_sh_signalling(ran[1], "sleep 2");
		kill(sibling, SIGKILL);
		_exit(15);
	}
	close(verdict[1]);
	ASSERT_EQ(1, read(verdict[0], &v, 1));
	EXPECT_EQ(0, v) TH_LOG("the read after the exec did not fail with ESRCH: %s",
				v >= 100 ? "it read bytes" : strerror(v));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* It ran the new program (sh): the verdict is about an exec. */
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("status 0x%x", status);
	close(verdict[0]);
}

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

/*
 * The target execs after the tool chose it and before the tool's read:
 * the tool chooses it again and shows the program it runs now.
 */
TEST(tool_rechooses_a_target_that_execs_before_the_read)
{
	char pidstr[16], outp[] = "/tmp/ptwalk-exec-race-XXXXXX", *out, *maps;
	char *const argv[] = { TOOL_PATH, "maps", pidstr, NULL };
	int fd = mkstemp(outp), rc, writes;
	struct execer e;
	bool execed;

	ASSERT_LE(0, fd);
	unlink(outp);
	ASSERT_EQ(0, execer_start(&e));
	snprintf(pidstr, sizeof(pidstr), "%d", e.pid);
	rc = run_tool_stopped_at_read(&e, execer_exec, argv, fd, &writes, &execed);
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	out = read_fd_whole(fd, NULL);
	ASSERT_NE(NULL, out);
	EXPECT_TRUE(execed) TH_LOG("the target did not exec at the tool's read");
	EXPECT_EQ(0, rc) TH_LOG("ptwalk maps %s: exit %d:\n%s", pidstr, rc, out);
	/* Chosen, then chosen again after the read's ESRCH. */
	EXPECT_EQ(2, writes);
	/* What it shows is the new program: /proc/PID/maps names busybox. */
	snprintf(outp, sizeof(outp), "/proc/%d/maps", e.pid);
	maps = read_whole(outp, NULL);
	ASSERT_NE(NULL, maps);
	ASSERT_NE(NULL, strstr(maps, BUSYBOX));
	EXPECT_NE(NULL, strstr(out, BUSYBOX)) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "exec_race_test")) TH_LOG("%s", out);
	free(maps);
	free(out);
	close(fd);
	close(e.ran);
	close(e.go);
	kill(e.pid, SIGKILL);
	waitpid(e.pid, NULL, 0);
}

/*
 * A target that exits after the tool chose it and before the tool's read:
 * the second choice fails, and the tool gives its documented "no such
 * process" (exit 5, docs/tool.md), once, without looping.
 */
TEST(tool_reports_a_target_that_exits_before_the_read)
{
	char pidstr[16], outp[] = "/tmp/ptwalk-exec-race-XXXXXX", *out;
	char *const argv[] = { TOOL_PATH, "maps", pidstr, NULL };
	int fd = mkstemp(outp), rc, writes;
	struct execer e;
	bool exited;

	ASSERT_LE(0, fd);
	unlink(outp);
	ASSERT_EQ(0, execer_start(&e));
	snprintf(pidstr, sizeof(pidstr), "%d", e.pid);
	rc = run_tool_stopped_at_read(&e, execer_exit, argv, fd, &writes, &exited);
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	out = read_fd_whole(fd, NULL);
	ASSERT_NE(NULL, out);
	EXPECT_TRUE(exited);
	EXPECT_EQ(5, rc) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "no such process")) TH_LOG("%s", out);
	EXPECT_EQ(2, writes);
	free(out);
	close(fd);
	close(e.ran);
}

PTW_HARNESS_MAIN
