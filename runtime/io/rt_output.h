/*
 * rt_output.h — writing output files so that nothing is ever destroyed: the
 * one module that writes files, for the deal binary and for dealc alike.
 *
 * In:   the paths a command will write, in the order they are to be
 *       committed (rt_out_add), and the paths it reads (rt_out_input).
 * Out:  each output's bytes in its target if the whole command succeeded
 *       (rt_out_commit), and nowhere otherwise.
 * Rules (docs/reliability.md, "Writing outputs", says why):
 *   - A target is a regular file or a new path. Anything else (a symbolic
 *     link, a FIFO, a device, a socket, a directory) is refused, except
 *     where writing through it is plainly what is meant: the process's own
 *     standard output or error (/dev/stdout, /dev/fd/1, a FIFO or terminal
 *     that is fd 1 or 2), a terminal one of fds 0-2 is attached to,
 *     /dev/tty and /dev/null. Those "write-through" outputs are written at commit, never
 *     replaced.
 *   - An output that is the same file (device and inode) as an input, or
 *     as another output, is refused when it is added, before anything is
 *     written. A new path is compared by its directory's device and inode
 *     and its name, so "o.json" and "./o.json" are one file.
 *   - A regular output is written to a temporary beside its target, made
 *     by mkstemp (O_EXCL: never through a planted link) and named
 *     TARGET.tmp.XXXXXX. Temporaries are removed on every failure, and on
 *     SIGINT, SIGTERM, SIGHUP and SIGPIPE (the handler then re-raises).
 *   - rt_out_commit completes and fsyncs every temporary, then renames them
 *     over their targets in the order the outputs were added, fsyncing the
 *     directory after each rename, then writes the write-through outputs.
 *     The last regular output added is the commit point: replay adds the
 *     saved state last. If a rename or a write-through write fails, or a
 *     signal arrives before rt_out_commit returns, every target already
 *     renamed is put back as it was (a replaced file is kept as a hard link
 *     during the commit for that).
 * Errors: each function prints its own message on stderr,
 *       "PATH: error: WHAT" (or "error: cannot write to standard output"),
 *       and returns 0 (rt_out_add: -1).
 * Ownership: a set copies every path it is given; rt_out_end frees it.
 * Threads: one thread uses a set at a time; create the set before starting
 *       threads (it reads the umask). The signal cleanup covers every set
 *       and scratch directory of the process.
 */
#ifndef RT_OUTPUT_H
#define RT_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

typedef struct rt_outset rt_outset;

/* rt_out_add flags */
enum {
    RT_OUT_EXEC = 1, /* an executable: mode 0777 less the umask          */
    RT_OUT_SELF = 2  /* may be the same file as an input (fmt --write)   */
};

/* A new set with no outputs, that already counts the running program as an
 * input (no output may replace it); NULL (after a message) when out of
 * memory. */
rt_outset *rt_out_begin(void);
/* A file the command will read: no output may be the same file. Named up
 * front, an input makes a clash fail at once rather than at commit. A path
 * that cannot be examined is skipped (its reader will say why). 0 when it
 * is an output already added (after a message). */
int rt_out_input(rt_outset *s, const char *path);
/* Notes a file the process has opened for reading (fd open on path): no
 * output of any set may then be the same file. The runtime's readers and
 * dealc's source loader call it for every file they read. */
void rt_out_note_input(int fd, const char *path);
/* An output: checked (see the rules above) and its temporary created.
 * Returns its index, or -1 after a message. */
int rt_out_add(rt_outset *s, const char *path, int flags);
/* Standard output as an output of the set, written at commit. */
int rt_out_add_stdout(rt_outset *s);
/* Appends bytes to output i; 0 after a message. */
int rt_out_write(rt_outset *s, int i, const void *data, size_t len);
/* Appends the whole of the file at path (a scratch file, say) to output i. */
int rt_out_write_file(rt_outset *s, int i, const char *path);
/* A stdio stream onto output i, for writers that take a FILE *; closed by
 * rt_out_commit or rt_out_end. Use it or rt_out_write for an output, not
 * both. NULL after a message. */
FILE *rt_out_stream(rt_outset *s, int i);
/* Commits every output, all or nothing (see above). 0 after a message; the
 * targets are then as they were before the command. */
int rt_out_commit(rt_outset *s);
/* A run stopped part-way (grid on Ctrl-C): what output i holds so far is
 * kept under path (FILE.part beside its target) instead of the target,
 * which is left as it was. Renamed from its private temporary, so a link
 * planted at path is replaced, never written through. 0 after a message. */
int rt_out_keep_partial(rt_outset *s, int i, const char *path);
/* Removes whatever was not committed and frees the set (NULL is fine). */
void rt_out_end(rt_outset *s);

/* Removes every temporary and scratch file of the process at once, as the
 * signal handler does; async-signal-safe. For a fatal-error path (out of
 * memory inside LLVM) that must end the process with _exit. */
void rt_out_cleanup_now(void);

/* A private scratch directory (mode 0700, made by mkdtemp under $TMPDIR, or
 * /tmp) for files handed to child processes, such as the object file the
 * linker reads and the executable it writes: nobody else can create,
 * replace or read a file in it. Removed, with the files named through
 * rt_scratch_file, by rt_scratch_free and on the signals above. */
typedef struct rt_scratch rt_scratch;
rt_scratch *rt_scratch_new(void);
/* DIR/NAME, registered for removal; valid until rt_scratch_free. */
const char *rt_scratch_file(rt_scratch *s, const char *name);
void rt_scratch_free(rt_scratch *s);

/* A file name as an argument for a child process: one starting with '-'
 * gets "./" in front, so no program reads it as an option. Writes into buf
 * (size n) and returns it; NULL when it does not fit. */
char *rt_out_child_arg(const char *path, char *buf, size_t n);

#endif /* RT_OUTPUT_H */
