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
	seq_puts(m, "ptwalk-info 2\n");
	seq_printf(m, "version: %s\n", PTWALK_VERSION);
	seq_printf(m, "release: %s\n", init_utsname()->release);
	seq_printf(m, "paging_levels: %d\n", pgtable_l5_enabled() ? 5 : 4);
	seq_printf(m, "pti: %s\n",
		   boot_cpu_has(X86_FEATURE_PTI) ? "on" : "off");
	seq_printf(m, "page_size: %lu\n", PAGE_SIZE);
	/* Highest user address + 1 page: 2^47 or 2^56 minus the guard page. */
	seq_printf(m, "user_top: 0x%lx\n", TASK_SIZE_MAX);
	seq_printf(m, "files_open: %d\n", ptw_files_open_count());
	return 0;
}

int ptwalk_info_init(struct proc_dir_entry *dir)
{
	if (!proc_create_single("info", 0444, dir, info_show))
		return -ENOMEM;
	return 0;
}
