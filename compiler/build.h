/*
 * build.h — the AST builder: the calls grammar actions make, one per rule.
 *
 * In:  parsed pieces with their locations.
 * Out: nodes added to B->deal (see ast.h). Checks that need only the syntax
 *      (an item given twice, a whole number where one is required) are made
 *      here; everything that needs names or units is sema's.
 * Ownership: all nodes in B->arena.
 */
#ifndef DEALC_BUILD_H
#define DEALC_BUILD_H

#include "ast.h"

void build_deal_begin(ast_builder *B, src_loc loc, const char *name, src_loc nloc);
void build_deal_end(ast_builder *B, src_loc loc);
void build_closing(ast_builder *B, src_loc loc, int days);
void build_first_payment(ast_builder *B, src_loc loc, int days);
void build_payment_day(ast_builder *B, src_loc loc, rt_dec day, int bdc);
void build_decl(ast_builder *B, ast_decl_kind kind, src_loc loc, const char *name, src_loc nloc,
                int unit, ast_expr *expr, const char *text);
void build_schedule(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ptrvec entries);
void build_waterfall_begin(ast_builder *B, src_loc loc, const char *section, src_loc sloc,
                           const char *fund, src_loc floc, ast_expr *guard);
void build_statement_begin(ast_builder *B, src_loc loc);

ast_class *build_class_new(ast_builder *B);
ast_class *build_class_original(ast_builder *B, ast_class *c, src_loc loc, rt_dec v);
ast_class *build_class_coupon(ast_builder *B, ast_class *c, src_loc loc, ast_expr *e);
ast_class *build_class_accrual(ast_builder *B, ast_class *c, src_loc loc, int dc);
ast_class *build_class_delay(ast_builder *B, ast_class *c, src_loc loc, rt_dec days);
ast_class *build_class_notional(ast_builder *B, ast_class *c, src_loc loc, const char *sched);
ast_class *build_class_text(ast_builder *B, ast_class *c, const char *text);
ast_class *build_class_maximum(ast_builder *B, ast_class *c, src_loc loc, rt_dec v);
ast_class *build_class_cap(ast_builder *B, ast_class *c, src_loc loc, ast_expr *e);
void build_class(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ast_class *c);

ptrvec build_push(ast_builder *B, ptrvec v, void *item);

ast_sched_entry *build_sched_entry(ast_builder *B, src_loc loc, rt_dec from, src_loc floc,
                                   rt_dec to, src_loc tloc, ast_expr *value);
ast_sched_entry *build_sched_thereafter(ast_builder *B, src_loc loc, ast_expr *value);

/* payees: one party, fund or account; upto: an account's target, or NULL */
ast_clause *build_pay_party(ast_builder *B, src_loc loc, ast_expr *amount, ptrvec payees, src_loc ploc,
                            ast_expr *upto);
/* kind: CL_PAY_INTEREST, CL_PAY_UNPAID, CL_PAY_LOSSES or CL_PAY_BASIS */
ast_clause *build_pay_claims(ast_builder *B, src_loc loc, int kind, ptrvec payees, src_loc ploc,
                             int order, src_loc oloc);
ast_clause *build_reimburse(ast_builder *B, src_loc loc, ptrvec payees, src_loc ploc);
ast_clause *build_draw(ast_builder *B, src_loc loc, ast_expr *amount, const char *source, src_loc sloc);
ast_clause *build_purchase(ast_builder *B, src_loc loc, const char *group, src_loc gloc, ast_expr *upto);
ast_clause *build_pay_principal(ast_builder *B, src_loc loc, ast_expr *amount, ptrvec payees,
                                src_loc ploc, int order, src_loc oloc);
ast_clause *build_clause(ast_builder *B, src_loc loc, const char *label, src_loc lloc,
                         ast_clause *body, const char *text);
void build_clause_add(ast_builder *B, ast_clause *c);

void build_line(ast_builder *B, src_loc loc, const char *label, ast_expr *e);

/* account "NAME" [initial $X] [interest EXPR] */
ast_decl *build_account_new(ast_builder *B);
ast_decl *build_account_initial(ast_builder *B, ast_decl *x, src_loc loc, rt_dec v);
ast_decl *build_account_interest(ast_builder *B, ast_decl *x, src_loc loc, ast_expr *e);
void build_account(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ast_decl *x, const char *text);
void build_trigger(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ast_expr *cond, int sticky,
                   const char *text);
void build_alloc_begin(ast_builder *B, src_loc loc, const char *section, src_loc sloc, ast_expr *against);
void build_alloc_step(ast_builder *B, src_loc loc, const char *label, src_loc lloc, ptrvec payees, src_loc ploc,
                      int order, src_loc oloc, const char *text);
void build_retired(ast_builder *B, src_loc loc, rt_dec pct, src_loc ploc);

/* `reconstructed ["why"]` after a provision's words: marks the item being
 * built (the next build_decl, build_clause or build_section takes it);
 * returns the words */
const char *build_reconstructed(ast_builder *B, src_loc loc, const char *text, const char *reason);
ast_class *build_class_reconstructed(ast_builder *B, ast_class *c, src_loc loc, const char *reason);
/* section "LABEL" text "WORDS": a provision that moves no cash */
void build_section(ast_builder *B, src_loc loc, const char *label, src_loc lloc, const char *text);
/* replace text of section (AM_REPLACE_SECTION), insert section
 * (AM_INSERT_SECTION, its words) or delete section (AM_DELETE_SECTION, text NULL) */
void build_amend_section(ast_builder *B, src_loc loc, ast_amend_kind kind, const char *label, src_loc lloc,
                         const char *text);

void build_amendment_begin(ast_builder *B, src_loc loc, const char *title, src_loc tloc,
                           const char *agreement, src_loc aloc, int dated, int effective, src_loc eloc,
                           const char *under);
void build_amendment_end(ast_builder *B, src_loc loc);
/* replace definition (AM_REPLACE_DEFINE) or insert definition (AM_INSERT_DEFINE) "NAME" = EXPR [text "..."] */
void build_amend_define(ast_builder *B, src_loc loc, ast_amend_kind kind, const char *name, src_loc nloc, ast_expr *e,
                        const char *text);
void build_amend_clause(ast_builder *B, src_loc loc, ast_amend_kind kind, const char *target, src_loc tloc,
                        const char *label, src_loc lloc, ast_clause *c);

/* after each item: gives the item just recorded its whole span */
void build_item_end(ast_builder *B, src_loc loc);
void build_class_block(ast_builder *B, src_loc loc, ast_item_kind kind);
void build_cutoff(ast_builder *B, src_loc loc, int days);
void build_cleanup(ast_builder *B, src_loc loc, rt_dec fraction);
void build_collateral(ast_builder *B, src_loc loc, const char *group, src_loc gloc, ptrvec lines);
ast_cline *build_cline_new(ast_builder *B);
/* field: RT_L_* or CL_FEE */
ast_cline *build_cline_set(ast_builder *B, ast_cline *l, int field, src_loc loc, rt_dec v);
ast_cline *build_cline_index(ast_builder *B, ast_cline *l, src_loc loc, const char *input);
ast_cline *build_cline(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ast_cline *l);

/* a syntax error: unexpected token name (NULL when none) and all the
 * expected token names as bison spells them */
void build_syntax_error(ast_builder *B, src_loc loc, const char *unexpected,
                        const char *const *expected, int n);

#endif
