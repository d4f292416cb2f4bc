/*
 * dealc/dealc.h — the public C API of the dealc runtime (libdealrt).
 *
 * What a host program may call to use a compiled deal: load it (a shared
 * object from `dealc build --shared`, or the functions of an object linked
 * into the host; libdealc's dealc_compile in dealc/compile.h JIT-compiles
 * one from source and returns the same handle), read its description,
 * replay a state and remittance, project a scenario, run a grid of
 * scenarios and explain a figure. This header is the whole contract: the
 * generated code's ABI (dealrt.h) and the runtime's internals are not part
 * of it, and libdealrt.so exports nothing else a host should call.
 *
 * Errors are values. Every function that can fail returns a dealc_status
 * and, when err is not NULL, fills *err: the status, the file, line and
 * column of bad input, the payment date of a waterfall that cannot run,
 * and a message. Nothing here prints, exits or aborts on bad input.
 *
 * Memory. Every object a function hands out is owned by the caller and has
 * its own free function; pointers inside a result stay valid until that
 * result is freed. Text returned through char ** is freed with dealc_free.
 *
 * Threads. There is no global state. A dealc_deal is read-only once open:
 * any number of threads may replay, project and explain with one deal at
 * the same time; every other object is used by one thread at a time.
 *
 * Locale. Every number read or written is in the C locale's form (a point
 * before the decimals, no grouping but the statement table's commas),
 * whatever the host's setlocale(): each call switches its own thread to
 * the C locale (uselocale) and back before it returns.
 *
 * Figures. Every figure is an int64_t in the scale its unit fixes:
 *   money                    whole cents (123456 is $1,234.56)
 *   rate, number, count      units of 10^-12 (DEALC_SCALE is 1; a rate is a
 *                            fraction: 0.0122 is 12200000000, "1.22%")
 *   date                     a day number since 1970-01-01
 *   condition                0 or 1
 * Why integers, not text or doubles: the runtime's own figures are exact
 * decimals (128-bit, 12 places) and every money figure is whole cents (the
 * runtime checks it each period), so cents in an int64 are exact; integers
 * are native to C, numpy and SQL and pass through ctypes/cffi unchanged,
 * where 128-bit integers do not. A figure that does not fit an int64
 * (beyond $92 quadrillion, or a rate beyond 9,223,372%) is never clamped:
 * the call fails with DEALC_ERR_RANGE naming it. A figure that does not
 * exist (the factor of a class issued with no balance, a date that has not
 * occurred) is DEALC_NONE. dealc_value_text gives any figure as exact
 * decimal text.
 */
#ifndef DEALC_DEALC_H
#define DEALC_DEALC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define DEALC_API __attribute__((visibility("default")))
#else
#define DEALC_API
#endif

/* ---- versions --------------------------------------------------------------
 * The API version rises when a function, field or constant is added (minor)
 * or changed (major; libdealrt.so's soname is libdealrt.so.MAJOR). */
#define DEALC_VERSION "0.1.0"
#define DEALC_API_VERSION_MAJOR 1
#define DEALC_API_VERSION_MINOR 2

/* the library's version ("0.1.0"): may differ from the header's */
DEALC_API const char *dealc_version(void);
/* DEALC_API_VERSION_MAJOR * 1000 + DEALC_API_VERSION_MINOR of the library */
DEALC_API int dealc_api_version(void);

/* ---- errors ---------------------------------------------------------------- */

typedef enum dealc_status {
    DEALC_OK = 0,
    DEALC_ERR_USAGE,   /* a bad argument: NULL, an unknown name, an index out of range, a bad option */
    DEALC_ERR_IO,      /* a file cannot be read (file names it) */
    DEALC_ERR_INPUT,   /* bad input data: file, line and column name the place */
    DEALC_ERR_DEAL,    /* the deal cannot be loaded: not a deal object, a bad description, compile errors */
    DEALC_ERR_RUN,     /* the waterfall cannot run or a check failed: date names the payment date */
    DEALC_ERR_RANGE,   /* a figure does not fit an int64 in its unit's scale */
    DEALC_ERR_NOMEM    /* out of memory */
} dealc_status;

typedef struct dealc_error {
    dealc_status status;
    char file[512];     /* the file at fault; "" when none */
    int32_t line, col;  /* 1-based; 0 when the whole file (or no file) is meant */
    char date[11];      /* DEALC_ERR_RUN: the payment date, YYYY-MM-DD; else "" */
    char message[1024]; /* one line, no trailing newline */
} dealc_error;

/* "usage", "io", "input", "deal", "run", "range", "nomem"; "ok" */
DEALC_API const char *dealc_status_name(dealc_status s);
/* "FILE:LINE:COL: error: MESSAGE" (or "FILE: error: ..."; "error: payment
 * date D: ..."), as the command lines print it; returns the length it
 * needed, like snprintf */
DEALC_API int dealc_error_text(const dealc_error *e, char *buf, size_t size);

/* frees text handed out through char ** */
DEALC_API void dealc_free(void *p);

/* ---- figures ------------------------------------------------------------------ */

#define DEALC_SCALE ((int64_t)1000000000000LL) /* 1.0 for rates, numbers, counts */
#define DEALC_NONE INT64_MIN                    /* a figure that does not exist  */

typedef enum dealc_unit {
    DEALC_UNIT_MONEY = 0, /* cents                        */
    DEALC_UNIT_RATE,      /* fraction, 10^-12             */
    DEALC_UNIT_NUMBER,    /* 10^-12                       */
    DEALC_UNIT_COUNT,     /* 10^-12 (whole numbers)       */
    DEALC_UNIT_DATE,      /* day number since 1970-01-01  */
    DEALC_UNIT_BOOL       /* 0 or 1                       */
} dealc_unit;

typedef struct dealc_value {
    int64_t v;    /* in the scale of unit; DEALC_NONE: none */
    int32_t unit; /* dealc_unit */
} dealc_value;

/* Exact decimal text, C locale, no grouping: money "1234.56", a rate as its
 * fraction "0.0122" (trailing zeros trimmed), a date "2004-02-25", a
 * condition "true"/"false", none "". Returns the length it needed. */
DEALC_API int dealc_value_text(dealc_value v, char *buf, size_t size);
/* YYYY-MM-DD of a day number (buf: 11 bytes); "" for DEALC_NONE */
DEALC_API char *dealc_date_text(int64_t day, char buf[11]);
/* strict YYYY-MM-DD; DEALC_OK and *day, or DEALC_ERR_USAGE */
DEALC_API dealc_status dealc_date_parse(const char *text, int32_t *day);

/* ---- figure tables -------------------------------------------------------------
 * Each result row is an int64_t array; X(NAME, "name", UNIT) gives the index
 * DEALC_<KIND>_<NAME>, the column's name (as in the JSON statement) and its
 * unit. Results carry their own strides, so a host built against an older
 * header keeps reading the fields it knows when fields are added. */

#define DEALC_CLASS_FIELDS(X)                                                   \
    X(ORIGINAL_BALANCE, "original_balance", MONEY)                              \
    X(BEGINNING_BALANCE, "beginning_balance", MONEY)                            \
    X(COUPON, "coupon", RATE)                                                   \
    X(INTEREST_DUE, "interest_due", MONEY)                                      \
    X(INTEREST, "interest", MONEY)                                              \
    X(INTEREST_SHORTFALL, "interest_shortfall", MONEY)                          \
    X(PRINCIPAL, "principal", MONEY)                                            \
    X(ENDING_BALANCE, "ending_balance", MONEY)                                  \
    X(UNPAID_INTEREST, "unpaid_interest", MONEY)                                \
    X(UNPAID_INTEREST_PAID, "unpaid_interest_paid", MONEY)                      \
    X(ENDING_UNPAID_INTEREST, "ending_unpaid_interest", MONEY)                  \
    X(DRAWN, "drawn", MONEY)                                                    \
    X(REALIZED_LOSS, "realized_loss", MONEY)                                    \
    X(UNPAID_REALIZED_LOSS, "unpaid_realized_loss", MONEY)                      \
    X(REALIZED_LOSS_PAID, "realized_loss_paid", MONEY)                          \
    X(ENDING_UNPAID_REALIZED_LOSS, "ending_unpaid_realized_loss", MONEY)        \
    X(BASIS_RISK_CARRY_FORWARD, "basis_risk_carry_forward", MONEY)              \
    X(BASIS_RISK_SHORTFALL, "basis_risk_shortfall", MONEY)                      \
    X(BASIS_RISK_PAID, "basis_risk_paid", MONEY)                                \
    X(ENDING_BASIS_RISK_CARRY_FORWARD, "ending_basis_risk_carry_forward", MONEY) \
    X(FACTOR, "factor", NUMBER)                     /* 7 decimals; NONE: no original */ \
    X(SECURITY_PERCENT, "security_percent", NUMBER) /* a percent number, 2 decimals */

#define DEALC_GROUP_FIELDS(X)                                                   \
    X(PRINCIPAL_COLLECTIONS, "principal_collections", MONEY)                    \
    X(INTEREST_COLLECTIONS, "interest_collections", MONEY)                      \
    X(PRINCIPAL_DRAWS, "principal_draws", MONEY)                                \
    X(LIQUIDATION_LOSS, "liquidation_loss", MONEY)                              \
    X(RECOVERIES, "recoveries", MONEY)                                          \
    X(SUBSTITUTION_ADJUSTMENT, "substitution_adjustment", MONEY)                \
    X(ACTIVE_LOAN_COUNT, "active_loan_count", COUNT)                            \
    X(ADDITIONAL_BALANCES, "additional_balances", MONEY)                        \
    X(BEGINNING_POOL_BALANCE, "beginning_pool_balance", MONEY)                  \
    X(ENDING_POOL_BALANCE, "ending_pool_balance", MONEY)                        \
    X(BEGINNING_CUMULATIVE_LOSS, "beginning_cumulative_loss", MONEY)            \
    X(ENDING_CUMULATIVE_LOSS, "ending_cumulative_loss", MONEY)                  \
    X(PURCHASED, "purchased", MONEY)

/* parties: fee recipients, the residual holder, insurers */
#define DEALC_PARTY_FIELDS(X)                                                   \
    X(PAID, "paid", MONEY)                                                      \
    X(DRAWN, "drawn", MONEY)                                                    \
    X(REIMBURSED, "reimbursed", MONEY)                                          \
    X(UNREIMBURSED_DRAWS, "unreimbursed_draws", MONEY)                          \
    X(ENDING_UNREIMBURSED_DRAWS, "ending_unreimbursed_draws", MONEY)

/* funds and accounts (an account's balance is carried between dates) */
#define DEALC_FUND_FIELDS(X)                                                    \
    X(BEGINNING_BALANCE, "beginning_balance", MONEY)                            \
    X(DEPOSIT, "deposit", MONEY) /* a fund's formula; an account's interest */  \
    X(REMAINING, "remaining", MONEY)

/* clauses of the priority of payments */
#define DEALC_CLAUSE_FIELDS(X)                                                  \
    X(AVAILABLE, "available", MONEY)                                            \
    X(PAID, "paid", MONEY)                                                      \
    X(SHORTFALL, "shortfall", MONEY)

