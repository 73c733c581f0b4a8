/* Bare-metal test framework: each TEST_* compares a register with an expected value;
 * on mismatch the program prints "FAIL <test number>" (plus the value it got, where known)
 * and powers off with a failure code.
 *
 * Register conventions: gp holds the current test number; t5 and t6 are scratch for the
 * macros and for trap_handler (code under test must not rely on them across a check).
 * Numeric local labels 7, 8 and 9 are reserved for the macros. */
#define SBI_BASE 0x10
#define SBI_TIME 0x54494D45
#define SBI_IPI 0x735049
#define SBI_RFENCE 0x52464E43
#define SBI_HSM 0x48534D
#define SBI_DBCN 0x4442434E
#define SBI_SRST 0x53525354
#define SBI_SUSP 0x53555350
#define SBI_FWFT 0x46574654
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8
#define SBI_ERR_NO_SHMEM -9
#define SBI_ERR_INVALID_STATE -10
#define SBI_ERR_BAD_RANGE -11
#define SBI_ERR_TIMEOUT -12
#define SBI_ERR_IO -13
#define SBI_ERR_DENIED_LOCKED -14

#define SSTATUS_SIE 0x2
#define SSTATUS_SPIE 0x20
#define SSTATUS_SPP 0x100
#define SSTATUS_FS 0x6000
#define SSTATUS_FS_INITIAL 0x2000
#define SSTATUS_SUM 0x40000
#define SSTATUS_MXR 0x80000

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_USER_ECALL 8
#define CAUSE_FETCH_PAGE 12
#define CAUSE_LOAD_PAGE 13
#define CAUSE_STORE_PAGE 15
#define IRQ_BIT 0x8000000000000000
#define CAUSE_SSI (IRQ_BIT | 1)
#define CAUSE_STI (IRQ_BIT | 5)
#define CAUSE_SEI (IRQ_BIT | 9)

/* An SBI call with the arguments already in a0..a5. */
#define SBI_CALL(eid, fid) li a7, eid; li a6, fid; ecall

/* Print `len` bytes at `sym` on the SBI debug console. */
#define DBCN_PRINT(sym, len) li a0, len; la a1, sym; li a2, 0; SBI_CALL(SBI_DBCN, 0)

/* Run `code`, then check `reg` == `expected` (64-bit). gp holds the test number. */
#define TEST(n, reg, expected, code...) \
  li gp, n; code; li t6, expected; beq reg, t6, 8f; mv t5, reg; j fail_got; 8:;

/* Run `code`, then check r1 == r2 (for values only known at link time, e.g. addresses). */
#define TEST_EQ(n, r1, r2, code...) \
  li gp, n; code; beq r1, r2, 8f; mv t5, r1; j fail_got; 8:;

/* Check the dword at `sym` == `expected` (within the current test). */
#define CHECK_MEM(sym, expected) ld t5, sym; li t6, expected; beq t5, t6, 8f; j fail_got; 8:;

/* Run `code`, which must trap with `cause` and stval == `tval`; execution resumes after it
 * (in S-mode). The trap record (trap_cause, trap_tval, trap_epc, trap_status) stays readable. */
#define TEST_TRAP(n, cause, tval, code...) \
  TRAP_EXPECT(n, code); CHECK_MEM(trap_cause, cause); CHECK_MEM(trap_tval, tval)

/* As TEST_TRAP without checking stval. */
#define TEST_TRAP_CAUSE(n, cause, code...) \
  TRAP_EXPECT(n, code); CHECK_MEM(trap_cause, cause)

/* Run `code` expecting a trap; resume after it. Checks nothing by itself. */
#define TRAP_EXPECT(n, code...) \
  li gp, n; sd zero, trap_cause, t5; la t6, 9f; sd t6, trap_resume, t5; code; j fail_notrap; 9:;

/* Run `code` in U-mode at pc = its S address + `off` (0 with the MMU off), ending with an
 * ecall; whatever trap comes first, execution resumes after the block in S-mode, with the
 * trap recorded (trap_cause == CAUSE_USER_ECALL when `code` ran through). Needs TRAP_SUPPORT
 * and stvec = trap_handler. Like any sret, it leaves S with SIE = the SPIE it started with. */
#define RUN_U_OFF(off, code...) \
  sd zero, trap_cause, t5; la t6, 9f; sd t6, trap_resume, t5; la t6, 7f; li t5, off; add t6, t6, t5; \
  csrw sepc, t6; li t6, SSTATUS_SPP; csrc sstatus, t6; sret; 7: code; ecall; 9:;
#define RUN_U(code...) RUN_U_OFF(0, code)

/* Run `code` in U-mode and check the trap it ended with (CAUSE_USER_ECALL: none before the ecall). */
#define TEST_U(n, cause, code...) \
  li gp, n; RUN_U(code); CHECK_MEM(trap_cause, cause)

/* Pass/fail epilogue: include once at the end of the test's text. */
#define TEST_EPILOGUE \
pass: la a1, pass_msg; li a0, 5; call print_n; li a0, 0; li a1, 0; j srst; \
fail: la t6, fail_kind; sd zero, 0(t6); j fail_common; \
fail_got: la t6, fail_val; sd t5, 0(t6); li t5, 1; la t6, fail_kind; sd t5, 0(t6); j fail_common; \
fail_notrap: la t6, fail_kind; li t5, 2; sd t5, 0(t6); \
fail_common: la a1, fail_msg; li a0, 5; call print_n; mv a0, gp; call print_dec; \
  ld t0, fail_kind; li t1, 1; bne t0, t1, 3f; la a1, got_msg; li a0, 7; call print_n; ld a0, fail_val; call print_hex; \
  3: ld t0, fail_kind; li t1, 2; bne t0, t1, 4f; la a1, notrap_msg; li a0, 10; call print_n; \
  4: la a1, nl_msg; li a0, 1; call print_n; li a0, 0; li a1, 1; \
srst: li a7, SBI_SRST; li a6, 0; ecall; 1: j 1b; \
print_n: li a7, SBI_DBCN; li a6, 0; li a2, 0; ecall; ret; \
print_dec: addi sp, sp, -32; mv t0, a0; addi t1, sp, 31; sb zero, 0(t1); li t2, 10; \
  2: remu t3, t0, t2; addi t3, t3, 48; addi t1, t1, -1; sb t3, 0(t1); divu t0, t0, t2; bnez t0, 2b; \
  addi t4, sp, 31; sub a0, t4, t1; mv a1, t1; li a7, SBI_DBCN; li a6, 0; li a2, 0; ecall; addi sp, sp, 32; ret; \
print_hex: addi sp, sp, -32; mv t0, a0; li t1, 16; mv t2, sp; \
  5: srli t3, t0, 60; slli t0, t0, 4; addi t3, t3, 48; li t4, 58; blt t3, t4, 6f; addi t3, t3, 39; \
  6: sb t3, 0(t2); addi t2, t2, 1; addi t1, t1, -1; bnez t1, 5b; \
  li a0, 16; mv a1, sp; li a7, SBI_DBCN; li a6, 0; li a2, 0; ecall; addi sp, sp, 32; ret; \
  .section .rodata; pass_msg: .ascii "PASS\n"; fail_msg: .ascii "FAIL "; nl_msg: .ascii "\n"; \
  got_msg: .ascii " got 0x"; notrap_msg: .ascii " (no trap)"; \
  .data; .balign 8; fail_kind: .dword 0; fail_val: .dword 0; .text

/* A generic S-mode trap handler (install with TRAP_INIT): records scause, stval, sepc and
 * sstatus, counts traps, and resumes at trap_resume (once; clobbers t5/t6 only). A trap
 * nobody expected prints its details and fails the current test. */
#define TRAP_SUPPORT \
  .text; .balign 4; \
trap_handler: \
  la t6, trap_cause; csrr t5, scause; sd t5, 0(t6); csrr t5, stval; sd t5, 8(t6); \
  csrr t5, sepc; sd t5, 16(t6); csrr t5, sstatus; sd t5, 24(t6); \
  ld t5, 32(t6); addi t5, t5, 1; sd t5, 32(t6); ld t5, 40(t6); beqz t5, 1f; sd zero, 40(t6); \
  csrw sepc, t5; li t5, SSTATUS_SPP; csrs sstatus, t5; sret; \
  1: la t5, trap_unexpected; csrw sepc, t5; li t5, SSTATUS_SPP; csrs sstatus, t5; sret; \
