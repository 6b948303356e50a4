/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every ptwalk /proc file keeps per open file: the opener's privilege
 * (decided once, at open, from the opener's credentials), the target
 * process, and a seq_file whose fixed buffer a view fills chunk by chunk.
 */
#ifndef PTWALK_FILE_H
#define PTWALK_FILE_H

#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/types.h>
#include <ptwalk/format.h>

/*
 * Request files (maps, walk) are writable by everyone on purpose: a request
 * only changes the writer's own descriptor, and what it may ask for was
 * fixed at open from the opener's credentials (see file.c). Unprivileged
 * users need to write to walk their own processes.
 */
#define PTW_MODE_REQUEST	0666

/* Largest request a file accepts; longer writes are -EINVAL. */
#define PTW_REQ_MAX	128
/* Output buffer per open file (the seq_file's); a fill stops when a line does not fit. */
#define PTW_OUT_SIZE	(16 * 1024)
/*
 * A fill starts only with at least this much room left; a view may print
 * this much without asking ptw_out_room() (headers, a walk, a tail).
 */
#define PTW_FILL_ROOM	(4 * 1024)

struct ptw_file;

/*
 * A view: one /proc/ptwalk file. file.c owns open, release, read, write
 * and lseek for all of them; a view only says how big its state is, who
 * may open it, how to take a request and how to produce its output.
 */
struct ptw_view_ops {
	size_t size;		/* of the view's state, zeroed at open */
	bool privileged_only;	/* -EPERM at open without CAP_SYS_ADMIN */
	/*
	 * A stream (trace): output keeps arriving, so every read asks the
	 * view for more, and a fill that sets f->eof ends only that read.
	 */
	bool stream;
	/* Optional: set up the state after it is allocated (may sleep). */
	int (*init)(struct ptw_file *f);
	/* Optional: free what init and requests took. */
	void (*release)(struct ptw_file *f);
	/*
	 * Optional: one written request (NUL-terminated, trailing newline
	 * removed), under the seq_file's lock. 0 accepts it and rewinds the
	 * output.
	 */
	int (*request)(struct ptw_file *f, char *req);
	/*
	 * Append the next chunk (at least PTW_FILL_ROOM bytes are free); set
	 * f->eof when there is no more. Called under the seq_file's lock,
	 * with no other lock held: may sleep.
	 */
	int (*fill)(struct ptw_file *f);
	/* Optional: start the output again (a rewind or a new request). */
	void (*rewind)(struct ptw_file *f);
};

struct ptw_file {
	struct seq_file *m;	/* output; its lock serialises read, write, lseek */
	bool privileged;	/* CAP_SYS_ADMIN in init_user_ns at open */
	struct pid *opener;	/* the opener's thread group */
	struct mm_struct *opener_mm;	/* and its address space (mmgrab) */
	struct pid *target;	/* thread group inspected */
	struct mm_struct *mm;	/* its address space when chosen (mmgrab) */
	const struct ptw_view_ops *ops;
	loff_t chunk;		/* seq_file index of the next chunk */
	bool started;		/* a chunk was produced since the last rewind */
	bool eof;
	void *view;		/* the view's own state */
};

extern bool ptw_unprivileged_pfn;

/* Create /proc/ptwalk/@name for the view @ops. */
int ptw_file_create(struct proc_dir_entry *dir, const char *name,
		    umode_t mode, const struct ptw_view_ops *ops);
int ptw_files_open_count(void);

/* Output: true if @need more bytes fit; printf only after it said yes. */
static inline bool ptw_out_room(struct ptw_file *f, size_t need)
{
	return f->m->size - f->m->count > need;
}

__printf(2, 3) void ptw_out(struct ptw_file *f, const char *fmt, ...);
/* Append @len bytes: the fast path for lines formatted by hand. */
void ptw_out_write(struct ptw_file *f, const char *s, size_t len);
/*
 * A string value as the format writes it (include/ptwalk/format.h): the
 * bytes of PTW_VALUE_ESCAPE as \ooo. ptw_escaped_len() is its length.
 */
void ptw_out_escaped(struct ptw_file *f, const char *s);
size_t ptw_escaped_len(const char *s);

/*
 * The fastest path: format a line of at most @max bytes in place, at the
 * end of the output, and append it with ptw_out_commit(). NULL when it
 * may not fit (as ptw_out_room()).
 */
static inline char *ptw_out_reserve(struct ptw_file *f, size_t max)
{
	return ptw_out_room(f, max) ? f->m->buf + f->m->count : NULL;
}

/* Append what was formatted from ptw_out_reserve() up to @end. */
static inline void ptw_out_commit(struct ptw_file *f, const char *end)
{
	f->m->count = end - f->m->buf;
}

/* Requests. */
int ptw_copy_request(const char __user *ubuf, size_t count, char *req);
int ptw_parse_pid(const char *s, pid_t *nr);
int ptw_parse_addr(const char *s, unsigned long *addr);
int ptw_set_target(struct ptw_file *f, pid_t nr);
/* Target the opener's process (and address space) again. */
void ptw_target_self(struct ptw_file *f);
/* Pin the target's mm (mmput() it); ERR_PTR(-ESRCH) if it is gone. */
struct mm_struct *ptw_target_mm(struct ptw_file *f, pid_t *nr);
struct ptw_walk;
/*
 * Walk the target's user half from *@cursor on with @w (ptw_walk_user()),
 * its mm pinned for the walk; *@cursor is where the next fill resumes.
 * PTW_STOP when the buffer filled, 0 at the end, or -errno.
 */
int ptw_walk_target(struct ptw_file *f, struct ptw_walk *w,
		    unsigned long *cursor);
/* May this file see physical frame numbers of its target? */
bool ptw_show_pfn(struct ptw_file *f);

#endif /* PTWALK_FILE_H */
