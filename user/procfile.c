// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk file access. The module decides permission when a file is
 * opened and checks a target when it is written (docs/interface.md,
 * "Common rules"), so errno after open, write and read says exactly what
 * went wrong; this file turns it into the tool's documented messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfile.h"
#include "ptwalk.h"

#define READ_CHUNK	(64 * 1024)

static bool module_loaded(void)
{
	struct stat st;

	return stat(PTWALK_DIR, &st) == 0;
}

bool pf_exists(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), PTWALK_DIR "/%s", name);
	return access(path, F_OK) == 0;
}

void pf_require(const char *name)
{
	if (!module_loaded())
		fatal(EXIT_NOMODULE,
		      "module not loaded (no " PTWALK_DIR "): load it with 'sudo insmod module/ptwalk.ko'");
	if (!pf_exists(name))
		fatal(EXIT_NOMODULE,
		      "module lacks " PTWALK_DIR "/%s: load a ptwalk module that provides it",
		      name);
}

/* The documented message for @err on /proc/ptwalk/@name; never returns. */
static void pf_fail(const char *name, int err, const char *what)
{
	switch (err) {
	case ENOENT:
		pf_require(name);
		break;
	case EACCES:
	case EPERM:
		fatal(EXIT_PERM, "permission denied%s%s: run as root (sudo ptwalk ...)",
		      what ? " for " : "", what ? what : "");
	case ESRCH:
		fatal(EXIT_NOPROC, "no such process: %s (or it has no address space)",
		      what ? what : "?");
	case EIO:
		fatal(EXIT_NOMODULE, "module unloaded while reading " PTWALK_DIR "/%s",
		      name);
	}
	fatal(EXIT_FAIL, PTWALK_DIR "/%s: %s", name, strerror(err));
}

int pf_open(const char *name, int flags)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), PTWALK_DIR "/%s", name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		pf_fail(name, errno, NULL);
	return fd;
}

/* Read @fd to its end into *@text, in the arena; 0, or the read's errno. */
static int pf_read_all(int fd, char **text)
{
	size_t cap = READ_CHUNK, len = 0;
	char *buf = xalloc(cap + 1);
	ssize_t n;

	for (;;) {
		if (len == cap) {
			buf = xgrow(buf, cap + 1, cap * 2 + 1);
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	*text = buf;
	return 0;
}

char *pf_read_fd(int fd, const char *name, const char *what)
{
	char *text;
	int err = pf_read_all(fd, &text);

	if (err)
		pf_fail(name, err, what);
	return text;
}

char *pf_read(const char *name)
{
	int fd = pf_open(name, O_RDONLY);
	char *text = pf_read_fd(fd, name, NULL);

	close(fd);
	return text;
}

void pf_write(int fd, const char *name, const char *req, const char *what)
{
	size_t len = strlen(req);

	if (write(fd, req, len) == (ssize_t)len)
		return;
	switch (errno) {
	case EINVAL:
		fatal(EXIT_USAGE, "the module refused the request '%s' to " PTWALK_DIR "/%s",
		      req, name);
	case ENOMEM:
	case EBUSY:
		fatal(EXIT_FAIL, "'%s': %s (" PTWALK_DIR "/%s: over its caps, or no such memory)",
		      req, strerror(errno), name);
	case ENOENT:
		fatal(EXIT_FAIL, "'%s': no such allocation in this request", req);
	}
	pf_fail(name, errno, what);
}

/*
 * A process that execs between the write that chose it and the read gives
 * ESRCH at the read: the descriptor follows the address space it chose,
 * and the exec ended it (docs/interface.md). `sleep 600 & ptwalk maps $!`
 * can catch the shell's child there. The user named a process, so the
 * request is made again on a new descriptor, which chooses the program it
 * runs now: the write then fails (ESRCH, EPERM) if the process is gone or
 * may not be seen. A process that execs every time fails after PF_TRIES.
 */
#define PF_TRIES	5

char *pf_request(const char *name, const char *const *reqs, const char *what)
{
	size_t mark = arena_mark();
	const char *const *r;
	char *text;
	int fd, err;

	for (int tries = 1;; tries++) {
		arena_release(mark);	/* a failed try's buffer */
		fd = pf_open(name, O_RDWR);
		for (r = reqs; *r; r++)
			pf_write(fd, name, *r, what);
		err = pf_read_all(fd, &text);
		close(fd);
		if (!err)
			return text;
		if (err != ESRCH || tries == PF_TRIES)
			pf_fail(name, err, what);
	}
}
