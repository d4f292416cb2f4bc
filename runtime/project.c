/*
 * project.c — the `project` and `grid` commands of a deal binary: argument
 * parsing, the scenario loop (threads for grid), the analytics per class and
 * the tables, rendered as text, CSV, JSON or a self-contained HTML report.
 *
 * Like replay, nothing is written unless the whole run succeeded, and the
 * output of grid does not depend on the number of threads: each scenario's
 * result goes to its own slot and the tables are built afterwards, in
 * scenario order.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt_output.h"
#include "rt_scenario.h"
#include "rt_tables.h"

typedef struct cmd_opts {
    const char *state, *scenario, *format, *klass, *settle, *price, *yield, *curve, *benchmark, *report,
        *output, *threads, *tape;
} cmd_opts;

/* ---- errors ---------------------------------------------------------------------------- */

static int report_sc_err(const char *prog, const rt_sc_err *e)
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
                {"class", &o->klass, 1, 1},     {"settle", &o->settle, 0, 1},     {"price", &o->price, 0, 1},
                {"yield", &o->yield, 0, 1},     {"curve", &o->curve, 0, 1},       {"benchmark", &o->benchmark, 0, 1},
                {"report", &o->report, 1, 1},   {"output", &o->output, 1, 1},     {"threads", &o->threads, 1, 0},
                {"tape", &o->tape, 1, 1}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || !a[2])
            return rt_usage_error(prog, "unexpected argument \"%s\" (every setting is an option, see --help)", a);
        const char *name = a + 2, *eq = strchr(name, '=');
        char key[64];
        size_t kl = eq ? (size_t)(eq - name) : strlen(name);
        if (kl >= sizeof key)
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        memcpy(key, name, kl);
        key[kl] = '\0';
        rt_sc_origin flag = {NULL, 0, 0};
        rt_sc_err e;
        if (strcmp(key, "to-call") == 0 || strcmp(key, "to-maturity") == 0) {
            if (eq)
                return rt_usage_error(prog, "option --%s takes no value", key);
            if (!rt_sc_set(sc, strcmp(key, "to-call") == 0 ? "to-call" : "to-maturity", "yes", &flag, &e))
                return report_sc_err(prog, &e);
            continue;
        }
        int known = rt_sc_is_key(key);
        const char **dst = NULL;
        for (size_t k = 0; !known && k < sizeof opts / sizeof opts[0]; k++)
            if (strcmp(opts[k].name, key) == 0) {
                if (grid ? !opts[k].grid_too : !opts[k].project_too)
                    return rt_usage_error(prog, grid ? "option \"%s\" is for project, not grid"
                                                     : "option \"%s\" is for grid, not project",
                                          a);
                dst = opts[k].dst;
                known = 1;
            }
        if (!known)
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        const char *val;
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return rt_usage_error(prog, "option %s needs an argument", a);
        if (!*val)
            return rt_usage_error(prog, "option %s needs a non-empty argument", a);
        if (dst) {
            if (*dst)
                return rt_usage_error(prog, "option --%s given twice", key);
            *dst = val;
        } else if (!rt_sc_set(sc, strcmp(key, "cpr") == 0 ? "cpr"
                                  : strcmp(key, "smm") == 0 ? "smm"
                                  : strcmp(key, "psa") == 0 ? "psa"
                                  : strcmp(key, "hep") == 0 ? "hep"
                                  : strcmp(key, "cdr") == 0 ? "cdr"
                                  : strcmp(key, "sda") == 0 ? "sda"
                                  : strcmp(key, "prepay-vector") == 0 ? "prepay-vector"
                                  : strcmp(key, "default-vector") == 0 ? "default-vector"
                                  : strcmp(key, "severity") == 0 ? "severity"
                                  : strcmp(key, "recovery-lag") == 0 ? "recovery-lag"
                                  : strcmp(key, "advancing") == 0 ? "advancing"
                                  : strcmp(key, "index") == 0 ? "index"
                                  : strcmp(key, "index-vector") == 0 ? "index-vector"
                                  : strcmp(key, "input") == 0 ? "input"
                                                              : "periods",
                              val, &flag, &e)) {
            return report_sc_err(prog, &e);
        }
    }
    return 0;
}

static int parse_format(const char *prog, const char *f, rt_format *out)
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

/* the longest run any line can need: its remaining term plus the lag */
static int32_t longest(const rt_deal *d, const rt_assump *a)
{
    int32_t m = 1;
    for (int32_t i = 0; i < d->collateral.n; i++) {
        const rt_dec *f = d->collateral.v[i].field;
        rt_dec rem = f[RT_L_REMAINING_TERM] / RT_SCALE;
        if (rem <= 0)
            rem = (f[RT_L_ORIGINAL_TERM] - f[RT_L_AGE]) / RT_SCALE;
        if (rem > RT_SC_MAXPERIODS)
            rem = RT_SC_MAXPERIODS;
        if (rem > m)
            m = (int32_t)rem;
    }
    m += a->lag + 1;
    if (a->periods > 0 && a->periods < m)
        m = a->periods;
    return m > RT_SC_MAXPERIODS ? RT_SC_MAXPERIODS : m;
}

