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

static bool np_kind(const char *kind)
{
	int i;

	for (i = 0; i < PTWNP_NR; i++)
		if (!strcmp(kind, ptw_np_names[i]))
			return true;
	return false;
}

/*
 * The fields of a run line, each present and readable, the keys its kind
 * has included; no arithmetic between them (pw_maps_check() classifies
 * that). 0 or -1.
 */
static int run_fields(const struct ptw_line *l, struct pw_run *r)
{
	unsigned long long start, end, pages, v;
	char size[8];

	memset(r, 0, sizeof(*r));
	if (strcmp(l->tag, "run") || ptw_get_num(l, "start", &start) || ptw_get_num(l, "end", &end) ||
	    ptw_get_str(l, "size", size, sizeof(size)) || ptw_get_num(l, "pages", &pages) ||
	    ptw_get_str(l, "kind", r->kind, sizeof(r->kind)) ||
	    ptw_get_str(l, "flags", r->flags, sizeof(r->flags)) ||
	    ptw_get_str(l, "cache", r->cache, sizeof(r->cache)))
		return -1;
	r->start = start;
	r->end = end;
	r->pages = pages;
	r->page = size_bytes(size);
	if (!r->page)
		return -1;
	if (!strcmp(r->kind, "swap") || !strcmp(r->kind, "other")) {
		if (ptw_get_num(l, "type", &v) || ptw_get_num(l, "offset", &r->offset))
			return -1;
		r->type = v;
	} else if (!strcmp(r->kind, "marker")) {
		if (ptw_get_num(l, "bits", &v))
			return -1;
	} else if (strcmp(r->kind, "mapped") && !np_kind(r->kind)) {
		return -1;
	} else if (ptw_get_num(l, "pa", &r->pa)) {
		return -1;	/* mapped, migration, device, hwpoison */
	}
	return 0;
}

int pw_run_parse(const struct ptw_line *l, struct pw_run *r)
{
	if (run_fields(l, r) || r->end <= r->start ||
	    (r->end - r->start) / r->page != r->pages ||
	    (r->end - r->start) % r->page)
		return -1;
	return 0;
}

/*
 * The maps line of a vma line's fields: /proc/PID/maps prints the name
 * raw but for a newline, which it writes \012 (seq_file_path()).
 */
static int vma_fields(const struct ptw_line *l, struct pw_vma *vm)
{
	unsigned long long start, end, offset, inode;
	char perms[8], dev[16], name[PTW_VALUE_MAX], line[PTW_VALUE_MAX * 4 + 128];
	const char *nm = ptw_get(l, "name");
	size_t n, i;

	if (strcmp(l->tag, "vma") || ptw_get_num(l, "start", &start) || ptw_get_num(l, "end", &end) ||
	    ptw_get_str(l, "perms", perms, sizeof(perms)) || strlen(perms) != 4 ||
	    ptw_get_num(l, "offset", &offset) || ptw_get_str(l, "dev", dev, sizeof(dev)) ||
	    ptw_get_num(l, "inode", &inode) || (nm && strlen(nm) >= sizeof(name)))
		return -1;
	vm->start = start;
	vm->end = end;
	snprintf(name, sizeof(name), "%s", nm ? nm : "");
	ptw_unescape(name);
	n = snprintf(line, sizeof(line), "%08llx-%08llx %s %08llx %s %llu ", start, end,
		     perms, offset, dev, inode);
	for (i = 0; name[i]; i++)
		n += name[i] == '\n' ? snprintf(line + n, sizeof(line) - n, "\\012") :
		     snprintf(line + n, sizeof(line) - n, "%c", name[i]);
	squeeze(vm->line, sizeof(vm->line), line, n);
	return 0;
}

