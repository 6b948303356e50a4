// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/maps against the kernel's own oracles: every present page the
 * module reports must have the PFN /proc/PID/pagemap gives, and every page
 * pagemap says is present must be covered; VMA lines must equal
 * /proc/PID/maps; flags must say what the mappings are.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "aspace.h"
#include "ptwalk.h"
#include "util.h"

FIXTURE(as) {
	pid_t pid;
	struct aspace *as;
	struct pw_maps m;
};

FIXTURE_SETUP(as)
{
	hugetlb_reserve_2m(4);
	self->pid = aspace_spawn(&self->as);
	ASSERT_LT(0, self->pid);
	ASSERT_EQ(0, pw_maps_read(self->pid, false, &self->m));
	ASSERT_TRUE(self->m.complete);
	ASSERT_EQ(self->pid, self->m.pid);
	ASSERT_TRUE(self->m.pfn_shown);
}

FIXTURE_TEARDOWN(as)
{
	pw_maps_free(&self->m);
	aspace_kill(self->pid, self->as);
}

TEST_F(as, every_present_page_matches_pagemap)
{
	struct pw_diff d;
	int tries;

	/*
	 * The child is stopped, but the kernel may still change its tables
	 * (khugepaged, NUMA hinting): read both views again on a difference
	 * before calling it one.
	 */
	for (tries = 0; tries < 3; tries++) {
		ASSERT_EQ(0, pw_maps_compare(self->pid, &self->m, &d));
		if (!d.wrong_pfn && !d.extra && !d.missing)
			break;
		pw_maps_free(&self->m);
		ASSERT_EQ(0, pw_maps_read(self->pid, false, &self->m));
	}
	TH_LOG("pages matched %ld, wrong pfn %ld, only here %ld, only in pagemap %ld; %ld PFNMAP VMAs not compared",
	       d.matched, d.wrong_pfn, d.extra, d.missing, d.pfnmap);
	EXPECT_LT(100, d.matched);
	EXPECT_EQ(0, d.wrong_pfn);
	EXPECT_EQ(0, d.extra);
	EXPECT_EQ(0, d.missing);
}

TEST_F(as, vma_lines_equal_proc_maps)
{
	struct pm_vma *v;
	int n = proc_maps(self->pid, &v), i;

	ASSERT_LT(0, n);
	EXPECT_EQ((size_t)n, self->m.nvmas);
	for (i = 0; i < n && (size_t)i < self->m.nvmas; i++)
		EXPECT_STREQ(v[i].line, self->m.vmas[i].line);
	free(v);
}

static const struct pw_run *run_at(struct __test_metadata *_metadata,
				   const struct pw_maps *m, unsigned long va)
{
	const struct pw_run *r = pw_maps_find(m, va);

	EXPECT_NE(NULL, r) TH_LOG("no run covers 0x%lx", va);
	return r;
}

TEST_F(as, text_is_executable_and_read_only)
{
	const struct pw_run *r = run_at(_metadata, &self->m, self->as->text);

	ASSERT_NE(NULL, r);
	EXPECT_STREQ("mapped", r->kind);
	EXPECT_TRUE(ptw_has_flag(r->flags, "present"));
	EXPECT_TRUE(ptw_has_flag(r->flags, "user"));
	EXPECT_FALSE(ptw_has_flag(r->flags, "nx"));
	EXPECT_FALSE(ptw_has_flag(r->flags, "write"));
	EXPECT_STREQ("WB", r->cache);
}

TEST_F(as, written_data_is_writable_nx_dirty)
{
	unsigned long addrs[] = { self->as->data, self->as->heap, self->as->stack };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		const struct pw_run *r = run_at(_metadata, &self->m, addrs[i]);

		ASSERT_NE(NULL, r);
		EXPECT_TRUE(ptw_has_flag(r->flags, "write")) TH_LOG("%s", r->flags);
		EXPECT_TRUE(ptw_has_flag(r->flags, "nx"));
		EXPECT_TRUE(ptw_has_flag(r->flags, "dirty"));
	}
}

TEST_F(as, mprotect_read_only_clears_write)
{
	unsigned long va;

	for (va = self->as->ro; va < self->as->ro + self->as->ro_pages * AS_PAGE;
	     va += AS_PAGE) {
		const struct pw_run *r = run_at(_metadata, &self->m, va);

		ASSERT_NE(NULL, r);
		EXPECT_FALSE(ptw_has_flag(r->flags, "write"));
		EXPECT_TRUE(ptw_has_flag(r->flags, "nx"));
	}
}

