// SPDX-License-Identifier: GPL-2.0
/*
 * Merge-on-break: consecutive entries become one "run" line while each
 * continues the last (same size, kind, flags and cache type; contiguous VA
 * and, where frames are shown, contiguous PA or swap offset). Line format:
 * docs/interface.md, the "run" lines of ptwalk-maps and ptwalk-kernel.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "linefmt.h"
#include "runs.h"

/* The pages of a run after @from that a continuing entry must skip. */
static unsigned long pages_between(unsigned long from, unsigned long to)
{
	return (to - from) >> PAGE_SHIFT;
}

/* Decode the flags and cache type of leaf @e into r->memo, once per distinct bits. */
static void decode_leaf(struct ptw_runs *r, const struct ptw_entry *e)
{
	u64 attrs = e->raw & ~ptw_arch_frame_mask(ptw_level_shift(e->level));

	if (!r->memo.valid || r->memo.level != e->level ||
	    r->memo.attrs != attrs) {
		r->memo.flags = ptw_decode_flags(e);
		r->memo.cache = ptw_decode_cache(e);
		r->memo.level = e->level;
		r->memo.attrs = attrs;
		r->memo.valid = true;
	}
}

bool ptw_run_init(struct ptw_runs *r, struct ptw_run *n,
		  const struct ptw_entry *e, bool nonpresent)
{
	if (e->kind != PTW_LEAF && (e->kind != PTW_NONPRESENT || !nonpresent))
		return false;	/* none, tables, hidden non-present */
	memset(n, 0, sizeof(*n));
	n->active = true;
	n->level = e->level;
	n->start = e->va;
	n->end = e->end;
	n->raw = e->raw;
	if (e->kind == PTW_LEAF) {
		n->mapped = true;
		n->pfn = e->pfn + pages_between(e->base, e->va);
		decode_leaf(r, e);
		n->flags = r->memo.flags;
		n->cache = r->memo.cache;
		return true;
	}
	ptw_decode_nonpresent(e, &n->np);
	if (n->np.kind == PTWNP_SWAP)
		n->np.offset += pages_between(e->base, e->va);
	else if (n->np.has_pfn)
		n->np.pfn += pages_between(e->base, e->va);
	n->flags = ptw_decode_flags(e);
	n->cache = ptw_decode_cache(e);
	return true;
}

