/* A guest that dies as Linux does with panic=0: it prints the panic lines on the SBI console
 * (DBCN) or, with -DUART, on the UART, then spins for ever reading the time CSR (Linux's
 * mdelay() loop in panic()). The zone must end in state `panicked` with the message. */
#include "test.h"
  .text
  .globl _entry
_entry:
  la a1, msg
  la a2, msg_end
  sub a2, a2, a1
#ifdef UART
  li t0, 0x10000000
1: lbu t1, 0(a1)
2: lbu t2, 5(t0)          /* LSR: wait for THR empty */
  andi t2, t2, 0x20
  beqz t2, 2b
  sb t1, 0(t0)
  addi a1, a1, 1
  addi a2, a2, -1
  bnez a2, 1b
#else
  mv a0, a2; li a2, 0; SBI_CALL(SBI_DBCN, 0)   /* DBCN write(len, base lo, base hi) */
#endif
3: rdtime t0
  j 3b
  .section .rodata
msg:
  .ascii "[    1.234] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"
  .ascii "[    1.235] CPU: 0 PID: 1 Comm: swapper/0 Not tainted\n"
  .ascii "[    1.236] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---\n"
msg_end:
