/* SBI RFENCE to a hart in HSM suspend: the calls return at once (the suspended hart acknowledges
 * the flush without resuming), and the hart still resumes on an IPI afterwards. */
#include "test.h"
#define HSM_SUSPENDED 4
#define HSM_STOPPED 1
#define PROMPT_TICKS 5000000            /* 0.5 s of the 10 MHz timebase; a stall took 20 s and more */

TEST_PROLOGUE
  .option norvc

  TEST(1, a0, 0, li a0, 1; la a1, sec; li a2, 0; SBI_CALL(SBI_HSM, 0))
  TEST(2, a0, HSM_SUSPENDED, WAIT_STATUS(1, HSM_SUSPENDED))
  /* remote_sfence_vma(mask = hart 1, base 0, whole address space) */
  csrr s2, time
  TEST(3, a0, 0, li a0, 2; li a1, 0; li a2, 0; li a3, -1; SBI_CALL(SBI_RFENCE, 1))
  csrr s3, time
  sub s3, s3, s2
  TEST(4, a0, 1, li t0, PROMPT_TICKS; sltu a0, s3, t0)
  /* remote_fence_i to every hart (mask base -1): this one and the suspended one */
  csrr s2, time
  TEST(5, a0, 0, li a0, 0; li a1, -1; SBI_CALL(SBI_RFENCE, 0))
  csrr s3, time
  sub s3, s3, s2
  TEST(6, a0, 1, li t0, PROMPT_TICKS; sltu a0, s3, t0)
  /* still suspended (the fence did not resume it); an IPI does */
  TEST(7, a0, HSM_SUSPENDED, li a0, 1; SBI_CALL(SBI_HSM, 2); mv a0, a1)
  TEST(8, a0, 0, li a0, 2; li a1, 0; SBI_CALL(SBI_IPI, 0))
  TEST(9, a0, 1, WAIT_EQ(resumed, 1))
  TEST(10, a0, HSM_STOPPED, WAIT_STATUS(1, HSM_STOPPED))
  j pass

sec:
  li t0, 2
  csrw sie, t0                                   /* SSIE, but SIE stays 0 */
  li a0, 0
  li a1, 0
  li a2, 0
  SBI_CALL(SBI_HSM, 3)                           /* retentive suspend */
  csrci sip, 2
  li t0, 1
  sd t0, resumed, t1
  SBI_CALL(SBI_HSM, 1)
  j fail

WAIT_SUPPORT

TEST_EPILOGUE
  .data
  .balign 8
resumed: .dword 0
TEST_STACK
