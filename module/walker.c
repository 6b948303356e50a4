// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walker: hand-written PGD->P4D->PUD->PMD->PTE loops (the
 * kernel's walk_page_range() is not exported), with the paging depth decided
 * at run time (4 levels, or 5 with LA57).
 *
 * Locking: ptw_walk_user() takes the target's mmap read lock (killable) and
 * rcu_read_lock() itself and holds them for one PMD's worth of entries at
 * most (PTW_BUDGET, empty entries counted), or less as soon as a writer
 * waits for the mmap lock; then it drops both, checks for a fatal signal,
 * cond_resched()s and resumes by address (walks outside VMAs take the
 * write lock instead, see walk_locked()). A PTE table is walked within one
 * hold, so a resumed walk starts at a table boundary unless a view stopped
 * it; either way the tables may have changed shape meanwhile, and views
 * must expect to resume inside a leaf that was a table before.
 * Inside VMAs, under the mmap read lock, upper tables cannot be freed;
 * since 6.6 a PTE table can be retracted by khugepaged without that lock,
 * but it is freed by RCU, so mapping it under rcu_read_lock() is safe. Every entry is read
 * exactly once into a local copy and nothing is ever written: no
 * p?d_clear_bad(), no pte_offset_map_lock().
 *
 * Shared hugetlb PMD tables are the exception to "the mmap lock keeps
 * upper tables": another process truncating or punching the file unshares
 * the table from this mm (huge_pmd_unshare()) without this mm's mmap lock,
 * and the last sharer can then free it. Unsharing needs the file's
 * i_mmap_rwsem for writing (the hugetlb VMA lock is not exported), so the
 * walk of such a VMA holds it for reading; it nests inside the mmap lock,
 * as in the kernel's own order. Walks of all addresses run with interrupts
 * off, which holds off the table's free (RCU or IPI) as it holds off any.
 */
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/delay.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <asm/cpufeature.h>

#include "arch.h"
#include "compat.h"
#include "walker.h"

/*
 * Entries visited per lock hold: one PTE table (or as many entries of the
 * upper levels), plus the entries on the way down to it, so that a fresh
 * hold always gets through the first PTE table it meets.
 */
#define PTW_BUDGET	(PTRS_PER_PTE + PTW_NR_LEVELS)
/* Internal: the budget ran out; w->next holds the resume address. */
#define PTW_YIELD	3

static const char *const level_names[PTW_NR_LEVELS] = {
	[PTW_PGD] = "PGD", [PTW_P4D] = "P4D", [PTW_PUD] = "PUD",
	[PTW_PMD] = "PMD", [PTW_PTE] = "PTE",
};

int ptw_paging_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

bool ptw_level_in_use(enum ptw_level level)
{
	return level != PTW_P4D || pgtable_l5_enabled();
}

const char *ptw_level_name(enum ptw_level level)
{
	return level < PTW_NR_LEVELS ? level_names[level] : "?";
}

unsigned int ptw_level_shift(enum ptw_level level)
{
	switch (level) {
	case PTW_PGD:
		return PGDIR_SHIFT;
	case PTW_P4D:
		return P4D_SHIFT;
	case PTW_PUD:
		return PUD_SHIFT;
	case PTW_PMD:
		return PMD_SHIFT;
	default:
		return PAGE_SHIFT;
	}
}

/*
 * What visiting @e costs: one entry, and a PTE table to descend into is
 * walked in the same hold, so it costs its entries too.
 */
static unsigned int entry_cost(const struct ptw_entry *e, unsigned long addr,
			       unsigned long next)
{
	if (e->kind == PTW_TABLE && e->level == PTW_PMD)
		return 1 + ((next - addr) >> PAGE_SHIFT);
	return 1;
}

/*
 * Drop the locks before spending @cost more? Never in a fresh hold (a walk
 * always moves on); else when the budget does not cover it, or when a
 * writer waits for the target's mmap lock (user walks of VMAs, under the
 * read lock; a walk of all addresses holds the write lock for one page).
 */
static bool should_yield(const struct ptw_walk *w, unsigned long addr,
			 unsigned int cost)
{
	/* A hold always gets past the address it started at. */
	if (w->budget == PTW_BUDGET || addr == w->hold_start)
		return false;
	if (w->budget < cost)
		return true;
	return !w->kernel && !w->ops->all_addresses &&
	       rwsem_is_contended(&w->mm->mmap_lock);
}