trap_unexpected: \
  la a1, trap_msg1; li a0, 26; call print_n; ld a0, trap_cause; call print_hex; \
  la a1, trap_msg2; li a0, 8; call print_n; ld a0, trap_epc; call print_hex; \
  la a1, trap_msg3; li a0, 9; call print_n; ld a0, trap_tval; call print_hex; \
  la a1, nl_msg; li a0, 1; call print_n; j fail; \
  .section .rodata; trap_msg1: .ascii "unexpected trap: scause 0x"; trap_msg2: .ascii " sepc 0x"; \
  trap_msg3: .ascii " stval 0x"; \
  .data; .balign 8; \
trap_cause: .dword 0; trap_tval: .dword 0; trap_epc: .dword 0; trap_status: .dword 0; \
trap_count: .dword 0; trap_resume: .dword 0; \
  .text

#define TRAP_INIT la t0, trap_handler; csrw stvec, t0;

/* Call `fn` over and over for `ticks` of the 10 MHz timebase: s1 = sum of its a0 results,
 * s2 = number of calls (clobbers s4, t0; uses local label 6). */
#define CALL_FOR_TICKS(fn, ticks) \
  rdtime s4; li t0, ticks; add s4, s4, t0; li s1, 0; li s2, 0; \
  6: call fn; add s1, s1, a0; addi s2, s2, 1; rdtime t0; bltu t0, s4, 6b;

/* Wait up to 5 s for the dword at `sym` to equal `val`; a0 = its final value. Needs WAIT_SUPPORT. */
#define WAIT_EQ(sym, val) lla a0, sym; li a1, val; call wait_eq
/* Wait up to 5 s for hart `h` to report HSM status `st`; a0 = last status. Needs WAIT_SUPPORT. */
#define WAIT_STATUS(h, st) li a0, h; li a1, st; call wait_status
/* wait_eq(a0 = address, a1 = value): polls against the 10 MHz timebase; clobbers t0-t2. */
#define WAIT_SUPPORT \
  .text; .balign 4; \
wait_eq: csrr t0, time; li t1, 50000000; add t1, t0, t1; \
  1: ld t2, 0(a0); beq t2, a1, 2f; csrr t0, time; bltu t0, t1, 1b; \
  2: ld a0, 0(a0); ret; \
/* wait_status(a0 = hart, a1 = HSM status): up to 5 s for hart_get_status(a0) == a1; a0 = status. */ \
wait_status: addi sp, sp, -32; sd ra, 0(sp); sd s0, 8(sp); sd s1, 16(sp); sd s2, 24(sp); \
  mv s0, a0; mv s1, a1; csrr s2, time; li t1, 50000000; add s2, s2, t1; \
  1: mv a0, s0; SBI_CALL(SBI_HSM, 2); bnez a0, 2f; beq a1, s1, 3f; csrr t0, time; bltu t0, s2, 1b; \
  3: mv a0, a1; \
  2: ld ra, 0(sp); ld s0, 8(sp); ld s1, 16(sp); ld s2, 24(sp); addi sp, sp, 32; ret;

/* At an HSM start or resume entry: store a0, a1, satp and sstatus at `prefix`_a0, _a1, _satp,
 * _status, the values the SBI specifies there (clobbers t0, t1). */
#define SAVE_ENTRY_STATE(prefix) \
  sd a0, prefix##_a0, t0; sd a1, prefix##_a1, t0; csrr t1, satp; sd t1, prefix##_satp, t0; \
  csrr t1, sstatus; sd t1, prefix##_status, t0;

/* Standard prologue: a stack at the end of the image's bss. */
#define TEST_PROLOGUE \
  .text; .globl _entry; _entry: la sp, stack_top;

#define TEST_STACK \
  .bss; .align 4; .space 8192; stack_top:
