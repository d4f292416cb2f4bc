/*
 * rt_internal.h — the runtime's private structures and helpers, shared by
 * the runtime's own units and its tests. Nothing here is part of the ABI
 * that generated code sees (that is dealrt.h).
 *
 * Conventions: functions that can fail on bad input return 0 and fill an
 * rt_err (location + message) so the caller decides how to report; text
 * helpers write into caller-supplied buffers of at least RT_NUMBUF bytes.
 */
#ifndef RT_INTERNAL_H
#define RT_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dealrt.h"

#define RT_FMT(a, b) __attribute__((format(printf, a, b)))

/* big enough for any rt_dec printed with separators, sign and decimals */
#define RT_NUMBUF 96
#define RT_ERRMAX 1024

/* ---- the deal ---------------------------------------------------------- */

typedef struct rt_named {
    char *name;
    int32_t unit;
} rt_named;

typedef struct rt_class_info {
    char *name;
    int64_t original_cents;
    int32_t kind;     /* rt_class_kind */
    int32_t daycount; /* rt_daycount */
    int64_t maximum_cents; /* 0: the class may not grow past its original */
    int32_t alloc;    /* the loss allocation that writes it down, or -1 */
    int32_t capped;   /* its coupon has a cap: it may carry a basis risk shortfall */
    int32_t delay;    /* payment delay in days (RT_SET_PAYMENT_DELAY); 0: none */
} rt_class_info;

typedef struct rt_party_info {
    char *name;
    int32_t is_residual;
    int32_t is_insurer; /* may be drawn on, and is reimbursed */
} rt_party_info;

typedef struct rt_fund_info {
    char *name;
    int32_t is_account; /* keeps its balance from one payment date to the next */
} rt_fund_info;

typedef struct rt_clause_info {
    char *label;
    int32_t fund;   /* the holder (fund or account) its priority of payments draws on */
    char *payee;
    int32_t flow;   /* rt_flow */
    int32_t target; /* party, holder, group or class the flow names; -1: classes */
} rt_clause_info;

typedef struct rt_memory_info {
    char *name;
    int32_t kind;   /* rt_memory_kind */
} rt_memory_info;

typedef struct rt_site {
    char *what;
    int32_t line, col;
} rt_site;

/* One collateral line: its group and the RT_L_* fields (0 when not set,
 * except INDEX, which starts at -1: fixed rate). */
typedef struct rt_collateral_line {
    int32_t group;
    rt_dec field[RT_L_COUNT];
} rt_collateral_line;

/* explain: what dealc_describe told of each definition */
/* one version of a definition, in force on the payment dates from
 * effective (0: from the start) to the next version's */
typedef struct rt_def_doc {
    int32_t def;
    char *formula, *text, *amended_by, *note;
    int32_t effective;
} rt_def_doc;

typedef struct rt_def_ref {
    int32_t def, slot, unit, def_ref;
    char *label;
    int32_t version;      /* the rt_def_doc it belongs to, -1 none */
} rt_def_ref;

typedef struct rt_clause_doc_t {
    char *label, *formula, *text, *amended_by, *note;
    int32_t from, to;     /* in force on payment dates [from, to); 0 open */
} rt_clause_doc_t;

/* A dense array that only grows; n is the count, cap the allocation. */
#define RT_VEC(T) struct { T *v; int32_t n, cap; }

typedef RT_VEC(rt_named) rt_named_vec;

struct rt_deal {
    char *name;
    char *source;
    char *built_by, *sources_hash; /* rt_set_build: NULL for a deal compiled before it */
    int32_t closing, first_payment, payment_day, bdc;
    int dates_set;
    RT_VEC(char *) groups;
    RT_VEC(rt_class_info) classes;
    RT_VEC(rt_party_info) parties;
    rt_named_vec inputs;
    rt_named_vec defs;
    rt_named_vec lines;
    RT_VEC(rt_fund_info) funds;             /* funds and accounts            */
    RT_VEC(rt_clause_info) clauses;
    RT_VEC(rt_memory_info) memory;          /* triggers and dates            */
    RT_VEC(char *) allocs;                  /* loss allocations, by label    */
    RT_VEC(rt_site) sites;
    RT_VEC(rt_collateral_line) collateral; /* representative lines, by group */
    RT_VEC(rt_def_doc) def_docs;            /* each version of each definition, in call order */
    RT_VEC(rt_def_ref) def_uses;            /* every figure a definition uses  */
    RT_VEC(rt_clause_doc_t) clause_docs;    /* per clause, for explain         */
    int collateral_is_tape;                 /* loans from a --tape, one a line */
    rt_dec settings[RT_SET_COUNT];          /* deal-wide RT_SET_* values      */
    int settings_given[RT_SET_COUNT];
    RT_VEC(rt_dec) cutoff_balance;          /* per group; 0 when not given    */
    RT_VEC(rt_dec) initial;                 /* per holder: an account's balance at closing */
    /* what the deal uses beyond classes, parties and funds; the int64 fast
     * checks cover only deals that use none of it (plain) */
    int has_accounts, has_flows, has_variable, has_insurers, has_allocs, has_caps;
    rt_layout layout; /* kept current by every rt_add_* */
    int oom;          /* an allocation failed while describing */
};