/*
 * Hand one entry to the view. Returns PTW_CONTINUE, PTW_SKIP, or a stop
 * (PTW_STOP, PTW_YIELD, -errno) with w->next set to where to resume.
 */
static int visit(struct ptw_walk *w, struct ptw_entry *e, void *entryp,
		 unsigned long addr, unsigned long next)
{
	unsigned int cost = entry_cost(e, addr, next);
	unsigned int taken;
	int ret;

	if (should_yield(w, addr, cost)) {
		w->next = addr;
		return PTW_YIELD;
	}
	taken = min(w->budget, cost);
	w->budget -= taken;
	if (w->ops->hide & BIT(e->kind))
		return PTW_CONTINUE;
	e->va = addr;
	e->end = next;
	e->base = addr & ~((1UL << ptw_level_shift(e->level)) - 1);
	e->entry_pa = __pa(entryp);
	ret = w->ops->entry(w, e);
	if (ret == PTW_STOP || ret < 0)
		w->next = addr;
	if (ret == PTW_SKIP && taken > 1)
		w->budget += taken - 1;	/* a table not descended into */
	return ret;
}

/*
 * The user half has entries the MMU sees as not present but Linux as
 * present (PROT_NONE, NUMA hints, a THP being split); the kernel half
 * has none of those, so there only the hardware bit counts.
 */
static bool hw_present(const struct ptw_walk *w, unsigned long flags)
{
	return !w->kernel || (flags & _PAGE_PRESENT);
}

/*
 * A PMD or PUD with PSE maps a 2M or 1G frame, present or PROT_NONE alike.
 * (6.1's pud_leaf() also wants _PAGE_PRESENT: it would take a PROT_NONE
 * 1G hugetlb leaf for a table and send the walk into the page's data.)
 */
static bool is_leaf(unsigned long flags)
{
	return flags & _PAGE_PSE;
}

/* A present non-leaf entry may be followed only to a real RAM page. */
static enum ptw_kind table_kind(unsigned long pfn)
{
	return pfn_valid(pfn) ? PTW_TABLE : PTW_BAD;
}

static void classify_pte(const struct ptw_walk *w, pte_t pte,
			 struct ptw_entry *e)
{
	e->level = PTW_PTE;
	e->raw = pte_val(pte);
	e->pfn = 0;
	if (pte_none(pte)) {
		e->kind = PTW_NONE;
	} else if (pte_present(pte) && hw_present(w, pte_flags(pte))) {
		e->kind = PTW_LEAF;
		e->pfn = pte_pfn(pte);	/* undoes the PROT_NONE inversion */
	} else {
		e->kind = PTW_NONPRESENT;
	}
}

void ptw_batch_entry(const struct ptw_walk *w, const struct ptw_batch *b,
		     u64 raw, unsigned long va, struct ptw_entry *e)
{
	if (b->level == PTW_PTE) {
		classify_pte(w, __pte(raw), e);
		e->index = pte_index(va);
		e->end = va + PAGE_SIZE;
	} else {
		/* Batched PMDs are whole mapped leaves. */
		e->level = PTW_PMD;
		e->kind = PTW_LEAF;
		e->raw = raw;
		e->pfn = pmd_pfn(__pmd(raw));
		e->index = pmd_index(va);
		e->end = va + PMD_SIZE;
	}
	e->base = va;
	e->va = va;
	e->entry_pa = b->table_pa + e->index * sizeof(u64);
}

/* Hand the @nr entries of @b to the view; *nr is 0 after. */
static int flush_batch(struct ptw_walk *w, struct ptw_batch *b,
		       unsigned int *nr)
{
	int ret;

	b->nr = *nr;
	*nr = 0;
	ret = w->ops->ptes(w, b);
	if (ret < 0)
		w->next = b->va;	/* PTW_STOP set it already */
	return ret;
}

/*
 * One PTE (as ptw_arch_pte_read() read it) into the batch: an empty one
 * ends the batch (handed over), a non-empty one joins it (handed over
 * when full).
 */
