// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/sharing: processes started here share every kernel slot of
 * their top-level table with the reader, except the documented per-mm one
 * (the LDT remap of a process that set an LDT, with PTI); processes come
 * and go during the scan without errors; the PTI user copy maps the slots
 * ptdump's walk of it finds, and none without PTI.
 */
#include <asm/ldt.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "kernel_oracle.h"
#include "util.h"

#define SHARING_FILE	PTWALK_DIR "/sharing"
#define NKIDS		10

static int read_sharing(struct ko_sharing *s)
{
	char *text = read_whole(SHARING_FILE, NULL);
	int ret;

	if (!text)
		return -1;
	ret = ko_parse_sharing(text, s);
	free(text);
	return ret;
}

/* Give this process an LDT: with PTI its LDT remap slot becomes its own. */
static int set_ldt(void)
{
	struct user_desc d = {
		.entry_number = 0, .base_addr = 0, .limit = 0xfff,
		.seg_32bit = 1, .contents = 0, .read_exec_only = 0,
		.limit_in_pages = 1, .seg_not_present = 0, .useable = 1,
	};

	return syscall(SYS_modify_ldt, 1, &d, sizeof(d));
}

/* Children that wait on a pipe; child 0 sets an LDT first if @ldt. */
struct kids {
	pid_t pid[NKIDS];
	int n;
	int hold[2];	/* the children exit when it closes */
	int ready[2];	/* each writes one byte once set up */
};

static int spawn(struct kids *k, int n, bool ldt)
{
	int i;
	char c;

	memset(k, 0, sizeof(*k));
	if (pipe(k->hold) || pipe(k->ready))
		return -1;
	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			return -1;
		if (p == 0) {
			close(k->hold[1]);
			c = (i == 0 && ldt) ? (set_ldt() ? 'e' : 'l') : 'k';
			if (write(k->ready[1], &c, 1) != 1)
				_exit(1);
			_exit(read(k->hold[0], &c, 1) < 0);
		}
		k->pid[k->n++] = p;
	}
	for (i = 0; i < n; i++)
		if (read(k->ready[0], &c, 1) != 1 || c == 'e')
			return -1;
	return 0;
}

static void reap(struct kids *k)
{
	int i;

	close(k->hold[1]);
	close(k->hold[0]);
	close(k->ready[0]);
	close(k->ready[1]);
	for (i = 0; i < k->n; i++)
		waitpid(k->pid[i], NULL, 0);
}

static bool has_region(const char *list, const char *name)
{
	char buf[192], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, name))
			return true;
	return false;
}

static const struct ko_slot *slot_get(const struct ko_sharing *s, bool user,
				      unsigned int index)
{
	size_t i;

	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].user == user && s->slots[i].index == index)
			return &s->slots[i];
	return NULL;
}

/* Totals agree with the slot lines they sum up. */
TEST(totals_add_up)
{
	unsigned long in_use = 0, by_all = 0, tables = 0, saved = 0;
	struct ko_sharing s;
	size_t i;

	ASSERT_EQ(0, read_sharing(&s));
	ASSERT_TRUE(s.complete);
	EXPECT_EQ(getpid(), s.reader);
	EXPECT_EQ(cpu_has_flag("la57") ? 5 : 4, s.levels);
	EXPECT_EQ(cpu_has_flag("pti"), s.pti);
	EXPECT_LE(1, s.processes);
	for (i = 0; i < s.nslots; i++) {
		const struct ko_slot *t = &s.slots[i];
		bool clone;

		if (t->user)
			continue;
		in_use++;
		by_all += !t->differ;
		EXPECT_EQ(s.processes, t->same + t->differ);
		if (!t->next)
			continue;
		/*
		 * A slot pointing to the same table as the slot before it
		 * (KASAN's shadow spans many) has its tables counted there.
		 */
		clone = i && !s.slots[i - 1].user && s.slots[i - 1].next == t->next &&
			s.slots[i - 1].index + 1 == t->index;
		if (clone) {
			EXPECT_EQ(0, t->tables);
		} else {
			EXPECT_LE(1, t->tables);
		}
		tables += t->tables;
		if (t->same > 1)
			saved += (t->same - 1) * t->tables * 4096;
	}
	EXPECT_EQ(in_use, s.in_use);
	EXPECT_EQ(by_all, s.by_all);
	EXPECT_EQ(tables, s.tables);
	EXPECT_EQ(saved, s.saved);
	EXPECT_EQ(s.nexc, s.end_exceptions);
	EXPECT_EQ(0, s.unlisted);
	EXPECT_LT(0, s.in_use);
	ko_sharing_free(&s);
}

/*
 * N processes share every kernel slot with the reader. The one exception
 * is documented: with PTI, a process that sets an LDT gets its own LDT
 * remap slot, in both copies of its table. Without PTI nothing differs.
 */
TEST(every_slot_shared_but_the_ldt_remap)
{
	struct ko_sharing s;
	struct kids k;
	int ldt_exc = 0, ldt_user_exc = 0;
	size_t i;

	ASSERT_EQ(0, spawn(&k, NKIDS, true));
	ASSERT_EQ(0, read_sharing(&s));
	EXPECT_LE(NKIDS + 1, s.processes);
	for (i = 0; i < s.nexc; i++) {
		const struct ko_exception *x = &s.exc[i];
		const struct ko_slot *t = slot_get(&s, x->user, x->slot);

		ASSERT_NE(NULL, t);
		EXPECT_TRUE(has_region(t->regions, "ldt-remap"))
			TH_LOG("pid %d differs in slot %u (%s)", x->pid, x->slot, t->regions);
		if (x->pid == k.pid[0]) {
			ldt_exc += !x->user;
			ldt_user_exc += x->user;
		}
		EXPECT_NE(0, x->next) TH_LOG("an exception without an LDT table");
	}
	if (s.pti) {
		EXPECT_EQ(1, ldt_exc);
		EXPECT_EQ(1, ldt_user_exc);
	} else {
		EXPECT_EQ(0, s.nexc);
	}
	for (i = 0; i < s.nslots; i++)
		if (!has_region(s.slots[i].regions, "ldt-remap"))
			EXPECT_EQ(0, s.slots[i].differ) TH_LOG("slot %u", s.slots[i].index);
	reap(&k);
	ko_sharing_free(&s);
}

