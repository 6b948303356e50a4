/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel virtual addresses for the alloc and whatis views: which part of
 * the kernel half an address lies in, where the walker says it leads, and
 * what the kernel's documented helper (virt_to_phys(), vmalloc_to_pfn())
 * says, so that every physical address shown has been cross-checked.
 */
#ifndef PTWALK_KADDR_H
#define PTWALK_KADDR_H

#include <linux/types.h>

#include "regions.h"
#include "walker.h"

/* No translation: the walker found no leaf for the page. */
#define PTW_PA_NONE	((phys_addr_t)-1)

/* The walker's answer for one kernel address. */
struct ptw_ktrans {
	enum ptw_kind kind;	/* PTW_LEAF if mapped, else why not */
	enum ptw_level level;	/* level of the leaf, or where it stopped */
	phys_addr_t pa;		/* PTW_PA_NONE unless mapped */
	const char *helper;	/* the helper asked when mapped, or NULL */
	phys_addr_t helper_pa;	/* its answer */
};

/*
 * Walk the reader's page tables for @va (a kernel-half address); when it is
 * mapped, ask the region's documented helper too, inside the walk.
 */
int ptw_kaddr_translate(unsigned long va, struct ptw_ktrans *t);
/* The same for @n pages from @va (page aligned) into @pa[0..n-1]. */
int ptw_kaddr_translate_pages(unsigned long va, unsigned long n,
			      phys_addr_t *pa);
/*
 * The documented helper's answer for @va, which the caller allocated and
 * still holds: the helper's name, or NULL when the region has none.
 */
const char *ptw_kaddr_helper_owned(unsigned long va, phys_addr_t *pa);

#endif /* PTWALK_KADDR_H */
