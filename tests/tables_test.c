// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/tables: the cost of page tables. Stopped children build the
 * three address spaces a lecture contrasts (1 GiB touched once per 2 MiB,
 * 2 MiB touched densely, 1 GiB of THP). Oracle: VmPTE in /proc/PID/status,
 * the kernel's own count of the PTE, PMD and PUD table pages of the mm,
 * must equal the file's "vmpte bytes" (the reachable tables plus the PTE
 * tables deposited under anonymous THPs); the region's present pages come
 * from /proc/PID/pagemap.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "oracle.h"
#include "ptwalk.h"
#include "util.h"

#define PAGE	4096UL
#define HPAGE	(2UL << 20)
#define GIB	(1UL << 30)

struct tables {
	char text[4096];
	unsigned long tables[5], entries[5], capacity[5], bytes[5];
	unsigned long leaves_1g, leaves_2m, leaves_4k, kernel_tables, vmpte;
	unsigned long deposited;
	int levels;
};

static const char *const level_names[5] = { "PGD", "P4D", "PUD", "PMD", "PTE" };

/* A number field of @l into @v; -1 if absent or not a number. */
static int field(const struct ptw_line *l, const char *key, unsigned long *v)
{
	unsigned long long n;

	if (ptw_num(ptw_get(l, key), &n))
		return -1;
	*v = n;
	return 0;
}

/* Read and parse the file for @pid; 0 or -1. */
static int read_tables(pid_t pid, struct tables *t)
{
	char req[16], *text, *rest, *line;
	unsigned long levels;
	struct ptw_line l;
	bool ended = false;
	int i, ret = -1;

	memset(t, 0, sizeof(*t));
	t->deposited = t->vmpte = ULONG_MAX;
	snprintf(req, sizeof(req), "%d", pid);
	text = pw_request(PTWALK_DIR "/tables", req);
	if (!text)
		return -1;
	snprintf(t->text, sizeof(t->text), "%s", text);
	if (strncmp(text, PTW_HEADER(tables) "target pid=",
		    strlen(PTW_HEADER(tables) "target pid=")))
		goto out;
	rest = text + strlen(PTW_HEADER(tables));
	while ((line = ptw_next_line(&rest))) {
		if (ptw_tokenize(line, &l))
			goto out;
		if (!strcmp(l.tag, "target")) {
			if (field(&l, "levels", &levels))
				goto out;
			t->levels = levels;
		} else if (!strcmp(l.tag, "level")) {
			for (i = 0; i < 5; i++)
				if (ptw_get(&l, "name") && !strcmp(ptw_get(&l, "name"), level_names[i]))
					break;
			if (i == 5 || field(&l, "tables", &t->tables[i]) ||
			    field(&l, "entries", &t->entries[i]) ||
			    field(&l, "capacity", &t->capacity[i]) ||
			    field(&l, "bytes", &t->bytes[i]))
				goto out;
		} else if (!strcmp(l.tag, "leaves")) {
			if (field(&l, "1G", &t->leaves_1g) || field(&l, "2M", &t->leaves_2m) ||
			    field(&l, "4K", &t->leaves_4k))
				goto out;
		} else if (!strcmp(l.tag, "deposited")) {
			if (field(&l, "tables", &t->deposited))
				goto out;
		} else if (!strcmp(l.tag, "kernel")) {
			if (field(&l, "tables", &t->kernel_tables))
				goto out;
		} else if (!strcmp(l.tag, "vmpte")) {
			if (field(&l, "bytes", &t->vmpte))
				goto out;
		} else if (!strcmp(l.tag, "end")) {
			ended = true;
		}
	}
	ret = ended ? 0 : -1;
out:
	free(text);
	return ret;
}

/* Where the child's region is, for the parent to check with pagemap. */
static volatile unsigned long *region;

static char *map_region(size_t len, size_t align, int advice)
{
	char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((unsigned long)raw + align - 1) & ~(align - 1));
	/* Before the first touch: Debian's THP default is "always". */
	madvise(p, len, advice);
	region[0] = (unsigned long)p;
	region[1] = (unsigned long)p + len;
	return p;
}

/* One shape: @len bytes advised @advice, written every @stride bytes. */
struct shape {
	size_t len, stride;
	int advice;
};

static const struct shape sparse_gib = { GIB, HPAGE, MADV_NOHUGEPAGE };
static const struct shape dense_2m = { HPAGE, PAGE, MADV_NOHUGEPAGE };
static const struct shape thp_gib = { GIB, HPAGE, MADV_HUGEPAGE };

static int build(void *arg)
{
	const struct shape *sh = arg;
	char *p = map_region(sh->len, HPAGE, sh->advice);
	size_t i;

	if (!p)
		return 20;
	/*
	 * Stopped once before the first write: the baseline is this same
	 * process, so that everything but the writes below is the same in
	 * both counts (a second child would inherit this test's tables as
	 * they are when it is forked, which malloc may have changed).
	 */
	raise(SIGSTOP);
	for (i = 0; sh->stride && i < sh->len; i += sh->stride)
		p[i] = 1;
	return 0;
}

FIXTURE(tables) {
	pid_t child;
	struct tables t, base;	/* the address space, and its baseline */
	unsigned long start, end, present;	/* the region, its present pages */
};

FIXTURE_SETUP(tables)
{
	ASSERT_TRUE(ptwalk_loaded());
	region = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, region);
	self->child = -1;
}

FIXTURE_TEARDOWN(tables)
{
	child_kill(self->child);
	munmap((void *)region, PAGE);
}

/* Build with @build, read the file, check it against VmPTE and pagemap. */
static void build_and_read(struct __test_metadata *_metadata,
			   FIXTURE_DATA(tables) *self, const struct shape *sh)
{
	long kb;
	uint64_t *pm;
	unsigned long i, levels = cpu_has_flag("la57") ? 5 : 4;
	int status;

	self->child = spawn_stopped(build, (void *)sh);
	ASSERT_LT(0, self->child);
	/* Mapped, not yet written: the baseline. */
	ASSERT_EQ(0, read_tables(self->child, &self->base)) TH_LOG("%s", self->base.text);
	TH_LOG("baseline: %lu PTE tables, %lu 4K leaves", self->base.tables[4],
	       self->base.leaves_4k);
	ASSERT_EQ(0, kill(self->child, SIGCONT));
	ASSERT_EQ(self->child, waitpid(self->child, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	self->start = region[0];
	self->end = region[1];
	ASSERT_EQ(0, read_tables(self->child, &self->t)) TH_LOG("%s", self->t.text);
	TH_LOG("\n%s", self->t.text);
	EXPECT_EQ(levels, (unsigned long)self->t.levels);
	/* The kernel's own count of the mm's PUD, PMD and PTE tables. */
	kb = proc_status_num(self->child, "VmPTE");
	ASSERT_LE(0, kb);
	EXPECT_EQ((unsigned long)kb * 1024, self->t.vmpte);
	EXPECT_EQ(self->t.vmpte, self->t.bytes[2] + self->t.bytes[3] + self->t.bytes[4] +
		  self->t.deposited * PAGE);
	for (i = 0; i < 5; i++) {
		if (i == 1 && levels == 4)
			continue;
		EXPECT_LE(self->t.entries[i], self->t.capacity[i]) TH_LOG("%s", level_names[i]);
		EXPECT_LT(0, self->t.tables[i]) TH_LOG("%s", level_names[i]);
	}
	EXPECT_EQ(1, self->t.tables[0]);
	EXPECT_LT(0, self->t.kernel_tables);
	pm = pagemap_range(self->child, self->start, self->end);
	ASSERT_NE(NULL, pm);
	self->present = 0;
	for (i = 0; i < (self->end - self->start) / PAGE; i++)
		self->present += !!(pm[i] & PM_PRESENT);
	free(pm);
}

/* 512 pages, one per 2 MiB: a PTE table each, 1 entry in 512 used. */
TEST_F(tables, sparse_gib_needs_a_pte_table_per_page)
{
	build_and_read(_metadata, self, &sparse_gib);
	EXPECT_EQ(512, self->present);
	EXPECT_EQ(self->base.tables[4] + 512, self->t.tables[4]);
	EXPECT_LE(512, self->t.leaves_4k);
	EXPECT_EQ(0, self->t.leaves_2m);
	/* The region's tables alone are 2 MiB for 2 MiB of data. */
	EXPECT_LE(512 * PAGE, self->t.bytes[4]);
}

/* 512 pages in one 2 MiB: one PTE table, every entry used. */
TEST_F(tables, dense_2m_needs_one_pte_table)
{
	build_and_read(_metadata, self, &dense_2m);
	EXPECT_EQ(512, self->present);
	EXPECT_EQ(self->base.tables[4] + 1, self->t.tables[4]);
	EXPECT_LE(512, self->t.leaves_4k);
}

/* 1 GiB of THP: 2M leaves in PMD entries, no PTE table for the region. */
TEST_F(tables, thp_gib_needs_no_pte_tables)
{
	build_and_read(_metadata, self, &thp_gib);
	/* A THP fault that fell back maps one 4K page: that is a skip, too. */
	if (self->t.leaves_2m < 512)
		SKIP(return, "only %lu of 512 2M leaves: THP unavailable here",
		     self->t.leaves_2m);
	EXPECT_EQ(GIB / PAGE, self->present);
	EXPECT_EQ(512, self->t.leaves_2m);
	EXPECT_EQ(self->base.tables[4], self->t.tables[4]);
	/* Not free after all: each anonymous THP keeps a PTE table in reserve. */
	EXPECT_EQ(512, self->t.deposited);
}

/* Unprivileged: one's own process, not another's. */
TEST(unprivileged_reads_only_itself)
{
	EXPECT_EQ(0, open_errno_as(AS_NOBODY, PTWALK_DIR "/tables", O_RDWR));
}

PTW_HARNESS_MAIN
