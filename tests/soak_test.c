// SPDX-License-Identifier: GPL-2.0
/*
 * The soak: readers of every /proc/ptwalk file, concurrently, against
 * targets that map and unmap, fork, exec and exit, collapse and split
 * transparent huge pages, and swap out and back in (zram), for SOAK_S
 * seconds (default 60; 0 skips; 600 is the full soak). THP collapse is
 * MADV_COLLAPSE's, or khugepaged's made fast where that fails (or with
 * SOAK_KHUGEPAGED=1). Every output read whole is checked for form; the
 * only errno a reader may see is ESRCH (its target exited or exec'd) and,
 * for alloc, ENOMEM. Afterwards, once the
 * caches are dropped and shrunk, nothing is left behind: files_open and
 * module_bytes are back to their start, and so, within noise, are the
 * mm_struct, vm_area_struct and task_struct slab counts, Slab and
 * VmallocUsed. The kernel console is checked for splats by the rig.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "oracle.h"
#include "ptwalk.h"
#include "util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define PAGE		4096UL
#define HPAGE		(2UL << 20)
#define THP_REGION	(4 * HPAGE)
#define SWAP_REGION	(4UL << 20)
#define THP_SYSFS	"/sys/kernel/mm/transparent_hugepage/"
#define KHUGEPAGED	THP_SYSFS "khugepaged/"

/* Targets; slots in shared memory hold the PIDs readers aim at. */
enum { TGT_MAPPER, TGT_FORKER, TGT_THP, TGT_SWAPPER, TGT_SPAWNER, TGT_NR };
static const char *const tgt_names[] = { "mapper", "forker", "thp", "swapper", "spawner" };
/* Readers, one process each. */
enum { RD_MAPS, RD_MAPS2, RD_WALK, RD_WHATIS, RD_ALLOC, RD_KERNEL, RD_SHARING,
       RD_INFO, RD_TABLES, RD_TRACE, RD_NR };
static const char *const rd_names[] = { "maps", "maps", "walk", "whatis", "alloc",
					"kernel", "sharing", "info", "tables", "trace" };

#define NSLOTS		(TGT_NR + 2)	/* the targets, the forker's and spawner's children */
#define MAX_KADDR	128

struct soak {
	volatile int stop;
	volatile pid_t pid[NSLOTS];
	volatile unsigned long region[NSLOTS];	/* an address worth walking */
	bool madv_collapse;
	int levels;
	unsigned long user_top;
	unsigned long kaddr[MAX_KADDR];
	int nkaddr;
	/* target figures */
	unsigned long maps, unmaps, forks, execs, exits, collapses, collapse_fails;
	unsigned long splits, pageouts, swapins;
	/* reader figures */
	unsigned long loops[RD_NR], outputs[RD_NR], esrch[RD_NR], bytes[RD_NR];
	unsigned long bad[RD_NR];
	char first_bad[RD_NR][200];
};

static int write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, v, strlen(v)) == (ssize_t)strlen(v) ? 0 : -1;
	close(fd);
	return ret;
}

/* ---- targets ---- */

