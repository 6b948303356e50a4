// SPDX-License-Identifier: GPL-2.0
/*
 * Frames of several processes. Every mapped run becomes a physical range;
 * a sweep over the sorted range ends finds where two or more processes
 * map the same frames. Within one process a frame mapped twice (the zero
 * page, a file mapped twice) counts once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "frames.h"
#include "ptwalk.h"

struct edge {
	unsigned long long at;
	int proc;
	int delta;
};

static int cmp_range(const void *a, const void *b)
{
	const struct frame_range *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

static int cmp_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->delta - y->delta;	/* ends before starts at one address */
}

static void add_shared(struct frame_set *fs, unsigned long long s,
		       unsigned long long e, uint32_t procs)
{
	struct shared_range *last = fs->nr_shared ? &fs->shared[fs->nr_shared - 1] : NULL;

	if (last && last->end == s && last->procs == procs) {
		last->end = e;
		return;
	}
	fs->shared[fs->nr_shared++] = (struct shared_range){ s, e, procs };
}

/* Sweep the range edges: per-process depth gives who maps each stretch. */
static void sweep(struct frame_set *fs)
{
	struct edge *ev = xalloc(2 * fs->nr_ranges * sizeof(*ev) + 1);
	int depth[FRAMES_MAX_PROCS] = { 0 };
	size_t i, n = 0;

	for (i = 0; i < fs->nr_ranges; i++) {
		ev[n++] = (struct edge){ fs->ranges[i].pa, fs->ranges[i].proc, 1 };
		ev[n++] = (struct edge){ fs->ranges[i].end, fs->ranges[i].proc, -1 };
	}
	qsort(ev, n, sizeof(*ev), cmp_edge);
	fs->shared = xalloc((n + 1) * sizeof(*fs->shared));
	for (i = 0; i + 1 < n; i++) {
		unsigned long long s = ev[i].at, e = ev[i + 1].at;
		uint32_t procs = 0;
		int p, count = 0;

		depth[ev[i].proc] += ev[i].delta;
		if (s == e)
			continue;
		for (p = 0; p < fs->nr_procs; p++) {
			if (depth[p] > 0) {
				procs |= 1u << p;
				count++;
				fs->bytes[p] += e - s;
			}
		}
		if (count >= 2) {
			add_shared(fs, s, e, procs);
			for (p = 0; p < fs->nr_procs; p++)
				if (procs & (1u << p))
					fs->shared_bytes[p] += e - s;
		}
	}
}

void frames_collect(struct frame_set *fs, const struct pt_maps *maps, int nr)
{
	size_t n = 0, i, k;
	int p;

	memset(fs, 0, sizeof(*fs));
	if (nr > FRAMES_MAX_PROCS)
		fatal(EXIT_USAGE, "at most %d processes at a time", FRAMES_MAX_PROCS);
	fs->nr_procs = nr;
	for (p = 0; p < nr; p++) {
		fs->pids[p] = maps[p].pid;
		if (!maps[p].pfn_shown)
			fatal(EXIT_PERM,
			      "physical addresses are hidden from unprivileged users: run as root (sudo ptwalk ...)");
		for (i = 0; i < maps[p].nr_vmas; i++)
			n += maps[p].vmas[i].nr_runs;
	}
	fs->ranges = xalloc((n + 1) * sizeof(*fs->ranges));
	for (p = 0; p < nr; p++) {
		for (i = 0; i < maps[p].nr_vmas; i++) {
			const struct pt_vma *v = &maps[p].vmas[i];

			for (k = 0; k < v->nr_runs; k++) {
				const struct pt_run *r = &v->runs[k];
				struct frame_range *f;

				if (strcmp(r->kind, "mapped"))
					continue;
				f = &fs->ranges[fs->nr_ranges++];
				f->pa = r->pa;
				f->end = r->pa + (r->end - r->start);
				f->va = r->start;
				f->proc = p;
				if (f->end > fs->top)
					fs->top = f->end;
			}
		}
	}
	qsort(fs->ranges, fs->nr_ranges, sizeof(*fs->ranges), cmp_range);
	sweep(fs);
}

