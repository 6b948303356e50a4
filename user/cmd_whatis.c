// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk whatis VA: what a kernel address belongs to, from
 * /proc/ptwalk/whatis ("ptwalk-whatis 1", key: value lines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "procfile.h"
#include "ptwalk.h"
#include "source.h"

static const char whatis_help[] =
	"usage: ptwalk whatis VA|kernel-text [--json]\n"
	"Say what a kernel virtual address (hex) is: its region (direct map,\n"
	"vmalloc, vmemmap, kernel image, modules, fixmap, ...), whether it is\n"
	"mapped and by what page size, its physical address checked against the\n"
	"kernel's own helper, and what the frame is used for (slab, page table,\n"
	"buddy, ...). Root only: the answers reveal the kernel's layout.\n"
	"kernel-text stands for the start of the kernel image as mapped now:\n"
	"KASLR moves it at every boot, so 0xffffffff81000000 is rarely it.\n";

#define WHATIS_MAX_KEYS	24

struct kv {
	char *key, *val;
};

static bool yes_no(const char *key)
{
	return !strcmp(key, "mapped") || !strcmp(key, "agree") || !strcmp(key, "kfence");
}

/* "tail order=1 head_pfn=0x100c66" as an object; "no" as false. */
static void json_compound(struct json *j, char *val)
{
	char *w[8];
	int n = split_words(val, w, 8), i;

	if (n == 1 && !strcmp(w[0], "no")) {
		json_bool(j, "compound", false);
		return;
	}
	json_obj(j, "compound");
	json_str(j, "part", n ? w[0] : "");
	for (i = 1; i < n; i++) {
		char *eq = strchr(w[i], '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (!strncmp(eq + 1, "0x", 2))
			json_str(j, w[i], eq + 1);
		else
			json_uint(j, w[i], strtoull(eq + 1, NULL, 10));
	}
	json_end(j);
}

int cmd_whatis(int argc, char **argv)
{
	int first = parse_options(argc, argv, 0, whatis_help), n = 0, i;
	struct kv kv[WHATIS_MAX_KEYS];
	char req[32], *rest, *line;
	const char *reqs[2] = { req, NULL };
	struct json j;

	if (argc - first != 1)
		fatal(EXIT_USAGE, "whatis needs one VA (see ptwalk whatis --help)");
	snprintf(req, sizeof(req), "0x%lx", kernel_va_arg(argv[first]));
	pf_require("whatis");
	rest = parse_version(pf_request("whatis", reqs, "the kernel half"), "whatis", 1);
	while ((line = strsep(&rest, "\n")) && n < WHATIS_MAX_KEYS) {
		char *colon = strchr(line, ':');

		if (!*line)
			continue;
		if (!colon)
			fatal(EXIT_FORMAT, "unexpected line in /proc/ptwalk/whatis: '%.80s'", line);
		*colon = '\0';
		kv[n].key = line;
		kv[n].val = colon + 1 + (colon[1] == ' ');
		n++;
	}
	if (!n)
		fatal(EXIT_FORMAT, "/proc/ptwalk/whatis: empty answer");
	if (!opt_json) {
		for (i = 0; i < n; i++)
			printf("%-10s %s\n", kv[i].key, kv[i].val);
		return EXIT_OK;
	}
	json_open(&j, stdout, "whatis");
	for (i = 0; i < n; i++) {
		const char *k = kv[i].key, *v = kv[i].val;

		if (yes_no(k))
			json_bool(&j, k, !strcmp(v, "yes"));
		else if (!strcmp(k, "refcount"))
			json_int(&j, k, strtoll(v, NULL, 10));
		else if (!strcmp(k, "compound"))
			json_compound(&j, kv[i].val);
		else
			json_str(&j, k, v);
	}
	json_close(&j);
	return EXIT_OK;
}