/* mmap, munmap, mprotect, mremap and MADV_DONTNEED over 16 slots. */
static void t_mapper(struct soak *sk)
{
	struct { char *p; size_t len; } s[16] = { 0 };
	char *q;

	srandom(1);
	while (!sk->stop) {
		int i = random() % 16;
		size_t pages = 1 + random() % 64;

		if (!s[i].p) {
			s[i].len = pages * PAGE;
			s[i].p = mmap(NULL, s[i].len, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (s[i].p == MAP_FAILED) {
				s[i].p = NULL;
				continue;
			}
			touch(s[i].p, s[i].len);
			sk->region[TGT_MAPPER] = (unsigned long)s[i].p;
			sk->maps++;
			continue;
		}
		switch (random() % 5) {
		case 0:
			munmap(s[i].p, s[i].len);
			s[i].p = NULL;
			sk->unmaps++;
			break;
		case 1:
			mprotect(s[i].p, s[i].len, PROT_READ | PROT_WRITE);
			q = mremap(s[i].p, s[i].len, s[i].len + pages * PAGE, MREMAP_MAYMOVE);
			if (q != MAP_FAILED) {
				s[i].p = q;
				s[i].len += pages * PAGE;
				touch(q, s[i].len);
			}
			break;
		case 2:		/* the first half and a page, never past the slot */
			mprotect(s[i].p, (s[i].len / PAGE / 2 + 1) * PAGE,
				 random() % 2 ? PROT_READ : PROT_NONE);
			break;
		case 3:
			madvise(s[i].p, s[i].len / 2, MADV_DONTNEED);
			break;
		default:
			mprotect(s[i].p, s[i].len, PROT_READ | PROT_WRITE);
			touch(s[i].p, s[i].len);
		}
	}
}

/* fork: COW in both, then the child exits, or exec()s a program and exits. */
static void t_forker(struct soak *sk)
{
	char *p = map_aligned(2 * HPAGE);
	unsigned long it;

	if (!p)
		_exit(20);
	touch(p, 2 * HPAGE);
	sk->region[TGT_FORKER] = (unsigned long)p;
	for (it = 0; !sk->stop; it++) {
		pid_t pid = fork();

		if (pid == 0) {
			p[(it * 97 % 512) * PAGE] = 2;
			if (it % 4 == 0) {
				execl("/bin/busybox", "busybox", "sleep", "0.05", (char *)NULL);
				_exit(1);
			}
			usleep(20000);
			_exit(0);
		}
		if (pid < 0)
			continue;
		sk->pid[TGT_NR] = pid;
		sk->region[TGT_NR] = (unsigned long)p;
		sk->forks++;
		if (it % 4 == 0)
			sk->execs++;
		touch(p, 2 * HPAGE);	/* break COW */
		waitpid(pid, NULL, 0);
		sk->exits++;
	}
}

static long anon_huge_kb(void)
{
	char *t = read_whole("/proc/self/smaps_rollup", NULL);
	char v[32] = "-1";

	if (t)
		kv_get(t, "AnonHugePages", v, sizeof(v));
	free(t);
	return atol(v);
}

/*
 * 4K pages collapsed into 2M leaves (MADV_COLLAPSE, or khugepaged made
 * fast), then split again: mprotect of a 4K piece, MADV_DONTNEED of one.
 */
static void t_thp(struct soak *sk)
{
	char *p = map_aligned(THP_REGION);
	unsigned long it;
	size_t off;

	if (!p)
		_exit(20);
	sk->region[TGT_THP] = (unsigned long)p;
	for (it = 0; !sk->stop; it++) {
		madvise(p, THP_REGION, MADV_NOHUGEPAGE);
		madvise(p, THP_REGION, MADV_DONTNEED);
		touch(p, THP_REGION);
		madvise(p, THP_REGION, MADV_HUGEPAGE);
		if (sk->madv_collapse) {
			if (madvise(p, THP_REGION, MADV_COLLAPSE))
				sk->collapse_fails++;
			else
				sk->collapses++;
		} else {
			double until = now() + 3;

			while (now() < until && !sk->stop && anon_huge_kb() < 2048)
				usleep(5000);
			if (anon_huge_kb() >= 2048)
				sk->collapses++;
			else
				sk->collapse_fails++;
		}
		for (off = 0; off < THP_REGION; off += HPAGE) {
			size_t at = off + (it * 37 % 512) * PAGE;

			if ((off / HPAGE + it) % 2) {
				mprotect(p + at, PAGE, PROT_READ);
				mprotect(p + at, PAGE, PROT_READ | PROT_WRITE);
			} else {
				madvise(p + at, PAGE, MADV_DONTNEED);
			}
			sk->splits++;
		}
	}
}

/* Pages written, paged out to zram, read back. */
static void t_swapper(struct soak *sk)
{
	char *p = mmap(NULL, SWAP_REGION, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long it;
	size_t i;

	if (p == MAP_FAILED)
		_exit(20);
	madvise(p, SWAP_REGION, MADV_NOHUGEPAGE);
	sk->region[TGT_SWAPPER] = (unsigned long)p;
	for (it = 0; !sk->stop; it++) {
		for (i = 0; i < SWAP_REGION; i += PAGE)
			p[i] = (char)(i >> 12) + it;
		if (!madvise(p, SWAP_REGION, MADV_PAGEOUT))
			sk->pageouts++;
		usleep(20000);
		for (i = 0; i < SWAP_REGION / 2; i += PAGE)
			if (p[i] != (char)((i >> 12) + it))
				_exit(21);	/* swap lost data: not ours, but say so */
		sk->swapins++;
	}
}

/* Short-lived processes that map, touch and exit. */
static void t_spawner(struct soak *sk)
{
	unsigned int n = 0;

	while (!sk->stop) {
		pid_t pid = fork();

		if (pid == 0) {
			size_t len = (1 + n % 64) * PAGE;
			char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p != MAP_FAILED) {
				touch(p, len);
				sk->region[TGT_NR + 1] = (unsigned long)p;
			}
			usleep(1000 * (n % 30));
			_exit(0);
		}
		if (pid > 0) {
			sk->pid[TGT_NR + 1] = pid;
			waitpid(pid, NULL, 0);
			sk->exits++;
		}
		n++;
	}
}

static void target(struct soak *sk, int which)
{
	sk->pid[which] = getpid();
	switch (which) {
	case TGT_MAPPER: t_mapper(sk); break;
	case TGT_FORKER: t_forker(sk); break;
	case TGT_THP: t_thp(sk); break;
	case TGT_SWAPPER: t_swapper(sk); break;
	default: t_spawner(sk); break;
	}
	_exit(0);
}

/* ---- readers ---- */

static void rd_bad(struct soak *sk, int rd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void rd_bad(struct soak *sk, int rd, const char *fmt, ...)
{
	va_list ap;

	if (!sk->bad[rd]++) {
		va_start(ap, fmt);
		vsnprintf(sk->first_bad[rd], sizeof(sk->first_bad[rd]), fmt, ap);
		va_end(ap);
	}
}

static int pick_slot(void)
{
	return random() % NSLOTS;
}

static const char *last_line(const char *text, size_t len)
{
	const char *l;

	if (!len || text[len - 1] != '\n')
		return "";
	for (l = text + len - 1; l > text && l[-1] != '\n'; l--)
		;
	return l;
}

/* Read @fd whole in random chunks; NULL with errno on failure. */
static char *read_all(int fd, size_t *len)
{
	static const size_t chunks[] = { 64, 1000, 4096, 16384, 65536 };

	return read_fd_sized(fd, chunks[random() % 5], len);
}

static void r_maps(struct soak *sk, int rd)
{
	int slot = pick_slot(), fd;
	pid_t pid = sk->pid[slot];
	struct pw_faults f = { 0 };
	char req[32], *text;
	size_t len;

	if (!pid)
		return;
	fd = open(PTWALK_DIR "/maps", O_RDWR);
	if (fd < 0) {
		rd_bad(sk, rd, "open: %s", strerror(errno));
		return;
	}
	if (random() % 2 && write(fd, "nonpresent on", 13) != 13)
		rd_bad(sk, rd, "nonpresent on: %s", strerror(errno));
	snprintf(req, sizeof(req), "%d", pid);
	if (write(fd, req, strlen(req)) < 0) {
		if (errno == ESRCH)
			sk->esrch[rd]++;
		else
			rd_bad(sk, rd, "write %s: %s", req, strerror(errno));
		close(fd);
		return;
	}
	text = read_all(fd, &len);
	if (!text) {
		if (errno == ESRCH)
			sk->esrch[rd]++;
		else
			rd_bad(sk, rd, "read of %s: %s", tgt_names[slot % TGT_NR], strerror(errno));
	} else {
		sk->outputs[rd]++;
		sk->bytes[rd] += len;
		if (pw_maps_check(text, &f)) {
			int i;

			for (i = 0; i < PWF_NR; i++)
				if (f.n[i])
					rd_bad(sk, rd, "maps of pid %d: %s: %s", pid,
					       pw_fault_name(i), f.first[i]);
		}
		free(text);
	}
	close(fd);
}

static void r_walk(struct soak *sk, int rd)
{
	int slot = pick_slot(), fd;
	pid_t pid = sk->pid[slot];
	unsigned long va = sk->region[slot];
	char req[64], why[256], *text;
	size_t len;

	if (!pid)
		return;
	if (!va || random() % 8 == 0)
		va = random() % 0x800000000UL * PAGE;
	else
		va += random() % (THP_REGION / PAGE) * PAGE;
	fd = open(PTWALK_DIR "/walk", O_RDWR);
	if (fd < 0) {
		rd_bad(sk, rd, "open: %s", strerror(errno));
		return;
	}
	snprintf(req, sizeof(req), "%d 0x%lx", pid, va);
	if (write(fd, req, strlen(req)) < 0) {
		if (errno == ESRCH)
			sk->esrch[rd]++;
		else
			rd_bad(sk, rd, "write %s: %s", req, strerror(errno));
		close(fd);
		return;
	}
	text = read_all(fd, &len);
	if (!text) {
		if (errno == ESRCH)
			sk->esrch[rd]++;
		else
			rd_bad(sk, rd, "read %s: %s", req, strerror(errno));
	} else {
		sk->outputs[rd]++;
		sk->bytes[rd] += len;
		if (va < sk->user_top &&
		    pw_walk_check(text, pid, va, sk->levels, why, sizeof(why)))
			rd_bad(sk, rd, "walk %s: %s", req, why);
		free(text);
	}
	close(fd);
}

static void r_whatis(struct soak *sk, int rd)
{
	unsigned long va = sk->kaddr[random() % sk->nkaddr] + (random() % 2 ? 0 : random() % HPAGE);
	char req[32], head[64], *text;
	int fd = open(PTWALK_DIR "/whatis", O_RDWR);
	size_t len;

	if (fd < 0) {
		rd_bad(sk, rd, "open: %s", strerror(errno));
		return;
	}
	snprintf(req, sizeof(req), "0x%lx", va);
	if (write(fd, req, strlen(req)) < 0) {
		rd_bad(sk, rd, "write %s: %s", req, strerror(errno));
	} else if (!(text = read_all(fd, &len))) {
		rd_bad(sk, rd, "read %s: %s", req, strerror(errno));
	} else {
		snprintf(head, sizeof(head), PTW_HEADER(whatis) "target va=0x%lx region=", va);
		sk->outputs[rd]++;
		sk->bytes[rd] += len;
		if (strncmp(text, head, strlen(head)) || text[len - 1] != '\n')
			rd_bad(sk, rd, "whatis %s: %.60s", req, text);
		free(text);
	}
	close(fd);
}

static void r_alloc(struct soak *sk, int rd)
{
	static const char *const reqs[] = {
		"kmalloc 100", "kmalloc 3000 5", "kmalloc 64 64", "pages 0", "pages 3",
		"vmalloc 12K", "vmalloc 1M", "kmalloc 16K 2",
	};
	int fd = open(PTWALK_DIR "/alloc", O_RDWR), n = 1 + random() % 4, made = 0, i;
	char want[64], *text;
	size_t len;

	if (fd < 0) {
		rd_bad(sk, rd, "open: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		const char *r = reqs[random() % 8];

		if (write(fd, r, strlen(r)) >= 0)
			made++;
		else if (errno != ENOMEM)
			rd_bad(sk, rd, "%s: %s", r, strerror(errno));
	}
	if (made && random() % 2) {
		snprintf(want, sizeof(want), "free %d", 1 + (int)(random() % made));
		if (write(fd, want, strlen(want)) < 0)
			rd_bad(sk, rd, "%s: %s", want, strerror(errno));
		else
			made--;
	}
	text = read_all(fd, &len);
	if (!text) {
		rd_bad(sk, rd, "read: %s", strerror(errno));
	} else {
		sk->outputs[rd]++;
		sk->bytes[rd] += len;
		snprintf(want, sizeof(want), "end allocations=%d\n", made);
		if (strncmp(text, PTW_HEADER(alloc) "file ", strlen(PTW_HEADER(alloc) "file ")) || strcmp(last_line(text, len), want))
			rd_bad(sk, rd, "alloc output %.40s ... %s, expected %s", text,
			       last_line(text, len), want);
		free(text);
	}
	close(fd);
}

/* kernel, sharing, info: no requests; the first and last lines. */
static void r_plain(struct soak *sk, int rd, const char *file, const char *head,
		    const char *tail)
{
	char path[64], *text;
	size_t len;
	int fd;

	snprintf(path, sizeof(path), PTWALK_DIR "/%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		rd_bad(sk, rd, "open %s: %s", path, strerror(errno));
		return;
	}
	text = read_all(fd, &len);
	if (!text) {
		rd_bad(sk, rd, "read %s: %s", path, strerror(errno));
	} else {
		sk->outputs[rd]++;
		sk->bytes[rd] += len;
		if (strncmp(text, head, strlen(head)) ||
		    (tail && strncmp(last_line(text, len), tail, strlen(tail))))
			rd_bad(sk, rd, "%s: %.30s ... %s", file, text, last_line(text, len));
		free(text);
	}
	close(fd);
}

/* tables of a churning target: its header and its last line. */
static void r_tables(struct soak *sk, int rd)
{
	int slot = pick_slot(), fd;
	pid_t pid = sk->pid[slot];
	char req[32], head[48], *text;
	size_t len;

	if (!pid)
		return;
	fd = open(PTWALK_DIR "/tables", O_RDWR);
	if (fd < 0) {
		rd_bad(sk, rd, "open: %s", strerror(errno));
		return;
	}
	snprintf(req, sizeof(req), "%d", pid);
	text = write(fd, req, strlen(req)) < 0 ? NULL : read_all(fd, &len);
	if (!text) {
		if (errno == ESRCH)
			sk->esrch[rd]++;
		else
			rd_bad(sk, rd, "tables of %s: %s", tgt_names[slot % TGT_NR],
			       strerror(errno));
	} else {
		sk->outputs[rd]++;
		sk->bytes[rd] += len;
		snprintf(head, sizeof(head), PTW_HEADER(tables) "target pid=%d ", pid);
		if (strncmp(text, head, strlen(head)) || strcmp(last_line(text, len), "end\n"))
			rd_bad(sk, rd, "tables: %.40s ... %s", text, last_line(text, len));
		free(text);
	}
	close(fd);
}

/* Whether every whole line of a trace is one the format knows. */
static const char *trace_bad_line(char *text)
{
	static const char *const tags[] = { "target ", "fault ", "event ", "done ",
					    "entry ", "drop ", "exit " };
	char *line, *save = NULL, *end = strrchr(text, '\n');
	size_t i;

	if (!end)
		return NULL;
	end[1] = '\0';		/* a line cut by the last read is not whole */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line == text) {
			size_t hl = strlen(PTW_HEADER(trace)) - 1;	/* no newline */

			if (strncmp(line, PTW_HEADER(trace), hl) || line[hl])
				return line;
			continue;
		}
		for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
			if (!strncmp(line, tags[i], strlen(tags[i])))
				break;
		if (i == sizeof(tags) / sizeof(tags[0]))
			return line;
	}
	return NULL;
}

/*
 * trace of a churning target for a moment: the fault counters and the
 * notifier attach and detach under its forks, execs and exits, the reads
 * in random chunks find whole records of known kinds.
 */
static void r_trace(struct soak *sk, int rd)
{
	int slot = pick_slot(), fd, i;
	pid_t pid = sk->pid[slot];
	char req[32], *text = NULL;
	size_t len = 0, cap = 0;
	const char *bad;

	if (!pid)
		return;
	fd = open(PTWALK_DIR "/trace", O_RDWR);
	if (fd < 0) {
		rd_bad(sk, rd, "open: %s", strerror(errno));
		return;
	}
	snprintf(req, sizeof(req), "%d", pid);
	if (write(fd, req, strlen(req)) < 0) {
		if (errno == ESRCH)
			sk->esrch[rd]++;
		else
			rd_bad(sk, rd, "trace %s: %s", tgt_names[slot % TGT_NR], strerror(errno));
		close(fd);
		return;
	}
	for (i = 0; i < 5 + random() % 20; i++) {
		size_t chunk = 64 + random() % 8192;
		ssize_t n;

		if (len + chunk + 1 > cap) {
			cap = 2 * (len + chunk + 1);
			text = realloc(text, cap);
		}
		n = read(fd, text + len, chunk);
		if (n < 0) {
			rd_bad(sk, rd, "read of trace %s: %s", tgt_names[slot % TGT_NR],
			       strerror(errno));
			break;
		}
		len += n;
		usleep(random() % 5000);
	}
	if (text) {
		text[len] = '\0';
		sk->outputs[rd]++;
		sk->bytes[rd] += len;
		bad = trace_bad_line(text);
		if (bad)
			rd_bad(sk, rd, "trace: '%.60s'", bad);
	}
	free(text);
	close(fd);
}

static void reader(struct soak *sk, int rd)
{
	srandom(1000 + rd);
	while (!sk->stop) {
		switch (rd) {
		case RD_MAPS: case RD_MAPS2: r_maps(sk, rd); break;
		case RD_WALK: r_walk(sk, rd); break;
		case RD_WHATIS: r_whatis(sk, rd); break;
		case RD_ALLOC: r_alloc(sk, rd); break;
		case RD_KERNEL:
			r_plain(sk, rd, "kernel", PTW_HEADER(kernel), "end runs=");
			break;
		case RD_SHARING:
			r_plain(sk, rd, "sharing", PTW_HEADER(sharing), "end exceptions=");
			break;
		case RD_TABLES: r_tables(sk, rd); break;
		case RD_TRACE: r_trace(sk, rd); break;
		default:
			r_plain(sk, rd, "info", PTW_HEADER(info), NULL);
			usleep(10000);
		}
		sk->loops[rd]++;
	}
	_exit(0);
}

/* ---- what must not leak ---- */

static const char *const caches[] = { "mm_struct", "vm_area_struct", "task_struct" };
#define NCACHES	3

struct figures {
	long files_open, module_bytes;
	long slab_kb, vmalloc_kb;
	long objs[NCACHES];
	long threads;	/* every task's, kernel threads too (/proc/loadavg) */
};

/*
 * Tasks alive now: the fourth field of /proc/loadavg, "running/total".
 * A task_struct the soak leaves behind may be a kernel worker that a
 * workqueue started under its load: an idle one lives 5 minutes, far
 * longer than the settling, and it is no leak.
 */
static long threads_alive(void)
{
	char *t = read_whole("/proc/loadavg", NULL);
	char *slash = t ? strchr(t, '/') : NULL;
	long n = slash ? atol(slash + 1) : -1;

	free(t);
	return n;
}

/* Tasks more at @b than at @a: the task_structs they account for. */
static long more_tasks(const struct figures *a, const struct figures *b)
{
	return a->threads >= 0 && b->threads > a->threads ? b->threads - a->threads : 0;
}

/* active_objs of a /proc/slabinfo cache, or -1. */
static long slab_active(const char *name)
{
	char *t = read_whole("/proc/slabinfo", NULL), *l;
	size_t n = strlen(name);
	long v = -1;

	for (l = t; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, name, n) && l[n] == ' ') {
			v = atol(l + n);
			break;
		}
	free(t);
	return v;
}

/*
 * Drop the page cache and the dentries, and shrink every slab cache:
 * kmem_cache_shrink() also empties KASAN's quarantine of the cache, whose
 * freed objects slabinfo and Slab would otherwise count as in use.
 */
static void settle(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *de;
	char path[320];

	sync();
	write_file("/proc/sys/vm/drop_caches", "3");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", de->d_name);
		write_file(path, "1");
	}
	if (d)
		closedir(d);
}

static void measure(struct figures *f)
{
	int i;

	settle();
	f->files_open = pw_info_num("files_open");
	f->module_bytes = pw_module_bytes();
	f->slab_kb = meminfo_kb("Slab");
	f->vmalloc_kb = meminfo_kb("VmallocUsed");
	for (i = 0; i < NCACHES; i++)
		f->objs[i] = slab_active(caches[i]);
	f->threads = threads_alive();
}

/* Within noise of the start? Slab 4 MiB, vmalloc 1 MiB, a few objects. */
static bool back(const struct figures *a, const struct figures *b, int ncpus)
{
	return b->files_open == a->files_open && b->module_bytes == a->module_bytes &&
	       b->slab_kb <= a->slab_kb + 4096 && b->vmalloc_kb <= a->vmalloc_kb + 1024 &&
	       b->objs[0] <= a->objs[0] + ncpus && b->objs[1] <= a->objs[1] + 64 &&
	       b->objs[2] <= a->objs[2] + ncpus + more_tasks(a, b);
}

static void print_figures(const char *when, const struct figures *f)
{
	fprintf(stderr, "# soak %s: files_open=%ld module_bytes=%ld Slab=%ld kB VmallocUsed=%ld kB %s=%ld %s=%ld %s=%ld tasks=%ld\n",
		when, f->files_open, f->module_bytes, f->slab_kb, f->vmalloc_kb,
		caches[0], f->objs[0], caches[1], f->objs[1], caches[2], f->objs[2],
		f->threads);
}

/* ---- setup: zram swap, THP, collapse ---- */

static int probe_madv_collapse(void)
{
	char *p = map_aligned(HPAGE);
	int ret;

	if (!p)
		return ENOMEM;
	madvise(p, HPAGE, MADV_NOHUGEPAGE);
	touch(p, HPAGE);
	madvise(p, HPAGE, MADV_HUGEPAGE);
	ret = madvise(p, HPAGE, MADV_COLLAPSE) ? errno : 0;
	munmap(p, HPAGE);
	return ret;
}

static const char *const knobs[] = {
	KHUGEPAGED "scan_sleep_millisecs", KHUGEPAGED "alloc_sleep_millisecs",
	KHUGEPAGED "pages_to_scan", THP_SYSFS "enabled",
};
#define NKNOBS	4

FIXTURE(soak) {
	struct soak *sk;
	pid_t pids[TGT_NR + RD_NR];
	char saved[NKNOBS][64];
	bool changed[NKNOBS];
};

