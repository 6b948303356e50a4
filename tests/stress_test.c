// SPDX-License-Identifier: GPL-2.0
/*
 * Targets that map, unmap and exit under readers that keep walking them:
 * no error but ESRCH, no splat (the rig checks the console), no leaked
 * descriptor state, no pinned address space, and killed readers die fast.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "oracle.h"
#include "ptwalk.h"
#include "util.h"

static int stress_secs(void)
{
	const char *s = getenv("PTWALK_STRESS_SECS");

	return s ? atoi(s) : 30;
}

/* A short-lived target: maps, touches, protects and unmaps, then exits. */
static void target_life(unsigned int seed)
{
	double end = now() + 0.05 + (seed % 50) / 1000.0;

	srandom(seed);
	while (now() < end) {
		size_t len = ((random() % 64) + 1) * 4096;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		size_t i;

		if (p == MAP_FAILED)
			continue;
		for (i = 0; i < len; i += 4096 * (1 + random() % 3))
			p[i] = 1;
		if (random() % 2)
			mprotect(p, len / 2, PROT_NONE);
		if (random() % 4)
			munmap(p, len);
	}
	_exit(0);
}

struct shared {
	volatile pid_t target;
	volatile int stop;
};

static void spawner(struct shared *sh)
{
	unsigned int n = 0;

	while (!sh->stop) {
		pid_t pid = fork();

		if (pid == 0)
			target_life(n);
		if (pid > 0) {
			sh->target = pid;
			waitpid(pid, NULL, 0);
		}
		n++;
	}
	_exit(0);
}

/* Returns the number of unexpected errors. */
static int reader(struct shared *sh, int kind)
{
	char req[64], buf[4096];
	int bad = 0;
	unsigned long loops = 0;

	srandom(getpid());
	while (!sh->stop) {
		const char *file = kind ? PTWALK_DIR "/walk" : PTWALK_DIR "/maps";
		int fd = open(file, O_RDWR);
		ssize_t r;

		if (fd < 0)
			return 100;
		if (kind)
			snprintf(req, sizeof(req), "%d 0x%lx", sh->target,
				 0x7f0000000000UL + (random() % 0x1000000) * 4096);
		else
			snprintf(req, sizeof(req), "%d", sh->target);
		if (kind == 0 && random() % 2 && write(fd, "nonpresent on", 13) != 13)
			bad++;
		if (write(fd, req, strlen(req)) < 0) {
			if (errno != ESRCH)
				bad++;
			close(fd);
			continue;
		}
		do {
			r = read(fd, buf, 1 + random() % sizeof(buf));
		} while (r > 0);
		if (r < 0 && errno != ESRCH) {
			bad++;
			fprintf(stderr, "# reader %d: %s\n", kind, strerror(errno));
		}
		close(fd);
		loops++;
	}
	fprintf(stderr, "# reader %d: %lu loops\n", kind, loops);
	return bad;
}

static int files_open(void)
{
	return pw_info_num("files_open");
}

/* The harness's per-test timeout is set with a fixture. */
FIXTURE(long_test) {
	int unused;
};

FIXTURE_SETUP(long_test)
{
}

FIXTURE_TEARDOWN(long_test)
{
}

TEST_F_TIMEOUT(long_test, readers_against_churning_targets, 120)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t sp, rd[3];
	int i, status;

	ASSERT_NE(MAP_FAILED, sh);
	sh->target = getpid();
	sh->stop = 0;
	sp = fork();
	ASSERT_LE(0, sp);
	if (sp == 0)
		spawner(sh);
	for (i = 0; i < 3; i++) {
		rd[i] = fork();
		ASSERT_LE(0, rd[i]);
		if (rd[i] == 0)
			_exit(reader(sh, i % 2));
	}
	sleep(stress_secs());
	sh->stop = 1;
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(rd[i], waitpid(rd[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("reader %d", i);
	}
	ASSERT_EQ(sp, waitpid(sp, &status, 0));
	EXPECT_EQ(0, files_open());
	munmap(sh, sizeof(*sh));
}

TEST(killed_reader_dies_promptly)
{
	pid_t pid = fork();
	double t;
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open(PTWALK_DIR "/maps", O_RDWR);
		char c;

		if (fd < 0)
			_exit(1);
		for (;;) {
			if (write(fd, "1", 1) != 1)
				_exit(2);
			while (read(fd, &c, 1) == 1)
				;
		}
	}
	usleep(300 * 1000);
	t = now();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_GT(2.0 * timeout_scale(), now() - t);
	EXPECT_EQ(0, files_open());
}

/*
 * An open descriptor does not keep its exited target's memory alive.
 * The oracle is AnonPages, the anonymous pages mapped, which exit_mmap()
 * lowers as it unmaps them. MemFree is no oracle: since 6.7 the per-CPU
 * free lists grow while a process frees many pages in a row, and can hold
 * tens of MiB that MemFree does not count until vmstat drains them.
 */
TEST_F_TIMEOUT(long_test, open_descriptor_does_not_pin_an_exited_target, 120)
{
	const size_t len = 64UL << 20;
	int ready[2], go[2], fd;
	long before, during, after;
	char req[32], buf[512], c = 0;
	ssize_t r;
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	before = meminfo_kb("AnonPages");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (p == MAP_FAILED)
			_exit(1);
		memset(p, 1, len);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	during = meminfo_kb("AnonPages");
	fd = open(PTWALK_DIR "/maps", O_RDWR);
	ASSERT_LE(0, fd);
	snprintf(req, sizeof(req), "%d", pid);
	ASSERT_EQ((ssize_t)strlen(req), write(fd, req, strlen(req)));
	ASSERT_LT(0, read(fd, buf, sizeof(buf)));
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	after = meminfo_kb("AnonPages");
	TH_LOG("AnonPages kB: before %ld, target alive %ld, after exit %ld",
	       before, during, after);
	ASSERT_LE(0, before);
	EXPECT_LT(before + (long)(len >> 10) / 2, during);
	EXPECT_GT(during - (long)(len >> 10) / 2, after);
	/* The rest of the read completes from what was walked, or is ESRCH. */
	do {
		r = read(fd, buf, sizeof(buf));
	} while (r > 0);
	EXPECT_TRUE(r == 0 || errno == ESRCH) TH_LOG("%s", strerror(errno));
	close(fd);
}

PTW_HARNESS_MAIN
