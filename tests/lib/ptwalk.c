// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ptwalk.h"
#include "util.h"

static unsigned long size_bytes(const char *s)
{
	if (!strcmp(s, "4K"))
		return 4096UL;
	if (!strcmp(s, "2M"))
		return 2UL << 20;
	if (!strcmp(s, "1G"))
		return 1UL << 30;
	return 0;
}

/* Squeeze runs of spaces: /proc/PID/maps pads its name column. */
static void squeeze(char *dst, size_t sz, const char *src, size_t len)
{
	size_t n = 0;
	size_t i;

	for (i = 0; i < len && n + 1 < sz; i++) {
		if (src[i] == ' ' && n && dst[n - 1] == ' ')
			continue;
		dst[n++] = src[i];
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static int parse_run(const char *line, struct pw_run *r)
{
	char size[8], kind[24], v[64];
	int n = 0;

	memset(r, 0, sizeof(*r));
	if (sscanf(line, "run 0x%lx-0x%lx %7s %lu %23s %n", &r->start, &r->end,
		   size, &r->pages, kind, &n) < 5)
		return -1;
	r->page = size_bytes(size);
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	if (line_field(line, "pa", v, sizeof(v)))
		r->pa = strtoull(v, NULL, 16);
	if (line_field(line, "type", v, sizeof(v)))
		r->type = strtoul(v, NULL, 10);
	if (line_field(line, "offset", v, sizeof(v)))
		r->offset = strtoul(v, NULL, 16);
	if (!line_field(line, "flags", r->flags, sizeof(r->flags)) ||
	    !line_field(line, "cache", r->cache, sizeof(r->cache)) || !r->page)
		return -1;
	if (r->end <= r->start || (r->end - r->start) / r->page != r->pages)
		return -1;
	return 0;
}

int pw_maps_parse(const char *text, struct pw_maps *m)
{
	const char *line = text;
	size_t cap_r = 64, cap_v = 16;

	memset(m, 0, sizeof(*m));
	if (strncmp(text, "ptwalk-maps 1\n", 14)) {
		fprintf(stderr, "# maps: bad version line\n");
		return -1;
	}
	m->runs = malloc(cap_r * sizeof(*m->runs));
	m->vmas = malloc(cap_v * sizeof(*m->vmas));
	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		size_t len = strcspn(line, "\n");
		char v[32];

		if (!strncmp(line, "target ", 7)) {
			char l[256];

			snprintf(l, sizeof(l), " %.*s", (int)len, line + 7);
			if (line_field(l, "pid", v, sizeof(v)))
				m->pid = atoi(v);
			if (line_field(l, "levels", v, sizeof(v)))
				m->levels = atoi(v);
			m->pfn_shown = line_field(l, "pfn", v, sizeof(v)) && !strcmp(v, "shown");
		} else if (!strncmp(line, "vma ", 4)) {
			struct pw_vma *vm;

			if (m->nvmas == cap_v)
				m->vmas = realloc(m->vmas, (cap_v *= 2) * sizeof(*m->vmas));
			vm = &m->vmas[m->nvmas++];
			squeeze(vm->line, sizeof(vm->line), line + 4, len - 4);
			sscanf(vm->line, "%lx-%lx", &vm->start, &vm->end);
		} else if (!strncmp(line, "run ", 4)) {
			if (m->nruns == cap_r)
				m->runs = realloc(m->runs, (cap_r *= 2) * sizeof(*m->runs));
			if (parse_run(line, &m->runs[m->nruns])) {
				fprintf(stderr, "# maps: bad run line: %.*s\n", (int)len, line);
				return -1;
			}
			m->nruns++;
		} else if (!strncmp(line, "end runs=", 9)) {
			m->complete = (size_t)atol(line + 9) == m->nruns;
		}
	}
	return 0;
}

char *pw_request(const char *path, const char *req)
{
	int fd = open(path, O_RDWR);
	char *buf = NULL;
	int e;

	if (fd < 0)
		fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	if (!req || write(fd, req, strlen(req)) == (ssize_t)strlen(req))
		buf = read_fd_whole(fd, NULL);
	e = errno;
	close(fd);
	errno = e;
	return buf;
}

int pw_maps_read(pid_t pid, bool nonpresent, struct pw_maps *m)
{
	char req[32];
	char *text = NULL;
	int fd, ret;

	fd = open(PTWALK_DIR "/maps", O_RDWR);
	if (fd < 0)
		return -1;
	snprintf(req, sizeof(req), "%d\n", pid);
	if ((!nonpresent || write(fd, "nonpresent on", 13) == 13) &&
	    (!pid || write(fd, req, strlen(req)) == (ssize_t)strlen(req)))
		text = read_fd_whole(fd, NULL);
	close(fd);
	if (!text)
		return -1;
	ret = pw_maps_parse(text, m);
	free(text);
	return ret;
}

void pw_maps_free(struct pw_maps *m)
{
	free(m->runs);
	free(m->vmas);
	memset(m, 0, sizeof(*m));
}

const struct pw_run *pw_maps_find(const struct pw_maps *m, unsigned long va)
{
	size_t lo = 0, hi = m->nruns;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct pw_run *r = &m->runs[mid];

		if (va < r->start)
			hi = mid;
		else if (va >= r->end)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

bool pw_has_flag(const char *flags, const char *name)
{
	size_t n = strlen(name);
	const char *p = flags;

	while ((p = strstr(p, name))) {
		if ((p == flags || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

long pw_info_num(const char *key)
{
	char *info = read_whole(PTWALK_DIR "/info", NULL);
	char v[32] = "-1";

	if (info)
		kv_get(info, key, v, sizeof(v));
	free(info);
	return strtol(v, NULL, 0);
}

long pw_module_bytes(void)
{
	char *text = pw_request(PTWALK_DIR "/alloc", NULL), *p;
	long v = -1;

	p = text ? strstr(text, " module_bytes=") : NULL;
	if (p)
		v = strtol(p + 14, NULL, 10);
	free(text);
	return v;
}

int pw_walk(const char *req, struct pw_walk *w, char **textp)
{
	char *text = pw_request(PTWALK_DIR "/walk", req);
	const char *line;

	memset(w, 0, sizeof(*w));
	if (!text)
		return -1;
	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		size_t len = strcspn(line, "\n");
		char name[16];

		if (!strncmp(line, "pa 0x", 5)) {
			w->translated = true;
			w->pa = strtoull(line + 5, NULL, 16);
		} else if (!strncmp(line, "stop ", 5)) {
			snprintf(w->stop, sizeof(w->stop), "%.*s", (int)len - 5, line + 5);
		} else if (sscanf(line, "%15s index=", name) == 1 &&
			   !strncmp(line + strlen(name), " index=", 7)) {
			if (strstr(name, "-user")) {
				w->has_user_copy = true;
				continue;
			}
			if (w->nlevels < 6)
				snprintf(w->level[w->nlevels++], sizeof(w->level[0]), "%s", name);
			snprintf(w->leaf_line, sizeof(w->leaf_line), "%.*s", (int)len, line);
		}
	}
	if (textp)
		*textp = text;
	else
		free(text);
	return 0;
}

uint64_t *pagemap_range(pid_t pid, unsigned long start, unsigned long end)
{
	char path[64];
	size_t n = (end - start) / 4096;
	uint64_t *e = calloc(n ? n : 1, sizeof(*e));
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || !e)
		goto err;
	if (pread(fd, e, n * 8, (off_t)(start / 4096) * 8) != (ssize_t)(n * 8))
		goto err;
	close(fd);
	return e;
err:
	if (fd >= 0)
		close(fd);
	free(e);
	return NULL;
}

static bool is_vma_header(const char *line)
{
	unsigned long s, e;
	char perms[8];

	return sscanf(line, "%lx-%lx %7s ", &s, &e, perms) == 3 &&
	       strlen(perms) == 4;
}

int proc_maps(pid_t pid, struct pm_vma **out)
{
	char path[64], line[1024];
	FILE *f;
	int n = 0, cap = 32;
	bool skip = false;
	struct pm_vma *v = malloc(cap * sizeof(*v));

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f) {
		free(v);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (is_vma_header(line)) {
			skip = strstr(line, "[vsyscall]") != NULL;
			if (skip)
				continue;
			if (n == cap)
				v = realloc(v, (cap *= 2) * sizeof(*v));
			sscanf(line, "%lx-%lx", &v[n].start, &v[n].end);
			squeeze(v[n].line, sizeof(v[n].line), line, strcspn(line, "\n"));
			v[n].pfnmap = false;
			n++;
		} else if (!skip && n && !strncmp(line, "VmFlags:", 8)) {
			v[n - 1].pfnmap = strstr(line, " pf") != NULL;
		}
	}
	fclose(f);
	*out = v;
	return n;
}

int pw_maps_compare(pid_t pid, const struct pw_maps *m, struct pw_diff *d)
{
	struct pm_vma *v;
	int n = proc_maps(pid, &v), i;

	memset(d, 0, sizeof(*d));
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		uint64_t *pm;
		unsigned long va;

		/* pagemap reports VM_PFNMAP ranges (vvar) as holes: no oracle. */
		if (v[i].pfnmap) {
			d->pfnmap++;
			continue;
		}
		pm = pagemap_range(pid, v[i].start, v[i].end);
		if (!pm) {
			free(v);
			return -1;
		}
		for (va = v[i].start; va < v[i].end; va += 4096) {
			uint64_t e = pm[(va - v[i].start) / 4096];
			const struct pw_run *r = pw_maps_find(m, va);
			bool ours = r && !strcmp(r->kind, "mapped");

			if (ours && (e & PM_PRESENT)) {
				unsigned long long pfn = (r->pa + (va - r->start)) >> 12;

				if (pfn == PM_PFN(e)) {
					d->matched++;
				} else {
					if (d->wrong_pfn++ < 5)
						fprintf(stderr, "# %lx: pfn %llx, pagemap %llx\n",
							va, pfn, (unsigned long long)PM_PFN(e));
				}
			} else if (ours) {
				if (d->extra++ < 5)
					fprintf(stderr, "# %lx: mapped here, not in pagemap\n", va);
			} else if (e & PM_PRESENT) {
				if (d->missing++ < 5)
					fprintf(stderr, "# %lx: present in pagemap, missing here\n", va);
			}
		}
		free(pm);
	}
	free(v);
	return 0;
}

static const char *const fault_names[PWF_NR] = {
	[PWF_HEADER] = "header",
	[PWF_SYNTAX] = "unknown or malformed line",
	[PWF_RUN_ALIGN] = "run START not aligned to its SIZE",
	[PWF_RUN_PAGES] = "run of 0 pages",
	[PWF_RUN_END] = "run END != START + PAGES x SIZE",
	[PWF_RUN_ORDER] = "runs out of order or overlapping",
	[PWF_RUN_VMA] = "run outside the VMA line before it",
	[PWF_VMA_ORDER] = "VMA lines out of order or overlapping",
	[PWF_END] = "no \"end runs=N\" last line, or N != run lines",
};

const char *pw_fault_name(enum pw_fault fault)
{
	return fault < PWF_NR ? fault_names[fault] : "?";
}

static void fault(struct pw_faults *f, enum pw_fault kind, const char *line,
		  unsigned long *found)
{
	if (!f->n[kind]++)
		snprintf(f->first[kind], sizeof(f->first[kind]), "%.*s",
			 (int)strcspn(line, "\n"), line);
	(*found)++;
}

unsigned long pw_maps_check(const char *text, struct pw_faults *f)
{
	unsigned long vma_start = 0, vma_end = 0, prev_vma_end = 0;
	unsigned long prev_run_end = 0, runs = 0, found = 0;
	bool have_vma = false, ended = false;
	const char *line, *next;
	int nr = 0;

	f->outputs++;
	if (strncmp(text, "ptwalk-maps 1\n", 14))
		fault(f, PWF_HEADER, text, &found);
	for (line = text; *line; line = next, nr++) {
		size_t len = strcspn(line, "\n");
		unsigned long start, end, pages, size;
		char sz[8];
		int n = 0;

		next = line[len] ? line + len + 1 : line + len;
		if (nr == 0)
			continue;	/* checked above */
		if (nr == 1) {
			if (strncmp(line, "target ", 7))
				fault(f, PWF_HEADER, line, &found);
			continue;
		}
		if (ended) {
			fault(f, PWF_END, line, &found);	/* lines after the end */
			break;
		}
		if (!strncmp(line, "vma ", 4)) {
			if (sscanf(line, "vma %lx-%lx %n", &start, &end, &n) != 2 || !n ||
			    start >= end) {
				fault(f, PWF_SYNTAX, line, &found);
				continue;
			}
			if (have_vma && start < prev_vma_end) {
				char both[192];

				snprintf(both, sizeof(both), "vma %lx-%lx, then %.*s",
					 vma_start, prev_vma_end, (int)len, line);
				fault(f, PWF_VMA_ORDER, both, &found);
			}
			have_vma = true;
			vma_start = start;
			vma_end = prev_vma_end = end;
		} else if (!strncmp(line, "run ", 4)) {
			runs++;
			f->runs++;
			if (sscanf(line, "run 0x%lx-0x%lx %7s %lu %n", &start, &end, sz,
				   &pages, &n) != 4 || !n || !(size = size_bytes(sz))) {
				fault(f, PWF_SYNTAX, line, &found);
				continue;
			}
			if (start & (size - 1))
				fault(f, PWF_RUN_ALIGN, line, &found);
			if (!pages)
				fault(f, PWF_RUN_PAGES, line, &found);
			if (end != start + pages * size)
				fault(f, PWF_RUN_END, line, &found);
			if (start < prev_run_end)
				fault(f, PWF_RUN_ORDER, line, &found);
			if (!have_vma || start < vma_start || end > vma_end)
				fault(f, PWF_RUN_VMA, line, &found);
			prev_run_end = end;
		} else if (!strncmp(line, "end runs=", 9)) {
			char *e;
			unsigned long want = strtoul(line + 9, &e, 10);

			if (want != runs || e != line + len || !line[len])
				fault(f, PWF_END, line, &found);
			ended = true;
		} else {
			fault(f, PWF_SYNTAX, line, &found);
		}
	}
	if (!ended)
		fault(f, PWF_END, "(output ends without \"end runs=N\")", &found);
	return found;
}

unsigned long pw_faults_total(const struct pw_faults *f)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < PWF_NR; i++)
		n += f->n[i];
	return n;
}

