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

int jit_run(cg_module *m, int argc, char **argv, char **err)
{
    *err = NULL;
    if (!m->tsc) { *err = strdup("internal error: module was not built for the JIT"); cg_free(m); return -1; }
    LLVMOrcLLJITRef jit = NULL;
    LLVMErrorRef e = LLVMOrcCreateLLJIT(&jit, LLVMOrcCreateLLJITBuilder());
    if (e) { *err = take_error(e); cg_free(m); return -1; }
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(jit);

    static const struct { const char *name; void (*addr)(void); } fns[] = {
#define RT_FN_ADDR(ret, n, ...) { #n, (void (*)(void))n },
        RT_ABI_FUNCS(RT_FN_ADDR)
#undef RT_FN_ADDR
    };
    enum { N = sizeof fns / sizeof fns[0] };
    LLVMOrcCSymbolMapPair pairs[N];
    for (int i = 0; i < N; i++) {
        pairs[i].Name = LLVMOrcLLJITMangleAndIntern(jit, fns[i].name);
        pairs[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)fns[i].addr;
        pairs[i].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
        pairs[i].Sym.Flags.TargetFlags = 0;
    }
    e = LLVMOrcJITDylibDefine(jd, LLVMOrcAbsoluteSymbols(pairs, N));
    if (!e) {
        LLVMOrcDefinitionGeneratorRef gen = NULL;
        e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(&gen, LLVMOrcLLJITGetGlobalPrefix(jit), NULL, NULL);
        if (!e) LLVMOrcJITDylibAddGenerator(jd, gen);
    }
    if (!e) {
        LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(m->mod, m->tsc);
        m->mod = NULL; /* now owned by the thread-safe module */
        e = LLVMOrcLLJITAddLLVMIRModule(jit, jd, tsm);
        if (e) LLVMOrcDisposeThreadSafeModule(tsm);
    }
    LLVMOrcExecutorAddress describe = 0, period = 0;
    if (!e) e = LLVMOrcLLJITLookup(jit, &describe, "dealc_describe");
    if (!e) e = LLVMOrcLLJITLookup(jit, &period, "dealc_period");
    int status = -1;
    if (e) *err = take_error(e);
    else status = rt_main(argc, argv, (rt_describe_fn)(uintptr_t)describe, (rt_period_fn)(uintptr_t)period);
    LLVMOrcDisposeLLJIT(jit);
    cg_free(m); /* the context stays alive in the thread-safe context until here */
    return status;
}
