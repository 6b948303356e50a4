// SPDX-License-Identifier: GPL-2.0
/*
 * Demo step 11: what page tables cost. ptwalk counts its own page tables
 * (/proc/ptwalk/tables) before and after three mappings that hold the
 * same kind of data in different shapes: 512 pages spread one per 2 MiB
 * over 1 GiB, 512 pages packed into 2 MiB, and 1 GiB of transparent huge
 * pages.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "demo.h"
#include "fmt.h"
#include "ptwalk.h"
#include "parse.h"
#include "ptwfmt.h"
#include "render.h"
#include "source.h"

#define PAGE	4096UL
#define HPAGE	(2UL << 20)
#define GIB	(1UL << 30)
/* More than four reads of /proc/ptwalk/tables parse into. */
#define ARENA_WARM	(256UL << 10)

/* What one read of /proc/ptwalk/tables says that the step needs. */
struct tables_count {
	unsigned long long pte, leaves_2m, deposited, vmpte_bytes, kernel_tables;
};

/* The tables read after each mapping: before, sparse, dense, THP. */
struct tables_data {
	struct tables_count t[4];
};

static const char *const shape_names[4] = {
	"before", "1 GiB, one page per 2 MiB", "2 MiB, every page", "1 GiB of THP",
};

/* The three mappings, in the order they are made. */
static const struct {
	size_t len, stride;
	int advice;
} shapes[3] = {
	{ GIB, HPAGE, MADV_NOHUGEPAGE },
	{ HPAGE, PAGE, MADV_NOHUGEPAGE },
	{ GIB, HPAGE, MADV_HUGEPAGE },
};

static void count_tables(struct tables_count *t)
{
	char buf[LINE_BUF], *body = read_tables(0);
	struct ptw_line l;
	const char *p;

	t->pte = 0;
	for (p = body; *p; p = line_after(p)) {
		split_line(p, buf, &l, "tables");
		if (!strcmp(l.tag, "level") && !strcmp(field(&l, "name", "tables"), "PTE"))
			t->pte = field_num(&l, "tables", "tables");
	}
	t->leaves_2m = body_num(body, "tables", "leaves", "2M");
	t->deposited = body_num(body, "tables", "deposited", "tables");
	t->vmpte_bytes = body_num(body, "tables", "vmpte", "bytes");
	t->kernel_tables = body_num(body, "tables", "kernel", "tables");
}

/*
 * A 2 MiB-aligned anonymous mapping of @len, advised before its first
 * touch; the unaligned head and tail are given back.
 */
static char *map_shape(size_t len, int advice)
{
	char *raw = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		fatal(EXIT_FAIL, "mmap: %s", strerror(errno));
	p = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + len, raw + len + HPAGE - (p + len));
	/* Debian's THP default is "always": say "no" before touching. */
	madvise(p, len, advice);
	return p;
}

static void touch(char *p, size_t len, size_t stride)
{
	size_t i;

	for (i = 0; i < len; i += stride)
		((volatile char *)p)[i] = 1;
}

static bool print_tables_step(const struct step *s)
{
	const struct tables_data *d = s->data;
	char a[SIZE_BUF], b[SIZE_BUF];
	int i;

	printf("   %-28s %10s %8s %10s %10s\n", "", "PTE tables", "2M", "reserve",
	       "VmPTE");
	for (i = 0; i < 4; i++) {
		const struct tables_count *t = &d->t[i];

		printf("   %-28s %10llu %8llu %10llu %10s", shape_names[i], t->pte,
		       t->leaves_2m, t->deposited, fmt_size(t->vmpte_bytes, a));
		if (i)
			printf("  (+%s)", fmt_size(t->vmpte_bytes - d->t[i - 1].vmpte_bytes, b));
		printf("\n");
	}
	return true;
}

void step_tables(struct step *s)
{
	struct tables_data *d = xalloc(sizeof(*d));
	unsigned long long sparse, dense, thp, thp_leaves, deposited;
	char *p[3];
	size_t mark;
	int i;

	s->title = "what page tables cost";
	s->does = "Count ptwalk's own page tables (/proc/ptwalk/tables) before and after "
		  "three mappings: 1 GiB written once every 2 MiB, 2 MiB written on every "
		  "page, and 1 GiB of transparent huge pages written once every 2 MiB.";
	s->lo = ALL_LO;
	s->hi = ALL_HI;
	s->data = d;
	s->print_extra = print_tables_step;
	/*
	 * The four reads below parse into the arena: touch the stretch they
	 * will use first, so that none of them adds a PTE table of its own.
	 */
	mark = arena_mark();
	xalloc(ARENA_WARM);
	arena_release(mark);
	count_tables(&d->t[0]);
	demo_hold();
	for (i = 0; i < 3; i++) {
		p[i] = map_shape(shapes[i].len, shapes[i].advice);
		touch(p[i], shapes[i].len, shapes[i].stride);
		count_tables(&d->t[i + 1]);
		demo_hold();
	}

	sparse = d->t[1].pte - d->t[0].pte;
	dense = d->t[2].pte - d->t[1].pte;
	thp = d->t[3].pte - d->t[2].pte;
	thp_leaves = d->t[3].leaves_2m - d->t[2].leaves_2m;
	deposited = d->t[3].deposited - d->t[2].deposited;
	fact_uint(s, "vmpte_before", d->t[0].vmpte_bytes);
	fact_uint(s, "sparse_pte_tables", sparse);
	fact_uint(s, "vmpte_after_sparse", d->t[1].vmpte_bytes);
	fact_uint(s, "dense_pte_tables", dense);
	fact_uint(s, "vmpte_after_dense", d->t[2].vmpte_bytes);
	fact_uint(s, "thp_pte_tables", thp);
	fact_uint(s, "thp_2m_leaves", thp_leaves);
	fact_uint(s, "thp_deposited_tables", deposited);
	fact_uint(s, "vmpte_after_thp", d->t[3].vmpte_bytes);
	fact_uint(s, "kernel_tables", d->t[3].kernel_tables);
	s->expected = sparse >= 512 && dense == 1 && (thp_leaves < 512 || thp == 0);
	snprintf(s->shows, sizeof(s->shows),
		 "512 pages spread one per 2 MiB cost %llu PTE tables (%llu KiB of tables "
		 "for 2 MiB of data: sparse memory is dear); 512 pages packed into 2 MiB "
		 "cost %llu (4 KiB); %s",
		 sparse, sparse * 4, dense,
		 thp_leaves >= 512 ?
		 "1 GiB of THP needs no PTE table to translate (512 PMD leaves), though the "
		 "kernel keeps one in reserve under each huge page, so that a split never "
		 "has to allocate." :
		 "the kernel gave no huge pages here (THP off or no free 2 MiB blocks), so "
		 "the last GiB cost PTE tables as the first did.");
	for (i = 0; i < 3; i++)
		munmap(p[i], shapes[i].len);
}
