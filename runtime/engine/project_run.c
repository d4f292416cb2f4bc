/*
 * project_run.c — one projected scenario: the collateral engine's month
 * feeds the slots exactly where a remittance file would, the deal's period
 * function runs, and replay's invariant checks run on every period, so a
 * projection is held to the same cash accounting as a replay.
 *
 * Everything a scenario needs is allocated by rt_proj_new; rt_proj_run only
 * writes into it, so a worker thread runs scenario after scenario without
 * touching the allocator.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_project.h"

struct rt_proj {
    const rt_deal *d;
    rt_period_fn period;
    rt_state open, st;
    int64_t *scale;       /* per group, cents; NULL: lines as declared */
    int32_t age_shift;
    int32_t max_periods;
    int64_t call_at;      /* clean-up call threshold, cents; -1: none */
    rt_pool *pool;
    rt_flows *fl;         /* ngroups */
    rt_dec *slot;
    rt_run *run;
    rt_dec *group_in;     /* ngroups * RT_GR_REPORTED_COUNT */
    rt_dec *input_in;     /* ninputs */
    int32_t *cal_date;    /* payment date of period k, from the opening */
    int32_t *cal_days;    /* its 30/360 days */
    rt_proj_result res;
};

static int copy_state(const rt_deal *d, rt_state *to, const rt_state *from)
{
    rt_state_copy(d, to, from);
    return 1;
}

/* whole calendar months from one date to a later one (day of month ignored:
 * a pool is aged by collection periods, which run by calendar month) */
static int32_t months_between(int32_t from, int32_t to)
{
    int y1, m1, d1, y2, m2, d2;
    rt_civil_from_days(from, &y1, &m1, &d1);
    rt_civil_from_days(to, &y2, &m2, &d2);
    int32_t m = (y2 - y1) * 12 + (m2 - m1);
    return m < 0 ? 0 : m;
}

void rt_proj_free(rt_proj *w)
{
    if (!w)
        return;
    rt_state_free(&w->open);
    rt_state_free(&w->st);
    free(w->scale);
    rt_pool_free(w->pool);
    free(w->fl);
    free(w->slot);
    rt_run_free(w->run);
    free(w->group_in);
    free(w->input_in);
    free(w->cal_date);
    free(w->cal_days);
    free(w->res.date);
    free(w->res.class_begin);
    free(w->res.class_int);
    free(w->res.class_prin);
    free(w->res.class_end);
    free(w->res.class_coupon);
    free(w->res.class_drawn);
    free(w->res.class_writedown);
    free(w->res.class_loss_end);
    free(w->res.class_basis_end);
    free(w->res.class_loss_paid);
    free(w->res.class_basis_paid);
    free(w->res.party);
    free(w->res.fund);
    free(w->res.memory);
    free(w->res.flows);
    free(w);
}

