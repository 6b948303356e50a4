// SPDX-License-Identifier: GPL-2.0
/*
 * Swapped-out pages: decoded swap type and offset in maps (nonpresent on)
 * and walk, against pagemap's swap entries. Swap is zram, from Debian's own
 * module (/lib/modules/extra, loaded in /lib/modules/extra/load-order).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "ptwalk.h"
#include "util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGES 32

static char why[128];

FIXTURE(swap) {
	char *p;
	uint64_t *pm;
	long swapped;
};

FIXTURE_SETUP(swap)
{
	int i;

	self->p = NULL;
	self->pm = NULL;
	if (!zram_swap_on(why, sizeof(why)))
		SKIP(return, "%s", why);
	self->p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->p);
	for (i = 0; i < PAGES; i++)
		memset(self->p + i * 4096, i + 1, 4096);
	if (madvise(self->p, PAGES * 4096, MADV_PAGEOUT))
		SKIP(return, "MADV_PAGEOUT: %s", strerror(errno));
	self->pm = pagemap_range(getpid(), (unsigned long)self->p,
				 (unsigned long)self->p + PAGES * 4096);
	ASSERT_NE(NULL, self->pm);
	self->swapped = 0;
	for (i = 0; i < PAGES; i++)
		self->swapped += !!(self->pm[i] & PM_SWAP);
	if (!self->swapped)
		SKIP(return, "MADV_PAGEOUT swapped nothing out");
}

FIXTURE_TEARDOWN(swap)
{
	free(self->pm);
	if (self->p)
		munmap(self->p, PAGES * 4096);
}

TEST_F(swap, maps_decodes_swap_entries)
{
	struct pw_maps m;
	long ok = 0, bad = 0;
	int i;

	ASSERT_EQ(0, pw_maps_read(getpid(), true, &m));
	for (i = 0; i < PAGES; i++) {
		unsigned long va = (unsigned long)self->p + i * 4096;
		const struct pw_run *r = pw_maps_find(&m, va);

		if (!(self->pm[i] & PM_SWAP))
			continue;
		if (r && !strcmp(r->kind, "swap") &&
		    r->type == PM_SWAP_TYPE(self->pm[i]) &&
		    r->offset + (va - r->start) / 4096 == PM_SWAP_OFF(self->pm[i])) {
			ok++;
		} else {
			bad++;
			TH_LOG("0x%lx: %s type %u offset 0x%lx; pagemap type %llu offset 0x%llx",
			       va, r ? r->kind : "nothing", r ? r->type : 0,
			       r ? r->offset + (va - r->start) / 4096 : 0,
			       (unsigned long long)PM_SWAP_TYPE(self->pm[i]),
			       (unsigned long long)PM_SWAP_OFF(self->pm[i]));
		}
	}
	TH_LOG("%ld of %d pages swapped; %ld decoded right", self->swapped, PAGES, ok);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(self->swapped, ok);
	pw_maps_free(&m);
}

TEST_F(swap, maps_hides_swap_entries_by_default)
{
	struct pw_maps m;
	size_t i;

	ASSERT_EQ(0, pw_maps_read(getpid(), false, &m));
	for (i = 0; i < m.nruns; i++)
		EXPECT_STREQ("mapped", m.runs[i].kind);
	pw_maps_free(&m);
}

TEST_F(swap, walk_stops_at_the_swap_entry)
{
	int i;

	for (i = 0; i < PAGES; i++) {
		struct pw_walk w;
		char req[64];

		if (!(self->pm[i] & PM_SWAP))
			continue;
		snprintf(req, sizeof(req), "%d %p", getpid(), self->p + i * 4096);
		ASSERT_EQ(0, pw_walk(req, &w, NULL));
		EXPECT_STREQ("not-present", w.stop);
		EXPECT_STREQ("PTE", w.stop_level);
		EXPECT_STREQ("swap", w.stop_kind);
		ASSERT_TRUE(w.stop_swap);
		EXPECT_EQ(PM_SWAP_TYPE(self->pm[i]), w.stop_type);
		EXPECT_EQ(PM_SWAP_OFF(self->pm[i]), w.stop_offset);
		break;
	}
}

TEST_F(swap, touching_brings_the_page_back)
{
	struct pw_walk w;
	char req[64];
	int i;

	for (i = 0; i < PAGES && !(self->pm[i] & PM_SWAP); i++)
		;
	ASSERT_LT(i, PAGES);
	ASSERT_EQ(i + 1, self->p[i * 4096]);
	snprintf(req, sizeof(req), "%d %p", getpid(), self->p + i * 4096);
	ASSERT_EQ(0, pw_walk(req, &w, NULL));
	EXPECT_TRUE(w.translated);
}

/* Like pagemap, an unprivileged opener gets no swap type or offset. */
TEST_F(swap, unprivileged_sees_no_swap_location)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *p, req[64], *text;
		struct pw_walk w;
		struct pw_maps m;
		size_t i;

		if (drop_to_nobody())
			_exit(1);
		p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		memset(p, 7, 4 * 4096);
		if (madvise(p, 4 * 4096, MADV_PAGEOUT))
			_exit(3);
		snprintf(req, sizeof(req), "%d %p", getpid(), p);
		if (pw_walk(req, &w, &text))
			_exit(4);
		if (strcmp(w.stop, "not-present") || strcmp(w.stop_level, "PTE") ||
		    strcmp(w.stop_kind, "swap"))
			_exit(5);	/* not swapped: nothing to check */
		if (!w.stop_swap || w.stop_type || w.stop_offset)
			_exit(6);
		free(text);
		if (pw_maps_read(0, true, &m))
			_exit(7);
		for (i = 0; i < m.nruns; i++)
			if (!strcmp(m.runs[i].kind, "swap") &&
			    (m.runs[i].offset || m.runs[i].type))
				_exit(8);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 5)
		SKIP(return, "the unprivileged child's page was not swapped out");
	EXPECT_EQ(0, WEXITSTATUS(status));
}

PTW_HARNESS_MAIN
