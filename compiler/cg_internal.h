/* cg_internal.h — what codegen.c and jit.c share; not for other stages. */
#ifndef DEALC_CG_INTERNAL_H
#define DEALC_CG_INTERNAL_H

#include <llvm-c/Core.h>
#include <llvm-c/Orc.h>
#include <llvm-c/TargetMachine.h>
#include "codegen.h"

struct cg_module {
    LLVMContextRef ctx;                /* owned unless tsc is set         */
    LLVMOrcThreadSafeContextRef tsc;   /* JIT builds: owns ctx            */
    LLVMModuleRef mod;
    LLVMTargetMachineRef tm;
};

/* host target machine for objects (generic CPU) or the JIT (host CPU) */
LLVMTargetMachineRef cg_host_target_machine(int for_jit, char **err);

#endif
