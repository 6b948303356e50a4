// SPDX-License-Identifier: GPL-2.0
/*
 * Demo steps 6-8: fork and copy-on-write (the child's page tables through
 * its PID), a transparent huge page, and stack growth.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "fmt.h"
#include "ptwalk.h"
#include "render.h"
#include "svg.h"

#define PAGE		4096UL
#define HPAGE		(2UL << 20)

/* ---- step 6 ---------------------------------------------------------- */

#define COW_PAGES	4

/* The child: wait, write page 0 of @buf, report, wait to be told to exit. */
static void __attribute__((noreturn)) cow_child(volatile char *buf, int in, int out)
{
	char c;

	if (read(in, &c, 1) != 1)
		_exit(1);
	buf[0] = 'c';
	if (write(out, "w", 1) != 1)
		_exit(1);
	if (read(in, &c, 1) < 0)
		_exit(1);
	_exit(0);
}

struct cow_page {
	unsigned long long pa;
	bool mapped, writable;
};

static struct cow_page cow_at(const struct snapshot *sn, unsigned long va)
{
	struct cow_page p = { 0 };
	const struct pt_run *r = run_at(&sn->maps, va, &p.pa);

	p.mapped = r != NULL;
	p.writable = r && has_flag(r->flags, "write");
	return p;
}

static void tell(int fd)
{
	if (write(fd, "g", 1) != 1)
		fatal(EXIT_FAIL, "demo child: %s", strerror(errno));
}

