/*
 * report.c — the statement writers: a trustee-style table, a long-format
 * CSV and JSON, all built from one period's slots.
 *
 * The table imitates the "statement to certificateholders" trustees publish
 * so that a reviewer can lay the two side by side; the CSV and JSON carry
 * the same figures without separators for machines. Derived figures (factor,
 * security percent) are computed here with explicit half-up rounding so all
 * three formats agree to the digit.
 */
#include <string.h>

#include "rt_internal.h"

typedef enum style { STYLE_TABLE, STYLE_CSV, STYLE_JSON } style;

static rt_dec cslot(const rt_deal *d, const rt_dec *slot, int32_t c, int f)
{
    return slot[RT_SLOT_CLASS(&d->layout, c, f)];
}

/* END_BALANCE / ORIGINAL to 7 decimals, half-up, as a 12-decimal rt_dec;
 * a class issued with no balance (a variable funding note) has no factor:
 * *none is set and trustees print "-". A variable pay note drawn past its
 * original balance has a factor above 1. */
rt_dec rt_report_factor(const rt_deal *d, const rt_dec *slot, int32_t c, int *none)
{
    rt_dec orig = cslot(d, slot, c, RT_C_ORIGINAL);
    *none = orig == 0;
    int ok;
    rt_dec q = rt_dec_ratio(cslot(d, slot, c, RT_C_END_BALANCE), orig, 7, &ok);
    return ok ? q * (RT_SCALE / 10000000) : 0;
}

static const char *factor_text(char *buf, const rt_deal *d, const rt_dec *slot, int32_t c, const char *none_text)
{
    int none;
    rt_dec f = rt_report_factor(d, slot, c, &none);
    return none ? strcpy(buf, none_text) : rt_fmt_fixed(buf, f, 7, 0, 0);
}

/* ending balance as a percent of the term classes' original balances (the
 * principal classes that cannot grow: a variable pay note is measured
 * against them, not part of them), to 2 decimals half-up; returned as the
 * percent number (18.32 -> 18.32) */
rt_dec rt_report_security(const rt_deal *d, const rt_dec *slot, int32_t c)
{
    if (d->classes.v[c].kind == RT_CLASS_NOTIONAL)
        return 0;
    rt_dec total = 0;
    for (int32_t k = 0; k < d->classes.n; k++)
        if (d->classes.v[k].kind == RT_CLASS_PRINCIPAL && d->classes.v[k].maximum_cents <= 0)
            total += cslot(d, slot, k, RT_C_ORIGINAL);
    int ok;
    rt_dec q = rt_dec_ratio(cslot(d, slot, c, RT_C_END_BALANCE), total, 4, &ok);
    return ok ? q * (RT_SCALE / 100) : 0;
}

/* The class figures a deal shows beyond the standard nine, when it uses
 * what makes them: draws, write-downs, capped coupons. */
typedef struct extra_col {
    int field;           /* RT_C_* */
    const char *head;    /* table heading */
    const char *key;     /* JSON and CSV key */
} extra_col;

static const extra_col extras[] = {
    {RT_C_DRAWN, "Drawn", "drawn"},
    {RT_C_WRITEDOWN, "Realized Loss", "realized_loss"},
    {RT_C_LOSS_END, "Unpaid Realized Loss", "unpaid_realized_loss"},
    {RT_C_LOSS_PAID, "Realized Loss Paid", "realized_loss_paid"},
    {RT_C_BASIS_DUE, "Basis Risk Shortfall", "basis_risk_shortfall"},
    {RT_C_BASIS_PAID, "Basis Risk Paid", "basis_risk_paid"},
    {RT_C_BASIS_END, "Basis Risk Carry-Forward", "basis_risk_carry_forward"},
};
enum { NEXTRAS = sizeof extras / sizeof extras[0] };

static int extra_shown(const rt_deal *d, int i)
{
    switch (extras[i].field) {
    case RT_C_DRAWN: return d->has_variable;
    case RT_C_WRITEDOWN: case RT_C_LOSS_END: case RT_C_LOSS_PAID: return d->has_allocs;
    default: return d->has_caps;
    }
}

