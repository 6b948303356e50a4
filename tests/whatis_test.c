// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/whatis on addresses of known kinds, made with
 * /proc/ptwalk/alloc or read from /proc/kallsyms: a slab object, a
 * compound page of order 3, a vmalloc page and its direct-map alias,
 * module and kernel text, a vmalloc guard page, a user and a non-canonical
 * address. Checked against the ptwalk_oracle module (virt_to_phys,
 * vmalloc_to_pfn) and /proc/kpageflags.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "oracle.h"
#include "ptwfmt.h"
#include "util.h"

#define WHATIS_PATH	PTWALK_DIR "/whatis"
#define ALLOC_PATH	PTWALK_DIR "/alloc"
#define PAGE		4096UL

struct whatis {
	char text[2048];
	char region[32], mapped[8], page_size[8], kind[32], compound[96];
	char agree[8], stop[64];
	unsigned long long pa, helper_pa, pfn;
};

static unsigned long long hex(const char *text, const char *tag, const char *key)
{
	char v[64];

	return ptw_find(text, tag, key, v, sizeof(v)) ? strtoull(v, NULL, 16) : ULLONG_MAX;
}

/* @tag's @key into @out, "" when absent. */
static void field(const char *text, const char *tag, const char *key, char *out, size_t sz)
{
	if (!ptw_find(text, tag, key, out, sz))
		out[0] = '\0';
}

/* Ask whatis about @va; 0 or -errno. */
static int whatis(unsigned long va, struct whatis *w)
{
	int fd = open(WHATIS_PATH, O_RDWR);
	char *t;
	int ret;

	memset(w, 0, sizeof(*w));
	if (fd < 0)
		return -errno;
	ret = req_write(fd, "0x%lx", va);
	t = ret ? NULL : read_all_fd(fd);
	close(fd);
	if (ret)
		return ret;
	if (!t)
		return -EIO;
	snprintf(w->text, sizeof(w->text), "%s", t);
	free(t);
	field(w->text, "target", "region", w->region, sizeof(w->region));
	field(w->text, "leaf", "size", w->page_size, sizeof(w->page_size));
	snprintf(w->mapped, sizeof(w->mapped), "%s", w->page_size[0] ? "yes" : "no");
	field(w->text, "page", "kind", w->kind, sizeof(w->kind));
	field(w->text, "page", "compound", w->compound, sizeof(w->compound));
	if (!strcmp(w->compound, "head") || !strcmp(w->compound, "tail")) {
		char order[16], head[32];

		field(w->text, "page", "order", order, sizeof(order));
		field(w->text, "page", "head_pfn", head, sizeof(head));
		snprintf(w->compound + strlen(w->compound), sizeof(w->compound) - strlen(w->compound),
			 " order=%s head_pfn=%s", order, head);
	}
	field(w->text, "helper", "agree", w->agree, sizeof(w->agree));
	field(w->text, "stop", "reason", w->stop, sizeof(w->stop));
	w->pa = hex(w->text, "leaf", "pa");
	w->helper_pa = hex(w->text, "helper", "pa");
	w->pfn = hex(w->text, "page", "pfn");
	return 0;
}

FIXTURE(whatis) {
	int fd;		/* an alloc file holding what is asked about */
	char *text;
};

FIXTURE_SETUP(whatis)
{
	ASSERT_TRUE(ptwalk_loaded());
	self->fd = open(ALLOC_PATH, O_RDWR);
	ASSERT_LE(0, self->fd);
	self->text = NULL;
}

FIXTURE_TEARDOWN(whatis)
{
	free(self->text);
	close(self->fd);
}

/* Allocate with @req and return the VA of the first object or the area. */
static unsigned long long allocate(struct __test_metadata *_metadata,
				   int fd, char **text, const char *req)
{
	unsigned long long va;
	char *l;

	if (req_write(fd, "%s", req))
		return 0;
	free(*text);
	*text = read_all_fd(fd);
	if (!*text)
		return 0;
	l = line_find(*text, "object id=", 0);
	if (!l)
		l = line_find(*text, "alloc id=", 0);
	va = line_num(l, "va");
	free(l);
	TH_LOG("%s: va 0x%llx", req, va);
	return va == ULLONG_MAX ? 0 : va;
}

/* The mapping agrees with the helper and with the oracle module. */
static void check_pa(struct __test_metadata *_metadata, unsigned long va,
		     const struct whatis *w)
{
	struct oracle_kaddr o;

	EXPECT_STREQ("yes", w->mapped) TH_LOG("%s", w->text);
	EXPECT_STREQ("yes", w->agree) TH_LOG("%s", w->text);
	EXPECT_EQ(w->pa, w->helper_pa);
	EXPECT_EQ(w->pa / PAGE, w->pfn);
	if (!oracle_loaded()) {
		TH_LOG("ptwalk_oracle not loaded: pa not cross-checked");
		return;
	}
	ASSERT_EQ(0, oracle_kaddr(va, &o));
	ASSERT_TRUE(o.has_phys) TH_LOG("oracle has no phys for 0x%lx", va);
	EXPECT_EQ(o.phys, w->pa);
}

