/* The boot hand-over every payload gets, as OpenSBI gives it to the next stage: a0 = hart id,
 * a1 = the device tree (2 MiB aligned, starting with the FDT magic), S-mode with the MMU and
 * interrupts off. Loaded as a Linux Image, as an ELF and as a raw binary by tests/payload.test.ts. */
#include "test.h"
TEST_PROLOGUE
  mv s0, a0
  mv s1, a1
  TEST(1, s0, 0, nop)
  TEST(2, t0, 0xedfe0dd0, lwu t0, 0(s1))
  TEST(3, t0, 0, li t1, 0x1fffff; and t0, s1, t1)
  TEST(4, t0, 0, csrr t0, satp)
  TEST(5, t0, 0, csrr t0, sstatus; andi t0, t0, SSTATUS_SIE)
  TEST(6, t0, 0, csrr t0, sie)
  j pass
TEST_EPILOGUE
TEST_STACK