static const char *line_value(char *buf, const rt_deal *d, int32_t i, rt_dec v, style st)
{
    int32_t unit = d->lines.v[i].unit;
    switch (unit) {
    case RT_UNIT_MONEY:
        return rt_fmt_money(buf, v, st == STYLE_TABLE, st == STYLE_TABLE);
    case RT_UNIT_RATE:
        if (st == STYLE_TABLE) {
            rt_fmt_percent(buf, v, 5);
            strcat(buf, "%");
            return buf;
        }
        return rt_fmt_percent_trim(buf, v);
    case RT_UNIT_COUNT:
        return rt_fmt_fixed(buf, v, 0, st == STYLE_TABLE, 0);
    case RT_UNIT_NUMBER:
        return st == STYLE_TABLE ? rt_fmt_fixed(buf, v, 7, 0, 0) : rt_fmt_trim(buf, v);
    case RT_UNIT_DATE: {
        /* a date slot holds day * RT_SCALE; any fraction is dropped (floor) */
        rt_dec day = v / RT_SCALE - (v % RT_SCALE < 0);
        return rt_date_format(buf, (int32_t)day);
    }
    case RT_UNIT_BOOL:
        if (st == STYLE_TABLE)
            strcpy(buf, v ? "Yes" : "No");
        else
            strcpy(buf, v ? "true" : "false");
        return buf;
    }
    return strcpy(buf, "?");
}

/* ---- table ---------------------------------------------------------------------- */

#define NBASE 9
#define NCOLS (NBASE + NEXTRAS)
static const char *const col_head[NBASE] = {"Class",    "Beginning Balance",   "Ending Balance",
                                            "Factor",   "Principal",           "Interest",
                                            "Interest Shortfalls", "Security %", "Coupon"};

/* the deal's columns: the nine every statement has, then its extras */
static int table_cols(const rt_deal *d, int *col)
{
    int n = 0;
    for (int j = 0; j < NBASE; j++)
        col[n++] = j;
    for (int i = 0; i < NEXTRAS; i++)
        if (extra_shown(d, i))
            col[n++] = NBASE + i;
    return n;
}

static const char *head_of(int col) { return col < NBASE ? col_head[col] : extras[col - NBASE].head; }

/* One cell of the class table; row < nclasses is a class, after that the
 * residual parties in order. Empty string for cells a party row leaves out. */
static const char *table_cell(char *buf, const rt_deal *d, const rt_dec *slot, int32_t row, int col,
                              int *found)
{
    *found = 1;
    buf[0] = '\0';
    if (row < d->classes.n) {
        int32_t c = row;
        switch (col) {
        case 0:
            snprintf(buf, RT_NUMBUF + 64, "Class %.*s", 60, d->classes.v[c].name);
            return buf;
        case 1: return rt_fmt_money(buf, cslot(d, slot, c, RT_C_BEGIN_BALANCE), 1, 1);
        case 2: return rt_fmt_money(buf, cslot(d, slot, c, RT_C_END_BALANCE), 1, 1);
        case 3: return factor_text(buf, d, slot, c, "-");
        case 4: return rt_fmt_money(buf, cslot(d, slot, c, RT_C_PRINCIPAL_PAID), 1, 1);
        case 5: return rt_fmt_money(buf, cslot(d, slot, c, RT_C_INTEREST_PAID), 1, 1);
        case 6: return rt_fmt_money(buf, cslot(d, slot, c, RT_C_INTEREST_SHORTFALL), 1, 1);
        case 7:
            rt_fmt_fixed(buf, rt_report_security(d, slot, c), 2, 0, 0);
            strcat(buf, "%");
            return buf;
        case 8:
            rt_fmt_percent(buf, cslot(d, slot, c, RT_C_COUPON), 3);
            strcat(buf, "%");
            return buf;
        default:
            if (col >= NBASE && col < NCOLS)
                return rt_fmt_money(buf, cslot(d, slot, c, extras[col - NBASE].field), 1, 1);
        }
        return buf;
    }
    /* residual parties */
    int32_t k = row - d->classes.n;
    for (int32_t p = 0; p < d->parties.n; p++) {
        if (!d->parties.v[p].is_residual)
            continue;
        if (k-- != 0)
            continue;
        if (col == 0)
            snprintf(buf, RT_NUMBUF + 64, "%.*s", 60, d->parties.v[p].name);
        else if (col == 5)
            rt_fmt_money(buf, slot[RT_SLOT_PARTY(&d->layout, p, RT_P_PAID)], 1, 1);
        return buf;
    }
    *found = 0;
    return buf;
}

