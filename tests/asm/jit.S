#include "test.h"
#define STIMECMP 0x14d
/* Code hot enough for the block JIT: results must match the interpreter's semantics, and
 * code rewritten by the guest must run in its new form after fence.i. Compilation runs on its
 * own thread while the code keeps running interpreted, so every part runs long enough (ITER
 * iterations, or MS_RUN of guest time) for most of it to run compiled. */
#define ITER 200000
#define COPIES 3000
#define MS_RUN 300
#define TICKS_RUN (MS_RUN * 10000)
TEST_PROLOGUE
  /* 1. A loop of ITER iterations over ALU ops, loads/stores, division edge cases, branches. */
  li s0, ITER
  li s1, 0              /* checksum */
  la s2, buf
  li s3, 0
1:
  addi s3, s3, 7
  mul t0, s3, s3
  xor s1, s1, t0
  slli t1, s1, 3
  srai t2, s1, 5
  add s1, s1, t1
  sub s1, s1, t2
  addw t3, s1, s3
  sllw t4, t3, s3
  sraw t5, t3, s3
  add s1, s1, t4
  xor s1, s1, t5
  div t0, s1, s3        /* s3 > 0 */
  rem t1, s1, zero      /* rem by zero = dividend */
  divu t2, s1, zero     /* = all ones */
  add s1, s1, t0
  xor s1, s1, t1
  xor s1, s1, t2
  andi t0, s3, 255
  slli t0, t0, 3
  add t0, s2, t0
  sd s1, 0(t0)
  lw t1, 4(t0)
  lbu t2, 1(t0)
  add s1, s1, t1
  add s1, s1, t2
  sltu t3, s1, s3
  slt t4, s1, s3
  add s1, s1, t3
  add s1, s1, t4
  la t0, amobuf
  amoadd.d t1, s1, (t0)
  addi t2, t0, 8
  amoxor.w t3, s1, (t2)
  add s1, s1, t1
  xor s1, s1, t3
  bltu s1, s3, 2f
  addi s1, s1, 1
2:
  addi s0, s0, -1
  bnez s0, 1b
  TEST(1, s1, CHECKSUM, nop)

  /* 2. Self-modifying code: a hot function returns 1, for MS_RUN of guest time; patched to
   * return 2, fence.i, and every call made after that returns 2. s2 counts calls. */
  CALL_FOR_TICKS(patchme, TICKS_RUN)
  TEST_EQ(2, s1, s2, nop)
  la t0, patchme
  li t1, 0x00200513     /* addi a0, zero, 2 */
  sw t1, 0(t0)
  fence.i
  CALL_FOR_TICKS(patchme, TICKS_RUN)
  slli s2, s2, 1
  TEST_EQ(3, s1, s2, nop)

  /* 3. CSR instructions inside a hot loop (compiled blocks call into the core for them). */
  li s0, ITER
  li s1, 0
5:
  csrrc t0, sstatus, SSTATUS_SIE
  csrw sscratch, s0
  csrr t1, sscratch
  add s1, s1, t1
  csrs sstatus, t0
  addi s0, s0, -1
  bnez s0, 5b
  TEST(4, s1, ITER * (ITER + 1) / 2, nop)

  /* 4. An interrupt made deliverable by csrs in a hot loop is taken right after that csrs:
   * the timer fires (SIE clear) at iteration ITER/2; the handler must see s0 == ITER/2. */
  la t0, timer_handler
  csrw stvec, t0
  li t0, -1
  csrw STIMECMP, t0
  li t0, 1 << 5
  csrs sie, t0
  li s0, ITER
  li s4, ITER / 2
6:
  csrrc t0, sstatus, SSTATUS_SIE
  bne s0, s4, 7f
  rdtime t1
  csrw STIMECMP, t1     /* pending from now on, but interrupts are off */
7:
  csrsi sstatus, SSTATUS_SIE /* first time after arming: the interrupt must be taken here */
  addi s0, s0, -1
  bnez s0, 6b
  ld t0, irq_at
  TEST(5, t0, ITER / 2, nop)

  /* 5. Runs of loads and of stores off one base register share one TLB check: copy 64-byte
   * chunks (8 ld, 8 sd) from 8 bytes into a two-page area, so one chunk straddles the page
   * boundary (that run bails to the interpreter), COPIES times; then compare every dword. */
  la a0, src_area
  li t0, 1024           /* dwords in two pages */
  li t1, 0x9E3779B97F4A7C15
  mv t2, t1
6:
  sd t2, 0(a0)
  add t2, t2, t1
  addi a0, a0, 8
  addi t0, t0, -1
  bnez t0, 6b
  li s5, COPIES
7:
  la a1, src_area
  addi a1, a1, 8
  la a0, dst_area
  addi a0, a0, 8
  li t0, 8192 - 72
  add t0, t0, a1
8:
  ld a4, 0(a1)
  ld a5, 8(a1)
  ld a6, 16(a1)
  ld a7, 24(a1)
  ld t3, 32(a1)
  ld t4, 40(a1)
  ld t5, 48(a1)
  ld t6, 56(a1)
  sd a4, 0(a0)
  sd a5, 8(a0)
  sd a6, 16(a0)
  sd a7, 24(a0)
  sd t3, 32(a0)
  sd t4, 40(a0)
  sd t5, 48(a0)
  sd t6, 56(a0)
  addi a0, a0, 64
  addi a1, a1, 64
  bltu a1, t0, 8b
  addi s5, s5, -1
  bnez s5, 7b
  la a0, src_area
  addi a0, a0, 8
  la a1, dst_area
  addi a1, a1, 8
  li t0, (8192 - 72) / 8
  li s6, 0              /* dwords that differ */
9:
  ld t1, 0(a0)
  ld t2, 0(a1)
  beq t1, t2, 10f
  addi s6, s6, 1
10:
  addi a0, a0, 8
  addi a1, a1, 8
  addi t0, t0, -1
  bnez t0, 9b
  TEST(6, s6, 0, nop)
  la t1, dst_area       /* a dword the straddling chunk copied */
  li t0, 8 + 4096 - 16
  add t1, t1, t0
  ld t1, 0(t1)
  la t2, src_area
  add t2, t2, t0
  ld t2, 0(t2)
  TEST_EQ(7, t1, t2, nop)
  j pass

  .align 2
timer_handler:
  la t5, irq_at
  sd s0, 0(t5)
  li t5, -1
  csrw STIMECMP, t5
  sret

  .align 12
  .option push
  .option norvc
patchme:
  addi a0, zero, 1
  ret
  .option pop
  .align 12
TEST_EPILOGUE
  .data
  .align 3
buf: .space 2048
amobuf: .space 16
irq_at: .dword -1
  .align 12
src_area: .space 8192
dst_area: .space 8192
TEST_STACK
