/* Spin-waiting across harts: hart 1 waits for hart 0 in the two shapes Linux's spin-waits take —
 * Linux 6.1's riscv ticket lock (a short loop that only loads and compares: lw/beq/div/j, no pause
 * hint) and a loop with the Zihintpause hint — while hart 0 works for a while before releasing
 * it. The waits must end with the right values whatever the engine does meanwhile (TSVISOR_STATS
 * shows the vCPU noticing the spin: its "spin exits"). -DTICKET_ONLY: the flag is set before hart 1
 * starts, so only the ticket-shaped wait spins. */
#include "test.h"
#define MS 10000
#define TICKS_WORK (150 * MS)  /* long enough for the wait loop to get hot and compiled */

TEST_PROLOGUE
#ifdef TICKET_ONLY
  li t0, 7
  sd t0, flag, t1                          /* the second wait ends at once */
#endif
  li a0, 1
  la a1, secondary
  li a2, 0
  SBI_CALL(SBI_HSM, 0)                     /* start hart 1 */
  TEST(1, a0, 1, WAIT_EQ(ready, 1))        /* hart 1 is spinning on `owner` */
  CALL_FOR_TICKS(work, TICKS_WORK)         /* keep hart 1 waiting */
  li t0, 1
  sw t0, owner, t1                         /* release: its ticket (1) is served */
#ifndef TICKET_ONLY
  TEST(2, a0, 2, WAIT_EQ(ready, 2))        /* hart 1 got through the ticket wait, now pause-spins */
  CALL_FOR_TICKS(work, TICKS_WORK)
#endif
  li t0, 7
  sd t0, flag, t1
  TEST(3, a0, 3, WAIT_EQ(ready, 3))
  TEST(4, a0, 7, ld a0, seen)              /* it saw the value that released it */
  j pass

secondary:
  la sp, stack1_top
  li t0, 1
  sd t0, ready, t1
  /* do_raw_spin_lock's wait in Linux 6.1 (riscv, no Zihintpause): my ticket is 1 */
  li a4, 1
  la a0, owner
1:
  lw a5, 0(a0)
  slli a5, a5, 48
  srli a5, a5, 48
  beq a4, a5, 2f
  div a3, a3, zero
  j 1b
2:
  li t0, 2
  sd t0, ready, t1
  /* cpu_relax() with Zihintpause: a pause hint in the loop */
  la a0, flag
3:
  ld a5, 0(a0)
  bnez a5, 4f
  .4byte 0x0100000f                       /* pause (Zihintpause; the assembler here does not know it) */
  j 3b
4:
  sd a5, seen, t1
  li t0, 3
  sd t0, ready, t1
5:
  wfi
  j 5b

work:
  li a0, 0
  ret

WAIT_SUPPORT
TEST_EPILOGUE
  .data
  .align 3
ready: .dword 0
flag: .dword 0
seen: .dword 0
owner: .word 0
  .align 3
TEST_STACK
  .bss
  .align 4
  .space 4096
stack1_top:
