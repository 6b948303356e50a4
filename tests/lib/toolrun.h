/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the ptwalk tool from the tests: exit status, stdout and stderr
 * captured; optionally as nobody; optionally with a callback at each stop
 * of a `--hold` run (the tool stopped itself; the callback may inspect it,
 * the runner continues it).
 */
#ifndef PTWALK_TEST_TOOLRUN_H
#define PTWALK_TEST_TOOLRUN_H

#include <stdbool.h>
#include <sys/types.h>

#define TOOL_PATH "/bin/ptwalk"

struct tool_result {
	int status;		/* exit status, or 128 + signal */
	char *out, *err;	/* malloc'ed, NUL-terminated */
};

typedef void (*tool_stop_fn)(pid_t pid, int stop, void *ctx);

/* Run TOOL_PATH with @argv (argv[0] is ignored); 0, or -1 if it could not. */
int tool_run(struct tool_result *r, bool as_nobody, tool_stop_fn at_stop,
	     void *ctx, const char *const *argv);
void tool_result_free(struct tool_result *r);

#endif /* PTWALK_TEST_TOOLRUN_H */
