// SPDX-License-Identifier: GPL-2.0
/*
 * The trace's step-through page (ptwalk trace --html FILE). The trace's
 * JSON lines are kept as printed; the target's VMAs are read from
 * /proc/PID/maps at every tick of the trace loop (and when a record's
 * range lies outside the last snapshot's VMAs) and kept when they
 * changed, each snapshot stamped with CLOCK_MONOTONIC, the records'
 * clock. For `trace -- CMD` the first snapshot is taken while CMD is
 * still stopped after its execve(), so the page has the address space
 * from the first instruction; once the address space is gone the file
 * reads empty and the last snapshot stands.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "ptwalk.h"
#include "ptwfmt.h"
#include "trace_page.h"
#include "tracer.h"

/* The page, with TRACE_SLOT where the data goes (as user/html.c does). */
__asm__(".section .rodata\n"
	".global trace_page_html\n"
	"trace_page_html:\n"
	".incbin \"user/trace.html\"\n"
	".byte 0\n"
	".previous\n");
extern const char trace_page_html[];

#define TRACE_SLOT	"/*PTWALK-DATA*/null"
#define MAX_VMAS	8192

static struct {
	FILE *out;			/* the page file, opened early */
	const char *path;
	pid_t pid;
	char *lines;			/* the JSON lines */
	size_t lines_len;
	FILE *lines_f;
	char *snaps;			/* the snapshots, comma-separated */
	size_t snaps_len;
	FILE *snaps_f;
	unsigned int nsnaps;
	char *last;			/* the last snapshot's text */
	size_t last_len;
	unsigned long start[MAX_VMAS], end[MAX_VMAS];
	size_t nvmas;
} pg;

void trace_page_open(const char *path)
{
	pg.out = fopen(path, "w");
	if (!pg.out)
		fatal(EXIT_FAIL, "cannot write %s: %s", path, strerror(errno));
	pg.path = path;
	pg.lines_f = open_memstream(&pg.lines, &pg.lines_len);
	pg.snaps_f = open_memstream(&pg.snaps, &pg.snaps_len);
	if (!pg.lines_f || !pg.snaps_f)
		fatal(EXIT_FAIL, "open_memstream: %s", strerror(errno));
}

void trace_page_start(pid_t pid)
{
	pg.pid = pid;
	trace_page_maps();
}

FILE *trace_page_lines(void)
{
	return pg.lines_f;
}

/* The whole of /proc/PID/maps (malloc'd, *len bytes), or NULL. */
static char *read_maps_text(size_t *len)
{
	char path[64], *buf;
	size_t cap = 1 << 16;
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pg.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* One byte more for the '\0' sscanf needs. */
	buf = malloc(cap + 1);
	*len = 0;
	while (buf && (got = read(fd, buf + *len, cap - *len)) > 0) {
		*len += got;
		if (*len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	close(fd);
	if (!buf)
		fatal(EXIT_FAIL, "out of memory");
	buf[*len] = '\0';
	return buf;
}

/* One snapshot: {"time_ns":T,"vmas":[{"start","end","perms","name"}...]}. */
static void add_snapshot(unsigned long long time, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t n = 0;

	fprintf(pg.snaps_f, "%s{\"time_ns\":%llu,\"vmas\":[", pg.nsnaps ? "," : "", time);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;
		unsigned long s, e;
		char perms[8];
		int name = 0;

		if (sscanf(p, "%lx-%lx %7s %*s %*s %*s %n", &s, &e, perms, &name) >= 3 &&
		    name > 0 && p + name <= eol + 1) {
			const char *nm = p + name > eol ? eol : p + name;

			fprintf(pg.snaps_f, "%s{\"start\":\"0x%lx\",\"end\":\"0x%lx\",\"perms\":",
				n ? "," : "", s, e);
			json_write_string(pg.snaps_f, perms, strlen(perms));
			fprintf(pg.snaps_f, ",\"name\":");
			json_write_string(pg.snaps_f, nm, eol - nm);
			fputc('}', pg.snaps_f);
			if (n < MAX_VMAS) {
				pg.start[n] = s;
				pg.end[n] = e;
			}
			n++;
		}
		p = eol + 1;
	}
	fprintf(pg.snaps_f, "]}");
	pg.nvmas = n < MAX_VMAS ? n : MAX_VMAS;
	pg.nsnaps++;
}

void trace_page_maps(void)
{
	unsigned long long now;
	size_t len;
	char *text;

	if (!pg.out)
		return;
	now = mono_ns();
	text = read_maps_text(&len);
	/* Gone or empty (the address space went away): the last one stands. */
	if (!text || !len || (pg.last && len == pg.last_len && !memcmp(text, pg.last, len))) {
		free(text);
		return;
	}
	add_snapshot(now, text, len);
	free(pg.last);
	pg.last = text;
	pg.last_len = len;
}

bool trace_page_covers(unsigned long start, unsigned long end)
{
	size_t i;

	for (i = 0; i < pg.nvmas; i++)
		if (start >= pg.start[i] && start < pg.end[i])
			/* A range may run over several adjacent VMAs. */
			return end <= pg.end[i] || trace_page_covers(pg.end[i], end);
	return false;
}

void trace_page_close(void)
{
	const char *slot = strstr(trace_page_html, TRACE_SLOT);
	size_t i;

	if (!pg.out)
		return;
	if (!slot)
		fatal(EXIT_FAIL, "the trace page has no data slot (user/trace.html)");
	if (fclose(pg.lines_f) | fclose(pg.snaps_f))
		fatal(EXIT_FAIL, "building the page's data failed");
	fwrite(trace_page_html, 1, slot - trace_page_html, pg.out);
	fprintf(pg.out, "{\"ptwalk_json\":" PTW_STR(PTWALK_JSON_VERSION)
		",\"command\":\"trace-page\",\"pid\":%d,\"snapshots\":[", (int)pg.pid);
	fwrite(pg.snaps, 1, pg.snaps_len, pg.out);
	fputs("],\"lines\":[", pg.out);
	/* The lines, one array element each; '<' as in user/html.c. */
	for (i = 0; i < pg.lines_len; i++) {
		if (pg.lines[i] == '<')
			fputs("\\u003c", pg.out);
		else if (pg.lines[i] == '\n')
			fputs(i + 1 < pg.lines_len ? "," : "", pg.out);
		else
			fputc(pg.lines[i], pg.out);
	}
	fputs("]}", pg.out);
	fputs(slot + strlen(TRACE_SLOT), pg.out);
	free(pg.lines);
	free(pg.snaps);
	free(pg.last);
	if (ferror(pg.out) | fclose(pg.out))
		fatal(EXIT_FAIL, "writing %s failed", pg.path);
	pg.out = NULL;
}
