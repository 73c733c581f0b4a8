/* RV64I base instructions (uncompressed encodings), incl. W-forms, shift amounts beyond the
 * operand width, load sign/zero extension, lui/auipc, both directions of every branch at the
 * signed/unsigned boundaries, jal/jalr link values, and misaligned loads/stores (incl. ones
 * that cross a page boundary), which the platform performs without trapping. */
#include "test.h"
TEST_PROLOGUE
  .option norvc

  /* ---- add/sub/addi and their W forms ---- */
  TEST(1, a0, 0x8000000000000000, li a1, 0x7fffffffffffffff; li a2, 1; add a0, a1, a2)
  TEST(2, a0, 0, li a1, -1; li a2, 1; add a0, a1, a2)
  TEST(3, a0, 0x7fffffffffffffff, li a1, 0x8000000000000000; li a2, 1; sub a0, a1, a2)
  TEST(4, a0, -1, li a1, 0; li a2, 1; sub a0, a1, a2)
  TEST(5, a0, -2048, li a1, 0; addi a0, a1, -2048)
  TEST(6, a0, 0x800, li a1, 1; addi a0, a1, 2047)
  TEST(7, a0, 0xffffffff80000000, li a1, 0x7fffffff; li a2, 1; addw a0, a1, a2)
  TEST(8, a0, 5, li a1, 0x1234567800000002; li a2, 0x7654321000000003; addw a0, a1, a2)
  TEST(9, a0, 0x7fffffff, li a1, 0x80000000; li a2, 1; subw a0, a1, a2)
  TEST(10, a0, -1, li a1, 0x100000000; li a2, 1; subw a0, a1, a2)
  TEST(11, a0, 0xffffffff80000000, li a1, 0x7fffffff; addiw a0, a1, 1)
  TEST(12, a0, -1, li a1, 0xffffffff; addiw a0, a1, 0)
  TEST(13, a0, 0x7fffffff, li a1, 0xabcdef007fffffff; addiw a0, a1, 0)
  TEST(14, a0, 0xfffffffffffff800, li a1, 0x100000000; addiw a0, a1, -2048)
  /* x0 stays zero */
  TEST(15, a0, 0, addi x0, x0, 5; add a0, x0, x0)
  TEST(16, a0, 0, li a1, 7; add x0, a1, a1; mv a0, x0)

  /* ---- comparisons ---- */
  TEST(20, a0, 1, li a1, -1; li a2, 1; slt a0, a1, a2)
  TEST(21, a0, 0, li a1, -1; li a2, 1; sltu a0, a1, a2)
  TEST(22, a0, 0, li a1, 1; li a2, 1; slt a0, a1, a2)
  TEST(23, a0, 1, li a1, 0x8000000000000000; li a2, 0x7fffffffffffffff; slt a0, a1, a2)
  TEST(24, a0, 0, li a1, 0x8000000000000000; li a2, 0x7fffffffffffffff; sltu a0, a1, a2)
  TEST(25, a0, 1, li a1, -1; slti a0, a1, 0)
  TEST(26, a0, 0, li a1, 0; slti a0, a1, -1)
  TEST(27, a0, 1, li a1, 0; sltiu a0, a1, 1)       /* seqz */
  TEST(28, a0, 0, li a1, 5; sltiu a0, a1, 1)
  TEST(29, a0, 1, li a1, 0x7fffffffffffffff; sltiu a0, a1, -1) /* imm sign-extends to 2^64-1 */
  TEST(30, a0, 0, li a1, -1; sltiu a0, a1, -1)
  TEST(31, a0, 1, li a1, 0; li a2, 3; sltu a0, x0, a2)  /* snez */

  /* ---- logic ---- */
  TEST(40, a0, 0x0f0f0f0f0f0f0f0f ^ 0x00ff00ff00ff00ff, li a1, 0x0f0f0f0f0f0f0f0f; li a2, 0x00ff00ff00ff00ff; xor a0, a1, a2)
  TEST(41, a0, 0x0fff0fff0fff0fff, li a1, 0x0f0f0f0f0f0f0f0f; li a2, 0x00ff00ff00ff00ff; or a0, a1, a2)
  TEST(42, a0, 0x000f000f000f000f, li a1, 0x0f0f0f0f0f0f0f0f; li a2, 0x00ff00ff00ff00ff; and a0, a1, a2)
  TEST(43, a0, 0xedcba9876543210f, li a1, 0x123456789abcdef0; xori a0, a1, -1)  /* not */
  TEST(44, a0, 0xfffffffffffff800, li a1, 0; ori a0, a1, -2048)
  TEST(45, a0, 0x123456789abcd800, li a1, 0x123456789abcdef0; andi a0, a1, -2048)
  TEST(46, a0, 0x6f0, li a1, 0x123456789abcdef0; andi a0, a1, 0x7ff)
  TEST(47, a0, 0x123456789abcde0f, li a1, 0x123456789abcdef0; xori a0, a1, 0xff)

  /* ---- shifts: only the low 6 (5 for W forms) bits of the amount count ---- */
  TEST(50, a0, 2, li a1, 1; li a2, 65; sll a0, a1, a2)
  TEST(51, a0, 0x8000000000000000, li a1, 1; li a2, 63; sll a0, a1, a2)
  TEST(52, a0, 1, li a1, 1; li a2, 64; sll a0, a1, a2)
  TEST(53, a0, 1, li a1, 0x8000000000000000; li a2, 63; srl a0, a1, a2)
  TEST(54, a0, 0x0800000000000000, li a1, 0x8000000000000000; li a2, 0xffffffffffffffc4; srl a0, a1, a2)
  TEST(55, a0, -1, li a1, 0x8000000000000000; li a2, 63; sra a0, a1, a2)
  TEST(56, a0, 0xf800000000000000, li a1, 0x8000000000000000; li a2, 68; sra a0, a1, a2)
  TEST(57, a0, 0x3fffffffffffffff, li a1, 0x7fffffffffffffff; li a2, 129; sra a0, a1, a2)
  TEST(58, a0, 0x8000000000000000, li a1, 1; slli a0, a1, 63)
  TEST(59, a0, 1, li a1, 0x8000000000000000; srli a0, a1, 63)
  TEST(60, a0, -1, li a1, 0x8000000000000000; srai a0, a1, 63)
  TEST(61, a0, 0x123456789abcdef0, li a1, 0x123456789abcdef0; srai a0, a1, 0)
  TEST(62, a0, 0xffffffffffc00000, li a1, 0x8000000000000000; srai a0, a1, 41)
  TEST(63, a0, 0x0000000000400000, li a1, 0x8000000000000000; srli a0, a1, 41)
  /* W forms: result is the 32-bit result sign-extended; upper input bits ignored */
  TEST(70, a0, 2, li a1, 1; li a2, 33; sllw a0, a1, a2)
  TEST(71, a0, 0xffffffff80000000, li a1, 1; li a2, 31; sllw a0, a1, a2)
  TEST(72, a0, 0, li a1, 0xffffffff00000000; li a2, 0; sllw a0, a1, a2)
  TEST(73, a0, 1, li a1, 0x80000000; li a2, 31; srlw a0, a1, a2)
  TEST(74, a0, 0xffffffff80000000, li a1, 0x80000000; li a2, 32; srlw a0, a1, a2) /* shamt 0: sign-extends */
  TEST(75, a0, 1, li a1, 0xffffffff00000010; li a2, 4; srlw a0, a1, a2)
  TEST(76, a0, 0x0fffffff, li a1, -1; li a2, 36; srlw a0, a1, a2)
  TEST(77, a0, 0xfffffffff8000000, li a1, 0x80000000; li a2, 4; sraw a0, a1, a2)
  TEST(78, a0, 0x07ffffff, li a1, 0xffffffff7fffffff; li a2, 36; sraw a0, a1, a2)
  TEST(79, a0, -1, li a1, 0x80000000; li a2, 63; sraw a0, a1, a2)
  TEST(80, a0, 0xffffffff80000000, li a1, 1; slliw a0, a1, 31)
  TEST(81, a0, 0x12345678, li a1, 0xabcdef0012345678; slliw a0, a1, 0)
  TEST(82, a0, 0x7fffffff, li a1, -1; srliw a0, a1, 1)
  TEST(83, a0, -1, li a1, 0xffffffff; srliw a0, a1, 0)
  TEST(84, a0, 1, li a1, 0xffffffff; srliw a0, a1, 31)
  TEST(85, a0, -1, li a1, 0x80000000; sraiw a0, a1, 31)
  TEST(86, a0, 0x00ffffff, li a1, 0xf0000000ffffffff; sraiw a0, a1, 0; srliw a0, a0, 8)
  TEST(87, a0, 0x7ffffff, li a1, 0x7fffffff00000000 | 0x7fffffff; sraiw a0, a1, 4)

  /* ---- lui / auipc ---- */
  TEST(90, a0, 0xffffffff80000000, lui a0, 0x80000)
  TEST(91, a0, 0x7ffff000, lui a0, 0x7ffff)
  TEST(92, a0, 0xfffffffffffff000, lui a0, 0xfffff)
  TEST(93, a0, 0x12345678, lui a0, 0x12345; addi a0, a0, 0x678)
  TEST(94, a0, 0, lui x0, 0x12345; mv a0, x0)
  TEST_EQ(95, a0, a1, 7: auipc a0, 0; la a1, 7b)
  TEST_EQ(96, a0, a1, 7: auipc a0, 1; la a1, 7b; li t0, 0x1000; add a1, a1, t0)
  TEST_EQ(97, a0, a1, 7: auipc a0, 0xfffff; la a1, 7b; li t0, 0x1000; sub a1, a1, t0)
  TEST_EQ(98, a0, a1, 7: auipc a0, 0x80000; la a1, 7b; li t0, 0xffffffff80000000; add a1, a1, t0)

  /* ---- loads: sign vs zero extension, negative offsets ---- */
  la s0, ldata
  TEST(100, a0, 0xffffffffffffff88, lb a0, 0(s0))
  TEST(101, a0, 0x88, lbu a0, 0(s0))
  TEST(102, a0, 0xffffffffffff8788, lh a0, 0(s0))
  TEST(103, a0, 0x8788, lhu a0, 0(s0))
  TEST(104, a0, 0xffffffff85868788, lw a0, 0(s0))
  TEST(105, a0, 0x85868788, lwu a0, 0(s0))
  TEST(106, a0, 0x8182838485868788, ld a0, 0(s0))
  TEST(107, a0, 0x71, lb a0, 15(s0))
  TEST(108, a0, 0x7172, lh a0, 14(s0))
  TEST(109, a0, 0x71727374, lw a0, 12(s0))
  TEST(110, a0, 0x71727374, lwu a0, 12(s0))
  TEST(111, a0, 0x7172737475767778, ld a0, 8(s0))
  TEST(112, a0, 0xffffffffffffff81, addi s1, s0, 8; lb a0, -1(s1))
  TEST(113, a0, 0x8182, addi s1, s0, 2047; addi s1, s1, 7; lhu a0, -2048(s1))
  TEST(114, a0, 0x7172737475767778, addi s1, s0, -2039; ld a0, 2047(s1))
  TEST(115, a0, 0x8788, lh x0, 0(s0); lhu a0, 0(s0); add a0, a0, x0)

  /* ---- stores write exactly their width ---- */
  la s0, sdata
  li s1, -1
  TEST(120, a0, 0xffffffffffff00ff, sd s1, 0(s0); sb zero, 1(s0); ld a0, 0(s0))
  TEST(121, a0, 0xffff1234ffffffff, sd s1, 0(s0); li a1, 0xabcd1234; sh a1, 4(s0); ld a0, 0(s0))
  TEST(122, a0, 0x89abcdefffffffff, sd s1, 0(s0); li a1, 0x0123456789abcdef; sw a1, 4(s0); ld a0, 0(s0))
  TEST(123, a0, 0x0123456789abcdef, li a1, 0x0123456789abcdef; sd a1, 0(s0); ld a0, 0(s0))
  TEST(124, a0, -1, sd s1, 8(s0); li a1, 0x0123456789abcdef; sd a1, 0(s0); ld a0, 8(s0))
  TEST(125, a0, 0x5a, addi s1, s0, 16; li a1, 0x5a; sb a1, -16(s1); lbu a0, 0(s0))

  /* ---- branches: taken / not taken at the signed and unsigned boundaries ---- */
