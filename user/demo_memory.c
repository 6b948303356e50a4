// SPDX-License-Identifier: GPL-2.0
/*
 * Demo steps 1-5: the layout of the address space, malloc (small and
 * large), brk, and the kinds of mmap. Every experiment works on memory it
 * makes itself and reads the result from the module; what glibc's malloc
 * does on its own (chunk headers) is named where it shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "demo.h"
#include "fmt.h"
#include "ptwalk.h"
#include "render.h"
#include "svg.h"

#define PAGE		4096UL
#define MMAP_THRESHOLD	(128 * 1024)

/* Pages of [lo, hi) that have a frame in the snapshot's maps. */
static unsigned long present(const struct snapshot *sn, unsigned long lo,
			     unsigned long hi)
{
	return present_pages(&sn->maps, lo, hi);
}

static bool has_vma(const struct snapshot *sn, unsigned long lo, unsigned long hi)
{
	size_t i;

	for (i = 0; i < sn->maps.nr_vmas; i++)
		if (sn->maps.vmas[i].start < hi && sn->maps.vmas[i].end > lo)
			return true;
	return false;
}

static const struct pt_vma *vma_named(const struct pt_maps *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nr_vmas; i++)
		if (!strcmp(m->vmas[i].name, name))
			return &m->vmas[i];
	return NULL;
}

/* ---- step 1 ---------------------------------------------------------- */

static bool print_layout(const struct step *s)
{
	const struct snapshot *sn = &s->snap[0];
	char a[SIZE_BUF], b[SIZE_BUF];
	size_t i, k;

	printf("%-13s %-33s %7s %8s  %-32s %s\n", "REGION", "RANGE", "SIZE",
	       "PRESENT", "FRAMES (first runs)", "NAME");
	for (i = 0; i < sn->maps.nr_vmas; i++) {
		const struct pt_vma *v = &sn->maps.vmas[i];
		const struct region_style *rs =
			&region_styles[classify_vma(&sn->maps, i, true)];
		char frames[64] = "-";
		size_t n = 0, runs = 0;

		for (k = 0; k < v->nr_runs; k++) {
			if (strcmp(v->runs[k].kind, "mapped"))
				continue;
			if (!runs++)
				n = snprintf(frames, sizeof(frames), "0x%llx", v->runs[k].pa);
		}
		if (runs > 1 && n < sizeof(frames))
			snprintf(frames + n, sizeof(frames) - n, " +%zu runs", runs - 1);
		printf("%s%-13s%s %016lx-%016lx %7s %8s  %-32s %s\n", col(rs->colour),
		       rs->name, col(C_RESET), v->start, v->end,
		       fmt_size(v->end - v->start, a),
		       fmt_size(vma_present_bytes(v, 0, ~0UL), b), frames, v->name);
	}
	return true;
}

void step_layout(struct step *s)
{
	const char *svg;
	struct snapshot *sn;

	s->title = "the address space of ptwalk itself";
	s->does = "Read ptwalk's own page tables (/proc/ptwalk/maps, target self) and "
		  "name each region: code, data, bss, heap, mmap area, stack, vdso.";
	sn = demo_snap(s, "now", 0);
	s->print_extra = print_layout;
	svg = demo_file(s, "maps-self.svg");
	if (svg)
		svg_maps_file(svg, &sn->maps, demo_info(), true);
	fact_uint(s, "vmas", sn->maps.nr_vmas);
	fact_uint(s, "present_pages", present(sn, 0, ~0UL));
	fact_bool(s, "pfn_shown", sn->maps.pfn_shown);
	s->expected = vma_named(&sn->maps, "[stack]") != NULL && sn->maps.nr_vmas > 3;
	snprintf(s->shows, sizeof(s->shows),
		 "%zu VMAs but only %lu pages with frames: an address space is mostly "
		 "reserved ranges, and page tables exist only where memory was touched.",
		 sn->maps.nr_vmas, present(sn, 0, ~0UL));
}

/* ---- step 2 ---------------------------------------------------------- */

/*
 * Use up the top chunk so that the next malloc(100) must call brk: leave
 * less than the 112-byte chunk it needs plus the minimum top (32 bytes).
 */
static void exhaust_top_chunk(void)
{
	struct mallinfo2 mi;
	int guard = 0;

	while ((mi = mallinfo2()).keepcost >= 160 && guard++ < 256) {
		size_t n = mi.keepcost - 64;

		if (n > MMAP_THRESHOLD / 2)
			n = MMAP_THRESHOLD / 2;
		if (!malloc(n))	/* kept: filling the heap is the point */
			break;
	}
}

