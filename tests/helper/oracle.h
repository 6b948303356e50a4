/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptwalk_oracle: a test-only module that exposes the kernel's own answers
 * (ptdump, virt_to_phys, vmalloc_to_pfn, layout bases) under
 * /sys/kernel/debug/ptwalk_oracle/, for the selftests to compare against.
 * Never loaded outside the test VMs.
 */
#ifndef PTWALK_ORACLE_H
#define PTWALK_ORACLE_H

#include <linux/dcache.h>

/* Each oracle file registers itself in @dir; 0 or -errno. */
int oracle_kernel_init(struct dentry *dir);	/* issue 4: ptdump, layout */
int oracle_alloc_init(struct dentry *dir);	/* issue 5: allocations */
void oracle_alloc_exit(void);

#endif /* PTWALK_ORACLE_H */