void step_fork_cow(struct step *s)
{
	struct snapshot *pre, *par, *chi, *chi_w, *par_w, *par_own;
	struct cow_page p0, a_par, a_chi, b_chi, b_par, c_par;
	int to_child[2], from_child[2], i, status;
	bool shared_rest = true;
	struct pt_maps both[2];
	static const char *const roles[2] = { "parent", "child" };
	const char *svg;
	volatile char *buf;
	pid_t child;
	char c;

	s->title = "fork and copy-on-write";
	s->does = "Write 4 private pages, fork, and read the child's page tables through "
		  "its PID. Then the child writes page 0; then the parent writes page 0.";
	buf = mmap(NULL, COW_PAGES * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		fatal(EXIT_FAIL, "mmap: %s", strerror(errno));
	for (i = 0; i < COW_PAGES; i++)
		buf[i * PAGE] = 'p';
	s->lo = (unsigned long)buf;
	s->hi = s->lo + COW_PAGES * PAGE;
	pre = demo_snap(s, "parent before fork", 0);
	if (pipe(to_child) || pipe(from_child))
		fatal(EXIT_FAIL, "pipe: %s", strerror(errno));
	fflush(stdout);
	child = fork();
	if (child < 0)
		fatal(EXIT_FAIL, "fork: %s", strerror(errno));
	if (child == 0)
		cow_child(buf, to_child[0], from_child[1]);
	par = demo_snap(s, "parent after fork", 0);
	chi = demo_snap(s, "child after fork", child);
	tell(to_child[1]);
	if (read(from_child[0], &c, 1) != 1)
		fatal(EXIT_FAIL, "demo child did not answer");
	chi_w = demo_snap(s, "child after its write to page 0", child);
	par_w = demo_snap(s, "parent after the child's write", 0);
	buf[0] = 'P';
	par_own = demo_snap(s, "parent after its own write to page 0", 0);

	svg = demo_file(s, "step6-frames.svg");
	if (svg) {
		both[0] = par_w->maps;
		both[1] = chi_w->maps;
		svg_figure_file(svg, both, 2, roles, s->lo, s->hi, true);
	}
	tell(to_child[1]);
	waitpid(child, &status, 0);
	close(to_child[0]);
	close(to_child[1]);
	close(from_child[0]);
	close(from_child[1]);

	p0 = cow_at(pre, s->lo);
	a_par = cow_at(par, s->lo);
	a_chi = cow_at(chi, s->lo);
	b_chi = cow_at(chi_w, s->lo);
	b_par = cow_at(par_w, s->lo);
	c_par = cow_at(par_own, s->lo);
	for (i = 1; i < COW_PAGES; i++) {
		struct cow_page x = cow_at(par_w, s->lo + i * PAGE);
		struct cow_page y = cow_at(chi_w, s->lo + i * PAGE);

		shared_rest &= x.mapped && y.mapped && x.pa == y.pa && !x.writable &&
			       !y.writable;
	}
	fact_uint(s, "child_pid", child);
	fact_hex(s, "page0", s->lo);
	fact_hex(s, "page0_pa_before_fork", p0.pa);
	fact_hex(s, "page0_pa_parent_after_fork", a_par.pa);
	fact_hex(s, "page0_pa_child_after_fork", a_chi.pa);
	fact_bool(s, "page0_writable_parent_after_fork", a_par.writable);
	fact_bool(s, "page0_writable_child_after_fork", a_chi.writable);
	fact_hex(s, "page0_pa_child_after_child_write", b_chi.pa);
	fact_hex(s, "page0_pa_parent_after_child_write", b_par.pa);
	fact_bool(s, "page0_writable_child_after_child_write", b_chi.writable);
	fact_bool(s, "page0_writable_parent_after_child_write", b_par.writable);
	fact_hex(s, "page0_pa_parent_after_own_write", c_par.pa);
	fact_bool(s, "page0_writable_parent_after_own_write", c_par.writable);
	fact_bool(s, "pages_1_to_3_still_shared", shared_rest);
	s->expected = p0.writable && a_par.pa == p0.pa && a_chi.pa == p0.pa &&
		      !a_par.writable && !a_chi.writable && b_chi.pa != p0.pa &&
		      b_chi.writable && b_par.pa == p0.pa && shared_rest &&
		      par->maps.pfn_shown;
	snprintf(s->shows, sizeof(s->shows),
		 "after fork both processes map the same frame (0x%llx) read-only; "
		 "the child's write faulted and copied it to a new frame (0x%llx) while "
		 "the parent kept the old one, %s on its own write.",
		 p0.pa, b_chi.pa,
		 c_par.pa == p0.pa ? "which the parent then reused (no copy)"
				   : "which the parent then replaced with another copy");
	munmap((void *)buf, COW_PAGES * PAGE);
}

/* ---- step 7 ---------------------------------------------------------- */

/* AnonHugePages of the smaps entry containing @va, in kB; -1 if unknown. */
static long anon_huge_kb(unsigned long va)
{
	char *text, *p;
	int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 20, len = 0;
	ssize_t n;
	bool in = false;

	if (fd < 0)
		return -1;
	text = xalloc(cap + 1);
	while ((n = read(fd, text + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			text = xgrow(text, cap + 1, 2 * cap + 1);
			cap *= 2;
		}
	}
	close(fd);
	text[len] = '\0';
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		unsigned long s, e;

		if (sscanf(p, "%lx-%lx ", &s, &e) == 2 && strchr(p, '-') < strchr(p, ' '))
			in = va >= s && va < e;
		else if (in && !strncmp(p, "AnonHugePages:", 14))
			return strtol(p + 14, NULL, 10);
	}
	return -1;
}

void step_thp(struct step *s)
{
	const struct pt_info *info = demo_info();
	struct snapshot *after;
	const struct pt_level *leaf = NULL;
	unsigned long raw, va;
	long huge_kb;
	bool madvised, thp_on;
	int i;

	s->title = "transparent huge page: one 2M leaf at the PMD level";
	s->does = "Map 4M, take the 2 MiB-aligned 2M inside it, madvise(MADV_HUGEPAGE) "
		  "and write one byte: the fault may map a whole 2 MiB page with one "
		  "PMD entry instead of a PTE table.";
	raw = (unsigned long)mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == (unsigned long)MAP_FAILED)
		fatal(EXIT_FAIL, "mmap: %s", strerror(errno));
	va = (raw + HPAGE - 1) & ~(HPAGE - 1);
	madvised = madvise((void *)va, HPAGE, MADV_HUGEPAGE) == 0;
	s->lo = va;
	s->hi = va + HPAGE;
	demo_snap(s, "before the write", 0);
	((volatile char *)va)[0] = 1;
	after = demo_snap(s, "after writing one byte", 0);
	demo_walk(s, 0, va);
	huge_kb = anon_huge_kb(va);
	for (i = 0; i < after->walk.nr_levels; i++)
		if (after->walk.level[i].kind == PTE_KIND_LEAF)
			leaf = &after->walk.level[i];
	thp_on = !strcmp(info->thp, "always") || !strcmp(info->thp, "madvise");
	fact_hex(s, "address", va);
	fact_str(s, "thp_mode", info->thp);
	fact_bool(s, "madvise_ok", madvised);
	fact_str(s, "leaf_level", leaf ? leaf->name : "none");
	fact_str(s, "leaf_size", leaf ? leaf->leaf : "none");
	fact_uint(s, "present_pages", present_pages(&after->maps, s->lo, s->hi));
	if (huge_kb >= 0)
		fact_uint(s, "smaps_anon_huge_kb", huge_kb);
	if (leaf && !strcmp(leaf->leaf, "2M")) {
		s->expected = true;
		snprintf(s->shows, sizeof(s->shows),
			 "one write mapped 512 pages at once: the walk ends at the %s with "
			 "a 2M leaf (frame 0x%llx), one entry and no PTE table for 2 MiB.",
			 leaf->name, leaf->frame);
	} else if (!thp_on) {
		s->expected = true;
		snprintf(s->shows, sizeof(s->shows),
			 "the kernel refused: transparent hugepages are '%s' here, so the "
			 "write got a single 4K page at the PTE level.", info->thp);
	} else {
		/* Refused with THP on: explained when smaps agrees (no huge page). */
		s->expected = huge_kb <= 0;
		snprintf(s->shows, sizeof(s->shows),
			 "the kernel refused a huge page (smaps AnonHugePages %ld kB): no "
			 "free 2 MiB block without compaction (see transparent_hugepage/"
			 "defrag), so the write got a 4K page at the PTE level.", huge_kb);
	}
	munmap((void *)raw, 2 * HPAGE);
}