/* With need set, only measures the table's width; otherwise writes it. */
static void class_table(const rt_deal *d, const rt_dec *slot, rt_buf *out, size_t *need)
{
    size_t w[NCOLS];
    int col[NCOLS];
    int nc = table_cols(d, col);
    char buf[RT_NUMBUF + 64];
    int found;
    for (int j = 0; j < nc; j++)
        w[j] = strlen(head_of(col[j]));
    for (int32_t row = 0;; row++) {
        table_cell(buf, d, slot, row, 0, &found);
        if (!found)
            break;
        for (int j = 0; j < nc; j++) {
            size_t l = strlen(table_cell(buf, d, slot, row, col[j], &found));
            if (l > w[j])
                w[j] = l;
        }
    }
    size_t total = 0;
    for (int j = 0; j < nc; j++)
        total += w[j] + (j ? 2 : 0);
    if (need) {
        *need = total;
        return;
    }
    for (int j = 0; j < nc; j++) {
        if (j)
            rt_buf_pad(out, ' ', 2);
        const char *h = head_of(col[j]);
        size_t l = strlen(h);
        if (j == 0) {
            rt_buf_puts(out, h);
            rt_buf_pad(out, ' ', w[j] - l);
        } else {
            rt_buf_pad(out, ' ', w[j] - l);
            rt_buf_puts(out, h);
        }
    }
    rt_buf_putc(out, '\n');
    rt_buf_pad(out, '-', total);
    rt_buf_putc(out, '\n');
    for (int32_t row = 0;; row++) {
        table_cell(buf, d, slot, row, 0, &found);
        if (!found)
            break;
        size_t lineend = out->len;
        for (int j = 0; j < nc; j++) {
            const char *s = table_cell(buf, d, slot, row, col[j], &found);
            size_t l = strlen(s);
            if (j)
                rt_buf_pad(out, ' ', 2);
            if (j == 0) {
                rt_buf_puts(out, s);
                rt_buf_pad(out, ' ', w[j] - l);
            } else {
                rt_buf_pad(out, ' ', w[j] - l);
                rt_buf_puts(out, s);
            }
        }
        /* party rows end in blanks; trim them */
        while (out->len > lineend && out->data[out->len - 1] == ' ')
            out->data[--out->len] = '\0';
        rt_buf_putc(out, '\n');
    }
}

/* What a deal carries besides its classes, as label and value rows: each
 * account's balances, each insurer's draws, each trigger and date. Row i
 * of n; returns 0 past the last. */
static int carried_row(const rt_deal *d, const rt_dec *slot, int32_t i, char *label, size_t lsize, char *value)
{
    const rt_layout *l = &d->layout;
    for (int32_t h = 0; h < d->funds.n; h++) {
        if (!d->funds.v[h].is_account)
            continue;
        static const char *const what[3] = {"Beginning Balance", "Interest Earned", "Ending Balance"};
        static const int field[3] = {RT_F_BEGIN, RT_F_DEPOSIT, RT_F_REMAINING};
        if (i < 3) {
            snprintf(label, lsize, "%.80s %s", d->funds.v[h].name, what[i]);
            rt_fmt_money(value, slot[RT_SLOT_FUND(l, h, field[i])], 1, 1);
            return 1;
        }
        i -= 3;
    }
    for (int32_t p = 0; p < d->parties.n; p++) {
        if (!d->parties.v[p].is_insurer)
            continue;
        static const char *const what[3] = {"Draw Amount", "Reimbursement", "Unreimbursed Draws"};
        static const int field[3] = {RT_P_DRAWN, RT_P_REIMBURSED, RT_P_UNREIMB_END};
        if (i < 3) {
            snprintf(label, lsize, "%.80s %s", d->parties.v[p].name, what[i]);
            rt_fmt_money(value, slot[RT_SLOT_PARTY(l, p, field[i])], 1, 1);
            return 1;
        }
        i -= 3;
    }
    if (i < d->memory.n) {
        const rt_memory_info *m = &d->memory.v[i];
        rt_dec v = slot[RT_SLOT_MEMORY(l, i, RT_M_VALUE)];
        snprintf(label, lsize, "%.100s", m->name);
        if (m->kind != RT_MEM_DATE)
            strcpy(value, v ? "In effect" : "Not in effect");
        else if (v >= (rt_dec)RT_DATE_NEVER * RT_SCALE)
            strcpy(value, "Not yet");
        else
            rt_date_format(value, (int32_t)(v / RT_SCALE));
        return 1;
    }
    return 0;
}