TEST_F(as, prot_none_keeps_real_frame)
{
	uint64_t *pm = pagemap_range(self->pid, self->as->none,
				     self->as->none + self->as->none_pages * AS_PAGE);
	size_t i;

	ASSERT_NE(NULL, pm);
	for (i = 0; i < self->as->none_pages; i++) {
		unsigned long va = self->as->none + i * AS_PAGE;
		const struct pw_run *r = run_at(_metadata, &self->m, va);

		ASSERT_NE(NULL, r);
		EXPECT_STREQ("mapped", r->kind);
		EXPECT_TRUE(ptw_has_flag(r->flags, "protnone")) TH_LOG("%s", r->flags);
		EXPECT_FALSE(ptw_has_flag(r->flags, "present"));
		ASSERT_TRUE(pm[i] & PM_PRESENT);
		EXPECT_EQ(PM_PFN(pm[i]), (r->pa + (va - r->start)) >> 12);
	}
	free(pm);
}

static unsigned long pages_mapped(const struct pw_maps *m, unsigned long start,
				  unsigned long end)
{
	unsigned long va, n = 0;

	for (va = start; va < end; va += AS_PAGE) {
		const struct pw_run *r = pw_maps_find(m, va);

		n += r && !strcmp(r->kind, "mapped");
	}
	return n;
}

static unsigned long pages_in_pagemap(pid_t pid, unsigned long start,
				      unsigned long end)
{
	uint64_t *pm = pagemap_range(pid, start, end);
	unsigned long i, n = 0;

	for (i = 0; pm && i < (end - start) / AS_PAGE; i++)
		n += !!(pm[i] & PM_PRESENT);
	free(pm);
	return n;
}

TEST_F(as, only_touched_pages_are_present)
{
	struct aspace *as = self->as;
	unsigned long file_end = as->file + as->file_pages * AS_PAGE;

	EXPECT_EQ((as->partial_pages + 2) / 3,
		  pages_mapped(&self->m, as->partial, as->partial + as->partial_pages * AS_PAGE));
	/* Reads fault around (fault_around_bytes): pagemap says how far. */
	EXPECT_LE(as->file_pages / 2, pages_mapped(&self->m, as->file, file_end));
	EXPECT_EQ(pages_in_pagemap(self->pid, as->file, file_end),
		  pages_mapped(&self->m, as->file, file_end));
	EXPECT_EQ(as->shared_pages,
		  pages_mapped(&self->m, as->shared, as->shared + as->shared_pages * AS_PAGE));
}

TEST_F(as, map_populate_is_all_present)
{
	struct aspace *as = self->as;

	EXPECT_EQ(as->populate_pages,
		  pages_mapped(&self->m, as->populate, as->populate + as->populate_pages * AS_PAGE));
}

