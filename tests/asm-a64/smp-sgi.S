/* An SGI from vCPU 0 wakes vCPU 1 out of WFI (link with vectors.S; zone only: two threads).
 * vCPU 1 takes it as an IRQ, reports its INTID and turns itself off. */
#include "test.h"
#define GICD 0x08000000
#define GICR1 (0x080a0000 + 0x20000)
#define PSCI_CPU_OFF 0x84000002
#define PSCI_CPU_ON 0xc4000003

    .text
    .globl irq_handler
irq_handler:
    mrs x12, S3_0_C12_C12_0       /* ICC_IAR1_EL1 */
    ldr x13, =got
    str x12, [x13]
    msr S3_0_C12_C12_1, x12       /* ICC_EOIR1_EL1 */
    eret

    .globl test_main
test_main:
    mov x18, x30
    ldr x1, =GICD
    mov w2, #2
    str w2, [x1]                  /* group 1 on */
    ldr x0, =PSCI_CPU_ON
    mov x1, #1
    ldr x2, =secondary
    mov x3, #0
    hvc #0
    check 1, x0, 0
    ldr x6, =ready
1:  ldar x7, [x6]
    cbz x7, 1b
    ldr x2, =(7 << 24) | (1 << 1) /* SGI 7 to Aff0 1 */
    msr S3_0_C12_C11_5, x2
    ldr x6, =got
2:  ldar x7, [x6]
    cbz x7, 2b
    check 2, x7, 7
    mov x30, x18
    ret

secondary:
    ldr x1, =stack1_top
    mov sp, x1
    ldr x1, =vectors
    msr vbar_el1, x1
    ldr x1, =GICR1
    str wzr, [x1, #0x14]          /* WAKER */
    add x1, x1, #0x10000
    mov w2, #(1 << 7)
    str w2, [x1, #0x100]          /* ISENABLER0: SGI 7 */
    ldr w2, [x1, #0x100]          /* the posted writes have landed */
    mov x2, #0xf0
    msr S3_0_C4_C6_0, x2          /* PMR */
    mov x2, #1
    msr S3_0_C12_C12_7, x2        /* IGRPEN1 */
    msr daifclr, #2
    ldr x6, =ready
    mov x7, #1
    stlr x7, [x6]
    ldr x6, =got
3:  wfi                           /* asleep in its thread until the SGI */
    ldar x7, [x6]
    cbz x7, 3b
    ldr x0, =PSCI_CPU_OFF
    hvc #0
    b .
    .ltorg

    .data
    .balign 8
ready: .quad 0
got: .quad 0
    .bss
    .balign 16
    .space 1024
stack1_top:
