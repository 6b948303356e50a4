// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel addresses: translation through the walker, and the documented
 * helper to check the walker against (regions.c says which region an
 * address lies in).
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

struct kpa_walk {
	unsigned long start;
	unsigned long n;		/* pages wanted from start */
	phys_addr_t *pa;		/* per page; NULL for a single address */
	struct ptw_entry last;		/* deepest entry seen */
	struct ptw_ktrans *t;		/* single address: the helper's answer */
	unsigned long va;		/* that address */
};

/* The documented helper's answer for @va: its name, or NULL if none. */
static const char *kaddr_helper(unsigned long va, phys_addr_t *pa)
{
	struct page *page;

	switch (ptw_region_of(va)) {
	case PTWR_DIRECT_MAP:
	case PTWR_KERNEL_IMAGE:
		*pa = virt_to_phys((void *)va);
		return "virt_to_phys";
	case PTWR_VMALLOC:
	case PTWR_MODULES:
		/*
		 * vmalloc_to_pfn() of an address vunmap() has just cleared
		 * (possible between the walker's read and the helper's) is
		 * page_to_pfn(NULL), garbage: ask for the page and say none.
		 */
		page = vmalloc_to_page((void *)va);
		*pa = page ? page_to_phys(page) + offset_in_page(va) : PTW_PA_NONE;
		return "vmalloc_to_pfn";
	default:
		return NULL;
	}
}

static int kpa_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct kpa_walk *k = w->private;
	unsigned long i, first, nr;

	k->last = *e;
	/*
	 * Ask the helper here, in the walk: interrupts are off, so no table
	 * on the helper's path can be freed (a huge vmap replacing a PTE
	 * table frees it only after a TLB-flush IPI), and the walker has
	 * just found every entry on that path well formed, so the helper
	 * meets no pmd_bad() to WARN about.
	 */
	if (e->kind == PTW_LEAF && k->t)
		k->t->helper = kaddr_helper(k->va, &k->t->helper_pa);
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

/* Walker and helper disagreeing: the mapping changed between their reads. */
#define PTW_KADDR_TRIES	3

int ptw_kaddr_translate(unsigned long va, struct ptw_ktrans *t)
{
	struct kpa_walk k = { .start = va & PAGE_MASK, .n = 1, .t = t,
			      .va = va };
	int ret, tries = 0;

	do {
		t->helper = NULL;
		ret = kpa_run(&k);
		if (ret)
			return ret;
		t->kind = k.last.kind;
		t->level = k.last.level;
		t->pa = PTW_PA_NONE;
		if (k.last.kind == PTW_LEAF)
			t->pa = PFN_PHYS(k.last.pfn) + (va - k.last.base);
		/*
		 * vunmap() clears entries without waiting for this walk (only
		 * table frees wait for its interrupts): the helper may find
		 * cleared what the walker found mapped. Look again; a freed
		 * area then reads unmapped to both.
		 */
	} while (t->helper && t->helper_pa != t->pa && ++tries < PTW_KADDR_TRIES);
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
 * The vmalloc helper walks the tables without the walker's protection:
 * only for memory the caller allocated and still holds, whose tables can
 * be neither freed nor replaced meanwhile.
 */
const char *ptw_kaddr_helper_owned(unsigned long va, phys_addr_t *pa)
{
	return kaddr_helper(va, pa);
}