static long smaps_anon_huge_kb(pid_t pid, unsigned long start)
{
	char path[64], line[256];
	bool in = false;
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = s <= start && start < e;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

TEST_F(as, thp_is_a_2m_pmd_leaf)
{
	const struct pw_run *r;
	long kb = smaps_anon_huge_kb(self->pid, self->as->thp);

	if (kb <= 0)
		SKIP(return, "smaps shows no AnonHugePages for the region (THP off or refused)");
	r = run_at(_metadata, &self->m, self->as->thp);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(2UL << 20, r->page);
	EXPECT_TRUE(ptw_has_flag(r->flags, "huge"));
	EXPECT_EQ(0, r->pa & ((2UL << 20) - 1));
}

static void check_hugetlb(struct __test_metadata *_metadata, pid_t pid,
			  const struct pw_maps *m, unsigned long va,
			  unsigned long size)
{
	const struct pw_run *r = run_at(_metadata, m, va);
	uint64_t *pm = pagemap_range(pid, va, va + AS_PAGE);

	ASSERT_NE(NULL, r);
	ASSERT_NE(NULL, pm);
	EXPECT_EQ(size, r->page);
	EXPECT_TRUE(ptw_has_flag(r->flags, "huge"));
	EXPECT_EQ(0, r->pa & (size - 1));
	ASSERT_TRUE(pm[0] & PM_PRESENT);
	EXPECT_EQ(PM_PFN(pm[0]), r->pa >> 12);
	free(pm);
}

TEST_F(as, hugetlb_2m_is_a_pmd_leaf)
{
	if (!self->as->huge2m)
		SKIP(return, "%s", self->as->no_huge2m);
	check_hugetlb(_metadata, self->pid, &self->m, self->as->huge2m, 2UL << 20);
}

TEST_F(as, hugetlb_1g_is_a_pud_leaf)
{
	if (!self->as->huge1g)
		SKIP(return, "%s", self->as->no_huge1g);
	check_hugetlb(_metadata, self->pid, &self->m, self->as->huge1g, 1UL << 30);
}

/* pud_present() says no to a PROT_NONE 1G leaf; the MMU walk says mapped. */
TEST(prot_none_1g_hugetlb_is_mapped)
{
	char *p = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << 26), -1, 0);
	const struct pw_run *r;
	struct pw_maps m;
	uint64_t *pm;

	if (p == MAP_FAILED)
		SKIP(return, "no 1G hugetlb page (%s; needs pdpe1gb and hugepagesz=1G at boot)",
		     strerror(errno));
	p[0] = 1;
	ASSERT_EQ(0, mprotect(p, 1UL << 30, PROT_NONE));
	ASSERT_EQ(0, pw_maps_read(0, false, &m));
	pm = pagemap_range(getpid(), (unsigned long)p, (unsigned long)p + 4096);
	ASSERT_NE(NULL, pm);
	r = pw_maps_find(&m, (unsigned long)p);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("mapped", r->kind);
	EXPECT_EQ(1UL << 30, r->page);
	EXPECT_TRUE(ptw_has_flag(r->flags, "protnone")) TH_LOG("%s", r->flags);
	ASSERT_TRUE(pm[0] & PM_PRESENT);
	EXPECT_EQ(PM_PFN(pm[0]), r->pa >> 12);
	free(pm);
	pw_maps_free(&m);
	munmap(p, 1UL << 30);
}

/* Runs are sorted, disjoint, maximal and inside the VMAs listed before them. */
TEST_F(as, runs_are_sorted_and_merged)
{
	size_t i;

	for (i = 1; i < self->m.nruns; i++) {
		const struct pw_run *a = &self->m.runs[i - 1], *b = &self->m.runs[i];

		EXPECT_LE(a->end, b->start);
		if (a->end == b->start && a->page == b->page &&
		    !strcmp(a->kind, b->kind) && !strcmp(a->flags, b->flags) &&
		    !strcmp(a->cache, b->cache) && a->pa + (a->end - a->start) == b->pa) {
			bool vma_edge = false;
			size_t j;

			for (j = 0; j < self->m.nvmas; j++)
				vma_edge |= self->m.vmas[j].start == b->start;
			EXPECT_TRUE(vma_edge) TH_LOG("runs at 0x%lx should have merged", b->start);
		}
	}
}

TEST_F(as, small_reads_and_rewind_give_the_same_bytes)
{
	char req[32];
	char *big, *small, *again;
	int fd = open(PTWALK_DIR "/maps", O_RDWR);

	ASSERT_LE(0, fd);
	snprintf(req, sizeof(req), "%d\n", self->pid);
	ASSERT_EQ((ssize_t)strlen(req), write(fd, req, strlen(req)));
	big = read_fd_sized(fd, 1 << 16, NULL);
	ASSERT_NE(NULL, big);
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	small = read_fd_sized(fd, 1, NULL);
	ASSERT_NE(NULL, small);
	EXPECT_STREQ(big, small);
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	again = read_fd_sized(fd, 7, NULL);
	ASSERT_NE(NULL, again);
	EXPECT_STREQ(big, again);
	/* As any seq_file: a seek regenerates the output up to the offset. */
	ASSERT_EQ(5, lseek(fd, 5, SEEK_SET));
	free(again);
	again = read_fd_sized(fd, 4096, NULL);
	ASSERT_NE(NULL, again);
	EXPECT_STREQ(big + 5, again);
	EXPECT_EQ(-1, lseek(fd, 0, SEEK_END));
	EXPECT_EQ(EINVAL, errno);
	free(big);
	free(small);
	free(again);
	close(fd);
}

