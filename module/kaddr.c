// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel addresses: a minimal classifier of the kernel half (the layout of
 * Documentation/arch/x86/x86_64/mm.rst, with the randomised bases read at
 * run time), translation through the walker, and the documented helper to
 * check the walker against.
 *
 * Translation walks the reader's own top-level table: every process maps
 * the same kernel half (its kernel slots are copies of swapper's, and the
 * vmalloc slots are preallocated at boot), and init_mm is not exported.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>
#include <asm/fixmap.h>
#include <asm/pgtable.h>

#include "kaddr.h"
#include "walker.h"

static const char *const region_names[] = {
	[PTWR_USER] = "user",
	[PTWR_NONCANONICAL] = "non-canonical",
	[PTWR_DIRECT_MAP] = "direct-map",
	[PTWR_VMALLOC] = "vmalloc",
	[PTWR_VMEMMAP] = "vmemmap",
	[PTWR_CPU_ENTRY_AREA] = "cpu-entry-area",
	[PTWR_KERNEL_IMAGE] = "kernel-image",
	[PTWR_MODULES] = "modules",
	[PTWR_FIXMAP] = "fixmap",
	[PTWR_OTHER] = "other",
};

const char *ptw_region_name(enum ptw_region region)
{
	return region < ARRAY_SIZE(region_names) ? region_names[region] : "?";
}

static bool within(unsigned long va, unsigned long start, unsigned long size)
{
	return va >= start && va - start < size;
}

enum ptw_region ptw_kaddr_region(unsigned long va)
{
	unsigned int bits = pgtable_l5_enabled() ? 57 : 48;
	/* struct pages for every frame the physical address width allows */
	unsigned long vmemmap_size =
		(1UL << (MAX_PHYSMEM_BITS - PAGE_SHIFT)) * sizeof(struct page);

	if (((long)(va << (64 - bits)) >> (64 - bits)) != (long)va)
		return PTWR_NONCANONICAL;
	if (!(va >> 63))
		return PTWR_USER;
	if (within(va, __START_KERNEL_map, KERNEL_IMAGE_SIZE))
		return PTWR_KERNEL_IMAGE;
	if (va >= MODULES_VADDR && va < MODULES_END)
		return PTWR_MODULES;
	if (va >= FIXADDR_START && va < FIXADDR_TOP)
		return PTWR_FIXMAP;
	/* Its own 0.5 TB slot on 4- and 5-level layouts alike. */
	if (within(va, CPU_ENTRY_AREA_BASE, P4D_SIZE))
		return PTWR_CPU_ENTRY_AREA;
	if (within(va, VMEMMAP_START, vmemmap_size))
		return PTWR_VMEMMAP;
	if (is_vmalloc_addr((void *)va))
		return PTWR_VMALLOC;
	/* Between the end of RAM and vmalloc_base nothing is mapped. */
	if (va >= PAGE_OFFSET && va < VMALLOC_START)
		return PTWR_DIRECT_MAP;
	return PTWR_OTHER;
}

struct kpa_walk {
	unsigned long start;
	unsigned long n;		/* pages wanted from start */
	phys_addr_t *pa;		/* per page; NULL for a single address */
	struct ptw_entry last;		/* deepest entry seen */
};

static int kpa_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct kpa_walk *k = w->private;
	unsigned long i, first, nr;

	k->last = *e;
	if (e->kind != PTW_LEAF || !k->pa)
		return PTW_CONTINUE;
	/* A 2M or 1G leaf covers many of the pages asked for. */
	first = (e->va - k->start) >> PAGE_SHIFT;
	nr = (e->end - e->va) >> PAGE_SHIFT;
	for (i = 0; i < nr && first + i < k->n; i++)
		k->pa[first + i] = PFN_PHYS(e->pfn) + (e->va - e->base) +
				   i * PAGE_SIZE;
	return PTW_CONTINUE;
}

static const struct ptw_ops kpa_ops = {
	.entry = kpa_entry,
};

static int kpa_run(struct kpa_walk *k)
{
	struct ptw_walk w = { .ops = &kpa_ops, .private = k };
	struct mm_struct *mm = current->mm;
	int ret;

	/* Only a reader with an address space has a top-level table. */
	if (!mm)
		return -EINVAL;
	w.pgd = mm->pgd;
	k->last.kind = PTW_NONE;
	k->last.level = PTW_PGD;
	ret = ptw_walk_kernel(&w, k->start, k->start + k->n * PAGE_SIZE);
	return ret < 0 ? ret : 0;
}

int ptw_kaddr_translate(unsigned long va, struct ptw_ktrans *t)
{
	struct kpa_walk k = { .start = va & PAGE_MASK, .n = 1 };
	int ret = kpa_run(&k);

	if (ret)
		return ret;
	t->kind = k.last.kind;
	t->level = k.last.level;
	t->pa = PTW_PA_NONE;
	if (k.last.kind == PTW_LEAF)
		t->pa = PFN_PHYS(k.last.pfn) + (va - k.last.base);
	return 0;
}

int ptw_kaddr_translate_pages(unsigned long va, unsigned long n,
			      phys_addr_t *pa)
{
	struct kpa_walk k = { .start = va, .n = n, .pa = pa };
	unsigned long i;

	for (i = 0; i < n; i++)
		pa[i] = PTW_PA_NONE;
	return kpa_run(&k);
}

/*
 * Call only for an address the walker found mapped: vmalloc_to_page()
 * WARNs on a malformed table on the way, which the walker has then
 * already ruled out.
 */
const char *ptw_kaddr_helper(unsigned long va, enum ptw_region region,
			     phys_addr_t *pa)
{
	switch (region) {
	case PTWR_DIRECT_MAP:
	case PTWR_KERNEL_IMAGE:
		*pa = virt_to_phys((void *)va);
		return "virt_to_phys";
	case PTWR_VMALLOC:
	case PTWR_MODULES:
		*pa = PFN_PHYS(vmalloc_to_pfn((void *)va)) + offset_in_page(va);
		return "vmalloc_to_pfn";
	default:
		return NULL;
	}
}
