/*
 * scenario.c — projection assumptions as written: command-line flags, a
 * scenario file of `key = value` lines mirroring them, vector files, and
 * their resolution into rt_assump values for one deal.
 *
 * Errors carry where the text came from: a flag is a usage error (exit 2),
 * a line of a file is "FILE:LINE:COL: error: ..." (exit 1), so a mistake in
 * a long scenario file is found without searching.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rt_scenario.h"

void rt_sc_init(rt_sc *s)
{
    memset(s, 0, sizeof *s);
}

void rt_sc_free(rt_sc *s)
{
    for (int i = 0; i < s->nfiles; i++)
        free(s->files[i]);
    memset(s, 0, sizeof *s);
}

void rt_sc_res_free(rt_sc_res *r)
{
    free(r->pp);
    free(r->df);
    free(r->pp_label);
    free(r->df_label);
    free(r->index);
    free(r->input);
    for (int i = 0; i < r->nstore; i++)
        free(r->store[i]);
    free(r->store);
    memset(r, 0, sizeof *r);
}

int rt_sc_fail(rt_sc_err *e, const rt_sc_origin *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->o = *o;
    /* the file name may live in a caller's buffer that is gone by the time
     * the error is reported: keep a copy with the error */
    if (o->file) {
        snprintf(e->file, sizeof e->file, "%s", o->file);
        e->o.file = e->file;
    }
    return 0;
}

static const char *const prepay_keys[] = {"cpr", "smm", "psa", "hep", "prepay-vector", NULL};
static const char *const default_keys[] = {"cdr", "sda", "default-vector", NULL};

static int in_list(const char *const *l, const char *k)
{
    for (; *l; l++)
        if (strcmp(*l, k) == 0)
            return 1;
    return 0;
}

static const char *const other_keys[] = {"severity", "recovery-lag", "advancing", "index", "index-vector",
                                         "input", "periods", "to-call", "to-maturity", "draw-rate", "draw-vector",
                                         NULL};

int rt_sc_is_key(const char *k)
{
    return in_list(prepay_keys, k) || in_list(default_keys, k) || in_list(other_keys, k);
}

const char *rt_sc_key_at(int i)
{
    const char *const *lists[] = {prepay_keys, default_keys, other_keys};
    for (int l = 0; l < 3; l++)
        for (const char *const *k = lists[l]; *k; k++)
            if (i-- == 0)
                return *k;
    return NULL;
}

int rt_sc_set(rt_sc *s, const char *key, const char *val, const rt_sc_origin *o, rt_sc_err *e)
{
    rt_sc_entry en = {key, val, *o};
    rt_sc_entry *slot = NULL;
    if (in_list(prepay_keys, key)) {
        if (s->prepay.key)
            return rt_sc_fail(e, o, "only one prepayment assumption (cpr, smm, psa, hep or prepay-vector); "
                                    "%s was already given", s->prepay.key);
        slot = &s->prepay;
    } else if (in_list(default_keys, key)) {
        if (s->dflt.key)
            return rt_sc_fail(e, o, "only one default assumption (cdr, sda or default-vector); %s was already given",
                              s->dflt.key);
        slot = &s->dflt;
    } else if (strcmp(key, "draw-rate") == 0 || strcmp(key, "draw-vector") == 0) {
        if (s->draw.key)
            return rt_sc_fail(e, o, "only one draw assumption (draw-rate or draw-vector); %s was already given",
                              s->draw.key);
        slot = &s->draw;
    } else if (strcmp(key, "severity") == 0) {
        slot = &s->severity;
    } else if (strcmp(key, "recovery-lag") == 0) {
        slot = &s->lag;
    } else if (strcmp(key, "advancing") == 0) {
        slot = &s->advancing;
    } else if (strcmp(key, "periods") == 0) {
        slot = &s->periods;
    } else if (strcmp(key, "to-call") == 0 || strcmp(key, "to-maturity") == 0) {
        if (s->call.key && strcmp(s->call.key, key) != 0)
            return rt_sc_fail(e, o, "to-call and to-maturity exclude each other");
        slot = &s->call;
    } else if (strcmp(key, "index") == 0 || strcmp(key, "index-vector") == 0 || strcmp(key, "input") == 0) {
        if (s->nnamed >= RT_SC_MAXNAMED)
            return rt_sc_fail(e, o, "too many index and input values (at most %d)", RT_SC_MAXNAMED);
        s->named[s->nnamed++] = en;
        return 1;
    } else {
        return rt_sc_fail(e, o, "unknown setting \"%s\"", key);
    }
    if (slot->key && slot != &s->call)
        return rt_sc_fail(e, o, "%s given twice", key);
    *slot = en;
    return 1;
}

