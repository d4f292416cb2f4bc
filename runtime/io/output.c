/*
 * output.c — output files that never destroy anything (rt_output.h has the
 * contract and the rules; docs/reliability.md why they are what they are).
 *
 * Three parts: a registry of what to remove if the process is stopped by a
 * signal (temporaries, scratch files), read by an async-signal-safe
 * handler; the output set, which checks targets when they are added and
 * commits them all or not at all; and scratch directories for the files
 * dealc hands to the linker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt_internal.h"
#include "rt_output.h"

/* ---- what a signal removes ---------------------------------------------------------
 * A fixed table, so the handler needs no allocation and no lock: it reads
 * each entry's op (atomically; set after the path it names) and unlinks or
 * removes. Entries are changed only with the signals blocked in the
 * changing thread. Only the process that made an entry acts on it, so a
 * child between fork and exec leaves its parent's files alone. */

enum { REG_FREE = 0, REG_UNLINK, REG_RMDIR };
#define REG_MAX 128

typedef struct reg_entry {
    int op;          /* REG_*, read by the handler */
    int taken;       /* owned by a set or a scratch directory */
    const char *path;
} reg_entry;

static reg_entry reg[REG_MAX];
static int reg_taken;
static pid_t reg_pid;
static const int reg_sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
#define NSIGS ((int)(sizeof reg_sigs / sizeof reg_sigs[0]))
static struct sigaction reg_old[NSIGS];
static int reg_installed[NSIGS];

void rt_out_cleanup_now(void)
{
    if (getpid() != reg_pid)
        return;
    /* files first, then the scratch directories that held them */
    for (int pass = 0; pass < 2; pass++)
        for (int i = REG_MAX - 1; i >= 0; i--) {
            int op = __atomic_exchange_n(&reg[i].op, REG_FREE, __ATOMIC_ACQ_REL);
            if (op == REG_UNLINK && pass == 0)
                unlink(reg[i].path);
            else if (op == REG_RMDIR && pass == 1)
                rmdir(reg[i].path);
            else if (op != REG_FREE) /* a directory, for the second pass */
                __atomic_store_n(&reg[i].op, op, __ATOMIC_RELEASE);
        }
}

