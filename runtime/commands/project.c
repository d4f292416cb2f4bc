/*
 * project.c — the `project` command of a deal binary, a thin layer over
 * the API (dealc_scenario, dealc_pricing, dealc_project_priced,
 * dealc_projection_render), and what the commands that project share
 * (rt_cmd.h): their options, their inputs through the API, their outputs
 * through the output module, and grid's setup.
 *
 * Like replay, nothing is written unless the whole run succeeded.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "rt_cmd.h"



/* ---- command line -------------------------------------------------------------------------- */

int rt_cmd_parse_args(const char *prog, int argc, char **argv, int grid, cmd_opts *o)
{
    struct {
        const char *name;
        const char **dst;
        int grid_too, project_too;
    } opts[] = {{"state", &o->state, 1, 1},     {"scenario", &o->scenario, 1, 1}, {"format", &o->format, 1, 1},
                {"class", &o->klass, 1, 1},     {"settle", &o->settle, 1, 1},     {"price", &o->price, 1, 1},
                {"yield", &o->yield, 1, 1},     {"curve", &o->curve, 0, 1},       {"benchmark", &o->benchmark, 0, 1},
                {"report", &o->report, 1, 1},   {"output", &o->output, 1, 1},     {"threads", &o->threads, 1, 0},
                {"tape", &o->tape, 1, 1},       {"delay", &o->delay, 1, 1},       {"accrual-start", &o->accrual_start, 1, 1},
                {"pricing-dates", &o->pricing_dates, 1, 1}, {"shift", &o->shift, 0, 1},
                {"scenarios", &o->scenarios, 1, 0}, {"paths", &o->paths, 1, 0},   {"seed", &o->seed, 1, 0},
                {"hull-white", &o->hull_white, 1, 0}, {"rate-curve", &o->rate_curve, 1, 0},
                {"index-paths", &o->index_paths, 1, 0}, {"stream", &o->stream, 1, 0}, {"summary", &o->summary, 1, 0},
                {"shard", &o->shard, 1, 0},     {"oas", &o->oas, 1, 0}};
    enum { NOPTS = sizeof opts / sizeof opts[0], SC_KEY = 2000, PLAN = 3000 };
    /* getopt_long over every option of project and grid and every
     * assumption; each is then checked against the command */
    struct option lo[NOPTS + 32];
    int n = 0;
    for (int k = 0; k < (int)NOPTS; k++)
        lo[n++] = (struct option){opts[k].name, required_argument, NULL, 1000 + k};
    for (int k = 0; rt_sc_key_at(k) && n < (int)NOPTS + 30; k++) {
        const char *key = rt_sc_key_at(k);
        int flag = strcmp(key, "to-call") == 0 || strcmp(key, "to-maturity") == 0;
        lo[n++] = (struct option){key, flag ? no_argument : required_argument, NULL, SC_KEY + k};
    }
    lo[n++] = (struct option){"plan", no_argument, NULL, PLAN};
    memset(&lo[n], 0, sizeof lo[n]);
    optind = 0; /* a fresh scan (glibc) */
    opterr = 0;
    int ch, li;
    while ((li = -1, ch = getopt_long(argc, argv, "-:", lo, &li)) != -1) {
        if (ch == 1)
            return rt_usage_error(prog, "unexpected argument \"%s\" (every setting is an option, see --help)", optarg);
        /* the option as written (its value may be the next argument) and its name */
        const char *a = optind >= 2 && optarg && optarg == argv[optind - 1] ? argv[optind - 2] : argv[optind - 1];
        char key[64];
        size_t kl = strcspn(a, "=");
        if (kl < 2 || kl - 2 >= sizeof key)
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        memcpy(key, a + 2, kl - 2);
        key[kl - 2] = '\0';
        if (ch == '?') {
            if (optopt >= 1000 && strncmp(a, "--", 2) == 0 && (optopt != PLAN || grid))
                return rt_usage_error(prog, "option --%s takes no value", key);
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        }
        if (ch == ':')
            return rt_usage_error(prog, "option %s needs an argument", a);
        /* names in full: getopt_long's abbreviations are refused */
        if (strncmp(a, "--", 2) != 0 || li < 0 || strcmp(key, lo[li].name) != 0)
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        if (ch == PLAN) {
            if (!grid)
                return rt_usage_error(prog, "unknown option \"%s\"", a);
            o->plan = "yes";
            continue;
        }
        if (ch >= SC_KEY) {
            const char *k = rt_sc_key_at(ch - SC_KEY);
            int is_flag = strcmp(k, "to-call") == 0 || strcmp(k, "to-maturity") == 0;
            if (!is_flag && !*optarg)
                return rt_usage_error(prog, "option %s needs a non-empty argument", a);
            if (o->nsc == RT_CMD_MAXSC)
                return rt_usage_error(prog, "%s", "too many assumptions on the command line");
            o->sc_key[o->nsc] = k;
            o->sc_val[o->nsc++] = is_flag ? "yes" : optarg;
            continue;
        }
        int k = ch - 1000;
        if (grid ? !opts[k].grid_too : !opts[k].project_too)
            return rt_usage_error(prog, grid ? "option \"%s\" is for project, not grid" : "option \"%s\" is for grid, not project",
                                  a);
        if (!*optarg)
            return rt_usage_error(prog, "option %s needs a non-empty argument", a);
        if (*opts[k].dst)
            return rt_usage_error(prog, "option --%s given twice", key);
        *opts[k].dst = optarg;
    }
    if (optind < argc)
        return rt_usage_error(prog, "unexpected argument \"%s\" (every setting is an option, see --help)", argv[optind]);
    return 0;
}

int rt_cmd_parse_format(const char *prog, const char *f, rt_format *out)
{
    if (!f || strcmp(f, "table") == 0)
        *out = RT_FORMAT_TABLE;
    else if (strcmp(f, "csv") == 0)
        *out = RT_FORMAT_CSV;
    else if (strcmp(f, "json") == 0)
        *out = RT_FORMAT_JSON;
    else
        return rt_usage_error(prog, "unknown format \"%s\" (use table, csv or json)", f);
    return 0;
}

/* ---- outputs shared by project, breakeven and grid ----------------------------------------- */



int rt_cmd_open_outputs(setup *s)
{
    s->os = rt_out_begin();
    if (!s->os)
        return 0;
    const char *inputs[] = {s->o.state, s->o.scenario, s->o.tape, s->o.curve, s->o.scenarios, s->o.rate_curve,
                            s->o.index_paths};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (inputs[i] && !rt_out_input(s->os, inputs[i]))
            return 0;
    s->out_i = s->o.output ? rt_out_add(s->os, s->o.output, 0) : rt_out_add_stdout(s->os);
    s->report_i = -1;
    return s->out_i >= 0 && (!s->o.report || (s->report_i = rt_out_add(s->os, s->o.report, 0)) >= 0);
}

/* writes the output (stdout or --output) and the report, all or nothing */
int rt_cmd_emit(const setup *s, const rt_doc *doc)
{
    rt_buf out, html;
    rt_buf_init(&out);
    rt_buf_init(&html);
    rt_doc_render(doc, s->fmt, 0, &out);
    if (s->o.report)
        rt_doc_render(doc, s->fmt, 1, &html);
    int rc = 1;
    if (out.oom || html.oom || doc->oom)
        fprintf(stderr, "error: out of memory\n");
    else if (rt_out_write(s->os, s->out_i, out.data, out.len) &&
             (s->report_i < 0 || rt_out_write(s->os, s->report_i, html.data, html.len)) && rt_out_commit(s->os))
        rc = 0;
    rt_buf_free(&out);
    rt_buf_free(&html);
    return rc;
}

/* an API error: a usage error as the command line's, the rest located */
int rt_cmd_api_error(const char *prog, const dealc_error *e)
{
    if (e->status == DEALC_ERR_USAGE)
        return rt_usage_error(prog, "%s", e->message);
    rt_api_error(e);
    return 1;
}

int rt_cmd_format(const char *prog, const char *f, dealc_format *out)
{
    rt_format rf = RT_FORMAT_TABLE;
    int rc = rt_cmd_parse_format(prog, f, &rf);
    *out = (dealc_format)rf; /* the same order (api.c asserts it) */
    return rc;
}

