/*
 * locale_host.c — a host program that takes its locale from the
 * environment, as most do (setlocale(LC_ALL, "")), then writes through the
 * API every kind of output there is: the statement in three formats, the
 * describe and explain texts, the state, projections and grids as JSON and
 * HTML reports with SVG charts (through dealc_deal_main), and figures as
 * text. tests/locale.sh runs it under C and under de_DE (a comma before
 * the decimals) and compares the files byte for byte.
 * usage: locale_host DEAL.so STATE REMITTANCE OUTDIR
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dealc/dealc.h>

static const char *outdir;

static void put(const char *name, const char *text, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

static void check(dealc_status s, const dealc_error *e)
{
    if (s != DEALC_OK) {
        char t[1600];
        dealc_error_text(e, t, sizeof t);
        fprintf(stderr, "%s\n", t);
        exit(1);
    }
}

static void run_main(const dealc_deal *d, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    if (dealc_deal_main(d, argc, argv) != 0)
        exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 5)
        return 2;
    setlocale(LC_ALL, "");
    outdir = argv[4];
    /* what the host itself would print: proves the locale took hold */
    char probe[64];
    int n = snprintf(probe, sizeof probe, "%.2f\n", 2.5);
    put("host-probe.txt", probe, (size_t)n);

    dealc_error e;
    dealc_deal *d = NULL;
    check(dealc_deal_open(argv[1], &d, &e), &e);
    dealc_replay *r = NULL;
    check(dealc_replay_files(d, argv[2], argv[3], &r, &e), &e);
    static const char *const names[] = {"replay.txt", "replay.csv", "replay.json"};
    for (int f = 0; f < 3; f++) {
        char *text = NULL;
        size_t len = 0;
        check(dealc_replay_render(r, (dealc_format)f, &text, &len, &e), &e);
        put(names[f], text, len);
        dealc_free(text);
    }
    char *text = NULL;
    size_t len = 0;
    check(dealc_state_json(r->closing, &text, &len, &e), &e);
    put("closing.json", text, len);
    dealc_free(text);
    check(dealc_deal_describe_text(d, &text, &len, &e), &e);
    put("describe.txt", text, len);
    dealc_free(text);

    dealc_state *st = NULL;
    dealc_remittance *rm = NULL;
    check(dealc_state_read(d, argv[2], &st, &e), &e);
    check(dealc_remittance_read(d, st, argv[3], &rm, &e), &e);
    dealc_explanation *x = NULL;
    check(dealc_explain(d, st, rm, 1, "Excess Cash", &x, &e), &e);
    put("explain.txt", x->text, strlen(x->text));
    dealc_explanation_free(x);

    /* typed figures, as text */
    dealc_scenario *sc = NULL;
    check(dealc_scenario_new(&sc, &e), &e);
    check(dealc_scenario_set(sc, "cpr", "10,25.5", &e), &e);
    check(dealc_scenario_set(sc, "cdr", "0,2.5", &e), &e);
    check(dealc_scenario_set(sc, "severity", "35.5", &e), &e);
    check(dealc_scenario_set(sc, "index", "One-Month LIBOR=1.10%", &e), &e);
    check(dealc_scenario_set(sc, "input", "Weighted Average Net Loan Rate=7.7745%", &e), &e);
    dealc_grid *g = NULL;
    check(dealc_grid_run(d, st, sc, 2, &g, &e), &e);
    char buf[65536];
    size_t at = 0;
    for (int s = 0; s < g->nscenarios; s++)
        for (int c = 0; c < g->nclasses; c++) {
            dealc_value v = {(int64_t)(g->wal[s * g->nclasses + c] * 1e12), DEALC_UNIT_NUMBER};
            char t[64];
            dealc_value_text(v, t, sizeof t);
            at += (size_t)snprintf(buf + at, sizeof buf - at, "%s / %s: %s\n", g->prepay[s / g->ndefault],
                                   g->dflt[s % g->ndefault], t);
        }
    put("grid-values.txt", buf, at);
    dealc_grid_free(g);
    dealc_scenario_free(sc);
    dealc_remittance_free(rm);
    dealc_state_free(st);
    dealc_replay_free(r);

    /* the deal's own command line: every table, chart and analytic */
    char out1[1024], out2[1024], out3[1024], out4[1024];
    snprintf(out1, sizeof out1, "%s/grid.json", outdir);
    snprintf(out2, sizeof out2, "%s/grid.html", outdir);
    snprintf(out3, sizeof out3, "%s/project.json", outdir);
    snprintf(out4, sizeof out4, "%s/project.html", outdir);
    char *grid[] = {"deal", "grid", "--state", argv[2], "--cpr", "10,25.5", "--cdr", "0,2.5", "--severity", "35.5",
                    "--index", "One-Month LIBOR=1.10%", "--input", "Weighted Average Net Loan Rate=7.7745%",
                    "--format", "json", "--output", out1, "--report", out2, NULL};
    run_main(d, grid);
    char *project[] = {"deal", "project", "--state", argv[2], "--cpr", "25.5", "--cdr", "2.5", "--severity", "35.5",
                       "--index", "One-Month LIBOR=1.10%", "--input", "Weighted Average Net Loan Rate=7.7745%",
                       "--settle", "2004-02-27", "--price", "99.75", "--benchmark", "3.25",
                       "--format", "json", "--output", out3, "--report", out4, NULL};
    run_main(d, project);
    dealc_deal_close(d);
    return 0;
}
