/*
 * ref_engine.h — today's collateral engine kept as a yardstick (see
 * ref_engine.c): the same contract as rt_pool_* in runtime/engine/rt_project.h.
 */
#ifndef REF_ENGINE_H
#define REF_ENGINE_H

#include "rt_project.h"

typedef struct ref_pool ref_pool;

ref_pool *ref_pool_new(const rt_deal *d, int32_t max_lag, int32_t max_periods);
void ref_pool_free(ref_pool *p);
int ref_pool_start(ref_pool *p, const rt_assump *a, const int64_t *scale, int32_t age_shift, char *msg,
                   size_t msgsize);
void ref_pool_month(ref_pool *p, int32_t t, rt_flows *out);
void ref_pool_sell(ref_pool *p, rt_flows *out);
int64_t ref_pool_balance(const ref_pool *p, int32_t g);

#endif
