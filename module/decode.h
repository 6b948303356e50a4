/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of x86-64 page-table entries into flags, cache types and the
 * kinds of non-present entries, shared by every view.
 */
#ifndef PTWALK_DECODE_H
#define PTWALK_DECODE_H

#include <linux/types.h>

#include <ptwalk/format.h>

#include "walker.h"

/*
 * Flags (enum ptw_flag), cache types (enum ptw_cache) and non-present kinds
 * (enum ptw_np) and their names: include/ptwalk/format.h.
 */
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
/* Comma-separated flag names into @buf; returns @buf. */
char *ptw_format_flags(char *buf, size_t size, unsigned long flags);
/* "4K", "2M", "1G", "512G", "256T" */
const char *ptw_size_name(enum ptw_level level);

#endif /* PTWALK_DECODE_H */
