/*
 * test_output.c — the output module (rt_output.h): what a target may be,
 * the same-file checks, all-or-nothing commits with their roll-back,
 * temporaries removed on failure and on a signal, scratch directories, and
 * file names handed to child processes.
 *
 * Each case runs in a forked child (the module prints its refusals on
 * stderr, installs signal handlers and may be killed by a signal), and the
 * parent checks the child's status and messages and the files left behind.
 */
#include "support.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_output.h"

/* runs fn in a child with stdout and stderr captured; status as t_run's */
static t_result in_child(int (*fn)(void))
{
    t_result r = {0, NULL, NULL};
    char outp[600], errp[600];
    snprintf(outp, sizeof outp, "%s/.stdout", t_dir());
    snprintf(errp, sizeof errp, "%s/.stderr", t_dir());
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fo < 0 || fe < 0)
            _exit(99);
        dup2(fo, 1);
        dup2(fe, 2);
        close(fo);
        close(fe);
        int rc = fn();
        fflush(NULL);
        exit(rc);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = t_slurp(outp);
    r.err = t_slurp(errp);
    unlink(outp);
    unlink(errp);
    return r;
}

/* nothing in the scratch directory but the files named (and the captured
 * output files of in_child) */
static void assert_only(const char *const *names)
{
    DIR *d = opendir(t_dir());
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int known = 0;
        for (const char *const *n = names; *n; n++)
            known |= strcmp(*n, e->d_name) == 0;
        if (!known) {
            print_error("left behind: %s\n", e->d_name);
            fail();
        }
    }
    closedir(d);
}

