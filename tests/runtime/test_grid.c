/*
 * test_grid.c — grids of any size (runtime/commands/grid.c, scenset.c) against the
 * hand-written projection deal (proj_deal.c): a 10,000-scenario grid in
 * bounded memory, its stream identical on 1 and 2 threads; a scenarios
 * file (its columns, its located errors, nothing written on a bad row);
 * shards merged into exactly the one-machine output, and merge's refusals;
 * the summary's percentiles; Monte Carlo paths (the same path on any
 * shard, the value against a hand-priced flat curve, the OAS back); Ctrl-C.
 * The memory test runs first, in a fresh process, so that the children's
 * peak resident size it compares is its own.
 */
#include "support.h"

#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <math.h>
#include <unistd.h>

#include "proj_deal.h"

/* AddressSanitizer keeps freed memory in quarantine, so a sanitized run's
 * resident size grows with what it allocated, bounded or not: the memory
 * bound is checked in the normal build only */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define RUN(...) t_run(proj_describe, proj_period, (const char *const[]){"proj-deal", __VA_ARGS__, NULL})

static int setup(void **state)
{
    (void)state;
    proj_current = PROJ_FIXED;
    return 0;
}

/* a scenarios file of n rows: CPR 0-49.9%, CDR 0-9%, severity 30-59% */
static void write_rows(const char *name, int n)
{
    FILE *f = fopen(t_path(name), "w");
    assert_non_null(f);
    fputs("name,cpr,cdr,severity\n", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "s%d,%d.%d,%d,%d%%\n", i + 1, (i % 500) / 10, i % 10, i % 10, 30 + i % 30);
    fclose(f);
}

static long children_maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return ru.ru_maxrss;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A grid of 10,000 scenarios from a file: the process's peak resident
 * size is that of a 1,000-scenario grid (within 3 MB: the window holds a
 * few scenarios, the file is read a row at a time, the summary counts
 * distinct figures); and the stream, 20,000 records of two classes, is
 * the same bytes with 1 thread and with 2. */
static void test_ten_thousand(void **state)
{
    (void)state;
    write_rows("r1k.csv", 1000);
    write_rows("r10k.csv", 10000);
    t_result small = RUN("grid", "--scenarios", t_path("r1k.csv"), "--stream", "csv", "--threads", "2", "--output",
                         t_path("s1k.csv"), "--summary", t_path("s1k.txt"));
    assert_int_equal(small.status, 0);
    long rss_small = children_maxrss_kb();
    t_result big = RUN("grid", "--scenarios", t_path("r10k.csv"), "--stream", "csv", "--threads", "2", "--output",
                       t_path("s10k.csv"), "--summary", t_path("s10k.txt"));
    assert_int_equal(big.status, 0);
    long rss_big = children_maxrss_kb();
    print_message("peak resident size: %ld kB with 1,000 scenarios, %ld kB with 10,000%s\n", rss_small, rss_big,
                  SANITIZED ? " (sanitized: not compared)" : "");
    if (!SANITIZED)
        assert_true(rss_big - rss_small < 3 * 1024);
    char *two = t_slurp(t_path("s10k.csv"));
    assert_non_null(two);
    assert_int_equal(count_lines(two), 1 + 20000);
    t_result one = RUN("grid", "--scenarios", t_path("r10k.csv"), "--stream", "csv", "--threads", "1");
    assert_int_equal(one.status, 0);
    assert_string_equal(one.out, two);
    assert_string_equal(one.err, ""); /* no progress line: stderr is not a terminal */
    assert_contains(two, "scenario,name,class,wal,principal,interest,loss,loss_pct,final,yield,price,duration,value\n");
    assert_contains(two, "\n10000,s10000,B,");
    t_result_free(&one);
    t_result j1 = RUN("grid", "--scenarios", t_path("r1k.csv"), "--stream", "jsonl", "--threads", "1");
    t_result j2 = RUN("grid", "--scenarios", t_path("r1k.csv"), "--stream", "jsonl", "--threads", "2");
    assert_int_equal(j1.status, 0);
    assert_string_equal(j1.out, j2.out);
    assert_int_equal(count_lines(j1.out), 1000);
    assert_contains(j1.out, "{\"scenario\":1,\"name\":\"s1\",\"classes\":[{\"class\":\"A\",\"wal\":");
    t_result_free(&j1);
    t_result_free(&j2);
    free(two);
    t_result_free(&small);
    t_result_free(&big);
}

