/* Zba and Zbb: every instruction (RV64 forms), incl. the .uw/.w variants, zero inputs of the
 * count instructions, rotate amounts beyond the width, and signed vs unsigned min/max. */
#include "test.h"
TEST_PROLOGUE
  .option norvc

  /* ================= Zba ================= */
  TEST(1, a0, 0x100000005, li a1, 0xffffffff00000001; li a2, 0x100000004; add.uw a0, a1, a2) /* zext(rs1) + rs2 */
  TEST(2, a0, 0xffffffff, li a1, -1; zext.w a0, a1)                                            /* add.uw rd, rs, zero */
  TEST(3, a0, 0x11, li a1, 8; li a2, 1; sh1add a0, a1, a2)
  TEST(4, a0, 0x21, li a1, 8; li a2, 1; sh2add a0, a1, a2)
  TEST(5, a0, 0x41, li a1, 8; li a2, 1; sh3add a0, a1, a2)
  TEST(6, a0, 3, li a1, -1; li a2, 5; sh1add a0, a1, a2)
  TEST(7, a0, 0x0000000000000003, li a1, 0x8000000000000001; li a2, 1; sh1add a0, a1, a2)      /* top bit shifted out */
  TEST(8, a0, 0x1ffffffff, li a1, -1; li a2, 1; sh1add.uw a0, a1, a2)
  TEST(9, a0, 0x3fffffffd, li a1, 0xabcdef00ffffffff; li a2, 1; sh2add.uw a0, a1, a2)
  TEST(10, a0, 0x7fffffff9, li a1, 0xffffffffffffffff; li a2, 1; sh3add.uw a0, a1, a2)
  TEST(11, a0, 0x800000000 - 8 + 0x10, li a1, 0x12345678ffffffff; li a2, 0x10; sh3add.uw a0, a1, a2)
  TEST(12, a0, 0x800000010, li a1, 0xffffffff80000001; slli.uw a0, a1, 4)
  TEST(13, a0, 0xffffffff00000000, li a1, 0x12345678ffffffff; slli.uw a0, a1, 32)
  TEST(14, a0, 0x8000000000000000, li a1, 0xfffffffe00000001; slli.uw a0, a1, 63)
  TEST(15, a0, 0x80000000, li a1, 0xffffffff80000000; slli.uw a0, a1, 0)

  /* ================= Zbb: logic with negate ================= */
  TEST(20, a0, 0x0f000f000f000f00, li a1, 0x0f0f0f0f0f0f0f0f; li a2, 0x00ff00ff00ff00ff; andn a0, a1, a2)
  TEST(21, a0, 0xff0fff0fff0fff0f, li a1, 0x0f0f0f0f0f0f0f0f; li a2, 0x00ff00ff00ff00ff; orn a0, a1, a2)
  TEST(22, a0, 0xf00ff00ff00ff00f, li a1, 0x0f0f0f0f0f0f0f0f; li a2, 0x00ff00ff00ff00ff; xnor a0, a1, a2)
  TEST(23, a0, -1, li a1, 5; li a2, 5; xnor a0, a1, a2)
  TEST(24, a0, 0, li a1, -1; li a2, -1; andn a0, a1, a2)

  /* ================= Zbb: counts ================= */
  TEST(30, a0, 64, li a1, 0; clz a0, a1)
  TEST(31, a0, 0, li a1, -1; clz a0, a1)
  TEST(32, a0, 63, li a1, 1; clz a0, a1)
  TEST(33, a0, 3, li a1, 0x1000000000000000; clz a0, a1)
  TEST(34, a0, 32, li a1, 0xffffffff00000000; clzw a0, a1)  /* upper word ignored */
  TEST(35, a0, 31, li a1, 0xffffffff00000001; clzw a0, a1)
  TEST(36, a0, 0, li a1, 0x80000000; clzw a0, a1)
  TEST(37, a0, 64, li a1, 0; ctz a0, a1)
  TEST(38, a0, 63, li a1, 0x8000000000000000; ctz a0, a1)
  TEST(39, a0, 4, li a1, 0x123456789abcdef0; ctz a0, a1)
  TEST(40, a0, 32, li a1, 0x100000000; ctzw a0, a1)
  TEST(41, a0, 31, li a1, 0x80000000; ctzw a0, a1)
  TEST(42, a0, 0, li a1, 0xffffffff; ctzw a0, a1)
  TEST(43, a0, 64, li a1, -1; cpop a0, a1)
  TEST(44, a0, 0, li a1, 0; cpop a0, a1)
  TEST(45, a0, 32, li a1, 0x123456789abcdef0; cpop a0, a1)
  TEST(46, a0, 1, li a1, 0xffffffff00000001; cpopw a0, a1)
  TEST(47, a0, 32, li a1, 0x00000000ffffffff; cpopw a0, a1)

  /* ================= Zbb: min/max ================= */
  TEST(50, a0, -1, li a1, -1; li a2, 1; min a0, a1, a2)
  TEST(51, a0, 1, li a1, -1; li a2, 1; minu a0, a1, a2)
  TEST(52, a0, 1, li a1, -1; li a2, 1; max a0, a1, a2)
  TEST(53, a0, -1, li a1, -1; li a2, 1; maxu a0, a1, a2)
  TEST(54, a0, 0x8000000000000000, li a1, 0x8000000000000000; li a2, 0x7fffffffffffffff; min a0, a1, a2)
  TEST(55, a0, 0x7fffffffffffffff, li a1, 0x8000000000000000; li a2, 0x7fffffffffffffff; minu a0, a1, a2)
  TEST(56, a0, 0x7fffffffffffffff, li a1, 0x8000000000000000; li a2, 0x7fffffffffffffff; max a0, a1, a2)
  TEST(57, a0, 0x8000000000000000, li a1, 0x8000000000000000; li a2, 0x7fffffffffffffff; maxu a0, a1, a2)
  TEST(58, a0, 7, li a1, 7; li a2, 7; min a0, a1, a2)

  /* ================= Zbb: sign/zero extension ================= */
  TEST(60, a0, 0xffffffffffffff80, li a1, 0x1234567890abcd80; sext.b a0, a1)
  TEST(61, a0, 0x7f, li a1, 0xffffffffffffff7f; sext.b a0, a1)
  TEST(62, a0, 0xffffffffffff8001, li a1, 0x1234567890ab8001; sext.h a0, a1)
  TEST(63, a0, 0x7fff, li a1, 0xffffffffffff7fff; sext.h a0, a1)
  TEST(64, a0, 0x8001, li a1, 0xffffffffffff8001; zext.h a0, a1)

  /* ================= Zbb: rotates ================= */
  TEST(70, a0, 0x23456789abcdef01, li a1, 0x123456789abcdef0; li a2, 4; rol a0, a1, a2)
  TEST(71, a0, 0x23456789abcdef01, li a1, 0x123456789abcdef0; li a2, 68; rol a0, a1, a2)  /* amount mod 64 */
  TEST(72, a0, 0x0123456789abcdef, li a1, 0x123456789abcdef0; li a2, 4; ror a0, a1, a2)
  TEST(73, a0, 0x2468acf13579bde0, li a1, 0x123456789abcdef0; li a2, 63; ror a0, a1, a2)
  TEST(74, a0, 0x123456789abcdef0, li a1, 0x123456789abcdef0; li a2, 64; ror a0, a1, a2)
  TEST(75, a0, 0x0123456789abcdef, li a1, 0x123456789abcdef0; rori a0, a1, 4)
  TEST(76, a0, 0x2468acf13579bde0, li a1, 0x123456789abcdef0; rori a0, a1, 63)
  TEST(77, a0, 0x123456789abcdef0, li a1, 0x123456789abcdef0; rori a0, a1, 0)
  TEST(78, a0, 0xffffffffabcdef09, li a1, 0x123456789abcdef0; li a2, 4; rolw a0, a1, a2)
  TEST(79, a0, 3, li a1, 0x80000001; li a2, 33; rolw a0, a1, a2)                          /* amount mod 32 */
  TEST(80, a0, 0x09abcdef, li a1, 0x123456789abcdef0; li a2, 4; rorw a0, a1, a2)
  TEST(81, a0, 0xffffffff80000000, li a1, 0x1; li a2, 1; rorw a0, a1, a2)
  TEST(82, a0, 0xffffffff80000000, li a1, 0xffffffff00000001; roriw a0, a1, 1)
  TEST(83, a0, 0xffffffffdef09abc, li a1, 0x9abcdef0; roriw a0, a1, 16)
  TEST(84, a0, 0xffffffff9abcdef0, li a1, 0x123456789abcdef0; roriw a0, a1, 0)            /* = sext.w */

  /* ================= Zbb: byte ops ================= */
  TEST(90, a0, 0x00ff0000ff0000ff, li a1, 0x0012000034000056; orc.b a0, a1)
  TEST(91, a0, 0xff000000000000ff, li a1, 0x0100000000000080; orc.b a0, a1)
  TEST(92, a0, 0, li a1, 0; orc.b a0, a1)
  TEST(93, a0, 0xf0debc9a78563412, li a1, 0x123456789abcdef0; rev8 a0, a1)
  TEST(94, a0, 0x0100000000000000, li a1, 1; rev8 a0, a1)

  j pass
TEST_EPILOGUE
TEST_STACK
