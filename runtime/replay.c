/*
 * replay.c — rt_main, the deal binary's command line: argument parsing, the
 * period loop, the invariant checks and the all-or-nothing output.
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

static const char *base_name(const char *p)
{
    if (!p || !*p)
        return "deal";
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void help(const char *prog, FILE *f)
{
    fprintf(f,
            "Usage:\n"
            "  %1$s replay --state OPENING.json REMITTANCE.csv [--format table|csv|json]\n"
            "         [--save-state CLOSING.json] [--output FILE]\n"
            "  %1$s project [--state OPENING.json] [--scenario FILE] [ASSUMPTIONS]\n"
            "         [--class NAME] [--format table|csv|json] [--output FILE] [--report FILE.html]\n"
            "         [--settle DATE (--price P | --yield Y) [--benchmark Y | --curve FILE]]\n"
            "  %1$s grid [--state OPENING.json] [--scenario FILE] [ASSUMPTIONS with lists]\n"
            "         [--scenarios ROWS.csv] [--paths N --hull-white \"NAME=A,SIGMA\" --rate-curve FILE\n"
            "         [--seed S] | --index-paths \"NAME=FILE\"] [--class NAME] [--threads N]\n"
            "         [--stream csv|jsonl [--summary FILE] [--shard K/N] [--settle DATE\n"
            "         (--price P | --yield Y | --oas BP)]] [--plan]\n"
            "         [--format table|csv|json] [--output FILE] [--report FILE.html]\n"
            "  %1$s breakeven --class NAME [--state OPENING.json] [--scenario FILE]\n"
            "         [ASSUMPTIONS but the default rate] [--format table|csv|json] [--output FILE]\n"
            "  %1$s merge SHARD... [--output FILE] [--summary FILE] [--report FILE.html]\n"
            "         [--format table|csv|json]\n"
            "  %1$s submit --shards N --dir DIR [--partition P] [--time T] [--cpus C]\n"
            "         [--sbatch PROGRAM] [--dry-run] -- GRID-OPTIONS...\n"
            "  %1$s describe\n"
            "  %1$s --help\n"
            "\n"
            "replay    Runs the deal's priority of payments for each payment date in\n"
            "          REMITTANCE.csv, starting from the state in OPENING.json, checks the\n"
            "          cash accounting, and prints the statement to certificateholders.\n"
            "project   Projects the deal forward from its collateral lines under prepayment,\n"
            "          default and loss assumptions, running the priority of payments and\n"
            "          the same checks as replay every period; prints each class's cash\n"
            "          flows, WAL, principal window and (with --settle) price or yield.\n"
            "grid      Projects a set of scenarios on all cores: every combination of lists\n"
            "          of speeds and default rates, the rows of a scenarios file, either\n"
            "          crossed with Monte Carlo index paths; prints the prospectus WAL and\n"
            "          decrement tables (63 scenarios at most), or with --stream a record\n"
            "          per scenario and class as they finish, any number of them.\n"
            "breakeven Finds, by bisection to 0.01%% CDR, the lowest constant default rate at\n"
            "          which the class loses its first dollar of principal and the lowest at\n"
            "          which it is written down in full.\n"
            "merge     Joins the shards of a streamed grid (grid --shard K/N) into exactly\n"
            "          what the whole grid writes on one machine.\n"
            "submit    Runs a streamed grid's shards and their merge as Slurm jobs.\n"
            "describe  Prints the deal: name, dates, groups, classes, the remittance\n"
            "          CSV columns it reads (with units), definitions, statement lines,\n"
            "          funds and clauses.\n"
            "\n"
            "Options for replay:\n"
            "  --state FILE       opening state (required), JSON:\n"
            "                       {\"deal\": NAME, \"payment_date\": \"YYYY-MM-DD\",\n"
            "                        \"distribution_number\": N,\n"
            "                        \"groups\": [{\"group\": G, \"pool_balance\": X,\n"
            "                                    \"cumulative_loss\": X}, ...],\n"
            "                        \"classes\": [{\"class\": C, \"balance\": X}, ...]}\n"
            "                     payment_date is the last distribution made (the closing\n"
            "                     date when distribution_number is 0); amounts are JSON\n"
            "                     numbers or strings such as \"406,855,924.22\"; a notional\n"
            "                     class's balance is its notional amount.\n"
            "  --format FORMAT    table (default; like a trustee's statement), csv (long\n"
            "                     format: payment_date,section,name,field,value) or json.\n"
            "  --save-state FILE  write the closing state after the last payment date, in\n"
            "                     the --state format, to open the next replay.\n"
            "  --output FILE      write the statement to FILE instead of standard output.\n"
            "\n"
            "REMITTANCE.csv: a header row, then one row per payment date and group, in\n"
            "any order. Columns (names are matched ignoring case, and spaces, '-' and '_'\n"
            "are the same): payment_date (YYYY-MM-DD), group, principal_collections,\n"
            "interest_collections, principal_draws, liquidation_loss, recoveries,\n"
            "substitution_adjustment (amounts such as 1234.56 or \"1,234.56\"; the last\n"
            "four may be empty for 0), active_loan_count (whole number), and one column\n"
            "per deal input (see describe): rates need a %% sign (1.10%%). A deal-level\n"
            "input needs a value in at least one row of its date, and rows of the same\n"
            "date must agree. The dates must be the payment dates that follow the\n"
            "opening state, without gaps.\n"
            "\n"
            "ASSUMPTIONS (percents: 6 and 6%% are the same):\n"
            "  --cpr X | --smm X | --psa X | --hep START,END,MONTHS | --prepay-vector FILE\n"
            "  --cdr X | --sda X | --default-vector FILE   --severity X   --recovery-lag N\n"
            "  --advancing on|off   --index \"NAME=RATE\"   --index-vector \"NAME=FILE\"\n"
            "  --input \"NAME=VALUE\"   --periods N   --to-call | --to-maturity\n"
            "  --draw-rate X | --draw-vector FILE: annual draws on revolving lines, a\n"
            "  percent of each line's undrawn credit limit (none without them)\n"
            "  --tape FILE: a loan tape (CSV, one loan a row) instead of the declared lines\n"
            "  grid takes lists: --cpr 0,10,20 --cdr 0,2,4 (--hep items separated by ';').\n"
            "  A --scenario file holds the same as KEY = VALUE lines (cpr = 6); flags win.\n"
            "  docs/projection.md has the conventions and file formats.\n"
            "\n"
            "Nothing is written unless the whole run succeeds.\n"
            "Exit status: 0 success, 1 bad data or a failed check, 2 bad usage.\n",
            prog);
}

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

/* ---- the inputs ---------------------------------------------------------------------- */

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

