// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/alloc: make kernel allocations on demand (kmalloc, whole
 * pages, vmalloc) and see where they landed. Requests and lifetime live
 * here, the listing in alloc_show.c. Format: docs/interface.md,
 * "ptwalk-alloc".
 *
 * Every allocation belongs to the open file that asked for it and is freed
 * by "free", at close, and at module unload (proc_remove() runs the release
 * of files still open). Requests are bounded per file and module-wide and
 * made with __GFP_NOWARN and __GFP_RETRY_MAYFAIL: a request the kernel
 * cannot satisfy fails with an errno, never a warning or the OOM killer.
 * The memory is charged to the opener's memory cgroup (__GFP_ACCOUNT).
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "alloc.h"
#include "compat.h"
#include "file.h"
#include "ptwalk.h"

#define ALLOC_GFP	(GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

/* Bytes held by all open alloc files together. */
static atomic_long_t module_bytes = ATOMIC_LONG_INIT(0);

long ptw_alloc_module_bytes(void)
{
	return atomic_long_read(&module_bytes);
}

/*
 * Reserve @bytes for a new allocation of @v: -ENOMEM over this file's
 * caps, -EBUSY when other files hold the module-wide budget.
 */
static int charge(struct ptw_alloc_view *v, size_t bytes)
{
	if (v->nr >= PTW_ALLOC_FILE_MAX ||
	    bytes > PTW_ALLOC_FILE_BYTES - v->bytes)
		return -ENOMEM;
	if (atomic_long_add_return(bytes, &module_bytes) >
	    PTW_ALLOC_MODULE_BYTES) {
		atomic_long_sub(bytes, &module_bytes);
		return -EBUSY;
	}
	return 0;
}

static void uncharge(size_t bytes)
{
	atomic_long_sub(bytes, &module_bytes);
}

static void free_memory(struct ptw_alloc *a)
{
	unsigned int i;

	switch (a->kind) {
	case PTWA_KMALLOC:
		for (i = 0; i < a->count; i++)
			kfree(a->obj[i]);
		break;
	case PTWA_PAGES:
		__free_pages(virt_to_page(a->va), a->order);
		break;
	case PTWA_VMALLOC:
		vfree(a->va);
		break;
	}
}

static int alloc_memory(struct ptw_alloc *a)
{
	struct page *page;
	unsigned int i;

	switch (a->kind) {
	case PTWA_KMALLOC:
		for (i = 0; i < a->count; i++) {
			a->obj[i] = kmalloc(a->size, ALLOC_GFP);
			if (!a->obj[i]) {
				a->count = i;
				free_memory(a);
				return -ENOMEM;
			}
		}
		return 0;
	case PTWA_PAGES:
		/* __GFP_COMP: one compound page, as whatis will show. */
		page = alloc_pages(ALLOC_GFP | __GFP_COMP, a->order);
		if (!page)
			return -ENOMEM;
		a->va = page_address(page);
		return 0;
	case PTWA_VMALLOC:
		a->va = __vmalloc(a->size, ALLOC_GFP);
		return a->va ? 0 : -ENOMEM;
	}
	return -EINVAL;
}

/* Charge, allocate and append @a to @v's list; frees @a on failure. */
static int add_alloc(struct ptw_alloc_view *v, struct ptw_alloc *a)
{
	int ret = charge(v, a->bytes);

	if (ret)
		goto err_free_struct;
	ret = alloc_memory(a);
	if (ret)
		goto err_uncharge;
	a->id = ++v->next_id;
	list_add_tail(&a->node, &v->allocs);
	v->nr++;
	v->bytes += a->bytes;
	return 0;

err_uncharge:
	uncharge(a->bytes);
err_free_struct:
	kfree(a);
	return ret;
}

static void del_alloc(struct ptw_alloc_view *v, struct ptw_alloc *a)
{
	list_del(&a->node);
	free_memory(a);
	uncharge(a->bytes);
	v->nr--;
	v->bytes -= a->bytes;
	kfree(a);
}

/* Decimal digits only: kstrto*() would also take a sign or a newline. */
static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (!isdigit(*p))
			return -EINVAL;
	if (kstrtoull(s, 10, out) || *out > max)
		return -EINVAL;
	return 0;
}

/* Decimal bytes with an optional K, M or G (binary) suffix. */
static int parse_size(const char *s, size_t *out)
{
	char num[24];
	size_t len = strlen(s);
	unsigned int shift = 0;
	unsigned long long v;
	int ret;

	switch (len ? tolower(s[len - 1]) : 0) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	}
	if (shift)
		len--;
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	ret = parse_uint(num, SIZE_MAX >> shift, &v);
	if (ret)
		return ret;
	if (!v)
		return -EINVAL;
	*out = v << shift;
	return 0;
}

