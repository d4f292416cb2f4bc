/*
 * explain.c — `BIN explain --state OPENING.json REMITTANCE.csv --period N NAME`:
 * why a figure is what it is. Replays to the Nth payment date of the file
 * (with every check replay makes), then prints the definition in force that
 * period (and the amendment it comes from), its formula, the agreement's
 * words, and the value of every figure the formula uses, following
 * definitions down to the reported inputs. A clause label explains the
 * clause: what it found, paid and could not pay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

static void put_value(const rt_dec v, int32_t unit, char *buf)
{
    switch (unit) {
    case RT_UNIT_MONEY: rt_fmt_money(buf, v, 1, 1); break;
    case RT_UNIT_RATE: rt_fmt_percent_trim(buf, v); strcat(buf, "%"); break;
    case RT_UNIT_DATE: rt_date_format(buf, (int32_t)(v / RT_SCALE)); break;
    case RT_UNIT_BOOL: strcpy(buf, v ? "true" : "false"); break;
    default: rt_fmt_trim(buf, v); break;
    }
}

static void explain_def(const rt_deal *d, const rt_dec *slot, int32_t def, int depth, char *seen, int32_t date)
{
    const rt_layout *l = &d->layout;
    char v[RT_NUMBUF + 8];
    const rt_def_doc *doc = def < d->def_docs.n ? &d->def_docs.v[def] : NULL;
    put_value(slot[RT_SLOT_DEF(l, def)], d->defs.v[def].unit, v);
    printf("%*s\"%s\" = %s\n", depth * 4, "", d->defs.v[def].name, v);
    if (seen[def]) {
        printf("%*s    (explained above)\n", depth * 4, "");
        return;
    }
    seen[def] = 1;
    if (doc && doc->formula) printf("%*s    formula: %s\n", depth * 4, "", doc->formula);
    if (doc && doc->amended_by && doc->amended_by[0]) {
        char eff[16];
        rt_date_format(eff, doc->effective);
        printf("%*s    %s by \"%s\", effective %s\n", depth * 4, "",
               date >= doc->effective ? "as amended" : "not yet amended", doc->amended_by, eff);
    }
    if (doc && doc->text && doc->text[0]) printf("%*s    text: \"%s\"\n", depth * 4, "", doc->text);
    for (int32_t i = 0; i < d->def_uses.n; i++) {
        const rt_def_ref *u = &d->def_uses.v[i];
        if (u->def != def) continue;
        if (u->def_ref >= 0) {
            explain_def(d, slot, u->def_ref, depth + 1, seen, date);
        } else {
            put_value(slot[u->slot], u->unit, v);
            printf("%*s    %s = %s\n", depth * 4, "", u->label, v);
        }
    }
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
    rt_deal *d = rt_load_deal(describe);
    if (!d) return 1;
    int32_t def = -1, clause = -1;
    for (int32_t i = 0; i < d->defs.n; i++)
        if (strcmp(d->defs.v[i].name, name) == 0) def = i;
    for (int32_t i = 0; i < d->clauses.n; i++)
        if (strcmp(d->clauses.v[i].label, name) == 0) clause = i;
    if (def < 0 && clause < 0) {
        fprintf(stderr, "%s: error: the deal has no definition or clause \"%s\"\n", prog, name);
        rt_deal_free(d);
        return 1;
    }
    int rc = 1;
    char msg[RT_ERRMAX];
    rt_state st;
    rt_remit rm = {0, NULL};
    rt_dec *slot = calloc((size_t)d->layout.total + 1, sizeof *slot);
    rt_run *run = rt_run_new(d);
    char *seen = calloc((size_t)d->defs.n + 1, 1);
    if (!slot || !run || !seen || !rt_state_init(&st, d)) {
        fprintf(stderr, "error: out of memory\n");
        goto out;
    }
    if (!rt_load_inputs(d, state, remit, &st, &rm))
        goto done;
    if (want > rm.nperiods) {
        fprintf(stderr, "%s: error: %s has %d payment dates; there is no period %ld\n", prog, remit,
                (int)rm.nperiods, want);
        goto done;
    }
    for (int32_t k = 0; k < want; k++) {
        const rt_period_in *p = &rm.period[k];
        int32_t n = st.distribution_number + 1;
        char date[16];
        rt_date_format(date, p->payment_date);
        rt_fill_slots(d, &st, p, n, slot);
        rt_run_reset(run);
        if (!rt_pool_sane(d, slot, msg) || period(slot, run) != 0 || run->failed || !rt_check_period(d, slot, msg)) {
            fprintf(stderr, "error: payment date %s: %s\n", date, run->failed ? run->error : msg);
            goto done;
        }
        if (k + 1 < want) {
            rt_roll_forward(d, &st, slot, n, p->payment_date);
            continue;
        }
        printf("%s, payment date %s (distribution %d)\n", d->name, date, (int)n);
        if (def >= 0) {
            explain_def(d, slot, def, 0, seen, p->payment_date);
        } else {
            const rt_layout *l = &d->layout;
            char a[RT_NUMBUF], b[RT_NUMBUF], c[RT_NUMBUF];
            printf("clause %s pays %s from fund \"%s\"\n", d->clauses.v[clause].label, d->clauses.v[clause].payee,
                   d->funds.v[d->clauses.v[clause].fund].name);
            printf("    available %s, paid %s, not paid %s\n",
                   rt_fmt_money(a, slot[RT_SLOT_CLAUSE(l, clause, RT_K_AVAILABLE)], 1, 1),
                   rt_fmt_money(b, slot[RT_SLOT_CLAUSE(l, clause, RT_K_PAID)], 1, 1),
                   rt_fmt_money(c, slot[RT_SLOT_CLAUSE(l, clause, RT_K_SHORTFALL)], 1, 1));
        }
        rc = fflush(stdout) == 0 ? 0 : 1;
    }
done:
    rt_remit_free(&rm);
    rt_state_free(&st);
out:
    free(seen);
    free(slot);
    rt_run_free(run);
    rt_deal_free(d);
    return rc;
}
