/* Data processing: ADD/SUB (immediate, shifted, extended, with carry) with exact NZCV, logical
 * (immediate with the bitmask decode, shifted register), move wide, ADR/ADRP, bitfield moves and
 * their aliases, EXTR, conditional select and compare, multiply and divide, 1- and 2-source ops.
 * Expected values are checked against qemu-aarch64 as well (tests/a64.test.ts). */
#include "test.h"
    .text
    .globl test_main
test_main:
    /* ---- ADD/SUB immediate and flags ---- */
    mov x1, #-1
    adds x2, x1, #1
    check 1, x2, 0
    check_nzcv 2, 0x6            /* Z, C */
    mov w1, #0x7fffffff
    adds w2, w1, #1
    check 3, x2, 0x80000000
    check_nzcv 4, 0x9            /* N, V */
    mov x1, #0x7fffffffffffffff
    adds x2, x1, #1
    check 5, x2, 0x8000000000000000
    check_nzcv 6, 0x9
    mov x1, #0
    subs x2, x1, #1
    check 7, x2, 0xffffffffffffffff
    check_nzcv 8, 0x8            /* N, borrow: C clear */
    mov x1, #5
    subs x2, x1, #5
    check_nzcv 9, 0x6            /* Z, C (no borrow) */
    mov w1, #0x80000000
    subs w2, w1, #1
    check 10, x2, 0x7fffffff
    check_nzcv 11, 0x3           /* C, V */
    mov x1, #0x1000
    add x2, x1, #0xabc, lsl #12
    check 12, x2, 0xabd000
    mov w1, #-1                  /* a W write clears the upper half */
    check 13, x1, 0xffffffff
    add w2, w1, #2
    check 14, x2, 1
    cmn x1, #1                   /* 0xffffffff + 1: no carry out of 64 bits */
    check_nzcv 15, 0x0
    /* SP as operand and destination (register 31 of ADD immediate) */
    mov x20, sp
    sub sp, sp, #0x40
    add x3, sp, #0x10
    sub x4, x20, #0x30
    check_same 16, x3, x4
    mov sp, x20
    mov x5, sp
    check_same 17, x5, x20

    /* ---- ADD/SUB shifted and extended register ---- */
    mov x1, #0x100
    mov x2, #3
    add x3, x1, x2, lsl #4
    check 20, x3, 0x130
    sub x3, x1, x2, lsr #1
    check 21, x3, 0xff
    mov x2, #-16
    add x3, x1, x2, asr #2
    check 22, x3, 0xfc
    mov w2, #0x80000000
    add w3, w1, w2, asr #4
    check 23, x3, 0xf8000100
    mov x2, #0x1ff
    add x3, x1, w2, uxtb
    check 24, x3, 0x1ff
    add x3, x1, w2, sxtb #2      /* 0xff sign-extended is -1, << 2 = -4 */
    check 25, x3, 0xfc
    mov x2, #0x8000
    add x3, x1, w2, sxth
    check 26, x3, 0xffffffffffff8100
    mov x2, #0xffffffff
    add x3, x1, w2, sxtw #1
    check 27, x3, 0xfe
    add x3, x1, w2, uxtw #4
    check 28, x3, 0x10000000f0
    mov x20, sp
    add x3, sp, x1                /* SP operand: extended form, LSL alias of UXTX */
    sub x3, x3, x20
    check 29, x3, 0x100
    subs x3, x1, w2, uxth
    check 30, x3, 0x100 - 0xffff
    check_nzcv 31, 0x8
    cmp w1, w2, uxtb
    check_nzcv 32, 0x2

    /* ---- ADC/SBC ---- */
    set_nzcv 0x2
    mov x1, #1
    mov x2, #2
    adc x3, x1, x2
    check 40, x3, 4
    set_nzcv 0x0
    sbc x3, x1, x2               /* 1 - 2 - 1 */
    check 41, x3, -2
    mov x1, #-1
    set_nzcv 0x2
    adcs x3, x1, xzr             /* -1 + 0 + 1 = 0, carry out */
    check 42, x3, 0
    check_nzcv 43, 0x6
    mov w1, #0x7fffffff
    set_nzcv 0x2
    adcs w3, w1, wzr
    check 44, x3, 0x80000000
    check_nzcv 45, 0x9
    mov x1, #0
    set_nzcv 0x0
    sbcs x3, x1, xzr             /* 0 - 0 - 1 */
    check_nzcv 46, 0x8
    set_nzcv 0x2
    sbcs x3, x1, xzr
    check_nzcv 47, 0x6
    ngc x3, xzr                  /* 0 - 0 - !C with C set */
    check 48, x3, 0

    /* ---- logical immediate (bitmask decode) and shifted register ---- */
    mov x1, #0
    orr x2, x1, #0x5555555555555555
    check 50, x2, 0x5555555555555555
    orr x2, x1, #0xff00ff00ff00ff00
    check 51, x2, 0xff00ff00ff00ff00
    orr x2, x1, #0x0000000000fffff0
    check 52, x2, 0xfffff0
    orr w2, w1, #0x80000001
    check 53, x2, 0x80000001
    orr x2, x1, #0x7ffffffffffffffe
    check 54, x2, 0x7ffffffffffffffe
    orr x2, x1, #0x3c3c3c3c3c3c3c3c
    check 55, x2, 0x3c3c3c3c3c3c3c3c
    mov x1, #0xffff
    and x2, x1, #0xff0
    check 56, x2, 0xff0
    eor x2, x1, #0xffffffff00000000
    check 57, x2, 0xffffffff0000ffff
    ands x2, x1, #0x8000000000000000
    check_nzcv 58, 0x4
    mov x1, #-1
    ands w2, w1, #0x80000000
    check_nzcv 59, 0x8
    set_nzcv 0x3                 /* ANDS clears C and V */
    tst x1, #1
    check_nzcv 60, 0x0
    mov x20, sp
    and sp, x20, #0xfffffffffffffff0   /* logical immediate may write SP */
    mov x3, sp
    mov sp, x20
    and x4, x20, #-16
    check_same 61, x3, x4
    mov x1, #0xf0f0
    mov x2, #0x0ff0
    bic x3, x1, x2
    check 62, x3, 0xf000
    orn x3, xzr, x2
    check 63, x3, 0xfffffffffffff00f
    eon x3, x1, x2, lsl #4
    check 64, x3, 0xfffffffffffff00f
    orr x3, x1, x2, ror #8
    check 65, x3, 0xf00000000000f0ff
    and x3, x1, x2, asr #4
    check 66, x3, 0x00f0
    mov w2, #0x80000000
    orr w3, wzr, w2, asr #31
    check 67, x3, 0xffffffff
    orr w3, wzr, w2, ror #1
    check 68, x3, 0x40000000
    bics x3, x1, x1
    check_nzcv 69, 0x4
    mvn x3, x1
    check 70, x3, 0xffffffffffff0f0f

    /* ---- move wide ---- */
    movz x1, #0x1234, lsl #48
    movk x1, #0x5678, lsl #16
    check 80, x1, 0x1234000056780000
    movn x1, #0
    check 81, x1, 0xffffffffffffffff
    movn w1, #0x1
    check 82, x1, 0xfffffffe
    movn x1, #0xffff, lsl #16
    check 83, x1, 0xffffffff0000ffff
    mov w1, #-1
    movk w1, #0, lsl #16
    check 84, x1, 0xffff

    /* ---- ADR/ADRP ---- */
    adr x1, adr_target
    ldr x2, =adr_target
    check_same 85, x1, x2