static bool run_continues(const struct ptw_runs *rs, const struct ptw_run *n)
{
	const struct ptw_run *r = &rs->run;
	unsigned long skip = pages_between(r->start, n->start);

	if (!r->active || r->clone || r->end != n->start || r->mapped != n->mapped ||
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

/* " flags=LIST cache=TYPE\n", spelled once per change of flags or cache. */
static void update_tail(struct ptw_runs *rs, unsigned long flags,
			enum ptw_cache cache)
{
	char *p = rs->tail;

	if (rs->tail_len && rs->tail_flags == flags && rs->tail_cache == cache)
		return;
	/* By hand: the flags of a dump's runs change often. */
	p = put_lit(p, " flags=");
	ptw_format_flags(p, PTW_FLAGS_MAX, flags);
	p = *p ? p + strlen(p) : put_lit(p, "-");
	p = put_lit(p, " cache=");
	p = put_str(p, ptw_cache_name(cache));
	*p++ = '\n';
	rs->tail_len = p - rs->tail;
	rs->tail_flags = flags;
	rs->tail_cache = cache;
}

/* "TAG start=0x... end=0x...": how run, clone and region lines start. */
static char *put_span(char *p, const char *tag, unsigned long start,
		      unsigned long end)
{
	p = put_str(p, tag);
	p = put_lit(p, " start=");
	p = put_hex(p, start);
	p = put_lit(p, " end=");
	return put_hex(p, end);
}

/* "clone start= end= level= count= next=" */
static char *print_clone(struct ptw_runs *rs, char *p)
{
	const struct ptw_run *r = &rs->run;

	p = put_span(p, "clone", r->start, r->end);
	p = put_lit(p, " level=");
	p = put_str(p, ptw_level_name(r->level));
	p = put_lit(p, " count=");
	p = put_dec(p, r->entries);
	p = put_lit(p, " next=");
	p = put_hex(p, (u64)r->pfn << PAGE_SHIFT);
	*p++ = '\n';
	rs->clones++;
	return p;
}

/* Format the pending run at @p (PTW_RUN_LINE_MAX bytes); returns the end. */
static char *print_run(struct ptw_runs *rs, char *p)
{
	const struct ptw_run *r = &rs->run;
	unsigned int shift = ptw_level_shift(r->level);

	if (r->clone)
		return print_clone(rs, p);

	p = put_span(p, "run", r->start, r->end);
	p = put_lit(p, " size=");
	p = put_str(p, ptw_size_name(r->level));
	p = put_lit(p, " pages=");
	p = put_dec(p, (r->end - r->start) >> shift);
	if (r->mapped) {
		p = put_lit(p, " kind=mapped pa=");
		p = put_hex(p, rs->show_pfn ? (u64)r->pfn << PAGE_SHIFT : 0);
		goto tail;
	}
	p = put_lit(p, " kind=");
	p = put_str(p, ptw_np_name(r->np.kind));
	if (r->np.kind == PTWNP_SWAP || r->np.kind == PTWNP_OTHER) {
		p = put_lit(p, " type=");
		p = put_dec(p, r->np.type);
		p = put_lit(p, " offset=");
		p = put_hex(p, r->np.offset);
	} else if (r->np.has_pfn) {
		p = put_lit(p, " pa=");
		p = put_hex(p, rs->show_pfn ? (u64)r->np.pfn << PAGE_SHIFT : 0);
	} else {
		p = put_lit(p, " bits=");
		p = put_hex(p, r->np.offset);
	}
tail:
	update_tail(rs, r->flags, r->cache);
	memcpy(p, rs->tail, rs->tail_len);
	rs->count++;
	return p + rs->tail_len;
}

/*
 * Set up ptw_runs_extend() for the pending run from its last entry: the
 * entry that continues it has the same bits and, where frames are shown,
 * the next frames. (Not when stepping the frame would change other bits.)
 */
static void prepare_extend(struct ptw_runs *r)
{
	const struct ptw_run *run = &r->run;
	unsigned int shift = ptw_level_shift(run->level);
	u64 frame = ptw_arch_frame_mask(shift);

	r->extendable = false;
	if (!run->mapped)
		return;
	r->attr_mask = ~frame;
	r->attrs = run->raw & ~frame;
	r->step = ptw_arch_leaf_step(run->raw, shift);
	r->next_raw = run->raw + r->step;
	r->extendable = (r->next_raw & ~frame) == r->attrs;
}

bool ptw_runs_flush(struct ptw_runs *r)
{
	char *p;

	if (!r->run.active)
		return true;
	p = ptw_out_reserve(r->f, PTW_RUN_LINE_MAX);
	if (!p)
		return false;
	ptw_out_commit(r->f, print_run(r, p));
	r->run.active = false;
	r->extendable = false;
	return true;
}

bool ptw_runs_add(struct ptw_runs *r, const struct ptw_run *n)
{
	struct ptw_run seen = *n;

	if (!r->show_pfn)
		ptw_np_hide(&seen.np);
	if (run_continues(r, &seen)) {
		r->run.end = seen.end;
		r->run.raw = seen.raw;
	} else {
		if (!ptw_runs_flush(r))
			return false;
		r->run = seen;
	}
	prepare_extend(r);
	return true;
}

bool ptw_runs_add_leaf(struct ptw_runs *r, const struct ptw_entry *e)
{
	struct ptw_run *run = &r->run;
	unsigned long pfn = e->pfn + pages_between(e->base, e->va);

	decode_leaf(r, e);
	/* run_continues() for a mapped run, and what ptw_runs_add() does. */
	if (run->active && run->mapped && run->end == e->va &&
	    run->level == e->level && run->flags == r->memo.flags &&
	    run->cache == r->memo.cache &&
	    (!r->show_pfn || run->pfn + pages_between(run->start, e->va) == pfn)) {
		run->end = e->end;
		run->raw = e->raw;
	} else {
		if (!ptw_runs_flush(r))
			return false;
		memset(&run->np, 0, sizeof(run->np));
		run->active = true;
		run->clone = false;
		run->mapped = true;
		run->level = e->level;
		run->start = e->va;
		run->end = e->end;
		run->pfn = pfn;
		run->flags = r->memo.flags;
		run->cache = r->memo.cache;
		run->raw = e->raw;
	}
	prepare_extend(r);
	return true;
}

void ptw_runs_reset(struct ptw_runs *r)
{
	r->count = 0;
	r->clones = 0;
	r->next_mark = 0;
	r->run.active = false;
	r->extendable = false;
}

bool ptw_runs_add_clone(struct ptw_runs *r, const struct ptw_entry *e)
{
	struct ptw_run *run = &r->run;

	if (run->active && run->clone && run->level == e->level &&
	    run->end == e->va && run->pfn == e->pfn) {
		run->end = e->end;
		run->entries++;
		return true;
	}
	if (!ptw_runs_flush(r))
		return false;
	*run = (struct ptw_run){
		.active = true, .clone = true, .level = e->level,
		.start = e->va, .end = e->end, .pfn = e->pfn, .raw = e->raw,
		.entries = 1,
	};
	return true;
}

void ptw_runs_mark(struct ptw_runs *r, const struct ptw_region *marks,
		   unsigned int nr)
{
	r->marks = marks;
	r->nr_marks = nr;
	r->next_mark = 0;
}

/* Room for a region line. */
#define REGION_LINE_MAX	(96 + PUT_SLACK)

bool ptw_runs_reach(struct ptw_runs *r, unsigned long va)
{
	while (r->next_mark < r->nr_marks && va >= r->marks[r->next_mark].start) {
		const struct ptw_region *m = &r->marks[r->next_mark];
		char *p;

		if (!ptw_runs_flush(r))
			return false;
		p = ptw_out_reserve(r->f, REGION_LINE_MAX);
		if (!p)
			return false;
		p = put_span(p, "region", m->start, m->end);
		p = put_lit(p, " name=");
		p = put_str(p, m->name);
		*p++ = '\n';
		ptw_out_commit(r->f, p);
		r->next_mark++;
	}
	return true;
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
