/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page-table walker: the only code in ptwalk that loops over levels.
 * Views (maps, walk, kernel, sharing) supply a struct ptw_ops and read the
 * entries it hands them; they never call pgd_offset() themselves.
 */
#ifndef PTWALK_WALKER_H
#define PTWALK_WALKER_H

#include <linux/mm_types.h>
#include <linux/types.h>

enum ptw_level { PTW_PGD, PTW_P4D, PTW_PUD, PTW_PMD, PTW_PTE, PTW_NR_LEVELS };

enum ptw_kind {
	PTW_NONE,	/* empty entry: nothing mapped here */
	PTW_TABLE,	/* points to a next-level table */
	PTW_LEAF,	/* maps a frame (present, or PROT_NONE/NUMA hint) */
	PTW_NONPRESENT,	/* swap, migration, device, marker, hwpoison */
	PTW_BAD,	/* present but unusable: reported, never cleared */
};

/* One entry as read (exactly once) by the walker. */
struct ptw_entry {
	enum ptw_level level;
	enum ptw_kind kind;
	unsigned int index;	/* index inside its table */
	unsigned long base;	/* first address the whole entry covers */
	unsigned long va;	/* first address of it inside the walk */
	unsigned long end;	/* end of it inside the walk */
	u64 raw;		/* the entry's value */
	phys_addr_t entry_pa;	/* physical address of the entry itself */
	unsigned long pfn;	/* leaf frame or next table; 0 otherwise */
};

/* Callback return values (a negative errno stops the walk too). */
#define PTW_CONTINUE	0
#define PTW_SKIP	1	/* on a table: do not descend; on a VMA: skip it */
#define PTW_STOP	2	/* stop; w->next = this entry's va */

/* Entries handed to ptw_ops.ptes in one call. */
#define PTW_BATCH	64
/* PTEs tested at once for being empty: most of a sparse table is. */
#define PTW_NONE_STRIDE	8

/*
 * Consecutive entries of one table, each read once: raw[i] maps
 * va + i * (the size of a @level entry). Either non-empty PTEs (empty
 * entries end a batch and are never handed over) or whole mapped PMD
 * leaves (THP). The view that asks for batches owns the memory
 * (ptw_walk.batch): one batch per walk, not on the stack.
 */
struct ptw_batch {
	enum ptw_level level;
	unsigned long va;
	unsigned int nr;
	phys_addr_t table_pa;	/* physical address of the table */
	u64 raw[PTW_BATCH];
	u64 stride[PTW_NONE_STRIDE];	/* the walker's scratch */
};

struct ptw_walk;

struct ptw_ops {
	/*
	 * User walks: called when the walk enters @vma at @start (its start,
	 * or where a resumed walk continues inside it). Runs under the mmap
	 * read lock, outside RCU: may allocate with GFP_KERNEL. May lower
	 * w->stop (the end of this VMA's walk) or return PTW_SKIP to go on
	 * after the VMA: the VMA may have changed since the lock was dropped.
	 */
	int (*vma)(struct ptw_walk *w, struct vm_area_struct *vma,
		   unsigned long start);
	/*
	 * Every entry visited, top-down, none entries included. Runs under
	 * rcu_read_lock() (and the mmap read lock for user walks) or with
	 * interrupts off: must not sleep. After the walker dropped its locks
	 * it resumes by address and hands over the tables on the way down to
	 * it again (never for a one-page walk of all addresses).
	 */
	int (*entry)(struct ptw_walk *w, const struct ptw_entry *e);
	/*
	 * Optional: PTE-level entries, and mapped PMD leaves that lie whole
	 * inside the walk, in batches instead of one entry() call each (one
	 * indirect call per batch, not per entry: with retpolines and IBT
	 * that is most of a walk's cost). Same context as entry(). Needs
	 * ptw_walk.batch. PTW_STOP must set w->next to the first entry not
	 * consumed. ptw_batch_entry() turns a raw value into a struct
	 * ptw_entry.
	 */
	int (*ptes)(struct ptw_walk *w, const struct ptw_batch *b);
	/*
	 * Kinds of entries not handed to entry() (BIT(PTW_NONE), ...): a
	 * hidden table is still walked, a hidden entry still counts.
	 */
	unsigned int hide;
	/*
	 * User walks: follow the tables over the whole range, inside VMAs or
	 * not (what the MMU would do for one address). Outside a VMA a table
	 * may be freed under the mmap read lock (munmap downgrades it), so
	 * such walks hold the write lock: keep them short (one page).
	 */
	bool all_addresses;
};

struct ptw_walk {
	const struct ptw_ops *ops;
	struct mm_struct *mm;	/* user walks: the pinned target mm */
	pgd_t *pgd;		/* top-level table walked */
	void *private;		/* the view's state */
	struct ptw_batch *batch;	/* with ops->ptes: the view's batch */
	unsigned long next;	/* where the walk stopped or ended */
	unsigned long stop;	/* user walks: end of the current VMA's walk */
	unsigned int budget;	/* entries left in this lock hold */
	unsigned long hold_start;	/* where this lock hold began */
	bool kernel;		/* set by ptw_walk_kernel() */
};

int ptw_walk_user(struct ptw_walk *w, unsigned long start, unsigned long end);
/* The entry @raw at @va of batch @b, as entry() would have seen it. */
void ptw_batch_entry(const struct ptw_walk *w, const struct ptw_batch *b,
		     u64 raw, unsigned long va, struct ptw_entry *e);
int ptw_walk_kernel(struct ptw_walk *w, unsigned long start, unsigned long end);
/* A short walk where sleeping and the mmap lock are not allowed. */
int ptw_walk_atomic(struct ptw_walk *w, unsigned long start, unsigned long end);
/* The top-level entry for @addr in the PTI user copy of @pgd. */
u64 ptw_pti_user_entry(pgd_t *pgd, unsigned long addr, phys_addr_t *entry_pa);
/* The PTI user copy of top-level table @pgd, or NULL without PTI. */
pgd_t *ptw_pti_user_pgd(pgd_t *pgd);
/* Bits 63..47 (63..56 with 5 levels) all equal: the MMU accepts @va. */
bool ptw_is_canonical(unsigned long va);
/* First address of the kernel half: -2^47, or -2^56 with 5 levels. */
unsigned long ptw_kernel_start(void);

/* Levels in use: 5 with LA57, else 4 (P4D folded into PGD). */
int ptw_paging_levels(void);
bool ptw_level_in_use(enum ptw_level level);
const char *ptw_level_name(enum ptw_level level);
unsigned int ptw_level_shift(enum ptw_level level);

#endif /* PTWALK_WALKER_H */
