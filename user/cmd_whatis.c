// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk whatis VA: what a kernel address belongs to, from
 * /proc/ptwalk/whatis ("ptwalk-whatis", docs/interface.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "procfile.h"
#include "ptwfmt.h"
#include "ptwalk.h"
#include "source.h"
#include "table.h"

const char whatis_help[] =
	"usage: ptwalk whatis VA|kernel-text [--json]\n"
	"Say what a kernel virtual address (hex) is: its region (direct map,\n"
	"vmalloc, vmemmap, kernel image, modules, fixmap, ...), whether it is\n"
	"mapped and by what page size, its physical address checked against the\n"
	"kernel's own helper, and what the frame is used for (slab, page table,\n"
	"buddy, ...). Root only: the answers reveal the kernel's layout.\n"
	"kernel-text stands for the start of the kernel image as mapped now:\n"
	"KASLR moves it at every boot, so 0xffffffff81000000 is rarely it.\n";

/* "ptwalk-whatis 2": a line per fact, printed as a table or as JSON. */
int cmd_whatis(char **args, int n UNUSED)
{
	char req[32], *rest;
	const char *reqs[2] = { req, NULL };
	struct json j;

	snprintf(req, sizeof(req), "0x%lx", kernel_va_arg(args[0]));
	pf_require("whatis");
	rest = parse_version(pf_request("whatis", reqs, "the kernel half"), "whatis");
	if (strncmp(rest, "target ", 7))
		fatal(EXIT_FORMAT, "/proc/ptwalk/whatis: empty answer");
	if (opt_json) {
		json_open(&j, stdout, "whatis");
		json_lines(&j, "whatis", rest);
		json_close(&j);
	} else {
		print_lines(stdout, "whatis", rest, NULL);
	}
	return EXIT_OK;
}
