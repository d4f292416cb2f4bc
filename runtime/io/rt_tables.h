/*
 * rt_tables.h — the projection outputs as a list of tables (title, typed
 * columns, rows of text cells) with four renderers: aligned text, long CSV,
 * JSON and a self-contained HTML page. Building the figures once and
 * rendering them four ways keeps the formats in agreement by construction.
 */
#ifndef RT_TABLES_H
#define RT_TABLES_H

#include "rt_internal.h"

enum { RT_COL_TEXT = 0, RT_COL_MONEY, RT_COL_NUMBER };
#define RT_TBL_MAXCOLS 64

typedef struct rt_tbl {
    char *title;
    int ncols;
    char *col[RT_TBL_MAXCOLS];
    int kind[RT_TBL_MAXCOLS];
    int nrows, cap;
    char **cell; /* nrows * ncols, plain text: numbers without separators */
} rt_tbl;

/* a line chart: series of (x, y) points, drawn in the HTML page only */
typedef struct rt_series {
    char *label;
    int n;
    double *x, *y;
} rt_series;

typedef struct rt_chart {
    char *title, *xlabel, *ylabel;
    int nseries;
    rt_series *s;
    int after; /* the number of tables before it: the HTML page shows it after them */
} rt_chart;

typedef struct rt_doc {
    char *title;
    int nnotes;
    char **note;   /* lines printed before the tables */
    int ntbl;
    rt_tbl *tbl;
    int ncharts;
    rt_chart *chart;
    int oom;
} rt_doc;

void rt_doc_init(rt_doc *d, const char *title);
void rt_doc_free(rt_doc *d);
void rt_doc_note(rt_doc *d, const char *fmt, ...) RT_FMT(2, 3);
/* a new table; columns "name:kind" are added with rt_tbl_col */
rt_tbl *rt_doc_table(rt_doc *d, const char *fmt, ...) RT_FMT(2, 3);
void rt_tbl_col(rt_doc *d, rt_tbl *t, const char *name, int kind);
/* starts a row; cells are then set by index (missing ones are empty) */
int rt_tbl_row(rt_doc *d, rt_tbl *t);
void rt_tbl_set(rt_doc *d, rt_tbl *t, int row, int col, const char *fmt, ...) RT_FMT(5, 6);
rt_chart *rt_doc_chart(rt_doc *d, const char *title, const char *xlabel, const char *ylabel);
/* adds a series of n points (copied) */
void rt_chart_series(rt_doc *d, rt_chart *c, const char *label, int n, const double *x, const double *y);

/* v with `decimals` digits after the point (0..12), half away from zero,
 * "-" when v is not finite or too large to print so (beyond 9.2e18 /
 * 10^decimals). Written by hand, not with printf: a %f conversion follows
 * the C library's locale, and a host that set LC_NUMERIC=de_DE would print
 * 1,5 for 1.5; every number the runtime writes from a double goes through
 * here. Returns buf (at least RT_NUMBUF bytes). */
char *rt_fmt_real(char *buf, double v, int decimals);
/* the same with trailing zeros (and a bare point) trimmed: 2.50 -> 2.5 */
char *rt_fmt_real_trim(char *buf, double v, int decimals);

void rt_doc_text(const rt_doc *d, rt_buf *out);
void rt_doc_csv(const rt_doc *d, rt_buf *out);
void rt_doc_json(const rt_doc *d, rt_buf *out);
void rt_doc_html(const rt_doc *d, rt_buf *out);
/* the document in a format (html: its HTML page, whatever f says) */
void rt_doc_render(const rt_doc *doc, rt_format f, int html, rt_buf *out);

#endif
