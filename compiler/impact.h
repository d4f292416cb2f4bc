/*
 * impact.h — what a new version of an agreement does in cash (diff
 * --impact): both versions' figures for one scenario, compared class by
 * class and party by party.
 *
 * In:  each version's figures as its deal binary prints them with
 *      --format csv: a replay's statements (class principal and interest,
 *      what each party and the residual holder was paid) or a projection's
 *      tables (class principal, interest, balance and WAL). How they are
 *      obtained is the caller's: today the driver builds both binaries and
 *      runs them (main.c); an in-process API can replace that without
 *      touching this module.
 * Out: an impact_report: every class and party paid differently, every
 *      period in which it differs, its total before and after, its WAL, and,
 *      for a class not repaid by the end of the scenario, why. Rendered as
 *      text (each payee summarised), JSON (complete) or HTML (tables).
 * Ownership: the report owns its arrays; impact_free releases them.
 */
#ifndef DEALC_IMPACT_H
#define DEALC_IMPACT_H

#include <stdio.h>
#include "ast.h"

typedef struct impact_period {
    char period[32];            /* the payment date (replay) or period number (projection) */
    char date[16];              /* its payment date */
    long long prin[2], intr[2]; /* cents, old and new; a party's payment is in prin */
} impact_period;

typedef struct impact_payee {
    char name[128];
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

/* Compares the two versions' csv; d (the new version) says which parties
 * are the residual holder. 0 when the figures cannot be read. */
int impact_compare(impact_report *r, const char *old_csv, const char *new_csv, const ast_deal *d);
void impact_free(impact_report *r);

/* notes: diff_effect_notes (may be ""); args: the deal binary's arguments */
void impact_text(FILE *out, const impact_report *r, const char *notes);
void impact_json(FILE *out, const impact_report *r, char **args, int nargs, const char *notes);
/* a section of an HTML page (html_begin/html_end are the caller's) */
void impact_html(FILE *out, const impact_report *r, char **args, int nargs, const char *notes);

#endif
