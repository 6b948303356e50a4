// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk alloc REQUEST...: have the module make kernel allocations
 * (/proc/ptwalk/alloc), show where they landed, and free them: they
 * belong to the open file, and ptwalk closes it before it exits.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "source.h"
#include "table.h"

#define MAX_REQUESTS	64
#define REQUEST_MAX	128	/* the module takes at most 127 bytes */

const char alloc_help[] =
	"usage: ptwalk alloc [--json] [--hold] REQUEST...\n"
	"Ask the kernel for memory and show where it landed: the virtual\n"
	"address, its region, the physical frames (from the page tables,\n"
	"checked against the kernel's own helper). Requests (SIZE in bytes,\n"
	"with an optional K, M or G):\n"
	"  kmalloc SIZE [COUNT]  COUNT objects from kmalloc(): which bucket\n"
	"                        serves SIZE, which frames they share\n"
	"  pages ORDER           one block of 2^ORDER pages from alloc_pages()\n"
	"  vmalloc SIZE          vmalloc(SIZE): virtually contiguous pages,\n"
	"                        physically scattered\n"
	"  free ID | free all    free an allocation made earlier in this command\n"
	"e.g. ptwalk alloc kmalloc 100 pages 2 vmalloc 64K\n"
	"Everything is freed when ptwalk exits. Root only (CAP_SYS_ADMIN).\n"
	"  --hold  stop (SIGSTOP) after the listing, allocations still held\n";

static bool is_verb(const char *w)
{
	return !strcmp(w, "kmalloc") || !strcmp(w, "pages") ||
	       !strcmp(w, "vmalloc") || !strcmp(w, "free");
}

/* Operands into requests: each starts with a verb, words are joined. */
static int group_requests(int argc, char **argv, char reqs[][REQUEST_MAX])
{
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		char *copy = xstrdup(argv[i]), *w;

		while ((w = strsep(&copy, " \t"))) {
			size_t len;

			if (!*w)
				continue;
			if (is_verb(w)) {
				if (n == MAX_REQUESTS)
					fatal(EXIT_USAGE, "at most %d requests", MAX_REQUESTS);
				snprintf(reqs[n++], REQUEST_MAX, "%s", w);
				continue;
			}
			if (!n)
				fatal(EXIT_USAGE, "alloc: '%s' is not a request (kmalloc, pages, vmalloc or free; see ptwalk alloc --help)",
				      w);
			len = strlen(reqs[n - 1]);
			if (len + 1 + strlen(w) >= REQUEST_MAX)
				fatal(EXIT_USAGE, "alloc: request too long: '%s ...'", reqs[n - 1]);
			snprintf(reqs[n - 1] + len, REQUEST_MAX - len, " %s", w);
		}
	}
	return n;
}

const struct line_note alloc_notes[] = {
	{ .tag = "file", .key = "bytes", .text = "what this open file holds" },
	{ .tag = "file", .key = "module_bytes", .text = "what all open alloc files hold" },
	{ .tag = "alloc", .text = "where each allocation landed (runs: of consecutive frames; 1 is physically contiguous)" },
	{ .tag = "object", .text = "kmalloc's objects: virtual address, region, frame" },
	{ .tag = "share", .text = "frames that hold more than one of the objects" },
	{ .tag = "page", .text = "vmalloc's pages: virtually contiguous, each with its frame" },
	{ .tag = "run", .text = "the area's runs of consecutive frames, as the page tables map them" },
	{ NULL },
};

/* What all alloc files hold now (a fresh file holds nothing itself). */
static unsigned long long module_bytes_now(void)
{
	int fd = alloc_open();
	char *body = alloc_list(fd);

	close(fd);
	return body_num(body, "alloc", "file", "module_bytes");
}

int cmd_alloc(char **args, int n)
{
	static char reqs[MAX_REQUESTS][REQUEST_MAX];
	unsigned long long after;
	struct json j;
	int nr, i, fd;
	char *body;

	nr = group_requests(n, args, reqs);
	fd = alloc_open();
	for (i = 0; i < nr; i++)
		alloc_request(fd, reqs[i]);
	body = alloc_list(fd);
	if (opt_hold) {
		fflush(stdout);
		raise(SIGSTOP);
	}
	close(fd);
	after = module_bytes_now();
	if (opt_json) {
		json_open(&j, stdout, "alloc");
		json_arr(&j, "requests");
		for (i = 0; i < nr; i++)
			json_str(&j, NULL, reqs[i]);
		json_end(&j);
		json_lines(&j, "alloc", body);
		json_uint(&j, "module_bytes_after_close", after);
		json_close(&j);
		return EXIT_OK;
	}
	for (i = 0; i < nr; i++)
		printf("%s%s", i ? "; " : "requests: ", reqs[i]);
	printf("%s", nr ? "\n" : "no requests: the empty file's state\n");
	print_lines(stdout, "alloc", body, alloc_notes);
	printf("closed the file: everything it held is freed (all alloc files now hold %llu bytes)\n",
	       after);
	return EXIT_OK;
}
