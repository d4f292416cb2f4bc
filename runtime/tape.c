/*
 * tape.c — a loan tape: a CSV with one loan a row and the collateral
 * fields as columns, replacing the deal's declared representative lines
 * for a projection (`--tape FILE`). Loan by loan, the projection can also
 * report how many loans are still active.
 *
 * The reader is strict in the remittance reader's way: unknown or repeated
 * columns, a missing required column, a bad value or an unknown group is an
 * error at its line and column, and nothing is replaced unless the whole
 * tape is good.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_scenario.h"

enum { KIND_MONEY, KIND_RATE, KIND_MONTHS, KIND_INDEX };

static const struct {
    const char *name;
    int field, kind;
} cols[] = {
#define RT_TAPE_COL(n, s) {s, RT_L_##n, 0},
    RT_COLLATERAL_FIELDS(RT_TAPE_COL)
#undef RT_TAPE_COL
};

static int kind_of(int field)
{
    switch (field) {
    case RT_L_BALANCE: return KIND_MONEY;
    case RT_L_GROSS_RATE:
    case RT_L_NET_RATE:
    case RT_L_MARGIN:
    case RT_L_PERIODIC_CAP:
    case RT_L_LIFE_CAP:
    case RT_L_LIFE_FLOOR: return KIND_RATE;
    case RT_L_INDEX: return KIND_INDEX;
    default: return KIND_MONTHS;
    }
}

/* header names match ignoring case, with ' ', '-' and '_' alike */
static void norm(char *out, size_t n, const char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        char c = s[i];
        out[o++] = (c == ' ' || c == '-') ? '_' : (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[o] = '\0';
}

static int fail(rt_sc_err *e, const char *path, const rt_csv_field *f, const char *fmt, const char *a,
                const char *b)
{
    rt_sc_origin o = {path, f ? f->line : 0, f ? f->col : 0};
    return rt_sc_fail(e, &o, fmt, a, b);
}

int rt_tape_load(rt_deal *d, const char *path, rt_sc_err *e)
{
    char *text = NULL;
    size_t len = 0;
    rt_err re;
    rt_csv c;
    memset(&c, 0, sizeof c);
    if (!rt_read_file(path, &text, &len, &re) || !rt_csv_parse(text, len, &c, &re)) {
        rt_sc_origin o = {path, re.line, re.col};
        free(text);
        return rt_sc_fail(e, &o, "%s", re.msg);
    }
    int ok = 1;
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    int32_t at[NCOLS + 1]; /* file position of each field; NCOLS: group */
    for (int i = 0; i <= NCOLS; i++)
        at[i] = -1;
    rt_collateral_line *lines = NULL;
    int32_t n = 0;
    if (c.nr == 0) {
        ok = fail(e, path, NULL, "the tape is empty%s%s", "", "");
        goto done;
    }
    const rt_csv_rec *h = &c.r[0];
    for (int32_t k = 0; ok && k < h->n; k++) {
        const rt_csv_field *f = &c.f[h->first + k];
        char name[64];
        norm(name, sizeof name, f->text, f->len);
        int which = -1;
        if (strcmp(name, "group") == 0)
            which = NCOLS;
        for (int i = 0; which < 0 && i < NCOLS; i++)
            if (strcmp(name, cols[i].name) == 0)
                which = i;
        if (which < 0)
            ok = fail(e, path, f, "unknown column \"%s\" (docs/projection.md lists the tape's columns)%s", name, "");
        else if (at[which] >= 0)
            ok = fail(e, path, f, "column \"%s\" appears twice%s", name, "");
        else
            at[which] = k;
    }
    static const int required[] = {NCOLS, RT_L_BALANCE, RT_L_GROSS_RATE, RT_L_NET_RATE};
    for (size_t i = 0; ok && i < sizeof required / sizeof required[0]; i++)
        if (at[required[i]] < 0) {
            rt_csv_field hf = {NULL, 0, h->line, 1};
            ok = fail(e, path, &hf, "missing column \"%s\"%s", required[i] == NCOLS ? "group" : cols[required[i]].name,
                      "");
        }
    if (ok && at[RT_L_ORIGINAL_TERM] < 0 && at[RT_L_REMAINING_TERM] < 0) {
        rt_csv_field hf = {NULL, 0, h->line, 1};
        ok = fail(e, path, &hf, "the tape needs a column \"%s\" or \"%s\"", "original_term", "remaining_term");
    }
    if (!ok)
        goto done;
    lines = calloc((size_t)c.nr, sizeof *lines);
    if (!lines) {
        ok = fail(e, path, NULL, "out of memory%s%s", "", "");
        goto done;
    }
    for (int32_t r = 1; ok && r < c.nr; r++) {
        const rt_csv_rec *rec = &c.r[r];
        rt_collateral_line *L = &lines[n];
        memset(L, 0, sizeof *L);
        L->field[RT_L_INDEX] = -RT_SCALE;
        if (rec->n != h->n) {
            rt_csv_field rf = {NULL, 0, rec->line, 1};
            ok = fail(e, path, &rf, "this row has a different number of fields from the header%s%s", "", "");
            break;
        }
        const rt_csv_field *gf = &c.f[rec->first + at[NCOLS]];
        L->group = -1;
        for (int32_t g = 0; g < d->groups.n; g++)
            if (strlen(d->groups.v[g]) == gf->len && memcmp(d->groups.v[g], gf->text, gf->len) == 0)
                L->group = g;
        if (L->group < 0) {
            ok = fail(e, path, gf, "the deal has no group \"%s\"%s", gf->text, "");
            break;
        }
        for (int i = 0; ok && i < NCOLS; i++) {
            if (at[i] < 0)
                continue;
            const rt_csv_field *f = &c.f[rec->first + at[i]];
            if (f->len == 0)
                continue;
            rt_dec v;
            rt_numtext info;
            int kind = kind_of(cols[i].field);
            if (kind == KIND_INDEX) {
                int32_t k = -1;
                for (int32_t j = 0; j < d->inputs.n; j++)
                    if (strlen(d->inputs.v[j].name) == f->len && memcmp(d->inputs.v[j].name, f->text, f->len) == 0)
                        k = j;
                if (k < 0 || d->inputs.v[k].unit != RT_UNIT_RATE)
                    ok = fail(e, path, f, "index \"%s\" is not one of the deal's rate inputs%s", f->text, "");
                else
                    L->field[RT_L_INDEX] = (rt_dec)k * RT_SCALE;
                continue;
            }
            int pr = rt_dec_parse(f->text, f->len, &v, &info);
            if (pr != RT_PARSE_OK || v < 0) {
                ok = fail(e, path, f, "bad value \"%s\" in column \"%s\"", f->text, cols[i].name);
                break;
            }
            if (kind == KIND_MONEY && (info.decimals > 2 || info.percent))
                ok = fail(e, path, f, "bad amount \"%s\" in column \"%s\" (at most 2 decimals)", f->text, cols[i].name);
            else if (kind == KIND_MONTHS && (v % RT_SCALE != 0 || info.percent || v > 1200 * RT_SCALE))
                ok = fail(e, path, f, "bad number of months \"%s\" in column \"%s\"", f->text, cols[i].name);
            else if (kind == KIND_RATE) {
                v = info.percent ? v : v / 100; /* a rate is a percent, with or without its sign */
                if (!rt_rate_in_range(v)) {
                    char q[128], m[RT_ERRMAX];
                    rt_msg_quote(q, sizeof q, f->text, f->len);
                    snprintf(m, sizeof m, "rate \"%s\" in column \"%s\" is outside %s", q, cols[i].name, RT_RATE_RANGE);
                    ok = fail(e, path, f, "%s%s", m, "");
                }
            }
            L->field[cols[i].field] = v;
        }
        if (ok && L->field[RT_L_NET_RATE] > L->field[RT_L_GROSS_RATE]) {
            const rt_csv_field *f = &c.f[rec->first + at[RT_L_NET_RATE]];
            ok = fail(e, path, f, "net rate \"%s\" is above the gross rate%s", f->text, "");
        }
        if (ok)
            n++;
    }
    if (ok && n == 0)
        ok = fail(e, path, NULL, "the tape has no loans%s%s", "", "");
    if (ok) {
        /* all good: the tape replaces the declared lines */
        free(d->collateral.v);
        d->collateral.v = lines;
        d->collateral.n = n;
        d->collateral.cap = c.nr;
        d->collateral_is_tape = 1;
        lines = NULL;
    }
done:
    free(lines);
    rt_csv_free(&c);
    free(text);
    return ok;
}
