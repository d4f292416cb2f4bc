/* fmt.c — see fmt.h. */
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

#include "lex.h"

/* ---- literals ---- */

/* every digit the value has, by the runtime's formatter (dec.c) */
static void put_decimal(FILE *out, rt_dec v, int min_decimals, int grouped)
{
    char b[RT_NUMBUF];
    fputs(rt_fmt_exact(b, v, min_decimals, grouped), out);
}

static void put_money(FILE *out, rt_dec v)
{
    if (v < 0) { fputc('-', out); v = -v; }
    fputc('$', out);
    put_decimal(out, v, 2, 1);
}

static void put_date(FILE *out, int days)
{
    char b[11];
    fputs(rt_date_format(b, days), out);
}

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* While a *_line function runs, the names printed are recorded here with
 * their offsets (dealc is single-threaded; the printer is not reentrant). */
static fmt_refs *g_refs;

static void put_ref(FILE *out, fmt_ref_kind kind, const char *s)
{
    long start = g_refs ? ftell(out) : 0;
    put_string(out, s);
    if (!g_refs) return;
    if (g_refs->n == g_refs->cap) {
        g_refs->cap = g_refs->cap ? g_refs->cap * 2 : 16;
        g_refs->v = realloc(g_refs->v, sizeof *g_refs->v * (size_t)g_refs->cap);
    }
    g_refs->v[g_refs->n++] = (fmt_ref){ (int)start, (int)ftell(out), kind, s };
}

void fmt_refs_free(fmt_refs *r)
{
    free(r->v);
    *r = (fmt_refs){ 0 };
}

static void put_percent(FILE *out, rt_dec v)
{
    /* two decimals at least, as agreements write rates (0.10%, 7.00%) */
    put_decimal(out, v * 100, 2, 0);
    fputc('%', out);
}

/* ---- expressions ---- */

enum { P_IF = 1, P_OR, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_NEG, P_PRIMARY };

static int prec(const ast_expr *e)
{
    switch (e->kind) {
    case EX_IF: case EX_FIRSTWHEN: return P_IF;
    case EX_NOT: return P_NOT;
    case EX_NEG: return P_NEG;
    case EX_OF: case EX_PER_ANNUM: return P_MUL;
    case EX_BIN:
        switch (e->op) {
        case OP_OR: return P_OR;
        case OP_AND: return P_AND;
        case OP_ADD: case OP_SUB: return P_ADD;
        case OP_MUL: case OP_DIV: return P_MUL;
        default: return P_CMP;
        }
    default: return P_PRIMARY;
    }
}

static const char *const group_field_words[] = {
    [RT_GR_PRINCIPAL_COLLECTIONS] = "principal collections",
    [RT_GR_INTEREST_COLLECTIONS] = "interest collections",
    [RT_GR_PRINCIPAL_DRAWS] = "principal draws",
    [RT_GR_LIQUIDATION_LOSS] = "liquidation loss",
    [RT_GR_RECOVERIES] = "recoveries",
    [RT_GR_SUBSTITUTION_ADJUSTMENT] = "substitution adjustment",
    [RT_GR_ACTIVE_LOAN_COUNT] = "active loan count",
    [RT_GR_ADDITIONAL_BALANCES] = "additional balances",
    [RT_GR_BEGIN_BALANCE] = "pool balance",
    [RT_GR_END_BALANCE] = "ending pool balance",
    [RT_GR_BEGIN_CUM_LOSS] = "cumulative loss",
    [RT_GR_END_CUM_LOSS] = "ending cumulative loss",
};

static void put_classref(FILE *out, const ast_classref *r)
{
    put_ref(out, FR_CLASS, r->first);
    if (r->last) {
        fputs(" .. ", out);
        put_ref(out, FR_CLASS, r->last);
    }
}

static void put_classlist(FILE *out, const ptrvec *v, int parens)
{
    if (parens && (v->n > 1)) fputc('(', out);
    for (int i = 0; i < v->n; i++) {
        if (i) fputs(", ", out);
        put_classref(out, v->v[i]);
    }
    if (parens && (v->n > 1)) fputc(')', out);
}

static void put_expr(FILE *out, const ast_expr *e, int min);

/* "min(", "max(", or as written for dates: "earlier of (", "later of (" */
static const char *minmax_word(const ast_expr *e)
{
    if (e->field) return e->kind == EX_MIN ? "earlier of (" : "later of (";
    return e->kind == EX_MIN ? "min(" : "max(";
}

