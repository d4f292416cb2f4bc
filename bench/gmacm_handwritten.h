/* gmacm_handwritten.h — the hand-written GMACM 2003-HE2 period function:
 * the yardstick the compiled deal is measured against (bench/). */
#ifndef DEALC_GMACM_HANDWRITTEN_H
#define DEALC_GMACM_HANDWRITTEN_H
#include "dealrt.h"
/* the layout the compiled deal's dealc_describe produced */
void gmacm_handwritten_init(const rt_layout *layout);
int32_t gmacm_handwritten_period(rt_dec *slot, rt_run *run);
#endif
