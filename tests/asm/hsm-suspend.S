/* SBI HSM hart_suspend on a 2-hart zone: hart 1 suspends (retentive, then non-retentive) and
 * hart 0 wakes it with IPIs; remote fences to the suspended hart return at once and do not
 * resume it; finally hart 0 suspends itself until its timer fires. */
#include "test.h"
#define MS 10000
#define PROMPT_TICKS (500 * MS)      /* a fence to a suspended hart used to wait 20 s and more */
#define HSM_STARTED 0
#define HSM_STOPPED 1
#define HSM_SUSPENDED 4

TEST_PROLOGUE
  .option norvc

  TEST(1, a0, 0, li a0, 1; la a1, sec; li a2, 0x55; SBI_CALL(SBI_HSM, 0))
  /* retentive suspend, woken by an IPI (enabled in sie, SIE = 0) */
  TEST(2, a0, HSM_SUSPENDED, WAIT_STATUS(1, HSM_SUSPENDED))
  TEST(3, a0, 0, ld a0, resumed)
  /* remote_sfence_vma(hart 1, whole address space), then remote_fence_i to all harts: each call
   * returns within PROMPT_TICKS of the time CSR, and hart 1 stays suspended */
  csrr s2, time
  TEST(30, a0, 0, li a0, 2; li a1, 0; li a2, 0; li a3, -1; SBI_CALL(SBI_RFENCE, 1))
  TEST(31, a0, 1, csrr s3, time; sub s3, s3, s2; li t0, PROMPT_TICKS; sltu a0, s3, t0)
  csrr s2, time
  TEST(32, a0, 0, li a0, 0; li a1, -1; SBI_CALL(SBI_RFENCE, 0))
  TEST(33, a0, 1, csrr s3, time; sub s3, s3, s2; li t0, PROMPT_TICKS; sltu a0, s3, t0)
  TEST(34, a0, HSM_SUSPENDED, li a0, 1; SBI_CALL(SBI_HSM, 2); mv a0, a1)
  TEST(35, a0, 0, ld a0, resumed)
  TEST(4, a0, 0, li a0, 2; li a1, 0; SBI_CALL(SBI_IPI, 0))
  TEST(5, a0, 1, WAIT_EQ(resumed, 1))
  TEST(6, a0, 0, ld a0, suspend_ret)                 /* hart_suspend returned SBI_SUCCESS */
  TEST(7, a0, 0x55, ld a0, kept_s1)                  /* registers retained */
  /* non-retentive suspend: resumes at resume_addr with a0 = hartid, a1 = opaque, satp = 0 */
  TEST(10, a0, HSM_SUSPENDED, WAIT_STATUS(1, HSM_SUSPENDED))
  TEST(11, a0, 0, li a0, 2; li a1, 0; SBI_CALL(SBI_IPI, 0))
  TEST(12, a0, 1, WAIT_EQ(resumed2, 1))
  TEST(13, a0, 1, ld a0, res_a0)
  TEST(14, a0, 0x77, ld a0, res_a1)
  TEST(15, a0, 0, ld a0, res_satp)
  TEST(16, a0, 0, ld a0, res_status; andi a0, a0, SSTATUS_SIE)
  TEST(17, a0, HSM_STOPPED, WAIT_STATUS(1, HSM_STOPPED))
  /* invalid non-retentive resume address */
  TEST(18, a0, SBI_ERR_INVALID_ADDRESS, li a0, 0x80000000; li a1, 0x1000; li a2, 0; SBI_CALL(SBI_HSM, 3))

  /* hart 0 suspends until its own timer fires (kept last: see the report) */
  TEST(20, a0, 0, li t0, 0x20; csrw sie, t0; csrr a0, time; li t0, 2 * MS; add a0, a0, t0; SBI_CALL(SBI_TIME, 0); \
       li a0, 0; li a1, 0; li a2, 0; SBI_CALL(SBI_HSM, 3))
  TEST(21, a0, 0x20, csrr a0, sip)
  TEST(22, a0, 0, csrw sie, zero; li a0, -1; SBI_CALL(SBI_TIME, 0); csrr a0, sip)
  j pass

sec:
  mv s1, a1
  li t0, 2
  csrw sie, t0                                   /* SSIE, but SIE stays 0 */
  li a0, 0
  li a1, 0
  li a2, 0
  SBI_CALL(SBI_HSM, 3)                           /* retentive */
  sd a0, suspend_ret, t0
  sd s1, kept_s1, t0
  csrci sip, 2
  li t0, 1
  sd t0, resumed, t1
  li a0, 0x80000000                              /* non-retentive */
  la a1, sec_resume
  li a2, 0x77
  SBI_CALL(SBI_HSM, 3)
  j fail
sec_resume:
  SAVE_ENTRY_STATE(res)
  li t1, 1
  sd t1, resumed2, t0
  SBI_CALL(SBI_HSM, 1)
  j fail

WAIT_SUPPORT


TEST_EPILOGUE
  .data
  .balign 8
resumed: .dword 0
suspend_ret: .dword -1
kept_s1: .dword 0
resumed2: .dword 0
res_a0: .dword 0
res_a1: .dword 0
res_satp: .dword -1
res_status: .dword -1
TEST_STACK