/* a projected period of a class */
#define DEALC_PCLASS_FIELDS(X)                                                  \
    X(BEGINNING_BALANCE, "beginning_balance", MONEY)                            \
    X(INTEREST, "interest", MONEY)                                              \
    X(PRINCIPAL, "principal", MONEY)                                            \
    X(ENDING_BALANCE, "ending_balance", MONEY)                                  \
    X(COUPON, "coupon", RATE)                                                   \
    /* API 1.1: */                                                              \
    X(DRAWN, "drawn", MONEY)                  /* a variable pay class's draw */  \
    X(REALIZED_LOSS, "realized_loss", MONEY)  /* allocated (written down) */     \
    X(ENDING_UNPAID_REALIZED_LOSS, "ending_unpaid_realized_loss", MONEY)        \
    X(ENDING_BASIS_RISK_CARRY_FORWARD, "ending_basis_risk_carry_forward", MONEY) \
    X(REALIZED_LOSS_PAID, "realized_loss_paid", MONEY) /* paid back: cash */    \
    X(BASIS_RISK_PAID, "basis_risk_paid", MONEY)       /* paid: cash */

/* a projected period of a collateral group */
#define DEALC_FLOW_FIELDS(X)                                                    \
    X(BEGINNING_BALANCE, "beginning_balance", MONEY)                            \
    X(SCHEDULED, "scheduled", MONEY)                                            \
    X(PREPAID, "prepaid", MONEY)                                                \
    X(DEFAULTED, "defaulted", MONEY)                                            \
    X(LIQUIDATED, "liquidated", MONEY)                                          \
    X(RECOVERIES, "recoveries", MONEY)                                          \
    X(LOSS, "loss", MONEY)                                                      \
    X(INTEREST, "interest", MONEY)                                              \
    X(ADVANCED, "advanced", MONEY)                                              \
    X(SOLD, "sold", MONEY)                                                      \
    X(LOANS, "loans", COUNT) /* a loan tape's active loans; 0 for declared lines */ \
    X(ENDING_BALANCE, "ending_balance", MONEY)                                  \
    /* API 1.1: */                                                              \
    X(DRAWN, "drawn", MONEY) /* drawn on revolving lines (--draw-rate) */

#define DEALC_ENUM_CLASS_(n, s, u) DEALC_CLASS_##n,
#define DEALC_ENUM_GROUP_(n, s, u) DEALC_GROUP_##n,
#define DEALC_ENUM_PARTY_(n, s, u) DEALC_PARTY_##n,
#define DEALC_ENUM_FUND_(n, s, u) DEALC_FUND_##n,
#define DEALC_ENUM_CLAUSE_(n, s, u) DEALC_CLAUSE_##n,
#define DEALC_ENUM_PCLASS_(n, s, u) DEALC_PCLASS_##n,
#define DEALC_ENUM_FLOW_(n, s, u) DEALC_FLOW_##n,
enum { DEALC_CLASS_FIELDS(DEALC_ENUM_CLASS_) DEALC_CLASS_NFIELDS };
enum { DEALC_GROUP_FIELDS(DEALC_ENUM_GROUP_) DEALC_GROUP_NFIELDS };
enum { DEALC_PARTY_FIELDS(DEALC_ENUM_PARTY_) DEALC_PARTY_NFIELDS };
enum { DEALC_FUND_FIELDS(DEALC_ENUM_FUND_) DEALC_FUND_NFIELDS };
enum { DEALC_CLAUSE_FIELDS(DEALC_ENUM_CLAUSE_) DEALC_CLAUSE_NFIELDS };
enum { DEALC_PCLASS_FIELDS(DEALC_ENUM_PCLASS_) DEALC_PCLASS_NFIELDS };
enum { DEALC_FLOW_FIELDS(DEALC_ENUM_FLOW_) DEALC_FLOW_NFIELDS };
#undef DEALC_ENUM_CLASS_
#undef DEALC_ENUM_GROUP_
#undef DEALC_ENUM_PARTY_
#undef DEALC_ENUM_FUND_
#undef DEALC_ENUM_CLAUSE_
#undef DEALC_ENUM_PCLASS_
#undef DEALC_ENUM_FLOW_

typedef enum dealc_table {
    DEALC_TABLE_CLASS = 0, DEALC_TABLE_GROUP, DEALC_TABLE_PARTY, DEALC_TABLE_FUND,
    DEALC_TABLE_CLAUSE, DEALC_TABLE_PCLASS, DEALC_TABLE_FLOW
} dealc_table;

/* The library's own field tables, for hosts that build columns at run
 * time (the Python package does): the number of fields of a table, and
 * each field's name and unit; NULL / -1 past the end. */
DEALC_API int32_t dealc_field_count(dealc_table t);
DEALC_API const char *dealc_field_name(dealc_table t, int32_t field);
DEALC_API int32_t dealc_field_unit(dealc_table t, int32_t field);

/* ---- the deal ------------------------------------------------------------------- */

typedef struct dealc_deal dealc_deal;

typedef struct dealc_class_info {
    const char *name;
    int64_t original;  /* cents */
    int32_t notional;  /* 1: interest only on a notional amount */
    int32_t daycount;  /* 0: 30/360, 1: actual/360 */
    int64_t maximum;   /* cents a variable pay class may grow to; 0: none */
    int32_t capped;    /* its coupon has a cap */
} dealc_class_info;

typedef enum dealc_party_role { DEALC_PARTY_FEE = 0, DEALC_PARTY_RESIDUAL, DEALC_PARTY_INSURER } dealc_party_role;

typedef struct dealc_party_info {
    const char *name;
    int32_t role; /* dealc_party_role */
} dealc_party_info;

typedef struct dealc_named_info {
    const char *name; /* a statement line's name is "" where the class table goes */
    int32_t unit;     /* dealc_unit */
} dealc_named_info;

