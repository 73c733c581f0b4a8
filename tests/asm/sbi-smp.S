/* SBI on a 4-hart zone: HSM (status, start with a0/a1/satp/mode as specified, start errors,
 * stop and restart), atomicity of AMOs, LR/SC and an AMO spinlock across harts running
 * concurrently, IPIs between harts (a target waiting in wfi), a remote sfence.vma that must
 * take effect on a running hart before the call returns, SRST powering off the zone while
 * another hart still runs, and LR/SC failing after another hart stored to the reserved
 * location. Hart 0 checks everything; the others only report. */
#include "test.h"
#define HARTS 4
#define ITER 100000                 /* per hart: amoadd.d, lr/sc, amoadd.w */
#define LOCK_ITER 20000             /* per hart: spinlock-protected plain increments */
#define RAM_END 0x84000000
#define MS 10000
#define HSM_STARTED 0
#define HSM_STOPPED 1
#define STATUS(hart) li a0, hart; SBI_CALL(SBI_HSM, 2)
#define START(hart, label, opaque) li a0, hart; la a1, label; li a2, opaque; SBI_CALL(SBI_HSM, 0)
/* The info record of hart h: hartid, opaque, satp, sstatus, started flag (8 dwords each) */
#define INFO(h, field) info + (h) * 64 + (field) * 8

TEST_PROLOGUE
  .option norvc

  /* ---- status of the secondaries before anything started them ---- */
  TEST(1, a1, HSM_STOPPED, STATUS(1))
  TEST(2, a1, HSM_STOPPED, STATUS(3))
  TEST(3, a1, HSM_STARTED, STATUS(0))
  TEST(4, a0, SBI_ERR_INVALID_PARAM, STATUS(HARTS))

  /* ---- hart_start: registers and mode at entry ---- */
  TEST(10, a0, 0, START(1, secondary, 0x1111))
  TEST(11, a0, 1, WAIT_EQ(INFO(1, 4), 1))
  TEST(12, a0, 1, ld a0, INFO(1, 0))                   /* a0 = hartid */
  TEST(13, a0, 0x1111, ld a0, INFO(1, 1))              /* a1 = opaque */
  TEST(14, a0, 0, ld a0, INFO(1, 2))                   /* satp = 0 (and readable: S-mode) */
  TEST(15, a0, 0, ld a0, INFO(1, 3); andi a0, a0, SSTATUS_SIE)
  TEST(16, a1, HSM_STARTED, STATUS(1))
  TEST(17, a0, 1, ld t0, INFO(1, 5); csrr t1, time; sltu a0, t1, t0; xori a0, a0, 1)  /* one time base for all harts */
  /* start errors */
  TEST(20, a0, SBI_ERR_ALREADY_AVAILABLE, START(1, secondary, 0))
  TEST(21, a0, SBI_ERR_ALREADY_AVAILABLE, START(0, secondary, 0))
  TEST(22, a0, SBI_ERR_INVALID_PARAM, START(HARTS, secondary, 0))
  TEST(23, a0, SBI_ERR_INVALID_PARAM, START(7, secondary, 0))
  TEST(24, a0, SBI_ERR_INVALID_PARAM, li a0, -1; la a1, secondary; SBI_CALL(SBI_HSM, 0))
  TEST(25, a0, SBI_ERR_INVALID_ADDRESS, li a0, 2; li a1, 0x1000; li a2, 0; SBI_CALL(SBI_HSM, 0))
  TEST(26, a0, SBI_ERR_INVALID_ADDRESS, li a0, 2; li a1, RAM_END; li a2, 0; SBI_CALL(SBI_HSM, 0))
  TEST(27, a0, SBI_ERR_INVALID_ADDRESS, li a0, 2; li a1, 0x10000000; li a2, 0; SBI_CALL(SBI_HSM, 0))
  TEST(28, a1, HSM_STOPPED, STATUS(2))                 /* failed starts left it alone */
  TEST(29, a0, 0, START(2, secondary, 0x2222))
  TEST(30, a0, 0, START(3, secondary, 0x3333))
  TEST(31, a0, 1, WAIT_EQ(INFO(3, 4), 1))
  TEST(32, a0, 1, WAIT_EQ(INFO(2, 4), 1))
  TEST(33, a0, 3, ld a0, INFO(3, 0))
  TEST(34, a0, 0x3333, ld a0, INFO(3, 1))
  TEST(35, a0, 2, ld a0, INFO(2, 0))
  TEST(36, a0, 0x2222, ld a0, INFO(2, 1))

  /* ---- atomicity across harts: everyone hammers the same counters at once ---- */
  li t0, 1
  sd t0, go, t1
  li a0, 0
  call worker
  TEST(40, a0, HARTS, WAIT_EQ(done, HARTS))
  TEST(41, a0, HARTS * ITER, ld a0, counter_a)         /* amoadd.d */
  TEST(42, a0, HARTS * ITER, ld a0, counter_b)         /* lr.d / sc.d */
  TEST(43, a0, HARTS * ITER, lwu a0, counter_c)        /* amoadd.w */
  TEST(44, a0, 0, lwu a0, counter_c + 4)               /* its neighbour */
  TEST(45, a0, HARTS * LOCK_ITER, ld a0, counter_d)    /* spinlock + plain ld/sd */
  TEST(46, a0, 0, lw a0, lock)
  TEST(47, a0, 3000 + ITER - 1, ld a0, counter_max)    /* amomaxu.d */
  TEST(48, a0, HARTS * ITER, lwu a0, counter_w)        /* lr.w / sc.w */

  /* ---- hart_stop, then restart ---- */
  TEST(50, a0, HSM_STOPPED, WAIT_STATUS(1, HSM_STOPPED))
  TEST(51, a0, HSM_STOPPED, WAIT_STATUS(2, HSM_STOPPED))
  TEST(52, a0, HSM_STOPPED, WAIT_STATUS(3, HSM_STOPPED))
  TEST(53, a0, 0, sd zero, INFO(1, 4), t0; START(1, secondary_ipi, 0x4444))
  TEST(54, a0, 1, WAIT_EQ(INFO(1, 4), 1))
  TEST(55, a0, 0x4444, ld a0, INFO(1, 1))
  TEST(56, a0, 1, ld a0, INFO(1, 0))

  /* ---- IPIs to hart 1, which waits in wfi ---- */
  TEST(60, a0, 1, WAIT_EQ(ipi_ready, 1))
  TEST(61, a0, 0, li a0, 1 << 1; li a1, 0; SBI_CALL(SBI_IPI, 0))
  TEST(62, a0, 1, WAIT_EQ(ipi_got, 1))
  TEST(63, a0, CAUSE_SSI, ld a0, ipi_cause)
  TEST(64, a0, 0, li a0, 1; li a1, 1; SBI_CALL(SBI_IPI, 0))           /* base 1, bit 0: hart 1 */
  TEST(65, a0, 2, WAIT_EQ(ipi_got, 2))
  TEST(66, a0, 0, csrr a0, sip)                                        /* hart 0 was not a target */
  TEST(67, a0, 0, li a0, 0; li a1, -1; SBI_CALL(SBI_IPI, 0))          /* everyone, hart 0 too */
  TEST(68, a0, 3, WAIT_EQ(ipi_got, 3))
  TEST(69, a0, 2, csrr a0, sip)                                        /* SIE=0 here: only pending */
  csrci sip, 2
  TEST(70, a0, HSM_STOPPED, WAIT_STATUS(1, HSM_STOPPED))

  /* ---- remote sfence.vma reaches a running hart before the call returns ---- */
  call build_tables
  TEST(80, a0, 0, START(2, secondary_tlb, 0))           /* hart 2 polls in a busy loop */
  TEST(81, a0, 0, START(3, secondary_tlb, 1))           /* hart 3 sleeps in wfi between polls */
  TEST(82, a0, 0xaaaa, WAIT_EQ(tlb_seen + 16, 0xaaaa))  /* both read page A through their TLBs */
  TEST(83, a0, 0xaaaa, WAIT_EQ(tlb_seen + 24, 0xaaaa))
  la t0, l0
  la t1, page_b
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 0xc7                                     /* V R W A D */
  sd t1, 0(t0)                                         /* the VA now maps page B */
  TEST(84, a0, 0, li a0, 3 << 2; li a1, 0; li a2, 0x40000000; li a3, 0x1000; SBI_CALL(SBI_RFENCE, 1))
  li t0, 1
  sd t0, tlb_check, t1
  TEST(85, a0, 0xbbbb, WAIT_EQ(tlb_final + 16, 0xbbbb))
  TEST(86, a0, 0xbbbb, WAIT_EQ(tlb_final + 24, 0xbbbb))
  TEST(87, a0, HSM_STOPPED, WAIT_STATUS(2, HSM_STOPPED))
  TEST(88, a0, HSM_STOPPED, WAIT_STATUS(3, HSM_STOPPED))
  /* remote fences to everyone (some harts stopped, this one included) still succeed */
  TEST(89, a0, 0, li a0, 0; li a1, -1; li a2, 0; li a3, -1; SBI_CALL(SBI_RFENCE, 1))
  TEST(89, a0, 0, li a0, 0; li a1, -1; SBI_CALL(SBI_RFENCE, 0))
  TEST(89, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, HARTS; SBI_CALL(SBI_RFENCE, 1))

  /* ---- power off while hart 3 still spins: SRST ends the whole zone ---- */
  TEST(90, a0, 0, START(3, secondary_spin, 0))
  TEST(91, a0, 1, WAIT_EQ(spinning, 1))

  /* ---- LR/SC vs. another hart's store of the same value (ABA): the SC must fail.
   * Kept last so that a failure masks nothing. ---- */
  TEST(100, a0, 0, START(1, secondary_aba, 0))
  la s0, aba_word
  TEST(101, a0, 5, li t0, 5; sd t0, 0(s0); lr.d a0, (s0))
  li t0, 1
  sd t0, aba_step, t1                                  /* hart 1: store 5 over the 5 */
  TEST(102, a0, 2, WAIT_EQ(aba_step, 2))
  TEST(103, a2, 1, li a1, 6; sc.d a2, a1, (s0))
  TEST(104, a0, 5, ld a0, 0(s0))
  TEST(105, a0, 5, lr.d a0, (s0))
  li t0, 3
  sd t0, aba_step, t1                                  /* hart 1: 5 -> 7 -> 5 */
  TEST(106, a0, 4, WAIT_EQ(aba_step, 4))
  TEST(107, a2, 1, li a1, 6; sc.d a2, a1, (s0))
  TEST(108, a0, 5, ld a0, 0(s0))
  TEST(109, a0, 5, lr.w a0, (s0))
  li t0, 5
  sd t0, aba_step, t1                                  /* hart 1: amoadd.w 0 (a store too) */
  TEST(110, a0, 6, WAIT_EQ(aba_step, 6))
  TEST(111, a2, 1, li a1, 6; sc.w a2, a1, (s0))
  j pass

