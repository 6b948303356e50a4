/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The regions of the x86-64 kernel half (Documentation/arch/x86/x86_64/
 * mm.rst) as the running kernel lays them out: 4 or 5 levels, and the
 * KASLR bases of the direct map, vmalloc and vmemmap read at run time.
 */
#ifndef PTWALK_REGIONS_H
#define PTWALK_REGIONS_H

#include <linux/types.h>
#include <ptwalk/format.h>

/* The KASAN shadow's bounds exist as expressions only in KASAN kernels. */
#ifdef CONFIG_KASAN
#include <asm/kasan.h>
#define PTW_KASAN_SHADOW_START	KASAN_SHADOW_START
#define PTW_KASAN_SHADOW_END	KASAN_SHADOW_END
#else
#define PTW_KASAN_SHADOW_START	0UL
#define PTW_KASAN_SHADOW_END	0UL
#endif /* CONFIG_KASAN */

/* More than the named regions plus the holes between them. */
#define PTW_MAX_REGIONS	32

/* What an address is (enum ptw_region_id): include/ptwalk/format.h. */

struct ptw_region {
	unsigned long start;
	unsigned long end;	/* exclusive; 0 is the top of the address space */
	enum ptw_region_id id;
	const char *name;	/* ptw_region_name(id) */
};

/*
 * Fill @r with regions sorted by address that cover the whole kernel half,
 * [ptw_kernel_start(), 2^64), without overlaps. Returns how many.
 */
unsigned int ptw_regions_get(struct ptw_region *r);
bool ptw_region_is_hole(const struct ptw_region *r);
/* Which region @va lies in (user, non-canonical, or a kernel region). */
enum ptw_region_id ptw_region_of(unsigned long va);
const char *ptw_region_name(enum ptw_region_id id);
/*
 * The comma-separated names of the named regions that overlap
 * [start, end) (end 0: the top) into @buf; "-" if none.
 */
char *ptw_regions_overlapping(const struct ptw_region *r, unsigned int n,
			      unsigned long start, unsigned long end,
			      char *buf, size_t size);

#endif /* PTWALK_REGIONS_H */