/* lists without a cap on their product, streamed; the tables refuse more
 * than 63 and say how to stream */
static void test_lists(void **state)
{
    (void)state;
    t_result r = RUN("grid", "--cpr", "0,1,2,3,4,5,6,7,8,9,10", "--cdr", "0,1,2,3,4,5", "--stream", "csv");
    assert_int_equal(r.status, 0);
    assert_int_equal(count_lines(r.out), 1 + 66 * 2);
    assert_contains(r.out, "\n1,0% CPR / 0% CDR,A,");
    assert_contains(r.out, "\n66,10% CPR / 5% CDR,B,");
    t_result_free(&r);
    r = RUN("grid", "--cpr", "0,1,2,3,4,5,6,7,8,9,10", "--cdr", "0,1,2,3,4,5");
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "66 scenarios: the prospectus tables hold at most 63");
    assert_contains(r.err, "--stream csv");
    t_result_free(&r);
}

/* The stream's figures against a projection of the same scenario: A at 10%
 * CPR, 2% CDR, 40% severity, 6 months' lag, and the summary of five
 * scenarios: nearest-rank percentiles of five WALs w1 <= ... <= w5 are
 * w1 (min, 1%, 5%: ranks 1, 1, 1), w2 (25%: rank ceil(1.25) = 2), w3
 * (median: rank ceil(2.5) = 3), w4 (75%: ceil(3.75) = 4), w5 (95%, 99%,
 * max); the mean is their sum / 5 to three decimals. */
static void test_records_and_summary(void **state)
{
    (void)state;
    t_result p = RUN("project", "--cpr", "10", "--cdr", "2", "--severity", "40", "--recovery-lag", "6", "--class", "A",
                     "--format", "csv");
    assert_int_equal(p.status, 0);
    const char *w = strstr(p.out, "Summary,A,WAL,");
    assert_non_null(w);
    char wal[16];
    sscanf(w + strlen("Summary,A,WAL,"), "%15[0-9.]", wal);
    t_result g = RUN("grid", "--cpr", "10", "--cdr", "2", "--severity", "40", "--recovery-lag", "6", "--class", "A",
                     "--stream", "csv");
    assert_int_equal(g.status, 0);
    char want[64];
    snprintf(want, sizeof want, "\n1,10%% CPR / 2%% CDR,A,%s,700000.00,", wal);
    assert_contains(g.out, want);
    assert_contains(g.out, ",0.00,0.00,"); /* no loss: the B class absorbs it */
    t_result_free(&p);
    t_result_free(&g);

    g = RUN("grid", "--cpr", "40,0,20,10,30", "--class", "A", "--stream", "csv", "--summary", t_path("sum.csv"),
            "--format", "csv");
    assert_int_equal(g.status, 0);
    double wv[5];
    const char *at = g.out;
    for (int i = 0; i < 5; i++) {
        at = strstr(at, "\n") + 1;
        const char *c = at;
        for (int k = 0; k < 3; k++)
            c = strchr(c, ',') + 1;
        wv[i] = strtod(c, NULL);
    }
    /* sort the five */
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            if (wv[j] < wv[i]) {
                double t = wv[i];
                wv[i] = wv[j];
                wv[j] = t;
            }
    char *sum = t_slurp(t_path("sum.csv"));
    assert_non_null(sum);
    struct {
        const char *col;
        double v;
    } expect[] = {{"Min", wv[0]}, {"1%", wv[0]}, {"5%", wv[0]}, {"25%", wv[1]}, {"Median", wv[2]},
                  {"75%", wv[3]}, {"95%", wv[4]}, {"99%", wv[4]}, {"Max", wv[4]}};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "Weighted average life (years),A,%s,%.2f\n", expect[i].col, expect[i].v);
        assert_contains(sum, line);
    }
    char mean[128];
    snprintf(mean, sizeof mean, "Weighted average life (years),A,Mean,%.3f\n",
             (wv[0] + wv[1] + wv[2] + wv[3] + wv[4]) / 5 + 1e-9);
    assert_contains(sum, mean);
    assert_contains(sum, "Weighted average life (years),A,Scenarios,5\n");
    free(sum);
    t_result_free(&g);
}

