/* A 64-bit MMIO load reaches the device as two 32-bit reads, low word first: the PL011's
 * identification registers 0xfe0 and 0xfe4 (PeriphID0 = 0x11, PeriphID1 = 0x10); LDAR reaches a
 * device too. */
#include "test.h"
    .text
    .globl test_main
test_main:
    ldr x1, =UART_BASE + 0xfe0
    ldr x2, [x1]
    check 1, x2, 0x0000001000000011
    ldr w2, [x1, #0x10]           /* PrimeCellID0 */
    check 2, x2, 0x0d
    add x3, x1, #0x14
    ldar w2, [x3]                 /* a load-acquire from a device (Linux's readl, erratum 832075) */
    check 3, x2, 0xf0
    ret
    .ltorg
