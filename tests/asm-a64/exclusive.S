/* Load/store exclusive and acquire/release: LDXR/STXR of every size succeed on an untouched
 * location and fail after CLREX or an intervening STXR; LDAXR/STLXR, the pair forms, LDAR/STLR;
 * an atomic add loop as Linux's LL/SC atomics write it. */
#include "test.h"
    .text
    .globl test_main
test_main:
    ldr x1, =cell
    ldr x2, =0x1122334455667788
    str x2, [x1]
    ldxr x3, [x1]
    check 1, x3, 0x1122334455667788
    add x3, x3, #1
    stxr w4, x3, [x1]
    check 2, x4, 0
    ldr x5, [x1]
    check 3, x5, 0x1122334455667789
    /* a STXR without a LDXR fails and stores nothing */
    mov x6, #7
    stxr w4, x6, [x1]
    check 4, x4, 1
    ldr x5, [x1]
    check 5, x5, 0x1122334455667789
    /* CLREX opens the monitor */
    ldxr x3, [x1]
    clrex
    stxr w4, x6, [x1]
    check 6, x4, 1
    /* the second of two STXRs fails */
    ldaxr w3, [x1]
    check 7, x3, 0x55667789
    stlxr w4, w6, [x1]
    check 8, x4, 0
    stlxr w4, w6, [x1]
    check 9, x4, 1
    ldr x5, [x1]
    check 10, x5, 0x1122334400000007
    /* bytes and halfwords */
    ldxrb w3, [x1]
    check 11, x3, 7
    mov w6, #0xab
    stxrb w4, w6, [x1]
    check 12, x4, 0
    ldxrh w3, [x1, #0]
    check 13, x3, 0xab
    mov w6, #0xcdef
    stxrh w4, w6, [x1]
    check 14, x4, 0
    ldr x5, [x1]
    check 15, x5, 0x112233440000cdef
    /* pairs */
    ldxp x7, x8, [x1]
    check 16, x7, 0x112233440000cdef
    mov x9, #1
    mov x10, #2
    stxp w4, x9, x10, [x1]
    check 17, x4, 0
    ldp x7, x8, [x1]
    check 18, x7, 1
    check 19, x8, 2
    ldaxp w7, w8, [x1]
    check 20, x7, 1
    check 21, x8, 0
    stlxp w4, w10, w9, [x1]
    check 22, x4, 0
    ldr x5, [x1]
    check 23, x5, 0x0000000100000002
    /* LDAR/STLR */
    mov x6, #0x55
    stlr x6, [x1]
    ldar x3, [x1]
    check 24, x3, 0x55
    stlrb w9, [x1]
    ldarh w3, [x1]
    check 25, x3, 1
    ldar w3, [x1]
    check 26, x3, 1
    /* an atomic add, as Linux's LL/SC atomic_add: 100 times */
    str xzr, [x1]
    mov x11, #100
1:  ldxr x3, [x1]
    add x3, x3, #3
    stxr w4, x3, [x1]
    cbnz w4, 1b
    subs x11, x11, #1
    b.ne 1b
    ldr x5, [x1]
    check 27, x5, 300
    ret
    .ltorg

    .data
    .balign 16
cell: .space 16
