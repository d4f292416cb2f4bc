/*
 * ast.h — the syntax tree of a deal, built by the parser, annotated by sema.
 *
 * In:  constructor calls from grammar actions (grammar/parser.y), one per rule.
 * Out: an ast_deal: the header, and one list per kind of declaration, in
 *      source order. Sema fills the fields marked "sema:".
 * Ownership: every node, list and string lives in the compilation's arena.
 *      Names are interned (compare with ==).
 */
#ifndef DEALC_AST_H
#define DEALC_AST_H

#include <stdio.h>
#include "arena.h"
#include "diag.h"
#include "../runtime/dealrt.h"

/* Expression kinds: the enum and its names for --emit=ast come from here. */
#define AST_EXPR_KINDS(X)                                                    \
    X(NUM,       "number")        /* literal: num, unit                    */ \
    X(NAME,      "name")          /* "Defined Term": input/define/schedule */ \
    X(POOL,      "pool")          /* pool quantity: field (RT_GR_*), group */ \
    X(CLASSQ,    "class")         /* class quantity over a class list      */ \
    X(PARTYQ,    "party")         /* paid to "Party"                       */ \
    X(AVAIL,     "available")     /* available at "CLAUSE": its fund's cash then */ \
    X(GLOBAL,    "global")        /* distribution number, payment date     */ \
    X(NEG,       "neg")                                                      \
    X(NOT,       "not")                                                      \
    X(BIN,       "binary")        /* op, a, b                              */ \
    X(OF,        "of")            /* rate of amount: a * b                 */ \
    X(PER_ANNUM, "per-annum")     /* rate per annum of amount, 30/360 month */ \
    X(IF,        "if")            /* if a then b else c                    */ \
    X(MIN,       "min")           /* args                                  */ \
    X(MAX,       "max")                                                      \
    X(BAD,       "error")         /* stands in after a reported error      */ \
    X(HOLDER,    "account")       /* balance of an account: field RT_F_*, ref */ \
    X(FIRSTWHEN, "first-when")    /* first distribution on which a: a date's memory */ \
    X(DISTDATE,  "distribution")  /* the payment date of distribution num  */

#define AST_ENUM(n, s) EX_##n,
typedef enum ast_expr_kind { AST_EXPR_KINDS(AST_ENUM) EX__COUNT } ast_expr_kind;
#undef AST_ENUM
extern const char *const ast_expr_kind_names[];

#define AST_OPS(X)                                                           \
    X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/")                          \
    X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=") X(EQ, "=") X(NE, "<>")    \
    X(AND, "and") X(OR, "or")
#define AST_ENUM(n, s) OP_##n,
typedef enum ast_op { AST_OPS(AST_ENUM) OP__COUNT } ast_op;
#undef AST_ENUM
extern const char *const ast_op_names[];

/* Class quantities: which field of which phase. */
#define AST_CLASSQ(X)                                                         \
    X(BALANCE,        "balance of",          RT_C_BEGIN_BALANCE, 0)          \
    X(ENDING_BALANCE, "ending balance of",   RT_C_END_BALANCE, 1)            \
    X(ORIGINAL,       "original balance of", RT_C_ORIGINAL, 0)               \
    X(COUPON,         "coupon of",           RT_C_COUPON, 0)                 \
    X(INTEREST_DUE,   "interest due on",     RT_C_INTEREST_DUE, 0)           \
    X(INTEREST_PAID,  "interest paid to",    RT_C_INTEREST_PAID, 1)          \
    X(SHORTFALL,      "interest shortfall on", RT_C_INTEREST_SHORTFALL, 1)   \
    X(PRINCIPAL_PAID, "principal paid to",   RT_C_PRINCIPAL_PAID, 1)         \
    X(UNPAID,         "unpaid interest on",  RT_C_UNPAID_BEGIN, 0)           \
    X(ENDING_UNPAID,  "ending unpaid interest on", RT_C_UNPAID_END, 1)       \
    X(DRAWN,          "drawn on",            RT_C_DRAWN, 1)                  \
    X(WRITEDOWN,      "realized losses on",  RT_C_WRITEDOWN, 1)              \
    X(LOSSES,         "unpaid losses on",    RT_C_LOSS_BEGIN, 0)             \
    X(ENDING_LOSSES,  "ending unpaid losses on", RT_C_LOSS_END, 1)           \
    X(BASIS,          "basis risk shortfall on", RT_C_BASIS_DUE, 0)          \
    X(UNPAID_BASIS,   "unpaid basis risk on", RT_C_BASIS_BEGIN, 0)           \
    X(ENDING_BASIS,   "ending unpaid basis risk on", RT_C_BASIS_END, 1)
#define AST_ENUM(n, s, f, p) CQ_##n,
typedef enum ast_classq { AST_CLASSQ(AST_ENUM) CQ__COUNT } ast_classq_kind;
#undef AST_ENUM
extern const char *const ast_classq_names[];
extern const int ast_classq_field[];
extern const int ast_classq_after[];  /* 1: known only after payments */

/* One item of a class list: "A-1" or "A-1" .. "A-5". */
typedef struct ast_classref {
    const char *first, *last;  /* last NULL for a single class */
    src_loc loc, last_loc;
} ast_classref;

typedef struct ast_expr ast_expr;
typedef struct ast_decl ast_decl;
struct ast_expr {
    ast_expr_kind kind;
    src_loc loc;
    rt_dec num;            /* NUM */
    rt_unit lit_unit;      /* NUM: the literal's unit */
    const char *name;      /* NAME; POOL/CLASSQ: the group name if given; PARTYQ: party */
    src_loc name_loc;
    int field;             /* POOL: RT_GR_*; CLASSQ: ast_classq; GLOBAL: RT_G_*;
                              PARTYQ: RT_P_*; HOLDER: RT_F_*; MIN/MAX: 1 if
                              written "earlier of"/"later of"; DISTDATE: sema,
                              the day number of that distribution */
    ptrvec classes;        /* CLASSQ: ast_classref* */
    ast_op op;             /* BIN */
    ast_expr *a, *b, *c;   /* operands */
    ptrvec args;           /* MIN/MAX: ast_expr* */
    /* sema: */
    rt_unit unit;          /* the value's unit */
    int after;             /* its phase: 0 known before payments; k + 1 known once
                              clause k is about to run (cash available at it);
                              PHASE_AFTER only after all payments */
    int ref;               /* POOL: group index; PARTYQ: party index; HOLDER:
                              holder index; FIRSTWHEN: the date's memory index */
    ast_decl *decl;        /* NAME: the input, definition, fund or schedule */
    int *class_idx;        /* CLASSQ: resolved classes */
    int nclass_idx;
    int site;              /* codegen: rt_add_site id for runtime errors, or -1 */
    int depth;             /* 1 + the deepest operand: bounded by AST_MAX_DEPTH */
    const char *amends;    /* IF: an amendment's switch from the old formula of
                              this definition (b) to the new (c's replacement) */
};

/* Every later stage walks expressions recursively; bounding their depth
 * here keeps that safe from the C stack, whatever the input (a chain of a
 * million additions is as deep as a million nested parentheses). */
#define AST_MAX_DEPTH 1000

/* the phase of a figure known only after the whole priority of payments */
#define PHASE_AFTER (1 << 30)

typedef enum ast_clause_kind {
    CL_PAY_PARTY,      /* pay AMOUNT to "Party" (or to a fund or account) */
    CL_PAY_INTEREST,   /* pay interest to CLASSES (pro rata|sequentially) */
    CL_PAY_PRINCIPAL,  /* pay AMOUNT as principal to CLASSES (...)      */
    CL_PAY_UNPAID,     /* pay unpaid interest to CLASSES (...): what earlier
                        * dates left unpaid                             */
    CL_PAY_LOSSES,     /* pay unpaid losses to CLASSES (...): realized
                        * losses written down on earlier dates          */
    CL_PAY_BASIS,      /* pay basis risk shortfall to CLASSES (...)     */
    CL_REIMBURSE,      /* pay reimbursement to "Insurer": its draws     */
    CL_DRAW,           /* draw AMOUNT from "SOURCE": cash into the fund */
    CL_PURCHASE        /* purchase additional balances for "GROUP"      */
} ast_clause_kind;

typedef enum ast_order { ORDER_NONE, ORDER_SEQUENTIAL, ORDER_PRO_RATA } ast_order;

