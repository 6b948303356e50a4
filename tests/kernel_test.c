// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/kernel against independent oracles: ptdump's own dump of
 * the same tables (ptdump_walk_pgd_level_debugfs() through the test-only
 * ptwalk_oracle module), the layout bases the kernel exports, the module
 * section addresses in /sys/module, and virt_to_phys()/vmalloc_to_pfn() of
 * a variable of the oracle module, also walked with "walk kernel VA".
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "kernel_oracle.h"
#include "ptwalk.h"
#include "util.h"

#define KERNEL_FILE	PTWALK_DIR "/kernel"
/* Tries of a comparison: the kernel half changes now and then. */
#define ATTEMPTS	5

static bool oracle_present(void)
{
	return access(KO_DIR "/layout", R_OK) == 0;
}

#define NEED_ORACLE() do { \
	if (!oracle_present()) \
		SKIP(return, "no ptwalk_oracle module (tests/helper): no ptdump to compare with"); \
} while (0)

static bool pat_enabled(void)
{
	return cpu_has_flag("pat") && !cmdline_has("nopat");
}

static int read_dump(struct ko_dump *d)
{
	char *text = read_whole(KERNEL_FILE, NULL);
	int ret;

	if (!text)
		return -1;
	ret = ko_parse_dump(text, d);
	free(text);
	return ret;
}

static unsigned long oracle(struct __test_metadata *_metadata, const char *file,
			    const char *key)
{
	unsigned long v = 0;

	EXPECT_TRUE(ko_oracle_value(file, key, &v)) TH_LOG("no %s in %s", key, file);
	return v;
}

TEST(format_copies_and_end)
{
	struct ko_dump d;
	size_t runs = 0, clones = 0;
	int i;

	ASSERT_EQ(0, read_dump(&d));
	EXPECT_TRUE(d.complete);
	EXPECT_EQ(cpu_has_flag("la57") ? 5 : 4, d.levels);
	EXPECT_EQ(cpu_has_flag("pti"), d.pti);
	/* The user copy of the table exists only with PTI. */
	EXPECT_EQ(d.pti ? 2 : 1, d.ncopies);
	EXPECT_STREQ("kernel", d.copy[0].name);
	if (d.ncopies == 2)
		EXPECT_STREQ("user", d.copy[1].name);
	for (i = 0; i < d.ncopies; i++) {
		runs += d.copy[i].nruns;
		clones += d.copy[i].nclones;
		EXPECT_NE(0, d.copy[i].top);
	}
	EXPECT_EQ(d.end_runs, runs);
	EXPECT_EQ(d.end_clones, clones);
	EXPECT_LT(100, d.copy[0].nruns);
	ko_dump_free(&d);
}

/* Regions cover the kernel half in order, and each run lies in its own. */
TEST(regions_partition_the_kernel_half)
{
	struct ko_dump d;
	int i;

	ASSERT_EQ(0, read_dump(&d));
	for (i = 0; i < d.ncopies; i++) {
		const struct ko_copy *c = &d.copy[i];
		unsigned long at = ko_kernel_start(d.levels);
		size_t r;

		ASSERT_LT(5, c->nregions);
		for (r = 0; r < c->nregions; r++) {
			EXPECT_EQ(at, c->regions[r].start) TH_LOG("region %s", c->regions[r].name);
			at = c->regions[r].end;
		}
		EXPECT_EQ(0, at) TH_LOG("regions stop before the top");
		EXPECT_TRUE(c->runs_in_regions);
	}
	ko_dump_free(&d);
}

static void expect_region(struct __test_metadata *_metadata,
			  const struct ko_copy *c, const char *name,
			  unsigned long start, unsigned long end)
{
	const struct ko_region *r = ko_region_get(c, name);

	ASSERT_NE(NULL, r) TH_LOG("no region %s", name);
	EXPECT_EQ(start, r->start) TH_LOG("start of %s", name);
	if (end != 1)
		EXPECT_EQ(end, r->end) TH_LOG("end of %s", name);
}

/* Region bounds against the layout the oracle module reads from the kernel. */
TEST(regions_match_the_kernel_layout)
{
	struct ko_dump d;
	const struct ko_copy *c;

	NEED_ORACLE();
	ASSERT_EQ(0, read_dump(&d));
	c = &d.copy[0];
	expect_region(_metadata, c, "direct-map", oracle(_metadata, "layout", "page_offset_base"),
		      oracle(_metadata, "layout", "vmalloc_base"));
	expect_region(_metadata, c, "vmalloc", oracle(_metadata, "layout", "vmalloc_base"),
		      oracle(_metadata, "layout", "vmalloc_end") + 1);
	/* The vmemmap's end is not exported: only its start is checked. */
	expect_region(_metadata, c, "vmemmap", oracle(_metadata, "layout", "vmemmap_base"), 1);
	expect_region(_metadata, c, "guard-hole", oracle(_metadata, "layout", "guard_hole_start"),
		      oracle(_metadata, "layout", "guard_hole_end"));
	expect_region(_metadata, c, "ldt-remap", oracle(_metadata, "layout", "ldt_base"), 1);
	expect_region(_metadata, c, "cpu-entry-area",
		      oracle(_metadata, "layout", "cpu_entry_area_base"), 1);
	expect_region(_metadata, c, "espfix", oracle(_metadata, "layout", "espfix_base"), 1);
	expect_region(_metadata, c, "efi", oracle(_metadata, "layout", "efi_va_end"),
		      oracle(_metadata, "layout", "efi_va_start"));
	expect_region(_metadata, c, "kernel-image", oracle(_metadata, "layout", "start_kernel_map"),
		      oracle(_metadata, "layout", "modules_vaddr"));
	expect_region(_metadata, c, "modules", oracle(_metadata, "layout", "modules_vaddr"),
		      oracle(_metadata, "layout", "modules_end"));
	expect_region(_metadata, c, "fixmap", oracle(_metadata, "layout", "fixaddr_start"),
		      oracle(_metadata, "layout", "fixaddr_top") + 4096);
	ko_dump_free(&d);
}

static unsigned long section_text(const char *module)
{
	char path[128], *t;
	unsigned long v;

	snprintf(path, sizeof(path), "/sys/module/%s/sections/.text", module);
	t = read_whole(path, NULL);
	if (!t)
		return 0;
	v = strtoul(t, NULL, 16);
	free(t);
	return v;
}

static bool in_region(const struct ko_copy *c, const char *name, unsigned long va)
{
	const struct ko_region *r = ko_region_get(c, name);

	return r && va >= r->start && va - r->start < r->end - r->start;
}

/* Module text (per /sys/module) lies in "modules" and is mapped there. */
TEST(module_text_in_modules_region)
{
	const char *mods[] = { "ptwalk", "ptwalk_oracle" };
	struct ko_dump d;
	unsigned int i;

	ASSERT_EQ(0, read_dump(&d));
	for (i = 0; i < 2; i++) {
		unsigned long text = section_text(mods[i]);
		const struct ko_range *r;

		if (!text && i == 1)
			continue;	/* no oracle module loaded */
		ASSERT_NE(0, text) TH_LOG("/sys/module/%s/sections/.text", mods[i]);
		EXPECT_TRUE(in_region(&d.copy[0], "modules", text)) TH_LOG("%s text 0x%lx",
									  mods[i], text);
		r = ko_run_find(&d.copy[0], text);
		ASSERT_NE(NULL, r) TH_LOG("%s text not mapped", mods[i]);
		EXPECT_FALSE(r->attrs & KO_NX) TH_LOG("%s text is NX", mods[i]);
		EXPECT_FALSE(r->attrs & KO_RW) TH_LOG("%s text is writable", mods[i]);
	}
	ko_dump_free(&d);
}