rt_proj *rt_proj_new(const rt_deal *d, rt_period_fn period, const rt_state *opening, int32_t max_lag,
                     int32_t max_periods)
{
    rt_proj *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->d = d;
    w->period = period;
    w->max_periods = max_periods < 1 ? 1 : max_periods;
    size_t ng = (size_t)d->groups.n, nc = (size_t)d->classes.n + 1, mp = (size_t)w->max_periods;
    int ok = rt_state_init(&w->open, d);
    ok = rt_state_init(&w->st, d) && ok;
    w->pool = rt_pool_new(d, max_lag, w->max_periods);
    w->fl = calloc(ng, sizeof *w->fl);
    w->slot = calloc((size_t)d->layout.total + 1, sizeof *w->slot);
    w->run = rt_run_new((rt_deal *)d);
    w->group_in = calloc(ng * RT_GR_REPORTED_COUNT, sizeof *w->group_in);
    w->input_in = calloc((size_t)d->inputs.n + 1, sizeof *w->input_in);
    w->res.date = calloc(mp, sizeof *w->res.date);
    w->cal_date = calloc(mp, sizeof *w->cal_date);
    w->cal_days = calloc(mp, sizeof *w->cal_days);
    w->res.class_begin = calloc(mp * nc, sizeof(int64_t));
    w->res.class_int = calloc(mp * nc, sizeof(int64_t));
    w->res.class_prin = calloc(mp * nc, sizeof(int64_t));
    w->res.class_end = calloc(mp * nc, sizeof(int64_t));
    w->res.class_coupon = calloc(mp * nc, sizeof(rt_dec));
    w->res.class_drawn = calloc(mp * nc, sizeof(int64_t));
    w->res.class_writedown = calloc(mp * nc, sizeof(int64_t));
    w->res.class_loss_end = calloc(mp * nc, sizeof(int64_t));
    w->res.class_basis_end = calloc(mp * nc, sizeof(int64_t));
    w->res.class_loss_paid = calloc(mp * nc, sizeof(int64_t));
    w->res.class_basis_paid = calloc(mp * nc, sizeof(int64_t));
    w->res.party = calloc(mp * ((size_t)d->parties.n * RT_P_COUNT + 1), sizeof(int64_t));
    w->res.fund = calloc(mp * ((size_t)d->funds.n * RT_F_COUNT + 1), sizeof(int64_t));
    w->res.memory = calloc(mp * ((size_t)d->memory.n + 1), sizeof(int32_t));
    w->res.flows = calloc(mp * ng, sizeof(rt_flows));
    if (!ok || !w->pool || !w->fl || !w->slot || !w->run || !w->group_in || !w->input_in || !w->res.date ||
        !w->res.class_begin || !w->res.class_int || !w->res.class_prin || !w->res.class_end ||
        !w->res.class_coupon || !w->res.class_drawn || !w->res.class_writedown || !w->res.class_loss_end ||
        !w->res.class_basis_end || !w->res.class_loss_paid || !w->res.class_basis_paid || !w->res.party || !w->res.fund || !w->res.memory || !w->res.flows ||
        !w->cal_date || !w->cal_days) {
        rt_proj_free(w);
        return NULL;
    }

    /* the declared pool, per group, in cents */
    int64_t declared_total = 0;
    for (int32_t i = 0; i < d->collateral.n; i++) {
        const rt_collateral_line *cl = &d->collateral.v[i];
        if (cl->group >= 0 && cl->group < d->groups.n) {
            rt_dec c = rt_dec_round_cents(cl->field[RT_L_BALANCE]);
            w->open.pool_balance[cl->group] += c;
            declared_total += (int64_t)(c / RT_CENT);
        }
    }
    if (opening) {
        copy_state(d, &w->open, opening);
        w->scale = calloc(ng + 1, sizeof *w->scale);
        if (!w->scale) {
            rt_proj_free(w);
            return NULL;
        }
        for (size_t g = 0; g < ng; g++)
            w->scale[g] = (int64_t)(rt_dec_round_cents(opening->pool_balance[g]) / RT_CENT);
        int32_t cutoff = d->settings_given[RT_SET_CUTOFF_DATE]
                             ? (int32_t)(d->settings[RT_SET_CUTOFF_DATE] / RT_SCALE)
                             : d->closing;
        w->age_shift = months_between(cutoff, opening->payment_date);
    } else {
        w->open.distribution_number = 0;
        w->open.payment_date = d->closing;
        for (int32_t c = 0; c < d->classes.n; c++)
            w->open.class_balance[c] = (rt_dec)d->classes.v[c].original_cents * RT_CENT;
    }

    /* the calendar is the same for every scenario */
    for (int32_t k = 0; k < w->max_periods; k++) {
        int32_t n = w->open.distribution_number + 1 + k;
        w->cal_date[k] = rt_payment_date(d, n);
        w->cal_days[k] = rt_period_days_30_360(d, n);
    }

    /* the clean-up call: a fraction of the cut-off balance (the groups'
     * declared cut-off balances when given, else the declared lines) */
    w->call_at = -1;
    if (d->settings_given[RT_SET_CLEANUP_CALL] && d->settings[RT_SET_CLEANUP_CALL] > 0) {
        rt_dec base = 0;
        for (int32_t g = 0; g < d->cutoff_balance.n; g++)
            base += d->cutoff_balance.v[g];
        if (base <= 0)
            base = (rt_dec)declared_total * RT_CENT;
        rt_dec at = rt_dec_round_cents(base / RT_SCALE * d->settings[RT_SET_CLEANUP_CALL] +
                                       base % RT_SCALE * d->settings[RT_SET_CLEANUP_CALL] / RT_SCALE);
        w->call_at = (int64_t)(at / RT_CENT);
    }
    return w;
}

const rt_proj_result *rt_proj_result_get(const rt_proj *w)
{
    return &w->res;
}

const rt_state *rt_proj_opening(const rt_proj *w)
{
    return &w->open;
}

/* Period k's losses, draws, parties, funds and triggers into the result:
 * only what the deal has (a deal without write-downs, variable pay classes
 * or caps skips the class figures, which stay 0 from rt_proj_new). The
 * checks have passed, so every figure is whole cents. */
