/* Branches: B, BL, B.cond (every condition, taken and not), CBZ/CBNZ (W and X), TBZ/TBNZ
 * (low and high bits), BR, BLR (also through X30), RET to another register; NOP and barriers. */
#include "test.h"
    .text
    .globl test_main
test_main:
    mov x21, x30
    mov x1, #0
    b 1f
    mov x1, #1
1:  check 1, x1, 0
    bl sub_add1
    check 2, x1, 1
    /* B.cond: with Z C set, eq/cs/hi?no/ls/ge/le taken; count them */
    mov x2, #0
    set_nzcv 0x6
    b.eq 2f
    b fail_b
2:  b.ne fail_b
    b.cs 3f
    b fail_b
3:  b.cc fail_b
    b.hi fail_b
    b.ls 4f
    b fail_b
4:  b.mi fail_b
    b.pl 5f
    b fail_b
5:  b.vs fail_b
    b.vc 6f
    b fail_b
6:  b.lt fail_b
    b.ge 7f
    b fail_b
7:  b.gt fail_b
    b.le 8f
    b fail_b
8:  b.al 9f
    b fail_b
9:  set_nzcv 0x9                 /* N V: ge and gt hold, lt and le do not */
    b.lt fail_b
    b.le fail_b
    b.gt 10f
    b fail_b
10: mov x2, #1
    check 3, x2, 1

    /* CBZ/CBNZ on W looks at 32 bits only */
    mov x3, #0x100000000
    cbz w3, 11f
    b fail_b
11: cbnz x3, 12f
    b fail_b
12: cbz x3, fail_b
    cbnz w3, fail_b
    mov x4, #2
    check 4, x4, 2

    /* TBZ/TBNZ */
    mov x3, #0x8000000000000001
    tbz x3, #0, fail_b
    tbnz x3, #63, 13f
    b fail_b
13: tbnz x3, #62, fail_b
    tbz w3, #31, 14f
    b fail_b
14: mov x4, #3
    check 5, x4, 3

    /* BR, BLR, RET Xn */
    adr x5, 15f
    br x5
    b fail_b
15: adr x30, sub_add1
    blr x30                      /* the target is read before X30 is written */
    check 6, x1, 2
    adr x6, sub_ret_x7
    blr x6
    check 7, x1, 12
    /* a backward loop: 10 iterations */
    mov x8, #10
    mov x9, #0
16: add x9, x9, #3
    sub x8, x8, #1
    cbnz x8, 16b
    check 8, x9, 30
    nop
    dmb ish
    dsb sy
    isb
    yield
#ifndef USER
    mrs x10, CurrentEL           /* (EL0, under qemu-aarch64, may not read it) */
    check 9, x10, 4              /* EL1 */
#endif
    mov x30, x21
    ret

sub_add1:
    add x1, x1, #1
    ret

sub_ret_x7:
    mov x7, x30
    add x1, x1, #10
    ret x7

fail_b:
    mov x0, #0xbad
    b fail
    .ltorg
