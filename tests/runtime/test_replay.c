/*
 * test_replay.c — rt_main end to end against the hand-written deal in
 * fake_deal.c: the command line, a good replay in every format (figures
 * worked by hand below), input errors, the invariant checks, atomic output
 * and the saved state opening the next replay.
 *
 * Hand arithmetic for the two periods of remit.csv (fee 0.50%/12 on the
 * beginning pool; A at LIBOR + 0.25%, B at 5%, 30/360):
 *
 *   2024-02-26 (distribution 1; closing 2024-01-30, so 26 days 30/360)
 *     deposit  50,000.00 + 9,000.00 = 59,000.00
 *     fee      1,600,000 x 0.5% x 30/360 = 666.666.. -> 666.67
 *     A int    1,000,000 x 5.50% x 26/360 = 3,972.222.. -> 3,972.22
 *     B int      500,000 x 5.00% x 26/360 = 1,805.555.. -> 1,805.56
 *     left     59,000.00 - 666.67 - 3,972.22 - 1,805.56 = 52,555.55
 *     A prin   PDA = 50,000.00 + 1,000.00 loss = 51,000.00 -> A 949,000.00
 *     residual 52,555.55 - 51,000.00 = 1,555.55
 *     factor A 949,000 / 1,000,000 = 0.9490000; security 949,000/1,500,000
 *              = 63.2666% -> 63.27; B 500,000/1,500,000 -> 33.33
 *     pool     1,600,000 - 50,000 - 1,000 = 1,549,000.00; factor 0.968125
 *   2024-03-25 (distribution 2, 30 days)
 *     deposit  40,000.00 + 8,700.00 + 500.00 recoveries = 49,200.00
 *     fee      1,549,000 x 0.5% / 12 = 645.4166.. -> 645.42
 *     A int    949,000 x 5.55% / 12 = 4,389.125 -> 4,389.13 (half-up)
 *     B int    500,000 x 5% / 12 = 2,083.333.. -> 2,083.33
 *     left     49,200 - 645.42 - 4,389.13 - 2,083.33 = 42,082.12
 *     A prin   40,000.00 -> 909,000.00 (factor 0.9090000, security 60.60)
 *     residual 2,082.12; pool 1,509,000.00; cumulative loss 500.00
 *   2024-04-25 (distribution 3, from the saved state)
 *     deposit  30,000.00 + 8,500.00 = 38,500.00
 *     fee      1,509,000 x 0.5% / 12 = 628.75
 *     A int    909,000 x 5.25% / 12 = 3,976.875 -> 3,976.88
 *     B int    2,083.33
 *     left     38,500 - 628.75 - 3,976.88 - 2,083.33 = 31,811.04
 *     A prin   30,000.00 -> 879,000.00; residual 1,811.04
 */
#include "support.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake_deal.h"

#define OPENING                                                                                   \
    "{\n  \"deal\": \"" FAKE_NAME "\",\n  \"payment_date\": \"2024-01-30\",\n"                     \
    "  \"distribution_number\": 0,\n"                                                              \
    "  \"groups\": [ { \"group\": \"Group 1\", \"pool_balance\": \"1,600,000.00\", \"cumulative_loss\": 0 } ],\n" \
    "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000000.00 }, { \"class\": \"B\", \"balance\": 500000 } ]\n}\n"

#define HEADER                                                                                    \
    "payment_date,group,principal_collections,interest_collections,principal_draws,"              \
    "liquidation_loss,recoveries,substitution_adjustment,active_loan_count,One-Month LIBOR\n"

#define REMIT                                                              \
    HEADER "2024-03-25,Group 1,\"40,000.00\",\"8,700.00\",,0.00,500.00,,118,5.30%\n" \
           "2024-02-26,Group 1,\"50,000.00\",\"9,000.00\",,\"1,000.00\",,,120,5.25%\n"

