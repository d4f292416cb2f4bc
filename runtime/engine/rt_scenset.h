/*
 * rt_scenset.h — a set of scenarios of any size for `grid`: the product of
 * the assumption lists (--cpr 0,10,20 --cdr 0,2), or the rows of a
 * scenarios file (--scenarios FILE.csv), either of them crossed with
 * Monte Carlo index paths (--paths N with a Hull-White model, or an
 * --index-paths file). Scenario k (0-based) of n is base item k / npaths
 * with path k % npaths.
 *
 * Memory does not grow with n: a scenarios file is read one row at a time
 * (once through when opened, to check every row, then in order as the
 * scenarios are taken), and paths are generated or read when taken.
 *
 * Threads: rt_sset_take is called with k increasing, by one thread at a
 * time (the runner's lock); rt_sset_prepare, which does the work, may run
 * on any thread at once, each with its own rt_scen.
 *
 * Errors: a bad row is "FILE:LINE:COL: error: ..." naming the cell, and is
 * found when the set is opened, before anything runs.
 */
#ifndef RT_SCENSET_H
#define RT_SCENSET_H

#include "rt_mc.h"
#include "rt_scenario.h"

#define RT_SSET_MAXCOLS 128

typedef struct rt_sset_cfg {
    const rt_sc *base;       /* the flags merged with --scenario FILE */
    const rt_sc_res *lists;  /* the base resolved with lists allowed */
    const char *rows;        /* --scenarios FILE, or NULL */
    int64_t npaths;          /* 0: no paths */
    const char *path_input;  /* the index input the paths drive */
    int hull_white;          /* paths from the model (else from paths_file) */
    rt_hw hw;                /* fitted */
    uint64_t seed;
    const char *paths_file;
    int32_t months;          /* path length: the longest projection */
} rt_sset_cfg;

typedef struct rt_sset {
    const rt_deal *d;
    rt_sset_cfg cfg;
    int64_t nbase, npaths, n;
    int32_t max_lag;         /* the longest recovery lag of any scenario */
    int32_t path_input;
    char path_standin[300];  /* "NAME=0": the paths' input, given for rows that do not */
    /* the scenarios file */
    FILE *rows;
    char rows_dir[4096];     /* its directory, absolute: vector files in cells are relative to it */
    int ncols;
    char *colkey[RT_SSET_MAXCOLS]; /* rt_sc key, "name", "index-shift" */
    char *colname[RT_SSET_MAXCOLS]; /* the input of index:NAME, index-vector:NAME, input:NAME */
    char *line;              /* the current row's text */
    size_t linecap;
    int64_t lineno, row_next; /* the row (0-based) rt_sset_take reads next */
    int64_t last_row;        /* the row last read (-1 none) */
    char *last_text;         /* its text */
    size_t last_cap;
    int64_t last_lineno;
    rt_pathfile pf;
    int has_pf;
} rt_sset;

/* One scenario, ready to run: a owns everything it points to. */
typedef struct rt_scen {
    int64_t k;
    rt_assump a;
    char label[2 * RT_SC_LABEL + 32];
    /* storage */
    char *text;              /* the row's text (cells split in place) */
    size_t textcap;
    int64_t lineno;
    int has_row;
    rt_sc_res res;           /* the row's resolution */
    int has_res;
    rt_index_path *index;    /* ninputs */
    rt_dec *input;           /* ninputs */
    rt_dec *path;            /* months: the Monte Carlo path */
    double *disc;            /* months: its monthly discount factors */
    int has_disc;
    rt_dec *shifted;         /* index values moved by the row's index-shift */
    size_t shiftcap;
    char *buf;               /* cell values rebuilt as NAME=VALUE */
    size_t bufcap;
} rt_scen;

/* Opens the set and checks every row of a scenarios file and the paths
 * file; 0 + e (located) when something is wrong. */
int rt_sset_open(rt_sset *s, const rt_deal *d, const rt_sset_cfg *cfg, rt_sc_err *e);
void rt_sset_close(rt_sset *s);
/* the label of list item b (a "PREPAY / DEFAULT" pair) */
void rt_sset_list_label(const rt_sset *s, int64_t b, char *out, size_t n);

int rt_scen_init(rt_scen *sc, const rt_deal *d, int32_t months);
void rt_scen_free(rt_scen *sc);
/* Takes scenario k (k increasing from call to call): reads its row or
 * path into sc. 0 + e on a read error. */
int rt_sset_take(rt_sset *s, int64_t k, rt_scen *sc, rt_sc_err *e);
/* Resolves what rt_sset_take read into sc->a and sc->label. */
int rt_sset_prepare(const rt_sset *s, rt_scen *sc, rt_sc_err *e);

/* Splits one CSV line (RFC 4180 quoting, a quoted cell ending on its line)
 * into cells, in place: cell[i] starts at column col[i]; blanks around an
 * unquoted cell dropped. 0 + e (file:line:col) when the line is bad. */
int rt_csv_split_line(char *text, char **cell, int *col, int max, int *n, const char *file, int64_t line,
                      rt_sc_err *e);

#endif /* RT_SCENSET_H */
