/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's documented formats (docs/interface.md) in parsed form.
 * Parsers check the "ptwalk-X N" version line and refuse versions they do
 * not know; malformed output ends the tool with EXIT_FORMAT.
 */
#ifndef PTWALK_PARSE_H
#define PTWALK_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ptwalk-info (its lines, for JSON), plus the THP mode from sysfs */
struct pt_info {
	unsigned long user_top;		/* where the pictures' user half ends */
	char thp[16];
	char *lines;			/* the lines after the header, as read */
};

/* One "run" line of ptwalk-maps: merged entries of one kind. */
struct pt_run {
	unsigned long start, end;
	char size[8];			/* "4K", "2M", "1G" */
	unsigned long page_size;	/* the same in bytes */
	unsigned long pages;
	char kind[24];			/* "mapped", "swap", "migration-read", ... */
	bool has_pa;
	unsigned long long pa;		/* of start (0 when hidden) */
	bool has_swap;			/* swap and other: type and offset */
	unsigned int type;
	unsigned long long offset;
	bool has_bits;			/* marker */
	unsigned long long bits;
	char flags[192];		/* comma-separated, "" for none */
	char cache[4];
};

/* One "vma" line and the runs that follow it. */
struct pt_vma {
	unsigned long start, end;
	char perms[5];
	unsigned long long offset;
	char dev[16];
	unsigned long inode;
	char *name;			/* unescaped */
	struct pt_run *runs;
	size_t nr_runs;
};

/* ptwalk-maps */
struct pt_maps {
	pid_t pid;
	int levels;
	bool pfn_shown;
	struct pt_vma *vmas;
	size_t nr_vmas;
	size_t nr_runs;			/* "end runs=N" */
	char *lines;			/* the lines after the header, as read */
};

enum pt_entry_kind { PTE_KIND_TABLE, PTE_KIND_LEAF, PTE_KIND_NONPRESENT, PTE_KIND_NONE };

/* One level line of ptwalk-walk. */
struct pt_level {
	char name[12];			/* PGD, PGD-user, P4D, PUD, PMD, PTE */
	unsigned int index;
	unsigned long long entry;	/* physical address of the entry */
	unsigned long long raw;
	char flags[192];
	enum pt_entry_kind kind;
	unsigned long long next;	/* table */
	char cache[4];			/* leaf */
	char leaf[8];
	unsigned long long frame;
	char np_kind[24];		/* non-present */
};

#define PT_MAX_LEVELS	8

/* ptwalk-walk */
struct pt_walk {
	bool kernel;
	pid_t pid;
	unsigned long va;
	int levels;
	bool pti;
	bool pfn_shown;
	bool has_top;
	unsigned long long top;
	struct pt_level level[PT_MAX_LEVELS];
	int nr_levels;
	bool translated;		/* "pa" line; else "stop" */
	unsigned long long pa;
	char stop[24];			/* none, not-present, bad, non-canonical, ... */
	char stop_level[8];
	char stop_kind[24];
	char *lines;			/* the lines after the header, as read */
};


void parse_info(char *text, struct pt_info *info);
void parse_maps(char *text, struct pt_maps *maps);
void parse_walk(char *text, struct pt_walk *walk);

struct ptw_line;
/*
 * Check @text's first line is the header this tool reads for @name
 * (include/ptwalk/format.h); returns the rest. Otherwise ends the tool
 * with EXIT_FORMAT, naming the module release that prints it.
 */
char *parse_version(char *text, const char *name);
/* The same, and a file that ends with an "end" line must have it. */
char *lines_body(char *text, const char *name);
/* The longest module line split_line() takes, its NUL included. */
#define LINE_BUF	8192
/* Past the line at @p: after its newline, or at the end of the text. */
const char *line_after(const char *p);
/*
 * The line at @p of /proc/ptwalk/@file, split into @l inside @buf
 * (LINE_BUF bytes) with its values unescaped; the text is not changed.
 * A line that is not "TAG key=value ..." ends the tool (EXIT_FORMAT).
 */
void split_line(const char *p, char *buf, struct ptw_line *l, const char *file);
/* Tokenize @line of @file (lib/ptwfmt.c), or end the tool (EXIT_FORMAT). */
void parse_line(char *line, struct ptw_line *l, const char *file);
/* A required field of the line parse_line() read last; EXIT_FORMAT if absent. */
const char *field(const struct ptw_line *l, const char *key, const char *file);
unsigned long long field_num(const struct ptw_line *l, const char *key, const char *file);
/* "on" or "yes" */
bool field_on(const struct ptw_line *l, const char *key);
/* Numbers in the module's notation: decimal, or hex with 0x. */
unsigned long long parse_num(const char *s, const char *file);
/* Helpers for the per-file parsers (parse_*.c); @file names the file. */
void bad_line(const char *file, const char *line) __attribute__((noreturn));
/* The line parse_line() read last is not what @file has. */
void bad_line_here(const char *file) __attribute__((noreturn));
void copy_field(char *dst, size_t sz, const char *src, const char *file);
void copy_flags(char *dst, size_t sz, const char *src, const char *file);
/* A "run" line as maps and kernel print it. */
void parse_run_line(const struct ptw_line *l, struct pt_run *run, const char *file);
/* Lines of @text (after the version line) that start with @prefix. */
size_t count_lines(const char *text, const char *prefix);

/* Bytes for a size name ("4K", "2M", "1G", "512G", "256T"); 0 if unknown. */
unsigned long size_bytes(const char *name);
/* Is @flag in the comma-separated @flags? */
bool has_flag(const char *flags, const char *flag);

#endif /* PTWALK_PARSE_H */
