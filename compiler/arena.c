/* arena.c — see arena.h. Blocks grow geometrically; interning is a simple
 * FNV-1a hash table with linear probing, which keeps name comparison a
 * pointer comparison everywhere after the lexer. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt_output.h"

struct arena_block {
    arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

/* Out of memory anywhere in the compiler ends it as LLVM's running out
 * does (cg_install_oom_handlers): one message, temporaries removed, exit 1. */
static void arena_oom(void)
{
    static const char msg[] = "dealc: error: out of memory\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more can be said */
    }
    rt_out_cleanup_now();
    _exit(1);
}

FILE *arena_memstream(char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *m = open_memstream(buf, len);
    if (!m) arena_oom();
    return m;
}

void arena_memclose(FILE *m, char **buf)
{
    if (fclose(m) != 0 || !*buf) arena_oom();
}

void arena_init(arena *a) { memset(a, 0, sizeof *a); }

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a->names);
    memset(a, 0, sizeof *a);
}

void *arena_alloc(arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (!a->head || a->head->cap - a->head->used < size) {
        size_t cap = a->head ? a->head->cap * 2 : 64 * 1024;
        if (cap < size) cap = size;
        arena_block *b = malloc(sizeof *b + cap);
        if (!b) arena_oom();
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void intern_grow(arena *a)
{
    size_t cap = a->capnames ? a->capnames * 2 : 256;
    const char **t = calloc(cap, sizeof *t);
    if (!t) arena_oom();
    for (size_t i = 0; i < a->capnames; i++) {
        const char *s = a->names[i];
        if (!s) continue;
        size_t j = hash_bytes(s, strlen(s)) & (cap - 1);
        while (t[j]) j = (j + 1) & (cap - 1);
        t[j] = s;
    }
    free(a->names);
    a->names = t;
    a->capnames = cap;
}

const char *arena_intern(arena *a, const char *s, size_t n)
{
    if ((a->nnames + 1) * 2 > a->capnames) intern_grow(a);
    size_t j = hash_bytes(s, n) & (a->capnames - 1);
    while (a->names[j]) {
        const char *t = a->names[j];
        if (strncmp(t, s, n) == 0 && t[n] == 0) return t;
        j = (j + 1) & (a->capnames - 1);
    }
    const char *copy = arena_strndup(a, s, n);
    a->names[j] = copy;
    a->nnames++;
    return copy;
}

const char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void ptrvec_push(arena *a, ptrvec *pv, void *p)
{
    if (pv->n == pv->cap) {
        int cap = pv->cap ? pv->cap * 2 : 8;
        void **v = arena_alloc(a, sizeof(void *) * (size_t)cap);
        if (pv->n) memcpy(v, pv->v, sizeof(void *) * (size_t)pv->n);
        pv->v = v;
        pv->cap = cap;
    }
    pv->v[pv->n++] = p;
}
