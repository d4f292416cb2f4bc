/*
 * grid.c — `BIN grid` and `BIN merge`.
 *
 * A grid is a client of the public API: the options become a
 * dealc_scenario (the base and its lists), a dealc_pricing and a scenario
 * set (dealc_scenarios: lists, a scenarios file, Monte Carlo paths), which
 * dealc_scenarios_run runs on --threads threads, handing each scenario's
 * record to this file's callback in scenario order. Two ways out:
 *
 *   the prospectus tables (up to 63 scenarios: a column each) — weighted
 *   average lives and decrement tables, built once every scenario is done;
 *
 *   a stream (--stream csv|jsonl) — one record per scenario and class,
 *   written as the records come: memory does not grow with the number of
 *   scenarios, and the bytes do not depend on the number of threads. A
 *   summary (--summary, --report) of each figure's distribution by class
 *   is accumulated from the records as printed, in bounded memory.
 *
 * --shard K/N runs the K-th of N slices of the set and writes a shard
 * file: the stream's records between a header line (the run's identity)
 * and a trailer line (the count, and the sums a Monte Carlo OAS is solved
 * from); `merge` checks a complete set of shards of one run and writes
 * exactly what the whole run on one machine writes, summary included.
 * Ctrl-C (and SIGTERM) asks the run to stop through the callback.
 *
 * Nothing here formats a double with printf: numbers are scaled integers
 * printed digit by digit, or rt_fmt_real.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "rt_cmd.h"
#include "rt_hash.h"
#include "rt_scenset.h" /* rt_csv_split_line, for merge */

#define NONE INT64_MIN
#define TABLE_MAX (RT_TBL_MAXCOLS - 1) /* scenarios the prospectus tables hold */

/* ---- figures as printed ---------------------------------------------------------------- */

/* the figures of one class in one scenario, as scaled integers (NONE: not
 * there); the stream prints exactly these, and the summary counts them */
enum { M_WAL, M_LOSS_PCT, M_YIELD, M_PRICE, M_DUR, M_VALUE, M_COUNT };
static const struct {
    const char *col, *title;
    int dec;
} metric[M_COUNT] = {
    {"wal", "Weighted average life (years)", 2},
    {"loss_pct", "Principal loss (percent of the opening balance)", 2},
    {"yield", "Yield (percent, bond-equivalent)", 4},
    {"price", "Price (per 100)", 4},
    {"duration", "Modified duration (years)", 4},
    {"value", "Value at the paths' rates (per 100)", 4},
};

typedef struct crec {
    int64_t m[M_COUNT];
    int64_t prin, intr, loss; /* cents; loss NONE for a notional class or a run cut short */
    int32_t final;            /* day number, 0: none */
} crec;

static int64_t scaled(double v, int dec)
{
    static const double p10[] = {1, 10, 100, 1000, 10000};
    double x = v * p10[dec];
    if (!(fabs(x) < 9e18))
        return NONE;
    return (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
}

/* a scaled integer as text: 12345 with 2 decimals is 123.45 */
static char *fmt_scaled(char *buf, int64_t v, int dec)
{
    char digits[32];
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    int n = 0;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0 || n <= dec);
    int o = 0;
    if (v < 0)
        buf[o++] = '-';
    for (int i = n - 1; i >= 0; i--) {
        buf[o++] = digits[i];
        if (i == dec && dec > 0)
            buf[o++] = '.';
    }
    buf[o] = '\0';
    return buf;
}

/* parses what fmt_scaled printed (exactly dec decimals); 0 if it is not that */
static int parse_scaled(const char *s, size_t len, int dec, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && s[i] == '-')
        neg = 1, i++;
    int64_t v = 0;
    int digits = 0, frac = -1;
    for (; i < len; i++) {
        if (s[i] == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || digits > 17)
            return 0;
        v = v * 10 + (s[i] - '0');
        digits++;
        if (frac >= 0)
            frac++;
    }
    if (digits == 0 || (dec > 0 ? frac != dec : frac >= 0))
        return 0;
    *out = neg ? -v : v;
    return 1;
}

static char *fmt_i128(char *buf, __int128 v)
{
    char digits[48];
    unsigned __int128 u = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u > 0);
    int o = 0;
    if (v < 0)
        buf[o++] = '-';
    while (n > 0)
        buf[o++] = digits[--n];
    buf[o] = '\0';
    return buf;
}

static int parse_i128(const char *s, size_t len, __int128 *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && s[i] == '-')
        neg = 1, i++;
    if (i == len || len - i > 38)
        return 0;
    __int128 v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

/* the price the OAS is solved for, as the shard header prints it and read
 * back the same way by the run and by merge (so both solve the same) */
static double price_text(char *buf, double px)
{
    rt_fmt_real_trim(buf, px, 8);
    rt_dec v;
    if (rt_dec_parse(buf, strlen(buf), &v, NULL) != RT_PARSE_OK)
        return px;
    return (double)v / (double)RT_SCALE;
}

/* ---- distributions in bounded memory ---------------------------------------------------- */

/* A count of each value seen: open addressing on the scaled integers. Its
 * size is the number of distinct values, which the figures' precision and
 * range bound (a WAL to the hundredth of a year, a yield to 0.0001%), not
 * the number of scenarios. */
typedef struct hist {
    int64_t *key;
    uint64_t *cnt;
    size_t cap, used;
    int64_t n;
    __int128 sum;
    int oom;
} hist;

static void hist_free(hist *h)
{
    free(h->key);
    free(h->cnt);
    memset(h, 0, sizeof *h);
}

static size_t hslot(int64_t k, size_t cap)
{
    uint64_t x = (uint64_t)k * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 17) & (cap - 1);
}

static void hist_add(hist *h, int64_t v)
{
    if (v == NONE)
        return;
    if (h->used * 2 >= h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 64;
        int64_t *nk = malloc(nc * sizeof *nk);
        uint64_t *nn = calloc(nc, sizeof *nn);
        if (!nk || !nn) {
            free(nk);
            free(nn);
            h->oom = 1;
            return;
        }
        for (size_t i = 0; i < h->cap; i++)
            if (h->cnt[i]) {
                size_t j = hslot(h->key[i], nc);
                while (nn[j])
                    j = (j + 1) & (nc - 1);
                nk[j] = h->key[i];
                nn[j] = h->cnt[i];
            }
        free(h->key);
        free(h->cnt);
        h->key = nk;
        h->cnt = nn;
        h->cap = nc;
    }
    size_t j = hslot(v, h->cap);
    while (h->cnt[j] && h->key[j] != v)
        j = (j + 1) & (h->cap - 1);
    if (!h->cnt[j]) {
        h->key[j] = v;
        h->used++;
    }
    h->cnt[j]++;
    h->n++;
    h->sum += v;
}

static int cmp_pair(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* the values in order with their counts: pairs[2i], pairs[2i+1]; caller frees */
static int64_t *hist_sorted(const hist *h)
{
    int64_t *pairs = malloc((h->used + 1) * 2 * sizeof *pairs);
    if (!pairs)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < h->cap; i++)
        if (h->cnt[i]) {
            pairs[2 * n] = h->key[i];
            pairs[2 * n + 1] = (int64_t)h->cnt[i];
            n++;
        }
    qsort(pairs, n, 2 * sizeof *pairs, cmp_pair);
    return pairs;
}

/* the nearest-rank percentile: the smallest value with at least p% of
 * the values at or below it (p = 0: the smallest) */
static int64_t percentile(const int64_t *pairs, size_t used, int64_t n, int p)
{
    int64_t rank = ((int64_t)p * n + 99) / 100;
    if (rank < 1)
        rank = 1;
    int64_t seen = 0;
    for (size_t i = 0; i < used; i++) {
        seen += pairs[2 * i + 1];
        if (seen >= rank)
            return pairs[2 * i];
    }
    return used ? pairs[2 * (used - 1)] : 0;
}

/* ---- the run's summary -------------------------------------------------------------------- */

typedef struct summary {
    int nclasses;
    char **cname;
    hist (*h)[M_COUNT];
    int64_t scenarios;
    api_agg *ag;          /* nclasses, when the OAS is solved */
    int32_t maxp;
    int has_price;
    double price;     /* for the OAS: the clean price per 100 */
} summary;

static void summary_free(summary *s)
{
    for (int c = 0; c < s->nclasses; c++) {
        free(s->cname[c]);
        for (int m = 0; m < M_COUNT; m++)
            hist_free(&s->h[c][m]);
        if (s->ag)
            api_agg_free(&s->ag[c]);
    }
    free(s->cname);
    free(s->h);
    free(s->ag);
    memset(s, 0, sizeof *s);
}

static int summary_init(summary *s, int nclasses, int with_agg, int32_t maxp)
{
    memset(s, 0, sizeof *s);
    s->cname = calloc((size_t)nclasses + 1, sizeof *s->cname);
    s->h = calloc((size_t)nclasses + 1, sizeof *s->h);
    s->maxp = maxp;
    if (!s->cname || !s->h)
        return 0;
    s->nclasses = nclasses;
    if (with_agg) {
        s->ag = calloc((size_t)nclasses + 1, sizeof *s->ag);
        if (!s->ag)
            return 0;
        for (int c = 0; c < nclasses; c++)
            if (!api_agg_init(&s->ag[c], maxp))
                return 0;
    }
    return 1;
}

static void summary_add(summary *s, const crec *rec)
{
    for (int c = 0; c < s->nclasses; c++)
        for (int m = 0; m < M_COUNT; m++)
            hist_add(&s->h[c][m], rec[c].m[m]);
    s->scenarios++;
}

/* the spread over the paths' rates at which the paths' mean value is the
 * price (dealc_oas_solve, over the sums as the API hands them) */
static int solve_oas(const api_agg *a, double price, double *oas)
{
    dealc_int128 *f = malloc(((size_t)a->nflows + 1) * sizeof *f);
    if (!f)
        return 0;
    for (int32_t j = 0; j < a->nflows; j++)
        f[j] = (dealc_int128){(int64_t)(a->flow[j] >> 64), (uint64_t)a->flow[j]};
    dealc_oas_sums s = {a->nflows, a->conflict, a->days, f, {(int64_t)(a->balance >> 64), (uint64_t)a->balance},
                        {(int64_t)(a->accrued >> 64), (uint64_t)a->accrued}};
    int ok = dealc_oas_solve(&s, price, oas);
    free(f);
    return ok;
}

/* a run's sums (the API's) added in */
static void sums_add(summary *s, const dealc_grid_totals *t)
{
    for (int c = 0; t->oas && c < t->nclasses && c < s->nclasses; c++) {
        const dealc_oas_sums *o = &t->oas[c];
        api_agg *a = &s->ag[c];
        for (int32_t j = 0; j < o->nflows && j <= s->maxp; j++) {
            a->flow[j] += (__int128)(((unsigned __int128)(uint64_t)o->flows[j].hi << 64) | o->flows[j].lo);
            if (a->days[j] < 0)
                a->days[j] = o->days[j];
            else if (o->days[j] >= 0 && a->days[j] != o->days[j])
                a->conflict = 1;
        }
        if (o->nflows > a->nflows)
            a->nflows = o->nflows;
        a->balance += (__int128)(((unsigned __int128)(uint64_t)o->balance.hi << 64) | o->balance.lo);
        a->accrued += (__int128)(((unsigned __int128)(uint64_t)o->accrued.hi << 64) | o->accrued.lo);
        a->conflict |= o->conflict;
    }
}

static void summary_doc(rt_doc *doc, const summary *s, const char *deal_name, int charts)
{
    char title[600], a[RT_NUMBUF];
    snprintf(title, sizeof title, "Scenario summary: %s", deal_name);
    rt_doc_init(doc, title);
    rt_doc_note(doc, "%lld scenarios; percentiles are nearest-rank (the smallest figure with at least that share of "
                     "the scenarios at or below it), over the figures as the stream prints them",
                (long long)s->scenarios);
    static const int pct[] = {1, 5, 25, 50, 75, 95, 99};
    for (int m = 0; m < M_COUNT; m++) {
        int any = 0;
        for (int c = 0; c < s->nclasses; c++)
            any |= s->h[c][m].n > 0;
        if (!any)
            continue;
        rt_tbl *t = rt_doc_table(doc, "%s", metric[m].title);
        rt_tbl_col(doc, t, "Class", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Scenarios", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Mean", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "Min", RT_COL_NUMBER);
        for (size_t i = 0; i < sizeof pct / sizeof pct[0]; i++) {
            char h[16];
            snprintf(h, sizeof h, pct[i] == 50 ? "Median" : "%d%%", pct[i]);
            rt_tbl_col(doc, t, h, RT_COL_NUMBER);
        }
        rt_tbl_col(doc, t, "Max", RT_COL_NUMBER);
        rt_chart *ch = charts ? rt_doc_chart(doc, metric[m].title, "percentile of the scenarios", metric[m].col) : NULL;
        for (int c = 0; c < s->nclasses; c++) {
            const hist *h = &s->h[c][m];
            if (h->n == 0)
                continue;
            int64_t *pairs = hist_sorted(h);
            if (!pairs) {
                doc->oom = 1;
                return;
            }
            int row = rt_tbl_row(doc, t);
            rt_tbl_set(doc, t, row, 0, "%s", s->cname[c]);
            rt_tbl_set(doc, t, row, 1, "%lld", (long long)h->n);
            /* the mean to one more decimal, half away from zero, exactly */
            __int128 num = h->sum * 10, den = h->n;
            __int128 q = (num < 0 ? num - den / 2 : num + den / 2) / den;
            rt_tbl_set(doc, t, row, 2, "%s", fmt_scaled(a, (int64_t)q, metric[m].dec + 1));
            rt_tbl_set(doc, t, row, 3, "%s", fmt_scaled(a, pairs[0], metric[m].dec));
            for (size_t i = 0; i < sizeof pct / sizeof pct[0]; i++)
                rt_tbl_set(doc, t, row, 4 + (int)i, "%s",
                           fmt_scaled(a, percentile(pairs, h->used, h->n, pct[i]), metric[m].dec));
            rt_tbl_set(doc, t, row, 11, "%s", fmt_scaled(a, pairs[2 * (h->used - 1)], metric[m].dec));
            if (ch) {
                double x[101], y[101];
                static const double p10[] = {1, 10, 100, 1000, 10000};
                for (int p = 0; p <= 100; p++) {
                    x[p] = p;
                    y[p] = (double)percentile(pairs, h->used, h->n, p) / p10[metric[m].dec];
                }
                rt_chart_series(doc, ch, s->cname[c], 101, x, y);
            }
            free(pairs);
        }
    }
    if (s->ag && s->has_price) {
        rt_tbl *t = rt_doc_table(doc, "Option-adjusted spread");
        rt_tbl_col(doc, t, "Class", RT_COL_TEXT);
        rt_tbl_col(doc, t, "Price", RT_COL_NUMBER);
        rt_tbl_col(doc, t, "OAS bp", RT_COL_NUMBER);
        rt_doc_note(doc, "OAS: the spread (continuously compounded) over each path's rates at which the paths' mean "
                         "value is the price");
        for (int c = 0; c < s->nclasses; c++) {
            int row = rt_tbl_row(doc, t);
            double oas;
            rt_tbl_set(doc, t, row, 0, "%s", s->cname[c]);
            rt_tbl_set(doc, t, row, 1, "%s", rt_fmt_real_trim(a, s->price, 6));
            if (!s->ag[c].conflict && s->ag[c].balance > 0 && solve_oas(&s->ag[c], s->price, &oas))
                rt_tbl_set(doc, t, row, 2, "%s", rt_fmt_real(a, oas * 10000, 1));
            else
                rt_tbl_set(doc, t, row, 2, "-");
        }
    }
}

