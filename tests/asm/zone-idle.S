/* Bare-metal zone for the daemon/lifecycle tests: announces itself on the SBI console, then
 * idles in WFI for ever (no interrupts enabled, so it costs the host almost nothing). */
#include "test.h"
  .text
  .globl _entry
_entry:
  li a0, 11
  la a1, ready_msg
  li a2, 0
  SBI_CALL(SBI_DBCN, 0)
1: wfi
  j 1b
  .section .rodata
ready_msg: .ascii "IDLE-READY\n"
