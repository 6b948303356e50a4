/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Human output: sizes in K/M/G, colour (only when opt_color), and the
 * names of address-space regions as the lecture uses them.
 */
#ifndef PTWALK_FMT_H
#define PTWALK_FMT_H

#include <stdbool.h>

#include "parse.h"

#define SIZE_BUF	16

/* "4K", "132K", "1.5M", "2G", "128T": a byte count for people. */
const char *fmt_size(unsigned long long bytes, char *buf);
/*
 * Bytes of the well-formed UTF-8 character at @s (RFC 3629: no overlong
 * form, no surrogate, nothing above U+10FFFF), or 0 if it is not one.
 * Names come from the kernel as bytes; JSON and XML need characters.
 */
size_t utf8_char(const char *s);

enum colour { C_RESET, C_BOLD, C_DIM, C_RED, C_GREEN, C_YELLOW, C_BLUE,
	      C_MAGENTA, C_CYAN };
/* The escape sequence for @c, or "" when colour is off. */
const char *col(enum colour c);

/* What a VMA is, for labels, colours and the demo's step 1. */
enum region_kind {
	RK_CODE, RK_RODATA, RK_DATA, RK_BSS, RK_HEAP, RK_MMAP_ANON,
	RK_MMAP_FILE, RK_STACK, RK_VDSO, RK_VVAR, RK_ARENA, RK_OTHER,
	RK_NR
};

struct region_style {
	const char *name;	/* JSON and labels */
	const char *fill;	/* SVG colour */
	enum colour colour;	/* terminal colour */
};

extern const struct region_style region_styles[RK_NR];

/* Classify maps->vmas[i]; @self: the maps are the tool's own. */
enum region_kind classify_vma(const struct pt_maps *maps, size_t i, bool self);
/* Bytes of @vma that are mapped (present leaves), within [lo, hi). */
unsigned long long vma_present_bytes(const struct pt_vma *vma,
				     unsigned long lo, unsigned long hi);

#endif /* PTWALK_FMT_H */
