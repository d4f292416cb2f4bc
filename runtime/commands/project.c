/*
 * project.c — the `project` command of a deal binary, and what it shares
 * with `grid` (grid.c; rt_cmd.h): argument parsing, loading the deal, the
 * analytics per class and the tables, rendered as text, CSV, JSON or a
 * self-contained HTML report.
 *
 * Like replay, nothing is written unless the whole run succeeded, and the
 * output of grid does not depend on the number of threads: each scenario's
 * result goes to its own slot and the tables are built afterwards, in
 * scenario order.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "rt_cmd.h"



/* ---- errors ---------------------------------------------------------------------------- */

int rt_cmd_report_sc_err(const char *prog, const rt_sc_err *e)
{
    if (e->o.file) {
        rt_err fe;
        fe.line = e->o.line;
        fe.col = e->o.col;
        snprintf(fe.msg, sizeof fe.msg, "%s", e->msg);
        rt_file_error(e->o.file, &fe);
        return 1;
    }
    return rt_usage_error(prog, "%s", e->msg);
}

/* ---- command line -------------------------------------------------------------------------- */

static int parse_args(const char *prog, int argc, char **argv, int grid, rt_sc *sc, cmd_opts *o)
{
    struct {
        const char *name;
        const char **dst;
        int grid_too, project_too;
    } opts[] = {{"state", &o->state, 1, 1},     {"scenario", &o->scenario, 1, 1}, {"format", &o->format, 1, 1},
                {"class", &o->klass, 1, 1},     {"settle", &o->settle, 1, 1},     {"price", &o->price, 1, 1},
                {"yield", &o->yield, 1, 1},     {"curve", &o->curve, 0, 1},       {"benchmark", &o->benchmark, 0, 1},
                {"report", &o->report, 1, 1},   {"output", &o->output, 1, 1},     {"threads", &o->threads, 1, 0},
                {"tape", &o->tape, 1, 1},       {"delay", &o->delay, 1, 1},       {"accrual-start", &o->accrual_start, 1, 1},
                {"pricing-dates", &o->pricing_dates, 1, 1}, {"shift", &o->shift, 0, 1},
                {"scenarios", &o->scenarios, 1, 0}, {"paths", &o->paths, 1, 0},   {"seed", &o->seed, 1, 0},
                {"hull-white", &o->hull_white, 1, 0}, {"rate-curve", &o->rate_curve, 1, 0},
                {"index-paths", &o->index_paths, 1, 0}, {"stream", &o->stream, 1, 0}, {"summary", &o->summary, 1, 0},
                {"shard", &o->shard, 1, 0},     {"oas", &o->oas, 1, 0}};
    enum { NOPTS = sizeof opts / sizeof opts[0], SC_KEY = 2000, PLAN = 3000 };
    /* getopt_long over every option of project and grid and every
     * assumption; each is then checked against the command */
    struct option lo[NOPTS + 32];
    int n = 0;
    for (int k = 0; k < (int)NOPTS; k++)
        lo[n++] = (struct option){opts[k].name, required_argument, NULL, 1000 + k};
    for (int k = 0; rt_sc_key_at(k) && n < (int)NOPTS + 30; k++) {
        const char *key = rt_sc_key_at(k);
        int flag = strcmp(key, "to-call") == 0 || strcmp(key, "to-maturity") == 0;
        lo[n++] = (struct option){key, flag ? no_argument : required_argument, NULL, SC_KEY + k};
    }
    lo[n++] = (struct option){"plan", no_argument, NULL, PLAN};
    memset(&lo[n], 0, sizeof lo[n]);
    optind = 0; /* a fresh scan (glibc) */
    opterr = 0;
    int ch, li;
    while ((li = -1, ch = getopt_long(argc, argv, "-:", lo, &li)) != -1) {
        if (ch == 1)
            return rt_usage_error(prog, "unexpected argument \"%s\" (every setting is an option, see --help)", optarg);
        /* the option as written (its value may be the next argument) and its name */
        const char *a = optind >= 2 && optarg && optarg == argv[optind - 1] ? argv[optind - 2] : argv[optind - 1];
        char key[64];
        size_t kl = strcspn(a, "=");
        if (kl < 2 || kl - 2 >= sizeof key)
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        memcpy(key, a + 2, kl - 2);
        key[kl - 2] = '\0';
        if (ch == '?') {
            if (optopt >= 1000 && strncmp(a, "--", 2) == 0 && (optopt != PLAN || grid))
                return rt_usage_error(prog, "option --%s takes no value", key);
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        }
        if (ch == ':')
            return rt_usage_error(prog, "option %s needs an argument", a);
        /* names in full: getopt_long's abbreviations are refused */
        if (strncmp(a, "--", 2) != 0 || li < 0 || strcmp(key, lo[li].name) != 0)
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        rt_sc_origin flag = {NULL, 0, 0};
        rt_sc_err e;
        if (ch == PLAN) {
            if (!grid)
                return rt_usage_error(prog, "unknown option \"%s\"", a);
            o->plan = "yes";
            continue;
        }
        if (ch >= SC_KEY) {
            const char *k = rt_sc_key_at(ch - SC_KEY);
            int is_flag = strcmp(k, "to-call") == 0 || strcmp(k, "to-maturity") == 0;
            if (!is_flag && !*optarg)
                return rt_usage_error(prog, "option %s needs a non-empty argument", a);
            if (!rt_sc_set(sc, k, is_flag ? "yes" : optarg, &flag, &e))
                return rt_cmd_report_sc_err(prog, &e);
            continue;
        }
        int k = ch - 1000;
        if (grid ? !opts[k].grid_too : !opts[k].project_too)
            return rt_usage_error(prog, grid ? "option \"%s\" is for project, not grid" : "option \"%s\" is for grid, not project",
                                  a);
        if (!*optarg)
            return rt_usage_error(prog, "option %s needs a non-empty argument", a);
        if (*opts[k].dst)
            return rt_usage_error(prog, "option --%s given twice", key);
        *opts[k].dst = optarg;
    }
    if (optind < argc)
        return rt_usage_error(prog, "unexpected argument \"%s\" (every setting is an option, see --help)", argv[optind]);
    return 0;
}

int rt_cmd_parse_format(const char *prog, const char *f, rt_format *out)
{
    if (!f || strcmp(f, "table") == 0)
        *out = RT_FORMAT_TABLE;
    else if (strcmp(f, "csv") == 0)
        *out = RT_FORMAT_CSV;
    else if (strcmp(f, "json") == 0)
        *out = RT_FORMAT_JSON;
    else
        return rt_usage_error(prog, "unknown format \"%s\" (use table, csv or json)", f);
    return 0;
}

/* ---- setup shared by project and grid ------------------------------------------------------ */



void rt_cmd_setup_free(setup *s)
{
    rt_sc_res_free(&s->res);
    rt_sc_free(&s->sc);
    rt_sc_free(&s->file);
    if (s->has_state || s->st.pool_balance)
        rt_state_free(&s->st);
    free(s->stext);
    rt_out_end(s->os);
    if (s->d)
        rt_deal_free(s->d);
}

int rt_cmd_open_outputs(setup *s)
{
    s->os = rt_out_begin();
    if (!s->os)
        return 0;
    const char *inputs[] = {s->o.state, s->o.scenario, s->o.tape, s->o.curve, s->o.scenarios, s->o.rate_curve,
                            s->o.index_paths};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (inputs[i] && !rt_out_input(s->os, inputs[i]))
            return 0;
    s->out_i = s->o.output ? rt_out_add(s->os, s->o.output, 0) : rt_out_add_stdout(s->os);
    s->report_i = -1;
    return s->out_i >= 0 && (!s->o.report || (s->report_i = rt_out_add(s->os, s->o.report, 0)) >= 0);
}

/* returns -1 to go on, else the exit status */
int rt_cmd_setup_load(setup *s, const char *prog, int argc, char **argv, int grid, rt_describe_fn describe)
{
    memset(s, 0, sizeof *s);
    rt_sc_init(&s->sc);
    rt_sc_init(&s->file);
    s->klass = -1;
    int rc = parse_args(prog, argc, argv, grid, &s->sc, &s->o);
    if (rc)
        return rc;
    if ((rc = rt_cmd_parse_format(prog, s->o.format, &s->fmt)))
        return rc;
    if (s->o.report && s->o.output && strcmp(s->o.report, s->o.output) == 0)
        return rt_usage_error(prog, "--output and --report both name \"%s\"", s->o.report);
    if (!grid && !rt_cmd_open_outputs(s))
        return 1;
    s->d = rt_load_deal(describe);
    if (!s->d)
        return 1;
    if (s->o.klass) {
        for (int32_t c = 0; c < s->d->classes.n; c++)
            if (strcmp(s->d->classes.v[c].name, s->o.klass) == 0)
                s->klass = c;
        if (s->klass < 0)
            return rt_usage_error(prog, "the deal has no class \"%s\"", s->o.klass);
    }
    rt_sc_err e;
    if (s->o.tape && !rt_tape_load(s->d, s->o.tape, &e))
        return rt_cmd_report_sc_err(prog, &e);
    if (s->o.scenario) {
        if (!rt_sc_read_file(&s->file, s->o.scenario, &e))
            return rt_cmd_report_sc_err(prog, &e);
        /* the file's directory finds its vector files; flags' paths stay as given */
        memcpy(s->sc.dir, s->file.dir, sizeof s->sc.dir);
        rt_sc_merge(&s->sc, &s->file);
    }
    /* Monte Carlo paths give the index they drive: a stand-in value for
     * it, which each path replaces */
    const char *pv = s->o.hull_white ? s->o.hull_white : s->o.index_paths;
    const char *peq = pv ? strchr(pv, '=') : NULL;
    if (grid && peq && (size_t)(peq - pv) + 3 < sizeof s->path_standin) {
        rt_sc_origin none = {NULL, 0, 0};
        snprintf(s->path_standin, sizeof s->path_standin, "%.*s=0", (int)(peq - pv), pv);
        if (!rt_sc_set(&s->sc, "index", s->path_standin, &none, &e))
            return rt_cmd_report_sc_err(prog, &e);
    }
    if (!rt_sc_resolve(s->d, &s->sc, grid, &s->res, &e)) {
        /* with a scenarios file an input may come from its rows (each row
         * is checked for it when the file is opened) */
        if (!(grid && s->o.scenarios && !e.o.file && strncmp(e.msg, "the deal's input", 16) == 0))
            return rt_cmd_report_sc_err(prog, &e);
        s->base_incomplete = 1;
    }
    if (s->d->collateral.n == 0) {
        fprintf(stderr, "error: the deal declares no collateral lines to project\n");
        return 1;
    }
    if (s->o.state) {
        rt_err fe;
        size_t len = 0;
        memset(&fe, 0, sizeof fe);
        if (!rt_state_init(&s->st, s->d)) {
            fprintf(stderr, "error: out of memory\n");
            return 1;
        }
        s->has_state = 1;
        if (!rt_read_file(s->o.state, &s->stext, &len, &fe) || !rt_state_parse(s->d, s->stext, len, &s->st, &fe)) {
            rt_file_error(s->o.state, &fe);
            return 1;
        }
    }
    return -1;
}

/* writes the output (stdout or --output) and the report, all or nothing */
int rt_cmd_emit(const setup *s, const rt_doc *doc)
{
    rt_buf out, html;
    rt_buf_init(&out);
    rt_buf_init(&html);
    switch (s->fmt) {
    case RT_FORMAT_TABLE: rt_doc_text(doc, &out); break;
    case RT_FORMAT_CSV: rt_doc_csv(doc, &out); break;
    case RT_FORMAT_JSON: rt_doc_json(doc, &out); break;
    }
    if (s->o.report)
        rt_doc_html(doc, &html);
    int rc = 1;
    if (out.oom || html.oom || doc->oom)
        fprintf(stderr, "error: out of memory\n");
    else if (rt_out_write(s->os, s->out_i, out.data, out.len) &&
             (s->report_i < 0 || rt_out_write(s->os, s->report_i, html.data, html.len)) && rt_out_commit(s->os))
        rc = 0;
    rt_buf_free(&out);
    rt_buf_free(&html);
    return rc;
}

const char *rt_cmd_money(char *buf, int64_t cents)
{
    return rt_fmt_money(buf, (rt_dec)cents * RT_CENT, 0, 0);
}

void rt_cmd_assumption_notes(rt_doc *doc, const setup *s, const char *pp, const char *df)
{
    const rt_assump *a = &s->res.a;
    char sev[32];
    snprintf(sev, sizeof sev, "%.6g", a->severity * 100);
    if (pp && df)
        rt_doc_note(doc, "Assumptions: %s, %s, severity %s%%, recovery lag %d months, advancing %s, %s", pp, df, sev,
                    (int)a->lag, a->advancing ? "on" : "off", a->to_call ? "to the clean-up call" : "to maturity");
    else
        rt_doc_note(doc, "Assumptions: severity %s%%, recovery lag %d months, advancing %s, %s", sev, (int)a->lag,
                    a->advancing ? "on" : "off", a->to_call ? "to the clean-up call" : "to maturity");
    for (int32_t i = 0; i < s->d->collateral.n; i++)
        if (s->d->collateral.v[i].field[RT_L_CREDIT_LIMIT] > 0) {
            rt_doc_note(doc, "Revolving lines: %s%s", s->res.draw_label,
                        a->draw.kind == RT_CURVE_VECTOR || a->draw.level > 0 ? "" : " (give --draw-rate)");
            break;
        }
    for (int32_t i = 0; i < s->d->inputs.n; i++) {
        char v[RT_NUMBUF];
        const rt_index_path *ix = &s->res.index[i];
        if (ix->n > 1)
            rt_doc_note(doc, "Index \"%s\": a vector of %d rates, from %s%%", s->d->inputs.v[i].name, (int)ix->n,
                        rt_fmt_percent_trim(v, ix->values[0]));
        else if (ix->n == 1)
            rt_doc_note(doc, "Index \"%s\": %s%%", s->d->inputs.v[i].name, rt_fmt_percent_trim(v, ix->values[0]));
    }
}

/* ---- pricing ------------------------------------------------------------------------------------- */

/* 0: no --settle; 1: pricing in pr; -1: an error printed, *rc its status */
int rt_cmd_parse_pricing(const char *prog, const cmd_opts *o, int grid, rt_pricing *pr, int *rc)
{
    rt_pricing_text tx = {o->settle, o->price, o->yield, o->curve, o->benchmark, o->delay,
                          o->accrual_start, o->pricing_dates, o->shift, o->oas};
    rt_sc_err e;
    int got = rt_pricing_parse(&tx, grid, pr, &e);
    if (got < 0)
        *rc = rt_cmd_report_sc_err(prog, &e);
    return got;
}