static void record_reach(rt_proj *w, int32_t k)
{
    const rt_deal *d = w->d;
    const rt_layout *l = &d->layout;
    const rt_dec *slot = w->slot;
    const int32_t nc = d->classes.n, np = d->parties.n, nf = d->funds.n, nm = d->memory.n;
    if (d->has_allocs || d->has_variable || d->has_caps) {
        size_t base = (size_t)k * (size_t)nc;
        for (int32_t c = 0; c < nc; c++) {
            w->res.class_drawn[base + c] = rt_dec_to_cents_fast(slot[RT_SLOT_CLASS(l, c, RT_C_DRAWN)]);
            w->res.class_writedown[base + c] = rt_dec_to_cents_fast(slot[RT_SLOT_CLASS(l, c, RT_C_WRITEDOWN)]);
            w->res.class_loss_end[base + c] = rt_dec_to_cents_fast(slot[RT_SLOT_CLASS(l, c, RT_C_LOSS_END)]);
            w->res.class_basis_end[base + c] = rt_dec_to_cents_fast(slot[RT_SLOT_CLASS(l, c, RT_C_BASIS_END)]);
            w->res.class_loss_paid[base + c] = rt_dec_to_cents_fast(slot[RT_SLOT_CLASS(l, c, RT_C_LOSS_PAID)]);
            w->res.class_basis_paid[base + c] = rt_dec_to_cents_fast(slot[RT_SLOT_CLASS(l, c, RT_C_BASIS_PAID)]);
        }
    }
    int64_t *pr = &w->res.party[(size_t)k * (size_t)np * RT_P_COUNT];
    for (int32_t p = 0; p < np; p++)
        for (int f = 0; f < RT_P_COUNT; f++)
            pr[(size_t)p * RT_P_COUNT + (size_t)f] = rt_dec_to_cents_fast(slot[RT_SLOT_PARTY(l, p, f)]);
    int64_t *fr = &w->res.fund[(size_t)k * (size_t)nf * RT_F_COUNT];
    for (int32_t h = 0; h < nf; h++)
        for (int f = 0; f < RT_F_COUNT; f++)
            fr[(size_t)h * RT_F_COUNT + (size_t)f] = rt_dec_to_cents_fast(slot[RT_SLOT_FUND(l, h, f)]);
    int32_t *mr = &w->res.memory[(size_t)k * (size_t)nm];
    for (int32_t m = 0; m < nm; m++) {
        rt_dec v = slot[RT_SLOT_MEMORY(l, m, RT_M_VALUE)];
        if (d->memory.v[m].kind != RT_MEM_DATE)
            mr[m] = v != 0;
        else
            mr[m] = v >= (rt_dec)RT_DATE_NEVER * RT_SCALE ? RT_DATE_NEVER : (int32_t)(v / RT_SCALE);
    }
}

static void fail_at(char *msg, size_t msgsize, int32_t date, const char *what)
{
    char ds[11];
    snprintf(msg, msgsize, "payment date %s: %s", rt_date_format(ds, date), what);
}

