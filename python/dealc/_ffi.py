"""The C declarations of dealc/dealc.h and dealc/compile.h that the package
uses, and the libraries (cffi's ABI mode: no compiler at install time).

The structures are declared exactly as in the headers: cffi lays them out
from these declarations. Field tables are not repeated here: the package
asks the library for them (dealc_field_count/name/unit)."""
import os

import cffi

CDEF = r"""
typedef enum { DEALC_OK = 0, DEALC_ERR_USAGE, DEALC_ERR_IO, DEALC_ERR_INPUT, DEALC_ERR_DEAL,
               DEALC_ERR_RUN, DEALC_ERR_RANGE, DEALC_ERR_NOMEM } dealc_status;
typedef struct dealc_error {
    dealc_status status;
    char file[512];
    int32_t line, col;
    char date[11];
    char message[1024];
} dealc_error;
const char *dealc_version(void);
int dealc_api_version(void);
const char *dealc_status_name(dealc_status s);
int dealc_error_text(const dealc_error *e, char *buf, size_t size);
void dealc_free(void *p);

typedef struct dealc_value { int64_t v; int32_t unit; } dealc_value;
int dealc_value_text(dealc_value v, char *buf, size_t size);
typedef enum { DEALC_TABLE_CLASS = 0, DEALC_TABLE_GROUP, DEALC_TABLE_PARTY, DEALC_TABLE_FUND,
               DEALC_TABLE_CLAUSE, DEALC_TABLE_PCLASS, DEALC_TABLE_FLOW } dealc_table;
int32_t dealc_field_count(dealc_table t);
const char *dealc_field_name(dealc_table t, int32_t field);
int32_t dealc_field_unit(dealc_table t, int32_t field);

typedef struct dealc_deal dealc_deal;
typedef struct dealc_class_info { const char *name; int64_t original; int32_t notional; int32_t daycount;
                                  int64_t maximum; int32_t capped; } dealc_class_info;
typedef struct dealc_party_info { const char *name; int32_t role; } dealc_party_info;
typedef struct dealc_named_info { const char *name; int32_t unit; } dealc_named_info;
typedef struct dealc_fund_info { const char *name; int32_t is_account; } dealc_fund_info;
typedef struct dealc_clause_info { const char *label; int32_t fund; const char *payee; } dealc_clause_info;
typedef struct dealc_memory_info { const char *name; int32_t kind; } dealc_memory_info;
typedef struct dealc_description {
    const char *name; const char *source;
    int32_t closing_date, first_payment_date, payment_day;
    int32_t ngroups; const char *const *groups;
    int32_t nclasses; const dealc_class_info *classes;
    int32_t nparties; const dealc_party_info *parties;
    int32_t ninputs; const dealc_named_info *inputs;
    int32_t ndefinitions; const dealc_named_info *definitions;
    int32_t nlines; const dealc_named_info *lines;
    int32_t nfunds; const dealc_fund_info *funds;
    int32_t nclauses; const dealc_clause_info *clauses;
    int32_t nmemory; const dealc_memory_info *memory;
    int32_t ncollateral;
} dealc_description;
dealc_status dealc_deal_open(const char *path, dealc_deal **out, dealc_error *err);
void dealc_deal_close(dealc_deal *d);
const dealc_description *dealc_deal_describe(const dealc_deal *d);
dealc_status dealc_deal_describe_text(const dealc_deal *d, char **text, size_t *len, dealc_error *err);

typedef struct dealc_state dealc_state;
dealc_status dealc_state_new(const dealc_deal *d, dealc_state **out, dealc_error *err);
dealc_status dealc_state_read(const dealc_deal *d, const char *path, dealc_state **out, dealc_error *err);
dealc_status dealc_state_parse(const dealc_deal *d, const char *text, size_t len, const char *name,
                               dealc_state **out, dealc_error *err);
void dealc_state_free(dealc_state *s);
int32_t dealc_state_distribution(const dealc_state *s);
int32_t dealc_state_payment_date(const dealc_state *s);
dealc_status dealc_state_json(const dealc_state *s, char **text, size_t *len, dealc_error *err);

typedef struct dealc_remittance dealc_remittance;
dealc_status dealc_remittance_read(const dealc_deal *d, const dealc_state *opening, const char *path,
                                   dealc_remittance **out, dealc_error *err);
dealc_status dealc_remittance_parse(const dealc_deal *d, const dealc_state *opening, const char *text,
                                    size_t len, const char *name, dealc_remittance **out, dealc_error *err);
int32_t dealc_remittance_periods(const dealc_remittance *r);
void dealc_remittance_free(dealc_remittance *r);

typedef struct dealc_statement {
    int32_t payment_date; int32_t distribution;
    const int64_t *classes; const int64_t *groups; const int64_t *parties; const int64_t *funds;
    const int64_t *clauses; const int64_t *memory;
    const dealc_value *lines; const dealc_value *definitions;
} dealc_statement;
typedef struct dealc_replay {
    int32_t nperiods; const dealc_statement *periods;
    int32_t class_stride, group_stride, party_stride, fund_stride, clause_stride;
    const dealc_state *closing;
} dealc_replay;
dealc_status dealc_replay_run(const dealc_deal *d, const dealc_state *opening, const dealc_remittance *remit,
                              dealc_replay **out, dealc_error *err);
void dealc_replay_free(dealc_replay *r);
dealc_status dealc_replay_render(const dealc_replay *r, int f, char **text, size_t *len, dealc_error *err);

typedef struct dealc_scenario dealc_scenario;
dealc_status dealc_scenario_new(dealc_scenario **out, dealc_error *err);
dealc_status dealc_scenario_set(dealc_scenario *s, const char *key, const char *value, dealc_error *err);
dealc_status dealc_scenario_read(dealc_scenario *s, const char *path, dealc_error *err);
void dealc_scenario_free(dealc_scenario *s);
typedef struct dealc_pricing dealc_pricing;
dealc_status dealc_pricing_new(dealc_pricing **out, dealc_error *err);
dealc_status dealc_pricing_set(dealc_pricing *p, const char *key, const char *value, dealc_error *err);
void dealc_pricing_free(dealc_pricing *p);
typedef struct dealc_class_price {
    int32_t priced, has_spread, has_zspread, has_effective;
    double price, yield, mod_duration, convexity, spread_bp, zspread_bp, eff_duration, eff_convexity;
} dealc_class_price;
typedef struct dealc_breakeven {
    int32_t klass, first_loss, full_writedown; int64_t loss_at_first, written_at_full;
    int32_t runs, monotone;
} dealc_breakeven;
dealc_status dealc_breakeven_run(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                                 int32_t klass, dealc_breakeven **out, dealc_error *err);
dealc_status dealc_breakeven_render(const dealc_breakeven *b, int f, char **text, size_t *len, dealc_error *err);
void dealc_breakeven_free(dealc_breakeven *b);
typedef struct dealc_class_summary {
    double wal; int32_t first_principal; int32_t last_principal; int32_t final_payment;
    int64_t principal, interest;
} dealc_class_summary;
typedef struct dealc_projection {
    int32_t nperiods; int32_t called; int32_t start_date; int32_t start_distribution;
    const int32_t *dates; const int64_t *classes; const int64_t *flows;
    const dealc_class_summary *summary;
    int32_t pclass_stride, flow_stride;
    const char *prepay, *dflt;
    const int64_t *parties; const int64_t *funds; const int64_t *memory;
    int32_t party_stride, fund_stride;
    const char *draw;
    const struct dealc_class_price *prices; int32_t wal_from;
} dealc_projection;
dealc_status dealc_project(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                           dealc_projection **out, dealc_error *err);
void dealc_projection_free(dealc_projection *p);
dealc_status dealc_project_priced(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                                  const dealc_pricing *pricing, dealc_projection **out, dealc_error *err);
dealc_status dealc_projection_render(const dealc_projection *p, int f, int32_t klass, char **text, size_t *len,
                                     dealc_error *err);
dealc_status dealc_deal_load_tape(dealc_deal *d, const char *path, dealc_error *err);
typedef struct dealc_grid {
    int32_t nscenarios; int32_t nprepay, ndefault;
    const char *const *prepay; const char *const *dflt;
    int32_t nclasses; const double *wal; int32_t start_date; int32_t nyears;
    const int32_t *anniversaries; const int64_t *balances; const int32_t *years_used;
} dealc_grid;
dealc_status dealc_grid_run(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                            int32_t nthreads, dealc_grid **out, dealc_error *err);
void dealc_grid_free(dealc_grid *g);

typedef struct dealc_scenarios dealc_scenarios;
dealc_status dealc_scenarios_new(dealc_scenarios **out, dealc_error *err);
dealc_status dealc_scenarios_set(dealc_scenarios *ss, const char *key, const char *value, dealc_error *err);
dealc_status dealc_scenarios_open(dealc_scenarios *ss, const dealc_deal *d, const dealc_state *opening,
                                  const dealc_scenario *base, const dealc_pricing *pricing, dealc_error *err);
void dealc_scenarios_free(dealc_scenarios *ss);
typedef struct dealc_scenarios_info {
    int64_t count; int64_t paths; int32_t start_date; int32_t months; int32_t nyears;
    const int32_t *anniversaries; int32_t priced; int32_t valued; int32_t oas; double price;
} dealc_scenarios_info;
const dealc_scenarios_info *dealc_scenarios_describe(const dealc_scenarios *ss);
typedef struct dealc_grid_class {
    int32_t klass; int32_t final_payment; int64_t principal, interest; int64_t loss; int64_t opening_balance;
    int32_t has_wal; int32_t priced; int32_t valued; int32_t reserved;
    double wal; double yield; double price; double mod_duration; double value;
    const int64_t *balances;
} dealc_grid_class;
typedef struct dealc_grid_record {
    int64_t scenario; const char *label; int32_t nclasses; int32_t class_size;
    const dealc_grid_class *classes; int32_t years_used;
} dealc_grid_record;
typedef int (*dealc_grid_record_fn)(void *ctx, const dealc_grid_record *rec);
typedef struct dealc_int128 { int64_t hi; uint64_t lo; } dealc_int128;
typedef struct dealc_oas_sums {
    int32_t nflows; int32_t conflict; const int32_t *days; const dealc_int128 *flows;
    dealc_int128 balance; dealc_int128 accrued;
} dealc_oas_sums;
typedef struct dealc_grid_totals {
    int64_t lo, hi; int64_t done; int32_t stopped; int32_t nclasses; const dealc_oas_sums *oas;
} dealc_grid_totals;
dealc_status dealc_scenarios_run(dealc_scenarios *ss, int64_t lo, int64_t hi, int32_t nthreads, int32_t klass,
                                 dealc_grid_record_fn fn, void *ctx, dealc_grid_totals **out, dealc_error *err);
void dealc_grid_totals_free(dealc_grid_totals *t);
int dealc_oas_solve(const dealc_oas_sums *s, double price, double *oas);

typedef struct dealc_explain_item {
    int32_t kind; int32_t depth; const char *name; dealc_value value;
    const char *formula, *text; const char *amended_by; int32_t effective; int32_t in_force;
    const char *payee, *fund; int64_t available, paid, shortfall; const char *note;
} dealc_explain_item;
typedef struct dealc_explanation {
    int32_t payment_date, distribution; int32_t nitems; const dealc_explain_item *items; const char *text;
} dealc_explanation;
dealc_status dealc_explain(const dealc_deal *d, const dealc_state *opening, const dealc_remittance *remit,
                           int32_t period, const char *name, dealc_explanation **out, dealc_error *err);
void dealc_explanation_free(dealc_explanation *x);
"""