/* ---- setup shared by project and grid ------------------------------------------------------ */

typedef struct setup {
    rt_deal *d;
    rt_sc sc, file;
    rt_sc_res res;
    cmd_opts o;
    rt_format fmt;
    rt_state st;
    int has_state;
    int32_t klass; /* -1: all */
    char *stext;
    rt_outset *os; /* the output set, and its two outputs */
    int out_i, report_i;
} setup;

static void setup_free(setup *s)
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

/* The outputs (--output or standard output, and --report), checked before
 * any work is done: neither may be an input, this program or the other. */
static int open_outputs(setup *s)
{
    s->os = rt_out_begin();
    if (!s->os || !rt_out_input(s->os, "/proc/self/exe"))
        return 0;
    const char *inputs[] = {s->o.state, s->o.scenario, s->o.tape, s->o.curve};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (inputs[i] && !rt_out_input(s->os, inputs[i]))
            return 0;
    s->out_i = s->o.output ? rt_out_add(s->os, s->o.output, 0) : rt_out_add_stdout(s->os);
    s->report_i = -1;
    return s->out_i >= 0 && (!s->o.report || (s->report_i = rt_out_add(s->os, s->o.report, 0)) >= 0);
}

/* returns -1 to go on, else the exit status */
static int setup_load(setup *s, const char *prog, int argc, char **argv, int grid, rt_describe_fn describe)
{
    memset(s, 0, sizeof *s);
    rt_sc_init(&s->sc);
    rt_sc_init(&s->file);
    s->klass = -1;
    int rc = parse_args(prog, argc, argv, grid, &s->sc, &s->o);
    if (rc)
        return rc;
    if ((rc = parse_format(prog, s->o.format, &s->fmt)))
        return rc;
    if (s->o.price && s->o.yield)
        return rt_usage_error(prog, "%s", "give --price or --yield, not both");
    if ((s->o.price || s->o.yield) && !s->o.settle)
        return rt_usage_error(prog, "%s", "--price and --yield need --settle DATE");
    if (s->o.settle && !s->o.price && !s->o.yield)
        return rt_usage_error(prog, "%s", "--settle needs --price P or --yield Y");
    if ((s->o.curve || s->o.benchmark) && !s->o.settle)
        return rt_usage_error(prog, "%s", "--curve and --benchmark need --settle with --price or --yield");
    if (s->o.curve && s->o.benchmark)
        return rt_usage_error(prog, "%s", "give --curve or --benchmark, not both");
    if (s->o.report && s->o.output && strcmp(s->o.report, s->o.output) == 0)
        return rt_usage_error(prog, "--output and --report both name \"%s\"", s->o.report);
    if (!open_outputs(s))
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
        return report_sc_err(prog, &e);
    if (s->o.scenario) {
        if (!rt_sc_read_file(&s->file, s->o.scenario, &e))
            return report_sc_err(prog, &e);
        /* the file's directory finds its vector files; flags' paths stay as given */
        memcpy(s->sc.dir, s->file.dir, sizeof s->sc.dir);
        rt_sc_merge(&s->sc, &s->file);
    }
    if (!rt_sc_resolve(s->d, &s->sc, grid, &s->res, &e))
        return report_sc_err(prog, &e);
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
static int emit(const setup *s, const rt_doc *doc)
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

static const char *money(char *buf, int64_t cents)
{
    return rt_fmt_money(buf, (rt_dec)cents * RT_CENT, 0, 0);
}

static void assumption_notes(rt_doc *doc, const setup *s, const char *pp, const char *df)
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

/* ---- per-class analytics ---------------------------------------------------------------------- */

typedef struct curve_pt {
    double tenor, y;
} curve_pt;

typedef struct stats {
    double wal;
    int32_t first, last, final;
    int64_t prin, intr;
    int priced;
    double price, yield, dur, spread;
    int has_spread;
} stats;

/* the benchmark yield at a tenor: flat, or linear on the curve, flat beyond its ends */
static double bench_at(const curve_pt *c, int n, double t)
{
    if (n == 1 || t <= c[0].tenor)
        return c[0].y;
    for (int i = 1; i < n; i++)
        if (t <= c[i].tenor)
            return c[i - 1].y + (c[i].y - c[i - 1].y) * (t - c[i - 1].tenor) / (c[i].tenor - c[i - 1].tenor);
    return c[n - 1].y;
}

static int read_curve(const char *path, curve_pt *c, int *n, rt_sc_err *e)
{
    rt_sc_origin o = {path, 0, 0};
    char *text = NULL;
    size_t len = 0;
    rt_err re;
    if (!rt_read_file(path, &text, &len, &re))
        return rt_sc_fail(e, &o, "%s", re.msg);
    int cnt = 0, line = 0, ok = 1;
    char *p = text;
    while (ok && *p) {
        line++;
        char *eol = strchr(p, '\n');
        char *next = eol ? eol + 1 : p + strlen(p);
        if (eol)
            *eol = '\0';
        char *h = strchr(p, '#');
        if (h)
            *h = '\0';
        char *q = p;
        while (*q == ' ' || *q == '\t' || *q == '\r')
            q++;
        if (*q) {
            o.line = line;
            o.col = (int)(q - p) + 1;
            char *sp = q + strcspn(q, " \t,");
            rt_dec tv, yv;
            rt_numtext ti, yi;
            char *y = sp + strspn(sp, " \t,");
            size_t yl = strcspn(y, " \t\r");
            if (rt_dec_parse(q, (size_t)(sp - q), &tv, &ti) != RT_PARSE_OK || ti.percent || tv <= 0) {
                ok = rt_sc_fail(e, &o, "expected TENOR (years, above 0) then YIELD (percent)");
                break;
            }
            o.col = (int)(y - p) + 1;
            if (!yl || rt_dec_parse(y, yl, &yv, &yi) != RT_PARSE_OK || y[yl + strspn(y + yl, " \t\r")]) {
                ok = rt_sc_fail(e, &o, "expected a yield in percent after the tenor");
                break;
            }
            double tenor = (double)tv / (double)RT_SCALE;
            if (cnt > 0 && tenor <= c[cnt - 1].tenor) {
                o.col = (int)(q - p) + 1;
                ok = rt_sc_fail(e, &o, "tenors must increase");
                break;
            }
            if (cnt >= 64) {
                ok = rt_sc_fail(e, &o, "at most 64 points on a curve");
                break;
            }
            c[cnt].tenor = tenor;
            c[cnt].y = (double)(yi.percent ? yv : yv / 100) / (double)RT_SCALE;
            cnt++;
        }
        p = next;
    }
    if (ok && cnt == 0) {
        o.line = 0;
        ok = rt_sc_fail(e, &o, "the curve has no points");
    }
    free(text);
    *n = cnt;
    return ok;
}

typedef struct pricing {
    int32_t settle;
    int by_price;
    double px, yld;
    curve_pt curve[64];
    int ncurve;
} pricing;

/* WAL from `from`, actual/365.25; price, yield, duration when asked */
static void class_stats(const rt_deal *d, const rt_proj_result *r, const rt_state *open, int32_t c, int32_t from,
                        const pricing *pr, stats *st, double *cf, double *t, double *pp)
{
    int32_t nc = d->classes.n;
    memset(st, 0, sizeof *st);
    int n = 0;
    for (int32_t k = 0; k < r->nperiods; k++) {
        int64_t p = r->class_prin[(size_t)k * nc + c], in = r->class_int[(size_t)k * nc + c];
        if (p > 0) {
            if (!st->first)
                st->first = r->date[k];
            st->last = r->date[k];
        }
        if (p > 0 || in > 0)
            st->final = r->date[k];
        st->prin += p;
        st->intr += in;
        if (r->date[k] > from) {
            pp[n] = (double)p / 100;
            t[n] = (r->date[k] - from) / 365.25;
            n++;
        }
    }
    st->wal = rt_wal(pp, t, n);
    if (!pr)
        return;
    /* balance and accrual at settlement */
    int64_t bal = (int64_t)(open->class_balance[c] / RT_CENT);
    int32_t last = open->payment_date;
    rt_dec coupon = 0;
    int m = 0, got_coupon = 0;
    for (int32_t k = 0; k < r->nperiods; k++) {
        if (r->date[k] <= pr->settle) {
            bal = r->class_end[(size_t)k * nc + c];
            last = r->date[k];
            continue;
        }
        if (!got_coupon) {
            coupon = r->class_coupon[(size_t)k * nc + c];
            got_coupon = 1;
        }
        cf[m] = (double)(r->class_prin[(size_t)k * nc + c] + r->class_int[(size_t)k * nc + c]) / 100;
        t[m] = rt_days_30_360(pr->settle, r->date[k]) / 360.0;
        m++;
    }
    if (bal <= 0 || m == 0)
        return;
    double b = (double)bal / 100;
    double accrued = b * ((double)coupon / (double)RT_SCALE) * rt_days_30_360(last, pr->settle) / 360.0;
    if (accrued < 0)
        accrued = 0;
    if (pr->by_price) {
        st->price = pr->px;
        if (!rt_yield(cf, t, m, b * pr->px / 100 + accrued, 2, &st->yield))
            return;
    } else {
        st->yield = pr->yld;
        st->price = (rt_pv(cf, t, m, pr->yld, 2) - accrued) / b * 100;
    }
    st->dur = rt_mod_duration(cf, t, m, st->yield, 2);
    st->priced = 1;
    if (pr->ncurve > 0) {
        st->spread = (st->yield - bench_at(pr->curve, pr->ncurve, st->wal)) * 10000;
        st->has_spread = 1;
    }
}

static int parse_pricing(const char *prog, const cmd_opts *o, pricing *pr, int *rc)
{
    memset(pr, 0, sizeof *pr);
    if (!o->settle)
        return 0;
    if (!rt_date_parse(o->settle, strlen(o->settle), &pr->settle)) {
        *rc = rt_usage_error(prog, "--settle needs a date YYYY-MM-DD, found \"%s\"", o->settle);
        return -1;
    }
    rt_dec v;
    rt_numtext info;
    const char *s = o->price ? o->price : o->yield;
    if (rt_dec_parse(s, strlen(s), &v, &info) != RT_PARSE_OK || v <= 0 || (o->price && info.percent)) {
        *rc = rt_usage_error(prog, o->price ? "--price needs a price per 100 (such as 99.5), found \"%s\""
                                            : "--yield needs a yield in percent (such as 5.25), found \"%s\"",
                             s);
        return -1;
    }
    pr->by_price = o->price != NULL;
    if (o->price)
        pr->px = (double)v / (double)RT_SCALE;
    else
        pr->yld = (double)(info.percent ? v : v / 100) / (double)RT_SCALE;
    if (o->benchmark) {
        if (rt_dec_parse(o->benchmark, strlen(o->benchmark), &v, &info) != RT_PARSE_OK) {
            *rc = rt_usage_error(prog, "--benchmark needs a yield in percent, found \"%s\"", o->benchmark);
            return -1;
        }
        pr->curve[0].tenor = 1;
        pr->curve[0].y = (double)(info.percent ? v : v / 100) / (double)RT_SCALE;
        pr->ncurve = 1;
    }
    if (o->curve) {
        rt_sc_err e;
        if (!read_curve(o->curve, pr->curve, &pr->ncurve, &e)) {
            *rc = report_sc_err(prog, &e);
            return -1;
        }
    }
    return 1;
}

static void fmt_date(char *b, int32_t z)
{
    if (z)
        rt_date_format(b, z);
    else
        strcpy(b, "-");
}

/* ---- project -------------------------------------------------------------------------------------- */

static void project_doc(rt_doc *doc, const setup *s, const rt_proj_result *r, const rt_state *open,
                        const pricing *pr, double *w1, double *w2, double *w3)
{
    const rt_deal *d = s->d;
    int32_t nc = d->classes.n, ng = d->groups.n;
    char a[RT_NUMBUF], b[RT_NUMBUF], ds[11];
    assumption_notes(doc, s, s->res.pp_label[0], s->res.df_label[0]);
    rt_doc_note(doc, "Start: %s, distribution %d; %d periods%s", rt_date_format(ds, open->payment_date),
                (int)open->distribution_number, (int)r->nperiods, r->called ? ", ended by the clean-up call" : "");
    int32_t from = pr ? pr->settle : open->payment_date;
    rt_doc_note(doc, "Weighted average life in years (actual/365.25) from %s", rt_date_format(ds, from));

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
        if (pr->ncurve)
            rt_tbl_col(doc, t, "Spread bp", RT_COL_NUMBER);
    }
    for (int32_t c = 0; c < nc; c++) {
        if (s->klass >= 0 && c != s->klass)
            continue;
        stats st;
        class_stats(d, r, open, c, from, pr, &st, w1, w2, w3);
        int row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "%s", d->classes.v[c].name);
        rt_tbl_set(doc, t, row, 1, st.prin > 0 ? "%.2f" : "-", st.wal);
        fmt_date(ds, st.first);
        rt_tbl_set(doc, t, row, 2, "%s", ds);
        fmt_date(ds, st.last);
        rt_tbl_set(doc, t, row, 3, "%s", ds);
        rt_tbl_set(doc, t, row, 4, "%s", money(a, st.prin));
        rt_tbl_set(doc, t, row, 5, "%s", money(a, st.intr));
        fmt_date(ds, st.final);
        rt_tbl_set(doc, t, row, 6, "%s", ds);
        if (pr && st.priced) {
            rt_tbl_set(doc, t, row, 7, "%.6f", st.price);
            rt_tbl_set(doc, t, row, 8, "%.8f", st.yield * 100);
            rt_tbl_set(doc, t, row, 9, "%.4f", st.dur);
            if (st.has_spread)
                rt_tbl_set(doc, t, row, 10, "%.1f", st.spread);
        } else if (pr) {
            for (int k = 7; k < t->ncols; k++)
                rt_tbl_set(doc, t, row, k, "-");
        }
    }

    /* a chart of the class balances */
    rt_chart *ch = rt_doc_chart(doc, "Class balances", "period", "balance");
    for (int32_t c = 0; c < nc; c++) {
        if ((s->klass >= 0 && c != s->klass) || d->classes.v[c].kind != RT_CLASS_PRINCIPAL)
            continue;
        w1[0] = 0;
        w2[0] = (double)(open->class_balance[c] / RT_CENT) / 100;
        for (int32_t k = 0; k < r->nperiods; k++) {
            w1[k + 1] = k + 1;
            w2[k + 1] = (double)r->class_end[(size_t)k * nc + c] / 100;
        }
        rt_chart_series(doc, ch, d->classes.v[c].name, r->nperiods + 1, w1, w2);
    }

    /* per class cash flows */
    for (int32_t c = 0; c < nc; c++) {
        if (s->klass >= 0 && c != s->klass)
            continue;
        t = rt_doc_table(doc, "Class %s", d->classes.v[c].name);
        rt_tbl_col(doc, t, "Period", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Date", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Balance", RT_COL_MONEY);
        rt_tbl_col(doc, t, "Interest", RT_COL_MONEY);
        rt_tbl_col(doc, t, "Principal", RT_COL_MONEY);
        rt_tbl_col(doc, t, "Coupon %", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Total cash", RT_COL_MONEY);
        int row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "%d", (int)open->distribution_number);
        rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, open->payment_date));
        rt_tbl_set(doc, t, row, 2, "%s", rt_fmt_money(a, open->class_balance[c], 0, 0));
        int64_t ti = 0, tp = 0;
        for (int32_t k = 0; k < r->nperiods; k++) {
            size_t x = (size_t)k * nc + c;
            row = rt_tbl_row(doc, t);
            rt_tbl_set(doc, t, row, 0, "%d", (int)(r->first_dist + k));
            rt_tbl_set(doc, t, row, 1, "%s", rt_date_format(ds, r->date[k]));
            rt_tbl_set(doc, t, row, 2, "%s", money(a, r->class_end[x]));
            rt_tbl_set(doc, t, row, 3, "%s", money(a, r->class_int[x]));
            rt_tbl_set(doc, t, row, 4, "%s", money(a, r->class_prin[x]));
            rt_tbl_set(doc, t, row, 5, "%s", rt_fmt_percent(b, r->class_coupon[x], 5));
            rt_tbl_set(doc, t, row, 6, "%s", money(a, r->class_int[x] + r->class_prin[x]));
            ti += r->class_int[x];
            tp += r->class_prin[x];
        }
        row = rt_tbl_row(doc, t);
        rt_tbl_set(doc, t, row, 0, "Total");
        rt_tbl_set(doc, t, row, 3, "%s", money(a, ti));
        rt_tbl_set(doc, t, row, 4, "%s", money(a, tp));
        rt_tbl_set(doc, t, row, 6, "%s", money(a, ti + tp));
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
                rt_tbl_set(doc, t, row, 2 + (int)j, "%s", money(a, v[j]));
            if (d->collateral_is_tape)
                rt_tbl_set(doc, t, row, 13, "%lld", (long long)f->loans);
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
            rt_tbl_set(doc, t, row, 3 + (int)j, "%s", money(a, v[j]));
    }
}

