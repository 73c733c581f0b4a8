/* Synchronous exceptions to EL1 and back (bare metal only: qemu-aarch64 user mode has no EL1):
 * SVC, BRK, UNDEFINED (an FP instruction this core lacks, UDF, an unknown system register, SMC,
 * HVC and EL1 registers from EL0), PC alignment, ERET to EL0 and back, the SP banks and SPSel,
 * DAIF, an illegal exception return, and the ID registers. The handler records in x19..x23:
 * FAR, ESR, ELR, SPSR, vector index; it resumes at x24 (with SPSR = x17 when x17 is not 0). */
#include "test.h"

    .text
    .globl test_main
test_main:
    mov x18, x30
    ldr x1, =vectors
    msr vbar_el1, x1
    mrs x2, vbar_el1
    check_same 1, x1, x2
    mov x17, #0

    /* SVC at EL1 (SP_EL1): vector 4, ESR EC 0x15 + IL + imm16, ELR after it, SPSR = NZCV | DAIF | EL1h */
    adr x24, 1f
    set_nzcv 0x6
svc_at:
    svc #0x1234
1:  expect_exc 10, 4, 0x56001234, svc_at + 4
    check 2, x22, 0x600003c5

    /* BRK returns to itself */
    adr x24, 1f
brk_at:
    brk #7
1:  expect_exc 11, 4, 0xf2000007, brk_at

    /* UNDEFINED: an FP instruction (FP is not implemented), UDF, an unknown system register, SMC */
    adr x24, 1f
fp_at:
    fadd d0, d1, d2
1:  expect_exc 12, 4, 0x02000000, fp_at
    adr x24, 1f
udf_at:
    udf #0
1:  expect_exc 13, 4, 0x02000000, udf_at
    adr x24, 1f
impdef_at:
    mrs x1, s3_0_c15_c0_0
1:  expect_exc 14, 4, 0x02000000, impdef_at
    adr x24, 1f
smc_at:
    smc #0
1:  expect_exc 15, 4, 0x02000000, smc_at

    /* PC alignment: ELR and FAR are the misaligned target */
    adr x24, 1f
    adr x1, pc_align_target
    add x1, x1, #2
    br x1
pc_align_target:
    nop
1:  check 16, x23, 4
    check 17, x20, 0x8a000000
    ldr x27, =pc_align_target + 2
    check_same 18, x21, x27
    check_same 19, x19, x27

    /* ERET to EL0 (SP_EL0), an SVC there comes back through vector 8 (lower EL, AArch64) */
    ldr x1, =el0_stack_top
    msr sp_el0, x1
    mov x5, sp                   /* SP_EL1, to compare after */
    ldr x1, =el0_code
    msr elr_el1, x1
    msr spsr_el1, xzr            /* EL0t, DAIF clear, NZCV clear */
    adr x24, back_at_el1
    mov x17, #0x3c5              /* back to EL1h with DAIF masked */
    eret
back_at_el1:
    ldr x27, =el0_svc_at + 4
    check_same 20, x21, x27
    check 21, x23, 8
    check 22, x20, 0x56000042
    check 23, x22, 0x80000000    /* EL0t, N set by the EL0 code */
    ldr x1, =el0_stack_top
    check_same 24, x2, x1        /* EL0 saw SP_EL0 */
    mov x6, sp
    check_same 25, x6, x5        /* SP_EL1 untouched */
    check 26, x7, 0x02000000     /* ESR of MRS SCTLR_EL1 at EL0: UNDEFINED */
    check 27, x8, 8              /* ... through vector 8 */
    check 28, x9, 0x02000000     /* HVC at EL0: UNDEFINED */
    mov x17, #0

    /* SPSel 0: EL1 uses SP_EL0, and its exceptions go through vector 0 */
    msr spsel, #0
    mov x3, sp
    ldr x1, =el0_stack_top
    check_same 30, x3, x1
    mrs x3, spsel
    check 31, x3, 0
    adr x24, 1f
    svc #1
1:  check 32, x23, 0
    mrs x3, spsel                /* the exception selected SP_EL1, ERET restored SPSel 0 */
    check 33, x3, 0
    msr spsel, #1
    mov x3, sp
    check_same 34, x3, x5

    /* DAIF */
    msr daifclr, #0xf
    mrs x3, daif
    check 40, x3, 0
    msr daifset, #2
    mrs x3, daif
    check 41, x3, 0x80
    mov x3, #0x300
    msr daif, x3
    mrs x3, daif
    check 42, x3, 0x300
    msr daifset, #0xf

    /* an illegal exception return (to EL2): Illegal Execution State, ELR = the target */
    adr x24, 1f
    mov x1, #0x9
    msr spsr_el1, x1
    adr x1, illegal_target
    msr elr_el1, x1
    eret
illegal_target:
    nop
1:  expect_exc 43, 4, 0x3a000000, illegal_target

    /* ID registers and plain EL1 registers */
    mrs x1, midr_el1
    check 50, x1, 0x411fd070
    mrs x1, mpidr_el1
    check 51, x1, 0x80000000
    mrs x1, id_aa64pfr0_el1
    check 52, x1, 0x01ff0011         /* EL0, EL1; no FP, AdvSIMD; GICv3 system registers */
    mrs x1, id_aa64isar0_el1
    check 53, x1, 0
    mrs x1, CurrentEL
    check 54, x1, 4
    ldr x1, =0x1122334455667788
    msr tpidr_el1, x1
    msr tpidr_el0, x1
    mrs x2, tpidr_el1
    mrs x3, tpidr_el0
    check_same 55, x2, x1
    check_same 56, x3, x1
    mrs x1, sctlr_el1
    check 57, x1, 0x30d00800
    /* one breakpoint and one watchpoint (Armv8.0 debug): their registers hold values */
    mrs x1, id_aa64dfr0_el1
    check 60, x1, 6
    ldr x1, =0x40080000
    msr dbgbvr0_el1, x1
    mrs x2, dbgbvr0_el1
    check_same 61, x2, x1
    /* the generic timer's counter: 62.5 MHz, never going backwards */
    mrs x1, cntfrq_el0
    check 58, x1, 62500000
    mrs x1, cntvct_el0
    mrs x2, cntpct_el0
    mrs x3, cntvct_el0
    cmp x2, x1
    cset x4, hs
    cmp x3, x2
    cset x5, hs
    and x4, x4, x5
    check 59, x4, 1
    dc civac, x1                 /* cache and TLB maintenance: nothing to do, no exception */
    ic iallu
    tlbi vmalle1
    mov x30, x18
    ret

el0_code:
    mov x2, sp
    mov x17, #0                  /* the handler returns here, to EL0 */
    adr x24, 1f
    mrs x1, sctlr_el1            /* an EL1 register from EL0: UNDEFINED */
1:  mov x7, x20
    mov x8, x23
    adr x24, 2f
    hvc #0                       /* HVC from EL0: UNDEFINED */
2:  mov x9, x20
    adr x24, back_at_el1
    mov x17, #0x3c5              /* the SVC returns to EL1h */
    set_nzcv 0x8
el0_svc_at:
    svc #0x42
    b .
    .ltorg

    .bss
    .balign 16
    .space 512
el0_stack_top:
