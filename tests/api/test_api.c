/*
 * test_api.c — the public C API (include/dealc/dealc.h), linked against
 * libdealrt.so the way a host program is, so only what the library exports
 * is reachable. GMACM 2003-HE2 is built as a shared object and as a deal
 * binary by dealc; the API's replay of 2004-02-25 is held to the trustee's
 * statement (figures typed from agreements/gmacm-2003-he2/statement-
 * 2004-02-25.txt) and, byte for byte, to the binary's own output; a
 * remittance built in memory from the figures of the servicer's file gives
 * the same result; projections and grids give the binary's WALs; every bad
 * input comes back as an error value with its place.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <dealc/dealc.h>

#include "../support/testutil.h"

static char work[512];
static dealc_deal *deal;

static const char *wpath(const char *name)
{
    static char buf[8][700];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", work, name);
    return buf[i];
}

#define STATE AGREEMENTS_DIR "/gmacm-2003-he2/opening-2004-01-26.json"
#define REMIT AGREEMENTS_DIR "/gmacm-2003-he2/remittance-2004-02-25.csv"

static int setup(void **st)
{
    (void)st;
    snprintf(work, sizeof work, "%s", WORK_DIR);
    mkdir(work, 0755);
    char *so[] = {DEALC_BIN, "build", "--shared", AGREEMENTS_DIR "/gmacm-2003-he2.deal", "-o", (char *)wpath("gmacm.so"), NULL};
    if (run(so, wpath("b1.out"), wpath("b1.err")) != 0) {
        fprintf(stderr, "%s", slurp(wpath("b1.err")));
        return -1;
    }
    char *exe[] = {DEALC_BIN, "build", AGREEMENTS_DIR "/gmacm-2003-he2.deal", "-o", (char *)wpath("gmacm"), NULL};
    if (run(exe, wpath("b2.out"), wpath("b2.err")) != 0) {
        fprintf(stderr, "%s", slurp(wpath("b2.err")));
        return -1;
    }
    dealc_error e;
    if (dealc_deal_open(wpath("gmacm.so"), &deal, &e) != DEALC_OK) {
        char t[1200];
        dealc_error_text(&e, t, sizeof t);
        fprintf(stderr, "%s\n", t);
        return -1;
    }
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    dealc_deal_close(deal);
    return 0;
}

static int32_t index_of(const dealc_description *d, const char *cls)
{
    for (int32_t c = 0; c < d->nclasses; c++)
        if (strcmp(d->classes[c].name, cls) == 0)
            return c;
    fail_msg("no class %s", cls);
    return -1;
}

static int32_t line_of(const dealc_description *d, const char *name)
{
    for (int32_t i = 0; i < d->nlines; i++)
        if (strcmp(d->lines[i].name, name) == 0)
            return i;
    fail_msg("no line %s", name);
    return -1;
}

static void test_describe(void **st)
{
    (void)st;
    const dealc_description *d = dealc_deal_describe(deal);
    assert_string_equal(d->name, "GMACM Home Equity Loan Trust 2003-HE2");
    assert_int_equal(d->nclasses, 6);
    assert_int_equal(d->ngroups, 1);
    assert_string_equal(d->groups[0], "Group 1");
    /* the prospectus: Class A-1 $366,447,000; Class IO notional $84,000,000 */
    int32_t a1 = index_of(d, "A-1"), io = index_of(d, "IO");
    assert_int_equal(d->classes[a1].original, 36644700000LL);
    assert_int_equal(d->classes[io].notional, 1);
    assert_int_equal(d->classes[io].original, 8400000000LL);
    char date[11];
    assert_string_equal(dealc_date_text(d->closing_date, date), "2003-03-26");
    assert_true(d->ncollateral > 0);
    char *text = NULL;
    assert_int_equal(dealc_deal_describe_text(deal, &text, NULL, NULL), DEALC_OK);
    char *argv[] = {(char *)wpath("gmacm"), "describe", NULL};
    assert_int_equal(run(argv, wpath("describe.out"), wpath("describe.err")), 0);
    char *want = slurp(wpath("describe.out"));
    assert_string_equal(text, want);
    free(want);
    dealc_free(text);
}

