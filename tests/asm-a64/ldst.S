/* Loads and stores: every size with zero and sign extension to W and X; unsigned offset, unscaled,
 * pre- and post-index (also on SP), register offset with LSL/UXTW/SXTW/SXTX and the size shift,
 * literal (LDR W/X, LDRSW), pairs (STP/LDP W and X with all index modes, LDPSW, LDNP/STNP), PRFM. */
#include "test.h"
    .text
    .globl test_main
test_main:
    ldr x1, =buf
    ldr x2, =0x8899aabbccddeeff
    str x2, [x1]
    ldrb w3, [x1]
    check 1, x3, 0xff
    ldrsb w3, [x1]
    check 2, x3, 0xffffffff
    ldrsb x3, [x1, #4]
    check 3, x3, 0xffffffffffffffbb
    ldrh w3, [x1, #2]
    check 4, x3, 0xccdd
    ldrsh x3, [x1, #6]
    check 5, x3, 0xffffffffffff8899
    ldrsh w3, [x1, #6]
    check 6, x3, 0xffff8899
    ldr w3, [x1, #4]
    check 7, x3, 0x8899aabb
    ldrsw x3, [x1, #4]
    check 8, x3, 0xffffffff8899aabb
    ldr x3, [x1]
    check 9, x3, 0x8899aabbccddeeff
    /* unscaled and misaligned */
    ldur w3, [x1, #1]
    check 10, x3, 0xbbccddee
    ldursh w3, [x1, #3]
    check 11, x3, 0xffffbbcc
    ldur x3, [x1, #-0]
    check 12, x3, 0x8899aabbccddeeff
    add x4, x1, #16
    ldur x3, [x4, #-16]
    check 13, x3, 0x8899aabbccddeeff
    /* stores of each size */
    mov x5, #0x1122
    strb w5, [x1, #8]
    strh w5, [x1, #10]
    ldr w5, =0x33445566
    str w5, [x1, #12]
    ldr x3, [x1, #8]
    check 14, x3, 0x3344556611220022
    sturh w5, [x1, #9]
    ldr x3, [x1, #8]
    check 15, x3, 0x3344556611556622
    str xzr, [x1, #8]
    ldr x3, [x1, #8]
    check 16, x3, 0
    /* pre- and post-index write the base back */
    mov x4, x1
    ldr x3, [x4, #4]!
    check 17, x3, 0x8899aabb
    sub x6, x4, x1
    check 18, x6, 4
    ldrb w3, [x4], #-3
    check 19, x3, 0xbb
    sub x6, x4, x1
    check 20, x6, 1
    mov x5, #0x77
    strb w5, [x4, #-1]!
    check_same 21, x4, x1
    ldrb w3, [x1]
    check 22, x3, 0x77
    str x2, [x4], #8
    sub x6, x4, x1
    check 23, x6, 8
    /* on SP */
    mov x20, sp
    str x2, [sp, #-16]!
    ldr x3, [sp], #16
    check 24, x3, 0x8899aabbccddeeff
    mov x6, sp
    check_same 25, x6, x20
    /* register offset */
    mov x7, #2
    ldrh w3, [x1, x7]
    check 26, x3, 0xccdd
    ldrh w3, [x1, x7, lsl #1]
    check 27, x3, 0xaabb
    mov x7, #1
    ldr w3, [x1, x7, lsl #2]
    check 28, x3, 0x8899aabb
    mov w7, #-1
    add x8, x1, #1
    ldrb w3, [x8, w7, sxtw]
    check 29, x3, 0xff
    mov x7, #-8
    add x8, x1, #8
    ldr x3, [x8, x7, sxtx]
    check 30, x3, 0x8899aabbccddeeff
    mov x7, #-1
    ldr x3, [x8, x7, sxtx #3]
    check 31, x3, 0x8899aabbccddeeff
    mov x7, #0
    str x2, [x1, x7, lsl #3]
    /* literal */
    ldr w3, lit32
    check 32, x3, 0x80000001
    ldrsw x3, lit32
    check 33, x3, 0xffffffff80000001
    ldr x3, lit64
    check 34, x3, 0x0123456789abcdef
    prfm pldl1keep, lit64
    prfm pldl1keep, [x1]
    prfm pstl2strm, [x1, x7]
    prfum pldl1keep, [x1, #1]
    /* pairs */
    mov x9, #1
    mov x10, #2
    stp x9, x10, [x1]
    ldp x11, x12, [x1]
    check 35, x11, 1
    check 36, x12, 2
    stp w10, w9, [x1, #16]
    ldr x3, [x1, #16]
    check 37, x3, 0x0000000100000002
    mov x4, x1
    stp x10, x9, [x4, #32]!
    sub x6, x4, x1
    check 38, x6, 32
    ldp x11, x12, [x4], #-32
    check 39, x11, 2
    check 40, x12, 1
    check_same 41, x4, x1
    mov w9, #-2
    mov w10, #-3
    stp w9, w10, [x1, #-8]!
    ldpsw x11, x12, [x1], #8
    check 42, x11, -2
    check 43, x12, -3
    ldp w11, w12, [x1, #-8]
    check 44, x11, 0xfffffffe
    stnp x10, x9, [x1, #48]
    ldnp x11, x12, [x1, #48]
    check 45, x12, 0xfffffffe
    stp x29, x30, [sp, #-16]!
    mov x29, #5
    ldp x29, x30, [sp], #16
    check_same 46, x29, x29
    mov x6, sp
    check_same 47, x6, x20
    /* byte-reversed data in memory (a little-endian view) */
    ldr x1, =words
    ldr x3, [x1]
    check 48, x3, 0x0807060504030201
    ldrh w3, [x1, #7]
    check 49, x3, 0x0908
    ret

    .balign 8
lit64: .quad 0x0123456789abcdef
lit32: .word 0x80000001
    .balign 8
words: .byte 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    .ltorg

    .data
    .balign 16
    .space 64
buf: .space 128