void rt_cmd_fmt_date(char *b, int32_t z)
{
    if (z)
        rt_date_format(b, z);
    else
        strcpy(b, "-");
}

/* ---- project -------------------------------------------------------------------------------------- */

/* The parties, accounts and remembered conditions, period by period: what
 * each party (fee payees, the residual holder, insurers) was paid, each
 * insurer's draws and unreimbursed balance, each account's closing balance,
 * each trigger's state and each remembered date. */
void rt_cmd_reach_tables(rt_doc *doc, const rt_deal *d, const rt_proj_result *r)
{
    char a[RT_NUMBUF], ds[11];
    const int32_t np = d->parties.n, nf = d->funds.n, nm = d->memory.n;
    if (np > 0) {
        rt_tbl *t = rt_doc_table(doc, "Parties");
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        for (int32_t p = 0; p < np; p++) {
            rt_tbl_col(doc, t, d->parties.v[p].name, RT_COL_MONEY);
            if (d->parties.v[p].is_insurer) {
                char h[600];
                snprintf(h, sizeof h, "%s drawn", d->parties.v[p].name);
                rt_tbl_col(doc, t, h, RT_COL_MONEY);
                snprintf(h, sizeof h, "%s unreimbursed", d->parties.v[p].name);
                rt_tbl_col(doc, t, h, RT_COL_MONEY);
            }
        }
        int64_t *tot = calloc((size_t)np * 2 + 1, sizeof *tot);
        for (int32_t k = 0; k < r->nperiods; k++) {
            int row = rt_tbl_row(doc, t), col = 2;
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            for (int32_t p = 0; p < np; p++) {
                const int64_t *x = &r->party[((size_t)k * np + p) * RT_P_COUNT];
                rt_tbl_set(doc, t, row, col++, "%s", rt_cmd_money(a, x[RT_P_PAID]));
                if (tot) {
                    tot[2 * p] += x[RT_P_PAID];
                    tot[2 * p + 1] += x[RT_P_DRAWN];
                }
                if (d->parties.v[p].is_insurer) {
                    rt_tbl_set(doc, t, row, col++, "%s", rt_cmd_money(a, x[RT_P_DRAWN]));
                    rt_tbl_set(doc, t, row, col++, "%s", rt_cmd_money(a, x[RT_P_UNREIMB_END]));
                }
            }
        }
        if (tot) {
            int row = rt_tbl_row(doc, t), col = 2;
            rt_tbl_set(doc, t, row, 0, "Total");
            for (int32_t p = 0; p < np; p++) {
                rt_tbl_set(doc, t, row, col++, "%s", rt_cmd_money(a, tot[2 * p]));
                if (d->parties.v[p].is_insurer) {
                    rt_tbl_set(doc, t, row, col, "%s", rt_cmd_money(a, tot[2 * p + 1]));
                    col += 2;
                }
            }
            free(tot);
        } else {
            doc->oom = 1;
        }
    }
    if (d->has_accounts) {
        rt_tbl *t = rt_doc_table(doc, "Accounts");
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        for (int32_t h = 0; h < nf; h++)
            if (d->funds.v[h].is_account)
                rt_tbl_col(doc, t, d->funds.v[h].name, RT_COL_MONEY);
        for (int32_t k = 0; k < r->nperiods; k++) {
            int row = rt_tbl_row(doc, t), col = 2;
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            for (int32_t h = 0; h < nf; h++)
                if (d->funds.v[h].is_account)
                    rt_tbl_set(doc, t, row, col++, "%s",
                               rt_cmd_money(a, r->fund[((size_t)k * nf + h) * RT_F_COUNT + RT_F_REMAINING]));
        }
    }
    if (nm > 0) {
        rt_tbl *t = rt_doc_table(doc, "Triggers and dates");
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        for (int32_t m = 0; m < nm; m++)
            rt_tbl_col(doc, t, d->memory.v[m].name, RT_COL_TEXT);
        for (int32_t k = 0; k < r->nperiods; k++) {
            int row = rt_tbl_row(doc, t);
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            for (int32_t m = 0; m < nm; m++) {
                int32_t v = r->memory[(size_t)k * nm + m];
                if (d->memory.v[m].kind != RT_MEM_DATE)
                    rt_tbl_set(doc, t, row, 2 + m, "%s", v ? "in effect" : "not in effect");
                else if (v == RT_DATE_NEVER)
                    rt_tbl_set(doc, t, row, 2 + m, "not yet");
                else
                    rt_tbl_set(doc, t, row, 2 + m, "%s", rt_date_format(ds, v));
            }
        }
    }
}

