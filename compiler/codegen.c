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
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "fmt.h"

enum {
#define RT_FN_ENUM(n) FN_##n,
    RT_ABI_FUNCS(RT_FN_ENUM)
#undef RT_FN_ENUM
    FN__COUNT
};
static const char *const rt_fn_names[] = {
#define RT_FN_NAME(n) #n,
    RT_ABI_FUNCS(RT_FN_NAME)
#undef RT_FN_NAME
};

typedef struct cg_site { const char *what; int line, col; } cg_site;

typedef struct cg {
    const sema_deal *s;
    const src_file *file;
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
    LLVMValueRef *clause_avail;  /* the fund's cash as each clause starts */
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
        if (e->field == CQ_COUPON || e->field == CQ_INTEREST_DUE)
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
        if (g->fund_val[x->index]) return;
        prep(g, x->expr);
        g->what = arena_printf(&g->scratch, "fund \"%s\"", x->name);
        g->fund_val[x->index] = to_slot_value_of(g, gen(g, x->expr), x->expr, RT_UNIT_MONEY);
        g->fund_rem[x->index] = g->fund_val[x->index];
        store_slot(g, RT_SLOT_FUND(&g->L, x->index, RT_F_DEPOSIT), g->fund_val[x->index]);
        break;
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
    LLVMValueRef coupon = gen(g, k->coupon);
    g->coupon_val[c] = coupon;
    store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_COUPON), coupon);
    g->what = arena_printf(&g->scratch, "the interest due on class \"%s\"", k->name);
    LLVMValueRef days = load_slot(g, k->accrual == RT_DC_ACT_360 ? RT_G_DAYS_ACTUAL : RT_G_DAYS_30_360);
    LLVMValueRef args[6] = { g->run, k32(g, 360), k32(g, site(g, k->coupon->loc)),
                             load_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_BEGIN_BALANCE)), coupon, days };
    g->due_val[c] = call(g, FN_rt_dec_interest, args, 6);
    store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_INTEREST_DUE), g->due_val[c]);
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
        case DK_SCHEDULE: return gen_schedule(g, x, load_slot(g, RT_G_DIST_NUMBER));
        default: return k128(g, 0);
        }
    }
    case EX_POOL:
        return load_slot(g, RT_SLOT_GROUP(&g->L, e->ref, e->field));
    case EX_CLASSQ:
        return class_field_sum(g, e);
    case EX_PARTYQ:
        return load_slot(g, RT_SLOT_PARTY(&g->L, e->ref, RT_P_PAID));
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

