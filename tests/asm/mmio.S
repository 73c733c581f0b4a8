/* Loads and stores that reach devices (the MMIO exit path): widths, sign/zero extension,
 * FP registers as source/destination, x0 as destination. */
#include "test.h"
#define UART 0x10000000
#define PLIC 0x0c000000
#define SYSCON 0x100000
TEST_PROLOGUE
  .option norvc
  li t0, SSTATUS_FS_INITIAL
  csrs sstatus, t0
  li s0, UART
  li s1, PLIC + 0x2004                    /* context 0 enables, sources 32..63 */
  TEST(1, a0, 0x60, lbu a0, 5(s0))        /* LSR: THRE | TEMT */
  TEST(2, a0, 0xffffffffffffff80, li t0, 0x80; sb t0, 7(s0); lb a0, 7(s0))   /* scratch register */
  TEST(3, a0, 0x80, lbu a0, 7(s0))
  TEST(4, a0, 0x7f, li t0, 0x7f; sb t0, 7(s0); lb a0, 7(s0))
  TEST(5, a0, 0xffffffff80000000, li t0, 0x80000000; sw t0, 0(s1); lw a0, 0(s1))
  TEST(6, a0, 0x80000000, lwu a0, 0(s1))
  TEST(7, a0, 0, lw x0, 0(s1); mv a0, x0)
  TEST(8, a0, 0xffffffff80000000, flw fa0, 0(s1); fmv.x.d a0, fa0)  /* NaN-boxed */
  TEST(9, a0, 0x00000005, li t0, 5; fmv.w.x fa1, t0; fsw fa1, 0(s1); lwu a0, 0(s1))
  TEST(10, a0, 0, sw zero, 0(s1); lw a0, 0(s1))
  TEST(11, a0, 7, li s2, PLIC + 4; li t0, 7; sw t0, 0(s2); lw a0, 0(s2))  /* source 1 priority */
  TEST(12, a0, 0, li s2, PLIC + 4; sw zero, 0(s2); lwu a0, 0(s2))
  TEST(13, a0, 0, li s2, SYSCON; lw a0, 0(s2))
  /* a load that faults leaves rd alone; one that succeeds right after works */
  TEST(14, a0, 0x60, li a0, 0x60; li s2, 0x20000000; la t0, 5f; sd t0, trap_resume, t1; la t0, trap_handler; csrw stvec, t0; \
       lw a0, 0(s2); 5: csrw stvec, zero)
  TEST(15, a0, CAUSE_LOAD_ACCESS, ld a0, trap_cause)
  /* stores are posted to the device thread, yet one to an unmapped address (or running past the
   * end of a device window) still faults precisely, on that store */
  TEST(16, a0, CAUSE_STORE_ACCESS, la t0, 6f; sd t0, trap_resume, t1; la t0, trap_handler; csrw stvec, t0; \
       li a0, 0; sw a0, 0(s2); 6: csrw stvec, zero; ld a0, trap_cause)
  TEST_EQ(17, a0, s2, ld a0, trap_tval)
  TEST(18, a0, CAUSE_STORE_ACCESS, la t0, 6f; sd t0, trap_resume, t1; la t0, trap_handler; csrw stvec, t0; \
       li s2, UART + 0xfc; sd zero, 0(s2); 6: csrw stvec, zero; ld a0, trap_cause)
  /* a posted store followed by a load of the same register: the load sees it */
  TEST(19, a0, 0x5a, li t0, 0x5a; sb t0, 7(s0); fence o, w; lbu a0, 7(s0))
  j pass
TEST_EPILOGUE
TRAP_SUPPORT
TEST_STACK
