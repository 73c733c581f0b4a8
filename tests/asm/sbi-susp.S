/* SBI v2.0 system suspend (SUSP), from the specification's text, on a 2-hart zone:
 * - probe_extension says it is there;
 * - sleep types: 0 is suspend-to-RAM; reserved (1..0x7fffffff) and platform-specific types this
 *   platform does not have (0x80000000..) are SBI_ERR_INVALID_PARAM;
 * - while another hart is not STOPPED the entry criteria fail: SBI_ERR_DENIED;
 * - a resume address outside RAM: SBI_ERR_INVALID_ADDRESS;
 * - success does not return: the hart resumes at resume_addr with a0 = hart id, a1 = opaque,
 *   satp = 0 and sstatus.SIE = 0, once a wake-up event (here its timer) is pending. */
#include "test.h"
#define MS 10000
#define HSM_STOPPED 1

TEST_PROLOGUE
  .option norvc
  TEST(1, a1, 1, li a0, SBI_SUSP; SBI_CALL(SBI_BASE, 3))
  TEST(2, a0, SBI_ERR_INVALID_PARAM, li a0, 1; la a1, resume; li a2, 0; SBI_CALL(SBI_SUSP, 0))
  TEST(3, a0, SBI_ERR_INVALID_PARAM, li a0, 0x7fffffff; la a1, resume; li a2, 0; SBI_CALL(SBI_SUSP, 0))
  TEST(4, a0, SBI_ERR_INVALID_PARAM, li a0, 0x80000000; la a1, resume; li a2, 0; SBI_CALL(SBI_SUSP, 0))
  TEST(5, a0, SBI_ERR_NOT_SUPPORTED, li a0, 0; SBI_CALL(SBI_SUSP, 1))          /* no such function */
  /* hart 1 runs: the system cannot suspend */
  TEST(6, a0, 0, li a0, 1; la a1, sec; li a2, 0; SBI_CALL(SBI_HSM, 0))
  TEST(7, a0, SBI_ERR_DENIED, li a0, 0; la a1, resume; li a2, 0; SBI_CALL(SBI_SUSP, 0))
  li t0, 1
  sd t0, stop_flag, t1
  TEST(8, a0, HSM_STOPPED, WAIT_STATUS(1, HSM_STOPPED))
  TEST(9, a0, SBI_ERR_INVALID_ADDRESS, li a0, 0; li a1, 0x1000; li a2, 0; SBI_CALL(SBI_SUSP, 0))
  /* suspend until the timer, 2 ms from now (enabled in sie, sstatus.SIE stays 0) */
  li t0, 0x20
  csrw sie, t0
  csrr a0, time
  li t0, 2 * MS
  add a0, a0, t0
  SBI_CALL(SBI_TIME, 0)
  li gp, 10
  li a0, 0
  la a1, resume
  li a2, 0x5505
  SBI_CALL(SBI_SUSP, 0)
  j fail_got                                      /* success must not return */
resume:
  la sp, stack_top
  TEST(11, a0, 0, nop)                             /* hart id */
  TEST(12, a1, 0x5505, nop)                        /* opaque */
  TEST(13, t0, 0, csrr t0, satp)
  TEST(14, t0, 0, csrr t0, sstatus; andi t0, t0, SSTATUS_SIE)
  csrw sie, zero
  j pass

sec:
1: ld t0, stop_flag
  beqz t0, 1b
  SBI_CALL(SBI_HSM, 1)
  j fail

  .data
stop_flag: .dword 0
WAIT_SUPPORT
TEST_EPILOGUE
TEST_STACK
