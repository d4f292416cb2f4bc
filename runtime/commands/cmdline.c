/*
 * cmdline.c — what every command of the deal binary shares: usage and file
 * errors worded one way, "--name VALUE" options, the deal loaded from its
 * describe function and validated, the opening state and remittance read.
 * Commands (replay.c, project.c, grid.c, submit.c, explain.c) call these;
 * these call only the readers and the deal below them.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

#define MSG RT_ERRMAX

int rt_usage_error(const char *prog, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: error: ", prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    return 2;
}

void rt_file_error(const char *file, const rt_err *e)
{
    if (e->line > 0)
        fprintf(stderr, "%s:%d:%d: error: %s\n", file, e->line, e->col, e->msg);
    else
        fprintf(stderr, "%s: error: %s\n", file, e->msg);
}

int rt_load_inputs(const rt_deal *d, const char *state, const char *remit, rt_state *st, rt_remit *rm)
{
    char *text = NULL;
    size_t len = 0;
    rt_err e;
    memset(&e, 0, sizeof e);
    int ok = rt_read_file(state, &text, &len, &e) && rt_state_parse(d, text, len, st, &e);
    free(text);
    if (!ok) {
        rt_file_error(state, &e);
        return 0;
    }
    ok = rt_remit_read(d, st, remit, rm, &e);
    if (!ok)
        rt_file_error(remit, &e);
    return ok;
}

rt_deal *rt_load_deal(rt_describe_fn describe)
{
    rt_deal *d = rt_deal_new();
    if (!d) {
        fprintf(stderr, "error: out of memory\n");
        return NULL;
    }
    describe(d);
    char msg[MSG];
    if (!rt_deal_validate(d, msg, sizeof msg)) {
        fprintf(stderr, "error: bad deal description: %s\n", msg);
        rt_deal_free(d);
        return NULL;
    }
    return d;
}

/* "--name VALUE" or "--name=VALUE"; returns 1 when argv[*i] is this option */
int rt_take_opt(int argc, char **argv, int *i, const char *name, const char **val, int *err,
                const char *prog)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return 0;
    if (*val) {
        *err = rt_usage_error(prog, "option %s given twice", name);
        return 1;
    }
    if (a[n] == '=') {
        *val = a + n + 1;
    } else if (*i + 1 < argc) {
        *val = argv[++*i];
    } else {
        *err = rt_usage_error(prog, "option %s needs an argument", name);
        return 1;
    }
    if (!**val)
        *err = rt_usage_error(prog, "option %s needs a non-empty argument", name);
    return 1;
}