struct rt_run {
    const rt_deal *deal;
    int failed;
    char error[RT_ERRMAX];
};

/* Record the first error of a run (later ones are ignored: the first is the
 * cause, the rest are usually consequences). When site >= 0 the message
 * gets " in <what> (<file>:<line>:<col>)" appended. */
void rt_run_fail(rt_run *run, int32_t site, const char *fmt, ...) RT_FMT(3, 4);
void rt_run_reset(rt_run *run);

/* Checks the description is complete and consistent; 0 + message if not. */
int rt_deal_validate(const rt_deal *d, char *msg, size_t msgsize);
/* Writes the `describe` text. */
struct rt_buf;
void rt_deal_describe_text(const rt_deal *d, struct rt_buf *out);

/* ---- growable text buffer (output is built here, written on success) ---- */

typedef struct rt_buf {
    char *data;
    size_t len, cap;
    int oom;
} rt_buf;

void rt_buf_init(rt_buf *b);
void rt_buf_free(rt_buf *b);
void rt_buf_put(rt_buf *b, const char *s, size_t n);
void rt_buf_puts(rt_buf *b, const char *s);
void rt_buf_putc(rt_buf *b, char c);
void rt_buf_pad(rt_buf *b, char c, size_t n);
void rt_buf_printf(rt_buf *b, const char *fmt, ...) RT_FMT(2, 3);
/* The escapers, one rule each. rt_json_escape: the escape for byte c in a
 * JSON string (a literal, or tmp filled), NULL when c stands for itself;
 * rt_html_escape: the entity for c in HTML text or an attribute, or NULL. */
const char *rt_json_escape(unsigned char c, char tmp[8]);
const char *rt_html_escape(unsigned char c);
/* JSON string literal with quotes and escapes, to a buffer or a stream */
void rt_buf_json_string(rt_buf *b, const char *s);
void rt_json_string_fput(FILE *out, const char *s);
/* HTML text (at most n bytes, up to a NUL), escaped, to a buffer or a stream */
void rt_buf_html_text(rt_buf *b, const char *s, size_t n);
void rt_html_text_fput(FILE *out, const char *s, size_t n);
/* CSV field, quoted only when RFC 4180 needs it */
void rt_buf_csv_field(rt_buf *b, const char *s);

/* Text safe to show in a one-line message: non-printable bytes as \xNN,
 * quotes escaped, cut to about 60 characters with "..." */
void rt_msg_quote(char *out, size_t outsize, const char *s, size_t n);

/* ---- exact decimals ---------------------------------------------------- */

typedef struct rt_numtext {
    int decimals; /* digits after the point */
    int percent;  /* had a % sign (value already divided by 100) */
    int negative;
} rt_numtext;

enum { RT_PARSE_OK = 0, RT_PARSE_BAD, RT_PARSE_RANGE, RT_PARSE_PRECISION };

/* Parses "15998210.91", "15,998,210.91", "-0.5", "1.10%", "(508,186.37)".
 * Surrounding blanks are ignored. Returns RT_PARSE_*; info may be NULL. */
int rt_dec_parse(const char *s, size_t n, rt_dec *out, rt_numtext *info);
/* a whole-cents value as int64 cents (truncating; fast: no 128-bit division) */
int64_t rt_dec_to_cents(rt_dec v);

