// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk_bench: time /proc/ptwalk/maps against /proc/PID/maps +
 * /proc/PID/pagemap on stopped targets, measure how much each reader
 * disturbs a running target, how fast a killed reader dies, and the kernel
 * memory a reader holds. Prints a table and PASS/FAIL per target goal, and
 * writes the same as one JSON object (--json FILE).
 *
 * Exit status: 0 when it ran (goals missed or not), 1 when the two sides
 * disagree on the present pages, 2 when it could not run.
 *
 *   ptwalk_bench [--quick] [--json FILE]
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

struct sizes sz = {
	.dense = GIB, .thp = GIB, .sparse = 64 * GIB, .asan = 16 * TIB,
	.pm_cap = GIB, .window = 2.0, .runs = 5,
};

static const struct sizes quick = {
	.dense = 64 * MIB, .thp = 64 * MIB, .sparse = 4 * GIB, .asan = TIB,
	.pm_cap = 256 * MIB, .window = 0.5, .runs = 2,
};

struct tres {
	const char *name;
	enum target_kind kind;
	double goal;			/* ratio pagemap/ptwalk wanted */
	double setup_s, pw_s, pm_s, ratio;
	unsigned long pw_bytes;
	struct pm_dump pm;		/* the counting run: bytes, ranges, present */
	struct pw_count pc;
	unsigned long touched;
	unsigned long pfnmap_pw, pfnmap_pm;	/* left out of the agreement */
	int vmas, agree;
};

static struct tres tres[] = {
	{ .name = "dense", .kind = T_DENSE, .goal = 2 },
	{ .name = "thp", .kind = T_THP, .goal = 10 },
	{ .name = "sparse", .kind = T_SPARSE, .goal = 2 },
	{ .name = "asan", .kind = T_ASAN, .goal = 1000 },
};
#define NTARGETS (int)(sizeof(tres) / sizeof(tres[0]))

static const char *const dist_targets[] = { "dense", "sparse" };
static const char *const dist_readers[] = { "none", "pagemap", "ptwalk" };
static struct probe_stats dist[2][3];
static struct reap_result reap;
static struct mem_result mem_small, mem_large;
static int mem_independent;

struct check {
	char name[64];
	char detail[96];
	int pass;
};
static struct check checks[32];
static int nchecks;

