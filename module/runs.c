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
	n->attrs = ptw_arch_pte_attrs(e->raw);
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

/*
 * Run lines are formatted by hand into a local line and appended with one
 * seq_write(): a dump can be a line per page, and vsnprintf() per field
 * would be most of its cost.
 */
static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/* "0x" and @v in lower-case hex, no leading zeros, as "0x%lx". */
static char *put_hex(char *p, u64 v)
{
	char digits[16];
	int n = 0;

	do {
		digits[n++] = hex_asc[v & 0xf];
		v >>= 4;
	} while (v);
	*p++ = '0';
	*p++ = 'x';
	while (n)
		*p++ = digits[--n];
	return p;
}

static char *put_dec(char *p, unsigned long v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = digits[--n];
	return p;
}

/* The flag list of @flags, spelled once per change of flags. */
static const char *flags_text(struct ptw_runs *rs, unsigned long flags)
{
	if (!rs->flags_text[0] || rs->flags_key != flags) {
		ptw_format_flags(rs->flags_text, sizeof(rs->flags_text), flags);
		if (!rs->flags_text[0])
			strscpy(rs->flags_text, "-", sizeof(rs->flags_text));
		rs->flags_key = flags;
	}
	return rs->flags_text;
}

static void print_run(struct ptw_runs *rs)
{
	const struct ptw_run *r = &rs->run;
	unsigned int shift = ptw_level_shift(r->level);
	char line[PTW_RUN_LINE_MAX];
	char *p = line;

	p = put_str(p, "run ");
	p = put_hex(p, r->start);
	*p++ = '-';
	p = put_hex(p, r->end);
	*p++ = ' ';
	p = put_str(p, ptw_size_name(r->level));
	*p++ = ' ';
	p = put_dec(p, (r->end - r->start) >> shift);
	*p++ = ' ';
	if (r->mapped) {
		p = put_str(p, "mapped pa=");
		p = put_hex(p, rs->show_pfn ? (u64)r->pfn << PAGE_SHIFT : 0);
	} else if (r->np.kind == PTWNP_SWAP || r->np.kind == PTWNP_OTHER) {
		p = put_str(p, ptw_np_name(r->np.kind));
		p = put_str(p, " type=");
		p = put_dec(p, r->np.type);
		p = put_str(p, " offset=");
		p = put_hex(p, r->np.offset);
	} else if (r->np.has_pfn) {
		p = put_str(p, ptw_np_name(r->np.kind));
		p = put_str(p, " pa=");
		p = put_hex(p, rs->show_pfn ? (u64)r->np.pfn << PAGE_SHIFT : 0);
	} else {
		p = put_str(p, ptw_np_name(r->np.kind));
		p = put_str(p, " bits=");
		p = put_hex(p, r->np.offset);
	}
	p = put_str(p, " flags=");
	p = put_str(p, flags_text(rs, r->flags));
	p = put_str(p, " cache=");
	p = put_str(p, ptw_cache_name(r->cache));
	*p++ = '\n';
	ptw_out_write(rs->f, line, p - line);
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
		r->run.attrs = seen.attrs;
		return true;
	}
	if (!ptw_runs_flush(r))
		return false;
	r->run = seen;
	r->extendable = seen.mapped && seen.level == PTW_PTE;
	return true;
}

void ptw_runs_reset(struct ptw_runs *r)
{
	r->count = 0;
	r->run.active = false;
	r->extendable = false;
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
