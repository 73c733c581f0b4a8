/* The smallest program: PASS through the framework (B, BL, RET, ADR, LDR literal, MMIO stores, HVC). */
#include "test.h"
    .text
    .globl test_main
test_main:
    mov x1, #5
    add x1, x1, #37
    check 1, x1, 42
    ret
