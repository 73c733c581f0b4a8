/* Every hart stops with SBI HSM hart_stop: hart 1 first, then hart 0 (after 0.2 s, so that a
 * zone manager has seen the zone running). Nothing can start a hart again: the zone must end. */
#include "test.h"
#define HSM_STOPPED 1

TEST_PROLOGUE
  .option norvc
  TEST(1, a0, 0, li a0, 1; la a1, sec; li a2, 0; SBI_CALL(SBI_HSM, 0))
  TEST(2, a0, HSM_STOPPED, WAIT_STATUS(1, HSM_STOPPED))
  csrr t0, time
  li t1, 2000000
  add t1, t0, t1
1: csrr t0, time
  bltu t0, t1, 1b
  la a1, msg
  li a0, 9
  call print_n
  SBI_CALL(SBI_HSM, 1)
  j fail

sec:
  SBI_CALL(SBI_HSM, 1)
  j fail

WAIT_SUPPORT

TEST_EPILOGUE
  .section .rodata
msg: .ascii "stopping\n"
TEST_STACK
