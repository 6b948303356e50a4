// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/alloc against independent oracles: the ptwalk_oracle
 * module (virt_to_phys, vmalloc_to_pfn, ksize), /proc/kpageflags,
 * /proc/slabinfo, /proc/buddyinfo and /proc/meminfo (VmallocUsed, Slab).
 * Also the caps, the errno of every refused request, permission at open,
 * and that close and rmmod free everything.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "oracle.h"
#include "ptwalk.h"
#include "util.h"

#define ALLOC_PATH	PTWALK_DIR "/alloc"
#define PAGE		4096UL
#define MiB		(1UL << 20)
#define FILE_CAP	(32 * MiB)
#define NONE		ULLONG_MAX

/* The lines of allocation @id: "alloc", "object", "page", "share". */
static char *line_of(const char *text, const char *kind, unsigned int id,
		     int nth)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "%s id=%u ", kind, id);
	return line_find(text, prefix, nth);
}

static int count_lines(const char *text, const char *kind, unsigned int id)
{
	char *l;
	int n = 0;

	while ((l = line_of(text, kind, id, n))) {
		free(l);
		n++;
	}
	return n;
}

static void require_oracle(struct __test_metadata *_metadata)
{
	if (!oracle_loaded())
		SKIP(return, "ptwalk_oracle not loaded (" ORACLE_KADDR " missing)");
}

FIXTURE(alloc) {
	int fd;
	char *text;
};

FIXTURE_SETUP(alloc)
{
	ASSERT_TRUE(ptwalk_loaded());
	self->fd = open(ALLOC_PATH, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
	self->text = NULL;
}

FIXTURE_TEARDOWN(alloc)
{
	free(self->text);
	close(self->fd);
}

/* Make a request and read the listing into self->text. */
#define REQUEST(req) do {						\
	ASSERT_EQ(0, req_write(self->fd, "%s", req)) TH_LOG("%s", req);	\
	free(self->text);						\
	self->text = read_all_fd(self->fd);				\
	ASSERT_NE(NULL, self->text);					\
	EXPECT_EQ(NULL, strstr(self->text, "mismatch"))			\
		TH_LOG("walker and helper disagree:\n%s", self->text);	\
} while (0)

TEST_F(alloc, format_of_an_empty_file)
{
	char *l;

	self->text = read_all_fd(self->fd);
	ASSERT_NE(NULL, self->text);
	ASSERT_EQ(0, strncmp(self->text, PTW_HEADER(alloc), strlen(PTW_HEADER(alloc))));
	l = line_find(self->text, "file ", 0);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(0, line_num(l, "allocations"));
	EXPECT_EQ(0, line_num(l, "bytes"));
	EXPECT_EQ(FILE_CAP, line_num(l, "cap"));
	EXPECT_EQ(64 * MiB, line_num(l, "module_cap"));
	free(l);
	EXPECT_NE(NULL, strstr(self->text, "\nend allocations=0\n"));
}

TEST_F(alloc, kmalloc_pa_is_virt_to_phys)
{
	struct oracle_kaddr o;
	unsigned long long va, pa;
	char *l, region[32];

	require_oracle(_metadata);
	REQUEST("kmalloc 100");
	l = line_of(self->text, "object", 1, 0);
	ASSERT_NE(NULL, l) TH_LOG("%s", self->text);
	va = line_num(l, "va");
	pa = line_num(l, "pa");
	ASSERT_TRUE(line_field(l, "region", region, sizeof(region)));
	EXPECT_STREQ("direct-map", region);
	ASSERT_EQ(0, oracle_kaddr(va, &o));
	ASSERT_TRUE(o.virt_addr_valid);
	ASSERT_TRUE(o.has_phys);
	EXPECT_EQ(o.phys, pa);
	free(l);
}

TEST_F(alloc, kmalloc_100_lands_in_the_128_bucket)
{
	unsigned long slab_bucket = slabinfo_kmalloc_bucket(100);
	unsigned long long ksize;
	struct oracle_kaddr o;
	char *l;

	REQUEST("kmalloc 100");
	l = line_of(self->text, "alloc", 1, 0);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(128, line_num(l, "bucket"));
	EXPECT_EQ(128, line_num(l, "bytes"));
	free(l);
	/* slabinfo: the kernel's own list of caches, 96 then 128. */
	if (slab_bucket) {
		EXPECT_EQ(128, slab_bucket);
	} else {
		TH_LOG("/proc/slabinfo unreadable: bucket not cross-checked");
	}
	l = line_of(self->text, "object", 1, 0);
	ASSERT_NE(NULL, l);
	ksize = line_num(l, "ksize");
	if (oracle_loaded()) {
		ASSERT_EQ(0, oracle_kaddr_object(line_num(l, "va"), &o));
		ASSERT_TRUE(o.has_ksize);
		EXPECT_EQ(o.ksize, ksize);
		/* KFENCE objects report their requested size. */
		EXPECT_EQ(o.kfence ? 100 : 128, ksize);
	} else {
		EXPECT_EQ(128, ksize);
	}
	free(l);
}

