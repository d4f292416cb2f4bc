/* impact.c — see impact.h. */
#include "impact.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "html.h"

/* ---- one version's figures ---- */

typedef struct vrow { char period[32], date[16]; long long prin, intr, bal; } vrow;
typedef struct vpayee {
    char name[128];
    int party;
    vrow *v;
    int n, cap;
    char wal[32];
    long long summary_prin;
    int has_summary;
} vpayee;
typedef struct version {
    vpayee *p;
    int n, cap;
    long long pool_end;     /* projections: the pools' balance after the last period */
    int has_pool;
    char last_date[16];
} version;

static long long cents_of(const char *s)
{
    long long v = 0, sign = 1, frac = 0;
    int fd = -1;
    while (*s == ' ') s++;
    if (*s == '-') { sign = -1; s++; }
    for (; *s; s++) {
        if (*s == ',') continue;
        if (*s == '.') { fd = 0; continue; }
        if (*s < '0' || *s > '9') break;
        if (fd >= 0) { if (fd < 2) { frac = frac * 10 + (*s - '0'); fd++; } }
        else v = v * 10 + (*s - '0');
    }
    if (fd < 0) fd = 0;
    while (fd < 2) { frac *= 10; fd++; }
    return sign * (v * 100 + frac);
}

/* the fields of one csv line (RFC 4180 quoting), at most max */
static int csv_fields(const char *line, char f[][160], int max)
{
    int n = 0;
    const char *p = line;
    while (n < max) {
        size_t o = 0;
        if (*p == '"') {
            p++;
            while (*p && *p != '\n') {
                if (*p == '"' && p[1] == '"') { if (o < 159) f[n][o++] = '"'; p += 2; continue; }
                if (*p == '"') { p++; break; }
                if (o < 159) f[n][o++] = *p;
                p++;
            }
        }
        while (*p && *p != ',' && *p != '\n') { if (o < 159) f[n][o++] = *p; p++; }
        f[n++][o] = 0;
        if (*p != ',') break;
        p++;
    }
    return n;
}

static vpayee *payee(version *v, const char *name, int party)
{
    for (int i = v->n - 1; i >= 0; i--)
        if (v->p[i].party == party && strcmp(v->p[i].name, name) == 0) return &v->p[i];
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 32;
        v->p = realloc(v->p, sizeof *v->p * (size_t)v->cap);
    }
    vpayee *p = &v->p[v->n++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->party = party;
    return p;
}

static vrow *row(vpayee *p, const char *period)
{
    if (p->n && strcmp(p->v[p->n - 1].period, period) == 0) return &p->v[p->n - 1];
    for (int i = p->n - 1; i >= 0 && i >= p->n - 8; i--)
        if (strcmp(p->v[i].period, period) == 0) return &p->v[i];
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = realloc(p->v, sizeof *p->v * (size_t)p->cap);
    }
    vrow *r = &p->v[p->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->period, sizeof r->period, "%.31s", period);
    return r;
}

/* a replay's statements ("DATE,class,C,principal,V", "DATE,party,P,paid,V")
 * or a projection's tables ("Class C,N,Principal,V", "Summary,C,WAL,V",
 * "Collateral G,N,Ending,V") */
static int read_version(version *v, const char *csv, int *projection)
{
    char f[5][160];
    for (const char *l = csv; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        int n = csv_fields(l, f, 5);
        if (n == 4 && strncmp(f[0], "Class ", 6) == 0) {
            *projection = 1;
            if (strcmp(f[1], "Total") == 0) continue;
            vrow *r = row(payee(v, f[0] + 6, 0), f[1]);
            if (strcmp(f[2], "Date") == 0) snprintf(r->date, sizeof r->date, "%.15s", f[3]);
            else if (strcmp(f[2], "Principal") == 0) r->prin = cents_of(f[3]);
            else if (strcmp(f[2], "Interest") == 0) r->intr = cents_of(f[3]);
            else if (strcmp(f[2], "Balance") == 0) r->bal = cents_of(f[3]);
        } else if (n == 4 && strcmp(f[0], "Summary") == 0) {
            vpayee *p = payee(v, f[1], 0);
            if (strcmp(f[2], "WAL") == 0) snprintf(p->wal, sizeof p->wal, "%.31s", f[3]);
            if (strcmp(f[2], "Principal") == 0) { p->summary_prin = cents_of(f[3]); p->has_summary = 1; }
        } else if (n == 5 && strcmp(f[1], "class") == 0) {
            vrow *r = row(payee(v, f[2], 0), f[0]);
            snprintf(r->date, sizeof r->date, "%.15s", f[0]);
            if (strcmp(f[3], "principal") == 0) r->prin = cents_of(f[4]);
            else if (strcmp(f[3], "interest") == 0) r->intr = cents_of(f[4]);
            else if (strcmp(f[3], "ending_balance") == 0) r->bal = cents_of(f[4]);
        } else if (n == 5 && strcmp(f[1], "party") == 0 && strcmp(f[3], "paid") == 0) {
            vrow *r = row(payee(v, f[2], 1), f[0]);
            snprintf(r->date, sizeof r->date, "%.15s", f[0]);
            r->prin = cents_of(f[4]);
        }
    }
    return v->n > 0;
}

