/* jit.c — `dealc run` and libdealc's dealc_compile: the deal's module
 * compiled in-process with ORC LLJIT. `run` hands its two functions to the
 * same rt_main a built binary calls, so the output is the same byte for
 * byte; dealc_compile keeps the JIT (jit_load) until the deal is closed. The runtime functions are bound by address from
 * the RT_ABI_FUNCS list (no dynamic symbol export needed); anything else the
 * optimiser may call (memset, memcpy) resolves from this process. */
#include "cg_internal.h"

#include <llvm-c/LLJIT.h>
#include <stdlib.h>
#include <string.h>

struct jit_handle {
    LLVMOrcLLJITRef jit;
    cg_module *m;
};

static char *take_error(LLVMErrorRef e)
{
    char *m = LLVMGetErrorMessage(e);
    char *r = strdup(m);
    LLVMDisposeErrorMessage(m);
    return r;
}

int jit_load(cg_module *m, rt_describe_fn *describe, rt_period_fn *period, jit_handle **out, char **err)
{
    *err = NULL;
    *out = NULL;
    if (!m->tsc) { *err = strdup("internal error: module was not built for the JIT"); cg_free(m); return 0; }
    LLVMOrcLLJITRef jit = NULL;
    LLVMErrorRef e = LLVMOrcCreateLLJIT(&jit, LLVMOrcCreateLLJITBuilder());
    if (e) { *err = take_error(e); cg_free(m); return 0; }
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
    LLVMOrcExecutorAddress d = 0, p = 0;
    if (!e) e = LLVMOrcLLJITLookup(jit, &d, "dealc_describe");
    if (!e) e = LLVMOrcLLJITLookup(jit, &p, "dealc_period");
    if (e) {
        *err = take_error(e);
        LLVMOrcDisposeLLJIT(jit);
        cg_free(m);
        return 0;
    }
    jit_handle *h = malloc(sizeof *h);
    if (!h) {
        *err = strdup("out of memory");
        LLVMOrcDisposeLLJIT(jit);
        cg_free(m);
        return 0;
    }
    h->jit = jit;
    h->m = m; /* the context stays alive in the thread-safe context until jit_release */
    *describe = (rt_describe_fn)(uintptr_t)d;
    *period = (rt_period_fn)(uintptr_t)p;
    *out = h;
    return 1;
}

void jit_release(void *handle)
{
    jit_handle *h = handle;
    if (!h) return;
    LLVMOrcDisposeLLJIT(h->jit);
    cg_free(h->m);
    free(h);
}
