/* Bare-metal zone that asks for a reboot (SBI SRST cold reboot) as soon as it runs: the daemon
 * restarts it each time until its reboot-loop guard ends it in state `error`. */
#include "test.h"
  .text
  .globl _entry
_entry:
  li a0, 10
  la a1, msg
  li a2, 0
  SBI_CALL(SBI_DBCN, 0)
  li a0, 1
  li a1, 0
  SBI_CALL(SBI_SRST, 0)
1: j 1b
  .section .rodata
msg: .ascii "REBOOTING\n"