static void on_signal(int sig)
{
    int saved = errno;
    rt_out_cleanup_now();
    /* then the program's own disposition (normally: terminate), so the
     * exit status still says which signal stopped it */
    for (int k = 0; k < NSIGS; k++)
        if (reg_sigs[k] == sig && reg_installed[k])
            sigaction(sig, &reg_old[k], NULL);
    raise(sig);
    errno = saved;
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int k = 0; k < NSIGS; k++)
        sigaddset(&set, reg_sigs[k]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* a free entry, the handler installed; -1 when the table is full */
static int reg_take(void)
{
    for (int i = 0; i < REG_MAX; i++)
        if (!reg[i].taken) {
            reg[i].taken = 1;
            if (reg_taken++ == 0) {
                reg_pid = getpid();
                for (int k = 0; k < NSIGS; k++) {
                    struct sigaction sa;
                    memset(&sa, 0, sizeof sa);
                    sa.sa_handler = on_signal;
                    sigemptyset(&sa.sa_mask);
                    for (int j = 0; j < NSIGS; j++)
                        sigaddset(&sa.sa_mask, reg_sigs[j]);
                    reg_installed[k] = 0;
                    /* a signal the program ignores (nohup, a shell's
                     * SIGPIPE) stays ignored */
                    if (sigaction(reg_sigs[k], NULL, &reg_old[k]) == 0 && reg_old[k].sa_handler != SIG_IGN &&
                        sigaction(reg_sigs[k], &sa, NULL) == 0)
                        reg_installed[k] = 1;
                }
            }
            return i;
        }
    return -1;
}

static void reg_set(int i, int op, const char *path)
{
    if (i < 0)
        return;
    __atomic_store_n(&reg[i].op, REG_FREE, __ATOMIC_RELEASE);
    reg[i].path = path;
    __atomic_store_n(&reg[i].op, op, __ATOMIC_RELEASE);
}

static void reg_give_back(int i)
{
    if (i < 0 || !reg[i].taken)
        return;
    reg_set(i, REG_FREE, NULL);
    reg[i].taken = 0;
    if (--reg_taken == 0)
        for (int k = 0; k < NSIGS; k++)
            if (reg_installed[k]) {
                sigaction(reg_sigs[k], &reg_old[k], NULL);
                reg_installed[k] = 0;
            }
}

/* ---- small helpers --------------------------------------------------------------------- */

static char *dup_str(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* the directory part of a path ("." when there is none) */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return dup_str(".", 1);
    if (slash == path)
        return dup_str("/", 1);
    return dup_str(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

/* fsync, where the file system can: EINVAL means it does not sync this
 * kind of file, and there is nothing more to do */
static int sync_fd(int fd)
{
    return fsync(fd) == 0 || errno == EINVAL || errno == EROFS;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == EACCES; /* a directory we may write but not read */
    int ok = sync_fd(fd);
    int err = errno;
    close(fd);
    errno = err;
    return ok;
}

char *rt_out_child_arg(const char *path, char *buf, size_t n)
{
    int w = snprintf(buf, n, "%s%s", path[0] == '-' ? "./" : "", path);
    return w < 0 || (size_t)w >= n ? NULL : buf;
}

/* ---- the output set ------------------------------------------------------------------------ */

enum { KIND_FILE, KIND_THROUGH };

typedef struct out_file {
    char *path;          /* as given; "standard output" for fd 1 */
    char *dir;           /* its directory */
    int kind;            /* KIND_* */
    int is_stdout;       /* added by rt_out_add_stdout */
    /* KIND_FILE */
    int existed;         /* the target was there when added */
    struct stat was;     /* ... as it was */
    char *tmp;           /* the temporary beside it */
    int fd;              /* open on tmp until commit, else -1 */
    int slot;            /* registry entry of tmp (later of nothing) */
    char *bak;           /* during commit: a hard link to what it replaced */
    int renamed;
    /* KIND_THROUGH */
    int through_fd;      /* 1 or 2, or -1: open the device at commit */
    dev_t rdev;          /* the device, for the check at commit */
    rt_buf mem;          /* its bytes, written at commit */
    /* both */
    FILE *stream;
    char *ms_buf;        /* an open_memstream buffer (KIND_THROUGH) */
    size_t ms_len;
    int failed;          /* a write failed, and said so */
    int self;            /* RT_OUT_SELF: may be an input */
    /* identity: an existing file by device and inode, a new one by its
     * directory's and its name */
    int id_new;
    dev_t id_dev;
    ino_t id_ino;
    const char *id_name;
} out_file;

typedef struct in_file {
    dev_t dev;
    ino_t ino;
    char *label; /* what a message calls it */
} in_file;

struct rt_outset {
    out_file *v;
    int n, cap;
    mode_t umask;
};

static void cannot(const char *path, const char *why)
{
    fprintf(stderr, "%s: error: cannot write: %s\n", path, why);
}

rt_outset *rt_out_begin(void)
{
    rt_outset *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "error: out of memory\n");
        return NULL;
    }
    /* the only portable way to read the umask is to set it */
    s->umask = umask(022);
    umask(s->umask);
    /* no command may write over the program that runs it: every set
     * knows it from the start (with no output yet this cannot fail) */
    rt_out_input(s, "/proc/self/exe");
    return s;
}

/* /dev/null: any number of outputs may discard their bytes there
 * (`--save-state /dev/null > /dev/null` in a script) */
static int is_null_node(const out_file *a)
{
    struct stat n;
    return !a->id_new && stat("/dev/null", &n) == 0 && S_ISCHR(n.st_mode) && n.st_dev == a->id_dev &&
           n.st_ino == a->id_ino;
}

static int same_id(const out_file *a, const out_file *b)
{
    if (a->id_new != b->id_new || a->id_dev != b->id_dev || a->id_ino != b->id_ino)
        return 0;
    if (is_null_node(a))
        return 0;
    return !a->id_new || strcmp(a->id_name, b->id_name) == 0;
}

/* Every file the process has read, by device and inode: the readers note
 * each file they open (rt_out_note_input), so a vector file named inside a
 * scenario file is protected like the files on the command line. Kept for
 * the life of the process, one entry per distinct file. */
static in_file *inputs;
static int ninputs, capinputs;

static void note(const struct stat *st, const char *path)
{
    for (int i = 0; i < ninputs; i++)
        if (inputs[i].dev == st->st_dev && inputs[i].ino == st->st_ino)
            return;
    if (ninputs == capinputs) {
        int cap = capinputs ? 2 * capinputs : 16;
        in_file *p = realloc(inputs, (size_t)cap * sizeof *p);
        if (!p)
            return;
        inputs = p;
        capinputs = cap;
    }
    /* how a message names it: "the input s.json", "this program (/usr/bin/deal)" */
    char label[PATH_MAX + 32], self[PATH_MAX];
    ssize_t n;
    if (strcmp(path, "/proc/self/exe") == 0 && (n = readlink(path, self, sizeof self - 1)) > 0) {
        self[n] = '\0';
        snprintf(label, sizeof label, "this program (%s)", self);
    } else {
        snprintf(label, sizeof label, "the input %s", path);
    }
    char *copy = dup_str(label, strlen(label));
    if (!copy)
        return;
    inputs[ninputs++] = (in_file){st->st_dev, st->st_ino, copy};
}

void rt_out_note_input(int fd, const char *path)
{
    struct stat st;
    /* only files can be overwritten; a terminal or pipe read is not one */
    if (fd >= 0 && path && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        note(&st, path);
}

/* the input an output would overwrite, or NULL */
static const char *overwrites(const out_file *o)
{
    if (o->kind != KIND_FILE || o->id_new || o->self)
        return NULL;
    for (int i = 0; i < ninputs; i++)
        if (inputs[i].dev == o->id_dev && inputs[i].ino == o->id_ino)
            return inputs[i].label;
    return NULL;
}

int rt_out_input(rt_outset *s, const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 1;
    note(&st, path);
    for (int i = 0; i < s->n; i++) {
        const char *in = overwrites(&s->v[i]);
        if (in) {
            fprintf(stderr, "%s: error: refusing to write over %s\n", s->v[i].path, in);
            return 0;
        }
    }
    return 1;
}

/* is st the file open on fd? */
static int is_fd(const struct stat *st, int fd)
{
    struct stat f;
    return fstat(fd, &f) == 0 && f.st_dev == st->st_dev && f.st_ino == st->st_ino;
}

/* a terminal one of the standard descriptors is attached to */
static int is_our_terminal(const struct stat *st)
{
    for (int fd = 0; fd <= 2; fd++) {
        struct stat f;
        if (isatty(fd) && fstat(fd, &f) == 0 && S_ISCHR(f.st_mode) && f.st_rdev == st->st_rdev)
            return 1;
    }
    return 0;
}

/* /dev/null, or /dev/tty (the controlling terminal, whichever it is) */
static int is_dev(const struct stat *st, const char *name)
{
    struct stat n;
    return S_ISCHR(st->st_mode) && stat(name, &n) == 0 && S_ISCHR(n.st_mode) && n.st_rdev == st->st_rdev;
}

/* How the target at path is to be written: 1 and o filled in, or 0 after
 * the message that refuses it. */
static int classify(out_file *o, const char *path)
{
    struct stat st, target;
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT) {
            cannot(path, strerror(errno));
            return 0;
        }
        /* a new file: its directory must be there */
        struct stat ds;
        if (stat(o->dir, &ds) != 0) {
            cannot(path, strerror(errno));
            return 0;
        }
        if (!S_ISDIR(ds.st_mode)) {
            cannot(path, strerror(ENOTDIR));
            return 0;
        }
        o->kind = KIND_FILE;
        o->id_new = 1;
        o->id_dev = ds.st_dev;
        o->id_ino = ds.st_ino;
        o->id_name = base_of(o->path);
        return 1;
    }
    if (S_ISREG(st.st_mode)) {
        o->kind = KIND_FILE;
        o->existed = 1;
        o->was = st;
        o->id_dev = st.st_dev;
        o->id_ino = st.st_ino;
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        cannot(path, "it is a directory");
        return 0;
    }
    /* what it is, or points to */
    target = st;
    if (S_ISLNK(st.st_mode) && stat(path, &target) != 0)
        target = st;
    int through = -1;
    if (!S_ISLNK(target.st_mode) && is_fd(&target, 1))
        through = 1;
    else if (!S_ISLNK(target.st_mode) && is_fd(&target, 2))
        through = 2;
    if (through > 0 || (S_ISCHR(target.st_mode) && (is_dev(&target, "/dev/null") || is_dev(&target, "/dev/tty") || is_our_terminal(&target)))) {
        o->kind = KIND_THROUGH;
        o->through_fd = through;
        o->rdev = target.st_rdev;
        o->id_dev = target.st_dev;
        o->id_ino = target.st_ino;
        return 1;
    }
    if (S_ISLNK(st.st_mode))
        fprintf(stderr,
                "%s: error: cannot write: it is a symbolic link; name the file it points to (an output is "
                "replaced, never written through a link)\n",
                path);
    else if (S_ISCHR(st.st_mode))
        cannot(path, "it is a character device, not a regular file");
    else if (S_ISFIFO(st.st_mode))
        cannot(path, "it is a named pipe (FIFO), not a regular file");
    else if (S_ISSOCK(st.st_mode))
        cannot(path, "it is a socket, not a regular file");
    else
        cannot(path, "it is not a regular file");
    return 0;
}

