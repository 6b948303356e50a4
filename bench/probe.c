// SPDX-License-Identifier: GPL-2.0
/*
 * Target disturbance: a target that holds a big mapping and, on command,
 * times mmap+munmap of one 4 KiB page in a loop for a fixed window (each
 * pair timed with CLOCK_MONOTONIC). A SCHED_IDLE thread spins on the same
 * CPU as the probe: under TCG a halted vCPU wakes slowly, which would hide
 * the time the probe spends waiting for the mmap lock.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define PROBE_CPU 1
#define MAX_SAMPLES (4UL << 20)

static uint32_t *samples;		/* nanoseconds per mmap+munmap pair */

static void *spin(void *arg)
{
	struct sched_param sp = { 0 };
	volatile unsigned long n = 0;

	(void)arg;
	pin_cpu(PROBE_CPU);
	pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
	for (;;)
		n++;
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void measure(struct probe_stats *st)
{
	double end = now_s() + sz.window, start = now_s();
	unsigned long n = 0;
	struct timespec a, b;

	while (n < MAX_SAMPLES) {
		void *p;

		clock_gettime(CLOCK_MONOTONIC, &a);
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			munmap(p, PAGE);
		clock_gettime(CLOCK_MONOTONIC, &b);
		long ns = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
		samples[n++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
		if (b.tv_sec + b.tv_nsec / 1e9 >= end)
			break;
	}
	qsort(samples, n, sizeof(*samples), cmp_u32);
	memset(st, 0, sizeof(*st));
	st->calls = n;
	if (!n)
		return;
	st->p50_us = samples[n / 2] / 1e3;
	st->p99_us = samples[n * 99 / 100] / 1e3;
	st->max_us = samples[n - 1] / 1e3;
	st->calls_per_s = n / (now_s() - start);
}

static void __attribute__((noreturn)) target_main(enum target_kind kind, int cmd, int res)
{
	struct probe_stats st;
	struct region r;
	pthread_t t;
	char c;

	samples = mmap(NULL, MAX_SAMPLES * sizeof(*samples), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (samples == MAP_FAILED || build_region(kind, &r))
		_exit(1);
	pin_cpu(PROBE_CPU);
	if (pthread_create(&t, NULL, spin, NULL))
		_exit(1);
	c = 'r';
	if (write(res, &c, 1) != 1)
		_exit(1);
	while (read(cmd, &c, 1) == 1 && c == 'm') {
		measure(&st);
		if (write(res, &st, sizeof(st)) != sizeof(st))
			_exit(1);
	}
	_exit(0);
}

int probe_target_start(enum target_kind kind, struct probe_target *pt)
{
	int cmd[2], res[2];
	char c;

	if (pipe(cmd) || pipe(res))
		return -1;
	pt->pid = fork();
	if (pt->pid < 0)
		return -1;
	if (pt->pid == 0) {
		close(cmd[1]);
		close(res[0]);
		target_main(kind, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	pt->cmd = cmd[1];
	pt->res = res[0];
	if (read(pt->res, &c, 1) != 1) {
		probe_target_stop(pt);
		return -1;
	}
	return 0;
}

int probe_measure(struct probe_target *pt, struct probe_stats *st)
{
	char c = 'm';

	if (write(pt->cmd, &c, 1) != 1)
		return -1;
	return read(pt->res, st, sizeof(*st)) == sizeof(*st) ? 0 : -1;
}

void probe_target_stop(struct probe_target *pt)
{
	if (pt->pid <= 0)
		return;
	close(pt->cmd);
	close(pt->res);
	kill(pt->pid, SIGKILL);
	waitpid(pt->pid, NULL, 0);
	pt->pid = 0;
}
