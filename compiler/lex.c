/* lex.c — the helpers behind grammar/lexer.l, and the parse entry point.
 * Literal decoding is exact: no value passes through a double. */
#include "lex.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "keywords.h"
#include "parser.h"
#define YY_DECL int lex_raw(YYSTYPE *yylval_param, YYLTYPE *yylloc_param, yyscan_t yyscanner)
#include "lexer.h"
YY_DECL;

void lex_fatal(const char *msg)
{
    fprintf(stderr, "dealc: internal lexer error: %s\n", msg);
    exit(70);
}

void lex_advance(lex_extra *x, src_loc *loc, const char *text, int len)
{
    loc->file = x->b->file_id;
    loc->start = x->offset;
    loc->line = x->line;
    loc->col = x->col;
    for (int i = 0; i < len; i++) {
        if (text[i] == '\n') { x->line++; x->col = 1; }
        else x->col++;
    }
    x->offset += len;
    loc->end = x->offset;
}

void lex_at_end(lex_extra *x, src_loc *loc)
{
    loc->file = x->b->file_id;
    loc->start = loc->end = x->offset;
    loc->line = x->line;
    loc->col = x->col;
}

void lex_comment(lex_extra *x, src_loc loc)
{
    src_loc *c = arena_alloc(x->b->arena, sizeof *c);
    *c = loc;
    ptrvec_push(x->b->arena, &x->b->comments, c);
}

void lex_error(lex_extra *x, src_loc loc, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_error(x->b->diag, loc, "%s", buf);
}

const char *lex_intern(lex_extra *x, const char *text, int len)
{
    return arena_intern(x->b->arena, text, (size_t)len);
}

/* Decode a quoted string: \" and \\ escapes; runs of white space (including
 * line breaks) fold to one space and the ends are trimmed, so a name broken
 * across lines in the agreement is still the same name. */
static const char *decode_string(lex_extra *x, const char *s, int n)
{
    char *buf = malloc((size_t)n + 1);
    if (!buf) lex_fatal("out of memory");
    int o = 0, space = 0;
    for (int i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n) c = s[++i];
        else if (isspace((unsigned char)c)) { space = 1; continue; }
        if (space && o > 0) buf[o++] = ' ';
        space = 0;
        buf[o++] = c;
    }
    const char *r = arena_intern(x->b->arena, buf, (size_t)o);
    free(buf);
    return r;
}

int lex_string(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len)
{
    (void)loc;
    v->str = decode_string(x, text + 1, len - 2);
    /* a NUL would cut the name short, other control bytes cannot be seen:
     * neither belongs in an agreement's words */
    for (int i = 1; i < len - 1; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            src_loc l = *loc;
            l.start += i;
            l.end = l.start + 1;
            l.col += i; /* good enough when the string starts the byte's line */
            lex_error(x, l, "control character (byte 0x%02x) in a string", c);
            break;
        }
    }
    for (int i = 1; i < len - 1; i++) {
        if (text[i] == '\\' && i + 2 < len && text[i + 1] != '"' && text[i + 1] != '\\') {
            src_loc l = *loc;
            l.start += i;
            l.end = l.start + 2;
            l.col += i; /* good enough when the string starts the escape's line */
            lex_error(x, l, "unknown escape '\\%c' in string: only \\\" and \\\\ are allowed", text[i + 1]);
        }
        if (text[i] == '\\') i++;
    }
    return TOK_STRING;
}

int lex_string_unterminated(lex_extra *x, YYSTYPE *v, const char *text, int len)
{
    v->str = decode_string(x, text + 1, len - 1);
    return TOK_STRING;
}

