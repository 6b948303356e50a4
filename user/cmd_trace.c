// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk trace PID | ptwalk trace -- CMD ARGS...: a timeline of a process's
 * page faults (perf software events) and page-table changes (the module's
 * /proc/ptwalk/trace, an MMU-notifier recorder), merged by time. Both
 * sources stamp CLOCK_MONOTONIC: perf with use_clockid, the module with
 * ktime_get_ns().
 *
 * The loop: every TICK_MS, take the time T, drain both sources, and print
 * in time order what is older than T - SETTLE_MS (a record stamped just
 * before T may be written just after it); at the end, print the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procfile.h"
#include "ptwalk.h"
#include "ptwfmt.h"

#define TICK_MS		100
#define SETTLE_NS	(20 * 1000000ULL)
#define MAX_ITEMS	65536		/* pending items; more are printed early */
#define MAX_ENTRIES	16
#define PERF_PAGES	64		/* data pages of the perf ring (256 KiB) */
#define TRACE_BUF	(64 * 1024)
#define MAX_CPUS	256
/* Every JSON line is a document of its own (docs/json.md). */
#define JSON_HEAD	"{\"ptwalk_json\":" PTW_STR(PTWALK_JSON_VERSION) ",\"command\":\"trace\","
#define TRACE_LINE_MAX	512		/* the longest line of the trace file */

const char trace_help[] =
	"usage: ptwalk trace [--json] PID\n"
	"       ptwalk trace [--json] -- CMD [ARGS...]\n"
	"Record a timeline of the page faults of PID (until Ctrl-C or its exit),\n"
	"or of CMD run from its first instruction, and of every change the kernel\n"
	"makes to its page tables, with the kernel's reason (unmap, clear,\n"
	"protection_vma, protection_page, soft_dirty, migrate, ...) and, for\n"
	"ranges of up to 16 pages, each entry before and after. Faults come\n"
	"from perf (perf_event_open); where perf is refused (Debian's\n"
	"kernel.perf_event_paranoid=3 for users) the timeline says so and shows\n"
	"the page-table changes only. --json prints one JSON object per line.\n"
	"Root for another user's PID; without root, frames read as 0.\n";

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
	pid_t pid, tid;
	bool user, blockable;
	char kind[24];
	unsigned int nentries;
	struct entry *e;
};

struct tracer {
	int fd;				/* /proc/ptwalk/trace */
	pid_t pid;
	char pfn[16];
	/*
	 * One perf event per CPU, following PID and the threads it starts
	 * (inherit): an inherited event can have a ring only per CPU.
	 */
	int nperf;
	int perf_fd[MAX_CPUS];
	struct perf_event_mmap_page *meta[MAX_CPUS];
	char *data[MAX_CPUS];
	size_t data_size;
	char perf_why[256];		/* why faults are missing */
	struct item *items;
	size_t nitems;
	char rest[TRACE_BUF];		/* a partial line of the trace file */
	size_t rest_len;
	struct entry *entries;		/* MAX_ITEMS * MAX_ENTRIES */
	size_t nentries;
	unsigned long long t0;
	bool exited;
	/* Counts for the summary. */
	unsigned long long faults, events, dones, dropped, lost, kinds_other;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* @key of @l into @out (cut to @sz); false if absent. */
static bool field(const struct ptw_line *l, const char *key, char *out, size_t sz)
{
	const char *v = ptw_get(l, key);

	if (!v)
		return false;
	snprintf(out, sz, "%s", v);
	return true;
}

static bool num(const struct ptw_line *l, const char *key, unsigned long long *v)
{
	return !ptw_get_num(l, key, v);
}

static struct item *new_item(struct tracer *t)
{
	struct item *it = &t->items[t->nitems++];

