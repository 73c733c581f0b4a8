/* Console output through two paths in turn, then an immediate poweroff: 64 pairs of lines, one
 * through the UART (THR, waiting for THRE as a driver does), one through SBI DBCN, then SBI SRST
 * at once. Line i is 31 x ('A' + i % 26) then 'u' or 'd' and '\n'. Every byte must reach the
 * host, in the order written, before the zone ends (tests/payload.test.ts runs it many times). */
#include "test.h"
#define UART 0x10000000
#define PAIRS 64
TEST_PROLOGUE
  li s1, 0
pair:
  li t0, 26
  remu t1, s1, t0
  addi s2, t1, 'A'
  /* the UART line */
  li s3, 31
1: mv a0, s2
  call uart_putc
  addi s3, s3, -1
  bnez s3, 1b
  li a0, 'u'
  call uart_putc
  li a0, '\n'
  call uart_putc
  /* the DBCN line, built in line_buf */
  la t0, line_buf
  li t1, 31
2: sb s2, 0(t0)
  addi t0, t0, 1
  addi t1, t1, -1
  bnez t1, 2b
  li t1, 'd'
  sb t1, 0(t0)
  li t1, '\n'
  sb t1, 1(t0)
  la s4, line_buf
  li s5, 33
3: mv a0, s5                /* DBCN may take fewer bytes than asked: write the rest */
  mv a1, s4
  li a2, 0
  SBI_CALL(SBI_DBCN, 0)
  add s4, s4, a1
  sub s5, s5, a1
  bnez s5, 3b
  addi s1, s1, 1
  li t0, PAIRS
  bltu s1, t0, pair
  li a0, 0                   /* poweroff in the same breath */
  li a1, 0
  SBI_CALL(SBI_SRST, 0)
4: j 4b

uart_putc:
  li t0, UART
5: lbu t1, 5(t0)
  andi t1, t1, 0x20
  beqz t1, 5b
  sb a0, 0(t0)
  ret

  .bss
line_buf: .space 40
TEST_STACK