/* the trustee's figures, in cents */
static void check_statement(const dealc_replay *r)
{
    const dealc_description *d = dealc_deal_describe(deal);
    assert_int_equal(r->nperiods, 1);
    const dealc_statement *p = &r->periods[0];
    char date[11];
    assert_string_equal(dealc_date_text(p->payment_date, date), "2004-02-25");
    assert_int_equal(p->distribution, 11);
    const int64_t *a1 = &p->classes[index_of(d, "A-1") * r->class_stride];
    assert_int_equal(a1[DEALC_CLASS_BEGINNING_BALANCE], 13337359032LL);
    assert_int_equal(a1[DEALC_CLASS_ENDING_BALANCE], 11626189561LL);
    assert_int_equal(a1[DEALC_CLASS_PRINCIPAL], 1711169471LL);
    assert_int_equal(a1[DEALC_CLASS_INTEREST], 13337359LL);
    assert_int_equal(a1[DEALC_CLASS_INTEREST_SHORTFALL], 0);
    /* factor 0.3172680 and security 18.32%, in units of 10^-12 */
    assert_int_equal(a1[DEALC_CLASS_FACTOR], 317268000000LL);
    assert_int_equal(a1[DEALC_CLASS_SECURITY_PERCENT], 18320000000000LL);
    /* coupon 1.200%: LIBOR 1.10% + 0.10% margin */
    assert_int_equal(a1[DEALC_CLASS_COUPON], 12000000000LL);
    const int64_t *a2 = &p->classes[index_of(d, "A-2") * r->class_stride];
    assert_int_equal(a2[DEALC_CLASS_INTEREST], 42292398LL);
    const int64_t *a5 = &p->classes[index_of(d, "A-5") * r->class_stride];
    assert_int_equal(a5[DEALC_CLASS_INTEREST], 21630647LL);
    const int64_t *io = &p->classes[index_of(d, "IO") * r->class_stride];
    assert_int_equal(io[DEALC_CLASS_INTEREST], 44333333LL);
    assert_int_equal(io[DEALC_CLASS_FACTOR], 904761900000LL);
    /* Group 1: ending pool balance 390,719,522.22, 11,704 loans */
    assert_int_equal(p->groups[DEALC_GROUP_ENDING_POOL_BALANCE], 39071952222LL);
    assert_int_equal(p->groups[DEALC_GROUP_ACTIVE_LOAN_COUNT], 11704 * DEALC_SCALE);
    /* Excess Cash 975,292.71; Target Overcollateralization Amount 7,933,075.00 */
    dealc_value ex = p->lines[line_of(d, "Excess Cash")];
    assert_int_equal(ex.unit, DEALC_UNIT_MONEY);
    assert_int_equal(ex.v, 97529271LL);
    char t[64];
    dealc_value_text(ex, t, sizeof t);
    assert_string_equal(t, "975292.71");
    assert_int_equal(p->lines[line_of(d, "Target Overcollateralization Amount")].v, 793307500LL);
    /* the closing state opens March: A-1's balance is the ending one */
    int64_t bal = 0;
    assert_int_equal(dealc_state_get(r->closing, DEALC_STATE_CLASS_BALANCE, index_of(d, "A-1"), &bal, NULL), DEALC_OK);
    assert_int_equal(bal, 11626189561LL);
    assert_int_equal(dealc_state_distribution(r->closing), 11);
}

static void test_replay_files(void **st)
{
    (void)st;
    dealc_replay *r = NULL;
    dealc_error e;
    assert_int_equal(dealc_replay_files(deal, STATE, REMIT, &r, &e), DEALC_OK);
    assert_int_equal(e.status, DEALC_OK);
    check_statement(r);
    dealc_replay_free(r);
}

/* the statement in every format, and the saved state, are the binary's bytes */
static void test_render_equals_binary(void **st)
{
    (void)st;
    dealc_replay *r = NULL;
    assert_int_equal(dealc_replay_files(deal, STATE, REMIT, &r, NULL), DEALC_OK);
    static const char *const names[] = {"table", "csv", "json"};
    for (int f = 0; f < 3; f++) {
        char *text = NULL;
        size_t len = 0;
        assert_int_equal(dealc_replay_render(r, (dealc_format)f, &text, &len, NULL), DEALC_OK);
        char *argv[] = {(char *)wpath("gmacm"), "replay", "--state", STATE, REMIT, "--format", (char *)names[f],
                        "--save-state", (char *)wpath("closing.json"), NULL};
        assert_int_equal(run(argv, wpath("replay.out"), wpath("replay.err")), 0);
        char *want = slurp(wpath("replay.out"));
        assert_int_equal(len, strlen(want));
        assert_string_equal(text, want);
        free(want);
        dealc_free(text);
    }
    char *json = NULL;
    assert_int_equal(dealc_state_json(r->closing, &json, NULL, NULL), DEALC_OK);
    char *want = slurp(wpath("closing.json"));
    assert_string_equal(json, want);
    free(want);
    dealc_free(json);
    dealc_replay_free(r);
}