static void clear_dir(void)
{
    DIR *d = opendir(t_dir());
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        const char *p = t_path(e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
}

static int setup(void **state)
{
    (void)state;
    clear_dir();
    return 0;
}

static void expect(t_result r, int status, const char *err)
{
    if (r.status != status) {
        print_error("status %d, expected %d; stderr:\n%s\n", r.status, status, r.err);
        fail();
    }
    if (err)
        assert_contains(r.err, err);
    else
        assert_string_equal(r.err, "");
    t_result_free(&r);
}

static void expect_text(const char *name, const char *text)
{
    char *got = t_slurp(t_path(name));
    assert_non_null(got);
    assert_string_equal(got, text);
    free(got);
}

/* one output, written and committed; 0 on success */
static int write_one(const char *path, const char *text)
{
    rt_outset *s = rt_out_begin();
    int i = s ? rt_out_add(s, path, 0) : -1;
    int ok = i >= 0 && rt_out_write(s, i, text, strlen(text)) && rt_out_commit(s);
    rt_out_end(s);
    return ok ? 0 : 1;
}

/* ---- targets ------------------------------------------------------------------- */

static int new_file(void)
{
    return write_one(t_path("new.txt"), "new\n");
}

static void test_new_and_replaced(void **state)
{
    (void)state;
    expect(in_child(new_file), 0, NULL);
    expect_text("new.txt", "new\n");
    struct stat st;
    assert_int_equal(stat(t_path("new.txt"), &st), 0);
    /* the umask's mode, as fopen would have made it */
    mode_t um = umask(022);
    umask(um);
    assert_int_equal(st.st_mode & 0777, 0666 & ~um);
    /* a file that is there is replaced, keeping its mode */
    chmod(t_path("new.txt"), 0640);
    t_write("new.txt", "old\n");
    chmod(t_path("new.txt"), 0640);
    expect(in_child(new_file), 0, NULL);
    expect_text("new.txt", "new\n");
    assert_int_equal(stat(t_path("new.txt"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_only((const char *const[]){"new.txt", NULL});
}

static int exec_file(void)
{
    rt_outset *s = rt_out_begin();
    int i = rt_out_add(s, t_path("prog"), RT_OUT_EXEC);
    int ok = i >= 0 && rt_out_write(s, i, "x", 1) && rt_out_commit(s);
    rt_out_end(s);
    return ok ? 0 : 1;
}

static void test_executable_mode(void **state)
{
    (void)state;
    t_write("prog", "old");
    chmod(t_path("prog"), 0600);
    expect(in_child(exec_file), 0, NULL);
    struct stat st;
    assert_int_equal(stat(t_path("prog"), &st), 0);
    mode_t um = umask(022);
    umask(um);
    assert_int_equal(st.st_mode & 0777, 0777 & ~um);
}

static int to_link(void)
{
    return write_one(t_path("link"), "new\n");
}

static int to_fifo(void)
{
    return write_one(t_path("fifo"), "new\n");
}

static int to_zero(void)
{
    return write_one("/dev/zero", "new\n");
}

static int to_dir(void)
{
    return write_one(t_dir(), "new\n");
}

static int to_dir_name(void)
{
    return write_one(t_path("sub/"), "new\n");
}

static int to_missing_dir(void)
{
    return write_one(t_path("no-such-dir/out.txt"), "new\n");
}

static void test_refused_targets(void **state)
{
    (void)state;
    /* a symbolic link, to a file or to nothing, is not replaced */
    t_write("target.txt", "kept\n");
    assert_int_equal(symlink("target.txt", t_path("link")), 0);
    expect(in_child(to_link), 1,
           "link: error: cannot write: it is a symbolic link; name the file it points to (an output is replaced, "
           "never written through a link)\n");
    struct stat st;
    assert_int_equal(lstat(t_path("link"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    expect_text("target.txt", "kept\n");
    unlink(t_path("target.txt"));
    expect(in_child(to_link), 1, "it is a symbolic link");
    assert_false(t_exists("target.txt"));
    /* a FIFO stays a FIFO */
    assert_int_equal(mkfifo(t_path("fifo"), 0600), 0);
    expect(in_child(to_fifo), 1, "fifo: error: cannot write: it is a named pipe (FIFO), not a regular file\n");
    assert_int_equal(lstat(t_path("fifo"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    /* a device that is not a terminal or /dev/null */
    expect(in_child(to_zero), 1, "/dev/zero: error: cannot write: it is a character device, not a regular file\n");
    assert_int_equal(stat("/dev/zero", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    /* directories */
    expect(in_child(to_dir), 1, "error: cannot write: it is a directory\n");
    expect(in_child(to_dir_name), 1, "sub/: error: cannot write: it names a directory\n");
    expect(in_child(to_missing_dir), 1, "no-such-dir/out.txt: error: cannot write: No such file or directory\n");
    assert_only((const char *const[]){"link", "fifo", NULL});
}

static int through_null(void)
{
    return write_one("/dev/null", "discarded\n");
}

/* fd 1 is a regular file in in_child: /dev/stdout is a link to it */
static int through_stdout(void)
{
    return write_one("/dev/stdout", "to standard output\n");
}

static int through_fd2(void)
{
    return write_one("/dev/fd/2", "to standard error\n");
}

static void test_write_through(void **state)
{
    (void)state;
    expect(in_child(through_null), 0, NULL);
    t_result r = in_child(through_stdout);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "to standard output\n");
    t_result_free(&r);
    r = in_child(through_fd2);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "to standard error\n");
    t_result_free(&r);
    assert_only((const char *const[]){NULL});
}

/* ---- the same file ----------------------------------------------------------------- */

static int two_names_one_new_file(void)
{
    rt_outset *s = rt_out_begin();
    if (chdir(t_dir()) != 0)
        return 99;
    int ok = rt_out_add(s, "o.json", 0) >= 0 && rt_out_add(s, "./o.json", 0) >= 0;
    rt_out_end(s);
    return ok ? 0 : 1;
}

static int hard_link_of_input(void)
{
    rt_outset *s = rt_out_begin();
    int ok = rt_out_input(s, t_path("state.json")) && rt_out_add(s, t_path("alias.json"), 0) >= 0;
    rt_out_end(s);
    return ok ? 0 : 1;
}

static int input_named_after(void)
{
    rt_outset *s = rt_out_begin();
    int ok = rt_out_add(s, t_path("state.json"), 0) >= 0 && rt_out_input(s, t_path("state.json"));
    rt_out_end(s);
    return ok ? 0 : 1;
}

/* an input read (and noted by its reader) after the output was added is
 * still caught, at commit */
static int input_read_later(void)
{
    rt_outset *s = rt_out_begin();
    int i = rt_out_add(s, t_path("state.json"), 0);
    char *text = NULL;
    size_t len = 0;
    rt_err e;
    if (i < 0 || !rt_read_file(t_path("state.json"), &text, &len, &e))
        return 99;
    free(text);
    int ok = rt_out_write(s, i, "new\n", 4) && rt_out_commit(s);
    rt_out_end(s);
    return ok ? 0 : 1;
}

static int self_allowed(void)
{
    rt_outset *s = rt_out_begin();
    int ok = rt_out_input(s, t_path("state.json"));
    int i = ok ? rt_out_add(s, t_path("state.json"), RT_OUT_SELF) : -1;
    ok = i >= 0 && rt_out_write(s, i, "formatted\n", 10) && rt_out_commit(s);
    rt_out_end(s);
    return ok ? 0 : 1;
}

static int over_this_program(void)
{
    rt_outset *s = rt_out_begin();
    char self[600];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return 99;
    self[n] = '\0';
    int ok = rt_out_input(s, "/proc/self/exe") && rt_out_add(s, self, RT_OUT_EXEC) >= 0;
    rt_out_end(s);
    return ok ? 0 : 1;
}

static void test_same_file(void **state)
{
    (void)state;
    expect(in_child(two_names_one_new_file), 1, "./o.json: error: it is the same file as the output o.json\n");
    t_write("state.json", "{}\n");
    assert_int_equal(link(t_path("state.json"), t_path("alias.json")), 0);
    expect(in_child(hard_link_of_input), 1, "alias.json: error: refusing to write over the input ");
    expect(in_child(input_named_after), 1, "state.json: error: refusing to write over the input ");
    expect(in_child(input_read_later), 1, "state.json: error: refusing to write over the input ");
    expect_text("state.json", "{}\n");
    expect(in_child(self_allowed), 0, NULL);
    expect_text("state.json", "formatted\n");
    expect(in_child(over_this_program), 1, "error: refusing to write over this program (");
    assert_only((const char *const[]){"state.json", "alias.json", NULL});
}

/* standard output sent to /dev/null and a second output named /dev/null:
 * nothing is overwritten, so both are allowed */
static int two_outputs_to_null(void)
{
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0 || dup2(fd, 1) < 0)
        return 99;
    close(fd);
    rt_outset *s = rt_out_begin();
    int a = rt_out_add_stdout(s);
    int b = rt_out_add(s, "/dev/null", 0);
    int ok = a >= 0 && b >= 0 && rt_out_write(s, a, "statement\n", 10) && rt_out_write(s, b, "state\n", 6) &&
             rt_out_commit(s);
    rt_out_end(s);
    return ok ? 0 : 1;
}

static void test_null_twice(void **state)
{
    (void)state;
    expect(in_child(two_outputs_to_null), 0, NULL);
}

/* ---- all or nothing -------------------------------------------------------------------- */

/* statement and state, the state last; the second output is standard
 * output, whose write fails (a pipe nobody reads): both files must be as
 * they were */
static int commit_fails_late(void)
{
    int p[2];
    if (pipe(p) != 0)
        return 99;
    close(p[0]);
    dup2(p[1], 1);
    close(p[1]);
    signal(SIGPIPE, SIG_IGN); /* EPIPE rather than death, to see the roll-back */
    rt_outset *s = rt_out_begin();
    int a = rt_out_add(s, t_path("statement.txt"), 0);
    int b = rt_out_add(s, t_path("closing.json"), 0);
    int c = rt_out_add_stdout(s);
    int ok = a >= 0 && b >= 0 && c >= 0 && rt_out_write(s, a, "new statement\n", 14) &&
             rt_out_write(s, b, "new state\n", 10) && rt_out_write(s, c, "x", 1);
    if (!ok)
        return 99;
    ok = rt_out_commit(s);
    rt_out_end(s);
    return ok ? 0 : 1;
}

static void test_commit_rolls_back(void **state)
{
    (void)state;
    t_write("statement.txt", "old statement\n");
    /* closing.json is new: rolled back, it is gone again */
    expect(in_child(commit_fails_late), 1, "error: cannot write to standard output\n");
    expect_text("statement.txt", "old statement\n");
    assert_false(t_exists("closing.json"));
    assert_only((const char *const[]){"statement.txt", NULL});
    t_write("closing.json", "old state\n");
    expect(in_child(commit_fails_late), 1, "error: cannot write to standard output\n");
    expect_text("statement.txt", "old statement\n");
    expect_text("closing.json", "old state\n");
    assert_only((const char *const[]){"statement.txt", "closing.json", NULL});
}

static int never_committed(void)
{
    rt_outset *s = rt_out_begin();
    int i = rt_out_add(s, t_path("out.txt"), 0);
    if (i < 0 || !rt_out_write(s, i, "half", 4))
        return 99;
    rt_out_end(s); /* a failed run ends the set without committing */
    return 1;
}

static int killed(void)
{
    rt_outset *s = rt_out_begin();
    int i = rt_out_add(s, t_path("out.txt"), 0);
    rt_scratch *sc = rt_scratch_new();
    const char *f = sc ? rt_scratch_file(sc, "deal.o") : NULL;
    if (i < 0 || !f || !rt_out_write(s, i, "half", 4))
        return 99;
    t_write("scratch-name", f);
    FILE *o = fopen(f, "w");
    if (!o)
        return 99;
    fputs("object", o);
    fclose(o);
    raise(SIGTERM);
    return 98; /* not reached */
}

static void test_failure_and_signal_leave_nothing(void **state)
{
    (void)state;
    expect(in_child(never_committed), 1, NULL);
    assert_only((const char *const[]){NULL});
    t_result r = in_child(killed);
    assert_int_equal(r.status, 128 + SIGTERM);
    t_result_free(&r);
    /* neither the temporary, nor the target, nor the scratch directory */
    char *scratch = t_slurp(t_path("scratch-name"));
    assert_non_null(scratch);
    struct stat st;
    assert_int_not_equal(stat(scratch, &st), 0);
    *strrchr(scratch, '/') = '\0';
    assert_int_not_equal(stat(scratch, &st), 0);
    free(scratch);
    unlink(t_path("scratch-name"));
    assert_only((const char *const[]){NULL});
}

/* a signal the program ignores stays ignored while a set exists */
static int ignored_stays_ignored(void)
{
    signal(SIGHUP, SIG_IGN);
    rt_outset *s = rt_out_begin();
    int i = rt_out_add(s, t_path("out.txt"), 0);
    raise(SIGHUP);
    int ok = i >= 0 && rt_out_write(s, i, "done\n", 5) && rt_out_commit(s);
    rt_out_end(s);
    return ok ? 0 : 1;
}

static void test_ignored_signal(void **state)
{
    (void)state;
    expect(in_child(ignored_stays_ignored), 0, NULL);
    expect_text("out.txt", "done\n");
}

/* a name too long for ".tmp.XXXXXX" to be added uses a short one */
static int long_name(void)
{
    char name[300];
    memset(name, 'n', 250);
    name[250] = '\0';
    return write_one(t_path(name), "long\n");
}

static void test_long_name(void **state)
{
    (void)state;
    expect(in_child(long_name), 0, NULL);
    char name[300];
    memset(name, 'n', 250);
    name[250] = '\0';
    expect_text(name, "long\n");
}

static int scratch_private(void)
{
    rt_scratch *sc = rt_scratch_new();
    const char *f = sc ? rt_scratch_file(sc, "x") : NULL;
    if (!f)
        return 99;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", f);
    *strrchr(dir, '/') = '\0';
    struct stat st;
    int ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700 &&
             strncmp(dir, t_dir(), strlen(t_dir())) == 0;
    rt_scratch_free(sc);
    ok = ok && stat(dir, &st) != 0;
    return ok ? 0 : 1;
}

static void test_scratch(void **state)
{
    (void)state;
    setenv("TMPDIR", t_dir(), 1);
    expect(in_child(scratch_private), 0, NULL);
    unsetenv("TMPDIR");
    assert_only((const char *const[]){NULL});
}

static void test_child_arg(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(rt_out_child_arg("-lfoo", buf, sizeof buf), "./-lfoo");
    assert_string_equal(rt_out_child_arg("--help", buf, sizeof buf), "./--help");
    assert_string_equal(rt_out_child_arg("deal.o", buf, sizeof buf), "deal.o");
    assert_string_equal(rt_out_child_arg("/tmp/-x", buf, sizeof buf), "/tmp/-x");
    assert_null(rt_out_child_arg("-0123456789", buf, 8));
}

int main(void)
{
    t_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_new_and_replaced, setup),
        cmocka_unit_test_setup(test_executable_mode, setup),
        cmocka_unit_test_setup(test_refused_targets, setup),
        cmocka_unit_test_setup(test_write_through, setup),
        cmocka_unit_test_setup(test_same_file, setup),
        cmocka_unit_test_setup(test_null_twice, setup),
        cmocka_unit_test_setup(test_commit_rolls_back, setup),
        cmocka_unit_test_setup(test_failure_and_signal_leave_nothing, setup),
        cmocka_unit_test_setup(test_ignored_signal, setup),
        cmocka_unit_test_setup(test_long_name, setup),
        cmocka_unit_test_setup(test_scratch, setup),
        cmocka_unit_test(test_child_arg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
