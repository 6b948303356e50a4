// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk tables [PID]: what a process's page tables cost, per level
 * (/proc/ptwalk/tables).
 */
#include <stdio.h>

#include "fmt.h"
#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "render.h"
#include "source.h"

const char tables_help[] =
	"usage: ptwalk tables [PID] [--json]\n"
	"Count the page-table pages of PID (default: ptwalk itself) per level:\n"
	"how many, their bytes, and how many of their entries are in use. Also\n"
	"the leaves per page size, the PTE tables the kernel keeps in reserve\n"
	"under anonymous THPs, the kernel half's tables (shared by every\n"
	"process, counted once) and VmPTE's figure. Root for another PID.\n";

static void print_tables(const struct pt_tables *t)
{
	char b1[SIZE_BUF], b2[SIZE_BUF];
	int i;

	printf("page tables of PID %d (%d levels, PTI %s)\n\n", t->pid, t->levels, t->pti);
	printf("%-6s %8s %8s %12s %12s %6s\n", "level", "tables", "bytes", "entries",
	       "capacity", "used");
	for (i = 0; i < t->nr_levels; i++) {
		const struct pt_table_level *l = &t->level[i];

		printf("%-6s %8llu %8s %12llu %12llu %5.1f%%\n", l->name, l->tables,
		       fmt_size(l->bytes, b1), l->entries, l->capacity,
		       l->capacity ? 100.0 * l->entries / l->capacity : 0.0);
	}
	printf("\nleaves: %llu of 1G, %llu of 2M, %llu of 4K\n", t->leaves_1g,
	       t->leaves_2m, t->leaves_4k);
	printf("PTE tables held in reserve under anonymous THPs: %llu (%s)\n",
	       t->deposited, fmt_size(t->deposited * 4096, b1));
	printf("VmPTE (PUD, PMD and PTE tables, reserve included): %s\n",
	       fmt_size(t->vmpte_bytes, b1));
	printf("kernel half: %llu tables (%s), shared by every process\n",
	       t->kernel_tables, fmt_size(t->kernel_bytes, b2));
}

/* Also the explorer page's (html.c). */
void json_tables_members(struct json *j, const struct pt_tables *t)
{
	json_lines(j, "tables", t->lines);
}

static void json_tables(const struct pt_tables *t)
{
	struct json j;

	json_open(&j, stdout, "tables");
	json_tables_members(&j, t);
	json_close(&j);
}

int cmd_tables(char **args, int n)
{
	struct pt_tables t;
	pid_t pid = 0;

	if (n == 1)
		pid = parse_pid_arg(args[0]);
	read_tables(pid, &t);
	if (opt_json)
		json_tables(&t);
	else
		print_tables(&t);
	return EXIT_OK;
}
