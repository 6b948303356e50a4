/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recording half of `ptwalk trace`: a process's page faults and
 * page-table changes (both from the module's /proc/ptwalk/trace), read
 * into items and handed out in time order. The printing half (human, JSON) is the
 * caller's: cmd_trace.c, and the demo.
 */
#ifndef PTWALK_TRACER_H
#define PTWALK_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TRACER_MAX_ITEMS	65536	/* pending items; more are handed out early */
#define TRACER_MAX_ENTRIES	16	/* entry lines of one done record */
#define TRACER_BUF		(64 * 1024)

enum item_type { IT_FAULT, IT_EVENT, IT_DONE, IT_DROP, IT_EXIT };

struct entry {
	unsigned long va;
	bool has_before;
	unsigned long long before, after;
	char before_level[8], after_level[8];
};

struct item {
	enum item_type type;
	unsigned long long time, seq, ref, count, total;
	unsigned long start, end;	/* fault: start is the address */
	unsigned long ip;
	/* fault: the entry it produced, its level, when the module read it */
	unsigned long long entry;
	char entry_level[8], entry_at[16];
	/* fault: read, write, exec or unknown; prot: yes, no or unknown */
	char access[8], prot[8];
	pid_t pid, tid;
	bool user, blockable;
	char kind[24];
	unsigned int nentries;
	struct entry *e;
};

struct tracer {
	int fd;				/* /proc/ptwalk/trace */
	pid_t pid;
	char pfn[16];			/* "shown" or "hidden" */
	bool faults_recorded;		/* the target line says so */
	bool access_recorded;		/* the target line: access=recorded */
	struct item *items;
	size_t nitems;
	char rest[TRACER_BUF];		/* a partial line of the trace file */
	size_t rest_len;
	struct entry *entries;		/* TRACER_MAX_ITEMS * TRACER_MAX_ENTRIES */
	size_t nentries;
	unsigned long long t0;		/* time of the first item handed out */
	bool exited;
	/* Counts for the summary. */
	unsigned long long faults, events, dones, dropped;
};

typedef void (*tracer_emit)(const struct tracer *t, const struct item *it, void *ctx);

unsigned long long mono_ns(void);	/* CLOCK_MONOTONIC, the records' clock */
/* Start recording @pid (its page-table changes and faults); fatal on error. */
void tracer_start(struct tracer *t, pid_t pid);
/*
 * Read everything the module has buffered and hand it to @emit, in time
 * order (in batches when it is more than the item buffer holds).
 */
void tracer_drain(struct tracer *t, tracer_emit emit, void *ctx);
/* NULL when faults are recorded, or why they are not. */
const char *tracer_faults_missing(const struct tracer *t);
void tracer_stop(struct tracer *t);

#endif /* PTWALK_TRACER_H */
