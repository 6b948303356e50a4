/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-contained SVG pictures (no scripts, fonts or external references):
 * an address space drawn like the lecture's figure (svg.c), and several
 * address spaces with the physical frames they map between them, the
 * lecture's Figure 13.2 (figure.c).
 */
#ifndef PTWALK_SVG_H
#define PTWALK_SVG_H

#include <stdbool.h>
#include <stdio.h>

#include "frames.h"
#include "parse.h"

/* fatal() if the file cannot be written. */
void svg_maps_file(const char *path, const struct pt_maps *maps,
		   const struct pt_info *info, bool self);
/*
 * Figure 13.2: @nr address spaces on their own axes, physical memory
 * between them frame by frame, a line from each page or run to its frame.
 * Only what lies in [lo, hi) is drawn (0, ~0UL: everything); @labels
 * (may be NULL) name the processes' roles; @self: the maps are the tool's
 * or its forked children's (for the region names).
 */
void svg_figure_file(const char *path, const struct pt_maps *maps, int nr,
		     const char *const *labels, unsigned long lo,
		     unsigned long hi, bool self);

/* The helpers both pictures share (svg.c). */
FILE *svg_open(const char *path, int width, int height, const char *title);
void svg_close(FILE *f, const char *path);
/* Text content or attribute value, escaped for XML. */
void xml_text(FILE *f, const char *s);
void text_at(FILE *f, int x, int y, const char *anchor, const char *style,
	     const char *s);

#endif /* PTWALK_SVG_H */
