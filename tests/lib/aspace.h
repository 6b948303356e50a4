/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A child process with a rich address space, stopped (SIGSTOP) so that it
 * does not change while a test compares the module's view with pagemap.
 */
#ifndef PTWALK_TEST_ASPACE_H
#define PTWALK_TEST_ASPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define AS_PAGE 4096UL

struct aspace {
	unsigned long text;		/* a function of the child */
	unsigned long data;		/* a written global */
	unsigned long heap;		/* malloc'ed and written */
	unsigned long partial;		/* anon mmap, every third page touched */
	size_t partial_pages;
	unsigned long file;		/* private file mapping, first half read */
	size_t file_pages;
	unsigned long shared;		/* shared anonymous, all touched */
	size_t shared_pages;
	unsigned long populate;		/* MAP_POPULATE, never touched */
	size_t populate_pages;
	unsigned long ro;		/* written, then mprotect(PROT_READ) */
	size_t ro_pages;
	unsigned long none;		/* written, then mprotect(PROT_NONE) */
	size_t none_pages;
	unsigned long thp;		/* 2M-aligned MADV_HUGEPAGE, touched */
	unsigned long huge2m;		/* hugetlb 2M page, or 0 */
	unsigned long huge1g;		/* hugetlb 1G page, or 0 */
	unsigned long stack;		/* a touched stack address */
	char no_huge2m[96];		/* why huge2m is 0 */
	char no_huge1g[96];
	int ready;
};

/* Fork the child, wait until it has stopped; returns its pid or -1. */
pid_t aspace_spawn(struct aspace **as);
void aspace_kill(pid_t pid, struct aspace *as);
/* Reserve @n 2M hugetlb pages (root); returns how many exist. */
long hugetlb_reserve_2m(long n);

#endif /* PTWALK_TEST_ASPACE_H */
