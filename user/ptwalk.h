/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptwalk tool: settings, exit statuses and the helpers every command uses.
 * The parsed forms of the module's files live in parse.h, the JSON emitter
 * in json.h, human-output helpers in fmt.h.
 */
#ifndef PTWALK_TOOL_H
#define PTWALK_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PTWALK_DIR	"/proc/ptwalk"
#define PTWALK_JSON_VERSION	4

/* Exit statuses, documented in docs/tool.md. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* I/O error or an unexpected failure */
	EXIT_USAGE = 2,		/* bad command line: option, PID or address */
	EXIT_NOMODULE = 3,	/* module not loaded, or lacks a /proc file */
	EXIT_PERM = 4,		/* permission denied: run as root */
	EXIT_NOPROC = 5,	/* no such process (or it has no address space) */
	EXIT_FORMAT = 6,	/* module output of an unknown version or malformed */
};

/* Command-line settings shared by every command (page-types.c style). */
extern bool opt_json;		/* --json: one JSON document on stdout */
extern bool opt_color;		/* colour: stdout is a terminal and no NO_COLOR */
extern bool opt_hold;		/* demo --hold: SIGSTOP after each snapshot */
extern bool opt_nonpresent;	/* maps --nonpresent */
extern const char *opt_svg;	/* maps/frames --svg FILE */
extern const char *opt_out;	/* demo --out DIR, html -o FILE, trace -o FILE */
extern const char *opt_html;	/* trace --html FILE */

/* One line on stderr ("ptwalk: ..."), then exit with @status. */
void fatal(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/*
 * The tool's own memory. Everything the tool reads and parses lives in one
 * anonymous mapping made at start-up, never in the heap: the demo watches
 * the heap, and the tool's bookkeeping must not show up in it.
 */
void arena_init(void);
void *xalloc(size_t size);	/* zeroed; fatal when out of memory */
char *xstrdup(const char *s);
void *xgrow(void *p, size_t old, size_t size);
size_t arena_mark(void);
void arena_release(size_t mark);	/* free everything after a mark */
bool arena_contains(unsigned long start, unsigned long end);

/* Command-line values: fatal(EXIT_USAGE) with the documented message. */
pid_t parse_pid_arg(const char *s);	/* "self" is the tool itself */
unsigned long parse_va_arg(const char *s);

/* A parameter a command's signature has but the command does not need. */
#define UNUSED	__attribute__((unused))

/*
 * Commands (the table in main.c): each runs with its options parsed and
 * the number of its @n operands checked; @args are the operands.
 */
int cmd_maps(char **args, int n);
int cmd_walk(char **args, int n);
int cmd_frames(char **args, int n);
int cmd_alloc(char **args, int n);
int cmd_trace(char **args, int n);
int cmd_html(char **args, int n);
int cmd_demo(char **args, int n);
/* Their --help texts, next to their code. */
extern const char info_help[], maps_help[], walk_help[], frames_help[],
	kernel_help[], sharing_help[], tables_help[], alloc_help[],
	whatis_help[], trace_help[], html_help[], demo_help[];

/* Option sets a command accepts (besides --json and --help). */
enum {
	OPTS_SVG = 1 << 0,
	OPTS_OUT = 1 << 1,
	OPTS_HOLD = 1 << 2,
	OPTS_NONPRESENT = 1 << 3,
	OPTS_HTML = 1 << 4,
};


#endif /* PTWALK_TOOL_H */
