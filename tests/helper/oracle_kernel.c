// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-half oracles for kernel_test and sharing_test, under
 * /sys/kernel/debug/ptwalk_oracle/:
 *
 *   ptdump_kernel  ptdump_walk_pgd_level_debugfs() of the reader's mm: the
 *                  code behind the debugfs file Debian does not build
 *   ptdump_user    the same for the PTI user copy (ENODEV without PTI)
 *   layout         the layout bases and region bounds, "key: 0x..." lines
 *   variable       a variable of this module, a direct-map alias of it and
 *                  a function of it, with their physical addresses as
 *                  virt_to_phys() / vmalloc_to_pfn() compute them
 *
 * A ptdump file is dumped once, at open, into a buffer of that open file:
 * the buffer is mapped (vmalloc) before the walk and stays mapped until
 * close, so a test that holds the file open while it reads
 * /proc/ptwalk/kernel compares two walks of the same vmalloc area.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/kfence.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/fixmap.h>
#include <asm/pgtable.h>

#include "oracle.h"

/* ptdump's text for the whole kernel half is a few hundred KiB. */
#define PTDUMP_FIRST_SIZE	SZ_1M
#define PTDUMP_MAX_SIZE		SZ_64M

struct ptdump_snapshot {
	char *buf;
	size_t len;
};

/* Some data of this module: module memory is vmalloc'ed on x86-64. */
static unsigned long oracle_kernel_variable = 0x7074776b;

static bool is_module_addr(unsigned long va)
{
	return va >= MODULES_VADDR && va < MODULES_END;
}

/* The kernel's answer for @va: vmalloc_to_pfn() where it applies. */
static phys_addr_t kernel_pa(void *va)
{
	if (is_vmalloc_addr(va) || is_module_addr((unsigned long)va))
		return PFN_PHYS(vmalloc_to_pfn(va)) + offset_in_page(va);
	return virt_to_phys(va);
}

static int ptdump_snapshot_open(struct inode *inode, struct file *file)
{
	bool user = !!inode->i_private;
	struct ptdump_snapshot *s;
	struct seq_file m;
	size_t size;

	if (user && !boot_cpu_has(X86_FEATURE_PTI))
		return -ENODEV;		/* no user copy */
	if (!current->mm)
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	for (size = PTDUMP_FIRST_SIZE; size <= PTDUMP_MAX_SIZE; size *= 2) {
		s->buf = vmalloc(size);
		if (!s->buf)
			break;
		/* ptdump prints with seq_printf() only: a bare buffer will do. */
		memset(&m, 0, sizeof(m));
		m.buf = s->buf;
		m.size = size;
		ptdump_walk_pgd_level_debugfs(&m, current->mm, user);
		if (!seq_has_overflowed(&m)) {
			s->len = m.count;
			file->private_data = s;
			return 0;
		}
		vfree(s->buf);
	}
	kfree(s);
	return -ENOMEM;
}

static ssize_t ptdump_snapshot_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct ptdump_snapshot *s = file->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, s->buf, s->len);
}

static int ptdump_snapshot_release(struct inode *inode, struct file *file)
{
	struct ptdump_snapshot *s = file->private_data;

	vfree(s->buf);
	kfree(s);
	return 0;
}

static const struct file_operations ptdump_snapshot_fops = {
	.owner = THIS_MODULE,
	.open = ptdump_snapshot_open,
	.read = ptdump_snapshot_read,
	.llseek = default_llseek,
	.release = ptdump_snapshot_release,
};

/* KFENCE flips its pages' present bit at every sampled allocation. */
static void show_kfence(struct seq_file *m)
{
#ifdef CONFIG_KFENCE
	seq_printf(m, "kfence_pool: 0x%lx\nkfence_pool_size: 0x%lx\n",
		   (unsigned long)__kfence_pool,
		   __kfence_pool ? (unsigned long)KFENCE_POOL_SIZE : 0UL);
#else
	seq_puts(m, "kfence_pool: 0x0\nkfence_pool_size: 0x0\n");
#endif /* CONFIG_KFENCE */
}

static int layout_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "levels: %d\n", pgtable_l5_enabled() ? 5 : 4);
	seq_printf(m, "pti: %d\n", boot_cpu_has(X86_FEATURE_PTI));
	seq_printf(m, "pgdir_shift: %d\n", PGDIR_SHIFT);
	seq_printf(m, "guard_hole_start: 0x%lx\n", GUARD_HOLE_BASE_ADDR);
	seq_printf(m, "guard_hole_end: 0x%lx\n", GUARD_HOLE_END_ADDR);
	seq_printf(m, "ldt_base: 0x%lx\n", LDT_BASE_ADDR);
	seq_printf(m, "page_offset_base: 0x%lx\n", page_offset_base);
	seq_printf(m, "vmalloc_base: 0x%lx\n", vmalloc_base);
	seq_printf(m, "vmalloc_end: 0x%lx\n", VMALLOC_END);
	seq_printf(m, "vmemmap_base: 0x%lx\n", vmemmap_base);
	seq_printf(m, "cpu_entry_area_base: 0x%lx\n", CPU_ENTRY_AREA_BASE);
	seq_printf(m, "espfix_base: 0x%lx\n", ESPFIX_BASE_ADDR);
	seq_printf(m, "efi_va_end: 0x%lx\n", EFI_VA_END);
	seq_printf(m, "efi_va_start: 0x%lx\n", EFI_VA_START);
	seq_printf(m, "start_kernel_map: 0x%lx\n", __START_KERNEL_map);
	seq_printf(m, "modules_vaddr: 0x%lx\n", MODULES_VADDR);
	seq_printf(m, "modules_end: 0x%lx\n", MODULES_END);
	seq_printf(m, "fixaddr_start: 0x%lx\n", FIXADDR_START);
	seq_printf(m, "fixaddr_top: 0x%lx\n", FIXADDR_TOP);
	show_kfence(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(layout);

static int variable_show(struct seq_file *m, void *unused)
{
	void *data = &oracle_kernel_variable;
	void *text = layout_show;
	void *alias = page_address(vmalloc_to_page(data)) + offset_in_page(data);

	seq_printf(m, "data_va: 0x%lx\ndata_pa: 0x%llx\n",
		   (unsigned long)data, (u64)kernel_pa(data));
	seq_printf(m, "alias_va: 0x%lx\nalias_pa: 0x%llx\n",
		   (unsigned long)alias, (u64)kernel_pa(alias));
	seq_printf(m, "text_va: 0x%lx\ntext_pa: 0x%llx\n",
		   (unsigned long)text, (u64)kernel_pa(text));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(variable);

int oracle_kernel_init(struct dentry *dir)
{
	debugfs_create_file("ptdump_kernel", 0400, dir, (void *)false,
			    &ptdump_snapshot_fops);
	debugfs_create_file("ptdump_user", 0400, dir, (void *)true,
			    &ptdump_snapshot_fops);
	debugfs_create_file("layout", 0400, dir, NULL, &layout_fops);
	debugfs_create_file("variable", 0400, dir, NULL, &variable_fops);
	return 0;
}
