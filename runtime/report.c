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

/* END_BALANCE / ORIGINAL to 7 decimals, half-up, as a 12-decimal rt_dec */
static rt_dec class_factor(const rt_deal *d, const rt_dec *slot, int32_t c)
{
    rt_dec orig = cslot(d, slot, c, RT_C_ORIGINAL);
    int ok;
    rt_dec q = rt_dec_ratio(cslot(d, slot, c, RT_C_END_BALANCE), orig, 7, &ok);
    return ok ? q * (RT_SCALE / 10000000) : 0;
}

/* ending balance as a percent of all principal classes' original balances,
 * to 2 decimals half-up; returned as the percent number (18.32 -> 18.32) */
static rt_dec class_security(const rt_deal *d, const rt_dec *slot, int32_t c)
{
    if (d->classes.v[c].kind == RT_CLASS_NOTIONAL)
        return 0;
    rt_dec total = 0;
    for (int32_t k = 0; k < d->classes.n; k++)
        if (d->classes.v[k].kind == RT_CLASS_PRINCIPAL)
            total += cslot(d, slot, k, RT_C_ORIGINAL);
    int ok;
    rt_dec q = rt_dec_ratio(cslot(d, slot, c, RT_C_END_BALANCE), total, 4, &ok);
    return ok ? q * (RT_SCALE / 100) : 0;
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

#define NCOLS 9
static const char *const col_head[NCOLS] = {"Class",    "Beginning Balance",   "Ending Balance",
                                            "Factor",   "Principal",           "Interest",
                                            "Interest Shortfalls", "Security %", "Coupon"};

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
        case 3: return rt_fmt_fixed(buf, class_factor(d, slot, c), 7, 0, 0);
        case 4: return rt_fmt_money(buf, cslot(d, slot, c, RT_C_PRINCIPAL_PAID), 1, 1);
        case 5: return rt_fmt_money(buf, cslot(d, slot, c, RT_C_INTEREST_PAID), 1, 1);
        case 6: return rt_fmt_money(buf, cslot(d, slot, c, RT_C_INTEREST_SHORTFALL), 1, 1);
        case 7:
            rt_fmt_fixed(buf, class_security(d, slot, c), 2, 0, 0);
            strcat(buf, "%");
            return buf;
        case 8:
            rt_fmt_percent(buf, cslot(d, slot, c, RT_C_COUPON), 3);
            strcat(buf, "%");
            return buf;
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
    char buf[RT_NUMBUF + 64];
    int found;
    for (int j = 0; j < NCOLS; j++)
        w[j] = strlen(col_head[j]);
    for (int32_t row = 0;; row++) {
        table_cell(buf, d, slot, row, 0, &found);
        if (!found)
            break;
        for (int j = 0; j < NCOLS; j++) {
            size_t l = strlen(table_cell(buf, d, slot, row, j, &found));
            if (l > w[j])
                w[j] = l;
        }
    }
    size_t total = 0;
    for (int j = 0; j < NCOLS; j++)
        total += w[j] + (j ? 2 : 0);
    if (need) {
        *need = total;
        return;
    }
    for (int j = 0; j < NCOLS; j++) {
        if (j)
            rt_buf_pad(out, ' ', 2);
        size_t l = strlen(col_head[j]);
        if (j == 0) {
            rt_buf_puts(out, col_head[j]);
            rt_buf_pad(out, ' ', w[j] - l);
        } else {
            rt_buf_pad(out, ' ', w[j] - l);
            rt_buf_puts(out, col_head[j]);
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
        for (int j = 0; j < NCOLS; j++) {
            const char *s = table_cell(buf, d, slot, row, j, &found);
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
        csv_row(out, date, "class", name, "factor", rt_fmt_fixed(buf, class_factor(d, slot, c), 7, 0, 0));
        csv_row(out, date, "class", name, "security_percent",
                rt_fmt_fixed(buf, class_security(d, slot, c), 2, 0, 0));
        csv_row(out, date, "class", name, "coupon_percent",
                rt_fmt_percent_trim(buf, cslot(d, slot, c, RT_C_COUPON)));
    }
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
        rt_buf_printf(out, ", \"factor\": %s", rt_fmt_fixed(buf, class_factor(d, slot, c), 7, 0, 0));
        rt_buf_printf(out, ", \"security_percent\": %s",
                      rt_fmt_fixed(buf, class_security(d, slot, c), 2, 0, 0));
        rt_buf_printf(out, ", \"coupon_percent\": %s}",
                      rt_fmt_percent_trim(buf, cslot(d, slot, c, RT_C_COUPON)));
    }
    rt_buf_puts(out, d->classes.n ? "\n   ],\n   \"parties\": [" : "],\n   \"parties\": [");
    for (int32_t p = 0; p < d->parties.n; p++) {
        rt_buf_puts(out, p ? ", {\"party\": " : "{\"party\": ");
        rt_buf_json_string(out, d->parties.v[p].name);
        rt_buf_printf(out, ", \"paid\": %s}",
                      rt_fmt_money(buf, slot[RT_SLOT_PARTY(&d->layout, p, RT_P_PAID)], 0, 0));
    }
    rt_buf_puts(out, "],\n   \"lines\": {");
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
