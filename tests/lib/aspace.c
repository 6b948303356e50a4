// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aspace.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

static volatile char aspace_data[3 * AS_PAGE] = { 1 };

static __attribute__((noinline)) void aspace_child_text(void)
{
	__asm__ volatile("" ::: "memory");
}

long hugetlb_reserve_2m(long n)
{
	const char *p = "/proc/sys/vm/nr_hugepages";
	char buf[32];
	int fd = open(p, O_RDWR);
	ssize_t r;

	if (fd < 0)
		return 0;
	snprintf(buf, sizeof(buf), "%ld\n", n);
	if (write(fd, buf, strlen(buf)) < 0)
		n = 0;
	r = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (r <= 0)
		return 0;
	buf[r] = '\0';
	return atol(buf);
}

static void *map(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(20);
	return p;
}

static void build_file(struct aspace *as)
{
	char path[] = "/tmp/aspace-XXXXXX", page[AS_PAGE];
	int fd = mkstemp(path);
	size_t i;
	volatile char *p;

	if (fd < 0)
		_exit(21);
	unlink(path);
	as->file_pages = 16;
	for (i = 0; i < as->file_pages; i++) {
		memset(page, 'a' + (int)i, sizeof(page));
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
			_exit(22);
	}
	p = mmap(NULL, as->file_pages * AS_PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		_exit(23);
	close(fd);
	for (i = 0; i < as->file_pages / 2; i++)
		(void)p[i * AS_PAGE];
	as->file = (unsigned long)p;
}

static void build_huge(struct aspace *as)
{
	volatile char *p;

	p = mmap(NULL, 2UL << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED) {
		snprintf(as->no_huge2m, sizeof(as->no_huge2m),
			 "no 2M hugetlb page (%s)", strerror(errno));
	} else {
		p[0] = 1;
		as->huge2m = (unsigned long)p;
	}
	p = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << MAP_HUGE_SHIFT),
		 -1, 0);
	if (p == MAP_FAILED) {
		snprintf(as->no_huge1g, sizeof(as->no_huge1g),
			 "no 1G hugetlb page (%s; needs pdpe1gb and hugepagesz=1G at boot)",
			 strerror(errno));
	} else {
		p[0] = 1;
		as->huge1g = (unsigned long)p;
	}
}

static void build(struct aspace *as)
{
	volatile char stack[8 * AS_PAGE];
	volatile char *p;
	size_t i;
	char *heap;

	aspace_child_text();
	as->text = (unsigned long)aspace_child_text;
	aspace_data[AS_PAGE] = 2;
	as->data = (unsigned long)&aspace_data[AS_PAGE];

	heap = malloc(64 * 1024);
	if (!heap)
		_exit(24);
	memset(heap, 3, 64 * 1024);
	as->heap = (unsigned long)heap;

	as->partial_pages = 30;
	p = map(as->partial_pages * AS_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	for (i = 0; i < as->partial_pages; i += 3)
		p[i * AS_PAGE] = 4;
	as->partial = (unsigned long)p;

	build_file(as);

	as->shared_pages = 8;
	p = map(as->shared_pages * AS_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
	for (i = 0; i < as->shared_pages; i++)
		p[i * AS_PAGE] = 5;
	as->shared = (unsigned long)p;

	as->populate_pages = 16;
	p = map(as->populate_pages * AS_PAGE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_POPULATE);
	as->populate = (unsigned long)p;

	as->ro_pages = 4;
	p = map(as->ro_pages * AS_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	for (i = 0; i < as->ro_pages; i++)
		p[i * AS_PAGE] = 6;
	if (mprotect((void *)p, as->ro_pages * AS_PAGE, PROT_READ))
		_exit(25);
	as->ro = (unsigned long)p;

	as->none_pages = 4;
	p = map(as->none_pages * AS_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	for (i = 0; i < as->none_pages; i++)
		p[i * AS_PAGE] = 7;
	if (mprotect((void *)p, as->none_pages * AS_PAGE, PROT_NONE))
		_exit(26);
	as->none = (unsigned long)p;

	p = map(4UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	p = (volatile char *)(((unsigned long)p + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	madvise((void *)p, 2UL << 20, MADV_HUGEPAGE);
	for (i = 0; i < (2UL << 20); i += AS_PAGE)
		p[i] = 8;
	as->thp = (unsigned long)p;

	build_huge(as);

	for (i = 0; i < sizeof(stack); i += AS_PAGE)
		stack[i] = 9;
	as->stack = (unsigned long)&stack[4 * AS_PAGE];
	as->ready = 1;
	raise(SIGSTOP);
	/* Continued only to be killed; keep the stack frame alive. */
	for (;;)
		pause();
}

pid_t aspace_spawn(struct aspace **asp)
{
	struct aspace *as = mmap(NULL, sizeof(*as), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int status;

	if (as == MAP_FAILED)
		return -1;
	memset(as, 0, sizeof(*as));
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		build(as);
		_exit(0);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status) ||
	    !as->ready) {
		fprintf(stderr, "# aspace child did not stop (status 0x%x)\n", status);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	*asp = as;
	return pid;
}

void aspace_kill(pid_t pid, struct aspace *as)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (as)
		munmap(as, sizeof(*as));
}