/* Objects on one frame: same PFN, distinct offsets; every object once. */
TEST_F(alloc, kmalloc_64_16_shares_frames)
{
	unsigned long long pa[16], va[16];
	int seen[16] = { 0 }, groups = 0, largest = 0, i;
	struct oracle_kaddr o;
	char *l;

	require_oracle(_metadata);
	REQUEST("kmalloc 64 16");
	ASSERT_EQ(16, count_lines(self->text, "object", 1));
	for (i = 0; i < 16; i++) {
		l = line_of(self->text, "object", 1, i);
		ASSERT_EQ((unsigned long long)i, line_num(l, "index"));
		va[i] = line_num(l, "va");
		pa[i] = line_num(l, "pa");
		EXPECT_EQ(64, line_num(l, "ksize"));
		free(l);
		ASSERT_EQ(0, oracle_kaddr(va[i], &o));
		ASSERT_TRUE(o.has_phys);
		EXPECT_EQ(o.phys, pa[i]);
	}
	while ((l = line_of(self->text, "share", 1, groups))) {
		char objs[512], offs[1024], *so, *oo, *s1, *s2;
		unsigned long long pfn = line_num(l, "pfn");
		int n = 0, count = line_num(l, "count");
		unsigned long used = 0;

		ASSERT_TRUE(line_field(l, "objects", objs, sizeof(objs)));
		ASSERT_TRUE(line_field(l, "offsets", offs, sizeof(offs)));
		for (so = strtok_r(objs, ",", &s1), oo = strtok_r(offs, ",", &s2);
		     so && oo;
		     so = strtok_r(NULL, ",", &s1), oo = strtok_r(NULL, ",", &s2)) {
			int idx = atoi(so);
			unsigned long off = strtoul(oo, NULL, 0);

			ASSERT_LE(0, idx);
			ASSERT_GT(16, idx);
			EXPECT_EQ(0, seen[idx]++) TH_LOG("object %d twice", idx);
			EXPECT_EQ(pfn, pa[idx] / PAGE);
			EXPECT_EQ(off, pa[idx] % PAGE);
			/* Distinct 64-byte objects: distinct offsets. */
			EXPECT_EQ(0, used & (1UL << (off / 64)));
			used |= 1UL << (off / 64);
			n++;
		}
		EXPECT_EQ(count, n);
		if (n > largest)
			largest = n;
		groups++;
		free(l);
	}
	for (i = 0; i < 16; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("object %d in %d groups", i, seen[i]);
	TH_LOG("16 objects of 64 bytes on %d frames, at most %d on one",
	       groups, largest);
	EXPECT_LE(2, largest);
}

TEST_F(alloc, pages_3_are_8_consecutive_frames_aligned_to_32k)
{
	unsigned long long va, pa, first, last;
	struct oracle_kaddr o;
	char *l, pfns[64];
	uint64_t kpf;
	int i;

	REQUEST("pages 3");
	l = line_of(self->text, "alloc", 1, 0);
	ASSERT_NE(NULL, l) TH_LOG("%s", self->text);
	EXPECT_EQ(3, line_num(l, "order"));
	EXPECT_EQ(8, line_num(l, "pages"));
	EXPECT_EQ(1, line_num(l, "runs"));
	va = line_num(l, "va");
	pa = line_num(l, "pa");
	ASSERT_TRUE(line_field(l, "pfns", pfns, sizeof(pfns)));
	ASSERT_EQ(2, sscanf(pfns, "%llx-%llx", &first, &last));
	free(l);
	EXPECT_EQ(pa / PAGE, first);
	EXPECT_EQ(first + 7, last);
	EXPECT_EQ(0, pa % (32 * 1024));
	EXPECT_EQ(0, va % (32 * 1024));
	if (oracle_loaded()) {
		for (i = 0; i < 8; i++) {
			ASSERT_EQ(0, oracle_kaddr(va + i * PAGE, &o));
			ASSERT_TRUE(o.has_phys);
			EXPECT_EQ(pa + i * PAGE, o.phys);
		}
	}
	/* kpageflags: a compound head and seven tails. */
	ASSERT_EQ(0, kpageflags_get(first, &kpf));
	EXPECT_TRUE(kpf_has(kpf, KPF_COMPOUND_HEAD));
	for (i = 1; i < 8; i++) {
		ASSERT_EQ(0, kpageflags_get(first + i, &kpf));
		EXPECT_TRUE(kpf_has(kpf, KPF_COMPOUND_TAIL)) TH_LOG("pfn +%d", i);
	}
}

TEST_F(alloc, vmalloc_1m_is_256_pages_matching_vmalloc_to_pfn)
{
	unsigned long long va, pa, prev = 0, total = 0;
	int i, runs = 0, listed_runs;
	struct oracle_kaddr o;
	char *l, region[32];

	require_oracle(_metadata);
	REQUEST("vmalloc 1M");
	l = line_of(self->text, "alloc", 1, 0);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(256, line_num(l, "pages"));
	EXPECT_EQ(MiB, line_num(l, "bytes"));
	ASSERT_TRUE(line_field(l, "region", region, sizeof(region)));
	EXPECT_STREQ("vmalloc", region);
	va = line_num(l, "va");
	listed_runs = line_num(l, "runs");
	free(l);
	ASSERT_EQ(256, count_lines(self->text, "page", 1));
	for (i = 0; i < 256; i++) {
		l = line_of(self->text, "page", 1, i);
		/* Virtually contiguous... */
		EXPECT_EQ(va + i * PAGE, line_num(l, "va"));
		pa = line_num(l, "pa");
		free(l);
		ASSERT_EQ(0, oracle_kaddr(va + i * PAGE, &o));
		ASSERT_TRUE(o.vmalloc);
		ASSERT_TRUE(o.has_phys);
		EXPECT_EQ(o.phys, pa) TH_LOG("page %d", i);
		/* ...physically in runs. */
		if (!i || pa != prev + PAGE)
			runs++;
		prev = pa;
	}
	EXPECT_EQ(runs, listed_runs);
	/*
	 * The merger's run lines (the only allocation here): they tile the
	 * area in order, each starting at the frame the kernel's helper
	 * gives for its first page, with the bits of a kernel mapping.
	 */
	for (i = 0; (l = line_find(self->text, "run start=", i)); i++) {
		unsigned long long start = line_num(l, "start");
		char flags[256] = "", size[8] = "";

		EXPECT_EQ(va + total * PAGE, start) TH_LOG("run %d", i);
		EXPECT_EQ(start + line_num(l, "pages") * PAGE, line_num(l, "end"));
		ASSERT_TRUE(line_field(l, "size", size, sizeof(size)));
		EXPECT_STREQ("4K", size);
		ASSERT_EQ(0, oracle_kaddr(start, &o));
		EXPECT_EQ(o.phys, line_num(l, "pa")) TH_LOG("run %d", i);
		ASSERT_TRUE(line_field(l, "flags", flags, sizeof(flags)));
		EXPECT_TRUE(ptw_has_flag(flags, "present") && ptw_has_flag(flags, "write") &&
			    !ptw_has_flag(flags, "user")) TH_LOG("%s", flags);
		total += line_num(l, "pages");
		free(l);
	}
	EXPECT_EQ(runs, i);
	EXPECT_EQ(256, total);
	TH_LOG("vmalloc 1M: 256 pages in %d physical runs", runs);
}

TEST_F(alloc, free_one_and_all)
{
	REQUEST("kmalloc 32");
	REQUEST("pages 0");
	REQUEST("vmalloc 8K");
	ASSERT_EQ(0, req_write(self->fd, "free 2"));
	free(self->text);
	self->text = read_all_fd(self->fd);
	EXPECT_NE(NULL, strstr(self->text, "alloc id=1 "));
	EXPECT_EQ(NULL, strstr(self->text, "alloc id=2 "));
	EXPECT_NE(NULL, strstr(self->text, "alloc id=3 "));
	EXPECT_NE(NULL, strstr(self->text, "\nend allocations=2\n"));
	EXPECT_EQ(-ENOENT, req_write(self->fd, "free 2"));
	EXPECT_EQ(-ENOENT, req_write(self->fd, "free 99"));
	/* Ids are never reused within a file. */
	REQUEST("kmalloc 8");
	EXPECT_NE(NULL, strstr(self->text, "alloc id=4 "));
	ASSERT_EQ(0, req_write(self->fd, "free all"));
	free(self->text);
	self->text = read_all_fd(self->fd);
	EXPECT_NE(NULL, strstr(self->text, "\nend allocations=0\n"));
	EXPECT_NE(NULL, strstr(self->text, "file allocations=0 bytes=0 "));
}

/* Nonsense is EINVAL and allocates nothing (and WARNs nowhere: the rig
 * boots with panic_on_warn and greps the console). */
TEST_F(alloc, nonsense_is_einval)
{
	int max = buddy_max_order();
	static const char *const bad[] = {
		"kmalloc", "kmalloc 0", "kmalloc -1", "kmalloc +8", "kmalloc 0x10",
		"kmalloc 10Q", "kmalloc K", "kmalloc 99999999999999999999",
		"kmalloc 17179869184G", "kmalloc 5M", "kmalloc 8 0",
		"kmalloc 8 65", "kmalloc 8 -1", "kmalloc 8 1 2", "kmalloc 8\n\n",
		"pages", "pages -1", "pages 1 2", "pages x", "pages 4294967296",
		"vmalloc", "vmalloc 0", "vmalloc -4096", "vmalloc 1M 2",
		"free", "free x", "free -1", "free all 1", "malloc 8", "KMALLOC 8",
		" ", "\n",
	};
	char big[200];
	size_t i;

	ASSERT_LT(0, max);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, req_write(self->fd, "%s", bad[i]))
			TH_LOG("request #%zu", i);
	EXPECT_EQ(-EINVAL, req_write(self->fd, "pages %d", max + 1));
	EXPECT_EQ(-EINVAL, req_write(self->fd, "pages %d", max + 100));
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "kmalloc ", 8);
	EXPECT_EQ(-EINVAL, req_write(self->fd, "%s", big));
	EXPECT_EQ(-EINVAL, write(self->fd, "kmalloc 8\0", 10) < 0 ? -errno : 0);
	self->text = read_all_fd(self->fd);
	EXPECT_NE(NULL, strstr(self->text, "\nend allocations=0\n"));
}

/* The largest order buddyinfo lists is allowed; one more is not. */
TEST_F(alloc, max_order_is_the_kernels)
{
	int max = buddy_max_order();
	int ret;
	char *l;

	ASSERT_LT(0, max);
	ret = req_write(self->fd, "pages %d", max);
	if (ret == -ENOMEM)
		SKIP(return, "no free block of order %d (fragmented)", max);
	ASSERT_EQ(0, ret);
	self->text = read_all_fd(self->fd);
	l = line_of(self->text, "alloc", 1, 0);
	ASSERT_NE(NULL, l);
	EXPECT_EQ((unsigned long long)max, line_num(l, "order"));
	EXPECT_EQ(1, line_num(l, "runs"));
	free(l);
	EXPECT_EQ(-EINVAL, req_write(self->fd, "pages %d", max + 1));
}

TEST_F(alloc, file_caps_are_enomem)
{
	int i;

	EXPECT_EQ(-ENOMEM, req_write(self->fd, "vmalloc 33M"));
	EXPECT_EQ(-ENOMEM, req_write(self->fd, "vmalloc 1G"));
	ASSERT_EQ(0, req_write(self->fd, "vmalloc 16M"));
	ASSERT_EQ(0, req_write(self->fd, "vmalloc 16M"));
	EXPECT_EQ(-ENOMEM, req_write(self->fd, "kmalloc 8"));
	EXPECT_EQ(-ENOMEM, req_write(self->fd, "pages 0"));
	ASSERT_EQ(0, req_write(self->fd, "free 1"));
	EXPECT_EQ(0, req_write(self->fd, "kmalloc 8"));
	ASSERT_EQ(0, req_write(self->fd, "free all"));
	/* At most 64 allocations per file. */
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, req_write(self->fd, "kmalloc 8")) TH_LOG("#%d", i);
	EXPECT_EQ(-ENOMEM, req_write(self->fd, "kmalloc 8"));
	self->text = read_all_fd(self->fd);
	EXPECT_NE(NULL, strstr(self->text, "\nend allocations=64\n"));
}

