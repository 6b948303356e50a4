// SPDX-License-Identifier: GPL-2.0
/* Requests to the module's files, as docs/interface.md defines them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procfile.h"
#include "ptwalk.h"
#include "ptwfmt.h"
#include "source.h"


/*
 * The THP mode's sysfs file reads "always [madvise] never": keep the
 * bracketed word. "unsupported" without the file (no THP), "unknown" when
 * it cannot be read or parsed.
 */
void read_thp_mode(char *mode, size_t size)
{
	char buf[128] = "", *open, *close;
	FILE *f = fopen(THP_ENABLED_PATH, "r");

	if (!f) {
		snprintf(mode, size, "%s", errno == ENOENT ? "unsupported" : "unknown");
		return;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || close - open - 1 >= (long)size) {
		snprintf(mode, size, "unknown");
		return;
	}
	*close = '\0';
	snprintf(mode, size, "%s", open + 1);
}

void read_info(struct pt_info *info)
{
	parse_info(pf_read("info"), info);
	read_thp_mode(info->thp, sizeof(info->thp));
}

void read_maps(pid_t pid, struct pt_maps *maps)
{
	char target[32], what[40];
	const char *reqs[3] = { target, NULL, NULL };

	if (pid)
		snprintf(target, sizeof(target), "%d", (int)pid);
	else
		snprintf(target, sizeof(target), "self");
	snprintf(what, sizeof(what), "PID %s", target);
	if (opt_nonpresent)
		reqs[1] = "nonpresent on";
	parse_maps(pf_request("maps", reqs, what), maps);
}

char *read_tables(pid_t pid)
{
	char target[32], what[40];
	const char *reqs[2] = { target, NULL };

	if (pid)
		snprintf(target, sizeof(target), "%d", (int)pid);
	else
		snprintf(target, sizeof(target), "self");
	snprintf(what, sizeof(what), "PID %s", target);
	pf_require("tables");
	return lines_body(pf_request("tables", reqs, what), "tables");
}

void read_walk(pid_t pid, unsigned long va, struct pt_walk *walk)
{
	char req[64], what[64];
	const char *reqs[2] = { req, NULL };

	if (pid) {
		snprintf(req, sizeof(req), "%d 0x%lx", (int)pid, va);
		snprintf(what, sizeof(what), "PID %d", (int)pid);
	} else {
		snprintf(req, sizeof(req), "kernel 0x%lx", va);
		snprintf(what, sizeof(what), "the kernel half");
	}
	parse_walk(pf_request("walk", reqs, what), walk);
}

unsigned long kernel_va_arg(const char *s)
{
	char buf[LINE_BUF], *body;
	bool image = false;
	struct ptw_line l;
	const char *p;

	if (strcmp(s, KERNEL_TEXT_NAME))
		return parse_va_arg(s);
	pf_require("kernel");
	body = parse_version(pf_read("kernel"), "kernel");
	/* The first mapped run of the kernel-image region of the kernel copy. */
	for (p = body; *p && strncmp(p, "copy name=user", 14); p = line_after(p)) {
		split_line(p, buf, &l, "kernel");
		if (!strcmp(l.tag, "region"))
			image = !strcmp(field(&l, "name", "kernel"), "kernel-image");
		else if (image && !strcmp(l.tag, "run") &&
			 !strcmp(field(&l, "kind", "kernel"), "mapped"))
			return field_num(&l, "start", "kernel");
	}
	fatal(EXIT_FAIL, "%s: /proc/ptwalk/kernel shows no mapped page in the kernel-image region",
	      KERNEL_TEXT_NAME);
}

char *read_sharing(void)
{
	pf_require("sharing");
	return lines_body(pf_read("sharing"), "sharing");
}

int alloc_open(void)
{
	pf_require("alloc");
	return pf_open("alloc", O_RDWR);
}

void alloc_request(int fd, const char *req)
{
	pf_write(fd, "alloc", req, "kernel allocations");
}

char *alloc_list(int fd)
{
	/* Documented to rewind and generate the listing afresh. */
	if (lseek(fd, 0, SEEK_SET))
		fatal(EXIT_FAIL, PTWALK_DIR "/alloc: cannot rewind");
	return lines_body(pf_read_fd(fd, "alloc", "kernel allocations"), "alloc");
}

unsigned long long body_num(const char *body, const char *file, const char *tag,
			    const char *key)
{
	char v[32];
	unsigned long long n;

	if (!ptw_find(body, tag, key, v, sizeof(v)) || ptw_num(v, &n))
		fatal(EXIT_FORMAT, PTWALK_DIR "/%s: no '%s %s=' number", file, tag, key);
	return n;
}
