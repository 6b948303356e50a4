// SPDX-License-Identifier: GPL-2.0
/*
 * The measured address spaces. Each target is a child that maps and touches
 * one kind of memory, then stops itself (SIGSTOP), so a reader sees one
 * target (plus the binary's few small VMAs) that does not change.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define ASAN_PIECES 8
#define ASAN_PIECE (512 * KIB)

static void touch(char *p, unsigned long len, unsigned long step, struct region *r)
{
	for (unsigned long off = 0; off < len; off += step) {
		p[off] = 1;
		r->touched++;
	}
}

static void *map(unsigned long len, int prot, int extra)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* 4K pages, every one written; no THP (Debian's default is "always"). */
static int build_dense(struct region *r)
{
	char *p = map(sz.dense, PROT_READ | PROT_WRITE, 0);

	if (!p || madvise(p, sz.dense, MADV_NOHUGEPAGE))
		return -1;
	r->start = (unsigned long)p;
	r->len = sz.dense;
	touch(p, sz.dense, PAGE, r);
	return 0;
}

/* 2 MiB-aligned MADV_HUGEPAGE memory, every 4K page written. */
static int build_thp(struct region *r)
{
	unsigned long len = sz.thp, align = 2 * MIB, a, head, tail;
	char *p = map(len + align, PROT_READ | PROT_WRITE, 0);

	if (!p)
		return -1;
	a = ((unsigned long)p + align - 1) & ~(align - 1);
	head = a - (unsigned long)p;
	tail = align - head;
	if (head)
		munmap(p, head);
	if (tail)
		munmap((char *)a + len, tail);
	if (madvise((char *)a, len, MADV_HUGEPAGE))
		return -1;
	r->start = a;
	r->len = len;
	touch((char *)a, len, PAGE, r);
	return 0;
}

/* A wide read-write span with one written page per 2 MiB (no THP). */
static int build_sparse(struct region *r)
{
	char *p = map(sz.sparse, PROT_READ | PROT_WRITE, MAP_NORESERVE);

	if (!p || madvise(p, sz.sparse, MADV_NOHUGEPAGE))
		return -1;
	r->start = (unsigned long)p;
	r->len = sz.sparse;
	touch(p, sz.sparse, 2 * MIB, r);
	return 0;
}

/*
 * ASan-style: a huge PROT_NONE reservation with a few writable pieces, one
 * in the middle of each eighth, so the span is cut into 17 VMAs.
 */
static int build_asan(struct region *r)
{
	unsigned long part = sz.asan / ASAN_PIECES;
	char *p = map(sz.asan, PROT_NONE, MAP_NORESERVE);

	if (!p)
		return -1;
	r->start = (unsigned long)p;
	r->len = sz.asan;
	for (int i = 0; i < ASAN_PIECES; i++) {
		char *q = p + i * part + part / 2;

		if (mprotect(q, ASAN_PIECE, PROT_READ | PROT_WRITE))
			return -1;
		touch(q, ASAN_PIECE, PAGE, r);
	}
	return 0;
}

int build_region(enum target_kind kind, struct region *r)
{
	memset(r, 0, sizeof(*r));
	switch (kind) {
	case T_DENSE:
		return build_dense(r);
	case T_THP:
		return build_thp(r);
	case T_SPARSE:
		return build_sparse(r);
	case T_ASAN:
		return build_asan(r);
	case T_SMALL:
		return 0;
	}
	return -1;
}

/*
 * Fork a child that builds the region, reports it through a shared page and
 * stops; return once it has stopped. The shared page stays mapped in the
 * child (one small VMA) and is unmapped here.
 */
int target_start(enum target_kind kind, const char *name, struct target *t)
{
	struct region *shared;
	int status;

	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -1;
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (t->pid == 0) {
		if (build_region(kind, shared))
			_exit(1);
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	if (waitpid(t->pid, &status, WUNTRACED) != t->pid || !WIFSTOPPED(status)) {
		munmap(shared, PAGE);
		t->pid = 0;
		return -1;
	}
	t->r = *shared;
	munmap(shared, PAGE);
	return 0;
}

void target_stop(struct target *t)
{
	if (t->pid <= 0)
		return;
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
	t->pid = 0;
}