/* flags win over the scenario file, setting by setting */
void rt_sc_merge(rt_sc *flags, const rt_sc *file)
{
    if (!flags->prepay.key)
        flags->prepay = file->prepay;
    if (!flags->dflt.key)
        flags->dflt = file->dflt;
    if (!flags->severity.key)
        flags->severity = file->severity;
    if (!flags->draw.key)
        flags->draw = file->draw;
    if (!flags->lag.key)
        flags->lag = file->lag;
    if (!flags->advancing.key)
        flags->advancing = file->advancing;
    if (!flags->periods.key)
        flags->periods = file->periods;
    if (!flags->call.key)
        flags->call = file->call;
    /* the file's named values first, so a flag naming the same input wins */
    rt_sc_entry tmp[RT_SC_MAXNAMED];
    int n = 0;
    for (int i = 0; i < file->nnamed && n < RT_SC_MAXNAMED; i++)
        tmp[n++] = file->named[i];
    for (int i = 0; i < flags->nnamed && n < RT_SC_MAXNAMED; i++)
        tmp[n++] = flags->named[i];
    memcpy(flags->named, tmp, (size_t)n * sizeof tmp[0]);
    flags->nnamed = n;
}

/* ---- the scenario file ----------------------------------------------------------- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

int rt_sc_read_file(rt_sc *s, const char *path, rt_sc_err *e)
{
    rt_sc_origin o = {path, 0, 0};
    char *text = NULL;
    size_t len = 0;
    rt_err re;
    if (!rt_read_file(path, &text, &len, &re))
        return rt_sc_fail(e, &o, "%s", re.msg);
    if (s->nfiles >= RT_SC_MAXFILES) {
        free(text);
        return rt_sc_fail(e, &o, "too many files");
    }
    s->files[s->nfiles++] = text;
    if (strlen(text) != len) {
        o.line = 1;
        for (size_t i = 0; i < len && text[i]; i++)
            o.line += text[i] == '\n';
        o.col = 1;
        return rt_sc_fail(e, &o, "a NUL byte in the file");
    }
    /* the directory, so vector files are found next to the scenario */
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path + 1) : 0;
    if (dl >= sizeof s->dir)
        dl = 0;
    memcpy(s->dir, path, dl);
    s->dir[dl] = '\0';

    char *cur = text, *p, *k;
    int line = 0;
    while ((k = rt_text_line(&cur, &line, &p))) {
        if (*k) {
            char *eq = strchr(k, '=');
            rt_sc_origin ko = {path, line, (int)(k - p) + 1};
            if (!eq)
                return rt_sc_fail(e, &ko, "expected KEY = VALUE");
            char *ke = eq;
            while (ke > k && is_blank(ke[-1]))
                ke--;
            *ke = '\0';
            char *v = eq + 1;
            while (is_blank(*v))
                v++;
            char *ve = v + strlen(v);
            while (ve > v && is_blank(ve[-1]))
                ve--;
            *ve = '\0';
            if (!rt_sc_is_key(k))
                return rt_sc_fail(e, &ko, "unknown setting \"%s\" (see docs/projection.md)", k);
            rt_sc_origin vo = {path, line, (int)(v - p) + 1};
            if (!*v)
                return rt_sc_fail(e, &vo, "%s needs a value", k);
            if (!rt_sc_set(s, k, v, &vo, e))
                return 0;
        }
    }
    return 1;
}

/* ---- values ------------------------------------------------------------------------- */

/* a percentage: "6", "6%", "0.25" all percent; returns the fraction */
static int pct_dec(const char *s, size_t n, rt_dec *out)
{
    rt_numtext info;
    rt_dec v;
    if (rt_dec_parse(s, n, &v, &info) != RT_PARSE_OK)
        return 0;
    *out = info.percent ? v : v / 100;
    return 1;
}

