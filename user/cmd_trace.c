// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk trace PID | ptwalk trace -- CMD ARGS...: a timeline of a process's
 * page faults and page-table changes, recorded by tracer.c and printed
 * here (human or JSON lines; with -o the JSON lines also to a file, with
 * --html also into the step-through page of trace_page.c).
 *
 * The loop: every TICK_MS, drain the module's file and print what came,
 * in the module's order, which is time order (it stamps each record under
 * its ring's lock, and holds back a fault in progress with all after it).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procfile.h"
#include "trace_page.h"
#include "ptwalk.h"
#include "ptwfmt.h"
#include "tracer.h"

#define TICK_MS		100
/* Every JSON line is a document of its own (docs/json.md). */
#define JSON_HEAD	"{\"ptwalk_json\":" PTW_STR(PTWALK_JSON_VERSION) ",\"command\":\"trace\","

const char trace_help[] =
	"usage: ptwalk trace [--json] [-o FILE] [--html FILE] PID\n"
	"       ptwalk trace [--json] [-o FILE] [--html FILE] -- CMD [ARGS...]\n"
	"Record a timeline of the page faults of PID (until Ctrl-C or its exit),\n"
	"or of CMD run from its first instruction, and of every change the kernel\n"
	"makes to its page tables, with the kernel's reason (unmap, clear,\n"
	"protection_vma, protection_page, soft_dirty, migrate, ...) and, for\n"
	"ranges of up to 16 pages, each entry before and after. The module\n"
	"records the faults (user or kernel mode) with the entry each produced,\n"
	"read after the fault (no perf_event_open: perf_event_paranoid does not\n"
	"matter). --json prints one JSON object per line.\n"
	"Root for another user's PID; without root, frames read as 0.\n"
	"  -o, --out FILE  also write the JSON lines to FILE (stdout keeps the\n"
	"                  timeline)\n"
	"  --html FILE     also write a self-contained page that steps through\n"
	"                  the records over the target's address space\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* What an entry is, in a word or two. */
static const char *entry_word(unsigned long long v, char *buf, size_t sz,
			      bool pfn_shown)
{
	if (!v) {
		snprintf(buf, sz, "none");
	} else if (v & 0x101) {		/* present, or PROT_NONE */
		unsigned long long pfn = (v & 0x000ffffffffff000ULL) >> 12;

		/* Bit 1: writable; bit 63: no-execute. */
		snprintf(buf, sz, "%s%s", v & 1 ? (v & 2 ? "rw" : "r-") : "prot_none",
			 v & (1ULL << 63) ? "" : "x");
		if (pfn_shown) {
			size_t n = strlen(buf);

			snprintf(buf + n, sz - n, " pfn 0x%llx", pfn);
		}
	} else {
		snprintf(buf, sz, "swap/migration");
	}
	return buf;
}

static void print_item_human(const struct tracer *t, const struct item *it)
{
	double ms = (it->time - t->t0) / 1e6;
	bool pfn_shown = !strcmp(t->pfn, "shown");
	unsigned int i;

	switch (it->type) {
	case IT_FAULT: {
		char a[64];

		printf("%12.3f  %-5s fault      0x%lx (%s%s, tid %d, ip 0x%lx) -> %s %s\n",
		       ms, it->access, it->start, it->user ? "user" : "kernel",
		       !strcmp(it->prot, "yes") ? ", protection" : "", it->tid, it->ip,
		       it->entry_level, entry_word(it->entry, a, sizeof(a), pfn_shown));
		break;
	}
	case IT_EVENT:
		printf("%12.3f  %-16s 0x%lx-0x%lx (%lu pages)%s\n", ms, it->kind,
		       it->start, it->end, (it->end - it->start + 4095) / 4096,
		       it->blockable ? "" : " non-blocking");
		break;
	case IT_DONE:
		printf("%12.3f  %-16s 0x%lx-0x%lx done\n", ms, it->kind, it->start, it->end);
		for (i = 0; i < it->nentries; i++) {
			const struct entry *e = &it->e[i];
			char b[64], a[64];

			printf("%12s    0x%lx  %s -> %s\n", "", e->va,
			       e->has_before ? entry_word(e->before, b, sizeof(b), pfn_shown) : "?",
			       entry_word(e->after, a, sizeof(a), pfn_shown));
		}
		break;
	case IT_DROP:
		printf("%12s  dropped %llu records (ring full; %llu in all)\n", "",
		       it->count, it->total);
		break;
	case IT_EXIT:
		printf("%12.3f  exit             the address space went away\n", ms);
		break;
	}
}