/* ---- records as text ---------------------------------------------------------------------- */

static const char *const csv_header =
    "scenario,name,class,wal,principal,interest,loss,loss_pct,final,yield,price,duration,value\n";

static void put_opt(rt_buf *b, int64_t v, int dec, const char *none)
{
    char t[48];
    rt_buf_puts(b, v == NONE ? none : fmt_scaled(t, v, dec));
}

static void record_text(rt_buf *b, int jsonl, int64_t k, const char *label, int nc, const char *const *cname,
                        const crec *rec)
{
    char t[48], ds[11];
    if (!jsonl) {
        for (int c = 0; c < nc; c++) {
            rt_buf_printf(b, "%lld,", (long long)k + 1);
            rt_buf_csv_field(b, label);
            rt_buf_putc(b, ',');
            rt_buf_csv_field(b, cname[c]);
            rt_buf_putc(b, ',');
            put_opt(b, rec[c].m[M_WAL], 2, "");
            rt_buf_printf(b, ",%s,", fmt_scaled(t, rec[c].prin, 2));
            rt_buf_printf(b, "%s,", fmt_scaled(t, rec[c].intr, 2));
            put_opt(b, rec[c].loss, 2, "");
            rt_buf_putc(b, ',');
            put_opt(b, rec[c].m[M_LOSS_PCT], 2, "");
            rt_buf_putc(b, ',');
            rt_buf_puts(b, rec[c].final ? rt_date_format(ds, rec[c].final) : "");
            for (int m = M_YIELD; m <= M_VALUE; m++) {
                rt_buf_putc(b, ',');
                put_opt(b, rec[c].m[m], metric[m].dec, "");
            }
            rt_buf_putc(b, '\n');
        }
        return;
    }
    rt_buf_printf(b, "{\"scenario\":%lld,\"name\":", (long long)k + 1);
    rt_buf_json_string(b, label);
    rt_buf_puts(b, ",\"classes\":[");
    for (int c = 0; c < nc; c++) {
        rt_buf_puts(b, c ? ",{\"class\":" : "{\"class\":");
        rt_buf_json_string(b, cname[c]);
        rt_buf_puts(b, ",\"wal\":");
        put_opt(b, rec[c].m[M_WAL], 2, "null");
        rt_buf_printf(b, ",\"principal\":%s", fmt_scaled(t, rec[c].prin, 2));
        rt_buf_printf(b, ",\"interest\":%s,\"loss\":", fmt_scaled(t, rec[c].intr, 2));
        put_opt(b, rec[c].loss, 2, "null");
        rt_buf_puts(b, ",\"loss_pct\":");
        put_opt(b, rec[c].m[M_LOSS_PCT], 2, "null");
        rt_buf_puts(b, ",\"final\":");
        if (rec[c].final)
            rt_buf_printf(b, "\"%s\"", rt_date_format(ds, rec[c].final));
        else
            rt_buf_puts(b, "null");
        for (int m = M_YIELD; m <= M_VALUE; m++) {
            rt_buf_printf(b, ",\"%s\":", metric[m].col);
            put_opt(b, rec[c].m[m], metric[m].dec, "null");
        }
        rt_buf_putc(b, '}');
    }
    rt_buf_puts(b, "]}\n");
}

/* ---- the run ------------------------------------------------------------------------------- */

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* what the records are written to and added into, on the run's callback */
typedef struct gcli {
    int mode;             /* 0 tables, 1 csv, 2 jsonl */
    int64_t lo, hi;       /* the scenarios of this run */
    int nc;               /* classes shown */
    const char **cname;
    crec *rec;            /* nc: the record as printed */
    rt_buf text;          /* its text, reused */
    FILE *out;
    int write_err, oom;
    summary sum;
    /* the tables (mode 0): per scenario */
    int32_t nclasses, nyears;
    double *wal;
    int64_t *bal;
    int32_t *years_used;
    int64_t *open_bal;    /* nclasses: each class's balance at the start */
    char (*label)[2 * RT_SC_LABEL + 32];
    /* progress */
    int progress;
    int64_t done;
    double t0, last_shown;
} gcli;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_progress(gcli *g, int final)
{
    double t = now_s();
    if (!final && t - g->last_shown < 0.25)
        return;
    g->last_shown = t;
    int64_t done = g->done, total = g->hi - g->lo;
    double el = t - g->t0, rate = el > 0 ? done / el : 0;
    char r[RT_NUMBUF];
    long left = rate > 0 ? (long)((total - done) / rate + 0.5) : 0;
    fprintf(stderr, "\r%lld/%lld scenarios, %s a second, %ld:%02ld left   ", (long long)done, (long long)total,
            rt_fmt_real(r, rate, 0), left / 60, left % 60);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

/* A record of the API as the figures the stream prints: WAL to the
 * hundredth, the loss in percent of the opening balance half-up to the
 * hundredth (exactly, from cents), yield, price, duration and value to
 * 0.0001. */
static void record_figures(const dealc_grid_record *r, crec *rec)
{
    for (int i = 0; i < r->nclasses; i++) {
        const dealc_grid_class *x = DEALC_GRID_CLASS(r, i);
        crec *y = &rec[i];
        for (int m = 0; m < M_COUNT; m++)
            y->m[m] = NONE;
        y->prin = x->principal;
        y->intr = x->interest;
        y->final = x->final_payment;
        y->loss = x->loss == DEALC_NONE ? NONE : x->loss;
        if (x->has_wal)
            y->m[M_WAL] = scaled(x->wal, 2);
        if (x->loss != DEALC_NONE && x->opening_balance > 0)
            y->m[M_LOSS_PCT] =
                (int64_t)(((__int128)x->loss * 20000 + x->opening_balance) / ((__int128)x->opening_balance * 2));
        if (x->priced) {
            y->m[M_YIELD] = scaled(x->yield * 100, 4);
            y->m[M_PRICE] = scaled(x->price, 4);
            y->m[M_DUR] = scaled(x->mod_duration, 4);
        }
        if (x->valued)
            y->m[M_VALUE] = scaled(x->value, 4);
    }
}

/* the run's callback: one scenario's record, in scenario order */
static int on_record(void *ctx, const dealc_grid_record *r)
{
    gcli *g = ctx;
    if (g->mode) {
        record_figures(r, g->rec);
        g->text.len = 0;
        record_text(&g->text, g->mode == 2, r->scenario, r->label, g->nc, g->cname, g->rec);
        if (g->text.oom) {
            g->oom = 1;
            return 1;
        }
        if (g->out && !g->write_err && g->text.len > 0 &&
            fwrite(g->text.data, 1, g->text.len, g->out) != g->text.len)
            g->write_err = errno ? errno : EIO;
        summary_add(&g->sum, g->rec);
    } else {
        /* the prospectus tables' figures: every class */
        int64_t k = r->scenario - g->lo;
        for (int i = 0; i < r->nclasses; i++) {
            const dealc_grid_class *x = DEALC_GRID_CLASS(r, i);
            /* -1: no principal at all, printed "-" rather than a WAL of 0 */
            g->wal[(size_t)k * g->nclasses + x->klass] = x->has_wal ? x->wal : -1;
            for (int32_t y = 0; y < g->nyears; y++)
                g->bal[((size_t)k * g->nyears + y) * g->nclasses + x->klass] = x->balances[y];
        }
        for (int i = 0; i < r->nclasses; i++)
            g->open_bal[DEALC_GRID_CLASS(r, i)->klass] = DEALC_GRID_CLASS(r, i)->opening_balance;
        g->years_used[k] = r->years_used;
        snprintf(g->label[k], sizeof g->label[k], "%s", r->label);
    }
    g->done++;
    if (g->progress)
        show_progress(g, 0);
    return g_stop != 0;
}

/* Runs the set's scenarios [g->lo, g->hi) with Ctrl-C (and SIGTERM) asking
 * the run to stop; the API's status, *tot on success. */
static dealc_status run_set(gcli *g, dealc_scenarios *ss, int nthreads, int32_t klass, dealc_grid_totals **tot,
                            dealc_error *e)
{
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    g->t0 = g->last_shown = now_s();
    dealc_status st = dealc_scenarios_run(ss, g->lo, g->hi, nthreads, klass, on_record, g, tot, e);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (g->progress && g->done > 0)
        show_progress(g, 1);
    return st;
}

/* ---- the prospectus tables (up to 63 scenarios) ----------------------------------------------- */

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
    char a[RT_NUMBUF];
    rt_tbl_set(doc, t, row, col, "%s", wal < 0 ? "-" : rt_fmt_real(a, wal, 2));
}

