// SPDX-License-Identifier: GPL-2.0
/*
 * Who may see what, and what malformed requests get: permission is decided
 * at open from the opener's credentials; unprivileged openers see only
 * their own process and PFNs as 0; bad input returns its errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "ptwalk.h"
#include "util.h"

/* Run @fn in a child as nobody; its return value is the exit status. */
static int as_nobody(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (drop_to_nobody())
			_exit(100);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int write_req(int fd, const char *req)
{
	ssize_t n = write(fd, req, strlen(req));

	return n == (ssize_t)strlen(req) ? 0 : errno;
}

/* Own maps as nobody: allowed, PFNs hidden (all pa=0x0). */
static int nobody_own_maps(void *arg)
{
	struct pw_maps m;
	size_t i;

	(void)arg;
	if (pw_maps_read(0, false, &m))
		return 1;
	if (m.pfn_shown || m.pid != getpid() || !m.complete || !m.nruns)
		return 2;
	for (i = 0; i < m.nruns; i++)
		if (m.runs[i].pa)
			return 3;
	return 0;
}

TEST(unprivileged_sees_own_maps_without_pfns)
{
	EXPECT_EQ(0, as_nobody(nobody_own_maps, NULL));
}

static int nobody_other_process(void *arg)
{
	int fd = open(PTWALK_DIR "/maps", O_RDWR);
	char req[32];
	int e1, e2, e3, e4;

	snprintf(req, sizeof(req), "%d", *(pid_t *)arg);
	if (fd < 0)
		return 10;
	e1 = write_req(fd, req);
	e2 = write_req(fd, "1");
	close(fd);
	fd = open(PTWALK_DIR "/walk", O_RDWR);
	if (fd < 0)
		return 11;
	e3 = write_req(fd, "kernel 0xffffffff81000000");
	close(fd);
	fd = open(PTWALK_DIR "/tables", O_RDWR);
	if (fd < 0)
		return 12;
	e4 = write_req(fd, req);
	close(fd);
	return e1 == EPERM && e2 == EPERM && e3 == EPERM && e4 == EPERM ? 0 : 1;
}

TEST(unprivileged_gets_eperm_for_others_and_kernel)
{
	pid_t me = getpid();

	EXPECT_EQ(0, as_nobody(nobody_other_process, &me));
}

static int nobody_own_walk(void *arg)
{
	volatile char page[4096];
	struct pw_walk w;
	char req[64], *text;

	(void)arg;
	page[0] = 1;
	snprintf(req, sizeof(req), "%d %p", getpid(), (void *)page);
	if (pw_walk(req, &w, &text))
		return 1;
	if (!w.translated || w.pa != 0 || !strstr(text, "pfn=hidden") ||
	    !strstr(text, "top pa=0x0\n"))
		return 2;
	free(text);
	return 0;
}

TEST(unprivileged_walk_hides_physical_addresses)
{
	EXPECT_EQ(0, as_nobody(nobody_own_walk, NULL));
}

static int set_param(const char *v)
{
	int fd = open("/sys/module/ptwalk/parameters/unprivileged_pfn", O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, v, 1) == 1 ? 0 : -1;
	close(fd);
	return ret;
}

static int nobody_sees_pfns(void *arg)
{
	struct pw_maps m;
	size_t i;
	bool any = false;

	(void)arg;
	if (pw_maps_read(0, false, &m) || !m.pfn_shown)
		return 1;
	for (i = 0; i < m.nruns; i++)
		any |= m.runs[i].pa != 0;
	return any ? 0 : 2;
}

TEST(module_parameter_shows_own_pfns)
{
	ASSERT_EQ(0, set_param("1"));
	EXPECT_EQ(0, as_nobody(nobody_sees_pfns, NULL));
	ASSERT_EQ(0, set_param("0"));
	EXPECT_NE(0, as_nobody(nobody_sees_pfns, NULL));
}

/* A root-opened descriptor keeps root's view after privileges are dropped. */
TEST(privileged_fd_survives_dropping_privileges)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open(PTWALK_DIR "/maps", O_RDWR);
		char buf[256];
		ssize_t n;

		if (fd < 0 || drop_to_nobody())
			_exit(1);
		if (write_req(fd, "1"))
			_exit(2);
		n = read(fd, buf, sizeof(buf) - 1);
		if (n <= 0)
			_exit(3);
		buf[n] = '\0';
		_exit(strstr(buf, "target pid=1 ") && strstr(buf, "pfn=shown") ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* An unprivileged descriptor stays unprivileged in a root process. */
TEST(unprivileged_fd_stays_unprivileged_in_root)
{
	int sv[2], fd = -1;
	pid_t pid;
	char c = 0;
	struct msghdr msg = { 0 };
	struct iovec iov = { &c, 1 };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr *cm;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int f;

		if (drop_to_nobody())
			_exit(1);
		f = open(PTWALK_DIR "/maps", O_RDWR);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &f, sizeof(int));
		_exit(sendmsg(sv[1], &msg, 0) == 1 ? 0 : 2);
	}
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	ASSERT_EQ(1, recvmsg(sv[0], &msg, 0));
	cm = CMSG_FIRSTHDR(&msg);
	ASSERT_NE(NULL, cm);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	waitpid(pid, NULL, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, write_req(fd, "1"));
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

TEST(privileged_opens_need_cap_sys_admin)
{
	/* Both are world-openable; what they allow is decided per descriptor. */
	EXPECT_EQ(0, access(PTWALK_DIR "/maps", R_OK | W_OK));
	EXPECT_EQ(0, access(PTWALK_DIR "/walk", R_OK | W_OK));
}

struct bad {
	const char *req;
	int err;
};

static void check_bad(struct __test_metadata *_metadata, const char *file,
		      const struct bad *b, size_t n)
{
	int fd = open(file, O_RDWR);
	size_t i;

	ASSERT_LE(0, fd);
	for (i = 0; i < n; i++) {
		const char *req = b[i].req;
		int err = write_req(fd, req);

		EXPECT_EQ(b[i].err, err) TH_LOG("%s: '%s'", file, req);
	}
	close(fd);
}

TEST(maps_rejects_malformed_requests)
{
	static const struct bad bad[] = {
		{ "\n", EINVAL }, { "abc", EINVAL }, { "12x", EINVAL },
		{ "-1", EINVAL }, { "+1", EINVAL }, { " 1", EINVAL },
		{ "1 2", EINVAL }, { "0", EINVAL }, { "1\n\n", EINVAL },
		{ "99999999999999999999", EINVAL }, { "2147483648", EINVAL },
		{ "0x10", EINVAL }, { "nonpresent maybe", EINVAL },
		{ "4194304", ESRCH }, { "2", ESRCH },
	};

	check_bad(_metadata, PTWALK_DIR "/maps", bad, ARRAY_SIZE(bad));
}

TEST(walk_rejects_malformed_requests)
{
	static const struct bad bad[] = {
		{ "1", EINVAL }, { "1 ", EINVAL }, { "1 zz", EINVAL },
		{ "1 0x", EINVAL }, { "1 10 20", EINVAL }, { " 1 10", EINVAL },
		{ "1 0x10000000000000000", EINVAL }, { "x 10", EINVAL },
		{ "1 -5", EINVAL }, { "kernel", EINVAL },
		{ "1 \v0x10", EINVAL }, { "1 \xa0" "0x10", EINVAL }, { "1\f0x10", EINVAL },
		{ "4194304 0x1000", ESRCH }, { "2 0x1000", ESRCH },
	};

	check_bad(_metadata, PTWALK_DIR "/walk", bad, ARRAY_SIZE(bad));
}

TEST(tables_rejects_malformed_requests)
{
	static const struct bad bad[] = {
		{ "\n", EINVAL }, { "abc", EINVAL }, { "12x", EINVAL },
		{ "-1", EINVAL }, { "+1", EINVAL }, { " 1", EINVAL },
		{ "1 2", EINVAL }, { "0", EINVAL }, { "0x10", EINVAL },
		{ "99999999999999999999", EINVAL }, { "selff", EINVAL },
		{ "4194304", ESRCH }, { "2", ESRCH },
	};

	check_bad(_metadata, PTWALK_DIR "/tables", bad, ARRAY_SIZE(bad));
}

/* A child of the caller stopped in its first steps: traced (PTRACE_TRACEME) or not. */
static pid_t stopped_child(bool traced)
{
	pid_t pid = fork();
	int status;

	if (!pid) {
		if (traced && ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(1);
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	if (pid < 0 || waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		return -1;
	return pid;
}

static void kill_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * As nobody: a process ptrace-attached to the opener may be targeted (the
 * opener reads its memory anyway), frames hidden; a sibling of the same
 * user that is not traced may not, nor the tracee once detached; and the
 * trace file follows the same rule.
 */
static int nobody_tracee(void *arg)
{
	pid_t tracee = stopped_child(true), other = stopped_child(false);
	int fd, ret = 0, e_other, e_trace, e_detached;
	struct pw_maps m;
	char req[32];
	size_t i;

	(void)arg;
	if (tracee < 0 || other < 0)
		return 20;
	if (pw_maps_read(tracee, false, &m))
		ret = 21;
	else if (m.pfn_shown || m.pid != tracee || !m.complete || !m.nruns)
		ret = 22;
	for (i = 0; !ret && i < m.nruns; i++)
		if (m.runs[i].pa)
			ret = 23;
	if (!ret)
		pw_maps_free(&m);
	fd = open(PTWALK_DIR "/maps", O_RDWR);
	snprintf(req, sizeof(req), "%d", other);
	e_other = fd < 0 ? -1 : write_req(fd, req);
	if (fd >= 0)
		close(fd);
	fd = open(PTWALK_DIR "/trace", O_RDWR);
	snprintf(req, sizeof(req), "%d", tracee);
	e_trace = fd < 0 ? -1 : write_req(fd, req);
	if (fd >= 0)
		close(fd);
	/* Detached (and stopped again by the SIGSTOP it gets back): no longer. */
	ptrace(PTRACE_DETACH, tracee, NULL, (void *)(long)SIGSTOP);
	fd = open(PTWALK_DIR "/maps", O_RDWR);
	e_detached = fd < 0 ? -1 : write_req(fd, req);
	if (fd >= 0)
		close(fd);
	kill_child(tracee);
	kill_child(other);
	if (!ret && (e_other != EPERM || e_trace != 0 || e_detached != EPERM))
		ret = 24;
	if (ret)
		fprintf(stderr, "tracee rule: ret %d other %d trace %d detached %d\n",
			ret, e_other, e_trace, e_detached);
	return ret;
}

TEST(unprivileged_may_target_its_tracee_only_while_traced)
{
	EXPECT_EQ(0, as_nobody(nobody_tracee, NULL));
}

TEST(huge_and_binary_writes_are_refused)
{
	int fd = open(PTWALK_DIR "/maps", O_RDWR);
	char buf[256], *heap;

	ASSERT_LE(0, fd);
	memset(buf, '1', sizeof(buf));
	EXPECT_EQ(-1, write(fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	/*
	 * A 1 GiB count is refused before anything is copied or allocated
	 * (a heap buffer low in the address space passes access_ok()).
	 */
	heap = malloc(64);
	ASSERT_NE(NULL, heap);
	memset(heap, '1', 64);
	EXPECT_EQ(-1, syscall(SYS_write, fd, heap, 1UL << 30));
	EXPECT_EQ(EINVAL, errno);
	free(heap);
	EXPECT_EQ(-1, write(fd, "1\0", 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, syscall(SYS_write, fd, (void *)16, 4));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(zombie_is_esrch)
{
	pid_t pid = fork();
	char req[32];
	int fd;

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	/* Wait until it is a zombie without reaping it. */
	while (proc_state(pid) != 'Z')
		usleep(1000);
	fd = open(PTWALK_DIR "/maps", O_RDWR);
	ASSERT_LE(0, fd);
	snprintf(req, sizeof(req), "%d", pid);
	EXPECT_EQ(ESRCH, write_req(fd, req));
	close(fd);
	waitpid(pid, NULL, 0);
}

/* A target that exits after being chosen: reads fail with ESRCH. */
TEST(target_gone_before_read_is_esrch)
{
	int go[2];
	pid_t pid;
	char req[32], buf[64], c = 0;
	int fd = open(PTWALK_DIR "/maps", O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	snprintf(req, sizeof(req), "%d", pid);
	ASSERT_EQ(0, write_req(fd, req));
	ASSERT_EQ(1, write(go[1], &c, 1));
	waitpid(pid, NULL, 0);
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(ESRCH, errno);
	close(fd);
}

static int sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/*
 * A descriptor follows an address space, not a PID: after its process
 * execs (a setuid program, say), an unprivileged descriptor inherited by a
 * child reads ESRCH and may not choose that PID again. With @sibling, a
 * CLONE_VM process (as vfork() and posix_spawn() make) shares the old mm
 * and keeps its users above zero: the view ends all the same.
 */
static void exec_ends_the_view(struct __test_metadata *_metadata, bool sibling)
{
	int verdict[2], status;
	char v = 99;
	pid_t pid;

	ASSERT_EQ(0, pipe(verdict));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static char stack[64 * 1024] __attribute__((aligned(16)));
		int ran[2], hold[2], fd;
		pid_t parent = getpid(), other = 0;
		char req[32], buf[64], c = 0, then[64];

		if (drop_to_nobody())
			_exit(10);
		/* Before the pipe: it must hold no copy of the write end. */
		if (sibling) {
			other = clone(sleep_forever, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL);
			if (other < 0)
				_exit(16);
		}
		/*
		 * The new program writes a byte into ran (exec_sh_signalling()),
		 * then waits for hold's EOF: it runs until the verdict is given,
		 * however slow the kernel (a zombie would read ESRCH, not EPERM).
		 */
		if (pipe(ran) || pipe(hold))
			_exit(10);
		fd = open(PTWALK_DIR "/maps", O_RDWR);
		if (fd < 0)
			_exit(11);
		if (fork() == 0) {
			char r = 0;

			close(ran[1]);
			close(hold[0]);
			if (read(ran[0], &c, 1) != 1)	/* the parent runs sh */
				_exit(12);
			if (read(fd, buf, sizeof(buf)) != -1 || errno != ESRCH)
				r = 1;
			snprintf(req, sizeof(req), "%d", parent);
			if (!r && write_req(fd, req) != EPERM)
				r = 2;
			if (other)
				kill(other, SIGKILL);
			if (write(verdict[1], &r, 1) != 1)
				_exit(13);
			_exit(0);
		}
		close(fd);
		close(hold[1]);
		/* A new program in this process: the descriptor's view ends. */
		snprintf(then, sizeof(then), "read x <&%d; true", hold[0]);
		exec_sh_signalling(ran[1], then);
		_exit(15);
	}
	close(verdict[1]);
	ASSERT_EQ(1, read(verdict[0], &v, 1));
	EXPECT_EQ(0, v) TH_LOG("1: read after exec did not fail with ESRCH; 2: retarget not EPERM");
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* It ran the new program (sh), so the verdict is about an exec. */
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("status 0x%x", status);
	close(verdict[0]);
}

TEST(exec_ends_an_unprivileged_view)
{
	exec_ends_the_view(_metadata, false);
}

/* The mm's users do not say whether the target still runs in it. */
TEST(exec_ends_the_view_while_a_sibling_keeps_the_mm)
{
	exec_ends_the_view(_metadata, true);
}

TEST(no_descriptor_leaks)
{
	char *info = read_whole(PTWALK_DIR "/info", NULL);
	char v[16];

	ASSERT_NE(NULL, info);
	ASSERT_TRUE(pw_info_get(info, "files_open", v, sizeof(v)));
	EXPECT_STREQ("0", v);
	free(info);
}

PTW_HARNESS_MAIN
