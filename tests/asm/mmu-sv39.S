/* Sv39 translation: 4 KiB / 2 MiB / 1 GiB pages, misaligned superpages, invalid and reserved
 * PTEs, canonical addresses, U/S protection incl. SUM and MXR, hardware A/D updates,
 * sfence.vma (global and by address), access faults for PTEs and tables outside RAM,
 * misaligned accesses and 32-bit instructions that cross a page boundary. Layout: mmu.h. */
#include "test.h"
#include "mmu.h"

#define PTE_OF(i) la t0, l0_a; ld a0, (i) * 8(t0)
#define SET_L0(i, val) la t0, l0_a; li t1, val; sd t1, (i) * 8(t0)
/* a0 = (r == x || r == y) */
#define ONEOF(r, x, y) li t0, x; li t1, y; sub t0, r, t0; sub t1, r, t1; seqz t0, t0; seqz t1, t1; or a0, t0, t1
/* The last trap's sepc == `x` (a constant). */
#define CHECK_EPC(x) CHECK_MEM(trap_epc, x)
/* The U-mode block ran through to its ecall. */
#define U_OK CHECK_MEM(trap_cause, CAUSE_USER_ECALL)

TEST_PROLOGUE
  .option norvc
  TRAP_INIT
  call mmu_setup
  la t0, root39
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma

  /* ---- the three page sizes ---- */
  TEST(1, a0, 0x1000, li s1, VA_RW; ld a0, 0(s1))
  TEST(2, a0, 0x55, li s1, VA_RW; li t0, 0x55; sd t0, 8(s1); li s2, P0; ld a0, 8(s2))  /* same frame */
  TEST(3, a0, 0x1001, li s1, VA_RO; ld a0, 0(s1))
  TEST(4, a0, 0x2000, li s1, VA_MEGA + 0x100; ld a0, 0(s1))
  TEST(5, a0, 0x77, li s2, MEGA + 0x1ff000; li t0, 0x77; sd t0, 0x18(s2); li s1, VA_MEGA + 0x1ff018; ld a0, 0(s1))
  TEST(6, a0, 0x2000, li s1, VA_GIGA + (MEGA - 0x80000000) + 0x100; ld a0, 0(s1))
  TEST(7, a0, 0x2000, li s1, VA_HIGH + (MEGA - 0x80000000) + 0x100; ld a0, 0(s1))   /* upper half */
  TEST(8, a0, 0x1003, li s1, VA_GIGA + (P3 - 0x80000000); ld a0, 0(s1))

  /* ---- misaligned superpages: page fault for every access type ---- */
  TEST_TRAP(10, CAUSE_LOAD_PAGE, VA_MEGA_BAD + 8, li s1, VA_MEGA_BAD; ld a0, 8(s1))
  TEST_TRAP(11, CAUSE_STORE_PAGE, VA_MEGA_BAD, li s1, VA_MEGA_BAD; sd zero, 0(s1))
  TEST_TRAP(12, CAUSE_FETCH_PAGE, VA_MEGA_BAD, li s1, VA_MEGA_BAD; jalr s1)
  TEST_TRAP(13, CAUSE_LOAD_PAGE, VA_GIGA_BAD + 0x10, li s1, VA_GIGA_BAD; ld a0, 0x10(s1))
  TEST_TRAP(14, CAUSE_STORE_PAGE, VA_GIGA_BAD, li s1, VA_GIGA_BAD; amoadd.d a0, a1, (s1))

  /* ---- invalid and reserved PTEs ---- */
  TEST_TRAP(20, CAUSE_LOAD_PAGE, VA_INVALID, li s1, VA_INVALID; ld a0, 0(s1))
  TEST_TRAP(21, CAUSE_STORE_PAGE, VA_INVALID + 4, li s1, VA_INVALID; sw zero, 4(s1))
  TEST_TRAP(22, CAUSE_FETCH_PAGE, VA_INVALID, li s1, VA_INVALID; jalr s1)
  CHECK_EPC(VA_INVALID)
  TEST_TRAP(23, CAUSE_LOAD_PAGE, VA_WONLY, li s1, VA_WONLY; ld a0, 0(s1))
  TEST_TRAP(24, CAUSE_STORE_PAGE, VA_WONLY, li s1, VA_WONLY; sd zero, 0(s1))
  TEST_TRAP(25, CAUSE_LOAD_PAGE, VA_L0_PTR, li s1, VA_L0_PTR; ld a0, 0(s1))        /* pointer at level 0 */
  TEST_TRAP(26, CAUSE_LOAD_PAGE, VA_PBMT, li s1, VA_PBMT; ld a0, 0(s1))            /* PBMT without Svpbmt */
  TEST_TRAP(27, CAUSE_LOAD_PAGE, VA_NAPOT, li s1, VA_NAPOT; ld a0, 0(s1))          /* N without Svnapot */
  TEST_TRAP(28, CAUSE_LOAD_PAGE, VA(30), li s1, VA(30); lbu a0, 0(s1))             /* PTE = 0 */
  TEST_TRAP(29, CAUSE_LOAD_PAGE, 0x8000, li s1, 0x8000; lbu a0, 0(s1))             /* root[0] = 0 */

  /* ---- non-canonical addresses (bits 63:39 must all equal bit 38) ---- */
  TEST_TRAP(30, CAUSE_LOAD_PAGE, 0x4000000000, li s1, 0x4000000000; ld a0, 0(s1))
  TEST_TRAP(31, CAUSE_STORE_PAGE, 0x4000000000, li s1, 0x4000000000; sd a0, 0(s1))
  TEST_TRAP(32, CAUSE_FETCH_PAGE, 0x4000000000, li s1, 0x4000000000; jalr s1)
  TEST_TRAP(33, CAUSE_LOAD_PAGE, 0xffffff8000000000, li s1, 0xffffff8000000000; ld a0, 0(s1))
  TEST_TRAP(34, CAUSE_LOAD_PAGE, 0x8000000040000000, li s1, 0x8000000040000000; ld a0, 0(s1)) /* VA_RW + bit 63 */
  TEST_TRAP(35, CAUSE_STORE_PAGE, 0x0000010080000000, li s1, 0x0000010080000000; amoswap.d a0, a1, (s1))

  /* ---- PTEs / tables outside RAM: access faults ---- */
  TEST_TRAP(40, CAUSE_LOAD_ACCESS, VA_NORAM + 8, li s1, VA_NORAM; ld a0, 8(s1))
  TEST_TRAP(41, CAUSE_STORE_ACCESS, VA_NORAM, li s1, VA_NORAM; sd a0, 0(s1))
  TEST_TRAP(42, CAUSE_FETCH_ACCESS, VA_NORAM, li s1, VA_NORAM; jalr s1)
  TEST_TRAP(43, CAUSE_STORE_ACCESS, VA_NORAM, li s1, VA_NORAM; amoadd.d a0, a1, (s1))
  TEST_TRAP(44, CAUSE_LOAD_ACCESS, VA_WALK_NORAM, li s1, VA_WALK_NORAM; ld a0, 0(s1))
  TEST_TRAP(45, CAUSE_STORE_ACCESS, VA_WALK_NORAM, li s1, VA_WALK_NORAM; sd a0, 0(s1))
  TEST_TRAP(46, CAUSE_FETCH_ACCESS, VA_WALK_NORAM, li s1, VA_WALK_NORAM; jalr s1)
  /* a device mapped through the page table works */
  TEST(47, a0, 0x60, li s1, VA_UART; lbu a0, 5(s1))          /* UART LSR: THRE | TEMT */
  TEST_TRAP(48, CAUSE_FETCH_ACCESS, VA_UART, li s1, VA_UART; jalr s1)

  /* ---- permissions: R, W, X, MXR ---- */
  TEST_TRAP(50, CAUSE_STORE_PAGE, VA_RO + 16, li s1, VA_RO; sd a0, 16(s1))
  TEST_TRAP(51, CAUSE_STORE_PAGE, VA_RO, li s1, VA_RO; amoor.d a0, a1, (s1))
  TEST_TRAP(52, CAUSE_STORE_PAGE, VA_RO, li s1, VA_RO; lr.d a0, (s1); sc.d a2, a1, (s1))
  TEST(53, a0, 0x1001, ld a0, VA_RO - VA_RO(s1))
  TEST_TRAP(54, CAUSE_LOAD_PAGE, VA_XONLY, li s1, VA_XONLY; ld a0, 0(s1))
  TEST_TRAP(55, CAUSE_LOAD_PAGE, VA_XONLY, li s1, VA_XONLY; lr.d a0, (s1))
  TEST(56, a0, 0x1000, li t0, SSTATUS_MXR; csrs sstatus, t0; li s1, VA_XONLY; ld a0, 0(s1))   /* MXR */
  TEST_TRAP(57, CAUSE_STORE_PAGE, VA_XONLY, li s1, VA_XONLY; sd a0, 0(s1))        /* MXR: loads only */
  TEST_TRAP(58, CAUSE_LOAD_PAGE, VA_XONLY, li t0, SSTATUS_MXR; csrc sstatus, t0; li s1, VA_XONLY; ld a0, 0(s1))
  TEST(59, a0, 8, li a0, 7; li s1, VA_CODE_A; jalr s1)       /* execute from an S X page */
  TEST_TRAP(60, CAUSE_FETCH_PAGE, VA_CODE_RO, li s1, VA_CODE_RO; jalr s1)
  TEST_TRAP(61, CAUSE_FETCH_PAGE, VA_RW, li s1, VA_RW; jalr s1)

  /* ---- S-mode and U pages: SUM ---- */
  TEST_TRAP(70, CAUSE_LOAD_PAGE, VA_USER, li s1, VA_USER; ld a0, 0(s1))
  TEST_TRAP(71, CAUSE_STORE_PAGE, VA_USER, li s1, VA_USER; sd a0, 0(s1))
  TEST_TRAP(72, CAUSE_STORE_PAGE, VA_USER, li s1, VA_USER; amoadd.d a0, a1, (s1))
  TEST(73, a0, 0x1000, li t0, SSTATUS_SUM; csrs sstatus, t0; li s1, VA_USER; ld a0, 0(s1))
  TEST(74, a0, 0x66, li t0, 0x66; sd t0, 16(s1); ld a0, 16(s1))
  TEST_TRAP(75, CAUSE_FETCH_PAGE, VA_UCODE, li s1, VA_UCODE; jalr s1)     /* never, even with SUM */
  TEST_TRAP(76, CAUSE_LOAD_PAGE, VA_USER, li t0, SSTATUS_SUM; csrc sstatus, t0; li s1, VA_USER; ld a0, 0(s1))
  TEST_TRAP(77, CAUSE_FETCH_PAGE, VA_UCODE, li s1, VA_UCODE; jalr s1)

  /* ---- U-mode (code on the U alias of the program) ---- */
  TEST(80, a0, 5, li a0, 4; RUN_U_OFF(U_OFF, addi a0, a0, 1); U_OK)
  TEST(81, a0, 0x1000, li s1, VA_USER; RUN_U_OFF(U_OFF, ld a0, 0(s1)); U_OK)
  TEST(82, a0, 0x99, li s1, VA_USER; li a1, 0x99; RUN_U_OFF(U_OFF, sd a1, 24(s1); ld a0, 24(s1)); U_OK)
  TEST(83, a0, CAUSE_LOAD_PAGE, li s1, VA_RW; RUN_U_OFF(U_OFF, ld a0, 0(s1)); ld a0, trap_cause)
  TEST(84, a0, VA_RW, ld a0, trap_tval)
  TEST(85, a0, CAUSE_STORE_PAGE, li s1, VA_RW; RUN_U_OFF(U_OFF, sd a0, 0(s1)); ld a0, trap_cause)
  TEST(86, a0, CAUSE_LOAD_PAGE, la s1, scratch; RUN_U_OFF(U_OFF, ld a0, 0(s1)); ld a0, trap_cause)  /* identity map is S */
  TEST(87, a0, CAUSE_FETCH_PAGE, li s1, VA_CODE_A; RUN_U_OFF(U_OFF, jalr s1); ld a0, trap_cause)
  TEST(88, a0, VA_CODE_A, ld a0, trap_tval)
  TEST(89, a0, 11, li a0, 10; li s1, VA_UCODE; RUN_U_OFF(U_OFF, jalr s1); U_OK)
  TEST(90, a0, CAUSE_STORE_PAGE, li s1, VA_UROONLY; RUN_U_OFF(U_OFF, sd a0, 0(s1)); ld a0, trap_cause)
  TEST(91, a0, 0x1001, li s1, VA_UROONLY; RUN_U_OFF(U_OFF, ld a0, 0(s1)))
  TEST(92, a0, CAUSE_LOAD_PAGE, li s1, VA_UXONLY; RUN_U_OFF(U_OFF, ld a0, 0(s1)); ld a0, trap_cause)
  TEST(93, a0, 0x1003, li t0, SSTATUS_MXR; csrs sstatus, t0; li s1, VA_UXONLY; RUN_U_OFF(U_OFF, ld a0, 0(s1)); li t0, SSTATUS_MXR; csrc sstatus, t0)
  TEST(94, a0, CAUSE_LOAD_PAGE, li t0, SSTATUS_SUM; csrs sstatus, t0; li s1, VA_RW; RUN_U_OFF(U_OFF, ld a0, 0(s1)); ld a0, trap_cause) /* SUM is for S only */
  li t0, SSTATUS_SUM
  csrc sstatus, t0
  /* after U-mode used the U page, S still may not (separate TLB contexts) */
  TEST(95, a0, 0x1000, li s1, VA_USER; RUN_U_OFF(U_OFF, ld a0, 0(s1)))
  TEST_TRAP(96, CAUSE_LOAD_PAGE, VA_USER, ld a0, 0(s1))
  /* and after S used an S page, U still may not */
  TEST(97, a0, 0x1000, li s1, VA_RW; ld a0, 0(s1))
  TEST(98, a0, CAUSE_LOAD_PAGE, RUN_U_OFF(U_OFF, ld a0, 0(s1)); ld a0, trap_cause)

  /* ---- hardware A/D updates ---- */
  TEST(100, a0, 0, PTE_OF(6); andi a0, a0, PTE_A | PTE_D)
  TEST(101, a0, 0x1002, li s1, VA_AD; ld a0, 0(s1))
  TEST(102, a0, PTE_A, PTE_OF(6); andi a0, a0, PTE_A | PTE_D)                  /* read: A only */
  TEST(103, a0, PTE_A | PTE_D, li s1, VA_AD; sd zero, 8(s1); PTE_OF(6); andi a0, a0, PTE_A | PTE_D)
  TEST(104, a0, PTE(P2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D), PTE_OF(6))      /* nothing else changed */
  TEST(105, a0, 0, PTE_OF(17); andi a0, a0, PTE_A)
  TEST(106, a0, 4, li a0, 3; li s1, VA_CODE_NA; jalr s1)                      /* fetch sets A */
  TEST(107, a0, PTE_A, PTE_OF(17); andi a0, a0, PTE_A | PTE_D)
  TEST(108, a0, PTE_A, li s1, VA_RO; TRAP_EXPECT(108, sd zero, 0(s1)); PTE_OF(1); andi a0, a0, PTE_A | PTE_D) /* failed store: no D */
  TEST(109, a0, PTE_A | PTE_D, SET_L0(6, PTE(P2, PTE_V | PTE_R | PTE_W)); li s1, VA_AD; sfence.vma s1; amoadd.d a0, zero, (s1); PTE_OF(6); andi a0, a0, PTE_A | PTE_D)
  TEST(110, a0, 0, SET_L0(6, PTE(P2, PTE_V | PTE_R | PTE_W)); li s1, VA_AD; sfence.vma s1; TRAP_EXPECT(110, ld a0, 0(s1); jalr s1); PTE_OF(6); andi a0, a0, PTE_D) /* fetch fault after the load */
  TEST(111, a0, PTE_A, PTE_OF(6); andi a0, a0, PTE_A)

  /* ---- sfence.vma makes PTE changes visible ---- */
  TEST(120, a0, 0x1000, li s1, VA_FENCE; ld a0, 0(s1))
  TEST(121, a0, 0x1001, SET_L0(8, PTE(P1, RWAD)); sfence.vma zero, zero; ld a0, 0(s1))
  TEST(122, a0, 0x1003, SET_L0(8, PTE(P3, RWAD)); sfence.vma s1, zero; ld a0, 0(s1))
  TEST(123, a0, 0x1003, SET_L0(8, PTE(P3, RWAD)); addi s2, s1, 0x7f8; sfence.vma s2; ld a0, 0x7f8 - 0x7f8(s1))  /* any address in the page */
  TEST_TRAP(124, CAUSE_LOAD_PAGE, VA_FENCE, SET_L0(8, 0); sfence.vma s1; ld a0, 0(s1))
  TEST_TRAP(125, CAUSE_STORE_PAGE, VA_FENCE, sd a0, 0(s1))
  TEST(126, a0, 0x1000, SET_L0(8, PTE(P0, RWAD)); sfence.vma s1; ld a0, 0(s1))
  TEST(127, a0, 0x1001, li t0, 0xbb; sd t0, 8(s1); SET_L0(8, PTE(P1, RWAD)); sfence.vma s1; ld a0, 0(s1))  /* write TLB too */
  TEST(128, a0, 0xcc, li t0, 0xcc; sd t0, 16(s1); li s2, P1; ld a0, 16(s2))
  TEST(129, a0, 0x66, li s2, P0; ld a0, 16(s2))
  /* a superpage */
  TEST(130, a0, 0x2001, la t0, l1_a; li t1, PTE(MEGA2, RWAD); sd t1, 8(t0); li s1, VA_MEGA + 0x100; sfence.vma s1; ld a0, 0(s1))
  TEST(131, a0, 0x2000, la t0, l1_a; li t1, PTE(MEGA, RWAD); sd t1, 8(t0); sfence.vma; ld a0, 0(s1))
  /* instruction fetch */
  TEST(132, a0, 1, li a0, 0; li s1, VA_REMAP; jalr s1)
  TEST(133, a0, 2, SET_L0(23, PTE(CODE_D, PTE_V | PTE_R | PTE_X | PTE_A)); sfence.vma s1; li a0, 0; jalr s1)
  TEST(134, a0, 1, SET_L0(23, PTE(CODE_A, PTE_V | PTE_R | PTE_X | PTE_A)); sfence.vma; li a0, 0; jalr s1)
  /* a page table page itself remapped: change an intermediate (level-1) pointer */
  TEST_TRAP(135, CAUSE_LOAD_PAGE, VA_RW, la t0, l1_a; sd zero, 0(t0); sfence.vma; li s1, VA_RW; ld a0, 0(s1))
  TEST(136, a0, 0x1000, la t0, l1_a; la t1, l0_a; srli t1, t1, 12; slli t1, t1, 10; ori t1, t1, PTE_V; sd t1, 0(t0); sfence.vma; ld a0, 0(s1))

  /* ---- misaligned accesses across pages ---- */
  TEST(140, a0, 0x0000808212350513, li s1, VA_CODE_A + 0xffe; ld a0, 0(s1))  /* physically apart */
  TEST(141, a0, 0x80821235, li s1, VA_CODE_A + 0xfff; lwu a0, 1(s1))
  TEST_TRAP_CAUSE(142, CAUSE_LOAD_PAGE, li s1, VA_EDGE + 0xffc; ld a0, 0(s1))
  TEST(143, a0, 1, ld t2, trap_tval; ONEOF(t2, VA_EDGE + 0xffc, VA_EDGE + 0x1000))
  TEST_TRAP_CAUSE(144, CAUSE_STORE_PAGE, li s1, VA_EDGE + 0xffe; sw zero, 0(s1))
  TEST(145, a0, 1, ld t2, trap_tval; ONEOF(t2, VA_EDGE + 0xffe, VA_EDGE + 0x1000))
  TEST_TRAP_CAUSE(146, CAUSE_STORE_PAGE, li s1, VA_RW + 0xffd; sd zero, 0(s1))   /* next page read-only */
  TEST(147, a0, 1, ld t2, trap_tval; ONEOF(t2, VA_RW + 0xffd, VA_RO))
  TEST(148, a0, 0x1001, li s1, VA_RO; ld a0, 0(s1))                      /* read-only page untouched */

  /* ---- 32-bit instructions across a page boundary ---- */
  TEST(150, a0, 0x123, li a0, 0; li s1, VA_CODE_A + 0xffe; jalr s1)    /* halves in distant frames */
  TEST_TRAP_CAUSE(151, CAUSE_FETCH_PAGE, li a0, 0; li s1, VA_CODE_C + 0xffe; jalr s1)
  CHECK_EPC(VA_CODE_C + 0xffe)
  TEST(152, a0, 1, ld t2, trap_tval; ONEOF(t2, VA_CODE_C + 0xffe, VA_CODE_C + 0x1000))
  /* second half in a page that is not executable */
  TEST_TRAP_CAUSE(153, CAUSE_FETCH_PAGE, SET_L0(16, PTE(CODE_B, PTE_V | PTE_R | PTE_A)); li s1, VA_CODE_C + 0xffe; sfence.vma; jalr s1)
  TEST(154, a0, 1, ld t2, trap_tval; ONEOF(t2, VA_CODE_C + 0xffe, VA_CODE_C + 0x1000))
  TEST(155, a0, 0x123, SET_L0(16, PTE(CODE_B, PTE_V | PTE_R | PTE_X | PTE_A)); sfence.vma; li a0, 0; jalr s1)

  /* ---- back to Bare ---- */
  TEST(160, a0, 0x1000, csrw satp, zero; sfence.vma; li s1, P0; ld a0, 0(s1))
  TEST_TRAP(161, CAUSE_LOAD_ACCESS, VA_RW, li s1, VA_RW; ld a0, 0(s1))    /* no longer mapped */
  j pass

TEST_EPILOGUE
TRAP_SUPPORT
  .data
  .balign 8
scratch: .dword 0
TEST_STACK
