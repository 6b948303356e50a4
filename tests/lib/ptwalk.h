/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-side readers of the module's documented formats (docs/interface.md)
 * and of the kernel's own oracle, /proc/PID/pagemap.
 */
#ifndef PTWALK_TEST_PTWALK_H
#define PTWALK_TEST_PTWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ptwfmt.h"

struct pw_run {
	unsigned long start, end;
	unsigned long page;		/* bytes per entry: 4K, 2M, 1G */
	unsigned long pages;
	char kind[24];			/* mapped, swap, migration-read, ... */
	unsigned long long pa;		/* mapped and pfn kinds */
	unsigned int type;		/* swap, other */
	unsigned long long offset;	/* swap, other */
	char flags[PTW_FLAGS_MAX];
	char cache[8];
};

struct pw_vma {
	char line[512];			/* as /proc/PID/maps prints it, squeezed */
	unsigned long start, end;
};

struct pw_maps {
	int pid, levels;
	bool pfn_shown, complete;
	struct pw_run *runs;
	size_t nruns;
	struct pw_vma *vmas;
	size_t nvmas;
};

/*
 * A run line of maps or kernel, tokenized: every key its kind has, END
 * after START, END - START a whole PAGES x SIZE. 0 or -1.
 */
int pw_run_parse(const struct ptw_line *l, struct pw_run *r);
/* Parse maps text (PTW_HEADER(maps)); 0 or -1 (with a message on stderr). */
int pw_maps_parse(const char *text, struct pw_maps *m);
/* Open maps, target @pid (0: keep the default), optionally nonpresent. */
int pw_maps_read(pid_t pid, bool nonpresent, struct pw_maps *m);
void pw_maps_free(struct pw_maps *m);
const struct pw_run *pw_maps_find(const struct pw_maps *m, unsigned long va);

/*
 * Page by page over every VMA of @pid (/proc/PID/smaps), the module's view
 * @m against /proc/PID/pagemap: a present page must be in a "mapped" run
 * with pagemap's PFN, and a mapped page must be present in pagemap.
 * VM_PFNMAP VMAs (pagemap shows holes) are counted, not compared. The
 * first differences go to stderr.
 */
struct pw_diff {
	long matched, wrong_pfn, extra, missing, pfnmap;
};
int pw_maps_compare(pid_t pid, const struct pw_maps *m, struct pw_diff *d);

/*
 * Well-formedness of one maps output, whatever the target did while it
 * was read: the header, every line "TAG key=value ..." with the keys of
 * its tag (a run: those of its kind) and numbers that parse, each run
 * aligned to its size with END = START + PAGES x SIZE and PAGES >= 1, runs
 * ordered and disjoint and inside the last VMA line before them, VMA lines
 * ordered and disjoint, a last line "end runs=N" counting the runs.
 */
enum pw_fault {
	PWF_HEADER,		/* first lines are not PTW_HEADER(maps), "target " */
	PWF_SYNTAX,		/* a line that is no well-formed vma, run or end line */
	PWF_RUN_ALIGN,		/* START not aligned to SIZE */
	PWF_RUN_PAGES,		/* PAGES is 0 */
	PWF_RUN_END,		/* END != START + PAGES x SIZE */
	PWF_RUN_ORDER,		/* a run starts before the previous one ends */
	PWF_RUN_VMA,		/* a run outside the last VMA line */
	PWF_VMA_ORDER,		/* a VMA starts before the previous one ends */
	PWF_END,		/* no last "end runs=N", or N != runs */
	PWF_NR
};
struct pw_faults {
	unsigned long outputs, runs;		/* outputs and run lines checked */
	unsigned long n[PWF_NR];
	char first[PWF_NR][192];		/* the first offending line */
};
/* Check @text, adding to @f; returns the faults found in @text. */
unsigned long pw_maps_check(const char *text, struct pw_faults *f);
const char *pw_fault_name(enum pw_fault fault);
/* Faults of every kind in @f. */
unsigned long pw_faults_total(const struct pw_faults *f);
/* One line per kind of fault with its count and first line, to stderr. */
void pw_faults_print(const char *who, const struct pw_faults *f);

/*
 * Well-formedness of one walk output for a user @va of @pid: the header,
 * a target line naming them, every line "TAG key=value ..." with the keys
 * of its tag, levels in the MMU's order (PGD, its user copy, P4D with 5
 * levels, PUD, PMD, PTE; a prefix of it), and a last line "result pa=" that
 * the last level's leaf and @va's offset in it give, or "stop reason=none|
 * not-present|bad level=L" naming the last level and, not present, its
 * kind. 0, or -1 with the reason in @why.
 */
int pw_walk_check(const char *text, pid_t pid, unsigned long va, int levels,
		  char *why, size_t whysz);

#define PW_MAX_LEVELS	5

struct pw_walk {
	unsigned long va;			/* of the target line */
	int nlevels;				/* level lines, the user copy not counted */
	char level[PW_MAX_LEVELS][8];		/* names in order */
	unsigned long long entry[PW_MAX_LEVELS];	/* entry=: where each entry sits */
	unsigned long long next[PW_MAX_LEVELS];	/* next=: its table, or 0 */
	char leaf_line[512];			/* the line of the last level, for messages */
	unsigned long leaf;			/* the last level's leaf= in bytes, or 0 */
	char flags[PTW_FLAGS_MAX];		/* the last level's flags= */
	bool has_user_copy;			/* a "level name=PGD copy=user" line */
	bool translated;			/* ended with "result pa=" */
	unsigned long long pa;
	char stop[24];				/* reason= of the stop line: none, ... */
	char stop_level[8];			/* its level=, if any */
	char stop_kind[24];			/* its kind=, if any */
	bool stop_swap;				/* it has type= and offset= */
	unsigned int stop_type;
	unsigned long long stop_offset;
};

/* Parse walk text (header not checked); -1 with errno EBADMSG if malformed. */
int pw_walk_parse(const char *text, struct pw_walk *w);
/* Write @req to /proc/ptwalk/walk and parse; -1 with errno on failure. */
int pw_walk(const char *req, struct pw_walk *w, char **text);

/* A number of /proc/ptwalk/info ("files_open"), or -1. */
/* A field of /proc/ptwalk/info's text (any line); its number, -1 if absent. */
bool pw_info_get(const char *text, const char *key, char *out, size_t sz);
long pw_info_num(const char *key);
/* module_bytes= of a fresh alloc file's summary line: all alloc files' bytes; -1. */
long pw_module_bytes(void);
/* Read a whole ptwalk file after writing @req (NULL: none); errno on -1. */
char *pw_request(const char *path, const char *req);

/* pagemap (root sees PFNs) */
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_FILE		(1ULL << 61)
#define PM_PFN(e)	((e) & ((1ULL << 55) - 1))
#define PM_SWAP_TYPE(e)	((e) & 0x1f)
#define PM_SWAP_OFF(e)	(((e) & ((1ULL << 55) - 1)) >> 5)
/* Entries for [start, end) of @pid into a malloc'ed array; NULL on error. */
uint64_t *pagemap_range(pid_t pid, unsigned long start, unsigned long end);

/* /proc/PID/smaps VMAs (without [vsyscall]); returns count or -1. */
struct pm_vma {
	unsigned long start, end;
	char line[512];		/* the maps line, spaces squeezed */
	bool pfnmap;		/* VmFlags has pf: pagemap cannot see it */
};
int proc_maps(pid_t pid, struct pm_vma **out);

#endif /* PTWALK_TEST_PTWALK_H */