TEST(default_target_is_the_opener)
{
	struct pw_maps m;
	volatile char probe[AS_PAGE];
	const struct pw_run *r;

	probe[0] = 1;
	ASSERT_EQ(0, pw_maps_read(0, false, &m));
	EXPECT_EQ(getpid(), m.pid);
	r = pw_maps_find(&m, (unsigned long)probe);
	EXPECT_NE(NULL, r);
	pw_maps_free(&m);
}

/*
 * [vvar] is a VM_PFNMAP mapping: pagemap shows holes there, the module must
 * still report the frame behind each present entry.
 */
TEST(pfnmap_vvar_reports_its_frame)
{
	struct timespec ts;
	struct pw_maps m;
	size_t i, j;
	int found = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* the vDSO reads [vvar] */
	ASSERT_EQ(0, pw_maps_read(0, false, &m));
	for (i = 0; i < m.nvmas; i++) {
		if (!strstr(m.vmas[i].line, "[vvar"))
			continue;
		for (j = 0; j < m.nruns; j++) {
			const struct pw_run *r = &m.runs[j];

			if (r->start < m.vmas[i].start || r->end > m.vmas[i].end)
				continue;
			EXPECT_STREQ("mapped", r->kind);
			EXPECT_NE(0, r->pa);
			EXPECT_FALSE(ptw_has_flag(r->flags, "write"));
			found++;
		}
	}
	pw_maps_free(&m);
	if (!found)
		SKIP(return, "no [vvar] page is mapped in this process");
}
/* The protection key of the VMA at @va, from /proc/self/smaps; -1 if none is shown. */
static int smaps_pkey(unsigned long va)
{
	char *text = read_whole("/proc/self/smaps", NULL), *line, *save = NULL;
	bool in = false;
	int key = -1;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 && strchr(line, ' ') &&
		    line[strcspn(line, " ") - 1] != ':')
			in = start <= va && va < end;
		else if (in && sscanf(line, "ProtectionKey: %d", &key) == 1)
			break;
	}
	free(text);
	return key;
}

/* The key a run's pkey-bit flags spell (x86 PTE bits 59-62). */
static int run_pkey(const struct pw_run *r)
{
	static const char *const bits[] = { "pkey-bit0", "pkey-bit1", "pkey-bit2", "pkey-bit3" };
	int key = 0, i;

	for (i = 0; i < 4; i++)
		key |= ptw_has_flag(r->flags, bits[i]) << i;
	return key;
}

/*
 * Protection keys: the pkey-bit flags of every page spell the key that
 * smaps shows for its VMA, for a key of our own and for the default 0.
 */
TEST(pkey_bits_match_smaps)
{
	const size_t len = 8 * 4096;
	char *mine = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *plain = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct pw_maps m;
	int key, keys[3], i;
	size_t off;

	ASSERT_NE(MAP_FAILED, mine);
	ASSERT_NE(MAP_FAILED, plain);
	/* Allocate keys until one has high bits too (key 1 tests bit 0 only). */
	for (i = 0; i < 3; i++) {
		keys[i] = pkey_alloc(0, 0);
		if (keys[i] < 0)
			SKIP(return, "pkey_alloc: %s (no protection keys on this CPU or kernel)",
			     strerror(errno));
	}
	key = keys[2];
	ASSERT_EQ(0, pkey_mprotect(mine, len, PROT_READ | PROT_WRITE, key));
	touch(mine, len);
	touch(plain, len);
	ASSERT_EQ(key, smaps_pkey((unsigned long)mine));
	ASSERT_EQ(0, smaps_pkey((unsigned long)plain));
	ASSERT_EQ(0, pw_maps_read(getpid(), false, &m));
	for (off = 0; off < len; off += 4096) {
		const struct pw_run *a = pw_maps_find(&m, (unsigned long)mine + off);
		const struct pw_run *b = pw_maps_find(&m, (unsigned long)plain + off);

		ASSERT_NE(NULL, a);
		ASSERT_NE(NULL, b);
		EXPECT_EQ(key, run_pkey(a)) TH_LOG("flags %s", a->flags);
		EXPECT_EQ(0, run_pkey(b)) TH_LOG("flags %s", b->flags);
	}
	pw_maps_free(&m);
	for (i = 0; i < 3; i++)
		pkey_free(keys[i]);
	munmap(mine, len);
	munmap(plain, len);
}

PTW_HARNESS_MAIN