static void gen_clause(cg *g, ast_clause *c, int fund)
{
    LLVMValueRef rem = g->fund_rem[fund];
    /* before the amount: it may be "available at" this very clause */
    g->clause_avail[c->index] = rem;
    LLVMValueRef zero = k128(g, 0);
    LLVMValueRef paid = zero, requested = zero;
    g->what = arena_printf(&g->scratch, "clause %s", c->full_label);
    if (c->amount) {
        prep(g, c->amount);
        requested = smax(g, to_slot_value_of(g, gen(g, c->amount), c->amount, RT_UNIT_MONEY), zero);
    } else if (c->remainder) {
        requested = rem;
    }
    /* a clause under an amendment is in force on payment dates [from, to);
     * outside them it pays nothing and owes nothing */
    LLVMValueRef active = NULL;
    if (c->from || c->to) {
        LLVMValueRef pd = load_slot(g, RT_G_PAYMENT_DATE);
        LLVMValueRef t = LLVMConstInt(g->i1, 1, 0);
        if (c->from) t = LLVMBuildAnd(g->b, t, LLVMBuildICmp(g->b, LLVMIntSGE, pd, k128(g, (rt_dec)c->from * RT_SCALE), ""), "");
        if (c->to) t = LLVMBuildAnd(g->b, t, LLVMBuildICmp(g->b, LLVMIntSLT, pd, k128(g, (rt_dec)c->to * RT_SCALE), ""), "");
        active = t;
        requested = LLVMBuildSelect(g->b, active, requested, zero, "");
    }
    int n = c->nclass_idx;
    LLVMValueRef *w = arena_alloc(&g->scratch, sizeof(LLVMValueRef) * (size_t)(n ? n : 1));
    LLVMValueRef *out = arena_alloc(&g->scratch, sizeof(LLVMValueRef) * (size_t)(n ? n : 1));
    switch (c->kind) {
    case CL_PAY_PARTY:
        paid = smin(g, requested, rem);  /* requested is 0 when not in force */
        g->party_paid[c->party] = LLVMBuildAdd(g->b, g->party_paid[c->party], paid, "");
        break;
    case CL_PAY_INTEREST:
    case CL_PAY_UNPAID:
    case CL_PAY_PRINCIPAL: {
        /* each class's claim: interest still owed (its interest due, or
         * what earlier dates left unpaid, less what an earlier clause paid
         * it), or principal up to its balance */
        int interest = c->kind != CL_PAY_PRINCIPAL;
        LLVMValueRef *acc = c->kind == CL_PAY_INTEREST ? g->int_paid
                          : c->kind == CL_PAY_UNPAID ? g->unpaid_paid : g->prin_paid;
        LLVMValueRef claims = zero;
        for (int i = 0; i < n; i++) {
            int k = c->class_idx[i];
            if (c->kind == CL_PAY_INTEREST) need_due(g, k);
            LLVMValueRef owed = c->kind == CL_PAY_INTEREST ? g->due_val[k]
                              : c->kind == CL_PAY_UNPAID ? load_slot(g, RT_SLOT_CLASS(&g->L, k, RT_C_UNPAID_BEGIN))
                              : load_slot(g, RT_SLOT_CLASS(&g->L, k, RT_C_BEGIN_BALANCE));
            w[i] = LLVMBuildSub(g->b, owed, acc[k], "");
            if (active) w[i] = LLVMBuildSelect(g->b, active, w[i], zero, "");
            claims = LLVMBuildAdd(g->b, claims, w[i], "");
        }
        /* interest asks for what is owed; principal asks for its amount,
         * and what the classes cannot take stays in the fund */
        if (interest) {
            requested = claims;
            paid = smin(g, requested, rem);
        } else {
            paid = smin(g, smin(g, requested, rem), claims);
        }
        if (c->order == ORDER_PRO_RATA) {
            pro_rata(g, paid, n, w, out);
        } else {
            LLVMValueRef left = paid;
            for (int i = 0; i < n; i++) {
                out[i] = smin(g, w[i], left);
                left = LLVMBuildSub(g->b, left, out[i], "");
            }
        }
        for (int i = 0; i < n; i++) {
            int k = c->class_idx[i];
            acc[k] = LLVMBuildAdd(g->b, acc[k], out[i], "");
        }
        break;
    }
    }
    store_slot(g, RT_SLOT_CLAUSE(&g->L, c->index, RT_K_AVAILABLE), rem);
    store_slot(g, RT_SLOT_CLAUSE(&g->L, c->index, RT_K_PAID), paid);
    store_slot(g, RT_SLOT_CLAUSE(&g->L, c->index, RT_K_SHORTFALL), LLVMBuildSub(g->b, requested, paid, ""));
    g->fund_rem[fund] = LLVMBuildSub(g->b, rem, paid, "");
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
    }
    for (int p = 0; p < s->parties.n; p++) g->party_paid[p] = zero;

    /* 1. everything known before payments: coupons and interest due for
     * every class, definitions, fund deposits */
    for (int c = 0; c < s->classes.n; c++) need_due(g, c);
    for (int i = 0; i < s->defines.n; i++) {
        ast_decl *x = s->defines.v[i];
        if (!x->after) need_decl(g, x);
    }
    for (int i = 0; i < s->funds.n; i++) need_decl(g, s->funds.v[i]);

    /* 2. the priority of payments */
    for (int i = 0; i < s->clauses.n; i++) {
        ast_clause *c = s->clauses.v[i];
        ast_waterfall *w = s->clause_wf.v[i];
        gen_clause(g, c, w->fund_idx);
    }

    /* 3. results */
    g->what = "the class results";
    for (int c = 0; c < s->classes.n; c++) {
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
        LLVMValueRef end;
        if (k->notional_sched) {
            /* an interest-only class's notional for the next period */
            need_decl(g, k->notional_sched);
            LLVMValueRef next = LLVMBuildAdd(g->b, load_slot(g, RT_G_DIST_NUMBER), k128(g, RT_SCALE), "");
            end = round_cents(g, gen_schedule(g, k->notional_sched, next));
        } else {
            end = LLVMBuildSub(g->b, load_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_BEGIN_BALANCE)), g->prin_paid[c], "");
        }
        store_slot(g, RT_SLOT_CLASS(&g->L, c, RT_C_END_BALANCE), end);
    }
    for (int p = 0; p < s->parties.n; p++)
        store_slot(g, RT_SLOT_PARTY(&g->L, p, RT_P_PAID), g->party_paid[p]);
    for (int f = 0; f < s->funds.n; f++)
        store_slot(g, RT_SLOT_FUND(&g->L, f, RT_F_REMAINING), g->fund_rem[f]);

    /* 4. what is known only after payments, then the statement */
    for (int i = 0; i < s->defines.n; i++) need_decl(g, s->defines.v[i]);
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

