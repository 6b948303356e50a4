/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Merge-on-break for range output, as ptdump's note_page() does: a run of
 * entries grows while the next entry continues it and is printed as one
 * line when an entry breaks it. Leaves and non-present entries make "run"
 * lines, table entries repeating the table before them "clone" lines, and
 * markers (ptdump's address markers: the kernel's regions) a "region" line
 * where the walk reaches them. The one merger of maps (user half) and
 * kernel (kernel half), so that both print the same way.
 */
#ifndef PTWALK_RUNS_H
#define PTWALK_RUNS_H

#include <linux/types.h>

#include "arch.h"
#include "decode.h"
#include "file.h"
#include "regions.h"
#include "walker.h"

/*
 * Room for a run line: at most ~130 bytes of fields, a tail of less than
 * 192 and PUT_SLACK (linefmt.h).
 */
#define PTW_RUN_LINE_MAX	448

struct ptw_run {
	bool active;
	bool clone;		/* table entries all pointing to table pfn */
	bool mapped;		/* leaf; else a non-present entry */
	enum ptw_level level;
	unsigned long start, end;
	unsigned long pfn;	/* frame at start (mapped), the table (clone) */
	unsigned long entries;	/* clone: table entries in the run */
	struct ptw_nonpresent np;	/* at start (non-present) */
	unsigned long flags;
	enum ptw_cache cache;
	u64 raw;		/* the last entry added, as read */
};

struct ptw_runs {
	struct ptw_file *f;
	bool show_pfn;		/* print and compare frames */
	unsigned long count;	/* run lines printed */
	unsigned long clones;	/* clone lines printed */
	struct ptw_run run;	/* the pending run */
	/* Region lines, each printed where the walk reaches its start. */
	const struct ptw_region *marks;
	unsigned int nr_marks;
	unsigned int next_mark;
	/* ptw_runs_extend(): the pending run is of mapped leaves, and */
	bool extendable;
	u64 next_raw;		/* frames shown: the entry continuing it */
	u64 step;		/* what each entry adds to next_raw */
	u64 attr_mask;		/* frames hidden: the bits that must match */
	u64 attrs;
	/* The last leaf decoded: leaves with the same bits decode the same. */
	struct {
		bool valid;
		enum ptw_level level;
		u64 attrs;
		unsigned long flags;
		enum ptw_cache cache;
	} memo;
	/* The end of a run line for these flags and cache type. */
	unsigned long tail_flags;
	enum ptw_cache tail_cache;
	size_t tail_len;	/* 0 until the first run is printed */
	char tail[32 + PTW_FLAGS_MAX];
};

/*
 * Describe @e (the part of it inside the walk) as a one-entry run. Leaves
 * always qualify, non-present entries only with @nonpresent; false for
 * anything else (none, tables).
 */
bool ptw_run_init(struct ptw_runs *r, struct ptw_run *n,
		  const struct ptw_entry *e, bool nonpresent);
/*
 * Extend the pending run with @n or print the pending run and start @n.
 * False when the buffer is full: nothing changed, resume at this entry.
 */
bool ptw_runs_add(struct ptw_runs *r, const struct ptw_run *n);
/*
 * ptw_run_init() and ptw_runs_add() in one for a leaf (e->kind PTW_LEAF),
 * without a struct ptw_run in between.
 */
bool ptw_runs_add_leaf(struct ptw_runs *r, const struct ptw_entry *e);
/*
 * The fast path: how many of the @nr whole @level entries @raw, the first
 * at @va, extend the pending run: mapped leaves with the same bits as its
 * own and, where frames are shown, the next frames. Extends the run by
 * them without decoding them; the caller decodes the first entry that did
 * not extend it and calls ptw_runs_add(). Locals only in the loops: under
 * emulation every load and store counts.
 */
static inline unsigned int ptw_runs_extend(struct ptw_runs *r,
					   enum ptw_level level, const u64 *raw,
					   unsigned int nr, unsigned long va,
					   unsigned long size)
{
	unsigned int i = 0;

	if (!r->extendable || r->run.level != level || r->run.end != va)
		return 0;
	if (r->show_pfn) {
		u64 next = r->next_raw, step = r->step;

		while (i < nr && raw[i] == next) {
			next += step;
			i++;
		}
		r->next_raw = next;
	} else {
		u64 mask = r->attr_mask, attrs = r->attrs;

		while (i < nr && (raw[i] & mask) == attrs)
			i++;
	}
	if (i) {
		r->run.end = va + i * size;
		r->run.raw = raw[i - 1];
	}
	return i;
}

/* Print the pending run if there is one; false if it does not fit. */
bool ptw_runs_flush(struct ptw_runs *r);
/* Forget the pending run and the counts: a new dump. */
void ptw_runs_reset(struct ptw_runs *r);
/*
 * Table entry @e repeats the table of the entry before it at its level
 * (ptw_is_clone()): extend the pending clone run with it, or print the
 * pending run and start one. False when the buffer is full.
 */
bool ptw_runs_add_clone(struct ptw_runs *r, const struct ptw_entry *e);
/* The regions to mark, from the first (a new copy of the table walks them again). */
void ptw_runs_mark(struct ptw_runs *r, const struct ptw_region *marks,
		   unsigned int nr);
/*
 * The walk reached @va: print the pending run and the region lines of
 * every region that starts at or below @va (~0UL: all that are left).
 * False when the buffer is full; what was printed is not printed again.
 */
bool ptw_runs_reach(struct ptw_runs *r, unsigned long va);

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