static inline int batch_pte(struct ptw_walk *w, struct ptw_batch *b,
			    unsigned int *nr, u64 hw, unsigned long addr)
{
	if (ptw_arch_pte_none(hw))
		return *nr ? flush_batch(w, b, nr) : 0;
	if (!*nr)
		b->va = addr;
	b->raw[(*nr)++] = ptw_arch_pte_val(hw);
	return *nr == PTW_BATCH ? flush_batch(w, b, nr) : 0;
}

/*
 * Read the PTW_NONE_STRIDE (8) PTEs at @p, once each. All empty (most of
 * a sparse table): false, at the cost of a load and an OR per entry, kept
 * in registers. Else they are stored to @raw. (Written out: a loop over an
 * array costs a store per entry and is not unrolled.)
 */
static __always_inline bool read_stride(const pte_t *p, u64 *raw)
{
	u64 r0 = ptw_arch_pte_read(p);
	u64 r1 = ptw_arch_pte_read(p + 1);
	u64 r2 = ptw_arch_pte_read(p + 2);
	u64 r3 = ptw_arch_pte_read(p + 3);
	u64 r4 = ptw_arch_pte_read(p + 4);
	u64 r5 = ptw_arch_pte_read(p + 5);
	u64 r6 = ptw_arch_pte_read(p + 6);
	u64 r7 = ptw_arch_pte_read(p + 7);

	BUILD_BUG_ON(PTW_NONE_STRIDE != 8);
	if (ptw_arch_pte_none(r0 | r1 | r2 | r3 | r4 | r5 | r6 | r7))
		return false;
	raw[0] = r0;
	raw[1] = r1;
	raw[2] = r2;
	raw[3] = r3;
	raw[4] = r4;
	raw[5] = r5;
	raw[6] = r6;
	raw[7] = r7;
	return true;
}

/*
 * One PTE table, batched: each entry read once, empty ones skipped without
 * a call (PTW_NONE_STRIDE at a time where they are all empty), the others
 * handed over PTW_BATCH at a time. The budget for the whole table was
 * taken when its PMD entry was visited.
 */
static int walk_pte_batched(struct ptw_walk *w, pmd_t pmd, unsigned long addr,
			    unsigned long end)
{
	const pte_t *first = pte_offset_kernel(&pmd, addr), *ptep = first;
	unsigned long pages = (end - addr) >> PAGE_SHIFT;
	const pte_t *strides_end = first + round_down(pages, PTW_NONE_STRIDE);
	struct ptw_batch *b = w->batch;
	u64 *raw = b->stride;
	unsigned int nr = 0, i;
	int ret;

	b->level = PTW_PTE;
	b->table_pa = (phys_addr_t)pmd_pfn(pmd) << PAGE_SHIFT;
	/* The address of an entry is worked out only where one is not empty. */
	for (; ptep != strides_end; ptep += PTW_NONE_STRIDE) {
		unsigned long va;

		if (!read_stride(ptep, raw)) {
			if (nr) {
				ret = flush_batch(w, b, &nr);
				if (ret)
					return ret;
			}
			continue;
		}
		va = addr + (ptep - first) * PAGE_SIZE;
		for (i = 0; i < PTW_NONE_STRIDE; i++) {
			ret = batch_pte(w, b, &nr, raw[i], va + i * PAGE_SIZE);
			if (ret)
				return ret;
		}
	}
	/* What is left where a VMA ends inside the table, one at a time. */
	for (addr += (ptep - first) * PAGE_SIZE; addr != end;
	     ptep++, addr += PAGE_SIZE) {
		ret = batch_pte(w, b, &nr, ptw_arch_pte_read(ptep), addr);
		if (ret)
			return ret;
	}
	return nr ? flush_batch(w, b, &nr) : 0;
}

static int walk_pte_range(struct ptw_walk *w, pmd_t pmd, unsigned long addr,
			  unsigned long end)
{
	/* Map the table from the local PMD copy, as __pte_offset_map() does. */
	pte_t *ptep;
	int ret;

	if (w->ops->ptes)
		return walk_pte_batched(w, pmd, addr, end);
	ptep = pte_offset_kernel(&pmd, addr);
	do {
		struct ptw_entry e = { .index = pte_index(addr) };

		classify_pte(w, ptep_get(ptep), &e);
		/* The table's budget was taken with its PMD entry. */
		e.va = addr;
		e.end = addr + PAGE_SIZE;
		e.base = addr;
		e.entry_pa = __pa(ptep);
		if (w->ops->hide & BIT(e.kind))
			continue;
		ret = w->ops->entry(w, &e);
		if (ret == PTW_STOP || ret < 0)
			w->next = addr;
		if (ret && ret != PTW_SKIP)
			return ret;
	} while (ptep++, addr += PAGE_SIZE, addr != end);
	return 0;
}