int rt_proj_run(rt_proj *w, const rt_assump *a, char *msg, size_t msgsize)
{
    const rt_deal *d = w->d;
    const rt_layout *l = &d->layout;
    const int32_t ng = d->groups.n, nc = d->classes.n, ni = d->inputs.n;
    char why[RT_ERRMAX];
    copy_state(d, &w->st, &w->open);
    w->res.nperiods = 0;
    w->res.called = 0;
    w->res.first_dist = w->open.distribution_number + 1;
    if (!rt_pool_start(w->pool, a, w->scale, w->age_shift, msg, msgsize))
        return 0;
    rt_period_in pin = {0, w->group_in, w->input_in};
    /* the pool before each period: computed once here, then carried from
     * each period's end (a scan of every line is as dear as a month) */
    int64_t pool_now = 0;
    for (int32_t g = 0; g < ng; g++)
        pool_now += rt_pool_balance(w->pool, g);
    int32_t limit = a->periods > 0 && a->periods < w->max_periods ? a->periods : w->max_periods;

    for (int32_t k = 0; k < limit; k++) {
        int32_t t = k + 1, n = w->st.distribution_number + 1;
        int32_t date = w->cal_date[k];
        int call = a->to_call && w->call_at >= 0 && pool_now <= w->call_at && pool_now > 0;

        rt_pool_month(w->pool, t, w->fl);
        if (call)
            rt_pool_sell(w->pool, w->fl);
        for (int32_t g = 0; g < ng; g++) {
            const rt_flows *f = &w->fl[g];
            rt_dec *gi = &w->group_in[(size_t)g * RT_GR_REPORTED_COUNT];
            gi[RT_GR_PRINCIPAL_COLLECTIONS] = (rt_dec)(f->scheduled + f->prepaid + f->recoveries + f->sold) * RT_CENT;
            gi[RT_GR_INTEREST_COLLECTIONS] = (rt_dec)f->interest * RT_CENT;
            /* draws on revolving lines (--draw-rate) are the remittance's
             * principal draws: the new balance enters the pool, and the
             * deal's clauses fund it as its agreement says */
            gi[RT_GR_PRINCIPAL_DRAWS] = (rt_dec)f->drawn * RT_CENT;
            gi[RT_GR_LIQUIDATION_LOSS] = (rt_dec)f->loss * RT_CENT;
            gi[RT_GR_RECOVERIES] = (rt_dec)f->recoveries * RT_CENT;
            gi[RT_GR_SUBSTITUTION_ADJUSTMENT] = 0;
            /* a representative line is not a loan; a tape's lines are */
            gi[RT_GR_ACTIVE_LOAN_COUNT] = d->collateral_is_tape ? (rt_dec)f->loans * RT_SCALE : 0;
        }
        for (int32_t i = 0; i < ni; i++) {
            const rt_index_path *ix = a->index ? &a->index[i] : NULL;
            if (ix && ix->n > 0)
                w->input_in[i] = ix->values[t <= ix->n ? t - 1 : ix->n - 1];
            else
                w->input_in[i] = a->input ? a->input[i] : 0;
        }
        pin.payment_date = date;
        rt_fill_slots_days(d, &w->st, &pin, n, w->cal_days[k], w->slot);
        /* a projected liquidation loss is already net of its recovery (the
         * liquidation proceeds are the recovery), so cumulative loss grows
         * by the loss alone; replay's "less recoveries" is for recoveries on
         * loans charged off before */
        for (int32_t g = 0; g < ng; g++)
            w->slot[RT_SLOT_GROUP(l, g, RT_GR_END_CUM_LOSS)] =
                w->slot[RT_SLOT_GROUP(l, g, RT_GR_BEGIN_CUM_LOSS)] + (rt_dec)w->fl[g].loss * RT_CENT;
        if (!rt_pool_sane(d, w->slot, why)) {
            fail_at(msg, msgsize, date, why);
            return 0;
        }
        rt_run_reset(w->run);
        int32_t rc = w->period(w->slot, w->run);
        if (rc != 0 || w->run->failed) {
            fail_at(msg, msgsize, date, w->run->failed ? w->run->error : "the deal's period function failed");
            return 0;
        }
        /* the checks; when they pass on int64 cents they also give the
         * class figures for the results, already in cents */
        size_t base = (size_t)k * (size_t)nc;
        rt_class_cents cc = {&w->res.class_begin[base], &w->res.class_int[base], &w->res.class_prin[base],
                             &w->res.class_end[base]};
        int in_cents = rt_check_period_fast(d, w->slot, &cc);
        if (!in_cents && !rt_check_period(d, w->slot, why)) {
            fail_at(msg, msgsize, date, why);
            return 0;
        }
        /* the engine and the slots must agree on the pool to the cent */
        for (int32_t g = 0; g < ng; g++)
            if (w->slot[RT_SLOT_GROUP(l, g, RT_GR_END_BALANCE)] != (rt_dec)w->fl[g].end * RT_CENT) {
                fail_at(msg, msgsize, date, "the projected pool balance does not match the period's figures");
                return 0;
            }

        w->res.date[k] = date;
        memcpy(&w->res.flows[(size_t)k * (size_t)ng], w->fl, (size_t)ng * sizeof *w->fl);
        for (int32_t c = 0; c < nc; c++) {
            if (!in_cents) {
                w->res.class_begin[base + c] = rt_dec_to_cents(w->slot[RT_SLOT_CLASS(l, c, RT_C_BEGIN_BALANCE)]);
                w->res.class_int[base + c] = rt_dec_to_cents(w->slot[RT_SLOT_CLASS(l, c, RT_C_INTEREST_PAID)]);
                w->res.class_prin[base + c] = rt_dec_to_cents(w->slot[RT_SLOT_CLASS(l, c, RT_C_PRINCIPAL_PAID)]);
                w->res.class_end[base + c] = rt_dec_to_cents(w->slot[RT_SLOT_CLASS(l, c, RT_C_END_BALANCE)]);
            }
            w->res.class_coupon[base + c] = w->slot[RT_SLOT_CLASS(l, c, RT_C_COUPON)];
        }
        record_reach(w, k);
        w->res.nperiods = k + 1;
        rt_roll_forward(d, &w->st, w->slot, n, date);

        int64_t left = 0;
        for (int32_t g = 0; g < ng; g++)
            left += w->fl[g].end;
        pool_now = left;
        if (call) {
            w->res.called = 1;
            break;
        }
        /* nothing more can come in once the pool is gone, whether or not
         * the classes were paid in full */
        if (left == 0)
            break;
    }
    return 1;
}