/* The direct map is PA + page_offset_base, run by run. */
TEST(direct_map_runs_are_linear)
{
	const struct ko_region *dm;
	struct ko_dump d;
	size_t i, n = 0;

	ASSERT_EQ(0, read_dump(&d));
	dm = ko_region_get(&d.copy[0], "direct-map");
	ASSERT_NE(NULL, dm);
	for (i = 0; i < d.copy[0].nruns; i++) {
		const struct ko_range *r = &d.copy[0].runs[i];

		if (r->start < dm->start || r->start >= dm->end)
			continue;
		n++;
		EXPECT_EQ(r->start - dm->start, r->pa) TH_LOG("run at 0x%lx", r->start);
	}
	EXPECT_LT(0, n);
	ko_dump_free(&d);
}

static char *slurp_fd(int fd)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t r;

	while (buf && (r = read(fd, buf + n, cap - n)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	if (buf)
		buf[n] = '\0';
	return buf;
}

/*
 * One comparison of @copy with ptdump's dump of the same table. Both files
 * are open before either is read, so both walks see the same buffers.
 */
static long compare_once(const char *copy, const struct ko_span *skip,
			 size_t nskip, int max_print)
{
	char path[128], *ours_text = NULL, *pt_text = NULL;
	struct ko_ptdump pt = { 0 };
	struct ko_dump d = { 0 };
	const struct ko_copy *c;
	int fd_ours, fd_pt;
	long bad = -1;

	snprintf(path, sizeof(path), KO_DIR "/ptdump_%s", copy);
	fd_ours = open(KERNEL_FILE, O_RDONLY);
	fd_pt = open(path, O_RDONLY);
	if (fd_ours < 0 || fd_pt < 0)
		goto out;
	ours_text = slurp_fd(fd_ours);
	pt_text = slurp_fd(fd_pt);
	if (!ours_text || !pt_text || ko_parse_dump(ours_text, &d))
		goto out;
	c = ko_copy_get(&d, copy);
	if (!c || ko_parse_ptdump(pt_text, ko_kernel_start(d.levels), pat_enabled(), &pt))
		goto out;
	bad = ko_compare(c, &pt, skip, nskip, stderr, max_print);
	fprintf(stderr, "# %s copy: %zu ptwalk runs, %zu ptdump leaves, %zu clones, %ld disagreements\n",
		copy, c->nruns, pt.n, c->nclones, bad);
out:
	if (fd_ours >= 0)
		close(fd_ours);
	if (fd_pt >= 0)
		close(fd_pt);
	free(ours_text);
	free(pt_text);
	ko_dump_free(&d);
	ko_ptdump_free(&pt);
	return bad;
}

/*
 * Every range and its flags agree with ptdump's, after normalising both to
 * (page size, user, rw, nx, global, cache type) per address. Not compared:
 * what ptdump leaves out (ESPfix past 16 lines), ptwalk's clones (listed
 * once), and the KFENCE pool, whose pages flip present on every sampled
 * allocation. The kernel half changes now and then (vmalloc): a few tries.
 */
static void compare_with_ptdump(struct __test_metadata *_metadata, const char *copy)
{
	struct ko_span kfence = { 0, 0 };
	unsigned long pool = 0, size = 0;
	long bad = -1;
	int i;

	if (ko_oracle_value("layout", "kfence_pool", &pool) &&
	    ko_oracle_value("layout", "kfence_pool_size", &size) && pool && size)
		kfence = (struct ko_span){ pool, pool + size };
	for (i = 0; i < ATTEMPTS && bad; i++) {
		bad = compare_once(copy, &kfence, 1, i == ATTEMPTS - 1 ? 40 : 5);
		ASSERT_LE(0, bad) TH_LOG("could not read or parse the %s copy", copy);
	}
	EXPECT_EQ(0, bad) TH_LOG("%s copy: %ld disagreements with ptdump in each of %d tries",
				copy, bad, ATTEMPTS);
}

TEST(matches_ptdump_kernel_copy)
{
	NEED_ORACLE();
	compare_with_ptdump(_metadata, "kernel");
}

TEST(matches_ptdump_user_copy)
{
	NEED_ORACLE();
	if (!cpu_has_flag("pti"))
		SKIP(return, "pti off: there is no user copy of the table");
	compare_with_ptdump(_metadata, "user");
}

/*
 * The user copy maps only what the entry code needs: cpu_entry_area, the
 * ESPfix stacks, the entry text in the kernel image, the per-CPU TSS word
 * (direct map, or vmalloc if per-CPU areas are), the vsyscall page
 * (fixmap) and the process's own LDT.
 */
TEST(user_copy_maps_only_entry_regions)
{
	const char *ok[] = { "cpu-entry-area", "espfix", "kernel-image", "direct-map",
			     "vmalloc", "fixmap", "ldt-remap" };
	const struct ko_copy *u;
	struct ko_dump d;
	bool cea = false;
	size_t i, r;

	ASSERT_EQ(0, read_dump(&d));
	u = ko_copy_get(&d, "user");
	if (!d.pti) {
		EXPECT_EQ(NULL, u);
		ko_dump_free(&d);
		SKIP(return, "pti off: there is no user copy of the table");
	}
	ASSERT_NE(NULL, u);
	for (i = 0; i < u->nruns; i++) {
		const struct ko_region *g = NULL;
		bool allowed = false;

		for (r = 0; r < u->nregions; r++)
			if (u->runs[i].start >= u->regions[r].start &&
			    u->runs[i].start - u->regions[r].start <
			    u->regions[r].end - u->regions[r].start)
				g = &u->regions[r];
		ASSERT_NE(NULL, g);
		for (r = 0; r < sizeof(ok) / sizeof(ok[0]); r++)
			allowed |= !strcmp(ok[r], g->name);
		EXPECT_TRUE(allowed) TH_LOG("user copy maps 0x%lx in %s", u->runs[i].start, g->name);
		cea |= !strcmp(g->name, "cpu-entry-area");
	}
	EXPECT_TRUE(cea) TH_LOG("the user copy lacks cpu_entry_area");
	ko_dump_free(&d);
}

struct oracle_var {
	const char *name;
	unsigned long va;
	unsigned long long pa;
};

static int oracle_vars(struct oracle_var *v)
{
	const char *names[] = { "data", "alias", "text" };
	char key[32];
	unsigned long x;
	int i;

	for (i = 0; i < 3; i++) {
		v[i].name = names[i];
		snprintf(key, sizeof(key), "%s_va", names[i]);
		if (!ko_oracle_value("variable", key, &v[i].va))
			return -1;
		snprintf(key, sizeof(key), "%s_pa", names[i]);
		if (!ko_oracle_value("variable", key, &x))
			return -1;
		v[i].pa = x;
	}
	return 0;
}

/* The dump's runs give the kernel's own answer for the oracle's variable. */
TEST(oracle_variable_in_dump)
{
	struct oracle_var v[3];
	struct ko_dump d;
	int i;

	NEED_ORACLE();
	ASSERT_EQ(0, oracle_vars(v));
	ASSERT_EQ(0, read_dump(&d));
	EXPECT_TRUE(in_region(&d.copy[0], "modules", v[0].va));
	EXPECT_TRUE(in_region(&d.copy[0], "direct-map", v[1].va));
	EXPECT_EQ(v[0].pa, v[1].pa);
	for (i = 0; i < 3; i++) {
		const struct ko_range *r = ko_run_find(&d.copy[0], v[i].va);

		ASSERT_NE(NULL, r) TH_LOG("%s 0x%lx not in any run", v[i].name, v[i].va);
		EXPECT_EQ(v[i].pa, r->pa + (v[i].va - r->start)) TH_LOG("%s", v[i].name);
	}
	ko_dump_free(&d);
}

/* "walk kernel VA" ends at virt_to_phys()/vmalloc_to_pfn() of the same VA. */
TEST(walk_kernel_va_of_oracle_variable)
{
	struct oracle_var v[3];
	struct pw_walk w;
	char req[64];
	int i;

	NEED_ORACLE();
	ASSERT_EQ(0, oracle_vars(v));
	for (i = 0; i < 3; i++) {
		snprintf(req, sizeof(req), "kernel 0x%lx", v[i].va);
		ASSERT_EQ(0, pw_walk(req, &w, NULL)) TH_LOG("%s: %s", req, strerror(errno));
		EXPECT_TRUE(w.translated) TH_LOG("%s: stop %s", v[i].name, w.stop);
		EXPECT_EQ(v[i].pa, w.pa) TH_LOG("%s", v[i].name);
		EXPECT_EQ(cpu_has_flag("pti"), w.has_user_copy);
	}
	/* The same VA through "0" instead of "kernel". */
	snprintf(req, sizeof(req), "0 %lx", v[0].va);
	ASSERT_EQ(0, pw_walk(req, &w, NULL));
	EXPECT_EQ(v[0].pa, w.pa);
}

/*
 * Output larger than the module's 64 KiB buffer is produced in chunks that
 * resume where the last stopped; tiny reads see a complete dump. Sleeping
 * children add vmalloc'ed kernel stacks, hence runs, until it is large.
 */
TEST(chunked_reads_resume)
{
	pid_t kids[1024];
	int nkids = 0, fd, i, pipefd[2];
	size_t total = 0;
	struct ko_dump d;
	char *text;

	ASSERT_EQ(0, pipe(pipefd));
	for (;;) {
		text = read_whole(KERNEL_FILE, &total);
		ASSERT_NE(NULL, text);
		free(text);
		if (total > 96 * 1024 || nkids + 64 > 1024)
			break;
		for (i = 0; i < 64; i++) {
			char c;
			pid_t p = fork();

			if (p == 0) {
				close(pipefd[1]);
				_exit(read(pipefd[0], &c, 1) < 0);
			}
			ASSERT_LT(0, p);
			kids[nkids++] = p;
		}
	}
	TH_LOG("%zu bytes with %d extra processes", total, nkids);
	fd = open(KERNEL_FILE, O_RDONLY);
	ASSERT_LE(0, fd);
	text = calloc(1, total * 2 + 65536);
	ASSERT_NE(NULL, text);
	for (total = 0;;) {
		ssize_t n = read(fd, text + total, 1000);

		ASSERT_LE(0, n);
		if (!n)
			break;
		total += n;
	}
	close(fd);
	close(pipefd[1]);
	close(pipefd[0]);
	for (i = 0; i < nkids; i++)
		waitpid(kids[i], NULL, 0);
	ASSERT_EQ(0, ko_parse_dump(text, &d));
	EXPECT_TRUE(d.complete);
	EXPECT_TRUE(d.copy[0].runs_in_regions);
	for (i = 1; i < (int)d.copy[0].nruns; i++)
		EXPECT_LE(d.copy[0].runs[i - 1].end, d.copy[0].runs[i].start);
	free(text);
	ko_dump_free(&d);
}

TEST(permission_at_open)
{
	pid_t pid;
	int fd, status, e;

	e = open_errno_as(AS_NOBODY, KERNEL_FILE, O_RDONLY);
	EXPECT_TRUE(e == EACCES || e == EPERM) TH_LOG("nobody: %d", e);
	e = open_errno_as(AS_ROOT_WITHOUT_SYS_ADMIN, KERNEL_FILE, O_RDONLY);
	EXPECT_EQ(EPERM, e) TH_LOG("root without CAP_SYS_ADMIN");
	/* A privileged descriptor stays privileged in an unprivileged process. */
	fd = open(KERNEL_FILE, O_RDONLY);
	ASSERT_LE(0, fd);
	pid = fork();
	if (pid == 0) {
		char buf[64];

		if (drop_to_nobody())
			_exit(100);
		_exit(read(fd, buf, sizeof(buf)) > 16 && !strncmp(buf, PTW_HEADER(kernel), strlen(PTW_HEADER(kernel))) ?
		      0 : 1);
	}
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
}

PTW_HARNESS_MAIN