#define REMIT3 HEADER "2024-04-25,Group 1,30000.00,8500.00,,,,,117,5.00%\n"

static int setup(void **state)
{
    (void)state;
    fake_current_mode = FAKE_OK;
    fake_fail_from = 1;
    t_write("opening.json", OPENING);
    t_write("remit.csv", REMIT);
    t_write("remit3.csv", REMIT3);
    unlink(t_path("closing.json"));
    unlink(t_path("out.txt"));
    return 0;
}

/* the scratch directory holds nothing but the expected files */
static void assert_no_stray_files(void)
{
    DIR *d = opendir(t_dir());
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp.")) {
            print_error("left behind: %s\n", e->d_name);
            fail();
        }
    }
    closedir(d);
}

static t_result run(const char *const *argv)
{
    return t_run(fake_describe, fake_period, argv);
}

#define RUN(...) run((const char *const[]){"/some/dir/test-deal", __VA_ARGS__, NULL})

static void expect_usage(t_result r, const char *msg)
{
    if (r.status != 2) {
        print_error("status %d, stderr: %s\n", r.status, r.err);
        fail();
    }
    assert_string_equal(r.out, "");
    assert_contains(r.err, msg);
    assert_contains(r.err, "Try 'test-deal --help' for more information.\n");
    t_result_free(&r);
}

static void test_help(void **state)
{
    (void)state;
    t_result r = RUN("--help");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Usage:\n  test-deal replay --state OPENING.json REMITTANCE.csv [--format table|csv|json]");
    assert_contains(r.out, "--save-state CLOSING.json");
    assert_contains(r.out, "--output FILE");
    assert_contains(r.out, "test-deal describe");
    assert_contains(r.out, "Exit status: 0 success, 1 bad data or a failed check, 2 bad usage.");
    assert_string_equal(r.err, "");
    t_result_free(&r);
    r = RUN("replay", "--help");
    assert_int_equal(r.status, 0);
    /* a command's help is its own: its options, not the others' */
    assert_contains(r.out, "--save-state FILE");
    assert_null(strstr(r.out, "--tape"));
    t_result_free(&r);
    /* a deal compiled before its build was recorded says so */
    r = RUN("--version");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "test-deal: ");
    assert_contains(r.out, "did not record its version or sources");
    t_result_free(&r);
}

static void test_usage_errors(void **state)
{
    (void)state;
    expect_usage(run((const char *const[]){"test-deal", NULL}), "test-deal: error: missing command");
    expect_usage(RUN("frobnicate"), "unknown command \"frobnicate\"");
    expect_usage(RUN("--versio"), "unknown option \"--versio\"");
    expect_usage(RUN("replay", "--stat", "s.json", "r.csv"), "unknown option \"--stat\""); /* no abbreviations */
    expect_usage(RUN("replay", "--state"), "option --state needs an argument");
    expect_usage(RUN("replay", "--bogus", t_path("remit.csv")), "unknown option \"--bogus\"");
    expect_usage(RUN("replay", "--state", t_path("opening.json"), t_path("remit.csv"), "--format", "xml"),
                 "unknown format \"xml\" (use table, csv or json)");
    expect_usage(RUN("replay", t_path("remit.csv")), "replay needs --state OPENING.json");
    expect_usage(RUN("replay", "--state", t_path("opening.json")), "replay needs a remittance file");
    expect_usage(RUN("replay", "--state", t_path("opening.json"), "a.csv", "b.csv"), "unexpected argument \"b.csv\"");
    expect_usage(RUN("replay", "--state", "a", "--state", "b", "c.csv"), "option --state given twice");
    expect_usage(RUN("describe", "extra"), "describe takes no arguments");
    expect_usage(RUN("replay", "--state", "s.json", "r.csv", "--output", "x", "--save-state=x"),
                 "--output and --save-state both name \"x\"");
}

static void test_describe(void **state)
{
    (void)state;
    t_result r = RUN("describe");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_contains(r.out, "Deal: " FAKE_NAME "\n");
    assert_contains(r.out, "Source: test.deal\n");
    assert_contains(r.out, "Closing date: 2024-01-30\n");
    assert_contains(r.out, "First payment date: 2024-02-25 (as paid: 2024-02-26)\n");
    assert_contains(r.out, "Payment day: 25 of each month, following business day\n");
    assert_contains(r.out, "  Group 1\n");
    assert_contains(r.out, "  A            original         1,000,000.00  principal 30/360\n");
    assert_contains(r.out, "  active_loan_count");
    assert_contains(r.out, "  \"One-Month LIBOR\"  column one_month_libor  (rate: percent with a % sign, e.g. 1.10%)\n");
    assert_contains(r.out, "  Principal Distribution Amount (money)\n");
    assert_contains(r.out, "  [class table]\n");
    assert_contains(r.out, "  Trigger Event (yes/no)\n");
    assert_contains(r.out, "  Certificates (residual)\n");
    assert_contains(r.out, "  Available Funds\n");
    assert_contains(r.out, "  5.01(a)(vi)      from Available Funds: Certificates\n");
    t_result_free(&r);

    r = t_run(fake_describe_incomplete, fake_period, (const char *const[]){"test-deal", "describe", NULL});
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "error: bad deal description: the deal has no dates");
    t_result_free(&r);
}

static void test_replay_json(void **state)
{
    (void)state;
    t_result r = RUN("replay", "--state", t_path("opening.json"), t_path("remit.csv"), "--format=json");
    if (r.status != 0)
        print_error("%s", r.err);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    const char *p1 = strstr(r.out, "\"payment_date\": \"2024-02-26\", \"distribution_number\": 1");
    const char *p2 = strstr(r.out, "\"payment_date\": \"2024-03-25\", \"distribution_number\": 2");
    assert_non_null(p1);
    assert_non_null(p2);
    assert_true(p1 < p2);
    assert_true(r.out[0] == '[');
    assert_contains(r.out, "{\"class\": \"A\", \"beginning_balance\": 1000000.00, \"principal\": 51000.00, "
                           "\"interest\": 3972.22, \"interest_shortfall\": 0.00, \"ending_balance\": 949000.00, "
                           "\"factor\": 0.9490000, \"security_percent\": 63.27, \"coupon_percent\": 5.5}");
    assert_contains(r.out, "{\"class\": \"B\", \"beginning_balance\": 500000.00, \"principal\": 0.00, "
                           "\"interest\": 1805.56, \"interest_shortfall\": 0.00, \"ending_balance\": 500000.00, "
                           "\"factor\": 1.0000000, \"security_percent\": 33.33, \"coupon_percent\": 5}");
    assert_contains(r.out, "\"parties\": [{\"party\": \"Servicer\", \"paid\": 666.67}, "
                           "{\"party\": \"Certificates\", \"paid\": 1555.55}]");
    assert_contains(r.out, "\"Beginning Pool Balance\": 1600000.00");
    assert_contains(r.out, "\"One-Month LIBOR\": 5.25");
    assert_contains(r.out, "\"Active Loans\": 120");
    assert_contains(r.out, "\"Excess Cash\": 1555.55");
    assert_contains(r.out, "\"Pool Factor\": 0.968125");
    assert_contains(r.out, "\"Payment Date\": \"2024-02-26\"");
    assert_contains(r.out, "\"Trigger Event\": true");
    assert_contains(r.out, "{\"class\": \"A\", \"beginning_balance\": 949000.00, \"principal\": 40000.00, "
                           "\"interest\": 4389.13, \"interest_shortfall\": 0.00, \"ending_balance\": 909000.00, "
                           "\"factor\": 0.9090000, \"security_percent\": 60.60, \"coupon_percent\": 5.55}");
    assert_contains(r.out, "\"interest\": 2083.33");
    assert_contains(r.out, "{\"party\": \"Servicer\", \"paid\": 645.42}, {\"party\": \"Certificates\", \"paid\": 2082.12}");
    assert_contains(r.out, "\"Beginning Pool Balance\": 1549000.00");
    assert_contains(r.out, "\"One-Month LIBOR\": 5.3,");
    assert_contains(r.out, "\"Pool Factor\": 0.943125");
    assert_contains(r.out, "\"Active Loans\": 118");
    size_t n = strlen(r.out);
    assert_true(n > 3 && strcmp(r.out + n - 3, "\n]\n") == 0);

    /* the output is valid JSON by our own strict parser */
    rt_err e;
    rt_jnode *root = rt_json_parse(r.out, n, &e);
    assert_non_null(root);
    assert_int_equal(root->type, RT_J_ARRAY);
    assert_int_equal(root->n, 2);
    rt_json_free(root);
    t_result_free(&r);
}

static void test_replay_table(void **state)
{
    (void)state;
    t_result r = RUN("replay", "--state", t_path("opening.json"), t_path("remit.csv"));
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    const char *o = r.out;
    assert_contains(o, FAKE_NAME "\n");
    assert_contains(o, "Payment Date  02/26/2024\n");
    assert_contains(o, "Payment Date  03/25/2024\n");
    assert_contains(o, "\nServicing Certificate\n");
    /* the class table stands where the empty-label line was declared */
    const char *ic = strstr(o, "Interest Collections");
    const char *tbl = strstr(o, "Class  ");
    const char *libor = strstr(o, "One-Month LIBOR");
    assert_non_null(ic);
    assert_non_null(tbl);
    assert_non_null(libor);
    assert_true(ic < tbl && tbl < libor);
    assert_contains(o, "Beginning Balance");
    assert_contains(o, "Interest Shortfalls");
    assert_contains(o, "Security %");
    assert_contains(o, "Class A  ");
    assert_contains(o, "  1,000,000.00");
    assert_contains(o, "  949,000.00");
    assert_contains(o, "  0.9490000");
    assert_contains(o, "  63.27%");
    assert_contains(o, "  5.500%");
    assert_contains(o, "  5.000%");
    assert_contains(o, "\nCertificates ");
    assert_contains(o, "1,555.55\n");
    assert_contains(o, "5.25000%\n");
    assert_contains(o, "Trigger Event");
    assert_contains(o, "Yes\n");
    assert_contains(o, "0.9681250\n");
    assert_contains(o, "2024-02-26\n");
    assert_contains(o, "\n=====");

    /* every statement line is as wide as the rule under the title */
    const char *rule = strstr(o, "\n---");
    assert_non_null(rule);
    size_t width = strspn(rule + 1, "-");
    const char *line = strstr(o, "Beginning Pool Balance");
    assert_non_null(line);
    const char *end = strchr(line, '\n');
    assert_int_equal((size_t)(end - line), width);
    assert_true(strncmp(end - 12, "1,600,000.00", 12) == 0);
    t_result_free(&r);
}

static void test_replay_csv(void **state)
{
    (void)state;
    t_result r = RUN("replay", "--format", "csv", "--state", t_path("opening.json"), t_path("remit.csv"));
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "payment_date,section,name,field,value\n", 38) == 0);
    assert_contains(r.out, "\n2024-02-26,class,A,beginning_balance,1000000.00\n");
    assert_contains(r.out, "\n2024-02-26,class,A,principal,51000.00\n");
    assert_contains(r.out, "\n2024-02-26,class,A,interest,3972.22\n");
    assert_contains(r.out, "\n2024-02-26,class,A,interest_shortfall,0.00\n");
    assert_contains(r.out, "\n2024-02-26,class,A,ending_balance,949000.00\n");
    assert_contains(r.out, "\n2024-02-26,class,A,factor,0.9490000\n");
    assert_contains(r.out, "\n2024-02-26,class,A,security_percent,63.27\n");
    assert_contains(r.out, "\n2024-02-26,class,A,coupon_percent,5.5\n");
    assert_contains(r.out, "\n2024-02-26,party,Certificates,paid,1555.55\n");
    assert_contains(r.out, "\n2024-02-26,line,Excess Cash,value,1555.55\n");
    assert_contains(r.out, "\n2024-02-26,line,Trigger Event,value,true\n");
    assert_contains(r.out, "\n2024-02-26,line,Active Loans,value,120\n");
    assert_contains(r.out, "\n2024-03-25,line,One-Month LIBOR,value,5.3\n");
    assert_contains(r.out, "\n2024-03-25,class,A,interest,4389.13\n");
    /* 2 x (2 classes x 8 fields + 2 parties + 9 lines) rows + the header */
    int lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 2 * (16 + 2 + 9));
    /* the output reads back with our own CSV tokenizer */
    rt_csv c;
    rt_err e;
    assert_true(rt_csv_parse(r.out, strlen(r.out), &c, &e));
    assert_int_equal(c.nr, 55);
    for (int32_t i = 0; i < c.nr; i++)
        assert_int_equal(c.r[i].n, 5);
    rt_csv_free(&c);
    t_result_free(&r);
}

static const char closing_expected[] =
    "{\n"
    "  \"deal\": \"" FAKE_NAME "\",\n"
    "  \"payment_date\": \"2024-03-25\",\n"
    "  \"distribution_number\": 2,\n"
    "  \"groups\": [\n"
    "    { \"group\": \"Group 1\", \"pool_balance\": 1509000.00, \"cumulative_loss\": 500.00 }\n"
    "  ],\n"
    "  \"classes\": [\n"
    "    { \"class\": \"A\", \"balance\": 909000.00 },\n"
    "    { \"class\": \"B\", \"balance\": 500000.00 }\n"
    "  ]\n"
    "}\n";

static void test_save_state_roundtrip(void **state)
{
    (void)state;
    t_result r = RUN("replay", "--state", t_path("opening.json"), t_path("remit.csv"), "--format", "json",
                     "--save-state", t_path("closing.json"), "--output", t_path("out.txt"));
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    t_result_free(&r);
    char *closing = t_slurp(t_path("closing.json"));
    assert_non_null(closing);
    assert_string_equal(closing, closing_expected);
    free(closing);
    char *out = t_slurp(t_path("out.txt"));
    assert_non_null(out);
    assert_contains(out, "\"interest\": 4389.13");
    free(out);
    assert_no_stray_files();

    /* the saved state opens the next replay */
    r = RUN("replay", "--state", t_path("closing.json"), t_path("remit3.csv"), "--format", "json");
    if (r.status != 0)
        print_error("%s", r.err);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\"payment_date\": \"2024-04-25\", \"distribution_number\": 3");
    assert_contains(r.out, "{\"class\": \"A\", \"beginning_balance\": 909000.00, \"principal\": 30000.00, "
                           "\"interest\": 3976.88, \"interest_shortfall\": 0.00, \"ending_balance\": 879000.00, "
                           "\"factor\": 0.8790000, \"security_percent\": 58.60, \"coupon_percent\": 5.25}");
    assert_contains(r.out, "{\"party\": \"Servicer\", \"paid\": 628.75}, {\"party\": \"Certificates\", \"paid\": 1811.04}");
    assert_contains(r.out, "\"Beginning Pool Balance\": 1509000.00");
    t_result_free(&r);

    /* and replaying the old remittance on the new state is refused */
    r = RUN("replay", "--state", t_path("closing.json"), t_path("remit.csv"));
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "remit.csv:3:1: error: payment date 2024-02-26 is not the next one: expected "
                           "2024-04-25 (distribution 3, the one after the opening state's 2024-03-25)\n");
    assert_string_equal(r.out, "");
    t_result_free(&r);
}