#define BR(n, op, x, y, taken) TEST(n, a0, taken, li a1, x; li a2, y; li a0, 0; op a1, a2, 7f; j 8f; 7: li a0, 1; 8:)
  BR(130, beq, 5, 5, 1)
  BR(131, beq, 5, 6, 0)
  BR(132, beq, 0x100000000, 0, 0)
  BR(133, bne, 5, 6, 1)
  BR(134, bne, -1, -1, 0)
  BR(135, blt, -1, 0, 1)
  BR(136, blt, 0, -1, 0)
  BR(137, blt, 0x8000000000000000, 0x7fffffffffffffff, 1)
  BR(138, blt, 3, 3, 0)
  BR(139, bge, 3, 3, 1)
  BR(140, bge, -1, 0, 0)
  BR(141, bge, 0x7fffffffffffffff, 0x8000000000000000, 1)
  BR(142, bltu, -1, 0, 0)
  BR(143, bltu, 0, -1, 1)
  BR(144, bltu, 0x7fffffffffffffff, 0x8000000000000000, 1)
  BR(145, bltu, 7, 7, 0)
  BR(146, bgeu, -1, 0, 1)
  BR(147, bgeu, 0, -1, 0)
  BR(148, bgeu, 7, 7, 1)
  BR(149, bgeu, 0x8000000000000000, 0x7fffffffffffffff, 1)
  /* backward branch loop */
  TEST(150, a0, 10, li a0, 0; li a1, 10; 7: addi a0, a0, 1; bne a0, a1, 7b)
  TEST(151, a0, 5, li a0, 0; li a1, -5; 7: addi a0, a0, 1; addi a1, a1, 1; bltz a1, 7b)
  /* a long branch (over 2 KiB) */
  TEST(152, a0, 1, li a0, 0; beqz a0, 7f; li a0, 99; j 8f; .space 3000; 7: li a0, 1; 8:)
  TEST(153, a0, 2, li a0, 0; j 8f; 7: li a0, 2; j 9f; .space 3000; 8: beqz a0, 7b; li a0, 99; 9:)

  /* ---- jal / jalr ---- */
  TEST_EQ(160, ra, a1, jal ra, 7f; 8: j fail; 7: la a1, 8b)
  TEST_EQ(161, t1, a1, jal t1, 7f; 8: j fail; 7: la a1, 8b)
  TEST(162, a0, 3, li a0, 1; jal x0, 7f; li a0, 2; 7: addi a0, a0, 2)
  TEST_EQ(163, ra, a1, la a2, 7f; jalr ra, 0(a2); 8: j fail; 7: la a1, 8b)
  TEST_EQ(164, ra, a1, la a2, 7f; addi a2, a2, 1; jalr ra, 0(a2); 8: j fail; 7: la a1, 8b) /* bit 0 cleared */
  TEST_EQ(165, ra, a1, la a2, 7f; addi a2, a2, 8; jalr ra, -8(a2); 8: j fail; 7: la a1, 8b)
  TEST_EQ(166, ra, a1, la a2, 7f; addi a2, a2, -3; jalr ra, 4(a2); 8: j fail; 7: la a1, 8b) /* (a2+4)&~1 */
  TEST_EQ(167, a2, a1, la a2, 7f; jalr a2, 0(a2); 8: j fail; 7: la a1, 8b)   /* rd == rs1 */
  TEST(168, a0, 42, la a2, jfunc; li a0, 40; jalr a2; addi a0, a0, 0)          /* call/ret */
  TEST(169, a0, 7, li a0, 7; la a2, 7f; jalr x0, 0(a2); li a0, 8; 7: nop)

  /* ---- fence / fence.i are accepted ---- */
  TEST(170, a0, 1, fence; fence rw, rw; fence.i; fence iorw, iorw; li a0, 1)

  /* ---- misaligned loads and stores (performed, no trap) ---- */
  la s0, ldata
  TEST(180, a0, 0x7881828384858687, ld a0, 1(s0))
  TEST(181, a0, 0x7374757677788182, ld a0, 6(s0))
  TEST(182, a0, 0xffffffff84858687, lw a0, 1(s0))
  TEST(183, a0, 0x84858687, lwu a0, 1(s0))
  TEST(184, a0, 0x77788182, lw a0, 6(s0))
  TEST(185, a0, 0xffffffffffff8687, lh a0, 1(s0))
  TEST(186, a0, 0x7881, lhu a0, 7(s0))
  TEST(187, a0, 0x7881, lh a0, 7(s0))
  la s0, sdata
  TEST(188, a0, 0x89abcdefff, li a1, 0; sd a1, 0(s0); sd a1, 8(s0); li a1, 0x0123456789abcdef; sw a1, 1(s0); ld a0, 0(s0); li t0, 0xffffffffff; and a0, a0, t0; ori a0, a0, 0xff)
  TEST(189, a0, 0x0123456789abcdef, li a1, 0x0123456789abcdef; sd a1, 3(s0); ld a0, 3(s0))
  TEST(190, a0, 0xefcdef00, lwu a0, 0(s0))
  TEST(191, a0, 0x12345, ld a0, 8(s0))
  TEST(192, a0, 0xbeef, li a1, 0xbeef; sh a1, 5(s0); lhu a0, 5(s0))
  /* crossing a 4 KiB page boundary */
  la s0, cross_page
  li t0, 4096
  add s0, s0, t0
  TEST(200, a0, 0x1122334455667788, li a1, 0x1122334455667788; sd a1, -3(s0); ld a0, -3(s0))
  TEST(201, a0, 0x88, lbu a0, -3(s0))
  TEST(202, a0, 0x11, lbu a0, 4(s0))
  TEST(203, a0, 0x55667788, lwu a0, -3(s0))
  TEST(204, a0, 0x33445566, li a1, 0x11223344; sw a1, -2(s0); li a1, 0x55667788; sw a1, -4(s0); li a1, 0x33445566; sw a1, -1(s0); lw a0, -1(s0))
  TEST(205, a0, 0x5566, lhu a0, -1(s0))
  TEST(206, a0, 0xffffffffffff8899, li a1, 0x8899; sh a1, -1(s0); lh a0, -1(s0))
  TEST(207, a0, 0xffffffff80112233, li a1, 0x80112233; sw a1, -2(s0); lw a0, -2(s0))
  TEST(208, a0, 0x80112233, lwu a0, -2(s0))
  TEST(209, a0, 0x2233, lhu a0, -2(s0))       /* aligned halfword just below the boundary */
  TEST(210, a0, 0x8011, lhu a0, 0(s0))
  TEST(211, a0, 0x0102030405060708, li a1, 0x0102030405060708; sd a1, -7(s0); ld a0, -7(s0))
  TEST(212, a0, 0x01, lbu a0, 0(s0))
  TEST(213, a0, 0x0708, lhu a0, -7(s0))
  /* FP loads/stores crossing the boundary too */
  li t0, SSTATUS_FS_INITIAL
  csrs sstatus, t0
  TEST(214, a0, 0x400921fb54442d18, li a1, 0x400921fb54442d18; fmv.d.x fa0, a1; fsd fa0, -3(s0); fld fa1, -3(s0); fmv.x.d a0, fa1)
  TEST(215, a0, 0xffffffffc0490fdb, li a1, 0xc0490fdb; fmv.w.x fa0, a1; fsw fa0, -1(s0); flw fa1, -1(s0); fmv.x.w a0, fa1)

  j pass

jfunc:
  addi a0, a0, 2
  ret

TEST_EPILOGUE

  .data
  .balign 16
ldata: .dword 0x8182838485868788, 0x7172737475767778
sdata: .dword 0, 0, 0, 0
  .bss
  .balign 4096
cross_page: .space 8192
TEST_STACK
