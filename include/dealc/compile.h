/*
 * dealc/compile.h — libdealc: a deal compiled from its .deal source (and
 * its amendments) in process, through LLVM's JIT, into the same dealc_deal
 * handle dealc_deal_open gives for a shared object. Everything else is in
 * dealc/dealc.h and libdealrt; libdealc needs LLVM, libdealrt does not.
 *
 * Errors: the deal's diagnostics, as `dealc check` prints them, come back
 * as text (diagnostics, when not NULL; freed with dealc_free) and the first
 * error's file, line, column and message in err (DEALC_ERR_DEAL); a file
 * that cannot be read is DEALC_ERR_IO. Nothing is printed.
 * Threads: compiling is reentrant; each deal has its own JIT.
 */
#ifndef DEALC_COMPILE_H
#define DEALC_COMPILE_H

#include <dealc/dealc.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dealc_compile_options {
    const char *const *amendments; /* paths of .amend files, in order */
    int32_t namendments;
    const char *as_of;  /* "YYYY-MM-DD": the amendments in force then, throughout;
                           NULL: each from its effective date (as `dealc build`) */
    int32_t no_optimize; /* 1: skip the optimiser (-O0) */
} dealc_compile_options;

/* options may be NULL (no amendments) */
DEALC_API dealc_status dealc_compile(const char *path, const dealc_compile_options *options, dealc_deal **out,
                                     char **diagnostics, dealc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* DEALC_COMPILE_H */
