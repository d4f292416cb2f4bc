/*
 * replay_statement.c — the C API from outside the tree (docs/embedding.md):
 * load a deal built with `dealc build --shared`, replay one month, and
 * print every class's figures as the deal binary's CSV statement does
 * (payment_date,section,name,field,value). Built with nothing but
 *
 *     cc replay_statement.c $(pkg-config --cflags --libs dealrt) -o replay_statement
 *
 * Usage: replay_statement DEAL.so OPENING.json REMITTANCE.csv
 */
#include <stdio.h>

#include <dealc/dealc.h>

static void row(const char *date, const char *cls, const char *field, dealc_value v)
{
    char text[64];
    dealc_value_text(v, text, sizeof text);
    printf("%s,class,%s,%s,%s\n", date, cls, field, text);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s DEAL.so OPENING.json REMITTANCE.csv\n", argv[0]);
        return 2;
    }
    dealc_error err;
    dealc_deal *deal = NULL;
    dealc_replay *r = NULL;
    char msg[1600];
    if (dealc_deal_open(argv[1], &deal, &err) != DEALC_OK ||
        dealc_replay_files(deal, argv[2], argv[3], &r, &err) != DEALC_OK) {
        dealc_error_text(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        dealc_deal_close(deal);
        return 1;
    }
    const dealc_description *d = dealc_deal_describe(deal);
    static const struct { int field; const char *name; } fields[] = {
        {DEALC_CLASS_BEGINNING_BALANCE, "beginning_balance"},
        {DEALC_CLASS_PRINCIPAL, "principal"},
        {DEALC_CLASS_INTEREST, "interest"},
        {DEALC_CLASS_INTEREST_SHORTFALL, "interest_shortfall"},
        {DEALC_CLASS_ENDING_BALANCE, "ending_balance"},
    };
    for (int32_t k = 0; k < r->nperiods; k++) {
        const dealc_statement *p = &r->periods[k];
        char date[11];
        dealc_date_text(p->payment_date, date);
        for (int32_t c = 0; c < d->nclasses; c++) {
            const int64_t *cls = &p->classes[c * r->class_stride];
            for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
                row(date, d->classes[c].name, fields[f].name,
                    (dealc_value){cls[fields[f].field], DEALC_UNIT_MONEY});
        }
    }
    dealc_replay_free(r);
    dealc_deal_close(deal);
    return 0;
}
