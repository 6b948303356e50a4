// SPDX-License-Identifier: GPL-2.0
/*
 * Choosing a target the way users name processes: a process whose main
 * thread has exited (pthread_exit()) while another thread runs still has an
 * address space, and both its PID and the live thread's ID must reach it.
 * Oracle: /proc/TID/pagemap of the live thread (the leader's own /proc
 * files find no address space).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "ptwalk.h"
#include "util.h"

#define ZL_PAGES	64

static int tid_pipe[2];

static void *survivor(void *arg)
{
	pid_t tid = syscall(SYS_gettid);

	(void)arg;
	if (write(tid_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		_exit(3);
	for (;;)
		pause();
	return NULL;
}

/* The child: touch some memory, start a thread, end the main thread. */
static void zombie_leader_child(void)
{
	pthread_t t;
	char *p = mmap(NULL, ZL_PAGES * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(1);
	for (int i = 0; i < ZL_PAGES; i++)
		p[i * 4096] = 1;
	if (pthread_create(&t, NULL, survivor, NULL))
		_exit(2);
	pthread_exit(NULL);
}

FIXTURE(zombie_leader) {
	pid_t pid, tid;
};

FIXTURE_SETUP(zombie_leader)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	ASSERT_EQ(0, pipe(tid_pipe));
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (!self->pid)
		zombie_leader_child();
	close(tid_pipe[1]);
	ASSERT_EQ(sizeof(self->tid), read(tid_pipe[0], &self->tid, sizeof(self->tid)));
	close(tid_pipe[0]);
	for (i = 0; i < 500 * timeout_scale() && proc_state(self->pid) != 'Z'; i++)
		nanosleep(&ts, NULL);
	ASSERT_EQ('Z', proc_state(self->pid)) TH_LOG("the main thread did not exit");
	ASSERT_NE('Z', proc_state(self->tid));
}

FIXTURE_TEARDOWN(zombie_leader)
{
	kill(self->pid, SIGKILL);
	waitpid(self->pid, NULL, 0);
}

/* maps of the group, named by @who, against the live thread's pagemap. */
static void check_maps(struct __test_metadata *_metadata, pid_t who, pid_t tid)
{
	struct pw_maps m;
	struct pw_diff d;

	ASSERT_EQ(0, pw_maps_read(who, false, &m)) TH_LOG("target %d: %s", who, strerror(errno));
	EXPECT_TRUE(m.complete);
	ASSERT_EQ(0, pw_maps_compare(tid, &m, &d));
	TH_LOG("target %d: matched %ld, wrong pfn %ld, only here %ld, only in pagemap %ld",
	       who, d.matched, d.wrong_pfn, d.extra, d.missing);
	EXPECT_LE(ZL_PAGES, d.matched);
	EXPECT_EQ(0, d.wrong_pfn);
	EXPECT_EQ(0, d.extra);
	EXPECT_EQ(0, d.missing);
	pw_maps_free(&m);
}

TEST_F(zombie_leader, maps_by_pid_of_the_exited_main_thread)
{
	check_maps(_metadata, self->pid, self->tid);
}

TEST_F(zombie_leader, maps_by_id_of_the_live_thread)
{
	check_maps(_metadata, self->tid, self->tid);
}

TEST_F(zombie_leader, walk_by_pid_of_the_exited_main_thread)
{
	struct pw_maps m;
	struct pw_walk w;
	char req[64], *text = NULL;
	size_t i;

	ASSERT_EQ(0, pw_maps_read(self->tid, false, &m));
	for (i = 0; i < m.nruns && strcmp(m.runs[i].kind, "mapped"); i++)
		;
	ASSERT_LT(i, m.nruns);
	snprintf(req, sizeof(req), "%d 0x%lx", self->pid, m.runs[i].start);
	ASSERT_EQ(0, pw_walk(req, &w, &text)) TH_LOG("%s: %s", req, strerror(errno));
	EXPECT_TRUE(w.translated) TH_LOG("%s", text ? text : "");
	EXPECT_EQ(m.runs[i].pa, w.pa);
	free(text);
	pw_maps_free(&m);
}

TEST(zombie_process_is_esrch)
{
	pid_t pid = fork();
	int fd;
	char req[32];

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	/* Not reaped: a zombie with no address space at all. */
	for (int i = 0; i < 500 * timeout_scale() && proc_state(pid) != 'Z'; i++)
		usleep(10000);
	ASSERT_EQ('Z', proc_state(pid));
	fd = open(PTWALK_DIR "/maps", O_RDWR);
	ASSERT_LE(0, fd);
	snprintf(req, sizeof(req), "%d", pid);
	EXPECT_EQ(-1, write(fd, req, strlen(req)));
	EXPECT_EQ(ESRCH, errno);
	close(fd);
	waitpid(pid, NULL, 0);
}

PTW_HARNESS_MAIN
