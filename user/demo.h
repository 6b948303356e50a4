/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo: each step runs one experiment of the lecture on ptwalk's own
 * address space, takes snapshots of its page tables through
 * /proc/ptwalk/maps before and after, and tells what they show.
 */
#ifndef PTWALK_DEMO_H
#define PTWALK_DEMO_H

#include <stdbool.h>
#include <sys/types.h>

#include "json.h"
#include "parse.h"

#define DEMO_MAX_SNAPS	12
#define DEMO_MAX_FACTS	32
#define DEMO_STEPS	13

struct snapshot {
	const char *label;
	struct pt_maps maps;
	bool self;
	bool has_walk;
	struct pt_walk walk;
};

enum fact_type { FACT_UINT, FACT_HEX, FACT_STR, FACT_BOOL };

struct fact {
	const char *key;
	enum fact_type type;
	unsigned long long num;
	const char *str;
};

struct step {
	int number;
	const char *title;
	const char *does;		/* what the step does, one paragraph */
	unsigned long lo, hi;		/* the affected region */
	struct snapshot snap[DEMO_MAX_SNAPS];
	int nr_snaps;
	struct fact fact[DEMO_MAX_FACTS];
	int nr_facts;
	bool expected;			/* the outcome the lecture predicts (or explained) */
	char shows[640];		/* one sentence on what it shows */
	char files[4][128];		/* written into --out */
	int nr_files;
	bool (*print_extra)(const struct step *s);	/* extra human output */
	/* Steps 9 and 10: what they read besides maps, and its JSON members. */
	const void *data;
	void (*json_extra)(struct json *j, const struct step *s);
	/* Called once the step is printed: release what must outlive the step's run. */
	void (*finish)(struct step *s);
};

/* Take a snapshot of @pid's maps (0: the tool); SIGSTOP after it with --hold. */
struct snapshot *demo_snap(struct step *s, const char *label, pid_t pid);
/* With --hold: stop (SIGSTOP) here, for a step that reads no maps. */
void demo_hold(void);
/* A walk of @va in @pid attached to the last snapshot. */
void demo_walk(struct step *s, pid_t pid, unsigned long va);
void fact_uint(struct step *s, const char *key, unsigned long long v);
void fact_hex(struct step *s, const char *key, unsigned long long v);
void fact_str(struct step *s, const char *key, const char *v);
void fact_bool(struct step *s, const char *key, bool v);
/* A file path inside --out (NULL without --out); recorded in the step. */
const char *demo_file(struct step *s, const char *name);
/* The information file, read once. */
const struct pt_info *demo_info(void);

/* Steps: each fills @s; returns false if it cannot run at all. */
void step_layout(struct step *s);
void step_malloc_small(struct step *s);
void step_malloc_large(struct step *s);
void step_brk(struct step *s);
void step_mmap(struct step *s);
void step_fork_cow(struct step *s);
void step_thp(struct step *s);
void step_stack(struct step *s);
void step_kernel_half(struct step *s);
void step_kernel_alloc(struct step *s);
void step_tables(struct step *s);
void step_figure(struct step *s);
void step_trace(struct step *s);

#endif /* PTWALK_DEMO_H */
