/*
 * scenset.c — see rt_scenset.h.
 *
 * A scenarios file is a CSV (RFC 4180 quoting; a quoted cell ends on its
 * line) whose header names the columns and whose rows are the scenarios,
 * in order. A column is an assumption key as in a --scenario file (cpr,
 * psa, hep, prepay-vector, cdr, sda, default-vector, severity,
 * recovery-lag, advancing, periods, to-call, to-maturity), or name (the
 * scenario's label), index-shift (percent added to every index rate),
 * index:NAME, index-vector:NAME or input:NAME (a deal input). An empty
 * cell takes the value the flags give; a filled one replaces it. Blank
 * lines and lines starting with '#' are skipped.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "rt_scenset.h"

/* ---- reading lines --------------------------------------------------------------------- */

/* the next line that is not blank or a comment into *buf; 1, 0 at the end,
 * -1 on a read or memory error */
static int read_line(FILE *f, char **buf, size_t *cap, int64_t *lineno)
{
    for (;;) {
        size_t len = 0;
        int c;
        while ((c = getc(f)) != EOF && c != '\n') {
            if (len + 2 > *cap) {
                size_t nc = *cap ? *cap * 2 : 1024;
                char *nb = realloc(*buf, nc);
                if (!nb)
                    return -1;
                *buf = nb;
                *cap = nc;
            }
            (*buf)[len++] = (char)c;
        }
        if (c == EOF && ferror(f))
            return -1;
        if (c == EOF && len == 0)
            return 0;
        if (!*buf) {
            *buf = malloc(1024);
            if (!*buf)
                return -1;
            *cap = 1024;
        }
        if (len > 0 && (*buf)[len - 1] == '\r')
            len--;
        (*buf)[len] = '\0';
        (*lineno)++;
        if (strlen(*buf) != len)
            return -2; /* a NUL byte */
        const char *p = *buf + strspn(*buf, " \t");
        if (*p && *p != '#')
            return 1;
        if (c == EOF)
            return 0;
    }
}

/* Splits a CSV line into cells, in place: cell[i] and its column col[i]
 * (1-based). Blanks around an unquoted cell are dropped. */
static int split_cells(char *text, char **cell, int *col, int max, int *n, const char *file, int64_t line,
                       rt_sc_err *e)
{
    rt_sc_origin o = {file, (int)line, 1};
    char *p = text, *w;
    int k = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (k >= max) {
            o.col = (int)(p - text) + 1;
            return rt_sc_fail(e, &o, "more than %d cells", max);
        }
        col[k] = (int)(p - text) + 1;
        if (*p == '"') {
            char *q = ++p;
            w = p;
            for (;;) {
                if (!*q) {
                    o.col = col[k];
                    return rt_sc_fail(e, &o, "a quoted cell must end on its line");
                }
                if (*q == '"') {
                    if (q[1] == '"') {
                        *w++ = '"';
                        q += 2;
                        continue;
                    }
                    break;
                }
                *w++ = *q++;
            }
            *w = '\0';
            cell[k++] = p;
            q++;
            while (*q == ' ' || *q == '\t')
                q++;
            if (*q && *q != ',') {
                o.col = (int)(q - text) + 1;
                return rt_sc_fail(e, &o, "text after a quoted cell (a comma was expected)");
            }
            if (!*q)
                break;
            p = q + 1;
            continue;
        }
        char *start = p;
        while (*p && *p != ',') {
            if (*p == '"') {
                o.col = (int)(p - text) + 1;
                return rt_sc_fail(e, &o, "a quote inside an unquoted cell");
            }
            p++;
        }
        char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        int last = !*p;
        *end = '\0';
        cell[k++] = start;
        if (last)
            break;
        p++;
    }
    *n = k;
    return 1;
}

int rt_csv_split_line(char *text, char **cell, int *col, int max, int *n, const char *file, int64_t line,
                      rt_sc_err *e)
{
    return split_cells(text, cell, col, max, n, file, line, e);
}

/* ---- opening ----------------------------------------------------------------------------- */

static int32_t find_input(const rt_deal *d, const char *name)
{
    for (int32_t i = 0; i < d->inputs.n; i++)
        if (strcmp(d->inputs.v[i].name, name) == 0)
            return i;
    return -1;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static int read_header(rt_sset *s, const char *file, rt_sc_err *e)
{
    rt_sc_origin o = {file, 0, 0};
    int r = read_line(s->rows, &s->line, &s->linecap, &s->lineno);
    o.line = (int)s->lineno;
    if (r == -2)
        return rt_sc_fail(e, &o, "a NUL byte in the file");
    if (r <= 0)
        return rt_sc_fail(e, &o, r < 0 ? "cannot read the file" : "no header row (the column names)");
    char *cell[RT_SSET_MAXCOLS];
    int col[RT_SSET_MAXCOLS], n;
    if (!split_cells(s->line, cell, col, RT_SSET_MAXCOLS, &n, file, s->lineno, e))
        return 0;
    for (int i = 0; i < n; i++) {
        o.col = col[i];
        const char *c = cell[i], *colon = strchr(c, ':');
        char key[64];
        size_t kl = colon ? (size_t)(colon - c) : strlen(c);
        if (kl >= sizeof key)
            kl = sizeof key - 1;
        memcpy(key, c, kl);
        key[kl] = '\0';
        const char *name = colon ? colon + 1 : NULL;
        if (colon && strcmp(key, "index") != 0 && strcmp(key, "index-vector") != 0 && strcmp(key, "input") != 0)
            return rt_sc_fail(e, &o, "unknown column \"%s\" (index:NAME, index-vector:NAME and input:NAME name an input)",
                              c);
        if (!colon && (strcmp(key, "index") == 0 || strcmp(key, "index-vector") == 0 || strcmp(key, "input") == 0))
            return rt_sc_fail(e, &o, "the column \"%s\" needs the input's name: %s:NAME", key, key);
        if (!colon && strcmp(key, "name") != 0 && strcmp(key, "index-shift") != 0 && !rt_sc_is_key(key))
            return rt_sc_fail(e, &o,
                              "unknown column \"%s\" (name, an assumption such as cpr or severity, index-shift, "
                              "index:NAME, index-vector:NAME or input:NAME)",
                              c);
        if (name) {
            int32_t k = find_input(s->d, name);
            if (k < 0)
                return rt_sc_fail(e, &o, "the deal has no input \"%s\" (describe lists them)", name);
            if (strcmp(key, "input") != 0 && s->d->inputs.v[k].unit != RT_UNIT_RATE)
                return rt_sc_fail(e, &o, "input \"%s\" is not a rate, so it cannot be an index", name);
        }
        for (int j = 0; j < i; j++)
            if (strcmp(s->colkey[j], key) == 0 && ((!name && !s->colname[j]) || (name && s->colname[j] &&
                                                                                  strcmp(s->colname[j], name) == 0)))
                return rt_sc_fail(e, &o, "the column \"%s\" is given twice", c);
        s->colkey[i] = dup_str(key);
        s->colname[i] = name ? dup_str(name) : NULL;
        s->ncols = i + 1;
        if (!s->colkey[i] || (name && !s->colname[i]))
            return rt_sc_fail(e, &o, "out of memory");
    }
    return 1;
}

void rt_sset_close(rt_sset *s)
{
    if (s->rows)
        fclose(s->rows);
    for (int i = 0; i < s->ncols; i++) {
        free(s->colkey[i]);
        free(s->colname[i]);
    }
    free(s->line);
    free(s->last_text);
    if (s->has_pf)
        rt_pathfile_close(&s->pf);
    memset(s, 0, sizeof *s);
}

/* back to the first row */
static int rows_rewind(rt_sset *s, rt_sc_err *e)
{
    rt_sc_origin o = {s->cfg.rows, 0, 0};
    rewind(s->rows);
    s->lineno = 0;
    int r = read_line(s->rows, &s->line, &s->linecap, &s->lineno); /* the header again */
    if (r <= 0)
        return rt_sc_fail(e, &o, "cannot read the file again (has it changed?)");
    s->row_next = 0;
    s->last_row = -1;
    return 1;
}

int rt_sset_open(rt_sset *s, const rt_deal *d, const rt_sset_cfg *cfg, rt_sc_err *e)
{
    memset(s, 0, sizeof *s);
    s->d = d;
    s->cfg = *cfg;
    s->last_row = -1;
    s->npaths = cfg->npaths > 0 ? cfg->npaths : 1;
    s->path_input = -1;
    rt_sc_origin none = {NULL, 0, 0};
    if (cfg->npaths > 0) {
        s->path_input = find_input(d, cfg->path_input);
        if (s->path_input < 0)
            return rt_sc_fail(e, &none, "the deal has no input \"%s\" (describe lists them)", cfg->path_input);
        if (d->inputs.v[s->path_input].unit != RT_UNIT_RATE)
            return rt_sc_fail(e, &none, "input \"%s\" is not a rate, so it cannot be an index", cfg->path_input);
        snprintf(s->path_standin, sizeof s->path_standin, "%s=0", cfg->path_input);
        if (!cfg->hull_white) {
            rt_err fe;
            if (!rt_pathfile_open(&s->pf, cfg->paths_file, &fe)) {
                rt_sc_origin o = {cfg->paths_file, fe.line, fe.col};
                return rt_sc_fail(e, &o, "%s", fe.msg);
            }
            s->has_pf = 1;
            if (s->npaths > s->pf.count) {
                rt_sc_origin o = {cfg->paths_file, 0, 0};
                return rt_sc_fail(e, &o, "%lld paths wanted, the file has %lld", (long long)s->npaths,
                                  (long long)s->pf.count);
            }
        }
    }
    if (cfg->rows) {
        rt_sc_origin o = {cfg->rows, 0, 0};
        s->rows = fopen(cfg->rows, "rb");
        if (!s->rows)
            return rt_sc_fail(e, &o, "cannot read: %s", strerror(errno));
        /* cells naming files are relative to the file's directory, made
         * absolute so that the flags' own directory cannot shadow it */
        char dir[4096];
        const char *slash = strrchr(cfg->rows, '/');
        size_t dl = slash ? (size_t)(slash - cfg->rows) : 0;
        if (dl >= sizeof dir)
            return rt_sc_fail(e, &o, "the file's name is too long");
        if (dl == 0 && slash)
            strcpy(dir, "/");
        else if (dl == 0)
            strcpy(dir, ".");
        else {
            memcpy(dir, cfg->rows, dl);
            dir[dl] = '\0';
        }
        char *abs = realpath(dir, NULL);
        if (!abs || strlen(abs) + 1 >= sizeof s->rows_dir) {
            free(abs);
            return rt_sc_fail(e, &o, "cannot find the file's directory");
        }
        strcpy(s->rows_dir, abs);
        free(abs);
        if (!read_header(s, cfg->rows, e))
            return 0;
        /* every row once now, with the code that will run it, so that a
         * bad cell stops the run before anything is written */
        rt_scen sc;
        if (!rt_scen_init(&sc, d, 1))
            return rt_sc_fail(e, &o, "out of memory");
        int ok = 1;
        for (int64_t b = 0;; b++) {
            int r = read_line(s->rows, &s->line, &s->linecap, &s->lineno);
            if (r == -2) {
                o.line = (int)s->lineno;
                ok = rt_sc_fail(e, &o, "a NUL byte in the file");
                break;
            }
            if (r < 0) {
                ok = rt_sc_fail(e, &o, "cannot read the file");
                break;
            }
            if (r == 0) {
                s->nbase = b;
                break;
            }
            size_t len = strlen(s->line) + 1;
            if (len > sc.textcap) {
                char *nt = realloc(sc.text, len);
                if (!nt) {
                    ok = rt_sc_fail(e, &o, "out of memory");
                    break;
                }
                sc.text = nt;
                sc.textcap = len;
            }
            memcpy(sc.text, s->line, len);
            sc.lineno = s->lineno;
            sc.has_row = 1;
            sc.k = b * s->npaths;
            if (!rt_sset_prepare(s, &sc, e)) {
                ok = 0;
                break;
            }
            if (sc.a.lag > s->max_lag)
                s->max_lag = sc.a.lag;
        }
        rt_scen_free(&sc);
        if (!ok)
            return 0;
        if (s->nbase == 0)
            return rt_sc_fail(e, &o, "no scenarios: the file has a header and no rows");
        if (!rows_rewind(s, e))
            return 0;
    } else {
        s->nbase = (int64_t)cfg->lists->npp * cfg->lists->ndf;
        s->max_lag = cfg->lists->a.lag;
    }
    if (s->nbase > INT64_MAX / s->npaths || s->nbase * s->npaths > ((int64_t)1 << 40))
        return rt_sc_fail(e, &none, "more than 2^40 scenarios");
    s->n = s->nbase * s->npaths;
    return 1;
}

void rt_sset_list_label(const rt_sset *s, int64_t b, char *out, size_t n)
{
    const rt_sc_res *l = s->cfg.lists;
    snprintf(out, n, "%s / %s", l->pp_label[b / l->ndf], l->df_label[b % l->ndf]);
}

/* ---- scenarios ---------------------------------------------------------------------------- */

int rt_scen_init(rt_scen *sc, const rt_deal *d, int32_t months)
{
    memset(sc, 0, sizeof *sc);
    size_t ni = (size_t)d->inputs.n + 1;
    sc->index = calloc(ni, sizeof *sc->index);
    sc->input = calloc(ni, sizeof *sc->input);
    sc->path = calloc((size_t)months + 1, sizeof *sc->path);
    sc->disc = calloc((size_t)months + 1, sizeof *sc->disc);
    if (!sc->index || !sc->input || !sc->path || !sc->disc) {
        rt_scen_free(sc);
        return 0;
    }
    return 1;
}

void rt_scen_free(rt_scen *sc)
{
    free(sc->text);
    if (sc->has_res)
        rt_sc_res_free(&sc->res);
    free(sc->index);
    free(sc->input);
    free(sc->path);
    free(sc->disc);
    free(sc->shifted);
    free(sc->buf);
    memset(sc, 0, sizeof *sc);
}

int rt_sset_take(rt_sset *s, int64_t k, rt_scen *sc, rt_sc_err *e)
{
    int64_t b = k / s->npaths, p = k % s->npaths;
    sc->k = k;
    if (s->rows) {
        rt_sc_origin o = {s->cfg.rows, 0, 0};
        if (b != s->last_row) {
            if (b < s->row_next && !rows_rewind(s, e))
                return 0;
            while (s->row_next <= b) {
                int r = read_line(s->rows, &s->line, &s->linecap, &s->lineno);
                if (r <= 0)
                    return rt_sc_fail(e, &o, "cannot read row %lld again (has the file changed?)", (long long)b + 1);
                s->row_next++;
            }
            size_t len = strlen(s->line) + 1;
            if (len > s->last_cap) {
                char *nt = realloc(s->last_text, len);
                if (!nt)
                    return rt_sc_fail(e, &o, "out of memory");
                s->last_text = nt;
                s->last_cap = len;
            }
            memcpy(s->last_text, s->line, len);
            s->last_row = b;
            s->last_lineno = s->lineno;
        }
        size_t len = strlen(s->last_text) + 1;
        if (len > sc->textcap) {
            char *nt = realloc(sc->text, len);
            if (!nt)
                return rt_sc_fail(e, &o, "out of memory");
            sc->text = nt;
            sc->textcap = len;
        }
        memcpy(sc->text, s->last_text, len);
        sc->lineno = s->last_lineno;
        sc->has_row = 1;
    }
    if (s->has_pf) {
        rt_err fe;
        if (!rt_pathfile_read(&s->pf, p, sc->path, s->cfg.months, &fe)) {
            rt_sc_origin o = {s->cfg.paths_file, fe.line, fe.col};
            return rt_sc_fail(e, &o, "%s", fe.msg);
        }
    }
    return 1;
}

/* the cells of a row as rt_sc settings over the base */
static int row_settings(const rt_sset *s, rt_scen *sc, rt_sc *row, rt_dec *shift, int *has_shift, char *name,
                        size_t namesize, rt_sc_err *e)
{
    const char *file = s->cfg.rows;
    char *cell[RT_SSET_MAXCOLS];
    int col[RT_SSET_MAXCOLS], n;
    if (!split_cells(sc->text, cell, col, RT_SSET_MAXCOLS, &n, file, sc->lineno, e))
        return 0;
    rt_sc_origin o = {file, (int)sc->lineno, 1};
    if (n != s->ncols) {
        o.col = n > s->ncols ? col[s->ncols] : (int)strlen(sc->text) + 1;
        return rt_sc_fail(e, &o, "%d cells where the header has %d", n, s->ncols);
    }
    /* the values that need rebuilding (NAME=VALUE, absolute paths) go in
     * one buffer, sized first so that no pointer into it moves */
    size_t need = 1;
    for (int i = 0; i < n; i++)
        if (*cell[i])
            need += strlen(cell[i]) + (s->colname[i] ? strlen(s->colname[i]) : 0) + strlen(s->rows_dir) + 4;
    if (need > sc->bufcap) {
        char *nb = realloc(sc->buf, need);
        if (!nb)
            return rt_sc_fail(e, &o, "out of memory");
        sc->buf = nb;
        sc->bufcap = need;
    }
    char *w = sc->buf;
    rt_sc_init(row);
    *has_shift = 0;
    name[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!*cell[i])
            continue;
        o.col = col[i];
        const char *key = s->colkey[i];
        if (strcmp(key, "name") == 0) {
            snprintf(name, namesize, "%s", cell[i]);
            continue;
        }
        if (strcmp(key, "index-shift") == 0) {
            rt_numtext info;
            if (rt_dec_parse(cell[i], strlen(cell[i]), shift, &info) != RT_PARSE_OK)
                return rt_sc_fail(e, &o, "index-shift needs a percentage (such as 0.5 or -1%%), found \"%s\"", cell[i]);
            if (!info.percent)
                *shift /= 100;
            *has_shift = 1;
            continue;
        }
        const char *val = cell[i];
        int is_path = strcmp(key, "prepay-vector") == 0 || strcmp(key, "default-vector") == 0 ||
                      strcmp(key, "index-vector") == 0;
        if (s->colname[i] || (is_path && val[0] != '/')) {
            char *start = w;
            if (s->colname[i])
                w += sprintf(w, "%s=", s->colname[i]);
            if (is_path && val[0] != '/')
                w += sprintf(w, "%s/", s->rows_dir);
            w += sprintf(w, "%s", val);
            *w++ = '\0';
            val = start;
        }
        if (!rt_sc_set(row, key, val, &o, e))
            return 0;
    }
    rt_sc_merge(row, s->cfg.base);
    memcpy(row->dir, s->cfg.base->dir, sizeof row->dir);
    if (s->path_input >= 0) {
        /* the paths give the index they drive: a stand-in, replaced */
        rt_sc_origin none = {NULL, 0, 0};
        if (!rt_sc_set(row, "index", s->path_standin, &none, e))
            return 0;
    }
    return 1;
}

