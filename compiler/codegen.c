/*
 * codegen.c — see codegen.h. Lowers a checked deal to two functions:
 *
 *   dealc_describe(d)        a list of rt_add_* calls with constant arguments
 *   dealc_period(slot, run)  straight-line code over the flat slot array:
 *       1. definitions, coupons, interest due and fund deposits, in the order
 *          their dependencies require (each computed once, at top level);
 *       2. the priority of payments, clause by clause, keeping every fund
 *          balance and every class's running payments as SSA values (a
 *          definition that needs the cash available at a clause is
 *          computed where a later clause first needs it);
 *       3. the class and fund results stored to their slots;
 *       4. definitions known only after payments, then the statement lines.
 *
 * Values are i128 fixed point (dealrt.h). Addition, subtraction and
 * comparison are inline; multiplication and division call the runtime so
 * that overflow and division by zero are caught with the source position
 * (a "site") instead of wrapping or trapping. `slot` is noalias, so LLVM may
 * keep slot values in registers across those calls.
 */
#include "cg_internal.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Target.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lex.h"
#include "fmt.h"

enum {
#define RT_FN_ENUM(ret, n, ...) FN_##n,
    RT_ABI_FUNCS(RT_FN_ENUM)
#undef RT_FN_ENUM
    FN__COUNT
};
static const char *const rt_fn_names[] = {
#define RT_FN_NAME(ret, n, ...) #n,
    RT_ABI_FUNCS(RT_FN_NAME)
#undef RT_FN_NAME
};

typedef struct cg_site { const char *what; int line, col; } cg_site;

typedef struct cg {
    const sema_deal *s;
    const src_file *file;
    const cg_options *opts;
    arena scratch;
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    LLVMTypeRef i1, i32, i64, i128, ptr, voidt;
    LLVMTypeRef fnty[FN__COUNT];
    LLVMValueRef fn[FN__COUNT];
    LLVMValueRef period, slot, run;
    rt_layout L;
    /* values computed once per period, at top level (so they dominate) */
    LLVMValueRef *def_val, *coupon_val, *due_val, *fund_val;
    LLVMValueRef *int_paid, *prin_paid, *unpaid_paid, *party_paid, *fund_rem;
    LLVMValueRef *loss_paid, *basis_paid, *basis_due, *class_drawn; /* per class */
    LLVMValueRef *party_drawn, *party_reimb;  /* per party (insurers) */
    LLVMValueRef *purchased;     /* per group: paid for additional balances so far */
    LLVMValueRef *mem_val;       /* per trigger (i1) or date (i128) */
    LLVMValueRef *clause_avail;  /* the fund's cash as each clause starts */
    int *next_in_fund;           /* per clause: the next clause of its fund, or -1 */
    const char *what;       /* the construct being lowered, for sites */
    ptrvec sites;           /* cg_site* */
} cg;

/* ---- small helpers ---- */

static LLVMValueRef k128(cg *g, rt_dec v)
{
    uint64_t words[2] = { (uint64_t)(unsigned __int128)v, (uint64_t)((unsigned __int128)v >> 64) };
    return LLVMConstIntOfArbitraryPrecision(g->i128, 2, words);
}

static LLVMValueRef k32(cg *g, int v) { return LLVMConstInt(g->i32, (unsigned long long)(long long)v, 1); }

static LLVMValueRef slot_ptr(cg *g, int idx)
{
    LLVMValueRef i = LLVMConstInt(g->i64, (unsigned long long)idx, 0);
    return LLVMBuildInBoundsGEP2(g->b, g->i128, g->slot, &i, 1, "");
}

static LLVMValueRef load_slot(cg *g, int idx)
{
    return LLVMBuildLoad2(g->b, g->i128, slot_ptr(g, idx), "");
}

static void store_slot(cg *g, int idx, LLVMValueRef v)
{
    LLVMBuildStore(g->b, v, slot_ptr(g, idx));
}

static LLVMValueRef call(cg *g, int fn, LLVMValueRef *args, unsigned n)
{
    return LLVMBuildCall2(g->b, g->fnty[fn], g->fn[fn], args, n, "");
}

static int site(cg *g, src_loc loc)
{
    cg_site *s = arena_alloc(&g->scratch, sizeof *s);
    s->what = g->what ? g->what : "the deal";
    s->line = loc.line;
    s->col = loc.col;
    ptrvec_push(&g->scratch, &g->sites, s);
    return g->sites.n - 1;
}

static LLVMValueRef smin(cg *g, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, a, b, ""), a, b, "");
}

static LLVMValueRef smax(cg *g, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSGT, a, b, ""), a, b, "");
}

static LLVMValueRef round_cents(cg *g, LLVMValueRef v)
{
    LLVMValueRef a[1] = { v };
    return call(g, FN_rt_dec_round_cents, a, 1);
}

/* Is a money expression a whole number of cents by construction? Amounts
 * read from slots, literals, definitions and interest are; sums,
 * differences, negations, minima, maxima and conditionals of such are.
 * Rounding those again is the identity, so it is left out: the rounding
 * call is much of the cost of a projected period. */
static int exact_cents(const ast_expr *e)
{
    switch (e->kind) {
    case EX_NUM: return e->lit_unit == RT_UNIT_MONEY;
    case EX_NAME: return e->decl && e->decl->unit == RT_UNIT_MONEY;
    case EX_POOL: case EX_CLASSQ: case EX_PARTYQ: case EX_AVAIL: case EX_PER_ANNUM:
        return e->unit == RT_UNIT_MONEY;
    case EX_NEG: return exact_cents(e->a);
    case EX_BIN: return (e->op == OP_ADD || e->op == OP_SUB) && exact_cents(e->a) && exact_cents(e->b);
    case EX_IF: return exact_cents(e->b) && exact_cents(e->c);
    case EX_MIN: case EX_MAX:
        for (int i = 0; i < e->args.n; i++)
            if (!exact_cents(e->args.v[i])) return 0;
        return 1;
    default: return 0;
    }
}

static LLVMValueRef to_slot_value_of(cg *g, LLVMValueRef v, const ast_expr *e, int unit)
{
    /* conditions live as i1 in SSA and as 0 / 1.0 in slots */
    if (unit == RT_UNIT_BOOL) return LLVMBuildSelect(g->b, v, k128(g, RT_SCALE), k128(g, 0), "");
    if (unit == RT_UNIT_MONEY && !(e && exact_cents(e))) return round_cents(g, v);
    return v;
}


/* an alloca in the entry block, so LLVM can promote or reuse it */
static LLVMValueRef entry_alloca(cg *g, LLVMTypeRef ty, int n)
{
    LLVMBasicBlockRef cur = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(g->period);
    LLVMValueRef first = LLVMGetFirstInstruction(entry);
    if (first) LLVMPositionBuilderBefore(g->b, first);
    else LLVMPositionBuilderAtEnd(g->b, entry);
    LLVMValueRef a = LLVMBuildArrayAlloca(g->b, ty, k32(g, n), "");
    LLVMSetAlignment(a, 16);
    LLVMPositionBuilderAtEnd(g->b, cur);
    return a;
}

/* When cond holds: record the failure (rt_fail) and go on; the runtime
 * reports the run failed after the period. The test is a branch, so the
 * common path costs one compare. */
static void fail_if(cg *g, LLVMValueRef cond, int what, int index, LLVMValueRef a, LLVMValueRef b)
{
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(g->ctx, g->period, "fail");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(g->ctx, g->period, "ok");
    LLVMBuildCondBr(g->b, cond, bad, ok);
    LLVMPositionBuilderAtEnd(g->b, bad);
    LLVMValueRef args[5] = { g->run, k32(g, what), k32(g, index), a, b };
    call(g, FN_rt_fail, args, 5);
    LLVMBuildBr(g->b, ok);
    LLVMPositionBuilderAtEnd(g->b, ok);
}

/* ---- dependencies: compute what an expression needs, at top level ---- */

static void need_decl(cg *g, ast_decl *x);
static void need_due(cg *g, int c);
static LLVMValueRef gen(cg *g, ast_expr *e);

static void prep(cg *g, ast_expr *e)
{
    if (!e) return;
    switch (e->kind) {
    case EX_NAME:
        if (e->decl) need_decl(g, e->decl);
        return;
    case EX_CLASSQ:
        if (e->field == CQ_COUPON || e->field == CQ_INTEREST_DUE || e->field == CQ_BASIS)
            for (int i = 0; i < e->nclass_idx; i++) need_due(g, e->class_idx[i]);
        return;
    default:
        break;
    }
    prep(g, e->a);
    prep(g, e->b);
    prep(g, e->c);
    for (int i = 0; i < e->args.n; i++) prep(g, e->args.v[i]);
}

static LLVMValueRef gen_schedule(cg *g, ast_decl *x, LLVMValueRef n)
{
    LLVMValueRef v = k128(g, 0);
    for (int i = 0; i < x->entries.n; i++) {
        ast_sched_entry *en = x->entries.v[i];
        if (en->to < 0) v = gen(g, en->value);
    }
    for (int i = x->entries.n - 1; i >= 0; i--) {
        ast_sched_entry *en = x->entries.v[i];
        if (en->to < 0) continue;
        LLVMValueRef lo = LLVMBuildICmp(g->b, LLVMIntSGE, n, k128(g, (rt_dec)en->from * RT_SCALE), "");
        LLVMValueRef hi = LLVMBuildICmp(g->b, LLVMIntSLE, n, k128(g, (rt_dec)en->to * RT_SCALE), "");
        v = LLVMBuildSelect(g->b, LLVMBuildAnd(g->b, lo, hi, ""), gen(g, en->value), v, "");
    }
    return v;
}

