// SPDX-License-Identifier: GPL-2.0
/*
 * The explorer page: one self-contained HTML file from a snapshot of one
 * process. The page itself (markup, style, script) is user/explorer.html,
 * compiled into the tool; this file reads the snapshot from the module
 * and puts it into the page as one JSON document (docs/json.md, "html"),
 * pictures included as strings. Nothing the page shows is computed in the
 * browser from guesses: every walk it steps through is a walk the module
 * did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html.h"
#include "json.h"
#include "procfile.h"
#include "ptwalk.h"
#include "render.h"
#include "source.h"
#include "svg.h"

/*
 * The page, with EXPLORER_SLOT where the data goes. .incbin keeps it an
 * ordinary HTML file in the tree, editable and testable on its own
 * (tests/host/explorer.sh fills the slot from a saved snapshot).
 */
__asm__(".section .rodata\n"
	".global explorer_page\n"
	"explorer_page:\n"
	".incbin \"user/explorer.html\"\n"
	".byte 0\n"
	".previous\n");
extern const char explorer_page[];

#define EXPLORER_SLOT	"/*PTWALK-DATA*/null"

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Which pages to walk: first the first page of every VMA (where a walk
 * of an empty VMA stops is worth seeing) and of every run, then every
 * page of the runs in order, until EXPLORER_WALKS_MAX.
 */
static size_t pick_pages(const struct pt_maps *m, unsigned long *va, bool *complete)
{
	size_t n = 0, i, k, u;
	unsigned long a;

	*complete = true;
	for (i = 0; i < m->nr_vmas; i++) {
		const struct pt_vma *v = &m->vmas[i];

		if (n < EXPLORER_WALKS_MAX)
			va[n++] = v->start;
		for (k = 0; k < v->nr_runs && n < EXPLORER_WALKS_MAX; k++)
			va[n++] = v->runs[k].start;
	}
	for (i = 0; i < m->nr_vmas; i++) {
		const struct pt_vma *v = &m->vmas[i];

		for (k = 0; k < v->nr_runs; k++) {
			const struct pt_run *r = &v->runs[k];

			if (strcmp(r->kind, "mapped"))
				continue;
			for (a = r->start + r->page_size; a < r->end; a += r->page_size) {
				if (n == EXPLORER_WALKS_MAX) {
					*complete = false;
					goto done;
				}
				va[n++] = a;
			}
		}
	}
done:
	qsort(va, n, sizeof(*va), cmp_ulong);
	for (i = u = 0; i < n; i++)
		if (!u || va[u - 1] != va[i])
			va[u++] = va[i];
	return u;
}

/* A picture made by svg.c or figure.c, as a string without its XML line. */
static char *svg_text(void (*draw)(const char *path, const struct explorer *e),
		      const struct explorer *e)
{
	char path[] = "/tmp/ptwalk-html-XXXXXX";
	char *text, *body;
	int fd = mkstemp(path);
	size_t cap = 1 << 16, len = 0;
	ssize_t got;

	if (fd < 0)
		fatal(EXIT_FAIL, "cannot create a temporary file: %s", strerror(errno));
	draw(path, e);
	text = xalloc(cap + 1);
	while ((got = read(fd, text + len, cap - len)) > 0) {
		len += got;
		if (len == cap) {
			text = xgrow(text, cap + 1, 2 * cap + 1);
			cap *= 2;
		}
	}
	close(fd);
	unlink(path);
	text[len] = '\0';
	body = strstr(text, "<svg");
	return body ? body : text;
}

static void draw_maps(const char *path, const struct explorer *e)
{
	svg_maps_file(path, &e->maps, &e->info, e->self);
}

static void draw_frames(const char *path, const struct explorer *e)
{
	svg_figure_file(path, &e->maps, 1, NULL, 0, ~0UL, e->self);
}

void explorer_collect(struct explorer *e, pid_t pid)
{
	unsigned long *va;
	size_t i;

	memset(e, 0, sizeof(*e));
	read_info(&e->info);
	read_maps(pid, &e->maps);
	e->self = e->maps.pid == getpid();
	va = xalloc(EXPLORER_WALKS_MAX * sizeof(*va));
	e->nr_walks = pick_pages(&e->maps, va, &e->walks_complete);
	e->walks = xalloc((e->nr_walks + 1) * sizeof(*e->walks));
	for (i = 0; i < e->nr_walks; i++)
		read_walk(e->maps.pid, va[i], &e->walks[i]);
	e->has_tables = pf_exists("tables");
	if (e->has_tables)
		e->tables = read_tables(e->maps.pid);
	e->maps_svg = svg_text(draw_maps, e);
	/* The frames need physical addresses, which only root sees. */
	if (e->maps.pfn_shown)
		e->frames_svg = svg_text(draw_frames, e);
}

static void json_data(struct json *j, const struct explorer *e)
{
	size_t i;

	json_int(j, "pid", e->maps.pid);
	/* The members of info --json: the module's lines and the THP mode. */
	json_obj(j, "info");
	json_lines(j, "info", e->info.lines);
	json_str(j, "thp", e->info.thp);
	json_end(j);
	json_obj(j, "maps");
	json_maps_members(j, &e->maps, e->self, ALL_LO, ALL_HI);
	json_end(j);
	json_arr(j, "walks");
	for (i = 0; i < e->nr_walks; i++) {
		json_obj(j, NULL);
		json_walk_members(j, &e->walks[i]);
		json_end(j);
	}
	json_end(j);
	json_bool(j, "walks_complete", e->walks_complete);
	if (e->has_tables) {
		json_obj(j, "tables");
		json_lines(j, "tables", e->tables);
		json_end(j);
	} else {
		json_null(j, "tables");
	}
	json_str(j, "maps_svg", e->maps_svg);
	if (e->frames_svg)
		json_str(j, "frames_svg", e->frames_svg);
	else
		json_null(j, "frames_svg");
}

void explorer_write(const char *path, const struct explorer *e)
{
	const char *slot = strstr(explorer_page, EXPLORER_SLOT);
	char *data = NULL;
	size_t len = 0, i;
	struct json j;
	FILE *mem, *f;

	if (!slot)
		fatal(EXIT_FAIL, "the explorer page has no data slot (user/explorer.html)");
	mem = open_memstream(&data, &len);
	if (!mem)
		fatal(EXIT_FAIL, "open_memstream: %s", strerror(errno));
	json_open(&j, mem, "html");
	json_data(&j, e);
	json_close(&j);
	if (fclose(mem))
		fatal(EXIT_FAIL, "building the page's data failed");
	f = fopen(path, "w");
	if (!f)
		fatal(EXIT_FAIL, "cannot write %s: %s", path, strerror(errno));
	fwrite(explorer_page, 1, slot - explorer_page, f);
	/*
	 * Inside <script> the text "</script>" or "<!--" would end or change
	 * the script: no '<' is in the data, json_write_string() writes it
	 * \u003c. The document goes on one line.
	 */
	for (i = 0; i < len; i++)
		if (data[i] != '\n')
			fputc(data[i], f);
	fputs(slot + strlen(EXPLORER_SLOT), f);
	free(data);
	if (ferror(f) | fclose(f))
		fatal(EXIT_FAIL, "writing %s failed", path);
}