/* one figure a definition uses, once */
static void emit_use(cg *g, LLVMValueRef D, ast_decl *x, const char *label, int slot, int unit, int def_ref, ptrvec *seen)
{
    for (int i = 0; i < seen->n; i++)
        if (strcmp(seen->v[i], label) == 0) return;
    ptrvec_push(&g->scratch, seen, (void *)arena_strndup(&g->scratch, label, strlen(label)));
    LLVMValueRef a[6] = { D, k32(g, x->index), cstr(g, label), k32(g, slot), k32(g, unit), k32(g, def_ref) };
    call(g, FN_rt_def_use, a, 6);
}

static const char *leaf_text(cg *g, const ast_expr *e)
{
    char *f = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&f, &n);
    fmt_expr(m, e);
    fclose(m);
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
        emit_use(g, D, x, leaf_text(g, e), RT_SLOT_PARTY(&g->L, e->ref, RT_P_PAID), RT_UNIT_MONEY, -1, seen);
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
        if (k->has_delay) {
            LLVMValueRef b[4] = { D, k32(g, RT_SET_PAYMENT_DELAY), k32(g, i), k128(g, k->delay) };
            call(g, FN_rt_deal_setting, b, 4);
        }
    }
    for (int i = 0; i < s->parties.n; i++) {
        ast_decl *p = s->parties.v[i];
        LLVMValueRef a[3] = { D, cstr(g, p->name), k32(g, p->kind == DK_RESIDUAL) };
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
        LLVMValueRef a[2] = { D, cstr(g, ((ast_decl *)s->funds.v[i])->name) };
        call(g, FN_rt_add_fund, a, 2);
    }
    for (int i = 0; i < s->clauses.n; i++) {
        ast_clause *c = s->clauses.v[i];
        ast_waterfall *w = s->clause_wf.v[i];
        char payee[512];
        size_t o = 0;
        payee[0] = 0;
        for (int j = 0; j < c->payees.n && o < sizeof payee - 80; j++) {
            ast_classref *r = c->payees.v[j];
            o += (size_t)snprintf(payee + o, sizeof payee - o, "%s%s%s%s", j ? ", " : "", r->first,
                                  r->last ? " .. " : "", r->last ? r->last : "");
        }
        /* versions of an amended clause are told apart in runtime messages */
        const char *label = c->full_label;
        if (c->from || c->to) {
            char from[16] = "", to[16] = "";
            int y, m, dd;
            if (c->from) { lex_days_to_civil(c->from, &y, &m, &dd); snprintf(from, sizeof from, "%04d-%02d-%02d", y, m, dd); }
            if (c->to) { lex_days_to_civil(c->to, &y, &m, &dd); snprintf(to, sizeof to, "%04d-%02d-%02d", y, m, dd); }
            label = arena_printf(&g->scratch, "%s [%s%s%s%s]", c->full_label, c->from ? "from " : "", from,
                                 c->from && c->to ? ", " : "", c->to ? (const char *)arena_printf(&g->scratch, "before %s", to) : "");
        }
        LLVMValueRef a[4] = { D, cstr(g, label), k32(g, w->fund_idx), cstr(g, payee) };
        call(g, FN_rt_add_clause, a, 4);
    }
    /* for explain: each definition's formula, words and the figures it uses */
    for (int i = 0; i < s->defines.n; i++) {
        ast_decl *x = s->defines.v[i];
        char *f = NULL;
        size_t flen = 0;
        FILE *m = open_memstream(&f, &flen);
        fmt_expr(m, x->expr);
        fclose(m);
        LLVMValueRef a[6] = { D, k32(g, x->index), cstr(g, f), cstr(g, x->text), cstr(g, x->amended_by),
                              k32(g, x->amended_by ? x->effective : 0) };
        call(g, FN_rt_def_info, a, 6);
        free(f);
        ptrvec seen = { 0 };
        emit_uses(g, D, x, x->expr, &seen);
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

/* The runtime functions as the module sees them; dealrt.h is the truth,
 * and tests/unit/test_abi.c checks the two agree. */
static void declare_runtime(cg *g)
{
    LLVMTypeRef P = g->ptr, I = g->i32, L = g->i64, D = g->i128, V = g->voidt;
    struct { LLVMTypeRef ret; int n; LLVMTypeRef p[6]; } sig[FN__COUNT] = {
        [FN_rt_deal_name] = { V, 2, { P, P } },
        [FN_rt_deal_dates] = { V, 5, { P, I, I, I, I } },
        [FN_rt_add_group] = { I, 2, { P, P } },
        [FN_rt_add_class] = { I, 5, { P, P, L, I, I } },
        [FN_rt_add_party] = { I, 3, { P, P, I } },
        [FN_rt_add_input] = { I, 3, { P, P, I } },
        [FN_rt_add_def] = { I, 3, { P, P, I } },
        [FN_rt_add_line] = { I, 3, { P, P, I } },
        [FN_rt_add_fund] = { I, 2, { P, P } },
        [FN_rt_add_clause] = { I, 4, { P, P, I, P } },
        [FN_rt_add_site] = { I, 4, { P, P, I, I } },
        [FN_rt_set_source] = { V, 2, { P, P } },
        [FN_rt_add_collateral] = { I, 2, { P, I } },
        [FN_rt_set_collateral] = { V, 4, { P, I, I, D } },
        [FN_rt_deal_setting] = { V, 4, { P, I, I, D } },
        [FN_rt_def_info] = { V, 6, { P, I, P, P, P, I } },
        [FN_rt_def_use] = { V, 6, { P, I, P, I, I, I } },
        [FN_rt_dec_mul] = { D, 4, { P, D, D, I } },
        [FN_rt_dec_div] = { D, 4, { P, D, D, I } },
        [FN_rt_dec_round_cents] = { D, 1, { D } },
        [FN_rt_dec_interest] = { D, 6, { P, I, I, D, D, D } },
        [FN_rt_alloc_pro_rata] = { V, 4, { D, I, P, P } },
    };
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

    cg g = { .s = s, .file = f, .ctx = m->ctx, .mod = m->mod };
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