/* The remittance and the opening built in memory from the figures of the
 * servicer's file and the opening state (typed here, not read) give the
 * same statement as the files. */
static void test_replay_in_memory(void **st)
{
    (void)st;
    const dealc_description *d = dealc_deal_describe(deal);
    dealc_state *open = NULL;
    dealc_remittance *rm = NULL;
    dealc_error e;
    assert_int_equal(dealc_state_new(deal, &open, &e), DEALC_OK);
    int32_t jan26;
    assert_int_equal(dealc_date_parse("2004-01-26", &jan26), DEALC_OK);
    assert_int_equal(dealc_state_set_date(open, 10, jan26, &e), DEALC_OK);
    assert_int_equal(dealc_state_set(open, DEALC_STATE_POOL_BALANCE, 0, 40685592422LL, &e), DEALC_OK);
    assert_int_equal(dealc_state_set(open, DEALC_STATE_CUMULATIVE_LOSS, 0, 10743607LL, &e), DEALC_OK);
    static const struct { const char *cls; int64_t cents; } bal[] = {
        {"A-1", 13337359032LL}, {"A-2", 16162700000LL}, {"A-3", 2087500000LL},
        {"A-4", 2223300000LL},  {"A-5", 6346400000LL},  {"IO", 7600000000LL}};
    for (int i = 0; i < 6; i++)
        assert_int_equal(dealc_state_set(open, DEALC_STATE_CLASS_BALANCE, index_of(d, bal[i].cls), bal[i].cents, &e),
                         DEALC_OK);
    assert_int_equal(dealc_remittance_new(deal, &rm, &e), DEALC_OK);
    int32_t feb25, k;
    dealc_date_parse("2004-02-25", &feb25);
    assert_int_equal(dealc_remittance_add_period(rm, feb25, &k, &e), DEALC_OK);
    assert_int_equal(dealc_remittance_set_group(rm, k, 0, DEALC_GROUP_PRINCIPAL_COLLECTIONS, 1599821091LL, &e), DEALC_OK);
    assert_int_equal(dealc_remittance_set_group(rm, k, 0, DEALC_GROUP_INTEREST_COLLECTIONS, 252600970LL, &e), DEALC_OK);
    assert_int_equal(dealc_remittance_set_group(rm, k, 0, DEALC_GROUP_LIQUIDATION_LOSS, 13819109LL, &e), DEALC_OK);
    assert_int_equal(dealc_remittance_set_group(rm, k, 0, DEALC_GROUP_RECOVERIES, 6714LL, &e), DEALC_OK);
    assert_int_equal(dealc_remittance_set_group(rm, k, 0, DEALC_GROUP_ACTIVE_LOAN_COUNT, 11704 * DEALC_SCALE, &e), DEALC_OK);
    for (int32_t i = 0; i < d->ninputs; i++) {
        /* One-Month LIBOR 1.10%, Weighted Average Net Loan Rate 7.77450%, as fractions */
        int64_t v = strcmp(d->inputs[i].name, "One-Month LIBOR") == 0 ? 11000000000LL : 77745000000LL;
        assert_int_equal(dealc_remittance_set_input(rm, k, i, v, &e), DEALC_OK);
    }
    dealc_replay *mem = NULL, *files = NULL;
    assert_int_equal(dealc_replay_run(deal, open, rm, &mem, &e), DEALC_OK);
    check_statement(mem);
    assert_int_equal(dealc_replay_files(deal, STATE, REMIT, &files, &e), DEALC_OK);
    /* every class, group, party, fund, clause figure and line the same */
    const dealc_statement *a = &mem->periods[0], *b = &files->periods[0];
    assert_memory_equal(a->classes, b->classes, sizeof(int64_t) * (size_t)d->nclasses * (size_t)mem->class_stride);
    assert_memory_equal(a->groups, b->groups, sizeof(int64_t) * (size_t)d->ngroups * (size_t)mem->group_stride);
    assert_memory_equal(a->parties, b->parties, sizeof(int64_t) * (size_t)d->nparties * (size_t)mem->party_stride);
    assert_memory_equal(a->clauses, b->clauses, sizeof(int64_t) * (size_t)d->nclauses * (size_t)mem->clause_stride);
    assert_memory_equal(a->lines, b->lines, sizeof(dealc_value) * (size_t)d->nlines);
    dealc_replay_free(mem);
    dealc_replay_free(files);

    /* a date that is not the next one is an input error, no result */
    dealc_remittance *late = NULL;
    dealc_remittance_new(deal, &late, NULL);
    int32_t mar25;
    dealc_date_parse("2004-03-25", &mar25);
    dealc_remittance_add_period(late, mar25, NULL, NULL);
    mem = (dealc_replay *)&e; /* must be reset to NULL */
    assert_int_equal(dealc_replay_run(deal, open, late, &mem, &e), DEALC_ERR_INPUT);
    assert_null(mem);
    assert_non_null(strstr(e.message, "expected 2004-02-25"));
    dealc_remittance_free(late);
    /* amounts below zero are refused when set */
    assert_int_equal(dealc_remittance_set_group(rm, k, 0, DEALC_GROUP_RECOVERIES, -1, &e), DEALC_ERR_USAGE);
    assert_int_equal(dealc_state_set(open, DEALC_STATE_CLASS_BALANCE, 99, 1, &e), DEALC_ERR_USAGE);
    dealc_remittance_free(rm);
    dealc_state_free(open);
}

static void test_errors_are_values(void **st)
{
    (void)st;
    dealc_error e;
    dealc_state *s = NULL;
    char text[1200];
    /* a bad state: file, line and column of the culprit */
    const char *bad = "{\n  \"deal\": \"GMACM Home Equity Loan Trust 2003-HE2\",\n  \"payment_date\": \"2004-13-26\",\n"
                      "  \"distribution_number\": 10, \"groups\": [], \"classes\": [],\n"
                      "  \"accounts\": [], \"insurers\": []\n}\n";
    assert_int_equal(dealc_state_parse(deal, bad, strlen(bad), "bad.json", &s, &e), DEALC_ERR_INPUT);
    assert_null(s);
    assert_string_equal(e.file, "bad.json");
    assert_int_equal(e.line, 3);
    assert_true(e.col > 1);
    dealc_error_text(&e, text, sizeof text);
    assert_true(strncmp(text, "bad.json:3:", 11) == 0);
    /* a missing file */
    assert_int_equal(dealc_state_read(deal, "/nonexistent/state.json", &s, &e), DEALC_ERR_IO);
    assert_string_equal(e.file, "/nonexistent/state.json");
    /* a bad remittance cell */
    assert_int_equal(dealc_state_read(deal, STATE, &s, &e), DEALC_OK);
    const char *csv = "payment_date,group,principal_collections,interest_collections,principal_draws,"
                      "liquidation_loss,recoveries,substitution_adjustment,active_loan_count,"
                      "One-Month LIBOR,Weighted Average Net Loan Rate\n"
                      "2004-02-25,Group 1,12x,1,,,,,1,1.10%,7%\n";
    dealc_remittance *rm = NULL;
    assert_int_equal(dealc_remittance_parse(deal, s, csv, strlen(csv), "r.csv", &rm, &e), DEALC_ERR_INPUT);
    assert_null(rm);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 20); /* "2004-02-25," is columns 1-11, "Group 1," 12-19 */
    /* not a deal */
    dealc_deal *nd = NULL;
    assert_int_equal(dealc_deal_open("/nonexistent/deal.so", &nd, &e), DEALC_ERR_DEAL);
    assert_null(nd);
    /* explain: an unknown name, a period past the file */
    assert_int_equal(dealc_remittance_read(deal, s, REMIT, &rm, &e), DEALC_OK);
    dealc_explanation *x = NULL;
    assert_int_equal(dealc_explain(deal, s, rm, 1, "Exces Cash", &x, &e), DEALC_ERR_USAGE);
    assert_int_equal(dealc_explain(deal, s, rm, 2, "Excess Cash", &x, &e), DEALC_ERR_USAGE);
    assert_null(x);
    /* a scenario key that does not exist; two prepayment assumptions */
    dealc_scenario *sc = NULL;
    assert_int_equal(dealc_scenario_new(&sc, &e), DEALC_OK);
    assert_int_equal(dealc_scenario_set(sc, "cpx", "10", &e), DEALC_ERR_USAGE);
    assert_int_equal(dealc_scenario_set(sc, "cpr", "10", &e), DEALC_OK);
    assert_int_equal(dealc_scenario_set(sc, "psa", "100", &e), DEALC_ERR_USAGE);
    dealc_scenario_free(sc);
    assert_string_equal(dealc_status_name(DEALC_ERR_RUN), "run");
    dealc_remittance_free(rm);
    dealc_state_free(s);
}

static void test_explain_equals_binary(void **st)
{
    (void)st;
    dealc_state *s = NULL;
    dealc_remittance *rm = NULL;
    assert_int_equal(dealc_state_read(deal, STATE, &s, NULL), DEALC_OK);
    assert_int_equal(dealc_remittance_read(deal, s, REMIT, &rm, NULL), DEALC_OK);
    static const char *const names[] = {"Excess Cash", "Target Overcollateralization Amount"};
    for (int i = 0; i < 2; i++) {
        dealc_explanation *x = NULL;
        assert_int_equal(dealc_explain(deal, s, rm, 1, names[i], &x, NULL), DEALC_OK);
        char *argv[] = {(char *)wpath("gmacm"), "explain", "--state", STATE, REMIT, "--period", "1", (char *)names[i], NULL};
        assert_int_equal(run(argv, wpath("explain.out"), wpath("explain.err")), 0);
        char *want = slurp(wpath("explain.out"));
        assert_string_equal(x->text, want);
        free(want);
        assert_true(x->nitems > 1);
        assert_int_equal(x->items[0].kind, DEALC_EXPLAIN_DEFINITION);
        assert_string_equal(x->items[0].name, names[i]);
        if (i == 0) {
            assert_int_equal(x->items[0].value.v, 97529271LL); /* the statement's Excess Cash */
            /* interest collections 2,526,009.70, as read */
            assert_string_equal(x->items[1].name, "interest collections");
            assert_int_equal(x->items[1].value.v, 252600970LL);
        }
        dealc_explanation_free(x);
    }
    dealc_remittance_free(rm);
    dealc_state_free(s);
}

/* the grid's WAL table: the API's figures printed as the binary prints
 * them (two decimals) are the binary's */
static void test_grid_equals_binary(void **st)
{
    (void)st;
    dealc_scenario *sc = NULL;
    assert_int_equal(dealc_scenario_new(&sc, NULL), DEALC_OK);
    assert_int_equal(dealc_scenario_set(sc, "cpr", "10,20,30", NULL), DEALC_OK);
    assert_int_equal(dealc_scenario_set(sc, "cdr", "0,2", NULL), DEALC_OK);
    assert_int_equal(dealc_scenario_set(sc, "severity", "40", NULL), DEALC_OK);
    assert_int_equal(dealc_scenario_set(sc, "index", "One-Month LIBOR=1.10%", NULL), DEALC_OK);
    assert_int_equal(dealc_scenario_set(sc, "input", "Weighted Average Net Loan Rate=7.7745%", NULL), DEALC_OK);
    dealc_grid *g = NULL, *g1 = NULL;
    dealc_error e;
    assert_int_equal(dealc_grid_run(deal, NULL, sc, 2, &g, &e), DEALC_OK);
    assert_int_equal(dealc_grid_run(deal, NULL, sc, 1, &g1, &e), DEALC_OK);
    assert_int_equal(g->nscenarios, 6);
    assert_memory_equal(g->wal, g1->wal, sizeof(double) * (size_t)(g->nscenarios * g->nclasses));
    char *argv[] = {(char *)wpath("gmacm"), "grid", "--cpr", "10,20,30", "--cdr", "0,2", "--severity", "40",
                    "--index", "One-Month LIBOR=1.10%", "--input", "Weighted Average Net Loan Rate=7.7745%",
                    "--format", "csv", NULL};
    assert_int_equal(run(argv, wpath("grid.out"), wpath("grid.err")), 0);
    char *csv = slurp(wpath("grid.out"));
    const dealc_description *d = dealc_deal_describe(deal);
    int compared = 0;
    for (int s = 0; s < g->nscenarios; s++)
        for (int32_t c = 0; c < d->nclasses; c++) {
            if (d->classes[c].notional)
                continue;
            char line[300];
            double w = g->wal[s * g->nclasses + c];
            char v[32];
            if (w < 0)
                snprintf(v, sizeof v, "-");
            else
                snprintf(v, sizeof v, "%.2f", w);
            snprintf(line, sizeof line, "Weighted average life (years),%s,%s / %s,%s\n", d->classes[c].name,
                     g->prepay[s / g->ndefault], g->dflt[s % g->ndefault], v);
            if (!strstr(csv, line))
                fail_msg("not in the binary's grid: %s", line);
            compared++;
        }
    assert_int_equal(compared, 6 * 5);
    free(csv);
    dealc_grid_free(g);
    dealc_grid_free(g1);

    /* one scenario: the projection's summary WAL is the grid's */
    dealc_scenario *one = NULL;
    dealc_scenario_new(&one, NULL);
    dealc_scenario_set(one, "cpr", "20", NULL);
    dealc_scenario_set(one, "index", "One-Month LIBOR=1.10%", NULL);
    dealc_scenario_set(one, "input", "Weighted Average Net Loan Rate=7.7745%", NULL);
    dealc_projection *p = NULL;
    assert_int_equal(dealc_project(deal, NULL, one, &p, &e), DEALC_OK);
    assert_true(p->nperiods > 12);
    char *pargv[] = {(char *)wpath("gmacm"), "project", "--cpr", "20", "--index", "One-Month LIBOR=1.10%",
                     "--input", "Weighted Average Net Loan Rate=7.7745%", "--format", "csv", NULL};
    assert_int_equal(run(pargv, wpath("project.out"), wpath("project.err")), 0);
    csv = slurp(wpath("project.out"));
    int32_t a1 = index_of(d, "A-1");
    char line[200];
    snprintf(line, sizeof line, "Summary,A-1,WAL,%.2f\n", p->summary[a1].wal);
    assert_non_null(strstr(csv, line));
    /* period 1's A-1 principal, as the binary's class table gives it */
    char cents[64];
    dealc_value pv = {p->classes[(0 * d->nclasses + a1) * p->pclass_stride + DEALC_PCLASS_PRINCIPAL], DEALC_UNIT_MONEY};
    dealc_value_text(pv, cents, sizeof cents);
    snprintf(line, sizeof line, "Class A-1,1,Principal,%s\n", cents);
    assert_non_null(strstr(csv, line));
    free(csv);
    dealc_projection_free(p);
    dealc_scenario_free(one);
    dealc_scenario_free(sc);
}

/* API 1.1: a projection carries, per period, what each party was paid, each
 * fund's and account's balances and each class's losses. From closing at
 * 20% CPR, 4% CDR, 100% severity, no lag (so losses come at once and the
 * Credit Enhancer is drawn on as 3.05(a)(iia) says):
 *  - period 1 (2003-03-26 to 2003-04-25, one month): the Credit
 *    Enhancement Premium is 0.1175% a year of the term notes' original
 *    634,646,000.00 (366,447,000 + 161,627,000 + 20,875,000 + 22,233,000
 *    + 63,464,000): 634,646,000.00 x 0.001175 / 12 = 62,142.420833...,
 *    62,142.42 to the cent; nothing drawn before period 1 is reimbursed;
 *  - every period, cash in = cash out: what the pool paid (interest,
 *    scheduled, prepaid, recoveries, sold) plus what was drawn on the
 *    insurer equals what the parties (premium, reimbursement, residual) and
 *    the classes (interest, principal) were paid; the Pre-Funding Account
 *    opens at 0 and stays 0 (nothing deposits to it);
 *  - the insurer's unreimbursed draws roll: begin + drawn - reimbursed = end,
 *    and each period's begin is the last period's end. */
static void test_projection_parties_funds(void **st)
{
    (void)st;
    dealc_error e;
    const dealc_description *d = dealc_deal_describe(deal);
    assert_true(dealc_api_version() % 1000 >= 1); /* these fields are API 1.1 */
    assert_string_equal(dealc_field_name(DEALC_TABLE_PCLASS, DEALC_PCLASS_REALIZED_LOSS), "realized_loss");
    assert_string_equal(dealc_field_name(DEALC_TABLE_FLOW, DEALC_FLOW_DRAWN), "drawn");
    dealc_scenario *sc = NULL;
    dealc_scenario_new(&sc, NULL);
    dealc_scenario_set(sc, "cpr", "20", NULL);
    dealc_scenario_set(sc, "cdr", "4", NULL);
    dealc_scenario_set(sc, "severity", "100", NULL);
    dealc_scenario_set(sc, "recovery-lag", "0", NULL);
    dealc_scenario_set(sc, "index", "One-Month LIBOR=1.10%", NULL);
    dealc_scenario_set(sc, "input", "Weighted Average Net Loan Rate=7.7745%", NULL);
    dealc_projection *p = NULL;
    assert_int_equal(dealc_project(deal, NULL, sc, &p, &e), DEALC_OK);
    assert_string_equal(p->draw, "no draws");
    int32_t ce = -1, res = -1, pfa = -1;
    for (int32_t i = 0; i < d->nparties; i++) {
        if (strcmp(d->parties[i].name, "Credit Enhancer") == 0)
            ce = i;
        if (strcmp(d->parties[i].name, "Certificates") == 0)
            res = i;
    }
    for (int32_t i = 0; i < d->nfunds; i++)
        if (strcmp(d->funds[i].name, "Pre-Funding Account") == 0)
            pfa = i;
    assert_true(ce >= 0 && res >= 0 && pfa >= 0);
    const int64_t *ce1 = &p->parties[(0 * d->nparties + ce) * p->party_stride];
    assert_int_equal(ce1[DEALC_PARTY_PAID] - ce1[DEALC_PARTY_REIMBURSED], 6214242);
    assert_int_equal(ce1[DEALC_PARTY_REIMBURSED], 0);
    int64_t drawn_total = 0, prev_end = 0;
    for (int32_t k = 0; k < p->nperiods; k++) {
        int64_t in = 0, out = 0;
        for (int32_t g = 0; g < d->ngroups; g++) {
            const int64_t *f = &p->flows[(k * d->ngroups + g) * p->flow_stride];
            in += f[DEALC_FLOW_INTEREST] + f[DEALC_FLOW_SCHEDULED] + f[DEALC_FLOW_PREPAID] +
                  f[DEALC_FLOW_RECOVERIES] + f[DEALC_FLOW_SOLD];
            assert_int_equal(f[DEALC_FLOW_DRAWN], 0);
        }
        for (int32_t i = 0; i < d->nparties; i++) {
            const int64_t *r = &p->parties[(k * d->nparties + i) * p->party_stride];
            in += r[DEALC_PARTY_DRAWN];
            out += r[DEALC_PARTY_PAID];
        }
        for (int32_t c = 0; c < d->nclasses; c++) {
            const int64_t *r = &p->classes[(k * d->nclasses + c) * p->pclass_stride];
            out += r[DEALC_PCLASS_INTEREST] + r[DEALC_PCLASS_PRINCIPAL];
            assert_int_equal(r[DEALC_PCLASS_REALIZED_LOSS], 0); /* no allocation of losses in this deal */
        }
        if (in != out)
            fail_msg("period %d: in %lld, out %lld", (int)k + 1, (long long)in, (long long)out);
        const int64_t *r = &p->parties[(k * d->nparties + ce) * p->party_stride];
        assert_int_equal(r[DEALC_PARTY_UNREIMBURSED_DRAWS], prev_end);
        assert_int_equal(r[DEALC_PARTY_UNREIMBURSED_DRAWS] + r[DEALC_PARTY_DRAWN] - r[DEALC_PARTY_REIMBURSED],
                         r[DEALC_PARTY_ENDING_UNREIMBURSED_DRAWS]);
        prev_end = r[DEALC_PARTY_ENDING_UNREIMBURSED_DRAWS];
        drawn_total += r[DEALC_PARTY_DRAWN];
        assert_int_equal(p->funds[(k * d->nfunds + pfa) * p->fund_stride + DEALC_FUND_REMAINING], 0);
    }
    /* at 4% CDR with everything lost at once, excess cash is not always
     * enough: the insurer is drawn on at least once */
    assert_true(drawn_total > 0);
    dealc_projection_free(p);
    dealc_scenario_free(sc);
}

