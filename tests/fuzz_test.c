// SPDX-License-Identifier: GPL-2.0
/*
 * Structured random requests to every request file (maps, walk, whatis,
 * alloc, tables, trace), interleaved with reads, preads and seeks at random sizes and
 * offsets, for a fixed time per file. Each write's result is judged by a
 * model of the request grammar written from docs/interface.md: a request
 * the grammar refuses must fail with EINVAL, one it accepts may only
 * succeed or fail with the errno the documents give for what it asks
 * (ESRCH for a zombie, EPERM for another process when unprivileged, ENOENT
 * for an id the file does not hold...). Outputs are read back whole and
 * checked for form (tests/lib's checkers), and byte for byte against an
 * earlier read where the target cannot change. At the end files_open and
 * the alloc files' module_bytes are back where they started.
 *
 * FUZZ_S: seconds per file (default 60; 0 skips). FUZZ_SEED: the seed
 * (default: from the clock); printed, and a run is reproducible from it
 * up to timing (the number of requests a budget allows) and PIDs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "oracle.h"
#include "ptwalk.h"
#include "util.h"

#define REQ_MAX		128	/* writes of this many bytes or more: EINVAL */
#define NFD		3	/* descriptors per file, reopened now and then */
#define MAX_OUT		(64UL << 20)	/* a read past this "never ends" */
#define MAX_ADDRS	96
#define MAX_REPORTS	12

/* ---- a seeded generator (splitmix64): reproducible from FUZZ_SEED ---- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned long below(struct rng *r, unsigned long n)
{
	return n ? rnd(r) % n : 0;
}

static bool pct(struct rng *r, unsigned int p)
{
	return below(r, 100) < p;
}

/* ---- results: success or an errno, as a bit in a mask ---- */

enum {
	RS_OK = 1 << 0, RS_EINVAL = 1 << 1, RS_ESRCH = 1 << 2, RS_EPERM = 1 << 3,
	RS_ENOMEM = 1 << 4, RS_EBUSY = 1 << 5, RS_ENOENT = 1 << 6, RS_OTHER = 1 << 7,
};
#define RS_ERRORS	(~RS_OK & 0xff)

static unsigned int res_bit(int err)
{
	switch (err) {
	case 0: return RS_OK;
	case EINVAL: return RS_EINVAL;
	case ESRCH: return RS_ESRCH;
	case EPERM: return RS_EPERM;
	case ENOMEM: return RS_ENOMEM;
	case EBUSY: return RS_EBUSY;
	case ENOENT: return RS_ENOENT;
	}
	return RS_OTHER;
}

static const char *const res_names[] = {
	"ok", "EINVAL", "ESRCH", "EPERM", "ENOMEM", "EBUSY", "ENOENT", "other",
};

static void mask_str(unsigned int mask, char *out, size_t sz)
{
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < 8; i++)
		if (mask & (1U << i))
			n += snprintf(out + n, n < sz ? sz - n : 0, "%s%s",
				      n ? "|" : "", res_names[i]);
}

/* ---- processes to aim at ---- */

enum tclass {
	T_LIVE,		/* has an address space: a request succeeds */
	T_GONE,		/* zombie, kernel thread, no such PID: ESRCH */
};

struct target {
	const char *name;
	pid_t pid;		/* what the request names */
	pid_t tgid;		/* what "target pid=" shows */
	enum tclass cls;
	bool stable;		/* its tables do not change: outputs repeat */
};

enum {
	TG_SELF, TG_STOPPED, TG_ZOMBIE, TG_LEADER_GONE, TG_THREAD,
	TG_KTHREADD, TG_KWORKER, TG_INIT, TG_REAPED, TG_NOPID, TG_NR
};

struct shared {
	unsigned long data;		/* a written page of the stopped child */
	pid_t thread;			/* the live thread of TG_LEADER_GONE */
};

struct env {
	struct target t[TG_NR];
	struct shared *sh;
	pid_t children[3];		/* stopped, zombie, leader-gone */
	unsigned long uaddr[MAX_ADDRS], kaddr[MAX_ADDRS];
	int nuaddr, nkaddr;
	int levels, max_order;
	unsigned long user_top;
	uint64_t seed;
	int secs;
};

static int build_stopped(void *arg)
{
	struct shared *sh = arg;
	char *p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	if (p == MAP_FAILED)
		return 10;
	for (i = 0; i < 16; i += 2)
		p[i * 4096] = 1;
	sh->data = (unsigned long)p;
	return 0;
}

static void *sleeper(void *arg)
{
	struct shared *sh = arg;

	sh->thread = syscall(SYS_gettid);
	for (;;)
		pause();
	return NULL;
}

/* A process whose main thread called pthread_exit(); another thread lives. */
static pid_t spawn_leader_gone(struct shared *sh)
{
	pid_t pid = fork();
	pthread_t th;
	int i;

	if (pid == 0) {
		if (pthread_create(&th, NULL, sleeper, sh))
			_exit(1);
		pthread_exit(NULL);
	}
	for (i = 0; i < 500 && pid > 0 && !sh->thread; i++)
		usleep(2000);
	return pid;
}

/* A kernel thread other than kthreadd: a child of PID 2, or 2 itself. */
static pid_t find_kworker(void)
{
	char path[64], *stat, *p;
	pid_t pid;

	for (pid = 3; pid < 200; pid++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		stat = read_whole(path, NULL);
		if (!stat)
			continue;
		p = strrchr(stat, ')');
		if (p && atoi(p + 4) == 2) {
			free(stat);
			return pid;
		}
		free(stat);
	}
	return 2;
}

static void add_addr(unsigned long *a, int *n, unsigned long v)
{
	if (*n < MAX_ADDRS)
		a[(*n)++] = v;
}

/* Kernel addresses: each region of /proc/ptwalk/kernel, some allocations. */
static void collect_kaddrs(struct env *e)
{
	char *text = pw_request(PTWALK_DIR "/kernel", NULL), *rest = text, *line;
	unsigned long long s, t;
	struct ptw_line l;
	int fd;

	while ((line = ptw_next_line(&rest))) {
		if (ptw_tokenize(line, &l) || ptw_num(ptw_get(&l, "start"), &s))
			continue;
		if (!strcmp(l.tag, "region") && !ptw_num(ptw_get(&l, "end"), &t)) {
			add_addr(e->kaddr, &e->nkaddr, s);
			if (t > s)
				add_addr(e->kaddr, &e->nkaddr, s + (t - s) / 2);
		} else if (!strcmp(l.tag, "run") && e->nkaddr < MAX_ADDRS / 2) {
			add_addr(e->kaddr, &e->nkaddr, s + 0x123);
		}
	}
	free(text);
	fd = open(PTWALK_DIR "/alloc", O_RDWR);
	if (fd >= 0) {
		if (!req_write(fd, "kmalloc 64 2") && !req_write(fd, "vmalloc 12K") &&
		    !req_write(fd, "pages 1")) {
			char *out = read_all_fd(fd);

			for (line = out; line && (line = strstr(line, " va=0x")); line++)
				add_addr(e->kaddr, &e->nkaddr, strtoul(line + 6, NULL, 16));
			free(out);
		}
		close(fd);	/* freed: whatis answers for any address */
	}
	s = kallsyms_text("", "_text");
	if (s)
		add_addr(e->kaddr, &e->nkaddr, s);
	add_addr(e->kaddr, &e->nkaddr, ~0UL);
	add_addr(e->kaddr, &e->nkaddr, ~0UL - 4095);
}

static void collect_uaddrs(struct env *e)
{
	static int on_stack;
	unsigned long top = e->user_top;

	add_addr(e->uaddr, &e->nuaddr, e->sh->data);
	add_addr(e->uaddr, &e->nuaddr, e->sh->data + 4096);	/* not touched */
	add_addr(e->uaddr, &e->nuaddr, e->sh->data + 17);
	add_addr(e->uaddr, &e->nuaddr, (unsigned long)&on_stack);
	add_addr(e->uaddr, &e->nuaddr, (unsigned long)collect_uaddrs);
	add_addr(e->uaddr, &e->nuaddr, (unsigned long)e);
	add_addr(e->uaddr, &e->nuaddr, 0);
	add_addr(e->uaddr, &e->nuaddr, 0x1000);
	add_addr(e->uaddr, &e->nuaddr, 0x400000);
	add_addr(e->uaddr, &e->nuaddr, top - 4096);
	add_addr(e->uaddr, &e->nuaddr, top - 1);
	add_addr(e->uaddr, &e->nuaddr, top);
	add_addr(e->uaddr, &e->nuaddr, top + 4096);
	/* the last canonical user address and the first non-canonical one */
	add_addr(e->uaddr, &e->nuaddr, e->levels == 5 ? 0x00ffffffffffffffUL :
		 0x00007fffffffffffUL);
	add_addr(e->uaddr, &e->nuaddr, e->levels == 5 ? 0x0100000000000000UL :
		 0x0000800000000000UL);
	add_addr(e->uaddr, &e->nuaddr, 0x8000000000000000UL);
}

static unsigned long info_ulong(const char *key)
{
	long v = pw_info_num(key);

	return v < 0 ? 0 : v;
}

/* ---- the model of the request grammar (docs/interface.md) ---- */

enum file { F_MAPS, F_WALK, F_WHATIS, F_ALLOC, F_TABLES, F_TRACE };
static const char *const file_names[] = { "maps", "walk", "whatis", "alloc", "tables",
					  "trace" };

/*
 * The separators the parsers take: spaces and tabs, not the rest of the
 * kernel's isspace() (\v, \f, \r, and 0xa0 from its Latin-1 table).
 */
static bool blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Decimal digits only, no sign, below 2^64. */
static bool dec_value(const char *s, unsigned long long *v)
{
	unsigned long long x = 0;

	if (!all_digits(s))
		return false;
	for (; *s; s++) {
		if (x > (~0ULL - (*s - '0')) / 10)
			return false;
		x = x * 10 + (*s - '0');
	}
	*v = x;
	return true;
}

/* A PID: decimal, no sign, 1 to INT_MAX. */
static bool pid_value(const char *s, pid_t *pid)
{
	unsigned long long v;

	if (!dec_value(s, &v) || !v || v > 0x7fffffff)
		return false;
	*pid = v;
	return true;
}

/* An address: hex, one optional 0x, below 2^64. */
static bool hex_value(const char *s, unsigned long *va)
{
	unsigned long x = 0;
	const char *p;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return false;
	for (p = s; *p; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return false;
		if (x >> 60)
			return false;		/* overflow */
		x = x << 4 | d;
	}
	*va = x;
	return true;
}

/*
 * SIZE: decimal (at most 23 digits) with an optional K, M or G suffix in
 * either case, not 0, the bytes below 2^64.
 */
static bool size_value(const char *s, unsigned long long *bytes)
{
	char num[32];
	size_t len = strlen(s);
	unsigned int shift = 0;
	unsigned long long v;

	switch (len ? s[len - 1] : 0) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	}
	if (shift)
		len--;
	if (!len || len > 23)
		return false;
	memcpy(num, s, len);
	num[len] = '\0';
	if (!dec_value(num, &v) || !v || v > (~0ULL >> shift))
		return false;
	*bytes = v << shift;
	return true;
}

/* What a descriptor holds, as the model sees it. */
struct fdstate {
	int fd;
	unsigned long pos;		/* where the file position must be */
	/* maps, walk */
	int tg;				/* target index, -1 unknown or other */
	bool requested;			/* walk, whatis */
	bool kernel;			/* walk */
	unsigned long va;
	/* alloc */
	unsigned int ids[64], nr, next_id;
	size_t lastlen;			/* of the last output read whole */
	/* the last whole output, if it must repeat */
	char *ref;
	size_t reflen;
};

/* What a request was parsed into, for the state update on success. */
struct parsed {
	unsigned int mask;
	enum { V_NONE, V_PID, V_SELF, V_NONPRESENT, V_KERNEL, V_ADDR,
	       V_ALLOC, V_FREE, V_FREE_ALL } verb;
	pid_t pid;
	unsigned long va;
	unsigned int id;
};

struct fuzz {
	struct env *e;
	enum file file;
	bool priv;
	pid_t self;
	struct rng r;
	struct fdstate fds[NFD];
	/* counters */
	unsigned long requests, results[8], reads, seeks, outputs, reopen;
	unsigned long bad;
	unsigned long bytes_read;
	struct pw_faults faults;
};

/* Which target does @pid name, for the model: index or -1. */
static int target_of(struct fuzz *z, pid_t pid)
{
	int i;

	for (i = 0; i < TG_NR; i++)
		if (z->e->t[i].pid == pid)
			return i;
	return -1;
}

static unsigned int pid_mask(struct fuzz *z, pid_t pid)
{
	int i = target_of(z, pid);
	const struct target *t = i >= 0 ? &z->e->t[i] : NULL;

	if (pid == z->self)
		return RS_OK;
	if (!t)
		return z->priv ? RS_OK | RS_ESRCH : RS_EPERM | RS_ESRCH;
	if (t->cls == T_GONE)
		return RS_ESRCH;
	if (z->priv || t->tgid == z->self)
		return RS_OK;
	return RS_EPERM;
}

/*
 * The common rules: 1 to 127 bytes, no NUL, one trailing newline dropped,
 * no other newline. Copies the request into @req; false for EINVAL.
 */
static bool common_ok(const char *buf, size_t len, char *req)
{
	if (!len || len >= REQ_MAX || memchr(buf, '\0', len))
		return false;
	memcpy(req, buf, len);
	req[len] = '\0';
	if (req[len - 1] == '\n')
		req[--len] = '\0';
	return len && !strchr(req, '\n');
}

/* maps's grammar; tables has it without "nonpresent". */
static void model_maps(struct fuzz *z, char *req, struct parsed *p)
{
	if (z->file == F_MAPS &&
	    (!strcmp(req, "nonpresent on") || !strcmp(req, "nonpresent off"))) {
		p->verb = V_NONPRESENT;
		p->mask = RS_OK;
	} else if (!strcmp(req, "self")) {
		p->verb = V_SELF;
		p->mask = RS_OK;
	} else if (pid_value(req, &p->pid)) {
		p->verb = V_PID;
		p->mask = pid_mask(z, p->pid);
	}
}

/*
 * "WHO VA": WHO ends at the first space or tab, VA is the rest after any
 * spaces and tabs; WHO is a PID, or "kernel" or "0" (privileged only). The
 * address is parsed first.
 */
static void model_walk(struct fuzz *z, char *req, struct parsed *p)
{
	size_t n = strcspn(req, " \t");
	char *rest;

	if (!req[n])
		return;
	req[n] = '\0';
	for (rest = req + n + 1; blank(*rest); rest++)
		;
	if (!hex_value(rest, &p->va))
		return;
	if (!strcmp(req, "kernel") || !strcmp(req, "0")) {
		p->verb = V_KERNEL;
		p->mask = z->priv ? RS_OK : RS_EPERM;
	} else if (pid_value(req, &p->pid)) {
		p->verb = V_PID;
		p->mask = pid_mask(z, p->pid);
	}
}

/* One address; spaces and tabs around it are ignored. */
static void model_whatis(char *req, struct parsed *p)
{
	char *end = req + strlen(req);

	while (blank(*req))
		req++;
	while (end > req && blank(end[-1]))
		*--end = '\0';
	if (hex_value(req, &p->va)) {
		p->verb = V_ADDR;
		p->mask = RS_OK;
	}
}

static bool holds(const struct fdstate *s, unsigned long long id)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->ids[i] == id)
			return true;
	return false;
}

/* Words split at blanks (spaces, tabs), at most four. */
static void model_alloc(struct fuzz *z, struct fdstate *s, char *req,
			struct parsed *p)
{
	unsigned long long size, v;
	unsigned int new_ok = s->nr >= 64 ? RS_ENOMEM : RS_OK | RS_ENOMEM | RS_EBUSY;
	char *w[5], *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(req, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == 4)
			return;
		w[n++] = tok;
	}
	if (n < 2)
		return;
	p->verb = V_ALLOC;
	if (!strcmp(w[0], "kmalloc") && n <= 3) {
		v = 1;
		if (!size_value(w[1], &size) || size > 4UL << 20 ||
		    (n == 3 && (!dec_value(w[2], &v) || !v || v > 64)))
			return;
		p->mask = new_ok;
	} else if (!strcmp(w[0], "pages") && n == 2) {
		if (!dec_value(w[1], &v) || v > (unsigned long long)z->e->max_order)
			return;
		p->mask = new_ok;
	} else if (!strcmp(w[0], "vmalloc") && n == 2) {
		if (!size_value(w[1], &size))
			return;
		p->mask = size > 32UL << 20 ? RS_ENOMEM : new_ok;
	} else if (!strcmp(w[0], "free") && n == 2) {
		if (!strcmp(w[1], "all")) {
			p->verb = V_FREE_ALL;
			p->mask = RS_OK;
		} else if (dec_value(w[1], &v) && v <= 0xffffffffULL) {
			p->verb = V_FREE;
			p->id = v;
			p->mask = holds(s, v) ? RS_OK : RS_ENOENT;
		}
	}
}

/* The results the documents allow for writing @buf; @p for the update. */
static void model(struct fuzz *z, struct fdstate *s, const char *buf,
		  size_t len, struct parsed *p)
{
	char req[REQ_MAX + 1];

	memset(p, 0, sizeof(*p));
	p->mask = RS_EINVAL;
	if (!common_ok(buf, len, req))
		return;
	switch (z->file) {
	case F_MAPS: model_maps(z, req, p); break;
	case F_TABLES: model_maps(z, req, p); break;
	case F_TRACE: model_maps(z, req, p); break;
	case F_WALK: model_walk(z, req, p); break;
	case F_WHATIS: model_whatis(req, p); break;
	case F_ALLOC: model_alloc(z, s, req, p); break;
	}
	if (p->mask == RS_EINVAL)
		p->verb = V_NONE;
}

static void drop_ref(struct fdstate *s)
{
	free(s->ref);
	s->ref = NULL;
	s->reflen = 0;
}

/* Another alloc file's change shows in every alloc file's module_bytes. */
static void drop_all_refs(struct fuzz *z)
{
	int i;

	for (i = 0; i < NFD; i++)
		drop_ref(&z->fds[i]);
}

/* A request was accepted: the descriptor's new state, rewound. */
static void accepted(struct fuzz *z, struct fdstate *s, const struct parsed *p)
{
	unsigned int i;

	s->pos = 0;
	drop_ref(s);
	switch (p->verb) {
	case V_PID:
		s->tg = p->pid == z->self ? TG_SELF : target_of(z, p->pid);
		s->kernel = false;
		s->va = p->va;
		s->requested = true;
		break;
	case V_SELF:
		s->tg = TG_SELF;
		s->requested = true;
		break;
	case V_KERNEL:
		s->kernel = true;
		s->va = p->va;
		s->requested = true;
		break;
	case V_ADDR:
		s->va = p->va;
		s->requested = true;
		break;
	case V_ALLOC:
		if (s->nr < 64)
			s->ids[s->nr++] = ++s->next_id;
		drop_all_refs(z);
		break;
	case V_FREE:
		for (i = 0; i < s->nr; i++)
			if (s->ids[i] == p->id)
				s->ids[i] = s->ids[--s->nr];
		drop_all_refs(z);
		break;
	case V_FREE_ALL:
		s->nr = 0;
		drop_all_refs(z);
		break;
	default:
		break;
	}
}

/* ---- reporting ---- */

static void escape(const char *buf, size_t len, char *out, size_t sz)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 5 < sz; i++) {
		unsigned char c = buf[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[n++] = c;
		else
			n += snprintf(out + n, sz - n, "\\x%02x", c);
	}
	if (i < len && n + 4 < sz)
		n += snprintf(out + n, sz - n, "...");
	out[n] = '\0';
}

static void __attribute__((format(printf, 2, 3))) bad(struct fuzz *z, const char *fmt, ...)
{
	va_list ap;

	if (z->bad++ >= MAX_REPORTS)
		return;
	fprintf(stderr, "# fuzz %s%s: ", file_names[z->file], z->priv ? "" : " (unprivileged)");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- request generation ---- */

static const char *const junk_words[] = {
	"kernel", "self", "nonpresent", "on", "off", "kmalloc", "pages",
	"vmalloc", "free", "all", "0x", "0x0x", "+", "-", "K", "M", "G", "T",
	"\t", " ", "  ", "\r", "\v", "\xa0", "\xff", "0", "00", "ffff", "1",
};

struct sbuf {
	char b[8192];
	size_t n;
};

static void put(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->n >= sizeof(s->b) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->b + s->n, sizeof(s->b) - s->n, fmt, ap);
	va_end(ap);
	s->n = s->n + n < sizeof(s->b) - 1 ? s->n + n : sizeof(s->b) - 1;
}

static void put_zeros(struct fuzz *z, struct sbuf *s)
{
	unsigned long n = pct(&z->r, 70) ? 1 + below(&z->r, 4) : below(&z->r, 40);

	while (n--)
		put(s, "0");
}

/* A decimal number, mostly well formed, sometimes not. */
static void put_dec(struct fuzz *z, struct sbuf *s, unsigned long long v)
{
	static const char *const odd[] = {
		"18446744073709551616", "18446744073709551615",
		"340282366920938463463374607431768211456", "4294967296",
		"4294967295", "2147483648", "2147483647", "99999999999999999999999",
		"-1", "+1", "-0", "+0", "", "0x10", "1e3", "1.0", "١",
	};
	unsigned long k = below(&z->r, 100);

	if (k < 70) {
		put(s, "%llu", v);
	} else if (k < 78) {
		put_zeros(z, s);
		put(s, "%llu", v);
	} else if (k < 84) {
		put(s, "%c%llu", pct(&z->r, 50) ? '+' : '-', v);
	} else {
		put(s, "%s", odd[below(&z->r, sizeof(odd) / sizeof(odd[0]))]);
	}
}

static void put_hex(struct fuzz *z, struct sbuf *s, unsigned long v)
{
	static const char *const pre[] = {
		"0x", "0x", "0x", "0X", "", "", "0x0x", "0X0x", "x", "+0x", "-0x",
		"-", "+", "0x 0x", "00x", "0xx",
	};
	static const char *const odd[] = {
		"10000000000000000", "100000000000000000000000000000000",
		"ffffffffffffffff", "1ffffffffffffffff", "0x", "", "g", "0x-1",
		"fffffffffffffffff0",
	};
	unsigned long k = below(&z->r, 100);

	put(s, "%s", pct(&z->r, 80) ? "0x" : pre[below(&z->r, sizeof(pre) / sizeof(pre[0]))]);
	if (k < 75) {
		put(s, pct(&z->r, 80) ? "%lx" : "%lX", v);
	} else if (k < 85) {
		put_zeros(z, s);
		put(s, "%lx", v);
	} else {
		put(s, "%s", odd[below(&z->r, sizeof(odd) / sizeof(odd[0]))]);
	}
}

static void put_blank(struct fuzz *z, struct sbuf *s)
{
	static const char *const b[] = {
		" ", " ", " ", " ", "\t", "  ", " \t ", "\v", "\r", "\f", "\xa0", "",
		" \n", "\n",
	};

	put(s, "%s", b[below(&z->r, sizeof(b) / sizeof(b[0]))]);
}

static pid_t pick_pid(struct fuzz *z)
{
	if (pct(&z->r, 90))
		return z->e->t[below(&z->r, TG_NR)].pid;
	return below(&z->r, 2) ? (pid_t)below(&z->r, 400) : (pid_t)rnd(&z->r);
}

static unsigned long pick_addr(struct fuzz *z, bool kernel)
{
	unsigned long k = below(&z->r, 100);

	if (k < 8)
		return rnd(&z->r);
	if (k < 12)
		return rnd(&z->r) & ((1UL << 47) - 1);
	if ((kernel && k < 85) || (!kernel && k >= 85))
		return z->e->kaddr[below(&z->r, z->e->nkaddr)] + (pct(&z->r, 70) ? 0 :
			below(&z->r, 1 << 21));
	return z->e->uaddr[below(&z->r, z->e->nuaddr)];
}

static void put_size(struct fuzz *z, struct sbuf *s)
{
	static const char *const sfx[] = { "", "", "", "K", "k", "M", "m", "G", "T", "KB", "b", "KK" };
	static const unsigned long big[] = {
		4UL << 20, (4UL << 20) + 1, 32UL << 20, (32UL << 20) + 1,
		1UL << 30, (1UL << 54) - 1, 1UL << 54, ~0UL >> 10, (~0UL >> 10) + 1,
	};
	unsigned long k = below(&z->r, 100);

	if (k < 60)
		put_dec(z, s, 1 + below(&z->r, k < 30 ? 512 : 20000));
	else if (k < 80)
		put_dec(z, s, 1 + below(&z->r, 64));
	else if (k < 90)
		put_dec(z, s, big[below(&z->r, sizeof(big) / sizeof(big[0]))]);
	else
		put_dec(z, s, below(&z->r, 5));
	if (k >= 60 && k < 80)
		put(s, "%s", sfx[below(&z->r, sizeof(sfx) / sizeof(sfx[0]))]);
}

/* A request the grammar mostly accepts, in a random spelling. */
static void gen_structured(struct fuzz *z, struct fdstate *fs, struct sbuf *s)
{
	unsigned long k = below(&z->r, 100);

	switch (z->file) {
	case F_MAPS:
	case F_TABLES:
	case F_TRACE:
		if (k < 15)
			put(s, "self");
		else if (k < 30)
			put(s, "nonpresent %s", pct(&z->r, 50) ? "on" : "off");
		else
			put_dec(z, s, pick_pid(z));
		break;
	case F_WALK:
		if (k < 25)
			put(s, "%s", pct(&z->r, 70) ? "kernel" : "0");
		else
			put_dec(z, s, pick_pid(z));
		put_blank(z, s);
		put_hex(z, s, pick_addr(z, k < 25));
		break;
	case F_WHATIS:
		if (pct(&z->r, 10))
			put_blank(z, s);
		put_hex(z, s, pick_addr(z, true));
		if (pct(&z->r, 10))
			put_blank(z, s);
		break;
	case F_ALLOC:
		if (pct(&z->r, 5))
			put_blank(z, s);
		if (k < 30) {
			put(s, "kmalloc ");
			put_size(z, s);
			if (pct(&z->r, 50)) {
				put_blank(z, s);
				put_dec(z, s, below(&z->r, 70));
			}
		} else if (k < 45) {
			put(s, "pages ");
			put_dec(z, s, below(&z->r, 100) < 90 ? below(&z->r, 6) :
				below(&z->r, 14));
		} else if (k < 60) {
			put(s, "vmalloc ");
			put_size(z, s);
		} else if (k < 67) {
			put(s, "free all");
		} else if (k < 70) {	/* toward the file's and the module's caps */
			put(s, "vmalloc %luM", 4 + below(&z->r, 24));
		} else {
			put(s, "free ");
			put_dec(z, s, fs->nr && pct(&z->r, 70) ? fs->ids[below(&z->r, fs->nr)] :
				below(&z->r, fs->next_id + 3));
		}
		if (pct(&z->r, 5)) {
			put_blank(z, s);
			put(s, "%s", junk_words[below(&z->r, sizeof(junk_words) / sizeof(junk_words[0]))]);
		}
		break;
	}
	if (pct(&z->r, 30))
		put(s, "\n");
}

static void gen_junk(struct fuzz *z, struct sbuf *s, size_t len)
{
	static const char alphabet[] = "0123456789abcdefxX +-\t\n\r\v\0\xa0\xff";

	while (s->n < len) {
		if (pct(&z->r, 20))
			put(s, "%s", junk_words[below(&z->r, sizeof(junk_words) / sizeof(junk_words[0]))]);
		else
			s->b[s->n++] = alphabet[below(&z->r, sizeof(alphabet) - 1)];
	}
	s->n = len;
}

