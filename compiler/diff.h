/*
 * diff.h — structural differences between two versions of an agreement.
 *
 * In:  two parsed deals (the old and the new; for an amendment, the
 *      agreement and the agreement consolidated as of the amendment's
 *      effective date).
 * Out: the definitions, inputs, funds, schedules, classes, collateral
 *      lines, clauses and statement lines added, removed, changed or moved,
 *      matched by name and section label, compared as canonical text (so
 *      layout and comments never count). A clause whose text reappears
 *      under another label is a move, not a removal and an addition. Within
 *      a change, the changed words (a quoted name is one word). Under each
 *      change, what depends on it: the definitions, coupons, funds, clauses
 *      and statement lines that use it, directly or through others.
 *      Formats: text (with colour when asked), a self-contained HTML
 *      redline page, JSON for tools.
 * Ownership: allocates and frees its own scratch; writes to the FILE.
 */
#ifndef DEALC_DIFF_H
#define DEALC_DIFF_H

#include <stdio.h>
#include "ast.h"

typedef enum diff_format { DIFF_TEXT, DIFF_HTML, DIFF_JSON } diff_format;

/* returns the number of changes */
int diff_deals(FILE *out, const ast_deal *old, const ast_deal *new_, diff_format format, int color,
               const char *old_name, const char *new_name);

#endif
