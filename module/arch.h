/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-architecture part of the walker's fast path: what a raw PTE
 * value holds besides its frame. Only x86-64 today; a second MMU (arm64)
 * supplies the same three helpers.
 */
#ifndef PTWALK_ARCH_H
#define PTWALK_ARCH_H

#include <linux/pgtable.h>
#include <linux/types.h>

#ifdef CONFIG_X86_64
/* An empty PTE: nothing mapped, nothing to hand to a view. */
static inline bool ptw_arch_pte_none(u64 raw)
{
	return pte_none(__pte(raw));
}

/*
 * Every bit of a PTE but its frame number. Two PTEs with equal bits here
 * are of the same kind, with the same flags and cache type, so a run can
 * be extended without decoding the entry again.
 */
static inline u64 ptw_arch_pte_attrs(u64 raw)
{
	return raw & ~PTE_PFN_MASK;
}

/* The frame of a present PTE (PROT_NONE keeps it inverted, see L1TF). */
static inline unsigned long ptw_arch_pte_pfn(u64 raw)
{
	return pte_pfn(__pte(raw));
}
#else
#error "ptwalk: no page-table fast path for this architecture"
#endif /* CONFIG_X86_64 */

#endif /* PTWALK_ARCH_H */
