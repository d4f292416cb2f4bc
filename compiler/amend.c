/* amend.c — see amend.h. */
#include "amend.h"

#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "rt_internal.h"

typedef struct clause_ref {
    ast_waterfall *w;
    int pos;                 /* index in w->clauses */
    const char *full;        /* section + label */
} clause_ref;

/* every clause of the deal with its full label (the newest version of a
 * label last, so lookups find the clause in force latest) */
static int find_clause(ast_builder *B, ast_deal *d, const char *label, clause_ref *out)
{
    int found = 0;
    for (int i = 0; i < d->waterfalls.n; i++) {
        ast_waterfall *w = d->waterfalls.v[i];
        size_t sl = strlen(w->section);
        if (strncmp(label, w->section, sl) != 0) continue;
        for (int j = 0; j < w->clauses.n; j++) {
            ast_clause *c = w->clauses.v[j];
            if (c->label && strcmp(label + sl, c->label) == 0) {
                out->w = w;
                out->pos = j;
                out->full = label;
                found = 1;
            }
        }
    }
    (void)B;
    return found;
}

static const char *nearest_clause(ast_deal *d, const char *label, arena *a)
{
    const char *best = NULL;
    int bestd = 1 << 30;
    for (int i = 0; i < d->waterfalls.n; i++) {
        ast_waterfall *w = d->waterfalls.v[i];
        for (int j = 0; j < w->clauses.n; j++) {
            ast_clause *c = w->clauses.v[j];
            const char *full = arena_printf(a, "%s%s", w->section, c->label);
            int dd = lex_edit_distance(label, full);
            if (dd < bestd) { bestd = dd; best = full; }
        }
    }
    return bestd <= 3 ? best : NULL;
}

static const char *nearest_define(ast_deal *d, const char *name)
{
    const char *best = NULL;
    int bestd = 1 << 30;
    for (int i = 0; i < d->decls.n; i++) {
        ast_decl *x = d->decls.v[i];
        if (x->kind != DK_DEFINE) continue;
        int dd = lex_edit_distance(name, x->name);
        if (dd < bestd) { bestd = dd; best = x->name; }
    }
    size_t len = strlen(name);
    return bestd <= (len < 6 ? 2 : (int)len / 3) ? best : NULL;
}

static ast_section *find_section(ast_deal *d, const char *label)
{
    for (int i = 0; i < d->sections.n; i++) {
        ast_section *s = d->sections.v[i];
        if (s->label == label) return s;
    }
    return NULL;
}

static const char *nearest_section(ast_deal *d, const char *label)
{
    const char *best = NULL;
    int bestd = 1 << 30;
    for (int i = 0; i < d->sections.n; i++) {
        const ast_section *s = d->sections.v[i];
        int dd = lex_edit_distance(label, s->label);
        if (dd < bestd) { bestd = dd; best = s->label; }
    }
    return bestd <= 3 ? best : NULL;
}

static ast_version *version_new(arena *a, ast_expr *e, const char *text, const char *by, const char *recon, int eff)
{
    ast_version *v = arena_alloc(a, sizeof *v);
    v->expr = e;
    v->text = text;
    v->amended_by = by;
    v->reconstructed = recon;
    v->effective = eff;
    return v;
}

static void insert_at(arena *a, ptrvec *v, int pos, void *item)
{
    ptrvec_push(a, v, NULL);
    memmove(&v->v[pos + 1], &v->v[pos], sizeof(void *) * (size_t)(v->n - 1 - pos));
    v->v[pos] = item;
}

static void remove_at(ptrvec *v, int pos)
{
    memmove(&v->v[pos], &v->v[pos + 1], sizeof(void *) * (size_t)(v->n - 1 - pos));
    v->n--;
}

/* what was changed, by whom and when: two amendments may not change the
 * same thing with the same effective date */
typedef struct touch { const char *target; const ast_amendment *by; const ast_amend_op *op; } touch;

/* the first payment date on or after a day: the first distribution an
 * amendment effective that day governs (0 when the deal's header is
 * incomplete, which sema reports) */
static int first_distribution_from(const ast_deal *d, int day)
{
    if (!d->has_first_payment || !d->has_payment_day) return 0;
    for (int n = 1; n <= 12000; n++) {
        int pd = rt_adjust(rt_nominal_payment_date(d->first_payment, d->payment_day, n), (int)d->bdc);
        if (pd >= day) return pd;
    }
    return 0;
}

