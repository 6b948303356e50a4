/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of parsed maps and walks, for people and as JSON; shared by the
 * commands and the demo. A range [lo, hi) limits output to the VMAs that
 * overlap it, with their runs clipped to it (0, ~0UL for everything).
 */
#ifndef PTWALK_RENDER_H
#define PTWALK_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"
#include "parse.h"

#define ALL_LO	0UL
#define ALL_HI	(~0UL)

/* Human: one line per VMA, its runs indented under it. */
void print_maps(FILE *out, const struct pt_maps *maps, bool self,
		unsigned long lo, unsigned long hi, const char *indent);
/* The same with at most @max_runs run lines per VMA (then "... N more"). */
void print_maps_brief(FILE *out, const struct pt_maps *maps, bool self,
		      unsigned long lo, unsigned long hi, const char *indent,
		      size_t max_runs);
/* JSON: the members of a maps object (pid, ..., "vmas": [...]). */
void json_maps_members(struct json *j, const struct pt_maps *maps, bool self,
		       unsigned long lo, unsigned long hi);
/* Pages (4K units) with a frame in [lo, hi). */
unsigned long present_pages(const struct pt_maps *maps, unsigned long lo,
			    unsigned long hi);
/* The first mapped run covering @va, or NULL; *pa its physical address. */
const struct pt_run *run_at(const struct pt_maps *maps, unsigned long va,
			    unsigned long long *pa);

/* One run line for people, as maps and kernel have them. */
void print_run(FILE *out, const struct pt_run *r, const char *indent);

void print_walk(FILE *out, const struct pt_walk *walk);
void json_walk_members(struct json *j, const struct pt_walk *walk);

/* The kernel half (render_kernel.c). */
/* @text: /proc/ptwalk/kernel as read, header included. */
void print_kernel(FILE *out, char *text);

#endif /* PTWALK_RENDER_H */