static void project_doc(rt_doc *doc, const setup *s, const rt_proj_result *r, const rt_state *open,
                        const rt_pricing *pr, const rt_proj_result *up, const rt_proj_result *down, double *w1,
                        double *w2, double *w3)
{
    const rt_deal *d = s->d;
    int32_t nc = d->classes.n, ng = d->groups.n;
    char a[RT_NUMBUF], b[RT_NUMBUF], ds[11];
    int draws = s->res.a.draw.kind == RT_CURVE_VECTOR || s->res.a.draw.level > 0;
    rt_cmd_assumption_notes(doc, s, s->res.pp_label[0], s->res.df_label[0]);
    rt_doc_note(doc, "Start: %s, distribution %d; %d periods%s", rt_date_format(ds, open->payment_date),
                (int)open->distribution_number, (int)r->nperiods, r->called ? ", ended by the clean-up call" : "");
    int32_t from = pr ? pr->settle : open->payment_date;
    rt_doc_note(doc, "Weighted average life in years (actual/365.25) from %s", rt_date_format(ds, from));
    if (pr) {
        char sh[RT_NUMBUF];
        rt_doc_note(doc,
                    "Pricing: settlement %s; flows discounted from their %s dates, 30/360 from settlement, yields "
                    "compounded semiannually; accrued interest from %s; effective duration and convexity with "
                    "every index rate and the yield moved %s bp up and down",
                    rt_date_format(ds, pr->settle), pr->rolled ? "business-day-rolled" : "unadjusted (nominal)",
                    pr->accrual == RT_ACCRUE_FIRST_OF_MONTH   ? "the first of the month"
                    : pr->accrual == RT_ACCRUE_PAYMENT_DATE ? "the last distribution"
                                                         : "the first of the month for a class with a payment delay, "
                                                           "else the last distribution",
                    rt_fmt_real_trim(sh, pr->shift * 10000, 4));
        if (pr->delay >= 0)
            rt_doc_note(doc, "Payment delay: %d days for every class", pr->delay);
        else
            for (int32_t c = 0; c < nc; c++)
                if (d->classes.v[c].delay > 0 && (s->klass < 0 || c == s->klass))
                    rt_doc_note(doc, "Payment delay: class %s, %d days", d->classes.v[c].name,
                                (int)d->classes.v[c].delay);
    }

    /* summary */
    rt_tbl *t = rt_doc_table(doc, "Summary");
    rt_tbl_col(doc, t, "Class", RT_COL_TEXT);
    rt_tbl_col(doc, t, "WAL", RT_COL_NUMBER);
    rt_tbl_col(doc, t, "First principal", RT_COL_TEXT);
    rt_tbl_col(doc, t, "Last principal", RT_COL_TEXT);
    rt_tbl_col(doc, t, "Principal", RT_COL_MONEY);
    rt_tbl_col(doc, t, "Interest", RT_COL_MONEY);
    rt_tbl_col(doc, t, "Final payment", RT_COL_TEXT);
    if (pr) {
        rt_tbl_col(doc, t, "Price", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Yield %", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Mod duration", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Convexity", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Eff duration", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Eff convexity", RT_COL_NUMBER);
        if (pr->ncurve)
            rt_tbl_col(doc, t, "Spread bp", RT_COL_NUMBER);
        if (pr->curve_file)
            rt_tbl_col(doc, t, "Z-spread bp", RT_COL_NUMBER);
    }
    for (int32_t c = 0; c < nc; c++) {
        if (s->klass >= 0 && c != s->klass)
            continue;
        rt_price_stats st;
        rt_class_stats(d, r, open, c, from, pr, up, down, &st, w1, w2, w3);
        int row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "%s", d->classes.v[c].name);
        rt_tbl_set(doc, t, row, 1, "%s", st.prin > 0 ? rt_fmt_real(a, st.wal, 2) : "-");
        rt_cmd_fmt_date(ds, st.first);
        rt_tbl_set(doc, t, row, 2, "%s", ds);
        rt_cmd_fmt_date(ds, st.last);
        rt_tbl_set(doc, t, row, 3, "%s", ds);
        rt_tbl_set(doc, t, row, 4, "%s", rt_cmd_money(a, st.prin));
        rt_tbl_set(doc, t, row, 5, "%s", rt_cmd_money(a, st.intr));
        rt_cmd_fmt_date(ds, st.final);
        rt_tbl_set(doc, t, row, 6, "%s", ds);
        if (pr && st.priced) {
            int col = 7;
            rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_real(a, st.price, 6));
            rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_real(a, st.yield * 100, 8));
            rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_real(a, st.dur, 4));
            rt_tbl_set(doc, t, row, col++, "%s", rt_fmt_real(a, st.convexity, 4));
            rt_tbl_set(doc, t, row, col++, "%s", st.has_eff ? rt_fmt_real(a, st.eff_dur, 4) : "-");
            rt_tbl_set(doc, t, row, col++, "%s", st.has_eff ? rt_fmt_real(a, st.eff_conv, 4) : "-");
            if (pr->ncurve)
                rt_tbl_set(doc, t, row, col++, "%s", st.has_spread ? rt_fmt_real(a, st.spread, 1) : "-");
            if (pr->curve_file)
                rt_tbl_set(doc, t, row, col++, "%s", st.has_z ? rt_fmt_real(a, st.zspread, 1) : "-");
        } else if (pr) {
            for (int k = 7; k < t->ncols; k++)
                rt_tbl_set(doc, t, row, k, "-");
        }
    }

    /* The chart and each class's table end where there is nothing left to
     * show: the chart at the period the last principal class shown is
     * paid off, a class's table at the last period that paid it anything
     * or left it a balance (its Total still counts every period). */
    int32_t chart_end = 0;
    for (int32_t c = 0; c < nc; c++) {
        if ((s->klass >= 0 && c != s->klass) || d->classes.v[c].kind != RT_CLASS_PRINCIPAL)
            continue;
        for (int32_t k = 0; k < r->nperiods; k++)
            if (r->class_end[(size_t)k * nc + c] > 0 || r->class_prin[(size_t)k * nc + c] > 0)
                chart_end = k + 1 > chart_end ? k + 1 : chart_end;
    }
    if (chart_end < r->nperiods && chart_end > 0)
        rt_doc_note(doc, "The class balances chart ends at period %d, when the last class shown is paid off",
                    (int)(r->first_dist + chart_end - 1));
    rt_chart *ch = rt_doc_chart(doc, "Class balances", "period", "balance");
    for (int32_t c = 0; c < nc; c++) {
        if ((s->klass >= 0 && c != s->klass) || d->classes.v[c].kind != RT_CLASS_PRINCIPAL)
            continue;
        w1[0] = open->distribution_number;
        w2[0] = (double)(open->class_balance[c] / RT_CENT) / 100;
        for (int32_t k = 0; k < chart_end; k++) {
            w1[k + 1] = r->first_dist + k;
            w2[k + 1] = (double)r->class_end[(size_t)k * nc + c] / 100;
        }
        rt_chart_series(doc, ch, d->classes.v[c].name, chart_end + 1, w1, w2);
    }

    /* per class cash flows */
    for (int32_t c = 0; c < nc; c++) {
        if (s->klass >= 0 && c != s->klass)
            continue;
        int32_t last = 0; /* periods shown */
        for (int32_t k = 0; k < r->nperiods; k++) {
            size_t x = (size_t)k * nc + c;
            int64_t loss_before = k ? r->class_loss_end[x - nc] : 0, basis_before = k ? r->class_basis_end[x - nc] : 0;
            if (r->class_end[x] > 0 || r->class_int[x] > 0 || r->class_prin[x] > 0 || r->class_writedown[x] > 0 ||
                r->class_loss_paid[x] > 0 || r->class_basis_paid[x] > 0 ||
                r->class_drawn[x] > 0 || r->class_loss_end[x] != loss_before || r->class_basis_end[x] != basis_before)
                last = k + 1;
        }
        if (last < r->nperiods)
            last++; /* the period after, with its balance of 0 */
        t = rt_doc_table(doc, "Class %s", d->classes.v[c].name);
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Balance", RT_COL_MONEY);
        rt_tbl_col(doc, t, "Interest", RT_COL_MONEY);
        rt_tbl_col(doc, t, "Principal", RT_COL_MONEY);
        rt_tbl_col(doc, t, "Coupon %", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Total cash", RT_COL_MONEY);
        /* what the deal can do to this class: grow it, write it down, cap
         * its coupon (columns only where the deal has them) */
        const rt_class_info *ci = &d->classes.v[c];
        int col_drawn = -1, col_wd = -1, col_loss = -1, col_lpaid = -1, col_basis = -1, col_bpaid = -1;
        if (ci->maximum_cents > 0) {
            col_drawn = t->ncols;
            rt_tbl_col(doc, t, "Drawn", RT_COL_MONEY);
        }
        if (ci->alloc >= 0) {
            col_wd = t->ncols;
            rt_tbl_col(doc, t, "Written down", RT_COL_MONEY);
            col_loss = t->ncols;
            rt_tbl_col(doc, t, "Unpaid loss", RT_COL_MONEY);
            col_lpaid = t->ncols;
            rt_tbl_col(doc, t, "Loss paid back", RT_COL_MONEY);
        }
        if (ci->capped) {
            col_basis = t->ncols;
            rt_tbl_col(doc, t, "Basis risk carry-forward", RT_COL_MONEY);
            col_bpaid = t->ncols;
            rt_tbl_col(doc, t, "Basis risk paid", RT_COL_MONEY);
        }
        int row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "%d", (int)open->distribution_number);
        rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, open->payment_date));
        rt_tbl_set(doc, t, row, 2, "%s", rt_fmt_money(a, open->class_balance[c], 0, 0));
        int64_t ti = 0, tp = 0, tw = 0, tdr = 0, tlp = 0, tbp = 0;
        for (int32_t k = 0; k < r->nperiods; k++) {
            size_t x = (size_t)k * nc + c;
            ti += r->class_int[x];
            tp += r->class_prin[x];
            tw += r->class_writedown[x];
            tdr += r->class_drawn[x];
            tlp += r->class_loss_paid[x];
            tbp += r->class_basis_paid[x];
            if (k >= last)
                continue;
            row = rt_tbl_row(doc, t);
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            rt_tbl_set(doc, t, row, 2, "%s", rt_cmd_money(a, r->class_end[x]));
            rt_tbl_set(doc, t, row, 3, "%s", rt_cmd_money(a, r->class_int[x]));
            rt_tbl_set(doc, t, row, 4, "%s", rt_cmd_money(a, r->class_prin[x]));
            rt_tbl_set(doc, t, row, 5, "%s", rt_fmt_percent(b, r->class_coupon[x], 5));
            /* Total cash: everything the holder receives this period */
            rt_tbl_set(doc, t, row, 6, "%s",
                       rt_cmd_money(a, r->class_int[x] + r->class_prin[x] + r->class_loss_paid[x] +
                                           r->class_basis_paid[x]));
            if (col_drawn >= 0)
                rt_tbl_set(doc, t, row, col_drawn, "%s", rt_cmd_money(a, r->class_drawn[x]));
            if (col_wd >= 0) {
                rt_tbl_set(doc, t, row, col_wd, "%s", rt_cmd_money(a, r->class_writedown[x]));
                rt_tbl_set(doc, t, row, col_loss, "%s", rt_cmd_money(a, r->class_loss_end[x]));
                rt_tbl_set(doc, t, row, col_lpaid, "%s", rt_cmd_money(a, r->class_loss_paid[x]));
            }
            if (col_basis >= 0) {
                rt_tbl_set(doc, t, row, col_basis, "%s", rt_cmd_money(a, r->class_basis_end[x]));
                rt_tbl_set(doc, t, row, col_bpaid, "%s", rt_cmd_money(a, r->class_basis_paid[x]));
            }
        }
        row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "Total");
        rt_tbl_set(doc, t, row, 3, "%s", rt_cmd_money(a, ti));
        rt_tbl_set(doc, t, row, 4, "%s", rt_cmd_money(a, tp));
        rt_tbl_set(doc, t, row, 6, "%s", rt_cmd_money(a, ti + tp + tlp + tbp));
        if (col_drawn >= 0)
            rt_tbl_set(doc, t, row, col_drawn, "%s", rt_cmd_money(a, tdr));
        if (col_wd >= 0) {
            rt_tbl_set(doc, t, row, col_wd, "%s", rt_cmd_money(a, tw));
            rt_tbl_set(doc, t, row, col_lpaid, "%s", rt_cmd_money(a, tlp));
        }
        if (col_bpaid >= 0)
            rt_tbl_set(doc, t, row, col_bpaid, "%s", rt_cmd_money(a, tbp));
    }

    /* collateral flows per group */
    static const char *const cols[] = {"Beginning", "Scheduled", "Prepaid", "Defaulted", "Liquidated",
                                       "Recoveries", "Loss", "Interest", "Advanced", "Sold", "Ending", "Loans"};
    for (int32_t g = 0; g < ng; g++) {
        t = rt_doc_table(doc, "Collateral %s", d->groups.v[g]);
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        size_t ncols = sizeof cols / sizeof cols[0] - (d->collateral_is_tape ? 0 : 1);
        for (size_t k = 0; k < ncols; k++)
            rt_tbl_col(doc, t, cols[k], k == 11 ? RT_COL_NUMBER : RT_COL_MONEY);
        int col_drawn = -1;
        if (draws) {
            col_drawn = t->ncols;
            rt_tbl_col(doc, t, "Drawn", RT_COL_MONEY);
        }
        rt_flows tot;
        memset(&tot, 0, sizeof tot);
        for (int32_t k = 0; k < r->nperiods; k++) {
            const rt_flows *f = &r->flows[(size_t)k * ng + g];
            int64_t v[] = {f->begin, f->scheduled, f->prepaid, f->defaulted, f->liquidated, f->recoveries,
                           f->loss, f->interest, f->advanced, f->sold, f->end};
            int row = rt_tbl_row(doc, t);
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
                rt_tbl_set(doc, t, row, 2 + (int)j, "%s", rt_cmd_money(a, v[j]));
            if (d->collateral_is_tape)
                rt_tbl_set(doc, t, row, 13, "%lld", (long long)f->loans);
            if (col_drawn >= 0)
                rt_tbl_set(doc, t, row, col_drawn, "%s", rt_cmd_money(a, f->drawn));
            tot.drawn += f->drawn;
            tot.scheduled += f->scheduled;
            tot.prepaid += f->prepaid;
            tot.defaulted += f->defaulted;
            tot.liquidated += f->liquidated;
            tot.recoveries += f->recoveries;
            tot.loss += f->loss;
            tot.interest += f->interest;
            tot.advanced += f->advanced;
            tot.sold += f->sold;
        }
        int row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "Total");
        int64_t v[] = {tot.scheduled, tot.prepaid, tot.defaulted, tot.liquidated, tot.recoveries,
                       tot.loss,      tot.interest, tot.advanced, tot.sold};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
            rt_tbl_set(doc, t, row, 3 + (int)j, "%s", rt_cmd_money(a, v[j]));
        if (col_drawn >= 0)
            rt_tbl_set(doc, t, row, col_drawn, "%s", rt_cmd_money(a, tot.drawn));
    }
    rt_cmd_reach_tables(doc, d, r);
}

