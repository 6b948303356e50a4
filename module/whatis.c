// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/whatis: what is this kernel address? Write a kernel VA,
 * read its region, the size of the page mapping it and the physical
 * address (from the walker, checked against the documented helper), and
 * what the frame is used for, told from its struct page with the kernel's
 * inline page-flag tests only. Format: docs/interface.md, "ptwalk-whatis".
 *
 * The address itself is never dereferenced: the walker reads page tables
 * and the description reads the struct page of a valid frame, so any
 * address (a user one, a non-canonical one, a hole) gets an answer, not a
 * fault. The page flags are a snapshot: the page may change right after.
 */
#include <linux/capability.h>
#include <linux/kfence.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>

#include "decode.h"
#include "file.h"
#include "kaddr.h"
#include "ptwalk.h"

struct whatis_view {
	bool requested;
	unsigned long va;
};

/* What the frame is used for, by the first type or flag that says. */
static const char *page_kind(struct page *page)
{
	if (PageBuddy(page))
		return "buddy";		/* free, in the buddy allocator */
	if (PageSlab(page))
		return "slab";
	if (PageTable(page))
		return "page-table";
	if (PageReserved(page))
		return "reserved";	/* kernel image, memblock, holes */
	if (PageOffline(page))
		return "offline";
	if (PageAnon(page))
		return "anon";
	if (PageLRU(page))
		return "file";
	return "other";			/* alloc_pages(), vmalloc backing, ... */
}

static void describe_page(struct ptw_file *f, unsigned long pfn)
{
	struct page *page, *head;

	ptw_out(f, "page pfn=0x%lx", pfn);
	/*
	 * As /proc/kpageflags does: a struct page of memory that is offline
	 * (or being hot-removed) may be uninitialised or gone.
	 */
	page = pfn_to_online_page(pfn);
	if (!page) {
		ptw_out(f, " kind=no-struct-page\n");	/* MMIO, holes, offline */
		return;
	}
	ptw_out(f, " kind=%s refcount=%d", page_kind(page), page_count(page));
	if (PageCompound(page)) {
		head = compound_head(page);
		ptw_out(f, " compound=%s order=%u head_pfn=0x%lx\n",
			PageHead(page) ? "head" : "tail", compound_order(head),
			page_to_pfn(head));
	} else {
		ptw_out(f, " compound=no\n");
	}
}

static const char *stop_name(enum ptw_kind kind)
{
	switch (kind) {
	case PTW_NONE:
		return "none";
	case PTW_NONPRESENT:
		return "not-present";
	case PTW_BAD:
		return "bad";
	default:
		return "incomplete";
	}
}

static int whatis_fill(struct ptw_file *f)
{
	struct whatis_view *v = f->view;
	enum ptw_region_id region = ptw_region_of(v->va);
	struct ptw_ktrans t;
	int ret;

	f->eof = true;
	if (!v->requested)
		return 0;
	ptw_out(f, PTW_HEADER(whatis));
	ptw_out(f, "target va=0x%lx region=%s kfence=%s\n", v->va,
		ptw_region_name(region),
		is_kfence_address((void *)v->va) ? "yes" : "no");
	/* Not a kernel address: nothing more to say. */
	if (region == PTWR_USER || region == PTWR_NONCANONICAL)
		return 0;
	ret = ptw_kaddr_translate(v->va, &t);
	if (ret)
		return ret;
	if (t.kind != PTW_LEAF) {
		ptw_out(f, "stop reason=%s level=%s\n", stop_name(t.kind),
			ptw_level_name(t.level));
		return 0;
	}
	ptw_out(f, "leaf size=%s pa=0x%llx\n", ptw_size_name(t.level), (u64)t.pa);
	if (t.helper) {
		ptw_out(f, "helper name=%s", t.helper);
		if (t.helper_pa == PTW_PA_NONE)
			ptw_out(f, " pa=none");
		else
			ptw_out(f, " pa=0x%llx", (u64)t.helper_pa);
		ptw_out(f, " agree=%s\n", t.helper_pa == t.pa ? "yes" : "no");
	} else {
		ptw_out(f, "helper name=none\n");
	}
	describe_page(f, PHYS_PFN(t.pa));
	return 0;
}

/* One kernel address in hex, with or without 0x. */
static int whatis_request(struct ptw_file *f, char *req)
{
	struct whatis_view *v = f->view;
	unsigned long va;
	char *end;
	int ret;

	/* Blanks around it only: strim() would take \v, \f, \r, 0xa0. */
	req += strspn(req, " \t");
	end = req + strlen(req);
	while (end > req && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	ret = ptw_parse_addr(req, &va);
	if (ret)
		return ret;
	v->va = va;
	v->requested = true;
	return 0;
}

/* The answers reveal the kernel's layout (KASLR): CAP_SYS_ADMIN at open. */
static const struct ptw_view_ops whatis_view_ops = {
	.size = sizeof(struct whatis_view),
	.privileged_only = true,
	.request = whatis_request,
	.fill = whatis_fill,
};

int ptwalk_whatis_init(struct proc_dir_entry *dir)
{
	return ptw_file_create(dir, "whatis", 0400, &whatis_view_ops);
}
