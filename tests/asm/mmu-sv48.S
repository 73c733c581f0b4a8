/* Sv48 translation: the four-level walk, 512 GiB pages (aligned and misaligned), the 48-bit
 * canonical rule (addresses that Sv39 rejects work, and vice versa), U-mode, A/D and
 * sfence.vma on a top-level leaf, and switching between Sv39 and Sv48. Layout: mmu.h. */
#include "test.h"
#include "mmu.h"

#define PTE_OF(i) la t0, l0_a; ld a0, (i) * 8(t0)
#define SET_L0(i, val) la t0, l0_a; li t1, val; sd t1, (i) * 8(t0)
#define U_OK CHECK_MEM(trap_cause, CAUSE_USER_ECALL)
#define TERA 0x10000000000                 /* root48[2]: 512 GiB page at PA 0 */
#define TERA_BAD 0x18000000000             /* root48[3]: misaligned */
#define SV48_HIGH 0xffff800000000000       /* root48[256] -> root39 */
#define SATP48 la t0, root48; srli t0, t0, 12; li t1, 9 << 60; or t0, t0, t1; csrw satp, t0; sfence.vma
#define SATP39 la t0, root39; srli t0, t0, 12; li t1, 8 << 60; or t0, t0, t1; csrw satp, t0; sfence.vma

