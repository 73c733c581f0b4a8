/* Not a wedge: the trap handler emulates (skips) one illegal instruction, and the loop around it
 * runs 1.5 million times, more than the wedge detector's limit of identical traps in a row. Every
 * trap comes from the same pc with the same cause, but each sret returns past it. */
#include "test.h"
#define ROUNDS 1500000

TEST_PROLOGUE
  .option norvc
  la t0, skip_handler
  csrw stvec, t0
  li s0, ROUNDS
  li s1, 0                       /* traps taken, counted by the handler */
1:
  .word 0xc0001073               /* csrw cycle, zero: cycle is read-only, so an illegal instruction */
  addi s0, s0, -1
  bnez s0, 1b
  TEST(1, s1, ROUNDS, nop)
  j pass

  .balign 4
skip_handler:
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  addi s1, s1, 1
  sret

TEST_EPILOGUE
TEST_STACK
