/*
 * csv.c — the remittance CSV: an RFC 4180 tokenizer that keeps line:column
 * for every field, and the reader that turns the rows into one rt_period_in
 * per payment date, checked against the deal and the opening state.
 *
 * The remittance file is typed in or exported by hand from a servicer's
 * report, so every check aims at naming the exact cell that is wrong and
 * what was expected there; a mistake must never become a silent zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_output.h"

/* ---- tokenizer ---------------------------------------------------------------
 * One record at a time (rt_csv_reader): the bytes come from text, or from a
 * file through a 64 KiB buffer refilled as the record needs; the record's
 * unescaped text goes to a store that grows to the longest record. */

#define CSV_BUF ((size_t)1 << 16)

void rt_csv_open_text(rt_csv_reader *r, const char *text, size_t len)
{
    memset(r, 0, sizeof *r);
    r->text = text;
    r->len = len;
    r->eof = 1;
    r->line = r->col = 1;
}

int rt_csv_open_file(rt_csv_reader *r, const char *path, rt_err *e)
{
    memset(r, 0, sizeof *r);
    r->line = r->col = 1;
    r->file = fopen(path, "rb");
    if (!r->file) {
        rt_err_set(e, 0, 0, "cannot open: %s", strerror(errno));
        return 0;
    }
    rt_out_note_input(fileno(r->file), path);
    r->buf = malloc(CSV_BUF);
    if (!r->buf) {
        fclose(r->file);
        r->file = NULL;
        rt_err_set(e, 0, 0, "out of memory");
        return 0;
    }
    r->cap = CSV_BUF;
    r->text = r->buf;
    return 1;
}

void rt_csv_close(rt_csv_reader *r)
{
    if (r->file)
        fclose(r->file);
    free(r->buf);
    free(r->store);
    free(r->off);
    free(r->field);
    memset(r, 0, sizeof *r);
}

/* 1 when the byte k after the next one is there (reading more if needed) */
static int have(rt_csv_reader *r, size_t k)
{
    if (r->pos + k < r->len)
        return 1;
    if (!r->file || r->eof)
        return 0;
    size_t keep = r->len - r->pos;
    memmove(r->buf, r->buf + r->pos, keep);
    r->len = keep;
    r->pos = 0;
    while (r->len <= k && !r->eof) {
        size_t got = fread(r->buf + r->len, 1, r->cap - r->len, r->file);
        if (got == 0) {
            if (ferror(r->file))
                r->io_error = errno ? errno : EIO;
            r->eof = 1;
        }
        r->len += got;
    }
    return r->pos + k < r->len;
}

static int peekc(rt_csv_reader *r, size_t k)
{
    return have(r, k) ? (unsigned char)r->text[r->pos + k] : -1;
}

static void skip(rt_csv_reader *r, size_t n)
{
    r->pos += n;
    r->consumed += n;
}

static int put(rt_csv_reader *r, char c, rt_err *e)
{
    if (r->slen == r->scap) {
        if (r->file && r->consumed > RT_MAX_INPUT) {
            rt_err_set(e, 0, 0, "file is too large (over %zu MiB)", RT_MAX_INPUT >> 20);
            return 0;
        }
        size_t cap = r->scap ? 2 * r->scap : 256;
        char *p = realloc(r->store, cap);
        if (!p) {
            rt_err_set(e, 0, 0, "out of memory");
            return 0;
        }
        r->store = p;
        r->scap = cap;
    }
    r->store[r->slen++] = c;
    return 1;
}

static int add_field(rt_csv_reader *r, size_t start, int line, int col, rt_err *e)
{
    if (r->nf == r->capf) {
        int32_t cap = r->capf ? r->capf * 2 : 64;
        rt_csv_field *f = cap > r->capf ? realloc(r->field, (size_t)cap * sizeof *f) : NULL;
        if (f)
            r->field = f;
        size_t *o = f ? realloc(r->off, (size_t)cap * sizeof *o) : NULL;
        if (!o) {
            rt_err_set(e, 0, 0, "out of memory");
            return 0;
        }
        r->off = o;
        r->capf = cap;
    }
    r->off[r->nf] = start;
    r->field[r->nf++] = (rt_csv_field){NULL, r->slen - 1 - start, line, col};
    return 1;
}

/* the end of the input: a read error, or simply the end */
static int at_end(rt_csv_reader *r, rt_err *e)
{
    if (r->io_error) {
        rt_err_set(e, 0, 0, "cannot read: %s", strerror(r->io_error));
        return -1;
    }
    if (r->file && r->consumed > RT_MAX_INPUT) {
        rt_err_set(e, 0, 0, "file is too large (over %zu MiB)", RT_MAX_INPUT >> 20);
        return -1;
    }
    return 0;
}

int rt_csv_next(rt_csv_reader *r, rt_err *e)
{
    if (!r->started) {
        r->started = 1;
        if (peekc(r, 0) == 0xEF && peekc(r, 1) == 0xBB && peekc(r, 2) == 0xBF)
            skip(r, 3);
        /* a spreadsheet's "Unicode text": every other byte a NUL, which
         * would otherwise surface as a baffling column name */
        int b0 = peekc(r, 0), b1 = peekc(r, 1);
        if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
            rt_err_set(e, 1, 1, "this file is UTF-16 text (it begins with a UTF-16 byte-order mark): "
                                "save it as UTF-8 or plain text");
            return -1;
        }
    }
    for (;;) {
        if (peekc(r, 0) < 0)
            return at_end(r, e);
        if (r->file && r->consumed > RT_MAX_INPUT)
            return at_end(r, e);
        r->nf = 0;
        r->slen = 0;
        r->rec_line = r->line;
        int blank = 1;
        for (;;) { /* one field */
            int fline = r->line, fcol = r->col;
            size_t start = r->slen;
            int c = peekc(r, 0);
            if (c == '"') {
                blank = 0;
                skip(r, 1);
                r->col++;
                for (;;) {
                    c = peekc(r, 0);
                    if (c < 0) {
                        if (at_end(r, e) < 0)
                            return -1;
                        rt_err_set(e, fline, fcol, "unterminated quoted field");
                        return -1;
                    }
                    if (c == '"') {
                        if (peekc(r, 1) == '"') {
                            if (!put(r, '"', e))
                                return -1;
                            skip(r, 2);
                            r->col += 2;
                            continue;
                        }
                        skip(r, 1);
                        r->col++;
                        break;
                    }
                    if (c == '\n') {
                        r->line++;
                        r->col = 1;
                    } else {
                        r->col++;
                    }
                    if (!put(r, (char)c, e))
                        return -1;
                    skip(r, 1);
                }
                c = peekc(r, 0);
                if (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                    rt_err_set(e, r->line, r->col, "unexpected text after a closing quote "
                                                   "(write \"\" for a quote inside a quoted field)");
                    return -1;
                }
            } else {
                while ((c = peekc(r, 0)) >= 0 && c != ',' && c != '\n' && c != '\r') {
                    if (c == '"') {
                        rt_err_set(e, r->line, r->col, "quote inside an unquoted field "
                                                       "(quote the whole field and write \"\" for a quote)");
                        return -1;
                    }
                    if (!put(r, (char)c, e))
                        return -1;
                    skip(r, 1);
                    r->col++;
                }
                if (r->slen != start)
                    blank = 0;
            }
            if (!put(r, '\0', e) || !add_field(r, start, fline, fcol, e))
                return -1;
            c = peekc(r, 0);
            if (c == ',') {
                blank = 0;
                skip(r, 1);
                r->col++;
                continue;
            }
            if (c == '\r') {
                skip(r, 1);
                c = peekc(r, 0);
            }
            if (c == '\n')
                skip(r, 1);
            r->line++;
            r->col = 1;
            break;
        }
        if (blank) /* an empty line: dropped */
            continue;
        for (int32_t i = 0; i < r->nf; i++)
            r->field[i].text = r->store + r->off[i];
        return 1;
    }
}

/* ---- the whole text at once ----------------------------------------------------- */

void rt_csv_free(rt_csv *c)
{
    free(c->store);
    free(c->f);
    free(c->r);
    memset(c, 0, sizeof *c);
}

