/*
 * diag.h — diagnostics as data, printed in one place.
 *
 * In:  source files (their text is kept for quoting) and diagnostics from any
 *      stage: severity, a span in a file, a message and optional notes.
 * Out: on diag_print_all: `file:line:col: error: message`, the source line and
 *      an underline (^~~~) under the span; notes the same way; then
 *      "N errors" when there were any.
 * Ownership: the diag_ctx owns its list (in its arena); source text is owned
 *      by the src_file (malloc'd, freed by src_free).
 */
#ifndef DEALC_DIAG_H
#define DEALC_DIAG_H

#include <stdio.h>
#include "arena.h"

typedef struct src_file {
    const char *name;   /* as given on the command line */
    char *text;         /* NUL-terminated copy of the file */
    int len;
    int normalized;     /* src_load dropped a byte-order mark or read a lone
                           CR as a new line: text differs from the file */
} src_file;

/* A span: byte offsets [start, end) plus the line/column of start (1-based). */
typedef struct src_loc {
    int start, end;
    int line, col;
    int file;           /* which of the diag_ctx's files: 0 is the first */
} src_loc;

typedef enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_severity;

typedef struct diag {
    diag_severity sev;
    src_loc loc;
    const char *msg;
    struct diag *notes;  /* chain of DIAG_NOTE attached to this one */
    struct diag *next;
} diag;

#define DIAG_MAX_FILES 64

typedef struct diag_ctx {
    arena *arena;
    const src_file *file;                    /* files[0] */
    const src_file *files[DIAG_MAX_FILES];   /* an agreement and its amendments */
    int nfiles;
    diag *first, *last;
    int nerrors, nwarnings;
    int max_errors;      /* stop recording after this many (0 = 100) */
} diag_ctx;

/* Returns 0 and prints `dealc: cannot read FILE: reason` on failure. */
int  src_load(src_file *f, const char *path);
/* Drops a UTF-8 byte-order mark and reads a lone CR as a new line, in
 * place (src_load does it; a loader of its own calls it); sets normalized
 * when the text changed. */
void  src_normalize(src_file *f);
void src_free(src_file *f);

void  diag_init(diag_ctx *d, arena *a, const src_file *f);
/* another file whose spans diagnostics may name; returns its id, or -1 */
int   diag_add_file(diag_ctx *d, const src_file *f);
diag *diag_error(diag_ctx *d, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
diag *diag_warning(diag_ctx *d, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* attach a note to a diagnostic returned by diag_error/diag_warning */
void  diag_note(diag_ctx *d, diag *to, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void  diag_print_all(const diag_ctx *d, FILE *out);

/* line/column of a byte offset, for stages that only know offsets */
src_loc diag_loc_at(const src_file *f, int start, int end);

#endif
