// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/info: what the running kernel's memory management looks like
 * (paging levels, PTI, page size). Readable by everyone: nothing here is
 * secret, /proc/cpuinfo and sysfs show the same facts.
 *
 * The THP mode is not here: its variable is not exported, and reading its
 * sysfs file from a seq_file show nests one seq_file lock in another (lockdep
 * reports recursive locking) and resolves the path in the reader's mount
 * namespace. The tool reads sysfs itself.
 */
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <asm/cpufeature.h>
#include <asm/pgtable.h>

#include "file.h"
#include "ptwalk.h"

static int info_show(struct seq_file *m, void *v)
{
	seq_puts(m, PTW_HEADER(info));
	seq_printf(m, "module version=%s files_open=%d\n", PTWALK_VERSION,
		   ptw_files_open_count());
	/* A release is one word in practice; escape it as every value is. */
	seq_puts(m, "kernel release=");
	seq_escape(m, init_utsname()->release, PTW_VALUE_ESCAPE);
	/* Highest user address + 1 page: 2^47 or 2^56 minus the guard page. */
	seq_printf(m, " paging_levels=%d pti=%s page_size=%lu user_top=0x%lx\n",
		   pgtable_l5_enabled() ? 5 : 4,
		   boot_cpu_has(X86_FEATURE_PTI) ? "on" : "off", PAGE_SIZE,
		   TASK_SIZE_MAX);
	return 0;
}

int ptwalk_info_init(struct proc_dir_entry *dir)
{
	if (!proc_create_single("info", 0444, dir, info_show))
		return -ENOMEM;
	return 0;
}
