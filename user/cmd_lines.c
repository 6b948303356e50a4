// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that show one module file as it is: info, whatis, tables,
 * kernel and sharing. Each is a view (the command table in main.c points
 * to it): the file, how to ask it, and what a person sees. The JSON of
 * all of them is the file's lines by the line rule (json_lines(),
 * docs/json.md); the human output is print_lines()'s aligned table, or,
 * for kernel, the renderer a person needs there (regions with their sizes
 * and runs).
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "procfile.h"
#include "ptwalk.h"
#include "ptwfmt.h"
#include "render.h"
#include "source.h"
#include "table.h"

const char info_help[] =
	"usage: ptwalk info [--json]\n"
	"Show the module version, kernel release, paging levels (4 or 5), whether\n"
	"page-table isolation (PTI) is on, the page size, the top of the user\n"
	"half and the transparent-hugepage mode. Needs no privileges.\n";

const char whatis_help[] =
	"usage: ptwalk whatis VA|kernel-text [--json]\n"
	"Say what a kernel virtual address (hex) is: its region (direct map,\n"
	"vmalloc, vmemmap, kernel image, modules, fixmap, ...), whether it is\n"
	"mapped and by what page size, its physical address checked against the\n"
	"kernel's own helper, and what the frame is used for (slab, page table,\n"
	"buddy, ...). Root only: the answers reveal the kernel's layout.\n"
	"kernel-text stands for the start of the kernel image as mapped now:\n"
	"KASLR moves it at every boot, so 0xffffffff81000000 is rarely it.\n";

const char tables_help[] =
	"usage: ptwalk tables [PID] [--json]\n"
	"Count the page-table pages of PID (default: ptwalk itself) per level:\n"
	"how many, their bytes, and how many of their entries are in use. Also\n"
	"the leaves per page size, the PTE tables the kernel keeps in reserve\n"
	"under anonymous THPs, the kernel half's tables (shared by every\n"
	"process, counted once) and VmPTE's figure. Root for another PID.\n";

const char kernel_help[] =
	"usage: ptwalk kernel [--json]\n"
	"Dump the kernel half of the address space as ptdump would, plus the\n"
	"frames: each region (direct map, vmalloc, vmemmap, cpu_entry_area,\n"
	"kernel image, modules, fixmap, ...) with its merged runs of entries\n"
	"(page size, count, physical address, flags). Every process maps this\n"
	"same kernel half; with PTI the user copy of the table follows, which\n"
	"maps only what entering the kernel needs. Root only: the dump reveals\n"
	"the layout KASLR hides.\n";

const char sharing_help[] =
	"usage: ptwalk sharing [--json]\n"
	"Compare the kernel slots (the upper half of the top-level table) of\n"
	"every process with ptwalk's own: a slot is shared when both entries\n"
	"point to the same next-level table. Lists each slot in use, how many\n"
	"processes share it, the processes that do not (with PTI, a process\n"
	"that set an LDT has its own ldt-remap slot), the PTI user copy, and\n"
	"the page-table memory the sharing saves. Root only.\n";

/* The THP mode, which the module cannot read: one more member or line. */
static void info_json(struct json *j)
{
	char mode[16];

	read_thp_mode(mode, sizeof(mode));
	json_str(j, "thp", mode);
}

static const char *info_extra(char *buf, size_t size)
{
	char mode[16];

	read_thp_mode(mode, sizeof(mode));
	snprintf(buf, size, "thp mode=%s\n", mode);
	return buf;
}

static const struct line_note info_notes[] = {
	{ .tag = "kernel", .key = "paging_levels",
	  .text = "4: 48-bit, 5: 57-bit virtual addresses" },
	{ .tag = "kernel", .key = "pti",
	  .text = "on: user mode runs on a second, reduced top-level table" },
	{ .tag = "kernel", .key = "user_top", .text = "where the user half ends" },
	{ .tag = "thp", .key = "mode", .text = "from " THP_ENABLED_PATH },
	{ NULL },
};