static void file_free(out_file *o)
{
    if (o->stream)
        fclose(o->stream);
    free(o->ms_buf);
    if (o->fd >= 0)
        close(o->fd);
    sigset_t old;
    block_signals(&old);
    if (o->tmp)
        unlink(o->tmp);
    reg_give_back(o->slot);
    restore_signals(&old);
    if (o->bak)
        unlink(o->bak);
    rt_buf_free(&o->mem);
    free(o->tmp);
    free(o->bak);
    free(o->dir);
    free(o->path);
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->slot = -1;
}

static out_file *new_slot(rt_outset *s)
{
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 4;
        out_file *p = realloc(s->v, (size_t)cap * sizeof *p);
        if (!p)
            return NULL;
        s->v = p;
        s->cap = cap;
    }
    out_file *o = &s->v[s->n];
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->slot = -1;
    o->through_fd = -1;
    rt_buf_init(&o->mem);
    return o;
}

/* Creates the temporary beside the target: TARGET.tmp.XXXXXX, or
 * DIR/.dealc.tmp.XXXXXX when that name would be too long. */
static int make_tmp(rt_outset *s, out_file *o, int flags)
{
    size_t n = strlen(o->path), bl = strlen(base_of(o->path));
    o->tmp = malloc(n + strlen(o->dir) + 32);
    if (!o->tmp) {
        cannot(o->path, "out of memory");
        return 0;
    }
    if (bl + 11 <= NAME_MAX)
        sprintf(o->tmp, "%s.tmp.XXXXXX", o->path);
    else
        sprintf(o->tmp, "%s/.dealc.tmp.XXXXXX", o->dir);
    sigset_t old;
    block_signals(&old);
    o->slot = reg_take();
    if (o->slot < 0) {
        restore_signals(&old);
        cannot(o->path, "too many files open for writing");
        return 0;
    }
    o->fd = mkostemp(o->tmp, O_CLOEXEC);
    int err = errno;
    if (o->fd >= 0)
        reg_set(o->slot, REG_UNLINK, o->tmp);
    restore_signals(&old);
    if (o->fd < 0) {
        free(o->tmp);
        o->tmp = NULL;
        cannot(o->path, strerror(err));
        return 0;
    }
    /* the mode a file written in place would have had: the old file's, or
     * what the umask allows */
    mode_t mode = (flags & RT_OUT_EXEC) ? 0777 & ~s->umask
                  : o->existed          ? o->was.st_mode & 0777
                                        : 0666 & ~s->umask;
    if (fchmod(o->fd, mode) != 0) {
        cannot(o->path, strerror(errno));
        return 0;
    }
    if (o->existed && geteuid() == 0 && fchown(o->fd, o->was.st_uid, o->was.st_gid) != 0) {
        /* keeping the owner is a courtesy; the contents are what matter */
    }
    return 1;
}

