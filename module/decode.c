// SPDX-License-Identifier: GPL-2.0
/*
 * Decode x86-64 entries. Bits are read from the entry's raw value as the
 * walker read it; the PFN of a leaf comes from p?d_pfn() in the walker,
 * never from raw bits (PROT_NONE entries store it inverted, see L1TF).
 */
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <asm/memtype.h>

#include "compat.h"
#include "decode.h"

static const char *const flag_names[PTWF_NR] = { PTW_FLAG_NAMES };
static const char *const cache_names[PTWC_NR] = { PTW_CACHE_NAMES };
static const char *const np_names[PTWNP_NR] = { PTW_NP_NAMES };
static const u64 flag_masks[PTWF_NR] = { PTW_FLAG_MASKS };

/*
 * The PAT MSR as Linux programs it when PAT is enabled (pat_cpu_init():
 * WB, WC, UC-, UC, WB, WP, UC-, WT), and the power-on layout it keeps
 * without PAT (WB, WT, UC-, UC, repeated).
 */
static const enum ptw_cache pat_linux[8] = {
	PTWC_WB, PTWC_WC, PTWC_UC_MINUS, PTWC_UC,
	PTWC_WB, PTWC_WP, PTWC_UC_MINUS, PTWC_WT,
};

static const enum ptw_cache pat_off[8] = {
	PTWC_WB, PTWC_WT, PTWC_UC_MINUS, PTWC_UC,
	PTWC_WB, PTWC_WT, PTWC_UC_MINUS, PTWC_UC,
};

static bool is_huge_leaf(const struct ptw_entry *e)
{
	return e->kind == PTW_LEAF && e->level != PTW_PTE;
}

/* A swap-format PTE keeps a few software bits of its own. */
static unsigned long swap_pte_flags(pte_t pte)
{
	unsigned long f = 0;

	if (pte_swp_soft_dirty(pte))
		__set_bit(PTWF_SOFT_DIRTY, &f);
	if (pte_swp_uffd_wp(pte))
		__set_bit(PTWF_UFFD_WP, &f);
	if (pte_swp_exclusive(pte))
		__set_bit(PTWF_EXCLUSIVE, &f);
	return f;
}

unsigned long ptw_decode_flags(const struct ptw_entry *e)
{
	u64 v = e->raw;
	unsigned long f = 0;
	unsigned int i;

	if (e->kind == PTW_NONPRESENT)
		return e->level == PTW_PTE ? swap_pte_flags(__pte(v)) : 0;

	/* The flags that are one bit: in a table entry, only some mean anything. */
	for (i = 0; i < PTWF_NR; i++)
		if ((v & flag_masks[i]) &&
		    (e->kind == PTW_LEAF || (PTW_FLAGS_ANY_LEVEL & BIT(i))))
			__set_bit(i, &f);
	if (e->kind != PTW_LEAF)
		return f;	/* the rest only means something in a leaf */
	if (is_huge_leaf(e) && (v & _PAGE_PSE))
		__set_bit(PTWF_HUGE, &f);
	/* PROTNONE shares the global bit; it counts only without PRESENT. */
	if ((v & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE)
		__set_bit(PTWF_PROTNONE, &f);
	else if (v & _PAGE_GLOBAL)
		__set_bit(PTWF_GLOBAL, &f);
	if (ptw_raw_saved_dirty(v))
		__set_bit(PTWF_SAVED_DIRTY, &f);
	if (ptw_raw_shstk(v, is_huge_leaf(e)))
		__set_bit(PTWF_SHSTK, &f);
	return f;
}

enum ptw_cache ptw_decode_cache(const struct ptw_entry *e)
{
	u64 v = e->raw;
	u64 pat = is_huge_leaf(e) ? _PAGE_PAT_LARGE : _PAGE_PAT;
	unsigned int idx = 0;

	if (v & _PAGE_PWT)
		idx |= 1;
	if (v & _PAGE_PCD)
		idx |= 2;
	if (e->kind == PTW_LEAF && (v & pat))
		idx |= 4;
	return pat_enabled() ? pat_linux[idx] : pat_off[idx];
}

void ptw_decode_nonpresent(const struct ptw_entry *e, struct ptw_nonpresent *np)
{
	swp_entry_t entry;

	memset(np, 0, sizeof(*np));
	np->kind = PTWNP_OTHER;
	/* Only PTE and PMD entries use the swap-entry encoding. */
	if (e->level == PTW_PTE)
		entry = pte_to_swp_entry(__pte(e->raw));
	else if (e->level == PTW_PMD)
		entry = pmd_to_swp_entry(__pmd(e->raw));
	else
		return;

	if (!non_swap_entry(entry)) {
		np->kind = PTWNP_SWAP;
		np->type = swp_type(entry);
		np->offset = swp_offset(entry);
		return;
	}
	if (is_pte_marker_entry(entry)) {
		np->kind = PTWNP_MARKER;
		np->offset = pte_marker_get(entry);
		return;
	}
	if (is_hwpoison_entry(entry)) {
		np->kind = PTWNP_HWPOISON;
		np->pfn = swp_offset(entry);
		np->has_pfn = true;
		return;
	}
	if (!is_pfn_swap_entry(entry)) {
		np->type = swp_type(entry);	/* PTWNP_OTHER */
		np->offset = swp_offset(entry);
		return;
	}
	/* Migration and device entries carry the frame they stand for. */
	if (is_migration_entry(entry))
		np->kind = is_writable_migration_entry(entry) ?
			   PTWNP_MIGRATION_WRITE : PTWNP_MIGRATION_READ;
	else if (is_device_private_entry(entry))
		np->kind = PTWNP_DEVICE_PRIVATE;
	else if (is_device_exclusive_entry(entry))
		np->kind = PTWNP_DEVICE_EXCLUSIVE;
	np->pfn = swp_offset_pfn(entry);
	np->has_pfn = true;
}

void ptw_np_hide(struct ptw_nonpresent *np)
{
	np->pfn = 0;
	if (np->kind != PTWNP_MARKER) {
		np->type = 0;
		np->offset = 0;
	}
}

u64 ptw_raw_hidden(const struct ptw_entry *e)
{
	/*
	 * Leaves and tables hold the frame in bits 12-51 (inverted for
	 * PROT_NONE); swap-format entries hold the type and the offset
	 * (the frame, for migration entries) inverted from bit 9 up.
	 */
	if (e->kind == PTW_NONPRESENT)
		return e->raw & ~GENMASK_ULL(62, 9);
	return e->raw & ~PTE_PFN_MASK;
}

char *ptw_format_flags(char *buf, size_t size, unsigned long flags)
{
	unsigned int bit;
	size_t n = 0;

	/* By hand: run lines respell this whenever the flags change. */
	buf[0] = '\0';
	for_each_set_bit(bit, &flags, PTWF_NR) {
		size_t len = strlen(flag_names[bit]);

		if (n + 1 + len >= size)
			break;
		if (n)
			buf[n++] = ',';
		memcpy(buf + n, flag_names[bit], len + 1);
		n += len;
	}
	return buf;
}

const char *ptw_cache_name(enum ptw_cache cache)
{
	return cache_names[cache];
}

const char *ptw_np_name(enum ptw_np kind)
{
	return np_names[kind];
}

const char *ptw_size_name(enum ptw_level level)
{
	switch (ptw_level_shift(level)) {
	case 12:
		return "4K";
	case 21:
		return "2M";
	case 30:
		return "1G";
	case 39:
		return "512G";
	case 48:
		return "256T";
	default:
		return "?";
	}
}
