// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/walk: one address at a time, against pagemap (final PA), the
 * paging mode (number of levels), PTI (the user-copy line) and fork's
 * copy-on-write.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "aspace.h"
#include "ptwalk.h"
#include "util.h"

#define RANDOM_VAS	300

static int levels(void)
{
	return cpu_has_flag("la57") ? 5 : 4;
}

/* Levels a translation through a leaf of this size takes. */
static int expected_levels(unsigned long leaf)
{
	return levels() - (leaf == (1UL << 30) ? 2 : leaf == (2UL << 20) ? 1 : 0);
}

FIXTURE(as) {
	pid_t pid;
	struct aspace *as;
};

FIXTURE_SETUP(as)
{
	hugetlb_reserve_2m(4);
	self->pid = aspace_spawn(&self->as);
	ASSERT_LT(0, self->pid);
}

FIXTURE_TEARDOWN(as)
{
	aspace_kill(self->pid, self->as);
}

/*
 * Random addresses inside the child's VMAs (and a few just outside): where
 * pagemap says present, the walk ends at pagemap's frame plus the offset;
 * elsewhere it stops with a reason. Seeded, and the seed is printed.
 */
TEST_F(as, random_addresses_match_pagemap)
{
	unsigned int seed = getpid() ^ time(NULL);
	struct pm_vma *v;
	int n = proc_maps(self->pid, &v), i;
	long present = 0, absent = 0, bad = 0;

	ASSERT_LT(0, n);
	srandom(seed);
	TH_LOG("seed %u", seed);
	for (i = 0; i < RANDOM_VAS; i++) {
		struct pm_vma *vm = &v[random() % n];
		unsigned long span = vm->end - vm->start;
		unsigned long va = vm->start + ((unsigned long)random() * 4093) % span;
		uint64_t *pm;
		struct pw_walk w;
		char req[64];

		if (vm->pfnmap)
			continue;
		pm = pagemap_range(self->pid, va & ~4095UL, (va & ~4095UL) + 4096);
		ASSERT_NE(NULL, pm);
		snprintf(req, sizeof(req), "%d 0x%lx", self->pid, va);
		ASSERT_EQ(0, pw_walk(req, &w, NULL)) TH_LOG("%s: %s", req, strerror(errno));
		if (pm[0] & PM_PRESENT) {
			present++;
			if (!w.translated ||
			    w.pa != (PM_PFN(pm[0]) << 12) + (va & 4095) ||
			    w.nlevels != expected_levels(w.leaf)) {
				bad++;
				TH_LOG("%s: pa 0x%llx levels %d, pagemap pfn 0x%llx",
				       req, w.pa, w.nlevels,
				       (unsigned long long)PM_PFN(pm[0]));
			}
		} else {
			absent++;
			if (w.translated) {
				bad++;
				TH_LOG("%s: translated but not in pagemap", req);
			}
		}
		free(pm);
	}
	free(v);
	TH_LOG("%ld present, %ld absent, %ld wrong", present, absent, bad);
	EXPECT_EQ(0, bad);
	EXPECT_LT(20, present);
}

TEST_F(as, huge_leaves_end_early)
{
	struct pw_walk w;
	char req[64];

	if (!self->as->huge2m)
		SKIP(return, "%s", self->as->no_huge2m);
	snprintf(req, sizeof(req), "%d %lx", self->pid, self->as->huge2m + 12345);
	ASSERT_EQ(0, pw_walk(req, &w, NULL));
	ASSERT_TRUE(w.translated);
	EXPECT_STREQ("PMD", w.level[w.nlevels - 1]);
	EXPECT_EQ(levels() - 1, w.nlevels);
	EXPECT_EQ(12345, w.pa & ((2UL << 20) - 1));
}