typedef struct dealc_fund_info {
    const char *name;
    int32_t is_account;
} dealc_fund_info;

typedef struct dealc_clause_info {
    const char *label; /* "3.05(a)(ii)" */
    int32_t fund;      /* the fund or account it pays from */
    const char *payee; /* as the agreement words it */
} dealc_clause_info;

typedef enum dealc_memory_kind { DEALC_TRIGGER = 0, DEALC_STICKY_TRIGGER, DEALC_DATE } dealc_memory_kind;

typedef struct dealc_memory_info {
    const char *name;
    int32_t kind; /* dealc_memory_kind */
} dealc_memory_info;

typedef struct dealc_description {
    const char *name;
    const char *source;       /* the .deal file it was compiled from; "" unknown */
    int32_t closing_date, first_payment_date, payment_day; /* day numbers; day of month */
    int32_t ngroups;
    const char *const *groups;
    int32_t nclasses;
    const dealc_class_info *classes;
    int32_t nparties;
    const dealc_party_info *parties;
    int32_t ninputs;          /* the remittance's columns beyond the group fields */
    const dealc_named_info *inputs;
    int32_t ndefinitions;
    const dealc_named_info *definitions;
    int32_t nlines;           /* the statement's lines */
    const dealc_named_info *lines;
    int32_t nfunds;
    const dealc_fund_info *funds;
    int32_t nclauses;
    const dealc_clause_info *clauses;
    int32_t nmemory;          /* triggers and dates */
    const dealc_memory_info *memory;
    int32_t ncollateral;      /* declared collateral lines (0: the deal cannot be projected) */
} dealc_description;

/* A shared object built by `dealc build --shared`. The object stays loaded
 * until dealc_deal_close. */
DEALC_API dealc_status dealc_deal_open(const char *path, dealc_deal **out, dealc_error *err);

/* The two functions of a compiled deal (an object from `dealc build
 * --emit=obj --no-main` linked into the host: pass dealc_describe and
 * dealc_period, cast). release(ctx), when not NULL, is called by
 * dealc_deal_close after the deal is done with them (libdealc's JIT frees
 * its code there). */
typedef void (*dealc_describe_fn)(void *deal);
typedef int32_t (*dealc_period_fn)(void *slot, void *run);
DEALC_API dealc_status dealc_deal_from_functions(dealc_describe_fn describe, dealc_period_fn period,
                                                 void (*release)(void *ctx), void *ctx, dealc_deal **out,
                                                 dealc_error *err);
DEALC_API void dealc_deal_close(dealc_deal *d);

/* API 1.2: replaces the deal's declared collateral lines with a loan tape
 * (docs/projection.md has its columns), for projections and grids; a
 * replay does not read collateral. Call it before the deal is shared
 * between threads. On a bad tape the deal is left as it was. */
DEALC_API dealc_status dealc_deal_load_tape(dealc_deal *d, const char *path, dealc_error *err);

/* owned by the deal; valid until dealc_deal_close */
DEALC_API const dealc_description *dealc_deal_describe(const dealc_deal *d);
/* the `describe` command's text */
DEALC_API dealc_status dealc_deal_describe_text(const dealc_deal *d, char **text, size_t *len, dealc_error *err);

/* The deal binary's own command line (replay, project, grid, explain,
 * describe) on this deal, in process: argv[0] is the program name. It
 * prints and writes files exactly as the binary does (the one function
 * here that prints), in the C locale; returns the exit status. It parses
 * its arguments with getopt_long, whose state is the process's: one thread
 * at a time. */
DEALC_API int dealc_deal_main(const dealc_deal *d, int argc, char **argv);

/* ---- the state between payment dates ------------------------------------------------ */

typedef struct dealc_state dealc_state;

/* what a state holds; index is the group, class, fund, party or trigger */
typedef enum dealc_state_field {
    DEALC_STATE_POOL_BALANCE = 0,       /* per group, cents */
    DEALC_STATE_CUMULATIVE_LOSS,        /* per group, cents */
    DEALC_STATE_CLASS_BALANCE,          /* per class, cents (a notional class: its notional) */
    DEALC_STATE_CLASS_UNPAID_INTEREST,  /* per class, cents */
    DEALC_STATE_CLASS_UNPAID_LOSS,      /* per class, cents */
    DEALC_STATE_CLASS_BASIS_RISK,       /* per class, cents */
    DEALC_STATE_ACCOUNT_BALANCE,        /* per fund (accounts only), cents */
    DEALC_STATE_INSURER_UNREIMBURSED,   /* per party (insurers only), cents */
    DEALC_STATE_MEMORY                  /* per trigger (0/1) or date (day number; DEALC_NONE: not yet) */
} dealc_state_field;

/* at closing: distribution 0, the deal's original class balances */
DEALC_API dealc_status dealc_state_new(const dealc_deal *d, dealc_state **out, dealc_error *err);
/* the state JSON a replay's --save-state writes */
DEALC_API dealc_status dealc_state_read(const dealc_deal *d, const char *path, dealc_state **out, dealc_error *err);
/* the same from text; name is the file name errors give ("" or NULL: "state") */
DEALC_API dealc_status dealc_state_parse(const dealc_deal *d, const char *text, size_t len, const char *name,
                                         dealc_state **out, dealc_error *err);
DEALC_API void dealc_state_free(dealc_state *s);
DEALC_API int32_t dealc_state_distribution(const dealc_state *s);
DEALC_API int32_t dealc_state_payment_date(const dealc_state *s);
/* the distribution last made and its payment date (the closing date for 0) */
DEALC_API dealc_status dealc_state_set_date(dealc_state *s, int32_t distribution, int32_t payment_date,
                                            dealc_error *err);
