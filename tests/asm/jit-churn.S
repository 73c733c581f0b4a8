#include "test.h"
/* A zone that keeps meeting new code: COPIES distinct small functions (each `addi a0, a0, imm;
 * ret` with its own immediate, 16 bytes apart), each called CALLS times (the test runs it with
 * TSVISOR_JIT=eager: compiled at the first call), in
 * ROUNDS rounds that rewrite every immediate (and fence.i) before running them again. Run with
 * a block table smaller than COPIES (TSVISOR_JIT_MAX_BLOCKS): the JIT must recycle table slots to
 * keep compiling, and a recycled slot must never run a block's old code — each call's result is
 * checked against the immediate the copy holds now. */
#define COPIES 512
#define CALLS 50
#define ROUNDS 2
#define ADDI_A0 0x00050513   /* addi a0, a0, 0 */
#define RET 0x00008067       /* jalr zero, 0(ra) */
TEST_PROLOGUE
  li s6, 0                 /* round */
round:
  /* 1. write the copies: imm = (i * (round + 1) * 7 + 1) & 0x7ff, 12-bit non-negative */
  la s0, code_area
  li s1, 0                 /* i */
  addi s7, s6, 1
  li t0, 7
  mul s7, s7, t0           /* step = (round + 1) * 7 */
1:
  mul t0, s1, s7
  addi t0, t0, 1
  andi t0, t0, 0x7ff
  slli t1, t0, 20
  li t2, ADDI_A0
  or t1, t1, t2
  slli t3, s1, 4
  add t3, s0, t3
  sw t1, 0(t3)
  li t2, RET
  sw t2, 4(t3)
  addi s1, s1, 1
  li t0, COPIES
  blt s1, t0, 1b
  fence.i
  /* 2. call each copy CALLS times from 0; the result must be CALLS * imm */
  li s1, 0
2:
  slli t3, s1, 4
  add s2, s0, t3           /* the copy */
  li s3, CALLS
  li a0, 0
3:
  jalr ra, 0(s2)
  addi s3, s3, -1
  bnez s3, 3b
  mul t0, s1, s7           /* expected = CALLS * ((i * step + 1) & 0x7ff) */
  addi t0, t0, 1
  andi t0, t0, 0x7ff
  li t1, CALLS
  mul t0, t0, t1
  TEST_EQ(1, a0, t0, nop)
  addi s1, s1, 1
  li t0, COPIES
  blt s1, t0, 2b
  addi s6, s6, 1
  li t0, ROUNDS
  blt s6, t0, round
  j pass
TEST_EPILOGUE
  .data
  .align 12
code_area: .space COPIES * 16
TEST_STACK