int rt_out_add(rt_outset *s, const char *path, int flags)
{
    if (!path || !*path) {
        fprintf(stderr, "error: an output file name is empty\n");
        return -1;
    }
    out_file *o = new_slot(s);
    if (!o || !(o->path = dup_str(path, strlen(path))) || !(o->dir = dir_of(path))) {
        if (o)
            file_free(o);
        fprintf(stderr, "error: out of memory\n");
        return -1;
    }
    if (!*base_of(path)) {
        cannot(path, "it names a directory");
        file_free(o);
        return -1;
    }
    if (!classify(o, path)) {
        file_free(o);
        return -1;
    }
    /* the same file as an input, or as another output: refused before
     * anything is written */
    o->self = (flags & RT_OUT_SELF) != 0;
    const char *in = overwrites(o);
    if (in) {
        fprintf(stderr, "%s: error: refusing to write over %s\n", path, in);
        file_free(o);
        return -1;
    }
    for (int i = 0; i < s->n; i++)
        if (same_id(o, &s->v[i])) {
            fprintf(stderr, "%s: error: it is the same file as the output %s\n", path, s->v[i].path);
            file_free(o);
            return -1;
        }
    if (o->kind == KIND_FILE && !make_tmp(s, o, flags)) {
        file_free(o);
        return -1;
    }
    return s->n++;
}