/* Scenarios from a file: columns for any assumption, an index shift, a
 * vector file next to it; every bad cell is named by line and column and
 * nothing is written. */
static void test_scenarios_file(void **state)
{
    (void)state;
    proj_current = PROJ_ARM;
    t_write("vec.txt", "2*6\n8\n");
    t_write("rows.csv", "# base case first\n"
                        "name,psa,cdr,severity,recovery-lag,index:One-Year CMT,index-shift,prepay-vector\n"
                        "base,150,1,40,6,4.5,,\n"
                        "\"fast, shifted\",300,,,,,+1,\n"
                        "vector,,2,,,5,,vec.txt\n");
    t_result r = RUN("grid", "--scenarios", t_path("rows.csv"), "--severity", "50", "--stream", "csv", "--index",
                     "One-Year CMT=4");
    if (r.status != 0)
        fail_msg("%s", r.err);
    assert_contains(r.out, "\n1,base,A,");
    assert_contains(r.out, "\n2,\"fast, shifted\",A,");
    assert_contains(r.out, "\n3,vector,B,");
    t_result_free(&r);
    /* the second row has no index value and no flag gives one */
    t_result e = RUN("grid", "--scenarios", t_path("rows.csv"), "--stream", "csv", "--output", t_path("never.csv"));
    assert_int_equal(e.status, 1);
    char want[600];
    snprintf(want, sizeof want, "%s:4:1: error: this row: the deal's input \"One-Year CMT\" needs a value",
             t_path("rows.csv"));
    assert_contains(e.err, want);
    assert_false(t_exists("never.csv"));
    assert_false(t_exists("never.csv.part"));
    t_result_free(&e);
    proj_current = PROJ_FIXED;

    static const struct {
        const char *text, *where;
    } bad[] = {
        {"cpr,cdr\n5,1\n6,x\n", ":3:3: error: cdr needs a percentage"},
        {"cpr,cdr\n5,1\n6\n", ":3:2: error: 1 cells where the header has 2"},
        {"cpr,cdr\n5,1,7\n", ":2:5: error: 3 cells where the header has 2"},
        {"cpr,psa\n5,100\n", ":2:3: error: only one prepayment assumption"},
        {"cpr,speed\n5,1\n", ":1:5: error: unknown column \"speed\""},
        {"cpr,cpr\n5,1\n", ":1:5: error: the column \"cpr\" is given twice"},
        {"cpr,input:Nope\n5,1\n", ":1:5: error: the deal has no input \"Nope\""},
        {"cpr\n\"5\n", ":2:1: error: a quoted cell must end on its line"},
        {"cpr,index-shift\n5,abc\n", ":2:3: error: index-shift needs a percentage"},
        {"cpr,severity\n5,140\n", ":2:3: error: severity needs a percentage from 0 to 100"},
        {"cpr\n", ": error: no scenarios: the file has a header and no rows"},
        {"", ": error: no header row"},
        {"name,prepay-vector\nx,missing.txt\n", "missing.txt: error: "},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t_write("bad.csv", bad[i].text);
        t_result b = RUN("grid", "--scenarios", t_path("bad.csv"), "--stream", "csv", "--output", t_path("o.csv"));
        snprintf(want, sizeof want, "%s%s", bad[i].where[0] == ':' ? t_path("bad.csv") : "", bad[i].where);
        if (b.status != 1 || !strstr(b.err, want))
            fail_msg("case %zu: status %d, wanted \"%s\" in: %s", i, b.status, want, b.err);
        assert_false(t_exists("o.csv"));
        t_result_free(&b);
    }
    /* lists and rows do not mix */
    write_rows("r3.csv", 3);
    r = RUN("grid", "--scenarios", t_path("r3.csv"), "--cdr", "1,2", "--stream", "csv");
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "give single values, not lists");
    t_result_free(&r);
}