/* ---- whole cents on int64, for the per-period hot paths ----------------------
 * RT_FAST_CENTS_MAX is floor((2^63 - 1) / 5^10): about 9.4 billion dollars.
 * rt_fast_cents(v, &c) is 1 exactly when v == c * 10^10 with
 * |c| <= RT_FAST_CENTS_MAX, and then gives c; otherwise 0 (c is then
 * meaningless) and the caller takes its exact 128-bit path.
 *
 * Why it is exact: 10^10 = 2^10 * 5^10. When the low 10 bits of v are 0,
 * w = v >> 10 is v / 2^10 exactly. Let c = w * RT_INV_5_10 mod 2^64, read as
 * a signed number; RT_INV_5_10 is the inverse of 5^10 modulo 2^64, so
 * c * 5^10 == w (mod 2^64) always. If |c| <= RT_FAST_CENTS_MAX then
 * c * 5^10 fits int64, and so does w (tested): two int64 values congruent
 * modulo 2^64 are equal, so w == c * 5^10 and v == c * 10^10. Conversely,
 * if v == c * 10^10 with |c| in range, every test passes and the
 * multiplication gives back c. One multiplication, no division. */
#define RT_FAST_CENTS_MAX ((int64_t)944473296573LL)
#define RT_INV_5_10 0x4fa7f60d3ed61f49ull
_Static_assert(9765625ull * RT_INV_5_10 == 1ull, "RT_INV_5_10 is the inverse of 5^10 modulo 2^64");
_Static_assert(RT_FAST_CENTS_MAX == INT64_MAX / 9765625, "RT_FAST_CENTS_MAX");

static inline int rt_fast_cents(rt_dec v, int64_t *c)
{
    uint64_t lo = (uint64_t)v;
    int64_t hi = (int64_t)(v >> 64); /* arithmetic (gcc and clang define it so) */
    /* v >> 10 fits int64 when -2^73 <= v < 2^73, i.e. -512 <= hi <= 511;
     * w is then v >> 10 */
    int64_t w = (int64_t)((lo >> 10) | ((uint64_t)hi << 54));
    int64_t q = (int64_t)((uint64_t)w * RT_INV_5_10);
    *c = q;
    return (lo & 1023u) == 0 && (uint64_t)hi + 512u < 1024u &&
           (uint64_t)q + (uint64_t)RT_FAST_CENTS_MAX <= 2 * (uint64_t)RT_FAST_CENTS_MAX;
}

/* rt_dec_to_cents, with the int64 path inline */
static inline int64_t rt_dec_to_cents_fast(rt_dec v)
{
    int64_t c;
    return rt_fast_cents(v, &c) ? c : rt_dec_to_cents(v);
}

/* round(a * 10^digits / b), half away from zero, exact for any operands;
 * returns 0 with *ok = 0 when b == 0 or the result does not fit. */
rt_dec rt_dec_ratio(rt_dec a, rt_dec b, int digits, int *ok);

/* Fixed text with `decimals` digits (0..12), rounded half away from zero.
 * grouped: thousands separators; parens: negatives as (1.00) not -1.00. */
char *rt_fmt_fixed(char *buf, rt_dec v, int decimals, int grouped, int parens);
/* money: 2 decimals */
char *rt_fmt_money(char *buf, rt_dec v, int grouped, int parens);
/* whole cents as "1234.56" (no grouping): the results' and the API's money */
char *rt_fmt_cents(char *buf, int64_t cents);
/* a rate as a percent number with `decimals` digits (0..10), no % sign */
char *rt_fmt_percent(char *buf, rt_dec v, int decimals);
/* the exact value with trailing zeros (and a bare point) trimmed, keeping
 * at least min_decimals digits (the compiler's canonical layout prints
 * money so, $1,234.50, and every other number with rt_fmt_trim) */
char *rt_fmt_exact(char *buf, rt_dec v, int min_decimals, int grouped);
char *rt_fmt_trim(char *buf, rt_dec v);
/* a rate as a percent number, exact, trailing zeros trimmed */
char *rt_fmt_percent_trim(char *buf, rt_dec v);

/* The one range check for every rate a remittance reports or a projection
 * assumes: an index, a rate input, a loan's rate on a tape, an index vector
 * (RT_RATE_MIN..RT_RATE_MAX, dealrt.h). RT_RATE_RANGE is how a message says
 * it. Out of range is an error at the value, never a clamp. */
#define RT_RATE_RANGE "-100% to 1,000%"
static inline int rt_rate_in_range(rt_dec v)
{
    return v >= RT_RATE_MIN && v <= RT_RATE_MAX;
}

/* ---- calendar ------------------------------------------------------------ */

int32_t rt_days_from_civil(int y, int m, int d);
void rt_civil_from_days(int32_t z, int *y, int *m, int *d);
int rt_days_in_month(int y, int m);
/* The years a date may be written with, in an agreement (the lexer) or in
 * any file a deal reads: one rule for compiler and runtime. Computed dates
 * (a projection's last payment, a distribution far ahead) may lie beyond
 * it; rt_date_format prints any year up to 9999. */
#define RT_YEAR_MIN 1900
#define RT_YEAR_MAX 2200
/* y-m-d as a day number when it is a real date within the years above;
 * 1 on success, 0 (and *days untouched) otherwise */
int rt_civil_to_days(int y, int m, int d, int32_t *days);
/* strict YYYY-MM-DD, by rt_civil_to_days's rule; 1 on success */
int rt_date_parse(const char *s, size_t n, int32_t *out);
/* writes YYYY-MM-DD plus NUL (11 bytes) */
char *rt_date_format(char *buf, int32_t z);
/* writes "25 February 2004" (as agreements date themselves) plus NUL */
#define RT_DATEBUF_LONG 24
char *rt_date_format_long(char *buf, int32_t z);
int rt_weekday(int32_t z); /* 0 = Sunday .. 6 = Saturday */
int rt_is_holiday(int32_t z);
int rt_is_business_day(int32_t z);
int32_t rt_adjust(int32_t z, int bdc);
/* unadjusted date of distribution n (n >= 1) */
int32_t rt_nominal_payment_date(int32_t first_payment, int payment_day, int32_t n);
/* adjusted date of distribution n; n == 0 gives the closing date */
int32_t rt_payment_date(const rt_deal *d, int32_t n);
int32_t rt_days_30_360(int32_t from, int32_t to);
/* the DAYS_30_360 global for distribution n, per the rules in calendar.c */
int32_t rt_period_days_30_360(const rt_deal *d, int32_t n);

/* ---- inputs ---------------------------------------------------------------- */

/* An error found in an input file: where, and what. */
typedef struct rt_err {
    int line, col; /* 0 when the file as a whole is meant */
    char msg[RT_ERRMAX];
} rt_err;

void rt_err_set(rt_err *e, int line, int col, const char *fmt, ...) RT_FMT(4, 5);

/* No input file is read past this: a disk image or /dev/zero named by
 * mistake is an error, not an exhausted machine. */
#define RT_MAX_INPUT ((size_t)256 << 20)

/* Reads a whole file; NUL-terminated, *len excludes the NUL. 0 + errno-style
 * message in e on failure. */
int rt_read_file(const char *path, char **data, size_t *len, rt_err *e);
/* The next line of a settings text (a scenario file, a curve), cut in
 * place at its newline and at a '#' comment: returns its first character
 * past blanks (space, tab, CR; "" for a blank line), NULL at the end.
 * *line counts the lines; *start is the line's beginning, for columns. */
char *rt_text_line(char **cursor, int *line, char **start);

/* The opening (or closing) state of the deal. Arrays are in deal order. */
typedef struct rt_state {
    int32_t distribution_number;
    int32_t payment_date;
    rt_dec *pool_balance;    /* per group */
    rt_dec *cumulative_loss; /* per group */
    rt_dec *class_balance;   /* per class */
    rt_dec *class_unpaid;    /* per class: interest unpaid on earlier dates */
    rt_dec *class_loss;      /* per class: realized losses not yet paid back */
    rt_dec *class_basis;     /* per class: basis risk shortfall carried forward */
    rt_dec *holder_balance;  /* per fund/account: an account's balance (funds 0) */
    rt_dec *party_unreimb;   /* per party: an insurer's unreimbursed draws */
    rt_dec *memory;          /* per trigger/date: what the next date starts from */
} rt_state;

/* (state.c) A state at closing: zeros, an account's initial balance. */
int rt_state_init(rt_state *s, const rt_deal *d);
void rt_state_free(rt_state *s);
/* both initialised for the same deal */
void rt_state_copy(const rt_deal *d, rt_state *to, const rt_state *from);
/* Parses state JSON text; 1 on success. */
int rt_state_parse(const rt_deal *d, const char *text, size_t len, rt_state *s, rt_err *e);
void rt_state_write(const rt_deal *d, const rt_state *s, rt_buf *out);

/* JSON tree, for the state reader and tests. */
typedef enum rt_jtype { RT_J_NULL, RT_J_BOOL, RT_J_NUMBER, RT_J_STRING, RT_J_ARRAY, RT_J_OBJECT } rt_jtype;

typedef struct rt_jnode {
    rt_jtype type;
    int line, col;
    int boolean;
    char *str;     /* STRING: decoded text; NUMBER: the literal's text */
    size_t len;    /* length of str */
    int32_t n;     /* ARRAY/OBJECT: element count */
    struct rt_jnode **items; /* ARRAY elements / OBJECT values */
    char **keys;   /* OBJECT keys */
    int *key_line, *key_col;
} rt_jnode;