static void centred(rt_buf *out, const char *s, size_t width)
{
    size_t l = strlen(s);
    if (l < width)
        rt_buf_pad(out, ' ', (width - l) / 2);
    rt_buf_puts(out, s);
    rt_buf_putc(out, '\n');
}

static void table_period(const rt_deal *d, const rt_dec *slot, int first, rt_buf *out)
{
    char buf[RT_NUMBUF + 64], title[64];
    int y, m, dd;
    rt_civil_from_days((int32_t)(slot[RT_G_PAYMENT_DATE] / RT_SCALE), &y, &m, &dd);
    snprintf(title, sizeof title, "Payment Date  %02d/%02d/%04d", m, dd, y);

    size_t width = 0;
    class_table(d, slot, NULL, &width);
    if (strlen(d->name) > width)
        width = strlen(d->name);
    for (int32_t i = 0; i < d->lines.n; i++) {
        if (!d->lines.v[i].name[0])
            continue;
        size_t l = strlen(d->lines.v[i].name) + 2 +
                   strlen(line_value(buf, d, i, slot[RT_SLOT_LINE(&d->layout, i)], STYLE_TABLE));
        if (l > width)
            width = l;
    }
    char label[160], value[RT_NUMBUF];
    for (int32_t i = 0; carried_row(d, slot, i, label, sizeof label, value); i++)
        if (strlen(label) + 2 + strlen(value) > width)
            width = strlen(label) + 2 + strlen(value);

    if (!first) {
        rt_buf_putc(out, '\n');
        rt_buf_pad(out, '=', width);
        rt_buf_puts(out, "\n\n");
    }
    centred(out, d->name, width);
    centred(out, title, width);
    rt_buf_puts(out, "\nServicing Certificate\n");
    rt_buf_pad(out, '-', width);
    rt_buf_putc(out, '\n');
    int table_done = 0;
    for (int32_t i = 0; i < d->lines.n; i++) {
        if (!d->lines.v[i].name[0]) {
            if (!table_done) {
                rt_buf_putc(out, '\n');
                class_table(d, slot, out, NULL);
                rt_buf_putc(out, '\n');
            }
            table_done = 1;
            continue;
        }
        const char *label = d->lines.v[i].name;
        const char *v = line_value(buf, d, i, slot[RT_SLOT_LINE(&d->layout, i)], STYLE_TABLE);
        rt_buf_puts(out, label);
        rt_buf_pad(out, ' ', width - strlen(label) - strlen(v));
        rt_buf_puts(out, v);
        rt_buf_putc(out, '\n');
    }
    if (!table_done) {
        rt_buf_putc(out, '\n');
        class_table(d, slot, out, NULL);
    }
    /* accounts, insurers, triggers and dates after the deal's own lines */
    for (int32_t i = 0; carried_row(d, slot, i, label, sizeof label, value); i++) {
        if (i == 0)
            rt_buf_putc(out, '\n');
        rt_buf_puts(out, label);
        rt_buf_pad(out, ' ', width - strlen(label) - strlen(value));
        rt_buf_puts(out, value);
        rt_buf_putc(out, '\n');
    }
}

/* ---- csv ---------------------------------------------------------------------------- */

static void csv_row(rt_buf *out, const char *date, const char *section, const char *name,
                    const char *field, const char *value)
{
    rt_buf_puts(out, date);
    rt_buf_putc(out, ',');
    rt_buf_puts(out, section);
    rt_buf_putc(out, ',');
    rt_buf_csv_field(out, name);
    rt_buf_putc(out, ',');
    rt_buf_csv_field(out, field);
    rt_buf_putc(out, ',');
    rt_buf_csv_field(out, value);
    rt_buf_putc(out, '\n');
}

/* accounts, insurers, triggers and dates, one row a figure */
static void carried_csv(const rt_deal *d, const rt_dec *slot, const char *date, rt_buf *out)
{
    const rt_layout *l = &d->layout;
    char buf[RT_NUMBUF];
    for (int32_t h = 0; h < d->funds.n; h++) {
        if (!d->funds.v[h].is_account)
            continue;
        csv_row(out, date, "account", d->funds.v[h].name, "beginning_balance",
                rt_fmt_money(buf, slot[RT_SLOT_FUND(l, h, RT_F_BEGIN)], 0, 0));
        csv_row(out, date, "account", d->funds.v[h].name, "interest", rt_fmt_money(buf, slot[RT_SLOT_FUND(l, h, RT_F_DEPOSIT)], 0, 0));
        csv_row(out, date, "account", d->funds.v[h].name, "ending_balance",
                rt_fmt_money(buf, slot[RT_SLOT_FUND(l, h, RT_F_REMAINING)], 0, 0));
    }
    for (int32_t p = 0; p < d->parties.n; p++) {
        if (!d->parties.v[p].is_insurer)
            continue;
        csv_row(out, date, "insurer", d->parties.v[p].name, "drawn", rt_fmt_money(buf, slot[RT_SLOT_PARTY(l, p, RT_P_DRAWN)], 0, 0));
        csv_row(out, date, "insurer", d->parties.v[p].name, "reimbursed",
                rt_fmt_money(buf, slot[RT_SLOT_PARTY(l, p, RT_P_REIMBURSED)], 0, 0));
        csv_row(out, date, "insurer", d->parties.v[p].name, "unreimbursed_draws",
                rt_fmt_money(buf, slot[RT_SLOT_PARTY(l, p, RT_P_UNREIMB_END)], 0, 0));
    }
    for (int32_t i = 0; i < d->memory.n; i++) {
        rt_dec v = slot[RT_SLOT_MEMORY(l, i, RT_M_VALUE)];
        if (d->memory.v[i].kind != RT_MEM_DATE)
            csv_row(out, date, "trigger", d->memory.v[i].name, "in_effect", v ? "true" : "false");
        else
            csv_row(out, date, "date", d->memory.v[i].name, "date",
                    v >= (rt_dec)RT_DATE_NEVER * RT_SCALE ? "" : rt_date_format(buf, (int32_t)(v / RT_SCALE)));
    }
}

static void csv_period(const rt_deal *d, const rt_dec *slot, rt_buf *out)
{
    char date[11], buf[RT_NUMBUF + 64];
    rt_date_format(date, (int32_t)(slot[RT_G_PAYMENT_DATE] / RT_SCALE));
    for (int32_t c = 0; c < d->classes.n; c++) {
        const char *name = d->classes.v[c].name;
        csv_row(out, date, "class", name, "beginning_balance",
                rt_fmt_money(buf, cslot(d, slot, c, RT_C_BEGIN_BALANCE), 0, 0));
        csv_row(out, date, "class", name, "principal",
                rt_fmt_money(buf, cslot(d, slot, c, RT_C_PRINCIPAL_PAID), 0, 0));
        csv_row(out, date, "class", name, "interest",
                rt_fmt_money(buf, cslot(d, slot, c, RT_C_INTEREST_PAID), 0, 0));
        csv_row(out, date, "class", name, "interest_shortfall",
                rt_fmt_money(buf, cslot(d, slot, c, RT_C_INTEREST_SHORTFALL), 0, 0));
        csv_row(out, date, "class", name, "ending_balance",
                rt_fmt_money(buf, cslot(d, slot, c, RT_C_END_BALANCE), 0, 0));
        csv_row(out, date, "class", name, "factor", factor_text(buf, d, slot, c, ""));
        csv_row(out, date, "class", name, "security_percent",
                rt_fmt_fixed(buf, rt_report_security(d, slot, c), 2, 0, 0));
        csv_row(out, date, "class", name, "coupon_percent",
                rt_fmt_percent_trim(buf, cslot(d, slot, c, RT_C_COUPON)));
        for (int i = 0; i < NEXTRAS; i++)
            if (extra_shown(d, i))
                csv_row(out, date, "class", name, extras[i].key,
                        rt_fmt_money(buf, cslot(d, slot, c, extras[i].field), 0, 0));
    }
    carried_csv(d, slot, date, out);
    for (int32_t p = 0; p < d->parties.n; p++)
        csv_row(out, date, "party", d->parties.v[p].name, "paid",
                rt_fmt_money(buf, slot[RT_SLOT_PARTY(&d->layout, p, RT_P_PAID)], 0, 0));
    for (int32_t i = 0; i < d->lines.n; i++) {
        if (!d->lines.v[i].name[0])
            continue;
        csv_row(out, date, "line", d->lines.v[i].name, "value",
                line_value(buf, d, i, slot[RT_SLOT_LINE(&d->layout, i)], STYLE_CSV));
    }
}