static void procs_text(const struct frame_set *fs, uint32_t procs, char *buf,
		       size_t sz)
{
	size_t n = 0;
	int p;

	buf[0] = '\0';
	for (p = 0; p < fs->nr_procs && n < sz; p++)
		if (procs & (1u << p))
			n += snprintf(buf + n, sz - n, "%s%d", n ? "," : "",
				      (int)fs->pids[p]);
}

#define SHARED_LINES_MAX	40

void frames_print(const struct frame_set *fs)
{
	char a[SIZE_BUF], b[SIZE_BUF], who[128];
	size_t i;
	int p;

	printf("%-8s %-10s %10s %10s %10s\n", "PID", "ROLE", "FRAMES", "MEMORY",
	       "SHARED");
	for (p = 0; p < fs->nr_procs; p++)
		printf("%-8d %-10s %10llu %10s %10s\n", (int)fs->pids[p],
		       fs->labels[p] ? fs->labels[p] : "-", fs->bytes[p] / 4096,
		       fmt_size(fs->bytes[p], a), fmt_size(fs->shared_bytes[p], b));
	if (!fs->nr_shared) {
		printf("no frame is mapped by more than one of these processes\n");
		return;
	}
	printf("\nshared physical ranges (%zu):\n", fs->nr_shared);
	printf("  %-33s %8s  %s\n", "PHYSICAL", "SIZE", "MAPPED BY PIDS");
	for (i = 0; i < fs->nr_shared && i < SHARED_LINES_MAX; i++) {
		procs_text(fs, fs->shared[i].procs, who, sizeof(who));
		printf("  0x%012llx-0x%012llx %8s  %s\n", fs->shared[i].pa,
		       fs->shared[i].end, fmt_size(fs->shared[i].end - fs->shared[i].pa, a),
		       who);
	}
	if (fs->nr_shared > SHARED_LINES_MAX)
		printf("  ... %zu more (--json lists all)\n", fs->nr_shared - SHARED_LINES_MAX);
}

void frames_json_members(struct json *j, const struct frame_set *fs)
{
	size_t i;
	int p;

	json_arr(j, "processes");
	for (p = 0; p < fs->nr_procs; p++) {
		json_obj(j, NULL);
		json_int(j, "pid", fs->pids[p]);
		if (fs->labels[p])
			json_str(j, "role", fs->labels[p]);
		json_uint(j, "frames", fs->bytes[p] / 4096);
		json_uint(j, "bytes", fs->bytes[p]);
		json_uint(j, "shared_frames", fs->shared_bytes[p] / 4096);
		json_arr(j, "ranges");
		for (i = 0; i < fs->nr_ranges; i++) {
			const struct frame_range *f = &fs->ranges[i];

			if (f->proc != p)
				continue;
			json_obj(j, NULL);
			json_hex(j, "pa", f->pa);
			json_hex(j, "end", f->end);
			json_uint(j, "frames", (f->end - f->pa) / 4096);
			json_hex(j, "va", f->va);
			json_end(j);
		}
		json_end(j);
		json_end(j);
	}
	json_end(j);
	json_arr(j, "shared");
	for (i = 0; i < fs->nr_shared; i++) {
		json_obj(j, NULL);
		json_hex(j, "pa", fs->shared[i].pa);
		json_hex(j, "end", fs->shared[i].end);
		json_uint(j, "frames", (fs->shared[i].end - fs->shared[i].pa) / 4096);
		json_arr(j, "pids");
		for (p = 0; p < fs->nr_procs; p++)
			if (fs->shared[i].procs & (1u << p))
				json_int(j, NULL, fs->pids[p]);
		json_end(j);
		json_end(j);
	}
	json_end(j);
}