/*
 * A whole mapped PMD leaf (a THP) into the batch, as visit() would take it:
 * the same yield test and budget, one entry each.
 */
static int batch_pmd(struct ptw_walk *w, struct ptw_batch *b, unsigned int *nr,
		     pmd_t *pmdp, u64 raw, unsigned long addr)
{
	int ret;

	if (should_yield(w, addr, 1)) {
		ret = *nr ? flush_batch(w, b, nr) : 0;
		if (ret)
			return ret;
		w->next = addr;
		return PTW_YIELD;
	}
	w->budget--;
	if (!*nr) {
		b->level = PTW_PMD;
		b->va = addr;
		b->table_pa = __pa(pmdp - pmd_index(addr));
	}
	b->raw[(*nr)++] = raw;
	return *nr == PTW_BATCH ? flush_batch(w, b, nr) : 0;
}

/* A mapped PMD leaf that the walk covers whole: batched when asked for. */
static bool batchable_pmd(const struct ptw_walk *w, pmd_t pmd,
			  unsigned long addr, unsigned long next)
{
	return w->ops->ptes && !(w->ops->hide & BIT(PTW_LEAF)) &&
	       next - addr == PMD_SIZE && pmd_present(pmd) &&
	       is_leaf(pmd_flags(pmd)) && hw_present(w, pmd_flags(pmd));
}

static int walk_pmd_range(struct ptw_walk *w, pud_t pud, unsigned long addr,
			  unsigned long end)
{
	pmd_t *pmdp = pmd_offset(&pud, addr);
	struct ptw_batch *b = w->batch;
	unsigned int nr = 0;
	unsigned long next;
	int ret;

	do {
		pmd_t pmd = READ_ONCE(*pmdp);
		struct ptw_entry e;

		next = pmd_addr_end(addr, end);
		if (batchable_pmd(w, pmd, addr, next)) {
			ret = batch_pmd(w, b, &nr, pmdp, pmd_val(pmd), addr);
			if (ret)
				return ret;
			continue;
		}
		if (nr) {
			ret = flush_batch(w, b, &nr);
			if (ret)
				return ret;
		}
		e = (struct ptw_entry){
			.level = PTW_PMD,
			.index = pmd_index(addr),
			.raw = pmd_val(pmd),
		};
		if (pmd_none(pmd)) {
			e.kind = PTW_NONE;
		} else if (!pmd_present(pmd) || !hw_present(w, pmd_flags(pmd))) {
			e.kind = PTW_NONPRESENT;	/* THP migration, hugetlb swap */
		} else if (is_leaf(pmd_flags(pmd))) {
			e.kind = PTW_LEAF;
			e.pfn = pmd_pfn(pmd);
		} else {
			e.pfn = pmd_pfn(pmd);
			e.kind = table_kind(e.pfn);
		}
		ret = visit(w, &e, pmdp, addr, next);
		if (ret == PTW_SKIP)
			continue;
		if (ret)
			return ret;
		if (e.kind == PTW_TABLE) {
			ret = walk_pte_range(w, pmd, addr, next);
			if (ret)
				return ret;
		}
	} while (pmdp++, addr = next, addr != end);
	return nr ? flush_batch(w, b, &nr) : 0;
}