/* Change a request: truncate, insert, duplicate, NULs, doubled prefixes. */
static void mutate(struct fuzz *z, struct sbuf *s)
{
	size_t at = below(&z->r, s->n + 1);
	char *p;

	switch (below(&z->r, 8)) {
	case 0:
		s->n = at;
		break;
	case 1:
		if (s->n < sizeof(s->b) - 1) {
			memmove(s->b + at + 1, s->b + at, s->n - at);
			s->b[at] = "\0 \t\n0x+-\xa0"[below(&z->r, 9)];
			s->n++;
		}
		break;
	case 2:
		if (at < s->n && s->n < sizeof(s->b) - 1) {
			memmove(s->b + at + 1, s->b + at, s->n - at);
			s->n++;
		}
		break;
	case 3:
		if (at < s->n)
			s->b[at] = rnd(&z->r);
		break;
	case 4:		/* the 0x again */
		s->b[s->n] = '\0';
		p = strstr(s->b, "0x");
		if (p && s->n + 2 < sizeof(s->b)) {
			memmove(p + 2, p, s->n - (p - s->b));
			s->n += 2;
		}
		break;
	case 5:
		put(s, "%s", pct(&z->r, 50) ? " " : "\n\n");
		break;
	case 6:
		if (s->n && s->n < sizeof(s->b) - 1) {
			memmove(s->b + 1, s->b, s->n);
			s->b[0] = pct(&z->r, 50) ? ' ' : '\t';
			s->n++;
		}
		break;
	default:	/* pad to 127 or 128 bytes with leading zeros */
		while (s->n < 126 + below(&z->r, 3) && s->n < sizeof(s->b) - 1) {
			memmove(s->b + 1, s->b, s->n);
			s->b[0] = '0';
			s->n++;
		}
		break;
	}
}

/* ---- one write, one writev, and the model's verdict ---- */

static void count_result(struct fuzz *z, int err)
{
	unsigned int b = res_bit(err);
	int i;

	for (i = 0; i < 8; i++)
		if (b == 1U << i)
			z->results[i]++;
	z->requests++;
}

static void check_pos(struct fuzz *z, struct fdstate *s, const char *what)
{
	off_t pos = lseek(s->fd, 0, SEEK_CUR);

	z->seeks++;
	if (pos != (off_t)s->pos)
		bad(z, "after %s, lseek(fd, 0, SEEK_CUR) = %lld, expected %lu", what,
		    (long long)pos, s->pos);
}

static void do_write(struct fuzz *z, struct fdstate *s, const char *buf, size_t len)
{
	struct parsed p;
	char got[16], want[64], esc[200];
	ssize_t r;
	int err;

	model(z, s, buf, len, &p);
	r = write(s->fd, buf, len);
	err = r < 0 ? errno : 0;
	count_result(z, err);
	if (!(res_bit(err) & p.mask)) {
		mask_str(res_bit(err), got, sizeof(got));
		mask_str(p.mask, want, sizeof(want));
		escape(buf, len, esc, sizeof(esc));
		bad(z, "write(\"%s\", %zu) gave %s (%s), expected %s", esc, len, got,
		    err ? strerror(err) : "ok", want);
	}
	if (r >= 0 && (size_t)r != len)
		bad(z, "write of %zu bytes returned %zd", len, r);
	if (r >= 0)
		accepted(z, s, &p);
	if (pct(&z->r, 10))
		check_pos(z, s, r >= 0 ? "an accepted write" : "a rejected write");
}

/*
 * writev(): procfs has no write_iter, so the kernel writes each segment
 * as a request of its own and stops at the first that fails. Segments
 * here are never empty.
 */
static void do_writev(struct fuzz *z, struct fdstate *s, struct sbuf *sb)
{
	struct iovec iov[4];
	struct parsed p[4];
	size_t cut[5], total = 0, done;
	int n = 2 + below(&z->r, 3), i;
	char esc[200];
	ssize_t r;
	int err;

	if (sb->n < (size_t)n)
		return;
	cut[0] = 0;
	cut[n] = sb->n;
	for (i = 1; i < n; i++)
		cut[i] = cut[i - 1] + 1 + below(&z->r, sb->n - cut[i - 1] - (n - i));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = sb->b + cut[i];
		iov[i].iov_len = cut[i + 1] - cut[i];
		total += iov[i].iov_len;
	}
	/* Model each segment in turn, as if those before it were accepted. */
	r = writev(s->fd, iov, n);
	err = r < 0 ? errno : 0;
	escape(sb->b, sb->n, esc, sizeof(esc));
	for (i = 0, done = 0; i < n; i++) {
		model(z, s, iov[i].iov_base, iov[i].iov_len, &p[i]);
		count_result(z, r >= 0 && done + iov[i].iov_len <= (size_t)r ? 0 :
			     r < 0 ? err : EINVAL);
		if (r >= 0 && done + iov[i].iov_len <= (size_t)r) {
			if (!(p[i].mask & RS_OK))
				bad(z, "writev(\"%s\") accepted segment %d, which the grammar refuses",
				    esc, i);
			accepted(z, s, &p[i]);
			done += iov[i].iov_len;
			continue;
		}
		if (r >= 0 && (size_t)r != done)
			bad(z, "writev(\"%s\") returned %zd, not a segment boundary", esc, r);
		else if (!(p[i].mask & (r < 0 ? res_bit(err) : RS_ERRORS)))
			bad(z, "writev(\"%s\") segment %d failed (%s), which the grammar accepts",
			    esc, i, r < 0 ? strerror(err) : "short count");
		break;
	}
	if (r >= 0 && (size_t)r > total)
		bad(z, "writev returned %zd of %zu", r, total);
}

/* ---- reads ---- */

static bool read_errno_ok(struct fuzz *z, int err)
{
	/* A target gone is ESRCH (maps, walk); nothing else may fail. */
	return err == ESRCH && (z->file == F_MAPS || z->file == F_WALK ||
				z->file == F_TABLES);
}

/* Is the descriptor's output the same each time it is generated? */
static bool stable(struct fuzz *z, const struct fdstate *s)
{
	switch (z->file) {
	case F_MAPS:
	case F_TABLES:
		return s->tg >= 0 && z->e->t[s->tg].stable;
	case F_WALK:
		return !s->requested || (!s->kernel && s->tg >= 0 && z->e->t[s->tg].stable);
	case F_WHATIS:
		return !s->requested;
	case F_ALLOC:
		return true;
	case F_TRACE:
		return false;	/* a stream: what was read is gone */
	}
	return false;
}

/* Is @last (the last line, its newline included) "result pa=" or "stop reason="? */
static bool walk_outcome(const char *last)
{
	char line[256];
	struct ptw_line l;
	unsigned long long pa;

	snprintf(line, sizeof(line), "%.*s", (int)strcspn(last, "\n"), last);
	if (ptw_tokenize(line, &l))
		return false;
	if (!strcmp(l.tag, "result"))
		return l.n == 1 && !ptw_num(ptw_get(&l, "pa"), &pa);
	return !strcmp(l.tag, "stop") && ptw_get(&l, "reason");
}

/*
 * A trace read whole from offset 0: nothing (no request took, or the last
 * one failed), or the header and then whole records of known kinds only.
 */
static void check_trace(struct fuzz *z, const char *text, size_t len)
{
	static const char *const tags[] = { "target", "fault", "event", "done",
					    "entry", "drop", "exit" };
	const char *line = text, *nl;
	size_t hl = strlen(PTW_HEADER(trace)), i;
	char copy[512];
	struct ptw_line l;

	if (!len)
		return;
	if (strncmp(text, PTW_HEADER(trace) "target ", hl + 7) || text[len - 1] != '\n') {
		bad(z, "trace output %.60s ... (%zu bytes)", text, len);
		return;
	}
	for (line = text + hl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		snprintf(copy, sizeof(copy), "%.*s", (int)(nl - line), line);
		if (ptw_tokenize(copy, &l)) {
			bad(z, "trace line '%.80s'", line);
			return;
		}
		for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
			if (!strcmp(l.tag, tags[i]))
				break;
		if (i == sizeof(tags) / sizeof(tags[0])) {
			bad(z, "trace line of an unknown kind '%.80s'", line);
			return;
		}
	}
}

static void check_output(struct fuzz *z, struct fdstate *s, const char *text, size_t len)
{
	char head[96], why[256];
	const char *last;
	int levels = z->e->levels;

	z->outputs++;
	if (strlen(text) != len) {
		bad(z, "output has a NUL byte");
		return;
	}
	if ((z->file == F_WALK || z->file == F_WHATIS || z->file == F_TRACE) &&
	    !s->requested) {
		if (len)
			bad(z, "output before any request: %.60s", text);
		return;
	}
	if (z->file == F_TRACE) {
		check_trace(z, text, len);
		return;
	}
	if (!len || text[len - 1] != '\n') {
		bad(z, "output empty or without a final newline (%zu bytes)", len);
		return;
	}
	for (last = text + len - 1; last > text && last[-1] != '\n'; last--)
		;
	switch (z->file) {
	case F_MAPS:
		if (pw_maps_check(text, &z->faults))
			bad(z, "malformed maps output (see the fault summary)");
		if (s->tg >= 0) {
			snprintf(head, sizeof(head), PTW_HEADER(maps) "target pid=%d ",
				 s->tg == TG_SELF ? z->self : z->e->t[s->tg].tgid);
			if (strncmp(text, head, strlen(head)))
				bad(z, "maps header %.40s, expected %s", text + 14, head + 14);
		}
		break;
	case F_WALK:
		if (strncmp(text, PTW_HEADER(walk) "target ", strlen(PTW_HEADER(walk) "target ")) ||
		    !walk_outcome(last)) {
			bad(z, "malformed walk output: %.80s ... %s", text, last);
			break;
		}
		if (!s->kernel && s->tg >= 0 && s->va < z->e->user_top &&
		    pw_walk_check(text, s->tg == TG_SELF ? z->self : z->e->t[s->tg].tgid,
				  s->va, levels, why, sizeof(why)))
			bad(z, "walk of 0x%lx: %s", s->va, why);
		break;
	case F_WHATIS:
		snprintf(head, sizeof(head), PTW_HEADER(whatis) "target va=0x%lx region=", s->va);
		if (strncmp(text, head, strlen(head)))
			bad(z, "whatis output %.60s, expected %s", text, head);
		break;
	case F_TABLES:
		if (s->tg >= 0) {
			snprintf(head, sizeof(head), PTW_HEADER(tables) "target pid=%d ",
				 s->tg == TG_SELF ? z->self : z->e->t[s->tg].tgid);
			if (strncmp(text, head, strlen(head)))
				bad(z, "tables header %.40s, expected %s", text + 16, head + 16);
		}
		if (strcmp(last, "end\n"))
			bad(z, "tables output ends %s", last);
		break;
	case F_ALLOC:
		snprintf(head, sizeof(head), PTW_HEADER(alloc) "file allocations=%u ", s->nr);
		snprintf(why, sizeof(why), "end allocations=%u\n", s->nr);
		if (strncmp(text, head, strlen(head)) || strcmp(last, why))
			bad(z, "alloc output %.60s ... %s, expected %u allocations", text + 15,
			    last, s->nr);
		break;
	case F_TRACE:
		break;	/* check_trace() above */
	}
}

/* Rewind, read all in chunks of random sizes, check; keep it as reference. */
static void read_whole_checked(struct fuzz *z, struct fdstate *s)
{
	size_t cap = 1 << 16, n = 0, chunk;
	char *buf = malloc(cap + 1);
	unsigned long reads = 0;
	ssize_t r;

	z->seeks++;
	if (lseek(s->fd, 0, SEEK_SET)) {
		if (!read_errno_ok(z, errno))
			bad(z, "lseek(0, SEEK_SET): %s", strerror(errno));
		free(buf);
		return;
	}
	s->pos = 0;
	chunk = pct(&z->r, 30) ? 1 + below(&z->r, 64) : 1 + below(&z->r, 70000);
	if (chunk < s->lastlen / 2000 + 1)	/* two thousand reads at most */
		chunk = s->lastlen / 2000 + 1;
	for (;;) {
		if (n + chunk > cap) {
			while (n + chunk > cap)
				cap *= 2;
			buf = realloc(buf, cap + 1);
		}
		r = read(s->fd, buf + n, chunk);
		z->reads++;
		if (r <= 0)
			break;
		n += r;
		if (n / chunk > 2000)	/* it grew since: two thousand reads at most */
			chunk *= 2;
		if (n > MAX_OUT || ++reads > 4000000) {
			bad(z, "a read that does not end: %zu bytes in %lu reads", n, reads);
			break;
		}
	}
	z->bytes_read += n;
	s->pos = n;
	s->lastlen = n;
	if (r < 0) {
		if (!read_errno_ok(z, errno))
			bad(z, "read: %s", strerror(errno));
		s->pos = n;	/* a failed read leaves the position */
		check_pos(z, s, "a failed read");
		free(buf);
		return;
	}
	buf[n] = '\0';
	check_output(z, s, buf, n);
	if (s->ref && stable(z, s) && (s->reflen != n || memcmp(s->ref, buf, n)))
		bad(z, "output changed between two reads (%zu then %zu bytes)", s->reflen, n);
	drop_ref(s);
	if (stable(z, s)) {
		s->ref = buf;
		s->reflen = n;
	} else {
		free(buf);
	}
}

