/*
 * cmdline.c — what every command of the deal binary shares: usage and file
 * errors worded one way, options parsed (rt_getopt, over getopt_long), the
 * deal loaded from its describe function and validated (and as an API
 * handle).
 * Commands (replay.c, project.c, grid.c, submit.c, explain.c) call these;
 * these call the readers, the deal and the public API below them.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
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

/* ---- argument parsing ------------------------------------------------------------------ */

int rt_getopt(const char *prog, int argc, char **argv, const rt_opt *opts, int nopts, char **pos, int maxpos,
              int *npos)
{
    struct option lo[RT_MAX_OPTS + 1];
    if (nopts > RT_MAX_OPTS)
        return rt_usage_error(prog, "%s", "too many options (internal)");
    for (int i = 0; i < nopts; i++)
        lo[i] = (struct option){opts[i].name, opts[i].val ? required_argument : no_argument, NULL, 1000 + i};
    memset(&lo[nopts], 0, sizeof lo[nopts]);
    *npos = 0;
    optind = 0; /* a fresh scan (glibc) */
    opterr = 0;
    int ch, li;
    /* "-" first: operands come back in place (as 1), so their order and
     * what follows "--" are kept */
    while ((li = -1, ch = getopt_long(argc, argv, "-:", lo, &li)) != -1) {
        if (ch == 1) {
            if (*npos <= maxpos)
                pos[*npos] = optarg;
            ++*npos;
            continue;
        }
        /* the option as written: the value may be the next argument */
        const char *text = optind >= 2 && optarg && optarg == argv[optind - 1] ? argv[optind - 2] : argv[optind - 1];
        char name[128];
        size_t n = strcspn(text, "=");
        snprintf(name, sizeof name, "%.*s", (int)(n < 127 ? n : 127), text);
        if (ch == '?') {
            if (optopt >= 1000)
                return rt_usage_error(prog, "option %s takes no value", name);
            return rt_usage_error(prog, "unknown option \"%s\"", text);
        }
        if (ch == ':')
            return rt_usage_error(prog, "option %s needs an argument", name);
        int k = ch - 1000;
        /* whole names only: getopt_long's abbreviations are refused */
        if (k < 0 || k >= nopts || strncmp(name, "--", 2) != 0 || strcmp(name + 2, opts[k].name) != 0)
            return rt_usage_error(prog, "unknown option \"%s\"", text);
        if (!opts[k].val) {
            if (opts[k].flag)
                *opts[k].flag = 1;
            continue;
        }
        if (*opts[k].val)
            return rt_usage_error(prog, "option %s given twice", name);
        if (!*optarg)
            return rt_usage_error(prog, "option %s needs a non-empty argument", name);
        *opts[k].val = optarg;
    }
    /* after "--" getopt_long stops; the rest are operands */
    for (int i = optind; i < argc; i++) {
        if (*npos <= maxpos)
            pos[*npos] = argv[i];
        ++*npos;
    }
    return 0;
}

/* ---- the deal and its inputs ---------------------------------------------------------------- */

/* the deal's functions as an API handle; NULL after a message */
dealc_deal *rt_cmd_deal(rt_describe_fn describe, rt_period_fn period)
{
    dealc_deal *d = NULL;
    dealc_error e;
    if (dealc_deal_from_functions((dealc_describe_fn)(void (*)(void))describe, (dealc_period_fn)(void (*)(void))period,
                                  NULL, NULL, &d, &e) != DEALC_OK) {
        rt_api_error(&e);
        return NULL;
    }
    return d;
}

void rt_api_error(const dealc_error *e)
{
    char text[sizeof e->file + sizeof e->message + 64];
    dealc_error_text(e, text, sizeof text);
    fprintf(stderr, "%s\n", text);
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

