/* Two vCPUs with the MMU on share page tables: vCPU 1 reads a page through its TLB, vCPU 0
 * points the page elsewhere and broadcasts TLBI VMALLE1IS; vCPU 1 then reads the new page (with a
 * local-only TLBI it would still see the old one). Zone only (PSCI, two threads). */
#include "test.h"
#define PSCI_CPU_OFF 0x84000002
#define PSCI_CPU_ON 0xc4000003
#define HI 0xffffff8000000000
#define AF (1 << 10)
#define XN (3 << 53)

/* Turn the MMU on with the tables cpu 0 built (each vCPU has its own translation registers). */
.macro mmu_on
    ldr x1, =l1_lo
    msr ttbr0_el1, x1
    ldr x1, =l1_hi
    msr ttbr1_el1, x1
    ldr x1, =((25 << 16) | 25 | (2 << 30))
    msr tcr_el1, x1
    isb
    mrs x1, sctlr_el1
    orr x1, x1, #1
    msr sctlr_el1, x1
    isb
.endm

.macro wait_flag label
    ldr x6, =\label
1:  ldar x7, [x6]
    cbz x7, 1b
.endm

.macro set_flag label
    ldr x6, =\label
    mov x7, #1
    stlr x7, [x6]
.endm

    .text
    .globl test_main
test_main:
    mov x18, x30
    ldr x3, =l1_lo
    ldr x1, =(0x00000000 | AF | XN | 1)
    str x1, [x3]
    ldr x1, =(0x40000000 | AF | 1)
    str x1, [x3, #8]
    ldr x3, =l1_hi
    ldr x1, =l2
    orr x1, x1, #3
    str x1, [x3]
    ldr x3, =l2
    ldr x1, =l3
    orr x1, x1, #3
    str x1, [x3]
    ldr x3, =l3
    ldr x1, =data
    ldr x2, =(AF | 3)
    orr x1, x1, x2
    str x1, [x3]
    ldr x1, =data
    mov x2, #0x1111
    str x2, [x1]
    ldr x1, =data2
    mov x2, #0x2222
    str x2, [x1]
    mmu_on
    ldr x0, =PSCI_CPU_ON
    mov x1, #1
    ldr x2, =secondary
    mov x3, #0
    hvc #0
    check 1, x0, 0
    wait_flag ready
    ldr x3, =l3                   /* the page now points at data2 */
    ldr x1, =data2
    ldr x2, =(AF | 3)
    orr x1, x1, x2
    str x1, [x3]
    dsb ishst
    tlbi vmalle1is
    dsb ish
    isb
    set_flag go
    wait_flag done
    ldr x6, =seen
    ldr x7, [x6]
    check 2, x7, 0x1111
    ldr x7, [x6, #8]
    check 3, x7, 0x2222
    mov x30, x18
    ret

secondary:
    mmu_on
    ldr x6, =HI
    ldr x7, [x6]                  /* data, through this vCPU's TLB */
    ldr x8, =seen
    str x7, [x8]
    set_flag ready
    wait_flag go
    ldr x6, =HI
    ldr x7, [x6]                  /* data2 after the broadcast TLBI */
    ldr x8, =seen
    str x7, [x8, #8]
    set_flag done
    ldr x0, =PSCI_CPU_OFF
    hvc #0
    b .
    .ltorg

    .data
    .balign 16
ready: .quad 0
go: .quad 0
done: .quad 0
seen: .quad 0, 0
    .bss
    .balign 4096
l1_lo: .space 4096
l1_hi: .space 4096
l2: .space 4096
l3: .space 4096
data: .space 4096
data2: .space 4096
