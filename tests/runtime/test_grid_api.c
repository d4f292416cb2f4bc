/*
 * test_grid_api.c — the streamed grid through the public API
 * (dealc_scenarios_*, runtime/api/api_grid.c) against the hand-written
 * projection deal (proj_deal.c), opened as a host opens a deal from its
 * functions:
 *
 *   a scenarios file of three rows: each record's figures are those of
 *   dealc_project for the same assumptions, added up here from its
 *   period rows (principal, interest, the final payment, the loss, the
 *   balances at the anniversaries), and the command's stream prints them;
 *   the records do not depend on the number of threads;
 *   a callback that stops after two records: two records, in order, and
 *   the run says it was stopped;
 *   Monte Carlo, four paths with a seed: a shard's records are the whole
 *   run's, the command prints the same values, and with no volatility on a
 *   flat curve every path is valued as dealc_project_priced prices the
 *   flat index, and the OAS solved from the run's sums gives that price
 *   back;
 *   bad input as error values (a bad row by line and column; calls out of
 *   order).
 */
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dealc/dealc.h>

#include "proj_deal.h"

#define RUN(...) t_run(proj_describe, proj_period, (const char *const[]){"proj-deal", __VA_ARGS__, NULL})

static dealc_deal *open_deal(void)
{
    dealc_deal *d = NULL;
    dealc_error e;
    if (dealc_deal_from_functions((dealc_describe_fn)(void (*)(void))proj_describe,
                                  (dealc_period_fn)(void (*)(void))proj_period, NULL, NULL, &d, &e) != DEALC_OK)
        fail_msg("%s", e.message);
    return d;
}

static void must(dealc_status s, const dealc_error *e)
{
    if (s != DEALC_OK)
        fail_msg("%s: %s", dealc_status_name(s), e->message);
}

/* what the callback keeps: up to 8 records of up to 2 classes */
typedef struct kept {
    int n, stop_after;
    int64_t scenario[8];
    char label[8][128];
    int32_t nclasses[8];
    dealc_grid_class cls[8][2];
    int64_t bal[8][2][40];
    int32_t years_used[8];
    int32_t nyears; /* the balances to keep: the set's anniversaries */
} kept;

static int keep(void *ctx, const dealc_grid_record *r)
{
    kept *k = ctx;
    if (k->n >= 8 || r->nclasses > 2)
        return 1;
    k->scenario[k->n] = r->scenario;
    snprintf(k->label[k->n], sizeof k->label[k->n], "%s", r->label);
    k->nclasses[k->n] = r->nclasses;
    k->years_used[k->n] = r->years_used;
    for (int i = 0; i < r->nclasses; i++) {
        k->cls[k->n][i] = *DEALC_GRID_CLASS(r, i);
        for (int y = 0; y < k->nyears && y < 40; y++)
            k->bal[k->n][i][y] = DEALC_GRID_CLASS(r, i)->balances[y];
        k->cls[k->n][i].balances = NULL;
    }
    k->n++;
    return k->stop_after > 0 && k->n >= k->stop_after;
}

/* the CSV stream's cell `col` (0-based) of the line of scenario k (1-based) and class */
static double stream_cell(const char *csv, int64_t k, const char *label, const char *cls, int col)
{
    char head[200];
    snprintf(head, sizeof head, "\n%lld,%s,%s,", (long long)k, label, cls);
    const char *p = strstr(csv, head);
    if (!p)
        fail_msg("no line \"%s\" in the stream", head + 1);
    p++;
    for (int i = 0; i < col; i++)
        p = strchr(p, ',') + 1;
    return strtod(p, NULL);
}

static const char *const rows_csv = "name,cpr,cdr,severity\n"
                                    "slow,5,1,40%\n"
                                    "mid,15,2,30%\n"
                                    "fast,30,0,50%\n";
static const char *const row_cpr[] = {"5", "15", "30"}, *const row_cdr[] = {"1", "2", "0"},
                         *const row_sev[] = {"40%", "30%", "50%"}, *const row_name[] = {"slow", "mid", "fast"};

static dealc_scenarios *open_rows(dealc_deal *d, dealc_scenario **base)
{
    dealc_error e;
    dealc_scenarios *ss = NULL;
    must(dealc_scenario_new(base, &e), &e);
    must(dealc_scenario_set(*base, "recovery-lag", "3", &e), &e);
    must(dealc_scenarios_new(&ss, &e), &e);
    must(dealc_scenarios_set(ss, "scenarios", t_path("rows.csv"), &e), &e);
    must(dealc_scenarios_open(ss, d, NULL, *base, NULL, &e), &e);
    return ss;
}

/* Three rows, each against its own projection. */
static void test_rows_against_projections(void **state)
{
    (void)state;
    proj_current = PROJ_FIXED;
    t_write("rows.csv", rows_csv);
    dealc_deal *d = open_deal();
    const dealc_description *desc = dealc_deal_describe(d);
    dealc_scenario *base = NULL;
    dealc_scenarios *ss = open_rows(d, &base);
    const dealc_scenarios_info *info = dealc_scenarios_describe(ss);
    assert_non_null(info);
    assert_int_equal(info->count, 3);
    assert_int_equal(info->paths, 0);
    assert_false(info->priced || info->valued || info->oas);
    assert_true(info->nyears > 0 && info->nyears <= 40);
    kept k2, k1;
    memset(&k2, 0, sizeof k2);
    memset(&k1, 0, sizeof k1);
    k2.nyears = k1.nyears = info->nyears;
    dealc_error e;
    dealc_grid_totals *tot = NULL;
    must(dealc_scenarios_run(ss, 0, 3, 2, -1, keep, &k2, &tot, &e), &e);
    assert_int_equal(tot->done, 3);
    assert_false(tot->stopped);
    assert_null(tot->oas);
    dealc_grid_totals_free(tot);
    must(dealc_scenarios_run(ss, 0, 3, 1, -1, keep, &k1, NULL, &e), &e);
    assert_int_equal(k2.n, 3);
    assert_memory_equal(&k1, &k2, sizeof k1); /* threads change nothing */

    t_result cmd = RUN("grid", "--scenarios", t_path("rows.csv"), "--recovery-lag", "3", "--stream", "csv");
    assert_int_equal(cmd.status, 0);
    for (int s = 0; s < 3; s++) {
        assert_int_equal(k2.scenario[s], s);
        assert_string_equal(k2.label[s], row_name[s]);
        assert_int_equal(k2.nclasses[s], 2);
        dealc_scenario *one = NULL;
        dealc_projection *p = NULL;
        must(dealc_scenario_new(&one, &e), &e);
        must(dealc_scenario_set(one, "cpr", row_cpr[s], &e), &e);
        must(dealc_scenario_set(one, "cdr", row_cdr[s], &e), &e);
        must(dealc_scenario_set(one, "severity", row_sev[s], &e), &e);
        must(dealc_scenario_set(one, "recovery-lag", "3", &e), &e);
        must(dealc_project(d, NULL, one, &p, &e), &e);
        int32_t nc = desc->nclasses, np = p->nperiods;
        for (int32_t c = 0; c < nc; c++) {
            const dealc_grid_class *x = &k2.cls[s][c];
            assert_int_equal(x->klass, c);
            /* the totals, the final payment and the balances, from the rows */
            int64_t prin = 0, intr = 0;
            int32_t final = 0;
            for (int32_t q = 0; q < np; q++) {
                const int64_t *row = &p->classes[((size_t)q * nc + c) * p->pclass_stride];
                prin += row[DEALC_PCLASS_PRINCIPAL];
                intr += row[DEALC_PCLASS_INTEREST];
                if (row[DEALC_PCLASS_PRINCIPAL] > 0 || row[DEALC_PCLASS_INTEREST] > 0)
                    final = p->dates[q];
            }
            assert_int_equal(x->principal, prin);
            assert_int_equal(x->interest, intr);
            assert_int_equal(x->final_payment, final);
            assert_int_equal(x->opening_balance, desc->classes[c].original);
            assert_int_equal(x->has_wal, prin > 0);
            assert_true(x->wal == p->summary[c].wal);
            /* the pool paid off (or called): what is left unpaid is the loss */
            const int64_t *last = &p->classes[((size_t)(np - 1) * nc + c) * p->pclass_stride];
            assert_int_equal(x->loss, last[DEALC_PCLASS_ENDING_BALANCE] + last[DEALC_PCLASS_ENDING_UNPAID_REALIZED_LOSS]);
            for (int32_t y = 0; y < info->nyears; y++) {
                int64_t b = desc->classes[c].original;
                for (int32_t q = 0; q < np && p->dates[q] <= info->anniversaries[y]; q++)
                    b = p->classes[((size_t)q * nc + c) * p->pclass_stride + DEALC_PCLASS_ENDING_BALANCE];
                assert_int_equal(k2.bal[s][c][y], b);
            }
            assert_false(x->priced || x->valued);
            /* the command prints the record: WAL (col 3), principal (4), interest (5) */
            const char *cls = desc->classes[c].name;
            assert_true(fabs(stream_cell(cmd.out, s + 1, row_name[s], cls, 3) - p->summary[c].wal) <= 0.005 + 1e-9);
            assert_true(fabs(stream_cell(cmd.out, s + 1, row_name[s], cls, 4) * 100 - (double)prin) < 0.5);
            assert_true(fabs(stream_cell(cmd.out, s + 1, row_name[s], cls, 5) * 100 - (double)intr) < 0.5);
        }
        dealc_projection_free(p);
        dealc_scenario_free(one);
    }
    t_result_free(&cmd);

    /* one class only, and a range: the records of the whole run */
    kept kb;
    memset(&kb, 0, sizeof kb);
    must(dealc_scenarios_run(ss, 1, 3, 2, 1, keep, &kb, NULL, &e), &e);
    assert_int_equal(kb.n, 2);
    assert_int_equal(kb.scenario[0], 1);
    assert_int_equal(kb.nclasses[0], 1);
    assert_int_equal(kb.cls[0][0].klass, 1);
    assert_int_equal(kb.cls[1][0].principal, k2.cls[2][1].principal);

    dealc_scenarios_free(ss);
    dealc_scenario_free(base);
    dealc_deal_close(d);
}

/* The callback stops the run after two records. */
static void test_callback_stops(void **state)
{
    (void)state;
    proj_current = PROJ_FIXED;
    t_write("rows.csv", rows_csv);
    dealc_deal *d = open_deal();
    dealc_scenario *base = NULL;
    dealc_scenarios *ss = open_rows(d, &base);
    for (int threads = 1; threads <= 2; threads++) {
        kept k;
        memset(&k, 0, sizeof k);
        k.stop_after = 2;
        dealc_error e;
        dealc_grid_totals *tot = NULL;
        must(dealc_scenarios_run(ss, 0, 3, threads, -1, keep, &k, &tot, &e), &e);
        assert_int_equal(k.n, 2);
        assert_int_equal(k.scenario[0], 0);
        assert_int_equal(k.scenario[1], 1);
        assert_int_equal(tot->done, 2);
        assert_true(tot->stopped);
        dealc_grid_totals_free(tot);
    }
    dealc_scenarios_free(ss);
    dealc_scenario_free(base);
    dealc_deal_close(d);
}

static dealc_scenarios *open_paths(dealc_deal *d, dealc_scenario *base, dealc_pricing *pr, const char *hw,
                                   const char *seed)
{
    dealc_error e;
    dealc_scenarios *ss = NULL;
    must(dealc_scenarios_new(&ss, &e), &e);
    must(dealc_scenarios_set(ss, "hull-white", hw, &e), &e);
    must(dealc_scenarios_set(ss, "rate-curve", t_path("flat5.txt"), &e), &e);
    must(dealc_scenarios_set(ss, "paths", "4", &e), &e);
    if (seed)
        must(dealc_scenarios_set(ss, "seed", seed, &e), &e);
    must(dealc_scenarios_open(ss, d, NULL, base, pr, &e), &e);
    return ss;
}

/* Monte Carlo: four paths. */
static void test_monte_carlo(void **state)
{
    (void)state;
    proj_current = PROJ_ARM;
    t_write("flat5.txt", "1 5\n");
    dealc_deal *d = open_deal();
    dealc_error e;
    dealc_scenario *base = NULL;
    dealc_pricing *pr = NULL;
    must(dealc_scenario_new(&base, &e), &e);
    must(dealc_scenario_set(base, "cpr", "8", &e), &e);
    must(dealc_pricing_new(&pr, &e), &e);
    must(dealc_pricing_set(pr, "settle", "2024-01-30", &e), &e);
    must(dealc_pricing_set(pr, "price", "99", &e), &e);

    /* with volatility and a seed: a shard's records are the whole run's */
    dealc_scenarios *ss = open_paths(d, base, pr, "One-Year CMT=0.05,1.2%", "7");
    const dealc_scenarios_info *info = dealc_scenarios_describe(ss);
    assert_int_equal(info->count, 4);
    assert_int_equal(info->paths, 4);
    assert_true(info->priced && info->valued && info->oas);
    assert_true(info->price == 99);
    kept all, part;
    memset(&all, 0, sizeof all);
    memset(&part, 0, sizeof part);
    dealc_grid_totals *tot = NULL;
    must(dealc_scenarios_run(ss, 0, 4, 2, 0, keep, &all, &tot, &e), &e);
    must(dealc_scenarios_run(ss, 2, 4, 1, 0, keep, &part, NULL, &e), &e);
    assert_int_equal(all.n, 4);
    assert_int_equal(part.n, 2);
    for (int i = 0; i < 2; i++) {
        assert_string_equal(part.label[i], all.label[2 + i]);
        assert_memory_equal(&part.cls[i][0], &all.cls[2 + i][0], sizeof part.cls[i][0]);
    }
    assert_string_equal(all.label[3], "8% CPR / 0% CDR / path 4");
    /* the paths differ, and each is valued and priced */
    assert_true(all.cls[0][0].value != all.cls[1][0].value);
    for (int i = 0; i < 4; i++)
        assert_true(all.cls[i][0].valued && all.cls[i][0].priced);
    assert_non_null(tot->oas);
    assert_int_equal(tot->nclasses, 1);
    /* the command prints the same values (col 12) and prices (col 10) */
    char curve[700];
    snprintf(curve, sizeof curve, "%s", t_path("flat5.txt"));
    t_result cmd = RUN("grid", "--cpr", "8", "--class", "A", "--hull-white", "One-Year CMT=0.05,1.2%", "--rate-curve",
                       curve, "--paths", "4", "--seed", "7", "--settle", "2024-01-30", "--price", "99", "--stream",
                       "csv");
    assert_int_equal(cmd.status, 0);
    for (int i = 0; i < 4; i++) {
        assert_true(fabs(stream_cell(cmd.out, i + 1, all.label[i], "A", 12) - all.cls[i][0].value) <= 0.00005 + 1e-9);
        assert_true(fabs(stream_cell(cmd.out, i + 1, all.label[i], "A", 10) - 99) < 1e-9);
    }
    t_result_free(&cmd);
    dealc_grid_totals_free(tot);
    dealc_scenarios_free(ss);

    /* No volatility on a flat 5% forward curve: every path is 5%
     * continuously compounded, the index each month (e^(0.05/12) - 1) x 12
     * = 5.010431149342%, a month discounting at e^(-0.05/12): the
     * bond-equivalent yield 2(e^0.025 - 1) = 5.0630241%. So each path's value
     * is the price dealc_project_priced gives at that yield for the flat
     * index (to the yield's 8th decimal), and every path the same. */
    ss = open_paths(d, base, pr, "One-Year CMT=0.1,0", NULL);
    memset(&all, 0, sizeof all);
    must(dealc_scenarios_run(ss, 0, 4, 2, 0, keep, &all, &tot, &e), &e);
    dealc_scenario *flat = NULL;
    dealc_pricing *at = NULL;
    dealc_projection *p = NULL;
    must(dealc_scenario_new(&flat, &e), &e);
    must(dealc_scenario_set(flat, "cpr", "8", &e), &e);
    must(dealc_scenario_set(flat, "index", "One-Year CMT=5.010431149342", &e), &e);
    must(dealc_pricing_new(&at, &e), &e);
    must(dealc_pricing_set(at, "settle", "2024-01-30", &e), &e);
    must(dealc_pricing_set(at, "yield", "5.0630241", &e), &e);
    must(dealc_project_priced(d, NULL, flat, at, &p, &e), &e);
    assert_true(p->prices[0].priced);
    double price = p->prices[0].price;
    for (int i = 0; i < 4; i++) {
        assert_true(all.cls[i][0].value == all.cls[0][0].value);
        assert_true(fabs(all.cls[i][0].value - price) <= 0.0002);
    }
    /* the OAS of the price the paths are worth is 0; of 99, what values them at 99 */
    double oas = 1;
    assert_true(dealc_oas_solve(&tot->oas[0], price, &oas));
    assert_true(fabs(oas * 10000) <= 0.1);
    assert_true(dealc_oas_solve(&tot->oas[0], 99, &oas));
    assert_true(oas > 0); /* 99 is below the value at 0 */
    char bp[64];
    snprintf(bp, sizeof bp, "%.6f", oas * 10000);
    dealc_pricing *po = NULL;
    must(dealc_pricing_new(&po, &e), &e);
    must(dealc_pricing_set(po, "settle", "2024-01-30", &e), &e);
    must(dealc_pricing_set(po, "oas", bp, &e), &e);
    dealc_scenarios *so = open_paths(d, base, po, "One-Year CMT=0.1,0", NULL);
    assert_false(dealc_scenarios_describe(so)->priced);
    assert_true(dealc_scenarios_describe(so)->valued);
    kept ko;
    memset(&ko, 0, sizeof ko);
    must(dealc_scenarios_run(so, 0, 1, 1, 0, keep, &ko, NULL, &e), &e);
    assert_true(ko.cls[0][0].valued && !ko.cls[0][0].priced);
    assert_true(fabs(ko.cls[0][0].value - 99) <= 0.001);
    dealc_scenarios_free(so);
    dealc_pricing_free(po);
    dealc_projection_free(p);
    dealc_pricing_free(at);
    dealc_scenario_free(flat);
    dealc_grid_totals_free(tot);
    dealc_scenarios_free(ss);
    dealc_pricing_free(pr);
    dealc_scenario_free(base);
    dealc_deal_close(d);
    proj_current = PROJ_FIXED;
}

/* Bad input comes back as values. */
static void test_errors(void **state)
{
    (void)state;
    proj_current = PROJ_FIXED;
    dealc_deal *d = open_deal();
    dealc_error e;
    dealc_scenario *base = NULL;
    dealc_scenarios *ss = NULL;
    must(dealc_scenario_new(&base, &e), &e);
    must(dealc_scenarios_new(&ss, &e), &e);
    assert_int_equal(dealc_scenarios_set(ss, "speed", "1", &e), DEALC_ERR_USAGE);
    assert_int_equal(dealc_scenarios_run(ss, 0, 1, 1, -1, keep, NULL, NULL, &e), DEALC_ERR_USAGE);
    assert_null(dealc_scenarios_describe(ss));
    t_write("bad.csv", "cpr,cdr\n5,1\n6,x\n");
    must(dealc_scenarios_set(ss, "scenarios", t_path("bad.csv"), &e), &e);
    assert_int_equal(dealc_scenarios_set(ss, "scenarios", t_path("bad.csv"), &e), DEALC_ERR_USAGE);
    assert_int_equal(dealc_scenarios_open(ss, d, NULL, base, NULL, &e), DEALC_ERR_INPUT);
    assert_string_equal(e.file, t_path("bad.csv"));
    assert_int_equal(e.line, 3);
    assert_int_equal(e.col, 3);
    assert_non_null(strstr(e.message, "cdr needs a percentage"));
    /* opened once, even when it failed */
    assert_int_equal(dealc_scenarios_open(ss, d, NULL, base, NULL, &e), DEALC_ERR_USAGE);
    dealc_scenarios_free(ss);

    /* lists: 2 x 2 scenarios; a range beyond them, a class that is not there */
    must(dealc_scenario_set(base, "cpr", "5,10", &e), &e);
    must(dealc_scenario_set(base, "cdr", "0,1", &e), &e);
    must(dealc_scenarios_new(&ss, &e), &e);
    must(dealc_scenarios_open(ss, d, NULL, base, NULL, &e), &e);
    assert_int_equal(dealc_scenarios_describe(ss)->count, 4);
    assert_int_equal(dealc_scenarios_run(ss, 0, 5, 1, -1, keep, NULL, NULL, &e), DEALC_ERR_USAGE);
    assert_int_equal(dealc_scenarios_run(ss, 3, 2, 1, -1, keep, NULL, NULL, &e), DEALC_ERR_USAGE);
    assert_int_equal(dealc_scenarios_run(ss, 0, 4, 1, 2, keep, NULL, NULL, &e), DEALC_ERR_USAGE);
    kept k;
    memset(&k, 0, sizeof k);
    must(dealc_scenarios_run(ss, 0, 4, 2, -1, keep, &k, NULL, &e), &e);
    assert_string_equal(k.label[1], "5% CPR / 1% CDR");
    dealc_scenarios_free(ss);

    /* the options checked together, as the command checks them */
    dealc_pricing *pr = NULL;
    must(dealc_pricing_new(&pr, &e), &e);
    must(dealc_pricing_set(pr, "oas", "50", &e), &e);
    must(dealc_scenarios_new(&ss, &e), &e);
    assert_int_equal(dealc_scenarios_open(ss, d, NULL, base, pr, &e), DEALC_ERR_USAGE);
    assert_string_equal(e.message, "--paths, --seed, --rate-curve and --oas need --hull-white or --index-paths");
    dealc_scenarios_free(ss);
    dealc_pricing_free(pr);
    dealc_scenario_free(base);
    dealc_deal_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_against_projections),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_monte_carlo),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
