/* Wedge: stvec = 0 and a jump into unmapped memory: every fetch faults. */
  .text
  .globl _entry
_entry:
  csrw stvec, zero
  li t0, 0x1000
  jr t0
1: j 1b