TEST(levels_and_pti_user_copy)
{
	static const char *const l5[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	static const char *const l4[] = { "PGD", "PUD", "PMD", "PTE" };
	const char *const *names = levels() == 5 ? l5 : l4;
	volatile char page[4096];
	struct pw_walk w;
	char req[64];
	int i;

	page[0] = 1;
	snprintf(req, sizeof(req), "%d %p", getpid(), (void *)page);
	ASSERT_EQ(0, pw_walk(req, &w, NULL));
	ASSERT_TRUE(w.translated);
	ASSERT_EQ(levels(), w.nlevels);
	for (i = 0; i < levels(); i++)
		EXPECT_STREQ(names[i], w.level[i]);
	EXPECT_EQ(cpu_has_flag("pti"), w.has_user_copy);
}

TEST(stop_reasons)
{
	struct pw_walk w;
	char req[64];

	snprintf(req, sizeof(req), "%d 0x0000800000000000", getpid());
	ASSERT_EQ(0, pw_walk(req, &w, NULL));
	if (levels() == 4) {
		EXPECT_STREQ("non-canonical", w.stop);
	} else {
		EXPECT_STREQ("none", w.stop);
		EXPECT_NE(0, w.stop_level[0]);
	}

	/* Bit 56 set, bits 57-63 clear: non-canonical in both modes. */
	snprintf(req, sizeof(req), "%d 0x0100000000000000", getpid());
	ASSERT_EQ(0, pw_walk(req, &w, NULL));
	EXPECT_STREQ("non-canonical", w.stop);

	snprintf(req, sizeof(req), "%d ffffffffff600000", getpid());
	ASSERT_EQ(0, pw_walk(req, &w, NULL));
	EXPECT_STREQ("kernel-half", w.stop);

	ASSERT_EQ(0, pw_walk("kernel 0x1000", &w, NULL));
	EXPECT_STREQ("user-half", w.stop);

	/* Page 0 is never mapped: some level has no entry. */
	snprintf(req, sizeof(req), "%d 0", getpid());
	ASSERT_EQ(0, pw_walk(req, &w, NULL));
	EXPECT_FALSE(w.translated);
	EXPECT_STREQ("none", w.stop);
	EXPECT_NE(0, w.stop_level[0]);
}

static bool pte_writable(const struct pw_walk *w)
{
	return ptw_has_flag(w->flags, "write");
}

static int walk_pid(pid_t pid, void *va, struct pw_walk *w)
{
	char req[64];

	snprintf(req, sizeof(req), "%d %p", pid, va);
	return pw_walk(req, w, NULL);
}

/*
 * fork: parent and child map the same frame, both read-only; after the
 * child writes, the child has a new frame and the parent keeps the old one.
 */
TEST(fork_copy_on_write)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct pw_walk before, parent, child, after, parent_after;
	int go[2], done[2];
	pid_t pid;
	char c = 0;

	ASSERT_NE(MAP_FAILED, page);
	page[0] = 'p';
	ASSERT_EQ(0, walk_pid(getpid(), page, &before));
	ASSERT_TRUE(before.translated);
	EXPECT_TRUE(pte_writable(&before));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		page[0] = 'c';
		if (write(done[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, walk_pid(getpid(), page, &parent));
	ASSERT_EQ(0, walk_pid(pid, page, &child));
	ASSERT_TRUE(parent.translated);
	ASSERT_TRUE(child.translated);
	EXPECT_EQ(before.pa, parent.pa);
	EXPECT_EQ(parent.pa, child.pa);
	EXPECT_FALSE(pte_writable(&parent)) TH_LOG("%s", parent.leaf_line);
	EXPECT_FALSE(pte_writable(&child)) TH_LOG("%s", child.leaf_line);

	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(1, read(done[0], &c, 1));
	ASSERT_EQ(0, walk_pid(pid, page, &after));
	ASSERT_EQ(0, walk_pid(getpid(), page, &parent_after));
	ASSERT_TRUE(after.translated);
	EXPECT_NE(parent.pa, after.pa);
	EXPECT_TRUE(pte_writable(&after));
	EXPECT_EQ(parent.pa, parent_after.pa);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST(read_before_request_is_empty)
{
	char *t = pw_request(PTWALK_DIR "/walk", NULL);

	ASSERT_NE(NULL, t);
	EXPECT_STREQ("", t);
	free(t);
}

PTW_HARNESS_MAIN
