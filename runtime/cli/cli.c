/*
 * cli.c — rt_main, the deal binary's command line: --help (the whole help,
 * or a command's own), --version, and the command word dispatched to its
 * command (replay, describe, project, grid, breakeven, merge, submit,
 * explain). The top of the runtime: nothing else calls it but the generated
 * main and the API's dealc_deal_main.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "rt_project.h"

static const char *base_name(const char *p)
{
    if (!p || !*p)
        return "deal";
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* ---- help: each command's usage, description and option sections; the
 * whole help is all of them, a command's --help its own ---- */

static const char usage_head[] = "Usage:\n";
static const char sec_replay_opts[] =
    "Options for replay:\n"
    "  --state FILE       opening state (required), JSON:\n"
    "                       {\"deal\": NAME, \"payment_date\": \"YYYY-MM-DD\",\n"
    "                        \"distribution_number\": N,\n"
    "                        \"groups\": [{\"group\": G, \"pool_balance\": X,\n"
    "                                    \"cumulative_loss\": X}, ...],\n"
    "                        \"classes\": [{\"class\": C, \"balance\": X}, ...]}\n"
    "                     payment_date is the last distribution made (the closing\n"
    "                     date when distribution_number is 0); amounts are JSON\n"
    "                     numbers or strings such as \"406,855,924.22\"; a notional\n"
    "                     class's balance is its notional amount.\n"
    "  --format FORMAT    table (default; like a trustee's statement), csv (long\n"
    "                     format: payment_date,section,name,field,value) or json.\n"
    "  --save-state FILE  write the closing state after the last payment date, in\n"
    "                     the --state format, to open the next replay.\n"
    "  --output FILE      write the statement to FILE instead of standard output.\n"
    "\n";
static const char sec_explain_opts[] =
    "Options for explain:\n"
    "  --state FILE       opening state (required), as for replay.\n"
    "  --period N         the payment date: 1 for the remittance's first.\n"
    "  NAME               a definition, trigger or date as the agreement names it,\n"
    "                     or a clause label such as 4.02(d)(xiii).\n"
    "\n";
static const char sec_remittance[] =
    "REMITTANCE.csv: a header row, then one row per payment date and group, in\n"
    "any order. Columns (names are matched ignoring case, and spaces, '-' and '_'\n"
    "are the same): payment_date (YYYY-MM-DD), group, principal_collections,\n"
    "interest_collections, principal_draws, liquidation_loss, recoveries,\n"
    "substitution_adjustment (amounts such as 1234.56 or \"1,234.56\"; the last\n"
    "four may be empty for 0), active_loan_count (whole number), and one column\n"
    "per deal input (see describe): rates need a %% sign (1.10%%). A deal-level\n"
    "input needs a value in at least one row of its date, and rows of the same\n"
    "date must agree. The dates must be the payment dates that follow the\n"
    "opening state, without gaps.\n"
    "\n";
static const char sec_assumptions[] =
    "ASSUMPTIONS (percents: 6 and 6%% are the same):\n"
    "  --cpr X | --smm X | --psa X | --hep START,END,MONTHS | --prepay-vector FILE\n"
    "  --cdr X | --sda X | --default-vector FILE   --severity X   --recovery-lag N\n"
    "  --advancing on|off   --index \"NAME=RATE\"   --index-vector \"NAME=FILE\"\n"
    "  --input \"NAME=VALUE\"   --periods N   --to-call | --to-maturity\n"
    "  --draw-rate X | --draw-vector FILE: annual draws on revolving lines, a\n"
    "  percent of each line's undrawn credit limit (none without them)\n"
    "  --tape FILE: a loan tape (CSV, one loan a row) instead of the declared lines\n"
    "  grid takes lists: --cpr 0,10,20 --cdr 0,2,4 (--hep items separated by ';').\n"
    "  A --scenario file holds the same as KEY = VALUE lines (cpr = 6); flags win.\n"
    "  docs/projection.md has the conventions and file formats.\n"
    "\n";