static void expect_data_error(t_result r, const char *msg)
{
    if (r.status != 1) {
        print_error("status %d, stderr: %s\n", r.status, r.err);
        fail();
    }
    assert_string_equal(r.out, "");
    assert_contains(r.err, msg);
    t_result_free(&r);
    assert_false(t_exists("closing.json"));
    assert_false(t_exists("out.txt"));
    assert_no_stray_files();
}

#define REPLAY_ALL(state_file, remit_file)                                                        \
    RUN("replay", "--state", t_path(state_file), t_path(remit_file), "--save-state", t_path("closing.json"), \
        "--output", t_path("out.txt"))

static void test_input_errors(void **state)
{
    (void)state;
    t_write("bad.csv", HEADER "2024-02-26,Group 1,\"12,3x4.00\",\"9,000.00\",,,,,120,5.25%\n");
    expect_data_error(REPLAY_ALL("opening.json", "bad.csv"),
                      "bad.csv:2:20: error: bad amount \"12,3x4.00\" in column \"principal_collections\"\n");
    t_write("bad.csv", HEADER "2024-02-26,Group 1,1.00,2.00,,,,,120,5.25\n");
    expect_data_error(REPLAY_ALL("opening.json", "bad.csv"),
                      "bad.csv:2:38: error: rate \"5.25\" in column \"One-Month LIBOR\" needs a % sign (write 5.25%)\n");
    t_write("bad.csv", "payment_date,group,principal_colections\n");
    expect_data_error(REPLAY_ALL("opening.json", "bad.csv"), "bad.csv:1:20: error: unknown column \"principal_colections\"");
    t_write("bad.csv", "");
    expect_data_error(REPLAY_ALL("opening.json", "bad.csv"), "bad.csv:1:1: error: empty file, expected a header row\n");
    t_write("bad.json", "{\n  \"deal\": \"" FAKE_NAME "\",\n  \"payment_date\": \"2024-01-30\",\n"
                        "  \"distribution_number\": 0,\n"
                        "  \"groups\": [ { \"group\": \"Group 1\", \"pool_balance\": false, \"cumulative_loss\": 0 } ],\n"
                        "  \"classes\": []\n}\n");
    expect_data_error(REPLAY_ALL("bad.json", "remit.csv"),
                      "bad.json:5:53: error: expected a number or a string for \"pool_balance\"\n");
    t_write("bad.json", "");
    expect_data_error(REPLAY_ALL("bad.json", "remit.csv"), "bad.json:1:1: error: empty file, expected a JSON object\n");
    t_write("bad.json", "\x7f" "ELF\x02\x01\x01\x00\x00\x00garbage");
    expect_data_error(REPLAY_ALL("bad.json", "remit.csv"), "bad.json:1:1: error: expected a value, found byte 0x7f\n");
    t_write("bad.csv", HEADER "2024-02-26,Group 1,\"1,600,000.01\",0,,,,,120,5.25%\n");
    expect_data_error(REPLAY_ALL("opening.json", "bad.csv"),
                      "error: payment date 2024-02-26: group \"Group 1\": the remittance takes the pool "
                      "balance of 1,600,000.00 below zero ((0.01))\n");
    expect_data_error(REPLAY_ALL("missing.json", "remit.csv"),
                      "missing.json: error: cannot open: No such file or directory\n");
    expect_data_error(RUN("replay", "--state", t_dir(), t_path("remit.csv")), "error: cannot read: Is a directory\n");
}

typedef struct broken {
    fake_mode mode;
    int from;
    const char *msg;
} broken;