static void knob_set(FIXTURE_DATA(soak) *self, int i, const char *v)
{
	char *old = read_whole(knobs[i], NULL), *b;

	if (!old)
		return;
	/* "always [madvise] never": keep the bracketed word */
	b = strchr(old, '[');
	snprintf(self->saved[i], sizeof(self->saved[i]), "%.*s",
		 b ? (int)strcspn(b + 1, "]") : (int)strcspn(old, "\n"), b ? b + 1 : old);
	free(old);
	self->changed[i] = !write_file(knobs[i], v);
}

FIXTURE_SETUP(soak)
{
	memset(self->pids, 0, sizeof(self->pids));
	memset(self->changed, 0, sizeof(self->changed));
	self->sk = mmap(NULL, sizeof(*self->sk), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sk);
	memset(self->sk, 0, sizeof(*self->sk));
}

FIXTURE_TEARDOWN(soak)
{
	int i;

	self->sk->stop = 1;
	for (i = 0; i < TGT_NR + RD_NR; i++)
		child_kill(self->pids[i]);
	for (i = 0; i < NKNOBS; i++)
		if (self->changed[i])
			write_file(knobs[i], self->saved[i]);
	munmap(self->sk, sizeof(*self->sk));
}

static int soak_secs(void)
{
	const char *s = getenv("SOAK_S");

	return s ? atoi(s) : 60;
}