void step_malloc_small(struct step *s)
{
	unsigned long brk0, brk1, heap_lo, pp;
	struct snapshot *before, *after_malloc, *after_write;
	const struct pt_vma *heap;
	char *p;

	s->title = "malloc small: the heap end moves, frames come with writes";
	s->does = "Fill the heap's free top, then malloc(100): malloc must call brk to "
		  "move the heap end (with M_TOP_PAD 16 pages). Then write to the block.";
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
	mallopt(M_TOP_PAD, 16 * PAGE);
	exhaust_top_chunk();
	brk0 = (unsigned long)sbrk(0);
	before = demo_snap(s, "before malloc(100)", 0);
	p = malloc(100);
	if (!p)
		fatal(EXIT_FAIL, "malloc failed");
	brk1 = (unsigned long)sbrk(0);
	after_malloc = demo_snap(s, "after malloc(100)", 0);
	memset(p, 0x5a, 100);
	after_write = demo_snap(s, "after writing the 100 bytes", 0);
	mallopt(M_TOP_PAD, 128 * 1024);

	heap = vma_named(&after_write->maps, "[heap]");
	heap_lo = heap ? heap->start : brk0 - 8 * PAGE;
	if (heap_lo < brk0 - 8 * PAGE)
		heap_lo = (brk0 - 8 * PAGE) & ~(PAGE - 1);
	s->lo = heap_lo;
	s->hi = (brk1 + PAGE - 1) & ~(PAGE - 1);
	if (s->hi <= s->lo)
		s->hi = s->lo + PAGE;
	pp = (unsigned long)p & ~(PAGE - 1);
	fact_hex(s, "block", (unsigned long)p);
	fact_hex(s, "brk_before", brk0);
	fact_hex(s, "brk_after", brk1);
	fact_uint(s, "heap_grew_pages", (brk1 - brk0) / PAGE);
	fact_uint(s, "new_pages_present_after_malloc",
		  brk1 > brk0 ? present(after_malloc, brk0, brk1) : 0);
	fact_bool(s, "block_page_present_before_write", present(after_malloc, pp, pp + PAGE));
	fact_bool(s, "block_page_present_after_write", present(after_write, pp, pp + PAGE));
	fact_uint(s, "new_pages_present_after_write",
		  brk1 > brk0 ? present(after_write, brk0, brk1) : 0);
	(void)before;
	s->expected = brk1 > brk0 && present(after_write, pp, pp + PAGE) == 1 &&
		      present(after_malloc, brk0, brk1) < (brk1 - brk0) / PAGE;
	snprintf(s->shows, sizeof(s->shows),
		 "brk moved the heap end by %lu pages but gave them no frames: only "
		 "pages something wrote to have a PTE (%lu after malloc wrote its "
		 "chunk headers, %lu after our write); the rest stay empty until touched.",
		 (brk1 - brk0) / PAGE, present(after_malloc, brk0, brk1),
		 present(after_write, brk0, brk1));
}

/* ---- step 3 ---------------------------------------------------------- */

#define LARGE_PAGES	64

void step_malloc_large(struct step *s)
{
	/* glibc puts a 16-byte header before the block: the mapping is exact. */
	size_t size = LARGE_PAGES * PAGE - 16;
	struct snapshot *mapped, *touched, *freed;
	unsigned long block, base, i, want = LARGE_PAGES / 2;
	char *p;

	s->title = "malloc above the mmap threshold: a mapping of its own";
	s->does = "malloc(262128): above glibc's mmap threshold (128K, pinned with "
		  "mallopt), so malloc asks the kernel for a new anonymous mapping of "
		  "64 pages. Touch every other page, then free the block.";
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
	demo_snap(s, "before malloc", 0);
	p = malloc(size);
	if (!p)
		fatal(EXIT_FAIL, "malloc failed");
	block = (unsigned long)p;
	base = block & ~(PAGE - 1);
	mapped = demo_snap(s, "after malloc", 0);
	for (i = 0; i < LARGE_PAGES; i += 2)
		((volatile char *)base)[i * PAGE + PAGE - 1] = 1;
	touched = demo_snap(s, "after touching every other page", 0);
	free(p);
	freed = demo_snap(s, "after free", 0);

	s->lo = base;
	s->hi = base + LARGE_PAGES * PAGE;
	fact_hex(s, "block", block);
	fact_hex(s, "mapping", base);
	fact_uint(s, "pages", LARGE_PAGES);
	fact_uint(s, "touched", want);
	fact_uint(s, "present_after_malloc", present(mapped, s->lo, s->hi));
	fact_uint(s, "present_after_touch", present(touched, s->lo, s->hi));
	fact_bool(s, "mapped_after_free", has_vma(freed, s->lo, s->hi));
	s->expected = has_vma(mapped, s->lo, s->hi) &&
		      present(touched, s->lo, s->hi) == want &&
		      !has_vma(freed, s->lo, s->hi);
	snprintf(s->shows, sizeof(s->shows),
		 "a large malloc is a fresh mapping with %lu of %d pages present "
		 "(malloc's header page); touching every other page makes exactly "
		 "%lu of %d present, and free() unmaps it at once.",
		 present(mapped, s->lo, s->hi), LARGE_PAGES,
		 present(touched, s->lo, s->hi), LARGE_PAGES);
}

/* ---- step 4 ---------------------------------------------------------- */

#define BRK_PAGES	16

void step_brk(struct step *s)
{
	struct snapshot *grown, *touched, *shrunk;
	unsigned long cur, old, i, k = 0;

	s->title = "brk/sbrk directly: the heap grows by N pages";
	s->does = "sbrk(16 pages) moves the program break; touch every third new "
		  "page; then sbrk(-16 pages) gives the pages back.";
	cur = (unsigned long)sbrk(0);
	if (cur & (PAGE - 1))
		sbrk(PAGE - (cur & (PAGE - 1)));
	demo_snap(s, "before sbrk", 0);
	old = (unsigned long)sbrk(BRK_PAGES * PAGE);
	if (old == (unsigned long)-1)
		fatal(EXIT_FAIL, "sbrk failed: %s", strerror(errno));
	grown = demo_snap(s, "after sbrk(+16 pages)", 0);
	for (i = 0; i < BRK_PAGES; i += 3, k++)
		((volatile char *)old)[i * PAGE] = 1;
	touched = demo_snap(s, "after touching every third page", 0);
	sbrk(-(long)(BRK_PAGES * PAGE));
	shrunk = demo_snap(s, "after sbrk(-16 pages)", 0);

	s->lo = old;
	s->hi = old + BRK_PAGES * PAGE;
	fact_hex(s, "old_break", old);
	fact_hex(s, "new_break", old + BRK_PAGES * PAGE);
	fact_uint(s, "pages", BRK_PAGES);
	fact_uint(s, "touched", k);
	fact_uint(s, "present_after_sbrk", present(grown, s->lo, s->hi));
	fact_uint(s, "present_after_touch", present(touched, s->lo, s->hi));
	fact_bool(s, "mapped_after_shrink", has_vma(shrunk, s->lo, s->hi));
	s->expected = has_vma(grown, s->lo, s->hi) && !present(grown, s->lo, s->hi) &&
		      present(touched, s->lo, s->hi) == k && !has_vma(shrunk, s->lo, s->hi);
	snprintf(s->shows, sizeof(s->shows),
		 "brk only extends the heap VMA: %d new pages, %lu with a frame until "
		 "%lu were touched, then exactly %lu; shrinking the break unmaps them.",
		 BRK_PAGES, present(grown, s->lo, s->hi), k, present(touched, s->lo, s->hi));
}

/* ---- step 5 ---------------------------------------------------------- */

#define MM_PAGES	8
#define MM_SLOT		(MM_PAGES + 2)	/* a 2-page hole keeps VMAs apart */

enum { MM_PRIVATE, MM_SHARED, MM_POPULATE, MM_FILE, MM_NR };

static const char *const mm_names[MM_NR] = {
	[MM_PRIVATE] = "private-anonymous",
	[MM_SHARED] = "shared-anonymous",
	[MM_POPULATE] = "populate",
	[MM_FILE] = "file-readonly",
};

/* Flags of the first mapped run in [lo, hi), or NULL. */
static const char *flags_in(const struct snapshot *sn, unsigned long lo)
{
	const struct pt_run *r = run_at(&sn->maps, lo, NULL);

	return r ? r->flags : NULL;
}

