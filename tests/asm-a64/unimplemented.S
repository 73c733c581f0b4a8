/* An encoding the core does not implement (here FADD, FP) must stop the vCPU with the encoding
 * and the pc, never be skipped or half-done: the register it would write stays as it was. */
#include "test.h"
    .text
    .globl test_main
    .globl unimplemented_insn
test_main:
    mov x1, #1
unimplemented_insn:
    fadd d0, d1, d2
    mov x1, #2
    ret