/* Where an inserted item goes in the agreement's file: an empty span at the
 * end of the item before position pos (or the deal's start), so a
 * consolidated agreement prints it there with the comments around it
 * where they were; and the item itself, in the deal's item list. */
static src_loc item_place(const ast_deal *d, int pos)
{
    src_loc at = pos > 0 ? ((const ast_item *)d->items.v[pos - 1])->loc : d->loc;
    return (src_loc){ at.end, at.end, at.line, at.col, at.file };
}

static void item_insert(ast_builder *B, ast_deal *d, int pos, ast_item_kind kind, src_loc at, void *ptr)
{
    ast_item *it = arena_alloc(B->arena, sizeof *it);
    it->kind = kind;
    it->loc = at;
    it->ptr = ptr;
    insert_at(B->arena, &d->items, pos, it);
}

/* insert definition: a term the agreement did not have, from the
 * amendment on. Its formula is the amendment's on every date (before the
 * effective date nothing in force reads it: only what the amendment or a
 * later one brings in can). It goes after the agreement's last
 * definition, at a place in the agreement's file, so a consolidated
 * agreement prints it among the definitions. 0 after an error. */
static int insert_define(ast_builder *B, ast_deal *d, const ast_amendment *am, const ast_amend_op *op, int in_force)
{
    for (int j = 0; j < d->decls.n; j++) {
        const ast_decl *y = d->decls.v[j];
        if (y->name == op->target) {
            diag *g = diag_error(B->diag, op->target_loc,
                                 "the agreement already has \"%s\": change a definition with 'replace definition'",
                                 op->target);
            diag_note(B->diag, g, y->name_loc, "\"%s\" is here", op->target);
            return 0;
        }
    }
    if (!in_force) return 1;
    int pos = 0;
    for (int i = 0; i < d->items.n; i++) {
        const ast_item *it = d->items.v[i];
        if (it->kind == IT_DECL && ((const ast_decl *)it->ptr)->kind == DK_DEFINE) pos = i + 1;
    }
    if (!pos) pos = d->items.n;
    src_loc at = item_place(d, pos);
    ast_decl *x = arena_alloc(B->arena, sizeof *x);
    x->kind = DK_DEFINE;
    x->name = op->target;
    x->loc = at;
    x->name_loc = op->target_loc;
    x->expr = op->expr;
    x->text = op->text;
    x->index = -1;
    x->amended_by = am->title;
    x->effective = am->effective;
    ptrvec_push(B->arena, &d->decls, x);
    item_insert(B, d, pos, IT_DECL, at, x);
    return 1;
}

/* insert section: a provision the agreement did not have (after its last
 * section, at a place in the agreement's file, as insert_define places a
 * term); delete section: one it had. Sections move no cash, so their
 * latest words in force are the agreement's, as replace text of section
 * has it. */
static void section_op(ast_builder *B, ast_deal *d, const ast_amendment *am, const ast_amend_op *op, int in_force)
{
    ast_section *sec = find_section(d, op->target);
    if (op->kind == AM_INSERT_SECTION && sec) {
        diag *g = diag_error(B->diag, op->target_loc,
                             "the agreement already has section \"%s\": change its words with 'replace text of section'",
                             op->target);
        diag_note(B->diag, g, sec->label_loc, "section \"%s\" is here", op->target);
        return;
    }
    if (op->kind == AM_DELETE_SECTION && !sec) {
        const char *near = nearest_section(d, op->target);
        if (near) diag_error(B->diag, op->target_loc, "the agreement has no section \"%s\"; did you mean \"%s\"?", op->target, near);
        else diag_error(B->diag, op->target_loc, "the agreement has no section \"%s\"", op->target);
        return;
    }
    if (!in_force) return;
    if (op->kind == AM_DELETE_SECTION) {
        for (int i = 0; i < d->sections.n; i++)
            if (d->sections.v[i] == sec) { remove_at(&d->sections, i); break; }
        for (int i = 0; i < d->items.n; i++)
            if (((const ast_item *)d->items.v[i])->ptr == sec) { remove_at(&d->items, i); break; }
        return;
    }
    int pos = 0;
    for (int i = 0; i < d->items.n; i++)
        if (((const ast_item *)d->items.v[i])->kind == IT_SECTION) pos = i + 1;
    if (!pos) pos = d->items.n;
    src_loc at = item_place(d, pos);
    ast_section *x = arena_alloc(B->arena, sizeof *x);
    x->label = op->target;
    x->loc = at;
    x->label_loc = op->target_loc;
    x->text = op->text;
    x->amended_by = am->title;
    x->effective = am->effective;
    ptrvec_push(B->arena, &d->sections, x);
    item_insert(B, d, pos, IT_SECTION, at, x);
}