/* the WAL and decrement tables of every scenario, built once they are all
 * done */
static int tables(gcli *g, const setup *s, const dealc_description *desc, dealc_scenarios *ss, int nthreads)
{
    int32_t nc = desc->nclasses;
    int nscen = (int)(g->hi - g->lo);
    const dealc_scenarios_info *info = dealc_scenarios_describe(ss);
    int32_t start = info->start_date;
    const int32_t *anniv = info->anniversaries;
    g->nclasses = nc;
    g->nyears = info->nyears;
    g->wal = calloc((size_t)nscen * nc + 1, sizeof *g->wal);
    g->bal = calloc((size_t)nscen * g->nyears * nc + 1, sizeof *g->bal);
    g->years_used = calloc((size_t)nscen + 1, sizeof *g->years_used);
    g->label = calloc((size_t)nscen + 1, sizeof *g->label);
    g->open_bal = calloc((size_t)nc + 1, sizeof *g->open_bal);
    int rc = 1;
    dealc_error e;
    dealc_grid_totals *tot = NULL;
    if (!g->wal || !g->bal || !g->years_used || !g->label || !g->open_bal) {
        fprintf(stderr, "error: out of memory\n");
        goto done;
    }
    dealc_status st = run_set(g, ss, nthreads, -1, &tot, &e);
    if (st != DEALC_OK || tot->stopped) {
        if (g_stop)
            fprintf(stderr, "error: interrupted; nothing written\n");
        else
            rt_api_error(&e);
        rc = g_stop ? 130 : 1;
        goto done;
    }
    {
        rt_doc doc;
        char title[512], ds[11], cell[64];
        snprintf(title, sizeof title, "Scenario grid: %s", desc->name);
        rt_doc_init(&doc, title);
        api_scenarios_notes(&doc, ss);
        rt_doc_note(&doc, "Start: %s; weighted average life in years (actual/365.25) from the start",
                    rt_date_format(ds, start));
        rt_tbl *t = rt_doc_table(&doc, "Weighted average life (years)");
        rt_tbl_col(&doc, t, "Class", RT_COL_TEXT);
        for (int sc = 0; sc < nscen; sc++)
            rt_tbl_col(&doc, t, g->label[sc], RT_COL_NUMBER);
        for (int32_t c = 0; c < nc; c++) {
            if ((s->klass >= 0 && c != s->klass) || desc->classes[c].notional)
                continue;
            int row = rt_tbl_row(&doc, t);
            rt_tbl_set(&doc, t, row, 0, "%s", desc->classes[c].name);
            for (int sc = 0; sc < nscen; sc++)
                wal_cell(&doc, t, row, sc + 1, g->wal[(size_t)sc * nc + c]);
        }
        int32_t rows = 0;
        for (int sc = 0; sc < nscen; sc++)
            if (g->years_used[sc] > rows)
                rows = g->years_used[sc];
        if (rows > g->nyears)
            rows = g->nyears;
        double *xs = malloc(((size_t)rows + 2) * sizeof *xs), *ys = malloc(((size_t)rows + 2) * sizeof *ys);
        for (int32_t c = 0; c < nc; c++) {
            if ((s->klass >= 0 && c != s->klass) || desc->classes[c].notional)
                continue;
            int64_t orig = desc->classes[c].original;
            t = rt_doc_table(&doc, "Percent of original balance outstanding: Class %s", desc->classes[c].name);
            rt_tbl_col(&doc, t, "Date", RT_COL_TEXT);
            for (int sc = 0; sc < nscen; sc++)
                rt_tbl_col(&doc, t, g->label[sc], RT_COL_NUMBER);
            int row = rt_tbl_row(&doc, t);
            rt_tbl_set(&doc, t, row, 0, "Start");
            int64_t ob = g->open_bal[c];
            for (int sc = 0; sc < nscen; sc++) {
                decrement_cell(cell, sizeof cell, ob, orig);
                rt_tbl_set(&doc, t, row, sc + 1, "%s", cell);
            }
            int32_t last_row = 0;
            for (int32_t y = 0; y < rows; y++) {
                row = rt_tbl_row(&doc, t);
                rt_tbl_set(&doc, t, row, 0, "%s", rt_date_format(ds, anniv[y]));
                int any = 0;
                for (int sc = 0; sc < nscen; sc++) {
                    int64_t b = g->bal[((size_t)sc * g->nyears + y) * nc + c];
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
            for (int sc = 0; sc < nscen; sc++)
                wal_cell(&doc, t, row, sc + 1, g->wal[(size_t)sc * nc + c]);
            if (xs && ys && s->o.report) {
                char ct[200];
                snprintf(ct, sizeof ct, "Class %s: percent of original balance outstanding", desc->classes[c].name);
                rt_chart *ch = rt_doc_chart(&doc, ct, "years from the start", "percent");
                for (int sc = 0; sc < nscen; sc++) {
                    xs[0] = 0;
                    ys[0] = orig > 0 ? 100.0 * (double)ob / (double)orig : 0;
                    for (int32_t y = 0; y <= last_row; y++) {
                        xs[y + 1] = (anniv[y] - start) / 365.25;
                        ys[y + 1] = orig > 0 ? 100.0 * (double)g->bal[((size_t)sc * g->nyears + y) * nc + c] /
                                                   (double)orig
                                             : 0;
                    }
                    rt_chart_series(&doc, ch, g->label[sc], last_row + 2, xs, ys);
                }
            }
        }
        free(xs);
        free(ys);
        rc = rt_cmd_emit(s, &doc);
        rt_doc_free(&doc);
    }
done:
    dealc_grid_totals_free(tot);
    free(g->open_bal);
    free(g->wal);
    free(g->bal);
    free(g->years_used);
    free(g->label);
    return rc;
}

/* ---- writing a stream and a summary ------------------------------------------------------------ */

/* appends a document to output i of a set, in a format */
static int write_doc(rt_outset *os, int i, const rt_doc *doc, rt_format fmt, int html)
{
    rt_buf out;
    rt_buf_init(&out);
    rt_doc_render(doc, fmt, html, &out);
    int ok = 0;
    if (out.oom || doc->oom)
        fprintf(stderr, "error: out of memory\n");
    else
        ok = rt_out_write(os, i, out.data, out.len);
    rt_buf_free(&out);
    return ok;
}

/* the summary (--summary, output isum) and its report (--report, irep)
 * into the set; -1 for an output not asked for */
static int write_summary(const summary *sum, const char *deal_name, rt_outset *os, int isum, int irep,
                         rt_format fmt)
{
    if (isum < 0 && irep < 0)
        return 1;
    rt_doc doc;
    summary_doc(&doc, sum, deal_name, irep >= 0);
    int ok = (isum < 0 || write_doc(os, isum, &doc, fmt, 0)) && (irep < 0 || write_doc(os, irep, &doc, fmt, 1));
    rt_doc_free(&doc);
    return ok;
}

/* The outputs of a stream or a merge, checked before any work: --output
 * (ifile; standard output, streamed, when none), --summary and --report,
 * none of them an input, this program or another. 0 after a message. */
static int stream_outputs(rt_outset **os, const char *const *inputs, int nin, const char *output, const char *spath,
                          const char *report, int *iout, int *isum, int *irep)
{
    *iout = *isum = *irep = -1;
    *os = rt_out_begin();
    if (!*os)
        return 0;
    for (int i = 0; i < nin; i++)
        if (inputs[i] && !rt_out_input(*os, inputs[i]))
            return 0;
    return (!output || (*iout = rt_out_add(*os, output, 0)) >= 0) &&
           (!spath || (*isum = rt_out_add(*os, spath, 0)) >= 0) &&
           (!report || (*irep = rt_out_add(*os, report, 0)) >= 0);
}

static void shard_trailer(FILE *f, const summary *sum, int64_t count)
{
    char a[64], b2[64];
    for (int c = 0; sum->ag && c < sum->nclasses; c++) {
        const api_agg *ag = &sum->ag[c];
        fprintf(f, "# dealc-aggregate class=%d balance=%s accrued=%s conflict=%d days=", c, fmt_i128(a, ag->balance),
                fmt_i128(b2, ag->accrued), ag->conflict);
        for (int32_t j = 0; j < ag->nflows; j++)
            fprintf(f, "%s%d", j ? "," : "", (int)ag->days[j]);
        fputs(" flows=", f);
        for (int32_t j = 0; j < ag->nflows; j++)
            fprintf(f, "%s%s", j ? "," : "", fmt_i128(a, ag->flow[j]));
        fputc('\n', f);
    }
    fprintf(f, "# dealc-end count=%lld\n", (long long)count);
}

/* ---- the run's identity ----------------------------------------------------------------------- */

/* the project's one hash (rt_hash.h); an unreadable file counts as "-" */
static uint64_t fnv_file(uint64_t h, const char *path)
{
    return rt_fnv_file(&h, path) ? h : rt_fnv(h, "-", 1);
}

/* What identifies a run: the deal, every argument that changes a figure
 * (not --shard, --output, --summary, --report, --threads, --format), the
 * files they name (their bytes) and the number of scenarios. Shards of one
 * run carry the same identity; merge refuses to mix runs. */
static void run_id(char out[17], const char *deal_name, const cmd_opts *o, int argc, char **argv, int64_t n)
{
    static const char *const skip[] = {"--shard", "--output", "--summary", "--report", "--threads", "--format", "--plan",
                                       NULL};
    /* (this start is not FNV's basis, a digit short; it stays, so that
     * shards written before keep their run's identity) */
    uint64_t h = rt_fnv(1469598103934665603ull, "dealc grid 1", 12);
    h = rt_fnv(h, deal_name, strlen(deal_name) + 1);
    for (int i = 1; i < argc; i++) {
        int skipped = 0;
        for (int k = 0; skip[k]; k++) {
            size_t l = strlen(skip[k]);
            if (strncmp(argv[i], skip[k], l) == 0 && (argv[i][l] == '\0' || argv[i][l] == '=')) {
                skipped = 1;
                if (argv[i][l] == '\0' && strcmp(skip[k], "--plan") != 0)
                    i++;
                break;
            }
        }
        if (!skipped)
            h = rt_fnv(h, argv[i], strlen(argv[i]) + 1);
    }
    const char *files[] = {o->scenarios, o->scenario, o->state, o->tape, o->rate_curve};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (files[i])
            h = fnv_file(h, files[i]);
    if (o->index_paths && strchr(o->index_paths, '='))
        h = fnv_file(h, strchr(o->index_paths, '=') + 1);
    h = rt_fnv(h, &n, sizeof n);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* ---- grid ------------------------------------------------------------------------------------- */

/* `grid`: the options become a dealc_scenario (the base and its lists), a
 * dealc_pricing and a dealc_scenarios set, the run is dealc_scenarios_run,
 * and this file writes its records, summary, shards or tables */
int rt_grid_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    gcli g;
    memset(&g, 0, sizeof g);
    rt_buf_init(&g.text);
    rt_outset *os = NULL; /* the stream's outputs */
    int iout = -1, isum = -1, irep = -1;
    setup s; /* its options and outputs only: the rest is the API's */
    memset(&s, 0, sizeof s);
    s.klass = -1;
    cmd_opts *o = &s.o;
    int rc = rt_cmd_parse_args(prog, argc, argv, 1, o);
    if (rc)
        return rc;
    if ((rc = rt_cmd_parse_format(prog, o->format, &s.fmt)))
        return rc;
    if (o->report && o->output && strcmp(o->report, o->output) == 0)
        return rt_usage_error(prog, "--output and --report both name \"%s\"", o->report);
    dealc_deal *d = NULL;
    dealc_scenario *sc = NULL;
    dealc_pricing *pr = NULL;
    dealc_state *st = NULL;
    dealc_scenarios *set = NULL;
    dealc_grid_totals *tot = NULL;
    dealc_error e;
    const dealc_description *desc = NULL;
    rc = rt_cmd_inputs(prog, &s, describe, period, &d, &s.klass, &sc, &st);
    if (rc >= 0)
        goto out;
    desc = dealc_deal_describe(d);

    /* ---- the command's own options ---- */
    long nthreads = sysconf(_SC_NPROCESSORS_ONLN);
    if (o->threads) {
        char *end;
        nthreads = strtol(o->threads, &end, 10);
        if (*end || nthreads < 1 || nthreads > 256)
            rc = rt_usage_error(prog, "--threads needs a whole number from 1 to 256, found \"%s\"", o->threads);
    }
    if (nthreads < 1)
        nthreads = 1;
    if (nthreads > 256)
        nthreads = 256;
    if (rc < 0 && o->stream) {
        if (strcmp(o->stream, "csv") == 0)
            g.mode = 1;
        else if (strcmp(o->stream, "jsonl") == 0)
            g.mode = 2;
        else
            rc = rt_usage_error(prog, "--stream is csv or jsonl, found \"%s\"", o->stream);
    }
    if (rc < 0 && !g.mode && (o->summary || o->shard || o->settle))
        rc = rt_usage_error(prog, "%s",
                            "--summary, --shard and pricing (--settle) are for a streamed grid: give --stream csv or "
                            "--stream jsonl");
    int shard_k = 0, shard_n = 0;
    if (rc < 0 && o->shard) {
        int64_t k, n;
        const char *slash = strchr(o->shard, '/');
        char kb[32];
        if (!slash || (size_t)(slash - o->shard) >= sizeof kb ||
            (memcpy(kb, o->shard, (size_t)(slash - o->shard)), kb[slash - o->shard] = '\0', 0) ||
            !api_whole64(slash + 1, 1, 100000, &n) || !api_whole64(kb, 0, INT32_MAX, &k) || k < 1 || k > n)
            rc = rt_usage_error(prog, "--shard needs K/N with K from 1 to N (N at most 100000), found \"%s\"", o->shard);
        else {
            shard_k = (int)k;
            shard_n = (int)n;
        }
    }
    if (rc >= 0)
        goto out;

    /* ---- the set and its pricing ---- */
    const struct {
        const char *key, *val;
    } opt[] = {{"scenarios", o->scenarios},   {"paths", o->paths},
               {"seed", o->seed},             {"hull-white", o->hull_white},
               {"rate-curve", o->rate_curve}, {"index-paths", o->index_paths}};
    if (dealc_scenarios_new(&set, &e) != DEALC_OK)
        goto fail;
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
        if (opt[i].val && dealc_scenarios_set(set, opt[i].key, opt[i].val, &e) != DEALC_OK)
            goto fail;
    if (!rt_cmd_pricing(o, &pr, &e))
        goto fail;
    if (dealc_scenarios_open(set, d, st, sc, pr, &e) != DEALC_OK)
        goto fail;
    const dealc_scenarios_info *info = dealc_scenarios_describe(set);
    int64_t n = info->count;
    g.lo = 0;
    g.hi = n;
    if (shard_n) {
        g.lo = n * (shard_k - 1) / shard_n;
        g.hi = n * shard_k / shard_n;
    }
    if (o->plan) {
        /* what a run would be, checked and not run (BIN submit asks) */
        char rid[17];
        run_id(rid, desc->name, o, argc, argv, n);
        printf("scenarios %lld\nrun %s\n", (long long)n, rid);
        rc = fflush(stdout) == 0 ? 0 : 1;
        goto out;
    }
    if (!g.mode) {
        if (n > TABLE_MAX) {
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)n);
            rc = rt_usage_error(prog,
                                "%s scenarios: the prospectus tables hold at most 63 (a column each); stream them "
                                "with --stream csv or --stream jsonl (one record per scenario and class, with "
                                "--summary for their distributions)",
                                num);
            goto out;
        }
        if (!rt_cmd_open_outputs(&s)) {
            rc = 1;
            goto out;
        }
        rc = tables(&g, &s, desc, set, (int)nthreads);
        goto out;
    }

    /* ---- the stream ---- */
    g.cname = calloc((size_t)desc->nclasses + 1, sizeof *g.cname);
    g.rec = calloc((size_t)desc->nclasses + 1, sizeof *g.rec);
    if (!g.cname || !g.rec) {
        fprintf(stderr, "error: out of memory\n");
        rc = 1;
        goto out;
    }
    for (int32_t c = 0; c < desc->nclasses; c++)
        if (s.klass < 0 || c == s.klass)
            g.cname[g.nc++] = desc->classes[c].name;
    {
        const char *paths_file = o->index_paths && strchr(o->index_paths, '=') ? strchr(o->index_paths, '=') + 1 : NULL;
        const char *inputs[] = {o->scenarios, o->scenario, o->state, o->tape, o->rate_curve, paths_file, o->curve};
        if (!stream_outputs(&os, inputs, (int)(sizeof inputs / sizeof inputs[0]), o->output, o->summary, o->report,
                            &iout, &isum, &irep)) {
            rc = 1;
            goto out;
        }
    }
    if (!summary_init(&g.sum, g.nc, info->oas, info->months)) {
        fprintf(stderr, "error: out of memory\n");
        rc = 1;
        goto out;
    }
    for (int c = 0; c < g.nc; c++) {
        g.sum.cname[c] = malloc(strlen(g.cname[c]) + 1);
        if (g.sum.cname[c])
            strcpy(g.sum.cname[c], g.cname[c]);
    }
    char pxt[RT_NUMBUF];
    g.sum.has_price = o->price != NULL;
    g.sum.price = price_text(pxt, info->price);
    char rid[17];
    run_id(rid, desc->name, o, argc, argv, n);
    char tmp[4096];
    if (o->output) {
        if (snprintf(tmp, sizeof tmp, "%s.part", o->output) >= (int)sizeof tmp) {
            rc = rt_usage_error(prog, "the --output name \"%s\" is too long", o->output);
            goto out;
        }
        g.out = rt_out_stream(os, iout);
        if (!g.out) {
            rc = 1;
            goto out;
        }
    } else {
        g.out = stdout;
    }
    if (shard_n) {
        fprintf(g.out, "# dealc-shard 1 run=%s shard=%d/%d first=%lld count=%lld total=%lld format=%s", rid, shard_k,
                shard_n, (long long)g.lo + 1, (long long)(g.hi - g.lo), (long long)n, g.mode == 2 ? "jsonl" : "csv");
        if (g.sum.ag)
            fprintf(g.out, " price=%s", pxt);
        fputc('\n', g.out);
    } else if (g.mode == 1) {
        fputs(csv_header, g.out);
    }
    g.progress = isatty(2);
    dealc_status rs = run_set(&g, set, (int)nthreads, s.klass, &tot, &e);
    int ok = rs == DEALC_OK && !g.oom;
    if (ok && g.sum.ag)
        sums_add(&g.sum, tot);
    if (ok && !g_stop && shard_n)
        shard_trailer(g.out, &g.sum, g.hi - g.lo);
    if (fflush(g.out) != 0 && !g.write_err)
        g.write_err = errno ? errno : EIO;
    if (g.write_err) {
        fprintf(stderr, "%s: error: cannot write: %s\n", o->output ? o->output : "standard output",
                strerror(g.write_err));
        ok = 0;
    }
    g.out = NULL; /* the set owns the stream of --output */
    if (g_stop) {
        /* what finished, whole records in scenario order, is kept as
         * FILE.part; FILE itself is left as it was */
        int kept = o->output && rt_out_keep_partial(os, iout, tmp);
        fprintf(stderr, "interrupted: %lld of %lld scenarios finished%s%s%s\n", (long long)g.done,
                (long long)(g.hi - g.lo), kept ? " and written to " : "", kept ? tmp : "",
                kept ? " (incomplete)" : "");
        rc = 130;
        goto out;
    }
    if (!ok) {
        if (g.oom)
            fprintf(stderr, "error: out of memory\n");
        else if (rs != DEALC_OK)
            rt_api_error(&e);
        rc = 1;
        goto out;
    }
    rc = write_summary(&g.sum, desc->name, os, isum, irep, s.fmt) && rt_out_commit(os) ? 0 : 1;
    goto out;
fail:
    rc = rt_cmd_api_error(prog, &e);
out:
    rt_out_end(os);
    rt_buf_free(&g.text);
    summary_free(&g.sum);
    free(g.cname);
    free(g.rec);
    dealc_grid_totals_free(tot);
    dealc_scenarios_free(set);
    dealc_state_free(st);
    dealc_pricing_free(pr);
    dealc_scenario_free(sc);
    dealc_deal_close(d);
    rt_out_end(s.os);
    return rc;
}

