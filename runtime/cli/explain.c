/*
 * explain.c — `BIN explain --state OPENING.json REMITTANCE.csv --period N NAME`:
 * why a figure is what it is. The command line (rt_getopt) over the API's
 * dealc_explain (runtime/api/api_replay.c), which replays to the Nth
 * payment date of the file (with every check replay makes) and takes the
 * definition in force that period (and the amendment it comes from) apart:
 * its formula, the agreement's words, and the value of every figure the
 * formula uses, down to the reported inputs; a clause label ("4.02(d)(xiii)",
 * with or without "Section ") explains the clause in force: what it found,
 * paid and could not pay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealc/dealc.h"
#include "rt_internal.h"

int rt_explain_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    const char *state = NULL, *nstr = NULL;
    rt_opt opts[] = {{"state", &state, NULL}, {"period", &nstr, NULL}};
    char *pos[3];
    int npos, rc0 = rt_getopt(prog, argc, argv, opts, 2, pos, 2, &npos);
    if (rc0)
        return rc0;
    if (npos > 2)
        return rt_usage_error(prog, "unexpected argument \"%s\" (explain takes one name)", pos[2]);
    const char *remit = npos > 0 ? pos[0] : NULL, *name = npos > 1 ? pos[1] : NULL;
    if (!state || !remit || !name || !nstr)
        return rt_usage_error(prog, "%s", "explain needs --state OPENING.json REMITTANCE.csv --period N NAME");
    char *end = NULL;
    long want = strtol(nstr, &end, 10);
    if (!end || *end || want < 1 || want > 100000)
        return rt_usage_error(prog, "--period \"%s\" is not a period number (1 for the file's first date)", nstr);

    dealc_error e;
    dealc_deal *d = rt_cmd_deal(describe, period);
    if (!d)
        return 1;
    int rc = 1;
    dealc_state *st = NULL;
    dealc_remittance *rm = NULL;
    dealc_explanation *x = NULL;
    char text[RT_ERRMAX + 700];
    if (dealc_state_read(d, state, &st, &e) != DEALC_OK || dealc_remittance_read(d, st, remit, &rm, &e) != DEALC_OK) {
        dealc_error_text(&e, text, sizeof text);
        fprintf(stderr, "%s\n", text);
    } else {
        /* a name the deal does not have is told before a period the file
         * does not have: past the file, the name is tried on its first date */
        int32_t nper = dealc_remittance_periods(rm);
        dealc_status s = dealc_explain(d, st, rm, want > nper ? 1 : (int32_t)want, name, &x, &e);
        if (s == DEALC_ERR_USAGE) {
            fprintf(stderr, "%s: error: %s\n", prog, e.message);
        } else if (want > nper) {
            fprintf(stderr, "%s: error: %s has %d payment dates; there is no period %ld\n", prog, remit, (int)nper,
                    want);
        } else if (s != DEALC_OK) {
            dealc_error_text(&e, text, sizeof text);
            fprintf(stderr, "%s\n", text);
        } else {
            fputs(x->text, stdout);
            rc = fflush(stdout) == 0 ? 0 : 1;
        }
    }
    dealc_explanation_free(x);
    dealc_remittance_free(rm);
    dealc_state_free(st);
    dealc_deal_close(d);
    return rc;
}
