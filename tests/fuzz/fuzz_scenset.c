/*
 * libFuzzer harness for grid's readers of scenarios: any bytes are read as
 * a scenarios file (grid --scenarios: a CSV of assumptions, a row a
 * scenario) for a deal shaped like GMACM 2003-HE2, exactly as grid opens
 * it (every row resolved) and then takes its rows in order; and as an index
 * paths file (grid --index-paths), opened and read path by path. Nothing
 * may crash, hang, leak or trip a sanitizer; a file that is refused must
 * say where (a line, unless the file as a whole is at fault).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_deal.h"
#include "rt_scenset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void write_input(const uint8_t *data, size_t size)
{
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz-scenset-%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_input(data, size);
    rt_deal *d = rt_deal_new();
    if (!d)
        return 0;
    describe_gmacm(d);
    rt_sc base;
    rt_sc_init(&base);
    rt_sc_origin flag = {NULL, 0, 0};
    rt_sc_err e;
    rt_sc_set(&base, "index", "One-Month LIBOR=1.1", &flag, &e);
    rt_sc_set(&base, "input", "Weighted Average Net Loan Rate=7.7745%", &flag, &e);
    rt_sc_res res;
    if (!rt_sc_resolve(d, &base, 1, &res, &e))
        abort(); /* the base is fine: the file is what is fuzzed */
    rt_sset_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.base = &base;
    cfg.lists = &res;
    cfg.rows = path;
    cfg.months = 24;
    rt_sset s;
    if (rt_sset_open(&s, d, &cfg, &e)) {
        rt_scen sc;
        if (rt_scen_init(&sc, d, cfg.months)) {
            for (int64_t k = 0; k < s.n; k++)
                if (!rt_sset_take(&s, k, &sc, &e) || !rt_sset_prepare(&s, &sc, &e))
                    abort(); /* rows checked when opened must run */
            rt_scen_free(&sc);
        }
    } else if (e.o.file && e.o.line == 0 && e.o.col != 0) {
        abort(); /* a column without its line */
    }
    rt_sset_close(&s);
    rt_sc_res_free(&res);
    rt_sc_free(&base);
    rt_deal_free(d);

    /* the same bytes as paths */
    rt_pathfile pf;
    rt_err fe;
    if (rt_pathfile_open(&pf, path, &fe)) {
        rt_dec rate[24];
        for (int64_t k = 0; k < pf.count && k < 1000; k++)
            if (!rt_pathfile_read(&pf, k, rate, 24, &fe))
                abort();
        rt_pathfile_close(&pf);
    }
    unlink(path);
    return 0;
}