TEST_F(whatis, format_and_version)
{
	unsigned long long va = allocate(_metadata, self->fd, &self->text,
					 "kmalloc 256");
	struct whatis w;
	char v[32];

	ASSERT_NE(0, va);
	ASSERT_EQ(0, whatis(va, &w));
	ASSERT_EQ(0, strncmp(w.text, PTW_HEADER(whatis), strlen(PTW_HEADER(whatis))));
	ASSERT_TRUE(ptw_find(w.text, "target", "va", v, sizeof(v)));
	EXPECT_EQ(va, strtoull(v, NULL, 16));
}

TEST_F(whatis, slab_object)
{
	unsigned long long va = allocate(_metadata, self->fd, &self->text,
					 "kmalloc 100");
	struct whatis w;
	uint64_t kpf;

	ASSERT_NE(0, va);
	ASSERT_EQ(0, whatis(va + 8, &w));
	EXPECT_STREQ("direct-map", w.region);
	check_pa(_metadata, va + 8, &w);
	EXPECT_STREQ("slab", w.kind) TH_LOG("%s", w.text);
	ASSERT_EQ(0, kpageflags_get(w.pfn, &kpf));
	EXPECT_TRUE(kpf_has(kpf, KPF_SLAB));
}

TEST_F(whatis, compound_page_of_order_3)
{
	unsigned long long va = allocate(_metadata, self->fd, &self->text,
					 "pages 3");
	char want[96];
	struct whatis w;
	uint64_t kpf;

	ASSERT_NE(0, va);
	ASSERT_EQ(0, whatis(va, &w));
	EXPECT_STREQ("direct-map", w.region);
	check_pa(_metadata, va, &w);
	EXPECT_STREQ("other", w.kind) TH_LOG("%s", w.text);
	snprintf(want, sizeof(want), "head order=3 head_pfn=0x%llx", w.pfn);
	EXPECT_STREQ(want, w.compound);
	ASSERT_EQ(0, kpageflags_get(w.pfn, &kpf));
	EXPECT_TRUE(kpf_has(kpf, KPF_COMPOUND_HEAD));
	EXPECT_FALSE(kpf_has(kpf, KPF_SLAB));

	/* A tail page names its head. */
	ASSERT_EQ(0, whatis(va + 5 * PAGE + 123, &w));
	check_pa(_metadata, va + 5 * PAGE + 123, &w);
	snprintf(want, sizeof(want), "tail order=3 head_pfn=0x%llx", w.pfn - 5);
	EXPECT_STREQ(want, w.compound);
	ASSERT_EQ(0, kpageflags_get(w.pfn, &kpf));
	EXPECT_TRUE(kpf_has(kpf, KPF_COMPOUND_TAIL));
}

TEST_F(whatis, vmalloc_page_and_its_direct_map_alias)
{
	unsigned long long va = allocate(_metadata, self->fd, &self->text,
					 "vmalloc 64K");
	unsigned long long obj, pfn;
	struct whatis w, s;
	uint64_t kpf;

	ASSERT_NE(0, va);
	ASSERT_EQ(0, whatis(va + 5 * PAGE + 17, &w));
	EXPECT_STREQ("vmalloc", w.region);
	EXPECT_STREQ("4K", w.page_size);
	check_pa(_metadata, va + 5 * PAGE + 17, &w);
	EXPECT_STREQ("other", w.kind) TH_LOG("%s", w.text);
	EXPECT_STREQ("no", w.compound);
	pfn = w.pfn;
	ASSERT_EQ(0, kpageflags_get(pfn, &kpf));
	EXPECT_FALSE(kpf_has(kpf, KPF_SLAB));
	EXPECT_FALSE(kpf_has(kpf, KPF_COMPOUND_HEAD));

	/* The same frame through the direct map: page_offset_base + pa. */
	obj = allocate(_metadata, self->fd, &self->text, "kmalloc 64");
	ASSERT_NE(0, obj);
	ASSERT_EQ(0, whatis(obj, &s));
	ASSERT_NE(ULLONG_MAX, s.pa);
	ASSERT_EQ(0, whatis(obj - s.pa + pfn * PAGE, &s));
	EXPECT_STREQ("direct-map", s.region);
	EXPECT_EQ(pfn, s.pfn);
	EXPECT_STREQ("other", s.kind);
}

/*
 * The direct map is one linear offset: every mapped probe, every 64 MiB
 * over the first 8 GiB of physical space, is page_offset_base + pa.
 */
TEST_F(whatis, direct_map_is_linear)
{
	unsigned long long obj = allocate(_metadata, self->fd, &self->text,
					  "kmalloc 64");
	unsigned long long base, off;
	int mapped = 0;
	struct whatis w;

	ASSERT_NE(0, obj);
	ASSERT_EQ(0, whatis(obj, &w));
	ASSERT_NE(ULLONG_MAX, w.pa);
	base = obj - w.pa;
	for (off = 0; off < (8ULL << 30); off += 64ULL << 20) {
		ASSERT_EQ(0, whatis(base + off + 0x123, &w));
		EXPECT_STREQ("direct-map", w.region);
		if (strcmp(w.mapped, "yes"))
			continue;
		mapped++;
		EXPECT_EQ(off + 0x123, w.pa);
		EXPECT_STREQ("yes", w.agree);
	}
	TH_LOG("%d of 128 probes mapped", mapped);
	EXPECT_LT(0, mapped);
}

/* The guard page after a vmalloc area is never mapped. */
TEST_F(whatis, vmalloc_guard_page_is_unmapped)
{
	unsigned long long va = allocate(_metadata, self->fd, &self->text,
					 "vmalloc 16K");
	struct whatis w;

	ASSERT_NE(0, va);
	ASSERT_EQ(0, whatis(va + 4 * PAGE, &w));
	EXPECT_STREQ("vmalloc", w.region);
	EXPECT_STREQ("no", w.mapped) TH_LOG("%s", w.text);
	EXPECT_NE(0, w.stop[0]);
	EXPECT_EQ(NULL, strstr(w.text, "\nleaf "));
}

TEST(module_text)
{
	unsigned long va = kallsyms_text("ptwalk", NULL);
	struct whatis w;

	if (!va)
		SKIP(return, "no ptwalk text symbol with an address in /proc/kallsyms");
	ASSERT_EQ(0, whatis(va, &w));
	EXPECT_STREQ("modules", w.region) TH_LOG("%s", w.text);
	check_pa(_metadata, va, &w);
	EXPECT_NE(NULL, strstr(w.text, "\nhelper name=vmalloc_to_pfn "));
}

TEST(kernel_text)
{
	unsigned long va = kallsyms_text("", "_stext");
	struct whatis w;
	uint64_t kpf;

	if (!va)
		SKIP(return, "no _stext address in /proc/kallsyms");
	ASSERT_EQ(0, whatis(va, &w));
	EXPECT_STREQ("kernel-image", w.region) TH_LOG("%s", w.text);
	check_pa(_metadata, va, &w);
	EXPECT_STREQ("reserved", w.kind);
	ASSERT_EQ(0, kpageflags_get(w.pfn, &kpf));
	EXPECT_TRUE(kpf_has(kpf, KPF_RESERVED));
}

TEST(user_address)
{
	int local = 0;
	struct whatis w;

	ASSERT_EQ(0, whatis((unsigned long)&local, &w));
	EXPECT_STREQ("user", w.region);
	/* The answer ends with the target line: no walk, no stop. */
	EXPECT_EQ(NULL, strstr(w.text, "\nleaf "));
	EXPECT_EQ(NULL, strstr(w.text, "\nstop "));
	ASSERT_EQ(0, whatis(0, &w));
	EXPECT_STREQ("user", w.region);
}

TEST(non_canonical_address)
{
	static const unsigned long vas[] = {
		0x8000000000000000UL, 0x7fff000000000000UL, 0xfe00000000000000UL,
	};
	struct whatis w;
	size_t i;

	for (i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		ASSERT_EQ(0, whatis(vas[i], &w));
		EXPECT_STREQ("non-canonical", w.region) TH_LOG("0x%lx", vas[i]);
		/* The answer ends with the target line: no walk, no stop. */
	EXPECT_EQ(NULL, strstr(w.text, "\nleaf "));
	EXPECT_EQ(NULL, strstr(w.text, "\nstop "));
	}
}

struct sweep {
	int probes, mapped, checked;
};

static void probe(struct __test_metadata *_metadata, struct sweep *s,
		  unsigned long va)
{
	struct whatis w;

	ASSERT_EQ(0, whatis(va, &w)) TH_LOG("0x%lx", va);
	ASSERT_NE(0, w.region[0]) TH_LOG("0x%lx:\n%s", va, w.text);
	EXPECT_STRNE("user", w.region);
	EXPECT_STRNE("non-canonical", w.region);
	s->probes++;
	s->mapped += !strcmp(w.mapped, "yes");
	if (!w.agree[0])
		return;
	s->checked++;
	EXPECT_STREQ("yes", w.agree) TH_LOG("%s", w.text);
}

