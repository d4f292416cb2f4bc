/*
 * A property fuzzer for the waterfall: every shipped agreement (and each
 * with its amendments) is compiled in process, and each input picks one
 * and feeds it a random but well-formed opening state and one to three
 * remittance periods: balances within the classes' originals, collections,
 * losses and draws the pool can have, every input of its unit (rates from
 * 0% to 15%). Each period runs as replay runs it, and must
 *   - pass the runtime's invariant checks (rt_check_period: cash conserved
 *     in total and fund by fund, nothing negative, no class paid more than
 *     due or owed), unless the deal's own arithmetic stops it with a
 *     message (a division by zero in a definition is the data's fault);
 *   - be deterministic: the same period run twice gives the same slots;
 *   - give the same slots compiled at -O2 and at -O0 (what `dealc build`
 *     and `dealc run` compile is the same module through the same
 *     optimiser; a difference between optimisation levels is a
 *     miscompilation or undefined behaviour in the generated code).
 * A violation aborts with the deal, the payment date and the message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_jit.h"
#include "rt_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAXDEALS 32
static fuzz_deal o2[MAXDEALS], o0[MAXDEALS];
static rt_deal *deals[MAXDEALS];
static int ndeals;
/* per deal: periods checked, and stopped by the deal's own arithmetic
 * (printed at exit with DEALC_FUZZ_STATS=1, to see the generator reaches
 * every deal's checks rather than its errors) */
static long checked[MAXDEALS], refused[MAXDEALS];

