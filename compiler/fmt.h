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
/* the same, for a deal consolidated as of a date: before each provision an
 * amendment replaced, a comment "// as amended by "TITLE", effective DATE"
 * in place of the comments that described the words replaced (those
 * directly above it, inside it and at the end of its line) */
void fmt_deal_consolidated(FILE *out, const ast_deal *d, const src_file *f, const ptrvec *comments);
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
char *fmt_section_text(const ast_section *s);

/* Where the names in a printed line stand, so a page can link them: the
 * byte span of each quoted name (quotes included) and what it names. */
typedef enum fmt_ref_kind { FR_TERM, FR_CLASS, FR_GROUP, FR_PARTY, FR_CLAUSE } fmt_ref_kind;
typedef struct fmt_ref { int start, end; fmt_ref_kind kind; const char *name; } fmt_ref;
typedef struct fmt_refs { fmt_ref *v; int n, cap; } fmt_refs;
void fmt_refs_free(fmt_refs *r);
/* One line of canonical text, malloc'd, without the agreement's words;
 * refs (may be NULL) receive the names in it. The formula of a provision
 * as diff and doc show it beneath its words. */
char *fmt_expr_line(const ast_expr *e, fmt_refs *refs);
char *fmt_pay_line(const ast_clause *c, fmt_refs *refs);    /* "pay ... to ..." */
char *fmt_class_line(const ast_class *c, fmt_refs *refs);   /* "original ... coupon ... accrual ..." */
/* a definition's or fund's formula, an input's unit, a schedule's entries */
char *fmt_decl_line(const ast_decl *x, fmt_refs *refs);

/* Section labels in the agreement's order: 4.02(c)(ix) before 4.02(c)(x),
 * 4.02 before 11.01; a level of (i), (ii), ... compares as numbers, one of
 * (a), (b), ... as letters. */
int fmt_label_cmp(const char *a, const char *b);

#endif