int pw_maps_parse(const char *text, struct pw_maps *m)
{
	char *copy, *rest, *line;
	size_t cap_r = 64, cap_v = 16;
	struct ptw_line l;
	int ret = -1;

	memset(m, 0, sizeof(*m));
	if (strncmp(text, PTW_HEADER(maps), strlen(PTW_HEADER(maps)))) {
		fprintf(stderr, "# maps: bad version line\n");
		return -1;
	}
	copy = strdup(text);
	rest = copy + strlen(PTW_HEADER(maps));
	m->runs = malloc(cap_r * sizeof(*m->runs));
	m->vmas = malloc(cap_v * sizeof(*m->vmas));
	while ((line = ptw_next_line(&rest))) {
		unsigned long long v;

		if (ptw_tokenize(line, &l)) {
			fprintf(stderr, "# maps: malformed line: %.120s\n", line);
			goto out;
		}
		if (!strcmp(l.tag, "target")) {
			if (ptw_get_num(&l, "pid", &v))
				goto bad;
			m->pid = v;
			if (ptw_get_num(&l, "levels", &v))
				goto bad;
			m->levels = v;
			m->pfn_shown = ptw_get(&l, "pfn") && !strcmp(ptw_get(&l, "pfn"), "shown");
		} else if (!strcmp(l.tag, "vma")) {
			if (m->nvmas == cap_v)
				m->vmas = realloc(m->vmas, (cap_v *= 2) * sizeof(*m->vmas));
			if (vma_fields(&l, &m->vmas[m->nvmas]))
				goto bad;
			m->nvmas++;
		} else if (!strcmp(l.tag, "run")) {
			if (m->nruns == cap_r)
				m->runs = realloc(m->runs, (cap_r *= 2) * sizeof(*m->runs));
			if (pw_run_parse(&l, &m->runs[m->nruns]))
				goto bad;
			m->nruns++;
		} else if (!strcmp(l.tag, "end")) {
			if (ptw_get_num(&l, "runs", &v))
				goto bad;
			m->complete = v == m->nruns;
		}
	}
	ret = 0;
	goto out;
bad:
	line = (char *)text + (line - copy);
	fprintf(stderr, "# maps: bad %s line: %.*s\n", l.tag,
		(int)(strcspn(line, "\n") < 120 ? strcspn(line, "\n") : 120), line);
out:
	if (ret)
		pw_maps_free(m);
	free(copy);
	return ret;
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

bool pw_info_get(const char *text, const char *key, char *out, size_t sz)
{
	return ptw_find(text, "module", key, out, sz) || ptw_find(text, "kernel", key, out, sz);
}

long pw_info_num(const char *key)
{
	char *info = read_whole(PTWALK_DIR "/info", NULL);
	char v[32] = "-1";

	if (info && !pw_info_get(info, key, v, sizeof(v)))
		strcpy(v, "-1");
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

int pw_walk_parse(const char *text, struct pw_walk *w)
{
	char *copy = strdup(text), *rest = copy, *line;
	unsigned long long v;
	struct ptw_line l;
	const char *s;

	memset(w, 0, sizeof(*w));
	while ((line = ptw_next_line(&rest))) {
		if (line == copy)
			continue;	/* the header: the callers check it */
		if (ptw_tokenize(line, &l))
			goto bad;
		if (!strcmp(l.tag, "target")) {
			if (ptw_get_num(&l, "va", &v))
				goto bad;
			w->va = v;
		} else if (!strcmp(l.tag, "result")) {
			if (ptw_get_num(&l, "pa", &w->pa))
				goto bad;
			w->translated = true;
		} else if (!strcmp(l.tag, "stop")) {
			if (ptw_get_str(&l, "reason", w->stop, sizeof(w->stop)) ||
			    (ptw_get(&l, "level") &&
			     ptw_get_str(&l, "level", w->stop_level, sizeof(w->stop_level))) ||
			    (ptw_get(&l, "kind") &&
			     ptw_get_str(&l, "kind", w->stop_kind, sizeof(w->stop_kind))))
				goto bad;
			if (ptw_get(&l, "offset")) {
				if (ptw_get_num(&l, "type", &v) || ptw_get_num(&l, "offset", &w->stop_offset))
					goto bad;
				w->stop_type = v;
				w->stop_swap = true;
			}
		} else if (!strcmp(l.tag, "level")) {
			int i = w->nlevels;

			if (ptw_get(&l, "copy")) {
				w->has_user_copy = true;
				continue;
			}
			if (i == PW_MAX_LEVELS || ptw_get_str(&l, "name", w->level[i], sizeof(w->level[i])) ||
			    ptw_get_num(&l, "entry", &w->entry[i]) ||
			    (ptw_get(&l, "next") && ptw_get_num(&l, "next", &w->next[i])) ||
			    ptw_get_str(&l, "flags", w->flags, sizeof(w->flags)))
				goto bad;
			s = ptw_get(&l, "leaf");
			w->leaf = s ? size_bytes(s) : 0;
			if (s && !w->leaf)
				goto bad;
			snprintf(w->leaf_line, sizeof(w->leaf_line), "%.*s",
				 (int)strcspn(text + (line - copy), "\n"), text + (line - copy));
			w->nlevels++;
		}
	}
	free(copy);
	return 0;
bad:
	free(copy);
	errno = EBADMSG;
	return -1;
}

int pw_walk(const char *req, struct pw_walk *w, char **textp)
{
	char *text = pw_request(PTWALK_DIR "/walk", req);
	int ret;

	memset(w, 0, sizeof(*w));
	if (!text)
		return -1;
	ret = pw_walk_parse(text, w);
	if (textp && !ret)
		*textp = text;
	else
		free(text);
	return ret;
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
	char *copy = strdup(text);
	const char *line, *next;
	struct ptw_line l;
	int nr = 0;

	f->outputs++;
	if (strncmp(text, PTW_HEADER(maps), strlen(PTW_HEADER(maps))))
		fault(f, PWF_HEADER, text, &found);
	for (line = text; *line; line = next, nr++) {
		size_t len = strcspn(line, "\n");
		char *tok = copy + (line - text);
		unsigned long long v;
		struct pw_vma vm;
		struct pw_run r;

		next = line[len] ? line + len + 1 : line + len;
		tok[len] = '\0';
		if (nr == 0)
			continue;	/* checked above */
		if (ptw_tokenize(tok, &l)) {
			fault(f, nr == 1 ? PWF_HEADER : PWF_SYNTAX, line, &found);
			continue;
		}
		if (nr == 1) {
			if (strcmp(l.tag, "target") || ptw_get_num(&l, "pid", &v) ||
			    ptw_get_num(&l, "levels", &v) || !ptw_get(&l, "pfn") ||
			    !ptw_get(&l, "nonpresent"))
				fault(f, PWF_HEADER, line, &found);
			continue;
		}
		if (ended) {
			fault(f, PWF_END, line, &found);	/* lines after the end */
			break;
		}
		if (!strcmp(l.tag, "vma")) {
			if (vma_fields(&l, &vm) || vm.start >= vm.end) {
				fault(f, PWF_SYNTAX, line, &found);
				continue;
			}
			if (have_vma && vm.start < prev_vma_end) {
				char both[192];

				snprintf(both, sizeof(both), "vma %lx-%lx, then %.*s",
					 vma_start, prev_vma_end, (int)len, line);
				fault(f, PWF_VMA_ORDER, both, &found);
			}
			have_vma = true;
			vma_start = vm.start;
			vma_end = prev_vma_end = vm.end;
		} else if (!strcmp(l.tag, "run")) {
			runs++;
			f->runs++;
			if (run_fields(&l, &r)) {
				fault(f, PWF_SYNTAX, line, &found);
				continue;
			}
			if (r.start & (r.page - 1))
				fault(f, PWF_RUN_ALIGN, line, &found);
			if (!r.pages)
				fault(f, PWF_RUN_PAGES, line, &found);
			if (r.end != r.start + r.pages * r.page)
				fault(f, PWF_RUN_END, line, &found);
			if (r.start < prev_run_end)
				fault(f, PWF_RUN_ORDER, line, &found);
			if (!have_vma || r.start < vma_start || r.end > vma_end)
				fault(f, PWF_RUN_VMA, line, &found);
			prev_run_end = r.end;
		} else if (!strcmp(l.tag, "end")) {
			if (l.n != 1 || ptw_get_num(&l, "runs", &v) || v != runs || !line[len])
				fault(f, PWF_END, line, &found);
			ended = true;
		} else {
			fault(f, PWF_SYNTAX, line, &found);
		}
	}
	if (!ended)
		fault(f, PWF_END, "(output ends without \"end runs=N\")", &found);
	free(copy);
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

#define WHY(...) snprintf(why, whysz, __VA_ARGS__)

/* One level line of a walk, as pw_walk_check() needs it. */
struct walk_level {
	enum { WL_NONE, WL_TABLE, WL_LEAF, WL_NONPRESENT } entry;
	unsigned long leaf;		/* leaf= in bytes */
	unsigned long long frame;
	char kind[24];			/* kind= of a non-present entry */
};

/*
 * The keys of a level line: index, entry, raw and flags, then next= (a
 * table), cache= leaf= frame= (a leaf), kind= with pa= or type= offset= (a
 * non-present entry), or nothing more (no entry, or a bad one). 0 or -1.
 */
static int level_fields(const struct ptw_line *l, struct walk_level *wl)
{
	const char *leaf = ptw_get(l, "leaf");
	unsigned long long v;

	memset(wl, 0, sizeof(*wl));
	if (ptw_get_num(l, "index", &v) || ptw_get_num(l, "entry", &v) || ptw_get_num(l, "raw", &v) ||
	    !ptw_get(l, "flags"))
		return -1;
	if (ptw_get(l, "next")) {
		wl->entry = WL_TABLE;
		return ptw_get_num(l, "next", &v) || leaf || ptw_get(l, "kind") ? -1 : 0;
	}
	if (leaf) {
		wl->entry = WL_LEAF;
		wl->leaf = size_bytes(leaf);
		return !wl->leaf || ptw_get_num(l, "frame", &wl->frame) || !ptw_get(l, "cache") ||
		       ptw_get(l, "kind") ? -1 : 0;
	}
	if (!ptw_get(l, "kind"))
		return ptw_get(l, "pa") || ptw_get(l, "offset") ? -1 : 0;
	wl->entry = WL_NONPRESENT;
	if (ptw_get_str(l, "kind", wl->kind, sizeof(wl->kind)) || !np_kind(wl->kind))
		return -1;
	if (ptw_get(l, "pa"))
		return ptw_get_num(l, "pa", &v) || ptw_get(l, "offset") ? -1 : 0;
	return ptw_get_num(l, "type", &v) || ptw_get_num(l, "offset", &v) ? -1 : 0;
}

int pw_walk_check(const char *text, pid_t pid, unsigned long va, int levels,
		  char *why, size_t whysz)
{
	static const char *const order5[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	static const char *const order4[] = { "PGD", "PUD", "PMD", "PTE" };
	const char *const *order = levels == 5 ? order5 : order4;
	int norder = levels == 5 ? 5 : 4, nlev = 0, nr = 0, ret = -1;
	char last[16] = "", last_line[512] = "", *copy = strdup(text);
	struct walk_level wl, prev = { .entry = WL_NONE };
	const char *line, *next, *name, *v;
	bool hidden = false, done = false;
	unsigned long long n;
	struct ptw_line l;

	if (strncmp(text, PTW_HEADER(walk), strlen(PTW_HEADER(walk)))) {
		WHY("first line is not the walk header");
		goto out;
	}
	for (line = text; *line; line = next, nr++) {
		size_t len = strcspn(line, "\n");
		char *tok = copy + (line - text);

		next = line[len] ? line + len + 1 : line + len;
		tok[len] = '\0';
		if (!line[len]) {
			WHY("last line without a newline: %.*s", (int)len, line);
			goto out;
		}
		if (nr == 0)
			continue;
		if (done) {
			WHY("a line after the outcome: %.*s", (int)len, line);
			goto out;
		}
		if (ptw_tokenize(tok, &l)) {
			WHY("not TAG key=value ...: %.*s", (int)len, line);
			goto out;
		}
		if (nr == 1) {
			if (strcmp(l.tag, "target") || !(v = ptw_get(&l, "space")) ||
			    strcmp(v, "user") || ptw_get_num(&l, "pid", &n) || n != (unsigned long long)pid ||
			    ptw_get_num(&l, "va", &n) || n != va || ptw_get_num(&l, "levels", &n) ||
			    n != (unsigned long long)levels || !(v = ptw_get(&l, "pti")) ||
			    (strcmp(v, "on") && strcmp(v, "off")) || !(v = ptw_get(&l, "pfn")) ||
			    (strcmp(v, "shown") && strcmp(v, "hidden"))) {
				WHY("target line \"%.*s\", expected space=user pid=%d va=0x%lx levels=%d pti=on|off pfn=shown|hidden",
				    (int)len, line, pid, va, levels);
				goto out;
			}
			hidden = !strcmp(v, "hidden");
			continue;
		}
		if (nr == 2) {
			if (strcmp(l.tag, "top") || l.n != 1 || ptw_get_num(&l, "pa", &n)) {
				WHY("no top line: %.*s", (int)len, line);
				goto out;
			}
			continue;
		}
		if (!strcmp(l.tag, "level")) {
			name = ptw_get(&l, "name");
			if (!name || level_fields(&l, &wl)) {
				WHY("malformed level line: %.*s", (int)len, line);
				goto out;
			}
			if ((v = ptw_get(&l, "copy"))) {
				if (strcmp(v, "user") || strcmp(name, "PGD") || nlev != 1 ||
				    strcmp(last, "PGD")) {
					WHY("%.*s: not the user copy right after PGD",
					    (int)len, line);
					goto out;
				}
				continue;
			}
			if (nlev >= norder || strcmp(name, order[nlev])) {
				WHY("level %s where %s was due", name,
				    nlev < norder ? order[nlev] : "the outcome");
				goto out;
			}
			if (nlev && prev.entry != WL_TABLE) {
				WHY("level %s below a level that is no table: %s",
				    name, last_line);
				goto out;
			}
			snprintf(last, sizeof(last), "%s", name);
			snprintf(last_line, sizeof(last_line), "%.*s", (int)len, line);
			prev = wl;
			nlev++;
		} else if (!strcmp(l.tag, "result")) {
			unsigned long size = leaf_bytes(last);

			done = true;
			if (l.n != 1 || ptw_get_num(&l, "pa", &n)) {
				WHY("malformed result line: %.*s", (int)len, line);
				goto out;
			}
			if (prev.entry != WL_LEAF) {
				WHY("result after a level without leaf=: %s", last_line);
				goto out;
			}
			if (prev.leaf != size) {
				WHY("a leaf of %lu bytes at level %s", prev.leaf, last);
				goto out;
			}
			if (prev.frame & (size - 1)) {
				WHY("frame 0x%llx not aligned to its %lu bytes", prev.frame, size);
				goto out;
			}
			if (!hidden && n != prev.frame + (va & (size - 1))) {
				WHY("pa 0x%llx, frame 0x%llx + offset 0x%lx", n,
				    prev.frame, va & (size - 1));
				goto out;
			}
		} else if (!strcmp(l.tag, "stop")) {
			const char *kind = ptw_get(&l, "kind");

			done = true;
			v = ptw_get(&l, "reason");
			name = ptw_get(&l, "level");
			if (!v || !name || (strcmp(v, "none") && strcmp(v, "not-present") &&
					    strcmp(v, "bad"))) {
				WHY("stop line for a mapped user address: %.*s",
				    (int)len, line);
				goto out;
			}
			if (nlev ? strcmp(name, last) : strcmp(name, "PGD")) {
				WHY("%.*s after level %s", (int)len, line,
				    nlev ? last : "none");
				goto out;
			}
			if (prev.entry == WL_TABLE || prev.entry == WL_LEAF) {
				WHY("%.*s after a table or leaf: %s", (int)len, line,
				    last_line);
				goto out;
			}
			/* Not present: the kind of the level's entry, swap with its place. */
			if (!strcmp(v, "not-present") != (prev.entry == WL_NONPRESENT) ||
			    (kind ? strcmp(kind, prev.kind) : prev.entry == WL_NONPRESENT) ||
			    (kind && !strcmp(kind, "swap") &&
			     (ptw_get_num(&l, "type", &n) || ptw_get_num(&l, "offset", &n)))) {
				WHY("%.*s after %s", (int)len, line, last_line);
				goto out;
			}
		} else {
			WHY("unknown line: %.*s", (int)len, line);
			goto out;
		}
	}
	if (!done) {
		WHY("no result or stop line (%d lines)", nr);
		goto out;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}
