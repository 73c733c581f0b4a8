/* Supervisor CSRs as a guest sees them: sstatus/sie/sip/stvec/sscratch/sepc/scause/stval/satp
 * read and write masks, the CSR instruction forms, counters (time, cycle, instret) incl. their
 * scounteren gating from U-mode, the FP CSRs' dependence on sstatus.FS, and that M-mode,
 * H-mode, debug, nonexistent and read-only CSRs raise illegal instruction (stval = the bits). */
#include "test.h"

/* `code` (a single 32-bit instruction at label 6) must raise illegal instruction with
 * stval == its encoding. */
#define TEST_ILLEGAL(n, code...) \
  TRAP_EXPECT(n, 6: code); CHECK_MEM(trap_cause, CAUSE_ILLEGAL); \
  ld t5, trap_tval; la t6, 6b; lwu t6, 0(t6); beq t5, t6, 8f; j fail_got; 8: \
  ld t5, trap_epc; la t6, 6b; beq t5, t6, 8f; j fail_got; 8:;

TEST_PROLOGUE
  .option norvc
  TRAP_INIT

  /* ---- sstatus: writable fields, UXL = 2, SD summarises FS = Dirty ---- */
  TEST(1, a0, 0x80000002000C6122, li t0, -1; csrw sstatus, t0; csrr a0, sstatus)
  TEST(2, a0, 0x0000000200000000, csrw sstatus, zero; csrr a0, sstatus)
  TEST(3, a0, 0x0000000200002000, li t0, SSTATUS_FS_INITIAL; csrs sstatus, t0; csrr a0, sstatus)
  TEST(4, a0, 0x0000000200004000, li t0, SSTATUS_FS; csrc sstatus, t0; li t0, 0x4000; csrs sstatus, t0; csrr a0, sstatus)
  TEST(5, a0, 0x8000000200006000, li t0, SSTATUS_FS; csrs sstatus, t0; csrr a0, sstatus)
  TEST(6, a0, 0x00000002000C0120, li t0, 0x80000003000C0120 | 0x18640; csrw sstatus, t0; csrr a0, sstatus)
  TEST(7, a0, 0x0000000200000000, csrw sstatus, zero; csrr a0, sstatus)
  TEST(8, a0, 0x200000002, csrsi sstatus, SSTATUS_SIE; csrr a0, sstatus)
  TEST(9, a0, 0x200000000, csrci sstatus, SSTATUS_SIE; csrr a0, sstatus)

  /* ---- CSR instruction forms (on sscratch) ---- */
  TEST(10, a0, 0x123456789abcdef0, li t0, 0x123456789abcdef0; csrw sscratch, t0; csrr a0, sscratch)
  TEST(11, a0, 0x123456789abcdef0, li t0, 1; csrrw a0, sscratch, t0)
  TEST(12, a0, 1, li t0, 6; csrrs a0, sscratch, t0)
  TEST(13, a0, 7, li t0, 2; csrrc a0, sscratch, t0)
  TEST(14, a0, 5, csrrwi a0, sscratch, 31)
  TEST(15, a0, 31, csrrsi a0, sscratch, 0)         /* uimm 0: read only */
  TEST(16, a0, 31, csrrci a0, sscratch, 0x11)
  TEST(17, a0, 14, csrrs a0, sscratch, zero)
  TEST(18, a0, -1, li t0, -1; csrw sscratch, t0; csrr a0, sscratch)
  TEST(19, a0, 0, csrwi sscratch, 0; csrr a0, sscratch)

  /* ---- sie / sip ---- */
  TEST(20, a0, 0x222, li t0, -1; csrw sie, t0; csrr a0, sie)
  TEST(21, a0, 0, csrw sie, zero; csrr a0, sie)
  TEST(22, a0, 0, csrr a0, sip)
  TEST(23, a0, 2, li t0, -1; csrw sip, t0; csrr a0, sip)          /* only SSIP is writable */
  TEST(24, a0, 0, csrci sip, 2; csrr a0, sip)
  TEST(25, a0, 0, li t0, 0x220; csrs sip, t0; csrr a0, sip)      /* STIP, SEIP: read-only */
  TEST(26, a0, 2, csrsi sip, 2; csrr a0, sip)
  TEST(27, a0, 0, csrw sip, zero; csrr a0, sip)

  /* ---- stvec ---- */
  la s0, tvec_base
  TEST_EQ(30, a0, s0, csrw stvec, s0; csrr a0, stvec)
  TEST_EQ(31, a0, s1, addi s1, s0, 1; csrw stvec, s1; csrr a0, stvec)  /* vectored mode */
  TEST(32, a0, 1, csrr a0, stvec; andi a0, a0, 3)
  TRAP_INIT

  /* ---- sepc / scause / stval ---- */
  TEST(40, a0, 0x80200002, li t0, 0x80200003; csrw sepc, t0; csrr a0, sepc)  /* bit 0 always 0 */
  TEST(41, a0, 0xffffffc000000006, li t0, 0xffffffc000000006; csrw sepc, t0; csrr a0, sepc)
  TEST(42, a0, 0x8000000000000005, li t0, 0x8000000000000005; csrw scause, t0; csrr a0, scause)
  TEST(43, a0, 13, li t0, 13; csrw scause, t0; csrr a0, scause)
  TEST(44, a0, -1, li t0, -1; csrw stval, t0; csrr a0, stval)
  TEST(45, a0, 0x1234, li t0, 0x1234; csrw stval, t0; csrr a0, stval)

  /* ---- satp (WARL): Bare/Sv39/Sv48 accepted, Sv57 and reserved modes ignored, no ASID bits ---- */
  call build_tables
  TEST(50, a0, 0, csrr a0, satp)
  TEST(51, a0, 0, la t0, root39; srli t0, t0, 12; li t1, 10 << 60; or t0, t0, t1; csrw satp, t0; csrr a0, satp)
  TEST(52, a0, 0, la t0, root39; srli t0, t0, 12; li t1, 1 << 60; or t0, t0, t1; csrw satp, t0; csrr a0, satp)
  /* Sv39 with all ASID bits set: mode and PPN stick, ASID reads 0 (ASIDLEN = 0) */
  la s0, root39
  srli s0, s0, 12
  li t0, 8 << 60
  or s0, s0, t0
  TEST_EQ(53, a0, s0, li t1, 0xffff << 44; or t0, s0, t1; csrw satp, t0; sfence.vma; csrr a0, satp)
  TEST(54, a0, 77, li a0, 77)                   /* still running, now through the page table */
  TEST_EQ(55, a0, s0, la t0, root39; srli t0, t0, 12; li t1, 10 << 60; or t0, t0, t1; csrw satp, t0; csrr a0, satp) /* Sv57: unchanged */
  TEST(56, a0, 0, csrw satp, zero; sfence.vma; csrr a0, satp)
  la s0, root48
  srli s0, s0, 12
  li t0, 9 << 60
  or s0, s0, t0
  TEST_EQ(57, a0, s0, csrw satp, s0; sfence.vma; csrr a0, satp)
  TEST(58, a0, 0x5a5a, li t0, 0x5a5a; sd t0, scratch, t1; ld a0, scratch)
  TEST(59, a0, 0, csrw satp, zero; sfence.vma; csrr a0, satp)

  /* ---- counters ---- */
  TEST(60, a0, 1, rdtime s0; li t0, 200000; 5: addi t0, t0, -1; bnez t0, 5b; rdtime s1; sltu a0, s0, s1)
  TEST(61, a0, 1, li t0, 10000000; csrr s0, time; 5: csrr s1, time; addi t0, t0, -1; beqz t0, 4f; beq s0, s1, 5b; 4: sltu a0, s0, s1)
  TEST(66, a0, 0, csrr a0, hpmcounter3)          /* unimplemented hpm counters read 0 */
  TEST(67, a0, 0, csrr a0, hpmcounter31)
  /* read-only counters: any write is illegal, a read-only access form is fine */
  TEST_ILLEGAL(70, csrw cycle, zero)
  TEST_ILLEGAL(71, csrw time, a0)
  TEST_ILLEGAL(72, li t0, 1; 6: csrrs a0, instret, t0)
  TEST_ILLEGAL(73, csrrsi a0, time, 1)
  TEST_ILLEGAL(74, csrrwi zero, cycle, 0)
  TEST(75, a0, 1, csrrc a0, cycle, zero; csrrsi a1, time, 0; li a0, 1)

  /* ---- scounteren gates U-mode counter reads ---- */
  TEST(80, a0, 7, li t0, 7; csrw scounteren, t0; csrr a0, scounteren)
  TEST_U(81, CAUSE_USER_ECALL, rdcycle a0; rdtime a1; rdinstret a2)
  TEST(82, a0, 1, sltu a0, zero, a1)              /* U-mode got a non-zero time */
  TEST(83, a0, 0, csrw scounteren, zero; csrr a0, scounteren)
  TEST_U(84, CAUSE_ILLEGAL, rdcycle a0)
  TEST_U(85, CAUSE_ILLEGAL, rdtime a0)
  TEST_U(86, CAUSE_ILLEGAL, rdinstret a0)
  TEST(87, a0, 2, li t0, 2; csrw scounteren, t0; csrr a0, scounteren)    /* TM only */
  TEST_U(88, CAUSE_USER_ECALL, rdtime a0)
  TEST_U(89, CAUSE_ILLEGAL, rdcycle a0)
  /* S-level CSRs are not accessible from U-mode */
  TEST_U(90, CAUSE_ILLEGAL, csrr a0, sstatus)
  TEST_U(91, CAUSE_ILLEGAL, csrw sscratch, a0)
  TEST_U(92, CAUSE_ILLEGAL, csrr a0, 0x14d)   /* stimecmp */
  TEST_U(93, CAUSE_ILLEGAL, csrr a0, satp)
  csrw scounteren, zero

  /* ---- M-, H-, debug-level and nonexistent CSRs: illegal instruction ---- */
  TEST_ILLEGAL(100, csrr a0, mstatus)
  TEST_ILLEGAL(101, csrr a0, mhartid)
  TEST_ILLEGAL(102, csrr a0, misa)
  TEST_ILLEGAL(103, csrw mscratch, a0)
  TEST_ILLEGAL(104, csrr a0, medeleg)
  TEST_ILLEGAL(105, csrw mtvec, zero)
  TEST_ILLEGAL(106, csrr a0, mepc)
  TEST_ILLEGAL(107, csrr a0, mip)
  TEST_ILLEGAL(108, csrr a0, pmpcfg0)
  TEST_ILLEGAL(109, csrr a0, mcycle)
  TEST_ILLEGAL(110, csrr a0, 0x600)               /* hstatus (no H extension) */
  TEST_ILLEGAL(111, csrr a0, 0x680)               /* hgatp */
  TEST_ILLEGAL(112, csrr a0, 0x200)               /* vsstatus */
  TEST_ILLEGAL(113, csrr a0, 0x7b0)               /* dcsr (debug mode only) */
  TEST_ILLEGAL(114, csrr a0, 0x7a0)               /* tselect */
  TEST_ILLEGAL(115, csrr a0, 0x1ff)               /* unassigned S-level number */
  TEST_ILLEGAL(116, csrr a0, 0x5c0)               /* custom S-level, none implemented */
  TEST_ILLEGAL(117, csrr a0, 0x008)               /* vstart (no V extension) */
  TEST_ILLEGAL(118, csrr a0, 0xf11)               /* mvendorid */
  TEST_ILLEGAL(119, csrrs zero, mstatus, zero)    /* even a pure read with rd = x0 */
  TEST_ILLEGAL(120, csrw 0x3b0, zero)             /* pmpaddr0 */
  TEST_ILLEGAL(121, csrr a0, 0xda0)               /* scountovf (no Sscofpmf) */
  TEST_ILLEGAL(122, csrr a0, 0x5a8)               /* scontext (no Sdtrig) */
  TEST_ILLEGAL(123, csrrs a0, 0x015, zero)        /* seed (no Zkr) */

  /* ---- FP CSRs depend on sstatus.FS ---- */
  li t0, SSTATUS_FS
  csrc sstatus, t0
  TEST_ILLEGAL(130, frcsr a0)
  TEST_ILLEGAL(131, frrm a0)
  TEST_ILLEGAL(132, frflags a0)
  TEST_ILLEGAL(133, fscsr zero)
  TEST_ILLEGAL(134, fsrmi 1)
  TEST_ILLEGAL(135, fsflagsi 1)
  TEST_ILLEGAL(136, fadd.d fa0, fa1, fa2)
  TEST_ILLEGAL(137, fmv.x.d a0, fa0)
  TEST(138, a0, 0, csrr a0, sstatus; li t0, SSTATUS_FS; and a0, a0, t0)  /* nothing set FS behind our back */
  li t0, SSTATUS_FS_INITIAL
  csrs sstatus, t0
  TEST(140, a0, 0, fscsr zero; frcsr a0)
  TEST(141, a0, 0x1f, fsflagsi 0x1f; frflags a0)
  TEST(142, a0, 4, fsrmi 4; frrm a0)
  TEST(143, a0, 0x9f, frcsr a0)
  TEST(144, a0, 0xff, li t0, 0xfff; fscsr t0; frcsr a0)        /* only bits 7:0 exist */
  TEST(145, a0, 7, frrm a0)
  TEST(146, a0, 0x1f, frflags a0)
  TEST(147, a0, 0x1f, li t0, 0x25; fsflags a0, t0)             /* swap: returns the old flags */
  TEST(148, a0, 0x5, frflags a0)
  TEST(149, a0, 0xe5, frcsr a0)
  TEST(150, a0, 0x6000, csrr a0, sstatus; li t0, SSTATUS_FS; and a0, a0, t0)  /* writing fcsr dirtied FS */
  TEST(151, a0, 1, csrr a0, sstatus; srli a0, a0, 63)
  TEST(152, a0, 0, fscsr zero; frcsr a0)

  /* ---- cycle / instret advance with every retired instruction; instret after 5 nops grew
   * by 5 (+ at most the reading instructions). Kept last so a failure here masks nothing. ---- */
  TEST(62, a0, 1, rdinstret s0; nop; nop; nop; nop; nop; rdinstret s1; sub a0, s1, s0; addi a0, a0, -5; sltiu a0, a0, 3)
  TEST(63, a0, 1, rdinstret s0; li t0, 100; 5: addi t0, t0, -1; bnez t0, 5b; rdinstret s1; sub a0, s1, s0; addi a0, a0, -200; sltiu a0, a0, 4)
  TEST(64, a0, 1, rdcycle s0; li t0, 100; 5: addi t0, t0, -1; bnez t0, 5b; rdcycle s1; sltu a0, s0, s1)
  TEST(65, a0, 1, csrr s0, cycle; csrr s1, instret; nop; csrr s2, cycle; csrr s3, instret; sltu a0, s1, s3; sltu a1, s0, s2; and a0, a0, a1)

  j pass

/* Page tables for the satp tests: a 1 GiB identity page for RAM (Sv39); Sv48 reuses the
 * Sv39 root as its level-2 table. */
build_tables:
  la t0, root39
  li t1, (0x80000000 >> 12 << 10) | 0xcf      /* V R W X A D */
  sd t1, 16(t0)                               /* VPN[2] = 2 */
  la t2, root48
  srli t1, t0, 12
  slli t1, t1, 10
  ori t1, t1, 1                                /* pointer to the next level */
  sd t1, 0(t2)
  ret

  .balign 64
tvec_base:
  j fail

TEST_EPILOGUE
TRAP_SUPPORT

  .data
  .balign 8
scratch: .dword 0
  .bss
  .balign 4096
root39: .space 4096
root48: .space 4096
TEST_STACK