static int walk_pud_range(struct ptw_walk *w, p4d_t p4d, unsigned long addr,
			  unsigned long end)
{
	pud_t *pudp = pud_offset(&p4d, addr);
	unsigned long next;
	int ret;

	do {
		pud_t pud = READ_ONCE(*pudp);
		struct ptw_entry e = {
			.level = PTW_PUD,
			.index = pud_index(addr),
			.raw = pud_val(pud),
		};

		next = pud_addr_end(addr, end);
		if (pud_none(pud)) {
			e.kind = PTW_NONE;
		} else if (!(pud_flags(pud) & (_PAGE_PRESENT | _PAGE_PROTNONE)) ||
			   !hw_present(w, pud_flags(pud))) {
			/*
			 * pud_present() tests only _PAGE_PRESENT: a PROT_NONE
			 * 1G hugetlb leaf (PSE|PROTNONE) is mapped all the same.
			 */
			e.kind = PTW_NONPRESENT;
		} else if (is_leaf(pud_flags(pud))) {
			e.kind = PTW_LEAF;
			e.pfn = pud_pfn(pud);
		} else {
			e.pfn = pud_pfn(pud);
			e.kind = table_kind(e.pfn);
		}
		ret = visit(w, &e, pudp, addr, next);
		if (ret == PTW_SKIP)
			continue;
		if (ret)
			return ret;
		if (e.kind == PTW_TABLE) {
			ret = walk_pmd_range(w, pud, addr, next);
			if (ret)
				return ret;
		}
	} while (pudp++, addr = next, addr != end);
	return 0;
}

/*
 * With 4 levels the P4D is folded: its one entry is the PGD entry itself,
 * so @p4dp points into the top-level table and is reported as "PGD".
 */
static int walk_p4d_range(struct ptw_walk *w, p4d_t *p4dp, unsigned long addr,
			  unsigned long end)
{
	enum ptw_level level = pgtable_l5_enabled() ? PTW_P4D : PTW_PGD;
	unsigned long next;
	int ret;

	do {
		p4d_t p4d = READ_ONCE(*p4dp);
		struct ptw_entry e = {
			.level = level,
			.index = level == PTW_P4D ? p4d_index(addr) : pgd_index(addr),
			.raw = p4d_val(p4d),
		};

		next = p4d_addr_end(addr, end);
		if (!p4d_val(p4d)) {
			e.kind = PTW_NONE;
		} else if (!(p4d_flags(p4d) & _PAGE_PRESENT)) {
			e.kind = PTW_NONPRESENT;
		} else {
			e.pfn = p4d_pfn(p4d);
			e.kind = table_kind(e.pfn);
		}
		ret = visit(w, &e, p4dp, addr, next);
		if (ret == PTW_SKIP)
			continue;
		if (ret)
			return ret;
		if (e.kind == PTW_TABLE) {
			ret = walk_pud_range(w, p4d, addr, next);
			if (ret)
				return ret;
		}
	} while (p4dp++, addr = next, addr != end);
	return 0;
}

static int walk_pgd_range(struct ptw_walk *w, unsigned long addr,
			  unsigned long end)
{
	pgd_t *pgdp = w->pgd + pgd_index(addr);
	unsigned long next;
	int ret;

	do {
		pgd_t pgd = READ_ONCE(*pgdp);
		struct ptw_entry e = {
			.level = PTW_PGD,
			.index = pgd_index(addr),
			.raw = pgd_val(pgd),
		};

		next = pgd_addr_end(addr, end);
		if (!pgtable_l5_enabled()) {
			ret = walk_p4d_range(w, (p4d_t *)pgdp, addr, next);
			if (ret)
				return ret;
			continue;
		}
		if (!pgd_val(pgd)) {
			e.kind = PTW_NONE;
		} else if (!(pgd_flags(pgd) & _PAGE_PRESENT)) {
			e.kind = PTW_NONPRESENT;
		} else {
			e.pfn = pgd_pfn(pgd);
			e.kind = table_kind(e.pfn);
		}
		ret = visit(w, &e, pgdp, addr, next);
		if (ret == PTW_SKIP)
			continue;
		if (ret)
			return ret;
		if (e.kind == PTW_TABLE) {
			ret = walk_p4d_range(w, p4d_offset(&pgd, addr), addr, next);
			if (ret)
				return ret;
		}
	} while (pgdp++, addr = next, addr != end);
	return 0;
}

static int walk_rcu(struct ptw_walk *w, unsigned long start, unsigned long end)
{
	int ret;

	rcu_read_lock();
	ret = walk_pgd_range(w, start, end);
	rcu_read_unlock();
	return ret;
}

static int walk_irqoff(struct ptw_walk *w, unsigned long start,
		       unsigned long end)
{
	unsigned long flags;
	int ret;

	local_irq_save(flags);
	ret = walk_pgd_range(w, start, end);
	local_irq_restore(flags);
	if (!ret)
		w->next = end;
	return ret;
}

