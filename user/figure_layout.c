// SPDX-License-Identifier: GPL-2.0
/*
 * Figure 13.2's layout (figure.h). Neither axis can be drawn to scale: a
 * user half is up to 2^56 bytes and the frames of a few processes are
 * scattered over gigabytes. So both are compressed the same way as the
 * maps picture (svg.c): each VMA gets a segment (taller for bigger VMAs,
 * on a log scale) in which position is linear, holes between VMAs shrink
 * to a fixed band; on the physical axis, the frames actually used are
 * grouped into clusters drawn frame by frame, and the gaps between
 * clusters shrink to fixed bands.
 */
#include <stdlib.h>
#include <string.h>

#include "figure.h"
#include "ptwalk.h"

#define VMA_MIN_H	18
#define CELL_MAX_H	14
#define CLUSTER_MIN_H	4	/* a lone frame far away stays visible */
#define MAX_CLUSTERS	12

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
double va_y(const struct axis *a, unsigned long va)
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

double pa_y(const struct figure *fg, unsigned long long pa)
{
	int c;

	for (c = 0; c < fg->nr_cl; c++)
		if (pa >= fg->cl[c].pa && pa < fg->cl[c].end)
			return fg->cl[c].bottom -
			       (double)(pa - fg->cl[c].pa) / FPAGE * fg->cl[c].cell_h;
	return TOP;
}

void figure_layout(struct figure *fg, const struct pt_maps *maps, int nr,
		   unsigned long lo, unsigned long hi)
{
	int left = nr > 1 ? nr / 2 : 1, p;

	memset(fg, 0, sizeof(*fg));
	fg->nr = nr;
	/* Left columns outside in, then physical memory, then right inside out. */
	fg->phys_x = 16 + left * COL_W + LINES_W;
	for (p = 0; p < nr; p++) {
		fg->pids[p] = maps[p].pid;
		fg->ax[p].left = p < left;
		fg->ax[p].x = p < left ? 16 + p * COL_W + LABEL_W :
			      fg->phys_x + PHYS_W + LINES_W + (p - left) * COL_W;
		layout_axis(&fg->ax[p], &maps[p], lo, hi);
	}
	collect_pieces(fg, maps, lo, hi);
	make_clusters(fg);
	fill_owners(fg);
	place_clusters(fg);
}