/* ---- step 8 ---------------------------------------------------------- */

#define STACK_DEPTH	64
#define STACK_FRAME	(2 * PAGE)

/* Recurse, touching two pages per call; snapshot at the bottom. */
static unsigned long __attribute__((noinline)) grow_stack(struct step *s, int depth)
{
	volatile char frame[STACK_FRAME];

	frame[0] = (char)depth;
	frame[PAGE] = (char)depth;
	if (depth > 0)
		return grow_stack(s, depth - 1) + frame[0] * 0;
	demo_snap(s, "at the deepest call", 0);
	return (unsigned long)&frame[0] + frame[PAGE] * 0;
}

static const struct pt_vma *stack_vma(const struct snapshot *sn)
{
	size_t i;

	for (i = 0; i < sn->maps.nr_vmas; i++)
		if (!strcmp(sn->maps.vmas[i].name, "[stack]"))
			return &sn->maps.vmas[i];
	return NULL;
}

void step_stack(struct step *s)
{
	const struct pt_vma *v0, *v1;
	struct snapshot *before, *deep, *after;
	unsigned long lowest;

	s->title = "stack growth";
	s->does = "Recurse 64 calls deep with an 8K frame each (512K of stack), "
		  "snapshot at the deepest call, then return.";
	before = demo_snap(s, "before the recursion", 0);
	lowest = grow_stack(s, STACK_DEPTH);
	deep = &s->snap[s->nr_snaps - 1];
	after = demo_snap(s, "after returning", 0);
	v0 = stack_vma(before);
	v1 = stack_vma(deep);
	if (!v0 || !v1)
		fatal(EXIT_FORMAT, "no [stack] VMA in /proc/ptwalk/maps");
	s->lo = v1->start;
	s->hi = v1->end;
	fact_hex(s, "stack_start_before", v0->start);
	fact_hex(s, "stack_start_deep", v1->start);
	fact_hex(s, "lowest_frame", lowest);
	fact_uint(s, "stack_grew_pages", (v0->start - v1->start) / PAGE);
	fact_uint(s, "present_before", present_pages(&before->maps, v0->start, v0->end));
	fact_uint(s, "present_deep", present_pages(&deep->maps, v1->start, v1->end));
	fact_uint(s, "present_after", present_pages(&after->maps, v1->start, v1->end));
	s->expected = v1->start < v0->start &&
		      present_pages(&deep->maps, v1->start, v1->end) >
		      present_pages(&before->maps, v0->start, v0->end);
	snprintf(s->shows, sizeof(s->shows),
		 "the stack VMA grew down by %lu pages on page faults below it, and "
		 "each touched page got a frame (%lu -> %lu); they stay after return.",
		 (v0->start - v1->start) / PAGE,
		 present_pages(&before->maps, v0->start, v0->end),
		 present_pages(&deep->maps, v1->start, v1->end));
}