typedef struct ast_clause {
    const char *label;      /* "(ii)" as written */
    const char *full_label; /* sema: "3.05(a)(ii)" */
    src_loc loc, label_loc;
    ast_clause_kind kind;
    ast_expr *amount;       /* NULL: remainder (or what is owed for CL_PAY_INTEREST/UNPAID) */
    int remainder;
    ptrvec payees;          /* ast_classref*: classes, or a single party */
    src_loc payee_loc;
    ast_expr *upto;         /* 'up to X': an account's target, a purchase's limit */
    const char *source;     /* CL_DRAW: what is drawn on; CL_PURCHASE: the group */
    src_loc source_loc;
    ast_order order;
    src_loc order_loc;
    const char *text;       /* the agreement's words, if attached */
    /* amendments: the clause is in force on payment dates in [from, to)
     * (day numbers; 0 leaves that end open) */
    int from, to;
    const char *amended_by; /* the amendment that inserted or replaced it */
    /* sema: */
    int *class_idx, nclass_idx;
    int party;              /* CL_PAY_PARTY */
    int index;              /* clause number across the deal (rt_add_clause) */
    int flow, target;       /* rt_flow and what it names (rt_clause_flow) */
    int avail_after;        /* the phase from which the cash it finds is known:
                               once the clause before it in its fund has run
                               (see ast_expr.after) */
    const char *reconstructed; /* see ast_decl.reconstructed */
    int effective;          /* the effective date of amended_by (day number) */
} ast_clause;

typedef struct ast_waterfall {
    const char *section;    /* "3.05(a)" */
    src_loc loc, section_loc;
    const char *fund;       /* the fund or account it draws on */
    src_loc fund_loc;
    ast_expr *guard;        /* 'when COND': it runs only on dates COND holds */
    ptrvec clauses;         /* ast_clause* */
    int fund_idx;           /* sema: the holder's index (funds and accounts) */
} ast_waterfall;

/* A loss allocation: realized losses written down on classes, in steps. */
typedef struct ast_alloc_step {
    const char *label;      /* "(i)" */
    src_loc loc, label_loc;
    ptrvec payees;          /* ast_classref* */
    src_loc payee_loc;
    ast_order order;
    src_loc order_loc;
    const char *text;
    int *class_idx, nclass_idx; /* sema */
} ast_alloc_step;

typedef struct ast_alloc {
    const char *section;    /* "4.05" */
    src_loc loc, section_loc;
    ast_expr *against;      /* the collateral the classes are measured against */
    ptrvec steps;           /* ast_alloc_step* */
    int index;              /* sema: rt_add_alloc */
} ast_alloc;

/* A named declaration: group, input, party, define, fund, schedule, and the
 * declarations whose values carry from one payment date to the next:
 * accounts (a balance), insurers (their draws), triggers and dates. */
typedef enum ast_decl_kind {
    DK_GROUP, DK_INPUT, DK_PARTY, DK_RESIDUAL, DK_DEFINE, DK_FUND, DK_SCHEDULE,
    DK_ACCOUNT, DK_INSURER, DK_TRIGGER, DK_DATE
} ast_decl_kind;

typedef struct ast_sched_entry {
    int from, to;           /* distribution numbers; to = -1: thereafter; from = to for one */
    ast_expr *value;
    src_loc loc;
} ast_sched_entry;

/* One version of an amended definition: its own formula and words, and
 * the amendment that made it (NULL for the agreement's own), in force on
 * the payment dates from its effective date to the next version's. */
typedef struct ast_version {
    ast_expr *expr;
    const char *text, *amended_by, *reconstructed;
    int effective;          /* day number; 0 for the agreement's own */
} ast_version;

struct ast_decl {
    ast_decl_kind kind;
    const char *amended_by; /* the amendment that last changed it, or NULL */
    int effective;          /* ... and its effective date (day number) */
    const char *name;
    src_loc loc, name_loc;
    rt_unit unit;           /* INPUT: declared; DEFINE/SCHEDULE/FUND: sema */
    ast_expr *expr;         /* DEFINE, FUND */
    ptrvec entries;         /* SCHEDULE: ast_sched_entry* */
    const char *text;       /* legal text */
    int sticky;             /* TRIGGER: once in effect, remains in effect */
    int has_initial; rt_dec initial; src_loc initial_loc; /* ACCOUNT: at closing */
    ast_expr *interest;     /* ACCOUNT: interest earned each date, if any */
    /* sema: */
    int index;              /* dense index within its kind's runtime table
                               (funds and accounts share one; triggers and
                               dates share one) */
    int state;              /* sema's cycle walk: 0 new, 1 visiting, 2 done */
    int after;              /* phase (see ast_expr.after) */
    /* not the source document's: written by the encoder where the document
     * is not public or says nothing (`reconstructed "why"`); NULL when it is
     * the document's, "" when no reason is given */
    const char *reconstructed;
    ptrvec versions;        /* ast_version*, oldest first, once amended with
                               effect from a date (amend_apply, versioned);
                               empty: the one version above */
};

typedef struct ast_class {
    const char *name;
    src_loc loc, name_loc;
    int has_original; rt_dec original; src_loc original_loc;
    ast_expr *coupon;
    int has_accrual; rt_daycount accrual; src_loc accrual_loc;
    int has_delay; rt_dec delay; src_loc delay_loc; /* payment delay, days (analytics only) */
    const char *notional; src_loc notional_loc; /* schedule name: an IO class */
    int has_maximum; rt_dec maximum; src_loc maximum_loc; /* may grow to this */
    ast_expr *cap;          /* the coupon is at most this rate */
    const char *text;
    int index;              /* sema */
    int coupon_state;       /* sema's cycle walk: 0 new, 1 visiting, 2 done, 3 bad */
    ast_decl *notional_sched; /* sema */
    const char *reconstructed;  /* see ast_decl.reconstructed */
} ast_class;

/* A collateral line: RT_L_* fields from literals (servicing fee kept
 * apart: sema turns it into the net rate). */
#define CL_FEE RT_L_COUNT   /* the servicing fee's slot in field[] */
typedef struct ast_cline {
    const char *name;
    src_loc loc, name_loc;
    rt_dec field[RT_L_COUNT + 1];
    src_loc field_loc[RT_L_COUNT + 1];
    unsigned char has[RT_L_COUNT + 1];
    unsigned char written[RT_L_COUNT + 1]; /* as the deal gives it (sema fills
                                              has[] for the net rate and age) */
    const char *index;      /* the input giving an adjustable line's index */
    src_loc index_loc;
} ast_cline;

typedef struct ast_collateral {
    const char *group;
    src_loc loc, group_loc;
    ptrvec lines;           /* ast_cline* */
    int group_idx;          /* sema */
} ast_collateral;

/* A provision that moves no cash: a section's words under its label
 * (`section "11.01(a)(vi)" text "..."`). It compiles to nothing; diff,
 * consolidate and doc show it, and amendments may replace its words. */
typedef struct ast_section {
    const char *label;      /* "11.01(a)(vi)", as the agreement numbers it */
    src_loc loc, label_loc;
    const char *text;       /* its words */
    const char *reconstructed; /* see ast_decl.reconstructed */
    const char *amended_by; /* the amendment that last replaced its words */
    int effective;          /* ... and its effective date (day number) */
} ast_section;

typedef struct ast_line {
    const char *label;      /* NULL: the class table goes here */
    src_loc loc;
    ast_expr *expr;
} ast_line;

/* Every item of the deal in source order, for the formatter and diff. */
typedef enum ast_item_kind {
    IT_CLOSING, IT_FIRST_PAYMENT, IT_PAYMENT_DAY, IT_CUTOFF, IT_CLEANUP,
    IT_DECL,            /* ptr: ast_decl */
    IT_NOTES,           /* first..last: class indexes in ast_deal.classes */
    IT_CERTIFICATES,
    IT_COLLATERAL,      /* ptr: ast_collateral */
    IT_WATERFALL,       /* ptr: ast_waterfall */
    IT_STATEMENT,       /* first..last: line indexes in ast_deal.lines */
    IT_ALLOCATION,      /* ptr: ast_alloc */
    IT_RETIRED,         /* retired classes show coupon 0% */
    IT_SECTION          /* ptr: ast_section */
} ast_item_kind;

typedef struct ast_item {
    ast_item_kind kind;
    src_loc loc;
    void *ptr;
    int first, last;    /* [first, last) */
} ast_item;

typedef struct ast_deal {
    const char *name;
    src_loc loc, name_loc;
    int has_closing, has_first_payment, has_payment_day;
    int closing, first_payment;   /* day numbers */
    src_loc closing_loc, first_payment_loc, payment_day_loc;
    int payment_day;
    rt_bdc bdc;
    ptrvec decls;           /* ast_decl*, all kinds, source order */
    ptrvec classes;         /* ast_class* */
    ptrvec waterfalls;      /* ast_waterfall* */
    ptrvec lines;           /* ast_line* */
    int has_statement;
    src_loc statement_loc;
    ptrvec collateral;      /* ast_collateral* */
    ptrvec items;           /* ast_item*, in source order */
    int has_cutoff, cutoff; src_loc cutoff_loc;          /* cut-off date */
    int has_cleanup; rt_dec cleanup; src_loc cleanup_loc; /* clean-up call */
    ptrvec allocs;          /* ast_alloc* */
    int retired_zero; src_loc retired_loc; /* retired classes show a 0% coupon */
    ptrvec sections;        /* ast_section*: provisions that move no cash */
} ast_deal;

/* ---- amendments (their own files) ---- */
typedef enum ast_amend_kind {
    AM_REPLACE_DEFINE, AM_REPLACE_CLAUSE, AM_INSERT_CLAUSE, AM_DELETE_CLAUSE,
    AM_REPLACE_SECTION,     /* replace text of section "LABEL" with "WORDS" */
    AM_INSERT_DEFINE,       /* insert definition "NAME" = EXPR: a term the agreement did not have */
    AM_INSERT_SECTION,      /* insert section "LABEL" text "WORDS": a provision it did not have */
    AM_DELETE_SECTION       /* delete section "LABEL" */
} ast_amend_kind;

typedef struct ast_amend_op {
    ast_amend_kind kind;
    src_loc loc;
    const char *target;     /* the definition's name, the clause's full label, or the section's label */
    src_loc target_loc;
    ast_expr *expr;         /* AM_REPLACE_DEFINE, AM_INSERT_DEFINE */
    const char *text;
    ast_clause *clause;     /* AM_REPLACE_CLAUSE, AM_INSERT_CLAUSE */
} ast_amend_op;

typedef struct ast_amendment {
    const char *title, *agreement, *under;
    src_loc loc, title_loc, agreement_loc, effective_loc;
    int dated, effective;   /* day numbers */
    ptrvec ops;             /* ast_amend_op* */
} ast_amendment;

/* ---- constructors called by grammar actions ---- */
typedef struct ast_builder {
    arena *arena;
    diag_ctx *diag;
    const src_file *file;
    int file_id;            /* the file's id in the diag_ctx (0: the first) */
    ast_deal *deal;         /* the result; NULL until the deal rule reduces */
    ast_amendment *amendment; /* or this, for an amendment's file */
    ast_waterfall *cur_wf;  /* the priority of payments being parsed */
    ast_alloc *cur_alloc;   /* the loss allocation being parsed */
    src_loc prev_tok;       /* the token before the lookahead (for "expected ';'") */
    ptrvec comments;        /* src_loc* of every comment, in source order (for fmt) */
    int class_mark;         /* classes before the current notes/certificates block */
    int items_seen;         /* items whose span is final */
    src_loc last_tok;       /* the lookahead */
    const char *pending_recon; /* a `reconstructed` mark for the item being built */
} ast_builder;

ast_expr *ast_num(ast_builder *b, src_loc loc, rt_dec v, rt_unit unit);
ast_expr *ast_name(ast_builder *b, src_loc loc, const char *name);
ast_expr *ast_pool(ast_builder *b, src_loc loc, int field, const char *group, src_loc gloc);
ast_expr *ast_classq(ast_builder *b, src_loc loc, int which, ptrvec classes);
/* field: RT_P_PAID, RT_P_DRAWN, RT_P_UNREIMB_BEGIN or RT_P_UNREIMB_END */
ast_expr *ast_partyq(ast_builder *b, src_loc loc, int field, const char *party, src_loc ploc);
ast_expr *ast_distdate(ast_builder *b, src_loc loc, rt_dec n);
/* "later of (...)" (later 1) or "earlier of (...)": max or min, so marked */
ast_expr *ast_later(ast_builder *b, src_loc loc, int later, ptrvec args);
ast_expr *ast_firstwhen(ast_builder *b, src_loc loc, ast_expr *cond);
ast_expr *ast_avail(ast_builder *b, src_loc loc, const char *clause, src_loc cloc);
ast_expr *ast_global(ast_builder *b, src_loc loc, int field);
ast_expr *ast_unary(ast_builder *b, src_loc loc, ast_expr_kind k, ast_expr *a);
ast_expr *ast_binary(ast_builder *b, src_loc loc, ast_op op, ast_expr *x, ast_expr *y);
ast_expr *ast_of(ast_builder *b, src_loc loc, ast_expr_kind k, ast_expr *x, ast_expr *y);
ast_expr *ast_if(ast_builder *b, src_loc loc, ast_expr *c, ast_expr *t, ast_expr *e);
ast_expr *ast_minmax(ast_builder *b, src_loc loc, ast_expr_kind k, ptrvec args);
ast_expr *ast_bad(ast_builder *b, src_loc loc);
/* a "(x)" token where an expression belongs: a number, or an error */
ast_expr *ast_label_expr(ast_builder *b, src_loc loc, const char *label);

ast_classref *ast_classref_new(ast_builder *b, const char *first, src_loc floc,
                               const char *last, src_loc lloc);

/* src_loc spanning two others */
src_loc ast_span(src_loc a, src_loc b);

void ast_dump(FILE *out, const ast_deal *d);

#endif
