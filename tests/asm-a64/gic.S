/* The GICv3 and the generic timer (link with vectors.S): the virtual timer fires PPI 27 into
 * an IRQ; an SGI to this vCPU; ICC_PMR holding an SGI back until it is lowered; the PL011's
 * transmit interrupt as SPI 1 (INTID 33) through the distributor; priorities and EOI. */
#include "test.h"
#define GICD 0x08000000
#define GICR 0x080a0000
#define GICR_SGI (GICR + 0x10000)

    .text
    .globl irq_handler
irq_handler:
    mrs x12, S3_0_C12_C12_0       /* ICC_IAR1_EL1 */
    ldr x13, =irq_log
    ldr x14, [x13]
    add x15, x13, #8
    str x12, [x15, x14, lsl #3]
    add x14, x14, #1
    str x14, [x13]
    cmp x12, #27
    b.ne 1f
    msr cntv_ctl_el0, xzr         /* the timer: off (its line drops) */
1:  cmp x12, #33
    b.ne 2f
    ldr x13, =UART_BASE
    mov w14, #0
    str w14, [x13, #0x38]         /* PL011 IMSC: no more TX interrupts ... */
    ldr w14, [x13, #0x38]         /* ... once the posted write has reached the UART (a read waits for it) */
2:  msr S3_0_C12_C12_1, x12       /* ICC_EOIR1_EL1 */
    eret

/* wait_irqs N: spin (WFI) until N interrupts are logged */
.macro wait_irqs n
    ldr x1, =irq_log
1:  ldr x2, [x1]
    cmp x2, #\n
    b.hs 2f
    wfi
    b 1b
2:
.endm

    .globl test_main
test_main:
    mov x18, x30
    ldr x1, =vectors
    msr vbar_el1, x1
    /* distributor: group 1 on; redistributor awake */
    ldr x1, =GICD
    mov w2, #2
    str w2, [x1]
    ldr w3, [x1, #4]              /* TYPER: ITLinesNumber 3 (128 INTIDs) */
    and w3, w3, #0x1f
    check 1, x3, 3
    ldr x1, =GICR
    str wzr, [x1, #0x14]          /* WAKER: ProcessorSleep = 0 */
1:  ldr w2, [x1, #0x14]
    tbnz w2, #2, 1b               /* ChildrenAsleep */
    ldr x2, [x1, #8]              /* TYPER, 64-bit: affinity 0, Last */
    check 2, x2, 0x10
    /* enable PPI 27 (timer) and SGIs 3, 5 at priority 0x80 */
    ldr x1, =GICR_SGI
    ldr w2, =((1 << 27) | (1 << 3) | (1 << 5))
    str w2, [x1, #0x100]
    mov w2, #0x80
    strb w2, [x1, #0x400 + 27]
    strb w2, [x1, #0x400 + 3]
    strb w2, [x1, #0x400 + 5]
    /* the CPU interface */
    mrs x2, S3_0_C12_C12_5        /* ICC_SRE_EL1 */
    check 3, x2, 7
    mov x2, #0xf0
    msr S3_0_C4_C6_0, x2          /* ICC_PMR_EL1 */
    mov x2, #1
    msr S3_0_C12_C12_7, x2        /* ICC_IGRPEN1_EL1 */
    msr daifclr, #2

    /* the virtual timer, 1 ms ahead */
    ldr x2, =62500
    msr cntv_tval_el0, x2
    mov x2, #1
    msr cntv_ctl_el0, x2
    wait_irqs 1
    ldr x1, =irq_log
    ldr x2, [x1, #8]
    check 10, x2, 27
    mrs x2, cntv_ctl_el0          /* off by the handler */
    check 11, x2, 0

    /* an SGI to this vCPU (target list bit 0, Aff1 0) */
    ldr x2, =(3 << 24) | 1
    msr S3_0_C12_C11_5, x2        /* ICC_SGI1R_EL1 */
    wait_irqs 2
    ldr x1, =irq_log
    ldr x2, [x1, #16]
    check 20, x2, 3

    /* PMR 0x80 holds back a priority-0x80 SGI: it stays pending until PMR is raised */
    mov x2, #0x80
    msr S3_0_C4_C6_0, x2
    ldr x2, =(5 << 24) | 1
    msr S3_0_C12_C11_5, x2
    mov x3, #1000
1:  subs x3, x3, #1
    b.ne 1b
    ldr x1, =irq_log
    ldr x2, [x1]
    check 30, x2, 2               /* not taken */
    mrs x2, S3_0_C12_C12_2        /* ICC_HPPIR1_EL1 */
    check 31, x2, 5
    mov x2, #0xf0
    msr S3_0_C4_C6_0, x2
    wait_irqs 3
    ldr x1, =irq_log
    ldr x2, [x1, #24]
    check 32, x2, 5

    /* SPI 1: the PL011's transmit interrupt, routed to this vCPU */
    ldr x1, =GICD
    mov w2, #0x80
    strb w2, [x1, #0x400 + 33]
    add x3, x1, #0x6000
    str wzr, [x3, #0x108]         /* IROUTER33: Aff 0.0.0 */
    mov w2, #2
    str w2, [x1, #0x104]          /* ISENABLER1: INTID 33 */
    ldr x1, =UART_BASE
    mov w2, #(1 << 5)
    str w2, [x1, #0x38]           /* IMSC: TX */
    wait_irqs 4
    ldr x1, =irq_log
    ldr x2, [x1, #32]
    check 40, x2, 33
    mrs x2, S3_0_C12_C12_0        /* nothing else pending: spurious */
    check 41, x2, 1023
    /* group 0 exists (one security state) but holds nothing */
    mrs x2, S3_0_C12_C8_0         /* ICC_IAR0_EL1 */
    check 42, x2, 1023
    msr S3_0_C12_C8_4, xzr        /* ICC_AP0R0_EL1, as Linux clears it */
    mrs x2, S3_0_C12_C11_3        /* ICC_RPR_EL1: idle */
    check 43, x2, 0xff
    msr daifset, #2
    mov x30, x18
    ret
    .ltorg

    .data
    .balign 8
irq_log: .quad 0
    .space 64
