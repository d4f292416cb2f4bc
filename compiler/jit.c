/* jit.c — `dealc run`: the deal's module compiled in-process with ORC LLJIT
 * and handed to the same rt_main a built binary calls, so the output is
 * the same byte for byte. The runtime functions are bound by address from
 * the RT_ABI_FUNCS list (no dynamic symbol export needed); anything else the
 * optimiser may call (memset, memcpy) resolves from this process. */
#include "cg_internal.h"

#include <llvm-c/LLJIT.h>
#include <stdlib.h>
#include <string.h>

static char *take_error(LLVMErrorRef e)
{
    char *m = LLVMGetErrorMessage(e);
    char *r = strdup(m);
    LLVMDisposeErrorMessage(m);
    return r;
}

struct jit_deal {
    LLVMOrcLLJITRef jit;
    cg_module *m; /* its context lives until the JIT is gone */
};

void jit_close(jit_deal *j)
{
    if (!j) return;
    if (j->jit) LLVMOrcDisposeLLJIT(j->jit);
    cg_free(j->m);
    free(j);
}

jit_deal *jit_open(cg_module *m, rt_describe_fn *describe_out, rt_period_fn *period_out, char **err)
{
    *err = NULL;
    if (!m->tsc) { *err = strdup("internal error: module was not built for the JIT"); cg_free(m); return NULL; }
    jit_deal *j = calloc(1, sizeof *j);
    if (!j) { *err = strdup("out of memory"); cg_free(m); return NULL; }
    j->m = m;
    LLVMErrorRef e = LLVMOrcCreateLLJIT(&j->jit, LLVMOrcCreateLLJITBuilder());
    if (e) { *err = take_error(e); j->jit = NULL; jit_close(j); return NULL; }
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(j->jit);

    static const struct { const char *name; void (*addr)(void); } fns[] = {
#define RT_FN_ADDR(ret, n, ...) { #n, (void (*)(void))n },
        RT_ABI_FUNCS(RT_FN_ADDR)
#undef RT_FN_ADDR
    };
    enum { N = sizeof fns / sizeof fns[0] };
    LLVMOrcCSymbolMapPair pairs[N];
    for (int i = 0; i < N; i++) {
        pairs[i].Name = LLVMOrcLLJITMangleAndIntern(j->jit, fns[i].name);
        pairs[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)fns[i].addr;
        pairs[i].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
        pairs[i].Sym.Flags.TargetFlags = 0;
    }
    e = LLVMOrcJITDylibDefine(jd, LLVMOrcAbsoluteSymbols(pairs, N));
    if (!e) {
        LLVMOrcDefinitionGeneratorRef gen = NULL;
        e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(&gen, LLVMOrcLLJITGetGlobalPrefix(j->jit), NULL, NULL);
        if (!e) LLVMOrcJITDylibAddGenerator(jd, gen);
    }
    if (!e) {
        LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(m->mod, m->tsc);
        m->mod = NULL; /* now owned by the thread-safe module */
        e = LLVMOrcLLJITAddLLVMIRModule(j->jit, jd, tsm);
        if (e) LLVMOrcDisposeThreadSafeModule(tsm);
    }
    LLVMOrcExecutorAddress describe = 0, period = 0;
    if (!e) e = LLVMOrcLLJITLookup(j->jit, &describe, "dealc_describe");
    if (!e) e = LLVMOrcLLJITLookup(j->jit, &period, "dealc_period");
    if (e) { *err = take_error(e); jit_close(j); return NULL; }
    *describe_out = (rt_describe_fn)(uintptr_t)describe;
    *period_out = (rt_period_fn)(uintptr_t)period;
    return j;
}

int jit_run(cg_module *m, int argc, char **argv, char **err)
{
    rt_describe_fn describe;
    rt_period_fn period;
    jit_deal *j = jit_open(m, &describe, &period, err);
    if (!j) return -1;
    int status = rt_main(argc, argv, describe, period);
    jit_close(j); /* the context stays alive in the thread-safe context until here */
    return status;
}
