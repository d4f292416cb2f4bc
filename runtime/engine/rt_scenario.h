/*
 * rt_scenario.h — projection assumptions as written (flags, a scenario
 * file, vector files) and their resolution for one deal. Strings are not
 * copied: flag values point into argv, file values into the file's text,
 * which the rt_sc keeps until rt_sc_free.
 */
#ifndef RT_SCENARIO_H
#define RT_SCENARIO_H

#include "rt_project.h"

#define RT_SC_MAXNAMED 64
#define RT_SC_MAXLIST 100000
#define RT_SC_MAXFILES 4
#define RT_SC_MAXLAG 120
#define RT_SC_MAXPERIODS 1200
#define RT_SC_LABEL 128

/* where a value came from: file NULL for a command-line flag */
typedef struct rt_sc_origin {
    const char *file;
    int line, col;
} rt_sc_origin;

typedef struct rt_sc_err {
    rt_sc_origin o;       /* o.file points at file below when set */
    char msg[RT_ERRMAX];
    char file[1024];
} rt_sc_err;

typedef struct rt_sc_entry {
    const char *key; /* NULL: not given */
    const char *val;
    rt_sc_origin o;
} rt_sc_entry;

typedef struct rt_sc {
    rt_sc_entry prepay, dflt, severity, lag, advancing, periods, call;
    rt_sc_entry draw; /* draw-rate or draw-vector: revolving lines' draws */
    rt_sc_entry named[RT_SC_MAXNAMED]; /* index, index-vector, input: in order */
    int nnamed;
    char dir[4096];                    /* the scenario file's directory */
    char *files[RT_SC_MAXFILES];
    int nfiles;
} rt_sc;

/* resolved: the curves (lists for grid), and the assumptions with the first
 * curve of each list */
typedef struct rt_sc_res {
    rt_assump a;
    rt_curve *pp, *df;
    char (*pp_label)[RT_SC_LABEL], (*df_label)[RT_SC_LABEL];
    char draw_label[RT_SC_LABEL]; /* "draw 10% of the undrawn limit" or "no draws" */
    int npp, ndf;
    rt_index_path *index; /* ninputs */
    rt_dec *input;        /* ninputs */
    int32_t missing;
    void **store;
    int nstore;
} rt_sc_res;

void rt_sc_init(rt_sc *s);
void rt_sc_free(rt_sc *s);
int rt_sc_is_key(const char *key);
/* the i-th key (from 0), NULL past the last: the command line's options */
const char *rt_sc_key_at(int i);
/* key without "--"; 0 + e on a conflict */
int rt_sc_set(rt_sc *s, const char *key, const char *val, const rt_sc_origin *o, rt_sc_err *e);
int rt_sc_read_file(rt_sc *s, const char *path, rt_sc_err *e);
void rt_sc_merge(rt_sc *flags, const rt_sc *file);
/* a vector file: rates in percent, "X*N" repeats, "ramp A B N"; every
 * value from lo to hi (range says so in a message, what names the vector:
 * "CPR"), else an error at its line and column */
int rt_sc_read_vector(const char *path, rt_dec lo, rt_dec hi, const char *range, const char *what, rt_dec **out,
                      int32_t *n, rt_sc_err *e);
int rt_sc_resolve(const rt_deal *d, const rt_sc *s, int allow_lists, rt_sc_res *r, rt_sc_err *e);
void rt_sc_res_free(rt_sc_res *r);
/* Replaces the deal's collateral lines with a loan tape (CSV, one loan a
 * row, the RT_L_* field names and "group" as columns); 0 + e when the
 * tape is bad, and then the deal is unchanged. */
int rt_tape_load(rt_deal *d, const char *path, rt_sc_err *e);
/* The same from text (errors name the file as name), for tests and fuzzers. */
int rt_tape_parse(rt_deal *d, const char *name, const char *text, size_t len, rt_sc_err *e);
int rt_sc_fail(rt_sc_err *e, const rt_sc_origin *o, const char *fmt, ...) RT_FMT(3, 4);

#endif
