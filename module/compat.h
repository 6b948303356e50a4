/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ptwalk supports (Debian's 6.1 and
 * 6.12) lives here, so that the .c files hold no version checks. Prefer
 * testing for a feature's macro over comparing version numbers.
 */
#ifndef PTWALK_COMPAT_H
#define PTWALK_COMPAT_H

#include <linux/mmzone.h>
#include <linux/pgtable.h>
#include <linux/types.h>

/*
 * Shadow stacks (6.6+) encode a shadow-stack page as Write=0, Dirty=1 and
 * move the real dirty state of read-only pages to _PAGE_SAVED_DIRTY. Older
 * kernels have neither.
 */
#ifdef _PAGE_SAVED_DIRTY
static inline bool ptw_raw_saved_dirty(u64 v)
{
	return v & _PAGE_SAVED_DIRTY;
}

static inline bool ptw_raw_shstk(u64 v, bool huge)
{
	return huge ? pmd_shstk(__pmd(v)) : pte_shstk(__pte(v));
}
#else
static inline bool ptw_raw_saved_dirty(u64 v)
{
	return false;
}

static inline bool ptw_raw_shstk(u64 v, bool huge)
{
	return false;
}
#endif /* _PAGE_SAVED_DIRTY */

/*
 * The largest order the buddy allocator hands out. 6.1's MAX_ORDER is
 * exclusive (orders 0..MAX_ORDER-1); 6.8 renamed the limit MAX_PAGE_ORDER
 * and made it inclusive. (6.4-6.7 had an inclusive MAX_ORDER: there this
 * answer is one order short, which is safe.)
 */
#ifdef MAX_PAGE_ORDER
#define PTW_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#else
#define PTW_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif /* MAX_PAGE_ORDER */

#endif /* PTWALK_COMPAT_H */