/* Accounts run forward in a projection as the agreement says. From a
 * closing state (2003-03-26) with $10,000,000.00 left in the Pre-Funding
 * Account: projections buy no additional balances (no draw rate, and the
 * deal's lines are closed-end), so the account holds its 10,000,000.00
 * through 2003-04-25, 2003-05-27 and 2003-06-25; on 2003-07-25, the first
 * payment date after the End of the Pre-Funding Period (2003-06-30),
 * 3.05(c) pays it all as principal to A-1 .. A-5 sequentially: the account
 * closes at 0.00 and A-1 (the first in sequence, far larger) is paid at
 * least the 10,000,000.00. Every period cash in = cash out, the account's
 * opening balance counting as cash in and its closing balance as out. */
static void test_projection_prefunding_account(void **st)
{
    (void)st;
    dealc_error e;
    const dealc_description *d = dealc_deal_describe(deal);
    int32_t pfa = -1;
    for (int32_t i = 0; i < d->nfunds; i++)
        if (strcmp(d->funds[i].name, "Pre-Funding Account") == 0)
            pfa = i;
    assert_true(pfa >= 0);
    dealc_state *s0 = NULL;
    assert_int_equal(dealc_state_new(deal, &s0, &e), DEALC_OK);
    assert_int_equal(dealc_state_set(s0, DEALC_STATE_POOL_BALANCE, 0, 63464600000LL, &e), DEALC_OK);
    assert_int_equal(dealc_state_set(s0, DEALC_STATE_ACCOUNT_BALANCE, pfa, 1000000000LL, &e), DEALC_OK);
    dealc_scenario *sc = NULL;
    dealc_scenario_new(&sc, NULL);
    dealc_scenario_set(sc, "cpr", "15", NULL);
    dealc_scenario_set(sc, "periods", "6", NULL);
    dealc_scenario_set(sc, "index", "One-Month LIBOR=1.30%", NULL);
    dealc_scenario_set(sc, "input", "Weighted Average Net Loan Rate=7.7745%", NULL);
    dealc_projection *p = NULL;
    if (dealc_project(deal, s0, sc, &p, &e) != DEALC_OK)
        fail_msg("%s", e.message);
    assert_int_equal(p->nperiods, 6);
    char ds[11];
    assert_string_equal(dealc_date_text(p->dates[3], ds), "2003-07-25");
    int32_t a1 = index_of(d, "A-1");
    for (int32_t k = 0; k < p->nperiods; k++) {
        const int64_t *f = &p->funds[(k * d->nfunds + pfa) * p->fund_stride];
        assert_int_equal(f[DEALC_FUND_REMAINING], k < 3 ? 1000000000LL : 0);
        assert_int_equal(f[DEALC_FUND_BEGINNING_BALANCE], k < 4 ? 1000000000LL : 0);
        int64_t in = f[DEALC_FUND_BEGINNING_BALANCE], out = f[DEALC_FUND_REMAINING];
        for (int32_t g = 0; g < d->ngroups; g++) {
            const int64_t *fl = &p->flows[(k * d->ngroups + g) * p->flow_stride];
            in += fl[DEALC_FLOW_INTEREST] + fl[DEALC_FLOW_SCHEDULED] + fl[DEALC_FLOW_PREPAID] +
                  fl[DEALC_FLOW_RECOVERIES];
        }
        for (int32_t i = 0; i < d->nparties; i++) {
            in += p->parties[(k * d->nparties + i) * p->party_stride + DEALC_PARTY_DRAWN];
            out += p->parties[(k * d->nparties + i) * p->party_stride + DEALC_PARTY_PAID];
        }
        for (int32_t c = 0; c < d->nclasses; c++)
            out += p->classes[(k * d->nclasses + c) * p->pclass_stride + DEALC_PCLASS_INTEREST] +
                   p->classes[(k * d->nclasses + c) * p->pclass_stride + DEALC_PCLASS_PRINCIPAL];
        if (in != out)
            fail_msg("period %d: in %lld, out %lld", (int)k + 1, (long long)in, (long long)out);
    }
    assert_true(p->classes[(3 * d->nclasses + a1) * p->pclass_stride + DEALC_PCLASS_PRINCIPAL] >= 1000000000LL);
    dealc_projection_free(p);
    dealc_scenario_free(sc);
    dealc_state_free(s0);
}

