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

const char whatis_help[] =
	"usage: ptwalk whatis VA|kernel-text [--json]\n"
	"Say what a kernel virtual address (hex) is: its region (direct map,\n"
	"vmalloc, vmemmap, kernel image, modules, fixmap, ...), whether it is\n"
	"mapped and by what page size, its physical address checked against the\n"
	"kernel's own helper, and what the frame is used for (slab, page table,\n"
	"buddy, ...). Root only: the answers reveal the kernel's layout.\n"
	"kernel-text stands for the start of the kernel image as mapped now:\n"
	"KASLR moves it at every boot, so 0xffffffff81000000 is rarely it.\n";

#define WHATIS_MAX_LINES	8

/* "ptwalk-whatis 2": a line per fact, printed as a table or as JSON. */
int cmd_whatis(char **args, int n UNUSED)
{
	struct ptw_line l[WHATIS_MAX_LINES];
	char req[32], val[PTW_VALUE_MAX], *rest, *line;
	const char *reqs[2] = { req, NULL };
	int nr = 0, i, k;
	struct json j;

	snprintf(req, sizeof(req), "0x%lx", kernel_va_arg(args[0]));
	pf_require("whatis");
	rest = parse_version(pf_request("whatis", reqs, "the kernel half"), "whatis");
	if (opt_json) {
		if (strncmp(rest, "target ", 7))
			fatal(EXIT_FORMAT, "/proc/ptwalk/whatis: empty answer");
		json_open(&j, stdout, "whatis");
		json_lines(&j, "whatis", rest);
		json_close(&j);
		return EXIT_OK;
	}
	while ((line = ptw_next_line(&rest))) {
		if (nr == WHATIS_MAX_LINES || ptw_tokenize(line, &l[nr]))
			bad_line("whatis", line);
		nr++;
	}
	if (!nr || strcmp(l[0].tag, "target"))
		fatal(EXIT_FORMAT, "/proc/ptwalk/whatis: empty answer");
	/* An aligned table: the line's tag once, then a field a row. */
	for (i = 0; i < nr; i++) {
		for (k = 0; k < l[i].n; k++) {
			snprintf(val, sizeof(val), "%s", l[i].val[k]);
			ptw_unescape(val);
			printf("%-7s %-9s %s\n", k ? "" : l[i].tag, l[i].key[k], val);
		}
		if (!l[i].n)
			printf("%s\n", l[i].tag);
	}
	return EXIT_OK;
}