static void print_stats(void)
{
    for (int i = 0; i < ndeals; i++)
        fprintf(stderr, "fuzz_waterfall: %-40s %8ld periods checked, %6ld refused by the deal\n", o2[i].name,
                checked[i], refused[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ndeals = fuzz_compile_all(o2, o0, MAXDEALS);
    if (getenv("DEALC_FUZZ_STATS"))
        atexit(print_stats);
    for (int i = 0; i < ndeals; i++) {
        deals[i] = rt_deal_new();
        o2[i].describe(deals[i]);
        char msg[RT_ERRMAX];
        if (!rt_deal_validate(deals[i], msg, sizeof msg)) {
            fprintf(stderr, "%s: %s\n", o2[i].name, msg);
            abort();
        }
    }
    return 0;
}

/* the input, a few bytes at a time (zeros once it runs out) */
typedef struct bytes {
    const uint8_t *p;
    size_t n;
} bytes;

static uint64_t take(bytes *b, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v <<= 8;
        if (b->n) {
            v |= *b->p++;
            b->n--;
        }
    }
    return v;
}

/* a whole number from 0 to max */
static int64_t upto(bytes *b, int64_t max)
{
    return max <= 0 ? 0 : (int64_t)(take(b, 8) % ((uint64_t)max + 1));
}

static rt_dec cents(int64_t c)
{
    return (rt_dec)c * RT_CENT;
}

static void opening(const rt_deal *d, bytes *b, rt_state *st)
{
    st->distribution_number = (int32_t)upto(b, 36);
    st->payment_date = rt_payment_date(d, st->distribution_number);
    int64_t classes = 0;
    for (int32_t c = 0; c < d->classes.n; c++) {
        const rt_class_info *ci = &d->classes.v[c];
        int64_t bal = upto(b, ci->maximum_cents ? ci->maximum_cents : ci->original_cents);
        st->class_balance[c] = cents(bal);
        st->class_unpaid[c] = take(b, 1) % 8 == 1 ? cents(upto(b, bal / 50)) : 0;
        if (ci->kind == RT_CLASS_PRINCIPAL)
            classes += bal;
    }
    for (int32_t g = 0; g < d->groups.n; g++) {
        /* a pool about the size of the notes it backs, per group */
        int64_t pool = upto(b, (classes / d->groups.n) * 5 / 4 + 100000);
        st->pool_balance[g] = cents(pool);
        st->cumulative_loss[g] = cents(upto(b, pool / 20));
    }
}

static void remittance(const rt_deal *d, bytes *b, const rt_state *st, int32_t date, rt_dec *group, rt_dec *input)
{
    for (int32_t g = 0; g < d->groups.n; g++) {
        rt_dec *v = &group[(size_t)g * RT_GR_REPORTED_COUNT];
        int64_t beg = (int64_t)(st->pool_balance[g] / RT_CENT);
        int64_t prin = upto(b, beg / 8), loss = upto(b, (beg - prin) / 50);
        memset(v, 0, RT_GR_REPORTED_COUNT * sizeof *v);
        v[RT_GR_PRINCIPAL_COLLECTIONS] = cents(prin);
        int64_t intr = upto(b, beg / 60 + 100);
        v[RT_GR_INTEREST_COLLECTIONS] = cents(intr);
        /* draws on home-equity lines come out of the month's collections:
         * more than those would leave the deal's fund below zero, which the
         * deal rightly refuses */
        v[RT_GR_PRINCIPAL_DRAWS] = take(b, 1) % 4 == 1 ? cents(upto(b, prin)) : 0;
        v[RT_GR_LIQUIDATION_LOSS] = cents(loss);
        v[RT_GR_RECOVERIES] = take(b, 1) % 4 == 1 ? cents(upto(b, loss + 100000)) : 0;
        /* a net figure, either way, but never more than the month's interest
         * (and, like every optional figure, none once the input runs out) */
        v[RT_GR_SUBSTITUTION_ADJUSTMENT] = take(b, 1) % 8 == 1 ? cents(upto(b, 2 * intr) - intr) : 0;
        v[RT_GR_ACTIVE_LOAN_COUNT] = (rt_dec)upto(b, 20000) * RT_SCALE;
    }
    for (int32_t i = 0; i < d->inputs.n; i++) {
        switch (d->inputs.v[i].unit) {
        case RT_UNIT_MONEY: input[i] = cents(upto(b, 1000000000)); break;
        case RT_UNIT_RATE: input[i] = (rt_dec)upto(b, 150000) * RT_SCALE / 1000000; break; /* 0% to 15% */
        case RT_UNIT_NUMBER: input[i] = (rt_dec)upto(b, 10000000) * RT_SCALE / 1000000; break;
        case RT_UNIT_COUNT: input[i] = (rt_dec)upto(b, 100000) * RT_SCALE; break;
        case RT_UNIT_DATE: input[i] = (rt_dec)(date - 30 + (int32_t)upto(b, 60)) * RT_SCALE; break;
        default: input[i] = take(b, 1) & 1 ? RT_SCALE : 0; break;
        }
    }
}

static void violation(const fuzz_deal *fd, int32_t date, const char *what, const char *msg)
{
    char ds[11];
    fprintf(stderr, "fuzz_waterfall: %s, payment date %s: %s%s%s\n", fd->name, rt_date_format(ds, date), what,
            msg ? ": " : "", msg ? msg : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    bytes b = {data, size};
    int k = (int)(take(&b, 1) % (uint64_t)ndeals);
    const rt_deal *d = deals[k];
    size_t total = (size_t)d->layout.total + 1;
    rt_state st;
    rt_dec *slot = calloc(total, sizeof *slot), *again = calloc(total, sizeof *again),
           *low = calloc(total, sizeof *low);
    rt_dec *group = calloc((size_t)d->groups.n * RT_GR_REPORTED_COUNT + 1, sizeof *group);
    rt_dec *input = calloc((size_t)d->inputs.n + 1, sizeof *input);
    rt_run *run = rt_run_new((rt_deal *)d);
    if (!slot || !again || !low || !group || !input || !run || !rt_state_init(&st, d))
        abort();
    opening(d, &b, &st);
    int periods = 1 + (int)(take(&b, 1) % 3);
    char msg[RT_ERRMAX];
    for (int p = 0; p < periods; p++) {
        int32_t n = st.distribution_number + 1;
        rt_period_in pin = {rt_payment_date(d, n), group, input};
        remittance(d, &b, &st, pin.payment_date, group, input);
        rt_fill_slots(d, &st, &pin, n, slot);
        if (!rt_pool_sane(d, slot, msg))
            break; /* the generator's pool cannot go below zero; if it does, nothing to test */
        memcpy(again, slot, total * sizeof *slot);
        memcpy(low, slot, total * sizeof *slot);
        rt_run_reset(run);
        int32_t rc = o2[k].period(slot, run);
        if (rc != 0 || run->failed) {
            if (!run->failed || !run->error[0])
                violation(&o2[k], pin.payment_date, "the period function failed without a message", NULL);
            if (refused[k]++ < 2 && getenv("DEALC_FUZZ_STATS"))
                fprintf(stderr, "fuzz_waterfall: %s refused: %s\n", o2[k].name, run->error);
            break; /* the deal's arithmetic refused these figures, and said why */
        }
        rt_run_reset(run);
        if (o2[k].period(again, run) != 0 || run->failed || memcmp(slot, again, total * sizeof *slot) != 0)
            violation(&o2[k], pin.payment_date, "the same period run twice differs", NULL);
        rt_run_reset(run);
        if (o0[k].period(low, run) != 0 || run->failed || memcmp(slot, low, total * sizeof *slot) != 0)
            violation(&o2[k], pin.payment_date, "-O2 and -O0 differ", run->failed ? run->error : NULL);
        if (!rt_check_period(d, slot, msg))
            violation(&o2[k], pin.payment_date, "an invariant does not hold", msg);
        checked[k]++;
        rt_roll_forward(d, &st, slot, n, pin.payment_date);
    }
    rt_state_free(&st);
    rt_run_free(run);
    free(slot);
    free(again);
    free(low);
    free(group);
    free(input);
    return 0;
}