static void print_item_json(FILE *f, const struct item *it)
{
	unsigned int i;

	switch (it->type) {
	case IT_FAULT:
		fprintf(f, JSON_HEAD "\"type\":\"fault\",\"seq\":%llu,\"time_ns\":%llu,\"pid\":%d,\"tid\":%d,\"addr\":\"0x%lx\",\"ip\":\"0x%lx\",\"mode\":\"%s\",\"access\":\"%s\",\"prot\":\"%s\",\"entry\":\"0x%llx\",\"entry_level\":\"%s\",\"entry_at\":\"%s\"}\n",
			it->seq, it->time, it->pid, it->tid, it->start, it->ip,
			it->user ? "user" : "kernel", it->access, it->prot,
			it->entry, it->entry_level,
			it->entry_at);
		break;
	case IT_EVENT:
		fprintf(f, JSON_HEAD "\"type\":\"event\",\"seq\":%llu,\"time_ns\":%llu,\"kind\":\"%s\",\"start\":\"0x%lx\",\"end\":\"0x%lx\",\"blockable\":%s}\n",
			it->seq, it->time, it->kind, it->start, it->end,
			it->blockable ? "true" : "false");
		break;
	case IT_DONE:
		fprintf(f, JSON_HEAD "\"type\":\"done\",\"seq\":%llu,\"time_ns\":%llu,\"event\":%llu,\"kind\":\"%s\",\"start\":\"0x%lx\",\"end\":\"0x%lx\",\"entries\":[",
			it->seq, it->time, it->ref, it->kind, it->start, it->end);
		for (i = 0; i < it->nentries; i++) {
			const struct entry *e = &it->e[i];

			fprintf(f, "%s{\"va\":\"0x%lx\"", i ? "," : "", e->va);
			if (e->has_before)
				fprintf(f, ",\"before\":\"0x%llx\",\"before_level\":\"%s\"",
					e->before, e->before_level);
			fprintf(f, ",\"after\":\"0x%llx\",\"after_level\":\"%s\"}", e->after,
			       e->after_level);
		}
		fprintf(f, "]}\n");
		break;
	case IT_DROP:
		fprintf(f, JSON_HEAD "\"type\":\"drop\",\"count\":%llu,\"total\":%llu}\n", it->count,
			it->total);
		break;
	case IT_EXIT:
		fprintf(f, JSON_HEAD "\"type\":\"exit\",\"seq\":%llu,\"time_ns\":%llu}\n", it->seq, it->time);
		break;
	}
}

/* Where the JSON lines go besides stdout (-o), and the page's (--html). */
static FILE *json_file;

static void print_item(const struct tracer *t, const struct item *it, void *ctx)
{
	(void)ctx;
	if (opt_json)
		print_item_json(stdout, it);
	else
		print_item_human(t, it);
	if (json_file)
		print_item_json(json_file, it);
	if (trace_page_lines()) {
		/* A range the page's last picture lacks: look again. */
		if ((it->type == IT_EVENT || it->type == IT_DONE || it->type == IT_FAULT) &&
		    !trace_page_covers(it->start, it->type == IT_FAULT ? it->start + 1 : it->end))
			trace_page_maps();
		print_item_json(trace_page_lines(), it);
	}
}

/* Print what the module's file has now. */
static void poll_items(struct tracer *t)
{
	tracer_drain(t, print_item, NULL);
	fflush(stdout);
	if (json_file)
		fflush(json_file);
}

static void json_str_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void print_header_json(FILE *f, const struct tracer *t)
{
	const char *why = tracer_faults_missing(t);

	fprintf(f, JSON_HEAD "\"type\":\"trace\",\"pid\":%d,\"pfn\":\"%s\",\"clock\":\"monotonic\",\"faults\":",
		t->pid, t->pfn);
	if (!why) {
		fprintf(f, "\"module\",\"access\":\"%s\"}\n",
			t->access_recorded ? "module" : "unknown");
	} else {
		fprintf(f, "\"unavailable\",\"faults_reason\":");
		json_str_escaped(f, why);
		fprintf(f, "}\n");
	}
}

static void print_header(const struct tracer *t)
{
	const char *why = tracer_faults_missing(t);

	if (json_file)
		print_header_json(json_file, t);
	if (trace_page_lines())
		print_header_json(trace_page_lines(), t);
	if (opt_json) {
		print_header_json(stdout, t);
	} else {
		printf("trace of PID %d (times in ms from the first record; frames %s)\n",
		       t->pid, t->pfn);
		if (why)
			printf("faults: not recorded: %s\n", why);
		printf("%12s  %-16s %s\n", "time ms", "what", "where");
	}
	fflush(stdout);
}

static void print_summary_json(FILE *f, const struct tracer *t)
{
	fprintf(f, JSON_HEAD "\"type\":\"summary\",\"faults\":%llu,\"events\":%llu,\"done\":%llu,\"dropped\":%llu,\"exited\":%s}\n",
		t->faults, t->events, t->dones, t->dropped,
		t->exited ? "true" : "false");
}

