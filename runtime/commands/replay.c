/*
 * replay.c — `BIN replay` and `BIN describe`, thin layers over the public
 * API (dealc_replay_files, dealc_replay_render, dealc_state_json,
 * dealc_deal_describe_text in runtime/api/), so that the binary and a host
 * program cannot disagree. The command line that dispatches here is cli.c;
 * the helpers every command shares are cmdline.c.
 *
 * A replay is an audit tool: if any period cannot be computed, or the
 * generated waterfall breaks a rule of the agreement's cash accounting, the
 * run stops and nothing is written, so a partial statement can never be
 * mistaken for a complete one. The outputs go through the output module:
 * all or nothing, the saved state last.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "rt_cmd.h"
#include "rt_output.h"
#include "rt_project.h"

/* text handed out by the API to standard output */
static int print_text(char *text, size_t len)
{
    int rc = 0;
    if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "error: cannot write to standard output\n");
        rc = 1;
    }
    dealc_free(text);
    return rc;
}

int rt_describe_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    /* no options (--help is rt_main's), no operands */
    if (argc > 1)
        return rt_usage_error(prog, "describe takes no arguments, found \"%s\"", argv[1]);
    dealc_deal *d = rt_cmd_deal(describe, period);
    if (!d)
        return 1;
    char *text = NULL;
    size_t len = 0;
    dealc_error e;
    int rc = 1;
    if (dealc_deal_describe_text(d, &text, &len, &e) != DEALC_OK)
        rt_api_error(&e);
    else
        rc = print_text(text, len);
    dealc_deal_close(d);
    return rc;
}

int rt_replay_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    const char *state = NULL, *format = NULL, *save = NULL, *output = NULL;
    rt_opt opts[] = {{"state", &state, NULL}, {"format", &format, NULL}, {"save-state", &save, NULL},
                     {"output", &output, NULL}};
    char *pos[2];
    int npos, rc = rt_getopt(prog, argc, argv, opts, 4, pos, 1, &npos);
    if (rc)
        return rc;
    if (npos > 1)
        return rt_usage_error(prog, "unexpected argument \"%s\" (one remittance file per replay)", pos[1]);
    const char *remit = npos ? pos[0] : NULL;
    dealc_format fmt;
    if ((rc = rt_cmd_format(prog, format, &fmt)))
        return rc;
    if (output && save && strcmp(output, save) == 0)
        return rt_usage_error(prog, "--output and --save-state both name \"%s\"", save);
    if (!state)
        return rt_usage_error(prog, "%s", "replay needs --state OPENING.json");
    if (!remit)
        return rt_usage_error(prog, "%s", "replay needs a remittance file (REMITTANCE.csv)");

    dealc_deal *d = rt_cmd_deal(describe, period);
    if (!d)
        return 1;
    rc = 1;
    dealc_replay *r = NULL;
    dealc_error e;
    char *text = NULL, *saved = NULL;
    size_t len = 0, slen = 0;
    /* The outputs are checked before anything is read: neither may be an
     * input or this program, and the saved state is added last, so it is
     * the commit point (docs/reliability.md: a statement beside an older
     * state is a run that did not finish). */
    rt_outset *os = rt_out_begin();
    int io = -1, is = -1;
    if (!os || !rt_out_input(os, state) || !rt_out_input(os, remit))
        goto done;
    io = output ? rt_out_add(os, output, 0) : rt_out_add_stdout(os);
    if (io < 0 || (save && (is = rt_out_add(os, save, 0)) < 0))
        goto done;
    if (dealc_replay_files(d, state, remit, &r, &e) != DEALC_OK ||
        dealc_replay_render(r, fmt, &text, &len, &e) != DEALC_OK ||
        (save && dealc_state_json(r->closing, &saved, &slen, &e) != DEALC_OK)) {
        rt_api_error(&e);
        goto done;
    }
    if (!rt_out_write(os, io, text, len) || (save && !rt_out_write(os, is, saved, slen)) || !rt_out_commit(os))
        goto done;
    rc = 0;
done:
    rt_out_end(os);
    dealc_free(text);
    dealc_free(saved);
    dealc_replay_free(r);
    dealc_deal_close(d);
    return rc;
}

