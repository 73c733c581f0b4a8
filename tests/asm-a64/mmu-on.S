/* Turning the MMU on (SCTLR_EL1.M) stops the vCPU: this core has no MMU yet, and running on with
 * translation silently off would be wrong. */
#include "test.h"
    .text
    .globl test_main
    .globl mmu_on_insn
test_main:
    mrs x1, sctlr_el1
    orr x1, x1, #1
mmu_on_insn:
    msr sctlr_el1, x1
    ret
