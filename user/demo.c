// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk demo: run the steps, print each (what it does, the region before
 * and after, what that shows), and with --out DIR write each step's JSON
 * and pictures. Snapshots read the tool's own page tables through
 * /proc/ptwalk/maps; with --hold the tool stops itself (SIGSTOP) after
 * each snapshot, so that a test can compare it with /proc/PID/pagemap
 * while nothing moves, then continue it with SIGCONT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "fmt.h"
#include "json.h"
#include "procfile.h"
#include "ptwalk.h"
#include "render.h"
#include "source.h"

/* Run lines per VMA in the human output; the JSON has them all. */
#define DEMO_RUNS_SHOWN	8
/* Stack the snapshot code may use (read, parse); touched beforehand. */
#define SNAP_STACK	(32 * 1024)

const char demo_help[] =
	"usage: ptwalk demo [STEP...] [--json] [--out DIR] [--hold]\n"
	"Run the virtual-memory lecture's experiments on ptwalk's own address\n"
	"space and show their effect on its page tables (root: physical\n"
	"addresses and the child of step 6). Steps (default: all):\n"
	"   1 address space: code, data, bss, heap, mmap area, stack, vdso\n"
	"   2 malloc small: brk moves the heap end; frames come with writes\n"
	"   3 malloc above the mmap threshold: a new mapping; touch half\n"
	"   4 brk/sbrk directly: N new heap pages, absent until touched\n"
	"   5 mmap: private, shared, MAP_POPULATE, read-only file\n"
	"   6 fork and copy-on-write\n"
	"   7 transparent huge page: one 2M leaf at the PMD level\n"
	"   8 stack growth\n"
	"   9 the kernel half is shared by every process (/proc/ptwalk/sharing)\n"
	"  10 kernel allocations: kmalloc, pages, vmalloc (/proc/ptwalk/alloc)\n"
	"  11 what page tables cost: sparse, dense and huge (/proc/ptwalk/tables)\n"
	"  12 three processes and their frames: Figure 13.2 from live data\n"
	"  13 the experiments as the kernel records them (/proc/ptwalk/trace):\n"
	"     demand paging, COW after fork, mprotect, munmap, THP collapse, swap\n"
	"  --out DIR  write step-N.json for each step and the pictures\n"
	"             (maps-self.svg, step6-frames.svg, step12-frames.svg) into DIR\n"
	"  --hold     stop (SIGSTOP) after each snapshot, for tests and debuggers\n";

/*
 * Every step in one place: its function and the file that holds it. The
 * oracle checks of step N are demo_test's stepN_* tests.
 */
static void (*const step_fns[DEMO_STEPS + 1])(struct step *) = {
	[1] = step_layout,		/* demo_memory.c */
	[2] = step_malloc_small,	/* demo_memory.c */
	[3] = step_malloc_large,	/* demo_memory.c */
	[4] = step_brk,			/* demo_memory.c */
	[5] = step_mmap,		/* demo_memory.c */
	[6] = step_fork_cow,		/* demo_process.c */
	[7] = step_thp,			/* demo_process.c */
	[8] = step_stack,		/* demo_process.c */
	[9] = step_kernel_half,		/* demo_kernel.c */
	[10] = step_kernel_alloc,	/* demo_kernel.c */
	[11] = step_tables,		/* demo_tables.c */
	[12] = step_figure,		/* demo_figure.c */
	[13] = step_trace,		/* demo_trace.c */
};

static struct pt_info info;
static bool info_read;

const struct pt_info *demo_info(void)
{
	if (!info_read) {
		read_info(&info);
		info_read = true;
	}
	return &info;
}

/*
 * Touch the stack the snapshot code will use, before the snapshot: else
 * parsing after the read could grow the stack VMA (deep in step 8) and the
 * snapshot would not describe the process as it is when it stops (--hold).
 */
static void __attribute__((noinline)) reserve_stack(void)
{
	volatile char pad[SNAP_STACK];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 4096)
		pad[i] = 0;
	pad[sizeof(pad) - 1] = 0;
}

void demo_hold(void)
{
	if (opt_hold) {
		fflush(stdout);
		raise(SIGSTOP);
	}
}

struct snapshot *demo_snap(struct step *s, const char *label, pid_t pid)
{
	struct snapshot *sn;

	reserve_stack();
	if (s->nr_snaps == DEMO_MAX_SNAPS)
		fatal(EXIT_FAIL, "step %d: too many snapshots", s->number);
	sn = &s->snap[s->nr_snaps++];
	sn->label = label;
	read_maps(pid, &sn->maps);
	sn->self = !pid || pid == getpid();
	demo_hold();
	return sn;
}

