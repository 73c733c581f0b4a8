/* Wedge: the trap handler's first instruction is itself illegal. */
  .text
  .globl _entry, wedge_pc, wedge_handler
_entry:
  la t0, wedge_handler
  csrw stvec, t0
wedge_pc:
  .word 0x0000000b          /* custom-0: illegal here */
1: j 1b
  .balign 4
wedge_handler:
  .word 0x0000707b          /* custom-3: illegal too */
  sret