static void need_decl(cg *g, ast_decl *x)
{
    const char *saved = g->what;
    switch (x->kind) {
    case DK_DEFINE:
        if (g->def_val[x->index]) return;
        prep(g, x->expr);
        g->what = arena_printf(&g->scratch, "definition \"%s\"", x->name);
        {
            LLVMValueRef v = gen(g, x->expr);
            LLVMValueRef sv = to_slot_value_of(g, v, x->expr, x->unit);
            store_slot(g, RT_SLOT_DEF(&g->L, x->index), sv);
            /* money is carried rounded, as the trustee computes it */
            g->def_val[x->index] = x->unit == RT_UNIT_MONEY ? sv : v;
        }
        break;
    case DK_FUND:
    case DK_ACCOUNT: {
        if (g->fund_val[x->index]) return;
        ast_expr *dep = x->kind == DK_FUND ? x->expr : x->interest;
        prep(g, dep);
        g->what = arena_printf(&g->scratch, "%s \"%s\"", x->kind == DK_FUND ? "fund" : "account", x->name);
        LLVMValueRef v = dep ? to_slot_value_of(g, gen(g, dep), dep, RT_UNIT_MONEY) : k128(g, 0);
        /* nothing is paid from less than nothing: a negative deposit stops
         * the run here, naming the fund, not at the first payee */
        if (dep) fail_if(g, LLVMBuildICmp(g->b, LLVMIntSLT, v, k128(g, 0), ""), RT_FAIL_NEGATIVE_DEPOSIT, x->index, v, k128(g, 0));
        g->fund_val[x->index] = v;
        store_slot(g, RT_SLOT_FUND(&g->L, x->index, RT_F_DEPOSIT), v);
        /* an account starts from what it held; a fund from nothing */
        g->fund_rem[x->index] = x->kind == DK_ACCOUNT
            ? LLVMBuildAdd(g->b, load_slot(g, RT_SLOT_FUND(&g->L, x->index, RT_F_BEGIN)), v, "") : v;
        break;
    }
    case DK_TRIGGER: {
        if (g->mem_val[x->index]) return;
        prep(g, x->expr);
        g->what = arena_printf(&g->scratch, "trigger \"%s\"", x->name);
        LLVMValueRef v = gen(g, x->expr);
        if (x->sticky) {
            /* once in effect, it remains in effect */
            LLVMValueRef prior = LLVMBuildICmp(g->b, LLVMIntNE, load_slot(g, RT_SLOT_MEMORY(&g->L, x->index, RT_M_PRIOR)),
                                               k128(g, 0), "");
            v = LLVMBuildOr(g->b, prior, v, "");
        }
        LLVMValueRef sv = to_slot_value_of(g, v, NULL, RT_UNIT_BOOL);
        store_slot(g, RT_SLOT_MEMORY(&g->L, x->index, RT_M_VALUE), sv);
        store_slot(g, RT_SLOT_MEMORY(&g->L, x->index, RT_M_CARRY), sv);
        g->mem_val[x->index] = v;
        break;
    }
    case DK_DATE: {
        if (g->mem_val[x->index]) return;
        prep(g, x->expr);
        g->what = arena_printf(&g->scratch, "date \"%s\"", x->name);
        /* without 'first distribution on which' nothing is remembered */
        store_slot(g, RT_SLOT_MEMORY(&g->L, x->index, RT_M_CARRY), k128(g, 0));
        LLVMValueRef v = gen(g, x->expr);
        store_slot(g, RT_SLOT_MEMORY(&g->L, x->index, RT_M_VALUE), v);
        g->mem_val[x->index] = v;
        break;
    }
    case DK_SCHEDULE:
        for (int i = 0; i < x->entries.n; i++) prep(g, ((ast_sched_entry *)x->entries.v[i])->value);
        break;
    default:
        break;
    }
    g->what = saved;
}

static void need_due(cg *g, int c)
{
    if (g->due_val[c]) return;
    ast_class *k = g->s->classes.v[c];
    prep(g, k->coupon);
    const char *saved = g->what;
    g->what = arena_printf(&g->scratch, "the coupon of class \"%s\"", k->name);
    LLVMValueRef stated = gen(g, k->coupon), coupon = stated;
    LLVMValueRef begin = load_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_BEGIN_BALANCE));
    if (k->cap) {
        /* the coupon is at most the cap; what the cap withholds is carried
         * forward as a basis risk shortfall */
        prep(g, k->cap);
        g->what = arena_printf(&g->scratch, "the coupon cap of class \"%s\"", k->name);
        LLVMValueRef cap = gen(g, k->cap);
        fail_if(g, LLVMBuildICmp(g->b, LLVMIntSLT, cap, k128(g, 0), ""), RT_FAIL_NEGATIVE_CAP, c, cap, k128(g, 0));
        coupon = smin(g, stated, cap);
    }
    if (g->s->ast->retired_zero)
        /* the trustee shows a class with nothing outstanding at 0% */
        coupon = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, begin, k128(g, 0), ""), k128(g, 0), coupon, "");
    g->coupon_val[c] = coupon;
    store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_COUPON), coupon);
    g->what = arena_printf(&g->scratch, "the interest due on class \"%s\"", k->name);
    LLVMValueRef days = load_slot(g, k->accrual == RT_DC_ACT_360 ? RT_G_DAYS_ACTUAL : RT_G_DAYS_30_360);
    int st = site(g, k->coupon->loc);
    LLVMValueRef args[6] = { g->run, k32(g, 360), k32(g, st), begin, coupon, days };
    g->due_val[c] = call(g, FN_rt_dec_interest, args, 6);
    store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_INTEREST_DUE), g->due_val[c]);
    g->basis_due[c] = k128(g, 0);
    if (k->cap) {
        /* interest at the stated coupon, on the balance and on what the cap
         * withheld before: the difference from what is due is this date's
         * basis risk shortfall */
        LLVMValueRef full[6] = { g->run, k32(g, 360), k32(g, st), begin, stated, days };
        LLVMValueRef carried[6] = { g->run, k32(g, 360), k32(g, st),
                                    load_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_BASIS_BEGIN)), stated, days };
        g->basis_due[c] = LLVMBuildAdd(g->b, LLVMBuildSub(g->b, call(g, FN_rt_dec_interest, full, 6), g->due_val[c], ""),
                                       call(g, FN_rt_dec_interest, carried, 6), "");
    }
    store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_BASIS_DUE), g->basis_due[c]);
    g->what = saved;
}

/* ---- expressions ---- */

static LLVMValueRef gen_branchy(cg *g, ast_expr *e);

static LLVMValueRef class_field_sum(cg *g, ast_expr *e)
{
    LLVMValueRef sum = NULL;
    for (int i = 0; i < e->nclass_idx; i++) {
        int c = e->class_idx[i];
        LLVMValueRef v;
        switch (e->field) {
        case CQ_COUPON: v = g->coupon_val[c]; break;
        case CQ_INTEREST_DUE: v = g->due_val[c]; break;
        case CQ_BASIS: v = g->basis_due[c]; break;
        default: v = load_slot(g, RT_SLOT_CLASS(&g->L, c, ast_classq_field[e->field])); break;
        }
        sum = sum ? LLVMBuildAdd(g->b, sum, v, "") : v;
    }
    return sum ? sum : k128(g, 0);
}

