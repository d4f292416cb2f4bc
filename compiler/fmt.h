/*
 * fmt.h — the canonical layout of a deal (dealc fmt; the printer behind
 * consolidate and diff).
 *
 * In:  a parsed ast_deal (sema not needed: a deal with semantic errors can
 *      still be formatted), its source file and the comments the lexer kept.
 * Out: the deal as canonical source text: one item per line, four-space
 *      indentation, a blank line around blocks, clause labels aligned,
 *      expressions with only the parentheses precedence needs, literals in
 *      one spelling. Every comment survives, before the item or child it was
 *      in or beside (a comment at the end of a line stays there), and every
 *      `text` is kept. Formatting the output again changes nothing.
 * Ownership: writes to the FILE; allocates nothing it keeps.
 */
#ifndef DEALC_FMT_H
#define DEALC_FMT_H

#include <stdio.h>
#include "ast.h"

void fmt_deal(FILE *out, const ast_deal *d, const src_file *f, const ptrvec *comments);
/* an amendment file, in the same style: header, then one operation per
 * paragraph */
void fmt_amendment(FILE *out, const ast_amendment *a, const src_file *f, const ptrvec *comments);
/* one expression, canonically (for diff and explain) */
void fmt_expr(FILE *out, const ast_expr *e);
/* one declaration, class, collateral line, clause (label included) or
 * statement line as canonical text on one line, malloc'd (for diff) */
char *fmt_decl_text(const ast_decl *x);
char *fmt_class_text(const ast_class *c);
char *fmt_cline_text(const ast_cline *l);
char *fmt_clause_text(const ast_clause *c);
char *fmt_line_text(const ast_line *l);
char *fmt_expr_text(const ast_expr *e);
char *fmt_alloc_text(const ast_alloc *a);

#endif