int rt_out_add_stdout(rt_outset *s)
{
    out_file *o = new_slot(s);
    if (!o || !(o->path = dup_str("standard output", 15))) {
        if (o)
            file_free(o);
        fprintf(stderr, "error: out of memory\n");
        return -1;
    }
    o->kind = KIND_THROUGH;
    o->is_stdout = 1;
    o->through_fd = 1;
    struct stat st;
    if (fstat(1, &st) == 0) {
        o->id_dev = st.st_dev;
        o->id_ino = st.st_ino;
    } else {
        o->id_dev = (dev_t)-1; /* closed: nothing else is the same file */
        o->id_ino = (ino_t)s->n;
    }
    return s->n++;
}

static void write_failed(out_file *o, int err)
{
    if (!o->failed) {
        if (o->is_stdout)
            fprintf(stderr, "error: cannot write to standard output\n");
        else
            cannot(o->path, strerror(err ? err : EIO));
    }
    o->failed = 1;
}

int rt_out_write(rt_outset *s, int i, const void *data, size_t len)
{
    if (i < 0 || i >= s->n)
        return 0;
    out_file *o = &s->v[i];
    if (o->failed)
        return 0;
    if (len == 0)
        return 1;
    if (o->kind == KIND_THROUGH) {
        rt_buf_put(&o->mem, data, len);
        if (o->mem.oom) {
            write_failed(o, ENOMEM);
            return 0;
        }
        return 1;
    }
    if (o->fd < 0 || !write_all(o->fd, data, len)) {
        write_failed(o, o->fd < 0 ? EBADF : errno);
        return 0;
    }
    return 1;
}

int rt_out_write_file(rt_outset *s, int i, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
        return 0;
    }
    char buf[1 << 16];
    int ok = 1;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
            ok = 0;
            break;
        }
        if (n == 0)
            break;
        if (!rt_out_write(s, i, buf, (size_t)n)) {
            ok = 0;
            break;
        }
    }
    close(fd);
    return ok;
}

FILE *rt_out_stream(rt_outset *s, int i)
{
    if (i < 0 || i >= s->n)
        return NULL;
    out_file *o = &s->v[i];
    if (o->stream)
        return o->stream;
    if (o->kind == KIND_THROUGH) {
        o->stream = open_memstream(&o->ms_buf, &o->ms_len);
    } else {
        int fd = o->fd >= 0 ? dup(o->fd) : -1;
        o->stream = fd >= 0 ? fdopen(fd, "wb") : NULL;
        if (!o->stream && fd >= 0)
            close(fd);
    }
    if (!o->stream)
        write_failed(o, errno);
    return o->stream;
}

/* everything written and on disk; 0 after a message */
static int finish(out_file *o)
{
    if (o->stream) {
        int bad = ferror(o->stream);
        int err = errno;
        if (fclose(o->stream) != 0 || bad)
            write_failed(o, bad ? err : errno);
        o->stream = NULL;
        if (o->ms_buf) {
            rt_buf_put(&o->mem, o->ms_buf, o->ms_len);
            if (o->mem.oom)
                write_failed(o, ENOMEM);
        }
        free(o->ms_buf);
        o->ms_buf = NULL;
    }
    if (o->failed)
        return 0;
    if (o->kind == KIND_FILE) {
        if (!sync_fd(o->fd)) {
            write_failed(o, errno);
            return 0;
        }
        int rc = close(o->fd);
        o->fd = -1;
        if (rc != 0) {
            write_failed(o, errno);
            return 0;
        }
        /* the target must still be a regular file or absent (another
         * process may have written it meanwhile: the last one wins, as
         * each replaces it whole) */
        struct stat now;
        int there = lstat(o->path, &now) == 0;
        if (there && !S_ISREG(now.st_mode)) {
            cannot(o->path, "it was replaced by something other than a regular file while the command ran");
            o->failed = 1;
            return 0;
        }
        o->existed = there;
        if (there) {
            o->was = now;
            o->id_new = 0;
            o->id_dev = now.st_dev;
            o->id_ino = now.st_ino;
        }
    }
    return 1;
}

