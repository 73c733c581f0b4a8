/* Wedge: the trap vector points at unmapped memory, then an illegal instruction traps. */
  .text
  .globl _entry, wedge_pc
_entry:
  li t0, 0x1000
  csrw stvec, t0
  nop
wedge_pc:
  csrr a0, mhartid          /* illegal in S-mode */
1: j 1b
