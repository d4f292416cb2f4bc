/*
 * doc.h — an agreement as a self-contained HTML page (dealc doc).
 *
 * In:  a parsed (and, for amendments, consolidated) deal.
 * Out: one HTML page, no scripts and nothing fetched: the header, the
 *      classes, every defined term with its formula and the agreement's own
 *      words beside it, each priority of payments clause by clause, and the
 *      statement. Every defined term used in a formula links to its
 *      definition; every clause has an anchor named by its section label.
 * Ownership: writes to the FILE; its scratch is freed before it returns.
 */
#ifndef DEALC_DOC_H
#define DEALC_DOC_H

#include <stdio.h>
#include "ast.h"

void doc_deal(FILE *out, const ast_deal *d);

#endif