/* ---- merge ------------------------------------------------------------------------------------ */

typedef struct shard_in {
    const char *path;
    FILE *f;
    char run[17];
    int k, n, jsonl;
    int64_t first, count, total;
    double price;
    int has_price;
} shard_in;

static int field(const char *line, const char *name, char *out, size_t n)
{
    char key[64];
    snprintf(key, sizeof key, " %s=", name);
    const char *p = strstr(line, key);
    if (!p)
        return 0;
    p += strlen(key);
    size_t l = strcspn(p, " \n");
    if (l >= n)
        return 0;
    memcpy(out, p, l);
    out[l] = '\0';
    return 1;
}

static int read_shard_header(shard_in *sh, char **line, size_t *cap)
{
    rt_err fe;
    memset(&fe, 0, sizeof fe);
    sh->f = fopen(sh->path, "rb");
    if (!sh->f) {
        rt_err_set(&fe, 0, 0, "cannot read: %s", strerror(errno));
        rt_file_error(sh->path, &fe);
        return 0;
    }
    ssize_t n = getline(line, cap, sh->f);
    char v[64], kn[64];
    int64_t k = 0, nn = 0;
    if (n <= 0 || strncmp(*line, "# dealc-shard 1 ", 16) != 0 || !field(*line, "run", sh->run, sizeof sh->run) ||
        !field(*line, "shard", kn, sizeof kn) || !strchr(kn, '/') ||
        !api_whole64(strchr(kn, '/') + 1, 1, 100000, &nn) || (*strchr(kn, '/') = '\0', !api_whole64(kn, 1, 100000, &k)) ||
        !field(*line, "first", v, sizeof v) || !api_whole64(v, 1, INT64_MAX, &sh->first) ||
        !field(*line, "count", v, sizeof v) || !api_whole64(v, 0, INT64_MAX, &sh->count) ||
        !field(*line, "total", v, sizeof v) || !api_whole64(v, 1, INT64_MAX, &sh->total) ||
        !field(*line, "format", v, sizeof v) || (strcmp(v, "csv") != 0 && strcmp(v, "jsonl") != 0)) {
        rt_err_set(&fe, 1, 1, "not a shard of a grid (its first line is not a \"# dealc-shard\" header)");
        rt_file_error(sh->path, &fe);
        return 0;
    }
    sh->k = (int)k;
    sh->n = (int)nn;
    sh->jsonl = strcmp(v, "jsonl") == 0;
    if (field(*line, "price", v, sizeof v)) {
        rt_dec pv;
        sh->has_price = 1;
        sh->price = rt_dec_parse(v, strlen(v), &pv, NULL) == RT_PARSE_OK ? (double)pv / (double)RT_SCALE : 0;
    }
    return 1;
}

