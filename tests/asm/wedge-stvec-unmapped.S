/* Wedge: the trap vector points at unmapped memory, then an illegal instruction traps. */
  .text
  .globl _entry, wedge_pc
_entry:
  li t0, 0x1000
  csrw stvec, t0
  nop
wedge_pc:
  unimp                     /* illegal (an M-mode CSR would get the M-mode message instead) */
1: j 1b
