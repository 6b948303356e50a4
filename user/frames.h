/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The physical side of several address spaces: which frames each process
 * maps and which frames two or more of them share (the lecture's "three
 * processes sharing memory").
 */
#ifndef PTWALK_FRAMES_H
#define PTWALK_FRAMES_H

#include <stdint.h>
#include <sys/types.h>

#include "json.h"
#include "parse.h"

#define FRAMES_MAX_PROCS	16

struct frame_range {
	unsigned long long pa, end;	/* [pa, end) */
	unsigned long va;
	int proc;
};

struct shared_range {
	unsigned long long pa, end;
	uint32_t procs;			/* bit i: process i maps it */
};

struct frame_set {
	int nr_procs;
	pid_t pids[FRAMES_MAX_PROCS];
	const char *labels[FRAMES_MAX_PROCS];	/* optional: "parent", ... */
	unsigned long long bytes[FRAMES_MAX_PROCS];	/* distinct frames */
	unsigned long long shared_bytes[FRAMES_MAX_PROCS];
	struct frame_range *ranges;	/* sorted by pa */
	size_t nr_ranges;
	struct shared_range *shared;
	size_t nr_shared;
	unsigned long long top;		/* highest frame end */
};

/* Build from @nr maps (physical addresses must be shown). */
void frames_collect(struct frame_set *fs, const struct pt_maps *maps, int nr);
void frames_print(const struct frame_set *fs);
void frames_json_members(struct json *j, const struct frame_set *fs);

#endif /* PTWALK_FRAMES_H */
