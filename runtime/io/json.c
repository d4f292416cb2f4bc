/*
 * json.c — a small strict JSON parser that remembers line:column of every
 * value and key, and the reader/writer of the deal state file built on it.
 *
 * Numbers are kept as their literal text and converted with rt_dec_parse,
 * because a balance such as 406855924.22 must survive exactly; going through
 * double would lose cents on large pools. Duplicate keys are errors rather
 * than "last one wins", so a hand-edited state cannot silently mean two
 * things.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

#define MAX_DEPTH 64

typedef struct jp {
    const char *s;
    size_t len, pos;
    int line, col;
    rt_err *e;
    int failed;
} jp;

static int peek(const jp *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static void adv(jp *p)
{
    if (p->pos >= p->len)
        return;
    if (p->s[p->pos] == '\n') {
        p->line++;
        p->col = 1;
    } else {
        p->col++;
    }
    p->pos++;
}

static void jfail(jp *p, int line, int col, const char *fmt, const char *arg)
{
    if (p->failed)
        return;
    p->failed = 1;
    rt_err_set(p->e, line, col, fmt, arg);
}

static void describe_char(jp *p, char *buf, size_t n)
{
    int c = peek(p);
    if (c < 0)
        snprintf(buf, n, "end of file");
    else if (c >= 0x21 && c < 0x7f)
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02x", c);
}

static void unexpected(jp *p, const char *expected)
{
    char what[32], msg[160];
    describe_char(p, what, sizeof what);
    snprintf(msg, sizeof msg, "expected %s, found %s", expected, what);
    jfail(p, p->line, p->col, "%s", msg);
}

static void skip_ws(jp *p)
{
    for (;;) {
        int c = peek(p);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            adv(p);
        else
            return;
    }
}

static rt_jnode *new_node(jp *p, rt_jtype t)
{
    rt_jnode *n = calloc(1, sizeof *n);
    if (!n) {
        jfail(p, p->line, p->col, "%s", "out of memory");
        return NULL;
    }
    n->type = t;
    n->line = p->line;
    n->col = p->col;
    return n;
}

void rt_json_free(rt_jnode *n)
{
    if (!n)
        return;
    for (int32_t i = 0; i < n->n; i++) {
        rt_json_free(n->items[i]);
        if (n->keys)
            free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->key_line);
    free(n->key_col);
    free(n->str);
    free(n);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_hex4(jp *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(peek(p));
        if (h < 0) {
            unexpected(p, "a hex digit in \\u escape");
            return 0;
        }
        v = v * 16 + (unsigned)h;
        adv(p);
    }
    *out = v;
    return 1;
}

/* Parses a string at '"'; returns a malloc'd decoded copy. */
static char *parse_string(jp *p, size_t *outlen)
{
    int line = p->line, col = p->col;
    adv(p); /* opening quote */
    rt_buf b;
    rt_buf_init(&b);
    for (;;) {
        int c = peek(p);
        if (c < 0) {
            jfail(p, line, col, "%s", "unterminated string");
            break;
        }
        if (c == '"') {
            adv(p);
            break;
        }
        if (c < 0x20) {
            jfail(p, p->line, p->col, "%s", "control character in string (write it as an escape)");
            break;
        }
        if (c != '\\') {
            rt_buf_putc(&b, (char)c);
            adv(p);
            continue;
        }
        int eline = p->line, ecol = p->col;
        adv(p);
        int e = peek(p);
        const char *simple = NULL;
        switch (e) {
        case '"': simple = "\""; break;
        case '\\': simple = "\\"; break;
        case '/': simple = "/"; break;
        case 'b': simple = "\b"; break;
        case 'f': simple = "\f"; break;
        case 'n': simple = "\n"; break;
        case 'r': simple = "\r"; break;
        case 't': simple = "\t"; break;
        }
        if (simple) {
            rt_buf_putc(&b, simple[0]);
            adv(p);
            continue;
        }
        if (e != 'u') {
            jfail(p, eline, ecol, "%s", "bad escape in string");
            break;
        }
        adv(p);
        unsigned u;
        if (!read_hex4(p, &u))
            break;
        if (u >= 0xDC00 && u <= 0xDFFF) {
            jfail(p, eline, ecol, "%s", "unpaired surrogate in \\u escape");
            break;
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            unsigned lo;
            if (peek(p) != '\\') {
                jfail(p, eline, ecol, "%s", "unpaired surrogate in \\u escape");
                break;
            }
            adv(p);
            if (peek(p) != 'u') {
                jfail(p, eline, ecol, "%s", "unpaired surrogate in \\u escape");
                break;
            }
            adv(p);
            if (!read_hex4(p, &lo))
                break;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                jfail(p, eline, ecol, "%s", "unpaired surrogate in \\u escape");
                break;
            }
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (u == 0) {
            jfail(p, eline, ecol, "%s", "NUL character (\\u0000) not allowed in strings");
            break;
        }
        char enc[4];
        size_t k;
        if (u < 0x80) {
            enc[0] = (char)u;
            k = 1;
        } else if (u < 0x800) {
            enc[0] = (char)(0xC0 | (u >> 6));
            enc[1] = (char)(0x80 | (u & 0x3F));
            k = 2;
        } else if (u < 0x10000) {
            enc[0] = (char)(0xE0 | (u >> 12));
            enc[1] = (char)(0x80 | ((u >> 6) & 0x3F));
            enc[2] = (char)(0x80 | (u & 0x3F));
            k = 3;
        } else {
            enc[0] = (char)(0xF0 | (u >> 18));
            enc[1] = (char)(0x80 | ((u >> 12) & 0x3F));
            enc[2] = (char)(0x80 | ((u >> 6) & 0x3F));
            enc[3] = (char)(0x80 | (u & 0x3F));
            k = 4;
        }
        rt_buf_put(&b, enc, k);
    }
    if (b.oom)
        jfail(p, line, col, "%s", "out of memory");
    if (p->failed) {
        rt_buf_free(&b);
        return NULL;
    }
    if (!b.data) {
        b.data = calloc(1, 1);
        if (!b.data) {
            jfail(p, line, col, "%s", "out of memory");
            return NULL;
        }
    }
    if (strlen(b.data) != b.len) { /* a raw NUL byte in the file */
        jfail(p, line, col, "%s", "NUL byte in string");
        rt_buf_free(&b);
        return NULL;
    }
    *outlen = b.len;
    return b.data;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static rt_jnode *parse_value(jp *p, int depth);

static int push_item(jp *p, rt_jnode *n, rt_jnode *item, char *key, int kl, int kc, int32_t *cap)
{
    if (n->n == *cap) {
        int32_t nc = *cap ? *cap * 2 : 8;
        rt_jnode **items = realloc(n->items, (size_t)nc * sizeof *items);
        if (items)
            n->items = items;
        int ok = items != NULL;
        if (ok && n->type == RT_J_OBJECT) {
            char **keys = realloc(n->keys, (size_t)nc * sizeof *keys);
            if (keys)
                n->keys = keys;
            int *klp = realloc(n->key_line, (size_t)nc * sizeof *klp);
            if (klp)
                n->key_line = klp;
            int *kcp = realloc(n->key_col, (size_t)nc * sizeof *kcp);
            if (kcp)
                n->key_col = kcp;
            ok = keys && klp && kcp;
        }
        if (!ok) {
            jfail(p, p->line, p->col, "%s", "out of memory");
            return 0;
        }
        *cap = nc;
    }
    n->items[n->n] = item;
    if (n->type == RT_J_OBJECT) {
        n->keys[n->n] = key;
        n->key_line[n->n] = kl;
        n->key_col[n->n] = kc;
    }
    n->n++;
    return 1;
}

/* The keys seen so far in one object, as an open-addressing hash set of
 * indexes into its keys[]: comparing each key with every earlier one made a
 * megabyte object of distinct keys take minutes. */
typedef struct keyset {
    int32_t *slot; /* -1 empty, else an index into the object's keys */
    size_t cap;    /* a power of two, or 0 before the first key */
} keyset;

static size_t key_hash(const char *k)
{
    size_t h = 14695981039346656037u;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211u;
    return h;
}

/* 1 if key is among n's keys already (*where is then its slot); otherwise
 * 0, and *where is the slot it will take once added. *where is set either
 * way, so no caller reads it unset. */
static int keyset_find(const keyset *ks, const rt_jnode *n, const char *key, size_t *where)
{
    size_t i = key_hash(key) & (ks->cap - 1);
    while (ks->slot[i] >= 0) {
        if (strcmp(n->keys[ks->slot[i]], key) == 0) {
            *where = i;
            return 1;
        }
        i = (i + 1) & (ks->cap - 1);
    }
    *where = i;
    return 0;
}

/* Makes room for one more key (load kept at most one half); 0 when out of memory. */
static int keyset_reserve(keyset *ks, const rt_jnode *n)
{
    if (ks->cap && (size_t)n->n + 1 <= ks->cap / 2)
        return 1;
    size_t cap = ks->cap ? ks->cap * 2 : 16;
    int32_t *slot = malloc(cap * sizeof *slot);
    if (!slot)
        return 0;
    for (size_t i = 0; i < cap; i++)
        slot[i] = -1;
    free(ks->slot);
    ks->slot = slot;
    ks->cap = cap;
    for (int32_t k = 0; k < n->n; k++) {
        size_t where;
        keyset_find(ks, n, n->keys[k], &where);
        ks->slot[where] = k;
    }
    return 1;
}

static rt_jnode *parse_members(jp *p, int depth, int object, keyset *ks);

static rt_jnode *parse_container(jp *p, int depth, int object)
{
    keyset ks = {NULL, 0};
    rt_jnode *n = parse_members(p, depth, object, &ks);
    free(ks.slot);
    return n;
}

static rt_jnode *parse_members(jp *p, int depth, int object, keyset *ks)
{
    rt_jnode *n = new_node(p, object ? RT_J_OBJECT : RT_J_ARRAY);
    if (!n)
        return NULL;
    if (depth > MAX_DEPTH) {
        jfail(p, p->line, p->col, "%s", "nesting too deep");
        return n;
    }
    int32_t cap = 0;
    char close = object ? '}' : ']';
    adv(p);
    skip_ws(p);
    if (peek(p) == close) {
        adv(p);
        return n;
    }
    for (;;) {
        char *key = NULL;
        int kl = 0, kc = 0;
        skip_ws(p);
        if (object) {
            if (peek(p) != '"') {
                unexpected(p, "a key in double quotes");
                return n;
            }
            kl = p->line;
            kc = p->col;
            size_t klen;
            key = parse_string(p, &klen);
            if (!key)
                return n;
            size_t where = 0;
            if (!keyset_reserve(ks, n)) {
                free(key);
                jfail(p, kl, kc, "%s", "out of memory");
                return n;
            }
            if (keyset_find(ks, n, key, &where)) {
                char q[128];
                rt_msg_quote(q, sizeof q, key, klen);
                jfail(p, kl, kc, "duplicate key \"%s\"", q);
                free(key);
                return n;
            }
            skip_ws(p);
            if (peek(p) != ':') {
                free(key);
                unexpected(p, "':' after the key");
                return n;
            }
            adv(p);
        }
        rt_jnode *v = parse_value(p, depth + 1);
        if (v && !push_item(p, n, v, key, kl, kc, &cap)) {
            rt_json_free(v);
            free(key);
            return n;
        }
        if (v && object) {
            /* not in the set yet, so this finds it a free slot */
            size_t where;
            keyset_find(ks, n, key, &where);
            ks->slot[where] = n->n - 1;
        }
        if (!v)
            free(key);
        if (p->failed)
            return n;
        skip_ws(p);
        int c = peek(p);
        if (c == ',') {
            adv(p);
            skip_ws(p);
            if (peek(p) == close) {
                jfail(p, p->line, p->col, "%s", "trailing comma");
                return n;
            }
            continue;
        }
        if (c == close) {
            adv(p);
            return n;
        }
        unexpected(p, object ? "',' or '}'" : "',' or ']'");
        return n;
    }
}

static rt_jnode *parse_number(jp *p)
{
    rt_jnode *n = new_node(p, RT_J_NUMBER);
    if (!n)
        return NULL;
    size_t start = p->pos;
    if (peek(p) == '-')
        adv(p);
    if (peek(p) == '0') {
        adv(p);
    } else if (is_digit(peek(p))) {
        while (is_digit(peek(p)))
            adv(p);
    } else {
        unexpected(p, "a digit");
        return n;
    }
    if (peek(p) == '.') {
        adv(p);
        if (!is_digit(peek(p))) {
            unexpected(p, "a digit after the decimal point");
            return n;
        }
        while (is_digit(peek(p)))
            adv(p);
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        adv(p);
        if (peek(p) == '+' || peek(p) == '-')
            adv(p);
        if (!is_digit(peek(p))) {
            unexpected(p, "a digit in the exponent");
            return n;
        }
        while (is_digit(peek(p)))
            adv(p);
    }
    n->len = p->pos - start;
    n->str = malloc(n->len + 1);
    if (!n->str) {
        jfail(p, n->line, n->col, "%s", "out of memory");
        return n;
    }
    memcpy(n->str, p->s + start, n->len);
    n->str[n->len] = '\0';
    return n;
}

static int match_word(jp *p, const char *w)
{
    size_t k = strlen(w);
    if (p->len - p->pos < k || memcmp(p->s + p->pos, w, k) != 0)
        return 0;
    for (size_t i = 0; i < k; i++)
        adv(p);
    return 1;
}

static rt_jnode *parse_value(jp *p, int depth)
{
    skip_ws(p);
    int c = peek(p);
    if (c == '{' || c == '[')
        return parse_container(p, depth, c == '{');
    if (c == '"') {
        rt_jnode *n = new_node(p, RT_J_STRING);
        if (n)
            n->str = parse_string(p, &n->len);
        return n;
    }
    if (c == '-' || is_digit(c))
        return parse_number(p);
    int line = p->line, col = p->col;
    if (match_word(p, "true") || match_word(p, "false") || match_word(p, "null")) {
        rt_jnode *n = new_node(p, c == 'n' ? RT_J_NULL : RT_J_BOOL);
        if (n) {
            n->line = line;
            n->col = col;
            n->boolean = c == 't';
        }
        return n;
    }
    unexpected(p, "a value");
    return NULL;
}

rt_jnode *rt_json_parse(const char *text, size_t len, rt_err *e)
{
    jp p = {text, len, 0, 1, 1, e, 0};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3; /* a BOM is noise some editors add, not content */
    skip_ws(&p);
    if (peek(&p) < 0) {
        rt_err_set(e, p.line, p.col, "empty file, expected a JSON object");
        return NULL;
    }
    rt_jnode *root = parse_value(&p, 0);
    if (!p.failed) {
        skip_ws(&p);
        if (peek(&p) >= 0)
            unexpected(&p, "end of file after the JSON value");
    }
    if (p.failed) {
        rt_json_free(root);
        return NULL;
    }
    return root;
}

/* ---- the state file ---------------------------------------------------------- */

static const char *type_name(rt_jtype t)
{
    switch (t) {
    case RT_J_NULL: return "null";
    case RT_J_BOOL: return "true/false";
    case RT_J_NUMBER: return "a number";
    case RT_J_STRING: return "a string";
    case RT_J_ARRAY: return "an array";
    case RT_J_OBJECT: return "an object";
    }
    return "?";
}

static int want_type(const rt_jnode *v, rt_jtype t, const char *key, rt_err *e)
{
    if (v->type == t)
        return 1;
    rt_err_set(e, v->line, v->col, "expected %s for \"%s\", found %s", type_name(t), key,
               type_name(v->type));
    return 0;
}

/* Money from a number or a string; whole cents, optionally non-negative. */
static int get_money(const rt_jnode *v, const char *key, int nonneg, rt_dec *out, rt_err *e)
{
    if (v->type != RT_J_NUMBER && v->type != RT_J_STRING) {
        rt_err_set(e, v->line, v->col, "expected a number or a string for \"%s\"", key);
        return 0;
    }
    char q[128];
    rt_msg_quote(q, sizeof q, v->str, v->len);
    rt_numtext info;
    int r = rt_dec_parse(v->str, v->len, out, &info);
    if (r == RT_PARSE_OK && info.percent)
        r = RT_PARSE_BAD;
    if (r == RT_PARSE_RANGE) {
        rt_err_set(e, v->line, v->col, "amount \"%s\" for \"%s\" is out of range", q, key);
        return 0;
    }
    if (r != RT_PARSE_OK) {
        rt_err_set(e, v->line, v->col, "bad amount \"%s\" for \"%s\"", q, key);
        return 0;
    }
    if (info.decimals > 2) {
        rt_err_set(e, v->line, v->col, "amount \"%s\" for \"%s\" has more than 2 decimals", q, key);
        return 0;
    }
    if (nonneg && *out < 0) {
        rt_err_set(e, v->line, v->col, "negative balance \"%s\" for \"%s\"", q, key);
        return 0;
    }
    return 1;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* Reads one {"<namekey>": ..., fields...} entry of "groups"/"classes"; the
 * first nrequired fields must be there, the rest may be left out. */
typedef struct entry_spec {
    const char *namekey;
    const char *const *fields;
    int nfields, nrequired;
} entry_spec;

static int check_keys(const rt_jnode *o, const entry_spec *spec, const rt_jnode **vals, rt_err *e)
{
    for (int i = 0; i <= spec->nfields; i++)
        vals[i] = NULL;
    for (int32_t k = 0; k < o->n; k++) {
        int found = -1;
        if (strcmp(o->keys[k], spec->namekey) == 0)
            found = 0;
        for (int i = 0; i < spec->nfields && found < 0; i++)
            if (strcmp(o->keys[k], spec->fields[i]) == 0)
                found = i + 1;
        if (found < 0) {
            char q[128];
            rt_msg_quote(q, sizeof q, o->keys[k], strlen(o->keys[k]));
            char expected[256];
            size_t el = (size_t)snprintf(expected, sizeof expected, "\"%s\"", spec->namekey);
            for (int i = 0; i < spec->nfields && el < sizeof expected; i++)
                el += (size_t)snprintf(expected + el, sizeof expected - el, ", \"%s\"", spec->fields[i]);
            rt_err_set(e, o->key_line[k], o->key_col[k], "unknown key \"%s\" (expected %s)", q,
                       expected);
            return 0;
        }
        vals[found] = o->items[k];
    }
    if (!vals[0]) {
        rt_err_set(e, o->line, o->col, "missing \"%s\"", spec->namekey);
        return 0;
    }
    for (int i = 0; i < spec->nrequired; i++)
        if (!vals[i + 1]) {
            rt_err_set(e, o->line, o->col, "missing \"%s\"", spec->fields[i]);
            return 0;
        }
    return want_type(vals[0], RT_J_STRING, spec->namekey, e);
}

static int read_groups(const rt_deal *d, const rt_jnode *arr, rt_state *s, rt_err *e)
{
    static const char *const fields[] = {"pool_balance", "cumulative_loss"};
    static const entry_spec spec = {"group", fields, 2, 2};
    if (!want_type(arr, RT_J_ARRAY, "groups", e))
        return 0;
    int seen[4096];
    int32_t ng = d->groups.n;
    if (ng > 4096) {
        rt_err_set(e, arr->line, arr->col, "too many groups");
        return 0;
    }
    memset(seen, 0, sizeof seen);
    for (int32_t i = 0; i < arr->n; i++) {
        const rt_jnode *o = arr->items[i];
        const rt_jnode *v[3];
        if (!want_type(o, RT_J_OBJECT, "groups", e) || !check_keys(o, &spec, v, e))
            return 0;
        int32_t g = -1;
        for (int32_t k = 0; k < ng; k++)
            if (ieq(v[0]->str, d->groups.v[k]))
                g = k;
        char q[128];
        rt_msg_quote(q, sizeof q, v[0]->str, v[0]->len);
        if (g < 0) {
            rt_err_set(e, v[0]->line, v[0]->col, "unknown group \"%s\"", q);
            return 0;
        }
        if (seen[g]) {
            rt_err_set(e, v[0]->line, v[0]->col, "group \"%s\" appears twice", q);
            return 0;
        }
        seen[g] = 1;
        if (!get_money(v[1], "pool_balance", 1, &s->pool_balance[g], e) ||
            !get_money(v[2], "cumulative_loss", 0, &s->cumulative_loss[g], e))
            return 0;
    }
    for (int32_t k = 0; k < ng; k++)
        if (!seen[k]) {
            rt_err_set(e, arr->line, arr->col, "group \"%s\" is missing", d->groups.v[k]);
            return 0;
        }
    return 1;
}

/* A class is paid down from its original balance (a notional class's
 * notional from its original notional); one that may grow says how far
 * (maximum_cents). Above that, the state is wrong: 27 million times the
 * original once replayed without a word. */
static int within_original(const rt_deal *d, int32_t c, const rt_jnode *v, const rt_state *s, rt_err *e)
{
    const rt_class_info *ci = &d->classes.v[c];
    int64_t cap = ci->maximum_cents ? ci->maximum_cents : ci->original_cents;
    if (s->class_balance[c] <= (rt_dec)cap * RT_CENT)
        return 1;
    char a[RT_NUMBUF], b[RT_NUMBUF];
    rt_err_set(e, v->line, v->col, "class \"%s\" balance %s is above its %s balance %s", ci->name,
               rt_fmt_money(a, s->class_balance[c], 1, 0), ci->maximum_cents ? "maximum" : "original",
               rt_fmt_money(b, (rt_dec)cap * RT_CENT, 1, 0));
    return 0;
}

static int read_classes(const rt_deal *d, const rt_jnode *arr, rt_state *s, rt_err *e)
{
    /* amounts carried from earlier dates: absent means none */
    static const char *const fields[] = {"balance", "unpaid_interest", "unpaid_realized_loss",
                                         "basis_risk_carry_forward"};
    static const entry_spec spec = {"class", fields, 4, 1};
    if (!want_type(arr, RT_J_ARRAY, "classes", e))
        return 0;
    int32_t nc = d->classes.n;
    int seen[4096];
    if (nc > 4096) {
        rt_err_set(e, arr->line, arr->col, "too many classes");
        return 0;
    }
    memset(seen, 0, sizeof seen);
    for (int32_t i = 0; i < arr->n; i++) {
        const rt_jnode *o = arr->items[i];
        const rt_jnode *v[5];
        if (!want_type(o, RT_J_OBJECT, "classes", e) || !check_keys(o, &spec, v, e))
            return 0;
        int32_t c = -1;
        for (int32_t k = 0; k < nc; k++)
            if (ieq(v[0]->str, d->classes.v[k].name))
                c = k;
        char q[128];
        rt_msg_quote(q, sizeof q, v[0]->str, v[0]->len);
        if (c < 0) {
            rt_err_set(e, v[0]->line, v[0]->col, "unknown class \"%s\"", q);
            return 0;
        }
        if (seen[c]) {
            rt_err_set(e, v[0]->line, v[0]->col, "class \"%s\" appears twice", q);
            return 0;
        }
        seen[c] = 1;
        if (!get_money(v[1], "balance", 1, &s->class_balance[c], e) || !within_original(d, c, v[1], s, e))
            return 0;
        if (v[2] && !get_money(v[2], "unpaid_interest", 1, &s->class_unpaid[c], e))
            return 0;
        if (v[3] && !get_money(v[3], "unpaid_realized_loss", 1, &s->class_loss[c], e))
            return 0;
        if (v[4] && !get_money(v[4], "basis_risk_carry_forward", 1, &s->class_basis[c], e))
            return 0;
        if ((s->class_loss[c] && d->classes.v[c].alloc < 0) || (s->class_basis[c] && !d->classes.v[c].capped)) {
            rt_err_set(e, o->line, o->col, "class \"%s\" carries %s, but the deal %s", d->classes.v[c].name,
                       s->class_loss[c] && d->classes.v[c].alloc < 0 ? "unpaid realized losses" : "a basis risk shortfall",
                       s->class_loss[c] && d->classes.v[c].alloc < 0 ? "never writes it down" : "does not cap its coupon");
            return 0;
        }
    }
    for (int32_t k = 0; k < nc; k++)
        if (!seen[k]) {
            rt_err_set(e, arr->line, arr->col, "class \"%s\" is missing", d->classes.v[k].name);
            return 0;
        }
    return 1;
}

/* The carried things other than groups and classes: each a list of
 * {"<namekey>": NAME, "<valuekey>": VALUE} naming every one the deal has of
 * that kind, once. */
typedef struct named_list {
    const char *key, *namekey, *valuekey; /* "accounts", "account", "balance" */
    int32_t (*find)(const rt_deal *d, const char *name); /* -1: not one of them */
    int32_t (*count)(const rt_deal *d);
    const char *(*name)(const rt_deal *d, int32_t i);
    int (*value)(const rt_deal *d, const rt_state *s, int32_t i, const rt_jnode *v, rt_dec *out, rt_err *e);
    rt_dec *(*slot)(rt_state *s, const rt_deal *d, int32_t i);
    int32_t (*size)(const rt_deal *d); /* the table the index runs over */
} named_list;

static int32_t funds_size(const rt_deal *d) { return d->funds.n; }
static int32_t parties_size(const rt_deal *d) { return d->parties.n; }
static int32_t memory_size(const rt_deal *d) { return d->memory.n; }

static int32_t n_accounts(const rt_deal *d)
{
    int32_t n = 0;
    for (int32_t h = 0; h < d->funds.n; h++)
        n += d->funds.v[h].is_account;
    return n;
}
static int32_t find_account(const rt_deal *d, const char *name)
{
    for (int32_t h = 0; h < d->funds.n; h++)
        if (d->funds.v[h].is_account && ieq(name, d->funds.v[h].name))
            return h;
    return -1;
}
static const char *account_name(const rt_deal *d, int32_t h) { return d->funds.v[h].name; }
static int account_value(const rt_deal *d, const rt_state *s, int32_t h, const rt_jnode *v, rt_dec *out, rt_err *e)
{
    (void)d, (void)s, (void)h;
    return get_money(v, "balance", 1, out, e);
}
static rt_dec *account_slot(rt_state *s, const rt_deal *d, int32_t h) { (void)d; return &s->holder_balance[h]; }

static int32_t n_insurers(const rt_deal *d)
{
    int32_t n = 0;
    for (int32_t p = 0; p < d->parties.n; p++)
        n += d->parties.v[p].is_insurer;
    return n;
}
static int32_t find_insurer(const rt_deal *d, const char *name)
{
    for (int32_t p = 0; p < d->parties.n; p++)
        if (d->parties.v[p].is_insurer && ieq(name, d->parties.v[p].name))
            return p;
    return -1;
}
static const char *insurer_name(const rt_deal *d, int32_t p) { return d->parties.v[p].name; }
static int insurer_value(const rt_deal *d, const rt_state *s, int32_t p, const rt_jnode *v, rt_dec *out, rt_err *e)
{
    (void)d, (void)s, (void)p;
    return get_money(v, "unreimbursed_draws", 1, out, e);
}
static rt_dec *insurer_slot(rt_state *s, const rt_deal *d, int32_t p) { (void)d; return &s->party_unreimb[p]; }

static int32_t count_memory(const rt_deal *d, int dates)
{
    int32_t n = 0;
    for (int32_t i = 0; i < d->memory.n; i++)
        n += (d->memory.v[i].kind == RT_MEM_DATE) == dates;
    return n;
}
static int32_t find_memory(const rt_deal *d, const char *name, int dates)
{
    for (int32_t i = 0; i < d->memory.n; i++)
        if ((d->memory.v[i].kind == RT_MEM_DATE) == dates && ieq(name, d->memory.v[i].name))
            return i;
    return -1;
}
static int32_t n_triggers(const rt_deal *d) { return count_memory(d, 0); }
static int32_t n_dates(const rt_deal *d) { return count_memory(d, 1); }
static int32_t find_trigger(const rt_deal *d, const char *name) { return find_memory(d, name, 0); }
static int32_t find_date(const rt_deal *d, const char *name) { return find_memory(d, name, 1); }
static const char *memory_name(const rt_deal *d, int32_t i) { return d->memory.v[i].name; }
static rt_dec *memory_slot(rt_state *s, const rt_deal *d, int32_t i) { (void)d; return &s->memory[i]; }
static int trigger_value(const rt_deal *d, const rt_state *s, int32_t i, const rt_jnode *v, rt_dec *out, rt_err *e)
{
    (void)d, (void)s, (void)i;
    if (!want_type(v, RT_J_BOOL, "in_effect", e))
        return 0;
    *out = v->boolean ? RT_SCALE : 0;
    return 1;
}
/* the payment date on which the date's condition first held, or null */
static int date_value(const rt_deal *d, const rt_state *s, int32_t i, const rt_jnode *v, rt_dec *out, rt_err *e)
{
    (void)d;
    if (v->type == RT_J_NULL) {
        *out = 0;
        return 1;
    }
    if (!want_type(v, RT_J_STRING, "occurred", e))
        return 0;
    char q[128];
    rt_msg_quote(q, sizeof q, v->str, v->len);
    int32_t day;
    if (!rt_date_parse(v->str, v->len, &day)) {
        rt_err_set(e, v->line, v->col, "bad date \"%s\" for \"occurred\" (write YYYY-MM-DD, or null)", q);
        return 0;
    }
    if (day > s->payment_date || day <= d->closing) {
        char a[11];
        rt_err_set(e, v->line, v->col, "date \"%s\" cannot have occurred on %s: that is not a payment date up to %s",
                   d->memory.v[i].name, q, rt_date_format(a, s->payment_date));
        return 0;
    }
    *out = (rt_dec)day * RT_SCALE;
    return 1;
}

static const named_list carried_lists[] = {
    {"accounts", "account", "balance", find_account, n_accounts, account_name, account_value, account_slot, funds_size},
    {"insurers", "insurer", "unreimbursed_draws", find_insurer, n_insurers, insurer_name, insurer_value, insurer_slot,
     parties_size},
    {"triggers", "trigger", "in_effect", find_trigger, n_triggers, memory_name, trigger_value, memory_slot, memory_size},
    {"dates", "date", "occurred", find_date, n_dates, memory_name, date_value, memory_slot, memory_size},
};
enum { NCARRIED = sizeof carried_lists / sizeof carried_lists[0] };

static int read_named(const rt_deal *d, const named_list *L, const rt_jnode *arr, rt_state *s, rt_err *e)
{
    if (!want_type(arr, RT_J_ARRAY, L->key, e))
        return 0;
    const char *const fields[] = {L->valuekey};
    const entry_spec spec = {L->namekey, fields, 1, 1};
    int32_t size = L->size(d);
    char *seen = calloc((size_t)size + 1, 1);
    if (!seen) {
        rt_err_set(e, arr->line, arr->col, "out of memory");
        return 0;
    }
    int ok = 1;
    for (int32_t i = 0; ok && i < arr->n; i++) {
        const rt_jnode *o = arr->items[i];
        const rt_jnode *v[2];
        if (!want_type(o, RT_J_OBJECT, L->key, e) || !check_keys(o, &spec, v, e)) {
            ok = 0;
            break;
        }
        char q[128];
        rt_msg_quote(q, sizeof q, v[0]->str, v[0]->len);
        int32_t k = L->find(d, v[0]->str);
        if (k < 0) {
            rt_err_set(e, v[0]->line, v[0]->col, "unknown %s \"%s\"", L->namekey, q);
            ok = 0;
        } else if (seen[k]) {
            rt_err_set(e, v[0]->line, v[0]->col, "%s \"%s\" appears twice", L->namekey, q);
            ok = 0;
        } else {
            seen[k] = 1;
            ok = L->value(d, s, k, v[1], L->slot(s, d, k), e);
        }
    }
    for (int32_t k = 0; ok && k < size; k++) {
        if (L->find(d, L->name(d, k)) != k)
            continue; /* not one of this kind */
        if (!seen[k]) {
            rt_err_set(e, arr->line, arr->col, "%s \"%s\" is missing", L->namekey, L->name(d, k));
            ok = 0;
        }
    }
    free(seen);
    return ok;
}

static int read_state(const rt_deal *d, const rt_jnode *root, rt_state *s, rt_err *e)
{
    static const char *const keys[] = {"deal",     "payment_date", "distribution_number", "groups", "classes",
                                       "accounts", "insurers",     "triggers",            "dates"};
    enum { NKEYS = sizeof keys / sizeof keys[0], NREQUIRED = 5 };
    const rt_jnode *v[NKEYS] = {NULL};
    if (root->type != RT_J_OBJECT) {
        rt_err_set(e, root->line, root->col, "expected an object for the state, found %s",
                   type_name(root->type));
        return 0;
    }
    for (int32_t k = 0; k < root->n; k++) {
        int found = -1;
        for (int i = 0; i < NKEYS; i++)
            if (strcmp(root->keys[k], keys[i]) == 0)
                found = i;
        if (found < 0) {
            char q[128];
            rt_msg_quote(q, sizeof q, root->keys[k], strlen(root->keys[k]));
            rt_err_set(e, root->key_line[k], root->key_col[k],
                       "unknown key \"%s\" (expected \"deal\", \"payment_date\", "
                       "\"distribution_number\", \"groups\", \"classes\"%s%s%s%s)",
                       q, n_accounts(d) ? ", \"accounts\"" : "", n_insurers(d) ? ", \"insurers\"" : "",
                       n_triggers(d) ? ", \"triggers\"" : "", n_dates(d) ? ", \"dates\"" : "");
            return 0;
        }
        v[found] = root->items[k];
    }
    for (int i = 0; i < NREQUIRED; i++)
        if (!v[i]) {
            rt_err_set(e, root->line, root->col, "missing \"%s\"", keys[i]);
            return 0;
        }
    /* what a deal carries besides groups and classes is listed when it has
     * any; a state for a deal without is not to mention it */
    for (int i = 0; i < NCARRIED; i++) {
        const named_list *L = &carried_lists[i];
        const rt_jnode *x = v[NREQUIRED + i];
        if (L->count(d) > 0 && !x) {
            rt_err_set(e, root->line, root->col, "missing \"%s\" (the deal has %d)", L->key, (int)L->count(d));
            return 0;
        }
        if (L->count(d) == 0 && x) {
            rt_err_set(e, x->line, x->col, "\"%s\" given, but the deal has none", L->key);
            return 0;
        }
    }

    if (!want_type(v[0], RT_J_STRING, "deal", e))
        return 0;
    if (strcmp(v[0]->str, d->name) != 0) {
        char q[128];
        rt_msg_quote(q, sizeof q, v[0]->str, v[0]->len);
        rt_err_set(e, v[0]->line, v[0]->col, "this state is for deal \"%s\", but this program is \"%s\"",
                   q, d->name);
        return 0;
    }

    if (!want_type(v[2], RT_J_NUMBER, "distribution_number", e))
        return 0;
    rt_dec n;
    rt_numtext info;
    if (rt_dec_parse(v[2]->str, v[2]->len, &n, &info) != RT_PARSE_OK || info.decimals != 0 || n < 0 ||
        n > 100000 * RT_SCALE) {
        rt_err_set(e, v[2]->line, v[2]->col,
                   "\"distribution_number\" must be a whole number from 0 (closing) up");
        return 0;
    }
    s->distribution_number = (int32_t)(n / RT_SCALE);

    if (!want_type(v[1], RT_J_STRING, "payment_date", e))
        return 0;
    int32_t date;
    char q[128];
    rt_msg_quote(q, sizeof q, v[1]->str, v[1]->len);
    if (!rt_date_parse(v[1]->str, v[1]->len, &date)) {
        rt_err_set(e, v[1]->line, v[1]->col, "bad date \"%s\" for \"payment_date\" (write YYYY-MM-DD)", q);
        return 0;
    }
    int32_t expect = rt_payment_date(d, s->distribution_number);
    int ey, em, ed;
    rt_civil_from_days(expect, &ey, &em, &ed);
    if (ey > 9999) { /* a date no statement can show: the count is wrong, not the date */
        rt_err_set(e, v[2]->line, v[2]->col,
                   "\"distribution_number\" %d is too large: that distribution would be paid after "
                   "the year 9999",
                   (int)s->distribution_number);
        return 0;
    }
    if (date != expect) {
        char a[11];
        if (s->distribution_number == 0)
            rt_err_set(e, v[1]->line, v[1]->col,
                       "\"payment_date\" %s does not match distribution 0: expected the closing date %s",
                       q, rt_date_format(a, expect));
        else
            rt_err_set(e, v[1]->line, v[1]->col,
                       "\"payment_date\" %s does not match distribution %d: expected %s", q,
                       (int)s->distribution_number, rt_date_format(a, expect));
        return 0;
    }
    s->payment_date = date;
    if (!read_groups(d, v[3], s, e) || !read_classes(d, v[4], s, e))
        return 0;
    for (int i = 0; i < NCARRIED; i++)
        if (v[NREQUIRED + i] && !read_named(d, &carried_lists[i], v[NREQUIRED + i], s, e))
            return 0;
    return 1;
}

int rt_state_parse(const rt_deal *d, const char *text, size_t len, rt_state *s, rt_err *e)
{
    rt_jnode *root = rt_json_parse(text, len, e);
    if (!root)
        return 0;
    int ok = read_state(d, root, s, e);
    rt_json_free(root);
    return ok;
}

void rt_state_write(const rt_deal *d, const rt_state *s, rt_buf *out)
{
    char num[RT_NUMBUF], num2[RT_NUMBUF], date[11];
    rt_buf_puts(out, "{\n  \"deal\": ");
    rt_buf_json_string(out, d->name);
    rt_buf_printf(out, ",\n  \"payment_date\": \"%s\",\n  \"distribution_number\": %d,\n  \"groups\": [",
                  rt_date_format(date, s->payment_date), (int)s->distribution_number);
    for (int32_t g = 0; g < d->groups.n; g++) {
        rt_buf_puts(out, g ? ",\n    { \"group\": " : "\n    { \"group\": ");
        rt_buf_json_string(out, d->groups.v[g]);
        rt_buf_printf(out, ", \"pool_balance\": %s, \"cumulative_loss\": %s }",
                      rt_fmt_money(num, s->pool_balance[g], 0, 0),
                      rt_fmt_money(num2, s->cumulative_loss[g], 0, 0));
    }
    rt_buf_puts(out, "\n  ],\n  \"classes\": [");
    for (int32_t c = 0; c < d->classes.n; c++) {
        rt_buf_puts(out, c ? ",\n    { \"class\": " : "\n    { \"class\": ");
        rt_buf_json_string(out, d->classes.v[c].name);
        rt_buf_printf(out, ", \"balance\": %s", rt_fmt_money(num, s->class_balance[c], 0, 0));
        /* written only when there is some, so states of deals that never
         * fall short read as before */
        if (s->class_unpaid[c])
            rt_buf_printf(out, ", \"unpaid_interest\": %s", rt_fmt_money(num, s->class_unpaid[c], 0, 0));
        if (s->class_loss[c])
            rt_buf_printf(out, ", \"unpaid_realized_loss\": %s", rt_fmt_money(num, s->class_loss[c], 0, 0));
        if (s->class_basis[c])
            rt_buf_printf(out, ", \"basis_risk_carry_forward\": %s", rt_fmt_money(num, s->class_basis[c], 0, 0));
        rt_buf_puts(out, " }");
    }
    rt_buf_puts(out, d->classes.n ? "\n  ]" : "]");
    for (int i = 0; i < NCARRIED; i++) {
        const named_list *L = &carried_lists[i];
        if (L->count(d) == 0)
            continue;
        rt_buf_printf(out, ",\n  \"%s\": [", L->key);
        int first = 1;
        int32_t size = L->size(d);
        for (int32_t k = 0; k < size; k++) {
            if (L->find(d, L->name(d, k)) != k)
                continue;
            rt_buf_printf(out, "%s\n    { \"%s\": ", first ? "" : ",", L->namekey);
            first = 0;
            rt_buf_json_string(out, L->name(d, k));
            rt_dec x = *L->slot((rt_state *)s, d, k);
            rt_buf_printf(out, ", \"%s\": ", L->valuekey);
            if (L->value == trigger_value)
                rt_buf_puts(out, x ? "true" : "false");
            else if (L->value == date_value && !x)
                rt_buf_puts(out, "null");
            else if (L->value == date_value)
                rt_buf_printf(out, "\"%s\"", rt_date_format(date, (int32_t)(x / RT_SCALE)));
            else
                rt_buf_puts(out, rt_fmt_money(num, x, 0, 0));
            rt_buf_puts(out, " }");
        }
        rt_buf_puts(out, "\n  ]");
    }
    rt_buf_puts(out, "\n}\n");
}
