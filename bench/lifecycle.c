// SPDX-License-Identifier: GPL-2.0
/*
 * What a reader costs besides time:
 *  - reap: how long a ptwalk reader killed mid-dump takes to die (SIGKILL
 *    to waitpid() returning);
 *  - memory: kernel memory held per reader while N readers each keep a
 *    maps descriptor open in the middle of a dump (/proc/meminfo deltas).
 *    Counters are read before the readers open (A), while they hold (B) and
 *    after they close (C); per reader ((A - B) + (C - B)) / 2 / N, which
 *    cancels a steady drift (deferred frees of earlier phases, say).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define MEM_READ 512		/* bytes a held reader reads: mid-dump on any target */

int reap_measure(pid_t pid, int tries, struct reap_result *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < tries; i++) {
		pid_t rd = fork();
		double t0, ms;
		int status;

		if (rd < 0)
			return -1;
		if (rd == 0)
			reader_loop(pid, 1);
		sleep_s(0.2);
		if (waitpid(rd, &status, WNOHANG) != 0)
			return -1;	/* the reader failed before the kill */
		t0 = now_s();
		kill(rd, SIGKILL);
		if (waitpid(rd, &status, 0) != rd)
			return -1;
		ms = (now_s() - t0) * 1e3;
		if (!r->tries || ms < r->best_ms)
			r->best_ms = ms;
		if (ms > r->worst_ms)
			r->worst_ms = ms;
		r->tries++;
	}
	return 0;
}

/*
 * A held reader: wait for a byte on go, open and read a little, report;
 * wait for a byte on stop, close, report; then pause. (Two pipes: with one,
 * a quick reader could take another's go byte as its stop.)
 */
static void __attribute__((noreturn)) held_reader(pid_t pid, int go, int stop, int ready)
{
	static char buf[MEM_READ];
	char req[32], c;
	int fd;

	memset(buf, 0, sizeof(buf));	/* fault our own pages in before the baseline */
	if (read(go, &c, 1) != 1)
		_exit(1);
	fd = open("/proc/ptwalk/maps", O_RDWR);
	snprintf(req, sizeof(req), "%d", pid);
	if (fd < 0 || write(fd, req, strlen(req)) < 0 ||
	    write(fd, "nonpresent on", 13) != 13 ||
	    read(fd, buf, sizeof(buf)) != sizeof(buf))
		c = 'e';
	else
		c = 'r';
	if (write(ready, &c, 1) != 1 || read(stop, &c, 1) != 1)
		_exit(1);
	close(fd);
	if (write(ready, "c", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

struct meminfo {
	long memfree, slab, sunreclaim, vmalloc, kstack;
};

static void snap(struct meminfo *m)
{
	m->memfree = meminfo_kb("MemFree");
	m->slab = meminfo_kb("Slab");
	m->sunreclaim = meminfo_kb("SUnreclaim");
	m->vmalloc = meminfo_kb("VmallocUsed");
	m->kstack = meminfo_kb("KernelStack");
}

/* Send each reader a byte; count the answers that are `want`. */
static int step(int go, int ready, int readers, char want)
{
	int ok = 0;
	char c;

	for (int i = 0; i < readers; i++)
		if (write(go, "g", 1) != 1)
			return -1;
	for (int i = 0; i < readers; i++) {
		if (read(ready, &c, 1) != 1)
			return -1;
		ok += c == want;
	}
	sleep_s(0.3);
	return ok == readers ? 0 : -1;
}

/* Per reader, bytes, from a counter that rises (sign 1) or falls (-1) when held. */
static double per_reader(long a, long b, long c, int sign, int readers)
{
	return sign * ((b - a) + (b - c)) / 2.0 * 1024.0 / readers;
}

int mem_measure(pid_t pid, int readers, struct mem_result *m)
{
	int go[2], stop[2], ready[2], ret = -1;
	pid_t *kids = calloc(readers, sizeof(*kids));
	struct meminfo a, b, c;

	memset(m, 0, sizeof(*m));
	if (!kids || pipe(go) || pipe(stop) || pipe(ready))
		return -1;
	/* Fork first: the readers' own processes are in the baseline. */
	for (int i = 0; i < readers; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			goto out;
		if (kids[i] == 0)
			held_reader(pid, go[0], stop[0], ready[1]);
	}
	sleep_s(1.0);		/* let the exits of earlier readers settle */
	snap(&a);
	if (step(go[1], ready[0], readers, 'r'))
		goto out;
	snap(&b);
	if (step(stop[1], ready[0], readers, 'c'))
		goto out;
	snap(&c);
	m->readers = readers;
	m->memfree = per_reader(a.memfree, b.memfree, c.memfree, -1, readers);
	m->slab = per_reader(a.slab, b.slab, c.slab, 1, readers);
	m->sunreclaim = per_reader(a.sunreclaim, b.sunreclaim, c.sunreclaim, 1, readers);
	m->vmalloc = per_reader(a.vmalloc, b.vmalloc, c.vmalloc, 1, readers);
	m->kstack = per_reader(a.kstack, b.kstack, c.kstack, 1, readers);
	m->kernel = m->slab + m->vmalloc + m->kstack;
	ret = 0;
out:
	for (int i = 0; i < readers; i++) {
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
		}
	}
	close(go[0]);
	close(go[1]);
	close(stop[0]);
	close(stop[1]);
	close(ready[0]);
	close(ready[1]);
	free(kids);
	return ret;
}
