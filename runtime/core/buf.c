/*
 * buf.c — the growable text buffer all output is built in, and the text
 * quoting helpers for JSON, HTML, CSV and error messages: the only JSON and
 * HTML escapers in dealc (runtime reports and the compiler's pages alike).
 *
 * Output is buffered whole so that nothing reaches stdout or a file unless
 * the run succeeded. An allocation failure sets oom and drops further text;
 * the writer checks oom once at the end instead of at every call.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

void rt_buf_init(rt_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

void rt_buf_free(rt_buf *b)
{
    free(b->data);
    rt_buf_init(b);
}

static int reserve(rt_buf *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->oom = 1;
        return 0;
    }
    size_t need = b->len + extra + 1; /* always room for a NUL */
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void rt_buf_put(rt_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rt_buf_puts(rt_buf *b, const char *s)
{
    rt_buf_put(b, s, strlen(s));
}

void rt_buf_putc(rt_buf *b, char c)
{
    rt_buf_put(b, &c, 1);
}

void rt_buf_pad(rt_buf *b, char c, size_t n)
{
    if (!reserve(b, n))
        return;
    memset(b->data + b->len, c, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rt_buf_printf(rt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        rt_buf_put(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ---- escaping: one rule each for JSON and HTML, written to a buffer or a
 * stream (the compiler's pages and redlines use the same rules) ---------- */

const char *rt_json_escape(unsigned char c, char tmp[8])
{
    static const char hex[] = "0123456789abcdef";
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    case '\b': return "\\b";
    case '\f': return "\\f";
    default:
        if (c < 0x20 || c == 0x7f) {
            memcpy(tmp, "\\u00", 4);
            tmp[4] = hex[c >> 4];
            tmp[5] = hex[c & 15];
            tmp[6] = '\0';
            return tmp;
        }
        return NULL;
    }
}

const char *rt_html_escape(unsigned char c)
{
    switch (c) {
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '&': return "&amp;";
    case '"': return "&quot;";
    default: return NULL;
    }
}

void rt_buf_json_string(rt_buf *b, const char *s)
{
    rt_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[8];
        const char *e = rt_json_escape(*p, tmp);
        if (e)
            rt_buf_puts(b, e);
        else
            rt_buf_putc(b, (char)*p);
    }
    rt_buf_putc(b, '"');
}

void rt_json_string_fput(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[8];
        const char *e = rt_json_escape(*p, tmp);
        if (e)
            fputs(e, out);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void rt_buf_html_text(rt_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        const char *e = rt_html_escape((unsigned char)s[i]);
        if (e)
            rt_buf_puts(b, e);
        else
            rt_buf_putc(b, s[i]);
    }
}

void rt_html_text_fput(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        const char *e = rt_html_escape((unsigned char)s[i]);
        if (e)
            fputs(e, out);
        else
            fputc(s[i], out);
    }
}

void rt_buf_csv_field(rt_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
        rt_buf_puts(b, s);
        return;
    }
    rt_buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            rt_buf_putc(b, '"');
        rt_buf_putc(b, *p);
    }
    rt_buf_putc(b, '"');
}

void rt_msg_quote(char *out, size_t outsize, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    const size_t keep = 60;
    if (outsize == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[4];
        size_t tl;
        if (c == '"' || c == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            tl = 2;
        } else if (c < 0x20 || c >= 0x7f) {
            /* shown as bytes: a garbled file must not garble the terminal */
            tmp[0] = '\\';
            tmp[1] = 'x';
            tmp[2] = hex[c >> 4];
            tmp[3] = hex[c & 15];
            tl = 4;
        } else {
            tmp[0] = (char)c;
            tl = 1;
        }
        if (o + tl + 4 >= outsize || i >= keep) {
            if (o + 4 <= outsize - 1) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        memcpy(out + o, tmp, tl);
        o += tl;
    }
    out[o] = '\0';
}