rt_jnode *rt_json_parse(const char *text, size_t len, rt_err *e);
void rt_json_free(rt_jnode *n);

/* CSV text split into records and fields. Field text is unescaped, NUL
 * terminated (but may hold NUL bytes of its own: use len). */
typedef struct rt_csv_field {
    const char *text;
    size_t len;
    int line, col;
} rt_csv_field;

typedef struct rt_csv_rec {
    int32_t first, n; /* fields [first, first + n) */
    int line;
} rt_csv_rec;

typedef struct rt_csv {
    char *store;
    rt_csv_field *f;
    int32_t nf, capf;
    rt_csv_rec *r;
    int32_t nr, capr;
} rt_csv;

/* Blank lines are dropped; CRLF, a BOM and a missing final newline are
 * accepted. 1 on success. (The whole text at once, for tests: the readers
 * stream with rt_csv_reader.) */
int rt_csv_parse(const char *text, size_t len, rt_csv *c, rt_err *e);
void rt_csv_free(rt_csv *c);

/* The same CSV rules, one record at a time, from a file or from text: what
 * is held is the current record (its unescaped text and fields) and a 64 KiB
 * buffer, never the file, so a reader's memory is a small multiple of its
 * longest line. A file is read to at most RT_MAX_INPUT bytes. */
typedef struct rt_csv_reader {
    FILE *file;          /* NULL: reading text */
    const char *text;    /* the text, or the file's buffer */
    size_t len, pos;     /* bytes in text; the next one to read */
    char *buf;           /* the file's buffer (cap bytes) */
    size_t cap;
    size_t consumed;     /* bytes read so far */
    int eof, io_error;   /* the file is at its end; why reading it stopped */
    int started, line, col;
    char *store;         /* the record's unescaped text, NUL after each field */
    size_t slen, scap;
    size_t *off;         /* each field's offset in store while it is read */
    rt_csv_field *field; /* the record's fields, valid until the next call */
    int32_t nf, capf;
    int rec_line;        /* the record's first line */
} rt_csv_reader;

void rt_csv_open_text(rt_csv_reader *r, const char *text, size_t len);
/* 0 + "cannot open: ..." in e when the file cannot be opened */
int rt_csv_open_file(rt_csv_reader *r, const char *path, rt_err *e);
/* The next non-blank record in r->field[0 .. r->nf): 1; at the end of the
 * input 0; on an error -1 with e set. */
int rt_csv_next(rt_csv_reader *r, rt_err *e);
void rt_csv_close(rt_csv_reader *r);

/* The remittance file, one period per payment date, in date order. */
typedef struct rt_period_in {
    int32_t payment_date;
    rt_dec *group;  /* ngroups * RT_GR_REPORTED_COUNT values, in RT_GROUP_REPORTED order */
    rt_dec *input;  /* ninputs values */
} rt_period_in;

typedef struct rt_remit {
    int32_t nperiods;
    rt_period_in *period;
} rt_remit;

int rt_remit_parse(const rt_deal *d, const rt_state *opening, const char *text, size_t len,
                   rt_remit *r, rt_err *e);
/* The same, streaming the file at path (rt_csv_reader): what is held beyond
 * the current row is one record per payment date it gives, whatever the
 * file's size. */
int rt_remit_read(const rt_deal *d, const rt_state *opening, const char *path, rt_remit *r, rt_err *e);
void rt_remit_free(rt_remit *r);


/* ---- output ---------------------------------------------------------------- */

typedef enum rt_format { RT_FORMAT_TABLE, RT_FORMAT_CSV, RT_FORMAT_JSON } rt_format;

void rt_report_begin(const rt_deal *d, rt_format f, rt_buf *out);
void rt_report_period(const rt_deal *d, rt_format f, const rt_dec *slot, int first, rt_buf *out);
void rt_report_end(const rt_deal *d, rt_format f, int any, rt_buf *out);
/* The statement's derived class figures, one rule for every writer and the
 * API (report.c): the factor, END_BALANCE / ORIGINAL to 7 decimals half-up
 * (*none for a class issued with no balance), and the ending balance as a
 * percent of the term classes' original balances to 2 decimals, returned
 * as the percent number (18.32 for 18.32%). */
rt_dec rt_class_factor(const rt_deal *d, const rt_dec *slot, int32_t c, int *none);
rt_dec rt_class_security(const rt_deal *d, const rt_dec *slot, int32_t c);

