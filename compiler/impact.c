/* impact.c — see impact.h. */
#include "impact.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "html.h"
#include "rt_tables.h"

/* ---- one version's figures, from the API's results ---- */

typedef struct vrow { char period[32], date[16]; long long prin, intr, bal; } vrow;
typedef struct vpayee {
    const char *name;       /* the description's; lives while the deal is open */
    int party;
    vrow *v;
    int n;
    char wal[32];
    long long summary_prin;
    int has_summary;
} vpayee;
typedef struct version {
    vpayee *p;
    int n;
    long long pool_end;     /* projections: the pools' balance after the last period */
    int has_pool;
} version;

static int alloc_version(version *v, int npayees, int nrows)
{
    memset(v, 0, sizeof *v);
    v->p = calloc((size_t)npayees + 1, sizeof *v->p);
    if (!v->p) return 0;
    for (int i = 0; i < npayees; i++) {
        v->p[i].v = calloc((size_t)nrows + 1, sizeof *v->p[i].v);
        v->p[i].n = nrows;
        v->n = i + 1;
        if (!v->p[i].v) return 0;
    }
    v->n = npayees;
    return 1;
}

/* a replay: each date's class principal, interest and ending balance, and
 * what each party was paid, in exact cents */
static int version_of_replay(version *v, const dealc_description *d, const dealc_replay *r)
{
    if (!alloc_version(v, d->nclasses + d->nparties, r->nperiods)) return 0;
    for (int32_t k = 0; k < r->nperiods; k++) {
        const dealc_statement *s = &r->periods[k];
        char date[11];
        dealc_date_text(s->payment_date, date);
        for (int32_t i = 0; i < d->nclasses + d->nparties; i++) {
            vrow *w = &v->p[i].v[k];
            snprintf(w->period, sizeof w->period, "%s", date);
            snprintf(w->date, sizeof w->date, "%s", date);
            if (i < d->nclasses) {
                const int64_t *c = &s->classes[(size_t)i * (size_t)r->class_stride];
                /* losses paid back count as principal, basis risk paid as
                 * interest: every dollar the holder receives is compared */
                w->prin = c[DEALC_CLASS_PRINCIPAL] + c[DEALC_CLASS_REALIZED_LOSS_PAID];
                w->intr = c[DEALC_CLASS_INTEREST] + c[DEALC_CLASS_BASIS_RISK_PAID];
                w->bal = c[DEALC_CLASS_ENDING_BALANCE];
            } else {
                w->prin = s->parties[(size_t)(i - d->nclasses) * (size_t)r->party_stride + DEALC_PARTY_PAID];
            }
        }
    }
    for (int32_t i = 0; i < d->nclasses + d->nparties; i++) {
        v->p[i].party = i >= d->nclasses;
        v->p[i].name = i < d->nclasses ? d->classes[i].name : d->parties[i - d->nclasses].name;
    }
    return 1;
}

/* a projection: each period's class principal, interest and ending
 * balance and what each party was paid, each class's WAL (as the deal
 * binary's summary prints it: two decimals, "-" when no principal is paid)
 * and the pools' balance at the end */
static int version_of_projection(version *v, const dealc_description *d, const dealc_projection *p)
{
    if (!alloc_version(v, d->nclasses + d->nparties, p->nperiods)) return 0;
    for (int32_t i = 0; i < d->nclasses + d->nparties; i++) {
        vpayee *y = &v->p[i];
        int party = i >= d->nclasses;
        int32_t c = party ? i - d->nclasses : i;
        y->party = party;
        y->name = party ? d->parties[c].name : d->classes[c].name;
        for (int32_t k = 0; k < p->nperiods; k++) {
            vrow *w = &y->v[k];
            snprintf(w->period, sizeof w->period, "%d", (int)(p->start_distribution + k + 1));
            dealc_date_text(p->dates[k], w->date);
            if (party) {
                w->prin = p->parties[((size_t)k * (size_t)d->nparties + (size_t)c) * (size_t)p->party_stride +
                                     DEALC_PARTY_PAID];
                continue;
            }
            const int64_t *row = &p->classes[((size_t)k * (size_t)d->nclasses + (size_t)c) * (size_t)p->pclass_stride];
            w->prin = row[DEALC_PCLASS_PRINCIPAL] + row[DEALC_PCLASS_REALIZED_LOSS_PAID];
            w->intr = row[DEALC_PCLASS_INTEREST] + row[DEALC_PCLASS_BASIS_RISK_PAID];
            w->bal = row[DEALC_PCLASS_ENDING_BALANCE];
        }
        if (party) continue;
        const dealc_class_summary *s = &p->summary[c];
        y->summary_prin = s->principal;
        y->has_summary = 1;
        if (s->principal > 0) rt_fmt_real(y->wal, s->wal, 2);
        else snprintf(y->wal, sizeof y->wal, "-");
    }
    if (p->nperiods > 0) {
        v->pool_end = 0;
        for (int32_t g = 0; g < d->ngroups; g++)
            v->pool_end += p->flows[((size_t)(p->nperiods - 1) * (size_t)d->ngroups + (size_t)g) * (size_t)p->flow_stride +
                                    DEALC_FLOW_ENDING_BALANCE];
        v->has_pool = 1;
    }
    return 1;
}