/* The mapping whose i_mmap_rwsem keeps @vma's PMD tables shared, or NULL. */
static struct address_space *pmd_share_mapping(struct vm_area_struct *vma)
{
	if (!is_vm_hugetlb_page(vma) || !(vma->vm_flags & VM_MAYSHARE) ||
	    !vma->vm_file)
		return NULL;
	return vma->vm_file->f_mapping;
}

static int walk_vma_range(struct ptw_walk *w, struct vm_area_struct *vma,
			  unsigned long start, unsigned long end)
{
	struct address_space *shared = pmd_share_mapping(vma);
	int ret;

	if (shared)
		i_mmap_lock_read(shared);
	ret = walk_rcu(w, start, end);
	if (shared)
		i_mmap_unlock_read(shared);
	return ret;
}

/* One lock hold: the VMAs from @addr on, until @end, a stop or a yield. */
static int walk_vmas(struct ptw_walk *w, unsigned long addr, unsigned long end)
{
	struct vm_area_struct *vma;
	int ret;

	for (vma = find_vma(w->mm, addr); vma && vma->vm_start < end;
	     vma = find_vma(w->mm, addr)) {
		unsigned long start = max(addr, vma->vm_start);

		w->stop = min(end, vma->vm_end);
		ret = w->ops->vma ? w->ops->vma(w, vma, start) : PTW_CONTINUE;
		if (ret == PTW_SKIP)
			w->stop = min(end, vma->vm_end);
		else if (!ret)
			ret = walk_vma_range(w, vma, start, w->stop);
		else
			w->next = start;	/* the view stopped at this VMA */
		if (ret && ret != PTW_SKIP)
			return ret;
		addr = w->stop;
		if (addr >= end)
			break;
		if (should_yield(w, addr, 1)) {
			w->next = addr;
			return PTW_YIELD;
		}
	}
	w->next = end;
	return 0;
}

/*
 * One lock hold. Outside VMAs a table can be freed under the mmap read lock
 * (munmap downgrades to it before free_pgtables()), and interrupts off hold
 * such a free off only for current->mm's CPUs: walks of all addresses,
 * which are one page long, take the write lock instead.
 */
static int walk_locked(struct ptw_walk *w, unsigned long addr,
		       unsigned long end)
{
	int ret;

	if (w->ops->all_addresses) {
		if (mmap_write_lock_killable(w->mm))
			return -EINTR;
		ret = walk_irqoff(w, addr, end);
		mmap_write_unlock(w->mm);
		return ret;
	}
	if (mmap_read_lock_killable(w->mm))
		return -EINTR;
	ret = walk_vmas(w, addr, end);
	mmap_read_unlock(w->mm);
	return ret;
}

/*
 * After a yield to a waiting writer, give it the time to take the lock.
 * Asking for the read lock again at once would take it back first: rwsem
 * lets a reader steal the lock from a waiting writer until the writer has
 * waited for a while (RWSEM_WAIT_TIMEOUT, a few ms), and the target's
 * mmap() would wait that long for every chunk. Bounded: a target that
 * keeps a writer waiting does not stall the reader for good.
 */
#define PTW_WRITER_WAITS	20	/* of 20-50 us each: 1 ms at most */

static void let_writers_in(struct mm_struct *mm)
{
	int i;

	for (i = 0; i < PTW_WRITER_WAITS; i++) {
		if (!rwsem_is_contended(&mm->mmap_lock) ||
		    fatal_signal_pending(current))
			return;
		usleep_range(20, 50);
	}
}

/**
 * ptw_walk_user - walk the user page tables of @w->mm over [start, end)
 * @w: the walk; ->mm pinned by the caller (get_task_mm()), ->ops set
 * @start: first address
 * @end: end address (at most TASK_SIZE_MAX)
 *
 * Only addresses inside VMAs are walked (@w->ops->vma sees each VMA first)
 * unless @w->ops->all_addresses.
 *
 * Locking: the caller holds no mmap lock; see the top of this file.
 *
 * Return: 0 when the range is done, PTW_STOP when a callback stopped the
 * walk (@w->next is where to resume), or a negative errno (-EINTR on a
 * fatal signal).
 */