DEALC_API dealc_status dealc_state_get(const dealc_state *s, dealc_state_field f, int32_t index, int64_t *value,
                                       dealc_error *err);
DEALC_API dealc_status dealc_state_set(dealc_state *s, dealc_state_field f, int32_t index, int64_t value,
                                       dealc_error *err);
/* the state JSON (what dealc_state_read reads) */
DEALC_API dealc_status dealc_state_json(const dealc_state *s, char **text, size_t *len, dealc_error *err);

/* ---- the remittance ------------------------------------------------------------------ */

typedef struct dealc_remittance dealc_remittance;

/* The servicer's remittance CSV, whose payment dates must follow the
 * opening state's (docs/user-guide.md has the columns). */
DEALC_API dealc_status dealc_remittance_read(const dealc_deal *d, const dealc_state *opening, const char *path,
                                             dealc_remittance **out, dealc_error *err);
DEALC_API dealc_status dealc_remittance_parse(const dealc_deal *d, const dealc_state *opening, const char *text,
                                              size_t len, const char *name, dealc_remittance **out,
                                              dealc_error *err);
/* An empty remittance to fill in memory: add periods in date order, then
 * set each group's reported figures (DEALC_GROUP_PRINCIPAL_COLLECTIONS ..
 * DEALC_GROUP_ADDITIONAL_BALANCES; unset ones are 0) and each input. The
 * rules the CSV reader applies are applied here: amounts not below zero
 * (but the substitution adjustment), a count whole, dates checked against
 * the opening at replay. */
DEALC_API dealc_status dealc_remittance_new(const dealc_deal *d, dealc_remittance **out, dealc_error *err);
/* returns the new period's index in *period */
DEALC_API dealc_status dealc_remittance_add_period(dealc_remittance *r, int32_t payment_date, int32_t *period,
                                                   dealc_error *err);
DEALC_API dealc_status dealc_remittance_set_group(dealc_remittance *r, int32_t period, int32_t group,
                                                  int32_t field, int64_t value, dealc_error *err);
/* value in the input's unit (dealc_description.inputs[input].unit) */
DEALC_API dealc_status dealc_remittance_set_input(dealc_remittance *r, int32_t period, int32_t input,
                                                  int64_t value, dealc_error *err);
DEALC_API int32_t dealc_remittance_periods(const dealc_remittance *r);
DEALC_API void dealc_remittance_free(dealc_remittance *r);

/* ---- replay ------------------------------------------------------------------------------ */

/* One payment date's statement. Rows are int64_t arrays in the tables'
 * fields: classes[c * class_stride + DEALC_CLASS_PRINCIPAL] and so on. */
typedef struct dealc_statement {
    int32_t payment_date;       /* day number */
    int32_t distribution;       /* 1 for the first payment date */
    const int64_t *classes;     /* nclasses rows of DEALC_CLASS_* */
    const int64_t *groups;      /* ngroups rows of DEALC_GROUP_* */
    const int64_t *parties;     /* nparties rows of DEALC_PARTY_* */
    const int64_t *funds;       /* nfunds rows of DEALC_FUND_* */
    const int64_t *clauses;     /* nclauses rows of DEALC_CLAUSE_* */
    const int64_t *memory;      /* nmemory: a trigger 0/1; a date's day number, DEALC_NONE not yet */
    const dealc_value *lines;   /* nlines (a line named "" is 0: the class table's place) */
    const dealc_value *definitions; /* ndefinitions */
} dealc_statement;

typedef struct dealc_replay {
    int32_t nperiods;
    const dealc_statement *periods;
    int32_t class_stride, group_stride, party_stride, fund_stride, clause_stride;
    const dealc_state *closing; /* after the last date: opens the next replay; owned by the result */
} dealc_replay;

/* Runs the priority of payments for each date of the remittance from the
 * opening state, with every check the deal binary makes. All or nothing:
 * on failure *out is NULL and err names the payment date. */
DEALC_API dealc_status dealc_replay_run(const dealc_deal *d, const dealc_state *opening,
                                        const dealc_remittance *remit, dealc_replay **out, dealc_error *err);
/* the same, reading both files */
DEALC_API dealc_status dealc_replay_files(const dealc_deal *d, const char *state_path, const char *remit_path,
                                          dealc_replay **out, dealc_error *err);
DEALC_API void dealc_replay_free(dealc_replay *r);

/* DEALC_FORMAT_HTML (API 1.2): a projection's self-contained report */
typedef enum dealc_format { DEALC_FORMAT_TABLE = 0, DEALC_FORMAT_CSV, DEALC_FORMAT_JSON, DEALC_FORMAT_HTML } dealc_format;
/* the statement as the deal binary's replay prints it, byte for byte */
DEALC_API dealc_status dealc_replay_render(const dealc_replay *r, dealc_format f, char **text, size_t *len,
                                           dealc_error *err);

/* ---- projections -------------------------------------------------------------------------- */

typedef struct dealc_scenario dealc_scenario;

/* Assumptions, as the deal binary's flags and scenario files write them
 * (docs/projection.md): key without "--" ("cpr", "cdr", "severity",
 * "recovery-lag", "advancing", "psa", "smm", "sda", "hep", "prepay-vector",
 * "default-vector", "index", "index-vector", "input", "periods", "to-call",
 * "to-maturity"), value as its text ("20", "20%", "0,10,20" for a grid).
 * A key given twice is a usage error. */
DEALC_API dealc_status dealc_scenario_new(dealc_scenario **out, dealc_error *err);
DEALC_API dealc_status dealc_scenario_set(dealc_scenario *s, const char *key, const char *value, dealc_error *err);
/* a scenario file (KEY = VALUE lines); what was set wins over it */
DEALC_API dealc_status dealc_scenario_read(dealc_scenario *s, const char *path, dealc_error *err);
DEALC_API void dealc_scenario_free(dealc_scenario *s);

/* API 1.2: */
/* what a class is worth to a buyer settling on the settlement date */
typedef struct dealc_class_price {
    int32_t priced;          /* 0: nothing left to buy, or no yield gives the price */
    int32_t has_spread;      /* a benchmark or curve was given */
    int32_t has_zspread;     /* a curve file was given and the Z-spread solved */
    int32_t has_effective;   /* the shifted projections ran */
    double price;            /* clean, per 100 of the balance bought */
    double yield;            /* a fraction, compounded semiannually */
    double mod_duration, convexity;
    double spread_bp;        /* yield over the benchmark at the WAL, basis points */
    double zspread_bp;
    double eff_duration, eff_convexity; /* every index rate and the yield moved by the shift */
} dealc_class_price;

typedef struct dealc_class_summary {
    double wal;               /* years, actual/365.25, from the start; 0 with no principal */
    int32_t first_principal;  /* day numbers; 0: none */
    int32_t last_principal;
    int32_t final_payment;
    int64_t principal, interest; /* cents, in total */
} dealc_class_summary;

typedef struct dealc_projection {
    int32_t nperiods;
    int32_t called;              /* ended by the clean-up call */
    int32_t start_date;          /* the opening's payment date */
    int32_t start_distribution;  /* the opening's distribution number */
    const int32_t *dates;        /* nperiods payment dates */
    const int64_t *classes;      /* [(k * nclasses + c) * pclass_stride + DEALC_PCLASS_*] */
    const int64_t *flows;        /* [(k * ngroups + g) * flow_stride + DEALC_FLOW_*] */
    const dealc_class_summary *summary; /* nclasses */
    int32_t pclass_stride, flow_stride;
    const char *prepay, *dflt;   /* the curves' labels ("CPR 20%", "CDR 2%") */
    /* API 1.1: per period, in the statement's tables. A party's row is
     * DEALC_PARTY_* (what each fee payee, the residual holder and each
     * insurer was paid; an insurer's draw, reimbursement and unreimbursed
     * draws); a fund's is DEALC_FUND_* (an account's REMAINING is its
     * closing balance); memory as the statement's (a trigger 0/1, a date's
     * day number once it has occurred, DEALC_NONE before). */
    const int64_t *parties;      /* [(k * nparties + p) * party_stride + DEALC_PARTY_*] */
    const int64_t *funds;        /* [(k * nfunds + f) * fund_stride + DEALC_FUND_*] */
    const int64_t *memory;       /* [k * nmemory + m] */
    int32_t party_stride, fund_stride;
    const char *draw;            /* the draw rate's label ("draw 0%" when none) */
    /* API 1.2: */
    const dealc_class_price *prices; /* nclasses, from dealc_project_priced; NULL otherwise */
    int32_t wal_from;            /* the day the summary's WALs count from: the start or the settlement */
} dealc_projection;

/* One scenario from the opening (NULL: the closing date, the declared
 * collateral), period by period to the end of the pool (or the call), with
 * the checks a replay makes each period. */
DEALC_API dealc_status dealc_project(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                                     dealc_projection **out, dealc_error *err);
DEALC_API void dealc_projection_free(dealc_projection *p);

/* ---- pricing (API 1.2) ---------------------------------------------------------------------- */

typedef struct dealc_pricing dealc_pricing;

/* The pricing conventions, as the deal binary's flags write them
 * (docs/projection.md), key without "--": "settle" (YYYY-MM-DD), "price"
 * (per 100) or "yield" (percent), "benchmark" (a yield in percent) or
 * "curve" (a file of TENOR YIELD lines), "delay" (days, for every class),
 * "accrual-start" (first-of-month | payment-date), "pricing-dates"
 * (unadjusted | rolled), "shift" (basis points, for effective duration),
 * "oas" (basis points: a Monte Carlo grid's). They are checked together
 * when a projection uses them, and messages name the flags. */
DEALC_API dealc_status dealc_pricing_new(dealc_pricing **out, dealc_error *err);
DEALC_API dealc_status dealc_pricing_set(dealc_pricing *p, const char *key, const char *value, dealc_error *err);
DEALC_API void dealc_pricing_free(dealc_pricing *p);

/* dealc_project, then each class priced: the projection's `prices` (one
 * per class) and its summary's WAL counts from the settlement date.
 * pricing NULL (or without "settle") is dealc_project. */
DEALC_API dealc_status dealc_project_priced(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                                            const dealc_pricing *pricing, dealc_projection **out, dealc_error *err);

/* The projection as the deal binary's project command prints it, byte for
 * byte: TABLE, CSV, JSON, or HTML (the --report). klass: one class's
 * tables only (-1: every class). The deal it was projected from must
 * still be open. */
DEALC_API dealc_status dealc_projection_render(const dealc_projection *p, dealc_format f, int32_t klass,
                                               char **text, size_t *len, dealc_error *err);

/* ---- breakeven (API 1.2) ---------------------------------------------------------------------- */

/* The lowest constant CDR at which a class takes its first dollar of
 * principal loss (a balance or an unpaid realized loss left at the end),
 * and the lowest at which a write-down takes its balance to zero, each by
 * bisection to 0.01% CDR at the scenario's other assumptions (which must
 * give no default rate). */
typedef struct dealc_breakeven {
    int32_t klass;
    int32_t first_loss;      /* hundredths of a percent CDR; -1: none even at 100% */
    int32_t full_writedown;  /* hundredths of a percent CDR; -1: none */
    int64_t loss_at_first;   /* cents: balance left plus unpaid realized loss at first_loss */
    int64_t written_at_full; /* cents written down over the run at full_writedown */
    int32_t runs;            /* projections made */
    int32_t monotone;        /* 0: the class also loses just below first_loss (see docs/projection.md) */
} dealc_breakeven;