int rt_project_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    setup s;
    int rc = rt_cmd_setup_load(&s, prog, argc, argv, 0, describe);
    if (rc >= 0) {
        rt_cmd_setup_free(&s);
        return rc;
    }
    rt_pricing pr;
    int has_pr = rt_cmd_parse_pricing(prog, &s.o, 0, &pr, &rc);
    if (has_pr < 0) {
        rt_cmd_setup_free(&s);
        return rc;
    }
    int32_t maxp = rt_proj_horizon(s.d, &s.res.a);
    rt_proj *w = rt_proj_new(s.d, period, s.has_state ? &s.st : NULL, s.res.a.lag, maxp);
    size_t nw = (size_t)maxp + 2;
    double *w1 = malloc(nw * sizeof *w1), *w2 = malloc(nw * sizeof *w2), *w3 = malloc(nw * sizeof *w3);
    rt_doc doc;
    char title[512];
    snprintf(title, sizeof title, "Projection: %s", s.d->name);
    rt_doc_init(&doc, title);
    char msg[RT_ERRMAX];
    /* for the effective duration: the same projection with every index
     * rate moved up and down by the shift */
    rt_proj *wu = NULL, *wd = NULL;
    rt_assump au = s.res.a, ad = s.res.a;
    int32_t ni = s.d->inputs.n;
    rt_index_path *pu = NULL, *pd = NULL;
    rt_dec *iu = NULL, *id = NULL, *vals = NULL;
    int shifted_ok = 1;
    if (has_pr > 0) {
        size_t nv = 0;
        for (int32_t i = 0; i < ni; i++)
            nv += (size_t)s.res.index[i].n;
        wu = rt_proj_new(s.d, period, s.has_state ? &s.st : NULL, s.res.a.lag, maxp);
        wd = rt_proj_new(s.d, period, s.has_state ? &s.st : NULL, s.res.a.lag, maxp);
        pu = calloc((size_t)ni + 1, sizeof *pu);
        pd = calloc((size_t)ni + 1, sizeof *pd);
        iu = calloc((size_t)ni + 1, sizeof *iu);
        id = calloc((size_t)ni + 1, sizeof *id);
        vals = calloc(2 * nv + 1, sizeof *vals);
        shifted_ok = wu && wd && pu && pd && iu && id && vals;
        rt_dec sh = (rt_dec)(pr.shift * 1e12 + 0.5);
        size_t at = 0;
        for (int32_t i = 0; shifted_ok && i < ni; i++) {
            const rt_index_path *ix = &s.res.index[i];
            iu[i] = id[i] = s.res.input[i];
            if (ix->n == 0)
                continue;
            pu[i].values = &vals[at];
            pd[i].values = &vals[at + nv];
            pu[i].n = pd[i].n = ix->n;
            for (int32_t k = 0; k < ix->n; k++) {
                vals[at + (size_t)k] = ix->values[k] + sh;
                vals[at + nv + (size_t)k] = ix->values[k] - sh;
            }
            iu[i] = pu[i].values[0];
            id[i] = pd[i].values[0];
            at += (size_t)ix->n;
        }
        au.index = pu;
        au.input = iu;
        ad.index = pd;
        ad.input = id;
    }
    rc = 1;
    if (!w || !w1 || !w2 || !w3 || !shifted_ok) {
        fprintf(stderr, "error: out of memory\n");
    } else if (!rt_proj_run(w, &s.res.a, msg, sizeof msg)) {
        fprintf(stderr, "error: %s\n", msg);
    } else {
        /* a shifted run that fails (a rate the waterfall cannot take) only
         * leaves the effective figures out */
        int eff = has_pr > 0 && rt_proj_run(wu, &au, msg, sizeof msg) && rt_proj_run(wd, &ad, msg, sizeof msg);
        project_doc(&doc, &s, rt_proj_result_get(w), rt_proj_opening(w), has_pr ? &pr : NULL,
                    eff ? rt_proj_result_get(wu) : NULL, eff ? rt_proj_result_get(wd) : NULL, w1, w2, w3);
        rc = rt_cmd_emit(&s, &doc);
    }
    rt_proj_free(wu);
    rt_proj_free(wd);
    free(pu);
    free(pd);
    free(iu);
    free(id);
    free(vals);
    rt_doc_free(&doc);
    free(w1);
    free(w2);
    free(w3);
    rt_proj_free(w);
    rt_cmd_setup_free(&s);
    return rc;
}

