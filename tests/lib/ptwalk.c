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
