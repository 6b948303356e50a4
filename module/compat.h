/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ptwalk supports (Debian's 6.1 and
 * 6.12) lives here, so that the .c files hold no version checks. Prefer
 * testing for a feature's macro over comparing version numbers.
 */
#ifndef PTWALK_COMPAT_H
#define PTWALK_COMPAT_H

#include <linux/version.h>

#endif /* PTWALK_COMPAT_H */
