// SPDX-License-Identifier: GPL-2.0
/* ptwalk html [PID] -o FILE: the explorer page of one process. */
#include <stdio.h>

#include "html.h"
#include "json.h"
#include "ptwalk.h"

const char html_help[] =
	"usage: ptwalk html [PID] -o FILE [--json]\n"
	"Write one self-contained HTML page (no network, scripts and data\n"
	"inline) that explores a snapshot of a process (default: ptwalk\n"
	"itself): its address space (click a region to list its runs), the\n"
	"walk of an address level by level as the module did it (click a run\n"
	"or type an address), its frames, and what its page tables cost.\n"
	"Physical addresses and other processes need root.\n"
	"  -o, --out FILE  the HTML file to write\n";

int cmd_html(char **args, int n)
{
	struct explorer e;
	pid_t pid = 0;
	struct json j;

	if (!opt_out)
		fatal(EXIT_USAGE, "html needs -o FILE (see ptwalk html --help)");
	if (n == 1)
		pid = parse_pid_arg(args[0]);
	explorer_collect(&e, pid);
	explorer_write(opt_out, &e);
	if (opt_json) {
		json_open(&j, stdout, "html");
		json_int(&j, "pid", e.maps.pid);
		json_str(&j, "file", opt_out);
		json_uint(&j, "walks", e.nr_walks);
		json_bool(&j, "walks_complete", e.walks_complete);
		json_bool(&j, "frames", e.frames_svg != NULL);
		json_bool(&j, "tables", e.has_tables);
		json_close(&j);
		return EXIT_OK;
	}
	printf("explorer page of PID %d: %s (%zu walks%s%s)\n", (int)e.maps.pid, opt_out,
	       e.nr_walks, e.walks_complete ? ", every mapped page" : ", not every page",
	       e.frames_svg ? "" : "; no frames: physical addresses hidden");
	return EXIT_OK;
}
