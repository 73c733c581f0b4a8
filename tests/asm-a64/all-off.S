/* The only vCPU turns itself off (PSCI CPU_OFF): nothing can start it again, the zone must end. */
#include "test.h"
    .text
    .globl test_main
test_main:
    ldr x0, =0x84000002
    hvc #0
    b .
    .ltorg
