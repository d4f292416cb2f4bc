/*
 * linkcheck — every link within a page resolves.
 *
 *   linkcheck PAGE.html...
 *
 * For each page: every href="#X" must name an id="X" on the same page, and
 * no id may appear twice (a link to it would be ambiguous). Prints each
 * failure as FILE:LINE: message and exits 1 if there is any; 2 when a page
 * cannot be read. Attribute values are read as the pages write them (double
 * quotes); an id written with entities is compared as written, which is how
 * a browser would fail to match it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct name { char *v; int line; } name;
typedef struct names { name *v; int n, cap; } names;

static void push(names *s, const char *p, size_t n, int line)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = realloc(s->v, sizeof *s->v * (size_t)s->cap);
    }
    s->v[s->n++] = (name){ strndup(p, n), line };
}

static int cmp(const void *a, const void *b) { return strcmp(((const name *)a)->v, ((const name *)b)->v); }

/* the values of attr="..." in text (attr preceded by a space), with lines */
static void collect(const char *text, const char *attr, names *out)
{
    size_t al = strlen(attr);
    int line = 1;
    for (const char *p = text; *p; p++) {
        if (*p == '\n') line++;
        if ((p == text || p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\t') && strncmp(p, attr, al) == 0) {
            const char *v = p + al, *e = strchr(v, '"');
            if (!e) return;
            push(out, v, (size_t)(e - v), line);
        }
    }
}

static int check(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "linkcheck: cannot read %s\n", path); return 2; }
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap + 1);
    for (size_t k; (k = fread(text + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap) text = realloc(text, (cap *= 2) + 1);
    }
    fclose(f);
    text[n] = 0;
    names ids = { 0 }, hrefs = { 0 };
    collect(text, "id=\"", &ids);
    collect(text, "href=\"#", &hrefs);
    if (ids.n) qsort(ids.v, (size_t)ids.n, sizeof *ids.v, cmp);
    int bad = 0;
    for (int i = 1; i < ids.n; i++)
        if (strcmp(ids.v[i].v, ids.v[i - 1].v) == 0) {
            printf("%s:%d: id \"%s\" appears twice (also line %d)\n", path, ids.v[i].line, ids.v[i].v, ids.v[i - 1].line);
            bad = 1;
        }
    for (int i = 0; i < hrefs.n; i++) {
        name key = { hrefs.v[i].v, 0 };
        if (!ids.n || !bsearch(&key, ids.v, (size_t)ids.n, sizeof *ids.v, cmp)) {
            printf("%s:%d: link to #%s, which the page does not have\n", path, hrefs.v[i].line, hrefs.v[i].v);
            bad = 1;
        }
    }
    if (!bad) printf("%s: %d links, %d anchors, all resolve\n", path, hrefs.n, ids.n);
    for (int i = 0; i < ids.n; i++) free(ids.v[i].v);
    for (int i = 0; i < hrefs.n; i++) free(hrefs.v[i].v);
    free(ids.v);
    free(hrefs.v);
    free(text);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: linkcheck PAGE.html...\n"); return 2; }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int r = check(argv[i]);
        if (r > rc) rc = r;
    }
    return rc;
}