/* ================= secondary harts ================= */
  .balign 4
secondary:
  /* report the entry state, then join the counter hammering, then stop */
  la sp, stacks
  addi t0, a0, 1
  slli t0, t0, 12
  add sp, sp, t0
  la t0, info
  slli t1, a0, 6
  add s0, t0, t1
  sd a0, 0(s0)
  sd a1, 8(s0)
  csrr t0, satp
  sd t0, 16(s0)
  csrr t0, sstatus
  sd t0, 24(s0)
  csrr t0, time
  sd t0, 40(s0)
  mv s1, a0
  fence
  li t0, 1
  sd t0, 32(s0)
1: ld t0, go
  beqz t0, 1b
  mv a0, s1
  call worker
  SBI_CALL(SBI_HSM, 1)                                 /* hart_stop: no return */
  j fail

secondary_ipi:
  lla sp, stacks + 4096 * 2
  lla s0, info + 64
  sd a0, 0(s0)
  sd a1, 8(s0)
  li t0, 1
  sd t0, 32(s0)
  la t0, ipi_handler
  csrw stvec, t0
  li t0, 2
  csrw sie, t0
  csrsi sstatus, SSTATUS_SIE
  li t0, 1
  sd t0, ipi_ready, t1
1: wfi
  ld t0, ipi_got
  li t1, 3
  bltu t0, t1, 1b
  csrci sstatus, SSTATUS_SIE
  SBI_CALL(SBI_HSM, 1)
  j fail
ipi_handler:
  csrr t5, scause
  sd t5, ipi_cause, t6
  csrci sip, 2
  ld t5, ipi_got
  addi t5, t5, 1
  sd t5, ipi_got, t6
  sret

secondary_tlb:
  /* Sv39 on this hart: identity gigapage + VA 0x40000000 -> page A (remapped to B by hart 0);
   * a1 != 0: sleep in wfi between polls. Results go to tlb_seen/tlb_final[hartid]. */
  slli a0, a0, 3
  la s1, tlb_seen
  add s1, s1, a0
  la s2, tlb_final
  add s2, s2, a0
  mv s3, a1
  la t0, root
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li s0, 0x40000000
1: ld t0, 0(s0)
  sd t0, 0(s1)
  ld t0, tlb_check
  bnez t0, 2f
  beqz s3, 1b
  wfi
  j 1b
