// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk: make virtual memory visible. Creates /proc/ptwalk/ and its files;
 * each file's code lives in its own .c file and registers itself here.
 */
#define pr_fmt(fmt) "ptwalk: " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>

#include "ptwalk.h"

static struct proc_dir_entry *ptwalk_dir;

static int __init ptwalk_init(void)
{
	int ret;

	ptwalk_dir = proc_mkdir("ptwalk", NULL);
	if (!ptwalk_dir)
		return -ENOMEM;

	ret = ptwalk_info_init(ptwalk_dir);
	if (ret)
		goto err_remove_dir;
	ret = ptwalk_maps_init(ptwalk_dir);
	if (ret)
		goto err_remove_dir;
	ret = ptwalk_walk_init(ptwalk_dir);
	if (ret)
		goto err_remove_dir;
	ret = ptwalk_alloc_init(ptwalk_dir);
	if (ret)
		goto err_remove_dir;
	ret = ptwalk_whatis_init(ptwalk_dir);
	if (ret)
		goto err_remove_dir;
	ret = ptwalk_kernel_init(ptwalk_dir);
	if (ret)
		goto err_remove_dir;
	ret = ptwalk_sharing_init(ptwalk_dir);
	if (ret)
		goto err_remove_dir;
	ret = ptwalk_tables_init(ptwalk_dir);
	if (ret)
		goto err_remove_dir;
	ret = ptwalk_trace_init(ptwalk_dir);
	if (ret)
		goto err_remove_dir;

	pr_info("loaded, version %s\n", PTWALK_VERSION);
	return 0;

err_remove_dir:
	/* Removes the directory together with any file already created. */
	proc_remove(ptwalk_dir);
	return ret;
}

static void __exit ptwalk_exit(void)
{
	proc_remove(ptwalk_dir);
}

module_init(ptwalk_init);
module_exit(ptwalk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Show page tables, the kernel half and kernel allocations");
MODULE_VERSION(PTWALK_VERSION);
