// SPDX-License-Identifier: GPL-2.0
/*
 * The two ways to read a whole address space, both in 64 KiB reads:
 *  - ptwalk: /proc/ptwalk/maps, request "PID" then "nonpresent on";
 *  - pagemap: /proc/PID/maps, then pread of /proc/PID/pagemap over each VMA,
 *    at most `cap` bytes of address space per VMA, the VMA's time scaled by
 *    size / bytes read (linear extrapolation).
 * Each dumper counts present pages when asked; timed runs do not count.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ptwfmt.h"
#include "bench.h"

#define VSYSCALL_START 0xff00000000000000UL

static char buf[CHUNK] __attribute__((aligned(4096)));

static int request(int fd, const char *req)
{
	ssize_t n = write(fd, req, strlen(req));

	return n == (ssize_t)strlen(req) ? 0 : -1;
}

static unsigned long overlap(unsigned long s, unsigned long e,
			     unsigned long rs, unsigned long re)
{
	unsigned long a = s > rs ? s : rs, b = e < re ? e : re;

	return b > a ? b - a : 0;
}

static unsigned long size_bytes(const char *size)
{
	if (!strcmp(size, "4K"))
		return 4 * KIB;
	if (!strcmp(size, "2M"))
		return 2 * MIB;
	if (!strcmp(size, "1G"))
		return GIB;
	return 0;
}

/*
 * One complete line of ptwalk output, tokenized in place. Returns 1 for the
 * end line, -1 on a line it cannot read.
 */
static int count_line(char *line, struct pw_count *c)
{
	unsigned long long s, e, pages;
	unsigned long pgsz, n;
	struct ptw_line l;
	const char *kind;

	/* The header, without its newline; another version does not tokenize. */
	if (strlen(line) + 1 == strlen(PTW_HEADER(maps)) &&
	    !strncmp(line, PTW_HEADER(maps), strlen(line)))
		return 0;
	if (ptw_tokenize(line, &l))
		return -1;
	if (!strcmp(l.tag, "end"))
		return ptw_get(&l, "runs") ? 1 : -1;
	if (strcmp(l.tag, "run"))
		return 0;
	kind = ptw_get(&l, "kind");
	if (ptw_num(ptw_get(&l, "start"), &s) || ptw_num(ptw_get(&l, "end"), &e) ||
	    ptw_num(ptw_get(&l, "pages"), &pages) || !ptw_get(&l, "size") || !kind)
		return -1;
	c->runs++;
	if (strcmp(kind, "mapped"))
		return 0;
	pgsz = size_bytes(ptw_get(&l, "size"));
	if (!pgsz || pages * pgsz != e - s)
		return -1;
	n = pages * pgsz / PAGE;
	c->total += n;
	if (pgsz == 2 * MIB)
		c->huge2m += n;
	for (int i = 0; c->in && i < c->in->n; i++) {
		unsigned long k = overlap(s, e, c->in->start[i], c->in->end[i]) / PAGE;

		c->in_ranges += k;
		c->per_range[i] += k;
	}
	if (c->region)
		c->in_region += overlap(s, e, c->region->start,
					c->region->start + c->region->len) / PAGE;
	return 0;
}

/*
 * Dump PID through /proc/ptwalk/maps with non-present entries on; bytes
 * produced in *bytes. With c, parse and count (lines may straddle reads).
 */
int ptwalk_dump(pid_t pid, unsigned long *bytes, struct pw_count *c)
{
	static char line[4096];
	size_t llen = 0;
	char req[32];
	int fd, ended = 0, ret = -1;
	ssize_t n;

	*bytes = 0;
	fd = open("/proc/ptwalk/maps", O_RDWR);
	if (fd < 0)
		return -1;
	snprintf(req, sizeof(req), "%d", pid);
	if (request(fd, req) || request(fd, "nonpresent on"))
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		*bytes += n;
		for (ssize_t i = 0; c && i < n; i++) {
			if (buf[i] != '\n') {
				if (llen < sizeof(line) - 1)
					line[llen++] = buf[i];
				continue;
			}
			line[llen] = 0;
			llen = 0;
			switch (count_line(line, c)) {
			case 1:
				ended = 1;
				break;
			case -1:
				errno = EPROTO;
				goto out;
			}
		}
	}
	if (n == 0 && (!c || ended))
		ret = 0;
	else if (n == 0)
		errno = EPROTO;		/* no "end runs=" line: cut short */
