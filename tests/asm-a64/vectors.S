/* An EL1 exception vector table for tests that take exceptions (link it beside them): every
 * entry records in x19..x23 FAR_EL1, ESR_EL1, ELR_EL1, SPSR_EL1 and the entry's index, then
 * resumes at x24 (with SPSR_EL1 = x17 when x17 is not 0). VBAR_EL1 = `vectors`. The IRQ entries
 * go to `irq_handler` instead when the test defines one (it may use x12..x16 and must ERET). */
#include "test.h"

.macro vector idx
    .balign 0x80
    mov x23, #\idx
    b handler
.endm

    .weak irq_handler
.macro irq_vector idx
    .balign 0x80
    ldr x16, =irq_handler
    cbz x16, 1f
    br x16
1:  mov x23, #\idx
    b handler
.endm

    .text
    .balign 2048
    .globl vectors
vectors:
    vector 0
    irq_vector 1
    vector 2
    vector 3
    vector 4
    irq_vector 5
    vector 6
    vector 7
    vector 8
    irq_vector 9
    vector 10
    vector 11
    vector 12
    irq_vector 13
    vector 14
    vector 15

handler:
    mrs x19, far_el1
    mrs x20, esr_el1
    mrs x21, elr_el1
    mrs x22, spsr_el1
    msr elr_el1, x24
    cbz x17, 1f
    msr spsr_el1, x17
1:  eret
    .ltorg
