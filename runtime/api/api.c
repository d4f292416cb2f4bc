/*
 * api.c — the public API's handles: errors as values, figures, the field
 * tables, loading a deal (a shared object or two functions), its
 * description, and the state and remittance a replay starts from.
 * docs/embedding.md shows them in use; dealc/dealc.h is the contract.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

/* ---- locale ------------------------------------------------------------------------ */

void api_locale_enter(api_locale *l)
{
    /* glibc hands back its built-in C locale object here: no allocation */
    l->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    l->old = l->c ? uselocale(l->c) : (locale_t)0;
}

void api_locale_leave(api_locale *l)
{
    if (l->c) {
        uselocale(l->old);
        freelocale(l->c);
    }
}

/* ---- errors ------------------------------------------------------------------------- */

static void err_clear(dealc_error *err, dealc_status s)
{
    err->status = s;
    err->file[0] = '\0';
    err->line = err->col = 0;
    err->date[0] = '\0';
    err->message[0] = '\0';
}

void api_ok(dealc_error *err)
{
    if (err)
        err_clear(err, DEALC_OK);
}

dealc_status api_fail(dealc_error *err, dealc_status s, const char *fmt, ...)
{
    if (!err)
        return s;
    err_clear(err, s);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return s;
}

dealc_status api_fail_file(dealc_error *err, dealc_status s, const char *file, const rt_err *e)
{
    if (!err)
        return s;
    err_clear(err, s);
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = e->line;
    err->col = e->col;
    snprintf(err->message, sizeof err->message, "%s", e->msg);
    return s;
}

dealc_status api_fail_date(dealc_error *err, int32_t date, const char *fmt, ...)
{
    if (!err)
        return DEALC_ERR_RUN;
    err_clear(err, DEALC_ERR_RUN);
    rt_date_format(err->date, date);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return DEALC_ERR_RUN;
}

