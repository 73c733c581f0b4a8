/* Big-endian data (SCTLR_EL1.EE) stops the vCPU: this core is little-endian only, and going on
 * in the wrong byte order would be silently wrong. */
#include "test.h"
    .text
    .globl test_main
    .globl big_endian_insn
test_main:
    mrs x1, sctlr_el1
    orr x1, x1, #(1 << 25)
big_endian_insn:
    msr sctlr_el1, x1
    ret