2: ld t0, 0(s0)
  sd t0, 0(s2)
  csrw satp, zero
  sfence.vma
  SBI_CALL(SBI_HSM, 1)
  j fail

secondary_aba:
  la s0, aba_word
  la s1, aba_step
1: ld t0, 0(s1)
  li t1, 1
  bne t0, t1, 1b
  ld t0, 0(s0)
  sd t0, 0(s0)                                         /* the same value back */
  li t0, 2
  sd t0, 0(s1)
2: ld t0, 0(s1)
  li t1, 3
  bne t0, t1, 2b
  li t0, 7
  sd t0, 0(s0)
  li t0, 5
  sd t0, 0(s0)
  li t0, 4
  sd t0, 0(s1)
3: ld t0, 0(s1)
  li t1, 5
  bne t0, t1, 3b
  amoadd.w zero, zero, (s0)
  li t0, 6
  sd t0, 0(s1)
  SBI_CALL(SBI_HSM, 1)
  j fail

secondary_spin:
  li t0, 1
  sd t0, spinning, t1
1: addi t0, t0, 1
  j 1b

/* a0 = this hart's id: ITER rounds of the shared-counter operations, then done += 1. */
worker:
  la s4, counter_a
  la s5, counter_b
  la s6, counter_c
  la s7, lock
  la s8, counter_d
  la s9, counter_max
  la s11, counter_w
  li t4, 1000
  mul s3, a0, t4                   /* amomaxu operand base: hartid * 1000 */
  li s10, 0
  li t4, 1
1: amoadd.d zero, t4, (s4)
2: lr.d t0, (s5)
  addi t0, t0, 1
  sc.d t1, t0, (s5)
  bnez t1, 2b
  amoadd.w zero, t4, (s6)
  add t0, s3, s10
  amomaxu.d zero, t0, (s9)
3: lr.w t0, (s11)
  addiw t0, t0, 1
  sc.w t1, t0, (s11)
  bnez t1, 3b
  li t0, LOCK_ITER
  bgeu s10, t0, 5f
4: li t0, 1
  amoswap.w.aq t0, t0, (s7)
  bnez t0, 4b
  ld t0, 0(s8)
  addi t0, t0, 1
  sd t0, 0(s8)
  amoswap.w.rl zero, zero, (s7)
5: addi s10, s10, 1
  li t0, ITER
  bltu s10, t0, 1b
  la t0, done
  amoadd.d zero, t4, (t0)
  ret

WAIT_SUPPORT


build_tables:
  la t0, root
  li t1, (0x80000000 >> 12 << 10) | 0xcf              /* identity gigapage, V R W X A D */
  sd t1, 16(t0)
  la t1, l1
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 1
  sd t1, 8(t0)                                        /* root[1] -> l1 (VA 0x40000000) */
  la t0, l1
  la t1, l0
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 1
  sd t1, 0(t0)
  la t0, l0
  la t1, page_a
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 0xc7
  sd t1, 0(t0)
  la t0, page_a
  li t1, 0xaaaa
  sd t1, 0(t0)
  la t0, page_b
  li t1, 0xbbbb
  sd t1, 0(t0)
  ret

TEST_EPILOGUE

  .data
  .balign 64
counter_a: .dword 0
  .balign 64
counter_b: .dword 0
  .balign 64
counter_c: .word 0, 0
  .balign 64
counter_d: .dword 0
lock: .word 0, 0
  .balign 64
counter_max: .dword 0
counter_w: .word 0, 0
go: .dword 0
done: .dword 0
ipi_ready: .dword 0
ipi_got: .dword 0
ipi_cause: .dword 0
tlb_seen: .dword 0, 0, 0, 0
tlb_check: .dword 0
tlb_final: .dword 0, 0, 0, 0
spinning: .dword 0
aba_step: .dword 0
  .balign 64
aba_word: .dword 0
  .balign 64
info: .space 64 * HARTS
  .bss
  .balign 4096
root: .space 4096
l1: .space 4096
l0: .space 4096
page_a: .space 4096
page_b: .space 4096
stacks: .space 4096 * HARTS
TEST_STACK
