/* RV64M: multiplies (all high-half variants with negative and large operands) and divides,
 * incl. division by zero and the INT_MIN / -1 overflow case, for the 64- and 32-bit forms. */
#include "test.h"
#define MIN64 0x8000000000000000
#define MAX64 0x7fffffffffffffff
TEST_PROLOGUE
  .option norvc

  /* ---- mul ---- */
  TEST(1, a0, -21, li a1, 3; li a2, -7; mul a0, a1, a2)
  TEST(2, a0, 1, li a1, -1; li a2, -1; mul a0, a1, a2)
  TEST(3, a0, -2, li a1, MAX64; li a2, 2; mul a0, a1, a2)
  TEST(4, a0, 0x236d88fe5618cf00, li a1, 0x123456789abcdef0; li a2, 0xfedcba9876543210; mul a0, a1, a2)
  TEST(5, a0, MIN64, li a1, MIN64; li a2, -1; mul a0, a1, a2)
  TEST(6, a0, 0, li a1, MIN64; li a2, 2; mul a0, a1, a2)

  /* ---- mulh (signed x signed) ---- */
  TEST(10, a0, 0, li a1, -1; li a2, -1; mulh a0, a1, a2)
  TEST(11, a0, 0x4000000000000000, li a1, MIN64; li a2, MIN64; mulh a0, a1, a2)
  TEST(12, a0, 0, li a1, MIN64; li a2, -1; mulh a0, a1, a2)
  TEST(13, a0, -1, li a1, -2; li a2, 3; mulh a0, a1, a2)
  TEST(14, a0, 0x3fffffffffffffff, li a1, MAX64; li a2, MAX64; mulh a0, a1, a2)
  TEST(15, a0, 0xffeb49923cc09532, li a1, 0x123456789abcdef0; li a2, 0xfedcba9876543210; mulh a0, a1, a2)
  TEST(16, a0, -1, li a1, 5; li a2, -1; mulh a0, a1, a2)
  TEST(17, a0, 0xc000000000000000, li a1, MIN64; li a2, MAX64; mulh a0, a1, a2; addi a0, a0, 0)

  /* ---- mulhu (unsigned x unsigned) ---- */
  TEST(20, a0, 0xfffffffffffffffe, li a1, -1; li a2, -1; mulhu a0, a1, a2)
  TEST(21, a0, 0x4000000000000000, li a1, MIN64; li a2, MIN64; mulhu a0, a1, a2)
  TEST(22, a0, 0x7fffffffffffffff, li a1, MIN64; li a2, -1; mulhu a0, a1, a2)
  TEST(23, a0, 2, li a1, -2; li a2, 3; mulhu a0, a1, a2)
  TEST(24, a0, 0x121fa00ad77d7422, li a1, 0x123456789abcdef0; li a2, 0xfedcba9876543210; mulhu a0, a1, a2)
  TEST(25, a0, 1, li a1, MIN64; li a2, 2; mulhu a0, a1, a2)
  TEST(26, a0, 0, li a1, 0xffffffff; li a2, 0xffffffff; mulhu a0, a1, a2)

  /* ---- mulhsu (signed rs1 x unsigned rs2) ---- */
  TEST(30, a0, -1, li a1, -1; li a2, -1; mulhsu a0, a1, a2)
  TEST(31, a0, 0xc000000000000000, li a1, MIN64; li a2, MIN64; mulhsu a0, a1, a2)
  TEST(32, a0, 0x8000000000000000, li a1, MIN64; li a2, -1; mulhsu a0, a1, a2)
  TEST(33, a0, -1, li a1, -2; li a2, 3; mulhsu a0, a1, a2)
  TEST(34, a0, 1, li a1, 2; li a2, -1; mulhsu a0, a1, a2)
  TEST(35, a0, 0x121fa00ad77d7422, li a1, 0x123456789abcdef0; li a2, 0xfedcba9876543210; mulhsu a0, a1, a2)
  TEST(36, a0, 0, li a1, 0; li a2, -1; mulhsu a0, a1, a2)

  /* ---- mulw: low 32 bits, sign-extended; upper input bits ignored ---- */
  TEST(40, a0, -2, li a1, 0x7fffffff; li a2, 2; mulw a0, a1, a2)
  TEST(41, a0, 15, li a1, 0x100000003; li a2, 0x500000005; mulw a0, a1, a2)
  TEST(42, a0, 0xffffffff80000000, li a1, 0x40000000; li a2, 2; mulw a0, a1, a2)
  TEST(43, a0, 1, li a1, -1; li a2, 0xffffffff; mulw a0, a1, a2)

  /* ---- div / divu ---- */
  TEST(50, a0, -3, li a1, -7; li a2, 2; div a0, a1, a2)
  TEST(51, a0, -3, li a1, 7; li a2, -2; div a0, a1, a2)
  TEST(52, a0, 3, li a1, -7; li a2, -2; div a0, a1, a2)
  TEST(53, a0, -1, li a1, 7; li a2, 0; div a0, a1, a2)
  TEST(54, a0, -1, li a1, MIN64; li a2, 0; div a0, a1, a2)
  TEST(55, a0, MIN64, li a1, MIN64; li a2, -1; div a0, a1, a2)
  TEST(56, a0, 0xc000000000000000, li a1, MIN64; li a2, 2; div a0, a1, a2)
  TEST(57, a0, 0x7fffffffffffffff, li a1, -1; li a2, 2; divu a0, a1, a2)
  TEST(58, a0, -1, li a1, 7; li a2, 0; divu a0, a1, a2)
  TEST(59, a0, 0, li a1, MIN64; li a2, -1; divu a0, a1, a2)
  TEST(60, a0, 1, li a1, -1; li a2, -1; divu a0, a1, a2)
  TEST(61, a0, 0x4000000000000000, li a1, MIN64; li a2, 2; divu a0, a1, a2)

  /* ---- rem / remu: sign of the dividend ---- */
  TEST(70, a0, -1, li a1, -7; li a2, 2; rem a0, a1, a2)
  TEST(71, a0, 1, li a1, 7; li a2, -2; rem a0, a1, a2)
  TEST(72, a0, -1, li a1, -7; li a2, -2; rem a0, a1, a2)
  TEST(73, a0, 7, li a1, 7; li a2, 0; rem a0, a1, a2)
  TEST(74, a0, MIN64, li a1, MIN64; li a2, 0; rem a0, a1, a2)
  TEST(75, a0, 0, li a1, MIN64; li a2, -1; rem a0, a1, a2)
  TEST(76, a0, 1, li a1, -1; li a2, 2; remu a0, a1, a2)
  TEST(77, a0, -7, li a1, -7; li a2, 0; remu a0, a1, a2)
  TEST(78, a0, MIN64, li a1, MIN64; li a2, -1; remu a0, a1, a2)
  TEST(79, a0, 0, li a1, -1; li a2, -1; remu a0, a1, a2)

  /* ---- 32-bit divides: operands are the low words, results sign-extended ---- */
  TEST(80, a0, -3, li a1, -7; li a2, 2; divw a0, a1, a2)
  TEST(81, a0, 0xffffffff80000000, li a1, 0x80000000; li a2, -1; divw a0, a1, a2)
  TEST(82, a0, 0xffffffff80000000, li a1, 0x1234567880000000; li a2, 0xffffffff; divw a0, a1, a2)
  TEST(83, a0, -1, li a1, 5; li a2, 0; divw a0, a1, a2)
  TEST(84, a0, -1, li a1, 5; li a2, 0x100000000; divw a0, a1, a2) /* low word of the divisor is 0 */
  TEST(85, a0, 4, li a1, 0x100000008; li a2, 0x200000002; divw a0, a1, a2)
  TEST(86, a0, 0x7fffffff, li a1, 0xffffffff; li a2, 2; divuw a0, a1, a2)
  TEST(87, a0, 0xffffffff80000000, li a1, 0x80000000; li a2, 1; divuw a0, a1, a2)
  TEST(88, a0, -1, li a1, 5; li a2, 0; divuw a0, a1, a2)
  TEST(89, a0, -1, li a1, 0xffffffff; li a2, 1; divuw a0, a1, a2)
  TEST(90, a0, 0, li a1, 0x80000000; li a2, -1; divuw a0, a1, a2)
  TEST(91, a0, 0, li a1, 0x80000000; li a2, -1; remw a0, a1, a2)
  TEST(92, a0, 0xffffffff80000000, li a1, 0x180000000; li a2, 0; remw a0, a1, a2)
  TEST(93, a0, -1, li a1, -7; li a2, 2; remw a0, a1, a2)
  TEST(94, a0, 1, li a1, 7; li a2, -2; remw a0, a1, a2)
  TEST(95, a0, 5, li a1, 0xabcdef0000000005; li a2, 0; remw a0, a1, a2)
  TEST(96, a0, -1, li a1, 0xffffffff; li a2, 0; remuw a0, a1, a2)
  TEST(97, a0, 7, li a1, 7; li a2, 0x100000000; remuw a0, a1, a2)
  TEST(98, a0, 5, li a1, 0x80000005; li a2, 0x10; remuw a0, a1, a2)
  TEST(99, a0, 0xffffffff80000005, li a1, 0x80000005; li a2, 0x80000006; remuw a0, a1, a2)
  TEST(100, a0, 0x7fffffff, li a1, 0xffffffff; li a2, 0x80000000; remuw a0, a1, a2)

  /* rd overlapping a source */
  TEST(110, a1, 42, li a1, 6; li a2, 7; mul a1, a1, a2)
  TEST(111, a2, 3, li a1, 21; li a2, 7; divu a2, a1, a2)
  TEST(112, a1, 0, li a1, 21; rem a1, a1, a1)

  j pass
TEST_EPILOGUE
TEST_STACK
