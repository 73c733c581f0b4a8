/* Livelock: the handler returns to the faulting ebreak without skipping it, forever. */
  .text
  .globl _entry, wedge_pc
_entry:
  la t0, 2f
  csrw stvec, t0
wedge_pc:
  ebreak
1: j 1b
  .balign 4
2: sret
