/*
 * arena.h — bump allocation and name interning for one compilation.
 *
 * In:  requests for memory and strings from every compiler stage.
 * Out: memory that lives until arena_free(); interned strings that compare
 *      equal as pointers exactly when their text is equal.
 * Ownership: the arena owns everything it hands out; nothing is freed alone.
 * Errors: out of memory ends the compiler with "dealc: error: out of
 *      memory" and exit status 1, temporaries removed (it has nothing
 *      sensible to do without memory).
 */
#ifndef DEALC_ARENA_H
#define DEALC_ARENA_H

#include <stddef.h>
#include <stdio.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;   /* newest block first                       */
    const char **names;  /* open-addressing table of interned strings */
    size_t nnames, capnames;
} arena;

void  arena_init(arena *a);
void  arena_free(arena *a);
void *arena_alloc(arena *a, size_t size);          /* zeroed, 16-aligned */
char *arena_strndup(arena *a, const char *s, size_t n);
/* the one copy of s[0..n) in this arena */
const char *arena_intern(arena *a, const char *s, size_t n);
const char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* open_memstream, and its fclose, that never fail: out of memory ends the
 * compiler as above. After arena_memclose, *buf is the text (the caller
 * frees it). */
FILE *arena_memstream(char **buf, size_t *len);
void  arena_memclose(FILE *m, char **buf);

/* A growable array of pointers kept in the arena (old storage is abandoned
 * to the arena when it grows: fine for compile-time lists). */
typedef struct ptrvec { void **v; int n, cap; } ptrvec;
void ptrvec_push(arena *a, ptrvec *pv, void *p);

#endif