static void put_expr(FILE *out, const ast_expr *e, int min)
{
    int p = prec(e);
    if (p < min) fputc('(', out);
    switch (e->kind) {
    case EX_NUM:
        switch (e->lit_unit) {
        case RT_UNIT_MONEY: put_money(out, e->num); break;
        case RT_UNIT_RATE: put_percent(out, e->num); break;
        case RT_UNIT_DATE: put_date(out, (int)(e->num / RT_SCALE)); break;
        case RT_UNIT_BOOL: fputs(e->num ? "true" : "false", out); break;
        default: put_decimal(out, e->num, 0, 0); break;
        }
        break;
    case EX_NAME: put_ref(out, FR_TERM, e->name); break;
    case EX_POOL:
        fputs(group_field_words[e->field], out);
        if (e->name) { fputs(" for ", out); put_ref(out, FR_GROUP, e->name); }
        break;
    case EX_CLASSQ:
        fprintf(out, "%s ", ast_classq_names[e->field]);
        put_classlist(out, &e->classes, 1);
        break;
    case EX_PARTYQ:
        fputs(e->field == RT_P_DRAWN ? "drawn from " : e->field == RT_P_UNREIMB_BEGIN ? "unreimbursed draws of "
              : e->field == RT_P_UNREIMB_END ? "ending unreimbursed draws of " : "paid to ", out);
        put_ref(out, FR_PARTY, e->name);
        break;
    case EX_HOLDER:
        fputs(e->field == RT_F_REMAINING ? "ending balance of " : "balance of ", out);
        put_ref(out, FR_TERM, e->name);
        break;
    case EX_AVAIL: fputs("available at ", out); put_ref(out, FR_CLAUSE, e->name); break;
    case EX_GLOBAL:
        fputs(e->field == RT_G_PAYMENT_DATE ? "payment date" : e->field == RT_G_DAYS_ACTUAL ? "actual days"
              : "distribution number", out);
        break;
    case EX_DISTDATE: fputs("distribution ", out); put_decimal(out, e->num, 0, 0); break;
    case EX_FIRSTWHEN: fputs("first distribution on which ", out); put_expr(out, e->a, P_IF); break;
    case EX_NEG: fputc('-', out); put_expr(out, e->a, P_NEG); break;
    case EX_NOT: fputs("not ", out); put_expr(out, e->a, P_NOT); break;
    case EX_BIN:
        /* left-associative: the right operand binds tighter; comparisons
         * do not chain, so both sides do */
        put_expr(out, e->a, p == P_CMP ? p + 1 : p);
        fprintf(out, " %s ", ast_op_names[e->op]);
        put_expr(out, e->b, p + 1);
        break;
    case EX_OF:
    case EX_PER_ANNUM:
        put_expr(out, e->a, p);
        fputs(e->kind == EX_OF ? " of " : " per annum of ", out);
        put_expr(out, e->b, p + 1);
        break;
    case EX_IF:
        fputs("if ", out);
        put_expr(out, e->a, P_IF);
        fputs(" then ", out);
        put_expr(out, e->b, P_IF);
        fputs(" else ", out);
        put_expr(out, e->c, P_IF);
        break;
    case EX_MIN:
    case EX_MAX:
        fputs(minmax_word(e), out);
        for (int i = 0; i < e->args.n; i++) {
            if (i) fputs(", ", out);
            put_expr(out, e->args.v[i], P_IF);
        }
        fputc(')', out);
        break;
    default:
        fputs("<error>", out);
        break;
    }
    if (p < min) fputc(')', out);
}

void fmt_expr(FILE *out, const ast_expr *e) { put_expr(out, e, P_IF); }

#define WIDTH 100

/* the expression as one line of text (caller frees) */
static char *expr_text(const ast_expr *e, size_t *len)
{
    char *buf = NULL;
    fmt_refs *keep = g_refs;   /* measuring: the names are recorded where printed */
    g_refs = NULL;
    FILE *m = arena_memstream(&buf, len);
    fmt_expr(m, e);
    arena_memclose(m, &buf);
    g_refs = keep;
    return buf;
}

static void spaces(FILE *out, int n)
{
    for (int i = 0; i < n; i++) fputc(' ', out);
}

/* An expression that does not fit in the line is laid out as an agreement
 * sets out a long definition: a sum one term a line, broken before each
 * top-level + and -; "and" and "or" the same; "if" with its "then" and
 * "else" under it; min and max one argument a line. What fits stays on
 * one line. col is the column the expression starts at. */
static void put_laid(FILE *out, const ast_expr *e, int min, int col)
{
    size_t len;
    char *t = expr_text(e, &len);
    int p = prec(e), paren = p < min;
    if ((size_t)col + len + (size_t)(paren ? 2 : 0) + 1 <= WIDTH) {
        if (paren) fputc('(', out);
        put_expr(out, e, P_IF);   /* the text measured, printed with its names */
        if (paren) fputc(')', out);
        free(t);
        return;
    }
    free(t);
    if (paren) {
        fputc('(', out);
        put_laid(out, e, P_IF, col + 1);
        fputc(')', out);
        return;
    }
    if (e->kind == EX_IF) {
        fputs("if ", out);
        put_laid(out, e->a, P_IF, col + 3);
        fputc('\n', out);
        spaces(out, col);
        fputs("then ", out);
        put_laid(out, e->b, P_IF, col + 5);
        fputc('\n', out);
        spaces(out, col);
        fputs("else ", out);
        put_laid(out, e->c, P_IF, col + 5);
        return;
    }
    if (e->kind == EX_MIN || e->kind == EX_MAX) {
        const char *w = minmax_word(e);
        fputs(w, out);
        for (int i = 0; i < e->args.n; i++) {
            if (i) {
                fputs(",\n", out);
                spaces(out, col + (int)strlen(w));
            }
            put_laid(out, e->args.v[i], P_IF, col + (int)strlen(w));
        }
        fputc(')', out);
        return;
    }
    if ((e->kind == EX_OF || e->kind == EX_PER_ANNUM) && prec(e->a) >= p) {
        /* "1.25% of" stays with what it takes a share of, when short */
        const char *w = e->kind == EX_OF ? " of " : " per annum of ";
        size_t alen;
        char *a = expr_text(e->a, &alen);
        if ((size_t)col + alen + strlen(w) + 20 > WIDTH) {
            free(a);
            put_expr(out, e, min);
            return;
        }
        put_expr(out, e->a, p);
        free(a);
        fputs(w, out);
        put_laid(out, e->b, p + 1, col + (int)alen + (int)strlen(w));
        return;
    }
    if (e->kind == EX_BIN && p == P_CMP) {
        /* a long comparison: the operator starts the second line */
        put_laid(out, e->a, P_CMP + 1, col);
        fputc('\n', out);
        spaces(out, col);
        fprintf(out, "%s ", ast_op_names[e->op]);
        put_laid(out, e->b, P_CMP + 1, col + (int)strlen(ast_op_names[e->op]) + 1);
        return;
    }
    if (e->kind == EX_BIN && (p == P_ADD || p == P_MUL || p == P_AND || p == P_OR)) {
        /* the chain of one operator level, left-associative */
        const ast_expr *terms[256];
        int ops[256], n = 0;
        const ast_expr *x = e;
        while (x->kind == EX_BIN && prec(x) == p && n < 255) {
            terms[n] = x->b;
            ops[n] = x->op;
            n++;
            x = x->a;
        }
        put_laid(out, x, p, col);
        for (int i = n - 1; i >= 0; i--) {
            fputc('\n', out);
            spaces(out, col);
            fprintf(out, "%s ", ast_op_names[ops[i]]);
            put_laid(out, terms[i], p + 1, col + (int)strlen(ast_op_names[ops[i]]) + 1);
        }
        return;
    }
    put_expr(out, e, min);   /* nothing to break at */
}

/* "= EXPR", on the same line when it fits, else on the next, indented */
static void put_assigned(FILE *out, const ast_expr *e, int used, int level)
{
    size_t len;
    char *t = expr_text(e, &len);
    if ((size_t)used + 3 + len + 1 <= WIDTH) {
        fprintf(out, " = %s", t);
    } else {
        fputs(" =\n", out);
        spaces(out, (level + 1) * 4);
        put_laid(out, e, P_IF, (level + 1) * 4);
    }
    free(t);
}

/* ---- comments ---- */

typedef struct printer {
    FILE *out;
    const src_file *f;
    const ptrvec *comments;
    int next;           /* the first comment not yet printed */
    int consolidated;   /* consolidate: note each provision an amendment replaced */
    int skip_trailing;  /* the next end_line drops a comment at the end of its line */
} printer;

static void indent(printer *p, int level)
{
    for (int i = 0; i < level; i++) fputs("    ", p->out);
}

/* comments that start before pos, each on a line of its own */
static void comments_before(printer *p, int pos, int level)
{
    while (p->next < p->comments->n) {
        const src_loc *c = p->comments->v[p->next];
        if (c->start >= pos) break;
        indent(p, level);
        fprintf(p->out, "%.*s\n", c->end - c->start, p->f->text + c->start);
        p->next++;
    }
}

/* a comment on the same source line just after end stays at the end of
 * the printed line; then the line ends */
static void end_line(printer *p, int end)
{
    int skip = p->skip_trailing;
    p->skip_trailing = 0;
    if (p->next < p->comments->n) {
        const src_loc *c = p->comments->v[p->next];
        int same_line = c->start >= end;
        for (int i = end; same_line && i < c->start; i++)
            if (p->f->text[i] == '\n') same_line = 0;
        if (same_line && (c->end - c->start < 2 || p->f->text[c->start + 1] == '/')) {
            if (!skip) fprintf(p->out, " %.*s", c->end - c->start, p->f->text + c->start);
            p->next++;
        }
    }
    fputc('\n', p->out);
}

/* consolidate: before a provision an amendment replaced, the amendment's
 * note in place of the comments directly above it (no blank line between),
 * inside it and at the end of its line: they describe the words it
 * replaced. Earlier comments print as usual. */
static void amended_note(printer *p, const char *by, int effective, int start, int end, int level)
{
    int m = p->next;
    while (m < p->comments->n && ((const src_loc *)p->comments->v[m])->start < end) m++;
    int k = m, pos = start;
    while (k > p->next) {
        const src_loc *c = p->comments->v[k - 1];
        if (c->start >= start) { k--; continue; }   /* inside the provision */
        int newlines = 0, blank = 1;
        for (int i = c->end; i < pos; i++) {
            if (p->f->text[i] == '\n') newlines++;
            else if (p->f->text[i] != ' ' && p->f->text[i] != '\t' && p->f->text[i] != '\r') blank = 0;
        }
        if (!blank || newlines > 1) break;
        k--;
        pos = c->start;
    }
    comments_before(p, k < p->comments->n ? ((const src_loc *)p->comments->v[k])->start : end, level);
    p->next = m;
    p->skip_trailing = 1;
    indent(p, level);
    fprintf(p->out, "// as amended by \"%s\", effective ", by);
    put_date(p->out, effective);
    fputc('\n', p->out);
}

/* ---- items ---- */

/* The agreement's words, filled to the line width: a string's line breaks
 * and runs of spaces read as one space, so the words wrap freely (unless
 * the text itself has doubled, leading or trailing spaces, which wrapping
 * would lose; that text stays on one line). */
static void put_words(printer *p, const char *kw, const char *text, int level)
{
    fputc('\n', p->out);
    indent(p, level + 1);
    fprintf(p->out, "%s ", kw);
    size_t n = strlen(text);
    if (!n || text[0] == ' ' || text[n - 1] == ' ' || strstr(text, "  ")) {
        put_string(p->out, text);
        return;
    }
    int start = (level + 1) * 4 + (int)strlen(kw) + 2, col = start;
    fputc('"', p->out);
    for (const char *w = text; *w;) {
        const char *e = strchr(w, ' ');
        size_t len = e ? (size_t)(e - w) : strlen(w);
        size_t shown = len;
        for (size_t i = 0; i < len; i++) shown += w[i] == '"' || w[i] == '\\';
        if (col > start && (size_t)col + 1 + shown + (e ? 0 : 2) > WIDTH) {
            fputc('\n', p->out);
            spaces(p->out, start);
            col = start;
        } else if (col > start) {
            fputc(' ', p->out);
            col++;
        }
        for (size_t i = 0; i < len; i++) {
            if (w[i] == '"' || w[i] == '\\') fputc('\\', p->out);
            fputc(w[i], p->out);
        }
        col += (int)shown;
        w = e ? e + 1 : w + len;
    }
    fputc('"', p->out);
}

static void put_text(printer *p, const char *text, int level)
{
    if (text) put_words(p, "text", text, level);
}

/* the `reconstructed` mark, on a line of its own under the words, its
 * reason filled as they are */
static void put_recon(printer *p, const char *why, int level)
{
    if (!why) return;
    if (*why) put_words(p, "reconstructed", why, level);
    else fputs(" reconstructed", p->out);   /* a bare mark stays on its line */
}