/* Random positioned reads, checked against the reference where it holds. */
static void read_random(struct fuzz *z, struct fdstate *s)
{
	static const size_t sizes[] = { 0, 1, 7, 100, 4095, 4096, 16384, 65536 };
	size_t size = pct(&z->r, 50) ? sizes[below(&z->r, 8)] : below(&z->r, 20000);
	char *buf = malloc(size + 1);
	long long off = 0, sum;
	unsigned long k = below(&z->r, 100);
	bool positioned = false;
	off_t got;
	ssize_t r;
	int whence;

	if (k < 30) {
		/* a plain read at the current position */
	} else if (k < 45) {
		off = below(&z->r, 4) ? (long long)below(&z->r, s->reflen + 200) :
		      pct(&z->r, 50) ? -(long long)below(&z->r, 1000) - 1 :
		      (long long)(rnd(&z->r) >> (2 + below(&z->r, 62)));
		z->reads++;
		r = pread(s->fd, buf, size, off);
		if (off < 0) {
			if (r >= 0 || errno != EINVAL)
				bad(z, "pread at %lld: %zd (%s), expected EINVAL", off, r,
				    r < 0 ? strerror(errno) : "no error");
			free(buf);
			return;
		}
		positioned = true;
		goto check;
	} else {
		whence = below(&z->r, 10) < 5 ? SEEK_SET : pct(&z->r, 70) ? SEEK_CUR : SEEK_END;
		off = below(&z->r, 4) ? (long long)below(&z->r, s->reflen + 200) :
		      pct(&z->r, 50) ? -(long long)below(&z->r, 100000) :
		      (long long)(rnd(&z->r) >> (1 + below(&z->r, 63)));
		if (whence == SEEK_CUR && off >= 0 && pct(&z->r, 50))
			off = -off;
		z->seeks++;
		got = lseek(s->fd, off, whence);
		if (whence == SEEK_END || (whence == SEEK_SET && off < 0) ||
		    (whence == SEEK_CUR &&
		     (__builtin_add_overflow((long long)s->pos, off, &sum) || sum < 0))) {
			if (got >= 0 || errno != EINVAL)
				bad(z, "lseek(%lld, %d) at %lu: %lld (%s), expected EINVAL",
				    off, whence, s->pos, (long long)got,
				    got < 0 ? strerror(errno) : "no error");
			free(buf);
			return;
		}
		if (got < 0) {
			if (!read_errno_ok(z, errno))
				bad(z, "lseek(%lld, %d): %s", off, whence, strerror(errno));
			s->pos = 0;
			free(buf);
			return;
		}
		if (got != (whence == SEEK_SET ? off : (long long)s->pos + off))
			bad(z, "lseek(%lld, %d) at %lu gave %lld", off, whence, s->pos,
			    (long long)got);
		s->pos = got;
	}
	z->reads++;
	off = s->pos;
	r = read(s->fd, buf, size);
check:
	if (r < 0) {
		if (!read_errno_ok(z, errno))
			bad(z, "%s of %zu at %lld: %s", positioned ? "pread" : "read", size,
			    off, strerror(errno));
		free(buf);
		return;
	}
	z->bytes_read += r;
	if ((size_t)r > size)
		bad(z, "read of %zu returned %zd", size, r);
	if (s->ref && stable(z, s)) {
		size_t avail = (unsigned long long)off < s->reflen ? s->reflen - off : 0;

		if ((size_t)r > avail || memcmp(buf, s->ref + off, r))
			bad(z, "%s of %zu at %lld: %zd bytes that differ from the output read whole",
			    positioned ? "pread" : "read", size, off, r);
		else if (!r && size && avail)
			bad(z, "%s of %zu at %lld returned 0, %zu bytes before the end",
			    positioned ? "pread" : "read", size, off, avail);
	}
	if (!positioned)
		s->pos += r;
	free(buf);
}

/* ---- the loop ---- */

static int open_file(struct fuzz *z)
{
	char path[64];

	snprintf(path, sizeof(path), PTWALK_DIR "/%s", file_names[z->file]);
	return open(path, O_RDWR);
}

static void fd_reset(struct fdstate *s, int fd)
{
	drop_ref(s);
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->tg = TG_SELF;
}

static void one_op(struct fuzz *z, struct sbuf *sweep, size_t *sweep_at)
{
	struct fdstate *s = &z->fds[below(&z->r, NFD)];
	unsigned long k = below(&z->r, 1000);
	struct sbuf sb = { .n = 0 };
	size_t i, at;
	int fd;

	if (*sweep_at <= sweep->n) {
		/* every prefix of one request, the whole one last */
		do_write(z, s, sweep->b, (*sweep_at)++);
		return;
	}
	if (k < 4) {
		close(s->fd);
		if (z->file == F_ALLOC)
			drop_all_refs(z);
		fd = open_file(z);
		if (fd < 0) {
			bad(z, "reopen: %s", strerror(errno));
			fd = open("/dev/null", O_RDWR);
		}
		fd_reset(s, fd);
		z->reopen++;
		/* walk and whatis answer nothing before a request */
		if (z->file == F_WALK || z->file == F_WHATIS)
			read_whole_checked(z, s);
		return;
	}
	if (k < 8) {
		sweep->n = 0;
		gen_structured(z, s, sweep);
		*sweep_at = 0;
		return;
	}
	if (k < 500) {
		unsigned long g = below(&z->r, 100);

		if (g < 60) {
			gen_structured(z, s, &sb);
		} else if (g < 80) {
			gen_structured(z, s, &sb);
			mutate(z, &sb);
			if (pct(&z->r, 30))
				mutate(z, &sb);
		} else if (g < 95) {
			gen_junk(z, &sb, below(&z->r, 201));
		} else {
			gen_structured(z, s, &sb);
			gen_junk(z, &sb, 128 + below(&z->r, pct(&z->r, 80) ? 200 : 4000));
		}
		if (g % 10 == 3 && sb.n > 1) {
			/* one request over several write()s: each is a request */
			for (i = 0; i < sb.n; i = at) {
				at = i + 1 + below(&z->r, sb.n - i);
				do_write(z, s, sb.b + i, at - i);
			}
		} else if (g % 10 == 7) {
			do_writev(z, s, &sb);
		} else {
			do_write(z, s, sb.b, sb.n);
		}
		return;
	}
	if (k < 600) {
		read_whole_checked(z, s);
		return;
	}
	read_random(z, s);
}

static void fuzz_run(struct fuzz *z, double secs)
{
	struct sbuf sweep = { .n = 0 };
	size_t sweep_at = 1;		/* > sweep.n: no sweep under way */
	double end = now() + secs;
	unsigned long i;
	int fd;

	for (i = 0; i < NFD; i++) {
		fd = open_file(z);
		if (fd < 0) {
			bad(z, "open: %s", strerror(errno));
			return;
		}
		z->fds[i].ref = NULL;
		fd_reset(&z->fds[i], fd);
	}
	while (now() < end)
		one_op(z, &sweep, &sweep_at);
	for (i = 0; i < NFD; i++) {
		close(z->fds[i].fd);
		drop_ref(&z->fds[i]);
	}
}

static void fuzz_report(struct fuzz *z, double secs)
{
	char res[256];
	size_t n = 0;
	int i;

	for (i = 0; i < 8; i++)
		if (z->results[i])
			n += snprintf(res + n, sizeof(res) - n, " %s=%lu", res_names[i],
				      z->results[i]);
	fprintf(stderr, "# fuzz %s%s: seed=%llu %.0fs: %lu requests (%.0f/s):%s; %lu reads, %lu seeks, %lu outputs checked (%lu KiB), %lu reopens, %lu bad\n",
		file_names[z->file], z->priv ? "" : " (unprivileged)",
		(unsigned long long)z->e->seed, secs, z->requests, z->requests / secs,
		res, z->reads, z->seeks, z->outputs, z->bytes_read >> 10, z->reopen, z->bad);
	if (pw_faults_total(&z->faults))
		pw_faults_print(file_names[z->file], &z->faults);
	if (z->bad || pw_faults_total(&z->faults))
		fprintf(stderr, "# fuzz %s: again with FUZZ_SEED=%llu FUZZ_S=%d make fuzz\n",
			file_names[z->file], (unsigned long long)z->e->seed, z->e->secs);
}

/* ---- the fixture: targets and settings ---- */

/* One seed for every test of the run (each runs in a child of its own). */
static void __attribute__((constructor)) pick_seed(void)
{
	char v[32];

	if (getenv("FUZZ_SEED") && *getenv("FUZZ_SEED"))
		return;
	snprintf(v, sizeof(v), "%llu",
		 ((unsigned long long)time(NULL) * 1000003ULL ^ (unsigned long long)getpid()) %
		 1000000000ULL);
	setenv("FUZZ_SEED", v, 1);
}