/* A process created now is in the next scan (seen by its LDT with PTI). */
TEST(new_process_is_included)
{
	struct ko_sharing before, after;
	struct kids k;
	size_t i;
	bool seen = false;

	int tries;

	/* Another process may exit between the scans: try the count again. */
	for (tries = 0;; tries++) {
		ASSERT_EQ(0, read_sharing(&before));
		ASSERT_EQ(0, spawn(&k, 1, true));
		ASSERT_EQ(0, read_sharing(&after));
		if (before.processes + 1 <= after.processes || tries == 2)
			break;
		reap(&k);
		ko_sharing_free(&before);
		ko_sharing_free(&after);
	}
	EXPECT_LE(before.processes + 1, after.processes);
	for (i = 0; i < after.nexc; i++)
		seen |= after.exc[i].pid == k.pid[0];
	if (after.pti)
		EXPECT_TRUE(seen) TH_LOG("pid %d not scanned", k.pid[0]);
	reap(&k);
	ko_sharing_free(&before);
	ko_sharing_free(&after);
}

/* Processes exit (some with an LDT) while scans run: every scan completes. */
TEST(exits_during_scan)
{
	pid_t churn = fork();
	int i, status;

	ASSERT_LE(0, churn);
	if (churn == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 0;; i++) {
			pid_t p = fork();

			if (p == 0) {
				if (i & 1)
					set_ldt();
				_exit(0);
			}
			if (p > 0)
				waitpid(p, NULL, 0);
		}
	}
	for (i = 0; i < 30; i++) {
		struct ko_sharing s;

		ASSERT_EQ(0, read_sharing(&s)) TH_LOG("read %d: %s", i, strerror(errno));
		EXPECT_TRUE(s.complete);
		EXPECT_LE(2, s.processes);
		ko_sharing_free(&s);
	}
	kill(churn, SIGKILL);
	ASSERT_EQ(churn, waitpid(churn, &status, 0));
}

/* Slots of the kernel half where ptdump's walk of a copy finds a leaf. */
static int ptdump_slots(const char *copy, int levels, bool *slots)
{
	char path[128], *text;
	struct ko_ptdump pt;
	unsigned int shift = levels == 5 ? 48 : 39;
	size_t i;

	snprintf(path, sizeof(path), KO_DIR "/ptdump_%s", copy);
	text = read_whole(path, NULL);
	if (!text)
		return -1;
	if (ko_parse_ptdump(text, ko_kernel_start(levels), true, &pt)) {
		free(text);
		return -1;
	}
	for (i = 0; i < pt.n; i++)
		slots[(pt.ranges[i].start >> shift) & 511] = true;
	ko_ptdump_free(&pt);
	free(text);
	return 0;
}

/*
 * With PTI the reader's user copy maps exactly the slots in which ptdump
 * finds leaves, cpu_entry_area's among them, and every process's user copy
 * shares them. Without PTI there is no user copy.
 */
TEST(pti_user_copy_slots)
{
	bool want[512] = { false };
	struct ko_sharing s;
	bool cea = false;
	size_t i;

	ASSERT_EQ(0, read_sharing(&s));
	if (!s.pti) {
		EXPECT_TRUE(s.user_copy_none);
		for (i = 0; i < s.nslots; i++)
			EXPECT_FALSE(s.slots[i].user);
		ko_sharing_free(&s);
		SKIP(return, "pti off: there is no user copy (checked that none is reported)");
	}
	EXPECT_FALSE(s.user_copy_none);
	for (i = 0; i < s.nslots; i++) {
		const struct ko_slot *t = &s.slots[i];

		if (!t->user || !t->next)
			continue;
		cea |= has_region(t->regions, "cpu-entry-area");
		if (!has_region(t->regions, "ldt-remap"))
			EXPECT_EQ(s.processes, t->same) TH_LOG("user slot %u", t->index);
		EXPECT_STRNE("none", t->kernel);
	}
	EXPECT_TRUE(cea);
	if (access(KO_DIR "/ptdump_user", R_OK)) {
		ko_sharing_free(&s);
		SKIP(return, "no ptwalk_oracle module: slots not compared with ptdump");
	}
	ASSERT_EQ(0, ptdump_slots("user", s.levels, want));
	for (i = 256; i < 512; i++) {
		const struct ko_slot *t = slot_get(&s, true, i);

		EXPECT_EQ(want[i], t && t->next) TH_LOG("user slot %zu", i);
	}
	ko_sharing_free(&s);
}

TEST(permission_at_open)
{
	int e = open_errno_as(AS_NOBODY, SHARING_FILE, O_RDONLY);

	EXPECT_TRUE(e == EACCES || e == EPERM) TH_LOG("nobody: %d", e);
	e = open_errno_as(AS_ROOT_WITHOUT_SYS_ADMIN, SHARING_FILE, O_RDONLY);
	EXPECT_EQ(EPERM, e) TH_LOG("root without CAP_SYS_ADMIN");
}

PTW_HARNESS_MAIN