int rt_project_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    setup s;
    int rc = setup_load(&s, prog, argc, argv, 0, describe);
    if (rc >= 0) {
        setup_free(&s);
        return rc;
    }
    pricing pr;
    int has_pr = parse_pricing(prog, &s.o, &pr, &rc);
    if (has_pr < 0) {
        setup_free(&s);
        return rc;
    }
    int32_t maxp = longest(s.d, &s.res.a);
    rt_proj *w = rt_proj_new(s.d, period, s.has_state ? &s.st : NULL, s.res.a.lag, maxp);
    size_t nw = (size_t)maxp + 2;
    double *w1 = malloc(nw * sizeof *w1), *w2 = malloc(nw * sizeof *w2), *w3 = malloc(nw * sizeof *w3);
    rt_doc doc;
    char title[512];
    snprintf(title, sizeof title, "Projection: %s", s.d->name);
    rt_doc_init(&doc, title);
    char msg[RT_ERRMAX];
    rc = 1;
    if (!w || !w1 || !w2 || !w3) {
        fprintf(stderr, "error: out of memory\n");
    } else if (!rt_proj_run(w, &s.res.a, msg, sizeof msg)) {
        fprintf(stderr, "error: %s\n", msg);
    } else {
        project_doc(&doc, &s, rt_proj_result_get(w), rt_proj_opening(w), has_pr ? &pr : NULL, w1, w2, w3);
        rc = emit(&s, &doc);
    }
    rt_doc_free(&doc);
    free(w1);
    free(w2);
    free(w3);
    rt_proj_free(w);
    setup_free(&s);
    return rc;
}

/* ---- grid ------------------------------------------------------------------------------------------ */

typedef struct grid_job {
    const setup *s;
    rt_period_fn period;
    int32_t maxp, nyears;
    const int32_t *anniv; /* nyears dates */
    int nscen, nthreads, tid;
    /* per scenario: wal[nclasses], bal[nyears * nclasses], last date, error */
    double *wal;
    int64_t *bal;
    int32_t *years_used;
    char (*err)[RT_ERRMAX];
    int *failed;
} grid_job;

static void grid_one(grid_job *j, rt_proj *w, double *t, double *p, int sc)
{
    const setup *s = j->s;
    const rt_deal *d = s->d;
    int32_t nc = d->classes.n;
    rt_assump a = s->res.a;
    a.prepay = s->res.pp[sc / s->res.ndf];
    a.dflt = s->res.df[sc % s->res.ndf];
    if (!rt_proj_run(w, &a, j->err[sc], RT_ERRMAX)) {
        j->failed[sc] = 1;
        return;
    }
    const rt_proj_result *r = rt_proj_result_get(w);
    const rt_state *open = rt_proj_opening(w);
    for (int32_t c = 0; c < nc; c++) {
        int n = 0;
        int64_t paid = 0;
        for (int32_t k = 0; k < r->nperiods; k++) {
            p[n] = (double)r->class_prin[(size_t)k * nc + c] / 100;
            t[n] = (r->date[k] - open->payment_date) / 365.25;
            paid += r->class_prin[(size_t)k * nc + c];
            n++;
        }
        /* -1: no principal at all, printed "-" rather than a WAL of 0 */
        j->wal[(size_t)sc * nc + c] = paid > 0 ? rt_wal(p, t, n) : -1;
        int32_t k = 0;
        int64_t bal = (int64_t)(open->class_balance[c] / RT_CENT);
        for (int32_t y = 0; y < j->nyears; y++) {
            while (k < r->nperiods && r->date[k] <= j->anniv[y])
                bal = r->class_end[(size_t)k++ * nc + c];
            j->bal[((size_t)sc * j->nyears + y) * nc + c] = bal;
        }
    }
    int32_t used = 0;
    for (int32_t y = 0; y < j->nyears; y++)
        if (r->nperiods > 0 && j->anniv[y] <= r->date[r->nperiods - 1])
            used = y + 1;
    j->years_used[sc] = used + 1;
}

static void *grid_worker(void *arg)
{
    grid_job *j = arg;
    const setup *s = j->s;
    /* everything this thread needs, allocated before its loop */
    rt_proj *w = rt_proj_new(s->d, j->period, s->has_state ? &s->st : NULL, s->res.a.lag, j->maxp);
    double *t = malloc(((size_t)j->maxp + 1) * sizeof *t), *p = malloc(((size_t)j->maxp + 1) * sizeof *p);
    for (int sc = j->tid; sc < j->nscen; sc += j->nthreads) {
        if (!w || !t || !p) {
            snprintf(j->err[sc], RT_ERRMAX, "out of memory");
            j->failed[sc] = 1;
            continue;
        }
        grid_one(j, w, t, p, sc);
    }
    free(t);
    free(p);
    rt_proj_free(w);
    return NULL;
}

/* percent of the original outstanding, half-up to a whole percent; "*"
 * for a balance that rounds to 0 but is not paid off (prospectus style) */
static void decrement_cell(char *buf, size_t n, int64_t bal, int64_t orig)
{
    if (orig <= 0) {
        snprintf(buf, n, "-");
        return;
    }
    int64_t pct = (int64_t)(((rt_dec)bal * 200 + orig) / ((rt_dec)orig * 2));
    if (pct == 0 && bal > 0)
        snprintf(buf, n, "*");
    else
        snprintf(buf, n, "%lld", (long long)pct);
}

