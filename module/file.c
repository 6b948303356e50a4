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
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>

#include "file.h"

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
	kvfree(f->buf);
	mutex_destroy(&f->lock);
	kfree(f);
}

static int ptw_file_open(struct inode *inode, struct file *file)
{
	const struct ptw_view_ops *ops = pde_data(inode);
	struct ptw_file *f;
	int ret;

	if (ops->privileged_only &&
	    !file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	f->ops = ops;
	f->privileged = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	f->opener = get_pid(task_tgid(current));
	f->opener_mm = current->mm;
	if (f->opener_mm)
		mmgrab(f->opener_mm);
	ptw_target_self(f);
	/* Charged to the opener: anyone may open request files, often. */
	f->buf = kvmalloc(PTW_OUT_SIZE, GFP_KERNEL_ACCOUNT);
	f->view = kvzalloc(ops->size, GFP_KERNEL_ACCOUNT);
	if (!f->buf || !f->view) {
		ret = -ENOMEM;
		goto err_free_file;
	}
	if (ops->init) {
		ret = ops->init(f);
		if (ret)
			goto err_free_file;
	}
	if (ops->rewind)
		ops->rewind(f);
	file->private_data = f;
	atomic_inc(&ptw_files_open);
	return 0;

err_free_file:
	file_free(f);
	return ret;
}

/* Also runs for files still open when the module is removed. */
static int ptw_file_release(struct inode *inode, struct file *file)
{
	struct ptw_file *f = file->private_data;

	if (f->ops->release)
		f->ops->release(f);
	file_free(f);
	atomic_dec(&ptw_files_open);
	return 0;
}

void ptw_file_rewind(struct ptw_file *f)
{
	f->len = 0;
	f->off = 0;
	f->pos = 0;
	f->eof = false;
	if (f->ops->rewind)
		f->ops->rewind(f);
}

bool ptw_out_room(struct ptw_file *f, size_t need)
{
	return PTW_OUT_SIZE - f->len > need;
}

void ptw_out(struct ptw_file *f, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vscnprintf(f->buf + f->len, PTW_OUT_SIZE - f->len, fmt, args);
	va_end(args);
	f->len += n;
}

/*
 * Reads are served from the buffer; when it is drained the view refills it
 * with the next chunk. copy_to_user() runs with no mmap or page-table lock
 * held. Any sequence of read sizes yields the same bytes.
 */
static ssize_t ptw_file_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct ptw_file *f = file->private_data;
	ssize_t copied = 0;
	int ret = 0;

	if (mutex_lock_killable(&f->lock))
		return -EINTR;
	if (*ppos != f->pos) {
		if (*ppos) {
			ret = -ESPIPE;
			goto out_unlock;
		}
		ptw_file_rewind(f);
	}
	while (copied < count) {
		size_t n;

		if (f->off == f->len) {
			if (f->eof)
				break;
			f->len = 0;
			f->off = 0;
			ret = f->ops->fill(f);
			if (ret)
				break;
			continue;
		}
		n = min(f->len - f->off, count - copied);
		if (copy_to_user(ubuf + copied, f->buf + f->off, n)) {
			ret = -EFAULT;
			break;
		}
		f->off += n;
		f->pos += n;
		copied += n;
	}
	*ppos = f->pos;
out_unlock:
	mutex_unlock(&f->lock);
	return copied ? copied : ret;
}

/* Only rewinding (and asking the position) is supported. */
static loff_t ptw_file_lseek(struct file *file, loff_t offset, int whence)
{
	struct ptw_file *f = file->private_data;
	loff_t ret;

	mutex_lock(&f->lock);
	if (whence == SEEK_SET && offset == 0) {
		ptw_file_rewind(f);
		file->f_pos = 0;
		ret = 0;
	} else if (whence == SEEK_CUR && offset == 0) {
		ret = f->pos;
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&f->lock);
	return ret;
}

/* A request: copied without allocating, parsed by the view under f->lock. */
static ssize_t ptw_file_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct ptw_file *f = file->private_data;
	char req[PTW_REQ_MAX];
	int ret;

	if (!f->ops->request)
		return -EINVAL;
	ret = ptw_copy_request(ubuf, count, req);
	if (ret)
		return ret;
	if (mutex_lock_killable(&f->lock))
		return -EINTR;
	ret = f->ops->request(f, req);
	if (!ret) {
		ptw_file_rewind(f);
		file->f_pos = 0;
	}
	mutex_unlock(&f->lock);
	return ret ? ret : count;
}

static const struct proc_ops ptw_proc_ops = {
	.proc_open = ptw_file_open,
	.proc_read = ptw_file_read,
	.proc_write = ptw_file_write,
	.proc_lseek = ptw_file_lseek,
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

/* A hexadecimal address, with or without 0x. */
int ptw_parse_addr(const char *s, unsigned long *addr)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!isxdigit(*s))
		return -EINVAL;
	return kstrtoul(s, 16, addr) ? -EINVAL : 0;
}

/*
 * Make @nr (any thread of a process) this file's target. -ESRCH for no
 * such process, a kernel thread or a process without an address space
 * (zombie); -EPERM for another process when the opener was unprivileged.
 */
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
 * Make @nr (any thread of a process) this file's target. -ESRCH for no
 * such process, a kernel thread or a process without an address space
 * (zombie); -EPERM when the opener was unprivileged and @nr is another
 * process, or the opener's own after an execve() (a setuid program).
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
	mm = (task->flags & PF_KTHREAD) ? NULL : get_task_mm(task);
	if (!mm) {
		ret = -ESRCH;
		goto out_put_task;
	}
	if (!f->privileged &&
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
 * The target's address space, pinned (mmput() it), if the target still
 * runs the address space it had when chosen: after an execve() it is
 * another program, which this descriptor was never allowed to see.
 */
struct mm_struct *ptw_target_mm(struct ptw_file *f, pid_t *nr)
{
	struct task_struct *task;
	struct mm_struct *mm;

	if (!f->target || !f->mm)
		return ERR_PTR(-ESRCH);
	task = get_pid_task(f->target, PIDTYPE_TGID);
	if (!task)
		return ERR_PTR(-ESRCH);
	mm = get_task_mm(task);
	if (nr)
		*nr = task_tgid_vnr(task);
	put_task_struct(task);
	if (mm && mm != f->mm) {
		mmput(mm);
		mm = NULL;
	}
	return mm ? mm : ERR_PTR(-ESRCH);
}

bool ptw_show_pfn(struct ptw_file *f)
{
	if (f->privileged)
		return true;
	return ptw_unprivileged_pfn && f->target == f->opener &&
	       f->mm == f->opener_mm;
}