/*
 * Any address gets an answer, never a fault or a WARN (the rig boots with
 * panic_on_warn): two probes in every top-level slot of the kernel half,
 * the cpu entry area page by page, and the top 2 GiB (kernel image,
 * modules, fixmap) every 2 MiB. Wherever a helper applies, it agrees with
 * the walker.
 */
TEST(sweep_of_the_kernel_half)
{
	bool la57 = cpu_has_flag("la57");
	unsigned long start = la57 ? 0xff00000000000000UL : 0xffff800000000000UL;
	unsigned long slot = 1UL << (la57 ? 48 : 39);
	struct sweep s = { 0 };
	unsigned long i;

	for (i = 0; i < 512; i++)
		probe(_metadata, &s, start + (i / 2) * slot + (i % 2) * (slot / 2));
	for (i = 0; i < 64; i++)
		probe(_metadata, &s, 0xfffffe0000000000UL + i * PAGE);
	for (i = 0; i < 1024; i++)
		probe(_metadata, &s, 0xffffffff80000000UL + (i << 21) +
		      (i % 512) * PAGE);
	TH_LOG("%d probes: %d mapped, %d checked against a helper",
	       s.probes, s.mapped, s.checked);
	EXPECT_LT(0, s.checked);
}

/*
 * whatis against vmalloc churn: a child allocates and frees vmalloc areas
 * of assorted sizes through alloc (closing the file frees them) and
 * publishes each area's address; the parent asks whatis about addresses
 * inside the latest area meanwhile. The area may be gone by then, so the
 * answer may be "stop" or another mapping, but never a splat (the
 * rig boots with panic_on_warn), and a mapped answer always agrees with
 * the helper asked inside the same protected walk.
 */
TEST(whatis_races_vmalloc_free)
{
	static const char *const sizes[] = { "4096", "12288", "65536", "1M",
					     "2M", "4M", "6M" };
	volatile unsigned long long *shared;
	int answers = 0, mapped = 0, i;
	pid_t pid;

	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);
	shared[0] = 0;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		for (i = 0; i < 400; i++) {
			int fd = open(ALLOC_PATH, O_RDWR);
			char *text, *l;

			if (fd < 0 || req_write(fd, "vmalloc %s",
						sizes[i % ARRAY_SIZE(sizes)]))
				_exit(1);
			text = read_all_fd(fd);
			l = text ? line_find(text, "alloc id=", 0) : NULL;
			if (!l)
				_exit(2);
			shared[1] = line_num(l, "va");
			free(l);
			free(text);
			usleep(5000);	/* mapped for a while, then freed */
			close(fd);
		}
		_exit(0);
	}
	for (i = 0; i < 4000; i++) {
		unsigned long long va = shared[1];
		struct whatis w;
		int status;

		if (waitpid(pid, &status, WNOHANG) == pid) {
			EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
			pid = 0;
			break;
		}
		/* Until the child's first area: that wait is not a probe. */
		if (!va) {
			usleep(1000);
			i--;
			continue;
		}
		ASSERT_EQ(0, whatis(va + (i % 16) * PAGE, &w));
		answers++;
		EXPECT_STREQ("vmalloc", w.region) TH_LOG("%s", w.text);
		if (strcmp(w.mapped, "yes"))
			continue;
		mapped++;
		EXPECT_STREQ("yes", w.agree) TH_LOG("%s", w.text);
	}
	if (pid) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	TH_LOG("%d answers, %d mapped", answers, mapped);
	EXPECT_LT(0, answers);
	munmap((void *)shared, PAGE);
}

TEST(bad_requests_are_einval)
{
	static const char *const bad[] = {
		"xyz", "0x", "-1", "0x10000000000000000", "12 34", "0xg",
		/* blanks are spaces and tabs, not the rest of isspace() */
		"\v0x10", "0x10\f", "\r0x10", "\xa0" "0x10", "0x10\xa0",
	};
	int fd = open(WHATIS_PATH, O_RDWR);
	char buf[64];
	size_t i;

	ASSERT_LE(0, fd);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, req_write(fd, "%s", bad[i])) TH_LOG("#%zu", i);
	/* Nothing asked yet: nothing to read. */
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	close(fd);
}

/* Mode 0400 and CAP_SYS_ADMIN at open: it reveals the kernel's layout. */
TEST(unprivileged_open_is_refused)
{
	struct stat st;

	ASSERT_EQ(0, stat(WHATIS_PATH, &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
	/* Mode bits stop nobody; the check at open stops root without the cap. */
	EXPECT_EQ(EACCES, open_errno_as(AS_NOBODY, WHATIS_PATH, O_RDONLY));
	EXPECT_EQ(EPERM, open_errno_as(AS_ROOT_WITHOUT_SYS_ADMIN, WHATIS_PATH, O_RDONLY));
}

PTW_HARNESS_MAIN