CDEF_COMPILE = r"""
typedef struct dealc_compile_options {
    const char *const *amendments; int32_t namendments; const char *as_of; int32_t no_optimize;
} dealc_compile_options;
dealc_status dealc_compile(const char *path, const dealc_compile_options *options, dealc_deal **out,
                           char **diagnostics, dealc_error *err);
"""

ffi = cffi.FFI()
ffi.cdef(CDEF)
ffi.cdef(CDEF_COMPILE)

API_MAJOR = 1  # the API version this package was written for (dealc/dealc.h)


def _open(name):
    """DEALC_LIB_DIR/name, else the system loader's search (LD_LIBRARY_PATH,
    the installed library directory)."""
    d = os.environ.get("DEALC_LIB_DIR")
    if d:
        return ffi.dlopen(os.path.join(d, name))
    return ffi.dlopen(name)


_rt = None
_cc = None


def rt():
    """libdealrt.so.1: everything but compiling."""
    global _rt
    if _rt is None:
        lib = _open("libdealrt.so.1")
        if lib.dealc_api_version() // 1000 != API_MAJOR:
            raise ImportError("libdealrt speaks API %d, this package %d" % (lib.dealc_api_version(), API_MAJOR))
        _rt = lib
    return _rt


def cc():
    """libdealc.so.1: compiling from source (needs LLVM)."""
    global _cc
    if _cc is None:
        rt()  # loaded first: libdealc takes the runtime from it
        _cc = _open("libdealc.so.1")
    return _cc