void step_mmap(struct step *s)
{
	unsigned long base, at[MM_NR];
	struct snapshot *mapped, *touched;
	char key[64], *reserve;
	bool ok = true;
	int i, fd;

	s->title = "mmap: private, shared, MAP_POPULATE, read-only file";
	s->does = "Map 8 pages four ways: private anonymous, shared anonymous, private "
		  "anonymous with MAP_POPULATE, and ptwalk's own binary read-only. "
		  "Write the first page of each anonymous one, read every file page.";
	/* Reserve one range and place the four inside, with holes between. */
	reserve = mmap(NULL, MM_NR * MM_SLOT * PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (reserve == MAP_FAILED)
		fatal(EXIT_FAIL, "mmap: %s", strerror(errno));
	munmap(reserve, MM_NR * MM_SLOT * PAGE);
	base = (unsigned long)reserve;
	for (i = 0; i < MM_NR; i++)
		at[i] = base + (i * MM_SLOT + 1) * PAGE;
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fatal(EXIT_FAIL, "open /proc/self/exe: %s", strerror(errno));
	if (mmap((void *)at[MM_PRIVATE], MM_PAGES * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ||
	    mmap((void *)at[MM_SHARED], MM_PAGES * PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ||
	    mmap((void *)at[MM_POPULATE], MM_PAGES * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0) == MAP_FAILED ||
	    mmap((void *)at[MM_FILE], MM_PAGES * PAGE, PROT_READ,
		 MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)
		fatal(EXIT_FAIL, "mmap: %s", strerror(errno));
	close(fd);
	mapped = demo_snap(s, "after the four mmap calls", 0);
	((volatile char *)at[MM_PRIVATE])[0] = 1;
	((volatile char *)at[MM_SHARED])[0] = 1;
	for (i = 0; i < MM_PAGES; i++)
		(void)((volatile char *)at[MM_FILE])[i * PAGE];
	touched = demo_snap(s, "after writing/reading", 0);

	s->lo = at[0];
	s->hi = at[MM_NR - 1] + MM_PAGES * PAGE;
	for (i = 0; i < MM_NR; i++) {
		unsigned long lo = at[i], hi = at[i] + MM_PAGES * PAGE;
		const char *fl = flags_in(touched, lo);

		snprintf(key, sizeof(key), "%s_address", mm_names[i]);
		fact_hex(s, xstrdup(key), lo);
		snprintf(key, sizeof(key), "%s_present_after_mmap", mm_names[i]);
		fact_uint(s, xstrdup(key), present(mapped, lo, hi));
		snprintf(key, sizeof(key), "%s_present_after_touch", mm_names[i]);
		fact_uint(s, xstrdup(key), present(touched, lo, hi));
		snprintf(key, sizeof(key), "%s_writable", mm_names[i]);
		fact_bool(s, xstrdup(key), fl && has_flag(fl, "write"));
		snprintf(key, sizeof(key), "%s_nx", mm_names[i]);
		fact_bool(s, xstrdup(key), fl && has_flag(fl, "nx"));
	}
	ok = present(mapped, at[MM_PRIVATE], at[MM_PRIVATE] + MM_PAGES * PAGE) == 0 &&
	     present(touched, at[MM_PRIVATE], at[MM_PRIVATE] + MM_PAGES * PAGE) == 1 &&
	     present(mapped, at[MM_SHARED], at[MM_SHARED] + MM_PAGES * PAGE) == 0 &&
	     present(touched, at[MM_SHARED], at[MM_SHARED] + MM_PAGES * PAGE) == 1 &&
	     present(mapped, at[MM_POPULATE], at[MM_POPULATE] + MM_PAGES * PAGE) == MM_PAGES &&
	     present(touched, at[MM_FILE], at[MM_FILE] + MM_PAGES * PAGE) == MM_PAGES &&
	     flags_in(touched, at[MM_FILE]) && !has_flag(flags_in(touched, at[MM_FILE]), "write") &&
	     has_flag(flags_in(touched, at[MM_FILE]), "nx") &&
	     flags_in(touched, at[MM_PRIVATE]) && has_flag(flags_in(touched, at[MM_PRIVATE]), "write");
	s->expected = ok;
	snprintf(s->shows, sizeof(s->shows),
		 "mmap alone gives no frames (private and shared: 0 of %d) unless "
		 "MAP_POPULATE asks for them (%lu of %d); a write maps one page "
		 "writable and NX, and the read-only file pages come from the page "
		 "cache without the write bit.",
		 MM_PAGES, present(mapped, at[MM_POPULATE], at[MM_POPULATE] + MM_PAGES * PAGE),
		 MM_PAGES);
	for (i = 0; i < MM_NR; i++)
		munmap((void *)at[i], MM_PAGES * PAGE);
}
