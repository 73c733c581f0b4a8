/* A million distinct unsupported SBI calls (eid 0x09000000 + i, fid i mod 8): each must return
 * SBI_ERR_NOT_SUPPORTED; the host must neither log nor remember each of them. Prints "START"
 * before and "PASS" after, so the host can compare its memory across the flood. */
#include "test.h"
#define CALLS 1000000

TEST_PROLOGUE
  .option norvc
  la a1, start_msg
  li a0, 6
  call print_n
  li s0, 0
  li s1, CALLS
  li s2, 0x09000000
1:
  add a7, s2, s0
  andi a6, s0, 7
  ecall
  li t0, SBI_ERR_NOT_SUPPORTED
  TEST(1, a0, SBI_ERR_NOT_SUPPORTED, nop)
  addi s0, s0, 1
  bltu s0, s1, 1b
  j pass

TEST_EPILOGUE
  .section .rodata
start_msg: .ascii "START\n"
TEST_STACK