static void put_decl(printer *p, const ast_decl *x, int level)
{
    static const char *const kw[] = { "group", "input", "party", "residual", "define", "fund", "schedule",
                                      "account", "insurer", "trigger", "date" };
    static const char *const units[] = { "money", "rate", "number", "count", "date", "condition" };
    fprintf(p->out, "%s ", kw[x->kind]);
    put_string(p->out, x->name);
    switch (x->kind) {
    case DK_INPUT:
        fprintf(p->out, " %s", units[x->unit]);
        put_text(p, x->text, level);
        put_recon(p, x->reconstructed, level);
        break;
    case DK_DEFINE:
    case DK_FUND:
    case DK_DATE:
        put_assigned(p->out, x->expr, level * 4 + (int)strlen(kw[x->kind]) + 3 + (int)strlen(x->name), level);
        put_text(p, x->text, level);
        put_recon(p, x->reconstructed, level);
        break;
    case DK_TRIGGER:
        put_assigned(p->out, x->expr, level * 4 + (int)strlen(kw[x->kind]) + 3 + (int)strlen(x->name), level);
        if (x->sticky) fputs(", once in effect remains in effect", p->out);
        put_text(p, x->text, level);
        put_recon(p, x->reconstructed, level);
        break;
    case DK_ACCOUNT:
        if (x->has_initial) { fputs(" initial ", p->out); put_money(p->out, x->initial); }
        if (x->interest) { fputs(" interest ", p->out); fmt_expr(p->out, x->interest); }
        put_text(p, x->text, level);
        put_recon(p, x->reconstructed, level);
        break;
    case DK_SCHEDULE:
        fputs(" {\n", p->out);
        for (int i = 0; i < x->entries.n; i++) {
            const ast_sched_entry *en = x->entries.v[i];
            comments_before(p, en->loc.end, level + 1);
            indent(p, level + 1);
            if (en->to < 0) fputs("thereafter: ", p->out);
            else if (en->from == en->to) fprintf(p->out, "%d: ", en->from);
            else fprintf(p->out, "%d to %d: ", en->from, en->to);
            fmt_expr(p->out, en->value);
            fputc(';', p->out);
            end_line(p, en->loc.end);
        }
        comments_before(p, x->loc.end, level + 1);
        indent(p, level);
        fputc('}', p->out);
        return;
    default:
        break;
    }
    fputc(';', p->out);
}

/* a class on one line; one too long for it continues at its coupon */
static void class_text(FILE *out, const ast_class *c, int wrap_level)
{
    fputs("class ", out);
    put_string(out, c->name);
    if (c->has_original) { fputs(" original ", out); put_money(out, c->original); }
    if (c->has_maximum) { fputs(" maximum ", out); put_money(out, c->maximum); }
    if (c->notional) { fputs(" notional ", out); put_string(out, c->notional); }
    if (c->coupon) {
        if (wrap_level) {
            fputc('\n', out);
            for (int i = 0; i < wrap_level; i++) fputs("    ", out);
            fputs("coupon ", out);
        } else {
            fputs(" coupon ", out);
        }
        fmt_expr(out, c->coupon);
    }
    if (c->cap) { fputs(" cap ", out); fmt_expr(out, c->cap); }
    if (c->has_accrual) fputs(c->accrual == RT_DC_ACT_360 ? " accrual actual/360" : " accrual 30/360", out);
    if (c->has_delay) fprintf(out, " delay %d", (int)(c->delay / RT_SCALE));
    if (c->text) { fputs(" text ", out); put_string(out, c->text); }
    if (c->reconstructed) {
        fputs(" reconstructed", out);
        if (*c->reconstructed) { fputc(' ', out); put_string(out, c->reconstructed); }
    }
    fputc(';', out);
}

static void put_class(printer *p, const ast_class *c, int level)
{
    char *t = NULL;
    size_t len = 0;
    FILE *m = arena_memstream(&t, &len);
    class_text(m, c, 0);
    arena_memclose(m, &t);
    free(t);
    class_text(p->out, c, c->coupon && (size_t)level * 4 + len > WIDTH ? level + 1 : 0);
}

static void put_cline(printer *p, const ast_cline *l, int level)
{
    fputs("line ", p->out);
    put_string(p->out, l->name);
    static const struct { int field; const char *word; int kind; } attrs[] = {
        { RT_L_BALANCE, "balance", 'm' }, { RT_L_GROSS_RATE, "gross rate", '%' }, { RT_L_NET_RATE, "net rate", '%' },
        { CL_FEE, "servicing fee", '%' }, { RT_L_ORIGINAL_TERM, "original term", 'n' },
        { RT_L_REMAINING_TERM, "remaining term", 'n' }, { RT_L_AGE, "age", 'n' }, { RT_L_BALLOON, "balloon", 'n' },
        { RT_L_IO_MONTHS, "interest only", 'n' }, { RT_L_INDEX, "index", 'i' }, { RT_L_MARGIN, "margin", '%' },
        { RT_L_FIRST_RESET, "first reset", 'n' }, { RT_L_RESET_EVERY, "reset every", 'n' },
        { RT_L_PERIODIC_CAP, "periodic cap", '%' }, { RT_L_LIFE_CAP, "life cap", '%' }, { RT_L_LIFE_FLOOR, "life floor", '%' },
        { RT_L_CREDIT_LIMIT, "credit limit", 'm' }, { RT_L_DRAW_TERM, "draw term", 'n' },
    };
    int col = 0;
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        int f = attrs[i].field;
        if (attrs[i].kind == 'i') {
            if (!l->index) continue;
        } else if (!l->written[f]) {
            continue;   /* as the deal gives it, not as sema completed it */
        }
        /* long lines wrap before the terms and before the adjustable part */
        int first_cap = l->index && (f == RT_L_PERIODIC_CAP ||
                                     (f == RT_L_LIFE_CAP && !l->written[RT_L_PERIODIC_CAP]) ||
                                     (f == RT_L_LIFE_FLOOR && !l->written[RT_L_PERIODIC_CAP] &&
                                      !l->written[RT_L_LIFE_CAP]));
        if (f == RT_L_ORIGINAL_TERM || (f == RT_L_INDEX && col) || first_cap) {
            fputc('\n', p->out);
            indent(p, level + 1);
            col++;
        }
        col++;
        int wrapped = f == RT_L_ORIGINAL_TERM || (f == RT_L_INDEX && col > 1) || first_cap;
        fprintf(p->out, wrapped ? "%s " : " %s ", attrs[i].word);
        switch (attrs[i].kind) {
        case 'm': put_money(p->out, l->field[f]); break;
        case '%': put_percent(p->out, l->field[f]); break;
        case 'i': put_string(p->out, l->index); break;
        default: put_decimal(p->out, l->field[f], 0, 0); break;
        }
    }
    fputc(';', p->out);
}

