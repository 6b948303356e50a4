// SPDX-License-Identifier: GPL-2.0
/*
 * The recording half of `ptwalk trace` (tracer.h): page faults (perf
 * software events) and page-table changes (the module's /proc/ptwalk/trace,
 * an MMU-notifier recorder), merged by time. Both sources stamp
 * CLOCK_MONOTONIC: perf with use_clockid, the module with ktime_get_ns().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "procfile.h"
#include "ptwalk.h"
#include "ptwfmt.h"
#include "tracer.h"

#define PERF_PAGES	64		/* data pages of the perf ring (256 KiB) */
#define TRACE_LINE_MAX	512		/* the longest line of the trace file */
#define MAX_ITEMS	TRACER_MAX_ITEMS
#define MAX_ENTRIES	TRACER_MAX_ENTRIES
#define TRACE_BUF	TRACER_BUF
#define MAX_CPUS	TRACER_MAX_CPUS

unsigned long long mono_ns(void)
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

void tracer_start(struct tracer *t, pid_t pid)
{
	char req[32], what[48];

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->mark = arena_mark();
	t->items = xalloc(MAX_ITEMS * sizeof(*t->items));
	t->entries = xalloc((size_t)MAX_ITEMS * MAX_ENTRIES * sizeof(*t->entries));
	snprintf(req, sizeof(req), "%d", pid);
	snprintf(what, sizeof(what), "PID %d", pid);
	t->fd = pf_open("trace", O_RDWR);
	pf_write(t->fd, "trace", req, what);
	strcpy(t->pfn, "?");
	perf_open(t);
	drain_trace(t);		/* the header: pfn= */
}

void tracer_poll(struct tracer *t)
{
	drain_trace(t);
	drain_perf(t);
}

bool tracer_full(const struct tracer *t)
{
	return t->nitems >= MAX_ITEMS - 1;
}

void tracer_flush(struct tracer *t, unsigned long long before, tracer_emit emit, void *ctx)
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
		emit(t, it, ctx);
	}
	t->nitems = kept;
	/* Entries of kept items stay where they are: reuse only when none. */
	if (!kept)
		t->nentries = 0;
}

const char *tracer_faults_missing(const struct tracer *t)
{
	return t->nperf ? NULL : t->perf_why;
}

void tracer_stop(struct tracer *t)
{
	perf_close(t);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->items = NULL;
	t->entries = NULL;
	arena_release(t->mark);
}
