/* RVC: every RV64C instruction written explicitly (c.*) with edge immediates, reserved
 * encodings that must be illegal (stval = the 16 instruction bits), and instructions at
 * the end of a 4 KiB page: a 32-bit one straddling the boundary, and a 16-bit one at 0xffe. */
#include "test.h"
TEST_PROLOGUE
  TRAP_INIT
  li t0, SSTATUS_FS_INITIAL
  csrs sstatus, t0
  mv s11, sp                 /* the real stack pointer, restored after sp-relative tests */

  /* ---- c.li / c.lui / c.addi / c.nop ---- */
  TEST(1, a0, -32, c.li a0, -32)
  TEST(2, a0, 31, c.li a0, 31)
  TEST(3, t1, -1, c.li t1, -1)
  TEST(4, a0, 0x1f000, c.lui a0, 0x1f)
  TEST(5, a0, 0x1000, c.lui a0, 1)
  TEST(6, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
  TEST(7, s5, 0xfffffffffffff000, c.lui s5, 0xfffff)
  TEST(8, a0, 68, li a0, 100; c.addi a0, -32)
  TEST(9, a0, 131, li a0, 100; c.addi a0, 31)
  TEST(10, a0, 100, li a0, 100; c.nop; c.addi a0, 0)   /* c.addi with imm 0 is a hint */

  /* ---- c.addiw: 32-bit add, sign-extended ---- */
  TEST(11, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
  TEST(12, a0, -1, li a0, 0x1ffffffff; c.addiw a0, 0)             /* sext.w */
  TEST(13, t2, 0xffffffffffffffe0, li t2, 0x1234567800000000; c.addiw t2, -32)

  /* ---- c.addi16sp / c.addi4spn ---- */
  TEST(20, a0, -512, mv a1, sp; c.addi16sp sp, -512; sub a0, sp, a1; mv sp, s11)
  TEST(21, a0, 480, mv a1, sp; c.addi16sp sp, -512; c.addi16sp sp, 496; c.addi16sp sp, 496; sub a0, sp, a1; mv sp, s11)
  TEST(22, a0, 16, mv a1, sp; c.addi16sp sp, 16; sub a0, sp, a1; mv sp, s11)
  TEST(23, a0, 1020, c.addi4spn a0, sp, 1020; sub a0, a0, sp)
  TEST(24, a0, 4, c.addi4spn s1, sp, 4; sub a0, s1, sp)
  TEST(25, a0, 520, c.addi4spn a5, sp, 520; sub a0, a5, sp)

  /* ---- shifts and c.andi (rd' registers) ---- */
  TEST(30, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
  TEST(31, t3, 0x2468acf13579bde0, li t3, 0x123456789abcdef0; c.slli t3, 1)
  TEST(32, a0, 1, li a0, 0x8000000000000000; c.srli a0, 63)
  TEST(33, a0, 0x00000000ffffffff, li a0, -1; c.srli a0, 32)
  TEST(34, a0, -1, li a0, 0x8000000000000000; c.srai a0, 63)
  TEST(35, a0, 0xffffffff80000000, li a0, 0x8000000000000000; c.srai a0, 32)
  TEST(36, a0, 0x3fffffffffffffff, li a0, 0x7fffffffffffffff; c.srai a0, 1)
  TEST(37, a0, 0x123456789abcdee0, li a0, 0x123456789abcdef0; c.andi a0, -32)
  TEST(38, s1, 0x10, li s1, 0x123456789abcdef0; c.andi s1, 31)

  /* ---- register-register ALU ops ---- */
  TEST(40, a0, -1, li a0, 5; li a1, 6; c.sub a0, a1)
  TEST(41, a0, 0x0ff0, li a0, 0x0f0f; li a1, 0x00ff; c.xor a0, a1)
  TEST(42, a0, 0x0fff, li a0, 0x0f0f; li a1, 0x00ff; c.or a0, a1)
  TEST(43, a0, 0x000f, li a0, 0x0f0f; li a1, 0x00ff; c.and a0, a1)
  TEST(44, a0, -1, li a0, 0x1200000000; li a1, 0x3400000001; c.subw a0, a1)
  TEST(45, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
  TEST(46, a0, 3, li a0, 0x100000001; li a1, 0x200000002; c.addw a0, a1)
  TEST(47, s0, 0x8000000000000000, li s0, 0x7fffffffffffffff; li a5, -1; c.sub s0, a5; addi s0, s0, 0)
  TEST(48, t4, 0x123456789abcdef0, li a1, 0x123456789abcdef0; c.mv t4, a1)
  TEST(49, ra, 0x123456789abcdef1, li ra, 1; li a1, 0x123456789abcdef0; c.add ra, a1)
  TEST(50, a0, 0, li a0, 0x8000000000000000; c.add a0, a0)

  /* ---- c.lw / c.ld / c.sw / c.sd (rd'/rs1' registers, largest offsets) ---- */
  la s0, cbuf
  TEST(60, a0, 0xffffffff80000001, li t0, 0x80000001; sw t0, 124(s0); c.lw a0, 124(s0))
  TEST(61, a0, 0x7ffffffe, li t0, 0x7ffffffe; sw t0, 0(s0); c.lw a0, 0(s0))
  TEST(62, a0, 0x0123456789abcdef, li t0, 0x0123456789abcdef; sd t0, 248(s0); c.ld a0, 248(s0))
  TEST(63, a0, 0xfedcba98, li a1, 0x76543210fedcba98; c.sw a1, 64(s0); lwu a0, 64(s0))
  TEST(64, a0, 0x5555555555555555, li a1, 0x5555555555555555; c.sd a1, 248(s0); ld a0, 248(s0))
  TEST(65, a0, 0xabcd, addi s1, s0, 8; li a1, 0xabcd; c.sd a1, 0(s1); c.ld a0, 0(s1))
  TEST(66, a0, 0xffffffffffff8000, addi s1, s0, 4; li a1, 0xffff8000; c.sw a1, 4(s1); c.lw a0, 4(s1))

  /* ---- sp-relative loads/stores (sp moved onto cbuf) ---- */
  TEST(70, a0, 0xffffffff80000002, li t0, 0x80000002; sw t0, 252(s0); mv sp, s0; c.lwsp a0, 252(sp); mv sp, s11)
  TEST(71, a0, 0x1111222233334444, li t0, 0x1111222233334444; sd t0, 504(s0); mv sp, s0; c.ldsp a0, 504(sp); mv sp, s11)
  TEST(72, a0, 0x9abcdef0, li a1, 0x123456789abcdef0; mv sp, s0; c.swsp a1, 252(sp); mv sp, s11; lwu a0, 252(s0))
  TEST(73, a0, 0x0f0f0f0f0f0f0f0f, li t2, 0x0f0f0f0f0f0f0f0f; mv sp, s0; c.sdsp t2, 504(sp); mv sp, s11; ld a0, 504(s0))
  TEST(74, a0, 0x7777, li t0, 0x7777; mv sp, s0; c.sdsp t0, 0(sp); c.ldsp t1, 0(sp); mv sp, s11; mv a0, t1)

  /* ---- FP loads/stores ---- */
  TEST(80, a0, 0x3ff0000000000000, li t0, 0x3ff0000000000000; sd t0, 248(s0); c.fld fa0, 248(s0); fmv.x.d a0, fa0)
  TEST(81, a0, 0x4000000000000000, li t0, 0x4000000000000000; fmv.d.x fa1, t0; c.fsd fa1, 8(s0); ld a0, 8(s0))
  TEST(82, a0, 0xc008000000000000, li t0, 0xc008000000000000; sd t0, 504(s0); mv sp, s0; c.fldsp fa2, 504(sp); mv sp, s11; fmv.x.d a0, fa2)
  TEST(83, a0, 0x4010000000000000, li t0, 0x4010000000000000; fmv.d.x fs0, t0; mv sp, s0; c.fsdsp fs0, 496(sp); mv sp, s11; ld a0, 496(s0))

  /* ---- control transfer ---- */
  TEST(90, a0, 1, li a0, 0; c.j 5f; li a0, 2; 5: addi a0, a0, 1)
  TEST(91, a0, 3, li a0, 0; c.j 5f; 6: addi a0, a0, 1; c.j 4f; 5: addi a0, a0, 2; c.j 6b; 4:)
  TEST(92, a0, 4, li a0, 0; la a1, 5f; c.jr a1; li a0, 99; 5: addi a0, a0, 4)
  TEST_EQ(93, ra, a2, la a1, 5f; 6: c.jalr a1; j fail; 5: la a2, 6b; addi a2, a2, 2)  /* link = pc + 2 */
  TEST(94, a0, 10, la a1, cfunc; li a0, 8; c.jalr a1)
  TEST_EQ(95, ra, a2, mv a1, ra; la ra, 5f; 6: c.jalr ra; j fail; 5: la a2, 6b; addi a2, a2, 2) /* rs1 == ra */
  TEST(96, a2, 0, li a0, 0; li a2, 0; c.beqz a0, 5f; li a2, 1; 5:)
  TEST(97, a2, 1, li a0, 7; li a2, 0; c.beqz a0, 5f; li a2, 1; 5:)
  TEST(98, a2, 0, li a0, 7; li a2, 0; c.bnez a0, 5f; li a2, 1; 5:)
  TEST(99, a2, 1, li a0, 0; li a2, 0; c.bnez a0, 5f; li a2, 1; 5:)
  TEST(100, a0, 0, li a0, 5; 5: c.addi a0, -1; c.bnez a0, 5b)       /* backward */
  TEST(101, a2, 7, li a0, 0; li a2, 0; c.beqz a0, 5f; li a2, 1; j 6f; .skip 240; 5: li a2, 7; 6:) /* near max range */
  TEST(102, a2, 9, li a5, 1; li a2, 0; c.j 6f; 5: li a2, 9; j 4f; .skip 200; 6: c.bnez a5, 5b; 4:)
  TEST(103, a2, 5, li a2, 0; c.j 6f; 5: li a2, 5; j 4f; .skip 2000; 6: c.j 5b; 4:)

  /* ---- c.ebreak and reserved encodings ---- */
  TEST_TRAP_CAUSE(110, CAUSE_BREAKPOINT, 6: c.ebreak)
  TEST_EQ(111, a0, a1, ld a0, trap_epc; la a1, 6b)
  TEST_TRAP(112, CAUSE_ILLEGAL, 0x4002, .hword 0x4002)    /* c.lwsp x0: reserved */
  TEST_TRAP(113, CAUSE_ILLEGAL, 0x6002, .hword 0x6002)    /* c.ldsp x0: reserved */
  TEST_TRAP(114, CAUSE_ILLEGAL, 0x6501, .hword 0x6501)    /* c.lui a0, 0: reserved */
  TEST_TRAP(115, CAUSE_ILLEGAL, 0x6101, .hword 0x6101)    /* c.addi16sp sp, 0: reserved */
  TEST_TRAP(116, CAUSE_ILLEGAL, 0x8002, .hword 0x8002)    /* c.jr x0: reserved */
  TEST_TRAP(117, CAUSE_ILLEGAL, 0x0004, .hword 0x0004)    /* c.addi4spn with imm 0: reserved */
  TEST_TRAP(118, CAUSE_ILLEGAL, 0x9c41, .hword 0x9c41)    /* quadrant 1 funct 100 1 11 10: reserved */
  TEST_TRAP(119, CAUSE_ILLEGAL, 0x8000, .hword 0x8000)    /* quadrant 0 funct3 100: reserved */
  TEST_TRAP(120, CAUSE_ILLEGAL, 0, .hword 0)              /* all zeros: defined illegal */
  TEST_TRAP(121, CAUSE_ILLEGAL, 0x2001, .hword 0x2001)    /* c.addiw x0: reserved */
  /* the c.ebreak / illegal instructions are 2 bytes: sepc points at them, not beyond */
  TEST_EQ(122, a0, a1, TRAP_EXPECT(122, c.nop; 6: .hword 0); ld a0, trap_epc; la a1, 6b)

  /* ---- instructions at the end of a page ---- */
  TEST(130, a0, 0x123, li a0, 0; call straddle32)
  TEST(131, a0, 12, li a0, 0; call edge16)
  TEST(132, a0, 0x7ff, li a0, 0; call straddle_lui)

  mv sp, s11
  j pass

cfunc:
  c.addi a0, 2
  c.jr ra

  /* A 32-bit instruction at page offset 0xffe: its halves live in two pages. */
  .balign 4096
  .skip 0xffc
straddle32:
  c.li a0, 1              /* at 0xffc */
  .option push
  .option norvc
  addi a0, a0, 0x122      /* at 0xffe .. 0x1001 */
  .option pop
  c.jr ra

  .balign 4096
  .skip 0xffa
edge16:
  c.li a0, 3              /* 0xffa */
  c.addi a0, 4            /* 0xffc */
  c.addi a0, 5            /* 0xffe: last halfword of the page */
  c.jr ra                 /* first halfword of the next page */

  .balign 4096
  .skip 0xffe
straddle_lui:
  .option push
  .option norvc
  addi a0, zero, 0x7ff    /* starts at 0xffe, the entry point */
  .option pop
  c.jr ra

TEST_EPILOGUE
TRAP_SUPPORT

  .data
  .balign 16
cbuf: .space 1024
TEST_STACK
