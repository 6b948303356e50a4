/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the ptwalk selftests: reading /proc files, the
 * independent oracles (cpuinfo, cmdline, sysfs, pagemap) and dropping
 * privileges.
 */
#ifndef PTWALK_TEST_UTIL_H
#define PTWALK_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PTWALK_DIR "/proc/ptwalk"
#define NOBODY_UID 65534

/* Whole file into a malloc'ed NUL-terminated buffer; NULL with errno set. */
char *read_whole(const char *path, size_t *len);
/* Value of "key: value" in text (copied into out); false if absent. */
bool kv_get(const char *text, const char *key, char *out, size_t outsz);
/* Everything left in @fd, NUL-terminated; NULL with errno set. */
char *read_fd_whole(int fd, size_t *len);
/*
 * Everything left in @fd read with read() calls of @chunk bytes (no seek),
 * NUL-terminated; NULL with errno set by the failing read().
 */
char *read_fd_sized(int fd, size_t chunk, size_t *len);
/*
 * Fork a child that runs @build(@arg) and then stops itself (SIGSTOP);
 * returns its pid once it has stopped, or -1 (the child killed). A child
 * whose @build returns non-zero exits with that status instead.
 */
pid_t spawn_stopped(int (*build)(void *arg), void *arg);
/* CLOCK_MONOTONIC in seconds. */
double now(void);
/* $PTWALK_TIMEOUT_SCALE (harness_main.h), at least 1: for a test's own waits. */
int timeout_scale(void);
/* The state letter of @pid in /proc/PID/stat ('R', 'S', 'Z', ...), or 0. */
char proc_state(pid_t pid);
/*
 * Exec busybox's sh, which writes a byte to @fd (left open across the
 * exec), then runs the shell command @then. The byte says the exec is
 * over: the process runs in its new mm. A close-on-exec pipe's EOF does
 * not say that on 6.12, whose begin_new_exec() closes those descriptors
 * before exec_mmap(). Returns only if the exec failed.
 */
void exec_sh_signalling(int fd, const char *then);
/* fork(); the child gets SIGKILL when its parent dies. */
pid_t fork_tied(void);
/* Write one byte into every 4 KiB page of [p, p + len). */
void touch(char *p, size_t len);
/* An anonymous read-write mapping of @len starting on a 2 MiB boundary (its
 * unaligned head is left mapped), or NULL. */
char *map_aligned(size_t len);
/* SIGKILL and reap @pid (if > 0). */
void child_kill(pid_t pid);
/* finit_module() of @path (NULL: $PTWALK_KO or /lib/modules/ptwalk.ko). */
int module_load(const char *path);
/*
 * Swap on zram0, from Debian's zram module the VM carries in
 * /lib/modules/extra (loaded in its load-order), 64 MiB; true when it is
 * on (already, or now), else false with the reason in @why.
 */
bool zram_swap_on(char *why, size_t sz);
/* delete_module(@name, O_NONBLOCK). */
int module_unload(const char *name);
/* Does /proc/cpuinfo list this flag for the boot CPU? */
bool cpu_has_flag(const char *flag);
/* Does /proc/cmdline contain this exact word? */
bool cmdline_has(const char *word);
/* setgid/setuid to nobody; returns 0 or -1. Use in a forked child. */
int drop_to_nobody(void);
/* Drop CAP_SYS_ADMIN from every set, staying root; 0 or -1. */
int drop_cap_sys_admin(void);
/* Who opens in open_errno_as(). */
enum opener { AS_ROOT, AS_NOBODY, AS_ROOT_WITHOUT_SYS_ADMIN };
/*
 * In a forked child that became @who, open(@path, @flags): 0 if it
 * opened, else its errno; -1 if the child could not be set up.
 */
int open_errno_as(enum opener who, const char *path, int flags);
/* Value of " key=VALUE" in @line (VALUE ends at a space or newline). */
bool line_field(const char *line, const char *key, char *out, size_t sz);
/* Is /proc/ptwalk present (module loaded)? */
bool ptwalk_loaded(void);

#endif /* PTWALK_TEST_UTIL_H */
