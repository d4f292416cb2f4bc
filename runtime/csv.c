/*
 * csv.c — the remittance CSV: an RFC 4180 tokenizer that keeps line:column
 * for every field, and the reader that turns the rows into one rt_period_in
 * per payment date, checked against the deal and the opening state.
 *
 * The remittance file is typed in or exported by hand from a servicer's
 * report, so every check aims at naming the exact cell that is wrong and
 * what was expected there; a mistake must never become a silent zero.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

/* ---- tokenizer --------------------------------------------------------------- */

void rt_csv_free(rt_csv *c)
{
    free(c->store);
    free(c->f);
    free(c->r);
    memset(c, 0, sizeof *c);
}

static int add_field(rt_csv *c, const char *text, size_t len, int line, int col)
{
    if (c->nf == c->capf) {
        int32_t nc = c->capf ? c->capf * 2 : 64;
        if (nc < c->capf) /* cannot happen within the input size cap */
            return 0;
        rt_csv_field *p = realloc(c->f, (size_t)nc * sizeof *p);
        if (!p)
            return 0;
        c->f = p;
        c->capf = nc;
    }
    c->f[c->nf++] = (rt_csv_field){text, len, line, col};
    return 1;
}

static int add_rec(rt_csv *c, int32_t first, int32_t n, int line)
{
    if (c->nr == c->capr) {
        int32_t nc = c->capr ? c->capr * 2 : 64;
        rt_csv_rec *p = realloc(c->r, (size_t)nc * sizeof *p);
        if (!p)
            return 0;
        c->r = p;
        c->capr = nc;
    }
    c->r[c->nr++] = (rt_csv_rec){first, n, line};
    return 1;
}

int rt_csv_parse(const char *s, size_t len, rt_csv *c, rt_err *e)
{
    memset(c, 0, sizeof *c);
    /* unescaped text is never longer than the input; one NUL per field */
    if (len > ((size_t)-1 - 2) / 2 || !(c->store = malloc(2 * len + 2))) {
        rt_err_set(e, 0, 0, "out of memory");
        return 0;
    }
    char *w = c->store;
    size_t i = 0;
    int line = 1, col = 1;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        int32_t first = c->nf;
        int rec_line = line;
        int blank = 1;
        for (;;) { /* one field */
            int fline = line, fcol = col;
            char *start = w;
            if (i < len && s[i] == '"') {
                blank = 0;
                i++, col++;
                for (;;) {
                    if (i >= len) {
                        rt_err_set(e, fline, fcol, "unterminated quoted field");
                        goto fail;
                    }
                    if (s[i] == '"') {
                        if (i + 1 < len && s[i + 1] == '"') {
                            *w++ = '"';
                            i += 2, col += 2;
                            continue;
                        }
                        i++, col++;
                        break;
                    }
                    if (s[i] == '\n') {
                        line++;
                        col = 1;
                    } else {
                        col++;
                    }
                    *w++ = s[i++];
                }
                if (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
                    rt_err_set(e, line, col, "unexpected text after a closing quote "
                                             "(write \"\" for a quote inside a quoted field)");
                    goto fail;
                }
            } else {
                while (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
                    if (s[i] == '"') {
                        rt_err_set(e, line, col, "quote inside an unquoted field "
                                                 "(quote the whole field and write \"\" for a quote)");
                        goto fail;
                    }
                    *w++ = s[i++];
                    col++;
                }
                if (w != start)
                    blank = 0;
            }
            *w++ = '\0';
            if (!add_field(c, start, (size_t)(w - 1 - start), fline, fcol)) {
                rt_err_set(e, 0, 0, "out of memory");
                goto fail;
            }
            if (i < len && s[i] == ',') {
                blank = 0;
                i++, col++;
                continue;
            }
            if (i < len && s[i] == '\r')
                i++;
            if (i < len && s[i] == '\n')
                i++;
            line++;
            col = 1;
            break;
        }
        if (blank) { /* an empty line: drop its single empty field */
            c->nf = first;
            continue;
        }
        if (!add_rec(c, first, c->nf - first, rec_line)) {
            rt_err_set(e, 0, 0, "out of memory");
            goto fail;
        }
    }
    return 1;
fail:
    rt_csv_free(c);
    return 0;
}

/* ---- the remittance reader ------------------------------------------------------ */

/* the date and group, then the reported group fields (RT_GROUP_REPORTED's
 * names and order), then the inputs */
enum { COL_DATE, COL_GROUP, COL_FIELD0 };
#define NSTD (COL_FIELD0 + RT_GR_REPORTED_COUNT)

#define RT_COL_NAME(n, s) s,
static const char *const std_cols[NSTD] = {"payment_date", "group", RT_GROUP_REPORTED(RT_COL_NAME)};
#undef RT_COL_NAME

/* group fields that may be left empty (meaning nothing happened) */
static int empty_means_zero(int field)
{
    return field == RT_GR_PRINCIPAL_DRAWS || field == RT_GR_LIQUIDATION_LOSS ||
           field == RT_GR_RECOVERIES || field == RT_GR_SUBSTITUTION_ADJUSTMENT ||
           field == RT_GR_ADDITIONAL_BALANCES;
}

/* columns a file may leave out altogether (a deal with no revolving period
 * has no additional balances to report) */
static int column_optional(int col)
{
    return col == COL_FIELD0 + RT_GR_ADDITIONAL_BALANCES;
}

/* 1 when the deal has a clause that pays for group g's additional balances */
static int group_buys(const rt_deal *d, int32_t g)
{
    for (int32_t i = 0; i < d->clauses.n; i++)
        if (d->clauses.v[i].flow == RT_FLOW_PURCHASE && d->clauses.v[i].target == g)
            return 1;
    return 0;
}

static void normalise(char *out, size_t outsize, const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < outsize; i++) {
        char c = s[i];
        if (c == ' ' || c == '-' || c == '_')
            c = '_';
        else if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        out[o++] = c;
    }
    out[o] = '\0';
}

static int ieq_n(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y)
            return 0;
    }
    return 1;
}

static int is_empty(const rt_csv_field *f)
{
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] != ' ' && f->text[i] != '\t')
            return 0;
    return 1;
}

typedef struct reader {
    const rt_deal *d;
    const rt_csv *csv;
    int32_t ncols;
    int32_t col_of[NSTD + 1]; /* our column -> position in the file; inputs follow */
    int32_t *input_col;       /* per input: position in the file */
    rt_err *e;
} reader;

/* the column's name as the file spells it, for messages */
static void col_title(const reader *r, int32_t pos, char *out, size_t n)
{
    const rt_csv_field *h = &r->csv->f[r->csv->r[0].first + pos];
    const char *s = h->text;
    size_t len = h->len;
    while (len > 0 && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    rt_msg_quote(out, n, s, len);
}

static int parse_money_cell(const reader *r, const rt_csv_field *f, int32_t pos, rt_dec *out)
{
    char q[128], col[128];
    rt_numtext info;
    int res = rt_dec_parse(f->text, f->len, out, &info);
    if (res == RT_PARSE_OK && !info.percent && info.decimals <= 2)
        return 1;
    rt_msg_quote(q, sizeof q, f->text, f->len);
    col_title(r, pos, col, sizeof col);
    if (res == RT_PARSE_RANGE)
        rt_err_set(r->e, f->line, f->col, "amount \"%s\" in column \"%s\" is out of range", q, col);
    else if (res == RT_PARSE_OK && !info.percent)
        rt_err_set(r->e, f->line, f->col, "bad amount \"%s\" in column \"%s\": more than 2 decimals", q,
                   col);
    else
        rt_err_set(r->e, f->line, f->col, "bad amount \"%s\" in column \"%s\"", q, col);
    return 0;
}

static int parse_count_cell(const reader *r, const rt_csv_field *f, int32_t pos, rt_dec *out)
{
    rt_numtext info;
    int res = rt_dec_parse(f->text, f->len, out, &info);
    if (res == RT_PARSE_OK && !info.percent && info.decimals == 0 && *out >= 0)
        return 1;
    char q[128], col[128];
    rt_msg_quote(q, sizeof q, f->text, f->len);
    col_title(r, pos, col, sizeof col);
    rt_err_set(r->e, f->line, f->col, "bad count \"%s\" in column \"%s\" (write a whole number)", q, col);
    return 0;
}

/* a cell's text without the blanks around it */
static void trim_blanks(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static int parse_input_cell(const reader *r, const rt_csv_field *f, int32_t pos, int32_t unit,
                            rt_dec *out)
{
    char q[128], col[128];
    rt_numtext info;
    int res;
    int32_t date;
    rt_msg_quote(q, sizeof q, f->text, f->len);
    col_title(r, pos, col, sizeof col);
    switch (unit) {
    case RT_UNIT_MONEY:
        return parse_money_cell(r, f, pos, out);
    case RT_UNIT_COUNT:
        return parse_count_cell(r, f, pos, out);
    case RT_UNIT_RATE:
        res = rt_dec_parse(f->text, f->len, out, &info);
        if (res == RT_PARSE_OK && info.percent)
            return 1;
        if (res == RT_PARSE_OK)
            rt_err_set(r->e, f->line, f->col,
                       "rate \"%s\" in column \"%s\" needs a %% sign (write %s%%)", q, col, q);
        else if (res == RT_PARSE_PRECISION)
            rt_err_set(r->e, f->line, f->col, "rate \"%s\" in column \"%s\" has too many decimals", q,
                       col);
        else
            rt_err_set(r->e, f->line, f->col, "bad rate \"%s\" in column \"%s\" (write e.g. 1.10%%)", q,
                       col);
        return 0;
    case RT_UNIT_NUMBER:
        res = rt_dec_parse(f->text, f->len, out, &info);
        if (res == RT_PARSE_OK && !info.percent)
            return 1;
        rt_err_set(r->e, f->line, f->col, "bad number \"%s\" in column \"%s\"", q, col);
        return 0;
    case RT_UNIT_DATE: {
        const char *s = f->text;
        size_t n = f->len;
        trim_blanks(&s, &n);
        if (rt_date_parse(s, n, &date)) {
            *out = (rt_dec)date * RT_SCALE;
            return 1;
        }
        rt_err_set(r->e, f->line, f->col, "bad date \"%s\" in column \"%s\" (write YYYY-MM-DD)", q, col);
        return 0;
    }
    case RT_UNIT_BOOL: {
        const char *s = f->text;
        size_t n = f->len;
        trim_blanks(&s, &n);
        if (ieq_n(s, n, "yes") || ieq_n(s, n, "true")) {
            *out = RT_SCALE;
            return 1;
        }
        if (ieq_n(s, n, "no") || ieq_n(s, n, "false")) {
            *out = 0;
            return 1;
        }
        rt_err_set(r->e, f->line, f->col, "bad value \"%s\" in column \"%s\" (write yes or no)", q, col);
        return 0;
    }
    }
    rt_err_set(r->e, f->line, f->col, "column \"%s\" has an unknown unit", col);
    return 0;
}

/* Maps header cells to our columns. */
static int read_header(reader *r)
{
    const rt_csv *c = r->csv;
    const rt_deal *d = r->d;
    const rt_csv_rec *h = &c->r[0];
    for (int i = 0; i < NSTD; i++)
        r->col_of[i] = -1;
    for (int32_t i = 0; i < d->inputs.n; i++)
        r->input_col[i] = -1;
    for (int32_t k = 0; k < h->n; k++) {
        const rt_csv_field *f = &c->f[h->first + k];
        char norm[256], q[128];
        normalise(norm, sizeof norm, f->text, f->len);
        rt_msg_quote(q, sizeof q, f->text, f->len);
        if (!norm[0]) {
            rt_err_set(r->e, f->line, f->col, "empty column name in the header");
            return 0;
        }
        int32_t *slot = NULL;
        for (int i = 0; i < NSTD && !slot; i++)
            if (strcmp(norm, std_cols[i]) == 0)
                slot = &r->col_of[i];
        for (int32_t i = 0; i < d->inputs.n && !slot; i++) {
            char in[256];
            normalise(in, sizeof in, d->inputs.v[i].name, strlen(d->inputs.v[i].name));
            if (strcmp(norm, in) == 0)
                slot = &r->input_col[i];
        }
        if (!slot) {
            rt_err_set(r->e, f->line, f->col,
                       "unknown column \"%s\" (the \"describe\" command lists the columns this deal reads)",
                       q);
            return 0;
        }
        if (*slot >= 0) {
            rt_err_set(r->e, f->line, f->col, "column \"%s\" appears twice in the header", q);
            return 0;
        }
        *slot = k;
    }
    for (int i = 0; i < NSTD; i++)
        if (r->col_of[i] < 0 && !column_optional(i)) {
            rt_err_set(r->e, h->line, 1, "missing column \"%s\"", std_cols[i]);
            return 0;
        }
    for (int32_t i = 0; i < d->inputs.n; i++)
        if (r->input_col[i] < 0) {
            rt_err_set(r->e, h->line, 1, "missing column \"%s\" for the input \"%s\"",
                       d->inputs.v[i].name, d->inputs.v[i].name);
            return 0;
        }
    r->ncols = h->n;
    return 1;
}

typedef struct row {
    int32_t rec;   /* record index in the csv */
    int32_t date;
    int32_t group;
    int32_t period;
} row;

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

void rt_remit_free(rt_remit *r)
{
    if (r->period) {
        free(r->period[0].group); /* one block for all periods */
        free(r->period);
    }
    r->period = NULL;
    r->nperiods = 0;
}

static const rt_csv_field *cell(const reader *r, const row *w, int32_t pos)
{
    return &r->csv->f[r->csv->r[w->rec].first + pos];
}

static int read_rows(reader *r, const rt_state *opening, rt_remit *out, row *rows, int32_t nrows,
                     int32_t *dates, int32_t *owner)
{
    const rt_deal *d = r->d;
    const rt_csv *c = r->csv;
    int32_t ng = d->groups.n, ni = d->inputs.n;

    /* pass 1: the shape of every row, its date and group */
    for (int32_t i = 0; i < nrows; i++) {
        const rt_csv_rec *rec = &c->r[i + 1];
        row *w = &rows[i];
        w->rec = i + 1;
        if (rec->n != r->ncols) {
            const rt_csv_field *f = &c->f[rec->first + (rec->n > r->ncols ? r->ncols : rec->n - 1)];
            rt_err_set(r->e, f->line, f->col, "this row has %d field%s but the header has %d",
                       (int)rec->n, rec->n == 1 ? "" : "s", (int)r->ncols);
            return 0;
        }
        const rt_csv_field *f = cell(r, w, r->col_of[COL_DATE]);
        const char *s = f->text;
        size_t n = f->len;
        trim_blanks(&s, &n);
        if (!rt_date_parse(s, n, &w->date)) {
            char q[128];
            rt_msg_quote(q, sizeof q, f->text, f->len);
            rt_err_set(r->e, f->line, f->col, "bad date \"%s\" in column \"payment_date\" (write YYYY-MM-DD)",
                       q);
            return 0;
        }
        f = cell(r, w, r->col_of[COL_GROUP]);
        s = f->text;
        n = f->len;
        while (n > 0 && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        w->group = -1;
        for (int32_t g = 0; g < ng; g++)
            if (ieq_n(s, n, d->groups.v[g]))
                w->group = g;
        if (w->group < 0) {
            char q[128], list[512];
            size_t l = 0;
            list[0] = '\0';
            for (int32_t g = 0; g < ng && l < sizeof list; g++)
                l += (size_t)snprintf(list + l, sizeof list - l, "%s\"%s\"", g ? ", " : "", d->groups.v[g]);
            rt_msg_quote(q, sizeof q, f->text, f->len);
            rt_err_set(r->e, f->line, f->col, "unknown group \"%s\" (the deal's groups are %s)", q, list);
            return 0;
        }
        dates[i] = w->date;
    }

    /* the distinct dates, in order, must continue the opening state */
    qsort(dates, (size_t)nrows, sizeof *dates, cmp_i32);
    int32_t np = 0;
    for (int32_t i = 0; i < nrows; i++)
        if (np == 0 || dates[np - 1] != dates[i])
            dates[np++] = dates[i];

    /* pass 2: every cell's value, and duplicate rows */
    out->nperiods = np;
    out->period = calloc((size_t)np, sizeof *out->period);
    size_t per = (size_t)ng * RT_GR_REPORTED_COUNT + (size_t)ni;
    rt_dec *block = calloc((size_t)np * per + 1, sizeof *block);
    if (!out->period || !block) {
        free(block);
        free(out->period);
        out->period = NULL;
        rt_err_set(r->e, 0, 0, "out of memory");
        return 0;
    }
    for (int32_t k = 0; k < np; k++) {
        out->period[k].payment_date = dates[k];
        out->period[k].group = block + (size_t)k * per;
        out->period[k].input = block + (size_t)k * per + (size_t)ng * RT_GR_REPORTED_COUNT;
    }
    for (int32_t i = 0; i < np * ng; i++)
        owner[i] = -1;
    for (int32_t i = 0; i < nrows; i++) {
        row *w = &rows[i];
        int32_t *hit = bsearch(&w->date, dates, (size_t)np, sizeof *dates, cmp_i32);
        w->period = (int32_t)(hit - dates);
        int32_t *own = &owner[w->period * ng + w->group];
        if (*own >= 0) {
            const rt_csv_field *f = cell(r, w, r->col_of[COL_GROUP]);
            char a[11];
            rt_err_set(r->e, f->line, f->col,
                       "second row for payment date %s and group \"%s\" (the first is on line %d)",
                       rt_date_format(a, w->date), d->groups.v[w->group], c->r[rows[*own].rec].line);
            return 0;
        }
        *own = i;
        rt_dec *gv = out->period[w->period].group + (size_t)w->group * RT_GR_REPORTED_COUNT;
        for (int fld = 0; fld < RT_GR_REPORTED_COUNT; fld++) {
            int32_t pos = r->col_of[COL_FIELD0 + fld];
            if (pos < 0) { /* an optional column the file leaves out */
                gv[fld] = 0;
                continue;
            }
            const rt_csv_field *f = cell(r, w, pos);
            if (is_empty(f)) {
                if (empty_means_zero(fld)) {
                    gv[fld] = 0;
                    continue;
                }
                char col[128];
                col_title(r, pos, col, sizeof col);
                rt_err_set(r->e, f->line, f->col, "empty cell in column \"%s\"", col);
                return 0;
            }
            if (fld == RT_GR_ACTIVE_LOAN_COUNT ? !parse_count_cell(r, f, pos, &gv[fld])
                                               : !parse_money_cell(r, f, pos, &gv[fld]))
                return 0;
            /* Cash received, drawn, lost or recovered in a month is never
             * below zero; a sign slipped in from a spreadsheet would
             * otherwise run the waterfall on negative collections and print
             * a statement. Only the substitution adjustment is a net figure. */
            if (gv[fld] < 0 && fld != RT_GR_SUBSTITUTION_ADJUSTMENT) {
                char q[128], col[128];
                rt_msg_quote(q, sizeof q, f->text, f->len);
                col_title(r, pos, col, sizeof col);
                rt_err_set(r->e, f->line, f->col,
                           "negative amount \"%s\" in column \"%s\" (only substitution_adjustment may be "
                           "negative)",
                           q, col);
                return 0;
            }
            /* loans conveyed to a pool the deal never buys for: there is no
             * revolving period to account for them */
            if (fld == RT_GR_ADDITIONAL_BALANCES && gv[fld] > 0 && !group_buys(d, w->group)) {
                char q[128];
                rt_msg_quote(q, sizeof q, f->text, f->len);
                rt_err_set(r->e, f->line, f->col,
                           "additional balances \"%s\" for group \"%s\", but the deal buys none for it (no "
                           "'purchase' clause: no revolving or pre-funding period)",
                           q, d->groups.v[w->group]);
                return 0;
            }
        }
        for (int32_t in = 0; in < ni; in++) {
            const rt_csv_field *f = cell(r, w, r->input_col[in]);
            rt_dec v;
            if (!is_empty(f) && !parse_input_cell(r, f, r->input_col[in], d->inputs.v[in].unit, &v))
                return 0;
        }
    }

    for (int32_t k = 0; k < np; k++) {
        int32_t n = opening->distribution_number + 1 + k;
        int32_t expect = rt_payment_date(d, n);
        if (dates[k] == expect)
            continue;
        for (int32_t i = 0; i < nrows; i++)
            if (rows[i].period == k) {
                const rt_csv_field *f = cell(r, &rows[i], r->col_of[COL_DATE]);
                char a[11], b[11], o[11];
                /* name what it follows, so a skipped month is obvious */
                rt_date_format(o, k == 0 ? opening->payment_date : dates[k - 1]);
                rt_err_set(r->e, f->line, f->col,
                           "payment date %s is not the next one: expected %s (distribution %d, "
                           "the one after %s%s)",
                           rt_date_format(a, dates[k]), rt_date_format(b, expect), (int)n,
                           k == 0 ? "the opening state's " : "", o);
                return 0;
            }
    }

    /* every group present on every date */
    for (int32_t k = 0; k < np; k++)
        for (int32_t g = 0; g < ng; g++)
            if (owner[k * ng + g] < 0) {
                int32_t firstrow = -1;
                for (int32_t x = 0; x < ng && firstrow < 0; x++)
                    if (owner[k * ng + x] >= 0)
                        firstrow = owner[k * ng + x];
                for (int32_t x = 0; x < ng; x++)
                    if (owner[k * ng + x] >= 0 && owner[k * ng + x] < firstrow)
                        firstrow = owner[k * ng + x];
                const rt_csv_field *f = cell(r, &rows[firstrow], r->col_of[COL_DATE]);
                char a[11];
                rt_err_set(r->e, f->line, f->col, "payment date %s has no row for group \"%s\"",
                           rt_date_format(a, dates[k]), d->groups.v[g]);
                return 0;
            }

    /* deal-level inputs: one agreed value per date, from any of its rows.
     * owner[] gives each date's rows; sorted, they are in file order, so the
     * first value given is the reference and a later one is the culprit. */
    int32_t *order = malloc((size_t)ng * sizeof *order + sizeof *order);
    if (!order) {
        rt_err_set(r->e, 0, 0, "out of memory");
        return 0;
    }
    int ok = 1;
    for (int32_t k = 0; ok && k < np; k++) {
        for (int32_t g = 0; g < ng; g++)
            order[g] = owner[k * ng + g];
        qsort(order, (size_t)ng, sizeof *order, cmp_i32);
        for (int32_t in = 0; ok && in < ni; in++) {
            int32_t pos = r->input_col[in];
            int32_t ref = -1;
            rt_dec refv = 0;
            for (int32_t x = 0; x < ng; x++) {
                int32_t i = order[x];
                const rt_csv_field *f = cell(r, &rows[i], pos);
                if (is_empty(f))
                    continue;
                rt_dec v = 0;
                parse_input_cell(r, f, pos, d->inputs.v[in].unit, &v); /* checked above */
                if (ref < 0) {
                    ref = i;
                    refv = v;
                } else if (v != refv) {
                    const rt_csv_field *rf = cell(r, &rows[ref], pos);
                    char q1[128], q2[128], a[11];
                    rt_msg_quote(q1, sizeof q1, f->text, f->len);
                    rt_msg_quote(q2, sizeof q2, rf->text, rf->len);
                    rt_err_set(r->e, f->line, f->col,
                               "\"%s\" is \"%s\" here but \"%s\" on line %d for the same payment date %s "
                               "(a deal-level input has one value per date)",
                               d->inputs.v[in].name, q1, q2, rf->line, rt_date_format(a, dates[k]));
                    ok = 0;
                    break;
                }
            }
            if (ok && ref < 0) {
                const rt_csv_field *f = cell(r, &rows[order[0]], pos);
                char a[11];
                rt_err_set(r->e, f->line, f->col,
                           "no value for \"%s\" on payment date %s (give it in at least one row of that date)",
                           d->inputs.v[in].name, rt_date_format(a, dates[k]));
                ok = 0;
            }
            if (ok)
                out->period[k].input[in] = refv;
        }
    }
    free(order);
    return ok;
}

int rt_remit_parse(const rt_deal *d, const rt_state *opening, const char *text, size_t len,
                   rt_remit *out, rt_err *e)
{
    out->nperiods = 0;
    out->period = NULL;
    rt_csv c;
    if (!rt_csv_parse(text, len, &c, e))
        return 0;
    if (c.nr == 0) {
        rt_csv_free(&c);
        rt_err_set(e, 1, 1, "empty file, expected a header row");
        return 0;
    }
    reader r;
    memset(&r, 0, sizeof r);
    r.d = d;
    r.csv = &c;
    r.e = e;
    int32_t nrows = c.nr - 1;
    r.input_col = malloc(((size_t)d->inputs.n + 1) * sizeof *r.input_col);
    row *rows = malloc(((size_t)nrows + 1) * sizeof *rows);
    int32_t *dates = malloc(((size_t)nrows + 1) * sizeof *dates);
    int32_t *owner = malloc((size_t)nrows * (size_t)d->groups.n * sizeof *owner + sizeof *owner);
    int ok = 0;
    if (!r.input_col || !rows || !dates || !owner)
        rt_err_set(e, 0, 0, "out of memory");
    else if (read_header(&r)) {
        if (nrows == 0)
            rt_err_set(e, c.r[0].line + 1, 1, "no rows after the header: nothing to replay");
        else
            ok = read_rows(&r, opening, out, rows, nrows, dates, owner);
    }
    if (!ok)
        rt_remit_free(out);
    free(r.input_col);
    free(rows);
    free(dates);
    free(owner);
    rt_csv_free(&c);
    return ok;
}