int rt_cmd_inputs(const char *prog, const setup *s, rt_describe_fn describe, rt_period_fn period, dealc_deal **d,
                  int32_t *klass, dealc_scenario **sc, dealc_state **st)
{
    dealc_error e;
    *klass = -1;
    if (!(*d = rt_cmd_deal(describe, period)))
        return 1;
    if (s->o.klass) {
        const dealc_description *desc = dealc_deal_describe(*d);
        for (int32_t c = 0; c < desc->nclasses; c++)
            if (strcmp(desc->classes[c].name, s->o.klass) == 0)
                *klass = c;
        if (*klass < 0)
            return rt_usage_error(prog, "the deal has no class \"%s\"", s->o.klass);
    }
    if ((s->o.tape && dealc_deal_load_tape(*d, s->o.tape, &e) != DEALC_OK) || dealc_scenario_new(sc, &e) != DEALC_OK)
        return rt_cmd_api_error(prog, &e);
    for (int i = 0; i < s->o.nsc; i++)
        if (dealc_scenario_set(*sc, s->o.sc_key[i], s->o.sc_val[i], &e) != DEALC_OK)
            return rt_cmd_api_error(prog, &e);
    if ((s->o.scenario && dealc_scenario_read(*sc, s->o.scenario, &e) != DEALC_OK) ||
        (s->o.state && dealc_state_read(*d, s->o.state, st, &e) != DEALC_OK))
        return rt_cmd_api_error(prog, &e);
    return -1;
}

int rt_cmd_pricing(const cmd_opts *o, dealc_pricing **pr, dealc_error *e)
{
    const struct {
        const char *key, *val;
    } conv[] = {{"settle", o->settle},   {"price", o->price},
                {"yield", o->yield},     {"curve", o->curve},
                {"benchmark", o->benchmark}, {"delay", o->delay},
                {"accrual-start", o->accrual_start}, {"pricing-dates", o->pricing_dates},
                {"shift", o->shift},     {"oas", o->oas}};
    *pr = NULL;
    for (size_t i = 0; i < sizeof conv / sizeof conv[0]; i++)
        if (conv[i].val && ((!*pr && dealc_pricing_new(pr, e) != DEALC_OK) ||
                            dealc_pricing_set(*pr, conv[i].key, conv[i].val, e) != DEALC_OK))
            return 0;
    return 1;
}

/* `project`: the options become a dealc_scenario and a dealc_pricing, the
 * projection is dealc_project_priced and the output dealc_projection_render */
int rt_project_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    setup s; /* its options and outputs only: the rest is the API's */
    memset(&s, 0, sizeof s);
    int rc = rt_cmd_parse_args(prog, argc, argv, 0, &s.o);
    if (rc)
        return rc;
    dealc_format fmt;
    if ((rc = rt_cmd_format(prog, s.o.format, &fmt)))
        return rc;
    if (s.o.report && s.o.output && strcmp(s.o.report, s.o.output) == 0)
        return rt_usage_error(prog, "--output and --report both name \"%s\"", s.o.report);
    if (!rt_cmd_open_outputs(&s)) {
        rt_out_end(s.os);
        return 1;
    }
    dealc_deal *d = NULL;
    dealc_scenario *sc = NULL;
    dealc_pricing *pr = NULL;
    dealc_state *st = NULL;
    dealc_projection *p = NULL;
    char *text = NULL, *html = NULL;
    size_t len = 0, hlen = 0;
    dealc_error e;
    int32_t klass;
    rc = rt_cmd_inputs(prog, &s, describe, period, &d, &klass, &sc, &st);
    if (rc >= 0)
        goto done;
    if (!rt_cmd_pricing(&s.o, &pr, &e) || dealc_project_priced(d, st, sc, pr, &p, &e) != DEALC_OK ||
        dealc_projection_render(p, fmt, klass, &text, &len, &e) != DEALC_OK ||
        (s.o.report && dealc_projection_render(p, DEALC_FORMAT_HTML, klass, &html, &hlen, &e) != DEALC_OK))
        goto fail;
    rc = rt_out_write(s.os, s.out_i, text, len) && (s.report_i < 0 || rt_out_write(s.os, s.report_i, html, hlen)) &&
                 rt_out_commit(s.os)
             ? 0
             : 1;
    goto done;
fail:
    rc = rt_cmd_api_error(prog, &e);
done:
    dealc_free(text);
    dealc_free(html);
    dealc_projection_free(p);
    dealc_state_free(st);
    dealc_pricing_free(pr);
    dealc_scenario_free(sc);
    dealc_deal_close(d);
    rt_out_end(s.os);
    return rc;
}
