/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The explorer page (ptwalk html): a snapshot of one process, the walks
 * the module did for its pages, its page-table cost and its pictures,
 * written as one self-contained HTML file.
 */
#ifndef PTWALK_HTML_H
#define PTWALK_HTML_H

#include <stdbool.h>
#include <sys/types.h>

#include "parse.h"

/* Walks recorded per page: enough for a small process's every page. */
#define EXPLORER_WALKS_MAX	2048

struct explorer {
	struct pt_info info;
	struct pt_maps maps;
	bool self;
	struct pt_walk *walks;		/* sorted by va */
	size_t nr_walks;
	bool walks_complete;		/* every mapped page has its walk */
	bool has_tables;
	char *tables;		/* /proc/ptwalk/tables after its header */
	char *maps_svg, *frames_svg;	/* frames_svg NULL: addresses hidden */
};

/* Read everything from the module; @pid 0: the tool itself. */
void explorer_collect(struct explorer *e, pid_t pid);
void explorer_write(const char *path, const struct explorer *e);

#endif /* PTWALK_HTML_H */
