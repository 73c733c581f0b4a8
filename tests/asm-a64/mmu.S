/* Stage 1 translation, 4 KiB granule, 39-bit VAs (link with vectors.S). TTBR0 maps the first
 * 2 GiB flat with 1 GiB blocks (devices, then RAM, where this code runs); TTBR1 maps pages of the
 * top of the address space through three levels:
 *   page 0: data, EL1 read/write        page 4: a copy of some code, execute-never
 *   page 1: data, read-only             page 5: data2, and page 6: data again (a load across them)
 *   page 2: not mapped                  page 7: data, EL0 read/write (for AT S1E0R)
 *   page 3: data, access flag clear
 * Checked: loads through the alias, permission / translation / access-flag faults with their
 * ESR (DFSC and level, WnR), FAR and ELR; an instruction abort; a load across two pages that are
 * apart in RAM; a PTE changed and TLBI; AT; the base register not written back on a fault. */
#include "test.h"

#define HI 0xffffff8000000000
#define PAGE(n) (HI + (n) * 0x1000)
#define AF (1 << 10)
#define AP_RO (2 << 6)
#define AP_EL0 (1 << 6)
#define XN (3 << 53)
#define PAGE_DESC 3
#define BLOCK_DESC 1
#define TABLE_DESC 3

.macro set_pte idx, pa, attrs
    ldr x1, =\pa
    ldr x2, =(\attrs)
    orr x1, x1, x2
    ldr x3, =l3
    str x1, [x3, #(\idx * 8)]
.endm

    .text
    .globl test_main
test_main:
    mov x18, x30
    mov x17, #0
    ldr x1, =vectors
    msr vbar_el1, x1
    /* TTBR0: L1 blocks 0 (devices) and 1 (RAM) */
    ldr x3, =l1_lo
    ldr x1, =(0x00000000 | AF | XN | BLOCK_DESC)
    str x1, [x3]
    ldr x1, =(0x40000000 | AF | BLOCK_DESC)
    str x1, [x3, #8]
    /* TTBR1: L1[0] -> L2, L2[0] -> L3 */
    ldr x3, =l1_hi
    ldr x1, =l2
    orr x1, x1, #TABLE_DESC
    str x1, [x3]
    ldr x3, =l2
    ldr x1, =l3
    orr x1, x1, #TABLE_DESC
    str x1, [x3]
    set_pte 0, data, AF | PAGE_DESC
    set_pte 1, data, AF | AP_RO | PAGE_DESC
    set_pte 3, data, PAGE_DESC
    set_pte 4, code_page, AF | XN | PAGE_DESC
    set_pte 5, data2, AF | PAGE_DESC
    set_pte 6, data, AF | PAGE_DESC
    set_pte 7, data, AF | AP_EL0 | PAGE_DESC
    ldr x1, =l1_lo
    msr ttbr0_el1, x1
    ldr x1, =l1_hi
    msr ttbr1_el1, x1
    ldr x1, =((25 << 16) | 25 | (2 << 30))   /* T1SZ = T0SZ = 25: 39 bits; TG1 = 4K, TG0 = 4K */
    msr tcr_el1, x1
    isb
    mrs x1, sctlr_el1
    orr x1, x1, #1
    msr sctlr_el1, x1
    isb
    /* the MMU is on: this code and the UART still work through TTBR0 */
    ldr x4, =data
    ldr x5, =0x1122334455667788
    str x5, [x4]
    ldr x6, =PAGE(0)
    ldr x7, [x6]
    check 1, x7, 0x1122334455667788
    ldr x7, [x6, #8]!             /* TTBR1 with pre-index */
    ldr x8, =PAGE(0) + 8
    check_same 2, x6, x8
    ldr x6, =PAGE(1)
    ldr x7, [x6]                  /* read-only: reads */
    check 3, x7, 0x1122334455667788

    /* a store to the read-only page: Data Abort, current EL (0x25), permission fault level 3, WnR */
    adr x24, 1f
ro_store:
    str x5, [x6, #16]!
1:  expect_exc 10, 4, 0x9600004f, ro_store
    ldr x8, =PAGE(1)
    check_same 5, x6, x8          /* the base register not written back */
    add x8, x8, #16
    check_same 6, x19, x8         /* FAR: the address accessed */

    /* not mapped: translation fault, level 3 */
    adr x24, 1f
    ldr x6, =PAGE(2) + 0x10
unmapped_load:
    ldr x7, [x6]
1:  expect_exc 11, 4, 0x96000007, unmapped_load
    check_same 7, x19, x6
    /* access flag clear: access flag fault, level 3 */
    adr x24, 1f
    ldr x6, =PAGE(3)
af_load:
    ldrb w7, [x6]
1:  expect_exc 12, 4, 0x9600000b, af_load
    /* a VA outside both ranges: translation fault, level 0 */
    adr x24, 1f
    ldr x6, =0x0000800000000000
outside_load:
    ldr x7, [x6]
1:  expect_exc 13, 4, 0x96000004, outside_load

    /* an execute-never page: Instruction Abort, current EL (0x21), permission fault level 3 */
    adr x24, 1f
    ldr x6, =PAGE(4)
    br x6
1:  check 20, x20, 0x8600000f
    check_same 21, x21, x6
    check_same 22, x19, x6

    /* a load across pages 5 and 6, which are apart in RAM */
    ldr x4, =data2
    ldr x5, =0xaabbccdd
    str w5, [x4, #0xffc]
    ldr x4, =data
    ldr x5, =0x11223344
    str w5, [x4]
    ldr x6, =PAGE(5) + 0xffc
    ldr x7, [x6]
    check 23, x7, 0x11223344aabbccdd
    ldr x8, =0x0102030405060708
    str x8, [x6]                  /* and a store across them */
    ldr w7, [x4]
    check 24, x7, 0x01020304
    /* a pair across them */
    ldr x6, =PAGE(5) + 0xff8
    ldp x9, x10, [x6]
    ldr x7, [x4, #-0]
    check_same 25, x10, x7

    /* a PTE changed: after TLBI the new page shows */
    ldr x6, =PAGE(0)
    ldr x7, [x6]                  /* now in the TLB */
    set_pte 0, data2, AF | PAGE_DESC
    dsb ishst
    tlbi vmalle1
    dsb ish
    isb
    ldr x4, =data2
    ldr x5, =0x5566
    str x5, [x4]
    ldr x7, [x6]
    check 26, x7, 0x5566

    /* AT: PAR_EL1 */
    ldr x6, =PAGE(7) + 0x123
    at s1e0r, x6
    mrs x7, par_el1
    ldr x8, =data
    check_same 27, x7, x8
    ldr x6, =PAGE(0)
    at s1e0r, x6                  /* EL1-only page: permission fault at level 3 for EL0 */
    mrs x7, par_el1
    check 28, x7, (0x0f << 1) | 1
    at s1e1w, x6
    mrs x7, par_el1
    ldr x8, =data2
    check_same 29, x7, x8

    /* the MMU off again */
    mrs x1, sctlr_el1
    bic x1, x1, #1
    msr sctlr_el1, x1
    isb
    mov x30, x18
    ret
    .ltorg

    .balign 4096
code_page:
    ret
    .balign 4096

    .bss
    .balign 4096
l1_lo: .space 4096
l1_hi: .space 4096
l2: .space 4096
l3: .space 4096
data: .space 4096
data2: .space 4096
