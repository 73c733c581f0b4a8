/* Cross-hart code modification: hart 1 runs a hot (compiled) function; hart 0 rewrites it,
 * executes fence.i and an SBI remote fence.i, then releases hart 1, which must now run the new
 * code although it never executed a fence.i itself. Also: code on a page that a device could
 * not have written keeps running compiled across the flush. */
#include "test.h"
#define MS 10000
#define TICKS_RUN (300 * MS)     /* each phase calls the function this long: long enough to compile */

TEST_PROLOGUE
  .option norvc
  li a0, 1
  la a1, secondary
  li a2, 0
  SBI_CALL(SBI_HSM, 0)                     /* start hart 1 */
  TEST(1, a0, 1, WAIT_EQ(phase, 1))        /* hart 1 ran the old code hot */
  TEST(2, a0, 1, ld t0, sum1; ld t1, calls1; sub a0, t0, t1; seqz a0, a0)  /* every call returned 1 */
  la t0, patchme
  li t1, 0x00200513                        /* addi a0, zero, 2 */
  sw t1, 0(t0)
  fence.i
  li a0, 0                                 /* hart mask 0 with base -1: every hart */
  li a1, -1
  SBI_CALL(SBI_RFENCE, 0)                  /* remote_fence_i */
  TEST(3, a0, 0, nop)
  li t0, 2
  sd t0, phase, t1                         /* go */
  TEST(4, a0, 3, WAIT_EQ(phase, 3))
  TEST(5, a0, 1, ld t0, sum2; ld t1, calls2; slli t1, t1, 1; sub a0, t0, t1; seqz a0, a0) /* all returned 2 */
  j pass

secondary:
  la sp, stack1_top
  lla a0, sum1
  call run_phase
  li t0, 1
  sd t0, phase, t1
2:
  ld t0, phase                             /* spin (compiled) until hart 0 says go */
  li t1, 2
  bne t0, t1, 2b
  lla a0, sum2
  call run_phase
  li t0, 3
  sd t0, phase, t1
4:
  wfi
  j 4b

/* Call patchme for TICKS_RUN; store the sum of its results at 0(a0) and the call count at 8(a0). */
run_phase:
  addi sp, sp, -16
  sd ra, 8(sp)
  sd a0, 0(sp)
  CALL_FOR_TICKS(patchme, TICKS_RUN)
  ld a0, 0(sp)
  sd s1, 0(a0)
  sd s2, 8(a0)
  ld ra, 8(sp)
  addi sp, sp, 16
  ret

WAIT_SUPPORT

  .align 12
patchme:
  addi a0, zero, 1
  ret
  .align 12
TEST_EPILOGUE
  .data
  .align 3
phase: .dword 0
sum1: .dword 0
calls1: .dword 0
sum2: .dword 0
calls2: .dword 0
TEST_STACK
  .bss
  .align 4
  .space 4096
stack1_top:
