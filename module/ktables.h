/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table pages of the kernel half: every process's top-level table
 * points to the same ones, so they are counted once (sharing, tables).
 */
#ifndef PTWALK_KTABLES_H
#define PTWALK_KTABLES_H

#include <linux/mm_types.h>
#include <asm/pgtable.h>

#include "walker.h"

struct ptw_ktables {
	unsigned long tables[PTW_NR_LEVELS];	/* table pages per level */
	unsigned long slot[PTRS_PER_PGD];	/* below each top-level slot */
	unsigned long total;
};

/*
 * Count the distinct table pages below the kernel slots of top-level
 * table @pgd (the table itself not included). 0, or -EINTR.
 */
int ptw_count_kernel_tables(pgd_t *pgd, struct ptw_ktables *kt);

#endif /* PTWALK_KTABLES_H */
