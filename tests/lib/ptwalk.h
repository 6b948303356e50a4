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

struct pw_run {
	unsigned long start, end;
	unsigned long page;		/* bytes per entry: 4K, 2M, 1G */
	unsigned long pages;
	char kind[24];			/* mapped, swap, migration-read, ... */
	unsigned long long pa;		/* mapped and pfn kinds */
	unsigned int type;		/* swap */
	unsigned long offset;		/* swap */
	char flags[192];
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

/* Parse "ptwalk-maps 1" text; 0 or -1 (with a message on stderr). */
int pw_maps_parse(const char *text, struct pw_maps *m);
/* Open maps, target @pid (0: keep the default), optionally nonpresent. */
int pw_maps_read(pid_t pid, bool nonpresent, struct pw_maps *m);
void pw_maps_free(struct pw_maps *m);
const struct pw_run *pw_maps_find(const struct pw_maps *m, unsigned long va);
bool pw_has_flag(const char *flags, const char *name);

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
 * Well-formedness of one "ptwalk-maps 1" output, whatever the target did
 * while it was read: the header, each run aligned to its size with
 * END = START + PAGES x SIZE and PAGES >= 1, runs ordered and disjoint and
 * inside the last VMA line before them, VMA lines ordered and disjoint, a
 * last line "end runs=N" counting the runs.
 */
enum pw_fault {
	PWF_HEADER,		/* first lines are not "ptwalk-maps 1", "target " */
	PWF_SYNTAX,		/* a line that is no vma, run or end line */
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
 * Well-formedness of one "ptwalk-walk 1" output for a user @va of @pid: the
 * header naming them, levels in the MMU's order (PGD, PGD-user, P4D with 5
 * levels, PUD, PMD, PTE; a prefix of it), and a last line "pa 0x..." that
 * the last level's leaf and @va's offset in it give, or "stop none|
 * not-present|bad level=L" naming the last level. 0, or -1 with the reason
 * in @why.
 */
int pw_walk_check(const char *text, pid_t pid, unsigned long va, int levels,
		  char *why, size_t whysz);

struct pw_walk {
	int nlevels;			/* level lines, "-user" lines not counted */
	char level[6][16];		/* names in order */
	char leaf_line[512];		/* the line of the last level */
	bool has_user_copy;		/* a PGD-user line */
	bool translated;		/* ended with "pa" */
	unsigned long long pa;
	char stop[128];			/* the "stop ..." line without "stop " */
};

/* Write @req to /proc/ptwalk/walk and parse; -1 with errno on failure. */
int pw_walk(const char *req, struct pw_walk *w, char **text);

/* A number of /proc/ptwalk/info ("files_open"), or -1. */
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