static int label_width(const ast_waterfall *w)
{
    int m = 0;
    for (int i = 0; i < w->clauses.n; i++) {
        int n = (int)strlen(((const ast_clause *)w->clauses.v[i])->label);
        if (n > m) m = n;
    }
    return m;
}

/* "pay ..." (the clause without its label) */
/* "pay ..." (the clause without its label), starting at column col; a
 * clause too long for the line has its amount laid out and its payees on
 * the next line, under the amount */
static void put_pay(printer *p, const ast_clause *c, int level, int col)
{
    char *rest = NULL;
    size_t rlen = 0;
    /* names printed into rest are recorded relative to it, then moved to
     * where rest lands */
    int r0 = g_refs ? g_refs->n : 0;
    FILE *m = arena_memstream(&rest, &rlen);
    if (c->kind == CL_DRAW) {
        fputs("from ", m);
        put_ref(m, FR_TERM, c->source);
    } else if (c->kind == CL_PURCHASE) {
        fputs("for ", m);
        put_ref(m, FR_TERM, c->source);
    } else {
        if (c->kind == CL_PAY_PRINCIPAL) fputs("as principal ", m);
        fputs("to ", m);
        if (c->kind == CL_PAY_PARTY && c->payees.n == 1 && !((const ast_classref *)c->payees.v[0])->last)
            put_ref(m, FR_PARTY, ((const ast_classref *)c->payees.v[0])->first);   /* a party or an account */
        else
            put_classlist(m, &c->payees, 0);
    }
    if (c->order == ORDER_SEQUENTIAL) fputs(" sequentially", m);
    if (c->order == ORDER_PRO_RATA) fputs(" pro rata", m);
    if (c->upto) { fputs(" up to ", m); fmt_expr(m, c->upto); }
    arena_memclose(m, &rest);
    int r1 = g_refs ? g_refs->n : 0;
    fputs(c->kind == CL_DRAW ? "draw " : c->kind == CL_PURCHASE ? "purchase " : "pay ", p->out);
    col += c->kind == CL_DRAW ? 1 : c->kind == CL_PURCHASE ? 5 : 0;
    size_t alen = 0;
    if (c->kind == CL_PAY_INTEREST) {
        fputs("interest", p->out);
    } else if (c->kind == CL_PAY_UNPAID) {
        fputs("unpaid interest", p->out);
    } else if (c->kind == CL_PAY_LOSSES) {
        fputs("unpaid losses", p->out);
    } else if (c->kind == CL_PAY_BASIS) {
        fputs("basis risk shortfall", p->out);
    } else if (c->kind == CL_REIMBURSE) {
        fputs("reimbursement", p->out);
    } else if (c->kind == CL_PURCHASE) {
        fputs("additional balances", p->out);
    } else if (c->remainder) {
        fputs("remainder", p->out);
    } else {
        free(expr_text(c->amount, &alen));
        put_laid(p->out, c->amount, P_IF, col + 4);
    }
    if (!c->amount || (size_t)col + 4 + alen + 1 + rlen + 1 <= WIDTH) {
        fputc(' ', p->out);
    } else {
        fputc('\n', p->out);
        spaces(p->out, col + 4);
    }
    if (g_refs) {
        int base = (int)ftell(p->out);
        for (int k = r0; k < r1; k++) {
            g_refs->v[k].start += base;
            g_refs->v[k].end += base;
        }
    }
    fputs(rest, p->out);
    free(rest);
    put_text(p, c->text, level);
    put_recon(p, c->reconstructed, level);
    fputc(';', p->out);
}

static void put_clause(printer *p, const ast_clause *c, int width, int level)
{
    fprintf(p->out, "%-*s ", width, c->label);
    put_pay(p, c, level, level * 4 + (width > (int)strlen(c->label) ? width : (int)strlen(c->label)) + 1);
}

static void put_section(printer *p, const ast_section *s, int level)
{
    fputs("section ", p->out);
    put_string(p->out, s->label);
    put_text(p, s->text, level);
    put_recon(p, s->reconstructed, level);
    fputc(';', p->out);
}

static int is_block(const ast_item *it)
{
    return it->kind == IT_NOTES || it->kind == IT_CERTIFICATES || it->kind == IT_COLLATERAL ||
           it->kind == IT_WATERFALL || it->kind == IT_STATEMENT || it->kind == IT_ALLOCATION ||
           (it->kind == IT_DECL && ((const ast_decl *)it->ptr)->kind == DK_SCHEDULE);
}

/* items of one "family" sit together; a change of family gets a blank line */
static int family(const ast_item *it)
{
    if (it->kind <= IT_CLEANUP) return 0;
    if (it->kind == IT_DECL) return 10 + ((const ast_decl *)it->ptr)->kind;
    return 100 + it->kind;
}

