/*
 * codegen.h — lowering a checked deal to LLVM IR, and emitting it.
 *
 * In:  a sema_deal (checked, annotated) and its source file.
 * Out: an LLVM module defining dealc_describe and dealc_period (and main,
 *      for a standalone binary) against the runtime ABI in runtime/dealrt.h;
 *      then IR text, an object file, or a JIT run (jit.c).
 * Ownership: cg_module owns its LLVM context, module and target machine;
 *      cg_free releases them. Error strings returned through char **err are
 *      malloc'd; the caller frees them.
 * Errors: LLVM failures (no target, verifier, emission) come back as a
 *      message; the checked AST never produces invalid IR unless dealc has a
 *      bug, which the verifier reports.
 */
#ifndef DEALC_CODEGEN_H
#define DEALC_CODEGEN_H

#include <stdio.h>
#include "dealrt.h"
#include "sema.h"

typedef struct cg_module cg_module;

typedef struct cg_options {
    int emit_main;        /* define main() for a standalone executable */
    int optimize;         /* run the O2 pipeline */
    int for_jit;          /* build in a JIT thread-safe context (for jit_run) */
    const char *version;      /* the compiler's version and rt_fnv_sources of */
    const char *sources_hash; /* the files compiled: what BIN --version prints
                                 (sources_hash NULL: not recorded) */
} cg_options;

cg_module *cg_compile(const sema_deal *s, const src_file *f, const cg_options *o, char **err);
/* the module as LLVM assembly text */
void cg_print_ir(cg_module *m, FILE *out);
/* write a native object file for the host */
int  cg_emit_object(cg_module *m, const char *path, char **err);
void cg_free(cg_module *m);

/* Out of memory anywhere in LLVM or the C++ runtime (std::bad_alloc, LLVM's
 * bad-alloc and fatal-error handlers) becomes "dealc: error: out of memory"
 * on stderr and exit status 1, after cleanup() (which must be
 * async-signal-safe: rt_out_cleanup_now). Call once, first thing. */
void cg_install_oom_handlers(void (*cleanup)(void));

/* JIT: take a module compiled with for_jit (consumed: do not cg_free it)
 * and run the deal's command line in-process; returns rt_main's exit
 * status, or -1 with *err. */
int  jit_run(cg_module *m, int argc, char **argv, char **err);
/* JIT: take a module compiled with for_jit (consumed) and give the deal's
 * two functions, alive until jit_release(*handle); 0 with *err. */
typedef struct jit_handle jit_handle;
int  jit_load(cg_module *m, rt_describe_fn *describe, rt_period_fn *period, jit_handle **handle, char **err);
void jit_release(void *handle);

#endif
