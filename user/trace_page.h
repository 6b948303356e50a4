/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptwalk trace --html FILE: the step-through page of a trace. The page
 * (user/trace.html, compiled in) gets one JSON document (docs/json.md,
 * "trace-page"): the trace's JSON lines as they were printed, and the
 * target's VMAs (/proc/PID/maps) each time they changed, so that every
 * step can be drawn over the address space it happened in.
 */
#ifndef PTWALK_TRACE_PAGE_H
#define PTWALK_TRACE_PAGE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* Open @path for writing now (fatal when it cannot be). */
void trace_page_open(const char *path);
/* The target is @pid: take the first snapshot of its VMAs. */
void trace_page_start(pid_t pid);
/* Where the trace's JSON lines go for the page (NULL: no page). */
FILE *trace_page_lines(void);
/* Take a snapshot of the VMAs when they changed since the last one. */
void trace_page_maps(void);
/* Whether the last snapshot's VMAs hold [start, end). */
bool trace_page_covers(unsigned long start, unsigned long end);
/* Write the page and close it. */
void trace_page_close(void);

#endif /* PTWALK_TRACE_PAGE_H */
