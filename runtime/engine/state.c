/*
 * state.c — what a deal carries from one payment date to the next (rt_state),
 * and the two steps of the period loop around dealc_period that replay,
 * projections and explain share: filling the slots from the state and the
 * period's reported figures, and rolling the state forward from the slots.
 *
 * Carried: each group's pool balance and cumulative loss; each class's
 * balance, unpaid interest, unpaid realized losses and basis risk
 * carry-forward; each account's balance; each insurer's unreimbursed draws;
 * each trigger's and date's memory. Funds carry nothing: they hold one
 * date's cash.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

#define MSG RT_ERRMAX

/* the arrays of an rt_state, with their lengths for deal d */
#define STATE_ARRAYS(X)                      \
    X(pool_balance, d->groups.n)             \
    X(cumulative_loss, d->groups.n)          \
    X(class_balance, d->classes.n)           \
    X(class_unpaid, d->classes.n)            \
    X(class_loss, d->classes.n)              \
    X(class_basis, d->classes.n)             \
    X(holder_balance, d->funds.n)            \
    X(party_unreimb, d->parties.n)           \
    X(memory, d->memory.n)

int rt_state_init(rt_state *s, const rt_deal *d)
{
    memset(s, 0, sizeof *s);
    s->distribution_number = 0;
    s->payment_date = d->closing;
    int ok = 1;
#define ALLOC(f, n)                                              \
    s->f = calloc((size_t)((n) > 0 ? (n) : 1), sizeof(rt_dec)); \
    ok = ok && s->f;
    STATE_ARRAYS(ALLOC)
#undef ALLOC
    if (!ok) {
        rt_state_free(s);
        return 0;
    }
    /* an account opens with what was deposited at closing */
    for (int32_t h = 0; h < d->funds.n && h < d->initial.n; h++)
        if (d->funds.v[h].is_account)
            s->holder_balance[h] = d->initial.v[h];
    return 1;
}

void rt_state_free(rt_state *s)
{
#define FREE(f, n) \
    free(s->f);    \
    s->f = NULL;
    STATE_ARRAYS(FREE) /* the lengths are not evaluated here */
#undef FREE
}

void rt_state_copy(const rt_deal *d, rt_state *to, const rt_state *from)
{
    to->distribution_number = from->distribution_number;
    to->payment_date = from->payment_date;
#define COPY(f, n) memcpy(to->f, from->f, (size_t)(n) * sizeof(rt_dec));
    STATE_ARRAYS(COPY)
#undef COPY
}

/* ---- the period loop --------------------------------------------------------------- */

void rt_fill_slots(const rt_deal *d, const rt_state *st, const rt_period_in *p, int32_t n, rt_dec *slot)
{
    rt_fill_slots_days(d, st, p, n, rt_period_days_30_360(d, n), slot);
}

