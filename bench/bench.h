/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptwalk_bench: /proc/ptwalk/maps against /proc/PID/maps + /proc/PID/pagemap.
 * Shared declarations; each .c file does one job (see its header comment).
 */
#ifndef PTWALK_BENCH_H
#define PTWALK_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define KIB (1UL << 10)
#define MIB (1UL << 20)
#define GIB (1UL << 30)
#define TIB (1UL << 40)
#define PAGE 4096UL
#define CHUNK (64 * KIB)		/* every reader reads 64 KiB at a time */
#define MAX_RANGES 256

/* Sizes of the targets; --quick shrinks them for a debugging boot. */
struct sizes {
	unsigned long dense, thp, sparse, asan;
	unsigned long pm_cap;		/* pagemap reads at most this per VMA */
	double window;			/* seconds per disturbance window */
	int runs;			/* best of N */
};
extern struct sizes sz;

enum target_kind { T_DENSE, T_THP, T_SPARSE, T_ASAN, T_SMALL };

/* What a target child reports about its own region before it stops. */
struct region {
	unsigned long start, len;
	unsigned long touched;		/* pages written */
};

/* A stopped child holding one kind of memory. */
struct target {
	const char *name;
	pid_t pid;
	struct region r;
};

/* Address ranges (what pagemap actually read). */
struct ranges {
	int n;
	unsigned long start[MAX_RANGES], end[MAX_RANGES];
};

/* Present-page counts from one ptwalk dump. */
struct pw_count {
	const struct ranges *in;	/* count within these too (may be NULL) */
	const struct region *region;	/* and within this (may be NULL) */
	unsigned long total, in_ranges, in_region, huge2m, runs;
	unsigned long per_range[MAX_RANGES];
};

/* One side's timing for one dump. */
struct pm_dump {
	double secs;			/* extrapolated when capped */
	unsigned long bytes;		/* bytes actually read (maps + pagemap) */
	unsigned long bytes_full;	/* bytes of an uncapped read */
	int capped;
	struct ranges read;		/* ranges pagemap read */
	unsigned long present;		/* bit 63 over read (when counting) */
	unsigned long per_range[MAX_RANGES];
};

/* util.c */
double now_s(void);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void pin_cpu(int cpu);
void sleep_s(double s);
long meminfo_kb(const char *key);
int read_info(const char *key, char *val, size_t len);

/* targets.c */
int build_region(enum target_kind kind, struct region *r);
int target_start(enum target_kind kind, const char *name, struct target *t);
void target_stop(struct target *t);

/* readers.c */
int ptwalk_dump(pid_t pid, unsigned long *bytes, struct pw_count *c);
int pagemap_dump(pid_t pid, unsigned long cap, int count, struct pm_dump *d);
int pfnmap_vmas(pid_t pid, struct ranges *pf);
void reader_loop(pid_t pid, int use_ptwalk) __attribute__((noreturn));

/* probe.c */
struct probe_stats {
	double p50_us, p99_us, max_us, calls_per_s;
	unsigned long calls;
};
struct probe_target {
	pid_t pid;
	int cmd, res;			/* pipes to and from the target */
};
int probe_target_start(enum target_kind kind, struct probe_target *pt);
int probe_measure(struct probe_target *pt, struct probe_stats *st);
void probe_target_stop(struct probe_target *pt);

/* lifecycle.c */
struct reap_result {
	int tries;
	double best_ms, worst_ms;
};
struct mem_result {
	int readers;
	/* per reader, bytes: meminfo deltas while every reader holds a dump */
	double memfree, slab, sunreclaim, vmalloc, kstack;
	double kernel;			/* slab + vmalloc + kernel stack */
};
int reap_measure(pid_t pid, int tries, struct reap_result *r);
int mem_measure(pid_t pid, int readers, struct mem_result *m);

#endif /* PTWALK_BENCH_H */