int rt_sset_prepare(const rt_sset *s, rt_scen *sc, rt_sc_err *e)
{
    const rt_deal *d = s->d;
    int32_t ni = d->inputs.n;
    int64_t b = sc->k / s->npaths, p = sc->k % s->npaths;
    rt_dec shift = 0;
    int has_shift = 0;
    const rt_sc_res *res;
    if (sc->has_row) {
        rt_sc row;
        char name[RT_SC_LABEL];
        if (sc->has_res) {
            rt_sc_res_free(&sc->res);
            sc->has_res = 0;
        }
        if (!row_settings(s, sc, &row, &shift, &has_shift, name, sizeof name, e))
            return 0;
        int ok = rt_sc_resolve(d, &row, 0, &sc->res, e);
        sc->has_res = 1;
        if (!ok && !e->o.file) {
            /* a setting no cell gave (and no flag): say which row lacks it */
            rt_sc_origin o = {s->cfg.rows, (int)sc->lineno, 1};
            char msg[RT_ERRMAX];
            snprintf(msg, sizeof msg, "%s", e->msg);
            return rt_sc_fail(e, &o, "this row: %s", msg);
        }
        if (!ok)
            return 0;
        res = &sc->res;
        if (name[0])
            snprintf(sc->label, sizeof sc->label, "%s", name);
        else
            snprintf(sc->label, sizeof sc->label, "row %lld", (long long)b + 1);
    } else {
        res = s->cfg.lists;
        rt_sset_list_label(s, b, sc->label, sizeof sc->label);
    }
    sc->a = res->a;
    if (!sc->has_row) {
        sc->a.prepay = res->pp[b / res->ndf];
        sc->a.dflt = res->df[b % res->ndf];
    }
    for (int32_t i = 0; i < ni; i++) {
        sc->index[i] = res->index[i];
        sc->input[i] = res->input[i];
    }
    if (s->path_input >= 0) {
        int32_t m = s->cfg.months;
        if (s->cfg.hull_white) {
            rt_hw_path(&s->cfg.hw, s->cfg.seed, (uint64_t)p, m, sc->path, sc->disc);
        } else {
            for (int32_t t = 0; t < m; t++)
                sc->disc[t] = 1.0 / (1.0 + (double)sc->path[t] / 1e12 / 12);
        }
        sc->has_disc = 1;
        sc->index[s->path_input].values = sc->path;
        sc->index[s->path_input].n = m;
        sc->input[s->path_input] = sc->path[0];
        size_t l = strlen(sc->label);
        snprintf(sc->label + l, sizeof sc->label - l, "%spath %lld", l ? " / " : "", (long long)p + 1);
    }
    if (has_shift) {
        size_t need = 0;
        for (int32_t i = 0; i < ni; i++)
            need += (size_t)sc->index[i].n;
        if (need > sc->shiftcap) {
            rt_dec *ns = realloc(sc->shifted, need * sizeof *ns);
            if (!ns) {
                rt_sc_origin o = {s->cfg.rows, (int)sc->lineno, 1};
                return rt_sc_fail(e, &o, "out of memory");
            }
            sc->shifted = ns;
            sc->shiftcap = need;
        }
        size_t at = 0;
        for (int32_t i = 0; i < ni; i++) {
            if (sc->index[i].n == 0)
                continue;
            rt_dec *v = &sc->shifted[at];
            for (int32_t t = 0; t < sc->index[i].n; t++) {
                v[t] = sc->index[i].values[t] + shift;
                if (v[t] < -RT_SCALE || v[t] > 10 * RT_SCALE) {
                    rt_sc_origin o = {s->cfg.rows, (int)sc->lineno, 1};
                    char num[RT_NUMBUF];
                    return rt_sc_fail(e, &o, "index \"%s\" shifted is %s%% in month %d: outside -100%% to 1,000%%",
                                      d->inputs.v[i].name, rt_fmt_percent_trim(num, v[t]), (int)t + 1);
                }
            }
            sc->index[i].values = v;
            sc->input[i] = v[0];
            at += (size_t)sc->index[i].n;
        }
    }
    sc->a.index = sc->index;
    sc->a.input = sc->input;
    return 1;
}