DEALC_API dealc_status dealc_breakeven_run(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                                           int32_t klass, dealc_breakeven **out, dealc_error *err);
/* the breakeven command's document, byte for byte */
DEALC_API dealc_status dealc_breakeven_render(const dealc_breakeven *b, dealc_format f, char **text, size_t *len,
                                              dealc_error *err);
DEALC_API void dealc_breakeven_free(dealc_breakeven *b);

typedef struct dealc_grid {
    int32_t nscenarios;          /* nprepay * ndefault, prepay major */
    int32_t nprepay, ndefault;
    const char *const *prepay;   /* nprepay labels */
    const char *const *dflt;     /* ndefault labels */
    int32_t nclasses;
    const double *wal;           /* [sc * nclasses + c], years; -1: no principal */
    int32_t start_date;
    int32_t nyears;              /* anniversaries of the closing date after the start */
    const int32_t *anniversaries;
    const int64_t *balances;     /* [(sc * nyears + y) * nclasses + c] cents outstanding at each anniversary */
    const int32_t *years_used;   /* per scenario: rows of the decrement table it needs (start row included) */
} dealc_grid;

/* Every combination of the scenario's lists of speeds and default rates,
 * on nthreads threads (0: one per core); the result does not depend on it. */
DEALC_API dealc_status dealc_grid_run(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                                      int32_t nthreads, dealc_grid **out, dealc_error *err);
DEALC_API void dealc_grid_free(dealc_grid *g);

/* ---- scenario sets and streamed grids (API 1.2) --------------------------------------------
 * A set of scenarios of any size, as the deal binary's grid takes them
 * (docs/projection.md): every combination of the base scenario's lists,
 * or the rows of a scenarios file, either crossed with Monte Carlo paths
 * of one index rate. Scenario k (0-based) of n is base item k / npaths
 * with path k % npaths, so a range [lo, hi) of it (a shard) is the same
 * scenarios on any machine. A run streams one record per scenario, in
 * scenario order, to a callback: memory does not grow with the number of
 * scenarios, and neither the records nor their order depend on the
 * number of threads. */

typedef struct dealc_scenarios dealc_scenarios;

/* API 1.2: the set's options, key without "--": "scenarios" (a CSV file,
 * a scenario a row; the base then gives single values), "paths" (N),
 * "seed" (0 to 2^64 - 1), "hull-white" (NAME=MEAN_REVERSION,VOLATILITY:
 * paths of the input NAME from the model), "rate-curve" (FILE: the
 * forward curve the model is fitted to), "index-paths" (NAME=FILE: paths
 * one a line). A key given twice is a usage error; messages name the
 * flags, as dealc_pricing's do. */
DEALC_API dealc_status dealc_scenarios_new(dealc_scenarios **out, dealc_error *err);
DEALC_API dealc_status dealc_scenarios_set(dealc_scenarios *ss, const char *key, const char *value,
                                           dealc_error *err);
/* Opens the set for a deal: the options checked together with the
 * pricing conventions the records are priced with (NULL: none; "oas"
 * belongs here: the spread the paths' values are taken at), the base
 * resolved, the model fitted to its curve, and every row of a scenarios
 * file read once (a bad cell names its file, line and column): nothing
 * runs. d, opening (NULL: the closing date) and base must stay open and
 * unchanged until the set is freed; the pricing is copied. Once only. */
DEALC_API dealc_status dealc_scenarios_open(dealc_scenarios *ss, const dealc_deal *d, const dealc_state *opening,
                                            const dealc_scenario *base, const dealc_pricing *pricing,
                                            dealc_error *err);
DEALC_API void dealc_scenarios_free(dealc_scenarios *ss);

typedef struct dealc_scenarios_info {
    int64_t count;                /* scenarios in the set */
    int64_t paths;                /* Monte Carlo paths per base item; 0: none */
    int32_t start_date;           /* the opening's payment date (day number) */
    int32_t months;               /* the longest projection: the horizon and the paths' length */
    int32_t nyears;               /* anniversaries of the closing date after the start */
    const int32_t *anniversaries; /* nyears day numbers: the decrement tables' rows */
    int32_t priced;               /* records carry price, yield and duration */
    int32_t valued;               /* records carry the paths' values */
    int32_t oas;                  /* runs return the sums dealc_oas_solve takes */
    double price;                 /* the pricing's price (per 100) when it gives one */
} dealc_scenarios_info;

/* after dealc_scenarios_open; NULL before. Owned by the set. */
DEALC_API const dealc_scenarios_info *dealc_scenarios_describe(const dealc_scenarios *ss);

/* One class's figures in one scenario. Money is exact (cents); WAL,
 * prices and yields are doubles as dealc_class_price's. */
typedef struct dealc_grid_class {
    int32_t klass;             /* its index in the deal's description */
    int32_t final_payment;     /* the last date it was paid anything (day number); 0: none */
    int64_t principal, interest; /* cents, in total */
    int64_t loss;              /* cents it did not get back: the balance left and the unpaid realized loss,
                                  once the pool is paid off or called; DEALC_NONE for a notional class or a
                                  run that ends otherwise */
    int64_t opening_balance;   /* cents at the start */
    int32_t has_wal;           /* it was paid principal */
    int32_t priced;            /* price, yield and duration are there (pricing with "price" or "yield") */
    int32_t valued;            /* value is there (paths and "settle") */
    int32_t reserved;
    double wal;                /* years, actual/365.25, from the settlement date (pricing) or the start */
    double yield;              /* a fraction, compounded semiannually */
    double price;              /* clean, per 100 */
    double mod_duration;       /* years */
    double value;              /* per 100: the flows bought, discounted at the path's rates plus the OAS */
    const int64_t *balances;   /* nyears: cents outstanding at each anniversary (dealc_scenarios_info) */
} dealc_grid_class;

