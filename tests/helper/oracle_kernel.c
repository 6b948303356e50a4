// SPDX-License-Identifier: GPL-2.0
/* Kernel-half oracles (ptdump, layout bases): filled in with issue 4. */
#include "oracle.h"

int oracle_kernel_init(struct dentry *dir)
{
	return 0;
}