void rt_fill_slots_days(const rt_deal *d, const rt_state *st, const rt_period_in *p, int32_t n, int32_t days30,
                        rt_dec *slot)
{
    const rt_layout *l = &d->layout;
    memset(slot, 0, (size_t)l->total * sizeof *slot);
    slot[RT_G_DIST_NUMBER] = (rt_dec)n * RT_SCALE;
    slot[RT_G_PAYMENT_DATE] = (rt_dec)p->payment_date * RT_SCALE;
    slot[RT_G_PREV_PAYMENT_DATE] = (rt_dec)st->payment_date * RT_SCALE;
    slot[RT_G_DAYS_ACTUAL] = (rt_dec)(p->payment_date - st->payment_date) * RT_SCALE;
    slot[RT_G_DAYS_30_360] = (rt_dec)days30 * RT_SCALE;
    for (int32_t g = 0; g < d->groups.n; g++) {
        rt_dec *gs = &slot[RT_SLOT_GROUP(l, g, 0)];
        for (int f = 0; f < RT_GR_REPORTED_COUNT; f++)
            gs[f] = p->group[(size_t)g * RT_GR_REPORTED_COUNT + (size_t)f];
        gs[RT_GR_BEGIN_BALANCE] = st->pool_balance[g];
        gs[RT_GR_END_BALANCE] = st->pool_balance[g] - gs[RT_GR_PRINCIPAL_COLLECTIONS] + gs[RT_GR_PRINCIPAL_DRAWS] -
                                gs[RT_GR_LIQUIDATION_LOSS] + gs[RT_GR_ADDITIONAL_BALANCES];
        gs[RT_GR_BEGIN_CUM_LOSS] = st->cumulative_loss[g];
        gs[RT_GR_END_CUM_LOSS] = st->cumulative_loss[g] + gs[RT_GR_LIQUIDATION_LOSS] - gs[RT_GR_RECOVERIES];
    }
    for (int32_t c = 0; c < d->classes.n; c++) {
        slot[RT_SLOT_CLASS(l, c, RT_C_ORIGINAL)] = (rt_dec)d->classes.v[c].original_cents * RT_CENT;
        slot[RT_SLOT_CLASS(l, c, RT_C_BEGIN_BALANCE)] = st->class_balance[c];
        slot[RT_SLOT_CLASS(l, c, RT_C_UNPAID_BEGIN)] = st->class_unpaid[c];
        slot[RT_SLOT_CLASS(l, c, RT_C_LOSS_BEGIN)] = st->class_loss[c];
        slot[RT_SLOT_CLASS(l, c, RT_C_BASIS_BEGIN)] = st->class_basis[c];
    }
    for (int32_t h = 0; d->has_accounts && h < d->funds.n; h++)
        slot[RT_SLOT_FUND(l, h, RT_F_BEGIN)] = st->holder_balance[h];
    for (int32_t i = 0; d->has_insurers && i < d->parties.n; i++)
        slot[RT_SLOT_PARTY(l, i, RT_P_UNREIMB_BEGIN)] = st->party_unreimb[i];
    for (int32_t i = 0; i < d->memory.n; i++)
        slot[RT_SLOT_MEMORY(l, i, RT_M_PRIOR)] = st->memory[i];
    for (int32_t i = 0; i < d->inputs.n; i++)
        slot[RT_SLOT_INPUT(l, i)] = p->input[i];
}

/* A pool cannot pay down below zero: the remittance figures are wrong, and
 * letting it through would only fail later, further from the cause. */
int rt_pool_sane(const rt_deal *d, const rt_dec *slot, char *msg)
{
    char a[RT_NUMBUF], b[RT_NUMBUF];
    for (int32_t g = 0; g < d->groups.n; g++) {
        rt_dec end = slot[RT_SLOT_GROUP(&d->layout, g, RT_GR_END_BALANCE)];
        if (end < 0) {
            snprintf(msg, MSG, "group \"%s\": the remittance takes the pool balance of %s below zero (%s)",
                     d->groups.v[g], rt_fmt_money(a, slot[RT_SLOT_GROUP(&d->layout, g, RT_GR_BEGIN_BALANCE)], 1, 1),
                     rt_fmt_money(b, end, 1, 1));
            return 0;
        }
    }
    return 1;
}

void rt_roll_forward(const rt_deal *d, rt_state *st, const rt_dec *slot, int32_t n, int32_t date)
{
    const rt_layout *l = &d->layout;
    for (int32_t c = 0; c < d->classes.n; c++) {
        st->class_balance[c] = slot[RT_SLOT_CLASS(l, c, RT_C_END_BALANCE)];
        st->class_unpaid[c] = slot[RT_SLOT_CLASS(l, c, RT_C_UNPAID_END)];
        st->class_loss[c] = slot[RT_SLOT_CLASS(l, c, RT_C_LOSS_END)];
        st->class_basis[c] = slot[RT_SLOT_CLASS(l, c, RT_C_BASIS_END)];
    }
    for (int32_t g = 0; g < d->groups.n; g++) {
        st->pool_balance[g] = slot[RT_SLOT_GROUP(l, g, RT_GR_END_BALANCE)];
        st->cumulative_loss[g] = slot[RT_SLOT_GROUP(l, g, RT_GR_END_CUM_LOSS)];
    }
    for (int32_t h = 0; d->has_accounts && h < d->funds.n; h++)
        st->holder_balance[h] = d->funds.v[h].is_account ? slot[RT_SLOT_FUND(l, h, RT_F_REMAINING)] : 0;
    for (int32_t i = 0; d->has_insurers && i < d->parties.n; i++)
        st->party_unreimb[i] = slot[RT_SLOT_PARTY(l, i, RT_P_UNREIMB_END)];
    for (int32_t i = 0; i < d->memory.n; i++)
        st->memory[i] = slot[RT_SLOT_MEMORY(l, i, RT_M_CARRY)];
    st->distribution_number = n;
    st->payment_date = date;
}
