/*
 * amend.h — applying amendments to an agreement.
 *
 * In:  a parsed agreement and its parsed amendments (their own files).
 * Out: the agreement's tree with the amendments in it, before sema checks
 *      it (so a replacement is checked in the amended agreement):
 *      - as_of < 0: time-versioned: a replaced definition becomes "if the
 *        payment date is on or after the effective date then the new
 *        formula else the old"; a replaced, inserted or deleted clause is
 *        in force only on payment dates in its window [from, to);
 *      - as_of >= 0 (a day number): consolidated as of that date: the
 *        amendments in effect by then are applied in place, the later ones
 *        ignored.
 *      Checks: the amendment names this agreement; each target exists (with
 *      the nearest name when it does not); one thing is not changed twice
 *      with the same effective date.
 * Ownership: new nodes in the builder's arena.
 * Errors: to the diag_ctx; returns 0 when any was reported.
 */
#ifndef DEALC_AMEND_H
#define DEALC_AMEND_H

#include "ast.h"

int amend_apply(ast_builder *B, ast_deal *d, ast_amendment *const *ams, int n, int as_of);

#endif