const char *dealc_status_name(dealc_status s)
{
    static const char *const names[] = {"ok", "usage", "io", "input", "deal", "run", "range", "nomem"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

/* a scenario reader's error (rt_scenario.h): located, or a usage error */
dealc_status api_sc_error(dealc_error *err, const rt_sc_err *e)
{
    if (e->o.file) {
        rt_err fe;
        fe.line = e->o.line;
        fe.col = e->o.col;
        snprintf(fe.msg, sizeof fe.msg, "%s", e->msg);
        return api_fail_file(err, DEALC_ERR_INPUT, e->o.file, &fe);
    }
    return api_fail(err, DEALC_ERR_USAGE, "%s", e->msg);
}

/* the projection runner's failure: its message starts "payment date
 * YYYY-MM-DD: ", which goes to err->date */
dealc_status api_run_error(dealc_error *err, const char *msg)
{
    dealc_status st = api_fail(err, DEALC_ERR_RUN, "%s", msg);
    if (err && strncmp(msg, "payment date ", 13) == 0 && strlen(msg) > 25 && msg[23] == ':') {
        memcpy(err->date, msg + 13, 10);
        err->date[10] = '\0';
        memmove(err->message, msg + 25, strlen(msg + 25) + 1);
    }
    return st;
}

/* a document as text, CSV, JSON or HTML, handed out (dealc_free) */
dealc_status api_doc_text(const rt_doc *doc, dealc_format f, char **text, size_t *len, dealc_error *err)
{
    rt_buf out;
    rt_buf_init(&out);
    /* the public formats are the runtime's, in order, and HTML */
    _Static_assert((int)DEALC_FORMAT_CSV == (int)RT_FORMAT_CSV && (int)DEALC_FORMAT_JSON == (int)RT_FORMAT_JSON,
                   "dealc_format and rt_format agree");
    rt_doc_render(doc, f == DEALC_FORMAT_HTML ? RT_FORMAT_TABLE : (rt_format)f, f == DEALC_FORMAT_HTML, &out);
    if (!out.data && !out.oom) {
        rt_buf_putc(&out, '\0'); /* an empty document is "", not NULL */
        out.len = 0;
    }
    if (doc->oom || out.oom) {
        rt_buf_free(&out);
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    *text = out.data;
    if (len)
        *len = out.len;
    api_ok(err);
    return DEALC_OK;
}

int dealc_error_text(const dealc_error *e, char *buf, size_t size)
{
    if (!e)
        return snprintf(buf, size, "error: (no error)");
    if (e->file[0] && e->line > 0)
        return snprintf(buf, size, "%s:%d:%d: error: %s", e->file, (int)e->line, (int)e->col, e->message);
    if (e->file[0])
        return snprintf(buf, size, "%s: error: %s", e->file, e->message);
    if (e->date[0])
        return snprintf(buf, size, "error: payment date %s: %s", e->date, e->message);
    return snprintf(buf, size, "error: %s", e->message);
}

void dealc_free(void *p)
{
    free(p);
}

const char *dealc_version(void)
{
    return DEALC_VERSION;
}

int dealc_api_version(void)
{
    return DEALC_API_VERSION_MAJOR * 1000 + DEALC_API_VERSION_MINOR;
}

/* ---- figures -------------------------------------------------------------------------- */

_Static_assert((int)DEALC_UNIT_MONEY == RT_UNIT_MONEY && (int)DEALC_UNIT_RATE == RT_UNIT_RATE &&
                   (int)DEALC_UNIT_NUMBER == RT_UNIT_NUMBER && (int)DEALC_UNIT_COUNT == RT_UNIT_COUNT &&
                   (int)DEALC_UNIT_DATE == RT_UNIT_DATE && (int)DEALC_UNIT_BOOL == RT_UNIT_BOOL,
               "dealc_unit follows rt_unit");
_Static_assert(DEALC_SCALE == (int64_t)RT_SCALE, "rates and numbers keep the runtime's scale");

int api_figure(rt_dec v, int32_t unit, int64_t *out)
{
    switch (unit) {
    case RT_UNIT_MONEY:
        if (v % RT_CENT != 0)
            return 0;
        v /= RT_CENT;
        break;
    case RT_UNIT_DATE:
        v = v / RT_SCALE - (v % RT_SCALE < 0); /* a date slot's fraction is dropped (floor) */
        break;
    case RT_UNIT_BOOL:
        v = v != 0;
        break;
    default:
        break;
    }
    if (v > INT64_MAX || v <= INT64_MIN) /* INT64_MIN is DEALC_NONE */
        return 0;
    *out = (int64_t)v;
    return 1;
}

int api_from_figure(int64_t v, int32_t unit, rt_dec *out)
{
    rt_dec r = v;
    switch (unit) {
    case RT_UNIT_MONEY: r *= RT_CENT; break;
    case RT_UNIT_DATE: r *= RT_SCALE; break;
    case RT_UNIT_BOOL:
        if (v != 0 && v != 1)
            return 0;
        r *= RT_SCALE;
        break;
    default: break;
    }
    if (v == DEALC_NONE || r > RT_DEC_LIMIT || r < -RT_DEC_LIMIT)
        return 0;
    *out = r;
    return 1;
}

int dealc_value_text(dealc_value v, char *buf, size_t size)
{
    char t[RT_NUMBUF];
    if (v.v == DEALC_NONE) {
        t[0] = '\0';
    } else {
        switch (v.unit) {
        case DEALC_UNIT_MONEY: rt_fmt_cents(t, v.v); break;
        case DEALC_UNIT_DATE: rt_date_format(t, (int32_t)v.v); break;
        case DEALC_UNIT_BOOL: strcpy(t, v.v ? "true" : "false"); break;
        default: rt_fmt_trim(t, (rt_dec)v.v); break;
        }
    }
    return snprintf(buf, size, "%s", t);
}

char *dealc_date_text(int64_t day, char buf[11])
{
    if (day == DEALC_NONE || day < INT32_MIN || day > INT32_MAX) {
        buf[0] = '\0';
        return buf;
    }
    return rt_date_format(buf, (int32_t)day);
}

dealc_status dealc_date_parse(const char *text, int32_t *day)
{
    if (!text || !day || !rt_date_parse(text, strlen(text), day))
        return DEALC_ERR_USAGE;
    return DEALC_OK;
}

/* ---- the field tables ------------------------------------------------------------------ */

typedef struct field_row {
    const char *name;
    int32_t unit;
} field_row;

#define FIELD_ROW(n, s, u) {s, DEALC_UNIT_##u},
static const field_row class_rows[] = {DEALC_CLASS_FIELDS(FIELD_ROW)};
static const field_row group_rows[] = {DEALC_GROUP_FIELDS(FIELD_ROW)};
static const field_row party_rows[] = {DEALC_PARTY_FIELDS(FIELD_ROW)};
static const field_row fund_rows[] = {DEALC_FUND_FIELDS(FIELD_ROW)};
static const field_row clause_rows[] = {DEALC_CLAUSE_FIELDS(FIELD_ROW)};
static const field_row pclass_rows[] = {DEALC_PCLASS_FIELDS(FIELD_ROW)};
static const field_row flow_rows[] = {DEALC_FLOW_FIELDS(FIELD_ROW)};
#undef FIELD_ROW

static const field_row *table_rows(dealc_table t, int32_t *n)
{
    switch (t) {
    case DEALC_TABLE_CLASS: *n = DEALC_CLASS_NFIELDS; return class_rows;
    case DEALC_TABLE_GROUP: *n = DEALC_GROUP_NFIELDS; return group_rows;
    case DEALC_TABLE_PARTY: *n = DEALC_PARTY_NFIELDS; return party_rows;
    case DEALC_TABLE_FUND: *n = DEALC_FUND_NFIELDS; return fund_rows;
    case DEALC_TABLE_CLAUSE: *n = DEALC_CLAUSE_NFIELDS; return clause_rows;
    case DEALC_TABLE_PCLASS: *n = DEALC_PCLASS_NFIELDS; return pclass_rows;
    case DEALC_TABLE_FLOW: *n = DEALC_FLOW_NFIELDS; return flow_rows;
    }
    *n = 0;
    return NULL;
}

int32_t dealc_field_count(dealc_table t)
{
    int32_t n;
    table_rows(t, &n);
    return n;
}

const char *dealc_field_name(dealc_table t, int32_t field)
{
    int32_t n;
    const field_row *r = table_rows(t, &n);
    return r && field >= 0 && field < n ? r[field].name : NULL;
}

int32_t dealc_field_unit(dealc_table t, int32_t field)
{
    int32_t n;
    const field_row *r = table_rows(t, &n);
    return r && field >= 0 && field < n ? r[field].unit : -1;
}

/* ---- the deal ------------------------------------------------------------------------------- */

static void deal_free(dealc_deal *d)
{
    if (!d)
        return;
    rt_deal_free(d->rt);
    free(d->groups);
    free(d->classes);
    free(d->parties);
    free(d->inputs);
    free(d->defs);
    free(d->lines);
    free(d->funds);
    free(d->clauses);
    free(d->memory);
    if (d->release)
        d->release(d->ctx);
    if (d->dl)
        dlclose(d->dl);
    free(d);
}

void dealc_deal_close(dealc_deal *d)
{
    deal_free(d);
}

#define NEW_ARRAY(p, n) ((p) = calloc((size_t)(n) + 1, sizeof *(p)))

static int named(dealc_named_info **out, const rt_named_vec *v)
{
    if (!NEW_ARRAY(*out, v->n))
        return 0;
    for (int32_t i = 0; i < v->n; i++)
        (*out)[i] = (dealc_named_info){v->v[i].name, v->v[i].unit};
    return 1;
}

/* the public description, pointing into the rt_deal's strings */
static int describe_public(dealc_deal *d)
{
    const rt_deal *r = d->rt;
    dealc_description *s = &d->desc;
    if (!NEW_ARRAY(d->groups, r->groups.n) || !NEW_ARRAY(d->classes, r->classes.n) ||
        !NEW_ARRAY(d->parties, r->parties.n) || !named(&d->inputs, &r->inputs) || !named(&d->defs, &r->defs) ||
        !named(&d->lines, &r->lines) || !NEW_ARRAY(d->funds, r->funds.n) || !NEW_ARRAY(d->clauses, r->clauses.n) ||
        !NEW_ARRAY(d->memory, r->memory.n))
        return 0;
    for (int32_t i = 0; i < r->groups.n; i++)
        d->groups[i] = r->groups.v[i];
    for (int32_t i = 0; i < r->classes.n; i++) {
        const rt_class_info *c = &r->classes.v[i];
        d->classes[i] = (dealc_class_info){c->name, c->original_cents, c->kind == RT_CLASS_NOTIONAL, c->daycount,
                                           c->maximum_cents, c->capped};
    }
    for (int32_t i = 0; i < r->parties.n; i++) {
        const rt_party_info *p = &r->parties.v[i];
        d->parties[i] = (dealc_party_info){p->name, p->is_insurer    ? DEALC_PARTY_INSURER
                                                    : p->is_residual ? DEALC_PARTY_RESIDUAL
                                                                     : DEALC_PARTY_FEE};
    }
    for (int32_t i = 0; i < r->funds.n; i++)
        d->funds[i] = (dealc_fund_info){r->funds.v[i].name, r->funds.v[i].is_account};
    for (int32_t i = 0; i < r->clauses.n; i++)
        d->clauses[i] = (dealc_clause_info){r->clauses.v[i].label, r->clauses.v[i].fund, r->clauses.v[i].payee};
    for (int32_t i = 0; i < r->memory.n; i++)
        d->memory[i] = (dealc_memory_info){r->memory.v[i].name, r->memory.v[i].kind == RT_MEM_DATE     ? DEALC_DATE
                                                                : r->memory.v[i].kind == RT_MEM_STICKY ? DEALC_STICKY_TRIGGER
                                                                                                      : DEALC_TRIGGER};
    s->name = r->name;
    s->source = r->source ? r->source : "";
    s->closing_date = r->closing;
    s->first_payment_date = r->first_payment;
    s->payment_day = r->payment_day;
    s->ngroups = r->groups.n;
    s->groups = d->groups;
    s->nclasses = r->classes.n;
    s->classes = d->classes;
    s->nparties = r->parties.n;
    s->parties = d->parties;
    s->ninputs = r->inputs.n;
    s->inputs = d->inputs;
    s->ndefinitions = r->defs.n;
    s->definitions = d->defs;
    s->nlines = r->lines.n;
    s->lines = d->lines;
    s->nfunds = r->funds.n;
    s->funds = d->funds;
    s->nclauses = r->clauses.n;
    s->clauses = d->clauses;
    s->nmemory = r->memory.n;
    s->memory = d->memory;
    s->ncollateral = r->collateral.n;
    return 1;
}

/* runs describe, validates, and builds the public description; takes dl */
static dealc_status deal_make(rt_describe_fn describe, rt_period_fn period, void *dl, void (*release)(void *),
                              void *ctx, dealc_deal **out, dealc_error *err)
{
    dealc_deal *d = calloc(1, sizeof *d);
    if (!d) {
        if (release)
            release(ctx);
        if (dl)
            dlclose(dl);
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    d->describe = describe;
    d->period = period;
    d->dl = dl;
    d->release = release;
    d->ctx = ctx;
    d->rt = rt_deal_new();
    if (!d->rt) {
        deal_free(d);
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    describe(d->rt);
    char msg[RT_ERRMAX];
    if (!rt_deal_validate(d->rt, msg, sizeof msg)) {
        deal_free(d);
        return api_fail(err, DEALC_ERR_DEAL, "bad deal description: %s", msg);
    }
    if (!describe_public(d)) {
        deal_free(d);
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    *out = d;
    api_ok(err);
    return DEALC_OK;
}

dealc_status dealc_deal_from_functions(dealc_describe_fn describe, dealc_period_fn period, void (*release)(void *),
                                       void *ctx, dealc_deal **out, dealc_error *err)
{
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_deal_from_functions: out is NULL");
    *out = NULL;
    if (!describe || !period) {
        if (release)
            release(ctx);
        return api_fail(err, DEALC_ERR_USAGE, "dealc_deal_from_functions: a deal needs both functions");
    }
    api_locale l;
    api_locale_enter(&l);
    dealc_status s =
        deal_make((rt_describe_fn)(void (*)(void))describe, (rt_period_fn)(void (*)(void))period, NULL, release, ctx, out, err);
    api_locale_leave(&l);
    return s;
}

dealc_status dealc_deal_open(const char *path, dealc_deal **out, dealc_error *err)
{
    if (!out || !path || !*path)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_deal_open: needs a path and an out pointer");
    *out = NULL;
    /* RTLD_LOCAL: two deals' dealc_describe never collide; the deal's
     * rt_* calls resolve in its own dependencies (libdealrt.so.N, the
     * library already loaded in this process) */
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *why = dlerror();
        dealc_status s = api_fail(err, DEALC_ERR_DEAL, "cannot load the deal: %s", why ? why : "dlopen failed");
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        return s;
    }
    void *describe = dlsym(dl, "dealc_describe"), *period = dlsym(dl, "dealc_period");
    if (!describe || !period) {
        dlclose(dl);
        dealc_status s = api_fail(err, DEALC_ERR_DEAL,
                                  "not a deal: no dealc_describe and dealc_period (build it with dealc build --shared)");
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        return s;
    }
    api_locale l;
    api_locale_enter(&l);
    rt_describe_fn df;
    rt_period_fn pf;
    /* POSIX guarantees a data pointer from dlsym converts to a function pointer */
    memcpy(&df, &describe, sizeof df);
    memcpy(&pf, &period, sizeof pf);
    dealc_status s = deal_make(df, pf, dl, NULL, NULL, out, err);
    api_locale_leave(&l);
    return s;
}

const dealc_description *dealc_deal_describe(const dealc_deal *d)
{
    return d ? &d->desc : NULL;
}

/* hands a finished buffer to the caller */
static dealc_status take_buf(rt_buf *b, char **text, size_t *len, dealc_error *err)
{
    if (b->oom) {
        rt_buf_free(b);
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    if (!b->data) {
        b->data = calloc(1, 1);
        if (!b->data)
            return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    *text = b->data;
    if (len)
        *len = b->len;
    api_ok(err);
    return DEALC_OK;
}

dealc_status api_take_buf(rt_buf *b, char **text, size_t *len, dealc_error *err);
dealc_status api_take_buf(rt_buf *b, char **text, size_t *len, dealc_error *err)
{
    return take_buf(b, text, len, err);
}

dealc_status dealc_deal_describe_text(const dealc_deal *d, char **text, size_t *len, dealc_error *err)
{
    if (!d || !text)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_deal_describe_text: needs a deal and a text pointer");
    *text = NULL;
    api_locale l;
    api_locale_enter(&l);
    rt_buf b;
    rt_buf_init(&b);
    rt_deal_describe_text(d->rt, &b);
    dealc_status s = take_buf(&b, text, len, err);
    api_locale_leave(&l);
    return s;
}

/* ---- the state --------------------------------------------------------------------------------- */

static dealc_status state_alloc(const dealc_deal *d, dealc_state **out, dealc_error *err)
{
    dealc_state *s = calloc(1, sizeof *s);
    if (!s || !rt_state_init(&s->st, d->rt)) {
        free(s);
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    s->d = d;
    *out = s;
    return DEALC_OK;
}

dealc_state *api_state_copy(const dealc_deal *d, const rt_state *from);
dealc_state *api_state_copy(const dealc_deal *d, const rt_state *from)
{
    dealc_state *s = NULL;
    if (state_alloc(d, &s, NULL) != DEALC_OK)
        return NULL;
    rt_state_copy(d->rt, &s->st, from);
    return s;
}

void dealc_state_free(dealc_state *s)
{
    if (!s)
        return;
    rt_state_free(&s->st);
    free(s);
}

dealc_status dealc_state_new(const dealc_deal *d, dealc_state **out, dealc_error *err)
{
    if (!d || !out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_state_new: needs a deal and an out pointer");
    *out = NULL;
    dealc_status s = state_alloc(d, out, err);
    if (s != DEALC_OK)
        return s;
    const rt_deal *r = d->rt;
    for (int32_t c = 0; c < r->classes.n; c++)
        (*out)->st.class_balance[c] = (rt_dec)r->classes.v[c].original_cents * RT_CENT;
    for (int32_t g = 0; g < r->groups.n && g < r->cutoff_balance.n; g++)
        (*out)->st.pool_balance[g] = r->cutoff_balance.v[g];
    api_ok(err);
    return DEALC_OK;
}

dealc_status dealc_state_parse(const dealc_deal *d, const char *text, size_t len, const char *name,
                               dealc_state **out, dealc_error *err)
{
    if (!d || !out || (!text && len))
        return api_fail(err, DEALC_ERR_USAGE, "dealc_state_parse: needs a deal, text and an out pointer");
    *out = NULL;
    if (!name || !*name)
        name = "state";
    dealc_status s = state_alloc(d, out, err);
    if (s != DEALC_OK)
        return s;
    api_locale l;
    api_locale_enter(&l);
    rt_err e;
    memset(&e, 0, sizeof e);
    if (!rt_state_parse(d->rt, text ? text : "", len, &(*out)->st, &e)) {
        dealc_state_free(*out);
        *out = NULL;
        s = api_fail_file(err, DEALC_ERR_INPUT, name, &e);
    } else {
        api_ok(err);
    }
    api_locale_leave(&l);
    return s;
}

dealc_status dealc_state_read(const dealc_deal *d, const char *path, dealc_state **out, dealc_error *err)
{
    if (!d || !path || !out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_state_read: needs a deal, a path and an out pointer");
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    rt_err e;
    memset(&e, 0, sizeof e);
    if (!rt_read_file(path, &text, &len, &e))
        return api_fail_file(err, DEALC_ERR_IO, path, &e);
    dealc_status s = dealc_state_parse(d, text, len, path, out, err);
    free(text);
    return s;
}

int32_t dealc_state_distribution(const dealc_state *s)
{
    return s ? s->st.distribution_number : -1;
}

int32_t dealc_state_payment_date(const dealc_state *s)
{
    return s ? s->st.payment_date : 0;
}

dealc_status dealc_state_set_date(dealc_state *s, int32_t distribution, int32_t payment_date, dealc_error *err)
{
    if (!s)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_state_set_date: no state");
    const rt_deal *d = s->d->rt;
    if (distribution < 0 || distribution > 100000)
        return api_fail(err, DEALC_ERR_USAGE, "distribution number %d is out of range", (int)distribution);
    int32_t expect = rt_payment_date(d, distribution);
    if (payment_date != expect) {
        char a[11], b[11];
        return api_fail(err, DEALC_ERR_USAGE, "distribution %d of %s is paid on %s, not %s", (int)distribution,
                        d->name, rt_date_format(a, expect), rt_date_format(b, payment_date));
    }
    s->st.distribution_number = distribution;
    s->st.payment_date = payment_date;
    api_ok(err);
    return DEALC_OK;
}

/* the state's array for a field, its length and what may be set in it */
static rt_dec *state_field(dealc_state *s, dealc_state_field f, int32_t index, const char **what, dealc_error *err,
                           dealc_status *st)
{
    const rt_deal *d = s->d->rt;
    rt_dec *arr = NULL;
    int32_t n = 0;
    int ok_kind = 1;
    switch (f) {
    case DEALC_STATE_POOL_BALANCE: arr = s->st.pool_balance; n = d->groups.n; *what = "group"; break;
    case DEALC_STATE_CUMULATIVE_LOSS: arr = s->st.cumulative_loss; n = d->groups.n; *what = "group"; break;
    case DEALC_STATE_CLASS_BALANCE: arr = s->st.class_balance; n = d->classes.n; *what = "class"; break;
    case DEALC_STATE_CLASS_UNPAID_INTEREST: arr = s->st.class_unpaid; n = d->classes.n; *what = "class"; break;
    case DEALC_STATE_CLASS_UNPAID_LOSS: arr = s->st.class_loss; n = d->classes.n; *what = "class"; break;
    case DEALC_STATE_CLASS_BASIS_RISK: arr = s->st.class_basis; n = d->classes.n; *what = "class"; break;
    case DEALC_STATE_ACCOUNT_BALANCE:
        arr = s->st.holder_balance;
        n = d->funds.n;
        *what = "account";
        ok_kind = index >= 0 && index < n && d->funds.v[index].is_account;
        break;
    case DEALC_STATE_INSURER_UNREIMBURSED:
        arr = s->st.party_unreimb;
        n = d->parties.n;
        *what = "insurer";
        ok_kind = index >= 0 && index < n && d->parties.v[index].is_insurer;
        break;
    case DEALC_STATE_MEMORY: arr = s->st.memory; n = d->memory.n; *what = "trigger or date"; break;
    default:
        *st = api_fail(err, DEALC_ERR_USAGE, "unknown state field %d", (int)f);
        return NULL;
    }
    if (index < 0 || index >= n || !ok_kind) {
        *st = api_fail(err, DEALC_ERR_USAGE, "no %s %d in the deal's state", *what, (int)index);
        return NULL;
    }
    return &arr[index];
}

dealc_status dealc_state_get(const dealc_state *s, dealc_state_field f, int32_t index, int64_t *value,
                             dealc_error *err)
{
    if (!s || !value)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_state_get: needs a state and a value pointer");
    const char *what = "";
    dealc_status st = DEALC_OK;
    rt_dec *p = state_field((dealc_state *)s, f, index, &what, err, &st);
    if (!p)
        return st;
    if (f == DEALC_STATE_MEMORY) {
        int is_date = s->d->rt->memory.v[index].kind == RT_MEM_DATE;
        *value = is_date ? (*p == 0 ? DEALC_NONE : (int64_t)(*p / RT_SCALE)) : *p != 0;
    } else if (!api_figure(*p, RT_UNIT_MONEY, value)) {
        return api_fail(err, DEALC_ERR_RANGE, "the state's %s %d figure does not fit whole cents in 64 bits", what,
                        (int)index);
    }
    api_ok(err);
    return DEALC_OK;
}

dealc_status dealc_state_set(dealc_state *s, dealc_state_field f, int32_t index, int64_t value, dealc_error *err)
{
    if (!s)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_state_set: no state");
    const char *what = "";
    dealc_status st = DEALC_OK;
    rt_dec *p = state_field(s, f, index, &what, err, &st);
    if (!p)
        return st;
    rt_dec v;
    if (f == DEALC_STATE_MEMORY) {
        int is_date = s->d->rt->memory.v[index].kind == RT_MEM_DATE;
        if (is_date)
            v = value == DEALC_NONE ? 0 : (rt_dec)value * RT_SCALE;
        else if (value == 0 || value == 1)
            v = (rt_dec)value * RT_SCALE;
        else
            return api_fail(err, DEALC_ERR_USAGE, "a trigger is 0 or 1, not %lld", (long long)value);
    } else {
        if (value < 0)
            return api_fail(err, DEALC_ERR_USAGE, "a state's amounts are not below zero (%s %d: %lld cents)", what,
                            (int)index, (long long)value);
        if (!api_from_figure(value, RT_UNIT_MONEY, &v))
            return api_fail(err, DEALC_ERR_RANGE, "%lld cents is beyond the runtime's range", (long long)value);
    }
    *p = v;
    api_ok(err);
    return DEALC_OK;
}

dealc_status dealc_state_json(const dealc_state *s, char **text, size_t *len, dealc_error *err)
{
    if (!s || !text)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_state_json: needs a state and a text pointer");
    *text = NULL;
    api_locale l;
    api_locale_enter(&l);
    rt_buf b;
    rt_buf_init(&b);
    rt_state_write(s->d->rt, &s->st, &b);
    dealc_status st = take_buf(&b, text, len, err);
    api_locale_leave(&l);
    return st;
}

/* ---- the remittance --------------------------------------------------------------------------------- */

void dealc_remittance_free(dealc_remittance *r)
{
    if (!r)
        return;
    rt_remit_free(&r->rm);
    free(r);
}

int32_t dealc_remittance_periods(const dealc_remittance *r)
{
    return r ? r->rm.nperiods : 0;
}

/* the remittance from text, or (text NULL) streamed from the file at name
 * a row at a time (rt_remit_read): a large file with an error early is
 * rejected having held a few rows, not the file */
static dealc_status remittance_load(const dealc_deal *d, const dealc_state *opening, const char *text, size_t len,
                                    const char *name, dealc_remittance **out, dealc_error *err)
{
    *out = NULL;
    if (opening->d != d)
        return api_fail(err, DEALC_ERR_USAGE, "the opening state belongs to another deal");
    dealc_remittance *r = calloc(1, sizeof *r);
    if (!r)
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    r->d = d;
    api_locale l;
    api_locale_enter(&l);
    rt_err e;
    memset(&e, 0, sizeof e);
    dealc_status s = DEALC_OK;
    int ok = text ? rt_remit_parse(d->rt, &opening->st, text, len, &r->rm, &e)
                  : rt_remit_read(d->rt, &opening->st, name, &r->rm, &e);
    if (!ok) {
        dealc_remittance_free(r);
        /* a place in the file is bad input; none, the file itself */
        s = api_fail_file(err, text || e.line > 0 ? DEALC_ERR_INPUT : DEALC_ERR_IO, name, &e);
    } else {
        r->cap = r->rm.nperiods;
        *out = r;
        api_ok(err);
    }
    api_locale_leave(&l);
    return s;
}

dealc_status dealc_remittance_parse(const dealc_deal *d, const dealc_state *opening, const char *text, size_t len,
                                    const char *name, dealc_remittance **out, dealc_error *err)
{
    if (!d || !opening || !out || (!text && len))
        return api_fail(err, DEALC_ERR_USAGE, "dealc_remittance_parse: needs a deal, an opening state, text and an out pointer");
    if (!name || !*name)
        name = "remittance";
    return remittance_load(d, opening, text ? text : "", len, name, out, err);
}

dealc_status dealc_remittance_read(const dealc_deal *d, const dealc_state *opening, const char *path,
                                   dealc_remittance **out, dealc_error *err)
{
    if (!d || !opening || !path || !out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_remittance_read: needs a deal, an opening state, a path and an out pointer");
    return remittance_load(d, opening, NULL, 0, path, out, err);
}

dealc_status dealc_remittance_new(const dealc_deal *d, dealc_remittance **out, dealc_error *err)
{
    if (!d || !out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_remittance_new: needs a deal and an out pointer");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    (*out)->d = d;
    api_ok(err);
    return DEALC_OK;
}

dealc_status dealc_remittance_add_period(dealc_remittance *r, int32_t payment_date, int32_t *period,
                                         dealc_error *err)
{
    if (!r)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_remittance_add_period: no remittance");
    rt_remit *rm = &r->rm;
    if (rm->nperiods > 0 && payment_date <= rm->period[rm->nperiods - 1].payment_date)
        return api_fail(err, DEALC_ERR_USAGE, "payment dates are added in order: each after the last");
    const rt_deal *d = r->d->rt;
    size_t per = (size_t)d->groups.n * RT_GR_REPORTED_COUNT + (size_t)d->inputs.n;
    if (rm->nperiods == r->cap) {
        int32_t cap = r->cap ? r->cap * 2 : 4;
        rt_period_in *np = realloc(rm->period, (size_t)cap * sizeof *np);
        if (!np)
            return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        rm->period = np;
        rt_dec *old = rm->nperiods ? rm->period[0].group : NULL;
        rt_dec *block = realloc(old, (size_t)cap * per * sizeof *block + sizeof *block);
        if (!block)
            return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        for (int32_t k = 0; k < rm->nperiods; k++) {
            rm->period[k].group = block + (size_t)k * per;
            rm->period[k].input = block + (size_t)k * per + (size_t)d->groups.n * RT_GR_REPORTED_COUNT;
        }
        if (!rm->nperiods)
            rm->period[0].group = block; /* rt_remit_free frees period[0].group */
        r->cap = cap;
    }
    rt_dec *block = rm->period[0].group;
    int32_t k = rm->nperiods++;
    rm->period[k].payment_date = payment_date;
    rm->period[k].group = block + (size_t)k * per;
    rm->period[k].input = block + (size_t)k * per + (size_t)d->groups.n * RT_GR_REPORTED_COUNT;
    memset(rm->period[k].group, 0, per * sizeof *block);
    if (period)
        *period = k;
    api_ok(err);
    return DEALC_OK;
}

dealc_status dealc_remittance_set_group(dealc_remittance *r, int32_t period, int32_t group, int32_t field,
                                        int64_t value, dealc_error *err)
{
    if (!r || period < 0 || period >= r->rm.nperiods)
        return api_fail(err, DEALC_ERR_USAGE, "no period %d in the remittance", (int)period);
    const rt_deal *d = r->d->rt;
    if (group < 0 || group >= d->groups.n)
        return api_fail(err, DEALC_ERR_USAGE, "no group %d in the deal", (int)group);
    if (field < 0 || field >= RT_GR_REPORTED_COUNT)
        return api_fail(err, DEALC_ERR_USAGE, "field %d is not one the servicer reports", (int)field);
    int32_t unit = field == RT_GR_ACTIVE_LOAN_COUNT ? RT_UNIT_COUNT : RT_UNIT_MONEY;
    const char *name = dealc_field_name(DEALC_TABLE_GROUP, field);
    if (value < 0 && field != RT_GR_SUBSTITUTION_ADJUSTMENT)
        return api_fail(err, DEALC_ERR_USAGE, "negative %s for group \"%s\" (only substitution_adjustment may be negative)",
                        name, d->groups.v[group]);
    rt_dec v;
    if (!api_from_figure(value, unit, &v))
        return api_fail(err, DEALC_ERR_RANGE, "%s for group \"%s\" is beyond the runtime's range", name,
                        d->groups.v[group]);
    if (unit == RT_UNIT_COUNT && v % RT_SCALE != 0)
        return api_fail(err, DEALC_ERR_USAGE, "active_loan_count is a whole number (in units of DEALC_SCALE)");
    r->rm.period[period].group[(size_t)group * RT_GR_REPORTED_COUNT + (size_t)field] = v;
    api_ok(err);
    return DEALC_OK;
}

dealc_status dealc_remittance_set_input(dealc_remittance *r, int32_t period, int32_t input, int64_t value,
                                        dealc_error *err)
{
    if (!r || period < 0 || period >= r->rm.nperiods)
        return api_fail(err, DEALC_ERR_USAGE, "no period %d in the remittance", (int)period);
    const rt_deal *d = r->d->rt;
    if (input < 0 || input >= d->inputs.n)
        return api_fail(err, DEALC_ERR_USAGE, "no input %d in the deal", (int)input);
    rt_dec v;
    if (!api_from_figure(value, d->inputs.v[input].unit, &v))
        return api_fail(err, DEALC_ERR_RANGE, "\"%s\" is beyond the runtime's range", d->inputs.v[input].name);
    r->rm.period[period].input[input] = v;
    api_ok(err);
    return DEALC_OK;
}