static LLVMValueRef gen(cg *g, ast_expr *e)
{
    switch (e->kind) {
    case EX_NUM:
        if (e->lit_unit == RT_UNIT_BOOL) return LLVMConstInt(g->i1, e->num != 0, 0);
        return k128(g, e->num);
    case EX_NAME: {
        ast_decl *x = e->decl;
        switch (x->kind) {
        case DK_INPUT: {
            LLVMValueRef v = load_slot(g, RT_SLOT_INPUT(&g->L, x->index));
            if (x->unit == RT_UNIT_BOOL) return LLVMBuildICmp(g->b, LLVMIntNE, v, k128(g, 0), "");
            return v;
        }
        case DK_DEFINE: return g->def_val[x->index];
        case DK_FUND: return g->fund_val[x->index];
        case DK_TRIGGER: case DK_DATE: return g->mem_val[x->index];
        case DK_SCHEDULE: return gen_schedule(g, x, load_slot(g, RT_G_DIST_NUMBER));
        default: return k128(g, 0);
        }
    }
    case EX_POOL:
        return load_slot(g, RT_SLOT_GROUP(&g->L, e->ref, e->field));
    case EX_CLASSQ:
        return class_field_sum(g, e);
    case EX_PARTYQ:
        return load_slot(g, RT_SLOT_PARTY(&g->L, e->ref, e->field));
    case EX_HOLDER:
        return load_slot(g, RT_SLOT_FUND(&g->L, e->ref, e->field));
    case EX_DISTDATE:
        return k128(g, (rt_dec)e->field * RT_SCALE);
    case EX_FIRSTWHEN: {
        /* the payment date the condition first held, remembered from then
         * on; a date that has not occurred is after every payment date */
        LLVMValueRef prior = load_slot(g, RT_SLOT_MEMORY(&g->L, e->ref, RT_M_PRIOR));
        LLVMValueRef cond = gen(g, e->a);
        LLVMValueRef today = LLVMBuildSelect(g->b, cond, load_slot(g, RT_G_PAYMENT_DATE), k128(g, 0), "");
        LLVMValueRef had = LLVMBuildICmp(g->b, LLVMIntNE, prior, k128(g, 0), "");
        LLVMValueRef occurred = LLVMBuildSelect(g->b, had, prior, today, "");
        store_slot(g, RT_SLOT_MEMORY(&g->L, e->ref, RT_M_CARRY), occurred);
        return LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntNE, occurred, k128(g, 0), ""), occurred,
                               k128(g, (rt_dec)RT_DATE_NEVER * RT_SCALE), "");
    }
    case EX_AVAIL:
        return g->clause_avail[e->ref];
    case EX_GLOBAL:
        return load_slot(g, e->field);
    case EX_NEG:
        return LLVMBuildSub(g->b, k128(g, 0), gen(g, e->a), "");
    case EX_NOT:
        return LLVMBuildNot(g->b, gen(g, e->a), "");
    case EX_BIN: {
        if (e->op == OP_AND || e->op == OP_OR) return gen_branchy(g, e);
        LLVMValueRef a = gen(g, e->a), b = gen(g, e->b);
        switch (e->op) {
        case OP_ADD: return LLVMBuildAdd(g->b, a, b, "");
        case OP_SUB: return LLVMBuildSub(g->b, a, b, "");
        case OP_MUL: case OP_DIV: {
            LLVMValueRef args[4] = { g->run, a, b, k32(g, site(g, e->loc)) };
            return call(g, e->op == OP_MUL ? FN_rt_dec_mul : FN_rt_dec_div, args, 4);
        }
        case OP_LT: return LLVMBuildICmp(g->b, LLVMIntSLT, a, b, "");
        case OP_LE: return LLVMBuildICmp(g->b, LLVMIntSLE, a, b, "");
        case OP_GT: return LLVMBuildICmp(g->b, LLVMIntSGT, a, b, "");
        case OP_GE: return LLVMBuildICmp(g->b, LLVMIntSGE, a, b, "");
        case OP_EQ: return LLVMBuildICmp(g->b, LLVMIntEQ, a, b, "");
        case OP_NE: return LLVMBuildICmp(g->b, LLVMIntNE, a, b, "");
        default: return k128(g, 0);
        }
    }
    case EX_OF: {
        LLVMValueRef args[4] = { g->run, gen(g, e->a), gen(g, e->b), k32(g, site(g, e->loc)) };
        return call(g, FN_rt_dec_mul, args, 4);
    }
    case EX_PER_ANNUM: {
        /* a yearly rate for one 30/360 month: amount * rate * 30 / 360,
         * rounded once to the cent */
        LLVMValueRef rate = gen(g, e->a), amount = gen(g, e->b);
        LLVMValueRef args[6] = { g->run, k32(g, 360), k32(g, site(g, e->loc)), amount, rate, k128(g, 30 * RT_SCALE) };
        return call(g, FN_rt_dec_interest, args, 6);
    }
    case EX_IF:
        return gen_branchy(g, e);
    case EX_MIN:
    case EX_MAX: {
        LLVMValueRef v = gen(g, e->args.v[0]);
        for (int i = 1; i < e->args.n; i++) {
            LLVMValueRef x = gen(g, e->args.v[i]);
            v = e->kind == EX_MIN ? smin(g, v, x) : smax(g, v, x);
        }
        return v;
    }
    default:
        return k128(g, 0);
    }
}

/* if/then/else, and/or: real branches, so an untaken side (a division
 * guarded by a test) is never evaluated */
static LLVMValueRef gen_branchy(cg *g, ast_expr *e)
{
    LLVMValueRef c = gen(g, e->a);
    LLVMBasicBlockRef bt = LLVMAppendBasicBlockInContext(g->ctx, g->period, e->kind == EX_IF ? "then" : "rhs");
    LLVMBasicBlockRef bf = e->kind == EX_IF ? LLVMAppendBasicBlockInContext(g->ctx, g->period, "else") : NULL;
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(g->ctx, g->period, "join");
    LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
    if (e->kind == EX_IF) {
        LLVMBuildCondBr(g->b, c, bt, bf);
        LLVMPositionBuilderAtEnd(g->b, bt);
        LLVMValueRef vt = gen(g, e->b);
        LLVMBasicBlockRef et = LLVMGetInsertBlock(g->b);
        LLVMBuildBr(g->b, join);
        LLVMPositionBuilderAtEnd(g->b, bf);
        LLVMValueRef vf = gen(g, e->c);
        LLVMBasicBlockRef ef = LLVMGetInsertBlock(g->b);
        LLVMBuildBr(g->b, join);
        LLVMPositionBuilderAtEnd(g->b, join);
        LLVMValueRef phi = LLVMBuildPhi(g->b, LLVMTypeOf(vt), "");
        LLVMValueRef vals[2] = { vt, vf };
        LLVMBasicBlockRef blocks[2] = { et, ef };
        LLVMAddIncoming(phi, vals, blocks, 2);
        return phi;
    }
    /* and: rhs only when lhs is true; or: rhs only when lhs is false */
    if (e->op == OP_AND) LLVMBuildCondBr(g->b, c, bt, join);
    else LLVMBuildCondBr(g->b, c, join, bt);
    LLVMPositionBuilderAtEnd(g->b, bt);
    LLVMValueRef r = gen(g, e->b);
    LLVMBasicBlockRef er = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, join);
    LLVMPositionBuilderAtEnd(g->b, join);
    LLVMValueRef phi = LLVMBuildPhi(g->b, g->i1, "");
    LLVMValueRef vals[2] = { LLVMConstInt(g->i1, e->op == OP_OR, 0), r };
    LLVMBasicBlockRef blocks[2] = { from, er };
    LLVMAddIncoming(phi, vals, blocks, 2);
    return phi;
}

/* ---- the priority of payments ---- */

/* Pro rata: weights to an alloca'd array, one runtime call, shares back. */
static void pro_rata(cg *g, LLVMValueRef amount, int n, LLVMValueRef *weight, LLVMValueRef *out)
{
    LLVMValueRef w = entry_alloca(g, g->i128, n), o = entry_alloca(g, g->i128, n);
    for (int i = 0; i < n; i++) {
        LLVMValueRef idx = LLVMConstInt(g->i64, (unsigned long long)i, 0);
        LLVMBuildStore(g->b, weight[i], LLVMBuildInBoundsGEP2(g->b, g->i128, w, &idx, 1, ""));
    }
    LLVMValueRef args[4] = { amount, k32(g, n), w, o };
    call(g, FN_rt_alloc_pro_rata, args, 4);
    for (int i = 0; i < n; i++) {
        LLVMValueRef idx = LLVMConstInt(g->i64, (unsigned long long)i, 0);
        out[i] = LLVMBuildLoad2(g->b, g->i128, LLVMBuildInBoundsGEP2(g->b, g->i128, o, &idx, 1, ""), "");
    }
}

/* A clause's amount: what it asks for, in cents, never below zero (a
 * negative amount stops the run; nothing is clamped). */
static LLVMValueRef clause_amount(cg *g, ast_clause *c, ast_expr *e, LLVMValueRef active)
{
    prep(g, e);
    LLVMValueRef v = to_slot_value_of(g, gen(g, e), e, RT_UNIT_MONEY);
    LLVMValueRef neg = LLVMBuildICmp(g->b, LLVMIntSLT, v, k128(g, 0), "");
    if (active) neg = LLVMBuildAnd(g->b, neg, active, "");
    fail_if(g, neg, RT_FAIL_NEGATIVE_AMOUNT, c->index, v, k128(g, 0));
    return smax(g, v, k128(g, 0));
}

/* amount (at most the sum of the claims) shared out: in proportion to the
 * claims, or first claim first */
static void split(cg *g, LLVMValueRef amount, int n, LLVMValueRef *claim, LLVMValueRef *out, ast_order order)
{
    if (order == ORDER_PRO_RATA) {
        pro_rata(g, amount, n, claim, out);
        return;
    }
    LLVMValueRef left = amount;
    for (int i = 0; i < n; i++) {
        out[i] = smin(g, claim[i], left);
        left = LLVMBuildSub(g->b, left, out[i], "");
    }
}

/* What the fund's next clause will find is known once this one has run
 * (sema's ast_clause.avail_after), though other funds' clauses may run
 * first. (A fund that other waterfalls' clauses pay into or draw on is
 * known only as its clause runs: sema allows no earlier use, and the
 * clause takes the fresh balance.) */
static void next_in_fund_finds(cg *g, const ast_clause *c, int fund)
{
    if (g->next_in_fund[c->index] >= 0) g->clause_avail[g->next_in_fund[c->index]] = g->fund_rem[fund];
}