static void free_version(version *v)
{
    for (int i = 0; i < v->n; i++) free(v->p[i].v);
    free(v->p);
}

static const vrow *find_row(const vpayee *p, const char *period, int hint)
{
    if (!p) return NULL;
    if (hint >= 0 && hint < p->n && strcmp(p->v[hint].period, period) == 0) return &p->v[hint];
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->v[i].period, period) == 0) return &p->v[i];
    return NULL;
}

static const vpayee *find_payee(const version *v, const char *name, int party)
{
    for (int i = 0; i < v->n; i++)
        if (v->p[i].party == party && strcmp(v->p[i].name, name) == 0) return &v->p[i];
    return NULL;
}

/* cents as the statement prints money: grouped, a minus sign (the
 * runtime's one formatter) */
static void put_cents_buf(char *buf, size_t n, long long c)
{
    char t[64];
    snprintf(buf, n, "%s", rt_fmt_money(t, (rt_dec)c * RT_CENT, 1, 0));
}

static const char *money(char *buf, long long c)
{
    put_cents_buf(buf, 40, c);
    return buf;
}

static int outstanding(const vpayee *p) { return p && p->n && p->v[p->n - 1].bal > 0; }

/* why a class's principal is not all paid by the end of a projection: said
 * when the pool has paid out (it never will be), or when the other version
 * repays it (the projection stopped before this one did) */
static void why_not_repaid(char *out, size_t n, const vpayee *p, const version *v, int other_repaid)
{
    out[0] = 0;
    if (!outstanding(p)) return;
    if (!(v->has_pool && v->pool_end == 0) && !other_repaid) return;
    const vrow *last = &p->v[p->n - 1];
    char b[40], c[40];
    int w;
    if (v->has_pool && v->pool_end == 0)
        w = snprintf(out, n, "not repaid: %s outstanding after the last period (%s), with the pool paid out: the "
                 "cash ran out before its principal%s", money(b, last->bal), last->date,
                 p->has_summary && p->summary_prin == 0 ? " (it received no principal at all)" : "");
    else
        w = snprintf(out, n, "not repaid: %s outstanding when the projection stopped (%s), with %s left in the pool",
                 money(b, last->bal), last->date, v->has_pool ? money(c, v->pool_end) : "an unknown balance");
    if (w >= (int)n) out[n - 1] = 0;   /* cut short (a long class name) */
}

/* the party's kind ("party" or "residual") and whether a class is
 * notional (interest only: never "not repaid"), from the new version's
 * description, else the old one's */
static const char *party_kind(const dealc_description *const dd[2], const char *name)
{
    for (int s = 1; s >= 0; s--)
        for (int32_t i = 0; i < dd[s]->nparties; i++)
            if (strcmp(dd[s]->parties[i].name, name) == 0)
                return dd[s]->parties[i].role == DEALC_PARTY_RESIDUAL ? "residual" : "party";
    return "party";
}

static int notional(const dealc_description *const dd[2], const char *name)
{
    for (int s = 1; s >= 0; s--)
        for (int32_t i = 0; i < dd[s]->nclasses; i++)
            if (strcmp(dd[s]->classes[i].name, name) == 0) return dd[s]->classes[i].notional;
    return 0;
}

static int compare(impact_report *r, version v[2], int proj, const dealc_description *const dd[2]);

int impact_compare_replays(impact_report *r, const dealc_description *old_d, const dealc_replay *old_r,
                           const dealc_description *new_d, const dealc_replay *new_r)
{
    memset(r, 0, sizeof *r);
    version v[2] = { { 0 }, { 0 } };
    const dealc_description *dd[2] = { old_d, new_d };
    int ok = version_of_replay(&v[0], old_d, old_r) && version_of_replay(&v[1], new_d, new_r) &&
             compare(r, v, 0, dd);
    free_version(&v[0]);
    free_version(&v[1]);
    return ok;
}

