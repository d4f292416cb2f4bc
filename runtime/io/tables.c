/*
 * tables.c — see rt_tables.h. Cells hold plain text ("1234567.89"); the
 * text renderer adds thousands separators to money columns, the others
 * print cells as they are, so every format shows the same digits.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rt_tables.h"

static char *vfmt(rt_doc *d, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s) {
        d->oom = 1;
        return NULL;
    }
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *dup(rt_doc *d, const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (!p) {
        d->oom = 1;
        return NULL;
    }
    memcpy(p, s, n + 1);
    return p;
}

static int grow(rt_doc *d, void **v, int n, size_t elem)
{
    /* n is the count before the push; the capacity is 4 up to 4 elements
     * and the next power of two after that, so reallocate only at n < 4
     * (harmless) and when n is a power of two */
    if (n & (n - 1) && n > 4)
        return 1;
    size_t cap = n < 4 ? 4 : (size_t)n * 2;
    void *nv = realloc(*v, cap * elem);
    if (!nv) {
        d->oom = 1;
        return 0;
    }
    *v = nv;
    return 1;
}

void rt_doc_init(rt_doc *d, const char *title)
{
    memset(d, 0, sizeof *d);
    d->title = dup(d, title);
}

void rt_doc_free(rt_doc *d)
{
    free(d->title);
    for (int i = 0; i < d->nnotes; i++)
        free(d->note[i]);
    free(d->note);
    for (int i = 0; i < d->ntbl; i++) {
        rt_tbl *t = &d->tbl[i];
        free(t->title);
        for (int c = 0; c < t->ncols; c++)
            free(t->col[c]);
        for (int k = 0; k < t->nrows * t->ncols; k++)
            free(t->cell[k]);
        free(t->cell);
    }
    free(d->tbl);
    for (int i = 0; i < d->ncharts; i++) {
        rt_chart *c = &d->chart[i];
        free(c->title);
        free(c->xlabel);
        free(c->ylabel);
        for (int s = 0; s < c->nseries; s++) {
            free(c->s[s].label);
            free(c->s[s].x);
            free(c->s[s].y);
        }
        free(c->s);
    }
    free(d->chart);
    memset(d, 0, sizeof *d);
}

void rt_doc_note(rt_doc *d, const char *fmt, ...)
{
    if (!grow(d, (void **)&d->note, d->nnotes, sizeof *d->note))
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = vfmt(d, fmt, ap);
    va_end(ap);
    if (s)
        d->note[d->nnotes++] = s;
}

rt_tbl *rt_doc_table(rt_doc *d, const char *fmt, ...)
{
    static rt_tbl sink; /* absorbs writes after an allocation failure */
    if (!grow(d, (void **)&d->tbl, d->ntbl, sizeof *d->tbl)) {
        memset(&sink, 0, sizeof sink);
        return &sink;
    }
    rt_tbl *t = &d->tbl[d->ntbl++];
    memset(t, 0, sizeof *t);
    va_list ap;
    va_start(ap, fmt);
    t->title = vfmt(d, fmt, ap);
    va_end(ap);
    return t;
}

void rt_tbl_col(rt_doc *d, rt_tbl *t, const char *name, int kind)
{
    if (t->ncols >= RT_TBL_MAXCOLS || t->nrows > 0)
        return;
    t->col[t->ncols] = dup(d, name);
    t->kind[t->ncols++] = kind;
}

int rt_tbl_row(rt_doc *d, rt_tbl *t)
{
    if (t->ncols == 0 || d->oom)
        return -1;
    if (t->nrows >= t->cap) {
        int cap = t->cap ? t->cap * 2 : 16;
        char **nc = realloc(t->cell, (size_t)cap * (size_t)t->ncols * sizeof *nc);
        if (!nc) {
            d->oom = 1;
            return -1;
        }
        t->cell = nc;
        t->cap = cap;
    }
    memset(&t->cell[(size_t)t->nrows * (size_t)t->ncols], 0, (size_t)t->ncols * sizeof *t->cell);
    return t->nrows++;
}