static double to_double(rt_dec v)
{
    return (double)(v / RT_SCALE) + (double)(v % RT_SCALE) / (double)RT_SCALE;
}

static int whole(const char *s, long lo, long hi, long *out)
{
    char *end;
    if (!*s || *s == '+' || *s == '-' || *s == ' ')
        return 0;
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

static void *keep(rt_sc_res *r, void *p)
{
    if (!p)
        return NULL;
    void **ns = realloc(r->store, (size_t)(r->nstore + 1) * sizeof *ns);
    if (!ns) {
        free(p);
        return NULL;
    }
    r->store = ns;
    r->store[r->nstore++] = p;
    return p;
}

/* path as written, relative to the scenario file's directory when it came
 * from one */
static const char *file_path(const rt_sc *s, const rt_sc_entry *en, char *buf, size_t n)
{
    if (!en->o.file || en->val[0] == '/' || !s->dir[0])
        return en->val;
    snprintf(buf, n, "%s%s", s->dir, en->val);
    return buf;
}

int rt_sc_read_vector(const char *path, rt_dec lo, rt_dec hi, const char *range, const char *what, rt_dec **out,
                      int32_t *n, rt_sc_err *e)
{
    rt_sc_origin o = {path, 0, 0};
    char *text = NULL;
    size_t len = 0;
    rt_err re;
    if (!rt_read_file(path, &text, &len, &re))
        return rt_sc_fail(e, &o, "%s", re.msg);
    int32_t cap = 64, cnt = 0;
    rt_dec *v = malloc((size_t)cap * sizeof *v);
    int ok = v != NULL;
    if (!ok)
        rt_sc_fail(e, &o, "out of memory");
    int line = 1;
    const char *ls = text;
    const char *p = text;
    int ramp = 0;          /* tokens still wanted by "ramp A B N" */
    rt_dec ramp_v[2] = {0, 0};
    rt_sc_origin ramp_o = o;
    while (ok && p < text + len) {
        char c = *p;
        if (c == '\n') {
            if (ramp) {
                o.line = ramp_o.line;
                o.col = ramp_o.col;
                ok = rt_sc_fail(e, &o, "ramp needs START END MONTHS on one line");
                break;
            }
            line++;
            ls = ++p;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
            p++;
            continue;
        }
        if (c == '#') {
            while (p < text + len && *p != '\n')
                p++;
            continue;
        }
        const char *t = p;
        while (p < text + len && !(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',' || *p == '#'))
            p++;
        size_t tl = (size_t)(p - t);
        o.line = line;
        o.col = (int)(t - ls) + 1;
        if (!ramp && tl == 4 && memcmp(t, "ramp", 4) == 0) {
            ramp = 3;
            ramp_o = o;
            continue;
        }
        rt_dec val = 0;
        long times = 1;
        if (ramp == 1) {
            char num[32];
            if (tl >= sizeof num || (memcpy(num, t, tl), num[tl] = '\0', !whole(num, 1, 100000, &times))) {
                ok = rt_sc_fail(e, &o, "expected the ramp's number of months (a whole number from 1)");
                break;
            }
        } else {
            const char *star = memchr(t, '*', tl);
            size_t vl = star ? (size_t)(star - t) : tl;
            char q[128];
            if (!pct_dec(t, vl, &val)) {
                rt_msg_quote(q, sizeof q, t, vl); /* a NUL or a control byte shows as \xNN */
                ok = rt_sc_fail(e, &o, "expected a rate in percent (6 or 6%%), found \"%s\"", q);
                break;
            }
            if (val < lo || val > hi) {
                char num[RT_NUMBUF];
                ok = rt_sc_fail(e, &o, "%s %s%% is outside %s", what, rt_fmt_percent_trim(num, val), range);
                break;
            }
            if (star) {
                char num[32];
                size_t cl = tl - vl - 1;
                if (ramp || cl == 0 || cl >= sizeof num ||
                    (memcpy(num, star + 1, cl), num[cl] = '\0', !whole(num, 1, 100000, &times))) {
                    o.col += (int)vl + 1;
                    ok = rt_sc_fail(e, &o, "expected a repeat count after '*' (a whole number from 1)");
                    break;
                }
            }
        }
        int32_t add = (int32_t)times;
        if (ramp == 3 || ramp == 2) {
            ramp_v[3 - ramp] = val;
            ramp--;
            continue;
        }
        if (cnt + add > 100000) {
            ok = rt_sc_fail(e, &o, "a vector holds at most 100000 values");
            break;
        }
        while (cnt + add > cap) {
            cap *= 2;
            rt_dec *nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv) {
                ok = rt_sc_fail(e, &o, "out of memory");
                break;
            }
            v = nv;
        }
        if (!ok)
            break;
        for (int32_t i = 0; i < add; i++) {
            if (ramp == 1)
                /* linear from START (first month) to END (last month) */
                v[cnt++] = add == 1 ? ramp_v[1]
                                    : ramp_v[0] + (ramp_v[1] - ramp_v[0]) * i / (add - 1);
            else
                v[cnt++] = val;
        }
        ramp = 0;
    }
    if (ok && ramp) {
        o = ramp_o;
        ok = rt_sc_fail(e, &o, "ramp needs START END MONTHS");
    }
    if (ok && cnt == 0) {
        o.line = 0;
        ok = rt_sc_fail(e, &o, "the vector has no values");
    }
    free(text);
    if (!ok) {
        free(v);
        return 0;
    }
    *out = v;
    *n = cnt;
    return 1;
}

/* ---- resolution ------------------------------------------------------------------------ */

static void fmt_pct(char *buf, size_t n, double f)
{
    char t[64];
    snprintf(t, sizeof t, "%.6f", f * 100);
    /* trim trailing zeros for a readable label: 6.000000 -> 6 */
    char *dot = strchr(t, '.');
    if (dot) {
        char *z = t + strlen(t) - 1;
        while (z > dot && *z == '0')
            *z-- = '\0';
        if (z == dot)
            *z = '\0';
    }
    /* copied by hand: the values are percents of at most 100000, far
     * shorter than any buffer used, and a truncating copy is still safe */
    size_t l = strlen(t);
    if (l >= n)
        l = n - 1;
    memcpy(buf, t, l);
    buf[l] = '\0';
}

/* One curve from "KEY VALUE" (a single item of a list). */
static int one_curve(const rt_sc *s, const rt_sc_entry *en, const char *item, size_t il, rt_curve *c,
                     char *label, size_t lsize, rt_sc_res *r, rt_sc_err *e)
{
    const char *k = en->key;
    char num[64];
    memset(c, 0, sizeof *c);
    if (strcmp(k, "prepay-vector") == 0 || strcmp(k, "default-vector") == 0 || strcmp(k, "draw-vector") == 0) {
        char pb[4096];
        const char *path = file_path(s, en, pb, sizeof pb);
        rt_dec *v;
        int32_t n;
        if (!rt_sc_read_vector(path, 0, RT_SCALE, "0% to 100%", k[0] == 'p' ? "CPR" : k[1] == 'r' ? "draw rate" : "CDR", &v, &n, e))
            return 0;
        double *dv = keep(r, malloc((size_t)n * sizeof *dv));
        if (!dv) {
            free(v);
            return rt_sc_fail(e, &en->o, "out of memory");
        }
        for (int32_t i = 0; i < n; i++)
            dv[i] = to_double(v[i]);
        free(v);
        c->kind = RT_CURVE_VECTOR;
        c->vec = dv;
        c->nvec = n;
        snprintf(label, lsize, "%s %s", k[0] == 'p' ? "CPR vector" : "CDR vector", en->val);
        return 1;
    }
    if (strcmp(k, "hep") == 0) {
        /* START,END,MONTHS */
        const char *p1 = memchr(item, ',', il);
        const char *p2 = p1 ? memchr(p1 + 1, ',', il - (size_t)(p1 + 1 - item)) : NULL;
        rt_dec a, b;
        long m;
        if (!p1 || !p2 || !pct_dec(item, (size_t)(p1 - item), &a) || !pct_dec(p1 + 1, (size_t)(p2 - p1 - 1), &b) ||
            (size_t)(item + il - p2 - 1) >= sizeof num ||
            (memcpy(num, p2 + 1, (size_t)(item + il - p2 - 1)), num[item + il - p2 - 1] = '\0',
             !whole(num, 1, 1200, &m)) ||
            a < 0 || b < 0 || a > RT_SCALE || b > RT_SCALE)
            return rt_sc_fail(e, &en->o, "hep needs START,END,MONTHS (percents and a whole number of months), "
                                         "found \"%.*s\"", (int)il, item);
        c->kind = RT_CURVE_RAMP;
        c->start = to_double(a);
        c->level = to_double(b);
        c->months = (int32_t)m;
        char x[40], y[40];
        fmt_pct(x, sizeof x, c->start);
        fmt_pct(y, sizeof y, c->level);
        snprintf(label, lsize, "HEP %s%%-%s%% CPR over %ld months", x, y, m);
        return 1;
    }
    rt_dec v;
    if (!pct_dec(item, il, &v) || v < 0)
        return rt_sc_fail(e, &en->o, "%s needs a percentage (such as 6 or 6%%), found \"%.*s\"", k, (int)il, item);
    double f = to_double(v);
    char x[32];
    fmt_pct(x, sizeof x, f);
    if (strcmp(k, "psa") == 0 || strcmp(k, "sda") == 0) {
        if (f > 100)
            return rt_sc_fail(e, &en->o, "%s %.*s is out of range", k, (int)il, item);
        c->kind = k[0] == 'p' ? RT_CURVE_PSA : RT_CURVE_SDA;
        c->level = f;
        snprintf(label, lsize, "%s%% %s", x, k[0] == 'p' ? "PSA" : "SDA");
        return 1;
    }
    if (f > 1)
        return rt_sc_fail(e, &en->o, "%s %.*s is above 100%%", k, (int)il, item);
    c->kind = strcmp(k, "smm") == 0 ? RT_CURVE_SMM : RT_CURVE_CPR;
    c->level = f;
    snprintf(label, lsize, "%s%% %s", x, strcmp(k, "smm") == 0 ? "SMM" : strcmp(k, "cpr") == 0 ? "CPR" : "CDR");
    return 1;
}

/* A list of curves: items split at ',' (hep items, which hold commas, at ';') */
static int curves(const rt_sc *s, const rt_sc_entry *en, int allow_list, rt_curve **out, char (**labels)[RT_SC_LABEL],
                  int *n, rt_sc_res *r, rt_sc_err *e, const char *deflt)
{
    rt_sc_entry zero = {deflt, "0", {NULL, 0, 0}};
    if (!en->key)
        en = &zero;
    int vector = strstr(en->key, "vector") != NULL;
    char sep = strcmp(en->key, "hep") == 0 ? ';' : ',';
    int cnt = 1;
    if (!vector)
        for (const char *p = en->val; *p; p++)
            cnt += *p == sep;
    if (cnt > 1 && !allow_list)
        return rt_sc_fail(e, &en->o, "%s takes one value here (lists are for grid)", en->key);
    if (cnt > RT_SC_MAXLIST)
        return rt_sc_fail(e, &en->o, "at most %d values in a list", RT_SC_MAXLIST);
    *out = calloc((size_t)cnt, sizeof **out);
    *labels = calloc((size_t)cnt, sizeof **labels);
    if (!*out || !*labels)
        return rt_sc_fail(e, &en->o, "out of memory");
    const char *p = en->val;
    for (int i = 0; i < cnt; i++) {
        const char *q = vector ? p + strlen(p) : strchr(p, sep);
        if (!q)
            q = p + strlen(p);
        while (p < q && *p == ' ')
            p++;
        if (!one_curve(s, en, p, (size_t)(q - p), &(*out)[i], (*labels)[i], RT_SC_LABEL, r, e))
            return 0;
        p = *q ? q + 1 : q;
    }
    *n = cnt;
    return 1;
}

static int32_t find_input(const rt_deal *d, const char *name, size_t n)
{
    for (int32_t i = 0; i < d->inputs.n; i++)
        if (strlen(d->inputs.v[i].name) == n && memcmp(d->inputs.v[i].name, name, n) == 0)
            return i;
    return -1;
}

static int input_value(const rt_deal *d, int32_t i, const char *s, rt_dec *out)
{
    rt_numtext info;
    rt_dec v;
    switch (d->inputs.v[i].unit) {
    case RT_UNIT_RATE:
        return pct_dec(s, strlen(s), out) && rt_rate_in_range(*out);
    case RT_UNIT_DATE: {
        int32_t day;
        if (!rt_date_parse(s, strlen(s), &day))
            return 0;
        *out = (rt_dec)day * RT_SCALE;
        return 1;
    }
    case RT_UNIT_BOOL:
        if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0)
            *out = RT_SCALE;
        else if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0)
            *out = 0;
        else
            return 0;
        return 1;
    default:
        if (rt_dec_parse(s, strlen(s), &v, &info) != RT_PARSE_OK || info.percent)
            return 0;
        if (d->inputs.v[i].unit == RT_UNIT_MONEY && info.decimals > 2)
            return 0;
        if (d->inputs.v[i].unit == RT_UNIT_COUNT && v % RT_SCALE != 0)
            return 0;
        *out = v;
        return 1;
    }
}

int rt_sc_resolve(const rt_deal *d, const rt_sc *s, int allow_lists, rt_sc_res *r, rt_sc_err *e)
{
    memset(r, 0, sizeof *r);
    rt_sc_origin none = {NULL, 0, 0};
    if (!curves(s, &s->prepay, allow_lists, &r->pp, &r->pp_label, &r->npp, r, e, "cpr") ||
        !curves(s, &s->dflt, allow_lists, &r->df, &r->df_label, &r->ndf, r, e, "cdr"))
        return 0;
    rt_assump *a = &r->a;
    a->prepay = r->pp[0];
    a->dflt = r->df[0];
    /* draws on revolving lines: none unless asked for (docs/projection.md) */
    snprintf(r->draw_label, sizeof r->draw_label, "no draws");
    if (s->draw.key) {
        int vec = strcmp(s->draw.key, "draw-vector") == 0;
        if (!vec && strchr(s->draw.val, ','))
            return rt_sc_fail(e, &s->draw.o, "draw-rate takes one value (a vector of rates: draw-vector FILE)");
        char ignored[RT_SC_LABEL];
        if (!one_curve(s, &s->draw, s->draw.val, strlen(s->draw.val), &a->draw, ignored, sizeof ignored, r, e))
            return 0;
        if (vec)
            snprintf(r->draw_label, sizeof r->draw_label, "draw vector %s of the undrawn limit", s->draw.val);
        else {
            char x[32];
            fmt_pct(x, sizeof x, a->draw.level);
            snprintf(r->draw_label, sizeof r->draw_label, "draw %s%% of the undrawn limit a year", x);
        }
    }
    rt_dec v;
    if (s->severity.key) {
        if (!pct_dec(s->severity.val, strlen(s->severity.val), &v) || v < 0 || v > RT_SCALE)
            return rt_sc_fail(e, &s->severity.o, "severity needs a percentage from 0 to 100, found \"%s\"",
                              s->severity.val);
        a->severity = to_double(v);
    }
    long m;
    if (s->lag.key) {
        if (!whole(s->lag.val, 0, RT_SC_MAXLAG, &m))
            return rt_sc_fail(e, &s->lag.o, "recovery-lag needs a whole number of months from 0 to %d, found \"%s\"",
                              RT_SC_MAXLAG, s->lag.val);
        a->lag = (int32_t)m;
    }
    a->advancing = 1;
    if (s->advancing.key) {
        if (strcmp(s->advancing.val, "on") == 0)
            a->advancing = 1;
        else if (strcmp(s->advancing.val, "off") == 0)
            a->advancing = 0;
        else
            return rt_sc_fail(e, &s->advancing.o, "advancing is on or off, found \"%s\"", s->advancing.val);
    }
    if (s->periods.key) {
        if (!whole(s->periods.val, 1, RT_SC_MAXPERIODS, &m))
            return rt_sc_fail(e, &s->periods.o, "periods needs a whole number from 1 to %d, found \"%s\"",
                              RT_SC_MAXPERIODS, s->periods.val);
        a->periods = (int32_t)m;
    }
    if (s->call.key) {
        int yes;
        if (strcmp(s->call.val, "yes") == 0)
            yes = 1;
        else if (strcmp(s->call.val, "no") == 0)
            yes = 0;
        else
            return rt_sc_fail(e, &s->call.o, "%s is yes or no, found \"%s\"", s->call.key, s->call.val);
        a->to_call = strcmp(s->call.key, "to-call") == 0 ? yes : !yes;
    }

    int32_t ni = d->inputs.n;
    r->index = calloc((size_t)ni + 1, sizeof *r->index);
    r->input = calloc((size_t)ni + 1, sizeof *r->input);
    int *given = calloc((size_t)ni + 1, sizeof *given);
    if (!r->index || !r->input || !given) {
        free(given);
        return rt_sc_fail(e, &none, "out of memory");
    }
    int ok = 1;
    for (int i = 0; ok && i < s->nnamed; i++) {
        const rt_sc_entry *en = &s->named[i];
        const char *eq = strchr(en->val, '=');
        if (!eq) {
            ok = rt_sc_fail(e, &en->o, "%s needs NAME=%s, found \"%s\"", en->key,
                            strcmp(en->key, "index-vector") == 0 ? "FILE" : strcmp(en->key, "index") == 0 ? "RATE" : "VALUE",
                            en->val);
            break;
        }
        int32_t k = find_input(d, en->val, (size_t)(eq - en->val));
        if (k < 0) {
            ok = rt_sc_fail(e, &en->o, "the deal has no input \"%.*s\" (describe lists them)", (int)(eq - en->val),
                            en->val);
            break;
        }
        const char *val = eq + 1;
        if (strcmp(en->key, "input") == 0) {
            if (!input_value(d, k, val, &v)) {
                ok = rt_sc_fail(e, &en->o,
                                d->inputs.v[k].unit == RT_UNIT_RATE
                                    ? "input \"%s\": \"%s\" is not a rate from %s"
                                    : "input \"%s\": \"%s\" is not a valid value%.0s",
                                d->inputs.v[k].name, val, RT_RATE_RANGE);
                break;
            }
            r->input[k] = v;
            r->index[k].n = 0;
        } else {
            if (d->inputs.v[k].unit != RT_UNIT_RATE) {
                ok = rt_sc_fail(e, &en->o, "input \"%s\" is not a rate, so it cannot be an index", d->inputs.v[k].name);
                break;
            }
            if (strcmp(en->key, "index") == 0) {
                rt_dec *one = keep(r, malloc(sizeof *one));
                if (!one || !pct_dec(val, strlen(val), one)) {
                    ok = rt_sc_fail(e, &en->o, "index \"%s\" needs a rate in percent, found \"%s\"",
                                    d->inputs.v[k].name, val);
                    break;
                }
                r->index[k].values = one;
                r->index[k].n = 1;
            } else {
                rt_sc_entry fe = *en;
                fe.val = val;
                char pb[4096];
                rt_dec *vec;
                int32_t n;
                char what[RT_SC_LABEL];
                snprintf(what, sizeof what, "index \"%s\"", d->inputs.v[k].name);
                if (!rt_sc_read_vector(file_path(s, &fe, pb, sizeof pb), RT_RATE_MIN, RT_RATE_MAX, RT_RATE_RANGE, what,
                                       &vec, &n, e)) {
                    ok = 0;
                    break;
                }
                keep(r, vec);
                r->index[k].values = vec;
                r->index[k].n = n;
            }
            /* an index drives adjustable loans' rates; one outside -100%
             * to 1,000% is a typing slip, and would take the engine's
             * interest past what it can hold (a vector's values were
             * checked where they were read, at their line and column) */
            for (int32_t j = 0; ok && j < r->index[k].n; j++)
                if (!rt_rate_in_range(r->index[k].values[j])) {
                    char num[RT_NUMBUF];
                    ok = rt_sc_fail(e, &en->o, "index \"%s\": %s%% (month %d) is outside %s", d->inputs.v[k].name,
                                    rt_fmt_percent_trim(num, r->index[k].values[j]), (int)j + 1, RT_RATE_RANGE);
                }
            if (!ok)
                break;
            r->input[k] = r->index[k].values[0];
        }
        given[k] = 1;
    }
    for (int32_t k = 0; ok && k < ni; k++)
        if (!given[k]) {
            r->missing = k;
            ok = rt_sc_fail(e, &none,
                            d->inputs.v[k].unit == RT_UNIT_RATE
                                ? "the deal's input \"%s\" needs a value: --index \"%s=RATE\" or --input \"%s=VALUE\""
                                : "the deal's input \"%s\" needs a value: --input \"%s=VALUE\"%.0s",
                            d->inputs.v[k].name, d->inputs.v[k].name, d->inputs.v[k].name);
        }
    free(given);
    a->index = r->index;
    a->input = r->input;
    return ok;
}