/* ---- the period loop's parts, shared by replay and projections (state.c,
 * checks.c) ---- */

/* Fills the slots for distribution n from the state before it and the
 * period's reported figures (p->group: ngroups * RT_GR_REPORTED_COUNT). */
void rt_fill_slots(const rt_deal *d, const rt_state *st, const rt_period_in *p, int32_t n, rt_dec *slot);
/* the same with the period's 30/360 days given (projections compute the
 * calendar once, not once per scenario) */
void rt_fill_slots_days(const rt_deal *d, const rt_state *st, const rt_period_in *p, int32_t n, int32_t days30,
                        rt_dec *slot);
/* 0 + message (RT_ERRMAX bytes) when a pool balance would go below zero */
int rt_pool_sane(const rt_deal *d, const rt_dec *slot, char *msg);
/* The invariant checks after dealc_period; 0 + message (RT_ERRMAX bytes). */
int rt_check_period(const rt_deal *d, const rt_dec *slot, char *msg);
/* rt_check_period's first step, exposed for tests: the same checks on int64
 * cents. 1: every check passed (rt_check_period then returns 1 at once);
 * 0: a check failed, or a figure is not a whole number of cents within
 * RT_FAST_CENTS_MAX, or the deal is too large for int64 sums (over
 * RT_FAST_CHECK_TERMS figures or RT_FAST_CHECK_FUNDS funds): rt_check_period
 * then runs the checks on 128 bits, which decide and word the message. */
#define RT_FAST_CHECK_TERMS (1 << 20)
#define RT_FAST_CHECK_FUNDS 16
#define RT_FAST_CHECK_PARTIES 64
#define RT_FAST_CHECK_GROUPS 64
#define RT_FAST_CHECK_CLASSES 256 /* with a variable pay class: its draws checked per class */
/* Where rt_check_period_fast puts each class's figures in cents (arrays of
 * nclasses, written at [c]; meaningful only when it returned 1). */
typedef struct rt_class_cents {
    int64_t *begin, *interest, *principal, *end;
} rt_class_cents;
int rt_check_period_fast(const rt_deal *d, const rt_dec *slot, const rt_class_cents *out);
/* 1 when the deal uses no write-downs or capped coupons: the int64 fast
 * checks cover it (accounts, draws, transfers, purchases and insurers too) */
int rt_deal_plain(const rt_deal *d);
void rt_roll_forward(const rt_deal *d, rt_state *st, const rt_dec *slot, int32_t n, int32_t date);

/* Runs the deal's describe function and validates it; NULL after printing. */
rt_deal *rt_load_deal(rt_describe_fn describe);
/* `BIN replay ...` and `BIN describe` (replay.c); argv[0] is the command name */
int rt_replay_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period);
int rt_describe_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period);
/* `BIN explain ...` (explain.c); argv[0] is the command name */
int rt_explain_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period);

/* The command line over the public API (replay.c): the deal's functions
 * as a dealc_deal (NULL after a message), and an API error printed as
 * the command lines print errors ("FILE:LINE:COL: error: ..."). */
struct dealc_deal;
struct dealc_error;
struct dealc_deal *rt_cmd_deal(rt_describe_fn describe, rt_period_fn period);
void rt_api_error(const struct dealc_error *e);

/* Prints "PROG: error: <fmt with arg>" and the --help hint; returns 2. */
int rt_usage_error(const char *prog, const char *fmt, const char *arg);
/* Prints "FILE:LINE:COL: error: MSG" (or "FILE: error: MSG"). */
void rt_file_error(const char *file, const rt_err *e);
/* One option of a command for rt_getopt: its name (without "--"), where
 * its value goes (NULL: a flag, *flag set to 1). */
typedef struct rt_opt {
    const char *name;
    const char **val;
    int *flag;
} rt_opt;
#define RT_MAX_OPTS 96
/* A command's arguments (argv[0] is the command) through getopt_long:
 * --name VALUE or --name=VALUE, names in full (an abbreviation is an
 * unknown option), "--" ends the options; a value is non-empty and given
 * once. The operands, in order, go to pos (at most maxpos + 1 kept; *npos
 * counts them all). 0, or the status of a usage error it printed. */
int rt_getopt(const char *prog, int argc, char **argv, const rt_opt *opts, int nopts, char **pos, int maxpos,
              int *npos);
/* Output files: rt_output.h. */

#endif /* RT_INTERNAL_H */
