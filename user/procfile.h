/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing /proc/ptwalk files. Every failure ends the tool with
 * the documented one-line message and exit status (docs/tool.md): the
 * module not loaded, a file the module lacks, permission, no such process.
 */
#ifndef PTWALK_PROCFILE_H
#define PTWALK_PROCFILE_H

#include <stdbool.h>

/* Does the module provide /proc/ptwalk/@name? (false: not loaded either) */
bool pf_exists(const char *name);
/* fatal() unless /proc/ptwalk/@name exists. */
void pf_require(const char *name);
/* The whole of /proc/ptwalk/@name, NUL-terminated, in the arena. */
char *pf_read(const char *name);
/*
 * Write each request of the NULL-terminated @reqs (one write() each), then
 * read the answer. @what names the target in error messages ("PID 42").
 */
char *pf_request(const char *name, const char *const *reqs, const char *what);

/*
 * The same in steps, for a file whose state lives in the open descriptor
 * (alloc: closing it frees the allocations). Each fails like the above.
 */
int pf_open(const char *name, int flags);
void pf_write(int fd, const char *name, const char *req, const char *what);
/* From the descriptor's current position to the end. */
char *pf_read_fd(int fd, const char *name, const char *what);

#endif /* PTWALK_PROCFILE_H */