/* the figures of one class back from a CSV record line (in place) */
static int parse_csv_record(char *line, int64_t lineno, const char *path, char **cname, crec *x, int64_t *k)
{
    char *cell[16];
    int col[16], n;
    rt_sc_err e;
    size_t len = strlen(line);
    if (len && line[len - 1] == '\n')
        line[--len] = '\0';
    if (!rt_csv_split_line(line, cell, col, 16, &n, path, lineno, &e) || n != 13)
        return 0;
    int64_t sc;
    if (!api_whole64(cell[0], 1, INT64_MAX, &sc))
        return 0;
    *k = sc - 1;
    *cname = cell[2];
    for (int m = 0; m < M_COUNT; m++)
        x->m[m] = NONE;
    x->loss = NONE;
    static const int at[M_COUNT] = {3, 7, 9, 10, 11, 12};
    for (int m = 0; m < M_COUNT; m++)
        if (*cell[at[m]] && !parse_scaled(cell[at[m]], strlen(cell[at[m]]), metric[m].dec, &x->m[m]))
            return 0;
    return 1;
}

static int64_t json_scaled(const rt_jnode *o, const char *key, int dec, int *ok)
{
    for (int32_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0) {
            const rt_jnode *v = o->items[i];
            int64_t x;
            if (v->type == RT_J_NULL)
                return NONE;
            if (v->type == RT_J_NUMBER && parse_scaled(v->str, v->len, dec, &x))
                return x;
            *ok = 0;
            return NONE;
        }
    *ok = 0;
    return NONE;
}

