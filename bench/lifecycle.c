// SPDX-License-Identifier: GPL-2.0
/*
 * What a reader costs besides time:
 *  - reap: how long a ptwalk reader killed mid-dump takes to die (SIGKILL
 *    to waitpid() returning);
 *  - memory: kernel memory held per reader while N readers each keep a
 *    maps descriptor open in the middle of a dump (/proc/meminfo deltas).
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

/* A held reader: wait for the go byte, open and read a little, report, pause. */
static void __attribute__((noreturn)) held_reader(pid_t pid, int go, int ready)
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
	if (write(ready, &c, 1) != 1)
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

int mem_measure(pid_t pid, int readers, struct mem_result *m)
{
	int go[2], ready[2], ret = -1, ok = 0;
	pid_t *kids = calloc(readers, sizeof(*kids));
	struct meminfo a, b;
	char c;

	memset(m, 0, sizeof(*m));
	if (!kids || pipe(go) || pipe(ready))
		return -1;
	/* Fork first: the readers' own processes are in the baseline. */
	for (int i = 0; i < readers; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			goto out;
		if (kids[i] == 0)
			held_reader(pid, go[0], ready[1]);
	}
	sleep_s(0.3);
	snap(&a);
	for (int i = 0; i < readers; i++)
		if (write(go[1], "g", 1) != 1)
			goto out;
	for (int i = 0; i < readers; i++) {
		if (read(ready[0], &c, 1) != 1)
			goto out;
		ok += c == 'r';
	}
	sleep_s(0.3);
	snap(&b);
	if (ok != readers)
		goto out;
	m->readers = readers;
	m->memfree = (a.memfree - b.memfree) * 1024.0 / readers;
	m->slab = (b.slab - a.slab) * 1024.0 / readers;
	m->sunreclaim = (b.sunreclaim - a.sunreclaim) * 1024.0 / readers;
	m->vmalloc = (b.vmalloc - a.vmalloc) * 1024.0 / readers;
	m->kstack = (b.kstack - a.kstack) * 1024.0 / readers;
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
	close(ready[0]);
	close(ready[1]);
	free(kids);
	return ret;
}
