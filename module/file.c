// SPDX-License-Identifier: GPL-2.0
/*
 * Per-open-file plumbing shared by the views: permission at open, target
 * selection, request parsing and the chunked read path.
 *
 * Permission is decided once, at open, from the opener's credentials
 * (file_ns_capable() on file->f_cred), never from whoever later reads or
 * writes the descriptor: a root-opened fd handed to an unprivileged process
 * keeps root's view, and an unprivileged fd handed to a setuid program stays
 * unprivileged (the CVE-2012-0056 lesson of /proc/PID/mem).
 */
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>

#include "file.h"
#include "walker.h"

/*
 * Physical addresses are CAP_SYS_ADMIN-only, as in /proc/PID/pagemap since
 * 4.2: knowing which frames back one's own memory is what Rowhammer attacks
 * need to aim at neighbouring rows. A classroom VM's administrator may show
 * users the frames of their own processes anyway.
 */
bool ptw_unprivileged_pfn;
module_param_named(unprivileged_pfn, ptw_unprivileged_pfn, bool, 0644);
MODULE_PARM_DESC(unprivileged_pfn,
		 "Show unprivileged users the frames of their own processes (default off: Rowhammer)");

/* Open request files, module-wide: /proc/ptwalk/info shows it (leak check). */
static atomic_t ptw_files_open = ATOMIC_INIT(0);

int ptw_files_open_count(void)
{
	return atomic_read(&ptw_files_open);
}

static void file_free(struct ptw_file *f)
{
	if (f->mm)
		mmdrop(f->mm);
	if (f->opener_mm)
		mmdrop(f->opener_mm);
	put_pid(f->target);
	put_pid(f->opener);
	kvfree(f->view);
	kfree(f);
}

static const struct seq_operations ptw_seq_ops;

static int ptw_file_open(struct inode *inode, struct file *file)
{
	const struct ptw_view_ops *ops = pde_data(inode);
	struct seq_file *m;
	struct ptw_file *f;
	int ret;

	if (ops->privileged_only &&
	    !file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	f->ops = ops;
	f->privileged = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	f->opener = get_pid(task_tgid(current));
	f->opener_mm = current->mm;
	if (f->opener_mm)
		mmgrab(f->opener_mm);
	ptw_target_self(f);
	/* Charged to the opener: anyone may open request files, often. */
	f->view = kvzalloc(ops->size, GFP_KERNEL_ACCOUNT);
	if (!f->view) {
		ret = -ENOMEM;
		goto err_free_file;
	}
	if (ops->init) {
		ret = ops->init(f);
		if (ret)
			goto err_free_file;
	}
	ret = seq_open(file, &ptw_seq_ops);
	if (ret)
		goto err_release_view;
	m = file->private_data;
	/*
	 * A fixed buffer of our size instead of seq_file's growing one page:
	 * a read returns up to 16 KiB (more per call costs little, a bigger
	 * buffer costs every open), and seq_release() frees it.
	 */
	m->buf = kvmalloc(PTW_OUT_SIZE, GFP_KERNEL_ACCOUNT);
	if (!m->buf) {
		seq_release(inode, file);
		ret = -ENOMEM;
		goto err_release_view;
	}
	m->size = PTW_OUT_SIZE;
	m->private = f;
	f->m = m;
	if (ops->rewind)
		ops->rewind(f);
	atomic_inc(&ptw_files_open);
	return 0;

err_release_view:
	if (ops->release)
		ops->release(f);
err_free_file:
	file_free(f);
	return ret;
}

/* Also runs for files still open when the module is removed. */
static int ptw_file_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct ptw_file *f = m->private;

	if (f->ops->release)
		f->ops->release(f);
	file_free(f);
	atomic_dec(&ptw_files_open);
	return seq_release(inode, file);
}

/* Start the view's output again; the caller resets the seq_file. */
static void ptw_file_rewind(struct ptw_file *f)
{
	f->chunk = 0;
	f->started = false;
	f->eof = false;
	if (f->ops->rewind)
		f->ops->rewind(f);
}

void ptw_out(struct ptw_file *f, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	seq_vprintf(f->m, fmt, args);
	va_end(args);
}

void ptw_out_write(struct ptw_file *f, const char *s, size_t len)
{
	seq_write(f->m, s, len);
}

size_t ptw_escaped_len(const char *s)
{
	size_t n = strlen(s);

	for (; *s; s++)
		if (strchr(PTW_VALUE_ESCAPE, *s))
			n += 3;
	return n;
}

/* The plain stretches between escaped bytes go out whole. */
void ptw_out_escaped(struct ptw_file *f, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, PTW_VALUE_ESCAPE);

		ptw_out_write(f, s, n);
		s += n;
		if (*s)
			ptw_out(f, "\\%03o", (unsigned char)*s++);
	}
}

/*
 * The views produce their output in chunks (a fill), one seq_file record
 * each, and keep their own cursor: record N is always the chunk after
 * record N - 1, so seq_file asks only for the next one, or for record 0
 * after a seek or a pread (seq_file then reads forward from the start,
 * as for any /proc file). A fill never overflows the buffer: it stops
 * when a line does not fit, and the rest comes with the next record.
 * The views take and drop the target's locks inside a fill; seq_file
 * copies to user space after stop(), with no lock of ours held.
 */
static void *ptw_seq_start(struct seq_file *m, loff_t *pos)
{
	struct ptw_file *f = m->private;

	if (!*pos && f->started)
		ptw_file_rewind(f);
	else if (*pos != f->chunk)
		return ERR_PTR(-EINVAL);	/* not reached: see above */
	if (f->ops->stream)
		f->eof = false;
	return f->eof ? NULL : f;
}

static void *ptw_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct ptw_file *f = m->private;

	f->chunk = ++*pos;
	return f->eof ? NULL : f;
}

static void ptw_seq_stop(struct seq_file *m, void *v)
{
}

static int ptw_seq_show(struct seq_file *m, void *v)
{
	struct ptw_file *f = v;
	size_t before = m->count;
	int ret;

	if (m->count && m->size - m->count < PTW_FILL_ROOM) {
		/*
		 * Too little room for a fill: report an overflow as
		 * seq_set_overflow() does, so that seq_file ends this read
		 * and asks for this record again, with an empty buffer.
		 * Nothing was produced, so nothing is lost.
		 */
		m->count = m->size;
		return 0;
	}
	f->started = true;
	ret = f->ops->fill(f);
	/*
	 * seq_file drops a record that fails: keep what this fill produced
	 * and let the error come back with the next fill.
	 */
	if (ret < 0 && m->count != before)
		return 0;
	/*
	 * Nothing fitted in what was left (a line longer than
	 * PTW_FILL_ROOM): end this read, as above; the view produces the
	 * line again into an empty buffer, where every line fits.
	 */
	if (!ret && before && m->count == before && !f->eof)
		m->count = m->size;
	return ret;
}

static const struct seq_operations ptw_seq_ops = {
	.start = ptw_seq_start,
	.next = ptw_seq_next,
	.stop = ptw_seq_stop,
	.show = ptw_seq_show,
};

/*
 * A request: copied without allocating, parsed by the view under the
 * seq_file's lock. An accepted request rewinds the file: the seq_file's
 * position (as seq_lseek(0, SEEK_SET) resets it) and the file position,
 * *ppos, which write(2) stores back into f_pos when we return (and
 * f_pos itself, for callers that do not). pwrite() is refused with
 * ESPIPE: seq_open() clears FMODE_PWRITE.
 */
static ssize_t ptw_file_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct ptw_file *f = m->private;
	char req[PTW_REQ_MAX];
	int ret;

	if (!f->ops->request)
		return -EINVAL;
	ret = ptw_copy_request(ubuf, count, req);
	if (ret)
		return ret;
	if (mutex_lock_killable(&m->lock))
		return -EINTR;
	ret = f->ops->request(f, req);
	if (!ret) {
		ptw_file_rewind(f);
		m->index = 0;
		m->count = 0;
		m->from = 0;
		m->read_pos = 0;
		file->f_pos = 0;
		*ppos = 0;
	}
	mutex_unlock(&m->lock);
	return ret ? ret : count;
}

static const struct proc_ops ptw_proc_ops = {
	.proc_open = ptw_file_open,
	.proc_read = seq_read,
	.proc_write = ptw_file_write,
	.proc_lseek = seq_lseek,
	.proc_release = ptw_file_release,
};

int ptw_file_create(struct proc_dir_entry *dir, const char *name,
		    umode_t mode, const struct ptw_view_ops *ops)
{
	/* proc_ops take no const data: ops is only ever read back. */
	if (!proc_create_data(name, mode, dir, &ptw_proc_ops, (void *)ops))
		return -ENOMEM;
	return 0;
}

/*
 * Copy a request of at most PTW_REQ_MAX - 1 bytes into @req (PTW_REQ_MAX
 * bytes) without allocating, NUL-terminated, one trailing newline removed.
 */
int ptw_copy_request(const char __user *ubuf, size_t count, char *req)
{
	if (!count || count >= PTW_REQ_MAX)
		return -EINVAL;
	if (copy_from_user(req, ubuf, count))
		return -EFAULT;
	req[count] = '\0';
	if (strlen(req) != count)
		return -EINVAL;		/* embedded NUL */
	if (req[count - 1] == '\n')
		req[--count] = '\0';
	/* kstrto*() accept one more newline: refuse it here. */
	if (!count || strchr(req, '\n'))
		return -EINVAL;
	return 0;
}

/* A decimal PID > 0: no sign, no spaces, no trailing junk. */
int ptw_parse_pid(const char *s, pid_t *nr)
{
	int v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	if (kstrtoint(s, 10, &v) || v <= 0)
		return -EINVAL;
	*nr = v;
	return 0;
}

/*
 * A hexadecimal address, with or without one 0x: hex digits only after it,
 * since kstrtoul(, 16) would take a second 0x ("0x0x10") as well.
 */
int ptw_parse_addr(const char *s, unsigned long *addr)
{
	const char *p;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (p = s; isxdigit(*p); p++)
		;
	if (p == s || *p)
		return -EINVAL;
	return kstrtoul(s, 16, addr) ? -EINVAL : 0;
}

/* Make the process @tgid, whose address space is @mm, the target. */
static void target_set(struct ptw_file *f, struct pid *tgid,
		       struct mm_struct *mm)
{
	put_pid(f->target);
	f->target = get_pid(tgid);
	if (mm)
		mmgrab(mm);
	if (f->mm)
		mmdrop(f->mm);
	f->mm = mm;
}

void ptw_target_self(struct ptw_file *f)
{
	target_set(f, f->opener, f->opener_mm);
}

/*
 * The address space of @task's thread group, pinned (mmput() it), or NULL.
 * Any live thread will do: a group whose main thread called pthread_exit()
 * still runs in its address space, though the leader has none.
 */
static struct mm_struct *group_mm(struct task_struct *task)
{
	struct mm_struct *mm = NULL;
	struct task_struct *t;

	if (task->flags & PF_KTHREAD)
		return NULL;
	rcu_read_lock();
	for_each_thread(task, t) {
		mm = get_task_mm(t);
		if (mm)
			break;
	}
	rcu_read_unlock();
	return mm;
}

/*
 * Is thread @task ptrace-attached to a thread of process @opener? Then
 * the opener reads and writes its memory already (PTRACE_PEEKDATA): the
 * kernel checked that when the tracer attached (or when @task asked for it
 * with PTRACE_TRACEME), and a traced program's execve() gains no
 * privilege (LSM_UNSAFE_PTRACE). This is how `ptwalk trace -- CMD` follows
 * its command without root.
 */
static bool ptw_traced_by(struct task_struct *task, struct pid *opener)
{
	struct task_struct *tracer;
	bool ret;

	rcu_read_lock();
	tracer = ptrace_parent(task);
	ret = tracer && task_tgid(tracer) == opener;
	rcu_read_unlock();
	return ret;
}

/*
 * Make @nr (any thread of a process) this file's target. -ESRCH for no
 * such process, a kernel thread or a process without an address space
 * (zombie); -EPERM when the opener was unprivileged and @nr is another
 * process that is not ptrace-attached to it (thread @nr itself), or the
 * opener's own after an execve() (a setuid program).
 */
int ptw_set_target(struct ptw_file *f, pid_t nr)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;
	int ret = 0;

	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;
	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	if (!task)
		return -ESRCH;
	mm = group_mm(task);
	if (!mm) {
		ret = -ESRCH;
		goto out_put_task;
	}
	if (!f->privileged && !ptw_traced_by(task, f->opener) &&
	    (task_tgid(task) != f->opener || mm != f->opener_mm)) {
		ret = -EPERM;
		goto out_put_mm;
	}
	target_set(f, task_tgid(task), mm);
out_put_mm:
	mmput(mm);
out_put_task:
	put_task_struct(task);
	return ret;
}

/*
 * Does a thread of the process @tgid still run in @mm? Not after its
 * execve() (de_thread() leaves one thread, in the new mm), nor once every
 * thread has exited (a zombie's threads have none). Only the pointers are
 * compared: nothing here is dereferenced.
 */
static bool group_runs_in(struct pid *tgid, struct mm_struct *mm)
{
	struct task_struct *task, *t;
	bool ret = false;

	rcu_read_lock();
	task = pid_task(tgid, PIDTYPE_TGID);
	if (task) {
		for_each_thread(task, t) {
			if (READ_ONCE(t->mm) == mm) {
				ret = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	return ret;
}

/*
 * The target's address space, pinned (mmput() it), as pagemap_read() does
 * it: the one recorded when the target was chosen, while the target still
 * runs in it. After an execve() the process runs another program, which
 * this descriptor was never allowed to see: -ESRCH. Users alone do not
 * say that: exec_mmap() drops the process's own, but a transient
 * mmget_not_zero() elsewhere (a /proc reader, MGLRU's page-table walk)
 * may keep the old mm alive a moment longer. -ESRCH too after the last
 * exit.
 */
struct mm_struct *ptw_target_mm(struct ptw_file *f, pid_t *nr)
{
	if (!f->target || !f->mm || !mmget_not_zero(f->mm))
		return ERR_PTR(-ESRCH);
	if (!group_runs_in(f->target, f->mm)) {
		mmput(f->mm);
		return ERR_PTR(-ESRCH);
	}
	if (nr)
		*nr = pid_vnr(f->target);
	return f->mm;
}

int ptw_walk_target(struct ptw_file *f, struct ptw_walk *w,
		    unsigned long *cursor)
{
	struct mm_struct *mm = ptw_target_mm(f, NULL);
	int ret;

	if (IS_ERR(mm))
		return PTR_ERR(mm);
	w->mm = mm;
	ret = ptw_walk_user(w, *cursor, TASK_SIZE_MAX);
	mmput(mm);
	*cursor = w->next;
	return ret;
}

bool ptw_show_pfn(struct ptw_file *f)
{
	if (f->privileged)
		return true;
	return ptw_unprivileged_pfn && f->target == f->opener &&
	       f->mm == f->opener_mm;
}