void pw_faults_print(const char *who, const struct pw_faults *f)
{
	int i;

	for (i = 0; i < PWF_NR; i++)
		if (f->n[i])
			fprintf(stderr, "# %s: %lu x %s, first: %s\n", who, f->n[i],
				fault_names[i], f->first[i]);
}

static unsigned long leaf_bytes(const char *level)
{
	if (!strcmp(level, "PTE"))
		return 4096UL;
	if (!strcmp(level, "PMD"))
		return 2UL << 20;
	if (!strcmp(level, "PUD"))
		return 1UL << 30;
	return 0;
}

#define WHY(...) (snprintf(why, whysz, __VA_ARGS__), -1)

int pw_walk_check(const char *text, pid_t pid, unsigned long va, int levels,
		  char *why, size_t whysz)
{
	static const char *const order5[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	static const char *const order4[] = { "PGD", "PUD", "PMD", "PTE" };
	const char *const *order = levels == 5 ? order5 : order4;
	int norder = levels == 5 ? 5 : 4, nlev = 0, nr = 0;
	char last[16] = "", last_line[512] = "", head[128], v[64];
	const char *line, *next;
	bool hidden = false, done = false;

	if (strncmp(text, "ptwalk-walk 1\n", 14))
		return WHY("first line is not \"ptwalk-walk 1\"");
	for (line = text; *line; line = next, nr++) {
		size_t len = strcspn(line, "\n");
		char name[16];

		next = line[len] ? line + len + 1 : line + len;
		if (!line[len])
			return WHY("last line without a newline: %.*s", (int)len, line);
		if (nr == 0)
			continue;
		if (done)
			return WHY("a line after the outcome: %.*s", (int)len, line);
		if (nr == 1) {
			snprintf(head, sizeof(head), "target pid=%d va=0x%lx levels=%d ",
				 pid, va, levels);
			if (strncmp(line, head, strlen(head)))
				return WHY("target line \"%.*s\", expected \"%s...\"",
					   (int)len, line, head);
			hidden = strstr(line, " pfn=hidden") != NULL;
			continue;
		}
		if (nr == 2) {
			if (strncmp(line, "top pa=0x", 9))
				return WHY("no top line: %.*s", (int)len, line);
			continue;
		}
		if (sscanf(line, "%15s index=", name) == 1 &&
		    !strncmp(line + strlen(name), " index=", 7)) {
			if (!strcmp(name, "PGD-user")) {
				if (nlev != 1 || strcmp(last, "PGD"))
					return WHY("PGD-user not right after PGD");
				continue;
			}
			if (nlev >= norder || strcmp(name, order[nlev]))
				return WHY("level %s where %s was due", name,
					   nlev < norder ? order[nlev] : "the outcome");
			if (nlev && !strstr(last_line, " next=0x"))
				return WHY("level %s below a level that is no table: %s",
					   name, last_line);
			snprintf(last, sizeof(last), "%s", name);
			snprintf(last_line, sizeof(last_line), "%.*s", (int)len, line);
			nlev++;
		} else if (!strncmp(line, "pa 0x", 5)) {
			unsigned long long pa = strtoull(line + 5, NULL, 16), frame;
			unsigned long size = leaf_bytes(last);
			char want[16];

			done = true;
			if (!line_field(last_line, "leaf", v, sizeof(v)))
				return WHY("pa after a level without leaf=: %s", last_line);
			snprintf(want, sizeof(want), "%s", size == 4096 ? "4K" :
				 size == 2UL << 20 ? "2M" : size == 1UL << 30 ? "1G" : "?");
			if (strcmp(v, want))
				return WHY("leaf=%s at level %s", v, last);
			if (!line_field(last_line, "frame", v, sizeof(v)))
				return WHY("leaf without frame=: %s", last_line);
			frame = strtoull(v, NULL, 16);
			if (frame & (size - 1))
				return WHY("frame 0x%llx not aligned to %s", frame, want);
			if (!hidden && pa != frame + (va & (size - 1)))
				return WHY("pa 0x%llx, frame 0x%llx + offset 0x%lx", pa,
					   frame, va & (size - 1));
		} else if (!strncmp(line, "stop ", 5)) {
			done = true;
			if (!line_field(line, "level", v, sizeof(v)) ||
			    (strncmp(line, "stop none ", 10) &&
			     strncmp(line, "stop not-present ", 17) &&
			     strncmp(line, "stop bad ", 9)))
				return WHY("stop line for a mapped user address: %.*s",
					   (int)len, line);
			if (nlev ? strcmp(v, last) : strcmp(v, "PGD"))
				return WHY("%.*s after level %s", (int)len, line,
					   nlev ? last : "none");
			if (strstr(last_line, " next=0x") || strstr(last_line, " leaf="))
				return WHY("%.*s after a table or leaf: %s", (int)len, line,
					   last_line);
		} else {
			return WHY("unknown line: %.*s", (int)len, line);
		}
	}
	if (!done)
		return WHY("no pa or stop line (%d lines)", nr);
	return 0;
}
