// SPDX-License-Identifier: GPL-2.0
/*
 * Output of /proc/ptwalk/alloc: each kernel allocation with where it
 * landed, virtually and physically, for people; its JSON is the module's
 * lines by the line rule (json_lines(), docs/json.md).
 */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "ptwalk.h"
#include "render.h"

bool alloc_page_continues(const struct pt_alloc *a, size_t i)
{
	const struct pt_aitem *p = &a->items[i - 1], *q = &a->items[i];

	return p->has_pa && q->has_pa && q->pa == p->pa + 4096;
}

static const char *pa_text(bool has, unsigned long long pa, char *buf, size_t sz)
{
	if (!has)
		return "none (no mapping found)";
	snprintf(buf, sz, "0x%llx", pa);
	return buf;
}

static void print_mismatch(FILE *out, bool mismatch, unsigned long long helper)
{
	if (mismatch)
		fprintf(out, " %sMISMATCH: the kernel's helper says 0x%llx%s", col(C_RED),
			helper, col(C_RESET));
}

static void print_kmalloc(FILE *out, const struct pt_alloc *a, const char *indent)
{
	char b[SIZE_BUF], pa[32];
	size_t i, k;

	fprintf(out, "%s%s#%u kmalloc(%lu) x%lu%s: the %lu-byte bucket (kmalloc-%lu), %s held\n",
		indent, col(C_BOLD), a->id, a->size, a->count, col(C_RESET), a->bucket,
		a->bucket, fmt_size(a->bytes, b));
	for (i = 0; i < a->nr_items; i++) {
		const struct pt_aitem *o = &a->items[i];

		fprintf(out, "%s   object %-2u va 0x%lx %-10s pa %s  ksize %lu", indent,
			o->index, o->va, o->region, pa_text(o->has_pa, o->pa, pa, sizeof(pa)),
			o->ksize);
		print_mismatch(out, o->mismatch, o->helper);
		fputc('\n', out);
	}
	for (i = 0; i < a->nr_shares; i++) {
		const struct pt_ashare *s = &a->shares[i];

		fprintf(out, "%s   frame 0x%llx holds %u of them:", indent, s->pfn, s->count);
		for (k = 0; k < s->count; k++)
			fprintf(out, " #%u@0x%llx", s->objects[k], s->offsets[k]);
		fputc('\n', out);
	}
}

static void print_pages(FILE *out, const struct pt_alloc *a, const char *indent)
{
	char b[SIZE_BUF], pa[32];

	fprintf(out, "%s%s#%u alloc_pages(order %u)%s: %u pages, %s at va 0x%lx (%s), pa %s\n",
		indent, col(C_BOLD), a->id, a->order, col(C_RESET), a->pages,
		fmt_size(a->bytes, b), a->va, a->region,
		pa_text(a->has_pa, a->pa, pa, sizeof(pa)));
	fprintf(out, "%s   frames 0x%llx-0x%llx: %s%s%s", indent, a->pfn_first, a->pfn_last,
		col(a->runs == 1 ? C_GREEN : C_YELLOW),
		a->runs == 1 ? "physically contiguous" : "NOT contiguous", col(C_RESET));
	if (a->mismatch)
		fprintf(out, " (page %u:", a->mismatch_index);
	print_mismatch(out, a->mismatch, a->helper);
	fprintf(out, "%s\n", a->mismatch ? ")" : "");
}

static void print_vmalloc(FILE *out, const struct pt_alloc *a, const char *indent)
{
	char b[SIZE_BUF], pa[32];
	size_t i;

	fprintf(out, "%s%s#%u vmalloc(%lu)%s: %u pages, %s at va 0x%lx (%s), in %u run%s of consecutive frames\n",
		indent, col(C_BOLD), a->id, a->size, col(C_RESET), a->pages,
		fmt_size(a->bytes, b), a->va, a->region, a->runs, a->runs == 1 ? "" : "s");
	for (i = 0; i < a->nr_items; i++) {
		const struct pt_aitem *p = &a->items[i];

		fprintf(out, "%s   page %-3u va 0x%lx  pa %s%s", indent, p->index, p->va,
			pa_text(p->has_pa, p->pa, pa, sizeof(pa)),
			i && alloc_page_continues(a, i) ? "  (the frame after the last one)" : "");
		print_mismatch(out, p->mismatch, p->helper);
		fputc('\n', out);
	}
}

void print_alloc(FILE *out, const struct pt_alloc_file *af, const char *indent)
{
	char b[SIZE_BUF], c[SIZE_BUF], m[SIZE_BUF], mc[SIZE_BUF];
	size_t i;

	for (i = 0; i < af->nr_allocs; i++) {
		const struct pt_alloc *a = &af->allocs[i];

		if (!strcmp(a->kind, "kmalloc"))
			print_kmalloc(out, a, indent);
		else if (!strcmp(a->kind, "pages"))
			print_pages(out, a, indent);
		else
			print_vmalloc(out, a, indent);
	}
	fprintf(out, "%sthis file: %lu allocation%s, %s held (cap %s, %lu allocations); all alloc files: %s of %s\n",
		indent, af->allocations, af->allocations == 1 ? "" : "s",
		fmt_size(af->bytes, b), fmt_size(af->cap, c), af->max_allocations,
		fmt_size(af->module_bytes, m), fmt_size(af->module_cap, mc));
}

void json_alloc_members(struct json *j, const struct pt_alloc_file *af)
{
	json_lines(j, "alloc", af->lines);
}
