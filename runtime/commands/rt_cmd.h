/*
 * rt_cmd.h — what the project, breakeven and grid commands share
 * (project.c): their options, their inputs through the API (deal, class,
 * tape, assumptions, state), their outputs, and writing a document all or
 * nothing. Internal to the commands; every name carries rt_cmd_.
 */
#ifndef RT_CMD_H
#define RT_CMD_H

#include "dealc/dealc.h"
#include "rt_output.h"
#include "rt_scenario.h"
#include "rt_tables.h"

enum { RT_CMD_MAXSC = 128 };

typedef struct cmd_opts {
    const char *state, *scenario, *format, *klass, *settle, *price, *yield, *curve, *benchmark, *report,
        *output, *threads, *tape, *delay, *accrual_start, *pricing_dates, *shift;
    /* grid: scenario sets, Monte Carlo, streaming, shards */
    const char *scenarios, *paths, *seed, *hull_white, *rate_curve, *index_paths, *stream, *summary, *shard, *oas, *plan;
    /* the assumptions given as flags, in order (rt_sc_key_at's keys; a flag's value "yes") */
    const char *sc_key[RT_CMD_MAXSC], *sc_val[RT_CMD_MAXSC];
    int nsc;
} cmd_opts;

typedef struct setup {
    cmd_opts o;
    rt_format fmt;
    int32_t klass;          /* -1: all */
    rt_outset *os;          /* the tables: --output (or standard output) and --report */
    int out_i, report_i;
} setup;

int rt_cmd_parse_format(const char *prog, const char *f, rt_format *out);
/* the options of project (grid 0) or grid (1): 0, else the exit status
 * after a message */
int rt_cmd_parse_args(const char *prog, int argc, char **argv, int grid, cmd_opts *o);
/* --format as the API's: 0, else the exit status after a message */
int rt_cmd_format(const char *prog, const char *f, dealc_format *out);
/* an API error printed: a usage error as the command line's (status 2),
 * the rest located (status 1); returns the status */
int rt_cmd_api_error(const char *prog, const dealc_error *e);
/* the deal (as an API handle), --class, --tape, the assumptions given
 * (flags over --scenario) and --state, through the API: -1 to go on, else
 * the exit status after a message; what was made is the caller's to free */
int rt_cmd_inputs(const char *prog, const setup *s, rt_describe_fn describe, rt_period_fn period, dealc_deal **d,
                  int32_t *klass, dealc_scenario **sc, dealc_state **st);
/* the pricing options given, as a dealc_pricing (NULL when none is
 * given); 0 after *e, with what was made in *pr for the caller to free */
int rt_cmd_pricing(const cmd_opts *o, dealc_pricing **pr, dealc_error *e);
/* The outputs of a command that writes one document (--output or standard
 * output, and --report), checked before any work is done: neither may be an
 * input, this program or the other. 0 after a message. */
int rt_cmd_open_outputs(setup *s);
/* writes the document (stdout or --output) and the report, all or nothing,
 * through the outputs rt_cmd_open_outputs opened */
int rt_cmd_emit(const setup *s, const rt_doc *doc);

#endif /* RT_CMD_H */
