/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-architecture part of the walker's fast path: reading a PTE as
 * the MMU sees it, which such values are empty, and where a leaf keeps its
 * frame. Only x86-64 today; a second MMU (arm64) supplies the same helpers.
 */
#ifndef PTWALK_ARCH_H
#define PTWALK_ARCH_H

#include <linux/pgtable.h>
#include <linux/types.h>
#ifdef CONFIG_X86_64
#include <asm/trap_pf.h>
#endif

/* What a fault's access was, from the hardware (ptw_arch_fault_access()). */
enum ptw_access { PTW_ACCESS_UNKNOWN, PTW_ACCESS_READ, PTW_ACCESS_WRITE,
		  PTW_ACCESS_EXEC };

#ifdef CONFIG_X86_64
/*
 * The PTE at @ptep, read once, as the MMU sees it: no paravirt hook on the
 * way, so that scanning a mostly empty table is a load per entry.
 */
static inline u64 ptw_arch_pte_read(const pte_t *ptep)
{
	return native_pte_val(ptep_get((pte_t *)ptep));
}

/*
 * An empty PTE (as read by ptw_arch_pte_read()): nothing mapped, nothing
 * to hand to a view. A test of bits that must all be clear, so it holds
 * for the OR of several entries exactly when every one of them is empty.
 */
static inline bool ptw_arch_pte_none(u64 hw)
{
	return pte_none(native_make_pte(hw));
}

/* The value Linux works with (pte_val()) of a PTE read by ptw_arch_pte_read(). */
static inline u64 ptw_arch_pte_val(u64 hw)
{
	return pte_val(native_make_pte(hw));
}

/*
 * The frame bits of a leaf mapping 1 << @shift bytes (bit 12 of a 2M or
 * 1G leaf is its PAT bit, not part of the frame).
 */
static inline u64 ptw_arch_frame_mask(unsigned int shift)
{
	return PTE_PFN_MASK & ~((1ULL << shift) - 1);
}

/*
 * What to add to the raw value of a mapped leaf to get the raw value of
 * the leaf that maps the next frames with the same bits: its size, or
 * minus it when the frame is stored inverted (PROT_NONE and NUMA hints,
 * see L1TF: __pte_needs_invert()).
 */
static inline u64 ptw_arch_leaf_step(u64 raw, unsigned int shift)
{
	return (raw & _PAGE_PRESENT) ? 1ULL << shift : -(1ULL << shift);
}

/*
 * The kernel's page-fault tracepoints that carry the hardware's account
 * of a fault (arch/x86/include/asm/trace/exceptions.h): fired first thing
 * in handle_page_fault(), before do_user_addr_fault() counts the fault
 * (PERF_COUNT_SW_PAGE_FAULTS), in the faulting thread, one for faults
 * from user mode and one for the kernel's own accesses.
 */
#define PTW_ARCH_FAULT_TP_USER		"page_fault_user"
#define PTW_ARCH_FAULT_TP_KERNEL	"page_fault_kernel"
/* Their probes' arguments after the data pointer (their TP_PROTO). */
#define PTW_ARCH_FAULT_TP_ARGS \
	unsigned long address, struct pt_regs *regs, unsigned long error_code
/* The fault's address and its hardware code, from those arguments. */
#define PTW_ARCH_FAULT_TP_ADDR	address
#define PTW_ARCH_FAULT_TP_CODE	error_code

/*
 * The access of a fault with error code @code: an instruction fetch, a
 * write, else a read (the CPU sets at most one of INSTR and WRITE).
 */
static inline enum ptw_access ptw_arch_fault_access(unsigned long code)
{
	if (code & X86_PF_INSTR)
		return PTW_ACCESS_EXEC;
	return (code & X86_PF_WRITE) ? PTW_ACCESS_WRITE : PTW_ACCESS_READ;
}

/* The page was present and the access broke its protection. */
static inline bool ptw_arch_fault_prot(unsigned long code)
{
	return code & X86_PF_PROT;
}
#else
#error "ptwalk: no page-table fast path for this architecture"
#endif /* CONFIG_X86_64 */

#endif /* PTWALK_ARCH_H */