static void shard_files(const char *fmt, int n, const char *prefix, char names[][64])
{
    for (int k = 1; k <= n; k++) {
        char spec[32];
        snprintf(spec, sizeof spec, "%d/%d", k, n);
        snprintf(names[k - 1], 64, "%.20s%d", prefix, k);
        t_result r = RUN("grid", "--scenarios", t_path("r1k.csv"), "--stream", fmt, "--shard", spec, "--output",
                         t_path(names[k - 1]), "--threads", k % 2 ? "1" : "2");
        assert_int_equal(r.status, 0);
        t_result_free(&r);
    }
}

/* Four shards merged are the whole run, byte for byte, summary and report
 * included; and merge refuses what is not a complete set of one run. */
static void test_shards_merge(void **state)
{
    (void)state;
    write_rows("r1k.csv", 1000);
    for (int f = 0; f < 2; f++) {
        const char *fmt = f ? "jsonl" : "csv";
        t_result whole = RUN("grid", "--scenarios", t_path("r1k.csv"), "--stream", fmt, "--summary",
                             t_path("whole-sum.json"), "--format", "json", "--report", t_path("whole.html"));
        assert_int_equal(whole.status, 0);
        char names[4][64];
        shard_files(fmt, 4, f ? "j" : "c", names);
        char *s3 = t_slurp(t_path(names[2]));
        assert_non_null(s3);
        assert_true(strncmp(s3, "# dealc-shard 1 run=", 20) == 0);
        assert_contains(s3, " shard=3/4 first=501 count=250 total=1000 ");
        free(s3);
        /* in any order on the command line */
        t_result m = RUN("merge", t_path(names[3]), t_path(names[1]), t_path(names[0]), t_path(names[2]), "--summary",
                         t_path("merged-sum.json"), "--format", "json", "--report", t_path("merged.html"));
        if (m.status != 0)
            fail_msg("merge: %s", m.err);
        assert_string_equal(m.out, whole.out);
        char *a = t_slurp(t_path("whole-sum.json")), *b = t_slurp(t_path("merged-sum.json"));
        assert_string_equal(a, b);
        free(a);
        free(b);
        a = t_slurp(t_path("whole.html"));
        b = t_slurp(t_path("merged.html"));
        assert_string_equal(a, b);
        free(a);
        free(b);
        t_result_free(&m);
        t_result_free(&whole);
    }

    char names[4][64];
    shard_files("csv", 4, "c", names);
    /* a missing shard */
    t_result m = RUN("merge", t_path(names[0]), t_path(names[1]), t_path(names[3]), "--output", t_path("m.csv"));
    assert_int_equal(m.status, 1);
    assert_contains(m.err, "merge is missing shard 3 of 4");
    assert_false(t_exists("m.csv"));
    t_result_free(&m);
    /* one twice */
    m = RUN("merge", t_path(names[0]), t_path(names[1]), t_path(names[1]), t_path(names[3]));
    assert_int_equal(m.status, 1);
    assert_contains(m.err, "shard 2/4 given twice");
    t_result_free(&m);
    /* a shard of another run (another severity: another run id) */
    t_result o = RUN("grid", "--scenarios", t_path("r1k.csv"), "--stream", "csv", "--shard", "3/4", "--output",
                     t_path("other3"), "--recovery-lag", "2");
    assert_int_equal(o.status, 0);
    t_result_free(&o);
    m = RUN("merge", t_path(names[0]), t_path(names[1]), t_path("other3"), t_path(names[3]));
    assert_int_equal(m.status, 1);
    assert_contains(m.err, "shards of different runs");
    t_result_free(&m);
    /* a shard cut short (its job killed): no end line */
    char *s2 = t_slurp(t_path(names[1]));
    char *end = strstr(s2, "# dealc-end");
    *end = '\0';
    t_write("cut2", s2);
    free(s2);
    m = RUN("merge", t_path(names[0]), t_path("cut2"), t_path(names[2]), t_path(names[3]));
    assert_int_equal(m.status, 1);
    assert_contains(m.err, "the shard is incomplete");
    t_result_free(&m);
    /* not a shard at all */
    m = RUN("merge", t_path("r1k.csv"));
    assert_int_equal(m.status, 1);
    assert_contains(m.err, ":1:1: error: not a shard of a grid");
    t_result_free(&m);
    /* a shard spec outside 1..N */
    static const char *const specs[] = {"0/4", "5/4", "2", "a/b", "1/0"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        t_result r = RUN("grid", "--scenarios", t_path("r1k.csv"), "--stream", "csv", "--shard", specs[i]);
        assert_int_equal(r.status, 2);
        assert_contains(r.err, "--shard needs K/N with K from 1 to N");
        t_result_free(&r);
    }
    /* merge given no shards */
    m = RUN("merge");
    assert_int_equal(m.status, 2);
    t_result_free(&m);
}

