// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk_oracle module entry: creates /sys/kernel/debug/ptwalk_oracle/ and
 * lets each oracle file register itself there.
 */
#include <linux/debugfs.h>
#include <linux/module.h>

#include "oracle.h"

static struct dentry *oracle_dir;

static int __init oracle_init(void)
{
	int ret;

	oracle_dir = debugfs_create_dir("ptwalk_oracle", NULL);
	if (IS_ERR(oracle_dir))
		return PTR_ERR(oracle_dir);
	ret = oracle_kernel_init(oracle_dir);
	if (ret)
		goto err_remove_dir;
	ret = oracle_alloc_init(oracle_dir);
	if (ret)
		goto err_remove_dir;
	return 0;

err_remove_dir:
	debugfs_remove(oracle_dir);
	return ret;
}

static void __exit oracle_exit(void)
{
	debugfs_remove(oracle_dir);
	oracle_alloc_exit();
}

module_init(oracle_init);
module_exit(oracle_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ptwalk selftest oracles (test VMs only)");