int lex_decimal(const char *s, int n, rt_dec *out, int *decimals)
{
    /* The agreement's spelling of a number: digits and at most one point,
     * at most 18 digits before it (so the value stays inside RT_DEC_LIMIT)
     * and 12 after (the scale). The value itself is the runtime's one
     * decimal parser's, so a figure reads the same in a deal and a file. */
    int point = -1;
    for (int i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (point >= 0) return 0;
            point = i;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    int ints = point < 0 ? n : point, fracs = point < 0 ? 0 : n - point - 1;
    if (ints > 18 || fracs > 12) return 0;
    /* "5." (a number the grammar reports itself) reads as 5 */
    size_t len = (size_t)(point >= 0 && fracs == 0 ? n - 1 : n);
    if (rt_dec_parse(s, len, out, NULL) != RT_PARSE_OK) return 0;
    if (decimals) *decimals = fracs;
    return 1;
}

int lex_money(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len)
{
    /* text is $digits[,digits...][.digits]: check the grouping by hand so the
     * message can say exactly what is wrong */
    char digits[64];
    int nd = 0, group = -1, bad = 0, intdigits = 0;
    int i = 1;
    for (; i < len && text[i] != '.'; i++) {
        if (text[i] == ',') {
            if (group == -1 ? (intdigits < 1 || intdigits > 3) : group != 3) bad = 1;
            group = 0;
            continue;
        }
        if (group >= 0) group++;
        intdigits++;
        if (nd < 40) digits[nd++] = text[i];
    }
    if (group >= 0 && group != 3) bad = 1;
    if (bad) {
        lex_error(x, *loc, "malformed amount '%.*s': thousands separators must split the digits in threes, as in $1,234,567.00", len, text);
        v->num = 0;
        return TOK_MONEY;
    }
    int frac = 0;
    if (i < len) { /* the decimal point */
        frac = len - i - 1;
        if (frac != 2) {
            lex_error(x, *loc, "malformed amount '%.*s': an amount has two decimal places, as in $1,000.50", len, text);
            v->num = 0;
            return TOK_MONEY;
        }
        digits[nd++] = '.';
        digits[nd++] = text[i + 1];
        digits[nd++] = text[i + 2];
    }
    if (intdigits > 15) {
        lex_error(x, *loc, "amount '%.*s' is too large: amounts are limited to fifteen digits before the decimal point", len, text);
        v->num = 0;
        return TOK_MONEY;
    }
    rt_dec d = 0;
    if (!lex_decimal(digits, nd, &d, NULL)) d = 0;
    v->num = d;
    return TOK_MONEY;
}

int lex_percent(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len)
{
    rt_dec d = 0;
    int decimals = 0;
    if (len - 1 > 24 || !lex_decimal(text, len - 1, &d, &decimals) || decimals > 10) {
        lex_error(x, *loc, "malformed percentage '%.*s': at most ten decimal places", len, text);
        v->num = 0;
        return TOK_PERCENT;
    }
    v->num = d / 100; /* exact: at most ten decimals, so the division is exact */
    return TOK_PERCENT;
}

int lex_number(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len)
{
    rt_dec d = 0;
    if (len > 30 || !lex_decimal(text, len, &d, NULL)) {
        lex_error(x, *loc, "malformed number '%.*s': at most 18 digits and 12 decimal places", len, text);
        v->num = 0;
        return TOK_NUMBER;
    }
    v->num = d;
    return TOK_NUMBER;
}

int lex_date(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len)
{
    int32_t days = 0;
    /* the runtime's calendar, its date parser and its years: a date the
     * agreement may say is one every file the deal reads may say */
    if (!rt_date_parse(text, (size_t)len, &days)) {
        lex_error(x, *loc, "'%s' is not a date: write YYYY-MM-DD with a real month and day between %d and %d", text,
                  RT_YEAR_MIN, RT_YEAR_MAX);
        days = 0;
    }
    v->ival = days;
    return TOK_DATE;
}

static const struct { const char *word; int tok; } keywords[] = {
#define KW(n, s) { s, KW_##n },
    DEALC_KEYWORDS(KW)
#undef KW
};
enum { NKEYWORDS = sizeof keywords / sizeof keywords[0] };

int lex_edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 200 || lb > 200) return 1000;
    int prev[201], cur[201];
    for (int j = 0; j <= lb; j++) prev[j] = j;
    for (int i = 1; i <= la; i++) {
        cur[0] = i;
        for (int j = 1; j <= lb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + cost;
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, sizeof(int) * (size_t)(lb + 1));
    }
    return prev[lb];
}

