// SPDX-License-Identifier: GPL-2.0
/* ptwalk walk PID|kernel VA: the MMU's walk for one address. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "render.h"
#include "source.h"

const char walk_help[] =
	"usage: ptwalk walk PID VA [--json]\n"
	"       ptwalk walk kernel VA|kernel-text [--json]\n"
	"Walk the page tables for one virtual address (hex, 0x optional) the way\n"
	"the MMU does: every level's index, entry address, raw value and flags,\n"
	"then the physical address or why translation stops. With PTI on, the\n"
	"PGD-user line is the slot user mode runs on. 'kernel' walks the kernel\n"
	"half (root only); another process needs root. kernel-text is the start\n"
	"of the kernel image as mapped now (KASLR moves it at every boot).\n";

int cmd_walk(char **args, int n UNUSED)
{
	struct pt_walk walk;
	unsigned long va;
	pid_t pid = 0;
	struct json j;

	if (strcmp(args[0], "kernel")) {
		pid = parse_pid_arg(args[0]);
		va = parse_va_arg(args[1]);
	} else {
		va = kernel_va_arg(args[1]);
	}
	read_walk(pid, va, &walk);
	if (opt_json) {
		json_open(&j, stdout, "walk");
		json_walk_members(&j, &walk);
		json_close(&j);
	} else {
		print_walk(stdout, &walk);
	}
	return EXIT_OK;
}
