/* SBI conformance with RAM above 4 GiB (the zone has 2 GiB + 64 MiB: RAM ends at 0x1_0400_0000),
 * from the SBI specification v3.0: DBCN takes a physical address (§Debug Console: "the physical
 * base address ... represented by two XLEN bits wide parameters"), so memory above 4 GiB works
 * like any other, and a range that runs past the end of RAM is SBI_ERR_INVALID_PARAM; HSM
 * start and resume addresses up there are valid physical addresses too. */
#include "test.h"
#define HIGH 0x100000000
#define RAM_END 0x104000000
#define EXPECT(n, err, val, code...) TEST(n, a0, err, code; mv s3, a1) TEST(n, s3, val)

TEST_PROLOGUE
  .option norvc
  /* put "high!\n" at 4 GiB and the last 4 bytes of RAM, print them from there */
  li s0, HIGH
  li t0, 0x0a21
  sh t0, 4(s0)
  li t0, 0x68676968
  sw t0, 0(s0)
  li t0, 0x0a217a7a
  li s1, RAM_END - 4
  sw t0, 0(s1)
  EXPECT(1, 0, 6, li a0, 6; li a1, HIGH; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  EXPECT(2, 0, 4, li a0, 4; li a1, RAM_END - 4; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(3, a0, SBI_ERR_INVALID_PARAM, li a0, 5; li a1, RAM_END - 4; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(4, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, RAM_END; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(5, a0, SBI_ERR_INVALID_PARAM, li a0, 6; li a1, HIGH; li a2, 1; SBI_CALL(SBI_DBCN, 0))
  /* a range that starts below 4 GiB and ends above it is one range of RAM */
  EXPECT(6, 0, 0, li a0, 0x10000; li a1, HIGH - 0x8000; li a2, 0; SBI_CALL(SBI_DBCN, 1))
  TEST(7, a0, SBI_ERR_INVALID_PARAM, li a0, 8; li a1, RAM_END - 4; li a2, 0; SBI_CALL(SBI_DBCN, 1))
  /* an HSM start address at 4 GiB is valid; one at the end of RAM is not */
  TEST(10, a0, SBI_ERR_INVALID_ADDRESS, li a0, 1; li a1, RAM_END; SBI_CALL(SBI_HSM, 0))
  /* copy the 3-instruction stub "sd a1, 0(<flag>); hart_stop" to 4 GiB and start hart 1 there */
  la t0, stub
  li t1, HIGH + 0x100
  lla t2, stub_end
  lla t3, stub
  sub t2, t2, t3
1: lw t3, 0(t0)
  sw t3, 0(t1)
  addi t0, t0, 4
  addi t1, t1, 4
  addi t2, t2, -4
  bnez t2, 1b
  fence.i
  TEST(11, a0, 0, li a0, 1; li a1, HIGH + 0x100; li a2, 0x4444; SBI_CALL(SBI_HSM, 0))
  TEST(12, a0, 0x4444, WAIT_EQ(flag, 0x4444))
  j pass

  .balign 8
stub:
  lla t0, stub_flag_ptr
  ld t0, 0(t0)
  sd a1, 0(t0)
  li a7, SBI_HSM
  li a6, 1
  ecall
  j .
  .balign 8
stub_flag_ptr: .dword flag
stub_end:

WAIT_SUPPORT
TEST_EPILOGUE
  .data
  .balign 8
flag: .dword 0
TEST_STACK
