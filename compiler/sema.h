/*
 * sema.h — name resolution and checks.
 *
 * In:  an ast_deal from the parser (syntax already checked).
 * Out: the same tree annotated (units, resolved indexes, the phase of every
 *      expression) plus a sema_deal holding the runtime tables in the order
 *      dealc_describe registers them. Checks: unknown names (with the
 *      nearest known name), duplicates, cycles between definitions (the
 *      cycle printed), unit errors, clauses naming funds/classes/parties that
 *      do not exist, figures used before the priority of payments has made
 *      them, and the deal header's required items.
 * Ownership: everything in the compilation arena.
 * Errors: to the diag_ctx; sema_check returns 0 when any error was reported.
 */
#ifndef DEALC_SEMA_H
#define DEALC_SEMA_H

#include "ast.h"

#define UNIT_ERR (-1)   /* an expression whose unit could not be known */

typedef struct sema_deal {
    ast_deal *ast;
    ptrvec groups;      /* ast_decl*, index = runtime group index */
    ptrvec inputs;      /* ast_decl*, runtime input index         */
    ptrvec parties;     /* ast_decl* (DK_PARTY and DK_RESIDUAL)    */
    ptrvec defines;     /* ast_decl*, runtime definition index     */
    ptrvec funds;       /* ast_decl*: funds and accounts, one table */
    ptrvec schedules;   /* ast_decl*                               */
    ptrvec classes;     /* ast_class*                              */
    ptrvec clauses;     /* ast_clause*, in execution order          */
    ptrvec clause_wf;   /* ast_waterfall* of each clause            */
    ptrvec memory;      /* ast_decl*: triggers and dates            */
    ptrvec allocs;      /* ast_alloc*                               */
} sema_deal;

int  sema_check(ast_deal *d, diag_ctx *diag, arena *a, sema_deal *out);
const char *sema_unit_name(int unit);

#endif
