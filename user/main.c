// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk: show page tables through the ptwalk module's /proc/ptwalk files
 * and run the virtual-memory lecture's experiments on the tool's own
 * address space. This file holds the settings, the command table and the
 * command-line helpers; each command lives in cmd_*.c, the demo in demo*.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frames.h"
#include "ptwalk.h"
#include "ptwfmt.h"	/* PTW_STR */
#include "table.h"

bool opt_json;
bool opt_color;
bool opt_hold;
bool opt_nonpresent;
const char *opt_svg;
const char *opt_out;

/* stdout's buffer is static so that printing never grows the heap. */
static char stdout_buf[1 << 16];

/* A command: what it takes, and the function that runs it. */
struct command {
	const char *name;
	const char *summary;		/* a line of `ptwalk --help` */
	const char *help;		/* `ptwalk NAME --help` */
	unsigned int options;		/* OPTS_* besides --json and --help */
	int min_operands, max_operands;
	const char *operands;		/* the rule, for a wrong count */
	int (*run)(char **args, int n);
	const struct line_view *view;	/* or a module file shown as it is */
};

static const struct command commands[] = {
	{ .name = "info", .summary = "the module, kernel and paging mode",
	  .help = info_help, .operands = "takes no arguments", .view = &info_view },
	{ .name = "maps", .summary = "a process's address space: VMAs and page-table runs",
	  .help = maps_help, .options = OPTS_SVG | OPTS_NONPRESENT,
	  .max_operands = 1, .operands = "takes at most one PID", .run = cmd_maps },
	{ .name = "walk", .summary = "what the MMU does for one address (PID or kernel)",
	  .help = walk_help, .min_operands = 2, .max_operands = 2,
	  .operands = "needs PID (or 'kernel') and VA", .run = cmd_walk },
	{ .name = "frames", .summary = "physical frames of processes, and which are shared",
	  .help = frames_help, .options = OPTS_SVG, .min_operands = 1,
	  .max_operands = FRAMES_MAX_PROCS,
	  .operands = "needs 1 to " PTW_STR(FRAMES_MAX_PROCS) " PIDs",
	  .run = cmd_frames },
	{ .name = "kernel", .summary = "the kernel half of the address space",
	  .help = kernel_help, .operands = "takes no arguments", .view = &kernel_view },
	{ .name = "sharing", .summary = "which top-level slots processes share",
	  .help = sharing_help, .operands = "takes no arguments", .view = &sharing_view },
	{ .name = "tables", .summary = "what a process's page tables cost, per level",
	  .help = tables_help, .max_operands = 1, .operands = "takes at most one PID",
	  .view = &tables_view },
	{ .name = "alloc", .summary = "where kernel allocations land (kmalloc, pages, vmalloc)",
	  .help = alloc_help, .options = OPTS_HOLD, .max_operands = INT_MAX,
	  .run = cmd_alloc },
	{ .name = "whatis", .summary = "what a kernel address belongs to",
	  .help = whatis_help, .min_operands = 1, .max_operands = 1,
	  .operands = "needs one VA", .view = &whatis_view },
	{ .name = "trace", .summary = "a timeline of a process's faults and page-table changes",
	  .help = trace_help, .min_operands = 1, .max_operands = INT_MAX,
	  .operands = "needs a PID, or -- and a command", .run = cmd_trace },
	{ .name = "html", .summary = "an explorer page of one process (HTML, offline)",
	  .help = html_help, .options = OPTS_OUT, .max_operands = 1,
	  .operands = "takes at most one PID", .run = cmd_html },
	{ .name = "demo", .summary = "the lecture's experiments, step by step",
	  .help = demo_help, .options = OPTS_OUT | OPTS_HOLD, .max_operands = INT_MAX,
	  .run = cmd_demo },
};