/* ---- json ---------------------------------------------------------------------------- */

/* "accounts", "insurers", "triggers" and "dates", when the deal has them */
static void carried_json(const rt_deal *d, const rt_dec *slot, rt_buf *out)
{
    const rt_layout *l = &d->layout;
    char buf[RT_NUMBUF];
    int any = 0;
    for (int32_t h = 0; h < d->funds.n; h++) {
        if (!d->funds.v[h].is_account)
            continue;
        rt_buf_puts(out, any++ ? ", {\"account\": " : "\"accounts\": [{\"account\": ");
        rt_buf_json_string(out, d->funds.v[h].name);
        rt_buf_printf(out, ", \"beginning_balance\": %s", rt_fmt_money(buf, slot[RT_SLOT_FUND(l, h, RT_F_BEGIN)], 0, 0));
        rt_buf_printf(out, ", \"interest\": %s", rt_fmt_money(buf, slot[RT_SLOT_FUND(l, h, RT_F_DEPOSIT)], 0, 0));
        rt_buf_printf(out, ", \"ending_balance\": %s}", rt_fmt_money(buf, slot[RT_SLOT_FUND(l, h, RT_F_REMAINING)], 0, 0));
    }
    if (any)
        rt_buf_puts(out, "],\n   ");
    any = 0;
    for (int32_t p = 0; p < d->parties.n; p++) {
        if (!d->parties.v[p].is_insurer)
            continue;
        rt_buf_puts(out, any++ ? ", {\"insurer\": " : "\"insurers\": [{\"insurer\": ");
        rt_buf_json_string(out, d->parties.v[p].name);
        rt_buf_printf(out, ", \"drawn\": %s", rt_fmt_money(buf, slot[RT_SLOT_PARTY(l, p, RT_P_DRAWN)], 0, 0));
        rt_buf_printf(out, ", \"reimbursed\": %s", rt_fmt_money(buf, slot[RT_SLOT_PARTY(l, p, RT_P_REIMBURSED)], 0, 0));
        rt_buf_printf(out, ", \"unreimbursed_draws\": %s}",
                      rt_fmt_money(buf, slot[RT_SLOT_PARTY(l, p, RT_P_UNREIMB_END)], 0, 0));
    }
    if (any)
        rt_buf_puts(out, "],\n   ");
    for (int dates = 0; dates < 2; dates++) {
        any = 0;
        for (int32_t i = 0; i < d->memory.n; i++) {
            if ((d->memory.v[i].kind == RT_MEM_DATE) != dates)
                continue;
            rt_buf_puts(out, any++ ? ", " : dates ? "\"dates\": {" : "\"triggers\": {");
            rt_buf_json_string(out, d->memory.v[i].name);
            rt_dec v = slot[RT_SLOT_MEMORY(l, i, RT_M_VALUE)];
            if (!dates)
                rt_buf_puts(out, v ? ": true" : ": false");
            else if (v >= (rt_dec)RT_DATE_NEVER * RT_SCALE)
                rt_buf_puts(out, ": null");
            else
                rt_buf_printf(out, ": \"%s\"", rt_date_format(buf, (int32_t)(v / RT_SCALE)));
        }
        if (any)
            rt_buf_puts(out, "},\n   ");
    }
}