TEST_PROLOGUE
  .option norvc
  TRAP_INIT
  call mmu_setup
  SATP48

  /* ---- four-level walks to each leaf size ---- */
  TEST(1, a0, 9, csrr a0, satp; srli a0, a0, 60)
  TEST(2, a0, 0x1000, li s1, VA_RW; ld a0, 0(s1))
  TEST(3, a0, 0x2000, li s1, VA_MEGA + 0x100; ld a0, 0(s1))
  TEST(4, a0, 0x2000, li s1, VA_GIGA + (MEGA - 0x80000000) + 0x100; ld a0, 0(s1))
  TEST(5, a0, 0x2000, li s1, TERA + MEGA + 0x100; ld a0, 0(s1))               /* 512 GiB page */
  TEST(6, a0, 0x44, li s1, TERA + P3; li t0, 0x44; sd t0, 32(s1); li s2, P3; ld a0, 32(s2))
  TEST_TRAP(7, CAUSE_FETCH_PAGE, TERA + CODE_A, li s1, TERA + CODE_A; jalr s1)  /* that leaf is not executable */
  TEST_TRAP(8, CAUSE_LOAD_PAGE, TERA_BAD + 8, li s1, TERA_BAD; ld a0, 8(s1))
  TEST_TRAP(9, CAUSE_STORE_PAGE, TERA_BAD, li s1, TERA_BAD; sd a0, 0(s1))
  TEST_TRAP(10, CAUSE_LOAD_PAGE, VA_GIGA_BAD, li s1, VA_GIGA_BAD; ld a0, 0(s1))
  TEST_TRAP(11, CAUSE_LOAD_PAGE, VA_MEGA_BAD, li s1, VA_MEGA_BAD; ld a0, 0(s1))
  TEST_TRAP(12, CAUSE_LOAD_PAGE, VA_L0_PTR, li s1, VA_L0_PTR; ld a0, 0(s1))
  TEST_TRAP(13, CAUSE_LOAD_ACCESS, VA_WALK_NORAM, li s1, VA_WALK_NORAM; ld a0, 0(s1))
  TEST_TRAP(14, CAUSE_LOAD_PAGE, 0x8000000000, li s1, 0x8000000000; ld a0, 0(s1))   /* root48[1] = 0 */
  TEST(15, a0, 0x1003, li s1, VA_GIGA + (P3 - 0x80000000); ld a0, 0(s1))

  /* ---- canonical addresses: bits 63:48 equal bit 47 ---- */
  TEST(20, a0, 0x2000, li s1, 0x4000000000 + (MEGA - 0x80000000) + 0x100; ld a0, 0(s1))  /* not canonical in Sv39 */
  TEST(21, a0, 0x2000, li s1, SV48_HIGH + 0x80000000 + (MEGA - 0x80000000) + 0x100; ld a0, 0(s1))
  TEST_TRAP(22, CAUSE_LOAD_PAGE, 0x0000800000000000, li s1, 0x0000800000000000; ld a0, 0(s1))
  TEST_TRAP(23, CAUSE_STORE_PAGE, 0xffff000000000000, li s1, 0xffff000000000000; sd a0, 0(s1))
  TEST_TRAP(24, CAUSE_LOAD_PAGE, 0x0001000040000000, li s1, 0x0001000040000000; ld a0, 0(s1))
  TEST_TRAP(25, CAUSE_FETCH_PAGE, 0x0000800080200000, li s1, 0x0000800080200000; jalr s1)
  TEST_TRAP(26, CAUSE_LOAD_PAGE, VA_HIGH, li s1, VA_HIGH; ld a0, 0(s1))   /* Sv39's upper half: root48[511] = 0 */
  /* executing through the upper-half alias of the identity page */
  TEST(27, a0, 0x31, li a0, 0x30; la s1, inc_a0; li t0, SV48_HIGH; add s1, s1, t0; jalr s1)

  /* ---- protection and A/D through four levels ---- */
  TEST_TRAP(30, CAUSE_LOAD_PAGE, VA_USER, li s1, VA_USER; ld a0, 0(s1))
  TEST(31, a0, 0x1000, li s1, VA_USER; RUN_U_OFF(U_OFF, ld a0, 0(s1)); U_OK)
  TEST(32, a0, CAUSE_LOAD_PAGE, li s1, VA_RW; RUN_U_OFF(U_OFF, ld a0, 0(s1)); ld a0, trap_cause)
  TEST(33, a0, CAUSE_FETCH_PAGE, li s1, TERA + CODE_A; RUN_U_OFF(U_OFF, jalr s1); ld a0, trap_cause)
  TEST(34, a0, 0, PTE_OF(6); andi a0, a0, PTE_A | PTE_D)
  TEST(35, a0, PTE_A, li s1, VA_AD; ld a0, 0(s1); PTE_OF(6); andi a0, a0, PTE_A | PTE_D)
  TEST(36, a0, PTE_A | PTE_D, li s1, VA_AD; sw a0, 4(s1); PTE_OF(6); andi a0, a0, PTE_A | PTE_D)
  /* A/D on the 512 GiB leaf itself */
  TEST(37, a0, PTE_A | PTE_D, la t0, root48; li t1, PTE(0, PTE_V | PTE_R | PTE_W); sd t1, 16(t0); sfence.vma; \
       li s1, TERA + P3; sd zero, 40(s1); la t0, root48; ld a0, 16(t0); andi a0, a0, PTE_A | PTE_D)

  /* ---- sfence.vma on a 512 GiB page ---- */
  TEST(40, a0, 0x1003, li s1, TERA + P3; ld a0, 0(s1))
  TEST_TRAP(41, CAUSE_LOAD_PAGE, TERA + P3, la t0, root48; sd zero, 16(t0); li s1, TERA + P3; sfence.vma s1; ld a0, 0(s1))
  TEST(42, a0, 0x1003, la t0, root48; li t1, PTE(0, RWAD); sd t1, 16(t0); sfence.vma s1; ld a0, 0(s1))
  TEST(43, a0, 0x1001, SET_L0(8, PTE(P1, RWAD)); li s1, VA_FENCE; sfence.vma s1; ld a0, 0(s1))

  /* ---- switching between Sv39 and Sv48 ---- */
  SATP39
  TEST(50, a0, 8, csrr a0, satp; srli a0, a0, 60)
  TEST(51, a0, 0x1000, li s1, VA_RW; ld a0, 0(s1))
  TEST_TRAP(52, CAUSE_LOAD_PAGE, 0x4000000000 + 0x100, li s1, 0x4000000000; ld a0, 0x100(s1))   /* fine in Sv48 */
  TEST(53, a0, 0x2000, li s1, VA_HIGH + (MEGA - 0x80000000) + 0x100; ld a0, 0(s1))
  SATP48
  TEST(54, a0, 0x2000, li s1, 0x4000000000 + (MEGA - 0x80000000) + 0x100; ld a0, 0(s1))
  TEST(55, a0, 0x123, li a0, 0; li s1, VA_CODE_A + 0xffe; jalr s1)            /* page-crossing fetch */
  TEST(56, a0, 0x0000808212350513, li s1, VA_CODE_A + 0xffe; ld a0, 0(s1))    /* page-crossing load */
  csrw satp, zero
  sfence.vma
  j pass

inc_a0:
  addi a0, a0, 1
  ret

TEST_EPILOGUE
TRAP_SUPPORT
TEST_STACK
