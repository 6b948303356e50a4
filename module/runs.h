/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Merge-on-break for range output, as ptdump's note_page() does: a run of
 * entries grows while the next entry continues it and is printed as one
 * "run" line when an entry breaks it. Shared by maps (user half) and kernel
 * (kernel half) so that both print runs the same way.
 */
#ifndef PTWALK_RUNS_H
#define PTWALK_RUNS_H

#include <linux/types.h>

#include "arch.h"
#include "decode.h"
#include "file.h"
#include "walker.h"

/* Room for a run line. */
#define PTW_RUN_LINE_MAX	256

struct ptw_run {
	bool active;
	bool mapped;		/* leaf; else a non-present entry */
	enum ptw_level level;
	unsigned long start, end;
	unsigned long pfn;	/* frame at start (mapped) */
	struct ptw_nonpresent np;	/* at start (non-present) */
	unsigned long flags;
	enum ptw_cache cache;
	u64 attrs;		/* mapped PTE: ptw_arch_pte_attrs() of an entry */
};

struct ptw_runs {
	struct ptw_file *f;
	bool show_pfn;		/* print and compare frames */
	unsigned long count;	/* run lines printed */
	struct ptw_run run;	/* the pending run */
	bool extendable;	/* run is of mapped PTEs: ptw_runs_extend_pte() */
	unsigned long flags_key;	/* flags that flags_text spells */
	char flags_text[160];	/* "" until the first run is printed */
};

/*
 * Describe @e (the part of it inside the walk) as a one-entry run. Leaves
 * always qualify, non-present entries only with @nonpresent; false for
 * anything else (none, tables).
 */
bool ptw_run_init(struct ptw_run *n, const struct ptw_entry *e, bool nonpresent);
/*
 * Extend the pending run with @n or print the pending run and start @n.
 * False when the buffer is full: nothing changed, resume at this entry.
 */
bool ptw_runs_add(struct ptw_runs *r, const struct ptw_run *n);
/*
 * The fast path for a batch of PTEs: if the PTE @raw at @va has the same
 * bits (but its frame) as an entry of the pending run of mapped PTEs, and
 * continues its frames where they are shown, extend the run and return
 * true. Otherwise the caller decodes the entry and calls ptw_runs_add().
 */
static inline bool ptw_runs_extend_pte(struct ptw_runs *r, u64 raw,
				       unsigned long va)
{
	struct ptw_run *run = &r->run;

	if (!r->extendable || run->end != va ||
	    ptw_arch_pte_attrs(raw) != run->attrs)
		return false;
	if (r->show_pfn && ptw_arch_pte_pfn(raw) !=
	    run->pfn + ((va - run->start) >> PAGE_SHIFT))
		return false;
	run->end = va + PAGE_SIZE;
	return true;
}

/* Print the pending run if there is one; false if it does not fit. */
bool ptw_runs_flush(struct ptw_runs *r);
void ptw_runs_reset(struct ptw_runs *r);

/*
 * Table entries that repeat the table of the entry just before them at the
 * same level (the ESPfix area maps one page through 512 PMDs and 4 PUDs
 * that all point to the same table). Views skip them instead of walking
 * the same table hundreds of times.
 */
struct ptw_clones {
	unsigned long pfn[PTW_NR_LEVELS];	/* last table seen per level */
	unsigned long end[PTW_NR_LEVELS];	/* and where it ended */
};

/* Is @e a table entry repeating the previous table entry of its level? */
bool ptw_is_clone(const struct ptw_clones *c, const struct ptw_entry *e);
/* Remember table entry @e, once the view has handled it. */
void ptw_clones_note(struct ptw_clones *c, const struct ptw_entry *e);
void ptw_clones_reset(struct ptw_clones *c);

#endif /* PTWALK_RUNS_H */
