/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every ptwalk /proc file keeps per open file: the opener's privilege
 * (decided once, at open, from the opener's credentials), the target
 * process, and a bounded output buffer that a view refills chunk by chunk.
 */
#ifndef PTWALK_FILE_H
#define PTWALK_FILE_H

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/types.h>

/*
 * Request files (maps, walk) are writable by everyone on purpose: a request
 * only changes the writer's own descriptor, and what it may ask for was
 * fixed at open from the opener's credentials (see file.c). Unprivileged
 * users need to write to walk their own processes.
 */
#define PTW_MODE_REQUEST	0666

/* Largest request a file accepts; longer writes are -EINVAL. */
#define PTW_REQ_MAX	128
/* Output buffer per open file; a refill stops when less than a line fits. */
#define PTW_OUT_SIZE	(64 * 1024)

struct ptw_file;

/* How a view produces its output. */
struct ptw_view_ops {
	/* Append the next chunk; set f->eof when there is no more. */
	int (*fill)(struct ptw_file *f);
	/* Start the output again from the top (a rewind or a new request). */
	void (*rewind)(struct ptw_file *f);
};

struct ptw_file {
	struct mutex lock;	/* serialises read, write and lseek */
	bool privileged;	/* CAP_SYS_ADMIN in init_user_ns at open */
	struct pid *opener;	/* the opener's thread group */
	struct pid *target;	/* thread group inspected (NULL: none) */
	const struct ptw_view_ops *ops;
	char *buf;		/* PTW_OUT_SIZE bytes */
	size_t len;		/* bytes in buf */
	size_t off;		/* bytes of buf already read */
	loff_t pos;		/* file position of buf[off] */
	bool eof;
	void *view;		/* the view's own state */
};

extern bool ptw_unprivileged_pfn;

int ptw_file_open(struct file *file, const struct ptw_view_ops *ops,
		  void *view);
void ptw_file_release(struct ptw_file *f);
int ptw_files_open_count(void);
void ptw_file_rewind(struct ptw_file *f);
ssize_t ptw_file_read(struct file *file, char __user *ubuf, size_t count,
		      loff_t *ppos);
loff_t ptw_file_lseek(struct file *file, loff_t offset, int whence);

/* Output: true if @need more bytes fit; printf only after it said yes. */
bool ptw_out_room(struct ptw_file *f, size_t need);
__printf(2, 3) void ptw_out(struct ptw_file *f, const char *fmt, ...);

/* Requests. */
int ptw_copy_request(const char __user *ubuf, size_t count, char *req);
int ptw_parse_pid(const char *s, pid_t *nr);
int ptw_parse_addr(const char *s, unsigned long *addr);
int ptw_set_target(struct ptw_file *f, pid_t nr);
/* Pin the target's mm (mmput() it); ERR_PTR(-ESRCH) if it is gone. */
struct mm_struct *ptw_target_mm(struct ptw_file *f, pid_t *nr);
/* May this file see physical frame numbers of its target? */
bool ptw_show_pfn(struct ptw_file *f);

#endif /* PTWALK_FILE_H */
