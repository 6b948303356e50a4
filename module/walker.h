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
#define PTW_SKIP	1	/* on a table: do not descend into it */
#define PTW_STOP	2	/* stop; w->next = this entry's va */

struct ptw_walk;

struct ptw_ops {
	/*
	 * User walks: called when the walk enters @vma at @start (its start,
	 * or where a resumed walk continues inside it). Runs under the mmap
	 * read lock, outside RCU: may allocate with GFP_KERNEL.
	 */
	int (*vma)(struct ptw_walk *w, struct vm_area_struct *vma,
		   unsigned long start);
	/*
	 * Every entry visited, top-down, none entries included. Runs under
	 * rcu_read_lock() (and the mmap read lock for user walks) or with
	 * interrupts off: must not sleep.
	 */
	int (*entry)(struct ptw_walk *w, const struct ptw_entry *e);
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
	unsigned long next;	/* where the walk stopped or ended */
	unsigned int budget;	/* entries left in this lock hold */
	bool kernel;		/* set by ptw_walk_kernel() */
};

int ptw_walk_user(struct ptw_walk *w, unsigned long start, unsigned long end);
int ptw_walk_kernel(struct ptw_walk *w, unsigned long start, unsigned long end);
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