adr_target:
    adrp x1, test_main
    ldr x2, =test_main
    and x2, x2, #~0xfff
    check_same 86, x1, x2

    /* ---- bitfield ---- */
    mov x1, #0xabcd
    ubfx x2, x1, #4, #8
    check 90, x2, 0xbc
    sbfx x2, x1, #8, #8
    check 91, x2, 0xffffffffffffffab
    sbfx w2, w1, #8, #8
    check 92, x2, 0xffffffab
    lsl x2, x1, #60
    check 93, x2, 0xd000000000000000
    lsr w2, w1, #12
    check 94, x2, 0xa
    asr x2, x2, #1
    check 95, x2, 0x5
    mov x1, #-256
    asr x2, x1, #4
    check 96, x2, 0xfffffffffffffff0
    mov x1, #0xff
    sxtb x2, w1
    check 97, x2, 0xffffffffffffffff
    sxth w2, w1
    check 98, x2, 0xff
    mov w1, #0x80000000
    sxtw x2, w1
    check 99, x2, 0xffffffff80000000
    uxth w2, w1
    check 100, x2, 0
    mov x1, #0x1111111111111111
    mov x2, #0xabc
    bfi x1, x2, #8, #12
    check 101, x1, 0x11111111111abc11
    bfxil x1, x2, #4, #8
    check 102, x1, 0x11111111111abcab
    mov x2, #0x3
    bfi w1, w2, #30, #2
    check 103, x1, 0xd11abcab
    sbfiz x2, x2, #62, #1
    check 104, x2, 0xc000000000000000
    ubfiz w2, w1, #4, #4
    check 105, x2, 0xb0
    mov x2, #0x7
    bfi x1, xzr, #0, #8
    check 106, x1, 0xd11abc00

    /* ---- EXTR / ROR immediate ---- */
    ldr x1, =0x0123456789abcdef
    ldr x2, =0xfedcba9876543210
    extr x3, x1, x2, #16
    check 110, x3, 0xcdeffedcba987654
    extr w3, w1, w2, #8
    check 111, x3, 0xef765432
    ror x3, x1, #4
    check 112, x3, 0xf0123456789abcde
    extr x3, x1, x2, #0
    check 113, x3, 0xfedcba9876543210

    /* ---- conditional select and compare ---- */
    mov x1, #1
    mov x2, #2
    cmp x1, x2
    csel x3, x1, x2, lt
    check 120, x3, 1
    csinc x3, x1, x2, gt
    check 121, x3, 3
    csinv x3, x1, x2, eq
    check 122, x3, 0xfffffffffffffffd
    csneg x3, x1, x2, hi
    check 123, x3, -2
    cset w3, ne
    check 124, x3, 1
    csetm x3, cc
    check 125, x3, -1
    cinc x3, x1, ls
    check 126, x3, 2
    cneg w3, w2, mi
    check 127, x3, 0xfffffffe
    ccmp x1, #1, #0x4, lt        /* lt holds: compare 1 with 1 */
    check_nzcv 128, 0x6
    ccmp x1, x2, #0x9, ne        /* ne fails (Z set): flags = 0x9 */
    check_nzcv 129, 0x9
    ccmn w1, #1, #0x0, lt        /* N != V: 1 + 1 */
    check_nzcv 130, 0x0
    set_nzcv 0x0
    ccmp x1, #2, #0xf, al
    check_nzcv 131, 0x8
    /* every condition code, on flags that make half of them hold */
    set_nzcv 0x6                 /* Z C */
    cset x3, eq
    cset x4, hs
    cset x5, hi
    cset x6, ge
    cset x7, gt
    cset x8, le
    cset x9, vs
    add x3, x3, x4, lsl #1
    add x3, x3, x5, lsl #2
    add x3, x3, x6, lsl #3
    add x3, x3, x7, lsl #4
    add x3, x3, x8, lsl #5
    add x3, x3, x9, lsl #6
    check 132, x3, 0x2b
    set_nzcv 0x9                 /* N V */
    cset x3, mi
    cset x4, vs
    cset x5, ge
    cset x6, lt
    cset x7, gt
    cset x8, ls
    add x3, x3, x4, lsl #1
    add x3, x3, x5, lsl #2
    add x3, x3, x6, lsl #3
    add x3, x3, x7, lsl #4
    add x3, x3, x8, lsl #5
    check 133, x3, 0x37

    /* ---- multiply and divide ---- */
    mov x1, #1000
    mov x2, #-3
    mul x3, x1, x2
    check 140, x3, -3000
    madd x3, x1, x2, x1
    check 141, x3, -2000
    msub x3, x1, x2, x1
    check 142, x3, 4000
    mneg w3, w1, w2
    check 143, x3, 3000
    smull x3, w1, w2
    check 144, x3, -3000
    umull x3, w1, w2
    check 145, x3, 0x3e7fffff448
    mov x4, #7
    smaddl x3, w2, w2, x4
    check 146, x3, 16
    umsubl x3, w1, w1, x4
    check 147, x3, 7 - 1000000
    mov x1, #0xffffffffffffffff
    umulh x3, x1, x1
    check 148, x3, 0xfffffffffffffffe
    smulh x3, x1, x1
    check 149, x3, 0
    mov x1, #0x8000000000000000
    smulh x3, x1, x1
    check 150, x3, 0x4000000000000000
    mov x2, #3
    smulh x3, x1, x2
    check 151, x3, 0xfffffffffffffffe
    ldr x1, =0x123456789abcdef0
    ldr x2, =0xfedcba9876543210
    umulh x3, x1, x2
    check 152, x3, 0x121fa00ad77d7422
    smulh x3, x1, x2
    check 153, x3, 0xffeb49923cc09532  /* umulh - x1, as x2 is negative */
    mov x1, #100
    mov x2, #7
    udiv x3, x1, x2
    check 160, x3, 14
    mov x1, #-100
    sdiv x3, x1, x2
    check 161, x3, -14
    udiv x3, x1, xzr             /* division by zero gives 0 */
    check 162, x3, 0
    sdiv w3, w1, wzr
    check 163, x3, 0
    mov x1, #0x8000000000000000
    mov x2, #-1
    sdiv x3, x1, x2              /* overflow gives the dividend */
    check 164, x3, 0x8000000000000000
    mov w1, #0x80000000
    sdiv w3, w1, w2
    check 165, x3, 0x80000000
    udiv w3, w1, w2
    check 166, x3, 0

    /* ---- 1- and 2-source ---- */
    ldr x1, =0x0123456789abcdef
    rev x2, x1
    check 170, x2, 0xefcdab8967452301
    rev w2, w1
    check 171, x2, 0xefcdab89
    rev16 x2, x1
    check 172, x2, 0x23016745ab89efcd
    rev32 x2, x1
    check 173, x2, 0x67452301efcdab89
    rbit x2, x1
    check 174, x2, 0xf7b3d591e6a2c480
    rbit w2, w1
    check 175, x2, 0xf7b3d591
    clz x2, x1
    check 176, x2, 7
    clz w2, wzr
    check 177, x2, 32
    cls x2, x1
    check 178, x2, 6
    mov x1, #-1
    cls x2, x1
    check 179, x2, 63
    cls w2, w1
    check 180, x2, 31
    mov x1, #0x0000ffff00000000
    cls x2, x1
    check 181, x2, 15
    mov x1, #0x80
    mov x2, #66
    lsl x3, x1, x2                /* shift amount modulo 64 */
    check 182, x3, 0x200
    lsr w3, w1, w2
    check 183, x3, 0x20
    mov x1, #-64
    asr x3, x1, x2
    check 184, x3, -16
    mov x1, #0xff
    ror w3, w1, w2
    check 185, x3, 0xc000003f
    ror x3, x1, x2
    check 186, x3, 0xc00000000000003f
    ret
    .ltorg
