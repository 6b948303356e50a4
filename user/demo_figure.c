// SPDX-License-Identifier: GPL-2.0
/*
 * Demo step 12: the lecture's Figure 13.2 with three real processes. The
 * tool writes a private buffer and a shared one, then forks twice: one
 * child only reads (copy-on-write leaves it on the parent's frames), the
 * other writes half of the private pages (each write copies its page to a
 * new frame) and one shared page (no copy: shared memory). The snapshots
 * of all three are drawn side by side with the frames between them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "ptwalk.h"
#include "render.h"
#include "svg.h"

#define PAGE		4096UL
#define PRIV_PAGES	8
#define SHM_PAGES	4
#define WRITTEN		4	/* private pages the writer writes */

struct child {
	pid_t pid;
	int go[2], done[2];
};

/* Wait for "go", do the child's part, report, wait for the end. */
static void __attribute__((noreturn)) child_main(struct child *c, volatile char *buf,
						 bool writer)
{
	unsigned long i;
	char x = 0;

	if (read(c->go[0], &x, 1) != 1)
		_exit(1);
	for (i = 0; i < PRIV_PAGES + SHM_PAGES; i++) {
		if (writer && (i < WRITTEN || i == PRIV_PAGES))
			buf[i * PAGE] = 'w';
		else
			x += buf[i * PAGE];
	}
	if (write(c->done[1], &x, 1) != 1)
		_exit(1);
	if (read(c->go[0], &x, 1) < 0)
		_exit(1);
	_exit(0);
}

static void start_child(struct child *c, volatile char *buf, bool writer)
{
	char x = 'g';

	if (pipe(c->go) || pipe(c->done))
		fatal(EXIT_FAIL, "pipe: %s", strerror(errno));
	fflush(stdout);
	c->pid = fork();
	if (c->pid < 0)
		fatal(EXIT_FAIL, "fork: %s", strerror(errno));
	if (c->pid == 0)
		child_main(c, buf, writer);
	if (write(c->go[1], &x, 1) != 1 || read(c->done[0], &x, 1) != 1)
		fatal(EXIT_FAIL, "demo child %d did not answer", (int)c->pid);
}

/*
 * A byte, not end-of-file, tells it to exit: the second child inherited
 * the first one's pipe ends, so closing ours would never reach EOF.
 */
static void end_child(struct child *c)
{
	int status;

	if (write(c->go[1], "x", 1) != 1)
		fatal(EXIT_FAIL, "demo child %d: %s", (int)c->pid, strerror(errno));
	waitpid(c->pid, &status, 0);
	close(c->go[1]);
	close(c->go[0]);
	close(c->done[0]);
	close(c->done[1]);
}

static unsigned long long pa_of(const struct snapshot *sn, unsigned long va, bool *ok)
{
	unsigned long long pa = 0;

	*ok &= run_at(&sn->maps, va, &pa) != NULL;
	return pa;
}

void step_figure(struct step *s)
{
	static const char *const roles[3] = {
		"parent", "child: read only", "child: wrote",
	};
	unsigned long same_reader = 0, same_writer = 0, copied = 0, shm_same = 0, i;
	struct snapshot *sn[3];
	struct pt_maps maps[3];
	struct child reader, writer;
	bool present = true, expected;
	const char *svg;
	volatile char *buf;
	int p;

	s->title = "three processes and their frames (Figure 13.2)";
	s->does = "Write 8 private and 4 shared pages, fork a child that only reads "
		  "them and one that writes private pages 0-3 and shared page 0, and "
		  "draw the three address spaces with the frames they map.";
	buf = mmap(NULL, (PRIV_PAGES + SHM_PAGES) * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED ||
	    mmap((void *)(buf + PRIV_PAGES * PAGE), SHM_PAGES * PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		fatal(EXIT_FAIL, "mmap: %s", strerror(errno));
	/* THP would back the private part with one 2M frame: keep 4K pages. */
	madvise((void *)buf, PRIV_PAGES * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < PRIV_PAGES + SHM_PAGES; i++)
		buf[i * PAGE] = 'p';
	s->lo = (unsigned long)buf;
	s->hi = s->lo + (PRIV_PAGES + SHM_PAGES) * PAGE;
	start_child(&reader, buf, false);
	start_child(&writer, buf, true);

	sn[0] = demo_snap(s, "parent", 0);
	sn[1] = demo_snap(s, "child that only read", reader.pid);
	sn[2] = demo_snap(s, "child that wrote", writer.pid);
	svg = demo_file(s, "step12-frames.svg");
	if (svg) {
		for (p = 0; p < 3; p++)
			maps[p] = sn[p]->maps;
		svg_figure_file(svg, maps, 3, roles, s->lo, s->hi, true);
		/* The same three whole: shared code and data, scattered frames. */
		svg_figure_file(demo_file(s, "step12-frames-all.svg"), maps, 3, roles,
				0, ~0UL, true);
	}
	for (i = 0; i < PRIV_PAGES + SHM_PAGES; i++) {
		unsigned long va = s->lo + i * PAGE;
		unsigned long long a = pa_of(sn[0], va, &present);
		unsigned long long b = pa_of(sn[1], va, &present);
		unsigned long long c = pa_of(sn[2], va, &present);

		if (i < PRIV_PAGES) {
			same_reader += a == b;
			same_writer += a == c;
			copied += i < WRITTEN && a != c;
		} else {
			shm_same += a == b && a == c;
		}
	}
	fact_uint(s, "reader_pid", reader.pid);
	fact_uint(s, "writer_pid", writer.pid);
	fact_uint(s, "private_pages", PRIV_PAGES);
	fact_uint(s, "shared_pages", SHM_PAGES);
	fact_uint(s, "written_private_pages", WRITTEN);
	fact_bool(s, "all_pages_present", present);
	fact_uint(s, "reader_private_frames_shared_with_parent", same_reader);
	fact_uint(s, "writer_private_frames_shared_with_parent", same_writer);
	fact_uint(s, "writer_private_pages_copied", copied);
	fact_uint(s, "shared_pages_on_one_frame_in_all", shm_same);
	fact_bool(s, "parent_sees_shared_write", buf[PRIV_PAGES * PAGE] == 'w');
	end_child(&reader);
	end_child(&writer);
	expected = present && sn[0]->maps.pfn_shown && same_reader == PRIV_PAGES &&
		   copied == WRITTEN && same_writer == PRIV_PAGES - WRITTEN &&
		   shm_same == SHM_PAGES && buf[PRIV_PAGES * PAGE] == 'w';
	s->expected = expected;
	snprintf(s->shows, sizeof(s->shows),
		 "the reader still maps all %lu private pages on the parent's frames "
		 "(copy-on-write copies nothing on reads); the writer got %lu new "
		 "frames for the %d pages it wrote and shares the other %lu; the %d "
		 "shared pages sit on the same frames in all three, so the parent sees "
		 "the writer's byte. Pages map to scattered frames, not to one block.",
		 same_reader, copied, WRITTEN, same_writer, SHM_PAGES);
	munmap((void *)buf, (PRIV_PAGES + SHM_PAGES) * PAGE);
}
