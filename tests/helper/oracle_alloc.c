// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation oracles: /sys/kernel/debug/ptwalk_oracle/kaddr. A test writes
 * a kernel VA (hex, 0x optional), or "VA object" for the start of a
 * kmalloc object, and reads back the kernel's own helpers' answers for it,
 * one "key: value" per line:
 *
 *   va: 0x...
 *   virt_addr_valid: 0|1       (direct map or kernel image, real frame)
 *   vmalloc: 0|1               (is_vmalloc_addr)
 *   module: 0|1                (in [MODULES_VADDR, MODULES_END))
 *   phys: 0x...                virt_to_phys(), or vmalloc_to_pfn() + offset
 *   ksize: N                   ksize(), only with "object"
 *   kfence: 0|1                is_kfence_address()
 *
 * phys and ksize are left out where the helper does not apply. The address
 * is validated before any helper touches it: vmalloc_to_pfn() only for
 * vmalloc and module addresses, ksize() only for a slab page or the head of
 * a large kmalloc (ksize() WARNs on anything else). The caller vouches that
 * an "object" address is an object's start: ksize() records the object's
 * size at an offset from the pointer it is given, so an interior pointer
 * would corrupt the slab's debug padding.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/kfence.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "oracle.h"

#define KADDR_OUT	512

struct kaddr_state {
	size_t len;
	char out[KADDR_OUT];
};

static bool is_module_addr(unsigned long va)
{
	return va >= MODULES_VADDR && va < MODULES_END;
}

/* The start of a kmalloc object, whose size ksize() may be asked. */
static bool ksize_applies(unsigned long va)
{
	struct page *page = virt_to_page((void *)va);

	if (PageSlab(page))
		return true;
	return PageHead(page) && va == (unsigned long)page_address(page) &&
	       (PAGE_SIZE << compound_order(page)) > KMALLOC_MAX_CACHE_SIZE;
}

static void answer(struct kaddr_state *s, unsigned long va, bool object)
{
	bool valid = virt_addr_valid((void *)va);
	bool vmalloc = is_vmalloc_addr((void *)va);
	bool module = is_module_addr(va);
	size_t n = 0;

	n += scnprintf(s->out + n, KADDR_OUT - n,
		       "va: 0x%lx\nvirt_addr_valid: %d\nvmalloc: %d\nmodule: %d\n",
		       va, valid, vmalloc, module);
	if (valid)
		n += scnprintf(s->out + n, KADDR_OUT - n, "phys: 0x%llx\n",
			       (u64)virt_to_phys((void *)va));
	else if ((vmalloc || module) && vmalloc_to_page((void *)va))
		n += scnprintf(s->out + n, KADDR_OUT - n, "phys: 0x%llx\n",
			       (u64)PFN_PHYS(vmalloc_to_pfn((void *)va)) +
			       offset_in_page(va));
	if (object && valid && ksize_applies(va))
		n += scnprintf(s->out + n, KADDR_OUT - n, "ksize: %zu\n",
			       ksize((void *)va));
	n += scnprintf(s->out + n, KADDR_OUT - n, "kfence: %d\n",
		       is_kfence_address((void *)va));
	s->len = n;
}

static int kaddr_open(struct inode *inode, struct file *file)
{
	struct kaddr_state *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return -ENOMEM;
	file->private_data = s;
	return nonseekable_open(inode, file);
}

static int kaddr_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t kaddr_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct kaddr_state *s = file->private_data;
	char buf[48], *req = buf, *addr;
	unsigned long va;
	bool object;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	addr = strsep(&req, " ");
	object = req && !strcmp(strim(req), "object");
	if ((req && !object) || kstrtoul(strim(addr), 16, &va))
		return -EINVAL;
	answer(s, va, object);
	return count;
}

/* Each read returns the whole answer to the last write. */
static ssize_t kaddr_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct kaddr_state *s = file->private_data;
	loff_t pos = 0;

	return simple_read_from_buffer(ubuf, count, &pos, s->out, s->len);
}

static const struct file_operations kaddr_fops = {
	.owner = THIS_MODULE,
	.open = kaddr_open,
	.release = kaddr_release,
	.read = kaddr_read,
	.write = kaddr_write,
};

int oracle_alloc_init(struct dentry *dir)
{
	struct dentry *d = debugfs_create_file("kaddr", 0600, dir, NULL,
					       &kaddr_fops);

	return IS_ERR(d) ? PTR_ERR(d) : 0;
}

void oracle_alloc_exit(void)
{
}