/* the pools' balance after the last period: the last "Ending" of each group */
static void read_pool_end(version *v, const char *csv)
{
    char f[5][160], group[160] = "";
    long long sum = 0, last = 0;
    int any = 0;
    for (const char *l = csv; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, "Collateral ", 11) != 0) continue;
        int n = csv_fields(l, f, 5);
        if (n != 4 || strcmp(f[2], "Ending") != 0 || strcmp(f[1], "Total") == 0 || !*f[3]) continue;
        if (strcmp(group, f[0]) != 0) {
            if (any) sum += last;
            snprintf(group, sizeof group, "%s", f[0]);
            any = 1;
        }
        last = cents_of(f[3]);
    }
    if (any) {
        v->pool_end = sum + last;
        v->has_pool = 1;
    }
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

static void put_cents_buf(char *buf, size_t n, long long c)
{
    char d[32], r[48];
    long long a = c < 0 ? -c : c;
    snprintf(d, sizeof d, "%lld", a / 100);
    size_t len = strlen(d), o = 0;
    if (c < 0) r[o++] = '-';
    for (size_t i = 0; i < len; i++) {
        r[o++] = d[i];
        if ((len - 1 - i) % 3 == 0 && i < len - 1) r[o++] = ',';
    }
    r[o++] = '.';
    r[o++] = (char)('0' + a % 100 / 10);
    r[o++] = (char)('0' + a % 10);
    r[o] = 0;
    snprintf(buf, n, "%s", r);
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

int impact_compare(impact_report *r, const char *old_csv, const char *new_csv, const ast_deal *d)
{
    memset(r, 0, sizeof *r);
    version v[2] = { { 0 }, { 0 } };
    int proj = 0;
    int ok = read_version(&v[0], old_csv, &proj) & read_version(&v[1], new_csv, &proj);
    r->projection = proj;
    if (proj) {
        read_pool_end(&v[0], old_csv);
        read_pool_end(&v[1], new_csv);
    }
    int cap = v[0].n + v[1].n + 1;
    r->v = calloc((size_t)cap, sizeof *r->v);
    /* classes, then parties, in the order the old version lists them, then
     * any only the new one has */
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
                snprintf(x->name, sizeof x->name, "%s", a->name);
                x->kind = "class";
                if (a->party) {
                    x->kind = "party";
                    for (int k = 0; d && k < d->decls.n; k++) {
                        const ast_decl *dd = d->decls.v[k];
                        if (dd->kind == DK_RESIDUAL && strcmp(dd->name, a->name) == 0) x->kind = "residual";
                    }
                }
                int np = (o ? o->n : 0) + (nw ? nw->n : 0);
                x->periods = calloc((size_t)np + 1, sizeof *x->periods);
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
                    int io = 0;
                    for (int k = 0; d && k < d->classes.n; k++) {
                        const ast_class *c = d->classes.v[k];
                        if (c->notional && strcmp(c->name, a->name) == 0) io = 1;
                    }
                    if (proj && !a->party && !io)
                        why_not_repaid(x->not_repaid[s], sizeof x->not_repaid[s], sides[s], &v[s],
                                       sides[1 - s] && !outstanding(sides[1 - s]));
                }
                /* a projection's period 0 is the start, not a payment */
                int counted = o ? o->n - (proj && o->n && strcmp(o->v[0].period, "0") == 0) : 0;
                if (r->nperiods < counted) r->nperiods = counted;
                if (x->nperiods) r->n++;
                else free(x->periods);
            }
    free_version(&v[0]);
    free_version(&v[1]);
    return ok;
}

void impact_free(impact_report *r)
{
    for (int i = 0; i < r->n; i++) free(r->v[i].periods);
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

static void jstr(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static void jmoney(FILE *out, long long c)
{
    long long a = c < 0 ? -c : c;
    fprintf(out, "\"%s%lld.%02lld\"", c < 0 ? "-" : "", a / 100, a % 100);
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