static void check(int pass, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(int pass, const char *name, const char *fmt, ...)
{
	struct check *c = &checks[nchecks++];
	va_list ap;

	snprintf(c->name, sizeof(c->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	c->pass = pass;
}

static void phase(const char *name, double t0)
{
	printf("# phase %-28s %7.1f s\n", name, now_s() - t0);
	fflush(stdout);
}

static int in_ranges(const struct ranges *rs, unsigned long s, unsigned long e)
{
	for (int i = 0; i < rs->n; i++)
		if (s < rs->end[i] && rs->start[i] < e)
			return 1;
	return 0;
}

/*
 * Both sides count the same present pages over what pagemap read, leaving
 * out VM_PFNMAP VMAs (pagemap shows them as holes), and ptwalk sees every
 * page the target touched in its region.
 */
static int agree(struct tres *r, pid_t pid)
{
	unsigned long pm = 0, pw = 0;
	struct ranges pf;

	if (pfnmap_vmas(pid, &pf))
		die("smaps of %s target", r->name);
	for (int i = 0; i < r->pm.read.n; i++) {
		if (in_ranges(&pf, r->pm.read.start[i], r->pm.read.end[i])) {
			r->pfnmap_pm += r->pm.per_range[i];
			r->pfnmap_pw += r->pc.per_range[i];
			continue;
		}
		pm += r->pm.per_range[i];
		pw += r->pc.per_range[i];
	}
	return pm == pw && r->pc.in_region == r->touched;
}

/* Counting run of both sides, then best of N timed runs, alternating order. */
static void measure_target(struct tres *r, struct target *t)
{
	r->touched = t->r.touched;
	if (pagemap_dump(t->pid, sz.pm_cap, 1, &r->pm))
		die("pagemap of %s target", r->name);
	r->vmas = r->pm.read.n;
	r->pc.in = &r->pm.read;
	r->pc.region = &t->r;
	if (ptwalk_dump(t->pid, &r->pw_bytes, &r->pc))
		die("ptwalk maps of %s target", r->name);
	r->pc.in = NULL;
	r->pc.region = NULL;
	r->agree = agree(r, t->pid);
	r->pw_s = r->pm_s = 1e30;
	for (int i = 0; i < 2 * sz.runs; i++) {
		int pw_side = (i % 2) ^ ((i / 2) % 2);	/* pw,pm / pm,pw / ... */
		unsigned long bytes;
		struct pm_dump d;
		double t0 = now_s();

		if (pw_side) {
			if (ptwalk_dump(t->pid, &bytes, NULL))
				die("ptwalk maps of %s target", r->name);
			if (now_s() - t0 < r->pw_s)
				r->pw_s = now_s() - t0;
		} else {
			if (pagemap_dump(t->pid, sz.pm_cap, 0, &d))
				die("pagemap of %s target", r->name);
			if (d.secs < r->pm_s)
				r->pm_s = d.secs;
		}
	}
	r->ratio = r->pm_s / r->pw_s;
}

static void run_targets(struct target *sparse)
{
	for (int i = 0; i < NTARGETS; i++) {
		struct tres *r = &tres[i];
		struct target t;
		double t0 = now_s();
		char ph[64];

		if (target_start(r->kind, r->name, &t))
			die("could not build the %s target", r->name);
		r->setup_s = now_s() - t0;
		snprintf(ph, sizeof(ph), "setup %s", r->name);
		phase(ph, t0);
		t0 = now_s();
		measure_target(r, &t);
		snprintf(ph, sizeof(ph), "measure %s", r->name);
		phase(ph, t0);
		if (r->kind == T_SPARSE)
			*sparse = t;
		else
			target_stop(&t);
	}
}

/* Windows per reader: their median makes one slow window a non-event. */
#define DIST_REPS 3

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median3(double a, double b, double c)
{
	double v[DIST_REPS] = { a, b, c };

	qsort(v, DIST_REPS, sizeof(v[0]), cmp_double);
	return v[DIST_REPS / 2];
}

/* One figure per reader from DIST_REPS windows: medians, and the max. */
static void combine(struct probe_stats *out, const struct probe_stats *w)
{
	out->p50_us = median3(w[0].p50_us, w[1].p50_us, w[2].p50_us);
	out->p99_us = median3(w[0].p99_us, w[1].p99_us, w[2].p99_us);
	out->calls_per_s = median3(w[0].calls_per_s, w[1].calls_per_s,
				   w[2].calls_per_s);
	out->max_us = w[0].max_us;
	out->calls = 0;
	for (int r = 0; r < DIST_REPS; r++) {
		if (w[r].max_us > out->max_us)
			out->max_us = w[r].max_us;
		out->calls += w[r].calls;
	}
}

/*
 * The probe under no reader, a pagemap reader and a ptwalk reader, each
 * DIST_REPS times, the order reversed every other round so that neither
 * reader always follows the same one.
 */
static void run_disturbance(void)
{
	enum target_kind kinds[2] = { T_DENSE, T_SPARSE };

	for (int i = 0; i < 2; i++) {
		struct probe_stats win[3][DIST_REPS];
		struct probe_target pt;
		double t0 = now_s();
		char ph[64];

		if (probe_target_start(kinds[i], &pt))
			die("could not start the %s probe target", dist_targets[i]);
		for (int r = 0; r < DIST_REPS; r++) {
			for (int j = 0; j < 3; j++) {
				int k = r % 2 ? 2 - j : j;
				pid_t rd = 0;

				if (k) {
					rd = fork();
					if (rd < 0)
						die("fork");
					if (rd == 0)
						reader_loop(pt.pid, k == 2);
					sleep_s(0.1);
				}
				if (probe_measure(&pt, &win[k][r]))
					die("probe of %s target", dist_targets[i]);
				if (rd) {
					int status;

					if (waitpid(rd, &status, WNOHANG) != 0)
						die("%s reader died during the window",
						    dist_readers[k]);
					kill(rd, SIGKILL);
					waitpid(rd, NULL, 0);
				}
			}
		}
		for (int k = 0; k < 3; k++)
			combine(&dist[i][k], win[k]);
		probe_target_stop(&pt);
		snprintf(ph, sizeof(ph), "disturbance %s", dist_targets[i]);
		phase(ph, t0);
	}
}

static void run_lifecycle(struct target *sparse)
{
	struct target small;
	double t0 = now_s(), a, b;

	if (reap_measure(sparse->pid, 5, &reap))
		die("killed-reader measure");
	phase("killed reader", t0);
	t0 = now_s();
	if (target_start(T_SMALL, "small", &small))
		die("could not start the small target");
	if (mem_measure(small.pid, 16, &mem_small) ||
	    mem_measure(sparse->pid, 16, &mem_large))
		die("per-reader memory measure");
	target_stop(&small);
	a = mem_small.kernel;
	b = mem_large.kernel;
	mem_independent = (b > a ? b - a : a - b) <= 4 * KIB + 0.1 * (a > b ? a : b);
	phase("per-reader memory", t0);
}

static void print_tables(void)
{
	printf("\n%-7s %4s %9s %9s %9s %10s %10s %9s %8s %6s %5s\n", "target", "vmas",
	       "present", "ptwalk_s", "pw_MB", "pagemap_s", "pm_MB", "ratio", "goal",
	       "agree", "");
	for (int i = 0; i < NTARGETS; i++) {
		struct tres *r = &tres[i];

		printf("%-7s %4d %9lu %9.4f %9.2f %9.4f%s %10.2f %9.1f %7.0fx %6s %5s\n",
		       r->name, r->vmas, r->pc.total, r->pw_s, r->pw_bytes / 1e6, r->pm_s,
		       r->pm.capped ? "*" : " ", r->pm.bytes_full / 1e6, r->ratio, r->goal,
		       r->agree ? "yes" : "NO", r->ratio >= r->goal ? "PASS" : "FAIL");
	}
	printf("* pagemap capped at %lu MiB per VMA, time extrapolated linearly by VMA size;"
	       " pm_MB is an uncapped read's size\n", sz.pm_cap / MIB);
	printf("agree: same present pages over what pagemap read (VM_PFNMAP VMAs such as"
	       " [vvar] left out: pagemap shows them as holes) and every touched page seen\n");
	printf("present pages/s:");
	for (int i = 0; i < NTARGETS; i++)
		printf(" %s ptwalk %.3g pagemap %.3g;", tres[i].name,
		       tres[i].pc.total / tres[i].pw_s, tres[i].pc.total / tres[i].pm_s);
	printf("\n\n%-7s %-8s %9s %9s %10s %10s\n", "probe", "reader", "p50_us", "p99_us",
	       "max_us", "calls/s");
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 3; k++)
			printf("%-7s %-8s %9.1f %9.1f %10.1f %10.0f\n", dist_targets[i],
			       dist_readers[k], dist[i][k].p50_us, dist[i][k].p99_us,
			       dist[i][k].max_us, dist[i][k].calls_per_s);
	printf("\nkilled reader: SIGKILL to reaped best %.2f ms worst %.2f ms (%d tries)\n",
	       reap.best_ms, reap.worst_ms, reap.tries);
	printf("per-reader kernel memory, bytes (%d readers holding a maps descriptor mid-dump):\n",
	       mem_small.readers);
	printf("  %-7s %8s %8s %10s %8s %8s %8s\n", "target", "kernel", "slab", "sunreclaim",
	       "vmalloc", "kstack", "memfree");
	for (int i = 0; i < 2; i++) {
		const struct mem_result *m = i ? &mem_large : &mem_small;

		printf("  %-7s %8.0f %8.0f %10.0f %8.0f %8.0f %8.0f\n", i ? "sparse" : "small",
		       m->kernel, m->slab, m->sunreclaim, m->vmalloc, m->kstack, m->memfree);
	}
	printf("  kernel = slab + vmalloc + kstack; independent of target size"
	       " (within 4 KiB + 10%%): %s\n\n", mem_independent ? "yes" : "no");
	for (int i = 0; i < nchecks; i++)
		printf("%-4s %-28s %s\n", checks[i].pass ? "PASS" : "FAIL", checks[i].name,
		       checks[i].detail);
}

static void make_checks(void)
{
	char name[64];

	for (int i = 0; i < NTARGETS; i++) {
		snprintf(name, sizeof(name), "%s ratio >= %.0fx", tres[i].name, tres[i].goal);
		check(tres[i].ratio >= tres[i].goal, name, "%.2fx%s", tres[i].ratio,
		      tres[i].pm.capped ? " (pagemap extrapolated)" : "");
	}
	for (int i = 0; i < 2; i++) {
		struct probe_stats *pm = &dist[i][1], *pw = &dist[i][2];

		snprintf(name, sizeof(name), "%s p99 ptwalk <= 2x pagemap", dist_targets[i]);
		check(pw->p99_us <= 2 * pm->p99_us, name, "%.1f us vs %.1f us",
		      pw->p99_us, pm->p99_us);
		snprintf(name, sizeof(name), "%s calls/s ptwalk >= pagemap", dist_targets[i]);
		check(pw->calls_per_s >= pm->calls_per_s, name, "%.0f vs %.0f",
		      pw->calls_per_s, pm->calls_per_s);
	}
	check(reap.worst_ms <= 50, "killed reader reaped <= 50 ms", "worst %.2f ms",
	      reap.worst_ms);
}

static void json_stats(FILE *f, const struct probe_stats *s)
{
	fprintf(f, "{\"p50_us\": %.2f, \"p99_us\": %.2f, \"max_us\": %.2f, "
		"\"calls_per_s\": %.1f, \"calls\": %lu}", s->p50_us, s->p99_us,
		s->max_us, s->calls_per_s, s->calls);
}

static void json_mem(FILE *f, const struct mem_result *m)
{
	fprintf(f, "{\"readers\": %d, \"kernel\": %.0f, \"memfree\": %.0f, \"slab\": %.0f, "
		"\"sunreclaim\": %.0f, \"vmalloc_used\": %.0f, \"kernel_stack\": %.0f}",
		m->readers, m->kernel, m->memfree, m->slab, m->sunreclaim, m->vmalloc, m->kstack);
}

static void write_json(const char *path, int agree_all)
{
	char rel[128] = "?", levels[16] = "0", pti[16] = "?";
	FILE *f = fopen(path, "w");

	if (!f)
		die("open %s", path);
	read_info("release", rel, sizeof(rel));
	read_info("paging_levels", levels, sizeof(levels));
	read_info("pti", pti, sizeof(pti));
	fprintf(f, "{\n  \"format\": \"ptwalk-bench 1\",\n");
	fprintf(f, "  \"config\": {\"release\": \"%s\", \"paging_levels\": %s, \"pti\": \"%s\", "
		"\"cpus\": %ld, \"runs\": %d, \"pagemap_cap\": %lu, \"window_s\": %.2f},\n",
		rel, levels, pti, sysconf(_SC_NPROCESSORS_ONLN), sz.runs, sz.pm_cap, sz.window);
	fprintf(f, "  \"targets\": [\n");
	for (int i = 0; i < NTARGETS; i++) {
		struct tres *r = &tres[i];

		fprintf(f, "    {\"name\": \"%s\", \"vmas\": %d, \"touched_pages\": %lu, "
			"\"present_pages\": %lu, \"huge2m_pages\": %lu, \"setup_s\": %.3f,\n"
			"     \"ptwalk\": {\"seconds\": %.6f, \"bytes\": %lu, \"runs\": %lu, "
			"\"present_pages_per_s\": %.1f},\n"
			"     \"pagemap\": {\"seconds\": %.6f, \"extrapolated\": %s, "
			"\"bytes_read\": %lu, \"bytes_full\": %lu, \"present_pages_per_s\": %.1f, "
			"\"present_pages_read\": %lu, \"pfnmap_left_out\": %lu},\n"
			"     \"ratio\": %.3f, \"goal\": %.0f, \"pass\": %s, \"agree\": %s}%s\n",
			r->name, r->vmas, r->touched, r->pc.total, r->pc.huge2m, r->setup_s,
			r->pw_s, r->pw_bytes, r->pc.runs, r->pc.total / r->pw_s,
			r->pm_s, r->pm.capped ? "true" : "false", r->pm.bytes, r->pm.bytes_full,
			r->pc.total / r->pm_s, r->pm.present, r->pfnmap_pm, r->ratio, r->goal,
			r->ratio >= r->goal ? "true" : "false", r->agree ? "true" : "false",
			i + 1 < NTARGETS ? "," : "");
	}
	fprintf(f, "  ],\n  \"disturbance\": [\n");
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 3; k++) {
			fprintf(f, "    {\"target\": \"%s\", \"reader\": \"%s\", \"stats\": ",
				dist_targets[i], dist_readers[k]);
			json_stats(f, &dist[i][k]);
			fprintf(f, "}%s\n", i + k < 3 ? "," : "");
		}
	fprintf(f, "  ],\n  \"killed_reader\": {\"tries\": %d, \"best_ms\": %.3f, "
		"\"worst_ms\": %.3f},\n", reap.tries, reap.best_ms, reap.worst_ms);
	fprintf(f, "  \"reader_memory\": {\"small\": ");
	json_mem(f, &mem_small);
	fprintf(f, ", \"sparse\": ");
	json_mem(f, &mem_large);
	fprintf(f, ", \"independent_of_target\": %s},\n", mem_independent ? "true" : "false");
	fprintf(f, "  \"checks\": [\n");
	for (int i = 0; i < nchecks; i++)
		fprintf(f, "    {\"name\": \"%s\", \"pass\": %s, \"detail\": \"%s\"}%s\n",
			checks[i].name, checks[i].pass ? "true" : "false", checks[i].detail,
			i + 1 < nchecks ? "," : "");
	fprintf(f, "  ],\n  \"agree\": %s\n}\n", agree_all ? "true" : "false");
	if (fclose(f))
		die("write %s", path);
}

int main(int argc, char **argv)
{
	const char *json = NULL;
	struct target sparse = { 0 };
	double t0 = now_s();
	int agree_all = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			sz = quick;
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else {
			fprintf(stderr, "usage: ptwalk_bench [--quick] [--json FILE]\n");
			return 2;
		}
	}
	if (access("/proc/ptwalk/maps", R_OK | W_OK))
		die("/proc/ptwalk/maps is not there (module not loaded?)");
	setvbuf(stdout, NULL, _IOLBF, 0);
	run_targets(&sparse);
	run_lifecycle(&sparse);
	target_stop(&sparse);
	run_disturbance();
	phase("total", t0);
	make_checks();
	for (int i = 0; i < NTARGETS; i++)
		agree_all &= tres[i].agree;
	print_tables();
	for (int i = 0; i < NTARGETS; i++)
		if (!tres[i].agree)
			printf("ERROR %s: present pages disagree: pagemap %lu, ptwalk %lu over the "
			       "same ranges (VM_PFNMAP: %lu, %lu); ptwalk %lu in the region, "
			       "%lu touched\n", tres[i].name, tres[i].pm.present,
			       tres[i].pc.in_ranges, tres[i].pfnmap_pm, tres[i].pfnmap_pw,
			       tres[i].pc.in_region, tres[i].touched);
	for (int i = 0; i < NTARGETS; i++)
		for (int k = 0; !tres[i].agree && k < tres[i].pm.read.n; k++)
			if (tres[i].pm.per_range[k] != tres[i].pc.per_range[k])
				printf("  %s: 0x%lx-0x%lx pagemap %lu ptwalk %lu\n", tres[i].name,
				       tres[i].pm.read.start[k], tres[i].pm.read.end[k],
				       tres[i].pm.per_range[k], tres[i].pc.per_range[k]);
	if (json)
		write_json(json, agree_all);
	return agree_all ? 0 : 1;
}