	memset(it, 0, sizeof(*it));
	return it;
}

/* One line of the module's trace format (docs/interface.md). */
static void trace_line(struct tracer *t, const char *text)
{
	unsigned long long a, b;
	char copy[TRACE_LINE_MAX];
	struct ptw_line l;
	struct item *it;
	int got;

	if (!strncmp(text, "ptwalk-trace ", 13)) {
		char hdr[64];
		const char *body;

		snprintf(hdr, sizeof(hdr), "%s\n", text);
		if (ptw_header(hdr, "trace", &got, &body) != PTW_HEADER_OK) {
			ptw_header_message(copy, sizeof(copy), "trace",
					   ptw_header(hdr, "trace", &got, &body), got, NULL);
			fatal(EXIT_FORMAT, "%s", copy);
		}
		return;
	}
	snprintf(copy, sizeof(copy), "%s", text);
	if (ptw_tokenize(copy, &l))
		fatal(EXIT_FORMAT, PTWALK_DIR "/trace: malformed '%.80s'", text);
	if (!strcmp(l.tag, "target")) {
		field(&l, "pfn", t->pfn, sizeof(t->pfn));
		return;
	}
	if (!strcmp(l.tag, "entry")) {
		struct entry *e;

		/* (Its done line was printed early: the item buffer filled.) */
		if (!t->nitems || t->items[t->nitems - 1].type != IT_DONE)
			return;
		it = &t->items[t->nitems - 1];
		if (it->nentries >= MAX_ENTRIES || t->nentries >= (size_t)MAX_ITEMS * MAX_ENTRIES)
			return;
		e = &t->entries[t->nentries++];
		if (!it->nentries)
			it->e = e;
		it->nentries++;
		memset(e, 0, sizeof(*e));
		if (!num(&l, "va", &a) || !num(&l, "after", &e->after))
			fatal(EXIT_FORMAT, PTWALK_DIR "/trace: malformed '%.80s'", text);
		e->va = a;
		e->has_before = num(&l, "before", &e->before);
		field(&l, "before_level", e->before_level, sizeof(e->before_level));
		field(&l, "after_level", e->after_level, sizeof(e->after_level));
		return;
	}
	it = new_item(t);
	if (!strcmp(l.tag, "drop")) {
		it->type = IT_DROP;
		num(&l, "count", &it->count);
		num(&l, "total", &it->total);
		t->dropped += it->count;
		/* Placed after what came before it in the file. */
		it->time = t->nitems > 1 ? t->items[t->nitems - 2].time : 0;
		return;
	}
	if (!num(&l, "seq", &it->seq) || !num(&l, "time", &it->time))
		fatal(EXIT_FORMAT, PTWALK_DIR "/trace: malformed '%.80s'", text);
	if (!strcmp(l.tag, "exit")) {
		it->type = IT_EXIT;
		t->exited = true;
		return;
	}
	it->type = !strcmp(l.tag, "event") ? IT_EVENT : IT_DONE;
	if ((it->type == IT_DONE && strcmp(l.tag, "done")) ||
	    !field(&l, "kind", it->kind, sizeof(it->kind)) ||
	    !num(&l, "start", &a) || !num(&l, "end", &b))
		fatal(EXIT_FORMAT, PTWALK_DIR "/trace: malformed '%.80s'", text);
	it->start = a;
	it->end = b;
	if (it->type == IT_EVENT) {
		char yn[8] = "";

		field(&l, "blockable", yn, sizeof(yn));
		it->blockable = !strcmp(yn, "yes");
		t->events++;
	} else {
		num(&l, "event", &it->ref);
		t->dones++;
	}
}

/* Everything the module has buffered, line by line. */
static void drain_trace(struct tracer *t)
{
	static char buf[TRACE_BUF + 1], line[2 * TRACE_BUF + 1];

	for (;;) {
		ssize_t n = read(t->fd, buf, TRACE_BUF);
		char *p, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fatal(errno == EIO ? EXIT_NOMODULE : EXIT_FAIL,
			      PTWALK_DIR "/trace: %s", strerror(errno));
		if (!n)
			return;
		buf[n] = '\0';
		for (p = buf; (nl = strchr(p, '\n')); p = nl + 1) {
			*nl = '\0';
			if (t->rest_len) {
				memcpy(line, t->rest, t->rest_len);
				strcpy(line + t->rest_len, p);
				t->rest_len = 0;
				trace_line(t, line);
			} else {
				trace_line(t, p);
			}
			if (t->nitems >= MAX_ITEMS - 1)
				return;
		}
		if (*p) {
			/* Lines are far shorter than the buffer. */
			size_t len = strlen(p);

			if (t->rest_len + len >= sizeof(t->rest))
				fatal(EXIT_FORMAT, PTWALK_DIR "/trace: a line longer than %zu bytes",
				      sizeof(t->rest));
			memcpy(t->rest + t->rest_len, p, len);
			t->rest_len += len;
		}
	}
}

static const char *perf_paranoid(void)
{
	static char level[16] = "?";
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");

	if (f) {
		if (fscanf(f, "%15s", level) != 1)
			strcpy(level, "?");
		fclose(f);
	}
	return level;
}

static void perf_fail(struct tracer *t, const char *what)
{
	if (errno == EACCES || errno == EPERM)
		snprintf(t->perf_why, sizeof(t->perf_why),
			 "%s refused (%s; kernel.perf_event_paranoid=%s: faults need root, CAP_PERFMON, or paranoid <= 2 for your own processes)",
			 what, strerror(errno), perf_paranoid());
	else
		snprintf(t->perf_why, sizeof(t->perf_why), "%s failed: %s",
			 what, strerror(errno));
}

static void perf_close(struct tracer *t)
{
	long page = sysconf(_SC_PAGESIZE);
	int i;

	for (i = 0; i < t->nperf; i++) {
		if (t->meta[i])
			munmap(t->meta[i], page + t->data_size);
		close(t->perf_fd[i]);
	}
	t->nperf = 0;
}

/*
 * Page-fault samples of @pid and the threads it starts, one event and
 * ring per CPU. All or nothing: faults are either all recorded or none.
 */
static void perf_open(struct tracer *t)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_PAGE_FAULTS,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			       PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR,
		.inherit = 1,
		.use_clockid = 1,
		.clockid = CLOCK_MONOTONIC,
	};
	long page = sysconf(_SC_PAGESIZE);
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	int cpu;

	if (cpus > MAX_CPUS)
		cpus = MAX_CPUS;
	t->data_size = PERF_PAGES * page;
	for (cpu = 0; cpu < cpus; cpu++) {
		void *ring;
		int fd = syscall(SYS_perf_event_open, &attr, t->pid, cpu, -1,
				 PERF_FLAG_FD_CLOEXEC);

		if (fd < 0 && errno == ENODEV)
			continue;	/* an offline CPU */
		if (fd < 0) {
			perf_fail(t, "perf_event_open");
			perf_close(t);
			return;
		}
		t->perf_fd[t->nperf] = fd;
		t->meta[t->nperf] = NULL;
		t->nperf++;
		ring = mmap(NULL, page + t->data_size, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
		if (ring == MAP_FAILED) {
			perf_fail(t, "mmap of the perf ring");
			perf_close(t);
			return;
		}
		t->meta[t->nperf - 1] = ring;
		t->data[t->nperf - 1] = (char *)ring + page;
	}
	if (!t->nperf)
		snprintf(t->perf_why, sizeof(t->perf_why), "no CPU to open perf events on");
}

/* Copy @n bytes at offset @off (which may wrap) of ring @data. */
static void ring_copy(const struct tracer *t, const char *data,
		      unsigned long long off, void *dst, size_t n)
{
	size_t at = off % t->data_size, first = t->data_size - at;

	if (first >= n) {
		memcpy(dst, data + at, n);
	} else {
		memcpy(dst, data + at, first);
		memcpy((char *)dst + first, data, n - first);
	}
}

static void drain_ring(struct tracer *t, int i)
{
	struct perf_event_mmap_page *meta = t->meta[i];
	const char *data = t->data[i];
	unsigned long long head, tail;

	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	tail = meta->data_tail;
	while (tail < head && t->nitems < MAX_ITEMS - 1) {
		struct perf_event_header h;
		struct {
			uint64_t ip;
			uint32_t pid, tid;
			uint64_t time, addr;
		} s;
		uint64_t lost[2];

		ring_copy(t, data, tail, &h, sizeof(h));
		if (!h.size)
			break;
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + sizeof(s)) {
			ring_copy(t, data, tail + sizeof(h), &s, sizeof(s));
			/* Children inherit the event; their faults are not ours. */
			if ((pid_t)s.pid == t->pid) {
				struct item *it = new_item(t);

				it->type = IT_FAULT;
				it->time = s.time;
				it->start = s.addr;
				it->ip = s.ip;
				it->pid = s.pid;
				it->tid = s.tid;
				it->user = (h.misc & PERF_RECORD_MISC_CPUMODE_MASK) ==
					   PERF_RECORD_MISC_USER;
				t->faults++;
			}
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + sizeof(lost)) {
			ring_copy(t, data, tail + sizeof(h), lost, sizeof(lost));
			t->lost += lost[1];
		}
		tail += h.size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

static void drain_perf(struct tracer *t)
{
	int i;

	for (i = 0; i < t->nperf; i++)
		drain_ring(t, i);
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	/* Same time: module records by seq, and a fault first. */
	if (x->type == IT_FAULT || y->type == IT_FAULT)
		return (y->type == IT_FAULT) - (x->type == IT_FAULT);
	return x->seq < y->seq ? -1 : x->seq > y->seq;
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
	case IT_FAULT:
		printf("%12.3f  fault            0x%lx (%s, tid %d, ip 0x%lx)\n", ms,
		       it->start, it->user ? "user" : "kernel", it->tid, it->ip);
		break;
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

static void print_item_json(const struct item *it)
{
	unsigned int i;

	switch (it->type) {
	case IT_FAULT:
		printf(JSON_HEAD "\"type\":\"fault\",\"time_ns\":%llu,\"pid\":%d,\"tid\":%d,\"addr\":\"0x%lx\",\"ip\":\"0x%lx\",\"mode\":\"%s\"}\n",
		       it->time, it->pid, it->tid, it->start, it->ip,
		       it->user ? "user" : "kernel");
		break;
	case IT_EVENT:
		printf(JSON_HEAD "\"type\":\"event\",\"seq\":%llu,\"time_ns\":%llu,\"kind\":\"%s\",\"start\":\"0x%lx\",\"end\":\"0x%lx\",\"blockable\":%s}\n",
		       it->seq, it->time, it->kind, it->start, it->end,
		       it->blockable ? "true" : "false");
		break;
	case IT_DONE:
		printf(JSON_HEAD "\"type\":\"done\",\"seq\":%llu,\"time_ns\":%llu,\"event\":%llu,\"kind\":\"%s\",\"start\":\"0x%lx\",\"end\":\"0x%lx\",\"entries\":[",
		       it->seq, it->time, it->ref, it->kind, it->start, it->end);
		for (i = 0; i < it->nentries; i++) {
			const struct entry *e = &it->e[i];

			printf("%s{\"va\":\"0x%lx\"", i ? "," : "", e->va);
			if (e->has_before)
				printf(",\"before\":\"0x%llx\",\"before_level\":\"%s\"",
				       e->before, e->before_level);
			printf(",\"after\":\"0x%llx\",\"after_level\":\"%s\"}", e->after,
			       e->after_level);
		}
		printf("]}\n");
		break;
	case IT_DROP:
		printf(JSON_HEAD "\"type\":\"drop\",\"count\":%llu,\"total\":%llu}\n", it->count,
		       it->total);
		break;
	case IT_EXIT:
		printf(JSON_HEAD "\"type\":\"exit\",\"seq\":%llu,\"time_ns\":%llu}\n", it->seq, it->time);
		break;
	}
}

/* Print, in time order, the items older than @before; keep the rest. */
static void flush_items(struct tracer *t, unsigned long long before)
{
	size_t i, kept = 0;

	qsort(t->items, t->nitems, sizeof(*t->items), item_cmp);
	for (i = 0; i < t->nitems; i++) {
		struct item *it = &t->items[i];

		if (it->time >= before) {
			t->items[kept++] = *it;
			continue;
		}
		if (!t->t0)
			t->t0 = it->time;
		if (opt_json)
			print_item_json(it);
		else
			print_item_human(t, it);
	}
	t->nitems = kept;
	/* Entries of kept items stay where they are: reuse only when none. */
	if (!kept)
		t->nentries = 0;
	fflush(stdout);
}

static void json_str_escaped(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_header(const struct tracer *t)
{
	if (opt_json) {
		printf(JSON_HEAD "\"type\":\"trace\",\"pid\":%d,\"pfn\":\"%s\",\"clock\":\"monotonic\",\"faults\":",
		       t->pid, t->pfn);
		if (t->nperf) {
			printf("\"perf\"}\n");
		} else {
			printf("\"unavailable\",\"faults_reason\":");
			json_str_escaped(t->perf_why);
			printf("}\n");
		}
	} else {
		printf("trace of PID %d (times in ms from the first record; frames %s)\n",
		       t->pid, t->pfn);
		if (!t->nperf)
			printf("faults: not recorded: %s\n", t->perf_why);
		printf("%12s  %-16s %s\n", "time ms", "what", "where");
	}
	fflush(stdout);
}

static void print_summary(const struct tracer *t)
{
	if (opt_json) {
		printf(JSON_HEAD "\"type\":\"summary\",\"faults\":%llu,\"faults_lost\":%llu,\"events\":%llu,\"done\":%llu,\"dropped\":%llu,\"exited\":%s}\n",
		       t->faults, t->lost, t->events, t->dones, t->dropped,
		       t->exited ? "true" : "false");
		return;
	}
	printf("\n%llu faults%s, %llu page-table changes (%llu ended), %llu records dropped (ring full)",
	       t->faults, !t->nperf ? " (not recorded)" : "", t->events,
	       t->dones, t->dropped);
	if (t->lost)
		printf(", %llu fault samples lost", t->lost);
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

static void attach(struct tracer *t)
{
	char req[32], what[48];

	snprintf(req, sizeof(req), "%d", t->pid);
	snprintf(what, sizeof(what), "PID %d", t->pid);
	t->fd = pf_open("trace", O_RDWR);
	pf_write(t->fd, "trace", req, what);
	strcpy(t->pfn, "?");
	perf_open(t);
}

int cmd_trace(char **args, int n)
{
	struct tracer t = { .fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	bool command = false;
	pid_t child = 0;
	int status;

	/* getopt stops at "--": what follows it is the command. */
	command = !strcmp(args[-1], "--");
	if (!command && n != 1)
		fatal(EXIT_USAGE, "trace: one PID, or -- before a command (see ptwalk trace --help)");
	pf_require("trace");
	t.items = xalloc(MAX_ITEMS * sizeof(*t.items));
	t.entries = xalloc((size_t)MAX_ITEMS * MAX_ENTRIES * sizeof(*t.entries));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (command) {
		child = spawn_traced(args);
		t.pid = child;
	} else {
		t.pid = parse_pid_arg(args[0]);
	}
	attach(&t);
	drain_trace(&t);	/* the header: pfn= */
	print_header(&t);
	if (child && ptrace(PTRACE_DETACH, child, NULL, NULL))
		fatal(EXIT_FAIL, "ptrace detach: %s", strerror(errno));
	while (!interrupted && !t.exited) {
		unsigned long long now = mono_ns();

		drain_trace(&t);
		drain_perf(&t);
		flush_items(&t, t.nitems >= MAX_ITEMS - 1 ? ~0ULL : now - SETTLE_NS);
		if (child && waitpid(child, &status, WNOHANG) == child) {
			child = 0;
			break;
		}
		poll(NULL, 0, TICK_MS);
	}
	drain_trace(&t);
	drain_perf(&t);
	flush_items(&t, ~0ULL);
	print_summary(&t);
	perf_close(&t);
	if (child) {
		/* Ctrl-C went to the command too; reap it. */
		waitpid(child, &status, 0);
	}
	return EXIT_OK;
}
