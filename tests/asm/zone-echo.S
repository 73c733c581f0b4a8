/* Bare-metal zone for the isolation tests: announces itself, then echoes every console byte it
 * reads (legacy SBI console_getchar/putchar). Between polls it sleeps in WFI until a 10 ms
 * timer, so an idle zone costs its host CPU almost nothing. */
#include "test.h"
  .text
  .globl _entry
_entry:
  DBCN_PRINT(ready_msg, 11)
  li t0, 0x20            /* sie.STIE: WFI wakes on the timer (sstatus.SIE stays off: no trap) */
  csrs sie, t0
poll:
  li a7, 2               /* legacy console_getchar: a0 = byte or -1 */
  ecall
  bltz a0, idle
  li a7, 1               /* legacy console_putchar(a0) */
  ecall
  j poll
idle:
  rdtime a0
  li t0, 100000          /* 10 ms at the 10 MHz timebase */
  add a0, a0, t0
  li a7, 0               /* legacy set_timer (also clears a pending timer interrupt) */
  ecall
  wfi
  j poll
  .section .rodata
ready_msg: .ascii "ECHO-READY\n"
