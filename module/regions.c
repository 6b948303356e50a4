// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-half layout, computed at each call from the same expressions
 * the kernel uses (arch/x86/include/asm/pgtable_64_types.h): the bases that
 * KASLR moves (page_offset_base, vmalloc_base, vmemmap_base) and the paging
 * depth (pgdir_shift) are exported variables, so nothing is assumed about
 * 4 or 5 levels. Checked against Documentation/arch/x86/x86_64/mm.rst.
 *
 * The direct map and vmemmap have no exported end (KASLR sizes them from
 * the amount of RAM): they reach to the next region, as ptdump's markers
 * do. Every other region has the size the layout gives it.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/fixmap.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#include "regions.h"
#include "walker.h"

static const char *const region_names[PTWR_NR_IDS] = { PTW_REGION_NAMES };

struct named_region {
	unsigned long start, end;
	bool open;		/* ends where the next region starts */
	enum ptw_region_id id;
};

struct layout {
	struct named_region r[PTW_MAX_REGIONS / 2];
	unsigned int n;
};

/* The last address of a region ending at @end (0 is the top). */
static unsigned long last_of(unsigned long end)
{
	return end - 1;
}

static void add(struct layout *l, unsigned long start, unsigned long end,
		bool open, enum ptw_region_id id)
{
	if (l->n < ARRAY_SIZE(l->r))
		l->r[l->n++] = (struct named_region){ start, end, open, id };
}

static void collect(struct layout *l)
{
	add(l, GUARD_HOLE_BASE_ADDR, GUARD_HOLE_END_ADDR, false, PTWR_GUARD_HOLE);
	if (IS_ENABLED(CONFIG_MODIFY_LDT_SYSCALL))
		add(l, LDT_BASE_ADDR, LDT_END_ADDR, false, PTWR_LDT_REMAP);
	add(l, PAGE_OFFSET, 0, true, PTWR_DIRECT_MAP);
	add(l, VMALLOC_START, VMALLOC_END + 1, false, PTWR_VMALLOC);
	add(l, VMEMMAP_START, 0, true, PTWR_VMEMMAP);
	if (PTW_KASAN_SHADOW_END)
		add(l, PTW_KASAN_SHADOW_START, PTW_KASAN_SHADOW_END, false,
		    PTWR_KASAN_SHADOW);
	/*
	 * One P4D entry (0.5 TB) on both layouts; 6.1's
	 * CPU_ENTRY_AREA_MAP_SIZE counts only the part the CPUs use.
	 */
	add(l, CPU_ENTRY_AREA_BASE, CPU_ENTRY_AREA_BASE + P4D_SIZE, false,
	    PTWR_CPU_ENTRY_AREA);
	if (IS_ENABLED(CONFIG_X86_ESPFIX64))
		add(l, ESPFIX_BASE_ADDR, ESPFIX_BASE_ADDR + P4D_SIZE, false,
		    PTWR_ESPFIX);
	/* EFI runtime services are mapped top-down from EFI_VA_START. */
	if (IS_ENABLED(CONFIG_EFI))
		add(l, EFI_VA_END, EFI_VA_START, false, PTWR_EFI);
	add(l, __START_KERNEL_map, MODULES_VADDR, false, PTWR_KERNEL_IMAGE);
	add(l, MODULES_VADDR, MODULES_END, false, PTWR_MODULES);
	/* fix_to_virt(0) is FIXADDR_TOP: the fixmap ends a page above it. */
	add(l, FIXADDR_START, FIXADDR_TOP + PAGE_SIZE, false, PTWR_FIXMAP);
}

/* A handful of entries: insertion sort by start. */
static void sort_layout(struct layout *l)
{
	unsigned int i, j;

	for (i = 1; i < l->n; i++) {
		struct named_region x = l->r[i];

		for (j = i; j > 0 && l->r[j - 1].start > x.start; j--)
			l->r[j] = l->r[j - 1];
		l->r[j] = x;
	}
	for (i = 0; i < l->n; i++)
		if (l->r[i].open)
			l->r[i].end = i + 1 < l->n ? l->r[i + 1].start : 0;
}

static void emit(struct ptw_region *r, unsigned int *n, unsigned long start,
		 unsigned long end, enum ptw_region_id id)
{
	if (*n < PTW_MAX_REGIONS)
		r[(*n)++] = (struct ptw_region){ start, end, id, region_names[id] };
}

unsigned int ptw_regions_get(struct ptw_region *r)
{
	struct layout l = { .n = 0 };
	unsigned long at = ptw_kernel_start();
	bool top = false;	/* the regions so far reach the top */
	unsigned int i, n = 0;

	collect(&l);
	sort_layout(&l);
	for (i = 0; i < l.n && !top; i++) {
		unsigned long start = max(l.r[i].start, at);
		unsigned long end = l.r[i].end;

		/* Skip what a (misconfigured) earlier region already covers. */
		if (start > last_of(end))
			continue;
		if (start > at)
			emit(r, &n, at, start, PTWR_HOLE);
		emit(r, &n, start, end, l.r[i].id);
		at = end;
		top = !end;
	}
	if (!top)
		emit(r, &n, at, 0, PTWR_HOLE);
	return n;
}

bool ptw_region_is_hole(const struct ptw_region *r)
{
	return r->id == PTWR_HOLE;
}

const char *ptw_region_name(enum ptw_region_id id)
{
	return id < PTWR_NR_IDS ? region_names[id] : "?";
}

enum ptw_region_id ptw_region_of(unsigned long va)
{
	struct ptw_region r[PTW_MAX_REGIONS];
	unsigned int i, n;

	if (!ptw_is_canonical(va))
		return PTWR_NONCANONICAL;
	if (va < ptw_kernel_start())
		return PTWR_USER;
	n = ptw_regions_get(r);
	for (i = 0; i < n; i++)
		if (va >= r[i].start && va <= last_of(r[i].end))
			return r[i].id;
	return PTWR_HOLE;
}

char *ptw_regions_overlapping(const struct ptw_region *r, unsigned int n,
			      unsigned long start, unsigned long end,
			      char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (ptw_region_is_hole(&r[i]))
			continue;
		if (r[i].start > last_of(end) || start > last_of(r[i].end))
			continue;
		len += scnprintf(buf + len, size - len, "%s%s", len ? "," : "",
				 r[i].name);
	}
	if (!len)
		strscpy(buf, "-", size);
	return buf;
}
