// SPDX-License-Identifier: GPL-2.0
/*
 * The lecture's Figure 13.2 from live data, drawn: several processes'
 * virtual address spaces, each on its own vertical axis, physical memory
 * in the middle, and a line from every page (or run) to its frame, in the
 * process's colour. Where things go is figure_layout.c's. A frame mapped
 * by several of the processes is drawn in stripes, one per process, with
 * a dark outline, and receives a line from each of them.
 */
#include <stdio.h>
#include <string.h>

#include "figure.h"
#include "fmt.h"
#include "ptwalk.h"
#include "svg.h"

/* Labels stay readable where lines from farther axes cross them. */
#define HALO	"paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\""
/* Per-page lines for runs this short, when the picture stays readable. */
#define PAGE_LINES_MAX_RUN	32
#define PAGE_LINES_MAX		600

/* Colour-blind-safe process colours (Okabe-Ito first). */
static const char *const proc_fill[FRAMES_MAX_PROCS] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
	"#b8a000", "#000000", "#999999", "#882255", "#44aa99", "#117733",
	"#332288", "#ddcc77", "#aa4499", "#88ccee",
};

/* A line from page(s) at @va to frame(s) at @pa, aimed at their middles. */
static void draw_line(FILE *f, const struct figure *fg, int p, unsigned long va,
		      unsigned long long pa, unsigned long long pages)
{
	const struct axis *a = &fg->ax[p];
	double x0 = a->left ? a->x + AXIS_W : a->x;
	double x1 = a->left ? fg->phys_x : fg->phys_x + PHYS_W;
	double y0 = va_y(a, va + pages * FPAGE / 2), y1 = pa_y(fg, pa + pages * FPAGE / 2);
	double xm = (x0 + x1) / 2;

	/* data-*: what the line stands for, for tests and curious readers. */
	fprintf(f, "<path data-pid=\"%d\" data-va=\"0x%lx\" data-pa=\"0x%llx\" data-pages=\"%llu\" "
		"d=\"M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f\" stroke=\"%s\" "
		"stroke-width=\"%.1f\" stroke-opacity=\"0.75\" fill=\"none\"/>\n",
		(int)fg->pids[p], va, pa, pages, x0, y0, xm, y0, xm, y1, x1, y1, proc_fill[p],
		pages > 1 ? 2.5 : 1.5);
}

/* Lines for each page of short runs if few enough, else one per run. */
static void draw_lines(FILE *f, const struct figure *fg)
{
	size_t i, lines = 0;
	bool per_page;

	for (i = 0; i < fg->nr_pieces; i++)
		lines += (fg->pieces[i].end - fg->pieces[i].pa) / FPAGE;
	per_page = lines <= PAGE_LINES_MAX;
	fputs("<g id=\"lines\">\n", f);
	for (i = 0; i < fg->nr_pieces; i++) {
		const struct piece *pc = &fg->pieces[i];
		unsigned long long n = (pc->end - pc->pa) / FPAGE, k;

		if (per_page && n <= PAGE_LINES_MAX_RUN) {
			for (k = 0; k < n; k++)
				draw_line(f, fg, pc->proc, pc->va + k * FPAGE,
					  pc->pa + k * FPAGE, 1);
		} else {
			draw_line(f, fg, pc->proc, pc->va, pc->pa, n);
		}
	}
	fputs("</g>\n", f);
}

static void short_name(const char *name, char *buf, size_t sz)
{
	const char *slash = strrchr(name, '/');

	snprintf(buf, sz, "%s", slash && slash[1] ? slash + 1 : name);
	if (strlen(buf) > 18)
		strcpy(buf + 15, "...");
}