TEST_F(alloc, module_cap_is_ebusy)
{
	int fd2 = open(ALLOC_PATH, O_RDWR), fd3 = open(ALLOC_PATH, O_RDWR);

	ASSERT_LE(0, fd2);
	ASSERT_LE(0, fd3);
	ASSERT_EQ(0, req_write(self->fd, "vmalloc 32M"));
	ASSERT_EQ(0, req_write(fd2, "vmalloc 32M"));
	EXPECT_EQ(-EBUSY, req_write(fd3, "kmalloc 8"));
	EXPECT_EQ(-EBUSY, req_write(fd3, "pages 0"));
	/* Closing a file gives its share back. */
	close(fd2);
	EXPECT_EQ(0, req_write(fd3, "kmalloc 8"));
	close(fd3);
}

static void wait_settle(void)
{
	usleep(200 * 1000);
}

/*
 * Close frees: VmallocUsed returns to within noise of the start, and so
 * does the module's count of the bytes it holds. Slab is no oracle here:
 * KASAN's quarantine keeps freed objects counted for a while (the debug
 * kernel's kmemleak scan checks the kmalloc side there).
 */
TEST(close_frees_everything)
{
	long vm0 = meminfo_kb("VmallocUsed"), slab0 = meminfo_kb("Slab");
	long mb0 = pw_module_bytes(), vm1, slab1, vm2;
	long want = (16L << 20) + 24L * 64 * 8192 + 4L * 4096;
	int fd = open(ALLOC_PATH, O_RDWR), i;

	ASSERT_LE(0, vm0);
	ASSERT_LE(0, slab0);
	ASSERT_LE(0, mb0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, req_write(fd, "vmalloc 16M"));
	for (i = 0; i < 24; i++)
		ASSERT_EQ(0, req_write(fd, "kmalloc 8192 64"));
	ASSERT_EQ(0, req_write(fd, "pages 2"));
	vm1 = meminfo_kb("VmallocUsed");
	slab1 = meminfo_kb("Slab");
	TH_LOG("VmallocUsed %ld -> %ld kB, Slab %ld -> %ld kB", vm0, vm1,
	       slab0, slab1);
	EXPECT_LE(vm0 + 16 * 1024 - 1024, vm1);
	EXPECT_LE(slab0 + 12 * 1024 - 1024, slab1);
	EXPECT_EQ(mb0 + want, pw_module_bytes());
	close(fd);
	wait_settle();
	vm2 = meminfo_kb("VmallocUsed");
	TH_LOG("after close: VmallocUsed %ld kB", vm2);
	EXPECT_GE(vm0 + 1024, vm2);
	EXPECT_EQ(mb0, pw_module_bytes());
}

