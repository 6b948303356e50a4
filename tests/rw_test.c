// SPDX-License-Identifier: GPL-2.0
/*
 * Read semantics of every request file (maps, walk, whatis, alloc), used
 * the way people use files: write a request, read() until 0 without
 * seeking, write the next request, read again; partial reads; any read
 * sizes; the position lseek() reports; rewinds and pread(). The oracle for
 * an output is a fresh descriptor given the same requests (for alloc, whose
 * output depends on what the descriptor holds, the same descriptor rewound
 * plus what the requests must have made), over stopped children whose
 * tables do not change; for a large address space, /proc/PID/pagemap.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "ptwalk.h"
#include "util.h"

#define PAGE		4096UL
#define NREQ		3

/* What a stopped child built, in memory shared with the parent. */
struct built {
	unsigned long base;	/* first page of its region */
	size_t pages;
};

/* @pages 4K pages (THP off before touching), each written, or NULL. */
static char *written_4k(size_t pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, pages * PAGE, MADV_NOHUGEPAGE);	/* before touching */
	for (i = 0; i < pages; i++)
		p[i * PAGE] = (char)i;
	return p;
}

/* A small region, written, half of it read-only (@b->pages set by caller). */
static int build_small(void *arg)
{
	struct built *b = arg;
	char *p = written_4k(b->pages);

	if (!p)
		return 10;
	if (mprotect(p, b->pages / 2 * PAGE, PROT_READ))
		return 11;
	b->base = (unsigned long)p;
	return 0;
}

/* Offset of the first difference of @a and @b, or -1 if equal. */
static long first_diff(const char *a, const char *b)
{
	long i;

	for (i = 0; a[i] && a[i] == b[i]; i++)
		;
	return a[i] == b[i] ? -1 : i;
}

/* EXPECT @got to equal @want, showing where they part (not both wholly). */
#define EXPECT_SAME_TEXT(got, want, what) do {					\
	const char *_g = (got), *_w = (want);					\
	long _d = _g && _w ? first_diff(_g, _w) : 0;				\
										\
	EXPECT_TRUE(_g && _w && _d < 0)						\
		TH_LOG("%s: %s at byte %ld: got \"%.60s\", want \"%.60s\"",	\
		       what, !_g ? "read failed" : "differs", _d,		\
		       _g ? _g + (_d > 0 ? _d : 0) : strerror(errno),		\
		       _w ? _w + (_d > 0 ? _d : 0) : "?");			\
} while (0)

FIXTURE(reqfile) {
	pid_t a, b;			/* stopped children */
	struct built *ba, *bb;
	int fd;
	char req[NREQ][128];		/* the variant's requests, in order */
	unsigned long va[NREQ];		/* walk, whatis: the address asked */
};

FIXTURE_VARIANT(reqfile) {
	const char *path;
	bool cumulative;		/* alloc: output is what the file holds */
};

FIXTURE_VARIANT_ADD(reqfile, maps) {
	.path = PTWALK_DIR "/maps",
};

FIXTURE_VARIANT_ADD(reqfile, walk) {
	.path = PTWALK_DIR "/walk",
};

FIXTURE_VARIANT_ADD(reqfile, whatis) {
	.path = PTWALK_DIR "/whatis",
};

FIXTURE_VARIANT_ADD(reqfile, tables) {
	.path = PTWALK_DIR "/tables",
};

FIXTURE_VARIANT_ADD(reqfile, alloc) {
	.path = PTWALK_DIR "/alloc",
	.cumulative = true,
};

static bool is(const FIXTURE_VARIANT(reqfile) *v, const char *name)
{
	return !strcmp(v->path + strlen(PTWALK_DIR "/"), name);
}

FIXTURE_SETUP(reqfile)
{
	self->ba = mmap(NULL, 2 * sizeof(struct built), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ba);
	self->bb = self->ba + 1;
	self->ba->pages = 16;
	self->bb->pages = 40;
	self->a = spawn_stopped(build_small, self->ba);
	ASSERT_LT(0, self->a);
	self->b = spawn_stopped(build_small, self->bb);
	ASSERT_LT(0, self->b);
	/* Requests as people write them: with and without a newline. */
	self->va[0] = self->ba->base + 3 * PAGE;
	self->va[1] = self->bb->base + 30 * PAGE + 5;
	self->va[2] = self->ba->base + 12 * PAGE;
	if (is(variant, "maps")) {
		snprintf(self->req[0], 128, "%d", self->a);
		snprintf(self->req[1], 128, "%d\n", self->b);
		snprintf(self->req[2], 128, "nonpresent on\n");
	} else if (is(variant, "walk")) {
		snprintf(self->req[0], 128, "%d 0x%lx", self->a, self->va[0]);
		snprintf(self->req[1], 128, "%d %lx\n", self->b, self->va[1]);
		snprintf(self->req[2], 128, "%d 0x%lx", self->a, self->va[2]);
	} else if (is(variant, "tables")) {
		snprintf(self->req[0], 128, "%d", self->a);
		snprintf(self->req[1], 128, "%d\n", self->b);
		snprintf(self->req[2], 128, "%d", self->a);
	} else if (is(variant, "whatis")) {
		self->va[0] = self->ba->base;
		self->va[1] = 0xffffffff81000000UL;
		self->va[2] = 0x8000000000000000UL;
		snprintf(self->req[0], 128, "0x%lx", self->va[0]);
		snprintf(self->req[1], 128, "%lx\n", self->va[1]);
		snprintf(self->req[2], 128, "0x%lx", self->va[2]);
	} else {
		snprintf(self->req[0], 128, "kmalloc 64 3");
		snprintf(self->req[1], 128, "pages 0\n");
		snprintf(self->req[2], 128, "vmalloc 64K");
	}
	self->fd = open(variant->path, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", variant->path, strerror(errno));
}

FIXTURE_TEARDOWN(reqfile)
{
	if (self->fd >= 0)
		close(self->fd);
	child_kill(self->a);
	child_kill(self->b);
	munmap(self->ba, 2 * sizeof(struct built));
}

static int write_req(int fd, const char *req)
{
	ssize_t n = write(fd, req, strlen(req));

	return n == (ssize_t)strlen(req) ? 0 : -1;
}

/*
 * What reading after requests 0..@i must give. Fresh descriptor replaying
 * them, or for alloc the same descriptor rewound (the caller has read).
 */
static char *oracle(struct __test_metadata *_metadata,
		    FIXTURE_DATA(reqfile) *self,
		    const FIXTURE_VARIANT(reqfile) *variant, int i)
{
	char *text;
	int fd, j;

	if (variant->cumulative) {
		EXPECT_EQ(0, lseek(self->fd, 0, SEEK_SET));
		return read_fd_sized(self->fd, 1 << 16, NULL);
	}
	fd = open(variant->path, O_RDWR);
	if (fd < 0)
		return NULL;
	for (j = 0; j <= i; j++)
		EXPECT_EQ(0, write_req(fd, self->req[j])) TH_LOG("%s", self->req[j]);
	text = read_fd_sized(fd, 1 << 16, NULL);
	close(fd);
	return text;
}

/* What the output after request @i must say whatever the oracle says. */
static void check_start(struct __test_metadata *_metadata,
			FIXTURE_DATA(reqfile) *self,
			const FIXTURE_VARIANT(reqfile) *variant, int i,
			const char *text)
{
	char want[128];

	ASSERT_NE(NULL, text);
	snprintf(want, sizeof(want), "ptwalk-%s %d\n", variant->path + strlen(PTWALK_DIR "/"),
		 ptw_format_version(variant->path + strlen(PTWALK_DIR "/")));
	EXPECT_EQ(0, strncmp(text, want, strlen(want)))
		TH_LOG("output after request %d starts \"%.40s\"", i, text);
	if (is(variant, "maps")) {
		snprintf(want, sizeof(want), "\ntarget pid=%d ", i ? self->b : self->a);
		EXPECT_NE(NULL, strstr(text, want)) TH_LOG("no \"%s\"", want + 1);
		EXPECT_EQ(i == 2, strstr(text, " nonpresent=on\n") != NULL);
	} else if (is(variant, "tables")) {
		snprintf(want, sizeof(want), "\ntarget pid=%d ", i == 1 ? self->b : self->a);
		EXPECT_NE(NULL, strstr(text, want)) TH_LOG("no \"%s\"", want + 1);
		EXPECT_NE(NULL, strstr(text, "\nend\n"));
	} else if (is(variant, "walk") || is(variant, "whatis")) {
		snprintf(want, sizeof(want), is(variant, "walk") ? " va=0x%lx " :
			 "\ntarget va=0x%lx ", self->va[i]);
		EXPECT_NE(NULL, strstr(text, want)) TH_LOG("no \"%s\"", want);
	} else {
		snprintf(want, sizeof(want), "\nend allocations=%d\n", i + 1);
		EXPECT_NE(NULL, strstr(text, want)) TH_LOG("no \"%s\"", want + 1);
		snprintf(want, sizeof(want), "\nalloc id=%d kind=%s ", i + 1,
			 i == 0 ? "kmalloc" : i == 1 ? "pages" : "vmalloc");
		EXPECT_NE(NULL, strstr(text, want)) TH_LOG("no \"%s\"", want + 1);
	}
}

/*
 * Read the descriptor to its end in @chunk-byte reads, never seeking: the
 * output of request @i, whole, from its first line. False if the read
 * failed.
 */
static bool read_matches_oracle(struct __test_metadata *_metadata,
				FIXTURE_DATA(reqfile) *self,
				const FIXTURE_VARIANT(reqfile) *variant, int i,
				size_t chunk)
{
	char *got = read_fd_sized(self->fd, chunk, NULL), *want;

	EXPECT_NE(NULL, got) TH_LOG("read after request %d: %s", i, strerror(errno));
	if (!got)
		return false;
	check_start(_metadata, self, variant, i, got);
	want = oracle(_metadata, self, variant, i);
	EXPECT_SAME_TEXT(got, want, self->req[i]);
	free(got);
	free(want);
	return true;
}

/* Write, read() to the end, write the next request, read to the end... */
TEST_F(reqfile, each_request_is_read_whole_after_reading_the_last)
{
	int i;

	for (i = 0; i < NREQ; i++) {
		ASSERT_EQ(0, write_req(self->fd, self->req[i]))
			TH_LOG("request %d \"%s\" after a read to the end: %s", i,
			       self->req[i], strerror(errno));
		if (!read_matches_oracle(_metadata, self, variant, i, 4096))
			return;
	}
}

/* A few bytes read, then a new request: its output whole, from line 1. */
TEST_F(reqfile, a_request_after_a_partial_read_is_read_whole)
{
	char buf[16];
	int i;

	for (i = 0; i < NREQ; i++) {
		ASSERT_EQ(0, write_req(self->fd, self->req[i]))
			TH_LOG("request %d: %s", i, strerror(errno));
		if (i + 1 < NREQ) {
			EXPECT_EQ(5, read(self->fd, buf, 5))
				TH_LOG("read after request %d: %s", i, strerror(errno));
			continue;
		}
		read_matches_oracle(_metadata, self, variant, i, 1000);
	}
}

static off_t pos(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

/* lseek(fd, 0, SEEK_CUR): 0 after every accepted write, N after N bytes. */
TEST_F(reqfile, position_is_zero_after_a_write_and_counts_bytes_read)
{
	char buf[1 << 16];
	int i;

	for (i = 0; i < NREQ; i++) {
		ssize_t n1, n2, rest = 0, r;

		ASSERT_EQ(0, write_req(self->fd, self->req[i]));
		EXPECT_EQ(0, pos(self->fd)) TH_LOG("after request %d", i);
		n1 = read(self->fd, buf, 10);
		ASSERT_EQ(10, n1) TH_LOG("read after request %d: %s", i, strerror(errno));
		EXPECT_EQ(n1, pos(self->fd));
		n2 = read(self->fd, buf, 100);
		EXPECT_LT(0, n2) TH_LOG("read after request %d: %s", i, strerror(errno));
		EXPECT_EQ(n1 + n2, pos(self->fd));
		while ((r = read(self->fd, buf, sizeof(buf))) > 0)
			rest += r;
		EXPECT_EQ(0, r) TH_LOG("%s", strerror(errno));
		EXPECT_EQ(n1 + n2 + rest, pos(self->fd));
	}
}

/* Reads of 1, 7, 100, 4096 and 65536 bytes and a mix give the same bytes. */
TEST_F(reqfile, any_read_sizes_give_the_same_bytes)
{
	static const size_t sizes[] = { 65536, 1, 7, 100, 4096, 0 };
	static const size_t mix[] = { 1, 4095, 13, 65536, 100, 2, 7 };
	char *base = NULL, what[64];
	unsigned int s;
	int i;

	if (variant->cumulative)	/* one descriptor holds the memory */
		for (i = 0; i < NREQ; i++)
			ASSERT_EQ(0, write_req(self->fd, self->req[i]));
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t cap = 1 << 20, n = 0, k = 0;
		char *got = malloc(cap + 1);
		ssize_t r;
		int fd = self->fd;

		ASSERT_NE(NULL, got);
		if (variant->cumulative) {
			ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
		} else {
			fd = open(variant->path, O_RDWR);
			ASSERT_LE(0, fd);
			for (i = 0; i < NREQ; i++)
				ASSERT_EQ(0, write_req(fd, self->req[i]));
		}
		do {
			size_t want = sizes[s] ? sizes[s] : mix[k++ % 7];

			if (n + want > cap)
				break;
			r = read(fd, got + n, want);
			if (r > 0)
				n += r;
		} while (r > 0);
		got[n] = '\0';
		EXPECT_EQ(0, r) TH_LOG("reads of %zu bytes: %s", sizes[s], strerror(errno));
		if (fd != self->fd)
			close(fd);
		if (!base) {
			base = got;
			check_start(_metadata, self, variant, NREQ - 1, base);
			continue;
		}
		snprintf(what, sizeof(what), "reads of %zu bytes (0: mixed sizes)", sizes[s]);
		EXPECT_SAME_TEXT(got, base, what);
		free(got);
	}
	free(base);
}

/* lseek(fd, 0, SEEK_SET) reads the whole output again, after any read. */
TEST_F(reqfile, rewind_reads_everything_again)
{
	char buf[64], *all, *again;

	ASSERT_EQ(0, write_req(self->fd, self->req[0]));
	ASSERT_EQ(0, write_req(self->fd, self->req[1]));
	all = read_fd_sized(self->fd, 4096, NULL);
	ASSERT_NE(NULL, all);
	check_start(_metadata, self, variant, 1, all);
	EXPECT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(0, pos(self->fd));
	again = read_fd_sized(self->fd, 100, NULL);
	EXPECT_SAME_TEXT(again, all, "after a rewind at the end");
	free(again);
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(10, read(self->fd, buf, 10));
	EXPECT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	again = read_fd_sized(self->fd, 1 << 16, NULL);
	EXPECT_SAME_TEXT(again, all, "after a rewind in the middle");
	free(again);
	free(all);
}

/*
 * pread(fd, buf, n, 0) gives the output from its beginning, as any
 * seq_file /proc file does, and leaves the file position alone: read()
 * goes on where it was.
 */
TEST_F(reqfile, pread_at_zero_reads_the_beginning_and_keeps_the_position)
{
	char *all, *rest, buf[200];
	ssize_t n;

	ASSERT_EQ(0, write_req(self->fd, self->req[0]));
	ASSERT_EQ(0, write_req(self->fd, self->req[1]));
	all = oracle(_metadata, self, variant, 1);
	ASSERT_NE(NULL, all);
	if (variant->cumulative)
		ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_LT(40, strlen(all));
	/* Fresh after the write: pread at 0 is at the current position. */
	n = pread(self->fd, buf, 30, 0);
	EXPECT_EQ(30, n) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, memcmp(buf, all, 30));
	EXPECT_EQ(0, pos(self->fd));
	/* After reading 40 bytes. */
	ASSERT_EQ(40, read(self->fd, buf, 40));
	EXPECT_EQ(0, memcmp(buf, all, 40));
	memset(buf, 0, sizeof(buf));
	n = pread(self->fd, buf, 25, 0);
	EXPECT_EQ(25, n) TH_LOG("pread at 0 after reading 40 bytes: %s", strerror(errno));
	EXPECT_EQ(0, memcmp(buf, all, 25)) TH_LOG("got \"%.25s\"", buf);
	EXPECT_EQ(40, pos(self->fd));
	rest = read_fd_sized(self->fd, 512, NULL);
	EXPECT_SAME_TEXT(rest, all + 40, "read() after pread");
	free(rest);
	free(all);
}

/* A rejected request is EINVAL and does not move the position. */
TEST_F(reqfile, a_rejected_request_is_einval)
{
	char junk[128], buf[10];

	ASSERT_EQ(0, write_req(self->fd, self->req[0]));
	ASSERT_EQ(10, read(self->fd, buf, 10));
	if (is(variant, "walk"))
		snprintf(junk, sizeof(junk), "%d 0x0x10", self->a);
	else if (is(variant, "alloc"))
		snprintf(junk, sizeof(junk), "kmalloc 0x0x10");
	else
		snprintf(junk, sizeof(junk), "0x0x10");
	errno = 0;
	EXPECT_EQ(-1, write(self->fd, junk, strlen(junk)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(10, pos(self->fd));
}

/* Before any request: walk and whatis say nothing, maps shows the reader. */
TEST(reading_before_any_request)
{
	static const char *const quiet[] = { "walk", "whatis" };
	char path[64], buf[64], want[64], *text;
	unsigned int i;
	int fd;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), PTWALK_DIR "/%s", quiet[i]);
		fd = open(path, O_RDWR);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, read(fd, buf, sizeof(buf))) TH_LOG("%s", path);
		close(fd);
	}
	fd = open(PTWALK_DIR "/maps", O_RDONLY);
	ASSERT_LE(0, fd);
	text = read_fd_sized(fd, 4096, NULL);
	close(fd);
	ASSERT_NE(NULL, text);
	snprintf(want, sizeof(want), PTW_HEADER(maps) "target pid=%d ", getpid());
	EXPECT_EQ(0, strncmp(text, want, strlen(want))) TH_LOG("%.60s", text);
	EXPECT_NE(NULL, strstr(text, "\nend runs="));
	free(text);
}

/*
 * A stopped child with @b->pages pages in groups of 4 that alternate
 * between read-write and read-only: one VMA and at least one run each.
 */
static int build_striped(void *arg)
{
	struct built *b = arg;
	char *p = written_4k(b->pages);
	size_t i;

	if (!p)
		return 10;
	for (i = 4; i + 4 <= b->pages; i += 8)
		if (mprotect(p + i * PAGE, 4 * PAGE, PROT_READ))
			return 11;
	b->base = (unsigned long)p;
	return 0;
}

FIXTURE(big) {
	pid_t pid;
	struct built *b;
};

FIXTURE_SETUP(big)
{
	self->b = mmap(NULL, sizeof(*self->b), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->b);
	self->b->pages = 20000;
	self->pid = spawn_stopped(build_striped, self->b);
	ASSERT_LT(0, self->pid);
}

FIXTURE_TEARDOWN(big)
{
	child_kill(self->pid);
	munmap(self->b, sizeof(*self->b));
}

static char *read_maps_of(pid_t pid, size_t chunk, size_t *len)
{
	char req[16];
	char *text;
	int fd = open(PTWALK_DIR "/maps", O_RDWR);

	if (fd < 0)
		return NULL;
	snprintf(req, sizeof(req), "%d\n", pid);
	text = write_req(fd, req) ? NULL : read_fd_sized(fd, chunk, len);
	close(fd);
	return text;
}

/* 5000 VMAs and runs read 4 KiB at a time: the bytes of 1 MiB reads. */
TEST_F_TIMEOUT(big, large_output_in_small_reads_equals_big_reads_and_pagemap, 120)
{
	unsigned long start = self->b->base, end = start + self->b->pages * PAGE;
	size_t small_len = 0, big_len = 0, i, in_region = 0;
	struct pw_faults faults = { 0 };
	struct pw_maps m;
	struct pw_diff d;
	char *small, *big;

	small = read_maps_of(self->pid, 4096, &small_len);
	ASSERT_NE(NULL, small) TH_LOG("%s", strerror(errno));
	big = read_maps_of(self->pid, 1 << 20, &big_len);
	ASSERT_NE(NULL, big) TH_LOG("%s", strerror(errno));
	TH_LOG("%zu bytes", big_len);
	EXPECT_LT(5000 * 100, big_len);
	EXPECT_EQ(big_len, small_len);
	EXPECT_SAME_TEXT(small, big, "4 KiB reads against 1 MiB reads");
	EXPECT_EQ(0, pw_maps_check(big, &faults));
	pw_faults_print("1 MiB reads", &faults);
	ASSERT_EQ(0, pw_maps_parse(big, &m));
	EXPECT_TRUE(m.complete);
	EXPECT_EQ(self->pid, m.pid);
	for (i = 0; i < m.nruns; i++)
		in_region += m.runs[i].start >= start && m.runs[i].end <= end;
	EXPECT_LE(self->b->pages / 4, in_region);
	EXPECT_EQ(0, pw_maps_compare(self->pid, &m, &d));
	TH_LOG("%zu runs in the region; pages matched %ld, wrong pfn %ld, only here %ld, only in pagemap %ld",
	       in_region, d.matched, d.wrong_pfn, d.extra, d.missing);
	EXPECT_LE((long)self->b->pages, d.matched);
	EXPECT_EQ(0, d.wrong_pfn);
	EXPECT_EQ(0, d.extra);
	EXPECT_EQ(0, d.missing);
	pw_maps_free(&m);
	free(small);
	free(big);
}

/*
 * Names as long as a path gets (PATH_MAX, or mostly newlines, each
 * escaped to four bytes): every read size still reaches the end, and the
 * VMA line names the file as /proc/PID/maps does (or "?" when the escaped
 * name could not fit the module's buffer at all).
 */
static int map_long_name(char *dir, size_t depth, const char *leaf,
			 void **map, char *path, size_t size)
{
	size_t n = strlen(dir);
	int fd;

	for (size_t i = 0; i < depth && n + 64 < size; i++) {
		n += snprintf(dir + n, size - n, "/%s", leaf);
		if (mkdir(dir, 0700) && errno != EEXIST)
			return -1;
	}
	snprintf(path, size, "%s/f", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || ftruncate(fd, 4096))
		return -1;
	*map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	return *map == MAP_FAILED ? -1 : 0;
}

TEST(long_names_end_every_read)
{
	static const char *const leaves[] = {
		"ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
		"\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n",
	};
	static const size_t sizes[] = { 1, 4096, 16384, 131072 };

	for (size_t l = 0; l < 2; l++) {
		char dir[4096] = "/tmp/ptwalk-long", path[4096];
		void *map;

		mkdir(dir, 0700);
		ASSERT_EQ(0, map_long_name(dir, 200, leaves[l], &map, path,
					   sizeof(dir) - 8)) TH_LOG("%s", strerror(errno));
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			int fd = open(PTWALK_DIR "/maps", O_RDONLY);
			size_t len = 0;
			char *text;

			ASSERT_LE(0, fd);
			text = read_fd_sized(fd, sizes[i], &len);
			close(fd);
			ASSERT_NE(NULL, text) TH_LOG("read size %zu", sizes[i]);
			EXPECT_NE(NULL, strstr(text, "\nend runs="))
				TH_LOG("read size %zu: no end line", sizes[i]);
			/* The plain name is shown whole. */
			if (l == 0)
				EXPECT_NE(NULL, strstr(text, path)) TH_LOG("name missing");
			free(text);
		}
		munmap(map, 4096);
		unlink(path);
	}
}

PTW_HARNESS_MAIN