static void draw_axis(FILE *f, const struct figure *fg, int p,
		      const struct pt_maps *m, const char *label, bool self)
{
	const struct axis *a = &fg->ax[p];
	double tx = a->left ? a->x - 6 : a->x + AXIS_W + 6;
	const char *anchor = a->left ? "end" : "start";
	char text[160], nm[32], sz[SIZE_BUF];
	size_t r;
	int k;

	fprintf(f, "<g id=\"axis-%d\">\n", p);
	fprintf(f, "<rect x=\"%.0f\" y=\"%d\" width=\"%d\" height=\"10\" fill=\"%s\"/>\n",
		a->x, TOP - 30, AXIS_W, proc_fill[p]);
	snprintf(text, sizeof(text), "PID %d", (int)m->pid);
	text_at(f, (int)(a->x + AXIS_W / 2), TOP - 38, "middle", "font-weight=\"bold\"", text);
	if (label)
		text_at(f, (int)(a->x + AXIS_W / 2), TOP - 8, "middle", "fill=\"#333\"", label);
	for (k = 0; k < a->nr; k++) {
		const struct seg *sg = &a->segs[k];
		double h = sg->bottom - sg->top;

		if (sg->vma < 0) {
			fprintf(f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"#f4f4f4\"/>\n"
				"<path d=\"M%.0f %.1fl8 -3l8 6l8 -3\" stroke=\"#999\" fill=\"none\"/>\n",
				a->x, sg->top, AXIS_W, h - 1, a->x + 8, sg->top + h / 2);
			snprintf(text, sizeof(text), "hole %s", fmt_size(sg->end - sg->start, sz));
			text_at(f, (int)tx, (int)(sg->top + 12), anchor,
				"fill=\"#777\" font-style=\"italic\" font-size=\"11\" " HALO, text);
			continue;
		}
		{
			const struct pt_vma *v = &m->vmas[sg->vma];
			const struct region_style *rs = &region_styles[classify_vma(m, sg->vma, self)];

			fprintf(f, "<g><title>");
			snprintf(text, sizeof(text), "%s 0x%lx-0x%lx %s %s", rs->name, v->start,
				 v->end, v->perms, v->name);
			xml_text(f, text);
			fprintf(f, "</title><rect x=\"%.0f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
				"fill=\"%s\" fill-opacity=\"0.3\" stroke=\"%s\"/>\n",
				a->x, sg->top, AXIS_W, h - 1, rs->fill, rs->fill);
			/* Pages with a frame: marks in the process's colour. */
			for (r = 0; r < v->nr_runs; r++) {
				const struct pt_run *run = &v->runs[r];
				unsigned long s = run->start > sg->start ? run->start : sg->start;
				unsigned long e = run->end < sg->end ? run->end : sg->end;
				double y0, y1;

				if (strcmp(run->kind, "mapped") || s >= e)
					continue;
				y0 = va_y(a, e - 1);
				y1 = va_y(a, s);
				fprintf(f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>\n",
					a->x + (a->left ? AXIS_W - 12 : 2), y0, 10,
					y1 - y0 < 1 ? 1 : y1 - y0 - (y1 - y0 > 4 ? 1 : 0), proc_fill[p]);
			}
			short_name(v->name[0] ? v->name : "anon", nm, sizeof(nm));
			/* MAP_SHARED|MAP_ANONYMOUS is backed by /dev/zero: say what it is. */
			if (v->perms[3] == 's' && !strncmp(v->name, "/dev/zero", 9))
				snprintf(text, sizeof(text), "shared memory");
			else
				snprintf(text, sizeof(text), "%s %s", rs->name, nm);
			text_at(f, (int)tx, (int)(sg->top + 12), anchor,
				"font-size=\"11\" font-weight=\"bold\" " HALO, text);
			if (h >= 30) {
				snprintf(text, sizeof(text), "%lx", sg->start);
				text_at(f, (int)tx, (int)(sg->bottom - 3), anchor,
					"font-size=\"11\" fill=\"#555\" " HALO, text);
			}
			if (h >= 46) {
				snprintf(text, sizeof(text), "%s %s", v->perms,
					 fmt_size(sg->end - sg->start, sz));
				text_at(f, (int)tx, (int)(sg->top + 25), anchor,
					"font-size=\"11\" fill=\"#555\" " HALO, text);
			}
			fputs("</g>\n", f);
		}
	}
	fputs("</g>\n", f);
}