static int read_aggregate(const char *line, summary *sum)
{
    char v[64];
    int64_t c;
    if (!field(line, "class", v, sizeof v) || !api_whole64(v, 0, INT32_MAX, &c) || c >= sum->nclasses || !sum->ag)
        return 0;
    api_agg a;
    if (!api_agg_init(&a, sum->maxp))
        return 0;
    int ok = field(line, "balance", v, sizeof v) && parse_i128(v, strlen(v), &a.balance) &&
             field(line, "accrued", v, sizeof v) && parse_i128(v, strlen(v), &a.accrued) &&
             field(line, "conflict", v, sizeof v);
    a.conflict = ok && strcmp(v, "0") != 0;
    const char *dp = strstr(line, " days="), *fp = strstr(line, " flows=");
    ok = ok && dp && fp;
    int32_t j = 0;
    for (const char *p = ok ? dp + 6 : NULL; ok && *p && *p != ' ' && *p != '\n';) {
        char *end;
        long dd = strtol(p, &end, 10);
        if (end == p || j >= sum->maxp)
            ok = 0;
        else
            a.days[j++] = (int32_t)dd;
        p = *end == ',' ? end + 1 : end;
    }
    a.nflows = j;
    j = 0;
    for (const char *p = ok ? fp + 7 : NULL; ok && *p && *p != ' ' && *p != '\n';) {
        size_t l = strcspn(p, ", \n");
        if (j >= a.nflows || !parse_i128(p, l, &a.flow[j]))
            ok = 0;
        j++;
        p += l;
        if (*p == ',')
            p++;
    }
    if (ok)
        api_agg_add(&sum->ag[c], &a);
    api_agg_free(&a);
    return ok;
}