static int by_effective(const void *a, const void *b)
{
    const ast_amendment *x = *(ast_amendment *const *)a, *y = *(ast_amendment *const *)b;
    return (x->effective > y->effective) - (x->effective < y->effective);
}

int amend_apply(ast_builder *B, ast_deal *d, ast_amendment *const *in, int n, int as_of)
{
    diag_ctx *dg = B->diag;
    int errors = dg->nerrors;
    /* apply in order of effective date (a stable sort keeps file order) */
    ast_amendment **ams = malloc(sizeof *ams * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) ams[i] = in[i];
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && by_effective(&ams[j - 1], &ams[j]) > 0; j--) {
            ast_amendment *t = ams[j - 1]; ams[j - 1] = ams[j]; ams[j] = t;
        }
    touch *touched = malloc(sizeof *touched * 1024);
    int ntouched = 0;
    for (int i = 0; i < n; i++) {
        ast_amendment *am = ams[i];
        if (strcmp(am->agreement, d->name) != 0) {
            diag *g = diag_error(dg, am->agreement_loc, "amendment \"%s\" amends \"%s\", but the agreement is \"%s\"",
                                 am->title, am->agreement, d->name);
            diag_note(dg, g, d->name_loc, "the agreement");
            continue;
        }
        int in_force = as_of < 0 || am->effective <= as_of;
        for (int k = 0; k < am->ops.n; k++) {
            ast_amend_op *op = am->ops.v[k];
            const char *key = op->kind == AM_INSERT_CLAUSE
                ? arena_printf(B->arena, "%s+%s", op->target, op->clause ? op->clause->label : "")
                : op->kind == AM_REPLACE_SECTION || op->kind == AM_INSERT_SECTION || op->kind == AM_DELETE_SECTION
                ? arena_printf(B->arena, "section %s", op->target)
                : op->target;
            for (int t = 0; t < ntouched; t++) {
                if (strcmp(touched[t].target, key) != 0) continue;
                if (touched[t].by->effective == am->effective) {
                    diag *g = diag_error(dg, op->target_loc, "\"%s\" is changed twice with effect from the same date",
                                         op->target);
                    diag_note(dg, g, touched[t].op->target_loc, "also changed here, by \"%s\"", touched[t].by->title);
                    continue;
                }
                /* both in the same period between payment dates: the
                 * earlier change never governs a distribution (lawful, a
                 * later amendment may supersede one before it is used, but
                 * worth saying) */
                int first = first_distribution_from(d, touched[t].by->effective);
                if (first && first == first_distribution_from(d, am->effective)) {
                    char date[11];
                    diag *g = diag_warning(dg, op->target_loc,
                                           "\"%s\" is changed again before the next payment date (%s): the change by "
                                           "\"%s\" never governs a distribution",
                                           op->target, rt_date_format(date, first), touched[t].by->title);
                    diag_note(dg, g, touched[t].op->target_loc, "changed here first, by \"%s\"", touched[t].by->title);
                }
            }
            if (ntouched < 1024) touched[ntouched++] = (touch){ key, am, op };
            if (op->kind == AM_REPLACE_DEFINE) {
                ast_decl *x = NULL;
                for (int j = 0; j < d->decls.n; j++) {
                    ast_decl *y = d->decls.v[j];
                    if (y->kind == DK_DEFINE && y->name == op->target) x = y;
                }
                if (!x) {
                    const char *near = nearest_define(d, op->target);
                    if (near) diag_error(dg, op->target_loc, "the agreement has no definition \"%s\"; did you mean \"%s\"?", op->target, near);
                    else diag_error(dg, op->target_loc, "the agreement has no definition \"%s\"", op->target);
                    continue;
                }
                if (!in_force) continue;
                if (as_of >= 0) {
                    x->expr = op->expr;
                } else {
                    /* each version with its own formula and words, for
                     * explain (the formula in force, as written) */
                    if (!x->versions.n)
                        ptrvec_push(B->arena, &x->versions,
                                    version_new(B->arena, x->expr, x->text, x->amended_by, x->reconstructed,
                                                x->amended_by ? x->effective : 0));
                    ptrvec_push(B->arena, &x->versions,
                                version_new(B->arena, op->expr, op->text ? op->text : x->text, am->title, NULL,
                                            am->effective));
                    /* on or after the effective date, the new formula */
                    src_loc at = op->expr->loc;
                    ast_expr *when = ast_binary(B, at, OP_GE, ast_global(B, at, RT_G_PAYMENT_DATE),
                                                ast_num(B, at, (rt_dec)am->effective * RT_SCALE, RT_UNIT_DATE));
                    x->expr = ast_if(B, at, when, op->expr, x->expr);
                    x->expr->amends = x->name;
                }
                if (op->text) x->text = op->text;
                x->amended_by = am->title;
                x->effective = am->effective;
                x->reconstructed = NULL;   /* the amendment's own words now */
                continue;
            }
            if (op->kind == AM_INSERT_DEFINE) {
                insert_define(B, d, am, op, in_force);
                continue;
            }
            if (op->kind == AM_INSERT_SECTION || op->kind == AM_DELETE_SECTION) {
                section_op(B, d, am, op, in_force);
                continue;
            }
            if (op->kind == AM_REPLACE_SECTION) {
                ast_section *sec = find_section(d, op->target);
                if (!sec) {
                    const char *near = nearest_section(d, op->target);
                    if (near) diag_error(dg, op->target_loc, "the agreement has no section \"%s\"; did you mean \"%s\"?", op->target, near);
                    else diag_error(dg, op->target_loc, "the agreement has no section \"%s\" (give its words with section \"%s\" text \"...\")", op->target, op->target);
                    continue;
                }
                if (!in_force) continue;
                /* it moves no cash: its words are simply the latest in force */
                sec->text = op->text;
                sec->amended_by = am->title;
                sec->effective = am->effective;
                sec->reconstructed = NULL;
                continue;
            }
            clause_ref ref = { 0 };
            if (!find_clause(B, d, op->target, &ref)) {
                const char *near = nearest_clause(d, op->target, B->arena);
                if (near) diag_error(dg, op->target_loc, "the agreement has no clause %s; did you mean %s?", op->target, near);
                else diag_error(dg, op->target_loc, "the agreement has no clause %s", op->target);
                continue;
            }
            if (!in_force) continue;
            ast_clause *old = ref.w->clauses.v[ref.pos];
            ast_clause *nw = op->clause;
            if (nw) {
                nw->amended_by = am->title;
                nw->effective = am->effective;
            }
            switch (op->kind) {
            case AM_REPLACE_CLAUSE:
                nw->label = old->label;
                nw->label_loc = old->label_loc;
                if (as_of >= 0) {
                    /* in place: the consolidated agreement reads as one text */
                    nw->loc = old->loc;
                    ref.w->clauses.v[ref.pos] = nw;
                } else {
                    old->to = am->effective;
                    nw->from = am->effective;
                    nw->loc = (src_loc){ old->loc.end, old->loc.end, old->loc.line, old->loc.col, old->loc.file };
                    insert_at(B->arena, &ref.w->clauses, ref.pos + 1, nw);
                }
                break;
            case AM_INSERT_CLAUSE: {
                /* after the target and after any later version of it */
                int pos = ref.pos + 1;
                nw->loc = (src_loc){ old->loc.end, old->loc.end, old->loc.line, old->loc.col, old->loc.file };
                if (as_of < 0) nw->from = am->effective;
                insert_at(B->arena, &ref.w->clauses, pos, nw);
                break;
            }
            case AM_DELETE_CLAUSE:
                if (as_of >= 0) remove_at(&ref.w->clauses, ref.pos);
                else old->to = am->effective;
                break;
            default:
                break;
            }
        }
    }
    free(touched);
    free(ams);
    return dg->nerrors == errors;
}