/* The cells themselves: one stripe per owner, outlined when shared. */
static void draw_cell_rects(FILE *f, const struct figure *fg, double y, double h,
			    uint32_t o, bool outline)
{
	int p, n = __builtin_popcount(o), k = 0;
	double w = (double)PHYS_W / (n ? n : 1);

	if (!o) {
		fprintf(f, "<rect x=\"%.0f\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" fill=\"#ececec\"%s/>\n",
			fg->phys_x, y, PHYS_W, h, outline ? " stroke=\"#fff\" stroke-width=\"1\"" : "");
		return;
	}
	for (p = 0; p < fg->nr; p++) {
		if (!(o & (1u << p)))
			continue;
		fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n",
			fg->phys_x + k * w, y, w, h, proc_fill[p]);
		k++;
	}
	if (n > 1 || outline)
		fprintf(f, "<rect x=\"%.0f\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" fill=\"none\" "
			"stroke=\"%s\" stroke-width=\"%s\"/>\n", fg->phys_x, y, PHYS_W, h,
			n > 1 ? "#111" : "#fff", n > 1 ? "1.5" : "1");
}

/*
 * One frame or a stretch of @frames frames from @pa with the same owners,
 * with a tooltip saying which frames they are and whose.
 */
static void draw_cells(FILE *f, const struct figure *fg, double y, double h,
		       uint32_t o, bool outline, unsigned long long pa,
		       unsigned long long frames)
{
	char tip[256];
	size_t len;
	int p;

	len = snprintf(tip, sizeof(tip), "0x%llx-0x%llx, %llu frame%s: %s", pa,
		       pa + frames * FPAGE, frames, frames == 1 ? "" : "s",
		       o ? "mapped by PID" : "used by none of these processes");
	for (p = 0; p < fg->nr && len < sizeof(tip); p++)
		if (o & (1u << p))
			len += snprintf(tip + len, sizeof(tip) - len, " %d", (int)fg->pids[p]);
	fprintf(f, "<g><title>%s</title>\n", tip);
	draw_cell_rects(f, fg, y, h, o, outline);
	fputs("</g>\n", f);
}

static void draw_phys(FILE *f, const struct figure *fg)
{
	const char *halo = "font-size=\"11\" " HALO;
	bool per_frame = fg->cell_h >= 4;
	char text[96], sz[SIZE_BUF];
	int c;

	fputs("<g id=\"physical\">\n", f);
	text_at(f, (int)(fg->phys_x + PHYS_W / 2), TOP - 38, "middle", "font-weight=\"bold\"",
		"physical memory");
	snprintf(text, sizeof(text), "%s", per_frame ? "one cell = one 4K frame" :
		 "frames too many to draw one by one");
	text_at(f, (int)(fg->phys_x + PHYS_W / 2), TOP - 8, "middle", "fill=\"#333\" font-size=\"11\"",
		text);
	for (c = 0; c < fg->nr_cl; c++) {
		const struct cluster *cl = &fg->cl[c];
		unsigned long long n = (cl->end - cl->pa) / FPAGE, i, j;

		/* Coalesce equal neighbours unless each frame is drawn alone. */
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && !per_frame && cl->owners[j] == cl->owners[i]; j++)
				;
			draw_cells(f, fg, cl->bottom - j * cl->cell_h, (j - i) * cl->cell_h,
				   cl->owners[i], per_frame, cl->pa + i * FPAGE, j - i);
		}
		/* Addresses only where they do not run into the next label. */
		snprintf(text, sizeof(text), "0x%llx", cl->pa);
		if (cl->bottom - cl->top >= 12)
			text_at(f, (int)fg->phys_x + 3, (int)cl->bottom - 2, "start", halo, text);
		if (cl->bottom - cl->top >= 40) {
			snprintf(text, sizeof(text), "0x%llx", cl->end);
			text_at(f, (int)fg->phys_x + 3, (int)cl->top + 11, "start", halo, text);
		}
		if (c > 0) {
			const struct cluster *below = &fg->cl[c - 1];
			double y = cl->bottom;

			fprintf(f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f7f7f7\" "
				"stroke=\"#bbb\" stroke-dasharray=\"3 3\"/>\n", fg->phys_x, y + 3, PHYS_W,
				GAP_H - 6);
			snprintf(text, sizeof(text), "gap %s", fmt_size(cl->pa - below->end, sz));
			text_at(f, (int)(fg->phys_x + PHYS_W / 2), (int)(y + GAP_H / 2 + 4), "middle",
				"fill=\"#555\" font-style=\"italic\" font-size=\"11\"", text);
		}
	}
	fputs("</g>\n", f);
}

