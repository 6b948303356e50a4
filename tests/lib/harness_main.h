/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PTW_HARNESS_MAIN: the kselftest harness's main, with every test's
 * timeout multiplied by $PTWALK_TIMEOUT_SCALE (default 1). The guest sets
 * it on the debug kernel (KASAN and lockdep under TCG run an order of
 * magnitude slower), so that a test's verdict does not depend on the
 * kernel's speed. Include after kselftest_harness.h, use instead of
 * TEST_HARNESS_MAIN.
 */
#ifndef PTWALK_HARNESS_MAIN_H
#define PTWALK_HARNESS_MAIN_H

#include "util.h"

static inline void ptw_scale_timeouts(void)
{
	int scale = timeout_scale();
	struct __fixture_metadata *f;
	struct __test_metadata *t;

	if (scale == 1)
		return;
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout *= scale;
}

#define PTW_HARNESS_MAIN \
	int main(int argc, char **argv) \
	{ \
		ptw_scale_timeouts(); \
		return test_harness_run(argc, argv); \
	}

#endif /* PTWALK_HARNESS_MAIN_H */
