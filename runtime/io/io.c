/*
 * io.c — reading input files whole and the error record used by the input
 * readers.
 *
 * Inputs are small (a state file, a few years of monthly remittance rows),
 * so reading them whole keeps the parsers simple and lets them report exact
 * line:column positions. A size cap keeps a mistaken argument (a disk image,
 * /dev/zero) from exhausting memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_output.h"


void rt_err_set(rt_err *e, int line, int col, const char *fmt, ...)
{
    e->line = line;
    e->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

int rt_read_file(const char *path, char **data, size_t *len, rt_err *e)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        rt_err_set(e, 0, 0, "cannot open: %s", strerror(errno));
        return 0;
    }
    rt_out_note_input(fileno(f), path);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        rt_err_set(e, 0, 0, "out of memory");
        return 0;
    }
    for (;;) {
        if (cap - n < 2) {
            if (cap >= RT_MAX_INPUT) {
                free(buf);
                fclose(f);
                rt_err_set(e, 0, 0, "file is too large (over %zu MiB)", RT_MAX_INPUT >> 20);
                return 0;
            }
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                fclose(f);
                rt_err_set(e, 0, 0, "out of memory");
                return 0;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                int err = errno;
                free(buf);
                fclose(f);
                rt_err_set(e, 0, 0, "cannot read: %s", strerror(err ? err : EIO));
                return 0;
            }
            break;
        }
    }
    fclose(f);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 1;
}

char *rt_text_line(char **cursor, int *line, char **start)
{
    char *p = *cursor;
    if (!*p)
        return NULL;
    ++*line;
    char *eol = strchr(p, '\n');
    *cursor = eol ? eol + 1 : p + strlen(p);
    if (eol)
        *eol = '\0';
    char *hash = strchr(p, '#');
    if (hash)
        *hash = '\0';
    *start = p;
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    return p;
}
