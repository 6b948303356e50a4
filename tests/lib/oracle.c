// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oracle.h"
#include "util.h"

bool oracle_loaded(void)
{
	return access(ORACLE_KADDR, W_OK) == 0;
}

static int ask(unsigned long va, bool object, struct oracle_kaddr *o)
{
	char req[32], buf[512], v[64];
	int fd = open(ORACLE_KADDR, O_RDWR);
	ssize_t n;

	memset(o, 0, sizeof(*o));
	if (fd < 0)
		return -1;
	snprintf(req, sizeof(req), "0x%lx%s", va, object ? " object" : "");
	if (write(fd, req, strlen(req)) < 0) {
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	o->virt_addr_valid = kv_get(buf, "virt_addr_valid", v, sizeof(v)) && atoi(v);
	o->vmalloc = kv_get(buf, "vmalloc", v, sizeof(v)) && atoi(v);
	o->module = kv_get(buf, "module", v, sizeof(v)) && atoi(v);
	o->kfence = kv_get(buf, "kfence", v, sizeof(v)) && atoi(v);
	o->has_phys = kv_get(buf, "phys", v, sizeof(v));
	if (o->has_phys)
		o->phys = strtoull(v, NULL, 16);
	o->has_ksize = kv_get(buf, "ksize", v, sizeof(v));
	if (o->has_ksize)
		o->ksize = strtoul(v, NULL, 10);
	return 0;
}

int oracle_kaddr(unsigned long va, struct oracle_kaddr *o)
{
	return ask(va, false, o);
}

int oracle_kaddr_object(unsigned long va, struct oracle_kaddr *o)
{
	return ask(va, true, o);
}

int kpageflags_get(unsigned long pfn, uint64_t *flags)
{
	int fd = open("/proc/kpageflags", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, flags, sizeof(*flags), pfn * sizeof(*flags));
	close(fd);
	if (n != sizeof(*flags)) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

bool kpf_has(uint64_t flags, int bit)
{
	return (flags >> bit) & 1;
}

long proc_status_num(pid_t pid, const char *key)
{
	char path[64], v[32], *text;
	long n = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	text = read_whole(path, NULL);
	if (text && kv_get(text, key, v, sizeof(v)))
		n = atol(v);
	free(text);
	return n;
}

long meminfo_kb(const char *key)
{
	char *text = read_whole("/proc/meminfo", NULL);
	char v[64];
	long kb = -1;

	if (text && kv_get(text, key, v, sizeof(v)))
		kb = atol(v);
	free(text);
	return kb;
}

void thp_mode_sysfs(char *out, size_t size)
{
	char *s = read_whole("/sys/kernel/mm/transparent_hugepage/enabled", NULL);
	char *o = s ? strchr(s, '[') : NULL;
	char *c = o ? strchr(o, ']') : NULL;

	if (c)
		*c = '\0';
	snprintf(out, size, "%s", c ? o + 1 : s ? "unknown" : "unsupported");
	free(s);
}

/* "Node 0, zone   Normal  n0 n1 ... nMAX": count the columns. */
int buddy_max_order(void)
{
	char *text = read_whole("/proc/buddyinfo", NULL);
	char *p, *e;
	int n = 0;

	if (!text)
		return -1;
	p = strstr(text, "zone");
	e = p ? strchr(p, '\n') : NULL;
	if (e) {
		*e = '\0';
		p += strlen("zone");
		while (*p == ' ')
			p++;
		p += strcspn(p, " ");	/* the zone name */
		for (;;) {
			while (*p == ' ')
				p++;
			if (!*p)
				break;
			n++;
			p += strcspn(p, " ");
		}
	}
	free(text);
	return n ? n - 1 : -1;
}

/* Cache names are kmalloc-N, kmalloc-cg-N, kmalloc-rnd-NN-N, N in k too. */
static unsigned long kmalloc_cache_size(const char *name)
{
	const char *p = strrchr(name, '-');
	char *end;
	unsigned long v;

	if (strncmp(name, "kmalloc-", 8) || !p)
		return 0;
	v = strtoul(p + 1, &end, 10);
	if (*end == 'k')
		v <<= 10;
	else if (*end)
		return 0;
	return v;
}

unsigned long slabinfo_kmalloc_bucket(unsigned long size)
{
	char *text = read_whole("/proc/slabinfo", NULL);
	unsigned long best = 0;
	char *line;

	if (!text)
		return 0;
	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char name[64];
		unsigned long v;

		if (sscanf(line, "%63s", name) != 1)
			continue;
		v = kmalloc_cache_size(name);
		if (v >= size && (!best || v < best))
			best = v;
	}
	free(text);
	return best;
}

unsigned long kallsyms_text(const char *module, const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], mod[128];
	unsigned long addr, found = 0;
	char type;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		mod[0] = '\0';
		if (sscanf(line, "%lx %c %255s [%127[^]]]", &addr, &type, sym, mod) < 3)
			continue;
		if (type != 't' && type != 'T')
			continue;
		if (*module ? !strcmp(mod, module) : !mod[0] && !strcmp(sym, name))
			found = addr;
	}
	fclose(f);
	return found;
}

int req_write(int fd, const char *fmt, ...)
{
	char req[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	if (write(fd, req, n) == n)
		return 0;
	return -errno;
}

char *read_all_fd(int fd)
{
	size_t cap = 65536, n = 0;
	char *buf, *nb;
	ssize_t r;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return NULL;
	buf = malloc(cap + 1);
	if (!buf)
		return NULL;
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += r;
		if (n < cap)
			continue;
		nb = realloc(buf, cap * 2 + 1);
		if (!nb) {
			free(buf);
			errno = ENOMEM;
			return NULL;
		}
		buf = nb;
		cap *= 2;
	}
	if (r < 0) {
		int e = errno;

		free(buf);
		errno = e;
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

char *line_find(const char *text, const char *prefix, int nth)
{
	size_t plen = strlen(prefix);
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, prefix, plen) || nth-- > 0)
			continue;
		return strndup(p, strcspn(p, "\n"));
	}
	return NULL;
}

unsigned long long line_num(const char *line, const char *key)
{
	char v[64];

	if (!line || !line_field(line, key, v, sizeof(v)))
		return ULLONG_MAX;
	return strtoull(v, NULL, 0);
}
