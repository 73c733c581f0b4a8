/* The UART through MMIO: transmit via THR, and a receive interrupt routed through the PLIC
 * (source 10, context 0) that wakes wfi with SIE = 0 and is then taken with SIE = 1. */
#include "test.h"
#define UART 0x10000000
#define PLIC 0x0c000000
#define CLAIM (PLIC + 0x201004)
#define MS 10000
TEST_PROLOGUE
  .option norvc
  li s0, UART
  /* transmit a line straight through the data register */
  la s1, tx_msg
1: lbu t0, 0(s1)
  beqz t0, 2f
  sb t0, 0(s0)
  addi s1, s1, 1
  j 1b
2:
  li t0, PLIC + 10 * 4
  li t1, 1
  sw t1, 0(t0)                 /* priority of source 10 */
  li t0, PLIC + 0x2080
  li t1, 1 << 10
  sw t1, 0(t0)                 /* enable it for context 1 (hart 0 S-mode, as on QEMU virt) */
  li t0, PLIC + 0x201000
  sw zero, 0(t0)               /* threshold 0 */
  li t0, 1
  sb t0, 1(s0)                 /* IER: received-data interrupt */
  li t0, 0x200
  csrw sie, t0                 /* SEIE; SIE stays 0 */
  TEST(1, a0, 0, csrr a0, sip)
  TEST(2, a0, 0, li a0, 7; la a1, prompt1; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  /* wfi until the host's keystroke raises SEIP (at most 5 s) */
  csrr s2, time
  li t0, 5000 * MS
  add s2, s2, t0
3: wfi
  csrr t0, sip
  andi t0, t0, 0x200
  bnez t0, 4f
  csrr t0, time
  bltu t0, s2, 3b
4:
  TEST(3, a0, 0x200, csrr a0, sip)
  TEST(4, a0, 1, lbu a0, 5(s0); andi a0, a0, 1)          /* LSR.DR */
  TEST(5, a0, 10, li t0, CLAIM; lw a0, 0(t0))            /* claim: the UART's source */
  TEST(6, a0, 'k', lbu a0, 0(s0))                        /* RBR */
  TEST(7, a0, 0, li t0, CLAIM; li t1, 10; sw t1, 0(t0); lbu a0, 5(s0); andi a0, a0, 1)
  TEST(8, a0, 0, csrr a0, sip)                           /* level dropped after completion */
  /* now taken as an interrupt */
  la t0, handler
  csrw stvec, t0
  csrsi sstatus, SSTATUS_SIE
  TEST(9, a0, 0, li a0, 7; la a1, prompt2; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  csrr s2, time
  li t0, 5000 * MS
  add s2, s2, t0
5: wfi
  ld t0, got_char
  bnez t0, 6f
  csrr t0, time
  bltu t0, s2, 5b
6:
  TEST(10, a0, 'm', ld a0, got_char)
  TEST(11, a0, CAUSE_SEI, ld a0, got_cause)
  csrci sstatus, SSTATUS_SIE
  sb zero, 1(s0)
  j pass

  .balign 4
handler:
  csrr t5, scause
  sd t5, got_cause, t6
  li t5, CLAIM
  lw t6, 0(t5)
  li t5, UART
  lbu t5, 0(t5)
  sd t5, got_char, t6
  li t5, CLAIM
  li t6, 10
  sw t6, 0(t5)
  sret

TEST_EPILOGUE
  .section .rodata
tx_msg: .asciz "uart-tx-ok\n"
prompt1: .ascii "READY1\n"
prompt2: .ascii "READY2\n"
  .data
  .balign 8
got_char: .dword 0
got_cause: .dword 0
TEST_STACK
