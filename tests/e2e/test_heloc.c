/*
 * End to end, the revolving home-equity-line trusts: GMACM 2002-HE1 (five
 * statements) and 2002-HE3 (three) are built by dealc into native binaries
 * and each month is replayed from its opening state. Every figure the
 * trustee printed (every non-null field of the statement transcription,
 * agreements/<deal>/statement-DATE.json, read here as the expected values)
 * must come out to the cent; a transcription field the test does not know
 * how to compare fails it, so nothing printed is left unchecked.
 *
 * The transcribed months are not consecutive (no month's statement is the
 * one before another's), so replays cannot be chained one into the next.
 * Instead each replay's saved closing state is checked to carry exactly
 * the statement's ending figures: what the next month would open with
 * (pool, classes, accounts, insurer, the date and distribution number).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "../support/testutil.h"
#include "rt_internal.h"

static char work[512];

static const char *wpath(const char *name)
{
    static char buf[8][600];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", work, name);
    return buf[i];
}

static void build_deal(const char *deal)
{
    char src[600], bin[600];
    snprintf(src, sizeof src, "%s/%s.deal", AGREEMENTS_DIR, deal);
    snprintf(bin, sizeof bin, "%s/%s", work, deal);
    char *argv[] = { DEALC_BIN, "build", src, "-o", bin, NULL };
    int st = run(argv, wpath("build.out"), wpath("build.err"));
    if (st != 0) fprintf(stderr, "%s", slurp(wpath("build.err")));
    assert_int_equal(st, 0);
}

/* ---- the transcription ---- */

static rt_jnode *load_json(const char *path)
{
    char *text = slurp(path);
    rt_err e = { 0 };
    rt_jnode *n = rt_json_parse(text, strlen(text), &e);
    if (!n) fail_msg("%s:%d:%d: %s", path, e.line, e.col, e.msg);
    free(text);
    return n;
}

static const rt_jnode *get(const rt_jnode *o, const char *key)
{
    for (int32_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0) return o->items[i];
    return NULL;
}

/* the JSON number's literal text, or NULL for null (not printed) */
static const char *num(const rt_jnode *o, const char *key)
{
    const rt_jnode *v = get(o, key);
    if (!v) fail_msg("no \"%s\" in the transcription", key);
    if (v->type == RT_J_NULL) return NULL;
    if (v->type != RT_J_NUMBER) fail_msg("\"%s\" is not a number", key);
    return v->str;
}

/* A deal's mapping from the transcription to its statement: the label of
 * each statement line the transcription's fields name (the two deals word
 * a few of them differently), and each printed class name's class. */
typedef struct deal_map {
    const char *deal;        /* agreements/<deal>.deal */
    const char *rate_line;   /* wa_net_loan_rate_pct */
    const char *target_line; /* oc_target */
    const char *classes[4][2];
} deal_map;

static const deal_map he1 = {
    "gmacm-2002-he1", "Net Weighted Average Coupon Rate", "Required Overcollateralization Amount",
    { { "Class I - A - 1", "I-A-1" }, { "Class I - A - 2", "I-A-2" }, { "Class I-A-1 - VF - 1", "I-A-1 VF-1" } },
};
static const deal_map he3 = {
    "gmacm-2002-he3", "Weighted Average Net Loan Rate", "Target Overcollateralization Amount",
    { { "Class A-1", "A-1" }, { "Class A-2", "A-2" }, { "Class A-3", "A-3" },
      { "Variable Pay Revolving Notes", "Variable Pay Revolving Notes" } },
};

static const char *class_of(const deal_map *m, const char *printed)
{
    for (int i = 0; i < 4; i++)
        if (m->classes[i][0] && strcmp(m->classes[i][0], printed) == 0) return m->classes[i][1];
    fail_msg("class \"%s\" is not in the deal", printed);
    return NULL;
}

/* the statement prints coupons to three decimals (1.573% for 1.5725%):
 * the replay's exact coupon, half-up to three places, must be the printed
 * one */
static void expect_coupon(const char *csv, const char *cls, const char *want)
{
    __int128 got = dec7(field(csv, "class", cls, "coupon_percent"));
    __int128 r = (got + 5000) / 10000 * 10000;
    if (r != dec7(want)) fail_msg("class %s coupon: got %s, statement says %s", cls,
                                  field(csv, "class", cls, "coupon_percent"), want);
}

/* Every field of the transcription, compared or accounted for. Returns how
 * many printed figures were compared. */