const struct line_view info_view = {
	.file = "info", .notes = info_notes, .json_extra = info_json,
	.extra_line = info_extra,
};

static const char *whatis_request(char **args, char *req, size_t size, char *what,
				  size_t wsize)
{
	snprintf(req, size, "0x%lx", kernel_va_arg(args[0]));
	snprintf(what, wsize, "the kernel half");
	return req;
}

const struct line_view whatis_view = {
	.file = "whatis", .request = whatis_request, .first_tag = "target",
};

static const char *tables_request(char **args, char *req, size_t size, char *what,
				  size_t wsize)
{
	if (args[0])
		snprintf(req, size, "%d", (int)parse_pid_arg(args[0]));
	else
		snprintf(req, size, "self");
	snprintf(what, wsize, "PID %s", req);
	return req;
}

static const struct line_note tables_notes[] = {
	{ .tag = "level", .text = "the user half's tables, per level" },
	{ .tag = "level", .key = "used", .part = "entries", .whole = "capacity" },
	{ .tag = "leaves", .text = "entries that map a frame, per page size" },
	{ .tag = "deposited", .text = "PTE tables held in reserve under anonymous THPs" },
	{ .tag = "kernel", .text = "the kernel half's tables: shared by every process, counted once" },
	{ .tag = "vmpte", .text = "VmPTE: PUD, PMD and PTE tables, reserve included" },
	{ NULL },
};

const struct line_view tables_view = {
	.file = "tables", .request = tables_request, .notes = tables_notes,
};

static void kernel_human(char *text)
{
	print_kernel(stdout, text);
}

const struct line_view kernel_view = { .file = "kernel", .human = kernel_human };

static const struct line_note sharing_notes[] = {
	{ .tag = "reader", .key = "pid", .text = "ptwalk itself: the process the others are compared with" },
	{ .tag = "reader", .key = "slot_size", .text = "what one top-level slot covers" },
	{ .tag = "slot", .text = "kernel slots in use (same, differ: processes whose entry points to ptwalk's next-level table, or elsewhere)" },
	{ .tag = "exception", .text = "a process whose entry points elsewhere" },
	{ .tag = "user-copy", .key = "present", .text = "PTI's user copy of the top-level table" },
	{ .tag = "user-slot", .text = "the PTI user copy's slots (kernel: the same table as the kernel copy's?)" },
	{ .tag = "user-exception", .text = "a process whose entry points elsewhere" },
	{ .tag = "total", .key = "tables", .text = "table pages under the kernel slots: they exist once, not once per process" },
	{ .tag = "total", .key = "saved_bytes", .text = "the page-table memory that sharing saves" },
	{ .tag = "end", .key = "unlisted", .text = "exceptions the module did not list" },
	{ NULL },
};

const struct line_view sharing_view = { .file = "sharing", .notes = sharing_notes };

int show_lines(const struct line_view *v, char **args)
{
	char req[64], what[64], extra[64], *text, *body;
	const char *reqs[2] = { NULL, NULL };
	struct json j;

	pf_require(v->file);
	if (v->request) {
		/* Operands are counted (main.c); argv's NULL ends them. */
		reqs[0] = v->request(args, req, sizeof(req), what, sizeof(what));
		text = pf_request(v->file, reqs, what);
	} else {
		text = pf_read(v->file);
	}
	body = lines_body(text, v->file);
	if (v->first_tag && (strncmp(body, v->first_tag, strlen(v->first_tag)) ||
			     body[strlen(v->first_tag)] != ' '))
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: empty answer", v->file);
	if (opt_json) {
		json_open(&j, stdout, v->file);
		json_lines(&j, v->file, body);
		if (v->json_extra)
			v->json_extra(&j);
		json_close(&j);
	} else if (v->human) {
		v->human(text);
	} else {
		if (v->extra_line) {
			v->extra_line(extra, sizeof(extra));
			body = strcat(strcpy(xalloc(strlen(body) + strlen(extra) + 1), body), extra);
		}
		print_lines(stdout, v->file, body, v->notes);
	}
	return EXIT_OK;
}
