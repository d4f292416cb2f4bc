/*
 * libFuzzer harness for the remittance reader: any bytes are read as the
 * remittance CSV of a deal shaped like GMACM 2003-HE2 (one group, two rate
 * inputs), opened from a valid state, exactly as `replay` reads them. The
 * same bytes are then read against a two-group deal with an input of every
 * unit, because the paths that only several groups reach (a group missing on
 * a date, inputs disagreeing across rows) are where indexing mistakes hide.
 * Nothing may crash, hang, leak or trip a sanitizer; an accepted file must
 * have produced periods in strictly increasing date order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_deal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char gmacm_state[] =
    "{\"deal\": \"GMACM Home Equity Loan Trust 2003-HE2\", \"payment_date\": \"2004-01-26\",\n"
    " \"distribution_number\": 10,\n"
    " \"groups\": [{\"group\": \"Group 1\", \"pool_balance\": \"406,855,924.22\","
    " \"cumulative_loss\": 107436.07}],\n"
    " \"classes\": [{\"class\": \"A-1\", \"balance\": 133373590.32},"
    " {\"class\": \"A-2\", \"balance\": 161627000},"
    " {\"class\": \"A-3\", \"balance\": 20875000}, {\"class\": \"A-4\", \"balance\": 22233000},"
    " {\"class\": \"A-5\", \"balance\": 63464000}, {\"class\": \"IO\", \"balance\": 76000000}]}\n";

static const char two_group_state[] =
    "{\"deal\": \"Two Group Trust\", \"payment_date\": \"2024-01-30\", \"distribution_number\": 0,\n"
    " \"groups\": [{\"group\": \"Group 1\", \"pool_balance\": 1000000, \"cumulative_loss\": 0},"
    " {\"group\": \"Group 2\", \"pool_balance\": 2000000, \"cumulative_loss\": 0}],\n"
    " \"classes\": [{\"class\": \"A\", \"balance\": 3000000}]}\n";

static void describe_two_groups(rt_deal *d)
{
    rt_deal_name(d, "Two Group Trust");
    rt_deal_dates(d, rt_days_from_civil(2024, 1, 30), rt_days_from_civil(2024, 2, 25), 25,
                  RT_BDC_FOLLOWING);
    rt_add_group(d, "Group 1");
    rt_add_group(d, "Group 2");
    rt_add_class(d, "A", 300000000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_input(d, "One-Month LIBOR", RT_UNIT_RATE);
    rt_add_input(d, "Swap Payment", RT_UNIT_MONEY);
    rt_add_input(d, "Delinquent Loans", RT_UNIT_COUNT);
    rt_add_input(d, "Index Factor", RT_UNIT_NUMBER);
    rt_add_input(d, "Determination Date", RT_UNIT_DATE);
    rt_add_input(d, "Trigger Event", RT_UNIT_BOOL);
}

static void read_as(rt_describe_fn describe, const char *state, const uint8_t *data, size_t size)
{
    rt_deal *d = rt_deal_new();
    if (!d)
        return;
    describe(d);
    char msg[RT_ERRMAX] = "";
    rt_state st;
    rt_err e;
    memset(&e, 0, sizeof e);
    /* the fixed parts must be right, or every run would test nothing */
    if (!rt_deal_validate(d, msg, sizeof msg) || !rt_state_init(&st, d)) {
        fprintf(stderr, "fuzz_csv: bad fixture: %s\n", msg);
        abort();
    }
    if (!rt_state_parse(d, state, strlen(state), &st, &e)) {
        fprintf(stderr, "fuzz_csv: bad fixture state: %d:%d: %s\n", e.line, e.col, e.msg);
        abort();
    }
    /* the reader is given a NUL-terminated copy, as rt_read_file makes it */
    char *text = malloc(size + 1);
    if (text) {
        memcpy(text, data, size);
        text[size] = '\0';
        rt_remit rm;
        memset(&e, 0, sizeof e);
        if (rt_remit_parse(d, &st, text, size, &rm, &e)) {
            for (int32_t k = 1; k < rm.nperiods; k++)
                if (rm.period[k].payment_date <= rm.period[k - 1].payment_date)
                    abort();
            rt_remit_free(&rm);
        } else if (!e.msg[0]) {
            abort(); /* a rejection must say why */
        }
        free(text);
    }
    rt_state_free(&st);
    rt_deal_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    read_as(describe_gmacm, gmacm_state, data, size);
    read_as(describe_two_groups, two_group_state, data, size);
    return 0;
}