static int check_statement(const deal_map *m, const rt_jnode *st, const char *csv, const char *date)
{
    static const struct { const char *key, *line; } lines[] = {
        { "beginning_pool_balance", "Beginning Pool Balance" },
        { "beginning_pfa", "Beginning PFA" },
        { "ending_pool_balance", "Ending Pool Balance" },
        { "ending_pfa", "Ending PFA Balance" },
        { "principal_collections", "Principal Collections" },
        { "principal_draws", "Principal Draws" },
        { "net_principal_collections", "Net Principal Collections" },
        { "active_loan_count", "Active Loan Count" },
        { "interest_collections", "Interest Collections" },
        { "substitution_adjustment", "Substitution Adjustment Amount" },
        { "excess_cash", "Excess Cash" },
        { "oc_beginning", "Beginning Overcollateralization Amount" },
        { "oc_increase", "Overcollateralization Amount Increase (Decrease)" },
        { "oc_outstanding", "Outstanding Overcollateralization Amount" },
        { "credit_enhancement_draw", "Credit Enhancement Draw Amount" },
        { "unreimbursed_prior_draws", "Unreimbursed Prior Draws" },
        /* the loss block: null in every one of these excerpts */
        { "current_month_loss", NULL },
        { "current_month_recoveries", NULL },
        { "beginning_loss_amount", NULL },
        { "ending_loss_amount", NULL },
    };
    int compared = 0;
    for (int32_t k = 0; k < st->n; k++) {
        const char *key = st->keys[k];
        const rt_jnode *v = st->items[k];
        if (!strcmp(key, "series") || !strcmp(key, "source_url")) continue;
        if (!strcmp(key, "payment_date")) {
            assert_string_equal(v->str, date);
            continue;
        }
        if (v->type == RT_J_NULL) continue; /* not printed */
        const char *line = NULL;
        int known = 0;
        for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
            if (!strcmp(key, lines[i].key)) { line = lines[i].line; known = 1; }
        if (!strcmp(key, "wa_net_loan_rate_pct")) { line = m->rate_line; known = 1; }
        if (!strcmp(key, "oc_target")) { line = m->target_line; known = 1; }
        if (line) {
            expect(csv, "line", line, "value", v->str);
            compared++;
            continue;
        }
        if (!strcmp(key, "certificates_payment")) {
            expect(csv, "party", "Certificates", "paid", v->str);
            compared++;
            continue;
        }
        if (!strcmp(key, "classes")) {
            for (int32_t i = 0; i < v->n; i++) {
                const rt_jnode *c = v->items[i];
                const char *cls = class_of(m, get(c, "class")->str);
                static const struct { const char *key, *field; } cols[] = {
                    { "beginning_balance", "beginning_balance" }, { "ending_balance", "ending_balance" },
                    { "factor", "factor" },                       { "principal", "principal" },
                    { "interest", "interest" },                   { "interest_shortfall", "interest_shortfall" },
                    { "security_pct", "security_percent" },
                };
                for (size_t j = 0; j < sizeof cols / sizeof cols[0]; j++) {
                    const char *want = num(c, cols[j].key);
                    if (!want) {
                        /* a factor printed "-": a class issued at $0.00 has none */
                        if (!strcmp(cols[j].key, "factor")) {
                            const char *f = field(csv, "class", cls, "factor");
                            assert_true(*f == '\n');
                        }
                        continue;
                    }
                    expect(csv, "class", cls, cols[j].field, want);
                    compared++;
                }
                const char *coupon = num(c, "coupon_pct");
                if (coupon) {
                    expect_coupon(csv, cls, coupon);
                    compared++;
                }
            }
            continue;
        }
        if (!known) fail_msg("%s %s: the test does not compare \"%s\"", m->deal, date, key);
        fail_msg("%s %s: \"%s\" is printed but the deal has no line for it", m->deal, date, key);
    }
    return compared;
}

/* how many figures the transcription holds as printed: its non-null
 * numbers, the class rows' included */
static int count_printed(const rt_jnode *n)
{
    if (n->type == RT_J_NUMBER) return 1;
    int k = 0;
    if (n->type == RT_J_ARRAY || n->type == RT_J_OBJECT)
        for (int32_t i = 0; i < n->n; i++) k += count_printed(n->items[i]);
    return k;
}

/* ---- one month ---- */

typedef struct month {
    const deal_map *m;
    const char *opening, *date;
    int distribution;       /* of the payment date replayed */
    const char *additions;  /* "Additional Mortgage Loans - Revolving Period" (HE3 prints it) or NULL */
} month;