static void put_item(printer *p, const ast_deal *d, const ast_item *it)
{
    FILE *out = p->out;
    const int L = 1;
    switch (it->kind) {
    case IT_CLOSING: fputs("closing date ", out); put_date(out, d->closing); fputc(';', out); break;
    case IT_FIRST_PAYMENT: fputs("first payment date ", out); put_date(out, d->first_payment); fputc(';', out); break;
    case IT_PAYMENT_DAY:
        fprintf(out, "payment day %d%s;", d->payment_day,
                d->bdc == RT_BDC_FOLLOWING ? ", following business day"
                : d->bdc == RT_BDC_MODIFIED_FOLLOWING ? ", modified following business day" : "");
        break;
    case IT_CUTOFF: fputs("cut-off date ", out); put_date(out, d->cutoff); fputc(';', out); break;
    case IT_CLEANUP: fputs("clean-up call ", out); put_percent(out, d->cleanup); fputc(';', out); break;
    case IT_DECL: put_decl(p, it->ptr, L); break;
    case IT_NOTES:
    case IT_CERTIFICATES:
        fputs(it->kind == IT_NOTES ? "notes {\n" : "certificates {\n", out);
        for (int i = it->first; i < it->last; i++) {
            const ast_class *c = d->classes.v[i];
            comments_before(p, c->loc.end, L + 1);
            indent(p, L + 1);
            put_class(p, c, L + 1);
            end_line(p, c->loc.end);
        }
        comments_before(p, it->loc.end, L + 1);
        indent(p, L);
        fputc('}', out);
        break;
    case IT_COLLATERAL: {
        const ast_collateral *c = it->ptr;
        fputs("collateral ", out);
        put_string(out, c->group);
        fputs(" {\n", out);
        for (int i = 0; i < c->lines.n; i++) {
            const ast_cline *l = c->lines.v[i];
            comments_before(p, l->loc.end, L + 1);
            indent(p, L + 1);
            put_cline(p, l, L + 1);
            end_line(p, l->loc.end);
        }
        comments_before(p, it->loc.end, L + 1);
        indent(p, L);
        fputc('}', out);
        break;
    }
    case IT_WATERFALL: {
        const ast_waterfall *w = it->ptr;
        fputs("priority of payments ", out);
        put_string(out, w->section);
        fputs(" from ", out);
        put_string(out, w->fund);
        if (w->guard) { fputs(" when ", out); fmt_expr(out, w->guard); }
        fputs(" {\n", out);
        int width = label_width(w);
        for (int i = 0; i < w->clauses.n; i++) {
            const ast_clause *c = w->clauses.v[i];
            if (p->consolidated && c->amended_by)
                amended_note(p, c->amended_by, c->effective, c->loc.start, c->loc.end, L + 1);
            comments_before(p, c->loc.end, L + 1);
            indent(p, L + 1);
            put_clause(p, c, width, L + 1);
            end_line(p, c->loc.end);
        }
        comments_before(p, it->loc.end, L + 1);
        indent(p, L);
        fputc('}', out);
        break;
    }
    case IT_RETIRED: fputs("retired classes show coupon 0.00%;", out); break;
    case IT_ALLOCATION: {
        const ast_alloc *a = it->ptr;
        fputs("allocation of losses ", out);
        put_string(out, a->section);
        fputs(" against ", out);
        fmt_expr(out, a->against);
        fputs(" {\n", out);
        int width = 0;
        for (int i = 0; i < a->steps.n; i++) {
            int n = (int)strlen(((const ast_alloc_step *)a->steps.v[i])->label);
            if (n > width) width = n;
        }
        for (int i = 0; i < a->steps.n; i++) {
            const ast_alloc_step *st = a->steps.v[i];
            comments_before(p, st->loc.end, L + 1);
            indent(p, L + 1);
            fprintf(out, "%-*s write down ", width, st->label);
            put_classlist(out, &st->payees, 0);
            if (st->order == ORDER_SEQUENTIAL) fputs(" sequentially", out);
            if (st->order == ORDER_PRO_RATA) fputs(" pro rata", out);
            put_text(p, st->text, L + 1);
            fputc(';', out);
            end_line(p, st->loc.end);
        }
        comments_before(p, it->loc.end, L + 1);
        indent(p, L);
        fputc('}', out);
        break;
    }
    case IT_STATEMENT: {
        fputs("statement {\n", out);
        int width = 0;
        for (int i = it->first; i < it->last; i++) {
            const ast_line *l = d->lines.v[i];
            int n = l->label ? (int)strlen(l->label) + 2 : 0;
            if (n > width) width = n;
        }
        if (width > 48) width = 48;
        for (int i = it->first; i < it->last; i++) {
            const ast_line *l = d->lines.v[i];
            comments_before(p, l->loc.end, L + 1);
            indent(p, L + 1);
            if (!l->label) {
                fputs("classes;", out);
            } else {
                put_string(out, l->label);
                int n = (int)strlen(l->label) + 2;
                fprintf(out, "%*s", n < width ? width - n : 0, "");
                put_assigned(out, l->expr, (L + 1) * 4 + (n < width ? width : n), L + 1);
                fputc(';', out);
            }
            end_line(p, l->loc.end);
        }
        comments_before(p, it->loc.end, L + 1);
        indent(p, L);
        fputc('}', out);
        break;
    }
    case IT_SECTION:
        put_section(p, it->ptr, L);
        break;
    }
}

static void deal(printer *pp, const ast_deal *d);

void fmt_deal(FILE *out, const ast_deal *d, const src_file *f, const ptrvec *comments)
{
    printer p = { .out = out, .f = f, .comments = comments };
    deal(&p, d);
}

void fmt_deal_consolidated(FILE *out, const ast_deal *d, const src_file *f, const ptrvec *comments)
{
    printer p = { .out = out, .f = f, .comments = comments, .consolidated = 1 };
    deal(&p, d);
}

static void deal(printer *pp, const ast_deal *d)
{
    printer p = *pp;
    FILE *out = p.out;
    const src_file *f = p.f;
    comments_before(&p, d->loc.start, 0);
    fputs("deal ", out);
    put_string(out, d->name);
    fputs(" {", out);
    int brace = d->name_loc.end;
    while (brace < f->len && f->text[brace] != '{') brace++;
    end_line(&p, brace < f->len ? brace + 1 : brace);
    const ast_item *prev = NULL;
    for (int i = 0; i < d->items.n; i++) {
        const ast_item *it = d->items.v[i];
        if (prev && (is_block(it) || is_block(prev) || family(it) != family(prev))) fputc('\n', out);
        /* comments inside a one-line item move before it; a block's inner
         * comments go before the child they were in */
        const char *by = NULL;
        int eff = 0;
        if (it->kind == IT_DECL) { by = ((const ast_decl *)it->ptr)->amended_by; eff = ((const ast_decl *)it->ptr)->effective; }
        if (it->kind == IT_SECTION) { by = ((const ast_section *)it->ptr)->amended_by; eff = ((const ast_section *)it->ptr)->effective; }
        if (p.consolidated && by) amended_note(&p, by, eff, it->loc.start, it->loc.end, 1);
        comments_before(&p, is_block(it) ? it->loc.start : it->loc.end, 1);
        indent(&p, 1);
        put_item(&p, d, it);
        end_line(&p, it->loc.end);
        prev = it;
    }
    comments_before(&p, d->loc.end, 1);
    fputs("}\n", out);
    /* comments after the deal */
    comments_before(&p, f->len + 1, 0);
}

/* An amendment: its header on two lines, then its operations, a blank line
 * between them, each as the deal would print the definition or clause. */
void fmt_amendment(FILE *out, const ast_amendment *a, const src_file *f, const ptrvec *comments)
{
    printer p = { .out = out, .f = f, .comments = comments };
    comments_before(&p, a->loc.start, 0);
    fputs("amendment ", out);
    put_string(out, a->title);
    fputs(" to ", out);
    put_string(out, a->agreement);
    fputs("\n    dated ", out);
    put_date(out, a->dated);
    fputs(" effective ", out);
    put_date(out, a->effective);
    if (a->under) {
        fputs(" under ", out);
        put_string(out, a->under);
    }
    fputs("\n{", out);
    int brace = a->effective_loc.end;
    while (brace < f->len && f->text[brace] != '{') brace++;
    end_line(&p, brace < f->len ? brace + 1 : brace);
    for (int i = 0; i < a->ops.n; i++) {
        const ast_amend_op *op = a->ops.v[i];
        if (i) fputc('\n', out);
        comments_before(&p, op->loc.end, 1);
        indent(&p, 1);
        switch (op->kind) {
        case AM_REPLACE_DEFINE:
            fputs("replace definition ", out);
            put_string(out, op->target);
            put_assigned(out, op->expr, 4 + 19 + (int)strlen(op->target) + 2, 1);
            put_text(&p, op->text, 1);
            fputc(';', out);
            break;
        case AM_INSERT_DEFINE:
            fputs("insert definition ", out);
            put_string(out, op->target);
            put_assigned(out, op->expr, 4 + 18 + (int)strlen(op->target) + 2, 1);
            put_text(&p, op->text, 1);
            fputc(';', out);
            break;
        case AM_REPLACE_CLAUSE:
            fputs("replace clause ", out);
            put_string(out, op->target);
            fputs(" with\n", out);
            indent(&p, 2);
            put_pay(&p, op->clause, 2, 8);
            break;
        case AM_INSERT_CLAUSE:
            fprintf(out, "insert clause %s after ", op->clause->label);
            put_string(out, op->target);
            fputs(" with\n", out);
            indent(&p, 2);
            put_pay(&p, op->clause, 2, 8);
            break;
        case AM_DELETE_CLAUSE:
            fputs("delete clause ", out);
            put_string(out, op->target);
            fputc(';', out);
            break;
        case AM_INSERT_SECTION:
            fputs("insert section ", out);
            put_string(out, op->target);
            put_words(&p, "text", op->text, 1);
            fputc(';', out);
            break;
        case AM_DELETE_SECTION:
            fputs("delete section ", out);
            put_string(out, op->target);
            fputc(';', out);
            break;
        case AM_REPLACE_SECTION:
            fputs("replace text of section ", out);
            put_string(out, op->target);
            put_words(&p, "with", op->text, 1);
            fputc(';', out);
            break;
        }
        end_line(&p, op->loc.end);
    }
    comments_before(&p, a->loc.end, 1);
    fputs("}\n", out);
    comments_before(&p, f->len + 1, 0);
}

/* ---- one item as text, for diff ---- */

static ptrvec no_comments;
static const src_file no_file = { "", "", 0, 0 };

#define ITEM_TEXT(body)                                   \
    char *buf = NULL;                                     \
    size_t len = 0;                                       \
    FILE *m = arena_memstream(&buf, &len);                 \
    printer p = { .out = m, .f = &no_file, .comments = &no_comments }; \
    body;                                                 \
    arena_memclose(m, &buf);                                            \
    return flatten(buf);

/* one line: the canonical layout's line breaks and indents become spaces */
static char *flatten(char *s)
{
    char *o = s;
    for (char *i = s; *i; i++) {
        if (*i == '\n') {
            while (i[1] == ' ') i++;
            if (o > s && o[-1] != ' ') *o++ = ' ';
            continue;
        }
        *o++ = *i;
    }
    *o = 0;
    return s;
}

char *fmt_decl_text(const ast_decl *x) { ITEM_TEXT(put_decl(&p, x, 0)) }
char *fmt_class_text(const ast_class *c) { ITEM_TEXT(put_class(&p, c, 0)) }
char *fmt_cline_text(const ast_cline *l) { ITEM_TEXT(put_cline(&p, l, 0)) }
char *fmt_clause_text(const ast_clause *c) { ITEM_TEXT(put_clause(&p, c, 0, 0)) }
char *fmt_expr_text(const ast_expr *e) { ITEM_TEXT((void)p; fmt_expr(m, e)) }
char *fmt_alloc_text(const ast_alloc *a)
{
    ast_item it = { .kind = IT_ALLOCATION, .ptr = (void *)a };
    ITEM_TEXT(put_item(&p, NULL, &it))
}
char *fmt_section_text(const ast_section *s) { ITEM_TEXT(put_section(&p, s, 0)) }

/* ---- one line with its names, for diff and doc ---- */

#define LINE_TEXT(refs, body)                             \
    char *buf = NULL;                                     \
    size_t len = 0;                                       \
    FILE *m = arena_memstream(&buf, &len);                 \
    g_refs = refs;                                        \
    body;                                                 \
    fflush(m);                                            \
    g_refs = NULL;                                        \
    arena_memclose(m, &buf);                                            \
    return buf;

char *fmt_expr_line(const ast_expr *e, fmt_refs *refs) { LINE_TEXT(refs, put_expr(m, e, P_IF)) }

/* the clause as fmt lays it out, without its label, words and mark, on one
 * line: a printer's breaks and indentation become single spaces, and the
 * names keep their places */
