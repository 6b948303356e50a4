/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptwalk: shared declarations of the module's files.
 */
#ifndef PTWALK_H
#define PTWALK_H

#include <linux/proc_fs.h>

#include <ptwalk/format.h>	/* PTWALK_VERSION */

/* Each file registers itself under /proc/ptwalk/. */
int ptwalk_info_init(struct proc_dir_entry *dir);
int ptwalk_maps_init(struct proc_dir_entry *dir);
int ptwalk_walk_init(struct proc_dir_entry *dir);
int ptwalk_alloc_init(struct proc_dir_entry *dir);
int ptwalk_whatis_init(struct proc_dir_entry *dir);
int ptwalk_kernel_init(struct proc_dir_entry *dir);
int ptwalk_sharing_init(struct proc_dir_entry *dir);
int ptwalk_tables_init(struct proc_dir_entry *dir);
int ptwalk_trace_init(struct proc_dir_entry *dir);
#endif /* PTWALK_H */