/* Monte Carlo: a flat 5% forward curve and no volatility make every path
 * the same, 5% continuously compounded: each month's index is
 * (e^(0.05/12) - 1) x 12 = 5.010431149342% (which the adjustable line
 * resets to, so `project` is given the same), a month discounts at
 * e^(-0.05/12), which is the bond-equivalent yield y = 2(e^0.025 - 1) =
 * 5.0630241%; the paths' value of class A is then the price `project
 * --yield 5.0630241` gives (to the 0.0001 both print to, and the yield's
 * eighth decimal), and the OAS of that price is 0. With volatility, path k is the same on every shard and any
 * thread count. */
static void test_monte_carlo(void **state)
{
    (void)state;
    proj_current = PROJ_ARM;
    t_write("flat5.txt", "1 5\n");
    t_result p = RUN("project", "--cpr", "10", "--index", "One-Year CMT=5.010431149342", "--class", "A", "--settle",
                     "2024-01-30", "--yield", "5.0630241", "--format", "csv");
    assert_int_equal(p.status, 0);
    const char *pv = strstr(p.out, "Summary,A,Price,");
    assert_non_null(pv);
    double price = strtod(pv + strlen("Summary,A,Price,"), NULL);
    t_result g = RUN("grid", "--cpr", "10", "--class", "A", "--hull-white", "One-Year CMT=0.1,0", "--rate-curve",
                     t_path("flat5.txt"), "--paths", "3", "--settle", "2024-01-30", "--oas", "0", "--stream", "csv");
    assert_int_equal(g.status, 0);
    const char *last = strrchr(g.out, ',');
    double value = strtod(last + 1, NULL);
    print_message("flat 5%%: paths' value %.4f, priced at the equivalent yield %.6f\n", value, price);
    assert_true(fabs(value - price) <= 0.0002);
    assert_contains(g.out, "\n3,10% CPR / 0% CDR / path 3,A,");
    t_result_free(&g);
    char px[32];
    snprintf(px, sizeof px, "%.4f", price);
    g = RUN("grid", "--cpr", "10", "--class", "A", "--hull-white", "One-Year CMT=0.1,0", "--rate-curve",
            t_path("flat5.txt"), "--paths", "3", "--settle", "2024-01-30", "--price", px, "--stream", "csv",
            "--summary", t_path("oas.csv"), "--format", "csv");
    assert_int_equal(g.status, 0);
    char *sum = t_slurp(t_path("oas.csv"));
    const char *o = strstr(sum, "Option-adjusted spread,A,OAS bp,");
    assert_non_null(o);
    const char *bp = o + strlen("Option-adjusted spread,A,OAS bp,");
    assert_true(*bp != '-' || (bp[1] >= '0' && bp[1] <= '9')); /* solved: a figure, not "-" */
    assert_true(fabs(strtod(bp, NULL)) <= 0.1);
    free(sum);
    t_result_free(&g);
    t_result_free(&p);

    /* volatility: threads and shards do not change a path */
    char curve[700];
    snprintf(curve, sizeof curve, "%s", t_path("flat5.txt")); /* t_path's buffers rotate */
    const char *base[] = {"grid", "--cpr", "8", "--hull-white", "One-Year CMT=0.05,1.2%", "--rate-curve", curve, "--paths", "200", "--seed", "7", "--settle", "2024-01-30", "--price",
                          "99", "--stream", "jsonl", "--summary", NULL};
    char argv1[24][700];
    const char *av[26];
    int n = 0;
    for (; base[n]; n++)
        av[n] = base[n];
    snprintf(argv1[0], sizeof argv1[0], "%s", t_path("mc-sum.txt"));
    av[n++] = argv1[0];
    av[n++] = "--threads";
    av[n++] = "1";
    av[n] = NULL;
    const char *full[28] = {"proj-deal"};
    for (int i = 0; i <= n; i++)
        full[i + 1] = av[i];
    t_result one = t_run(proj_describe, proj_period, full);
    assert_int_equal(one.status, 0);
    full[n] = "2";
    snprintf(argv1[1], sizeof argv1[1], "%s", t_path("mc-sum2.txt"));
    full[n - 2] = argv1[1];
    t_result two = t_run(proj_describe, proj_period, full);
    assert_int_equal(two.status, 0);
    assert_string_equal(one.out, two.out);
    char *s1 = t_slurp(t_path("mc-sum.txt")), *s2 = t_slurp(t_path("mc-sum2.txt"));
    assert_string_equal(s1, s2);
    assert_contains(s1, "Option-adjusted spread");
    assert_contains(s1, "Value at the paths' rates (per 100)");
    free(s1);
    free(s2);
    /* shards 1/3..3/3 merged */
    char names[3][64];
    for (int k = 1; k <= 3; k++) {
        char spec[32];
        snprintf(spec, sizeof spec, "%d/3", k);
        snprintf(names[k - 1], 64, "mc%d", k);
        const char *sh[40] = {"proj-deal"};
        int q = 1;
        for (int i = 0; base[i]; i++)
            sh[q++] = base[i];
        char outp[700];
        snprintf(outp, sizeof outp, "%s", t_path(names[k - 1]));
        sh[q++] = "unused";
        sh[q++] = "--shard";
        sh[q++] = spec;
        sh[q++] = "--output";
        sh[q++] = outp;
        sh[q] = NULL;
        /* a shard does not take --summary: drop it */
        for (int i = 1; i < q; i++)
            if (strcmp(sh[i], "--summary") == 0) {
                memmove(&sh[i], &sh[i + 2], (size_t)(q - i - 1) * sizeof sh[0]);
                q -= 2;
                break;
            }
        t_result r = t_run(proj_describe, proj_period, sh);
        if (r.status != 0)
            fail_msg("shard %d: %s", k, r.err);
        t_result_free(&r);
    }
    char m0[700], m1[700];
    snprintf(m0, sizeof m0, "%s", t_path(names[0]));
    snprintf(m1, sizeof m1, "%s", t_path(names[1]));
    t_result m = RUN("merge", m0, m1, t_path(names[2]), "--summary", t_path("mc-merged.txt"));
    assert_int_equal(m.status, 0);
    assert_string_equal(m.out, one.out);
    s1 = t_slurp(t_path("mc-sum.txt"));
    s2 = t_slurp(t_path("mc-merged.txt"));
    assert_string_equal(s1, s2);
    free(s1);
    free(s2);
    t_result_free(&m);
    t_result_free(&one);
    t_result_free(&two);

    /* a volatility below zero, a missing curve */
    t_result b = RUN("grid", "--cpr", "8", "--hull-white", "One-Year CMT=0.05,-1%", "--rate-curve",
                     t_path("flat5.txt"), "--paths", "10", "--stream", "csv");
    assert_int_equal(b.status, 2);
    assert_contains(b.err, "the volatility is below zero");
    t_result_free(&b);
    b = RUN("grid", "--cpr", "8", "--hull-white", "One-Year CMT=0.05,1%", "--paths", "10", "--stream", "csv");
    assert_int_equal(b.status, 2);
    assert_contains(b.err, "--rate-curve FILE");
    t_result_free(&b);
    proj_current = PROJ_FIXED;
}