static int req_kmalloc(struct ptw_alloc_view *v, char **argv, int argc)
{
	unsigned long long count = 1;
	struct ptw_alloc *a;
	size_t size, bucket;
	int ret;

	if (argc > 3)
		return -EINVAL;
	ret = parse_size(argv[1], &size);
	if (!ret && argc == 3)
		ret = parse_uint(argv[2], PTW_ALLOC_COUNT_MAX, &count);
	if (ret || !count || size > KMALLOC_MAX_SIZE)
		return -EINVAL;
	/* The bucket kmalloc() will use: what it really sets aside. */
	bucket = kmalloc_size_roundup(size);
	a = kzalloc(struct_size(a, obj, count), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->kind = PTWA_KMALLOC;
	a->size = size;
	a->count = count;
	a->bytes = bucket * count;
	return add_alloc(v, a);
}

static int req_pages(struct ptw_alloc_view *v, char **argv, int argc)
{
	unsigned long long order;
	struct ptw_alloc *a;
	int ret;

	if (argc != 2)
		return -EINVAL;
	ret = parse_uint(argv[1], PTW_MAX_PAGE_ORDER, &order);
	if (ret)
		return ret;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->kind = PTWA_PAGES;
	a->order = order;
	a->count = 1U << order;
	a->size = PAGE_SIZE << order;
	a->bytes = a->size;
	return add_alloc(v, a);
}

static int req_vmalloc(struct ptw_alloc_view *v, char **argv, int argc)
{
	struct ptw_alloc *a;
	size_t size;
	int ret;

	if (argc != 2)
		return -EINVAL;
	ret = parse_size(argv[1], &size);
	if (ret)
		return ret;
	/* More than a file may hold can never succeed. */
	if (size > PTW_ALLOC_FILE_BYTES)
		return -ENOMEM;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->kind = PTWA_VMALLOC;
	a->size = size;
	a->bytes = PAGE_ALIGN(size);
	a->count = a->bytes >> PAGE_SHIFT;
	return add_alloc(v, a);
}

static int req_free(struct ptw_alloc_view *v, char **argv, int argc)
{
	struct ptw_alloc *a, *tmp;
	unsigned long long id;
	int ret;

	if (argc != 2)
		return -EINVAL;
	if (!strcmp(argv[1], "all")) {
		list_for_each_entry_safe(a, tmp, &v->allocs, node)
			del_alloc(v, a);
		return 0;
	}
	ret = parse_uint(argv[1], UINT_MAX, &id);
	if (ret)
		return ret;
	list_for_each_entry(a, &v->allocs, node) {
		if (a->id == id) {
			del_alloc(v, a);
			return 0;
		}
	}
	return -ENOENT;
}

/* Split @s at blanks into at most @max words; -EINVAL for more. */
static int split_words(char *s, char **argv, int max)
{
	int argc = 0;
	char *w;

	while ((w = strsep(&s, " \t"))) {
		if (!*w)
			continue;
		if (argc == max)
			return -EINVAL;
		argv[argc++] = w;
	}
	return argc;
}

static int alloc_request(struct ptw_file *f, char *req)
{
	struct ptw_alloc_view *v = f->view;
	char *argv[4];
	int argc = split_words(req, argv, ARRAY_SIZE(argv));

	if (argc < 2)
		return -EINVAL;
	if (!strcmp(argv[0], "kmalloc"))
		return req_kmalloc(v, argv, argc);
	if (!strcmp(argv[0], "pages"))
		return req_pages(v, argv, argc);
	if (!strcmp(argv[0], "vmalloc"))
		return req_vmalloc(v, argv, argc);
	if (!strcmp(argv[0], "free"))
		return req_free(v, argv, argc);
	return -EINVAL;
}

/* Kernel allocations are CAP_SYS_ADMIN only, decided at open. */
static int alloc_init(struct ptw_file *f)
{
	struct ptw_alloc_view *v = f->view;

	INIT_LIST_HEAD(&v->allocs);
	v->snap = kvmalloc_array(PTW_ALLOC_PAGES_MAX, sizeof(*v->snap),
				 GFP_KERNEL);
	return v->snap ? 0 : -ENOMEM;
}

/* Close, and rmmod with the file open, free everything the file holds. */
static void alloc_release(struct ptw_file *f)
{
	struct ptw_alloc_view *v = f->view;
	struct ptw_alloc *a, *tmp;

	list_for_each_entry_safe(a, tmp, &v->allocs, node)
		del_alloc(v, a);
	kvfree(v->snap);
}

static const struct ptw_view_ops alloc_view_ops = {
	.size = sizeof(struct ptw_alloc_view),
	.privileged_only = true,
	.init = alloc_init,
	.release = alloc_release,
	.request = alloc_request,
	.fill = ptw_alloc_fill,
	.rewind = ptw_alloc_rewind,
};

int ptwalk_alloc_init(struct proc_dir_entry *dir)
{
	return ptw_file_create(dir, "alloc", 0600, &alloc_view_ops);
}