static const month months[] = {
    { &he1, "2002-06-25", "2002-07-25", 4, NULL },
    { &he1, "2003-01-27", "2003-02-25", 11, NULL },
    { &he1, "2003-05-27", "2003-06-25", 15, NULL },
    { &he1, "2003-11-25", "2003-12-26", 21, NULL },
    { &he1, "2004-01-26", "2004-02-25", 23, NULL },
    /* typed from the statements; not a field of the transcription (its
     * README's notes give them) */
    { &he3, "2002-10-25", "2002-11-25", 3, "23972940.92" },
    { &he3, "2003-09-25", "2003-10-27", 14, "30399989.69" },
    { &he3, "2004-01-26", "2004-02-25", 18, "9599987.27" },
};
enum { NMONTHS = sizeof months / sizeof months[0] };

static int replay_month(const month *mo, const char *format, const char *out, const char *save)
{
    char bin[600], state[600], remit[600], fmt[16];
    snprintf(bin, sizeof bin, "%s/%s", work, mo->m->deal);
    snprintf(state, sizeof state, "%s/%s/opening-%s.json", AGREEMENTS_DIR, mo->m->deal, mo->opening);
    snprintf(remit, sizeof remit, "%s/%s/remittance-%s.csv", AGREEMENTS_DIR, mo->m->deal, mo->date);
    snprintf(fmt, sizeof fmt, "%s", format);
    char *argv[] = { bin, "replay", "--state", state, remit, "--format", fmt, "--save-state", (char *)save, NULL };
    if (!save) argv[7] = NULL;
    int st = run(argv, out, wpath("replay.err"));
    if (st != 0) fprintf(stderr, "%s %s: %s", mo->m->deal, mo->date, slurp(wpath("replay.err")));
    return st;
}

/* the closing state's amount for "key": "NAME" in the list "list" */
static const char *closing_amount(const rt_jnode *root, const char *list, const char *key, const char *name,
                                  const char *field_)
{
    const rt_jnode *arr = get(root, list);
    assert_non_null(arr);
    for (int32_t i = 0; i < arr->n; i++)
        if (!strcmp(get(arr->items[i], key)->str, name)) return get(arr->items[i], field_)->str;
    fail_msg("closing state: no %s \"%s\"", key, name);
    return NULL;
}

/* The closing state is what the next month opens with: the statement's
 * ending pool, each class's ending balance, the Pre-Funding Account's
 * ending balance and, where the statement prints the overcollateralization
 * it implies, the Funding Account's: Outstanding Overcollateralization
 * Amount + the notes' ending balances - ending pool - ending PFA (the
 * identity in the deal files' headers). */
static void check_closing(const month *mo, const rt_jnode *st, const char *path)
{
    rt_jnode *c = load_json(path);
    assert_string_equal(get(c, "payment_date")->str, mo->date);
    char dist[16];
    snprintf(dist, sizeof dist, "%d", mo->distribution);
    assert_string_equal(get(c, "distribution_number")->str, dist);
    const char *group = mo->m == &he1 ? "Group 1A" : "Group 1";
    const char *pool = num(st, "ending_pool_balance");
    assert_true(dec7(closing_amount(c, "groups", "group", group, "pool_balance")) == dec7(pool));
    __int128 notes = 0;
    const rt_jnode *classes = get(st, "classes");
    for (int32_t i = 0; i < classes->n; i++) {
        const rt_jnode *k = classes->items[i];
        const char *cls = class_of(mo->m, get(k, "class")->str);
        const char *end = num(k, "ending_balance");
        if (dec7(closing_amount(c, "classes", "class", cls, "balance")) != dec7(end))
            fail_msg("%s %s closing state: class %s %s, statement ends at %s", mo->m->deal, mo->date, cls,
                     closing_amount(c, "classes", "class", cls, "balance"), end);
        notes += dec7(end);
    }
    const char *pfa = num(st, "ending_pfa");
    assert_true(dec7(closing_amount(c, "accounts", "account", "Pre-Funding Account", "balance")) == dec7(pfa));
    const char *oc = num(st, "oc_outstanding");
    if (oc) {
        __int128 fa = dec7(oc) + notes - dec7(pool) - dec7(pfa);
        if (dec7(closing_amount(c, "accounts", "account", "Funding Account", "balance")) != fa)
            fail_msg("%s %s closing state: Funding Account %s, the statement's overcollateralization implies %.2f",
                     mo->m->deal, mo->date, closing_amount(c, "accounts", "account", "Funding Account", "balance"),
                     (double)fa / 1e7);
    }
    /* no draw and nothing owed before: nothing owed after */
    const char *drawn = num(st, "credit_enhancement_draw"), *owed = num(st, "unreimbursed_prior_draws");
    if (drawn && owed && dec7(drawn) == 0 && dec7(owed) == 0)
        assert_true(dec7(closing_amount(c, "insurers", "insurer", "Credit Enhancer", "unreimbursed_draws")) == 0);
    rt_json_free(c);
}

