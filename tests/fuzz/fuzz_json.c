/*
 * libFuzzer harness for the state reader: any bytes are parsed as a JSON
 * tree (rt_json_parse) and as the opening state of a deal shaped like GMACM
 * 2003-HE2 (rt_state_parse). An accepted state is written back out and must
 * read again to the same figures, since --save-state output opens the next
 * month's replay. Nothing may crash, hang, leak or trip a sanitizer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_deal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_state(const rt_deal *d, const rt_state *a, const rt_state *b)
{
    if (a->distribution_number != b->distribution_number || a->payment_date != b->payment_date)
        return 0;
    for (int32_t g = 0; g < d->groups.n; g++)
        if (a->pool_balance[g] != b->pool_balance[g] || a->cumulative_loss[g] != b->cumulative_loss[g])
            return 0;
    for (int32_t c = 0; c < d->classes.n; c++)
        if (a->class_balance[c] != b->class_balance[c] || a->class_unpaid[c] != b->class_unpaid[c])
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    rt_err e;
    memset(&e, 0, sizeof e);

    rt_jnode *root = rt_json_parse(text, size, &e);
    int json_ok = root != NULL;
    rt_json_free(root);

    rt_deal *d = rt_deal_new();
    if (!d)
        abort();
    describe_gmacm(d);
    rt_state st, again;
    if (!rt_state_init(&st, d) || !rt_state_init(&again, d))
        abort();
    if (rt_state_parse(d, text, size, &st, &e)) {
        if (!json_ok)
            abort(); /* the state reader accepted what the JSON parser did not */
        rt_buf b;
        rt_buf_init(&b);
        rt_state_write(d, &st, &b);
        if (b.oom || !rt_state_parse(d, b.data, b.len, &again, &e) || !same_state(d, &st, &again)) {
            fprintf(stderr, "fuzz_json: written state does not read back: %d:%d: %s\n", e.line, e.col,
                    e.msg);
            abort();
        }
        rt_buf_free(&b);
    } else if (!e.msg[0]) {
        abort(); /* a rejection must say why */
    }
    rt_state_free(&st);
    rt_state_free(&again);
    rt_deal_free(d);
    free(text);
    return 0;
}