/* Paths from a file: one a line; path 2 of 2 drives the index. */
static void test_index_paths_file(void **state)
{
    (void)state;
    proj_current = PROJ_ARM;
    t_write("ip.txt", "4 4.5 5\n7*3 8\n");
    t_result r = RUN("grid", "--cpr", "5", "--index-paths", "One-Year CMT=" , "--stream", "csv");
    assert_int_equal(r.status, 1);
    t_result_free(&r);
    char arg[700];
    snprintf(arg, sizeof arg, "One-Year CMT=%s", t_path("ip.txt"));
    r = RUN("grid", "--cpr", "5", "--index-paths", arg, "--stream", "csv");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\n2,5% CPR / 0% CDR / path 2,B,");
    t_result_free(&r);
    t_write("ip-bad.txt", "4 4.5 5\n7 x\n");
    snprintf(arg, sizeof arg, "One-Year CMT=%s", t_path("ip-bad.txt"));
    r = RUN("grid", "--cpr", "5", "--index-paths", arg, "--stream", "csv");
    assert_int_equal(r.status, 1);
    char want[700];
    snprintf(want, sizeof want, "%s:2:3: error: expected a rate in percent", t_path("ip-bad.txt"));
    assert_contains(r.err, want);
    t_result_free(&r);
    proj_current = PROJ_FIXED;
}

/* Ctrl-C: the run stops; the scenarios finished are in FILE.part, whole,
 * in order from the first; FILE itself is not written; status 130. */
static void test_interrupt(void **state)
{
    (void)state;
    write_rows("r200k.csv", 200000);
    const char *out = t_path("int.csv");
    char part[700];
    snprintf(part, sizeof part, "%s.part", out);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const char *argv[] = {"proj-deal", "grid", "--scenarios", t_path("r200k.csv"), "--stream", "csv",
                              "--output", out, "--threads", "2", NULL};
        char *av[16];
        int n = 0;
        for (; argv[n]; n++)
            av[n] = strdup(argv[n]);
        av[n] = NULL;
        freopen("/dev/null", "w", stderr);
        exit(rt_main(n, av, proj_describe, proj_period));
    }
    /* wait for some scenarios to be written */
    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(part, "r");
        long size = 0;
        if (f) {
            fseek(f, 0, SEEK_END);
            size = ftell(f);
            fclose(f);
        }
        if (size > 100000)
            break;
        usleep(10000);
    }
    kill(pid, SIGINT);
    int st = 0;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 130);
    assert_false(t_exists("int.csv"));
    char *text = t_slurp(part);
    assert_non_null(text);
    int lines = count_lines(text);
    assert_true(lines > 1 && lines < 1 + 400000);
    assert_int_equal((lines - 1) % 2, 0); /* whole scenarios: two classes each */
    /* the last line is scenario (lines - 1) / 2, class B */
    char want[64];
    snprintf(want, sizeof want, "\n%d,s%d,B,", (lines - 1) / 2, (lines - 1) / 2);
    assert_contains(text, want);
    free(text);
    unlink(part);
}

/* On a terminal the progress line is kept on standard error (done/total,
 * the rate, the time left), rewritten in place; not written otherwise
 * (test_ten_thousand checks stderr is empty then). */
static void test_progress_on_a_terminal(void **state)
{
    (void)state;
    write_rows("r3k.csv", 3000);
    int master, slave;
    assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(master);
        dup2(slave, 2);
        const char *argv[] = {"proj-deal", "grid", "--scenarios", t_path("r3k.csv"), "--stream", "csv", "--output",
                              t_path("p.csv"), NULL};
        char *av[12];
        int n = 0;
        for (; argv[n]; n++)
            av[n] = strdup(argv[n]);
        av[n] = NULL;
        exit(rt_main(n, av, proj_describe, proj_period));
    }
    close(slave);
    char buf[65536];
    size_t got = 0;
    for (;;) {
        ssize_t r = read(master, buf + got, sizeof buf - 1 - got);
        if (r <= 0)
            break; /* EIO once the child has closed the terminal */
        got += (size_t)r;
        if (got >= sizeof buf - 1)
            break;
    }
    buf[got] = '\0';
    int st = 0;
    waitpid(pid, &st, 0);
    close(master);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_contains(buf, "\r3000/3000 scenarios, ");
    assert_contains(buf, " a second, 0:00 left");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ten_thousand, setup),
        cmocka_unit_test_setup(test_lists, setup),
        cmocka_unit_test_setup(test_records_and_summary, setup),
        cmocka_unit_test_setup(test_scenarios_file, setup),
        cmocka_unit_test_setup(test_shards_merge, setup),
        cmocka_unit_test_setup(test_monte_carlo, setup),
        cmocka_unit_test_setup(test_index_paths_file, setup),
        cmocka_unit_test_setup(test_interrupt, setup),
        cmocka_unit_test_setup(test_progress_on_a_terminal, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