/* Kernel addresses for whatis: the region starts of /proc/ptwalk/kernel. */
static void collect_kaddrs(struct soak *sk)
{
	char *text = pw_request(PTWALK_DIR "/kernel", NULL), *rest = text, *line;
	unsigned long long s;
	struct ptw_line l;

	while (sk->nkaddr < MAX_KADDR - 1 && (line = ptw_next_line(&rest)))
		if (!ptw_tokenize(line, &l) && !ptw_num(ptw_get(&l, "start"), &s) &&
		    (!strcmp(l.tag, "region") ||
		     (sk->nkaddr < MAX_KADDR / 2 && !strcmp(l.tag, "run"))))
			sk->kaddr[sk->nkaddr++] = s;
	free(text);
	sk->kaddr[sk->nkaddr++] = ~0UL - PAGE + 1;
}

TEST_F_TIMEOUT(soak, readers_of_every_file_against_churning_targets, 7200)
{
	struct soak *sk = self->sk;
	int secs = soak_secs(), ncpus = sysconf(_SC_NPROCESSORS_ONLN), i, status, left;
	struct figures before, after;
	const char *no_swap;
	static char swap_why[160];
	char *thp;
	double t0, settle_s;

	if (secs <= 0)
		SKIP(return, "SOAK_S=%d: no soak asked for (make soak, check-debug)", secs);
	if (!ptwalk_loaded() || getuid())
		SKIP(return, "needs root and ptwalk loaded");
	alarm(secs + 900);
	no_swap = zram_swap_on(swap_why, sizeof(swap_why)) ? NULL : swap_why;
	if (no_swap)
		TH_LOG("soaking without swap: %s", no_swap);
	thp = read_whole(THP_SYSFS "enabled", NULL);
	if (thp && strstr(thp, "[never]"))
		knob_set(self, 3, "madvise");
	free(thp);
	/* SOAK_KHUGEPAGED=1: collapse by khugepaged even where MADV_COLLAPSE works */
	sk->madv_collapse = !probe_madv_collapse() &&
			    !(getenv("SOAK_KHUGEPAGED") && atoi(getenv("SOAK_KHUGEPAGED")));
	if (!sk->madv_collapse) {	/* 6.1: khugepaged, made fast */
		knob_set(self, 0, "0");
		knob_set(self, 1, "0");
		knob_set(self, 2, "4096");
	}
	sk->levels = pw_info_num("paging_levels");
	sk->user_top = pw_info_num("user_top");
	collect_kaddrs(sk);
	ASSERT_LT(1, sk->nkaddr);
	measure(&before);
	print_figures("before", &before);
	TH_LOG("SOAK_S=%d, %d CPUs, swap %s, collapse by %s", secs, ncpus,
	       no_swap ? "off" : "on zram0", sk->madv_collapse ? "MADV_COLLAPSE" : "khugepaged");

	for (i = 0; i < TGT_NR + RD_NR; i++) {
		pid_t pid = fork_tied();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			if (i < TGT_NR)
				target(sk, i);
			reader(sk, i - TGT_NR);
		}
		self->pids[i] = pid;
	}
	t0 = now();
	while (now() - t0 < secs) {
		sleep(1);
		for (i = 0; i < TGT_NR + RD_NR; i++)
			if (waitpid(self->pids[i], &status, WNOHANG) == self->pids[i]) {
				self->pids[i] = 0;
				ASSERT_TRUE(false) TH_LOG("%s %s exited early: status 0x%x",
							  i < TGT_NR ? "target" : "reader",
							  i < TGT_NR ? tgt_names[i] : rd_names[i - TGT_NR],
							  status);
			}
	}
	/*
	 * Each finishes what it is doing; one still busy after a grace
	 * period (a sharing scan under KASAN can take minutes) is killed,
	 * and a fatal signal must end its read promptly.
	 */
	sk->stop = 1;
	t0 = now();
	for (left = TGT_NR + RD_NR; left; ) {
		for (i = 0, left = 0; i < TGT_NR + RD_NR; i++) {
			if (!self->pids[i])
				continue;
			if (waitpid(self->pids[i], &status, WNOHANG) != self->pids[i]) {
				left++;
				continue;
			}
			self->pids[i] = 0;
			EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
				TH_LOG("%s: status 0x%x", i < TGT_NR ? tgt_names[i] :
				       rd_names[i - TGT_NR], status);
		}
		if (left && now() - t0 > 30)
			break;
		if (left)
			usleep(100000);
	}
	for (i = 0; i < TGT_NR + RD_NR; i++) {
		double t;

		if (!self->pids[i])
			continue;
		t = now();
		kill(self->pids[i], SIGKILL);
		ASSERT_EQ(self->pids[i], waitpid(self->pids[i], &status, 0));
		self->pids[i] = 0;
		t = now() - t;
		fprintf(stderr, "# soak: %s %s still busy %.0f s after the stop, killed: died in %.2f s\n",
			i < TGT_NR ? "target" : "reader", i < TGT_NR ? tgt_names[i] : rd_names[i - TGT_NR],
			now() - t0, t);
		EXPECT_GT(10.0, t) TH_LOG("a killed %s took %.1f s to die",
					  i < TGT_NR ? tgt_names[i] : rd_names[i - TGT_NR], t);
	}
	fprintf(stderr, "# soak %ds: targets: %lu maps, %lu unmaps, %lu forks, %lu execs, %lu exits, %lu THP collapses (%lu failed), %lu splits, %lu pageouts, %lu swap-ins\n",
		secs, sk->maps, sk->unmaps, sk->forks, sk->execs, sk->exits, sk->collapses,
		sk->collapse_fails, sk->splits, sk->pageouts, sk->swapins);
	for (i = 0; i < RD_NR; i++)
		fprintf(stderr, "# soak reader %-8s %6lu loops, %6lu outputs checked, %8lu KiB, %5lu ESRCH, %lu bad%s%s\n",
			rd_names[i], sk->loops[i], sk->outputs[i], sk->bytes[i] >> 10,
			sk->esrch[i], sk->bad[i], sk->bad[i] ? ": " : "", sk->first_bad[i]);

	/* Let lazy frees (RCU, lazy TLB mm references, vmap purges) finish. */
	t0 = now();
	do {
		sleep(1);
		measure(&after);
	} while (!back(&before, &after, ncpus) && now() - t0 < 30);
	settle_s = now() - t0;
	print_figures("after", &after);
	TH_LOG("settled in %.0f s", settle_s);

	for (i = 0; i < RD_NR; i++)
		EXPECT_EQ(0, sk->bad[i]);	/* the first is printed above */
	EXPECT_LT(0, sk->outputs[RD_MAPS]);
	EXPECT_LT(0, sk->collapses);
	EXPECT_EQ(before.files_open, after.files_open);
	EXPECT_EQ(before.module_bytes, after.module_bytes);
	EXPECT_GE(before.objs[0] + ncpus, after.objs[0]) TH_LOG("mm_struct");
	EXPECT_GE(before.objs[1] + 64, after.objs[1]) TH_LOG("vm_area_struct");
	EXPECT_GE(before.objs[2] + ncpus + more_tasks(&before, &after), after.objs[2])
		TH_LOG("task_struct (tasks alive %ld, then %ld)", before.threads, after.threads);
	EXPECT_GE(before.slab_kb + 4096, after.slab_kb) TH_LOG("Slab kB");
	EXPECT_GE(before.vmalloc_kb + 1024, after.vmalloc_kb) TH_LOG("VmallocUsed kB");
}

PTW_HARNESS_MAIN