int lex_word(lex_extra *x, YYSTYPE *v, src_loc *loc, const char *text, int len)
{
    (void)v;
    for (int i = 0; i < NKEYWORDS; i++)
        if (strcmp(keywords[i].word, text) == 0) return keywords[i].tok;
    int best = -1, bestd = 3;
    for (int i = 0; i < NKEYWORDS; i++) {
        int dd = lex_edit_distance(text, keywords[i].word);
        if (dd < bestd) { bestd = dd; best = i; }
    }
    if (best >= 0 && bestd == 0)
        lex_error(x, *loc, "keywords are written in lower case: write '%s'", keywords[best].word);
    else if (best >= 0 && len > 2)
        lex_error(x, *loc, "unknown word '%s'; did you mean '%s'? (names are written in quotes, as in \"Excess Cash\")",
                  text, keywords[best].word);
    else
        lex_error(x, *loc, "unknown word '%.*s': names are written in quotes, as in \"Excess Cash\"", len > 60 ? 60 : len, text);
    /* skip it: the parser never sees the word */
    return -1;
}

void lex_bad_char(lex_extra *x, src_loc loc, const char *text)
{
    unsigned char c = (unsigned char)text[0];
    if (c >= 0x80)
        lex_error(x, loc, "unexpected character outside ASCII; names and legal text go in quotes");
    else if (c < 32 || c == 127)
        lex_error(x, loc, "unexpected control character (byte 0x%02x)", c);
    else if (c == '\'')
        lex_error(x, loc, "unexpected ''': names are written in double quotes, as in \"Excess Cash\"");
    else
        lex_error(x, loc, "unexpected character '%c'", c);
}

/* A word that is not a keyword yields -1 from its rule (after its error is
 * reported); skip such tokens here so the parser sees only real ones. */
int yylex(YYSTYPE *v, src_loc *l, void *sc)
{
    for (;;) {
        int t = lex_raw(v, l, sc);
        if (t != -1) {
            ast_builder *b = yyget_extra(sc)->b;
            b->prev_tok = b->last_tok;
            b->last_tok = *l;
            return t;
        }
    }
}

int parse_file(ast_builder *b)
{
    lex_extra x = { .b = b, .offset = 0, .line = 1, .col = 1 };
    yyscan_t sc;
    if (yylex_init_extra(&x, &sc)) lex_fatal("cannot start the lexer");
    YY_BUFFER_STATE buf = yy_scan_bytes(b->file->text, b->file->len, sc);
    int rc = yyparse(sc, b);
    yy_delete_buffer(buf, sc);
    yylex_destroy(sc);
    return rc == 0 && (b->deal != NULL || b->amendment != NULL);
}

void lex_dump_tokens(ast_builder *b, FILE *out)
{
    lex_extra x = { .b = b, .offset = 0, .line = 1, .col = 1 };
    yyscan_t sc;
    if (yylex_init_extra(&x, &sc)) lex_fatal("cannot start the lexer");
    YY_BUFFER_STATE buf = yy_scan_bytes(b->file->text, b->file->len, sc);
    YYSTYPE v;
    src_loc l;
    for (;;) {
        int t = lex_raw(&v, &l, sc);
        if (t == TOK_EOF) break;
        if (t == -1) continue;
        const char *kind = t == TOK_STRING ? "name"
                         : t == TOK_MONEY ? "amount"
                         : t == TOK_PERCENT ? "percentage"
                         : t == TOK_NUMBER ? "number"
                         : t == TOK_DATE ? "date"
                         : t == TOK_DAYCOUNT ? "daycount"
                         : t == TOK_LABEL ? "label"
                         : (b->file->text[l.start] >= 'a' && b->file->text[l.start] <= 'z') ? "keyword" : "punct";
        fprintf(out, "%d:%d %s %.*s\n", l.line, l.col, kind, l.end - l.start, b->file->text + l.start);
    }
    yy_delete_buffer(buf, sc);
    yylex_destroy(sc);
}
