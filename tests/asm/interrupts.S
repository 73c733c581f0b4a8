/* Supervisor timer and software interrupts on one hart: the SBI TIME extension and the Sstc
 * stimecmp CSR (never early, taken only with SIE and STIE, pending visible in sip either way),
 * wfi waking for enabled-in-sie interrupts even with SIE = 0, self-IPIs through the SBI IPI
 * extension (explicit mask and hart_mask_base = -1), clearing SSIP, legacy clear_ipi. */
#include "test.h"
#define STIMECMP 0x14d
#define MS 10000                            /* timebase ticks per millisecond (10 MHz) */

/* Wait (up to ~2 s) until irq_count >= n; a0 = irq_count. */
#define WAIT_IRQS(n) li a0, n; call wait_irqs

TEST_PROLOGUE
  .option norvc
  la t0, int_handler
  csrw stvec, t0
  li t0, -1
  csrw STIMECMP, t0

  /* ---- SBI set_timer: taken with SIE and STIE, not before the deadline ---- */
  li t0, 0x20
  csrw sie, t0
  csrsi sstatus, SSTATUS_SIE
  TEST(1, a0, 0, csrr s0, time; li t0, 2 * MS; add s0, s0, t0; mv a0, s0; SBI_CALL(SBI_TIME, 0))
  TEST(2, a0, 1, WAIT_IRQS(1))
  TEST(3, a0, CAUSE_STI, ld a0, irq_log)
  TEST(4, a0, 1, ld t0, irq_time; sltu a0, t0, s0; xori a0, a0, 1)         /* time >= deadline */
  TEST(5, a0, 0, csrr a0, sip; andi a0, a0, 0x20)                         /* handler re-armed to -1 */
  /* a deadline already in the past fires at once */
  TEST(6, a0, 2, li a0, 0; SBI_CALL(SBI_TIME, 0); nop; nop; WAIT_IRQS(2))
  /* the legacy set_timer works too */
  TEST(7, a0, 3, csrr a0, time; li t0, MS; add a0, a0, t0; li a7, 0; ecall; WAIT_IRQS(3))

  /* ---- SIE = 0: not taken, but pending in sip, and wfi still wakes ---- */
  csrci sstatus, SSTATUS_SIE
  TEST(10, a0, 0x20, csrr s0, time; li t0, 2 * MS; add s0, s0, t0; mv a0, s0; SBI_CALL(SBI_TIME, 0); \
       li s2, 200; 5: wfi; csrr a0, sip; andi a0, a0, 0x20; bnez a0, 4f; addi s2, s2, -1; bnez s2, 5b; 4:)
  TEST(11, a0, 3, ld a0, irq_count)                                        /* nothing taken */
  TEST(12, a0, 1, csrr t0, time; sltu a0, t0, s0; xori a0, a0, 1)          /* not before the deadline */
  TEST(13, a0, 0x20, wfi; wfi; csrr a0, sip)                               /* pending+enabled: wfi returns */
  TEST(14, a0, 0, li a0, -1; SBI_CALL(SBI_TIME, 0); csrr a0, sip)         /* set_timer clears STIP */
  /* STIE = 0: pending is visible, never taken, even with SIE = 1 */
  TEST(15, a0, 0x20, csrw sie, zero; li a0, 0; SBI_CALL(SBI_TIME, 0); csrsi sstatus, SSTATUS_SIE; nop; nop; csrr a0, sip)
  TEST(16, a0, 3, ld a0, irq_count)
  /* enabling STIE with the timer pending and SIE = 1: taken at once */
  TEST(17, a0, 4, li t0, 0x20; csrs sie, t0; nop; nop; ld a0, irq_count)
  /* wfi with SIE = 1 waits for the timer, takes the interrupt, then goes on after the wfi */
  TEST(18, a0, 5, csrr s0, time; li t0, 3 * MS; add a0, s0, t0; SBI_CALL(SBI_TIME, 0); \
       li s2, 500; 5: wfi; ld a0, irq_count; li t0, 5; beq a0, t0, 4f; addi s2, s2, -1; bnez s2, 5b; 4:)
  csrci sstatus, SSTATUS_SIE

  /* ---- Sstc: the stimecmp CSR ---- */
  li t0, 1
  sd t0, use_csr, t1                       /* the handler re-arms through the CSR now */
  TEST(20, a0, 0x123456789, li t0, 0x123456789; csrw STIMECMP, t0; csrr a0, STIMECMP)
  TEST(21, a0, 0, csrr a0, sip; andi a0, a0, 0x20)
  TEST(22, a0, 0x20, csrw STIMECMP, zero; csrr a0, sip; andi a0, a0, 0x20)    /* past: pending at once */
  TEST(23, a0, 0, li t0, -1; csrw STIMECMP, t0; csrr a0, sip; andi a0, a0, 0x20) /* future: not pending */
  TEST(24, a0, 0x20, csrr t0, time; addi t0, t0, -1; csrw STIMECMP, t0; csrr a0, sip; andi a0, a0, 0x20)
  TEST(25, a0, 5, ld a0, irq_count)                                       /* SIE = 0: not taken */
  TEST(26, a0, 6, csrsi sstatus, SSTATUS_SIE; nop; ld a0, irq_count)
  TEST(27, a0, -1, csrr a0, STIMECMP)
  TEST(28, a0, 7, csrr s0, time; li t0, 2 * MS; add s0, s0, t0; csrw STIMECMP, s0; WAIT_IRQS(7))
  TEST(29, a0, 1, ld t0, irq_time + 48; sltu a0, t0, s0; xori a0, a0, 1)  /* not early */
  TEST(30, a0, CAUSE_STI, ld a0, irq_log + 48)
  /* moving the deadline into the future before it fires: nothing happens. (The window is wide:
   * guest time runs on while the vCPU is held up — descheduled on a busy host, or waiting for a
   * compile in TSVISOR_JIT=eager — and a deadline that passes meanwhile rightly fires.) */
  TEST(31, a0, 7, csrr t0, time; li t1, 100 * MS; add t0, t0, t1; csrw STIMECMP, t0; li t0, -1; csrw STIMECMP, t0; \
       csrr s0, time; li t1, 110 * MS; add s0, s0, t1; 5: csrr t0, time; bltu t0, s0, 5b; ld a0, irq_count)
  csrci sstatus, SSTATUS_SIE
  li t0, -1
  csrw STIMECMP, t0

  /* ---- software interrupts: IPI to self ---- */
  li t0, 2
  csrw sie, t0
  csrsi sstatus, SSTATUS_SIE
  TEST(40, a0, 0, li a0, 1; li a1, 0; SBI_CALL(SBI_IPI, 0))               /* hart_mask 1, base 0 */
  TEST(41, a0, 8, WAIT_IRQS(8))
  TEST(42, a0, CAUSE_SSI, ld a0, irq_log + 56)
  TEST(43, a0, 0, li a0, 0; li a1, -1; SBI_CALL(SBI_IPI, 0))              /* base -1: all harts */
  TEST(44, a0, 9, WAIT_IRQS(9))
  TEST(45, a0, 0, csrr a0, sip)
  TEST(46, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, 1; SBI_CALL(SBI_IPI, 0)) /* hart 1 does not exist */
  TEST(47, a0, SBI_ERR_INVALID_PARAM, li a0, 2; li a1, 0; SBI_CALL(SBI_IPI, 0))
  TEST(48, a0, 9, nop; ld a0, irq_count)
  /* SIE = 0: pending only; csrc sip clears it */
  csrci sstatus, SSTATUS_SIE
  TEST(50, a0, 2, li a0, 1; li a1, 0; SBI_CALL(SBI_IPI, 0); csrr a0, sip)
  TEST(51, a0, 2, wfi; csrr a0, sip)                                       /* wfi returns */
  TEST(52, a0, 0, csrci sip, 2; csrr a0, sip)
  TEST(53, a0, 9, ld a0, irq_count)
  /* legacy clear_ipi */
  TEST(54, a0, 0, csrsi sip, 2; li a7, 3; ecall; csrr a0, sip)
  /* a software interrupt set through sip by S itself is taken once enabled */
  TEST(55, a0, 10, csrsi sip, 2; csrsi sstatus, SSTATUS_SIE; nop; ld a0, irq_count)
  TEST(56, a0, CAUSE_SSI, ld a0, irq_log + 72)
  csrci sstatus, SSTATUS_SIE
  csrw sie, zero
  j pass

/* a0 = target count; returns a0 = irq_count once >= target, or after ~2 s. */
wait_irqs:
  csrr t0, time
  li t1, 2000 * MS
  add t1, t0, t1
1: ld t2, irq_count
  bge t2, a0, 2f
  csrr t0, time
  bltu t0, t1, 1b
2: ld a0, irq_count
  ret

/* Logs scause and time (up to 16 entries), clears the source, returns. */
  .balign 4
int_handler:
  addi sp, sp, -64
  sd a0, 0(sp)
  sd a1, 8(sp)
  sd a6, 16(sp)
  sd a7, 24(sp)
  sd t0, 32(sp)
  sd t1, 40(sp)
  csrr t0, scause
  bgez t0, int_bad
  ld t1, irq_count
  li a0, 16
  bgeu t1, a0, int_bad
  slli a0, t1, 3
  la a1, irq_log
  add a1, a1, a0
  sd t0, 0(a1)
  csrr a0, time
  sd a0, 128(a1)                         /* irq_time[] follows irq_log[] */
  addi t1, t1, 1
  sd t1, irq_count, a0
  slli t0, t0, 1
  srli t0, t0, 1
  li a0, 1
  beq t0, a0, 1f
  li a0, 5
  bne t0, a0, int_bad
  ld a0, use_csr
  bnez a0, 2f
  li a0, -1                              /* SBI: set_timer(-1) */
  SBI_CALL(SBI_TIME, 0)
  j 3f
2: li a0, -1
  csrw STIMECMP, a0
  j 3f
1: csrci sip, 2
3: ld a0, 0(sp)
  ld a1, 8(sp)
  ld a6, 16(sp)
  ld a7, 24(sp)
  ld t0, 32(sp)
  ld t1, 40(sp)
  addi sp, sp, 64
  sret
int_bad:
  li gp, 999
  j fail

TEST_EPILOGUE
  .data
  .balign 8
use_csr: .dword 0
irq_count: .dword 0
irq_log: .space 128
irq_time: .space 128
TEST_STACK