static void replay_every_month(const deal_map *m)
{
    build_deal(m->deal);
    int total = 0;
    for (int i = 0; i < NMONTHS; i++) {
        const month *mo = &months[i];
        if (mo->m != m) continue;
        char st_path[600];
        snprintf(st_path, sizeof st_path, "%s/%s/statement-%s.json", AGREEMENTS_DIR, m->deal, mo->date);
        rt_jnode *st = load_json(st_path);
        const char *save = wpath("closing.json");
        unlink(save);
        assert_int_equal(replay_month(mo, "csv", wpath("month.csv"), save), 0);
        char *csv = slurp(wpath("month.csv"));
        int n = check_statement(m, st, csv, mo->date);
        /* every printed figure compared, none twice */
        assert_int_equal(n, count_printed(st));
        if (mo->additions) {
            expect(csv, "line", "Additional Mortgage Loans - Revolving Period", "value", mo->additions);
            n++;
        }
        fprintf(stderr, "%s %s: %d printed figures match\n", m->deal, mo->date, n);
        total += n;
        check_closing(mo, st, save);
        free(csv);
        rt_json_free(st);
    }
    assert_true(total > 0);
}

static void gmacm_2002_he1_every_month(void **state)
{
    (void)state;
    replay_every_month(&he1);
}

static void gmacm_2002_he3_every_month(void **state)
{
    (void)state;
    replay_every_month(&he3);
}

/* The revolving period's cash, by hand, for 2002-HE3 on 2003-10-27 (the
 * deal's rules, agreements/gmacm-2002-he3.deal): premium 53,387.60;
 * interest 229,600.00 + 178,364.44 + 214,300.80 = 622,265.24; excess cash
 * 2,234,738.46 - 53,387.60 - 622,265.24 - 102,692.25 = 1,456,393.37; the
 * increase is the shortfall to the target, 3,020,814.58 - 2,949,210.89 =
 * 71,603.69, the certificates the rest, 1,384,789.68. Principal: the
 * Seller is paid the draws, 15,043,778.55; the Funding Account gets
 * 43,071,537.36 - 15,043,778.55 + 102,692.25 + 71,603.69 = 28,202,054.75
 * and pays 30,399,989.69 for the additional mortgage loans:
 * 30,943,758.37 + 28,202,054.75 - 30,399,989.69 = 28,745,823.43. */
static void gmacm_2002_he3_revolving_cash(void **state)
{
    (void)state;
    assert_int_equal(replay_month(&months[6], "csv", wpath("he3.csv"), NULL), 0);
    char *csv = slurp(wpath("he3.csv"));
    expect(csv, "party", "Credit Enhancer", "paid", "53387.60");
    expect(csv, "party", "Seller", "paid", "15043778.55");
    expect(csv, "account", "Funding Account", "beginning_balance", "30943758.37");
    expect(csv, "account", "Funding Account", "ending_balance", "28745823.43");
    expect(csv, "line", "Excess Cash", "value", "1456393.37");
    free(csv);
}

/* 2004-02-25: the Variable Pay Revolving Notes, issued at 2,714,603.00 and
 * repaid by 2003-10-27, are advanced 210,000,000.00, which retires A-1 the
 * same date: A-1's principal (the cell the filing truncated) is
 * 210,000,000.00, the notes' factor 210,000,000.00 / 2,714,603.00 =
 * 77.3593781 and their security percentage 210,000,000.00 / 540,206,000.00
 * (the term notes) = 38.87%. */
static void gmacm_2002_he3_refinancing(void **state)
{
    (void)state;
    assert_int_equal(replay_month(&months[7], "csv", wpath("he3.csv"), NULL), 0);
    char *csv = slurp(wpath("he3.csv"));
    expect(csv, "class", "A-1", "principal", "210000000.00");
    expect(csv, "class", "Variable Pay Revolving Notes", "drawn", "210000000.00");
    expect(csv, "class", "Variable Pay Revolving Notes", "factor", "77.3593781");
    free(csv);
}

