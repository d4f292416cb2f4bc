/*
 * explain.c — `BIN explain --state OPENING.json REMITTANCE.csv --period N NAME`:
 * why a figure is what it is. The command line over the API's
 * dealc_explain (runtime/api/api_replay.c), which replays to the Nth
 * payment date of the file (with every check replay makes) and takes the
 * definition in force that period (and the amendment it comes from) apart:
 * its formula, the agreement's words, and the value of every figure the
 * formula uses, down to the reported inputs; a clause label explains the
 * clause: what it found, paid and could not pay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealc/dealc.h"
#include "rt_internal.h"

static int print_error(const dealc_error *e)
{
    char text[RT_ERRMAX + 700];
    dealc_error_text(e, text, sizeof text);
    fprintf(stderr, "%s\n", text);
    return e->status == DEALC_ERR_USAGE ? 2 : 1;
}

int rt_explain_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    const char *state = NULL, *remit = NULL, *name = NULL, *nstr = NULL;
    for (int i = 1; i < argc; i++) {
        int err = 0;
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (rt_take_opt(argc, argv, &i, "--state", &state, &err, prog) ||
                rt_take_opt(argc, argv, &i, "--period", &nstr, &err, prog)) {
                if (err) return err;
                continue;
            }
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        }
        if (!remit) remit = a;
        else if (!name) name = a;
        else return rt_usage_error(prog, "unexpected argument \"%s\" (explain takes one name)", a);
    }
    if (!state || !remit || !name || !nstr)
        return rt_usage_error(prog, "%s", "explain needs --state OPENING.json REMITTANCE.csv --period N NAME");
    char *end = NULL;
    long want = strtol(nstr, &end, 10);
    if (!end || *end || want < 1 || want > 100000)
        return rt_usage_error(prog, "--period \"%s\" is not a period number (1 for the file's first date)", nstr);

    dealc_error e;
    dealc_deal *d = NULL;
    if (dealc_deal_from_functions((dealc_describe_fn)(void (*)(void))describe, (dealc_period_fn)(void (*)(void))period,
                                  NULL, NULL, &d, &e) != DEALC_OK) {
        fprintf(stderr, "error: %s\n", e.message);
        return 1;
    }
    const dealc_description *desc = dealc_deal_describe(d);
    int known = 0;
    for (int32_t i = 0; i < desc->ndefinitions; i++)
        known |= strcmp(desc->definitions[i].name, name) == 0;
    for (int32_t i = 0; i < desc->nclauses; i++)
        known |= strcmp(desc->clauses[i].label, name) == 0;
    int rc = 1;
    dealc_state *st = NULL;
    dealc_remittance *rm = NULL;
    dealc_explanation *x = NULL;
    if (!known) {
        fprintf(stderr, "%s: error: the deal has no definition or clause \"%s\"\n", prog, name);
    } else if (dealc_state_read(d, state, &st, &e) != DEALC_OK || dealc_remittance_read(d, st, remit, &rm, &e) != DEALC_OK) {
        print_error(&e);
    } else if (want > dealc_remittance_periods(rm)) {
        fprintf(stderr, "%s: error: %s has %d payment dates; there is no period %ld\n", prog, remit,
                (int)dealc_remittance_periods(rm), want);
    } else if (dealc_explain(d, st, rm, (int32_t)want, name, &x, &e) != DEALC_OK) {
        print_error(&e);
    } else {
        fputs(x->text, stdout);
        rc = fflush(stdout) == 0 ? 0 : 1;
    }
    dealc_explanation_free(x);
    dealc_remittance_free(rm);
    dealc_state_free(st);
    dealc_deal_close(d);
    return rc;
}