/* ---- commands -------------------------------------------------------------------------------- */

typedef struct options {
    const char *state, *remit, *save, *output;
    rt_format format;
} options;

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

int rt_main(int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    const char *prog = base_name(argc > 0 ? argv[0] : NULL);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(prog, stdout);
            return fflush(stdout) == 0 ? 0 : 1;
        }
    }
    if (argc < 2)
        return rt_usage_error(prog, "%s", "missing command (replay, project, grid or describe)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "describe") == 0) {
        if (argc > 2)
            return rt_usage_error(prog, "describe takes no arguments, found \"%s\"", argv[2]);
        return cmd_describe(describe);
    }
    if (strcmp(cmd, "project") == 0)
        return rt_project_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "grid") == 0)
        return rt_grid_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "breakeven") == 0)
        return rt_breakeven_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "merge") == 0)
        return rt_merge_main(prog, argc - 1, argv + 1, describe);
    if (strcmp(cmd, "submit") == 0)
        return rt_submit_main(prog, argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0)
        return rt_explain_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "replay") != 0) {
        if (cmd[0] == '-')
            return rt_usage_error(prog, "unknown option \"%s\"", cmd);
        return rt_usage_error(prog, "unknown command \"%s\" (use replay, project, grid, explain or describe)", cmd);
    }

    options o = {NULL, NULL, NULL, NULL, RT_FORMAT_TABLE};
    const char *format = NULL;
    int only_files = 0;
    for (int i = 2; i < argc; i++) {
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