int ptw_walk_user(struct ptw_walk *w, unsigned long start, unsigned long end)
{
	unsigned long addr = start;
	int ret = 0;

	w->pgd = w->mm->pgd;
	w->next = start;
	w->kernel = false;
	while (addr < end) {
		if (fatal_signal_pending(current))
			return -EINTR;
		w->budget = PTW_BUDGET;
		w->hold_start = addr;
		ret = walk_locked(w, addr, end);
		if (ret != PTW_YIELD)
			return ret;
		addr = w->next;
		let_writers_in(w->mm);
		cond_resched();
	}
	return 0;
}

/**
 * ptw_walk_atomic - walk the tables of @w->mm over [start, end), not sleeping
 * @w: the walk; ->mm pinned or otherwise kept (an MMU notifier's mm), ->ops
 *     set, with ->all_addresses (VMAs are not looked at)
 * @start: first address
 * @end: end address; the range must fit one hold (PTW_BUDGET entries)
 *
 * For callers that may not sleep or take the mmap lock: MMU notifier
 * callbacks, which the kernel may call without that lock (reclaim,
 * migration, khugepaged hold only rmap locks). No lock is taken; the walk
 * runs with interrupts off and under rcu_read_lock(), which holds off the
 * free of any table, by IPI or by RCU, as GUP-fast does. Each entry is
 * read once, nothing is written.
 *
 * Return: 0 when the range is done, PTW_STOP when a callback stopped the
 * walk, PTW_YIELD when the range did not fit one hold (@w->next is where
 * the walk stopped).
 */
int ptw_walk_atomic(struct ptw_walk *w, unsigned long start, unsigned long end)
{
	int ret;

	w->pgd = w->mm->pgd;
	w->next = start;
	w->kernel = false;
	w->budget = PTW_BUDGET;
	w->hold_start = start;
	rcu_read_lock();
	ret = walk_irqoff(w, start, end);
	rcu_read_unlock();
	return ret;
}

/**
 * ptw_walk_kernel - walk the kernel half of @w->pgd over [start, end)
 * @w: the walk; ->pgd is the reader's own top-level table
 * @start: first address (in the kernel half)
 * @end: end address (0 means the top of the address space)
 *
 * Locking: interrupts off per chunk of PTW_BUDGET entries, then
 * cond_resched(). Kernel tables of the direct map and the kernel image are
 * never freed and vmalloc tables are not freed while in use; the kernel
 * tables that are freed at run time, those a huge vmap replaces
 * (pud_free_pmd_page(), pmd_free_pte_page()), are freed only after
 * flush_tlb_kernel_range() has interrupted every CPU, so a walker with
 * interrupts off holds them off, as GUP-fast does for user tables.
 *
 * Kernel entries are read as the MMU reads them: an entry without
 * _PAGE_PRESENT is not present. PROT_NONE (which keeps _PAGE_PROTNONE, the
 * bit _PAGE_GLOBAL also uses) exists only in the user half; KFENCE and
 * debug-pagealloc guard pages clear _PAGE_PRESENT and keep _PAGE_GLOBAL.
 *
 * Return: as ptw_walk_user().
 */
int ptw_walk_kernel(struct ptw_walk *w, unsigned long start, unsigned long end)
{
	unsigned long addr = start;
	int ret;

	w->next = start;
	w->kernel = true;
	for (;;) {
		if (fatal_signal_pending(current))
			return -EINTR;
		w->budget = PTW_BUDGET;
		w->hold_start = addr;
		ret = walk_irqoff(w, addr, end);
		if (ret != PTW_YIELD)
			return ret;
		addr = w->next;
		cond_resched();
	}
}

u64 ptw_pti_user_entry(pgd_t *pgd, unsigned long addr, phys_addr_t *entry_pa)
{
	pgd_t *upgd = kernel_to_user_pgdp(pgd) + pgd_index(addr);

	*entry_pa = __pa(upgd);
	return pgd_val(READ_ONCE(*upgd));
}

pgd_t *ptw_pti_user_pgd(pgd_t *pgd)
{
	return boot_cpu_has(X86_FEATURE_PTI) ? kernel_to_user_pgdp(pgd) : NULL;
}

bool ptw_is_canonical(unsigned long va)
{
	unsigned int bits = pgtable_l5_enabled() ? 57 : 48;

	return ((long)(va << (64 - bits)) >> (64 - bits)) == (long)va;
}

unsigned long ptw_kernel_start(void)
{
	return ~0UL << __VIRTUAL_MASK_SHIFT;
}
