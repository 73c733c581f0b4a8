/* Bare-metal zone for the daemon/lifecycle tests: announces itself on the SBI console, then
 * idles in WFI for ever (no interrupts enabled, so it costs the host almost nothing). */
#include "test.h"
  .text
  .globl _entry
_entry:
  DBCN_PRINT(ready_msg, 11)
1: wfi
  j 1b
  .section .rodata
ready_msg: .ascii "IDLE-READY\n"
