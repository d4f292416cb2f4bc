/*
 * html.h — what the compiler's HTML pages share (doc, the diff redline, the
 * impact report): escaping, the one stylesheet, and the anchors every
 * provision of a deal is found at.
 *
 * In:  text to escape; a deal whose provisions need anchors.
 * Out: escaped text on a FILE; anchors named by a stable slug of the term or
 *      label, so a link survives a new version of the agreement:
 *      def-excess-cash-flow (defined terms, inputs, funds, schedules),
 *      class-a-i-1, group-group-i, party-class-sb-ii, sec-4-02-c-xii (clauses
 *      and text provisions), line-... (statement lines). Two names with the
 *      same slug get -2, -3 in the order the deal declares them.
 * Ownership: an html_ids table owns its strings; html_ids_free releases them.
 */
#ifndef DEALC_HTML_H
#define DEALC_HTML_H

#include <stdio.h>
#include "ast.h"
#include "fmt.h"

/* text and attribute values escaped by the runtime's one HTML rule (rt_html_escape) */
void html_esc(FILE *out, const char *s, size_t n);
void html_escs(FILE *out, const char *s);

/* <!DOCTYPE ...><head> with the title and the shared stylesheet, <body> */
void html_begin(FILE *out, const char *title);
void html_end(FILE *out);

/* the kinds of anchor, one prefix each */
typedef enum html_kind { HK_TERM, HK_CLASS, HK_GROUP, HK_PARTY, HK_SECTION, HK_LINE, HK_ITEM, HK__COUNT } html_kind;

typedef struct html_ids {
    struct html_id { int kind; char *name; char *id; } *v;   /* both owned */
    int n, cap;
} html_ids;

/* every provision of the deal: its terms (inputs, definitions, funds,
 * schedules), classes, groups, parties, clauses (full labels), text
 * provisions and statement lines */
void html_ids_deal(html_ids *t, const ast_deal *d);
/* the anchor of a name of a kind, added if new (the deal's are added
 * first, so theirs are stable); never NULL */
const char *html_id(html_ids *t, html_kind kind, const char *name);
/* the anchor only if the name was added; NULL otherwise */
const char *html_id_find(const html_ids *t, html_kind kind, const char *name);
void html_ids_free(html_ids *t);

/* the kind of anchor for what a printed name refers to (fmt_ref kinds) */
html_kind html_kind_of_ref(int fmt_ref_kind);

/* text (canonical, from fmt) with each name in refs that the table has an
 * anchor for turned into a link; the rest escaped */
void html_linked(FILE *out, const char *text, const fmt_refs *refs, const html_ids *t);

#endif
