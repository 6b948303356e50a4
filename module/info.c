// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/info: what the running kernel's memory management looks like
 * (paging levels, PTI, page size, THP mode). Readable by everyone: nothing
 * here is secret, /proc/cpuinfo and sysfs show the same facts.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <asm/cpufeature.h>
#include <asm/pgtable.h>

#include "file.h"
#include "ptwalk.h"

#define THP_ENABLED_PATH "/sys/kernel/mm/transparent_hugepage/enabled"

/*
 * The THP mode lives in transparent_hugepage_flags, which is not exported
 * to modules; the sysfs file is its documented view. It reads "always
 * [madvise] never"; report the bracketed word.
 */
static void show_thp_mode(struct seq_file *m)
{
	char buf[64] = "";
	struct file *f;
	loff_t pos = 0;
	ssize_t n;
	char *open, *close;

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE)) {
		seq_puts(m, "thp: unsupported\n");
		return;
	}
	f = filp_open(THP_ENABLED_PATH, O_RDONLY, 0);
	if (IS_ERR(f)) {
		seq_puts(m, "thp: unknown\n");
		return;
	}
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	open = n > 0 ? strchr(buf, '[') : NULL;
	close = open ? strchr(open, ']') : NULL;
	if (!close) {
		seq_puts(m, "thp: unknown\n");
		return;
	}
	*close = '\0';
	seq_printf(m, "thp: %s\n", open + 1);
}

static int info_show(struct seq_file *m, void *v)
{
	seq_puts(m, "ptwalk-info 1\n");
	seq_printf(m, "version: %s\n", PTWALK_VERSION);
	seq_printf(m, "release: %s\n", init_utsname()->release);
	seq_printf(m, "paging_levels: %d\n", pgtable_l5_enabled() ? 5 : 4);
	seq_printf(m, "pti: %s\n",
		   boot_cpu_has(X86_FEATURE_PTI) ? "on" : "off");
	seq_printf(m, "page_size: %lu\n", PAGE_SIZE);
	/* Highest user address + 1 page: 2^47 or 2^56 minus the guard page. */
	seq_printf(m, "user_top: 0x%lx\n", TASK_SIZE_MAX);
	show_thp_mode(m);
	seq_printf(m, "files_open: %d\n", ptw_files_open_count());
	return 0;
}

int ptwalk_info_init(struct proc_dir_entry *dir)
{
	if (!proc_create_single("info", 0444, dir, info_show))
		return -ENOMEM;
	return 0;
}
