/*
 * impact.h — what a new version of an agreement does in cash (diff
 * --impact): both versions' figures for one scenario, compared class by
 * class and party by party.
 *
 * In:  each version's results from the public API (dealc/dealc.h), exact
 *      cents: a replay's statements (every class's principal, interest and
 *      balance, what every party and the residual holder was paid) or a
 *      projection's periods (the same, with each class's WAL and the pools'
 *      balance). The driver (main.c) compiles both
 *      versions in process (dealc_compile) and runs them on one scenario;
 *      nothing is printed and parsed back.
 * Out: an impact_report: every class and party paid differently, every
 *      period in which it differs, its total before and after, its WAL, and,
 *      for a class not repaid by the end of the scenario, why. Rendered as
 *      text (each payee summarised), JSON (complete) or HTML (tables).
 * Ownership: the report owns its arrays; impact_free releases them.
 */
#ifndef DEALC_IMPACT_H
#define DEALC_IMPACT_H

#include <stdio.h>
#include <dealc/dealc.h>

typedef struct impact_period {
    char period[32];            /* the payment date (replay) or period number (projection) */
    char date[16];              /* its payment date */
    long long prin[2], intr[2]; /* cents, old and new; a party's payment is in prin; a class's
                                   losses paid back are in prin, basis risk paid in intr */
} impact_period;

typedef struct impact_payee {
    char *name;
    const char *kind;           /* "class", "party" or "residual" */
    long long total[2];         /* cents, old and new, over the whole scenario */
    impact_period *periods;     /* the periods that differ, in order */
    int nperiods;
    char wal[2][32];            /* projections: years, or "-" */
    char not_repaid[2][200];    /* why a class is not repaid by the end ("" when it is, or unknown) */
} impact_payee;

typedef struct impact_report {
    int projection;             /* a projection (else a replay) */
    int nperiods;               /* periods compared */
    impact_payee *v;            /* classes first, then parties; only those paid differently */
    int n;
} impact_report;

/* Compares two versions' results on the same inputs: each version's
 * description names its classes and parties (the residual holder by its
 * role). 0 when out of memory. */
int impact_compare_replays(impact_report *r, const dealc_description *old_d, const dealc_replay *old_r,
                           const dealc_description *new_d, const dealc_replay *new_r);
int impact_compare_projections(impact_report *r, const dealc_description *old_d, const dealc_projection *old_p,
                               const dealc_description *new_d, const dealc_projection *new_p);
void impact_free(impact_report *r);

/* notes: diff_effect_notes (may be ""); args: the deal binary's arguments */
void impact_text(FILE *out, const impact_report *r, const char *notes);
void impact_json(FILE *out, const impact_report *r, char **args, int nargs, const char *notes);
/* a section of an HTML page (html_begin/html_end are the caller's) */
void impact_html(FILE *out, const impact_report *r, char **args, int nargs, const char *notes);

#endif
