/* The SBI as one hart sees it: BASE, probing, unknown extensions/functions, TIME, DBCN (incl.
 * invalid addresses and reading console input), the legacy console calls, HSM on the only
 * hart, RFENCE, SRST argument checks. The final poweroff goes through SRST (TEST_EPILOGUE).
 * (hart_suspend: hsm-suspend.S; several harts: sbi-smp.S.) */
#include "test.h"
#define RAM_END 0x84000000
#define SBI_PMU 0x504D55
#define SBI_CPPC 0x43505043

/* probe_extension(eid) must return `expect`. */
#define PROBE(n, eid, expect) TEST(n, a0, 0, li a0, eid; SBI_CALL(SBI_BASE, 3); mv s3, a1) TEST(n, s3, expect)

TEST_PROLOGUE
  .option norvc

  /* ---- BASE ---- */
  TEST(1, a1, 0x03000000, SBI_CALL(SBI_BASE, 0))          /* spec version 3.0 (FWFT is offered) */
  TEST(2, a0, 0, SBI_CALL(SBI_BASE, 0))
  TEST(3, a0, 0, SBI_CALL(SBI_BASE, 1))                   /* impl id */
  TEST(4, a0, 0, SBI_CALL(SBI_BASE, 2))                   /* impl version */
  TEST(5, a0, 0, SBI_CALL(SBI_BASE, 4))                   /* mvendorid */
  TEST(6, a0, 0, SBI_CALL(SBI_BASE, 5))                   /* marchid */
  TEST(7, a0, 0, SBI_CALL(SBI_BASE, 6))                   /* mimpid */
  PROBE(10, SBI_TIME, 1)
  PROBE(11, SBI_IPI, 1)
  PROBE(12, SBI_RFENCE, 1)
  PROBE(13, SBI_HSM, 1)
  PROBE(14, SBI_SRST, 1)
  PROBE(15, SBI_DBCN, 1)
  PROBE(16, 0x00, 1)                                      /* legacy set_timer */
  PROBE(17, 0x01, 1)                                      /* legacy console_putchar */
  PROBE(18, 0x02, 1)                                      /* legacy console_getchar */
  PROBE(19, 0x03, 1)                                      /* legacy clear_ipi */
  PROBE(20, 0x08, 1)                                      /* legacy shutdown */
  PROBE(21, 0x12345678, 0)
  PROBE(22, SBI_PMU, 0)
  PROBE(23, SBI_SUSP, 1)                                  /* system suspend (v2.0) */
  PROBE(24, SBI_CPPC, 0)
  PROBE(25, 0x04, 0)                                      /* legacy send_ipi: not provided */
  PROBE(26, 0x0A000000, 0)
  PROBE(27, 0x100000000 + SBI_TIME, 1)                    /* eids are 32-bit: the upper half is ignored, as in a7 */

  /* ---- unknown extensions and functions: SBI_ERR_NOT_SUPPORTED, and the hart goes on ---- */
  TEST(30, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(0x0A000000, 0))
  TEST(31, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(0x09000000, 7))      /* experimental range */
  TEST(32, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(0xffffffff, 0))
  TEST(33, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_BASE, 99))
  TEST(34, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_TIME, 1))
  TEST(35, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_IPI, 1))
  TEST(36, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_HSM, 9))
  TEST(37, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_DBCN, 3))
  TEST(38, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_PMU, 0))
  TEST(39, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_RFENCE, 3))      /* hfence.*: no H extension */
  /* registers other than a0/a1 survive an SBI call */
  TEST(40, a0, 1, li s2, 0x5555; li a2, 0x1234; li a3, 0x4567; li t3, 0x789a; SBI_CALL(SBI_BASE, 0); \
       li t0, 0x1234; li t1, 0x4567; li t2, 0x789a; li a0, 0; bne a2, t0, 5f; bne a3, t1, 5f; bne t3, t2, 5f; li a0, 1; 5:)

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

  /* ---- HSM on a one-hart zone ---- */
  TEST(90, a0, 0, li a0, 0; SBI_CALL(SBI_HSM, 2); mv s3, a1)
  TEST(90, s3, 0)                                                              /* hart 0: STARTED */
  TEST(91, a0, SBI_ERR_INVALID_PARAM, li a0, 1; SBI_CALL(SBI_HSM, 2))
  TEST(92, a0, SBI_ERR_INVALID_PARAM, li a0, -1; SBI_CALL(SBI_HSM, 2))
  TEST(93, a0, SBI_ERR_ALREADY_AVAILABLE, li a0, 0; la a1, _entry; li a2, 0; SBI_CALL(SBI_HSM, 0))
  TEST(94, a0, SBI_ERR_INVALID_PARAM, li a0, 5; la a1, _entry; li a2, 0; SBI_CALL(SBI_HSM, 0))
  TEST(95, a0, SBI_ERR_INVALID_PARAM, li a0, 0x10000; SBI_CALL(SBI_HSM, 3))     /* reserved suspend type */

  /* ---- RFENCE ---- */
  TEST(100, a0, 0, li a0, 1; li a1, 0; SBI_CALL(SBI_RFENCE, 0))               /* remote_fence_i */
  TEST(101, a0, 0, li a0, 0; li a1, -1; li a2, 0; li a3, -1; SBI_CALL(SBI_RFENCE, 1))   /* sfence.vma, all */
  TEST(102, a0, 0, li a0, 1; li a1, 0; li a2, 0x80200000; li a3, 0x1000; SBI_CALL(SBI_RFENCE, 1))
  TEST(103, a0, 0, li a0, 1; li a1, 0; li a2, 0; li a3, -1; li a4, 0; SBI_CALL(SBI_RFENCE, 2))  /* _asid */
  TEST(104, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, 1; li a2, 0; li a3, -1; SBI_CALL(SBI_RFENCE, 1))
  TEST(105, a0, SBI_ERR_INVALID_PARAM, li a0, 2; li a1, 0; SBI_CALL(SBI_RFENCE, 0))

  /* ---- SRST argument checks (the real poweroff is the pass path) ---- */
  TEST(110, a0, SBI_ERR_INVALID_PARAM, li a0, 3; li a1, 0; SBI_CALL(SBI_SRST, 0))        /* reserved type */
  TEST(111, a0, SBI_ERR_INVALID_PARAM, li a0, 0x10000000; li a1, 0; SBI_CALL(SBI_SRST, 0))
  TEST(112, a0, SBI_ERR_INVALID_PARAM, li a0, 0; li a1, 2; SBI_CALL(SBI_SRST, 0))        /* reserved reason */
  TEST(113, a0, SBI_ERR_NOT_SUPPORTED, li a0, 0; li a1, 0; SBI_CALL(SBI_SRST, 1))

  /* ---- BASE probes itself (last, see the report) ---- */
  PROBE(120, SBI_BASE, 1)
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
