// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk tables [PID]: what a process's page tables cost, per level
 * (/proc/ptwalk/tables).
 */
#include <stdio.h>

#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "render.h"
#include "source.h"
#include "table.h"

const char tables_help[] =
	"usage: ptwalk tables [PID] [--json]\n"
	"Count the page-table pages of PID (default: ptwalk itself) per level:\n"
	"how many, their bytes, and how many of their entries are in use. Also\n"
	"the leaves per page size, the PTE tables the kernel keeps in reserve\n"
	"under anonymous THPs, the kernel half's tables (shared by every\n"
	"process, counted once) and VmPTE's figure. Root for another PID.\n";

static const struct line_note tables_notes[] = {
	{ .tag = "level", .text = "the user half's tables, per level" },
	{ .tag = "level", .key = "used", .part = "entries", .whole = "capacity" },
	{ .tag = "leaves", .text = "entries that map a frame, per page size" },
	{ .tag = "deposited", .text = "PTE tables held in reserve under anonymous THPs" },
	{ .tag = "kernel", .text = "the kernel half's tables: shared by every process, counted once" },
	{ .tag = "vmpte", .text = "VmPTE: PUD, PMD and PTE tables, reserve included" },
	{ NULL },
};

/* Also the explorer page's (html.c). */
void json_tables_members(struct json *j, const struct pt_tables *t)
{
	json_lines(j, "tables", t->lines);
}

int cmd_tables(char **args, int n)
{
	struct pt_tables t;
	struct json j;
	pid_t pid = 0;

	if (n == 1)
		pid = parse_pid_arg(args[0]);
	read_tables(pid, &t);
	if (opt_json) {
		json_open(&j, stdout, "tables");
		json_tables_members(&j, &t);
		json_close(&j);
	} else {
		print_lines(stdout, "tables", t.lines, tables_notes);
	}
	return EXIT_OK;
}
