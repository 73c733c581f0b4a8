/* Ways to end a zone, selected by -DMODE=n. */
#include "test.h"
TEST_PROLOGUE
#if MODE == 1
  li a0, 1; li a1, 0; SBI_CALL(SBI_SRST, 0)          /* cold reboot */
#elif MODE == 2
  li a0, 2; li a1, 0; SBI_CALL(SBI_SRST, 0)          /* warm reboot */
#elif MODE == 3
  li a0, 0; li a1, 1; SBI_CALL(SBI_SRST, 0)          /* shutdown, system failure */
#elif MODE == 4
  li a7, 8; ecall                                    /* legacy shutdown */
#elif MODE == 5
  li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)       /* syscon: pass */
#elif MODE == 6
  li t0, 0x100000; li t1, 0x3333 | (7 << 16); sw t1, 0(t0)   /* syscon: fail, code 7 */
#elif MODE == 7
  li t0, 0x100000; li t1, 0x7777; sw t1, 0(t0)       /* syscon: reset */
#elif MODE == 8
  li t0, 0x100000; li t1, 0x3333; sw t1, 0(t0)       /* syscon: fail, no code */
#endif
1: j 1b
TEST_STACK
