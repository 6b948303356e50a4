/* SPDX-License-Identifier: GPL-2.0 */
/* Ask the module and parse its answer: one call per /proc/ptwalk file. */
#ifndef PTWALK_SOURCE_H
#define PTWALK_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "parse.h"

/* Where read_info() reads the THP mode (the module cannot). */
#define THP_ENABLED_PATH "/sys/kernel/mm/transparent_hugepage/enabled"
void read_info(struct pt_info *info);
/* The bracketed word of THP_ENABLED_PATH; unsupported or unknown. */
void read_thp_mode(char *mode, size_t size);
/* @pid 0: the tool itself ("self"). */
void read_maps(pid_t pid, struct pt_maps *maps);
/* @pid 0: the tool itself ("self"). The lines after the header. */
char *read_tables(pid_t pid);
/* @pid 0: the kernel half. */
void read_walk(pid_t pid, unsigned long va, struct pt_walk *walk);

/*
 * A kernel VA argument: hex, or "kernel-text", the start of the kernel
 * image as mapped now (KASLR moves it at every boot): the first mapped run
 * of the kernel-image region in /proc/ptwalk/kernel.
 */
#define KERNEL_TEXT_NAME	"kernel-text"
unsigned long kernel_va_arg(const char *s);
/* The lines of /proc/ptwalk/sharing after its header. */
char *read_sharing(void);

/*
 * /proc/ptwalk/alloc: the allocations belong to the open descriptor and
 * are freed when it is closed (close(fd)).
 */
int alloc_open(void);
void alloc_request(int fd, const char *req);
/* The listing of everything @fd holds: its lines after the header. */
char *alloc_list(int fd);
/* The number @key of the first @tag line of @file's @body; EXIT_FORMAT without it. */
unsigned long long body_num(const char *body, const char *file, const char *tag,
			    const char *key);

#endif /* PTWALK_SOURCE_H */
