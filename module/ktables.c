// SPDX-License-Identifier: GPL-2.0
/*
 * Counting the kernel half's table pages. Areas that map one table many
 * times over (ESPfix: 512 PMDs and 4 PUDs; KASAN's shadow: petabytes
 * through one table per level) are counted once: an entry that repeats
 * its predecessor's table is a clone, and is skipped but noted, so the
 * next entry is compared with it.
 */
#include <linux/string.h>

#include "ktables.h"
#include "runs.h"

struct ktables_walk {
	struct ptw_ktables *kt;
	struct ptw_clones last;
};

static int ktables_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct ktables_walk *k = w->private;
	bool clone;

	if (e->kind != PTW_TABLE)
		return PTW_CONTINUE;
	clone = ptw_is_clone(&k->last, e);
	ptw_clones_note(&k->last, e);
	if (clone)
		return PTW_SKIP;
	/* The entry at level L points to a table of level L + 1. */
	k->kt->tables[e->level + 1]++;
	k->kt->slot[pgd_index(e->va)]++;
	k->kt->total++;
	/* A PTE table holds no tables: counted without reading it. */
	return e->level == PTW_PMD ? PTW_SKIP : PTW_CONTINUE;
}

static const struct ptw_ops ktables_ops = {
	.entry = ktables_entry,
	.hide = BIT(PTW_NONE) | BIT(PTW_LEAF) | BIT(PTW_NONPRESENT) | BIT(PTW_BAD),
};

int ptw_count_kernel_tables(pgd_t *pgd, struct ptw_ktables *kt)
{
	struct ktables_walk k = { .kt = kt };
	struct ptw_walk w = { .ops = &ktables_ops, .pgd = pgd, .private = &k };
	int ret;

	memset(kt, 0, sizeof(*kt));
	ret = ptw_walk_kernel(&w, ptw_kernel_start(), 0);
	return ret < 0 ? ret : 0;
}
