// SPDX-License-Identifier: GPL-2.0
/*
 * SVG output. The address space runs from 0 to the top of the user half,
 * up to 2^56 bytes: drawn to scale it would be one pixel of mappings, so
 * the axis is segmented. Each VMA gets a row (taller for bigger VMAs, on a
 * log scale) in which position is linear, and the holes between VMAs
 * shrink to a fixed-height band labelled with their size. The frames
 * picture of several processes is figure.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "ptwalk.h"
#include "svg.h"

#define MAP_WIDTH	980
#define BAR_X		190
#define BAR_W		420
#define LABEL_X		(BAR_X + BAR_W + 12)
#define HOLE_H		18
#define TOP_MARGIN	64

/* Invalid UTF-8 becomes "?" (the picture must stay well-formed XML). */
void xml_text(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len = utf8_char((const char *)p);

		if (len == 0 || (len == 1 && *p < 0x20 && *p != '\t')) {
			fputc('?', f);
			p++;
			continue;
		}
		if (len > 1) {
			fwrite(p, 1, len, f);
			p += len;
			continue;
		}
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*p, f);
		}
		p++;
	}
}

FILE *svg_open(const char *path, int width, int height, const char *title)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fatal(EXIT_FAIL, "cannot write %s: %s", path, strerror(errno));
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"12\">\n",
		width, height, width, height);
	fputs("<title>", f);
	xml_text(f, title);
	fputs("</title>\n", f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		width, height);
	return f;
}

void svg_close(FILE *f, const char *path)
{
	fputs("</svg>\n", f);
	if (ferror(f) | fclose(f))
		fatal(EXIT_FAIL, "writing %s failed", path);
}

void text_at(FILE *f, int x, int y, const char *anchor, const char *style,
		    const char *s)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" %s>", x, y, anchor, style);
	xml_text(f, s);
	fputs("</text>\n", f);
}

static int vma_height(unsigned long bytes)
{
	unsigned long pages = bytes / 4096;
	int h = 22 + 4 * (pages > 1 ? 63 - __builtin_clzl(pages) : 0);

	return h > 72 ? 72 : h;
}

/* A hole band: zig-zag edges and its size, the compressed part of the axis. */
static void draw_hole(FILE *f, int y, unsigned long start, unsigned long end)
{
	char sz[SIZE_BUF], label[96];

	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\"/>\n",
		BAR_X, y, BAR_W, HOLE_H);
	fprintf(f, "<path d=\"M%d %d l10 -4 l10 8 l10 -4\" stroke=\"#999\" fill=\"none\"/>\n",
		BAR_X + BAR_W / 2 - 15, y + HOLE_H / 2);
	snprintf(label, sizeof(label), "unmapped %s", fmt_size(end - start, sz));
	text_at(f, BAR_X + 8, y + 13, "start", "fill=\"#777\" font-style=\"italic\"", label);
}

static void draw_vma(FILE *f, int y, int h, const struct pt_maps *maps, size_t i,
		     bool self)
{
	const struct pt_vma *v = &maps->vmas[i];
	enum region_kind rk = classify_vma(maps, i, self);
	const struct region_style *rs = &region_styles[rk];
	double span = (double)(v->end - v->start);
	char sz[SIZE_BUF], pr[SIZE_BUF], label[160];
	size_t k;

	/* data-vma: the explorer page (html.c) makes regions clickable. */
	fprintf(f, "<g data-vma=\"%zu\"><title>", i);
	snprintf(label, sizeof(label), "%s 0x%lx-0x%lx %s %s", rs->name, v->start,
		 v->end, v->perms, v->name);
	xml_text(f, label);
	fprintf(f, "</title>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		"fill=\"%s\" fill-opacity=\"0.35\" stroke=\"%s\"/>\n",
		BAR_X, y, BAR_W, h, rs->fill, rs->fill);
	/* Present pages: dark marks at their linear position in the VMA. */
	for (k = 0; k < v->nr_runs; k++) {
		const struct pt_run *r = &v->runs[k];
		double x0 = BAR_X + BAR_W * (r->start - v->start) / span;
		double w = BAR_W * (r->end - r->start) / span;
		bool mapped = !strcmp(r->kind, "mapped");

		fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"/>\n",
			x0, y + h - 9, w < 1 ? 1 : w, 7, mapped ? "#1b1b1b" : "#d62828");
	}
	snprintf(label, sizeof(label), "%016lx", v->start);
	text_at(f, BAR_X - 8, y + h - 3, "end", "fill=\"#555\"", label);
	snprintf(label, sizeof(label), "%s %s", rs->name, v->name);
	text_at(f, LABEL_X, y + 13, "start", "font-weight=\"bold\"", label);
	snprintf(label, sizeof(label), "%s %s, %s present", v->perms,
		 fmt_size(v->end - v->start, sz), fmt_size(vma_present_bytes(v, 0, ~0UL), pr));
	if (h >= 30)
		text_at(f, LABEL_X, y + 27, "start", "fill=\"#555\"", label);
	fputs("</g>\n", f);
}

void svg_maps_file(const char *path, const struct pt_maps *maps,
		   const struct pt_info *info, bool self)
{
	unsigned long top = info->user_top, below;
	char title[128], label[96];
	int height = TOP_MARGIN + 60, y, rk;
	size_t i;
	FILE *f;

	/* Pass 1: the height. Rows go from the top of the user half down to 0. */
	below = top;
	for (i = maps->nr_vmas; i-- > 0;) {
		const struct pt_vma *v = &maps->vmas[i];

		if (v->start >= top)
			continue;
		if (v->end < below)
			height += HOLE_H + 2;
		height += vma_height(v->end - v->start) + 2;
		below = v->start;
	}
	if (below > 0)
		height += HOLE_H + 2;
	height += 40 + 18 * ((RK_NR + 3) / 4);

	snprintf(title, sizeof(title), "Address space of PID %d (%d-level paging)",
		 (int)maps->pid, maps->levels);
	f = svg_open(path, MAP_WIDTH, height, title);
	text_at(f, 16, 24, "start", "font-size=\"16\" font-weight=\"bold\"", title);
	snprintf(label, sizeof(label), "user half 0 - 0x%lx; holes compressed; "
		 "black marks: pages with a frame", top);
	text_at(f, 16, 44, "start", "fill=\"#555\"", label);

	y = TOP_MARGIN;
	snprintf(label, sizeof(label), "%016lx top of user half", top);
	text_at(f, BAR_X, y - 4, "start", "fill=\"#555\"", label);
	below = top;
	for (i = maps->nr_vmas; i-- > 0;) {
		const struct pt_vma *v = &maps->vmas[i];
		int h = vma_height(v->end - v->start);

		if (v->start >= top)
			continue;
		if (v->end < below) {
			draw_hole(f, y, v->end, below);
			y += HOLE_H + 2;
		}
		draw_vma(f, y, h, maps, i, self);
		y += h + 2;
		below = v->start;
	}
	if (below > 0) {
		draw_hole(f, y, 0, below);
		y += HOLE_H + 2;
	}
	text_at(f, BAR_X - 8, y + 10, "end", "fill=\"#555\"", "0000000000000000");
	y += 34;
	for (rk = 0; rk < RK_NR; rk++) {
		int x = 16 + (rk % 4) * 240, ly = y + (rk / 4) * 18;

		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\" "
			"fill-opacity=\"0.6\"/>\n", x, ly - 10, region_styles[rk].fill);
		text_at(f, x + 20, ly, "start", "", region_styles[rk].name);
	}
	svg_close(f, path);
}
