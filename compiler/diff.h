/*
 * diff.h — what changed between two versions of an agreement: a redline.
 *
 * In:  two parsed deals (the old and the new; for amendments, the agreement
 *      and the agreement as they leave it, with the amendments themselves
 *      for the header).
 * Out: every provision added, removed, changed or moved (renumbered): the
 *      definitions, inputs, funds, schedules, classes, collateral lines,
 *      clauses, text provisions and statement lines, matched by name and
 *      section label and compared as canonical text, so layout and comments
 *      never count. For each change the agreement's words redlined word by
 *      word (punctuation apart, a phrase marked once), the formula's change
 *      beneath them, whether the words are reconstructed, the amendment that
 *      made it, and what reads it (directly or through definitions).
 *      Changes come in the agreement's order: the definitions
 *      alphabetically, as Article I has them, then the sections by number.
 *      Formats: text (wrapped to a width, coloured on a terminal), a
 *      self-contained HTML page that reads as a law firm's comparison, and
 *      JSON with the amendments' particulars.
 * Ownership: allocates and frees its own scratch; writes to the FILE.
 */
#ifndef DEALC_DIFF_H
#define DEALC_DIFF_H

#include <stdio.h>
#include "ast.h"

typedef enum diff_format { DIFF_TEXT, DIFF_HTML, DIFF_JSON } diff_format;

typedef struct diff_options {
    diff_format format;
    int color;                              /* text: red and green escapes */
    int width;                              /* text: wrap at this column */
    const char *old_name, *new_name;        /* the files compared */
    /* the new version is the old with these amendments applied (none: two
     * versions of an agreement compared) */
    const ast_amendment *const *amendments;
    int namendments;
    /* the caller adds to the document and closes it: JSON without its final
     * "}", HTML without its end (the impact of the change follows) */
    int keep_open;
} diff_options;

/* returns the number of changes */
int diff_deals(FILE *out, const ast_deal *old, const ast_deal *new_, const diff_options *o);

/* Notes on when amendments take effect, one a line, each ending in '\n'
 * (malloc'd, "" when there is nothing to say): an amendment effective
 * before the agreement's first payment date means the agreement as it
 * stood before governed no distribution; one effective before the closing
 * date, that it was made before the agreement began. Shared by diff,
 * consolidate and --impact. */
char *diff_effect_notes(const ast_deal *d, const ast_amendment *const *ams, int n);

/* text filled to width (escape sequences take no room), each line indented */
void diff_wrap(FILE *out, const char *s, int indent, int width);

#endif