static void print_summary(const struct tracer *t)
{
	if (json_file)
		print_summary_json(json_file, t);
	if (trace_page_lines())
		print_summary_json(trace_page_lines(), t);
	if (opt_json) {
		print_summary_json(stdout, t);
		return;
	}
	printf("\n%llu faults%s, %llu page-table changes (%llu ended), %llu records dropped (ring full)",
	       t->faults, tracer_faults_missing(t) ? " (not recorded)" : "", t->events,
	       t->dones, t->dropped);
	printf("\n");
}

/* Start @argv stopped right after its execve(): the new address space. */
static pid_t spawn_traced(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		fatal(EXIT_FAIL, "fork: %s", strerror(errno));
	if (!pid) {
		/* Not left running untraced when the tool fails or is killed. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
		    ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "ptwalk: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		fatal(EXIT_FAIL, "%s did not start", argv[0]);
	return pid;
}

/*
 * Wait for the command (WNOHANG or 0 in @flags); true once it is gone.
 * With --html it stays traced, with PTRACE_O_TRACEEXIT, so that its VMAs
 * are read one last time at its exit, after its last change and before
 * the address space goes (a command shorter than a tick would otherwise
 * have only the VMAs of its execve()). Its signals are passed on; a
 * group-stop is not kept (a traced command cannot be told from one that
 * stops itself), an execve() ends the trace but not the command.
 */
static bool child_gone(pid_t child, int flags, int *status, bool snapshot)
{
	siginfo_t si;
	int sig;

	for (;;) {
		if (waitpid(child, status, flags) != child)
			return false;
		if (!WIFSTOPPED(*status))
			return true;
		sig = WSTOPSIG(*status);
		if (*status >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8)) {
			if (snapshot)
				trace_page_maps();
			sig = 0;
		} else if (*status >> 8 == (SIGTRAP | PTRACE_EVENT_EXEC << 8) ||
			   (ptrace(PTRACE_GETSIGINFO, child, NULL, &si) && errno == EINVAL)) {
			sig = 0;
		}
		ptrace(PTRACE_CONT, child, NULL, sig);
	}
}

int cmd_trace(char **args, int n)
{
	struct tracer t;
	struct sigaction sa = { .sa_handler = on_signal };
	bool command = false;
	pid_t child = 0, pid = 0;
	int status;

	/* getopt stops at "--": what follows it is the command. */
	command = !strcmp(args[-1], "--");
	if (!command && n != 1)
		fatal(EXIT_USAGE, "trace: one PID, or -- before a command (see ptwalk trace --help)");
	if (!command)
		pid = parse_pid_arg(args[0]);
	pf_require("trace");
	/* Before the command starts: a file that cannot be written stops it. */
	if (opt_out) {
		json_file = fopen(opt_out, "w");
		if (!json_file)
			fatal(EXIT_FAIL, "cannot write %s: %s", opt_out, strerror(errno));
	}
	if (opt_html)
		trace_page_open(opt_html);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (command)
		pid = child = spawn_traced(args);
	tracer_start(&t, pid);
	/* The command is still stopped after its execve(): its first VMAs. */
	if (opt_html)
		trace_page_start(pid);
	print_header(&t);
	if (child && opt_html &&
	    (ptrace(PTRACE_SETOPTIONS, child, NULL, PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC) ||
	     ptrace(PTRACE_CONT, child, NULL, 0)))
		fatal(EXIT_FAIL, "ptrace: %s", strerror(errno));
	if (child && !opt_html && ptrace(PTRACE_DETACH, child, NULL, NULL))
		fatal(EXIT_FAIL, "ptrace detach: %s", strerror(errno));
	while (!interrupted && !t.exited) {
		poll_items(&t);
		trace_page_maps();
		if (child && child_gone(child, WNOHANG, &status, !t.exited)) {
			child = 0;
			break;
		}
		poll(NULL, 0, TICK_MS);
	}
	/*
	 * Stopped by a signal with the target alive: a fault it is inside
	 * holds back the module's later records (PTW_TRACE_HOLD_MS); what
	 * is held then comes out after that long.
	 */
	if (interrupted && !t.exited) {
		poll_items(&t);
		poll(NULL, 0, PTW_TRACE_HOLD_MS);
	}
	poll_items(&t);
	print_summary(&t);
	tracer_stop(&t);
	if (json_file && (ferror(json_file) | fclose(json_file)))
		fatal(EXIT_FAIL, "writing %s failed", opt_out);
	trace_page_close();
	if (child) {
		/* Ctrl-C went to the command too; reap it. */
		child_gone(child, 0, &status, false);
	}
	return EXIT_OK;
}