static void json_period(const rt_deal *d, const rt_dec *slot, int first, rt_buf *out)
{
    char date[11], buf[RT_NUMBUF + 64];
    rt_date_format(date, (int32_t)(slot[RT_G_PAYMENT_DATE] / RT_SCALE));
    rt_buf_puts(out, first ? "\n  {" : ",\n  {");
    rt_buf_printf(out, "\"payment_date\": \"%s\", \"distribution_number\": %d,\n   \"classes\": [", date,
                  (int)(slot[RT_G_DIST_NUMBER] / RT_SCALE));
    for (int32_t c = 0; c < d->classes.n; c++) {
        rt_buf_puts(out, c ? ",\n     {\"class\": " : "\n     {\"class\": ");
        rt_buf_json_string(out, d->classes.v[c].name);
        rt_buf_printf(out, ", \"beginning_balance\": %s",
                      rt_fmt_money(buf, cslot(d, slot, c, RT_C_BEGIN_BALANCE), 0, 0));
        rt_buf_printf(out, ", \"principal\": %s", rt_fmt_money(buf, cslot(d, slot, c, RT_C_PRINCIPAL_PAID), 0, 0));
        rt_buf_printf(out, ", \"interest\": %s", rt_fmt_money(buf, cslot(d, slot, c, RT_C_INTEREST_PAID), 0, 0));
        rt_buf_printf(out, ", \"interest_shortfall\": %s",
                      rt_fmt_money(buf, cslot(d, slot, c, RT_C_INTEREST_SHORTFALL), 0, 0));
        rt_buf_printf(out, ", \"ending_balance\": %s",
                      rt_fmt_money(buf, cslot(d, slot, c, RT_C_END_BALANCE), 0, 0));
        rt_buf_printf(out, ", \"factor\": %s", factor_text(buf, d, slot, c, "null"));
        rt_buf_printf(out, ", \"security_percent\": %s",
                      rt_fmt_fixed(buf, rt_report_security(d, slot, c), 2, 0, 0));
        rt_buf_printf(out, ", \"coupon_percent\": %s", rt_fmt_percent_trim(buf, cslot(d, slot, c, RT_C_COUPON)));
        for (int i = 0; i < NEXTRAS; i++)
            if (extra_shown(d, i))
                rt_buf_printf(out, ", \"%s\": %s", extras[i].key,
                              rt_fmt_money(buf, cslot(d, slot, c, extras[i].field), 0, 0));
        rt_buf_putc(out, '}');
    }
    rt_buf_puts(out, d->classes.n ? "\n   ],\n   \"parties\": [" : "],\n   \"parties\": [");
    for (int32_t p = 0; p < d->parties.n; p++) {
        rt_buf_puts(out, p ? ", {\"party\": " : "{\"party\": ");
        rt_buf_json_string(out, d->parties.v[p].name);
        rt_buf_printf(out, ", \"paid\": %s}",
                      rt_fmt_money(buf, slot[RT_SLOT_PARTY(&d->layout, p, RT_P_PAID)], 0, 0));
    }
    rt_buf_puts(out, "],\n   ");
    carried_json(d, slot, out);
    rt_buf_puts(out, "\"lines\": {");
    int any = 0;
    for (int32_t i = 0; i < d->lines.n; i++) {
        if (!d->lines.v[i].name[0])
            continue;
        rt_buf_puts(out, any ? ",\n     " : "\n     ");
        any = 1;
        rt_buf_json_string(out, d->lines.v[i].name);
        rt_buf_puts(out, ": ");
        const char *v = line_value(buf, d, i, slot[RT_SLOT_LINE(&d->layout, i)], STYLE_JSON);
        if (d->lines.v[i].unit == RT_UNIT_DATE)
            rt_buf_json_string(out, v);
        else
            rt_buf_puts(out, v);
    }
    rt_buf_puts(out, any ? "\n   }}" : "}}");
}

/* ---- entry points ------------------------------------------------------------------------ */

void rt_report_begin(const rt_deal *d, rt_format f, rt_buf *out)
{
    (void)d;
    if (f == RT_FORMAT_CSV)
        rt_buf_puts(out, "payment_date,section,name,field,value\n");
    else if (f == RT_FORMAT_JSON)
        rt_buf_puts(out, "[");
}

void rt_report_period(const rt_deal *d, rt_format f, const rt_dec *slot, int first, rt_buf *out)
{
    switch (f) {
    case RT_FORMAT_TABLE: table_period(d, slot, first, out); break;
    case RT_FORMAT_CSV: csv_period(d, slot, out); break;
    case RT_FORMAT_JSON: json_period(d, slot, first, out); break;
    }
}

void rt_report_end(const rt_deal *d, rt_format f, int any, rt_buf *out)
{
    (void)d;
    if (f == RT_FORMAT_JSON)
        rt_buf_puts(out, any ? "\n]\n" : "]\n");
}
