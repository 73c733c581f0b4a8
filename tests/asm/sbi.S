/* The SBI console and timer as one hart uses them: TIME, DBCN (incl. invalid addresses and
 * reading typed console input), the legacy console calls. The final poweroff goes through SRST
 * (TEST_EPILOGUE). (Conformance of every offered function, from the specification's text:
 * sbi-conf*.S; hart_suspend: hsm-suspend.S; several harts: sbi-smp.S.) */
#include "test.h"
#define RAM_END 0x84000000

TEST_PROLOGUE
  .option norvc

  /* ---- TIME ---- */
  TEST(50, a0, 0, li a0, -1; SBI_CALL(SBI_TIME, 0))
  TEST(51, a0, 0, csrr a0, time; li t0, 10000000; add a0, a0, t0; SBI_CALL(SBI_TIME, 0))
  TEST(52, a0, 0, li a0, -1; SBI_CALL(SBI_TIME, 0))

  /* ---- DBCN ---- */
  TEST(60, a0, 0, li a0, 8; la a1, msg_ok; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(61, a1, 8, li a0, 8; la a1, msg_ok2; li a2, 0; SBI_CALL(SBI_DBCN, 0))     /* bytes written */
  TEST(62, a0, 0, li a0, '!'; SBI_CALL(SBI_DBCN, 2))                           /* write_byte */
  TEST(63, a0, 0, li a0, 0x100 + '\n'; SBI_CALL(SBI_DBCN, 2))                  /* only the low byte */
  TEST(64, a0, SBI_ERR_INVALID_PARAM, li a0, 4; li a1, 0; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(65, a0, SBI_ERR_INVALID_PARAM, li a0, 8; li a1, RAM_END - 4; li a2, 0; SBI_CALL(SBI_DBCN, 0))  /* runs off RAM */
  TEST(66, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, RAM_END; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(67, a0, SBI_ERR_INVALID_PARAM, li a0, 4; la a1, msg_ok; li a2, 1; SBI_CALL(SBI_DBCN, 0))      /* base_addr_hi != 0 */
  TEST(68, a0, SBI_ERR_INVALID_PARAM, li a0, 4; li a1, 0x10000000; li a2, 0; SBI_CALL(SBI_DBCN, 0))  /* MMIO, not RAM */
  TEST(69, a0, SBI_ERR_INVALID_PARAM, li a0, 4; li a1, 0; li a2, 0; SBI_CALL(SBI_DBCN, 1))           /* read, bad buffer */
  TEST(70, a1, 0, li a0, 0; la a1, msg_ok; li a2, 0; SBI_CALL(SBI_DBCN, 0))                         /* zero bytes */
  TEST(71, a1, 0, li a0, 16; la a1, rbuf; li a2, 0; SBI_CALL(SBI_DBCN, 1))                           /* nothing typed yet */
  TEST(72, a0, 0, li a0, 16; la a1, rbuf; li a2, 0; SBI_CALL(SBI_DBCN, 1))
  /* legacy console */
  TEST(73, a0, -1, li a7, 2; ecall)                                            /* getchar: nothing */
  li a0, 'L'
  li a7, 1
  ecall
  li a0, '\n'
  li a7, 1
  ecall

  /* ---- console input: prompt, then collect what the host typed (DBCN read, legacy getchar) ---- */
  TEST(80, a0, 0, li a0, 6; la a1, prompt; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  la s0, rbuf
  li s1, 0                                 /* bytes collected */
  csrr s2, time
  li t0, 50000000                          /* give up after 5 s */
  add s2, s2, t0
1: li a0, 3
  sub a0, a0, s1
  add a1, s0, s1
  li a2, 0
  SBI_CALL(SBI_DBCN, 1)
  beqz a0, 3f
  j fail
3:
  add s1, s1, a1
  li t0, 3
  bgeu s1, t0, 2f
  csrr t0, time
  bltu t0, s2, 1b
2:
  TEST(81, s1, 3)
  TEST(82, a0, 'x' | ('y' << 8) | ('z' << 16), lwu a0, 0(s0); li t0, 0xffffff; and a0, a0, t0)
  TEST(83, a0, 'Q', li s1, 1000000; 5: li a7, 2; ecall; bgez a0, 4f; addi s1, s1, -1; bnez s1, 5b; 4:)
  TEST(84, a0, -1, li a7, 2; ecall)

  j pass

TEST_EPILOGUE
  .section .rodata
msg_ok: .ascii "dbcn-ok\n"
msg_ok2: .ascii "dbcn-2!\n"
prompt: .ascii "READ>\n"
  .data
  .balign 8
rbuf: .space 32
TEST_STACK