/* one deal, replayed by four threads at once, gives each the same figures */
static void *replay_thread(void *arg)
{
    dealc_replay *r = NULL;
    if (dealc_replay_files(deal, STATE, REMIT, &r, NULL) != DEALC_OK)
        return NULL;
    char *text = NULL;
    dealc_replay_render(r, DEALC_FORMAT_JSON, &text, NULL, NULL);
    dealc_replay_free(r);
    *(char **)arg = text;
    return NULL;
}

static void test_threads(void **st)
{
    (void)st;
    pthread_t th[4];
    char *out[4] = {0};
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, replay_thread, &out[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        assert_non_null(out[i]);
        assert_string_equal(out[i], out[0]);
    }
    for (int i = 0; i < 4; i++)
        dealc_free(out[i]);
}

static void test_fields(void **st)
{
    (void)st;
    assert_int_equal(dealc_field_count(DEALC_TABLE_CLASS), DEALC_CLASS_NFIELDS);
    assert_string_equal(dealc_field_name(DEALC_TABLE_CLASS, DEALC_CLASS_PRINCIPAL), "principal");
    assert_int_equal(dealc_field_unit(DEALC_TABLE_CLASS, DEALC_CLASS_COUPON), DEALC_UNIT_RATE);
    assert_null(dealc_field_name(DEALC_TABLE_CLASS, DEALC_CLASS_NFIELDS));
    assert_string_equal(dealc_version(), DEALC_VERSION);
    assert_int_equal(dealc_api_version(), DEALC_API_VERSION_MAJOR * 1000 + DEALC_API_VERSION_MINOR);
    char t[32];
    dealc_value rate = {12000000000LL, DEALC_UNIT_RATE};
    dealc_value_text(rate, t, sizeof t);
    assert_string_equal(t, "0.012");
    dealc_value none = {DEALC_NONE, DEALC_UNIT_NUMBER};
    dealc_value_text(none, t, sizeof t);
    assert_string_equal(t, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_replay_files),
        cmocka_unit_test(test_render_equals_binary),
        cmocka_unit_test(test_replay_in_memory),
        cmocka_unit_test(test_errors_are_values),
        cmocka_unit_test(test_explain_equals_binary),
        cmocka_unit_test(test_grid_equals_binary),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_projection_parties_funds),
        cmocka_unit_test(test_projection_prefunding_account),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