/* dealc run (JIT) and the built binary print the same bytes */
/* ---- projection at a draw rate ----------------------------------------------
 * 2002-HE1 projected from its 2004-01-26 opening state (the managed
 * amortization period: the revolving period ended 2003-06-30; the
 * Pre-Funding and Funding Accounts are empty) at 10% CPR, no defaults and
 * a 50% annual draw rate on the lines' undrawn limits, for 24 periods.
 *
 * The first month's draw, by hand: the line's credit limit,
 * 525,077,875.92, keeps its utilisation when the line is scaled to the
 * state's pool, 525,077,875.92 x 356,631,301.72 / 393,808,406.94 =
 * 475,508,402.29 (half-up to the cent); undrawn 475,508,402.29 -
 * 356,631,301.72 = 118,877,100.57; the monthly rate of 50% a year is
 * 1 - 0.5^(1/12) = 0.0561256873...; 118,877,100.57 x that = 6,672,058.98.
 *
 * Then, every period, what the agreement says happens to that cash:
 * - the pool rolls forward: ending = beginning - scheduled - prepaid +
 *   drawn (nothing defaults);
 * - 3.05(b)(iv) pays the Seller the draws, all of them;
 * - draws beyond the month's principal collections are funded by drawing
 *   on the variable funding note, I-A-1 VF-1 (3.05(b)(iii): the accounts
 *   are empty), so its draw is max(drawn - collections, 0);
 * - what collections leave after the draws is paid as principal to the
 *   notes (3.05(d)): the classes' principal adds up to
 *   max(collections - drawn, 0);
 * - the Credit Enhancer is never drawn on (interest is covered, no loss),
 *   and the Funding Account stays empty (no revolving period).
 * Without --draw-rate the output says the lines draw nothing. */
static __int128 field_of(const char *csv, const char *table, int period, const char *field)
{
    char key[200];
    snprintf(key, sizeof key, "\n%s,%d,%s,", table, period, field);
    const char *at = strstr(csv, key);
    if (!at) fail_msg("no %s", key + 1);
    return dec7(at + strlen(key));
}

static void gmacm_2002_he1_projects_with_draws(void **state)
{
    (void)state;
    build_deal("gmacm-2002-he1");
    char bin[600], st[600];
    snprintf(bin, sizeof bin, "%s/gmacm-2002-he1", work);
    snprintf(st, sizeof st, "%s/gmacm-2002-he1/opening-2004-01-26.json", AGREEMENTS_DIR);
    char *argv[] = { bin, "project", "--state", st, "--cpr", "10", "--draw-rate", "50", "--periods", "24",
                     "--index", "One-Month LIBOR=1.10%", "--input", "Net Weighted Average Coupon Rate=4.02261%",
                     "--input", "Credit Enhancement Premium=35881.00", "--format", "csv", NULL };
    int rc = run(argv, wpath("he1p.csv"), wpath("he1p.err"));
    if (rc) fprintf(stderr, "%s", slurp(wpath("he1p.err")));
    assert_int_equal(rc, 0);
    char *csv = slurp(wpath("he1p.csv"));
    assert_true(field_of(csv, "Collateral Group 1A", 23, "Drawn") == dec7("6672058.98"));
    const char *G = "Collateral Group 1A";
    int vf_drawn = 0;
    for (int n = 23; n < 23 + 24; n++) {
        __int128 beg = field_of(csv, G, n, "Beginning"), sch = field_of(csv, G, n, "Scheduled"),
                 pre = field_of(csv, G, n, "Prepaid"), drawn = field_of(csv, G, n, "Drawn"),
                 end = field_of(csv, G, n, "Ending");
        assert_true(drawn > 0);
        assert_true(end == beg - sch - pre + drawn);
        assert_true(field_of(csv, "Parties", n, "Seller") == drawn);
        __int128 coll = sch + pre;
        __int128 vf = field_of(csv, "Class I-A-1 VF-1", n, "Drawn");
        assert_true(vf == (drawn > coll ? drawn - coll : 0));
        __int128 prin = field_of(csv, "Class I-A-1", n, "Principal") + field_of(csv, "Class I-A-2", n, "Principal") +
                        field_of(csv, "Class I-A-1 VF-1", n, "Principal");
        assert_true(prin == (coll > drawn ? coll - drawn : 0));
        assert_true(field_of(csv, "Parties", n, "Credit Enhancer drawn") == 0);
        assert_true(field_of(csv, "Accounts", n, "Funding Account") == 0);
        vf_drawn += vf > 0;
    }
    /* at 50% the draws outrun 10% CPR at first: the note is drawn on */
    assert_true(vf_drawn > 0);
    free(csv);

    char *none[] = { bin, "project", "--state", st, "--cpr", "10", "--periods", "2", "--index",
                     "One-Month LIBOR=1.10%", "--input", "Net Weighted Average Coupon Rate=4.02261%", "--input",
                     "Credit Enhancement Premium=35881.00", NULL };
    assert_int_equal(run(none, wpath("he1n.txt"), wpath("he1n.err")), 0);
    char *t = slurp(wpath("he1n.txt"));
    assert_non_null(strstr(t, "Revolving lines: no draws (give --draw-rate)"));
    free(t);
    /* a bad draw rate is a usage error naming it */
    char *bad[] = { bin, "project", "--state", st, "--draw-rate", "120", NULL };
    assert_int_equal(run(bad, wpath("he1b.txt"), wpath("he1b.err")), 2);
    t = slurp(wpath("he1b.err"));
    assert_non_null(strstr(t, "draw-rate 120 is above 100%"));
    free(t);
}