void demo_walk(struct step *s, pid_t pid, unsigned long va)
{
	struct snapshot *sn = &s->snap[s->nr_snaps - 1];

	read_walk(pid ? pid : getpid(), va, &sn->walk);
	sn->has_walk = true;
}

static struct fact *new_fact(struct step *s, const char *key, enum fact_type t)
{
	struct fact *f;

	if (s->nr_facts == DEMO_MAX_FACTS)
		fatal(EXIT_FAIL, "step %d: too many facts", s->number);
	f = &s->fact[s->nr_facts++];
	f->key = key;
	f->type = t;
	return f;
}

void fact_uint(struct step *s, const char *key, unsigned long long v)
{
	new_fact(s, key, FACT_UINT)->num = v;
}

void fact_hex(struct step *s, const char *key, unsigned long long v)
{
	new_fact(s, key, FACT_HEX)->num = v;
}

void fact_str(struct step *s, const char *key, const char *v)
{
	new_fact(s, key, FACT_STR)->str = xstrdup(v);
}

void fact_bool(struct step *s, const char *key, bool v)
{
	new_fact(s, key, FACT_BOOL)->num = v;
}

const char *demo_file(struct step *s, const char *name)
{
	char *path;

	if (!opt_out)
		return NULL;
	if (s->nr_files < 4)
		snprintf(s->files[s->nr_files++], sizeof(s->files[0]), "%s", name);
	path = xalloc(strlen(opt_out) + strlen(name) + 2);
	sprintf(path, "%s/%s", opt_out, name);
	return path;
}

static void print_step(const struct step *s)
{
	char a[SIZE_BUF];
	int i;

	printf("\n%s== Step %d: %s ==%s\n", col(C_BOLD), s->number, s->title, col(C_RESET));
	printf("%s\n", s->does);
	if (s->lo != ALL_LO || s->hi != ALL_HI)
		printf("region 0x%lx-0x%lx (%s)\n", s->lo, s->hi, fmt_size(s->hi - s->lo, a));
	if (!s->print_extra || !s->print_extra(s)) {
		for (i = 0; i < s->nr_snaps; i++) {
			const struct snapshot *sn = &s->snap[i];
			unsigned long np = present_pages(&sn->maps, s->lo, s->hi);

			printf("%s-- %s%s (pid %d): %lu page%s with a frame\n", col(C_CYAN),
			       sn->label, col(C_RESET), (int)sn->maps.pid, np, np == 1 ? "" : "s");
			print_maps_brief(stdout, &sn->maps, sn->self, s->lo, s->hi, "   ",
					 DEMO_RUNS_SHOWN);
			if (sn->has_walk)
				print_walk(stdout, &sn->walk);
		}
	}
	for (i = 0; i < s->nr_facts; i++) {
		const struct fact *f = &s->fact[i];

		printf("   %-28s ", f->key);
		switch (f->type) {
		case FACT_UINT:
			printf("%llu\n", f->num);
			break;
		case FACT_HEX:
			printf("0x%llx\n", f->num);
			break;
		case FACT_STR:
			printf("%s\n", f->str);
			break;
		case FACT_BOOL:
			printf("%s\n", f->num ? "yes" : "no");
			break;
		}
	}
	printf("%s%s%s %s\n", col(s->expected ? C_GREEN : C_RED),
	       s->expected ? "Shows:" : "UNEXPECTED:", col(C_RESET), s->shows);
	for (i = 0; i < s->nr_files; i++)
		printf("   wrote %s/%s\n", opt_out, s->files[i]);
	fflush(stdout);
}

