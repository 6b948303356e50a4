// SPDX-License-Identifier: GPL-2.0
/*
 * The tool's bookkeeping memory: a bump allocator over one big anonymous
 * mapping reserved at start-up (MAP_NORESERVE, so untouched parts cost
 * nothing). Keeping parsed /proc output out of the heap means that the
 * demo's heap experiments see only their own allocations, and that one
 * mapping, made before any experiment, is all the tool adds to the mmap
 * area. Marks let a demo step drop what it parsed.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "ptwalk.h"

/*
 * Reserved, not used: only touched pages cost memory. Demo step 13 takes
 * snapshots of the tool's own maps, where every present arena page is a
 * run line of its own.
 */
#define ARENA_SIZE	(2048UL << 20)

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

static char *arena_base;
static size_t arena_used;

void arena_init(void)
{
	arena_base = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena_base == MAP_FAILED)
		fatal(EXIT_FAIL, "reserving memory: %s", strerror(errno));
	/*
	 * 4K pages only: the tool counts its own page tables (demo steps 1
	 * and 11), and khugepaged collapsing part of the arena mid-step would
	 * move a table from the PTE level to the THP reserve under the count.
	 */
	madvise(arena_base, ARENA_SIZE, MADV_NOHUGEPAGE);
	/* Named in /proc/PID/maps where the kernel supports it; harmless if not. */
	prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)arena_base,
	      ARENA_SIZE, (unsigned long)"ptwalk arena");
}

void *xalloc(size_t size)
{
	size_t at = (arena_used + 15) & ~(size_t)15;
	void *p;

	if (size > ARENA_SIZE || at > ARENA_SIZE - size)
		fatal(EXIT_FAIL, "out of memory (more than %lu MiB of /proc output)",
		      ARENA_SIZE >> 20);
	p = arena_base + at;
	arena_used = at + size;
	memset(p, 0, size);
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xalloc(n), s, n);
}

size_t arena_mark(void)
{
	return arena_used;
}

void arena_release(size_t mark)
{
	if (mark <= arena_used)
		arena_used = mark;
}

bool arena_contains(unsigned long start, unsigned long end)
{
	unsigned long base = (unsigned long)arena_base;

	return start >= base && end <= base + ARENA_SIZE;
}

/* Grow @p (the last allocation, or a copy of it) from @old to @size bytes. */
void *xgrow(void *p, size_t old, size_t size)
{
	void *n;

	if ((char *)p + old == arena_base + arena_used &&
	    (size_t)((char *)p - arena_base) <= ARENA_SIZE - size) {
		memset((char *)p + old, 0, size - old);
		arena_used = (char *)p - arena_base + size;
		return p;
	}
	n = xalloc(size);
	memcpy(n, p, old);
	return n;
}