int impact_compare_projections(impact_report *r, const dealc_description *old_d, const dealc_projection *old_p,
                               const dealc_description *new_d, const dealc_projection *new_p)
{
    memset(r, 0, sizeof *r);
    version v[2] = { { 0 }, { 0 } };
    const dealc_description *dd[2] = { old_d, new_d };
    int ok = version_of_projection(&v[0], old_d, old_p) && version_of_projection(&v[1], new_d, new_p) &&
             compare(r, v, 1, dd);
    free_version(&v[0]);
    free_version(&v[1]);
    return ok;
}

/* classes, then parties, in the order the old version lists them, then
 * any only the new one has; only those paid differently are kept */
static int compare(impact_report *r, version v[2], int proj, const dealc_description *const dd[2])
{
    r->projection = proj;
    int cap = v[0].n + v[1].n + 1;
    r->v = calloc((size_t)cap, sizeof *r->v);
    if (!r->v) return 0;
    for (int pass = 0; pass < 2; pass++)
        for (int side = 0; side < 2; side++)
            for (int i = 0; i < v[side].n; i++) {
                const vpayee *a = &v[side].p[i];
                if (a->party != pass) continue;
                if (side == 1 && find_payee(&v[0], a->name, a->party)) continue;
                const vpayee *o = side == 0 ? a : NULL, *nw = find_payee(&v[1], a->name, a->party);
                if (side == 1) nw = a;
                impact_payee *x = &r->v[r->n];
                memset(x, 0, sizeof *x);
                x->name = strdup(a->name);
                if (!x->name) return 0;
                x->kind = a->party ? party_kind(dd, a->name) : "class";
                int np = (o ? o->n : 0) + (nw ? nw->n : 0);
                x->periods = calloc((size_t)np + 1, sizeof *x->periods);
                if (!x->periods) { free(x->name); return 0; }
                const vpayee *sides[2] = { o, nw };
                for (int s = 0; s < 2; s++) {
                    const vpayee *p = sides[s];
                    for (int k = 0; p && k < p->n; k++) {
                        const vrow *row0 = &p->v[k];
                        x->total[s] += row0->prin + row0->intr;
                        const vrow *other = find_row(sides[1 - s], row0->period, k);
                        if (s == 1 && other) continue;   /* compared from the old side */
                        const vrow *ro = s == 0 ? row0 : NULL, *rn = s == 0 ? other : row0;
                        long long op = ro ? ro->prin : 0, oi = ro ? ro->intr : 0, npr = rn ? rn->prin : 0,
                                  ni = rn ? rn->intr : 0;
                        if (op == npr && oi == ni) continue;
                        impact_period *q = &x->periods[x->nperiods++];
                        snprintf(q->period, sizeof q->period, "%s", row0->period);
                        snprintf(q->date, sizeof q->date, "%s", row0->date);
                        q->prin[0] = op; q->intr[0] = oi; q->prin[1] = npr; q->intr[1] = ni;
                    }
                }
                for (int s = 0; s < 2; s++) {
                    snprintf(x->wal[s], sizeof x->wal[s], "%s", sides[s] && *sides[s]->wal ? sides[s]->wal : "");
                    int io = !a->party && notional(dd, a->name);
                    if (proj && !a->party && !io)
                        why_not_repaid(x->not_repaid[s], sizeof x->not_repaid[s], sides[s], &v[s],
                                       sides[1 - s] && !outstanding(sides[1 - s]));
                }
                /* the periods compared: every date of the run, the longer one's */
                for (int s = 0; s < 2; s++)
                    if (sides[s] && r->nperiods < sides[s]->n) r->nperiods = sides[s]->n;
                if (x->nperiods) r->n++;
                else { free(x->periods); free(x->name); }
            }
    return 1;
}

void impact_free(impact_report *r)
{
    for (int i = 0; i < r->n; i++) { free(r->v[i].periods); free(r->v[i].name); }
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* ---- text: each payee summarised ---- */

#define TEXT_PERIODS 12   /* up to this many periods differ: each is shown */

static void text_period(FILE *out, const impact_payee *x, const impact_period *q)
{
    char a[40], b[40], c[40], d[40];
    int party = strcmp(x->kind, "class") != 0;
    fprintf(out, "  %s %s: %s %s -> %s", x->name, q->period, party ? "paid" : "principal", money(a, q->prin[0]),
            money(b, q->prin[1]));
    if (!party) fprintf(out, ", interest %s -> %s", money(c, q->intr[0]), money(d, q->intr[1]));
    fputc('\n', out);
}

void impact_text(FILE *out, const impact_report *r, const char *notes)
{
    fputs("\nimpact on the scenario:\n", out);
    for (const char *p = notes; p && *p;) {
        const char *e = strchr(p, '\n');
        char *line = malloc(strlen(p) + 8);
        sprintf(line, "note: %.*s", e ? (int)(e - p) : (int)strlen(p), p);
        diff_wrap(out, line, 2, 100);
        free(line);
        p = e ? e + 1 : p + strlen(p);
    }
    if (!r->n) {
        fputs("  no class or party is paid differently\n", out);
        return;
    }
    for (int i = 0; i < r->n; i++) {
        const impact_payee *x = &r->v[i];
        char a[40], b[40], c[40];
        if (x->nperiods <= TEXT_PERIODS) {
            for (int k = 0; k < x->nperiods; k++) text_period(out, x, &x->periods[k]);
        } else {
            for (int k = 0; k < 3; k++) text_period(out, x, &x->periods[k]);
            fprintf(out, "  %s: %d more periods differ, to %s%s (each in --format json or html)\n", x->name,
                    x->nperiods - 3, r->projection ? "period " : "", x->periods[x->nperiods - 1].period);
        }
        fprintf(out, "  %s%s%s total cash %s -> %s (%s%s)", x->name, strcmp(x->kind, "class") ? ", " : "",
                strcmp(x->kind, "class") ? x->kind : "", money(a, x->total[0]), money(b, x->total[1]),
                x->total[1] >= x->total[0] ? "+" : "", money(c, x->total[1] - x->total[0]));
        if (*x->wal[0] || *x->wal[1]) fprintf(out, "; WAL %s -> %s", *x->wal[0] ? x->wal[0] : "-", *x->wal[1] ? x->wal[1] : "-");
        fputc('\n', out);
        for (int s = 0; s < 2; s++)
            if (*x->not_repaid[s] && (s == 0 || strcmp(x->not_repaid[0], x->not_repaid[1]) != 0))
                fprintf(out, "    %s: %s\n", s ? "after" : (strcmp(x->not_repaid[0], x->not_repaid[1]) ? "before" : "before and after"),
                        x->not_repaid[s]);
    }
}

/* ---- json: complete ---- */

static void jstr(FILE *out, const char *s) { rt_json_string_fput(out, s); }

/* money as a JSON string of exact decimals, "-1234.56" */
static void jmoney(FILE *out, long long c)
{
    char t[64];
    fprintf(out, "\"%s\"", rt_fmt_cents(t, c));
}

void impact_json(FILE *out, const impact_report *r, char **args, int nargs, const char *notes)
{
    fprintf(out, "{\"scenario\": {\"command\": \"%s\", \"arguments\": [", r->projection ? "project" : "replay");
    for (int i = 0; i < nargs; i++) { if (i) fputs(", ", out); jstr(out, args[i]); }
    fprintf(out, "], \"periods\": %d}, \"notes\": [", r->nperiods);
    int k = 0;
    for (const char *p = notes; p && *p;) {
        const char *e = strchr(p, '\n');
        char *line = strndup(p, e ? (size_t)(e - p) : strlen(p));
        if (k++) fputs(", ", out);
        jstr(out, line);
        free(line);
        p = e ? e + 1 : p + strlen(p);
    }
    fputs("], \"payees\": [", out);
    for (int i = 0; i < r->n; i++) {
        const impact_payee *x = &r->v[i];
        fprintf(out, "%s\n  {\"name\": ", i ? "," : "");
        jstr(out, x->name);
        fprintf(out, ", \"kind\": \"%s\", \"total\": {\"old\": ", x->kind);
        jmoney(out, x->total[0]);
        fputs(", \"new\": ", out);
        jmoney(out, x->total[1]);
        fputs(", \"change\": ", out);
        jmoney(out, x->total[1] - x->total[0]);
        fputc('}', out);
        if (*x->wal[0] || *x->wal[1]) {
            fputs(", \"wal\": {\"old\": ", out);
            jstr(out, x->wal[0]);
            fputs(", \"new\": ", out);
            jstr(out, x->wal[1]);
            fputc('}', out);
        }
        if (*x->not_repaid[0] || *x->not_repaid[1]) {
            fputs(", \"not_repaid\": {\"old\": ", out);
            if (*x->not_repaid[0]) jstr(out, x->not_repaid[0]); else fputs("null", out);
            fputs(", \"new\": ", out);
            if (*x->not_repaid[1]) jstr(out, x->not_repaid[1]); else fputs("null", out);
            fputc('}', out);
        }
        fputs(", \"periods\": [", out);
        for (int j = 0; j < x->nperiods; j++) {
            const impact_period *q = &x->periods[j];
            fputs(j ? ",\n    {\"period\": " : "\n    {\"period\": ", out);
            jstr(out, q->period);
            fputs(", \"date\": ", out);
            jstr(out, q->date);
            if (strcmp(x->kind, "class") == 0) {
                fputs(", \"principal\": {\"old\": ", out); jmoney(out, q->prin[0]);
                fputs(", \"new\": ", out); jmoney(out, q->prin[1]);
                fputs("}, \"interest\": {\"old\": ", out); jmoney(out, q->intr[0]);
                fputs(", \"new\": ", out); jmoney(out, q->intr[1]);
                fputs("}}", out);
            } else {
                fputs(", \"paid\": {\"old\": ", out); jmoney(out, q->prin[0]);
                fputs(", \"new\": ", out); jmoney(out, q->prin[1]);
                fputs("}}", out);
            }
        }
        fputs("]}", out);
    }
    fputs(r->n ? "\n]}" : "]}", out);
}

/* ---- html ---- */

void impact_html(FILE *out, const impact_report *r, char **args, int nargs, const char *notes)
{
    char a[40], b[40], c[40], d[40];
    fputs("<h2 id=\"impact\">What it does in cash</h2>\n<p class=\"meta\">Both versions run on the same scenario: <code>",
          out);
    for (int i = 0; i < nargs; i++) { if (i) fputc(' ', out); html_escs(out, args[i]); }
    fprintf(out, "</code> (%d period%s).</p>\n", r->nperiods, r->nperiods == 1 ? "" : "s");
    for (const char *p = notes; p && *p;) {
        const char *e = strchr(p, '\n');
        fputs("<p class=\"note\"><b>Note.</b> ", out);
        html_esc(out, p, e ? (size_t)(e - p) : strlen(p));
        fputs("</p>\n", out);
        p = e ? e + 1 : p + strlen(p);
    }
    if (!r->n) {
        fputs("<p>No class or party is paid differently.</p>\n", out);
        return;
    }
    fputs("<table><tr><th>Paid to</th><th>Total before</th><th>Total after</th><th>Change</th><th>WAL</th>"
          "<th>Periods that differ</th></tr>\n", out);
    for (int i = 0; i < r->n; i++) {
        const impact_payee *x = &r->v[i];
        fprintf(out, "<tr><td><a href=\"#impact-%d\">", i);
        html_escs(out, x->name);
        fprintf(out, "</a>%s%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s%s</td><td>",
                strcmp(x->kind, "class") ? ", " : "", strcmp(x->kind, "class") ? x->kind : "", money(a, x->total[0]),
                money(b, x->total[1]), x->total[1] >= x->total[0] ? "+" : "", money(c, x->total[1] - x->total[0]));
        if (*x->wal[0] || *x->wal[1]) {
            html_escs(out, *x->wal[0] ? x->wal[0] : "-");
            fputs(" &rarr; ", out);
            html_escs(out, *x->wal[1] ? x->wal[1] : "-");
        }
        fprintf(out, "</td><td class=\"num\">%d</td></tr>\n", x->nperiods);
    }
    fputs("</table>\n", out);
    for (int i = 0; i < r->n; i++) {
        const impact_payee *x = &r->v[i];
        int party = strcmp(x->kind, "class") != 0;
        fprintf(out, "<h3 id=\"impact-%d\">", i);
        html_escs(out, x->name);
        fprintf(out, "%s%s</h3>\n", party ? ", " : "", party ? x->kind : "");
        for (int s = 0; s < 2; s++)
            if (*x->not_repaid[s]) {
                fprintf(out, "<p class=\"note\">%s: ", s ? "After" : "Before");
                html_escs(out, x->not_repaid[s]);
                fputs(".</p>\n", out);
            }
        fprintf(out, "<table><tr><th>%s</th><th>Date</th>", r->projection ? "Period" : "Payment date");
        if (party) fputs("<th>Paid before</th><th>Paid after</th>", out);
        else fputs("<th>Principal before</th><th>Principal after</th><th>Interest before</th><th>Interest after</th>", out);
        fputs("</tr>\n", out);
        for (int k = 0; k < x->nperiods; k++) {
            const impact_period *q = &x->periods[k];
            fputs("<tr><td>", out);
            html_escs(out, q->period);
            fputs("</td><td>", out);
            html_escs(out, q->date);
            fprintf(out, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td>", money(a, q->prin[0]), money(b, q->prin[1]));
            if (!party) fprintf(out, "<td class=\"num\">%s</td><td class=\"num\">%s</td>", money(c, q->intr[0]), money(d, q->intr[1]));
            fputs("</tr>\n", out);
        }
        fputs("</table>\n", out);
    }
}