static char *pay_line_refs(const ast_clause *c, fmt_refs *refs)
{
    ast_clause bare = *c;
    bare.text = NULL;
    bare.reconstructed = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = arena_memstream(&buf, &len);
    printer p = { .out = m, .f = &no_file, .comments = &no_comments };
    g_refs = refs;
    int first = refs ? refs->n : 0;
    put_pay(&p, &bare, 0, 0);
    fflush(m);
    g_refs = NULL;
    arena_memclose(m, &buf);
    /* flatten, moving the names' offsets with the text */
    int *at = malloc(sizeof(int) * (len + 1));
    char *o = buf;
    for (size_t i = 0; i < len; i++) {
        at[i] = (int)(o - buf);
        if (buf[i] == '\n') {
            while (i + 1 < len && buf[i + 1] == ' ') { i++; at[i] = (int)(o - buf); }
            if (o > buf && o[-1] != ' ') *o++ = ' ';
            continue;
        }
        *o++ = buf[i];
    }
    at[len] = (int)(o - buf);
    *o = 0;
    for (int k = first; refs && k < refs->n; k++) {
        refs->v[k].start = at[refs->v[k].start];
        refs->v[k].end = at[refs->v[k].end];
    }
    free(at);
    /* in order of place, as a page walks them */
    for (int k = first + 1; refs && k < refs->n; k++)
        for (int j = k; j > first && refs->v[j - 1].start > refs->v[j].start; j--) {
            fmt_ref t = refs->v[j - 1];
            refs->v[j - 1] = refs->v[j];
            refs->v[j] = t;
        }
    /* without the closing ';' */
    size_t n = strlen(buf);
    if (n && buf[n - 1] == ';') buf[n - 1] = 0;
    return buf;
}

char *fmt_pay_line(const ast_clause *c, fmt_refs *refs) { return pay_line_refs(c, refs); }

static void class_line(FILE *m, const ast_class *c)
{
    const char *sep = "";
    if (c->has_original) { fputs("original ", m); put_money(m, c->original); sep = " "; }
    if (c->has_maximum) { fprintf(m, "%smaximum ", sep); put_money(m, c->maximum); sep = " "; }
    if (c->notional) { fprintf(m, "%snotional ", sep); put_ref(m, FR_TERM, c->notional); sep = " "; }
    if (c->coupon) { fprintf(m, "%scoupon ", sep); put_expr(m, c->coupon, P_IF); sep = " "; }
    if (c->has_accrual) { fprintf(m, "%saccrual %s", sep, c->accrual == RT_DC_ACT_360 ? "actual/360" : "30/360"); sep = " "; }
    if (c->cap) { fprintf(m, "%scap ", sep); put_expr(m, c->cap, P_IF); }
}

char *fmt_class_line(const ast_class *c, fmt_refs *refs) { LINE_TEXT(refs, class_line(m, c)) }

static void decl_line(FILE *m, const ast_decl *x)
{
    static const char *const units[] = { "money", "rate", "number", "count", "date", "condition" };
    switch (x->kind) {
    case DK_DEFINE:
    case DK_FUND:
    case DK_DATE:
        put_expr(m, x->expr, P_IF);
        break;
    case DK_TRIGGER:
        put_expr(m, x->expr, P_IF);
        if (x->sticky) fputs(", once in effect remains in effect", m);
        break;
    case DK_ACCOUNT: {
        const char *sep = "";
        if (x->has_initial) { fputs("initial ", m); put_money(m, x->initial); sep = " "; }
        if (x->interest) { fprintf(m, "%sinterest ", sep); put_expr(m, x->interest, P_IF); }
        break;
    }
    case DK_INPUT:
        fprintf(m, "input %s", units[x->unit]);
        break;
    case DK_SCHEDULE:
        for (int i = 0; i < x->entries.n; i++) {
            const ast_sched_entry *en = x->entries.v[i];
            if (i) fputc(' ', m);
            if (en->to < 0) fputs("thereafter: ", m);
            else if (en->from == en->to) fprintf(m, "%d: ", en->from);
            else fprintf(m, "%d to %d: ", en->from, en->to);
            put_expr(m, en->value, P_IF);
            fputc(';', m);
        }
        break;
    default:
        break;
    }
}

char *fmt_decl_line(const ast_decl *x, fmt_refs *refs) { LINE_TEXT(refs, decl_line(m, x)) }
char *fmt_line_text(const ast_line *l)
{
    ITEM_TEXT((void)p; if (l->label) { put_string(m, l->label); fputs(" = ", m); fmt_expr(m, l->expr); fputc(';', m); }
              else fputs("classes;", m))
}

/* ---- the order of section labels ---- */

static int roman(const char *s, int n)
{
    int v = 0, prev = 0;
    for (int i = n - 1; i >= 0; i--) {
        int d;
        switch (s[i]) {
        case 'i': d = 1; break; case 'v': d = 5; break; case 'x': d = 10; break;
        case 'l': d = 50; break; case 'c': d = 100; break; case 'd': d = 500; break; case 'm': d = 1000; break;
        default: return -1;
        }
        v += d < prev ? -d : d;
        if (d > prev) prev = d;
    }
    return v;
}

int fmt_label_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
            if (x != y) return x < y ? -1 : 1;
            continue;
        }
        if (*a == '(' && *b == '(') {
            const char *ea = strchr(a, ')'), *eb = strchr(b, ')');
            if (ea && eb) {
                int na = (int)(ea - a - 1), nb = (int)(eb - b - 1);
                int ra = roman(a + 1, na), rb = roman(b + 1, nb);
                /* a level of (i), (ii), ... compares as numbers; (a), (b)
                 * and single letters alike compare as letters */
                int c = ra > 0 && rb > 0 && (na > 1 || nb > 1) ? (ra > rb) - (ra < rb)
                      : strncmp(a + 1, b + 1, (size_t)(na < nb ? na : nb));
                if (!c) c = (na > nb) - (na < nb);
                if (c) return c;
                a = ea + 1;
                b = eb + 1;
                continue;
            }
        }
        if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return (*a != 0) - (*b != 0);
}