/* Permission is decided at open: mode 0600, and CAP_SYS_ADMIN. */
TEST(unprivileged_open_is_refused)
{
	struct stat st;

	ASSERT_EQ(0, stat(ALLOC_PATH, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	/* Mode bits stop nobody; the check at open stops root without the cap. */
	EXPECT_EQ(EACCES, open_errno_as(AS_NOBODY, ALLOC_PATH, O_RDWR));
	EXPECT_EQ(EPERM, open_errno_as(AS_ROOT_WITHOUT_SYS_ADMIN, ALLOC_PATH, O_RDWR));
}

/*
 * rmmod with live allocations: proc_remove() runs the release of the open
 * file, which frees them; the stale descriptor then reads EIO. Reloads
 * the module for whatever runs next.
 */
TEST(rmmod_with_live_allocations_frees_them)
{
	long vm0 = meminfo_kb("VmallocUsed"), slab0 = meminfo_kb("Slab");
	long vm1;
	char buf[64];
	int fd = open(ALLOC_PATH, O_RDWR), i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, req_write(fd, "vmalloc 16M"));
	for (i = 0; i < 16; i++)
		ASSERT_EQ(0, req_write(fd, "kmalloc 8192 64"));
	ASSERT_EQ(0, req_write(fd, "pages 3"));
	EXPECT_LE(vm0 + 15 * 1024, meminfo_kb("VmallocUsed"));
	EXPECT_LE(slab0 + 7 * 1024, meminfo_kb("Slab"));
	ASSERT_EQ(0, module_unload("ptwalk"))
		TH_LOG("rmmod: %s", strerror(errno));
	EXPECT_FALSE(ptwalk_loaded());
	wait_settle();
	/*
	 * The vmalloc side is checked here; the kmalloc side cannot be on
	 * every kernel (Slab keeps KASAN's quarantine), so kmemleak's scan
	 * after the suite checks it on the debug kernel.
	 */
	vm1 = meminfo_kb("VmallocUsed");
	TH_LOG("VmallocUsed %ld -> %ld kB after rmmod", vm0, vm1);
	EXPECT_GE(vm0 + 1024, vm1);
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, close(fd));
	ASSERT_EQ(0, module_load(NULL)) TH_LOG("reload: %s", strerror(errno));
	EXPECT_TRUE(ptwalk_loaded());
}

PTW_HARNESS_MAIN
