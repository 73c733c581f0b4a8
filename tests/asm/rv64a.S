/* RV64A on one hart: LR/SC success and failure, every AMO in .w and .d form (old value in
 * rd, new value in memory), sign extension of .w results, signed vs unsigned min/max, and
 * that .w operations leave the neighbouring word alone. (Cross-hart atomicity: sbi-smp.S;
 * misaligned AMO/LR traps: traps.S.) */
#include "test.h"
TEST_PROLOGUE
  .option norvc
  la s0, amo_d       /* two dwords */
  la s1, amo_w       /* four words: the test word at 0(s1), guards around it */

/* Set the .d cell to `init`, run `op rd, src, (s0)`, check rd == old and memory == new. */
#define AMO_D(n, op, init, src, old, new) \
  TEST(n, a0, old, li t0, init; sd t0, 0(s0); li a1, src; op a0, a1, (s0)) \
  TEST(n, a0, new, ld a0, 0(s0))
/* Same for a .w cell at 4(s1) with guard words 0(s1) and 8(s1) that must stay intact. */
#define AMO_W(n, op, init, src, old, new) \
  TEST(n, a0, old, li t0, -1; sw t0, 0(s1); sw t0, 8(s1); li t0, init; sw t0, 4(s1); li a1, src; addi a2, s1, 4; op a0, a1, (a2)) \
  TEST(n, a0, new, lwu a0, 4(s1)) \
  TEST(n, a0, -1, lw a0, 0(s1)) \
  TEST(n, a0, -1, lw a0, 8(s1))

  /* ---- LR/SC ---- */
  TEST(1, a2, 0, li t0, 100; sd t0, 0(s0); lr.d a0, (s0); addi a0, a0, 1; sc.d a2, a0, (s0))
  TEST(2, a0, 101, ld a0, 0(s0))
  TEST(3, a0, 101, ld a0, 0(s0))
  /* the reservation was consumed by the successful sc: a second sc fails and writes nothing */
  TEST(4, a2, 1, li a3, 5; sc.d a2, a3, (s0); sc.d a2, a3, (s0))
  TEST(5, a0, 101, ld a0, 0(s0))
  /* sc with no lr at all */
  TEST(6, a2, 1, li t0, 7; sd t0, 8(s0); li a3, 9; addi a4, s0, 8; sc.d a2, a3, (a4))
  TEST(7, a0, 7, ld a0, 8(s0))
  /* sc to a different address than the lr: fails, neither location written */
  TEST(8, a2, 1, lr.d a0, (s0); li a3, 55; addi a4, s0, 8; sc.d a2, a3, (a4))
  TEST(9, a0, 7, ld a0, 8(s0))
  TEST(10, a0, 101, ld a0, 0(s0))
  /* lr.w sign-extends; sc.w success writes only 32 bits */
  TEST(11, a0, 0xffffffff80000000, li t0, -1; sw t0, 0(s1); sw t0, 8(s1); li t0, 0x80000000; sw t0, 4(s1); addi a4, s1, 4; lr.w a0, (a4))
  TEST(12, a2, 0, li a3, 0x1234567887654321; sc.w a2, a3, (a4))
  TEST(13, a0, 0x87654321, lwu a0, 4(s1))
  TEST(14, a0, -1, lw a0, 0(s1))
  TEST(15, a0, -1, lw a0, 8(s1))
  TEST(16, a2, 1, li a3, 1; sc.w a2, a3, (a4))
  TEST(17, a0, 0x87654321, lwu a0, 4(s1))
  /* a plain store to the reserved location by this hart: a later sc may not store the old
   * reservation's value over it; either it fails, or (if it succeeds) memory holds the sc value */
  TEST(18, a0, 1, li t0, 10; sd t0, 0(s0); lr.d a0, (s0); li t0, 20; sd t0, 0(s0); li a3, 30; sc.d a2, a3, (s0); \
       li t1, 20; li a0, 0; bnez a2, 7f; li t1, 30; 7: ld t2, 0(s0); bne t1, t2, 8f; li a0, 1; 8:)
  /* lr/sc with aq/rl bits */
  TEST(19, a0, 31, li t0, 30; sd t0, 0(s0); lr.d.aq a0, (s0); addi a0, a0, 1; sc.d.rl a2, a0, (s0); bnez a2, fail; ld a0, 0(s0))
  /* lr/sc retry loop, the usual idiom */
  TEST(20, a0, 1030, li t0, 1000; sd t0, 0(s0); li a5, 30; \
       7: lr.d a0, (s0); addi a0, a0, 1; sc.d a2, a0, (s0); bnez a2, 7b; addi a5, a5, -1; bnez a5, 7b; ld a0, 0(s0))

  /* ---- AMO .d ---- */
  AMO_D(30, amoswap.d, 0x1111, 0x2222, 0x1111, 0x2222)
  AMO_D(31, amoadd.d, 5, -7, 5, -2)
  AMO_D(32, amoadd.d, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000)
  AMO_D(33, amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0)
  AMO_D(34, amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
  AMO_D(35, amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0)
  AMO_D(36, amomin.d, -1, 1, -1, -1)
  AMO_D(37, amomin.d, 1, -1, 1, -1)
  AMO_D(38, amomax.d, -1, 1, -1, 1)
  AMO_D(39, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  AMO_D(40, amominu.d, -1, 1, -1, 1)
  AMO_D(41, amominu.d, 1, -1, 1, 1)
  AMO_D(42, amomaxu.d, -1, 1, -1, -1)
  AMO_D(43, amomaxu.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
  AMO_D(44, amoadd.d.aqrl, 40, 2, 40, 42)
  AMO_D(45, amoswap.d.aq, -5, 0, -5, 0)
  AMO_D(46, amoor.d.rl, 0, 0, 0, 0)
  AMO_D(47, amomin.d, 3, 3, 3, 3)
  /* rd == x0 and rd == rs2 */
  TEST(48, a0, 12, li t0, 10; sd t0, 0(s0); li a1, 2; amoadd.d x0, a1, (s0); ld a0, 0(s0))
  TEST(49, a1, 12, li a1, 99; amoswap.d a1, a1, (s0))
  TEST(50, a0, 99, ld a0, 0(s0))

  /* ---- AMO .w: rd gets the sign-extended old word; only 32 bits of rs2 count ---- */
  AMO_W(60, amoswap.w, 0x80000001, 0x1234567811112222, 0xffffffff80000001, 0x11112222)
  AMO_W(61, amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0x80000000)
  AMO_W(62, amoadd.w, 0xffffffff, 1, -1, 0)                   /* no carry into the next word */
  AMO_W(63, amoadd.w, 5, 0xffffffff00000003, 5, 8)
  AMO_W(64, amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xf0f0f0f0)
  AMO_W(65, amoand.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0x0f000f00)
  AMO_W(66, amoor.w, 0x7f00ff00, 0x0ff00ff0, 0x7f00ff00, 0x7ff0fff0)
  AMO_W(67, amomin.w, 0xffffffff, 1, -1, 0xffffffff)          /* signed: -1 < 1 */
  AMO_W(68, amominu.w, 0xffffffff, 1, -1, 1)                  /* unsigned: 1 < 0xffffffff */
  AMO_W(69, amomax.w, 0xffffffff, 1, -1, 1)
  AMO_W(70, amomaxu.w, 0xffffffff, 1, -1, 0xffffffff)
  AMO_W(71, amomin.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x80000000)
  AMO_W(72, amomax.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  AMO_W(73, amominu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  AMO_W(74, amomaxu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x80000000)
  /* the upper half of rs2 must not take part in the .w comparison */
  AMO_W(75, amomin.w, 5, 0x0000000100000003, 5, 3)
  AMO_W(76, amomaxu.w, 5, 0xffffffff00000003, 5, 5)
  AMO_W(77, amomin.w, 5, 0x00000000ffffffff, 5, 0xffffffff)   /* low word of rs2 is -1 */
  AMO_W(78, amomaxu.w, 0x10, 0x7fffffff00000001, 0x10, 0x10)
  AMO_W(79, amoswap.w.aqrl, 0, 0xfffffffe, 0, 0xfffffffe)
  TEST(80, a0, 0xfffffffffffffffe, lw a0, 4(s1))

  j pass
TEST_EPILOGUE

  .data
  .balign 16
amo_d: .dword 0, 0
amo_w: .word 0, 0, 0, 0
TEST_STACK
