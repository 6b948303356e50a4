// SPDX-License-Identifier: GPL-2.0
/*
 * The recording half of `ptwalk trace` (tracer.h): the module's
 * /proc/ptwalk/trace, which records the target's page faults (kernel perf
 * counters, with the entry each produced) and its page-table changes (an
 * MMU notifier) on one timeline, stamped CLOCK_MONOTONIC. No perf event of
 * the tool's own: the module's counters do not depend on
 * perf_event_paranoid.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "procfile.h"
#include "ptwalk.h"
#include "ptwfmt.h"
#include "tracer.h"

#define TRACE_LINE_MAX	512		/* the longest line of the trace file */
#define MAX_ITEMS	TRACER_MAX_ITEMS
#define MAX_ENTRIES	TRACER_MAX_ENTRIES
#define TRACE_BUF	TRACER_BUF

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
		char yes[16] = "";

		field(&l, "pfn", t->pfn, sizeof(t->pfn));
		field(&l, "faults", yes, sizeof(yes));
		t->faults_recorded = !strcmp(yes, "recorded");
		yes[0] = 0;
		field(&l, "access", yes, sizeof(yes));
		t->access_recorded = !strcmp(yes, "recorded");
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
		it->seq = t->nitems > 1 ? t->items[t->nitems - 2].seq : 0;
		return;
	}
	if (!num(&l, "seq", &it->seq) || !num(&l, "time", &it->time))
		fatal(EXIT_FORMAT, PTWALK_DIR "/trace: malformed '%.80s'", text);
	if (!strcmp(l.tag, "exit")) {
		it->type = IT_EXIT;
		t->exited = true;
		return;
	}
	if (!strcmp(l.tag, "fault")) {
		char mode[8] = "";
		unsigned long long ip;

		it->type = IT_FAULT;
		it->pid = t->pid;
		if (!num(&l, "tid", &a) || !num(&l, "va", &b) ||
		    !num(&l, "ip", &ip) || !num(&l, "entry", &it->entry) ||
		    !field(&l, "mode", mode, sizeof(mode)) ||
		    !field(&l, "access", it->access, sizeof(it->access)) ||
		    !field(&l, "prot", it->prot, sizeof(it->prot)) ||
		    !field(&l, "level", it->entry_level, sizeof(it->entry_level)) ||
		    !field(&l, "entry_at", it->entry_at, sizeof(it->entry_at)))
			fatal(EXIT_FORMAT, PTWALK_DIR "/trace: malformed '%.80s'", text);
		it->tid = a;
		it->start = b;
		it->ip = ip;
		it->user = !strcmp(mode, "user");
		t->faults++;
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

/*
 * No line of the trace format is shorter than this: one read() of
 * TRACE_BUF bytes makes at most TRACE_BUF / MIN_LINE items.
 */
#define MIN_LINE	16

/*
 * Everything the module has buffered, line by line; false when it stopped
 * first because the items would not have room for one more read.
 */
static bool drain_trace(struct tracer *t)
{
	static char buf[TRACE_BUF + 1], line[2 * TRACE_BUF + 1];

	for (;;) {
		ssize_t n;
		char *p, *nl;

		if (t->nitems + TRACE_BUF / MIN_LINE >= MAX_ITEMS)
			return false;
		n = read(t->fd, buf, TRACE_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fatal(errno == EIO ? EXIT_NOMODULE : EXIT_FAIL,
			      PTWALK_DIR "/trace: %s", strerror(errno));
		if (!n)
			return true;
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

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	/* Same time: by seq; a drop after the record it follows. */
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return (x->type == IT_DROP) - (y->type == IT_DROP);
}

#define ITEMS_BYTES	(MAX_ITEMS * sizeof(struct item))
#define ENTRIES_BYTES	((size_t)MAX_ITEMS * MAX_ENTRIES * sizeof(struct entry))

/*
 * The item and entry buffers: a mapping of their own, reserved and left
 * untouched, filled as records come (each item and entry is set when it
 * is used). A tool that traces itself (demo step 13) then makes no fault
 * for them up front, where zeroing 58 MiB made 15,000 and filled the
 * module's ring; and they are not the arena the caller's data lives in.
 */
static void *tracer_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		fatal(EXIT_FAIL, "trace: reserving %zu MiB: %s", size >> 20, strerror(errno));
	return p;
}

void tracer_start(struct tracer *t, pid_t pid)
{
	char req[32], what[48];

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->items = tracer_map(ITEMS_BYTES);
	t->entries = tracer_map(ENTRIES_BYTES);
	snprintf(req, sizeof(req), "%d", pid);
	snprintf(what, sizeof(what), "PID %d", pid);
	t->fd = pf_open("trace", O_RDWR);
	pf_write(t->fd, "trace", req, what);
	strcpy(t->pfn, "?");
	drain_trace(t);		/* the header: pfn=, faults= */
}

/* Hand out every item read so far, in time order, and forget them. */
static void flush_items(struct tracer *t, tracer_emit emit, void *ctx)
{
	size_t i;

	/* In the module's order already; a drop goes after what it follows. */
	qsort(t->items, t->nitems, sizeof(*t->items), item_cmp);
	for (i = 0; i < t->nitems; i++) {
		if (!t->t0)
			t->t0 = t->items[i].time;
		emit(t, &t->items[i], ctx);
	}
	t->nitems = 0;
	t->nentries = 0;
}

void tracer_drain(struct tracer *t, tracer_emit emit, void *ctx)
{
	bool all;

	do {
		all = drain_trace(t);
		flush_items(t, emit, ctx);
	} while (!all);
}

const char *tracer_faults_missing(const struct tracer *t)
{
	return t->faults_recorded ? NULL :
	       "the module's trace does not say faults=recorded";
}

void tracer_stop(struct tracer *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->items)
		munmap(t->items, ITEMS_BYTES);
	if (t->entries)
		munmap(t->entries, ENTRIES_BYTES);
	t->items = NULL;
	t->entries = NULL;
}