/* 2002-HE3 projects from its closing with its reconstructed line and a draw
 * rate: the runtime's checks (cash in = cash out, the pool roll-forward to
 * the cent) hold every period, and the Variable Pay Revolving Notes absorb
 * the draws collections do not cover. */
static void gmacm_2002_he3_projects_with_draws(void **state)
{
    (void)state;
    build_deal("gmacm-2002-he3");
    char bin[600], st[600];
    snprintf(bin, sizeof bin, "%s/gmacm-2002-he3", work);
    snprintf(st, sizeof st, "%s/gmacm-2002-he3/opening-2004-01-26.json", AGREEMENTS_DIR);
    char *argv[] = { bin, "project", "--state", st, "--cpr", "15", "--cdr", "2", "--severity", "100",
                     "--draw-rate", "40", "--periods", "36", "--index", "One-Month LIBOR=1.10%", "--input",
                     "Weighted Average Net Loan Rate=5.2206%", "--input", "Credit Enhancement Premium=53643.94",
                     "--input", "Target Overcollateralization Amount=2714603.02", "--input", "Refinancing Advance=0",
                     "--format", "csv", NULL };
    int rc = run(argv, wpath("he3p.csv"), wpath("he3p.err"));
    if (rc) fprintf(stderr, "%s", slurp(wpath("he3p.err")));
    assert_int_equal(rc, 0);
    char *csv = slurp(wpath("he3p.csv"));
    assert_non_null(strstr(csv, "\nCollateral Group 1,Total,Drawn,"));
    assert_true(field_of(csv, "Collateral Group 1", 24, "Drawn") > 0);
    free(csv);
}

static void jit_matches_binary(void **state)
{
    (void)state;
    const int which[] = { 0, 6 };
    for (int w = 0; w < 2; w++) {
        const month *mo = &months[which[w]];
        assert_int_equal(replay_month(mo, "table", wpath("aot.out"), NULL), 0);
        char src[600], st[600], remit[600], fmt[] = "table";
        snprintf(src, sizeof src, "%s/%s.deal", AGREEMENTS_DIR, mo->m->deal);
        snprintf(st, sizeof st, "%s/%s/opening-%s.json", AGREEMENTS_DIR, mo->m->deal, mo->opening);
        snprintf(remit, sizeof remit, "%s/%s/remittance-%s.csv", AGREEMENTS_DIR, mo->m->deal, mo->date);
        char *argv[] = { DEALC_BIN, "run", src, "--", "replay", "--state", st, remit, "--format", fmt, NULL };
        assert_int_equal(run(argv, wpath("jit.out"), wpath("jit.err")), 0);
        char *a = slurp(wpath("aot.out")), *b = slurp(wpath("jit.out"));
        assert_true(strlen(a) > 100);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

int main(void)
{
    snprintf(work, sizeof work, "%s", WORK_DIR);
    mkdir(work, 0755);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gmacm_2002_he1_every_month),
        cmocka_unit_test(gmacm_2002_he3_every_month),
        cmocka_unit_test(gmacm_2002_he3_revolving_cash),
        cmocka_unit_test(gmacm_2002_he3_refinancing),
        cmocka_unit_test(jit_matches_binary),
        cmocka_unit_test(gmacm_2002_he1_projects_with_draws),
        cmocka_unit_test(gmacm_2002_he3_projects_with_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