int rt_merge_main(const char *prog, int argc, char **argv, rt_describe_fn describe)
{
    const char *output = NULL, *spath = NULL, *report = NULL, *format = NULL;
    int nfiles = 0;
    shard_in *sh = calloc((size_t)argc + 1, sizeof *sh);
    if (!sh) {
        fprintf(stderr, "error: out of memory\n");
        return 1;
    }
    int rc = -1;
    rt_opt opts[] = {{"output", &output, NULL}, {"summary", &spath, NULL}, {"report", &report, NULL},
                     {"format", &format, NULL}};
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int npos = 0, urc = pos ? rt_getopt(prog, argc, argv, opts, 4, pos, argc, &npos) : 1;
    if (!pos)
        fprintf(stderr, "error: out of memory\n");
    if (urc)
        rc = urc;
    for (int i = 0; rc < 0 && i < npos; i++)
        sh[nfiles++].path = pos[i];
    free(pos);
    rt_format fmt = RT_FORMAT_TABLE;
    if (rc < 0 && (rc = rt_cmd_parse_format(prog, format, &fmt)) == 0)
        rc = -1;
    if (rc < 0 && nfiles == 0)
        rc = rt_usage_error(prog, "%s", "merge needs the shard files (SHARD...)");
    /* the outputs, none of them a shard */
    rt_outset *os = NULL;
    int iout = -1, isum = -1, irep = -1;
    if (rc < 0) {
        const char **in = malloc(((size_t)nfiles + 1) * sizeof *in);
        for (int j = 0; in && j < nfiles; j++)
            in[j] = sh[j].path;
        if (!in) {
            fprintf(stderr, "error: out of memory\n");
            rc = 1;
        } else if (!stream_outputs(&os, in, nfiles, output, spath, report, &iout, &isum, &irep))
            rc = 1;
        free(in);
    }
    char *line = NULL;
    size_t cap = 0;
    rt_deal *d = NULL;
    summary sum;
    memset(&sum, 0, sizeof sum);
    FILE *out = NULL;
    shard_in **order = NULL;
    for (int i = 0; rc < 0 && i < nfiles; i++)
        if (!read_shard_header(&sh[i], &line, &cap))
            rc = 1;
    if (rc < 0) {
        /* one run, every shard once */
        order = calloc((size_t)sh[0].n + 1, sizeof *order);
        if (!order) {
            fprintf(stderr, "error: out of memory\n");
            rc = 1;
        }
        for (int i = 0; rc < 0 && i < nfiles; i++) {
            if (strcmp(sh[i].run, sh[0].run) != 0 || sh[i].n != sh[0].n || sh[i].total != sh[0].total ||
                sh[i].jsonl != sh[0].jsonl) {
                fprintf(stderr,
                        "error: shards of different runs: %s is run %s (shard %d/%d of %lld scenarios), %s is run %s "
                        "(shard %d/%d of %lld)\n",
                        sh[0].path, sh[0].run, sh[0].k, sh[0].n, (long long)sh[0].total, sh[i].path, sh[i].run,
                        sh[i].k, sh[i].n, (long long)sh[i].total);
                rc = 1;
            } else if (sh[i].k > sh[i].n) {
                fprintf(stderr, "%s: error: shard %d of %d\n", sh[i].path, sh[i].k, sh[i].n);
                rc = 1;
            } else if (order[sh[i].k]) {
                fprintf(stderr, "error: shard %d/%d given twice: %s and %s\n", sh[i].k, sh[i].n, order[sh[i].k]->path,
                        sh[i].path);
                rc = 1;
            } else {
                order[sh[i].k] = &sh[i];
            }
        }
        for (int k = 1; rc < 0 && k <= sh[0].n; k++)
            if (!order[k]) {
                fprintf(stderr, "error: merge is missing shard %d of %d (run %s)\n", k, sh[0].n, sh[0].run);
                rc = 1;
            }
        for (int k = 1; rc < 0 && k <= sh[0].n; k++) {
            int64_t lo = sh[0].total * (k - 1) / sh[0].n, hi = sh[0].total * k / sh[0].n;
            if (order[k]->first != lo + 1 || order[k]->count != hi - lo) {
                fprintf(stderr, "%s: error: shard %d/%d should hold scenarios %lld to %lld\n", order[k]->path, k,
                        sh[0].n, (long long)lo + 1, (long long)hi);
                rc = 1;
            }
        }
    }
    if (rc < 0) {
        d = rt_load_deal(describe);
        if (!d)
            rc = 1;
    }
    if (rc < 0) {
        if (!summary_init(&sum, 0, 0, 0)) {
            fprintf(stderr, "error: out of memory\n");
            rc = 1;
        }
        sum.has_price = sh[0].has_price;
        sum.price = sh[0].price;
    }
    if (rc < 0 && output) {
        out = rt_out_stream(os, iout);
        if (!out)
            rc = 1;
    } else if (rc < 0) {
        out = stdout;
    }
    if (rc < 0 && !sh[0].jsonl)
        fputs(csv_header, out);
    /* the records, shard after shard, copied as they are and counted */
    crec *rec = NULL;
    int64_t expect = 0;
    for (int k = 1; rc < 0 && k <= sh[0].n; k++) {
        shard_in *s = order[k];
        int64_t lineno = 1, records = 0, last_sc = -1;
        int ended = 0, ci = 0;
        ssize_t len;
        while (rc < 0 && (len = getline(&line, &cap, s->f)) > 0) {
            lineno++;
            if (line[0] == '#') {
                if (strncmp(line, "# dealc-end ", 12) == 0) {
                    char v[64];
                    int64_t cnt;
                    if (!field(line, "count", v, sizeof v) || !api_whole64(v, 0, INT64_MAX, &cnt) || cnt != s->count) {
                        fprintf(stderr, "%s:%lld: error: the shard's end line does not match its header\n", s->path,
                                (long long)lineno);
                        rc = 1;
                    }
                    ended = 1;
                } else if (strncmp(line, "# dealc-aggregate ", 18) == 0) {
                    if (!sum.ag) {
                        /* the classes are known once the first records are read */
                        sum.maxp = 1200;
                        sum.ag = calloc((size_t)sum.nclasses + 1, sizeof *sum.ag);
                        for (int c = 0; sum.ag && c < sum.nclasses; c++)
                            api_agg_init(&sum.ag[c], sum.maxp);
                    }
                    if (!read_aggregate(line, &sum)) {
                        fprintf(stderr, "%s:%lld: error: a bad aggregate line\n", s->path, (long long)lineno);
                        rc = 1;
                    }
                } else {
                    fprintf(stderr, "%s:%lld: error: an unexpected line starting with '#'\n", s->path,
                            (long long)lineno);
                    rc = 1;
                }
                continue;
            }
            if (ended) {
                fprintf(stderr, "%s:%lld: error: a record after the shard's end line\n", s->path, (long long)lineno);
                rc = 1;
                break;
            }
            if (fwrite(line, 1, (size_t)len, out) != (size_t)len) {
                fprintf(stderr, "%s: error: cannot write: %s\n", output ? output : "standard output", strerror(errno));
                rc = 1;
                break;
            }
            /* the figures, for the summary */
            int good = 1;
            if (!s->jsonl) {
                char *cname;
                int64_t sc;
                crec x;
                good = parse_csv_record(line, lineno, s->path, &cname, &x, &sc);
                if (good && sc != last_sc) {
                    if (last_sc >= 0) {
                        summary_add(&sum, rec);
                        records++;
                    }
                    good = sc == expect;
                    expect++;
                    last_sc = sc;
                    ci = 0;
                }
                if (good && sc == 0 && ci >= sum.nclasses) {
                    /* the first scenario names the classes */
                    char **nn = realloc(sum.cname, (size_t)(ci + 2) * sizeof *nn);
                    hist(*nh)[M_COUNT] = realloc(sum.h, (size_t)(ci + 2) * sizeof *nh);
                    crec *nr = realloc(rec, (size_t)(ci + 2) * sizeof *nr);
                    if (nn)
                        sum.cname = nn;
                    if (nh)
                        sum.h = nh;
                    if (nr)
                        rec = nr;
                    if (!nn || !nh || !nr) {
                        good = 0;
                    } else {
                        memset(&sum.h[ci], 0, sizeof sum.h[ci]);
                        sum.cname[ci] = malloc(strlen(cname) + 1);
                        if (sum.cname[ci])
                            strcpy(sum.cname[ci], cname);
                        sum.nclasses = ci + 1;
                    }
                }
                if (good && (ci >= sum.nclasses || strcmp(sum.cname[ci], cname) != 0))
                    good = 0;
                if (good)
                    rec[ci++] = x;
            } else {
                rt_err fe;
                rt_jnode *j = rt_json_parse(line, (size_t)len, &fe);
                const rt_jnode *cls = NULL;
                int64_t sc = -1;
                good = j && j->type == RT_J_OBJECT;
                for (int32_t i = 0; good && i < j->n; i++) {
                    if (strcmp(j->keys[i], "scenario") == 0 && j->items[i]->type == RT_J_NUMBER)
                        good = api_whole64(j->items[i]->str, 1, INT64_MAX, &sc);
                    if (strcmp(j->keys[i], "classes") == 0 && j->items[i]->type == RT_J_ARRAY)
                        cls = j->items[i];
                }
                good = good && cls && sc - 1 == expect;
                expect++;
                if (good && sc == 1) {
                    /* the first scenario names the classes */
                    free(sum.cname);
                    free(sum.h);
                    free(rec);
                    sum.cname = calloc((size_t)cls->n + 1, sizeof *sum.cname);
                    sum.h = calloc((size_t)cls->n + 1, sizeof *sum.h);
                    rec = calloc((size_t)cls->n + 1, sizeof *rec);
                    good = sum.cname && sum.h && rec;
                    for (int32_t c = 0; good && c < cls->n; c++) {
                        const rt_jnode *o = cls->items[c];
                        for (int32_t q = 0; o->type == RT_J_OBJECT && q < o->n; q++)
                            if (strcmp(o->keys[q], "class") == 0 && o->items[q]->type == RT_J_STRING) {
                                sum.cname[c] = malloc(o->items[q]->len + 1);
                                if (sum.cname[c])
                                    memcpy(sum.cname[c], o->items[q]->str, o->items[q]->len + 1);
                            }
                        good = sum.cname[c] != NULL;
                    }
                    sum.nclasses = good ? cls->n : 0;
                }
                good = good && cls->n == sum.nclasses;
                for (int32_t c = 0; good && c < cls->n; c++) {
                    const rt_jnode *o = cls->items[c];
                    if (o->type != RT_J_OBJECT) {
                        good = 0;
                        break;
                    }
                    for (int m = 0; m < M_COUNT; m++)
                        rec[c].m[m] = json_scaled(o, metric[m].col, metric[m].dec, &good);
                }
                if (good) {
                    summary_add(&sum, rec);
                    records++;
                }
                rt_json_free(j);
            }
            if (!good) {
                fprintf(stderr, "%s:%lld: error: not a record of this run (scenario %lld was expected)\n", s->path,
                        (long long)lineno, (long long)expect);
                rc = 1;
            }
        }
        if (rc < 0 && !s->jsonl && last_sc >= 0) {
            summary_add(&sum, rec);
            records++;
        }
        if (rc < 0 && (!ended || records != s->count)) {
            fprintf(stderr, "%s: error: the shard is incomplete (%lld of %lld scenarios%s)\n", s->path,
                    (long long)records, (long long)s->count, ended ? "" : ", no end line: was its job stopped?");
            rc = 1;
        }
    }
    free(rec);
    if (out && out == stdout && fflush(out) != 0 && rc < 0) {
        fprintf(stderr, "error: cannot write to standard output\n");
        rc = 1;
    }
    /* --output's stream is the set's: committed with the summary, all or nothing */
    if (rc < 0)
        rc = write_summary(&sum, d->name, os, isum, irep, fmt) && rt_out_commit(os) ? 0 : 1;
    rt_out_end(os);
    for (int i = 0; i < nfiles; i++)
        if (sh[i].f)
            fclose(sh[i].f);
    free(sh);
    free(order);
    free(line);
    summary_free(&sum);
    if (d)
        rt_deal_free(d);
    return rc;
}