void fatal(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("ptwalk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: ptwalk COMMAND [--json] [ARGS]\n"
		"       ptwalk COMMAND --help\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\nThe module must be loaded (sudo insmod module/ptwalk.ko).\n"
		"Physical addresses and other processes need root.\n"
		"Colour only on a terminal, never with NO_COLOR set.\n"
		"Exit statuses and JSON schemas: docs/tool.md, docs/json.md.\n");
}

/*
 * Parse a command's options; prints the command's help and exits on
 * --help. Returns the index of the first operand.
 */
static int parse_options(int argc, char **argv, unsigned int allowed,
			 const char *help)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "svg", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "hold", no_argument, NULL, 'H' },
		{ "nonpresent", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			continue;
		case 'h':
			fputs(help, stdout);
			exit(EXIT_OK);
		case 's':
			if (allowed & OPTS_SVG) {
				opt_svg = optarg;
				continue;
			}
			break;
		case 'o':
			if (allowed & OPTS_OUT) {
				opt_out = optarg;
				continue;
			}
			break;
		case 'H':
			if (allowed & OPTS_HOLD) {
				opt_hold = true;
				continue;
			}
			break;
		case 'n':
			if (allowed & OPTS_NONPRESENT) {
				opt_nonpresent = true;
				continue;
			}
			break;
		}
		/* Options may follow operands, so "-5" arrives here. */
		if (argv[optind - 1][0] == '-' && argv[optind - 1][1] >= '0' &&
		    argv[optind - 1][1] <= '9')
			fatal(EXIT_USAGE, "malformed PID or address '%s': negative numbers are not allowed",
			      argv[optind - 1]);
		fatal(EXIT_USAGE, "%s: unknown option '%s' (see ptwalk %s --help)",
		      argv[0], argv[optind - 1], argv[0]);
	}
	return optind;
}

pid_t parse_pid_arg(const char *s)
{
	char *end;
	long v;

	if (!strcmp(s, "self"))
		return getpid();
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX || s[0] == '+')
		fatal(EXIT_USAGE, "malformed PID '%s': expected a positive decimal number",
		      s);
	return (pid_t)v;
}

unsigned long parse_va_arg(const char *s)
{
	const char *p = s;
	char *end;
	unsigned long long v;

	if (!strncmp(p, "0x", 2) || !strncmp(p, "0X", 2))
		p += 2;
	/* strtoull accepts signs and spaces; a hex address has neither. */
	if (!*p || strspn(p, "0123456789abcdefABCDEF") != strlen(p))
		goto bad;
	errno = 0;
	v = strtoull(p, &end, 16);
	if (errno || *end)
		goto bad;
	return v;
bad:
	fatal(EXIT_USAGE, "malformed address '%s': expected hex, e.g. 0x7ffd12345000",
	      s);
}

/* @argv starts at the command's name. */
static int run(const struct command *c, int argc, char **argv)
{
	int first = parse_options(argc, argv, c->options, c->help);
	int n = argc - first, ret;

	if (n < c->min_operands || n > c->max_operands)
		fatal(EXIT_USAGE, "%s %s (see ptwalk %s --help)", c->name, c->operands,
		      c->name);
	ret = c->view ? show_lines(c->view, argv + first) : c->run(argv + first, n);
	if (fflush(stdout))
		fatal(EXIT_FAIL, "writing output: %s", strerror(errno));
	return ret;
}

int main(int argc, char **argv)
{
	const char *nc = getenv("NO_COLOR");
	size_t i;

	setvbuf(stdout, stdout_buf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF,
		sizeof(stdout_buf));
	arena_init();
	opt_color = isatty(STDOUT_FILENO) && !(nc && *nc);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	/* "ptwalk --json maps" works as well as "ptwalk maps --json". */
	while (argc > 2 && !strcmp(argv[1], "--json")) {
		opt_json = true;
		argv++;
		argc--;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return run(&commands[i], argc - 1, argv + 1);
	}
	fprintf(stderr, "ptwalk: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