static void json_step_members(struct json *j, const struct step *s)
{
	int i;

	json_int(j, "step", s->number);
	json_str(j, "title", s->title);
	json_str(j, "does", s->does);
	json_int(j, "pid", getpid());
	json_obj(j, "region");
	json_hex(j, "start", s->lo);
	json_hex(j, "end", s->hi);
	json_end(j);
	json_obj(j, "facts");
	for (i = 0; i < s->nr_facts; i++) {
		const struct fact *f = &s->fact[i];

		switch (f->type) {
		case FACT_UINT:
			json_uint(j, f->key, f->num);
			break;
		case FACT_HEX:
			json_hex(j, f->key, f->num);
			break;
		case FACT_STR:
			json_str(j, f->key, f->str);
			break;
		case FACT_BOOL:
			json_bool(j, f->key, f->num);
			break;
		}
	}
	json_end(j);
	json_arr(j, "snapshots");
	for (i = 0; i < s->nr_snaps; i++) {
		const struct snapshot *sn = &s->snap[i];

		json_obj(j, NULL);
		json_str(j, "label", sn->label);
		/* The step's region, the whole space included (step 1). */
		json_obj(j, "range");
		json_hex(j, "start", s->lo);
		json_hex(j, "end", s->hi);
		json_end(j);
		json_maps_members(j, &sn->maps, sn->self, s->lo, s->hi);
		if (sn->has_walk) {
			json_obj(j, "walk");
			json_walk_members(j, &sn->walk);
			json_end(j);
		}
		json_end(j);
	}
	json_end(j);
	if (s->json_extra)
		s->json_extra(j, s);
	json_bool(j, "expected", s->expected);
	json_str(j, "shows", s->shows);
	json_arr(j, "files");
	for (i = 0; i < s->nr_files; i++)
		json_str(j, NULL, s->files[i]);
	json_end(j);
}

static void write_step_json(const struct step *s)
{
	char name[32];
	const char *path;
	struct json j;
	FILE *f;

	snprintf(name, sizeof(name), "step-%d.json", s->number);
	path = demo_file((struct step *)s, name);
	f = fopen(path, "w");
	if (!f)
		fatal(EXIT_FAIL, "cannot write %s: %s", path, strerror(errno));
	json_open(&j, f, "demo-step");
	json_step_members(&j, s);
	json_close(&j);
	if (ferror(f) | fclose(f))
		fatal(EXIT_FAIL, "writing %s failed", path);
}

/*
 * Steps 9 to 11 and 13 need files other than maps and walk. NULL when the step
 * can run; else why not.
 */
static const char *step_unavailable(int n, int *status)
{
	static char why[128];
	const char *file = n == 9 ? "sharing" : n == 10 ? "alloc" :
			   n == 11 ? "tables" : n == 13 ? "trace" : NULL;

	if (!file)
		return NULL;
	snprintf(why, sizeof(why), PTWALK_DIR "/%s", file);
	*status = EXIT_NOMODULE;
	if (!pf_exists(file)) {
		snprintf(why, sizeof(why), "module lacks /proc/ptwalk/%s", file);
	} else if (access(why, R_OK)) {
		*status = EXIT_PERM;
		snprintf(why, sizeof(why), "permission denied for /proc/ptwalk/%s: run as root (sudo ptwalk demo)",
			 file);
	} else {
		return NULL;
	}
	return why;
}

int cmd_demo(char **args, int nargs)
{
	bool want[DEMO_STEPS + 1] = { false }, all = !nargs;
	int i, n, status = EXIT_OK, why_status;
	const char *why;
	struct json j;

	for (i = 0; i < nargs; i++) {
		char *end;

		n = strtol(args[i], &end, 10);
		if (*end || n < 1 || n > DEMO_STEPS)
			fatal(EXIT_USAGE, "no demo step '%s' (steps are 1 to %d)", args[i],
			      DEMO_STEPS);
		want[n] = true;
	}
	pf_require("maps");
	if (opt_out && mkdir(opt_out, 0755) && errno != EEXIST)
		fatal(EXIT_FAIL, "cannot create %s: %s", opt_out, strerror(errno));
	demo_info();
	if (opt_json) {
		json_open(&j, stdout, "demo");
		json_arr(&j, "steps");
	}
	for (n = 1; n <= DEMO_STEPS; n++) {
		size_t mark = arena_mark();
		struct step *s;

		if (!all && !want[n])
			continue;
		why = step_unavailable(n, &why_status);
		if (why) {
			if (!all)
				fatal(why_status, "step %d: %s", n, why);
			fprintf(stderr, "ptwalk: step %d skipped: %s\n", n, why);
			continue;
		}
		s = xalloc(sizeof(*s));
		s->number = n;
		s->lo = ALL_LO;
		s->hi = ALL_HI;
		step_fns[n](s);
		if (opt_out)
			write_step_json(s);
		if (opt_json) {
			json_obj(&j, NULL);
			json_step_members(&j, s);
			json_end(&j);
		} else {
			print_step(s);
		}
		if (!s->expected)
			status = EXIT_FAIL;
		if (s->finish)
			s->finish(s);
		arena_release(mark);
	}
	if (opt_json)
		json_close(&j);
	return status;
}
