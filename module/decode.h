/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of x86-64 page-table entries into flags, cache types and the
 * kinds of non-present entries, shared by every view.
 */
#ifndef PTWALK_DECODE_H
#define PTWALK_DECODE_H

#include <linux/types.h>

#include "walker.h"

/* Decoded entry flags; names in decode.c (flag_names). */
enum {
	PTWF_PRESENT,
	PTWF_WRITE,
	PTWF_USER,
	PTWF_ACCESSED,
	PTWF_DIRTY,
	PTWF_NX,
	PTWF_GLOBAL,
	PTWF_HUGE,		/* PSE: a 2M/1G leaf */
	PTWF_SOFT_DIRTY,
	PTWF_SPECIAL,
	PTWF_PROTNONE,		/* PROT_NONE or NUMA hint, PFN inverted */
	PTWF_DEVMAP,
	PTWF_UFFD_WP,
	PTWF_SHSTK,		/* shadow stack: Write=0, Dirty=1 (6.6+) */
	PTWF_SAVED_DIRTY,	/* software dirty bit of shadow-stack kernels */
	PTWF_EXCLUSIVE,		/* swap entry of an exclusive anonymous page */
	PTWF_NR,
};

/* Cache types, from the PAT index (PAT, PCD, PWT bits). */
enum ptw_cache { PTWC_WB, PTWC_WC, PTWC_UC_MINUS, PTWC_UC, PTWC_WT, PTWC_WP };

/* Non-present entry kinds. */
enum ptw_np {
	PTWNP_SWAP,
	PTWNP_MIGRATION_READ,
	PTWNP_MIGRATION_WRITE,
	PTWNP_DEVICE_PRIVATE,
	PTWNP_DEVICE_EXCLUSIVE,
	PTWNP_HWPOISON,
	PTWNP_MARKER,
	PTWNP_OTHER,
};

struct ptw_nonpresent {
	enum ptw_np kind;
	unsigned int type;	/* swap type */
	unsigned long offset;	/* swap offset, marker bits */
	unsigned long pfn;	/* migration, device, hwpoison: the frame */
	bool has_pfn;
};

unsigned long ptw_decode_flags(const struct ptw_entry *e);
enum ptw_cache ptw_decode_cache(const struct ptw_entry *e);
void ptw_decode_nonpresent(const struct ptw_entry *e, struct ptw_nonpresent *np);

const char *ptw_cache_name(enum ptw_cache cache);
const char *ptw_np_name(enum ptw_np kind);
/*
 * What an opener without CAP_SYS_ADMIN may see, as /proc/PID/pagemap
 * decides: no frame numbers and no swap type or offset.
 */
void ptw_np_hide(struct ptw_nonpresent *np);
u64 ptw_raw_hidden(const struct ptw_entry *e);
/* Room for every flag name, comma-separated, and a NUL. */
#define PTW_FLAGS_MAX	128
/* Comma-separated flag names into @buf; returns @buf. */
char *ptw_format_flags(char *buf, size_t size, unsigned long flags);
/* "4K", "2M", "1G", "512G", "256T" */
const char *ptw_size_name(enum ptw_level level);

#endif /* PTWALK_DECODE_H */