static void test_invariants(void **state)
{
    (void)state;
    static const broken cases[] = {
        /* a cent paid out by no clause: the fund reports none left */
        {FAKE_LOSE_CENT, 1,
         "error: payment date 2024-02-26: fund \"Available Funds\" reports 0.00 remaining, but 0.01 is left "
         "after its clauses\n"},
        {FAKE_LOSE_CENT, 2,
         "error: payment date 2024-03-25: fund \"Available Funds\" reports 0.00 remaining, but 0.01 is left "
         "after its clauses\n"},
        {FAKE_OVERPAY, 1,
         "error: payment date 2024-02-26: clause 5.01(a)(iv) (Class A principal) paid 52,555.56, more than "
         "the 52,555.55 available in fund \"Available Funds\"\n"},
        {FAKE_HALF_CENT, 1,
         "error: payment date 2024-02-26: class \"A\" interest paid 3972.225 is not a whole number of cents\n"},
        {FAKE_INT_OVER, 1,
         "error: payment date 2024-02-26: class \"A\" was paid interest 3,972.23, more than the 3,972.22 due\n"},
        {FAKE_DIV_ZERO, 2,
         "error: payment date 2024-03-25: division by zero in definition \"Excess Cash\" (test.deal:12:5)\n"},
        {FAKE_RETURN_1, 1, "error: payment date 2024-02-26: the deal's period function failed\n"},
        {FAKE_BAD_AVAIL, 1,
         "error: payment date 2024-02-26: clause 5.01(a)(iii) (Class B interest): available 54,361.12, but "
         "fund \"Available Funds\" held 54,361.11 at that point\n"},
        {FAKE_NEG_PARTY, 1, "error: payment date 2024-02-26: party \"Servicer\" paid is negative: (0.01)\n"},
        {FAKE_BAD_END, 1,
         "error: payment date 2024-02-26: class \"A\" ending balance 949,000.01 is not its beginning balance "
         "1,000,000.00 less principal paid 51,000.00\n"},
        {FAKE_BAD_CARRY, 1,
         "error: payment date 2024-02-26: class \"A\" carries 0.01 of unpaid interest forward, not the 0.00 unpaid "
         "before less 0.00 paid plus this date's shortfall\n"},
        {FAKE_UNPAID_OVER, 1,
         "error: payment date 2024-02-26: class \"A\" was paid 0.01 of earlier unpaid interest, out of 0.00 owed "
         "and 3,972.23 interest paid\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fake_current_mode = cases[i].mode;
        fake_fail_from = cases[i].from;
        t_result r = REPLAY_ALL("opening.json", "remit.csv");
        if (r.status != 1 || strcmp(r.err, cases[i].msg) != 0) {
            print_error("case %zu: status %d\n  got:      %s  expected: %s", i, r.status, r.err, cases[i].msg);
            fail();
        }
        expect_data_error(r, cases[i].msg);
    }
    fake_current_mode = FAKE_OK;
    fake_fail_from = 1;
}

static void test_atomic_output(void **state)
{
    (void)state;
    /* the output cannot be written: neither file appears */
    t_result r = RUN("replay", "--state", t_path("opening.json"), t_path("remit.csv"), "--save-state",
                     t_path("closing.json"), "--output", t_path("no-such-dir/out.txt"));
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "no-such-dir/out.txt: error: cannot write: No such file or directory\n");
    assert_string_equal(r.out, "");
    t_result_free(&r);
    assert_false(t_exists("closing.json"));
    assert_no_stray_files();
    /* the state cannot be written: the output is not left behind either */
    r = RUN("replay", "--state", t_path("opening.json"), t_path("remit.csv"), "--save-state",
            t_path("no-such-dir/closing.json"), "--output", t_path("out.txt"));
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    t_result_free(&r);
    assert_false(t_exists("out.txt"));
    assert_no_stray_files();
    /* an existing output file is replaced only on success */
    t_write("out.txt", "previous\n");
    fake_current_mode = FAKE_LOSE_CENT;
    r = REPLAY_ALL("opening.json", "remit.csv");
    assert_int_equal(r.status, 1);
    t_result_free(&r);
    fake_current_mode = FAKE_OK;
    char *prev = t_slurp(t_path("out.txt"));
    assert_string_equal(prev, "previous\n");
    free(prev);
    unlink(t_path("out.txt"));
}

