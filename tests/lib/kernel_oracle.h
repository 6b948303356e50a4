/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Readers for the kernel-half tests: /proc/ptwalk/kernel and
 * /proc/ptwalk/sharing (include/ptwalk/format.h), and the oracle module's
 * ptdump text (arch/x86/mm/dump_pagetables.c), normalised so that the two
 * dumps can be compared address by address.
 */
#ifndef PTWALK_TEST_KERNEL_ORACLE_H
#define PTWALK_TEST_KERNEL_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define KO_DIR		"/sys/kernel/debug/ptwalk_oracle"

/* Normalised attributes of a present leaf, what both dumps can show. */
#define KO_USER		0x1
#define KO_RW		0x2
#define KO_NX		0x4
#define KO_GLOBAL	0x8

struct ko_range {
	unsigned long start, end;	/* end 0: the top of the space */
	unsigned long page;		/* 4K, 2M or 1G, in bytes */
	unsigned int attrs;		/* KO_* */
	char cache[8];			/* WB, WC, UC-, UC, WT, WP */
	unsigned long long pa;		/* ptwalk only: PA of start */
};

struct ko_span {
	unsigned long start, end;
};

struct ko_region {
	unsigned long start, end;
	char name[32];
};

/* One copy ("kernel" or "user") of /proc/ptwalk/kernel. */
struct ko_copy {
	char name[8];
	unsigned long long top;
	struct ko_range *runs;
	size_t nruns;
	struct ko_span *clones;		/* not expanded by ptwalk */
	size_t nclones;
	struct ko_region regions[40];
	size_t nregions;
	bool runs_in_regions;		/* every run inside its region */
};

struct ko_dump {
	int levels;
	bool pti;
	bool complete;			/* "end" line seen */
	unsigned long end_runs, end_clones;
	struct ko_copy copy[2];
	int ncopies;
};

/* What ptdump printed for the kernel half of one table. */
struct ko_ptdump {
	struct ko_range *ranges;	/* present leaves */
	size_t n;
	struct ko_span *skipped;	/* "... N entries skipped ..." */
	size_t nskipped;
	unsigned long covered_from;	/* its kernel range starts here */
};

int ko_parse_dump(const char *text, struct ko_dump *d);
void ko_dump_free(struct ko_dump *d);
const struct ko_copy *ko_copy_get(const struct ko_dump *d, const char *name);
const struct ko_region *ko_region_get(const struct ko_copy *c,
				      const char *name);
const struct ko_range *ko_run_find(const struct ko_copy *c, unsigned long va);

/* @pat: PAT is enabled (Linux's PAT layout), else the power-on layout. */
int ko_parse_ptdump(const char *text, unsigned long kernel_start, bool pat,
		    struct ko_ptdump *p);
void ko_ptdump_free(struct ko_ptdump *p);

/*
 * Compare ptwalk's copy with ptdump's address by address, outside the
 * spans in @skip (and outside what either side did not expand). Prints
 * up to @max_print disagreements to @log; returns how many there are.
 */
long ko_compare(const struct ko_copy *ours, const struct ko_ptdump *pt,
		const struct ko_span *skip, size_t nskip, FILE *log,
		int max_print);

/* "key: 0x..." from an oracle file; false if absent. */
bool ko_oracle_value(const char *file, const char *key, unsigned long *v);
/* First address of the kernel half for @levels. */
unsigned long ko_kernel_start(int levels);

/* /proc/ptwalk/sharing */
struct ko_slot {
	bool user;			/* a user-slot line */
	unsigned int index;
	unsigned long start, end;
	unsigned long long next;	/* 0: none */
	char kernel[12];		/* user slots: same, different, none */
	unsigned int mapped, same, differ;
	unsigned long tables;
	char regions[160];
};

struct ko_exception {
	bool user;
	unsigned int slot;
	int pid;
	unsigned long long next;
};

struct ko_sharing {
	int reader, levels;
	bool pti;
	bool user_copy_none;		/* "user-copy present=no" */
	struct ko_slot *slots;
	size_t nslots;
	struct ko_exception *exc;
	size_t nexc;
	unsigned long processes, skipped, in_use, by_all, tables, saved;
	unsigned long end_exceptions, unlisted;
	bool complete;
};

int ko_parse_sharing(const char *text, struct ko_sharing *s);
void ko_sharing_free(struct ko_sharing *s);

#endif /* PTWALK_TEST_KERNEL_ORACLE_H */