/* A hard link to the target, so a failed commit can put it back. */
static void keep_backup(out_file *o)
{
    size_t n = strlen(o->tmp) + 1;
    for (int attempt = 0; attempt < 8; attempt++) {
        char *b = malloc(n);
        if (!b)
            return;
        memcpy(b, o->tmp, n);
        memcpy(b + n - 7, "XXXXXX", 6); /* a fresh name like the temporary's */
        int fd = mkostemp(b, O_CLOEXEC);
        if (fd < 0) {
            free(b);
            return;
        }
        close(fd);
        unlink(b);
        if (link(o->path, b) == 0) {
            o->bak = b;
            return;
        }
        int err = errno;
        free(b);
        if (err != EEXIST)
            return; /* no hard links here: a failed commit cannot restore this one */
    }
}

static void roll_back(rt_outset *s, int upto)
{
    for (int i = upto - 1; i >= 0; i--) {
        out_file *o = &s->v[i];
        if (o->kind != KIND_FILE || !o->renamed)
            continue;
        if (o->bak) {
            if (rename(o->bak, o->path) == 0) {
                free(o->bak);
                o->bak = NULL;
            } else {
                fprintf(stderr, "%s: error: could not be put back as it was (the old contents are in %s)\n",
                        o->path, o->bak);
                free(o->bak);
                o->bak = NULL; /* kept for the user */
            }
        } else if (!o->existed) {
            unlink(o->path);
        } else {
            fprintf(stderr, "%s: error: was replaced, and its old contents could not be kept\n", o->path);
        }
        o->renamed = 0;
        sync_dir(o->dir);
    }
}

static int write_through(out_file *o)
{
    int fd = o->through_fd, opened = 0;
    if (fd < 0) {
        fd = open(o->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != o->rdev) {
            int err = fd < 0 ? errno : ENODEV;
            if (fd >= 0)
                close(fd);
            write_failed(o, err);
            return 0;
        }
        opened = 1;
    }
    int ok = write_all(fd, o->mem.data, o->mem.len);
    int err = errno;
    if (opened && close(fd) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (!ok)
        write_failed(o, err);
    return ok;
}

int rt_out_commit(rt_outset *s)
{
    for (int i = 0; i < s->n; i++)
        if (!finish(&s->v[i]))
            return 0;
    /* inputs read since the outputs were added (a vector file a scenario
     * names, say) are checked again before any target is touched */
    for (int i = 0; i < s->n; i++) {
        const char *in = overwrites(&s->v[i]);
        if (in) {
            fprintf(stderr, "%s: error: refusing to write over %s\n", s->v[i].path, in);
            return 0;
        }
    }
    int nfiles = 0, last = -1;
    for (int i = 0; i < s->n; i++)
        if (s->v[i].kind == KIND_FILE)
            nfiles++, last = i;
    int has_through = nfiles < s->n;
    /* From here to the end nothing may stop half-way: a signal waits until
     * every target is new, or every one is as it was. (With no file to put
     * back, a closed pipe on standard output ends the program as usual.) */
    sigset_t old;
    if (nfiles > 0)
        block_signals(&old);
    else
        pthread_sigmask(SIG_BLOCK, NULL, &old);
    for (int i = 0; i < s->n; i++) {
        out_file *o = &s->v[i];
        if (o->kind != KIND_FILE)
            continue;
        /* a later step can fail only if something comes after this one */
        if (o->existed && (i != last || has_through))
            keep_backup(o);
        if (rename(o->tmp, o->path) != 0) {
            int err = errno;
            roll_back(s, i);
            cannot(o->path, strerror(err));
            restore_signals(&old);
            return 0;
        }
        o->renamed = 1;
        reg_set(o->slot, REG_FREE, NULL);
        free(o->tmp); /* the name is the target's now */
        o->tmp = NULL;
        if (!sync_dir(o->dir)) {
            int err = errno;
            roll_back(s, i + 1);
            cannot(o->path, strerror(err));
            restore_signals(&old);
            return 0;
        }
    }
    for (int i = 0; i < s->n; i++) {
        out_file *o = &s->v[i];
        if (o->kind == KIND_THROUGH && o->mem.len > 0 && !write_through(o)) {
            roll_back(s, s->n);
            restore_signals(&old);
            return 0;
        }
    }
    for (int i = 0; i < s->n; i++) {
        out_file *o = &s->v[i];
        if (o->bak) {
            unlink(o->bak);
            free(o->bak);
            o->bak = NULL;
        }
        reg_give_back(o->slot);
        o->slot = -1;
    }
    restore_signals(&old);
    return 1;
}

int rt_out_keep_partial(rt_outset *s, int i, const char *path)
{
    if (i < 0 || i >= s->n)
        return 0;
    out_file *o = &s->v[i];
    if (!finish(o))
        return 0;
    if (o->kind == KIND_THROUGH)
        return o->mem.len == 0 || write_through(o);
    /* rename replaces whatever entry path names (a link is replaced, never
     * followed); a directory there makes it fail, and the temporary goes */
    sigset_t old;
    block_signals(&old);
    int ok = rename(o->tmp, path) == 0;
    int err = errno;
    if (ok) {
        reg_set(o->slot, REG_FREE, NULL);
        free(o->tmp);
        o->tmp = NULL;
        sync_dir(o->dir);
    }
    restore_signals(&old);
    if (!ok)
        cannot(path, strerror(err));
    return ok;
}

void rt_out_end(rt_outset *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++)
        file_free(&s->v[i]);
    free(s->v);
    free(s);
}

/* ---- scratch directories ------------------------------------------------------------------------ */

#define SCRATCH_MAX 8

struct rt_scratch {
    char *dir;
    int slot;
    char *file[SCRATCH_MAX];
    int fslot[SCRATCH_MAX];
    int n;
};

rt_scratch *rt_scratch_new(void)
{
    rt_scratch *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "error: out of memory\n");
        return NULL;
    }
    const char *env = getenv("TMPDIR");
    const char *where[2] = {env && *env ? env : "/tmp", "/tmp"};
    int err = 0;
    for (int k = 0; k < 2 && !s->dir; k++) {
        if (k == 1 && strcmp(where[0], where[1]) == 0)
            break;
        size_t n = strlen(where[k]) + 32;
        char *d = malloc(n);
        if (!d)
            break;
        snprintf(d, n, "%s/dealc-XXXXXX", where[k]);
        sigset_t old;
        block_signals(&old);
        int slot = reg_take();
        if (slot >= 0 && mkdtemp(d)) {
            reg_set(slot, REG_RMDIR, d);
            s->dir = d;
            s->slot = slot;
        } else {
            err = slot < 0 ? EMFILE : errno;
            reg_give_back(slot);
            free(d);
        }
        restore_signals(&old);
    }
    if (!s->dir) {
        fprintf(stderr, "error: cannot make a scratch directory in %s: %s\n", where[0], strerror(err ? err : ENOMEM));
        free(s);
        return NULL;
    }
    return s;
}

const char *rt_scratch_file(rt_scratch *s, const char *name)
{
    if (s->n == SCRATCH_MAX) {
        fprintf(stderr, "error: too many scratch files\n");
        return NULL;
    }
    size_t n = strlen(s->dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) {
        fprintf(stderr, "error: out of memory\n");
        return NULL;
    }
    snprintf(p, n, "%s/%s", s->dir, name);
    sigset_t old;
    block_signals(&old);
    int slot = reg_take();
    if (slot < 0) {
        restore_signals(&old);
        free(p);
        fprintf(stderr, "error: too many scratch files\n");
        return NULL;
    }
    reg_set(slot, REG_UNLINK, p);
    restore_signals(&old);
    s->file[s->n] = p;
    s->fslot[s->n] = slot;
    s->n++;
    return p;
}

void rt_scratch_free(rt_scratch *s)
{
    if (!s)
        return;
    sigset_t old;
    block_signals(&old);
    for (int i = 0; i < s->n; i++) {
        unlink(s->file[i]);
        reg_give_back(s->fslot[i]);
    }
    rmdir(s->dir);
    reg_give_back(s->slot);
    restore_signals(&old);
    for (int i = 0; i < s->n; i++)
        free(s->file[i]);
    free(s->dir);
    free(s);
}
