// SPDX-License-Identifier: GPL-2.0
/* Allocation oracles (virt_to_phys, vmalloc_to_pfn): filled in with issue 5. */
#include "oracle.h"

int oracle_alloc_init(struct dentry *dir)
{
	return 0;
}

void oracle_alloc_exit(void)
{
}