void rt_tbl_set(rt_doc *d, rt_tbl *t, int row, int col, const char *fmt, ...)
{
    if (row < 0 || row >= t->nrows || col < 0 || col >= t->ncols)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = vfmt(d, fmt, ap);
    va_end(ap);
    char **c = &t->cell[(size_t)row * (size_t)t->ncols + (size_t)col];
    free(*c);
    *c = s;
}

rt_chart *rt_doc_chart(rt_doc *d, const char *title, const char *xlabel, const char *ylabel)
{
    static rt_chart sink;
    if (!grow(d, (void **)&d->chart, d->ncharts, sizeof *d->chart)) {
        memset(&sink, 0, sizeof sink);
        return &sink;
    }
    rt_chart *c = &d->chart[d->ncharts++];
    memset(c, 0, sizeof *c);
    c->title = dup(d, title);
    c->xlabel = dup(d, xlabel);
    c->ylabel = dup(d, ylabel);
    c->after = d->ntbl;
    return c;
}

void rt_chart_series(rt_doc *d, rt_chart *c, const char *label, int n, const double *x, const double *y)
{
    if (d->oom || !grow(d, (void **)&c->s, c->nseries, sizeof *c->s))
        return;
    rt_series *s = &c->s[c->nseries];
    memset(s, 0, sizeof *s);
    s->label = dup(d, label);
    s->x = malloc((size_t)(n > 0 ? n : 1) * sizeof *s->x);
    s->y = malloc((size_t)(n > 0 ? n : 1) * sizeof *s->y);
    if (!s->label || !s->x || !s->y) {
        free(s->label);
        free(s->x);
        free(s->y);
        d->oom = 1;
        return;
    }
    memcpy(s->x, x, (size_t)n * sizeof *x);
    memcpy(s->y, y, (size_t)n * sizeof *y);
    s->n = n;
    c->nseries++;
}

/* ---- numbers -------------------------------------------------------------------------- */

char *rt_fmt_real(char *buf, double v, int decimals)
{
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
    if (decimals < 0)
        decimals = 0;
    if (decimals > 12)
        decimals = 12;
    double x = fabs(v) * pow10[decimals] + 0.5;
    if (!isfinite(v) || !(x < 9.2e18)) {
        strcpy(buf, "-");
        return buf;
    }
    uint64_t q = (uint64_t)x;
    char digits[32];
    int n = 0;
    do {
        digits[n++] = (char)('0' + q % 10);
        q /= 10;
    } while (q > 0 || n <= decimals);
    int o = 0;
    int zero = 1;
    for (int i = 0; i < n; i++)
        zero &= digits[i] == '0';
    if (v < 0 && !zero)
        buf[o++] = '-';
    for (int i = n - 1; i >= 0; i--) {
        buf[o++] = digits[i];
        if (i == decimals && decimals > 0)
            buf[o++] = '.';
    }
    buf[o] = '\0';
    return buf;
}

char *rt_fmt_real_trim(char *buf, double v, int decimals)
{
    rt_fmt_real(buf, v, decimals);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *z = buf + strlen(buf) - 1;
        while (z > dot && *z == '0')
            *z-- = '\0';
        if (z == dot)
            *z = '\0';
    }
    return buf;
}

/* ---- text ------------------------------------------------------------------------- */

static const char *cellv(const rt_tbl *t, int r, int c)
{
    const char *s = t->cell[(size_t)r * (size_t)t->ncols + (size_t)c];
    return s ? s : "";
}

/* "-1234567.89" -> "(1,234,567.89)"; anything not a plain number is kept */
static void grouped(char *out, size_t n, const char *s)
{
    const char *p = s;
    int neg = *p == '-';
    if (neg)
        p++;
    size_t il = strspn(p, "0123456789");
    if (il == 0 || (p[il] && p[il] != '.') || strlen(s) + il / 3 + 3 >= n) {
        snprintf(out, n, "%s", s);
        return;
    }
    size_t o = 0;
    if (neg)
        out[o++] = '(';
    for (size_t i = 0; i < il; i++) {
        if (i > 0 && (il - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = p[i];
    }
    o += (size_t)snprintf(out + o, n - o, "%s", p + il);
    if (neg && o + 1 < n) {
        out[o++] = ')';
        out[o] = '\0';
    }
}

static void shown(char *out, size_t n, const rt_tbl *t, int r, int c)
{
    if (t->kind[c] == RT_COL_MONEY)
        grouped(out, n, cellv(t, r, c));
    else
        snprintf(out, n, "%s", cellv(t, r, c));
}

/* ends a line without the blanks that padded empty cells at its end */
static void trim_line(rt_buf *out)
{
    while (out->len > 0 && out->data[out->len - 1] == ' ')
        out->len--;
    rt_buf_putc(out, '\n');
}

void rt_doc_text(const rt_doc *d, rt_buf *out)
{
    char cell[256];
    rt_buf_printf(out, "%s\n", d->title);
    for (int i = 0; i < d->nnotes; i++)
        rt_buf_printf(out, "%s\n", d->note[i]);
    for (int i = 0; i < d->ntbl; i++) {
        const rt_tbl *t = &d->tbl[i];
        size_t w[RT_TBL_MAXCOLS];
        for (int c = 0; c < t->ncols; c++) {
            w[c] = strlen(t->col[c] ? t->col[c] : "");
            for (int r = 0; r < t->nrows; r++) {
                shown(cell, sizeof cell, t, r, c);
                if (strlen(cell) > w[c])
                    w[c] = strlen(cell);
            }
        }
        rt_buf_printf(out, "\n%s\n", t->title ? t->title : "");
        for (int c = 0; c < t->ncols; c++) {
            const char *h = t->col[c] ? t->col[c] : "";
            size_t pad = w[c] - strlen(h);
            if (c > 0)
                rt_buf_puts(out, "  ");
            if (t->kind[c] == RT_COL_TEXT) {
                rt_buf_puts(out, h);
                if (c + 1 < t->ncols)
                    rt_buf_pad(out, ' ', pad);
            } else {
                rt_buf_pad(out, ' ', pad);
                rt_buf_puts(out, h);
            }
        }
        trim_line(out);
        for (int r = 0; r < t->nrows; r++) {
            for (int c = 0; c < t->ncols; c++) {
                shown(cell, sizeof cell, t, r, c);
                size_t pad = w[c] - strlen(cell);
                if (c > 0)
                    rt_buf_puts(out, "  ");
                if (t->kind[c] == RT_COL_TEXT) {
                    rt_buf_puts(out, cell);
                    if (c + 1 < t->ncols)
                        rt_buf_pad(out, ' ', pad);
                } else {
                    rt_buf_pad(out, ' ', pad);
                    rt_buf_puts(out, cell);
                }
            }
            trim_line(out);
        }
    }
}

/* ---- csv: table,row,column,value ------------------------------------------------------ */

void rt_doc_csv(const rt_doc *d, rt_buf *out)
{
    rt_buf_puts(out, "table,row,column,value\n");
    for (int i = 0; i < d->nnotes; i++) {
        rt_buf_printf(out, "note,%d,text,", i + 1);
        rt_buf_csv_field(out, d->note[i]);
        rt_buf_putc(out, '\n');
    }
    for (int i = 0; i < d->ntbl; i++) {
        const rt_tbl *t = &d->tbl[i];
        for (int r = 0; r < t->nrows; r++)
            for (int c = 1; c < t->ncols; c++) {
                rt_buf_csv_field(out, t->title ? t->title : "");
                rt_buf_putc(out, ',');
                rt_buf_csv_field(out, cellv(t, r, 0));
                rt_buf_putc(out, ',');
                rt_buf_csv_field(out, t->col[c] ? t->col[c] : "");
                rt_buf_putc(out, ',');
                rt_buf_csv_field(out, cellv(t, r, c));
                rt_buf_putc(out, '\n');
            }
    }
}

/* ---- json -------------------------------------------------------------------------------- */

static int plain_number(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (!(*p >= '0' && *p <= '9'))
        return 0;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return 0; /* JSON forbids leading zeros */
    p += strspn(p, "0123456789");
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        p += strspn(p, "0123456789");
    }
    return *p == '\0';
}

void rt_doc_json(const rt_doc *d, rt_buf *out)
{
    rt_buf_puts(out, "{\n  \"title\": ");
    rt_buf_json_string(out, d->title ? d->title : "");
    rt_buf_puts(out, ",\n  \"notes\": [");
    for (int i = 0; i < d->nnotes; i++) {
        rt_buf_puts(out, i ? ", " : "");
        rt_buf_json_string(out, d->note[i]);
    }
    rt_buf_puts(out, "],\n  \"tables\": [");
    for (int i = 0; i < d->ntbl; i++) {
        const rt_tbl *t = &d->tbl[i];
        rt_buf_puts(out, i ? ",\n    {\"title\": " : "\n    {\"title\": ");
        rt_buf_json_string(out, t->title ? t->title : "");
        rt_buf_puts(out, ",\n     \"columns\": [");
        for (int c = 0; c < t->ncols; c++) {
            rt_buf_puts(out, c ? ", " : "");
            rt_buf_json_string(out, t->col[c] ? t->col[c] : "");
        }
        rt_buf_puts(out, "],\n     \"rows\": [");
        for (int r = 0; r < t->nrows; r++) {
            rt_buf_puts(out, r ? ",\n       [" : "\n       [");
            for (int c = 0; c < t->ncols; c++) {
                const char *v = cellv(t, r, c);
                rt_buf_puts(out, c ? ", " : "");
                if (t->kind[c] != RT_COL_TEXT && plain_number(v))
                    rt_buf_puts(out, v);
                else if (t->kind[c] != RT_COL_TEXT && !*v)
                    rt_buf_puts(out, "null");
                else
                    rt_buf_json_string(out, v);
            }
            rt_buf_putc(out, ']');
        }
        rt_buf_puts(out, t->nrows ? "]}" : "]}");
    }
    rt_buf_puts(out, d->ntbl ? "\n  ]\n}\n" : "]\n}\n");
}

/* ---- html ---------------------------------------------------------------------------------- */

/* escaped by the one HTML rule (buf.c) */
static void html_text(rt_buf *out, const char *s)
{
    rt_buf_html_text(out, s, strlen(s));
}

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

/* a step no finer than range/8, of the form 1, 2 or 5 x 10^k */
static double nice_step(double range)
{
    if (!(range > 0))
        return 1;
    double raw = range / 6, p = 1;
    while (p * 10 <= raw)
        p *= 10;
    while (p > raw)
        p /= 10;
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* axis numbers a reader takes in at a glance: 250k, 1.5M (locale-free) */
static void tick_label(char *buf, double v)
{
    double a = fabs(v);
    char n[RT_NUMBUF];
    if (a >= 1e9)
        sprintf(buf, "%sB", rt_fmt_real_trim(n, v / 1e9, 3));
    else if (a >= 1e6)
        sprintf(buf, "%sM", rt_fmt_real_trim(n, v / 1e6, 3));
    else if (a >= 1e4)
        sprintf(buf, "%sk", rt_fmt_real_trim(n, v / 1e3, 3));
    else
        rt_fmt_real_trim(buf, fabs(v) < 1e-9 ? 0.0 : v, 4);
}

/* a coordinate: one decimal */
static const char *px(char *buf, double v)
{
    return rt_fmt_real(buf, v, 1);
}

/* The chart: a plot area, its ticks and axis labels, one polyline a
 * series, and below the x axis's label a legend laid out in rows that
 * fit the width (each entry as wide as its label, about 6.5 pixels a
 * character at 11 pixels); the SVG is as tall as the legend needs, and
 * the caption (the HTML's) comes before it. */
static void svg_chart(rt_buf *out, const rt_chart *c)
{
    const double W = 760, H = 320, L = 90, R = 20, T = 16, B = 50;
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    int any = 0;
    char a[RT_NUMBUF], b[RT_NUMBUF], e[RT_NUMBUF], f[RT_NUMBUF], g[RT_NUMBUF];
    for (int s = 0; s < c->nseries; s++)
        for (int i = 0; i < c->s[s].n; i++) {
            double x = c->s[s].x[i], y = c->s[s].y[i];
            if (!any) {
                x0 = x1 = x;
                y1 = y;
                any = 1;
            }
            if (x < x0)
                x0 = x;
            if (x > x1)
                x1 = x;
            if (y > y1)
                y1 = y;
            if (y < y0)
                y0 = y; /* 0 unless a figure is below it */
        }
    if (x1 <= x0)
        x1 = x0 + 1;
    if (y1 <= y0)
        y1 = y0 + 1;
    /* the legend's rows */
    double lx = L, ly = H + 6, row_h = 16;
    int rows = c->nseries > 0 ? 1 : 0;
    for (int s = 0; s < c->nseries; s++) {
        double w = 22 + 6.5 * (double)strlen(c->s[s].label ? c->s[s].label : "") + 14;
        if (lx + w > W - R && lx > L) {
            lx = L;
            rows++;
        }
        lx += w;
    }
    double hh = H + 6 + rows * row_h + 6;
    rt_buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"%s\" viewBox=\"0 0 760 %s\" "
                       "role=\"img\">\n<title>",
                  rt_fmt_real(a, hh, 0), rt_fmt_real(b, hh, 0));
    html_text(out, c->title ? c->title : "");
    rt_buf_puts(out, "</title>\n");
    rt_buf_printf(out, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"#fff\" stroke=\"#999\"/>\n", px(a, L),
                  px(b, T), px(e, W - L - R), px(f, H - T - B));
    double ys = nice_step(y1 - y0), xs = nice_step(x1 - x0);
    if (y0 < 0)
        y0 = floor(y0 / ys + 1e-9) * ys; /* the bottom at a whole tick below 0 */
    y1 = y0 + ceil((y1 - y0) / ys - 1e-9) * ys; /* the top at a whole tick */
    for (double v = y0; v <= y1 + ys * 1e-9; v += ys) {
        double py = T + (H - T - B) * (1 - (v - y0) / (y1 - y0));
        char tick[64];
        tick_label(tick, v);
        char h[RT_NUMBUF];
        rt_buf_printf(out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#eee\"/>"
                           "<text x=\"%s\" y=\"%s\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
                      px(a, L), px(b, py), px(e, W - R), px(f, py), px(g, L - 4), px(h, py + 4), tick);
    }
    for (double v = x0; v <= x1 + xs * 1e-9; v += xs) {
        double pxv = L + (W - L - R) * (v - x0) / (x1 - x0);
        char tick[64];
        tick_label(tick, v);
        rt_buf_printf(out, "<text x=\"%s\" y=\"%s\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n", px(a, pxv),
                      px(b, H - B + 16), tick);
    }
    rt_buf_printf(out, "<text x=\"%s\" y=\"%s\" font-size=\"12\" text-anchor=\"middle\">", px(a, L + (W - L - R) / 2),
                  px(b, H - B + 34));
    html_text(out, c->xlabel ? c->xlabel : "");
    rt_buf_printf(out, "</text>\n<text x=\"14\" y=\"%s\" font-size=\"12\" text-anchor=\"middle\" "
                       "transform=\"rotate(-90 14 %s)\">",
                  px(a, T + (H - T - B) / 2), px(b, T + (H - T - B) / 2));
    html_text(out, c->ylabel ? c->ylabel : "");
    rt_buf_puts(out, "</text>\n");
    lx = L;
    ly = H + 6;
    for (int s = 0; s < c->nseries; s++) {
        const char *col = palette[s % (int)(sizeof palette / sizeof palette[0])];
        rt_buf_printf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", col);
        for (int i = 0; i < c->s[s].n; i++) {
            double pxv = L + (W - L - R) * (c->s[s].x[i] - x0) / (x1 - x0);
            double py = T + (H - T - B) * (1 - (c->s[s].y[i] - y0) / (y1 - y0));
            rt_buf_printf(out, "%s%s,%s", i ? " " : "", px(a, pxv), px(b, py));
        }
        rt_buf_puts(out, "\"/>\n");
        const char *label = c->s[s].label ? c->s[s].label : "";
        double w = 22 + 6.5 * (double)strlen(label) + 14;
        if (lx + w > W - R && lx > L) {
            lx = L;
            ly += row_h;
        }
        rt_buf_printf(out, "<rect x=\"%s\" y=\"%s\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                           "<text x=\"%s\" y=\"%s\" font-size=\"11\">",
                      px(a, lx), px(b, ly), col, px(e, lx + 14), px(f, ly + 9));
        html_text(out, label);
        rt_buf_puts(out, "</text>\n");
        lx += w;
    }
    rt_buf_puts(out, "</svg>\n");
}

static void html_chart(rt_buf *out, const rt_chart *c)
{
    rt_buf_puts(out, "<figure><figcaption>");
    html_text(out, c->title ? c->title : "");
    rt_buf_puts(out, "</figcaption>\n");
    svg_chart(out, c);
    rt_buf_puts(out, "</figure>\n");
}

void rt_doc_html(const rt_doc *d, rt_buf *out)
{
    char cell[256];
    rt_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    html_text(out, d->title ? d->title : "");
    rt_buf_puts(out, "</title>\n<style>\n"
                     "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n"
                     "table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}\n"
                     "th,td{border:1px solid #ccc;padding:2px 8px}\n"
                     "th{background:#f3f3f3}\ntd.n{text-align:right;font-variant-numeric:tabular-nums}\n"
                     "h2{font-size:1.05em;margin-top:1.5em}\nfigure{margin:1em 0}\n"
                     "figcaption{font-size:14px;font-weight:600;margin:0 0 4px}\n"
                     "</style>\n</head>\n<body>\n<h1>");
    html_text(out, d->title ? d->title : "");
    rt_buf_puts(out, "</h1>\n");
    for (int i = 0; i < d->nnotes; i++) {
        rt_buf_puts(out, "<p>");
        html_text(out, d->note[i]);
        rt_buf_puts(out, "</p>\n");
    }
    int drawn = 0; /* charts written */
    for (int i = 0; i <= d->ntbl; i++) {
        /* the charts made before table i, then the table */
        while (drawn < d->ncharts && d->chart[drawn].after <= i)
            html_chart(out, &d->chart[drawn++]);
        if (i == d->ntbl)
            break;
        const rt_tbl *t = &d->tbl[i];
        rt_buf_puts(out, "<h2>");
        html_text(out, t->title ? t->title : "");
        rt_buf_puts(out, "</h2>\n<table>\n<tr>");
        for (int c = 0; c < t->ncols; c++) {
            rt_buf_puts(out, "<th>");
            html_text(out, t->col[c] ? t->col[c] : "");
            rt_buf_puts(out, "</th>");
        }
        rt_buf_puts(out, "</tr>\n");
        for (int r = 0; r < t->nrows; r++) {
            rt_buf_puts(out, "<tr>");
            for (int c = 0; c < t->ncols; c++) {
                shown(cell, sizeof cell, t, r, c);
                rt_buf_puts(out, t->kind[c] == RT_COL_TEXT ? "<td>" : "<td class=\"n\">");
                html_text(out, cell);
                rt_buf_puts(out, "</td>");
            }
            rt_buf_puts(out, "</tr>\n");
        }
        rt_buf_puts(out, "</table>\n");
    }
    rt_buf_puts(out, "</body>\n</html>\n");
}

void rt_doc_render(const rt_doc *doc, rt_format f, int html, rt_buf *out)
{
    if (html)
        rt_doc_html(doc, out);
    else if (f == RT_FORMAT_CSV)
        rt_doc_csv(doc, out);
    else if (f == RT_FORMAT_JSON)
        rt_doc_json(doc, out);
    else
        rt_doc_text(doc, out);
}
