// SPDX-License-Identifier: GPL-2.0
/* Fork, exec the tool with stdout/stderr in temporary files, wait. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "toolrun.h"
#include "util.h"

static int temp_file(char *path)
{
	strcpy(path, "/tmp/ptwalk-tool-XXXXXX");
	return mkstemp(path);
}

int tool_run(struct tool_result *r, bool as_nobody, tool_stop_fn at_stop,
	     void *ctx, const char *const *argv)
{
	char outp[64], errp[64];
	int ofd = temp_file(outp), efd = temp_file(errp), status, stops = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (ofd < 0 || efd < 0)
		return -1;
	/* nobody must be able to write its output files. */
	fchmod(ofd, 0666);
	fchmod(efd, 0666);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char **args = (char **)argv;

		dup2(ofd, 1);
		dup2(efd, 2);
		if (as_nobody && drop_to_nobody())
			_exit(126);
		args[0] = (char *)TOOL_PATH;
		execv(TOOL_PATH, args);
		_exit(127);
	}
	for (;;) {
		if (waitpid(pid, &status, WUNTRACED) != pid)
			return -1;
		if (WIFSTOPPED(status)) {
			if (at_stop)
				at_stop(pid, stops, ctx);
			stops++;
			kill(pid, SIGCONT);
			continue;
		}
		break;
	}
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	close(ofd);
	close(efd);
	r->out = read_whole(outp, NULL);
	r->err = read_whole(errp, NULL);
	unlink(outp);
	unlink(errp);
	if (!r->out)
		r->out = strdup("");
	if (!r->err)
		r->err = strdup("");
	return 0;
}

void tool_result_free(struct tool_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