static const char sec_footer[] =
    "Options are --name VALUE or --name=VALUE, spelled in full; '--' ends them.\n"
    "Nothing is written unless the whole run succeeds.\n"
    "Exit status: 0 success, 1 bad data or a failed check, 2 bad usage.\n";

typedef struct rt_command_help {
    const char *name, *usage, *desc;
    const char *sections[3];
} rt_command_help;

static const rt_command_help helps[] = {
    {"replay",
     "  %1$s replay --state OPENING.json REMITTANCE.csv [--format table|csv|json]\n"
     "         [--save-state CLOSING.json] [--output FILE]\n",
     "replay    Runs the deal's priority of payments for each payment date in\n"
     "          REMITTANCE.csv, starting from the state in OPENING.json, checks the\n"
     "          cash accounting, and prints the statement to certificateholders.\n",
     {sec_replay_opts, sec_remittance, NULL}},
    {"project",
     "  %1$s project [--state OPENING.json] [--scenario FILE] [ASSUMPTIONS]\n"
     "         [--class NAME] [--format table|csv|json] [--output FILE] [--report FILE.html]\n"
     "         [--settle DATE (--price P | --yield Y) [--benchmark Y | --curve FILE]]\n",
     "project   Projects the deal forward from its collateral lines under prepayment,\n"
     "          default and loss assumptions, running the priority of payments and\n"
     "          the same checks as replay every period; prints each class's cash\n"
     "          flows, WAL, principal window and (with --settle) price or yield.\n",
     {sec_assumptions, NULL, NULL}},
    {"grid",
     "  %1$s grid [--state OPENING.json] [--scenario FILE] [ASSUMPTIONS with lists]\n"
     "         [--scenarios ROWS.csv] [--paths N --hull-white \"NAME=A,SIGMA\" --rate-curve FILE\n"
     "         [--seed S] | --index-paths \"NAME=FILE\"] [--class NAME] [--threads N]\n"
     "         [--stream csv|jsonl [--summary FILE] [--shard K/N] [--settle DATE\n"
     "         (--price P | --yield Y | --oas BP)]] [--plan]\n"
     "         [--format table|csv|json] [--output FILE] [--report FILE.html]\n",
     "grid      Projects a set of scenarios on all cores: every combination of lists\n"
     "          of speeds and default rates, the rows of a scenarios file, either\n"
     "          crossed with Monte Carlo index paths; prints the prospectus WAL and\n"
     "          decrement tables (63 scenarios at most), or with --stream a record\n"
     "          per scenario and class as they finish, any number of them.\n",
     {sec_assumptions, NULL, NULL}},
    {"breakeven",
     "  %1$s breakeven --class NAME [--state OPENING.json] [--scenario FILE]\n"
     "         [ASSUMPTIONS but the default rate] [--format table|csv|json] [--output FILE]\n",
     "breakeven Finds, by bisection to 0.01%% CDR, the lowest constant default rate at\n"
     "          which the class loses its first dollar of principal and the lowest at\n"
     "          which it is written down in full.\n",
     {sec_assumptions, NULL, NULL}},
    {"merge",
     "  %1$s merge SHARD... [--output FILE] [--summary FILE] [--report FILE.html]\n"
     "         [--format table|csv|json]\n",
     "merge     Joins the shards of a streamed grid (grid --shard K/N) into exactly\n"
     "          what the whole grid writes on one machine.\n",
     {NULL, NULL, NULL}},
    {"submit",
     "  %1$s submit --shards N --dir DIR [--partition P] [--time T] [--cpus C]\n"
     "         [--sbatch PROGRAM] [--dry-run] -- GRID-OPTIONS...\n",
     "submit    Runs a streamed grid's shards and their merge as Slurm jobs.\n",
     {NULL, NULL, NULL}},
    {"explain",
     "  %1$s explain --state OPENING.json REMITTANCE.csv --period N NAME\n",
     "explain   Replays REMITTANCE.csv to its Nth payment date and takes a\n"
     "          definition or clause apart: its formula, the agreement's words, the\n"
     "          amendment it comes from, and the value of every figure it uses.\n",
     {sec_explain_opts, sec_remittance, NULL}},
    {"describe", "  %1$s describe\n",
     "describe  Prints the deal: name, dates, groups, classes, the remittance\n"
     "          CSV columns it reads (with units), definitions, statement lines,\n"
     "          funds and clauses.\n",
     {NULL, NULL, NULL}},
};
#define NHELPS (int)(sizeof helps / sizeof helps[0])

/* cmd NULL: the whole help */
static void help(const char *prog, const char *cmd, FILE *f)
{
    fputs(usage_head, f);
    for (int i = 0; i < NHELPS; i++)
        if (!cmd || strcmp(cmd, helps[i].name) == 0)
            fprintf(f, helps[i].usage, prog);
    if (!cmd)
        fprintf(f, "  %1$s --version\n  %1$s --help | COMMAND --help\n", prog);
    fputc('\n', f);
    for (int i = 0; i < NHELPS; i++)
        if (!cmd || strcmp(cmd, helps[i].name) == 0)
            fputs(helps[i].desc, f);
    if (!cmd)
        fputs("--version prints the dealc version that built this program and the hash of\n"
              "          the agreement and amendment files it was built from.\n",
              f);
    fputc('\n', f);
    const char *done[8];
    int ndone = 0;
    for (int i = 0; i < NHELPS; i++) {
        if (cmd && strcmp(cmd, helps[i].name) != 0)
            continue;
        for (int k = 0; k < 3 && helps[i].sections[k]; k++) {
            int seen = 0;
            for (int j = 0; j < ndone; j++)
                seen |= done[j] == helps[i].sections[k];
            if (seen || ndone == 8)
                continue;
            done[ndone++] = helps[i].sections[k];
            fprintf(f, helps[i].sections[k], prog);
        }
    }
    fputs(sec_footer, f);
}

/* BIN --version: the dealc that built the program and its sources' hash */
static int cmd_version(const char *prog, rt_describe_fn describe, rt_period_fn period)
{
    dealc_deal *d = rt_cmd_deal(describe, period);
    if (!d)
        return 1;
    const rt_deal *r = d->rt;
    printf("%s: %s\n", prog, r->name);
    if (r->built_by && r->sources_hash)
        printf("built by dealc %s from %s and its amendments, sources hash %s (FNV-1a 64)\n", r->built_by,
               r->source ? r->source : "?", r->sources_hash);
    else
        printf("built by a dealc that did not record its version or sources\n");
    printf("runtime: dealc %s, API %d.%d\n", dealc_version(), dealc_api_version() / 1000, dealc_api_version() % 1000);
    dealc_deal_close(d);
    return fflush(stdout) == 0 ? 0 : 1;
}

int rt_main(int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    const char *prog = base_name(argc > 0 ? argv[0] : NULL);
    /* --help anywhere before "--": the command's help, or the whole one */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            const char *cmd = NULL;
            for (int k = 0; i > 1 && k < NHELPS; k++)
                if (strcmp(argv[1], helps[k].name) == 0)
                    cmd = helps[k].name;
            help(prog, cmd, stdout);
            return fflush(stdout) == 0 ? 0 : 1;
        }
    }
    if (argc < 2)
        return rt_usage_error(prog, "%s", "missing command (replay, project, grid, explain or describe)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        if (argc > 2)
            return rt_usage_error(prog, "--version takes no arguments, found \"%s\"", argv[2]);
        return cmd_version(prog, describe, period);
    }
    if (strcmp(cmd, "replay") == 0)
        return rt_replay_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "describe") == 0)
        return rt_describe_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "project") == 0)
        return rt_project_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "grid") == 0)
        return rt_grid_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "breakeven") == 0)
        return rt_breakeven_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "merge") == 0)
        return rt_merge_main(prog, argc - 1, argv + 1, describe);
    if (strcmp(cmd, "submit") == 0)
        return rt_submit_main(prog, argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0)
        return rt_explain_main(prog, argc - 1, argv + 1, describe, period);
    if (cmd[0] == '-')
        return rt_usage_error(prog, "unknown option \"%s\"", cmd);
    return rt_usage_error(prog, "unknown command \"%s\" (use replay, project, grid, explain or describe)", cmd);
}