static void wal_cell(rt_doc *doc, rt_tbl *t, int row, int col, double wal)
{
    if (wal < 0)
        rt_tbl_set(doc, t, row, col, "-");
    else
        rt_tbl_set(doc, t, row, col, "%.2f", wal);
}

static int32_t anniversary(int32_t closing, int y)
{
    int yy, m, dd;
    rt_civil_from_days(closing, &yy, &m, &dd);
    int dim = rt_days_in_month(yy + y, m);
    return rt_days_from_civil(yy + y, m, dd > dim ? dim : dd);
}

int rt_grid_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    setup s;
    int rc = setup_load(&s, prog, argc, argv, 1, describe);
    if (rc >= 0) {
        setup_free(&s);
        return rc;
    }
    long nthreads = sysconf(_SC_NPROCESSORS_ONLN);
    if (s.o.threads) {
        char *end;
        nthreads = strtol(s.o.threads, &end, 10);
        if (*end || nthreads < 1 || nthreads > 256) {
            rc = rt_usage_error(prog, "--threads needs a whole number from 1 to 256, found \"%s\"", s.o.threads);
            setup_free(&s);
            return rc;
        }
    }
    if (nthreads < 1)
        nthreads = 1;
    const rt_deal *d = s.d;
    int32_t nc = d->classes.n;
    int nscen = s.res.npp * s.res.ndf;
    if (nscen + 1 > RT_TBL_MAXCOLS) {
        char m[16];
        snprintf(m, sizeof m, "%d", RT_TBL_MAXCOLS - 1);
        rc = rt_usage_error(prog, "a grid holds at most %s scenarios (speeds times default rates)", m);
        setup_free(&s);
        return rc;
    }
    if (nthreads > nscen)
        nthreads = nscen;
    int32_t maxp = longest(d, &s.res.a);
    int32_t start = s.has_state ? s.st.payment_date : d->closing;
    int32_t nyears = maxp / 12 + 2;
    int32_t *anniv = calloc((size_t)nyears, sizeof *anniv);
    /* anniversaries of the closing date after the start */
    int32_t y0 = 1;
    while (anniversary(d->closing, y0) <= start)
        y0++;
    for (int32_t y = 0; anniv && y < nyears; y++)
        anniv[y] = anniversary(d->closing, y0 + y);

    grid_job base;
    memset(&base, 0, sizeof base);
    base.s = &s;
    base.period = period;
    base.maxp = maxp;
    base.nyears = nyears;
    base.anniv = anniv;
    base.nscen = nscen;
    base.nthreads = (int)nthreads;
    base.wal = calloc((size_t)nscen * nc + 1, sizeof *base.wal);
    base.bal = calloc((size_t)nscen * nyears * nc + 1, sizeof *base.bal);
    base.years_used = calloc((size_t)nscen, sizeof *base.years_used);
    base.err = calloc((size_t)nscen, sizeof *base.err);
    base.failed = calloc((size_t)nscen, sizeof *base.failed);
    grid_job *jobs = calloc((size_t)nthreads, sizeof *jobs);
    pthread_t *th = calloc((size_t)nthreads, sizeof *th);
    int *joinable = calloc((size_t)nthreads, sizeof *joinable);
    rc = 1;
    if (!anniv || !base.wal || !base.bal || !base.years_used || !base.err || !base.failed || !jobs || !th ||
        !joinable) {
        fprintf(stderr, "error: out of memory\n");
        goto done;
    }
    for (long i = 0; i < nthreads; i++) {
        jobs[i] = base;
        jobs[i].tid = (int)i;
        if (nthreads > 1 && pthread_create(&th[i], NULL, grid_worker, &jobs[i]) == 0)
            joinable[i] = 1;
        else
            grid_worker(&jobs[i]); /* one thread wanted, or none to be had: this share runs here */
    }
    for (long i = 0; i < nthreads; i++)
        if (joinable[i])
            pthread_join(th[i], NULL);
    for (int sc = 0; sc < nscen; sc++)
        if (base.failed[sc]) {
            fprintf(stderr, "error: scenario %d (%s, %s): %s\n", sc + 1, s.res.pp_label[sc / s.res.ndf],
                    s.res.df_label[sc % s.res.ndf], base.err[sc]);
            goto done;
        }

    {
        rt_doc doc;
        char title[512], ds[11], cell[64];
        snprintf(title, sizeof title, "Scenario grid: %s", d->name);
        rt_doc_init(&doc, title);
        assumption_notes(&doc, &s, NULL, NULL);
        rt_doc_note(&doc, "Start: %s; weighted average life in years (actual/365.25) from the start",
                    rt_date_format(ds, start));
        char (*lab)[2 * RT_SC_LABEL + 4] = calloc((size_t)nscen, sizeof *lab);
        if (!lab) {
            doc.oom = 1;
        } else {
            for (int sc = 0; sc < nscen; sc++)
                snprintf(lab[sc], sizeof lab[sc], "%s / %s", s.res.pp_label[sc / s.res.ndf],
                         s.res.df_label[sc % s.res.ndf]);
            rt_tbl *t = rt_doc_table(&doc, "Weighted average life (years)");
            rt_tbl_col(&doc, t, "Class", RT_COL_TEXT);
            for (int sc = 0; sc < nscen && sc + 1 < RT_TBL_MAXCOLS; sc++)
                rt_tbl_col(&doc, t, lab[sc], RT_COL_NUMBER);
            for (int32_t c = 0; c < nc; c++) {
                if ((s.klass >= 0 && c != s.klass) || d->classes.v[c].kind != RT_CLASS_PRINCIPAL)
                    continue;
                int row = rt_tbl_row(&doc, t);
                rt_tbl_set(&doc, t, row, 0, "%s", d->classes.v[c].name);
                for (int sc = 0; sc < nscen && sc + 1 < RT_TBL_MAXCOLS; sc++)
                    wal_cell(&doc, t, row, sc + 1, base.wal[(size_t)sc * nc + c]);
            }
            int32_t rows = 0;
            for (int sc = 0; sc < nscen; sc++)
                if (base.years_used[sc] > rows)
                    rows = base.years_used[sc];
            if (rows > nyears)
                rows = nyears;
            double *xs = malloc(((size_t)rows + 1) * sizeof *xs), *ys = malloc(((size_t)rows + 1) * sizeof *ys);
            for (int32_t c = 0; c < nc; c++) {
                if ((s.klass >= 0 && c != s.klass) || d->classes.v[c].kind != RT_CLASS_PRINCIPAL)
                    continue;
                int64_t orig = d->classes.v[c].original_cents;
                t = rt_doc_table(&doc, "Percent of original balance outstanding: Class %s", d->classes.v[c].name);
                rt_tbl_col(&doc, t, "Date", RT_COL_TEXT);
                for (int sc = 0; sc < nscen && sc + 1 < RT_TBL_MAXCOLS; sc++)
                    rt_tbl_col(&doc, t, lab[sc], RT_COL_NUMBER);
                int row = rt_tbl_row(&doc, t);
                rt_tbl_set(&doc, t, row, 0, "Start");
                int64_t open_bal = (int64_t)((s.has_state ? s.st.class_balance[c] : (rt_dec)orig * RT_CENT) / RT_CENT);
                for (int sc = 0; sc < nscen && sc + 1 < RT_TBL_MAXCOLS; sc++) {
                    decrement_cell(cell, sizeof cell, open_bal, orig);
                    rt_tbl_set(&doc, t, row, sc + 1, "%s", cell);
                }
                int32_t last_row = 0;
                for (int32_t y = 0; y < rows; y++) {
                    row = rt_tbl_row(&doc, t);
                    rt_tbl_set(&doc, t, row, 0, "%s", rt_date_format(ds, anniv[y]));
                    int any = 0;
                    for (int sc = 0; sc < nscen && sc + 1 < RT_TBL_MAXCOLS; sc++) {
                        int64_t b = base.bal[((size_t)sc * nyears + y) * nc + c];
                        decrement_cell(cell, sizeof cell, b, orig);
                        rt_tbl_set(&doc, t, row, sc + 1, "%s", cell);
                        any |= b > 0;
                    }
                    last_row = y;
                    if (!any)
                        break; /* the first row where every scenario is paid off ends the table */
                }
                row = rt_tbl_row(&doc, t);
                rt_tbl_set(&doc, t, row, 0, "WAL (years)");
                for (int sc = 0; sc < nscen && sc + 1 < RT_TBL_MAXCOLS; sc++)
                    wal_cell(&doc, t, row, sc + 1, base.wal[(size_t)sc * nc + c]);
                if (xs && ys && s.o.report) {
                    char ct[200];
                    snprintf(ct, sizeof ct, "Class %s: percent of original balance outstanding", d->classes.v[c].name);
                    rt_chart *ch = rt_doc_chart(&doc, ct, "years from the start", "percent");
                    for (int sc = 0; sc < nscen; sc++) {
                        xs[0] = 0;
                        ys[0] = orig > 0 ? 100.0 * (double)open_bal / (double)orig : 0;
                        for (int32_t y = 0; y <= last_row; y++) {
                            xs[y + 1] = (anniv[y] - start) / 365.25;
                            ys[y + 1] = orig > 0 ? 100.0 * (double)base.bal[((size_t)sc * nyears + y) * nc + c] /
                                                       (double)orig
                                                 : 0;
                        }
                        rt_chart_series(&doc, ch, lab[sc], last_row + 2, xs, ys);
                    }
                }
            }
            free(xs);
            free(ys);
            free(lab);
        }
        rc = emit(&s, &doc);
        rt_doc_free(&doc);
    }
done:
    free(anniv);
    free(base.wal);
    free(base.bal);
    free(base.years_used);
    free(base.err);
    free(base.failed);
    free(jobs);
    free(th);
    free(joinable);
    setup_free(&s);
    return rc;
}
