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
    case RT_L_BALANCE:
    case RT_L_CREDIT_LIMIT: return KIND_MONEY;
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

/* one loan's row into L; 0 (e set) when it is bad */
static int read_loan(rt_deal *d, const char *path, const rt_csv_reader *c, const int32_t *at, int32_t ncols,
                     rt_collateral_line *L, rt_sc_err *e)
{
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    memset(L, 0, sizeof *L);
    L->field[RT_L_INDEX] = -RT_SCALE;
    if (c->nf != ncols) {
        rt_csv_field rf = {NULL, 0, c->rec_line, 1};
        return fail(e, path, &rf, "this row has a different number of fields from the header%s%s", "", "");
    }
    const rt_csv_field *gf = &c->field[at[NCOLS]];
    L->group = -1;
    for (int32_t g = 0; g < d->groups.n; g++)
        if (strlen(d->groups.v[g]) == gf->len && memcmp(d->groups.v[g], gf->text, gf->len) == 0)
            L->group = g;
    if (L->group < 0) {
        char q[128];
        rt_msg_quote(q, sizeof q, gf->text, gf->len);
        return fail(e, path, gf, "the deal has no group \"%s\"%s", q, "");
    }
    for (int i = 0; i < NCOLS; i++) {
        if (at[i] < 0)
            continue;
        const rt_csv_field *f = &c->field[at[i]];
        if (f->len == 0)
            continue;
        rt_dec v;
        rt_numtext info;
        char q[128];
        rt_msg_quote(q, sizeof q, f->text, f->len);
        int kind = kind_of(cols[i].field);
        if (kind == KIND_INDEX) {
            int32_t k = -1;
            for (int32_t j = 0; j < d->inputs.n; j++)
                if (strlen(d->inputs.v[j].name) == f->len && memcmp(d->inputs.v[j].name, f->text, f->len) == 0)
                    k = j;
            if (k < 0 || d->inputs.v[k].unit != RT_UNIT_RATE)
                return fail(e, path, f, "index \"%s\" is not one of the deal's rate inputs%s", q, "");
            L->field[RT_L_INDEX] = (rt_dec)k * RT_SCALE;
            continue;
        }
        int pr = rt_dec_parse(f->text, f->len, &v, &info);
        if (pr != RT_PARSE_OK || v < 0)
            return fail(e, path, f, "bad value \"%s\" in column \"%s\"", q, cols[i].name);
        if (kind == KIND_MONEY && (info.decimals > 2 || info.percent))
            return fail(e, path, f, "bad amount \"%s\" in column \"%s\" (at most 2 decimals)", q, cols[i].name);
        if (kind == KIND_MONEY && v > RT_LINE_MAX)
            return fail(e, path, f, "amount \"%s\" in column \"%s\" is above the most a loan may be, " RT_LINE_MAX_TEXT,
                        q, cols[i].name);
        if (kind == KIND_MONTHS && (v % RT_SCALE != 0 || info.percent || v > 1200 * RT_SCALE))
            return fail(e, path, f, "bad number of months \"%s\" in column \"%s\"", q, cols[i].name);
        if (kind == KIND_RATE) {
            v = info.percent ? v : v / 100; /* a rate is a percent, with or without its sign */
            if (!rt_rate_in_range(v)) {
                char m[RT_ERRMAX];
                snprintf(m, sizeof m, "rate \"%s\" in column \"%s\" is outside %s", q, cols[i].name, RT_RATE_RANGE);
                return fail(e, path, f, "%s%s", m, "");
            }
        }
        L->field[cols[i].field] = v;
    }
    if (L->field[RT_L_NET_RATE] > L->field[RT_L_GROSS_RATE]) {
        const rt_csv_field *f = &c->field[at[RT_L_NET_RATE]];
        char q[128];
        rt_msg_quote(q, sizeof q, f->text, f->len);
        return fail(e, path, f, "net rate \"%s\" is above the gross rate%s", q, "");
    }
    return 1;
}

/* The tape is read a row at a time (rt_csv_reader): what is held is the
 * loans read so far, never the file's text. */
static int tape_from(rt_deal *d, const char *path, rt_csv_reader *cr, rt_sc_err *e)
{
    rt_err re;
    rt_csv_reader c = *cr;
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    int32_t at[NCOLS + 1]; /* file position of each field; NCOLS: group */
    for (int i = 0; i <= NCOLS; i++)
        at[i] = -1;
    rt_collateral_line *lines = NULL;
    int32_t n = 0, cap = 0, ncols = 0;
    int ok = 1, rc = rt_csv_next(&c, &re);
    if (rc <= 0) {
        rt_sc_origin o = {path, re.line, re.col};
        ok = rc < 0 ? rt_sc_fail(e, &o, "%s", re.msg) : fail(e, path, NULL, "the tape is empty%s%s", "", "");
        goto done;
    }
    ncols = c.nf;
    for (int32_t k = 0; ok && k < c.nf; k++) {
        const rt_csv_field *f = &c.field[k];
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
            rt_csv_field hf = {NULL, 0, c.rec_line, 1};
            ok = fail(e, path, &hf, "missing column \"%s\"%s", required[i] == NCOLS ? "group" : cols[required[i]].name,
                      "");
        }
    if (ok && at[RT_L_ORIGINAL_TERM] < 0 && at[RT_L_REMAINING_TERM] < 0) {
        rt_csv_field hf = {NULL, 0, c.rec_line, 1};
        ok = fail(e, path, &hf, "the tape needs a column \"%s\" or \"%s\"", "original_term", "remaining_term");
    }
    while (ok && (rc = rt_csv_next(&c, &re)) > 0) {
        if (n == cap) {
            int32_t nc = cap ? 2 * cap : 64;
            rt_collateral_line *p = realloc(lines, (size_t)nc * sizeof *p);
            if (!p) {
                ok = fail(e, path, NULL, "out of memory%s%s", "", "");
                break;
            }
            lines = p;
            cap = nc;
        }
        if (!read_loan(d, path, &c, at, ncols, &lines[n], e))
            ok = 0;
        else
            n++;
    }
    if (ok && rc < 0) {
        rt_sc_origin o = {path, re.line, re.col};
        ok = rt_sc_fail(e, &o, "%s", re.msg);
    }
    if (ok && n == 0)
        ok = fail(e, path, NULL, "the tape has no loans%s%s", "", "");
    if (ok) {
        /* all good: the tape replaces the declared lines */
        free(d->collateral.v);
        d->collateral.v = lines;
        d->collateral.n = n;
        d->collateral.cap = cap;
        d->collateral_is_tape = 1;
        lines = NULL;
    }
done:
    free(lines);
    *cr = c;
    return ok;
}

int rt_tape_load(rt_deal *d, const char *path, rt_sc_err *e)
{
    rt_err re;
    rt_csv_reader c;
    if (!rt_csv_open_file(&c, path, &re)) {
        rt_sc_origin o = {path, re.line, re.col};
        return rt_sc_fail(e, &o, "%s", re.msg);
    }
    int ok = tape_from(d, path, &c, e);
    rt_csv_close(&c);
    return ok;
}

int rt_tape_parse(rt_deal *d, const char *name, const char *text, size_t len, rt_sc_err *e)
{
    rt_csv_reader c;
    rt_csv_open_text(&c, text, len);
    int ok = tape_from(d, name, &c, e);
    rt_csv_close(&c);
    return ok;
}
