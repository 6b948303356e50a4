// SPDX-License-Identifier: GPL-2.0
/*
 * Merge-on-break: consecutive entries become one "run" line while each
 * continues the last (same size, kind, flags and cache type; contiguous VA
 * and, where frames are shown, contiguous PA or swap offset). Line format:
 * docs/interface.md, the "run" lines of ptwalk-maps and ptwalk-kernel.
 */
#include <linux/mm.h>
#include <linux/string.h>

#include "runs.h"

/* The pages of a run after @from that a continuing entry must skip. */
static unsigned long pages_between(unsigned long from, unsigned long to)
{
	return (to - from) >> PAGE_SHIFT;
}

bool ptw_run_init(struct ptw_run *n, const struct ptw_entry *e, bool nonpresent)
{
	memset(n, 0, sizeof(*n));
	n->active = true;
	if (e->kind == PTW_LEAF) {
		n->mapped = true;
		n->pfn = e->pfn + pages_between(e->base, e->va);
	} else if (e->kind == PTW_NONPRESENT && nonpresent) {
		ptw_decode_nonpresent(e, &n->np);
		if (n->np.kind == PTWNP_SWAP)
			n->np.offset += pages_between(e->base, e->va);
		else if (n->np.has_pfn)
			n->np.pfn += pages_between(e->base, e->va);
	} else {
		return false;	/* none, tables, hidden non-present */
	}
	n->level = e->level;
	n->start = e->va;
	n->end = e->end;
	n->flags = ptw_decode_flags(e);
	n->cache = ptw_decode_cache(e);
	return true;
}

static bool run_continues(const struct ptw_runs *rs, const struct ptw_run *n)
{
	const struct ptw_run *r = &rs->run;
	unsigned long skip = pages_between(r->start, n->start);

	if (!r->active || r->end != n->start || r->mapped != n->mapped ||
	    r->level != n->level || r->flags != n->flags || r->cache != n->cache)
		return false;
	if (r->mapped)
		return !rs->show_pfn || r->pfn + skip == n->pfn;
	if (r->np.kind != n->np.kind || r->np.type != n->np.type)
		return false;
	if (r->np.kind == PTWNP_SWAP)
		return !rs->show_pfn || r->np.offset + skip == n->np.offset;
	if (r->np.has_pfn)
		return !rs->show_pfn || r->np.pfn + skip == n->np.pfn;
	return r->np.offset == n->np.offset;
}

static void print_run(struct ptw_runs *rs)
{
	const struct ptw_run *r = &rs->run;
	struct ptw_file *f = rs->f;
	unsigned int shift = ptw_level_shift(r->level);
	char flags[160];

	ptw_format_flags(flags, sizeof(flags), r->flags);
	ptw_out(f, "run 0x%lx-0x%lx %s %lu ", r->start, r->end,
		ptw_size_name(r->level), (r->end - r->start) >> shift);
	if (r->mapped) {
		ptw_out(f, "mapped pa=0x%llx",
			rs->show_pfn ? (u64)r->pfn << PAGE_SHIFT : 0ULL);
	} else if (r->np.kind == PTWNP_SWAP || r->np.kind == PTWNP_OTHER) {
		ptw_out(f, "%s type=%u offset=0x%lx", ptw_np_name(r->np.kind),
			r->np.type, r->np.offset);
	} else if (r->np.has_pfn) {
		ptw_out(f, "%s pa=0x%llx", ptw_np_name(r->np.kind),
			rs->show_pfn ? (u64)r->np.pfn << PAGE_SHIFT : 0ULL);
	} else {
		ptw_out(f, "%s bits=0x%lx", ptw_np_name(r->np.kind),
			r->np.offset);
	}
	ptw_out(f, " flags=%s cache=%s\n", flags[0] ? flags : "-",
		ptw_cache_name(r->cache));
	rs->count++;
}

bool ptw_runs_flush(struct ptw_runs *r)
{
	if (!r->run.active)
		return true;
	if (!ptw_out_room(r->f, PTW_RUN_LINE_MAX))
		return false;
	print_run(r);
	r->run.active = false;
	return true;
}

bool ptw_runs_add(struct ptw_runs *r, const struct ptw_run *n)
{
	struct ptw_run seen = *n;

	if (!r->show_pfn)
		ptw_np_hide(&seen.np);
	if (run_continues(r, &seen)) {
		r->run.end = seen.end;
		return true;
	}
	if (!ptw_runs_flush(r))
		return false;
	r->run = seen;
	return true;
}

void ptw_runs_reset(struct ptw_runs *r)
{
	r->count = 0;
	r->run.active = false;
}

bool ptw_is_clone(const struct ptw_clones *c, const struct ptw_entry *e)
{
	return e->kind == PTW_TABLE && c->end[e->level] == e->va &&
	       c->pfn[e->level] == e->pfn;
}

void ptw_clones_note(struct ptw_clones *c, const struct ptw_entry *e)
{
	c->pfn[e->level] = e->pfn;
	c->end[e->level] = e->end;
}

void ptw_clones_reset(struct ptw_clones *c)
{
	memset(c, 0, sizeof(*c));
}