static void gen_clause(cg *g, ast_clause *c, ast_waterfall *w)
{
    int fund = w->fund_idx;
    LLVMValueRef rem = g->fund_rem[fund];
    /* before the amount: it may be "available at" this very clause */
    g->clause_avail[c->index] = rem;
    LLVMValueRef zero = k128(g, 0);
    LLVMValueRef paid = zero, requested = zero;
    g->what = arena_printf(&g->scratch, "clause %s", c->full_label);
    /* a clause under an amendment is in force on payment dates [from, to);
     * a priority of payments with a 'when' runs only on dates it holds;
     * otherwise it pays nothing and owes nothing */
    LLVMValueRef active = NULL;
    if (c->from || c->to) {
        LLVMValueRef pd = load_slot(g, RT_G_PAYMENT_DATE);
        LLVMValueRef t = LLVMConstInt(g->i1, 1, 0);
        if (c->from) t = LLVMBuildAnd(g->b, t, LLVMBuildICmp(g->b, LLVMIntSGE, pd, k128(g, (rt_dec)c->from * RT_SCALE), ""), "");
        if (c->to) t = LLVMBuildAnd(g->b, t, LLVMBuildICmp(g->b, LLVMIntSLT, pd, k128(g, (rt_dec)c->to * RT_SCALE), ""), "");
        active = t;
    }
    if (w->guard) {
        prep(g, w->guard);
        LLVMValueRef gd = gen(g, w->guard);
        active = active ? LLVMBuildAnd(g->b, active, gd, "") : gd;
    }
#define GATE(v) (active ? LLVMBuildSelect(g->b, active, (v), zero, "") : (v))
    if (c->amount) requested = clause_amount(g, c, c->amount, active);
    else if (c->remainder) requested = rem;
    requested = GATE(requested);
    int n = c->nclass_idx, t = c->target;
    LLVMValueRef *wv = arena_alloc(&g->scratch, sizeof(LLVMValueRef) * (size_t)(n ? n : 1));
    LLVMValueRef *out = arena_alloc(&g->scratch, sizeof(LLVMValueRef) * (size_t)(n ? n : 1));
    switch (c->kind) {
    case CL_PAY_PARTY:
        if (c->flow == RT_FLOW_HOLDER && c->upto) {
            /* a deposit up to the account's target: never past it */
            LLVMValueRef target = clause_amount(g, c, c->upto, active);
            requested = smin(g, requested, smax(g, LLVMBuildSub(g->b, target, g->fund_rem[t], ""), zero));
        }
        paid = smin(g, requested, rem);
        if (c->flow == RT_FLOW_HOLDER) g->fund_rem[t] = LLVMBuildAdd(g->b, g->fund_rem[t], paid, "");
        else g->party_paid[t] = LLVMBuildAdd(g->b, g->party_paid[t], paid, "");
        break;
    case CL_REIMBURSE: {
        /* the insurer's draws, before this date and on it, not yet paid back */
        LLVMValueRef owed = LLVMBuildSub(g->b, LLVMBuildAdd(g->b, load_slot(g, RT_SLOT_PARTY(&g->L, t, RT_P_UNREIMB_BEGIN)),
                                                            g->party_drawn[t], ""), g->party_reimb[t], "");
        requested = GATE(owed);
        paid = smin(g, requested, rem);
        g->party_paid[t] = LLVMBuildAdd(g->b, g->party_paid[t], paid, "");
        g->party_reimb[t] = LLVMBuildAdd(g->b, g->party_reimb[t], paid, "");
        break;
    }
    case CL_PURCHASE: {
        /* the additional balances conveyed this date not yet paid for */
        LLVMValueRef owed = LLVMBuildSub(g->b, load_slot(g, RT_SLOT_GROUP(&g->L, t, RT_GR_ADDITIONAL_BALANCES)),
                                         g->purchased[t], "");
        if (c->upto) owed = smin(g, owed, clause_amount(g, c, c->upto, active));
        requested = GATE(owed);
        paid = smin(g, requested, rem);
        g->purchased[t] = LLVMBuildAdd(g->b, g->purchased[t], paid, "");
        break;
    }
    case CL_DRAW:
        /* cash comes in: from an account to the extent it holds any; from
         * a variable pay note up to its maximum (beyond it, the run stops);
         * from an insurer as asked */
        if (c->flow == RT_FLOW_DRAW_HOLDER) {
            paid = smin(g, requested, g->fund_rem[t]);
            g->fund_rem[t] = LLVMBuildSub(g->b, g->fund_rem[t], paid, "");
        } else if (c->flow == RT_FLOW_DRAW_CLASS) {
            ast_class *k = g->s->classes.v[t];
            LLVMValueRef bal = LLVMBuildAdd(g->b, LLVMBuildSub(g->b, load_slot(g, RT_SLOT_CLASS(&g->L, t, RT_C_BEGIN_BALANCE)),
                                                               g->prin_paid[t], ""), g->class_drawn[t], "");
            LLVMValueRef room = LLVMBuildSub(g->b, k128(g, k->maximum), bal, "");
            fail_if(g, LLVMBuildICmp(g->b, LLVMIntSGT, requested, room, ""), RT_FAIL_ABOVE_MAXIMUM, c->index, requested, room);
            paid = requested;
            g->class_drawn[t] = LLVMBuildAdd(g->b, g->class_drawn[t], paid, "");
        } else {
            paid = requested;
            g->party_drawn[t] = LLVMBuildAdd(g->b, g->party_drawn[t], paid, "");
        }
        store_slot(g, RT_SLOT_CLAUSE(&g->L, c->index, RT_K_AVAILABLE), rem);
        store_slot(g, RT_SLOT_CLAUSE(&g->L, c->index, RT_K_PAID), paid);
        store_slot(g, RT_SLOT_CLAUSE(&g->L, c->index, RT_K_SHORTFALL), LLVMBuildSub(g->b, requested, paid, ""));
        g->fund_rem[fund] = LLVMBuildAdd(g->b, rem, paid, "");
        next_in_fund_finds(g, c, fund);
        return;
    case CL_PAY_INTEREST:
    case CL_PAY_UNPAID:
    case CL_PAY_LOSSES:
    case CL_PAY_BASIS:
    case CL_PAY_PRINCIPAL: {
        /* each class's claim: what it is owed (interest due, or what
         * earlier dates left unpaid, less what an earlier clause paid it),
         * or principal up to its balance */
        LLVMValueRef *acc = c->kind == CL_PAY_INTEREST ? g->int_paid : c->kind == CL_PAY_UNPAID ? g->unpaid_paid
                          : c->kind == CL_PAY_LOSSES ? g->loss_paid : c->kind == CL_PAY_BASIS ? g->basis_paid
                          : g->prin_paid;
        LLVMValueRef claims = zero;
        for (int i = 0; i < n; i++) {
            int k = c->class_idx[i];
            LLVMValueRef owed;
            switch (c->kind) {
            case CL_PAY_INTEREST: need_due(g, k); owed = g->due_val[k]; break;
            case CL_PAY_UNPAID: owed = load_slot(g, RT_SLOT_CLASS(&g->L, k, RT_C_UNPAID_BEGIN)); break;
            case CL_PAY_LOSSES: owed = load_slot(g, RT_SLOT_CLASS(&g->L, k, RT_C_LOSS_BEGIN)); break;
            case CL_PAY_BASIS:
                need_due(g, k);
                owed = LLVMBuildAdd(g->b, load_slot(g, RT_SLOT_CLASS(&g->L, k, RT_C_BASIS_BEGIN)), g->basis_due[k], "");
                break;
            default:
                owed = LLVMBuildAdd(g->b, load_slot(g, RT_SLOT_CLASS(&g->L, k, RT_C_BEGIN_BALANCE)), g->class_drawn[k], "");
                break;
            }
            wv[i] = GATE(LLVMBuildSub(g->b, owed, acc[k], ""));
            claims = LLVMBuildAdd(g->b, claims, wv[i], "");
        }
        /* a claim asks for what is owed; principal asks for its amount,
         * and what the classes cannot take stays in the fund */
        if (c->kind != CL_PAY_PRINCIPAL) {
            requested = claims;
            paid = smin(g, requested, rem);
        } else {
            paid = smin(g, smin(g, requested, rem), claims);
        }
        split(g, paid, n, wv, out, c->order);
        for (int i = 0; i < n; i++) {
            int k = c->class_idx[i];
            acc[k] = LLVMBuildAdd(g->b, acc[k], out[i], "");
        }
        break;
    }
    }
#undef GATE
    store_slot(g, RT_SLOT_CLAUSE(&g->L, c->index, RT_K_AVAILABLE), rem);
    store_slot(g, RT_SLOT_CLAUSE(&g->L, c->index, RT_K_PAID), paid);
    store_slot(g, RT_SLOT_CLAUSE(&g->L, c->index, RT_K_SHORTFALL), LLVMBuildSub(g->b, requested, paid, ""));
    g->fund_rem[fund] = LLVMBuildSub(g->b, rem, paid, "");
    next_in_fund_finds(g, c, fund);
}

/* Realized losses written down: the classes' balances after payments in
 * excess of the collateral, allocated step by step (sequentially, or pro
 * rata by balance within a step). wd[c] gets each class's write-down. */
static void gen_alloc(cg *g, ast_alloc *al, LLVMValueRef *after, LLVMValueRef *wd)
{
    LLVMValueRef zero = k128(g, 0);
    prep(g, al->against);
    g->what = arena_printf(&g->scratch, "loss allocation \"%s\"", al->section);
    LLVMValueRef coll = to_slot_value_of(g, gen(g, al->against), al->against, RT_UNIT_MONEY);
    LLVMValueRef total = zero;
    for (int j = 0; j < al->steps.n; j++) {
        ast_alloc_step *st = al->steps.v[j];
        for (int i = 0; i < st->nclass_idx; i++) total = LLVMBuildAdd(g->b, total, after[st->class_idx[i]], "");
    }
    LLVMValueRef excess = smax(g, LLVMBuildSub(g->b, total, coll, ""), zero);
    LLVMValueRef written = smin(g, excess, total);
    store_slot(g, RT_SLOT_ALLOC(&g->L, al->index, RT_A_COLLATERAL), coll);
    store_slot(g, RT_SLOT_ALLOC(&g->L, al->index, RT_A_EXCESS), excess);
    store_slot(g, RT_SLOT_ALLOC(&g->L, al->index, RT_A_WRITTEN), written);
    LLVMValueRef left = written;
    for (int j = 0; j < al->steps.n; j++) {
        ast_alloc_step *st = al->steps.v[j];
        int n = st->nclass_idx;
        if (n == 0) continue;
        LLVMValueRef *wv = arena_alloc(&g->scratch, sizeof(LLVMValueRef) * (size_t)n);
        LLVMValueRef *out = arena_alloc(&g->scratch, sizeof(LLVMValueRef) * (size_t)n);
        LLVMValueRef step = zero;
        for (int i = 0; i < n; i++) {
            wv[i] = after[st->class_idx[i]];
            step = LLVMBuildAdd(g->b, step, wv[i], "");
        }
        LLVMValueRef here = smin(g, left, step);
        split(g, here, n, wv, out, st->order);
        for (int i = 0; i < n; i++) wd[st->class_idx[i]] = out[i];
        left = LLVMBuildSub(g->b, left, here, "");
    }
}

/* ---- the two functions ---- */

static void gen_period(cg *g)
{
    const sema_deal *s = g->s;
    LLVMValueRef zero = k128(g, 0);
    LLVMTypeRef params[2] = { g->ptr, g->ptr };
    LLVMTypeRef fty = LLVMFunctionType(g->i32, params, 2, 0);
    g->period = LLVMAddFunction(g->mod, "dealc_period", fty);
    g->slot = LLVMGetParam(g->period, 0);
    g->run = LLVMGetParam(g->period, 1);
    LLVMSetValueName2(g->slot, "slot", 4);
    LLVMSetValueName2(g->run, "run", 3);
    unsigned noalias = LLVMGetEnumAttributeKindForName("noalias", 7);
    LLVMAddAttributeAtIndex(g->period, 1, LLVMCreateEnumAttribute(g->ctx, noalias, 0));
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, g->period, "entry");
    LLVMPositionBuilderAtEnd(g->b, entry);

    for (int c = 0; c < s->classes.n; c++) {
        g->int_paid[c] = zero;
        g->prin_paid[c] = zero;
        g->unpaid_paid[c] = zero;
        g->loss_paid[c] = zero;
        g->basis_paid[c] = zero;
        g->class_drawn[c] = zero;
    }
    for (int p = 0; p < s->parties.n; p++) g->party_paid[p] = g->party_drawn[p] = g->party_reimb[p] = zero;
    for (int i = 0; i < s->groups.n; i++) g->purchased[i] = zero;

    /* 1. everything known before payments: coupons and interest due for
     * every class, definitions, triggers and dates, fund deposits and
     * accounts' balances */
    for (int c = 0; c < s->classes.n; c++) need_due(g, c);
    for (int i = 0; i < s->defines.n; i++) {
        ast_decl *x = s->defines.v[i];
        if (!x->after) need_decl(g, x);
    }
    /* a trigger or a date is evaluated every date, used or not: it remembers */
    for (int i = 0; i < s->memory.n; i++) {
        ast_decl *x = s->memory.v[i];
        if (!x->after) need_decl(g, x);
    }
    for (int i = 0; i < s->funds.n; i++) need_decl(g, s->funds.v[i]);

    /* 2. the priority of payments; each fund's first clause finds the
     * fund's deposit, each later one what its fund's previous clause left */
    int *last = arena_alloc(&g->scratch, sizeof(int) * ((size_t)s->funds.n + 1));
    for (int f = 0; f < s->funds.n; f++) last[f] = -1;
    for (int i = 0; i < s->clauses.n; i++) {
        int f = ((ast_waterfall *)s->clause_wf.v[i])->fund_idx;
        g->next_in_fund[i] = -1;
        if (last[f] < 0) g->clause_avail[i] = g->fund_rem[f];
        else g->next_in_fund[last[f]] = i;
        last[f] = i;
    }
    for (int i = 0; i < s->clauses.n; i++) gen_clause(g, s->clauses.v[i], s->clause_wf.v[i]);

    /* 3. results: each class's payments, then the losses written down on
     * its balance after payments, then its ending balance */
    g->what = "the class results";
    int nc = s->classes.n;
    LLVMValueRef *after = arena_alloc(&g->scratch, sizeof(LLVMValueRef) * (size_t)(nc + 1));
    LLVMValueRef *wd = arena_alloc(&g->scratch, sizeof(LLVMValueRef) * (size_t)(nc + 1));
    for (int c = 0; c < nc; c++) {
        LLVMValueRef begin = load_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_BEGIN_BALANCE));
        after[c] = LLVMBuildAdd(g->b, LLVMBuildSub(g->b, begin, g->prin_paid[c], ""), g->class_drawn[c], "");
        wd[c] = zero;
    }
    for (int i = 0; i < s->allocs.n; i++) gen_alloc(g, s->allocs.v[i], after, wd);
    g->what = "the class results";
    for (int c = 0; c < nc; c++) {
        ast_class *k = s->classes.v[c];
        /* interest paid is all the interest the class received; the
         * shortfall is this date's, carried forward with what is still
         * unpaid from before */
        LLVMValueRef sf = LLVMBuildSub(g->b, g->due_val[c], g->int_paid[c], "");
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_INTEREST_PAID),
                   LLVMBuildAdd(g->b, g->int_paid[c], g->unpaid_paid[c], ""));
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_INTEREST_SHORTFALL), sf);
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_UNPAID_PAID), g->unpaid_paid[c]);
        LLVMValueRef ub = load_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_UNPAID_BEGIN));
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_UNPAID_END),
                   LLVMBuildAdd(g->b, LLVMBuildSub(g->b, ub, g->unpaid_paid[c], ""), sf, ""));
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_PRINCIPAL_PAID), g->prin_paid[c]);
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_DRAWN), g->class_drawn[c]);
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_WRITEDOWN), wd[c]);
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_LOSS_PAID), g->loss_paid[c]);
        LLVMValueRef lb = load_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_LOSS_BEGIN));
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_LOSS_END),
                   LLVMBuildAdd(g->b, LLVMBuildSub(g->b, lb, g->loss_paid[c], ""), wd[c], ""));
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_BASIS_PAID), g->basis_paid[c]);
        LLVMValueRef bb = load_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_BASIS_BEGIN));
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_BASIS_END),
                   LLVMBuildSub(g->b, LLVMBuildAdd(g->b, bb, g->basis_due[c], ""), g->basis_paid[c], ""));
        LLVMValueRef end;
        if (k->notional_sched) {
            /* an interest-only class's notional for the next period */
            need_decl(g, k->notional_sched);
            LLVMValueRef next = LLVMBuildAdd(g->b, load_slot(g, RT_G_DIST_NUMBER), k128(g, RT_SCALE), "");
            end = round_cents(g, gen_schedule(g, k->notional_sched, next));
        } else {
            end = LLVMBuildSub(g->b, after[c], wd[c], "");
        }
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_END_BALANCE), end);
    }
    for (int p = 0; p < s->parties.n; p++) {
        store_slot(g, RT_SLOT_PARTY(&g->L, p, RT_P_PAID), g->party_paid[p]);
        if (((ast_decl *)s->parties.v[p])->kind != DK_INSURER) continue;
        store_slot(g, RT_SLOT_PARTY(&g->L, p, RT_P_DRAWN), g->party_drawn[p]);
        store_slot(g, RT_SLOT_PARTY(&g->L, p, RT_P_REIMBURSED), g->party_reimb[p]);
        LLVMValueRef ub = load_slot(g, RT_SLOT_PARTY(&g->L, p, RT_P_UNREIMB_BEGIN));
        store_slot(g, RT_SLOT_PARTY(&g->L, p, RT_P_UNREIMB_END),
                   LLVMBuildSub(g->b, LLVMBuildAdd(g->b, ub, g->party_drawn[p], ""), g->party_reimb[p], ""));
    }
    for (int f = 0; f < s->funds.n; f++)
        store_slot(g, RT_SLOT_FUND(&g->L, f, RT_F_REMAINING), g->fund_rem[f]);
    for (int i = 0; i < s->groups.n; i++)
        store_slot(g, RT_SLOT_GROUP(&g->L, i, RT_GR_PURCHASED), g->purchased[i]);

    /* 4. what is known only after payments, then the statement */
    for (int i = 0; i < s->defines.n; i++) need_decl(g, s->defines.v[i]);
    for (int i = 0; i < s->memory.n; i++) need_decl(g, s->memory.v[i]);
    for (int i = 0; i < s->ast->lines.n; i++) {
        ast_line *l = s->ast->lines.v[i];
        if (!l->label) continue;
        prep(g, l->expr);
        g->what = arena_printf(&g->scratch, "statement line \"%s\"", l->label);
        store_slot(g, RT_SLOT_LINE(&g->L, i), to_slot_value_of(g, gen(g, l->expr), l->expr, l->expr->unit));
    }
    LLVMBuildRet(g->b, k32(g, 0));
}

static LLVMValueRef cstr(cg *g, const char *s)
{
    return LLVMBuildGlobalStringPtr(g->b, s ? s : "", "");
}

/* what explain numbers a definition by: definitions first, then the
 * triggers and dates after them (their values live in the memory slots) */
static int explain_index(cg *g, const ast_decl *x)
{
    return x->kind == DK_TRIGGER || x->kind == DK_DATE ? g->s->defines.n + x->index : x->index;
}

/* one figure a definition uses, once */
static void emit_use(cg *g, LLVMValueRef D, ast_decl *x, const char *label, int slot, int unit, int def_ref, ptrvec *seen)
{
    for (int i = 0; i < seen->n; i++)
        if (strcmp(seen->v[i], label) == 0) return;
    ptrvec_push(&g->scratch, seen, (void *)arena_strndup(&g->scratch, label, strlen(label)));
    LLVMValueRef a[6] = { D, k32(g, explain_index(g, x)), cstr(g, label), k32(g, slot), k32(g, unit), k32(g, def_ref) };
    call(g, FN_rt_def_use, a, 6);
}

static const char *leaf_text(cg *g, const ast_expr *e)
{
    char *f;
    size_t n;
    FILE *m = arena_memstream(&f, &n);
    fmt_expr(m, e);
    arena_memclose(m, &f);
    const char *r = arena_strndup(&g->scratch, f, n);
    free(f);
    return r;
}

static void emit_uses(cg *g, LLVMValueRef D, ast_decl *x, const ast_expr *e, ptrvec *seen)
{
    if (!e) return;
    switch (e->kind) {
    case EX_NAME:
        if (!e->decl) return;
        switch (e->decl->kind) {
        case DK_DEFINE: emit_use(g, D, x, leaf_text(g, e), RT_SLOT_DEF(&g->L, e->decl->index), e->decl->unit, e->decl->index, seen); break;
        case DK_INPUT: emit_use(g, D, x, leaf_text(g, e), RT_SLOT_INPUT(&g->L, e->decl->index), e->decl->unit, -1, seen); break;
        case DK_FUND: emit_use(g, D, x, leaf_text(g, e), RT_SLOT_FUND(&g->L, e->decl->index, RT_F_DEPOSIT), RT_UNIT_MONEY, -1, seen); break;
        case DK_TRIGGER:
        case DK_DATE:
            emit_use(g, D, x, leaf_text(g, e), RT_SLOT_MEMORY(&g->L, e->decl->index, RT_M_VALUE), e->decl->unit,
                     explain_index(g, e->decl), seen);
            break;
        default: break;
        }
        return;
    case EX_POOL:
        emit_use(g, D, x, leaf_text(g, e), RT_SLOT_GROUP(&g->L, e->ref, e->field), e->unit, -1, seen);
        return;
    case EX_CLASSQ:
        for (int i = 0; i < e->nclass_idx; i++) {
            int c = e->class_idx[i];
            const char *label = arena_printf(&g->scratch, "%s \"%s\"", ast_classq_names[e->field],
                                             ((ast_class *)g->s->classes.v[c])->name);
            emit_use(g, D, x, label, RT_SLOT_CLASS(&g->L, c, ast_classq_field[e->field]),
                     e->field == CQ_COUPON ? RT_UNIT_RATE : RT_UNIT_MONEY, -1, seen);
        }
        return;
    case EX_PARTYQ:
        emit_use(g, D, x, leaf_text(g, e), RT_SLOT_PARTY(&g->L, e->ref, e->field), RT_UNIT_MONEY, -1, seen);
        return;
    case EX_HOLDER:
        emit_use(g, D, x, leaf_text(g, e), RT_SLOT_FUND(&g->L, e->ref, e->field), RT_UNIT_MONEY, -1, seen);
        return;
    case EX_AVAIL:
        emit_use(g, D, x, leaf_text(g, e), RT_SLOT_CLAUSE(&g->L, e->ref, RT_K_AVAILABLE), RT_UNIT_MONEY, -1, seen);
        return;
    case EX_GLOBAL:
        emit_use(g, D, x, leaf_text(g, e), e->field, e->unit, -1, seen);
        return;
    default:
        break;
    }
    emit_uses(g, D, x, e->a, seen);
    emit_uses(g, D, x, e->b, seen);
    emit_uses(g, D, x, e->c, seen);
    for (int i = 0; i < e->args.n; i++) emit_uses(g, D, x, e->args.v[i], seen);
}

static void gen_describe(cg *g)
{
    const sema_deal *s = g->s;
    const ast_deal *d = s->ast;
    LLVMTypeRef params[1] = { g->ptr };
    LLVMValueRef fn = LLVMAddFunction(g->mod, "dealc_describe", LLVMFunctionType(g->voidt, params, 1, 0));
    LLVMValueRef D = LLVMGetParam(fn, 0);
    LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
    {
        LLVMValueRef a[2] = { D, cstr(g, d->name) };
        call(g, FN_rt_deal_name, a, 2);
        LLVMValueRef b[5] = { D, k32(g, d->closing), k32(g, d->first_payment), k32(g, d->payment_day), k32(g, (int)d->bdc) };
        call(g, FN_rt_deal_dates, b, 5);
        LLVMValueRef c[2] = { D, cstr(g, g->file->name) };
        call(g, FN_rt_set_source, c, 2);
        if (g->opts->sources_hash) {
            LLVMValueRef v[3] = { D, cstr(g, g->opts->version ? g->opts->version : ""), cstr(g, g->opts->sources_hash) };
            call(g, FN_rt_set_build, v, 3);
        }
    }
    for (int i = 0; i < s->groups.n; i++) {
        LLVMValueRef a[2] = { D, cstr(g, ((ast_decl *)s->groups.v[i])->name) };
        call(g, FN_rt_add_group, a, 2);
    }
    for (int i = 0; i < s->classes.n; i++) {
        ast_class *k = s->classes.v[i];
        LLVMValueRef a[5] = { D, cstr(g, k->name), LLVMConstInt(g->i64, (unsigned long long)(int64_t)(k->original / RT_CENT), 1),
                              k32(g, k->notional_sched ? RT_CLASS_NOTIONAL : RT_CLASS_PRINCIPAL), k32(g, (int)k->accrual) };
        call(g, FN_rt_add_class, a, 5);
        if (k->has_maximum) {
            LLVMValueRef b[3] = { D, k32(g, i), LLVMConstInt(g->i64, (unsigned long long)(int64_t)(k->maximum / RT_CENT), 1) };
            call(g, FN_rt_set_class_maximum, b, 3);
        }
        if (k->has_delay) {
            LLVMValueRef b[4] = { D, k32(g, RT_SET_PAYMENT_DELAY), k32(g, i), k128(g, k->delay) };
            call(g, FN_rt_deal_setting, b, 4);
        }
        if (k->cap) {
            LLVMValueRef b[4] = { D, k32(g, RT_SET_CLASS_CAPPED), k32(g, i), k128(g, RT_SCALE) };
            call(g, FN_rt_deal_setting, b, 4);
        }
    }
    if (d->retired_zero) {
        LLVMValueRef b[4] = { D, k32(g, RT_SET_RETIRED_COUPON_ZERO), k32(g, -1), k128(g, RT_SCALE) };
        call(g, FN_rt_deal_setting, b, 4);
    }
    for (int i = 0; i < s->parties.n; i++) {
        ast_decl *p = s->parties.v[i];
        int role = p->kind == DK_RESIDUAL ? RT_PARTY_RESIDUAL : p->kind == DK_INSURER ? RT_PARTY_INSURER : RT_PARTY_FEE;
        LLVMValueRef a[3] = { D, cstr(g, p->name), k32(g, role) };
        call(g, FN_rt_add_party, a, 3);
    }
    for (int i = 0; i < s->inputs.n; i++) {
        ast_decl *x = s->inputs.v[i];
        LLVMValueRef a[3] = { D, cstr(g, x->name), k32(g, (int)x->unit) };
        call(g, FN_rt_add_input, a, 3);
    }
    for (int i = 0; i < s->defines.n; i++) {
        ast_decl *x = s->defines.v[i];
        LLVMValueRef a[3] = { D, cstr(g, x->name), k32(g, (int)x->unit) };
        call(g, FN_rt_add_def, a, 3);
    }
    for (int i = 0; i < s->ast->lines.n; i++) {
        ast_line *l = s->ast->lines.v[i];
        LLVMValueRef a[3] = { D, cstr(g, l->label ? l->label : ""), k32(g, l->label ? (int)l->expr->unit : RT_UNIT_MONEY) };
        call(g, FN_rt_add_line, a, 3);
    }
    for (int i = 0; i < s->funds.n; i++) {
        ast_decl *h = s->funds.v[i];
        LLVMValueRef a[3] = { D, cstr(g, h->name), k32(g, h->kind == DK_ACCOUNT) };
        call(g, FN_rt_add_fund, a, 3);
        if (h->kind == DK_ACCOUNT && h->has_initial) {
            LLVMValueRef b[4] = { D, k32(g, RT_SET_INITIAL_BALANCE), k32(g, i), k128(g, h->initial) };
            call(g, FN_rt_deal_setting, b, 4);
        }
    }
    for (int i = 0; i < s->memory.n; i++) {
        ast_decl *x = s->memory.v[i];
        int kind = x->kind == DK_DATE ? RT_MEM_DATE : x->sticky ? RT_MEM_STICKY : RT_MEM_TRIGGER;
        LLVMValueRef a[3] = { D, cstr(g, x->name), k32(g, kind) };
        call(g, FN_rt_add_memory, a, 3);
    }
    for (int i = 0; i < s->allocs.n; i++) {
        ast_alloc *al = s->allocs.v[i];
        LLVMValueRef a[2] = { D, cstr(g, al->section) };
        call(g, FN_rt_add_alloc, a, 2);
        for (int j = 0; j < al->steps.n; j++) {
            ast_alloc_step *st = al->steps.v[j];
            for (int k = 0; k < st->nclass_idx; k++) {
                LLVMValueRef b[3] = { D, k32(g, i), k32(g, st->class_idx[k]) };
                call(g, FN_rt_alloc_class, b, 3);
            }
        }
    }
    for (int i = 0; i < s->clauses.n; i++) {
        ast_clause *c = s->clauses.v[i];
        ast_waterfall *w = s->clause_wf.v[i];
        char payee[512];
        size_t o = 0;
        payee[0] = 0;
        if (c->kind == CL_DRAW || c->kind == CL_PURCHASE)
            snprintf(payee, sizeof payee, "%s \"%.400s\"", c->kind == CL_DRAW ? "from" : "for", c->source);
        for (int j = 0; j < c->payees.n && o < sizeof payee - 80; j++) {
            ast_classref *r = c->payees.v[j];
            o += (size_t)snprintf(payee + o, sizeof payee - o, "%s%s%s%s", j ? ", " : "", r->first,
                                  r->last ? " .. " : "", r->last ? r->last : "");
        }
        /* versions of an amended clause are told apart in runtime messages */
        const char *label = c->full_label;
        if (c->from || c->to) {
            char from[16] = "", to[16] = "";
            if (c->from) rt_date_format(from, c->from);
            if (c->to) rt_date_format(to, c->to);
            label = arena_printf(&g->scratch, "%s [%s%s%s%s]", c->full_label, c->from ? "from " : "", from,
                                 c->from && c->to ? ", " : "", c->to ? (const char *)arena_printf(&g->scratch, "before %s", to) : "");
        }
        LLVMValueRef a[4] = { D, cstr(g, label), k32(g, w->fund_idx), cstr(g, payee) };
        call(g, FN_rt_add_clause, a, 4);
        LLVMValueRef b[4] = { D, k32(g, i), k32(g, c->flow), k32(g, c->target) };
        call(g, FN_rt_clause_flow, b, 4);
    }
    /* for explain: each definition's formula, words and the figures it
     * uses, version by version as amendments made them (the formula as
     * written, not the switch on the payment date between them) */
    for (int i = 0; i < s->defines.n; i++) {
        ast_decl *x = s->defines.v[i];
        ast_version one = { x->expr, x->text, x->amended_by, x->reconstructed, x->amended_by ? x->effective : 0 };
        int nv = x->versions.n ? x->versions.n : 1;
        for (int k = 0; k < nv; k++) {
            const ast_version *v = x->versions.n ? x->versions.v[k] : &one;
            char *f = fmt_expr_line(v->expr, NULL);
            LLVMValueRef a[6] = { D, k32(g, x->index), cstr(g, f), cstr(g, v->text), cstr(g, v->amended_by),
                                  k32(g, v->amended_by ? v->effective : 0) };
            call(g, FN_rt_def_info, a, 6);
            free(f);
            if (v->reconstructed) {
                const char *note = *v->reconstructed ? arena_printf(&g->scratch, "reconstructed: %s", v->reconstructed)
                                                     : "reconstructed";
                LLVMValueRef b[4] = { D, k32(g, RT_NOTE_DEF), k32(g, x->index), cstr(g, note) };
                call(g, FN_rt_add_note, b, 4);
            }
            ptrvec seen = { 0 };
            emit_uses(g, D, x, v->expr, &seen);
        }
    }
    /* ... the triggers' and dates' the same way, numbered after them */
    for (int i = 0; i < s->memory.n; i++) {
        ast_decl *x = s->memory.v[i];
        char *f = fmt_expr_line(x->expr, NULL);
        LLVMValueRef a[6] = { D, k32(g, explain_index(g, x)), cstr(g, f), cstr(g, x->text), cstr(g, ""), k32(g, 0) };
        call(g, FN_rt_def_info, a, 6);
        free(f);
        if (x->reconstructed) {
            const char *note = *x->reconstructed ? arena_printf(&g->scratch, "reconstructed: %s", x->reconstructed)
                                                 : "reconstructed";
            LLVMValueRef b[4] = { D, k32(g, RT_NOTE_DEF), k32(g, explain_index(g, x)), cstr(g, note) };
            call(g, FN_rt_add_note, b, 4);
        }
        ptrvec seen = { 0 };
        emit_uses(g, D, x, x->expr, &seen);
    }
    /* ... and each clause as the agreement prints it */
    for (int i = 0; i < s->clauses.n; i++) {
        ast_clause *c = s->clauses.v[i];
        char *f = fmt_pay_line(c, NULL);
        LLVMValueRef a[8] = { D, k32(g, i), cstr(g, c->full_label), cstr(g, f), cstr(g, c->text),
                              cstr(g, c->amended_by), k32(g, c->from), k32(g, c->to) };
        call(g, FN_rt_clause_doc, a, 8);
        free(f);
        if (c->reconstructed) {
            const char *note = *c->reconstructed ? arena_printf(&g->scratch, "reconstructed: %s", c->reconstructed)
                                                 : "reconstructed";
            LLVMValueRef b[4] = { D, k32(g, RT_NOTE_CLAUSE), k32(g, i), cstr(g, note) };
            call(g, FN_rt_add_note, b, 4);
        }
    }
    /* collateral for projections: each line's fields, each group's cut-off
     * balance (the sum of its lines), the cut-off date and clean-up call */
    for (int i = 0; i < d->collateral.n; i++) {
        const ast_collateral *c = d->collateral.v[i];
        rt_dec total = 0;
        for (int j = 0; j < c->lines.n; j++) {
            const ast_cline *l = c->lines.v[j];
            LLVMValueRef a[2] = { D, k32(g, c->group_idx) };
            LLVMValueRef line = call(g, FN_rt_add_collateral, a, 2);
            for (int f = 0; f < RT_L_COUNT; f++) {
                if (!l->has[f]) continue;
                LLVMValueRef b[4] = { D, line, k32(g, f), k128(g, l->field[f]) };
                call(g, FN_rt_set_collateral, b, 4);
            }
            total += l->field[RT_L_BALANCE];
        }
        LLVMValueRef b[4] = { D, k32(g, RT_SET_CUTOFF_BALANCE), k32(g, c->group_idx), k128(g, total) };
        call(g, FN_rt_deal_setting, b, 4);
    }
    if (d->has_cutoff) {
        LLVMValueRef b[4] = { D, k32(g, RT_SET_CUTOFF_DATE), k32(g, -1), k128(g, (rt_dec)d->cutoff * RT_SCALE) };
        call(g, FN_rt_deal_setting, b, 4);
    }
    if (d->has_cleanup) {
        LLVMValueRef b[4] = { D, k32(g, RT_SET_CLEANUP_CALL), k32(g, -1), k128(g, d->cleanup) };
        call(g, FN_rt_deal_setting, b, 4);
    }
    for (int i = 0; i < g->sites.n; i++) {
        cg_site *st = g->sites.v[i];
        LLVMValueRef a[4] = { D, cstr(g, st->what), k32(g, st->line), k32(g, st->col) };
        call(g, FN_rt_add_site, a, 4);
    }
    LLVMBuildRetVoid(g->b);
}

static void gen_main(cg *g)
{
    LLVMTypeRef params[2] = { g->i32, g->ptr };
    LLVMValueRef fn = LLVMAddFunction(g->mod, "main", LLVMFunctionType(g->i32, params, 2, 0));
    LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
    LLVMTypeRef mp[4] = { g->i32, g->ptr, g->ptr, g->ptr };
    LLVMTypeRef mty = LLVMFunctionType(g->i32, mp, 4, 0);
    LLVMValueRef rt_main = LLVMAddFunction(g->mod, "rt_main", mty);
    LLVMValueRef args[4] = { LLVMGetParam(fn, 0), LLVMGetParam(fn, 1),
                             LLVMGetNamedFunction(g->mod, "dealc_describe"), g->period };
    LLVMBuildRet(g->b, LLVMBuildCall2(g->b, mty, rt_main, args, 4, ""));
}

/* The runtime functions as the module sees them, from the ABI table in
 * dealrt.h (RT_ABI_FUNCS): each type token becomes its LLVM type. */
static void declare_runtime(cg *g)
{
    LLVMTypeRef T_void = g->voidt, T_i32 = g->i32, T_i64 = g->i64, T_dec = g->i128;
    LLVMTypeRef T_str = g->ptr, T_deal = g->ptr, T_run = g->ptr, T_decs_in = g->ptr, T_decs_out = g->ptr;
#define LLTYPE(t) T_##t
    struct { LLVMTypeRef ret; int n; LLVMTypeRef p[8]; } sig[FN__COUNT] = {
#define RT_FN_SIG(ret, n, ...) [FN_##n] = { T_##ret, RT_ABI_NARGS(__VA_ARGS__), { RT_ABI_MAP(LLTYPE, __VA_ARGS__) } },
        RT_ABI_FUNCS(RT_FN_SIG)
#undef RT_FN_SIG
    };
#undef LLTYPE
    for (int i = 0; i < FN__COUNT; i++) {
        g->fnty[i] = LLVMFunctionType(sig[i].ret, sig[i].p, (unsigned)sig[i].n, 0);
        g->fn[i] = LLVMAddFunction(g->mod, rt_fn_names[i], g->fnty[i]);
    }
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    for (int i = 0; i < FN__COUNT; i++)
        LLVMAddAttributeAtIndex(g->fn[i], LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(g->ctx, nounwind, 0));
    /* rounding touches no memory: let LLVM fold, hoist and merge it
     * ("memory" with no effects is the encoded value 0) */
    unsigned memory = LLVMGetEnumAttributeKindForName("memory", 6);
    unsigned willreturn = LLVMGetEnumAttributeKindForName("willreturn", 10);
    LLVMAddAttributeAtIndex(g->fn[FN_rt_dec_round_cents], LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(g->ctx, memory, 0));
    LLVMAddAttributeAtIndex(g->fn[FN_rt_dec_round_cents], LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(g->ctx, willreturn, 0));
}

/* ---- running out of memory inside LLVM --------------------------------------
 * LLVM is C++: an allocation that fails in it throws std::bad_alloc through
 * our C frames (uncaught: abort, exit 134) or calls its own fatal-error
 * handler (which exits without a word about memory). Three hooks turn each
 * into "dealc: error: out of memory" and exit status 1, after removing any
 * temporary: the C++ runtime's new-handler, LLVM's bad-alloc handler and
 * LLVM's fatal-error handler. The first two are C++ functions, found by
 * their (Itanium ABI) names at run time so that dealc links no C++ library
 * of its own; LLVM 19 exports both. */

static void (*oom_cleanup)(void);

static void oom_exit(const char *what)
{
    static const char prefix[] = "dealc: error: ";
    /* write, not stdio: the heap may be exhausted, or locked */
    if (write(2, prefix, sizeof prefix - 1) < 0 || write(2, what, strlen(what)) < 0 || write(2, "\n", 1) < 0) {
        /* nothing more can be said */
    }
    if (oom_cleanup) oom_cleanup();
    _exit(1);
}

static void on_new_failed(void)
{
    oom_exit("out of memory");
}

static void on_bad_alloc(void *data, const char *reason, _Bool diag)
{
    (void)data;
    (void)reason;
    (void)diag;
    oom_exit("out of memory");
}

static void on_llvm_fatal(const char *reason)
{
    /* LLVM's own words for running out are "out of memory" or
     * "Allocation failed"; anything else is passed on as it is */
    if (!reason || strstr(reason, "out of memory") || strstr(reason, "Allocation failed")) oom_exit("out of memory");
    char msg[512];
    snprintf(msg, sizeof msg, "LLVM: %s", reason);
    oom_exit(msg);
}

void cg_install_oom_handlers(void (*cleanup)(void))
{
    oom_cleanup = cleanup;
    LLVMInstallFatalErrorHandler(on_llvm_fatal);
    typedef void (*new_handler)(void);
    typedef void (*alloc_handler)(void *, const char *, _Bool);
    new_handler (*set_new)(new_handler) = (new_handler (*)(new_handler))dlsym(RTLD_DEFAULT, "_ZSt15set_new_handlerPFvvE");
    void (*install)(alloc_handler, void *) =
        (void (*)(alloc_handler, void *))dlsym(RTLD_DEFAULT, "_ZN4llvm31install_bad_alloc_error_handlerEPFvPvPKcbES0_");
    if (set_new) set_new(on_new_failed);
    if (install) install(on_bad_alloc, NULL);
}

/* Before LLVM gets the deal, the memory it will need: a generous estimate
 * (a base for LLVM's own tables plus a multiple of the source) is asked of
 * the allocator and given back. Failing here says "out of memory" before
 * LLVM is part way through; the hooks above catch what the estimate misses. */
#define CG_HEADROOM ((size_t)16 << 20)
static int cg_memory_available(size_t source_len)
{
    size_t want = CG_HEADROOM + (source_len < ((size_t)1 << 24) ? source_len * 64 : (size_t)1 << 30);
    void *p = malloc(want);
    free(p);
    return p != NULL;
}

LLVMTargetMachineRef cg_host_target_machine(int for_jit, char **err)
{
    static int initialised;
    if (!initialised) {
        LLVMInitializeNativeTarget();
        LLVMInitializeNativeAsmPrinter();
        initialised = 1;
    }
    char *triple = LLVMGetDefaultTargetTriple();
    LLVMTargetRef target;
    char *msg = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
        *err = strdup(msg ? msg : "no target");
        LLVMDisposeMessage(msg);
        LLVMDisposeMessage(triple);
        return NULL;
    }
    /* objects are built for a generic CPU of the host's architecture so
     * a deal binary runs on any machine of that kind; the JIT may use the
     * host's own features */
    char *cpu = for_jit ? LLVMGetHostCPUName() : NULL;
    char *features = for_jit ? LLVMGetHostCPUFeatures() : NULL;
    LLVMTargetMachineRef tm = LLVMCreateTargetMachine(target, triple, cpu ? cpu : "generic", features ? features : "",
                                                      LLVMCodeGenLevelDefault, LLVMRelocPIC, LLVMCodeModelDefault);
    if (cpu) LLVMDisposeMessage(cpu);
    if (features) LLVMDisposeMessage(features);
    LLVMDisposeMessage(triple);
    if (!tm) *err = strdup("cannot create a target machine for this host");
    return tm;
}

cg_module *cg_compile(const sema_deal *s, const src_file *f, const cg_options *o, char **err)
{
    *err = NULL;
    if (!cg_memory_available((size_t)f->len)) { *err = strdup("out of memory"); return NULL; }
    cg_module *m = calloc(1, sizeof *m);
    if (!m) { *err = strdup("out of memory"); return NULL; }
    m->tm = cg_host_target_machine(o->for_jit, err);
    if (!m->tm) { free(m); return NULL; }
    if (o->for_jit) {
        m->tsc = LLVMOrcCreateNewThreadSafeContext();
        m->ctx = LLVMOrcThreadSafeContextGetContext(m->tsc);
    } else {
        m->ctx = LLVMContextCreate();
    }
    m->mod = LLVMModuleCreateWithNameInContext(f->name, m->ctx);
    char *triple = LLVMGetTargetMachineTriple(m->tm);
    LLVMSetTarget(m->mod, triple);
    LLVMDisposeMessage(triple);
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(m->tm);
    char *layout = LLVMCopyStringRepOfTargetData(td);
    LLVMSetDataLayout(m->mod, layout);
    LLVMDisposeMessage(layout);
    LLVMDisposeTargetData(td);

    cg g = { .s = s, .file = f, .opts = o, .ctx = m->ctx, .mod = m->mod };
    arena_init(&g.scratch);
    g.b = LLVMCreateBuilderInContext(m->ctx);
    g.i1 = LLVMInt1TypeInContext(m->ctx);
    g.i32 = LLVMInt32TypeInContext(m->ctx);
    g.i64 = LLVMInt64TypeInContext(m->ctx);
    g.i128 = LLVMInt128TypeInContext(m->ctx);
    g.ptr = LLVMPointerTypeInContext(m->ctx, 0);
    g.voidt = LLVMVoidTypeInContext(m->ctx);
    g.L.ngroups = s->groups.n;
    g.L.nclasses = s->classes.n;
    g.L.ninputs = s->inputs.n;
    g.L.ndefs = s->defines.n;
    g.L.nlines = s->ast->lines.n;
    g.L.nfunds = s->funds.n;
    g.L.nparties = s->parties.n;
    g.L.nclauses = s->clauses.n;
    g.L.nmemory = s->memory.n;
    g.L.nallocs = s->allocs.n;
    rt_layout_compute(&g.L);
    size_t nc = (size_t)s->classes.n + 1, nd = (size_t)s->defines.n + 1, nf = (size_t)s->funds.n + 1, np = (size_t)s->parties.n + 1;
    g.def_val = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nd);
    g.coupon_val = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nc);
    g.due_val = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nc);
    g.int_paid = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nc);
    g.prin_paid = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nc);
    g.unpaid_paid = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nc);
    g.fund_val = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nf);
    g.fund_rem = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nf);
    g.party_paid = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * np);
    g.clause_avail = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * ((size_t)s->clauses.n + 1));
    g.next_in_fund = arena_alloc(&g.scratch, sizeof(int) * ((size_t)s->clauses.n + 1));
    g.loss_paid = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nc);
    g.basis_paid = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nc);
    g.basis_due = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nc);
    g.class_drawn = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * nc);
    g.party_drawn = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * np);
    g.party_reimb = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * np);
    g.purchased = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * ((size_t)s->groups.n + 1));
    g.mem_val = arena_alloc(&g.scratch, sizeof(LLVMValueRef) * ((size_t)s->memory.n + 1));

    declare_runtime(&g);
    gen_period(&g);
    gen_describe(&g);
    if (o->emit_main) gen_main(&g);
    LLVMDisposeBuilder(g.b);
    arena_free(&g.scratch);

    char *msg = NULL;
    if (LLVMVerifyModule(m->mod, LLVMReturnStatusAction, &msg)) {
        size_t n = strlen(msg) + 64;
        *err = malloc(n);
        if (*err) snprintf(*err, n, "internal error: invalid IR: %s", msg);
        LLVMDisposeMessage(msg);
        cg_free(m);
        return NULL;
    }
    LLVMDisposeMessage(msg);
    if (o->optimize) {
        LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
        LLVMErrorRef e = LLVMRunPasses(m->mod, "default<O2>", m->tm, po);
        LLVMDisposePassBuilderOptions(po);
        if (e) {
            char *em = LLVMGetErrorMessage(e);
            *err = strdup(em);
            LLVMDisposeErrorMessage(em);
            cg_free(m);
            return NULL;
        }
    }
    return m;
}

void cg_print_ir(cg_module *m, FILE *out)
{
    char *s = LLVMPrintModuleToString(m->mod);
    fputs(s, out);
    LLVMDisposeMessage(s);
}

int cg_emit_object(cg_module *m, const char *path, char **err)
{
    char *msg = NULL;
    if (LLVMTargetMachineEmitToFile(m->tm, m->mod, path, LLVMObjectFile, &msg)) {
        *err = strdup(msg ? msg : "cannot write the object file");
        LLVMDisposeMessage(msg);
        return 0;
    }
    return 1;
}

void cg_free(cg_module *m)
{
    if (!m) return;
    if (m->mod) LLVMDisposeModule(m->mod);
    if (m->tsc) LLVMOrcDisposeThreadSafeContext(m->tsc);
    else if (m->ctx) LLVMContextDispose(m->ctx);
    if (m->tm) LLVMDisposeTargetMachine(m->tm);
    free(m);
}