typedef struct dealc_grid_record {
    int64_t scenario;          /* 0-based index in the set */
    const char *label;         /* "10% CPR / 2% CDR", a row's name, "... / path 3" */
    int32_t nclasses;          /* the classes shown */
    int32_t class_size;        /* the library's sizeof (dealc_grid_class): step by it (DEALC_GRID_CLASS) */
    const dealc_grid_class *classes;
    int32_t years_used;        /* decrement rows the scenario needs, the start row included */
} dealc_grid_record;

#define DEALC_GRID_CLASS(rec, i)                                                                          \
    ((const dealc_grid_class *)(const void *)((const char *)(rec)->classes + (size_t)(i) * (size_t)(rec)->class_size))

/* Takes each record (valid during the call only). Called in scenario
 * order, one call at a time, under the run's lock, on one of the run's
 * threads (the caller's own with one thread), in the C locale: it should
 * be quick (write, count, add up). Returns 0 to go on; anything else stops
 * the run (scenarios running finish; no more records are handed out). */
typedef int (*dealc_grid_record_fn)(void *ctx, const dealc_grid_record *rec);

/* An exact sum that may pass 2^63: hi * 2^64 + lo. */
typedef struct dealc_int128 {
    int64_t hi;
    uint64_t lo;
} dealc_int128;

/* What a Monte Carlo OAS is solved from, for one class, over the paths
 * run: each bought flow j discounted at its path's rates, the balances
 * bought and the interest accrued. Integers, so the sums of shards add up
 * to the sum of the whole run on one machine. */
typedef struct dealc_oas_sums {
    int32_t nflows;
    int32_t conflict;          /* two paths disagreed on a flow's date: no OAS */
    const int32_t *days;       /* nflows: 30/360 days from settlement to flow j; -1: none yet */
    const dealc_int128 *flows; /* nflows: micro-dollars */
    dealc_int128 balance;      /* cents */
    dealc_int128 accrued;      /* micro-dollars */
} dealc_oas_sums;

typedef struct dealc_grid_totals {
    int64_t lo, hi;            /* the range run */
    int64_t done;              /* records handed to the callback, from lo on */
    int32_t stopped;           /* the callback asked to stop */
    int32_t nclasses;          /* the classes shown */
    const dealc_oas_sums *oas; /* nclasses when the set's info says oas; else NULL */
} dealc_grid_totals;

/* Runs scenarios [lo, hi) of an open set on nthreads threads (0: one per
 * core), klass: one class's figures only (-1: every class), and hands each
 * record to fn. A scenario that cannot run stops the run with
 * DEALC_ERR_RUN: "scenario N (LABEL): ..." (N 1-based); the records
 * before it were handed out. *out (NULL on failure): what the run added
 * up, freed with dealc_grid_totals_free. A set runs once at a time. */
DEALC_API dealc_status dealc_scenarios_run(dealc_scenarios *ss, int64_t lo, int64_t hi, int32_t nthreads,
                                           int32_t klass, dealc_grid_record_fn fn, void *ctx,
                                           dealc_grid_totals **out, dealc_error *err);
DEALC_API void dealc_grid_totals_free(dealc_grid_totals *t);

/* The spread (continuously compounded, a fraction) over the paths' rates
 * at which their mean value is the clean price (per 100): 0 when there is
 * none between -50% and 500%, or the sums cannot give one (a conflict, no
 * balance). */
DEALC_API int dealc_oas_solve(const dealc_oas_sums *s, double price, double *oas);

/* ---- explain ------------------------------------------------------------------------------------ */

typedef enum dealc_explain_kind {
    DEALC_EXPLAIN_DEFINITION = 0, /* a definition: name, value, formula, text, amendment */
    DEALC_EXPLAIN_FIGURE,         /* a figure a formula reads: name (as written), value */
    DEALC_EXPLAIN_REPEAT,         /* a definition explained above: name, value */
    DEALC_EXPLAIN_CLAUSE          /* a clause: name (label), payee, fund, available/paid/shortfall */
} dealc_explain_kind;

typedef struct dealc_explain_item {
    int32_t kind;        /* dealc_explain_kind */
    int32_t depth;       /* 0 for the figure asked about */
    const char *name;
    dealc_value value;
    const char *formula, *text; /* "" when none */
    const char *amended_by;     /* the amendment of the version in force ("" none), else the
                                   next one not yet in force */
    int32_t effective;          /* that amendment's effective date (day number), 0 none */
    int32_t in_force;           /* 1: the version explained is that amendment's */
    const char *payee, *fund;   /* clauses */
    int64_t available, paid, shortfall; /* clauses, cents */
    const char *note;           /* what the agreement's reconstruction notes; "" none */
} dealc_explain_item;

typedef struct dealc_explanation {
    int32_t payment_date, distribution;
    int32_t nitems;
    const dealc_explain_item *items; /* depth first, in the order the formula reads them */
    const char *text;                /* the explain command's text */
} dealc_explanation;

/* Replays to the period-th date of the remittance (1: its first) and takes
 * the definition or clause called name apart, with the values that date used. */
DEALC_API dealc_status dealc_explain(const dealc_deal *d, const dealc_state *opening, const dealc_remittance *remit,
                                     int32_t period, const char *name, dealc_explanation **out, dealc_error *err);
DEALC_API void dealc_explanation_free(dealc_explanation *x);

#ifdef __cplusplus
}
#endif
#endif /* DEALC_DEALC_H */
