/* A guest built for M-mode: it reads mhartid, as M-mode firmware does first. In a zone (S-mode)
 * that is an illegal instruction with no handler to take it: the zone must end saying that zones
 * run guests in S-mode, naming the pc. */
  .text
  .globl _entry
_entry:
  csrw stvec, zero
  csrr a0, mhartid
1: j 1b