/* The remittance is read a row at a time: a 64 MB file with a bad cell on
 * line 3 is rejected at that cell having held a few rows, not the file (a
 * 103 MB remittance once took 845 MB before failing at line 3). The child's
 * peak resident memory, from wait4, must stay below 40 MB, far under the
 * file's size; the reader's own buffers are 64 KiB and one row. */
static void test_remittance_streams(void **state)
{
    (void)state;
    FILE *f = fopen(t_path("huge.csv"), "wb");
    assert_non_null(f);
    fputs(HEADER "2024-02-26,Group 1,\"50,000.00\",\"9,000.00\",,\"1,000.00\",,,120,5.25%\n"
                 "2024-03-25,Group 1,40000.00,8700.00,,0.00,5O0.00,,118,5.30%\n", f);
    static const char row[] = "2024-04-25,Group 1,30000.00,8500.00,,,,,117,5.00%\n";
    for (int i = 0; i < (64 << 20) / (int)(sizeof row - 1); i++)
        fputs(row, f);
    assert_int_equal(fclose(f), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        char *av[] = {"test-deal", "replay", "--state", (char *)t_path("opening.json"), (char *)t_path("huge.csv"),
                      NULL};
        _exit(rt_main(5, av, fake_describe, fake_period));
    }
    int st = 0;
    struct rusage ru;
    assert_int_equal(wait4(pid, &st, 0, &ru), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 1);
    assert_true(ru.ru_maxrss < 40 * 1024); /* kilobytes */
    /* and the message is the cell's */
    t_result r = REPLAY_ALL("opening.json", "huge.csv");
    assert_contains(r.err, "huge.csv:3:43: error: bad amount \"5O0.00\" in column \"recoveries\"");
    t_result_free(&r);
    unlink(t_path("huge.csv"));
}

static void test_abi_list(void **state)
{
    (void)state;
    /* every name in RT_ABI_FUNCS is a function; its prototype comes from the
     * same table, so a definition that disagrees does not compile */
#define CHECK(ret, f, ...) { #f, (void (*)(void))(uintptr_t)&f },
    static const struct {
        const char *name;
        void (*fn)(void);
    } funcs[] = {RT_ABI_FUNCS(CHECK)};
#undef CHECK
    assert_int_equal(sizeof funcs / sizeof funcs[0], 31); /* and rt_set_build for --version */
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        assert_non_null(funcs[i].fn);
        assert_true(strncmp(funcs[i].name, "rt_", 3) == 0);
    }
    rt_describe_fn dfn = fake_describe;
    rt_period_fn pfn = fake_period;
    (void)dfn;
    (void)pfn;
    /* the layout a deal reports is the one generated code computes */
    rt_deal *d = rt_deal_new();
    fake_describe(d);
    rt_layout l = fake_layout;
    rt_layout_compute(&l);
    const rt_layout *got = rt_deal_layout(d);
    assert_int_equal(got->total, l.total);
    assert_int_equal(got->clause_base, l.clause_base);
    assert_int_equal(got->line_base, l.line_base);
    assert_int_equal(got->nlines, FAKE_NLINES);
    rt_deal_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_help, setup),
        cmocka_unit_test_setup(test_usage_errors, setup),
        cmocka_unit_test_setup(test_describe, setup),
        cmocka_unit_test_setup(test_replay_json, setup),
        cmocka_unit_test_setup(test_replay_table, setup),
        cmocka_unit_test_setup(test_replay_csv, setup),
        cmocka_unit_test_setup(test_save_state_roundtrip, setup),
        cmocka_unit_test_setup(test_input_errors, setup),
        cmocka_unit_test_setup(test_invariants, setup),
        cmocka_unit_test_setup(test_atomic_output, setup),
        cmocka_unit_test_setup(test_remittance_streams, setup),
        cmocka_unit_test_setup(test_abi_list, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
