/*
 * replay.c — `BIN replay` and `BIN describe`: the replay command's
 * arguments, the period loop over a remittance file, the invariant checks
 * and the all-or-nothing output. The command line that dispatches here is
 * cli.c; the helpers every command shares are cmdline.c.
 *
 * A replay is an audit tool: if any period cannot be computed, or the
 * generated waterfall breaks a rule of the agreement's cash accounting, the
 * run stops and nothing is written, so a partial statement can never be
 * mistaken for a complete one. Files are written under a temporary name and
 * renamed only when the whole run succeeded.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_output.h"
#include "rt_project.h"

#define MSG RT_ERRMAX

/* ---- commands -------------------------------------------------------------------------------- */

typedef struct options {
    const char *state, *remit, *save, *output;
    rt_format format;
} options;

static int cmd_describe(rt_describe_fn describe)
{
    rt_deal *d = rt_load_deal(describe);
    if (!d)
        return 1;
    rt_buf out;
    rt_buf_init(&out);
    rt_deal_describe_text(d, &out);
    int rc = 0;
    if (out.oom) {
        fprintf(stderr, "error: out of memory\n");
        rc = 1;
    } else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
        fprintf(stderr, "error: cannot write to standard output\n");
        rc = 1;
    }
    rt_buf_free(&out);
    rt_deal_free(d);
    return rc;
}

static int run_periods(const rt_deal *d, rt_period_fn period, rt_state *st, const rt_remit *rm,
                       rt_format fmt, rt_buf *out)
{
    rt_dec *slot = calloc((size_t)d->layout.total + 1, sizeof *slot);
    rt_run *run = rt_run_new((rt_deal *)d);
    int ok = 1;
    if (!slot || !run) {
        fprintf(stderr, "error: out of memory\n");
        ok = 0;
    }
    char date[11], msg[MSG];
    if (ok)
        rt_report_begin(d, fmt, out);
    for (int32_t k = 0; ok && k < rm->nperiods; k++) {
        const rt_period_in *p = &rm->period[k];
        int32_t n = st->distribution_number + 1;
        rt_date_format(date, p->payment_date);
        rt_fill_slots(d, st, p, n, slot);
        if (!rt_pool_sane(d, slot, msg)) {
            fprintf(stderr, "error: payment date %s: %s\n", date, msg);
            ok = 0;
            break;
        }
        rt_run_reset(run);
        int32_t rc = period(slot, run);
        if (rc != 0 || run->failed) {
            fprintf(stderr, "error: payment date %s: %s\n", date,
                    run->failed ? run->error : "the deal's period function failed");
            ok = 0;
            break;
        }
        if (!rt_check_period(d, slot, msg)) {
            fprintf(stderr, "error: payment date %s: %s\n", date, msg);
            ok = 0;
            break;
        }
        rt_report_period(d, fmt, slot, k == 0, out);
        rt_roll_forward(d, st, slot, n, p->payment_date);
    }
    if (ok)
        rt_report_end(d, fmt, rm->nperiods > 0, out);
    rt_run_free(run);
    free(slot);
    return ok;
}

static int cmd_replay(const options *o, rt_describe_fn describe, rt_period_fn period)
{
    rt_deal *d = rt_load_deal(describe);
    if (!d)
        return 1;
    int rc = 1;
    rt_state st;
    rt_remit rm = {0, NULL};
    rt_buf out, saved;
    rt_buf_init(&out);
    rt_buf_init(&saved);
    if (!rt_state_init(&st, d)) {
        fprintf(stderr, "error: out of memory\n");
        rt_deal_free(d);
        return 1;
    }
    /* The outputs are checked before anything is read: neither may be an
     * input or this program, and the saved state is added last, so it is
     * the commit point (docs/reliability.md: a statement beside an older
     * state is a run that did not finish). */
    rt_outset *os = rt_out_begin();
    int io = -1, is = -1;
    if (!os || !rt_out_input(os, "/proc/self/exe") || !rt_out_input(os, o->state) || !rt_out_input(os, o->remit))
        goto done;
    io = o->output ? rt_out_add(os, o->output, 0) : rt_out_add_stdout(os);
    if (io < 0 || (o->save && (is = rt_out_add(os, o->save, 0)) < 0))
        goto done;

    if (!rt_load_inputs(d, o->state, o->remit, &st, &rm))
        goto done;
    if (!run_periods(d, period, &st, &rm, o->format, &out))
        goto done;
    if (o->save)
        rt_state_write(d, &st, &saved);
    if (out.oom || saved.oom) {
        fprintf(stderr, "error: out of memory\n");
        goto done;
    }
    if (!rt_out_write(os, io, out.data, out.len) || (o->save && !rt_out_write(os, is, saved.data, saved.len)) ||
        !rt_out_commit(os))
        goto done;
    rc = 0;
done:
    rt_out_end(os);
    rt_buf_free(&out);
    rt_buf_free(&saved);
    rt_remit_free(&rm);
    rt_state_free(&st);
    rt_deal_free(d);
    return rc;
}

int rt_describe_main(const char *prog, int argc, char **argv, rt_describe_fn describe)
{
    if (argc > 1)
        return rt_usage_error(prog, "describe takes no arguments, found \"%s\"", argv[1]);
    return cmd_describe(describe);
}

int rt_replay_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    options o = {NULL, NULL, NULL, NULL, RT_FORMAT_TABLE};
    const char *format = NULL;
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        int err = 0;
        const char *a = argv[i];
        if (!only_files && strcmp(a, "--") == 0) {
            only_files = 1;
            continue;
        }
        if (!only_files && a[0] == '-' && a[1] != '\0') {
            if (rt_take_opt(argc, argv, &i, "--state", &o.state, &err, prog) ||
                rt_take_opt(argc, argv, &i, "--format", &format, &err, prog) ||
                rt_take_opt(argc, argv, &i, "--save-state", &o.save, &err, prog) ||
                rt_take_opt(argc, argv, &i, "--output", &o.output, &err, prog)) {
                if (err)
                    return err;
                continue;
            }
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        }
        if (o.remit)
            return rt_usage_error(prog, "unexpected argument \"%s\" (one remittance file per replay)", a);
        o.remit = a;
    }
    if (format) {
        if (strcmp(format, "table") == 0)
            o.format = RT_FORMAT_TABLE;
        else if (strcmp(format, "csv") == 0)
            o.format = RT_FORMAT_CSV;
        else if (strcmp(format, "json") == 0)
            o.format = RT_FORMAT_JSON;
        else
            return rt_usage_error(prog, "unknown format \"%s\" (use table, csv or json)", format);
    }
    if (o.output && o.save && strcmp(o.output, o.save) == 0)
        return rt_usage_error(prog, "--output and --save-state both name \"%s\"", o.save);
    if (!o.state)
        return rt_usage_error(prog, "%s", "replay needs --state OPENING.json");
    if (!o.remit)
        return rt_usage_error(prog, "%s", "replay needs a remittance file (REMITTANCE.csv)");
    return cmd_replay(&o, describe, period);
}
