/* Two vCPUs (tsvisor run --cpus 2): vCPU 0 starts vCPU 1 with PSCI CPU_ON; both add to one
 * counter with LDXR/STXR 20000 times in all; vCPU 1 reports its context ID and MPIDR, then turns
 * itself off (CPU_OFF), which AFFINITY_INFO sees. CPU_ON's refusals: an MPIDR no vCPU has, an
 * entry outside RAM, a vCPU already on. Only for the zone (PSCI, two threads). */
#include "test.h"
#define PSCI_CPU_OFF 0x84000002
#define PSCI_CPU_ON 0xc4000003
#define PSCI_AFFINITY_INFO 0xc4000004
#define ADDS 10000

.macro psci fn, a1, a2, a3
    ldr x0, =\fn
    ldr x1, =\a1
    ldr x2, =\a2
    ldr x3, =\a3
    hvc #0
.endm

/* x1 = the counter: add 1 to it ADDS times (x2, x3, x4 clobbered) */
.macro add_many
    ldr x2, =ADDS
1:  ldxr x3, [x1]
    add x3, x3, #1
    stxr w4, x3, [x1]
    cbnz w4, 1b
    subs x2, x2, #1
    b.ne 1b
.endm

    .text
    .globl test_main
test_main:
    mov x18, x30
    psci PSCI_CPU_ON, 1, secondary, 0x1234
    check 1, x0, 0
    psci PSCI_CPU_ON, 1, secondary, 0
    mov x5, x0                    /* ALREADY_ON (-4) or ON_PENDING (-5) */
    add x5, x5, #5
    cmp x5, #1
    cset x5, ls
    check 2, x5, 1
    psci PSCI_CPU_ON, 0xff, secondary, 0
    check 3, x0, -2               /* INVALID_PARAMETERS: no vCPU has MPIDR 0xff (16 per cluster) */
    ldr x6, =go                   /* now vCPU 1 may count and turn itself off */
    mov x7, #1
    stlr x7, [x6]
    ldr x1, =counter
    add_many
    ldr x6, =done
1:  ldar x7, [x6]
    cbz x7, 1b
    ldr x1, =counter
    ldr x1, [x1]
    check 4, x1, 20000
    ldr x6, =seen
    ldr x7, [x6]
    check 5, x7, 0x1234
    ldr x7, [x6, #8]
    check 6, x7, 0x80000001
2:  psci PSCI_AFFINITY_INFO, 1, 0, 0
    cmp x0, #1                    /* OFF */
    b.ne 2b
    psci PSCI_CPU_ON, 1, 0x1000, 0
    check 7, x0, -9               /* INVALID_ADDRESS */
    mov x30, x18
    ret

secondary:
    ldr x1, =stack1_top
    mov sp, x1
    ldr x6, =seen
    str x0, [x6]                  /* the context ID */
    mrs x7, mpidr_el1
    str x7, [x6, #8]
    ldr x6, =go                   /* not before vCPU 0 has tried its second CPU_ON */
1:  ldar x7, [x6]
    cbz x7, 1b
    ldr x1, =counter
    add_many
    ldr x6, =done
    mov x7, #1
    stlr x7, [x6]
    psci PSCI_CPU_OFF, 0, 0, 0
    b .                           /* CPU_OFF does not return */
    .ltorg

    .data
    .balign 16
counter: .quad 0
done: .quad 0
go: .quad 0
seen: .quad 0, 0
    .bss
    .balign 16
    .space 1024
stack1_top:
