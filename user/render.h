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

/* One run line (people) or run object (JSON), as maps and kernel have them. */
void print_run(FILE *out, const struct pt_run *r, const char *indent);
void json_run(struct json *j, const struct pt_run *r);

void print_walk(FILE *out, const struct pt_walk *walk);
void json_walk_members(struct json *j, const struct pt_walk *walk);

/* The kernel half (render_kernel.c): dump, slot sharing. */
/* @text: /proc/ptwalk/kernel as read, header included. */
void print_kernel(FILE *out, char *text);
/* @brief: consecutive slots shared alike in one line (the demo). */
void print_sharing(FILE *out, const struct pt_sharing *sh, bool brief,
		   const char *indent);
/* JSON by the line rule (json_lines()); also the demo's. */
void json_sharing_members(struct json *j, const struct pt_sharing *sh);

/* Kernel allocations (render_alloc.c). */
void print_alloc(FILE *out, const struct pt_alloc_file *af, const char *indent);
void json_alloc_members(struct json *j, const struct pt_alloc_file *af);
/* Does vmalloc page @i continue the frames of page @i - 1? */
bool alloc_page_continues(const struct pt_alloc *a, size_t i);


/* A run's flags for people: "rw- user" style short form. */
const char *run_perm_summary(const char *flags, char *buf, size_t sz);

#endif /* PTWALK_RENDER_H */
