// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

char *read_fd_whole(int fd, size_t *len)
{
	return read_fd_sized(fd, 1 << 16, len);
}

char *read_fd_sized(int fd, size_t chunk, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1), *nb;
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (n + chunk > cap) {
			while (n + chunk > cap)
				cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, chunk);
		if (r <= 0)
			break;
		n += r;
	}
	if (r < 0) {
		int e = errno;

		free(buf);
		errno = e;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

pid_t spawn_stopped(int (*build)(void *arg), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int ret = build(arg);

		if (ret)
			_exit(ret);
		raise(SIGSTOP);
		/* Continued only to be killed: keep the address space as built. */
		for (;;)
			pause();
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
		fprintf(stderr, "# child did not stop (status 0x%x)\n", status);
		child_kill(pid);
		return -1;
	}
	return pid;
}

void exec_sh_signalling(int fd, const char *then)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "printf x >&%d; %s", fd, then);
	execl("/bin/busybox", "sh", "-c", cmd, (char *)NULL);
}

char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

int timeout_scale(void)
{
	const char *env = getenv("PTWALK_TIMEOUT_SCALE");
	int scale = env ? atoi(env) : 1;

	return scale > 1 ? scale : 1;
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

pid_t fork_tied(void)
{
	pid_t pid = fork();

	if (pid == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	return pid;
}

void touch(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 4096)
		p[i] = (char)i | 1;
}

char *map_aligned(size_t len)
{
	const size_t huge = 2UL << 20;
	char *raw = mmap(NULL, len + huge, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (raw == MAP_FAILED)
		return NULL;
	return (char *)(((unsigned long)raw + huge - 1) & ~(huge - 1));
}

void child_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

char *read_whole(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	char *buf;
	int e;

	if (fd < 0)
		return NULL;
	buf = read_fd_whole(fd, len);
	e = errno;
	close(fd);
	errno = e;
	return buf;
}

int module_load(const char *path)
{
	int fd, ret, e;

	if (!path)
		path = getenv("PTWALK_KO");
	if (!path)
		path = "/lib/modules/ptwalk.ko";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

int module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK);
}

bool kv_get(const char *text, const char *key, char *out, size_t outsz)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			const char *v = p + klen + 1, *e;

			while (*v == ' ' || *v == '\t')
				v++;
			e = strchr(v, '\n');
			if (!e)
				e = v + strlen(v);
			if ((size_t)(e - v) >= outsz)
				return false;
			memcpy(out, v, e - v);
			out[e - v] = '\0';
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static bool has_word(const char *line, const char *word)
{
	size_t wl = strlen(word);
	const char *p = line;

	while ((p = strstr(p, word))) {
		bool start = p == line || p[-1] == ' ' || p[-1] == '\t';
		char end = p[wl];

		if (start && (end == ' ' || end == '\n' || end == '\0' || end == '\t'))
			return true;
		p += wl;
	}
	return false;
}

bool cpu_has_flag(const char *flag)
{
	char *info = read_whole("/proc/cpuinfo", NULL);
	char *line;
	bool ret = false;

	if (!info)
		return false;
	line = strstr(info, "\nflags");
	if (line) {
		char *eol = strchr(line + 1, '\n');

		if (eol)
			*eol = '\0';
		ret = has_word(line, flag);
	}
	free(info);
	return ret;
}

bool cmdline_has(const char *word)
{
	char *cmd = read_whole("/proc/cmdline", NULL);
	bool ret;

	if (!cmd)
		return false;
	ret = has_word(cmd, word);
	free(cmd);
	return ret;
}

int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY_UID) || setuid(NOBODY_UID))
		return -1;
	return 0;
}

bool ptwalk_loaded(void)
{
	struct stat st;

	return stat(PTWALK_DIR, &st) == 0;
}

int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct c[2];
	unsigned int bit = 1U << (CAP_SYS_ADMIN % 32);

	if (syscall(SYS_capget, &h, c))
		return -1;
	c[CAP_SYS_ADMIN / 32].effective &= ~bit;
	c[CAP_SYS_ADMIN / 32].permitted &= ~bit;
	c[CAP_SYS_ADMIN / 32].inheritable &= ~bit;
	return syscall(SYS_capset, &h, c);
}

int open_errno_as(enum opener who, const char *path, int flags)
{
	pid_t pid = fork();
	int status, fd;

	if (pid == 0) {
		if ((who == AS_NOBODY && drop_to_nobody()) ||
		    (who == AS_ROOT_WITHOUT_SYS_ADMIN && drop_cap_sys_admin()))
			_exit(255);
		fd = open(path, flags);
		_exit(fd >= 0 ? 0 : errno);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status);
}

bool line_field(const char *line, const char *key, char *out, size_t sz)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	e = p + strcspn(p, " \n");
	if ((size_t)(e - p) >= sz)
		return false;
	memcpy(out, p, e - p);
	out[e - p] = '\0';
	return true;
}

bool zram_swap_on(char *why, size_t sz)
{
	char *swaps = read_whole("/proc/swaps", NULL);
	char *order, *name, *save = NULL, path[128];
	bool on = swaps && strstr(swaps, "/dev/zram0");
	int fd;

	free(swaps);
	if (on)
		return true;	/* set up by an earlier test in this VM */
	order = read_whole("/lib/modules/extra/load-order", NULL);
	if (!order) {
		snprintf(why, sz, "no zram module in the VM (provisioning did not extract it)");
		return false;
	}
	for (name = strtok_r(order, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
		snprintf(path, sizeof(path), "/lib/modules/extra/%s.ko", name);
		if (module_load(path) && errno != EEXIST) {
			snprintf(why, sz, "cannot load %s: %s", name, strerror(errno));
			free(order);
			return false;
		}
	}
	free(order);
	fd = open("/sys/block/zram0/disksize", O_WRONLY);
	if (fd < 0 || write(fd, "64M", 3) != 3) {
		snprintf(why, sz, "zram0 cannot be sized: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	if (system("mkswap /dev/zram0 >/dev/null 2>&1") ||
	    (swapon("/dev/zram0", 0) && errno != EBUSY)) {
		snprintf(why, sz, "mkswap/swapon on zram0 failed: %s", strerror(errno));
		return false;
	}
	return true;
}
