/*
 * lex.h — the lexer stage (grammar/lexer.l plus the helpers in lex.c).
 *
 * In:  a src_file; an ast_builder for its arena and diag_ctx.
 * Out: tokens on demand for the parser (yylex), or a token dump
 *      (lex_dump_tokens, for --emit=tokens). Literal values are decoded
 *      here: amounts and percentages to exact rt_dec, dates to day numbers,
 *      names interned with runs of white space folded to one space (the
 *      agreements' own text often breaks a defined term across lines).
 * Errors: to the diag_ctx; the offending text is skipped.
 */
#ifndef DEALC_LEX_H
#define DEALC_LEX_H

#include <stdio.h>
#include "ast.h"
#include "rt_internal.h" /* the runtime's calendar and decimals, shared with every stage */

typedef struct lex_extra {
    ast_builder *b;
    int offset, line, col;     /* position of the next character */
    src_loc comment_start;
} lex_extra;

union YYSTYPE;
typedef union YYSTYPE YYSTYPE;

/* parse a whole file into b->deal; returns 1 when a deal was produced */
int  parse_file(ast_builder *b);
/* print one token per line: line:col kind text */
void lex_dump_tokens(ast_builder *b, FILE *out);

/* helpers called from lexer.l actions */
void lex_advance(lex_extra *x, src_loc *loc, const char *text, int len);
void lex_at_end(lex_extra *x, src_loc *loc);  /* the end-of-file token's place */
void lex_comment(lex_extra *x, src_loc loc);  /* keeps comments for the formatter */
void lex_error(lex_extra *x, src_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int  lex_string(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len);
int  lex_string_unterminated(lex_extra *x, YYSTYPE *v, const char *text, int len);
int  lex_money(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len);
int  lex_percent(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len);
int  lex_number(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len);
int  lex_date(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len);
int  lex_word(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len);
void lex_bad_char(lex_extra *x, src_loc loc, const char *text);
const char *lex_intern(lex_extra *x, const char *text, int len);
void lex_fatal(const char *msg) __attribute__((noreturn));

/* shared by the lexer and sema: decimal text to rt_dec, 1 on success */
int  lex_decimal(const char *s, int n, rt_dec *out, int *decimals);
/* dates: the runtime's calendar (rt_civil_to_days, rt_date_format in
 * runtime/core/calendar.c), one rule for the agreement and every file */
/* edit distance for "did you mean" (case-insensitive) */
int  lex_edit_distance(const char *a, const char *b);

#endif
