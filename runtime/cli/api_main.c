/*
 * api_main.c — dealc_deal_main: a loaded deal's own command line, run in
 * the host's process. The one API function above the command line (cli.c),
 * kept apart so the rest of the API stays below it: the explain command is
 * a client of the API, and the command line dispatches to it.
 */
#include "api/api_internal.h"

int dealc_deal_main(const dealc_deal *d, int argc, char **argv)
{
    if (!d || argc < 1 || !argv)
        return 2;
    api_locale l;
    api_locale_enter(&l);
    int rc = rt_main(argc, argv, d->describe, d->period);
    api_locale_leave(&l);
    return rc;
}