out:
	close(fd);
	return ret;
}

/* /proc/PID/maps as address ranges (without [vsyscall]). */
static int read_maps(pid_t pid, struct ranges *vmas, unsigned long *bytes)
{
	static char text[256 * KIB];
	size_t len = 0;
	char path[64], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while (len < sizeof(text) - 1 &&
	       (n = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
		len += n;
	close(fd);
	text[len] = 0;
	*bytes += len;
	vmas->n = 0;
	for (p = text; *p && vmas->n < MAX_RANGES; p = strchr(p, '\n') + 1) {
		unsigned long s, e;

		if (sscanf(p, "%lx-%lx", &s, &e) == 2 && s < VSYSCALL_START) {
			vmas->start[vmas->n] = s;
			vmas->end[vmas->n++] = e;
		}
		if (!strchr(p, '\n'))
			break;
	}
	return 0;
}

/*
 * VMAs with VM_PFNMAP ("pf" in smaps' VmFlags): pagemap does not walk them
 * (walk_page_test() hands them to pte_hole, so they read as not present),
 * ptwalk does. The agreement check leaves them out.
 */
int pfnmap_vmas(pid_t pid, struct ranges *pf)
{
	unsigned long s = 0, e = 0, a, b;
	char path[64], line[512];
	FILE *f;

	pf->n = 0;
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &a, &b) == 2) {	/* a VMA's first line */
			s = a;
			e = b;
		} else if (!strncmp(line, "VmFlags:", 8) && strstr(line, " pf") &&
			   pf->n < MAX_RANGES) {
			pf->start[pf->n] = s;
			pf->end[pf->n++] = e;
		}
	}
	fclose(f);
	return 0;
}

static unsigned long count_present(const uint64_t *e, size_t n)
{
	unsigned long k = 0;

	for (size_t i = 0; i < n; i++)
		k += e[i] >> 63;
	return k;
}

/*
 * Dump PID through maps + pagemap. Each VMA is read up to cap bytes of
 * address space (0: no cap); its time is scaled by its size over what was
 * read. With count, present entries (bit 63) over what was read.
 */
int pagemap_dump(pid_t pid, unsigned long cap, int count, struct pm_dump *d)
{
	double t0 = now_s(), total;
	struct ranges vmas;
	char path[64];
	int fd;

	memset(d, 0, sizeof(*d));
	if (read_maps(pid, &vmas, &d->bytes))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	total = now_s() - t0;
	for (int i = 0; i < vmas.n; i++) {
		unsigned long s = vmas.start[i], e = vmas.end[i], re = e;
		double v0 = now_s(), vt;

		if (cap && e - s > cap) {
			re = s + cap;
			d->capped = 1;
		}
		for (unsigned long va = s; va < re;) {
			unsigned long want = (re - va) / PAGE * 8;
			ssize_t n;

			if (want > CHUNK)
				want = CHUNK;
			n = pread(fd, buf, want, va / PAGE * 8);
			if (n <= 0 || n % 8) {
				close(fd);
				if (n >= 0)
					errno = EPROTO;
				return -1;
			}
			d->bytes += n;
			if (count) {
				unsigned long k = count_present((uint64_t *)buf, n / 8);

				d->present += k;
				d->per_range[d->read.n] += k;
			}
			va += n / 8 * PAGE;
		}
		vt = now_s() - v0;
		total += vt * (double)(e - s) / (double)(re - s);
		d->bytes_full += (e - s) / PAGE * 8;
		d->read.start[d->read.n] = s;
		d->read.end[d->read.n++] = re;
	}
	close(fd);
	d->secs = total;
	return 0;
}

/* A reader that dumps PID forever (until killed), pinned on CPU 0. */
void reader_loop(pid_t pid, int use_ptwalk)
{
	unsigned long bytes;
	struct pm_dump d;

	pin_cpu(0);
	for (;;) {
		int r = use_ptwalk ? ptwalk_dump(pid, &bytes, NULL)
				   : pagemap_dump(pid, 0, 0, &d);
		if (r)
			_exit(1);
	}
}
