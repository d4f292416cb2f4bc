/*
 * cli.c — rt_main, the deal binary's command line: --help, and the command
 * word dispatched to its command (replay, describe, project, grid, merge,
 * submit, explain). The top of the runtime: nothing else calls it but the
 * generated main and the API's dealc_deal_main.
 */
#include <stdio.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_project.h"

static const char *base_name(const char *p)
{
    if (!p || !*p)
        return "deal";
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void help(const char *prog, FILE *f)
{
    fprintf(f,
            "Usage:\n"
            "  %1$s replay --state OPENING.json REMITTANCE.csv [--format table|csv|json]\n"
            "         [--save-state CLOSING.json] [--output FILE]\n"
            "  %1$s project [--state OPENING.json] [--scenario FILE] [ASSUMPTIONS]\n"
            "         [--class NAME] [--format table|csv|json] [--output FILE] [--report FILE.html]\n"
            "         [--settle DATE (--price P | --yield Y) [--benchmark Y | --curve FILE]]\n"
            "  %1$s grid [--state OPENING.json] [--scenario FILE] [ASSUMPTIONS with lists]\n"
            "         [--scenarios ROWS.csv] [--paths N --hull-white \"NAME=A,SIGMA\" --rate-curve FILE\n"
            "         [--seed S] | --index-paths \"NAME=FILE\"] [--class NAME] [--threads N]\n"
            "         [--stream csv|jsonl [--summary FILE] [--shard K/N] [--settle DATE\n"
            "         (--price P | --yield Y | --oas BP)]] [--plan]\n"
            "         [--format table|csv|json] [--output FILE] [--report FILE.html]\n"
            "  %1$s merge SHARD... [--output FILE] [--summary FILE] [--report FILE.html]\n"
            "         [--format table|csv|json]\n"
            "  %1$s submit --shards N --dir DIR [--partition P] [--time T] [--cpus C]\n"
            "         [--sbatch PROGRAM] [--dry-run] -- GRID-OPTIONS...\n"
            "  %1$s describe\n"
            "  %1$s --help\n"
            "\n"
            "replay    Runs the deal's priority of payments for each payment date in\n"
            "          REMITTANCE.csv, starting from the state in OPENING.json, checks the\n"
            "          cash accounting, and prints the statement to certificateholders.\n"
            "project   Projects the deal forward from its collateral lines under prepayment,\n"
            "          default and loss assumptions, running the priority of payments and\n"
            "          the same checks as replay every period; prints each class's cash\n"
            "          flows, WAL, principal window and (with --settle) price or yield.\n"
            "grid      Projects a set of scenarios on all cores: every combination of lists\n"
            "          of speeds and default rates, the rows of a scenarios file, either\n"
            "          crossed with Monte Carlo index paths; prints the prospectus WAL and\n"
            "          decrement tables (63 scenarios at most), or with --stream a record\n"
            "          per scenario and class as they finish, any number of them.\n"
            "merge     Joins the shards of a streamed grid (grid --shard K/N) into exactly\n"
            "          what the whole grid writes on one machine.\n"
            "submit    Runs a streamed grid's shards and their merge as Slurm jobs.\n"
            "describe  Prints the deal: name, dates, groups, classes, the remittance\n"
            "          CSV columns it reads (with units), definitions, statement lines,\n"
            "          funds and clauses.\n"
            "\n"
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
            "\n"
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
            "\n"
            "ASSUMPTIONS (percents: 6 and 6%% are the same):\n"
            "  --cpr X | --smm X | --psa X | --hep START,END,MONTHS | --prepay-vector FILE\n"
            "  --cdr X | --sda X | --default-vector FILE   --severity X   --recovery-lag N\n"
            "  --advancing on|off   --index \"NAME=RATE\"   --index-vector \"NAME=FILE\"\n"
            "  --input \"NAME=VALUE\"   --periods N   --to-call | --to-maturity\n"
            "  --tape FILE: a loan tape (CSV, one loan a row) instead of the declared lines\n"
            "  grid takes lists: --cpr 0,10,20 --cdr 0,2,4 (--hep items separated by ';').\n"
            "  A --scenario file holds the same as KEY = VALUE lines (cpr = 6); flags win.\n"
            "  docs/projection.md has the conventions and file formats.\n"
            "\n"
            "Nothing is written unless the whole run succeeds.\n"
            "Exit status: 0 success, 1 bad data or a failed check, 2 bad usage.\n",
            prog);
}

int rt_main(int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    const char *prog = base_name(argc > 0 ? argv[0] : NULL);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(prog, stdout);
            return fflush(stdout) == 0 ? 0 : 1;
        }
    }
    if (argc < 2)
        return rt_usage_error(prog, "%s", "missing command (replay, project, grid or describe)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "describe") == 0) {
        return rt_describe_main(prog, argc - 1, argv + 1, describe);
    }
    if (strcmp(cmd, "project") == 0)
        return rt_project_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "grid") == 0)
        return rt_grid_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "merge") == 0)
        return rt_merge_main(prog, argc - 1, argv + 1, describe);
    if (strcmp(cmd, "submit") == 0)
        return rt_submit_main(prog, argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0)
        return rt_explain_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "replay") == 0)
        return rt_replay_main(prog, argc - 1, argv + 1, describe, period);
    if (cmd[0] == '-')
        return rt_usage_error(prog, "unknown option \"%s\"", cmd);
    return rt_usage_error(prog, "unknown command \"%s\" (use replay, project, grid, explain or describe)", cmd);
}
