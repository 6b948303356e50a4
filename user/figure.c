// SPDX-License-Identifier: GPL-2.0
/*
 * The lecture's Figure 13.2 from live data: several processes' virtual
 * address spaces, each on its own vertical axis, physical memory in the
 * middle, and a line from every page (or run) to its frame.
 *
 * Neither side can be drawn to scale: a user half is up to 2^56 bytes and
 * the frames of a few processes are scattered over gigabytes. So both
 * axes are compressed the same way as the maps picture (svg.c): each VMA
 * gets a segment (taller for bigger VMAs, on a log scale) in which
 * position is linear, holes between VMAs shrink to a labelled band; on
 * the physical axis, frames actually used are grouped into clusters drawn
 * frame by frame, and the gaps between clusters shrink to labelled bands.
 * A frame mapped by several of the processes is drawn in stripes, one per
 * process, with a dark outline, and receives a line from each of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "ptwalk.h"
#include "svg.h"

#define FPAGE		4096ULL
#define COL_W		200	/* a process column: labels and axis */
#define LABEL_W		150
#define AXIS_W		40
#define LINES_W		260	/* room for the lines between axes */
#define PHYS_W		130
#define TOP		96
#define AXIS_H		480	/* both axes' drawing height */
#define HOLE_H		16
#define VMA_MIN_H	18
#define GAP_H		26
#define CELL_MAX_H	14
/* Labels stay readable where lines from farther axes cross them. */
#define HALO	"paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\""
#define CLUSTER_MIN_H	4	/* a lone frame far away stays visible */
#define MAX_CLUSTERS	12
/* Per-page lines for runs this short, when the picture stays readable. */
#define PAGE_LINES_MAX_RUN	32
#define PAGE_LINES_MAX		600

/* Colour-blind-safe process colours (Okabe-Ito first). */
static const char *const proc_fill[FRAMES_MAX_PROCS] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
	"#b8a000", "#000000", "#999999", "#882255", "#44aa99", "#117733",
	"#332288", "#ddcc77", "#aa4499", "#88ccee",
};

/* A stretch of one process's VA axis: a VMA (clipped) or a hole. */
struct seg {
	unsigned long start, end;
	double top, bottom;		/* y of end and of start */
	int vma;			/* -1: hole */
};

struct axis {
	struct seg *segs;
	int nr;
	double x;			/* left edge of the bar */
	bool left;			/* left of physical memory */
};

/* A mapped piece of one process inside the window. */
struct piece {
	unsigned long long pa, end;
	unsigned long va;
	int proc;
};

/* Frames drawn one by one, from pa to end; y grows downwards. */
struct cluster {
	unsigned long long pa, end;
	double top, bottom;
	double cell_h;			/* pixels per frame */
	uint32_t *owners;		/* per frame: bit p, process p maps it */
};

struct figure {
	int nr;
	pid_t pids[FRAMES_MAX_PROCS];
	struct axis ax[FRAMES_MAX_PROCS];
	struct piece *pieces;
	size_t nr_pieces;
	struct cluster *cl;
	int nr_cl;
	double cell_h;
	double phys_x;
	unsigned long long frames[FRAMES_MAX_PROCS], shared[FRAMES_MAX_PROCS];
};