static void draw_legend(FILE *f, const struct figure *fg, const struct pt_maps *maps,
			const char *const *labels, int y)
{
	char text[192];
	int p;

	for (p = 0; p < fg->nr; p++) {
		int x = 16 + (p % 2) * 620, ly = y + (p / 2) * 20;

		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"12\" fill=\"%s\"/>\n",
			x, ly - 10, proc_fill[p]);
		snprintf(text, sizeof(text), "PID %d%s%s%s: %llu frames drawn, %llu of them shared",
			 (int)maps[p].pid, labels && labels[p] ? " (" : "",
			 labels && labels[p] ? labels[p] : "", labels && labels[p] ? ")" : "",
			 fg->frames[p], fg->shared[p]);
		text_at(f, x + 22, ly, "start", "", text);
	}
	if (fg->nr == 1)
		return;		/* nothing to share */
	y += ((fg->nr + 1) / 2) * 20 + 4;
	fprintf(f, "<rect x=\"16\" y=\"%d\" width=\"8\" height=\"12\" fill=\"%s\"/>"
		"<rect x=\"24\" y=\"%d\" width=\"8\" height=\"12\" fill=\"%s\"/>"
		"<rect x=\"16\" y=\"%d\" width=\"16\" height=\"12\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.5\"/>\n",
		y - 10, proc_fill[0], y - 10, proc_fill[1 % FRAMES_MAX_PROCS], y - 10);
	text_at(f, 38, y, "start", "",
		"striped, outlined frame: mapped by several processes (one stripe and one line each)");
}

void svg_figure_file(const char *path, const struct pt_maps *maps, int nr,
		     const char *const *labels, unsigned long lo,
		     unsigned long hi, bool self)
{
	int right = nr > 1 ? nr - nr / 2 : 0, width, height, p;
	char title[160], sub[200];
	struct figure fg;
	FILE *f;

	if (nr < 1 || nr > FRAMES_MAX_PROCS)
		fatal(EXIT_USAGE, "the picture takes 1 to %d processes", FRAMES_MAX_PROCS);
	figure_layout(&fg, maps, nr, lo, hi);
	width = (int)fg.phys_x + PHYS_W + LINES_W + right * COL_W + 16;
	height = TOP + AXIS_H + 30 + ((nr + 1) / 2) * 20 + 34;

	if (nr == 1)
		snprintf(title, sizeof(title), "PID %d and the physical frames it maps",
			 (int)maps[0].pid);
	else
		snprintf(title, sizeof(title), "%d processes and the physical frames they map", nr);
	f = svg_open(path, width, height, title);
	text_at(f, 16, 22, "start", "font-size=\"16\" font-weight=\"bold\"", title);
	if (lo == 0 && hi == ~0UL)
		snprintf(sub, sizeof(sub), "whole user address spaces; high addresses at the top; "
			 "holes and physical gaps compressed");
	else
		snprintf(sub, sizeof(sub), "virtual 0x%lx-0x%lx; high addresses at the top; "
			 "physical gaps compressed", lo, hi);
	text_at(f, 16, 40, "start", "fill=\"#555\"", sub);
	draw_lines(f, &fg);
	draw_phys(f, &fg);
	for (p = 0; p < nr; p++)
		draw_axis(f, &fg, p, &maps[p], labels ? labels[p] : NULL, self);
	draw_legend(f, &fg, maps, labels, TOP + AXIS_H + 30);
	svg_close(f, path);
}