FIXTURE(fuzz) {
	struct env e;
};

static int fuzz_secs(void)
{
	const char *s = getenv("FUZZ_S");

	return s ? atoi(s) : 60;
}

FIXTURE_SETUP(fuzz)
{
	struct env *e = &self->e;
	const char *seed = getenv("FUZZ_SEED");
	pid_t pid;
	int i;

	memset(e, 0, sizeof(*e));
	e->secs = fuzz_secs();
	if (e->secs <= 0)
		SKIP(return, "FUZZ_S=%d: no fuzzing asked for (make fuzz, check-debug)", e->secs);
	if (!ptwalk_loaded())
		SKIP(return, "ptwalk not loaded");
	if (getuid())
		SKIP(return, "needs root");
	e->seed = strtoull(seed, NULL, 0);
	e->levels = pw_info_num("paging_levels");
	e->user_top = info_ulong("user_top");
	e->max_order = buddy_max_order();
	ASSERT_LT(0, e->max_order);
	e->sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, e->sh);

	e->t[TG_SELF] = (struct target){ "self", getpid(), getpid(), T_LIVE, false };
	pid = spawn_stopped(build_stopped, e->sh);
	ASSERT_LT(0, pid);
	e->children[0] = pid;
	e->t[TG_STOPPED] = (struct target){ "stopped child", pid, pid, T_LIVE, true };
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(0, waitid(P_PID, pid, &(siginfo_t){ 0 }, WEXITED | WNOWAIT));
	e->children[1] = pid;
	e->t[TG_ZOMBIE] = (struct target){ "zombie", pid, pid, T_GONE, false };
	pid = spawn_leader_gone(e->sh);
	ASSERT_LT(0, pid);
	e->children[2] = pid;
	ASSERT_NE(0, e->sh->thread);
	e->t[TG_LEADER_GONE] = (struct target){ "main thread exited", pid, pid, T_LIVE, true };
	e->t[TG_THREAD] = (struct target){ "its live thread", e->sh->thread, pid, T_LIVE, true };
	e->t[TG_KTHREADD] = (struct target){ "kthreadd", 2, 2, T_GONE, false };
	pid = find_kworker();
	e->t[TG_KWORKER] = (struct target){ "kernel thread", pid, pid, T_GONE, false };
	e->t[TG_INIT] = (struct target){ "init", 1, 1, T_LIVE, false };
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	e->t[TG_REAPED] = (struct target){ "reaped", pid, pid, T_GONE, false };
	e->t[TG_NOPID] = (struct target){ "no such pid", 4194304, 4194304, T_GONE, false };
	collect_uaddrs(e);
	collect_kaddrs(e);
	ASSERT_LT(4, e->nkaddr);
	for (i = 0; i < TG_NR; i++)
		TH_LOG("target %-20s pid %d", e->t[i].name, e->t[i].pid);
	TH_LOG("seed=%llu FUZZ_S=%d levels=%d user_top=0x%lx max_order=%d, %d user and %d kernel addresses",
	       (unsigned long long)e->seed, e->secs, e->levels, e->user_top, e->max_order,
	       e->nuaddr, e->nkaddr);
	/* A hang is a failure: well before the harness's own timeout. */
	alarm(e->secs * 2 + 300);
}

FIXTURE_TEARDOWN(fuzz)
{
	int i;

	for (i = 0; i < 3; i++)
		child_kill(self->e.children[i]);
	if (self->e.sh && self->e.sh != MAP_FAILED)
		munmap(self->e.sh, 4096);
}

/*
 * Fuzz @file for the budget, as root (and, for maps and walk, a fifth of
 * it as nobody, in a child); then every descriptor closed must show in
 * files_open and module_bytes.
 */
static void fuzz_file(struct __test_metadata *_metadata, struct env *e, enum file file)
{
	struct fuzz *z = calloc(1, sizeof(*z));
	double secs = e->secs, t0;
	int files0 = pw_info_num("files_open");
	long bytes0 = pw_module_bytes();
	int status;
	pid_t pid;

	ASSERT_NE(NULL, z);
	z->e = e;
	z->file = file;
	if (file == F_MAPS || file == F_WALK || file == F_TABLES || file == F_TRACE) {
		secs = e->secs * 0.8;
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			if (drop_to_nobody())
				_exit(100);
			z->priv = false;
			z->self = getpid();
			/* "self" is this child now: its own PID succeeds */
			e->t[TG_SELF].pid = e->t[TG_SELF].tgid = z->self;
			z->r.s = e->seed * 31 + file * 7919 + 1;
			t0 = now();
			fuzz_run(z, e->secs - secs);
			fuzz_report(z, now() - t0);
			_exit(z->bad > 99 ? 99 : z->bad);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("unprivileged fuzz: status 0x%x", status);
	}
	z->priv = true;
	z->self = getpid();
	z->r.s = e->seed * 31 + file * 7919;
	t0 = now();
	fuzz_run(z, secs);
	fuzz_report(z, now() - t0);
	EXPECT_EQ(0, z->bad);
	EXPECT_EQ(0, pw_faults_total(&z->faults));
	EXPECT_LT(0, z->requests);
	EXPECT_EQ(files0, pw_info_num("files_open"));
	EXPECT_EQ(bytes0, pw_module_bytes());
	EXPECT_EQ(0, bytes0);
	free(z);
}

TEST_F_TIMEOUT(fuzz, maps, 7200)
{
	fuzz_file(_metadata, &self->e, F_MAPS);
}

TEST_F_TIMEOUT(fuzz, walk, 7200)
{
	fuzz_file(_metadata, &self->e, F_WALK);
}

TEST_F_TIMEOUT(fuzz, whatis, 7200)
{
	fuzz_file(_metadata, &self->e, F_WHATIS);
}

TEST_F_TIMEOUT(fuzz, alloc, 7200)
{
	fuzz_file(_metadata, &self->e, F_ALLOC);
}

TEST_F_TIMEOUT(fuzz, tables, 7200)
{
	fuzz_file(_metadata, &self->e, F_TABLES);
}

/*
 * trace: the requests attach the fault counters and the notifier to
 * targets that are stopped, zombies, leaderless or this process itself
 * (which faults and changes its tables as it fuzzes), and detach them.
 */
TEST_F_TIMEOUT(fuzz, trace, 7200)
{
	fuzz_file(_metadata, &self->e, F_TRACE);
}

/*
 * The files without requests: kernel and sharing refuse a write (root
 * opens them for writing despite their 0400), info has no write method
 * at all and procfs answers EIO.
 */
TEST(writes_to_files_without_requests)
{
	static const struct { const char *name; int err; } f[] = {
		{ "kernel", EINVAL }, { "sharing", EINVAL }, { "info", EIO },
	};
	char path[64];
	unsigned int i;
	int fd;

	if (!ptwalk_loaded() || getuid())
		SKIP(return, "needs root and ptwalk loaded");
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), PTWALK_DIR "/%s", f[i].name);
		fd = open(path, O_RDWR);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
		errno = 0;
		EXPECT_EQ(-1, write(fd, "1", 1)) TH_LOG("%s", path);
		EXPECT_EQ(f[i].err, errno) TH_LOG("%s: %s", path, strerror(errno));
		close(fd);
	}
}

PTW_HARNESS_MAIN