static int cmp_piece(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

static int weight(unsigned long bytes)
{
	unsigned long pages = bytes / FPAGE;

	return 2 + (pages > 1 ? 63 - __builtin_clzl(pages) : 0);
}

/* Segments from the top of the window down, holes between VMAs. */
static void layout_axis(struct axis *a, const struct pt_maps *m,
			unsigned long lo, unsigned long hi)
{
	int nv = 0, holes = 0, wsum = 0, i, k;
	unsigned long below = 0;
	double y = TOP, room;

	a->segs = xalloc((2 * m->nr_vmas + 1) * sizeof(*a->segs));
	for (i = (int)m->nr_vmas - 1; i >= 0; i--) {
		const struct pt_vma *v = &m->vmas[i];
		unsigned long s = v->start > lo ? v->start : lo;
		unsigned long e = v->end < hi ? v->end : hi;

		if (s >= e)
			continue;
		if (a->nr && below > e)
			a->segs[a->nr++] = (struct seg){ e, below, 0, 0, -1 };
		a->segs[a->nr++] = (struct seg){ s, e, 0, 0, i };
		below = s;
	}
	for (k = 0; k < a->nr; k++) {
		if (a->segs[k].vma < 0) {
			holes++;
		} else {
			nv++;
			wsum += weight(a->segs[k].end - a->segs[k].start);
		}
	}
	room = AXIS_H - holes * HOLE_H - nv * VMA_MIN_H;
	if (room < 0)
		room = 0;
	for (k = 0; k < a->nr; k++) {
		struct seg *sg = &a->segs[k];
		double h = sg->vma < 0 ? HOLE_H :
			   VMA_MIN_H + room * weight(sg->end - sg->start) / wsum;

		sg->top = y;
		sg->bottom = y + h;
		y += h;
	}
}

/* y of @va on an axis: linear inside its segment, higher VAs higher up. */
static double va_y(const struct axis *a, unsigned long va)
{
	int k;

	for (k = 0; k < a->nr; k++) {
		const struct seg *sg = &a->segs[k];

		if (va >= sg->start && va < sg->end)
			return sg->bottom - (sg->bottom - sg->top) *
			       (double)(va - sg->start) / (double)(sg->end - sg->start);
	}
	return TOP;
}

static void collect_pieces(struct figure *fg, const struct pt_maps *maps,
			   unsigned long lo, unsigned long hi)
{
	size_t n = 0, i, k;
	int p;

	for (p = 0; p < fg->nr; p++)
		for (i = 0; i < maps[p].nr_vmas; i++)
			n += maps[p].vmas[i].nr_runs;
	fg->pieces = xalloc((n + 1) * sizeof(*fg->pieces));
	for (p = 0; p < fg->nr; p++) {
		for (i = 0; i < maps[p].nr_vmas; i++) {
			const struct pt_vma *v = &maps[p].vmas[i];

			for (k = 0; k < v->nr_runs; k++) {
				const struct pt_run *r = &v->runs[k];
				unsigned long s = r->start > lo ? r->start : lo;
				unsigned long e = r->end < hi ? r->end : hi;

				if (strcmp(r->kind, "mapped") || s >= e)
					continue;
				fg->pieces[fg->nr_pieces++] = (struct piece){
					r->pa + (s - r->start), r->pa + (e - r->start), s, p };
			}
		}
	}
	qsort(fg->pieces, fg->nr_pieces, sizeof(*fg->pieces), cmp_piece);
}

/*
 * Clusters: the union of the pieces, merged across gaps of up to @merge
 * bytes; the merge distance doubles until at most MAX_CLUSTERS remain, so
 * that the gap bands never crowd out the frames.
 */
static void make_clusters(struct figure *fg)
{
	unsigned long long merge = 16 * FPAGE, frames, small_frames;
	double room, naive;
	size_t i;
	int c;

	fg->cl = xalloc((fg->nr_pieces + 1) * sizeof(*fg->cl));
	for (;;) {
		fg->nr_cl = 0;
		for (i = 0; i < fg->nr_pieces; i++) {
			struct cluster *last = fg->nr_cl ? &fg->cl[fg->nr_cl - 1] : NULL;
			unsigned long long s = fg->pieces[i].pa & ~(FPAGE - 1);
			unsigned long long e = (fg->pieces[i].end + FPAGE - 1) & ~(FPAGE - 1);

			if (last && s <= last->end + merge) {
				if (e > last->end)
					last->end = e;
				continue;
			}
			fg->cl[fg->nr_cl++] = (struct cluster){ .pa = s, .end = e };
		}
		if (fg->nr_cl <= MAX_CLUSTERS)
			break;
		merge *= 2;
	}
	/*
	 * Frames share the height left by the gaps; a cluster too small to see
	 * at that scale gets CLUSTER_MIN_H, and the others share the rest.
	 */
	room = AXIS_H - (fg->nr_cl - 1) * GAP_H;
	frames = 0;
	for (c = 0; c < fg->nr_cl; c++)
		frames += (fg->cl[c].end - fg->cl[c].pa) / FPAGE;
	naive = fg->cell_h = frames ? room / frames : 0;
	small_frames = 0;
	for (c = 0; c < fg->nr_cl; c++) {
		unsigned long long n = (fg->cl[c].end - fg->cl[c].pa) / FPAGE;

		if (n * fg->cell_h < CLUSTER_MIN_H) {
			room -= CLUSTER_MIN_H;
			small_frames += n;
		}
	}
	if (frames > small_frames && room > 0)
		fg->cell_h = room / (frames - small_frames);
	if (fg->cell_h > CELL_MAX_H)
		fg->cell_h = CELL_MAX_H;
	for (c = 0; c < fg->nr_cl; c++) {
		unsigned long long n = (fg->cl[c].end - fg->cl[c].pa) / FPAGE;

		fg->cl[c].cell_h = n * naive < CLUSTER_MIN_H ? (double)CLUSTER_MIN_H / n :
				   fg->cell_h;
	}
}

/* Who maps each frame; per process, frames drawn and frames shared. */
static void fill_owners(struct figure *fg)
{
	size_t i;
	int c = 0, p;

	for (c = 0; c < fg->nr_cl; c++)
		fg->cl[c].owners = xalloc((fg->cl[c].end - fg->cl[c].pa) / FPAGE *
					  sizeof(uint32_t) + 1);
	c = 0;
	for (i = 0; i < fg->nr_pieces; i++) {
		const struct piece *pc = &fg->pieces[i];
		unsigned long long a;

		while (pc->pa >= fg->cl[c].end)
			c++;
		for (a = pc->pa & ~(FPAGE - 1); a < pc->end; a += FPAGE)
			fg->cl[c].owners[(a - fg->cl[c].pa) / FPAGE] |= 1u << pc->proc;
	}
	for (c = 0; c < fg->nr_cl; c++) {
		unsigned long long f, n = (fg->cl[c].end - fg->cl[c].pa) / FPAGE;

		for (f = 0; f < n; f++) {
			uint32_t o = fg->cl[c].owners[f];

			for (p = 0; p < fg->nr; p++) {
				if (!(o & (1u << p)))
					continue;
				fg->frames[p]++;
				if (o & ~(1u << p))
					fg->shared[p]++;
			}
		}
	}
}

/* Highest addresses at the top, as on the VA axes. */
static void place_clusters(struct figure *fg)
{
	double used = 0, y;
	int c;

	for (c = 0; c < fg->nr_cl; c++)
		used += (fg->cl[c].end - fg->cl[c].pa) / FPAGE * fg->cl[c].cell_h;
	used += (fg->nr_cl > 0 ? fg->nr_cl - 1 : 0) * GAP_H;
	y = TOP + (AXIS_H - used) / 2;
	for (c = fg->nr_cl - 1; c >= 0; c--) {
		fg->cl[c].top = y;
		y += (fg->cl[c].end - fg->cl[c].pa) / FPAGE * fg->cl[c].cell_h;
		fg->cl[c].bottom = y;
		y += GAP_H;
	}
}

static double pa_y(const struct figure *fg, unsigned long long pa)
{
	int c;

	for (c = 0; c < fg->nr_cl; c++)
		if (pa >= fg->cl[c].pa && pa < fg->cl[c].end)
			return fg->cl[c].bottom -
			       (double)(pa - fg->cl[c].pa) / FPAGE * fg->cl[c].cell_h;
	return TOP;
}

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

/* One frame or a stretch of frames with the same owners. */
static void draw_cells(FILE *f, const struct figure *fg, double y, double h,
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
				   cl->owners[i], per_frame);
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
	int left = nr > 1 ? nr / 2 : 1, right = nr - left, width, height, p;
	struct figure fg = { .nr = nr };
	char title[160], sub[200];
	FILE *f;

	if (nr < 1 || nr > FRAMES_MAX_PROCS)
		fatal(EXIT_USAGE, "the picture takes 1 to %d processes", FRAMES_MAX_PROCS);
	/* Left columns outside in, then physical memory, then right inside out. */
	fg.phys_x = 16 + left * COL_W + LINES_W;
	for (p = 0; p < nr; p++) {
		fg.pids[p] = maps[p].pid;
		fg.ax[p].left = p < left;
		fg.ax[p].x = p < left ? 16 + p * COL_W + LABEL_W :
			     fg.phys_x + PHYS_W + LINES_W + (p - left) * COL_W;
		layout_axis(&fg.ax[p], &maps[p], lo, hi);
	}
	collect_pieces(&fg, maps, lo, hi);
	make_clusters(&fg);
	fill_owners(&fg);
	place_clusters(&fg);
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
