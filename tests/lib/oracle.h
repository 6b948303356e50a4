/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oracles for kernel addresses and allocations, independent of ptwalk: the
 * test-only ptwalk_oracle module (virt_to_phys, vmalloc_to_pfn, ksize),
 * /proc/kpageflags, /proc/meminfo, /proc/buddyinfo, /proc/slabinfo and
 * /proc/kallsyms; plus small helpers for request files kept open.
 */
#ifndef PTWALK_TEST_ORACLE_H
#define PTWALK_TEST_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ORACLE_KADDR	"/sys/kernel/debug/ptwalk_oracle/kaddr"

/* What the kernel's own helpers say about one kernel VA. */
struct oracle_kaddr {
	bool virt_addr_valid;
	bool vmalloc;
	bool module;
	bool kfence;
	bool has_phys;
	unsigned long long phys;	/* virt_to_phys or vmalloc_to_pfn */
	bool has_ksize;
	unsigned long ksize;
};

bool oracle_loaded(void);
/* 0, or -1 with errno set. */
int oracle_kaddr(unsigned long va, struct oracle_kaddr *o);
/* The same plus ksize: only for the start of a live kmalloc object. */
int oracle_kaddr_object(unsigned long va, struct oracle_kaddr *o);

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_SLAB		7
#define KPF_BUDDY		10
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_RESERVED		32
/* 0, or -1 with errno set. */
int kpageflags_get(unsigned long pfn, uint64_t *flags);
bool kpf_has(uint64_t flags, int bit);

/* The number after "@key:" in /proc/@pid/status (VmPTE, PPid, ...), or -1. */
long proc_status_num(pid_t pid, const char *key);
/* A /proc/meminfo value in kB, or -1. */
long meminfo_kb(const char *key);
/*
 * The THP mode, the bracketed word of sysfs' "always [madvise] never", or
 * "unsupported" when the file does not exist.
 */
void thp_mode_sysfs(char *out, size_t size);
/* The largest order /proc/buddyinfo lists, or -1. */
int buddy_max_order(void);
/*
 * The object size of the smallest kmalloc cache in /proc/slabinfo that
 * holds @size bytes, or 0 if slabinfo cannot be read.
 */
unsigned long slabinfo_kmalloc_bucket(unsigned long size);
/* Address of the first /proc/kallsyms text symbol of @module ("" for the
 * kernel itself: @name is then looked up), or 0. */
unsigned long kallsyms_text(const char *module, const char *name);

/* Write one request; 0 or -errno. */
int req_write(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Rewind and read everything; malloc'ed, NULL with errno set. */
char *read_all_fd(int fd);

/* The @nth (from 0) line beginning with @prefix, malloc'ed; NULL if none. */
char *line_find(const char *text, const char *prefix, int nth);
/* The same, as a number (0x for hex); ULLONG_MAX if absent. */
unsigned long long line_num(const char *line, const char *key);

#endif /* PTWALK_TEST_ORACLE_H */
