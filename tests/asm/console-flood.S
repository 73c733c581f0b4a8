/* A guest that writes console output as fast as it can for FLOOD_TICKS of the 10 MHz timebase,
 * through one path (MODE, given with -D):
 *   1 SBI DBCN console_write of 64 KiB at a time   2 SBI DBCN console_write_byte
 *   3 legacy SBI console_putchar                    4 UART THR, waiting for LSR.THRE (a driver)
 *   5 UART THR without looking at LSR (hostile: what does not fit is lost, and counted)
 * then prints "\nCOUNT=<bytes the host accepted>\n" (or written, for 5) and powers off. The flood
 * bytes are all '.', so the trailer is easy to find. */
#include "test.h"
#define UART 0x10000000
#define BUF_LEN 65536
#ifndef FLOOD_TICKS
#define FLOOD_TICKS 15000000
#endif

TEST_PROLOGUE
  .option norvc
  /* fill the DBCN buffer */
  la t0, flood_buf
  li t1, BUF_LEN
  li t2, '.'
1: sb t2, 0(t0)
  addi t0, t0, 1
  addi t1, t1, -1
  bnez t1, 1b

  li s0, 0                     /* bytes counted */
  csrr s1, time
  li t0, FLOOD_TICKS
  add s1, s1, t0               /* deadline */
  li s2, UART
flood:
#if MODE == 1
  li a0, BUF_LEN
  la a1, flood_buf
  li a2, 0
  SBI_CALL(SBI_DBCN, 0)
  bnez a0, fail
  add s0, s0, a1
#elif MODE == 2
  li a0, '.'
  SBI_CALL(SBI_DBCN, 2)
  bnez a0, fail
  addi s0, s0, 1
#elif MODE == 3
  li a0, '.'
  li a7, 1
  ecall
  bnez a0, fail
  addi s0, s0, 1
#elif MODE == 4
2: lbu t0, 5(s2)
  andi t0, t0, 0x20
  beqz t0, 3f                  /* THRE clear: look at the clock, then poll again */
  li t0, '.'
  sb t0, 0(s2)
  addi s0, s0, 1
#elif MODE == 5
  li t0, '.'
  sb t0, 0(s2)
  addi s0, s0, 1
#else
#error "MODE must be 1..5"
#endif
3: csrr t0, time
  bltu t0, s1, flood
#if MODE == 4 || MODE == 5
  /* the UART's last bytes first: wait for LSR.TEMT (transmitter empty) */
7: lbu t0, 5(s2)
  andi t0, t0, 0x40
  beqz t0, 7b
#endif

  /* the trailer: "\nCOUNT=" then s0 in decimal then "\n", each part until fully written */
  la a0, count_msg
  li a1, 7
  call write_all
  addi sp, sp, -32
  addi t1, sp, 31
  li t2, '\n'
  sb t2, 0(t1)
  mv t0, s0
  li t2, 10
4: remu t3, t0, t2
  addi t3, t3, '0'
  addi t1, t1, -1
  sb t3, 0(t1)
  divu t0, t0, t2
  bnez t0, 4b
  mv a0, t1
  addi a1, sp, 32
  sub a1, a1, t1
  call write_all
  addi sp, sp, 32
  li a0, 0
  li a1, 0
  j srst

/* write_all(a0 = address, a1 = length): DBCN console_write until every byte is taken. */
write_all:
  mv t4, a0
  mv t5, a1
5: beqz t5, 6f
  mv a0, t5
  mv a1, t4
  li a2, 0
  SBI_CALL(SBI_DBCN, 0)
  bnez a0, fail
  add t4, t4, a1
  sub t5, t5, a1
  j 5b
6: ret

TEST_EPILOGUE
  .section .rodata
count_msg: .ascii "\nCOUNT="
  .bss
  .balign 8
flood_buf: .space BUF_LEN
TEST_STACK
