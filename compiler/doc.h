/*
 * doc.h — an agreement as a self-contained HTML page (dealc doc).
 *
 * In:  a parsed and checked deal (for amendments, consolidated as of a date),
 *      and what it was consolidated from.
 * Out: one HTML page, no scripts and nothing fetched: the header (and, when
 *      amended, as of when and by which amendments), the parties and
 *      classes, every defined term in Article I's alphabetical order with
 *      the agreement's words once and its formula beneath them, each
 *      section's clauses together in label order (the trustee's running
 *      order noted where two sections interleave), the provisions that move
 *      no cash, and the statement. Every defined term, class, group, party,
 *      fund and clause named in a formula is a link, and so is every defined
 *      term and section the agreement's words name; anchors are stable slugs
 *      (html.h): #def-excess-cash-flow, #sec-4-02-c-xii. Amended and
 *      reconstructed provisions are marked, with the amendment and its
 *      effective date, or the reason.
 * Ownership: writes to the FILE; its scratch is freed before it returns.
 */
#ifndef DEALC_DOC_H
#define DEALC_DOC_H

#include <stdio.h>
#include "ast.h"

typedef struct doc_options {
    int as_of;                              /* day number, or -1: the agreement as written */
    const ast_amendment *const *amendments; /* those given (applied if in effect by as_of) */
    int namendments;
    const char *notes;                      /* lines to show under the header (may be NULL) */
} doc_options;

void doc_deal(FILE *out, const ast_deal *d, const doc_options *o);

#endif
