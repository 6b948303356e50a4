/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Figure 13.2's geometry, shared by its layout (figure_layout.c: where
 * each VMA, page, frame cluster and frame goes) and its drawing
 * (figure.c). Internal to those two files.
 */
#ifndef PTWALK_FIGURE_H
#define PTWALK_FIGURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "frames.h"
#include "parse.h"

#define FPAGE		4096ULL
#define COL_W		200	/* a process column: labels and axis */
#define LABEL_W		150
#define AXIS_W		40
#define LINES_W		260	/* room for the lines between axes */
#define PHYS_W		130
#define TOP		96
#define AXIS_H		480	/* both axes' drawing height */
#define HOLE_H		16
#define GAP_H		26

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

/*
 * Place @nr processes' axes (half left of physical memory, the rest
 * right), their pages inside [lo, hi), and the frames those use.
 */
void figure_layout(struct figure *fg, const struct pt_maps *maps, int nr,
		   unsigned long lo, unsigned long hi);
/* y of @va on an axis, of @pa on the physical axis. */
double va_y(const struct axis *a, unsigned long va);
double pa_y(const struct figure *fg, unsigned long long pa);

#endif /* PTWALK_FIGURE_H */
