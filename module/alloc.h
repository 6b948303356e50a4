/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/ptwalk/alloc: allocations owned by one open file. alloc.c takes
 * requests and owns the memory; alloc_show.c prints it.
 */
#ifndef PTWALK_ALLOC_H
#define PTWALK_ALLOC_H

#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include "runs.h"

/* Caps: bytes per open file and module-wide, allocations per file. */
#define PTW_ALLOC_FILE_BYTES	(32UL * SZ_1M)
#define PTW_ALLOC_MODULE_BYTES	(64UL * SZ_1M)
#define PTW_ALLOC_FILE_MAX	64
/* Objects per kmalloc request. */
#define PTW_ALLOC_COUNT_MAX	64
/* Pages of the largest allocation: what the per-file cap allows. */
#define PTW_ALLOC_PAGES_MAX	(PTW_ALLOC_FILE_BYTES >> PAGE_SHIFT)

struct ptw_file;

enum ptw_alloc_kind { PTWA_KMALLOC, PTWA_PAGES, PTWA_VMALLOC };

struct ptw_alloc {
	struct list_head node;
	unsigned int id;		/* 1, 2, ... per open file, never reused */
	enum ptw_alloc_kind kind;
	size_t size;			/* requested (kmalloc: per object) */
	size_t bytes;			/* what the allocator set aside; charged */
	unsigned int count;		/* kmalloc: objects; else pages */
	unsigned int order;		/* pages */
	void *va;			/* pages, vmalloc */
	void *obj[];			/* kmalloc: @count objects */
};

/* Output state, reset by a rewind. */
enum ptw_alloc_stage { PTWA_HEADER, PTWA_BODY, PTWA_TAIL, PTWA_DONE };

struct ptw_alloc_view {
	struct list_head allocs;	/* by ascending id */
	unsigned int next_id;
	unsigned int nr;
	size_t bytes;

	enum ptw_alloc_stage stage;
	unsigned int cur_id;		/* allocation being printed */
	unsigned int line;		/* its next item line */
	unsigned int scan;		/* its next share group */
	unsigned long run_va;		/* vmalloc: where its run walk resumes */
	struct ptw_runs runs;		/* vmalloc: its run lines (runs.c) */
	unsigned int printed;
	unsigned int snap_id;		/* whose addresses @snap holds (0: none) */
	phys_addr_t *snap;		/* PTW_ALLOC_PAGES_MAX walker answers */
};

/* The module-wide total, for the header line. */
long ptw_alloc_module_bytes(void);

int ptw_alloc_fill(struct ptw_file *f);
void ptw_alloc_rewind(struct ptw_file *f);

#endif /* PTWALK_ALLOC_H */
