/* Prints the same line on the SBI console for ever: a guest whose output never stops, for
 * tests of what the CLI does when its stdout goes away (`tsvisor run ... | head -1`). */
#include "test.h"
  .text
  .globl _entry
_entry:
1:
  li a0, 8
  la a1, line
  li a2, 0
  SBI_CALL(SBI_DBCN, 0)
  j 1b
  .section .rodata
line: .ascii "chatter\n"