int rt_csv_parse(const char *s, size_t len, rt_csv *c, rt_err *e)
{
    memset(c, 0, sizeof *c);
    rt_csv_reader r;
    rt_csv_open_text(&r, s, len);
    size_t slen = 0, scap = 0, *offs = NULL; /* each field's offset, until the store stops moving */
    int rc;
    while ((rc = rt_csv_next(&r, e)) > 0) {
        int32_t cr = c->capr, cf = c->capf;
        size_t cs = scap;
        if (c->nr == cr)
            cr = cr ? 2 * cr : 64;
        while (c->nf + r.nf > cf)
            cf = cf ? 2 * cf : 64;
        while (slen + r.slen > cs)
            cs = cs ? 2 * cs : 256;
        rt_csv_rec *nr = cr != c->capr ? realloc(c->r, (size_t)cr * sizeof *nr) : c->r;
        if (nr)
            c->r = nr, c->capr = cr;
        rt_csv_field *nf = nr && cf != c->capf ? realloc(c->f, (size_t)cf * sizeof *nf) : c->f;
        if (nf)
            c->f = nf;
        size_t *no = nf && cf != c->capf ? realloc(offs, (size_t)cf * sizeof *no) : offs;
        if (no)
            offs = no, c->capf = cf;
        char *ns = no && cs != scap ? realloc(c->store, cs) : c->store;
        if (!nr || !nf || !no || !ns) {
            rt_err_set(e, 0, 0, "out of memory");
            rc = -1;
            break;
        }
        c->store = ns;
        scap = cs;
        memcpy(c->store + slen, r.store, r.slen);
        c->r[c->nr++] = (rt_csv_rec){c->nf, r.nf, r.rec_line};
        for (int32_t i = 0; i < r.nf; i++) {
            offs[c->nf] = slen + r.off[i];
            c->f[c->nf++] = r.field[i];
        }
        slen += r.slen;
    }
    rt_csv_close(&r);
    for (int32_t i = 0; rc == 0 && i < c->nf; i++)
        c->f[i].text = c->store + offs[i];
    free(offs);
    if (rc < 0) {
        rt_csv_free(c);
        return 0;
    }
    return 1;
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

/* One payment date the file gives (the rows of a date may come anywhere in
 * the file), kept until the end: the first row's place for messages, and
 * the line of each group's row. */
typedef struct rdate {
    int32_t date, n;          /* the payment date and its distribution number */
    int first_line, date_col; /* the first row of the date, and its date cell */
} rdate;

/* One deal-level input on one payment date: the value the first row to give
 * it gave, and the first row that disagrees, kept apart so the errors come
 * in the order of dates and inputs, not of the file. */
typedef struct rinput {
    rt_dec v;
    int given;
    int ref_line;
    int first_col;            /* its cell in the date's first row */
    int bad_line, bad_col;    /* the first row that gives another value; 0 none */
    char refq[128], badq[128];
} rinput;

typedef struct reader {
    const rt_deal *d;
    const rt_state *opening;
    rt_err *e;
    int32_t ncols;
    int32_t col_of[NSTD + 1]; /* our column -> position in the file; inputs follow */
    int32_t *input_col;       /* per input: position in the file */
    char (*title)[128];       /* per column of the file: its name, quoted, for messages */
    int header_line;
    /* the payment dates given, in the order first seen */
    int32_t np, capp;
    rdate *p;
    rt_dec *gv;               /* np * ngroups * RT_GR_REPORTED_COUNT */
    int *gline;               /* np * ngroups: the line of the group's row, 0 none */
    rinput *in;               /* np * ninputs */
    int32_t *hash;            /* date -> index in p, open addressing; -1 empty */
    size_t hcap;
    /* the earliest date that is not one of the deal's next payment dates,
     * and its first row */
    int has_bad;
    int32_t bad_date;
    int bad_line, bad_col;
} reader;

/* the column's name as the file spells it, for messages */
static void col_title(const reader *r, int32_t pos, char *out, size_t n)
{
    snprintf(out, n, "%s", r->title[pos]);
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
        if (res == RT_PARSE_OK && info.percent && rt_rate_in_range(*out))
            return 1;
        if (res == RT_PARSE_OK && info.percent)
            rt_err_set(r->e, f->line, f->col, "rate \"%s\" in column \"%s\" is outside %s", q, col, RT_RATE_RANGE);
        else if (res == RT_PARSE_OK)
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
static int read_header(reader *r, const rt_csv_reader *c)
{
    const rt_deal *d = r->d;
    for (int i = 0; i < NSTD; i++)
        r->col_of[i] = -1;
    for (int32_t i = 0; i < d->inputs.n; i++)
        r->input_col[i] = -1;
    r->header_line = c->rec_line;
    for (int32_t k = 0; k < c->nf; k++) {
        const rt_csv_field *f = &c->field[k];
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
            rt_err_set(r->e, c->rec_line, 1, "missing column \"%s\"", std_cols[i]);
            return 0;
        }
    for (int32_t i = 0; i < d->inputs.n; i++)
        if (r->input_col[i] < 0) {
            rt_err_set(r->e, c->rec_line, 1, "missing column \"%s\" for the input \"%s\"",
                       d->inputs.v[i].name, d->inputs.v[i].name);
            return 0;
        }
    /* every column is known and given once, so there are at most NSTD +
     * ninputs of them: their names are kept for messages */
    r->ncols = c->nf;
    r->title = calloc((size_t)c->nf + 1, sizeof *r->title);
    if (!r->title) {
        rt_err_set(r->e, 0, 0, "out of memory");
        return 0;
    }
    for (int32_t k = 0; k < c->nf; k++) {
        const char *s = c->field[k].text;
        size_t len = c->field[k].len;
        trim_blanks(&s, &len);
        rt_msg_quote(r->title[k], sizeof r->title[k], s, len);
    }
    return 1;
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

/* The distribution whose payment date is date, if it is one of those after
 * the opening state; else 0. A date's month gives its distribution within
 * one either way (a business-day rule moves a date by days). */
static int32_t distribution_of(const rt_deal *d, const rt_state *opening, int32_t date)
{
    int y, m, dd, fy, fm, fd;
    rt_civil_from_days(date, &y, &m, &dd);
    rt_civil_from_days(d->first_payment, &fy, &fm, &fd);
    int32_t est = (y - fy) * 12 + (m - fm) + 1;
    for (int32_t n = est - 1; n <= est + 1; n++)
        if (n > opening->distribution_number && rt_payment_date(d, n) == date)
            return n;
    return 0;
}

static size_t date_hash(int32_t date, size_t cap)
{
    return ((size_t)(uint32_t)date * 2654435761u) & (cap - 1);
}

/* the index of date's record, made (from the row whose date cell is at
 * line:col; *fresh set) if it is new; -1 when out of memory */
static int32_t date_index(reader *r, int32_t date, int32_t n, int line, int col, int *fresh)
{
    *fresh = 0;
    const int32_t ng = r->d->groups.n, ni = r->d->inputs.n;
    if (r->hcap) {
        for (size_t i = date_hash(date, r->hcap);; i = (i + 1) & (r->hcap - 1)) {
            if (r->hash[i] < 0)
                break;
            if (r->p[r->hash[i]].date == date)
                return r->hash[i];
        }
    }
    if (r->np == r->capp) {
        int32_t cap = r->capp ? 2 * r->capp : 16;
        rdate *p = realloc(r->p, (size_t)cap * sizeof *p);
        if (p)
            r->p = p;
        rt_dec *gv = p ? realloc(r->gv, (size_t)cap * (size_t)ng * RT_GR_REPORTED_COUNT * sizeof *gv) : NULL;
        if (gv)
            r->gv = gv;
        int *gl = gv ? realloc(r->gline, (size_t)cap * (size_t)ng * sizeof *gl) : NULL;
        if (gl)
            r->gline = gl;
        rinput *in = gl ? realloc(r->in, ((size_t)cap * (size_t)ni + 1) * sizeof *in) : NULL;
        if (in)
            r->in = in;
        int32_t *h = in ? malloc((size_t)cap * 2 * sizeof *h) : NULL;
        if (!h)
            return -1;
        free(r->hash);
        r->hash = h;
        r->hcap = (size_t)cap * 2;
        for (size_t i = 0; i < r->hcap; i++)
            h[i] = -1;
        for (int32_t k = 0; k < r->np; k++) {
            size_t i = date_hash(r->p[k].date, r->hcap);
            while (h[i] >= 0)
                i = (i + 1) & (r->hcap - 1);
            h[i] = k;
        }
        r->capp = cap;
    }
    int32_t k = r->np++;
    *fresh = 1;
    r->p[k] = (rdate){date, n, line, col};
    memset(&r->gv[(size_t)k * ng * RT_GR_REPORTED_COUNT], 0, (size_t)ng * RT_GR_REPORTED_COUNT * sizeof *r->gv);
    memset(&r->gline[(size_t)k * ng], 0, (size_t)ng * sizeof *r->gline);
    memset(&r->in[(size_t)k * ni], 0, (size_t)ni * sizeof *r->in);
    size_t i = date_hash(date, r->hcap);
    while (r->hash[i] >= 0)
        i = (i + 1) & (r->hcap - 1);
    r->hash[i] = k;
    return k;
}

/* One row: its shape, date and group, every cell's value, and its place
 * among the rows of its date. */
static int read_row(reader *r, const rt_csv_reader *c)
{
    const rt_deal *d = r->d;
    int32_t ng = d->groups.n, ni = d->inputs.n;
    const rt_csv_field *row = c->field;
    if (c->nf != r->ncols) {
        const rt_csv_field *f = &row[c->nf > r->ncols ? r->ncols : c->nf - 1];
        rt_err_set(r->e, f->line, f->col, "this row has %d field%s but the header has %d", (int)c->nf,
                   c->nf == 1 ? "" : "s", (int)r->ncols);
        return 0;
    }
    const rt_csv_field *df = &row[r->col_of[COL_DATE]];
    const char *s = df->text;
    size_t n = df->len;
    trim_blanks(&s, &n);
    int32_t date;
    if (!rt_date_parse(s, n, &date)) {
        char q[128];
        rt_msg_quote(q, sizeof q, df->text, df->len);
        rt_err_set(r->e, df->line, df->col, "bad date \"%s\" in column \"payment_date\" (write YYYY-MM-DD)", q);
        return 0;
    }
    const rt_csv_field *f = &row[r->col_of[COL_GROUP]];
    s = f->text;
    n = f->len;
    trim_blanks(&s, &n);
    int32_t group = -1;
    for (int32_t g = 0; g < ng; g++)
        if (ieq_n(s, n, d->groups.v[g]))
            group = g;
    if (group < 0) {
        char q[128], list[512];
        size_t l = 0;
        list[0] = '\0';
        for (int32_t g = 0; g < ng && l < sizeof list; g++)
            l += (size_t)snprintf(list + l, sizeof list - l, "%s\"%s\"", g ? ", " : "", d->groups.v[g]);
        rt_msg_quote(q, sizeof q, f->text, f->len);
        rt_err_set(r->e, f->line, f->col, "unknown group \"%s\" (the deal's groups are %s)", q, list);
        return 0;
    }

    /* a date that is no payment date after the opening state is an error
     * in the end (which one is said then, in date order); only the earliest
     * is remembered, so a file of a million odd dates costs nothing */
    int32_t dist = distribution_of(d, r->opening, date), k = -1;
    int fresh = 0;
    if (!dist) {
        if (!r->has_bad || date < r->bad_date) {
            r->has_bad = 1;
            r->bad_date = date;
            r->bad_line = df->line;
            r->bad_col = df->col;
        }
    } else {
        k = date_index(r, date, dist, df->line, df->col, &fresh);
        if (k < 0) {
            rt_err_set(r->e, 0, 0, "out of memory");
            return 0;
        }
        int *own = &r->gline[(size_t)k * ng + group];
        if (*own) {
            char a[11];
            rt_err_set(r->e, f->line, f->col, "second row for payment date %s and group \"%s\" (the first is on line %d)",
                       rt_date_format(a, date), d->groups.v[group], *own);
            return 0;
        }
        *own = c->rec_line;
    }

    rt_dec scratch[RT_GR_REPORTED_COUNT];
    rt_dec *gv = k >= 0 ? &r->gv[((size_t)k * ng + group) * RT_GR_REPORTED_COUNT] : scratch;
    for (int fld = 0; fld < RT_GR_REPORTED_COUNT; fld++) {
        int32_t pos = r->col_of[COL_FIELD0 + fld];
        if (pos < 0) { /* an optional column the file leaves out */
            gv[fld] = 0;
            continue;
        }
        f = &row[pos];
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
        if (fld == RT_GR_ADDITIONAL_BALANCES && gv[fld] > 0 && !group_buys(d, group)) {
            char q[128];
            rt_msg_quote(q, sizeof q, f->text, f->len);
            rt_err_set(r->e, f->line, f->col,
                       "additional balances \"%s\" for group \"%s\", but the deal buys none for it (no "
                       "'purchase' clause: no revolving or pre-funding period)",
                       q, d->groups.v[group]);
            return 0;
        }
    }
    /* deal-level inputs: one agreed value per date, from any of its rows;
     * the first row (in the file) to give one is the reference */
    for (int32_t in = 0; in < ni; in++) {
        f = &row[r->input_col[in]];
        rinput *x = k >= 0 ? &r->in[(size_t)k * ni + in] : NULL;
        if (x && fresh)
            x->first_col = f->col;
        if (is_empty(f))
            continue;
        rt_dec v;
        if (!parse_input_cell(r, f, r->input_col[in], d->inputs.v[in].unit, &v))
            return 0;
        if (!x)
            continue;
        if (!x->given) {
            x->given = 1;
            x->v = v;
            x->ref_line = f->line;
            rt_msg_quote(x->refq, sizeof x->refq, f->text, f->len);
        } else if (v != x->v && !x->bad_line) {
            x->bad_line = f->line;
            x->bad_col = f->col;
            rt_msg_quote(x->badq, sizeof x->badq, f->text, f->len);
        }
    }
    return 1;
}

typedef struct dist_key {
    int32_t n, k; /* a distribution number, and the index of its date */
} dist_key;

static int by_distribution(const void *a, const void *b)
{
    int32_t x = ((const dist_key *)a)->n, y = ((const dist_key *)b)->n;
    return (x > y) - (x < y);
}

/* After the last row: the dates continue the opening state without a gap,
 * every group has a row on every date, every input a value; then the
 * periods in date order. */
static int finish(reader *r, rt_remit *out)
{
    const rt_deal *d = r->d;
    const rt_state *opening = r->opening;
    int32_t ng = d->groups.n, ni = d->inputs.n, np = r->np;
    dist_key *keys = malloc(((size_t)np + 1) * sizeof *keys);
    int32_t *order = malloc(((size_t)np + 1) * sizeof *order);
    if (!keys || !order) {
        free(keys);
        free(order);
        rt_err_set(r->e, 0, 0, "out of memory");
        return 0;
    }
    for (int32_t k = 0; k < np; k++)
        keys[k] = (dist_key){r->p[k].n, k};
    qsort(keys, (size_t)np, sizeof *keys, by_distribution);
    for (int32_t k = 0; k < np; k++)
        order[k] = keys[k].k;
    free(keys);

    /* in date order, each date must be the next payment date: the first
     * that is not (a gap, or a date that is none) is the error */
    for (int32_t k = 0, i = 0;; k++) {
        const rdate *next = i < np ? &r->p[order[i]] : NULL;
        int bad_first = r->has_bad && (!next || r->bad_date < next->date);
        if (!next && !bad_first)
            break;
        int32_t n = opening->distribution_number + 1 + k;
        if (!bad_first && next->n == n) {
            i++;
            continue;
        }
        int32_t date = bad_first ? r->bad_date : next->date;
        char a[11], b[11], o[11];
        /* name what it follows, so a skipped month is obvious */
        rt_date_format(o, k == 0 ? opening->payment_date : rt_payment_date(d, n - 1));
        rt_err_set(r->e, bad_first ? r->bad_line : next->first_line, bad_first ? r->bad_col : next->date_col,
                   "payment date %s is not the next one: expected %s (distribution %d, "
                   "the one after %s%s)",
                   rt_date_format(a, date), rt_date_format(b, rt_payment_date(d, n)), (int)n,
                   k == 0 ? "the opening state's " : "", o);
        free(order);
        return 0;
    }

    /* every group present on every date */
    for (int32_t i = 0; i < np; i++) {
        const rdate *p = &r->p[order[i]];
        for (int32_t g = 0; g < ng; g++)
            if (!r->gline[(size_t)order[i] * ng + g]) {
                char a[11];
                rt_err_set(r->e, p->first_line, p->date_col, "payment date %s has no row for group \"%s\"",
                           rt_date_format(a, p->date), d->groups.v[g]);
                free(order);
                return 0;
            }
    }
    for (int32_t i = 0; i < np; i++) {
        const rdate *p = &r->p[order[i]];
        for (int32_t in = 0; in < ni; in++) {
            const rinput *x = &r->in[(size_t)order[i] * ni + in];
            char a[11];
            if (x->bad_line) {
                rt_err_set(r->e, x->bad_line, x->bad_col,
                           "\"%s\" is \"%s\" here but \"%s\" on line %d for the same payment date %s "
                           "(a deal-level input has one value per date)",
                           d->inputs.v[in].name, x->badq, x->refq, x->ref_line, rt_date_format(a, p->date));
                free(order);
                return 0;
            }
            if (!x->given) {
                rt_err_set(r->e, p->first_line, x->first_col,
                           "no value for \"%s\" on payment date %s (give it in at least one row of that date)",
                           d->inputs.v[in].name, rt_date_format(a, p->date));
                free(order);
                return 0;
            }
        }
    }

    out->nperiods = np;
    out->period = calloc((size_t)np + 1, sizeof *out->period);
    size_t per = (size_t)ng * RT_GR_REPORTED_COUNT + (size_t)ni;
    rt_dec *block = calloc((size_t)np * per + 1, sizeof *block);
    if (!out->period || !block) {
        free(block);
        free(out->period);
        out->period = NULL;
        out->nperiods = 0;
        free(order);
        rt_err_set(r->e, 0, 0, "out of memory");
        return 0;
    }
    for (int32_t i = 0; i < np; i++) {
        rt_period_in *p = &out->period[i];
        p->payment_date = r->p[order[i]].date;
        p->group = block + (size_t)i * per;
        p->input = p->group + (size_t)ng * RT_GR_REPORTED_COUNT;
        memcpy(p->group, &r->gv[(size_t)order[i] * ng * RT_GR_REPORTED_COUNT],
               (size_t)ng * RT_GR_REPORTED_COUNT * sizeof *p->group);
        for (int32_t in = 0; in < ni; in++)
            p->input[in] = r->in[(size_t)order[i] * ni + in].v;
    }
    free(order);
    return 1;
}

static int read_remit(const rt_deal *d, const rt_state *opening, rt_csv_reader *c, rt_remit *out, rt_err *e)
{
    out->nperiods = 0;
    out->period = NULL;
    reader r;
    memset(&r, 0, sizeof r);
    r.d = d;
    r.opening = opening;
    r.e = e;
    int rc = rt_csv_next(c, e);
    if (rc == 0)
        rt_err_set(e, 1, 1, "empty file, expected a header row");
    if (rc <= 0)
        return 0;
    int ok = 0;
    r.input_col = malloc(((size_t)d->inputs.n + 1) * sizeof *r.input_col);
    if (!r.input_col)
        rt_err_set(e, 0, 0, "out of memory");
    else if (read_header(&r, c)) {
        int rows = 0;
        while ((rc = rt_csv_next(c, e)) > 0 && read_row(&r, c))
            rows++;
        if (rc == 0 && rows == 0)
            rt_err_set(e, r.header_line + 1, 1, "no rows after the header: nothing to replay");
        else if (rc == 0)
            ok = finish(&r, out);
    }
    if (!ok)
        rt_remit_free(out);
    free(r.input_col);
    free(r.title);
    free(r.p);
    free(r.gv);
    free(r.gline);
    free(r.in);
    free(r.hash);
    return ok;
}

int rt_remit_parse(const rt_deal *d, const rt_state *opening, const char *text, size_t len, rt_remit *out,
                   rt_err *e)
{
    rt_csv_reader c;
    rt_csv_open_text(&c, text, len);
    int ok = read_remit(d, opening, &c, out, e);
    rt_csv_close(&c);
    return ok;
}

int rt_remit_read(const rt_deal *d, const rt_state *opening, const char *path, rt_remit *out, rt_err *e)
{
    rt_csv_reader c;
    out->nperiods = 0;
    out->period = NULL;
    if (!rt_csv_open_file(&c, path, e))
        return 0;
    int ok = read_remit(d, opening, &c, out, e);
    rt_csv_close(&c);
    return ok;
}
