// SPDX-License-Identifier: GPL-2.0
/* Human-output helpers and the region table (names, colours). */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "ptwalk.h"

size_t utf8_char(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, k;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* The second byte's range rules out overlong forms, surrogates and > U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	return len;
}

const char *fmt_size(unsigned long long bytes, char *buf)
{
	static const char units[] = "KMGTPE";
	double v = bytes / 1024.0;
	int u = 0;

	if (bytes < 1024) {
		snprintf(buf, SIZE_BUF, "%lluB", bytes);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (v == (unsigned long long)v || v >= 100)
		snprintf(buf, SIZE_BUF, "%.0f%c", v, units[u]);
	else
		snprintf(buf, SIZE_BUF, "%.1f%c", v, units[u]);
	return buf;
}

const char *col(enum colour c)
{
	static const char *const seq[] = {
		[C_RESET] = "\033[0m", [C_BOLD] = "\033[1m", [C_DIM] = "\033[2m",
		[C_RED] = "\033[31m", [C_GREEN] = "\033[32m",
		[C_YELLOW] = "\033[33m", [C_BLUE] = "\033[34m",
		[C_MAGENTA] = "\033[35m", [C_CYAN] = "\033[36m",
	};

	return opt_color ? seq[c] : "";
}

const struct region_style region_styles[RK_NR] = {
	[RK_CODE] = { .name = "code", .fill = "#e4572e", .colour = C_RED },
	[RK_RODATA] = { .name = "rodata", .fill = "#f3a712", .colour = C_YELLOW },
	[RK_DATA] = { .name = "data", .fill = "#a8c686", .colour = C_GREEN },
	[RK_BSS] = { .name = "bss", .fill = "#669bbc", .colour = C_CYAN },
	[RK_HEAP] = { .name = "heap", .fill = "#29335c", .colour = C_BLUE },
	[RK_MMAP_ANON] = { .name = "mmap-anon", .fill = "#8e7dbe", .colour = C_MAGENTA },
	[RK_MMAP_FILE] = { .name = "mmap-file", .fill = "#c3a29e", .colour = C_MAGENTA },
	[RK_STACK] = { .name = "stack", .fill = "#2a9d8f", .colour = C_GREEN },
	[RK_VDSO] = { .name = "vdso", .fill = "#e9c46a", .colour = C_YELLOW },
	[RK_VVAR] = { .name = "vvar", .fill = "#f4d58d", .colour = C_YELLOW },
	[RK_ARENA] = { .name = "ptwalk-arena", .fill = "#bbbbbb", .colour = C_DIM },
	[RK_OTHER] = { .name = "other", .fill = "#999999", .colour = C_DIM },
};

/* The executable: the lowest file-backed VMA (the kernel maps it first). */
static const char *exe_name(const struct pt_maps *maps)
{
	size_t i;

	for (i = 0; i < maps->nr_vmas; i++) {
		if (maps->vmas[i].name[0] == '/')
			return maps->vmas[i].name;
	}
	return NULL;
}

enum region_kind classify_vma(const struct pt_maps *maps, size_t i, bool self)
{
	const struct pt_vma *v = &maps->vmas[i];
	const char *exe = exe_name(maps);

	if (!strcmp(v->name, "[heap]"))
		return RK_HEAP;
	if (!strcmp(v->name, "[stack]"))
		return RK_STACK;
	if (!strcmp(v->name, "[vdso]"))
		return RK_VDSO;
	if (!strncmp(v->name, "[vvar", 5))
		return RK_VVAR;
	if (exe && !strcmp(v->name, exe)) {
		if (v->perms[2] == 'x')
			return RK_CODE;
		return v->perms[1] == 'w' ? RK_DATA : RK_RODATA;
	}
	if (self && arena_contains(v->start, v->end))
		return RK_ARENA;
	/* bss: the anonymous mapping right after the executable's data. */
	if (!v->name[0] && exe && i > 0 && maps->vmas[i - 1].end == v->start &&
	    !strcmp(maps->vmas[i - 1].name, exe) && v->perms[1] == 'w')
		return RK_BSS;
	if (v->name[0] == '/')
		return RK_MMAP_FILE;
	if (!v->name[0])
		return RK_MMAP_ANON;
	return RK_OTHER;
}

unsigned long long vma_present_bytes(const struct pt_vma *vma,
				     unsigned long lo, unsigned long hi)
{
	unsigned long long sum = 0;
	size_t i;

	for (i = 0; i < vma->nr_runs; i++) {
		const struct pt_run *r = &vma->runs[i];
		unsigned long s = r->start > lo ? r->start : lo;
		unsigned long e = r->end < hi ? r->end : hi;

		if (strcmp(r->kind, "mapped") || s >= e)
			continue;
		sum += e - s;
	}
	return sum;
}
