/* Page tables, markers and code pages shared by the MMU tests (layout: mmu.h).
 * mmu_setup builds everything with the MMU off; it clobbers t0-t2. */
#include "mmu.h"

#define SETPTE(tbl, idx, val) la t0, tbl; li t2, (idx) * 8; add t0, t0, t2; li t1, val; sd t1, 0(t0);
#define SETPTR(tbl, idx, child) la t0, tbl; li t2, (idx) * 8; add t0, t0, t2; la t1, child; \
  srli t1, t1, 12; slli t1, t1, 10; ori t1, t1, PTE_V; sd t1, 0(t0);
#define POKE64(addr, val) li t0, addr; li t1, val; sd t1, 0(t0);
#define POKE32(addr, val) li t0, addr; li t1, val; sw t1, 0(t0);
#define POKE16(addr, val) li t0, addr; li t1, val; sh t1, 0(t0);

  .text
  .globl mmu_setup
mmu_setup:
  /* data markers */
  POKE64(P0, 0x1000)
  POKE64(P1, 0x1001)
  POKE64(P2, 0x1002)
  POKE64(P3, 0x1003)
  POKE64(MEGA + 0x100, 0x2000)
  POKE64(MEGA2 + 0x100, 0x2001)
  /* code pages */
  POKE32(CODE_A, 0x00150513)            /* addi a0, a0, 1 */
  POKE32(CODE_A + 4, 0x00008067)        /* ret */
  POKE16(CODE_A + 0xffe, 0x0513)        /* low half of addi a0, a0, imm */
  POKE16(CODE_A + 0x1000, 0x0010)       /* imm 1: what a physically contiguous fetch would see */
  POKE16(CODE_A + 0x1002, 0x8082)       /* c.jr ra */
  POKE16(CODE_B, 0x1235)                /* imm 0x123 */
  POKE16(CODE_B + 2, 0x8082)            /* c.jr ra */
  POKE16(CODE_C + 0xffe, 0x0513)
  POKE32(CODE_D, 0x00250513)            /* addi a0, a0, 2 */
  POKE32(CODE_D + 4, 0x00008067)        /* ret */
  fence.i

  /* level 0: 4 KiB pages at VA_PAGES */
  SETPTE(l0_a, 0, PTE(P0, RWAD))
  SETPTE(l0_a, 1, PTE(P1, PTE_V | PTE_R | PTE_A))
  SETPTE(l0_a, 2, PTE(P0, PTE_R | PTE_W | PTE_A | PTE_D))
  SETPTE(l0_a, 3, PTE(P0, PTE_V | PTE_W | PTE_A | PTE_D))
  SETPTE(l0_a, 4, PTE(P0, PTE_V | PTE_X | PTE_A))
  SETPTE(l0_a, 5, PTE(P0, RWAD | PTE_U))
  SETPTE(l0_a, 6, PTE(P2, PTE_V | PTE_R | PTE_W))
  SETPTE(l0_a, 7, PTE(0x20000000, RWAD | PTE_X))
  SETPTE(l0_a, 8, PTE(P0, RWAD))
  SETPTE(l0_a, 9, PTE(P3, PTE_V | PTE_X | PTE_U | PTE_A))
  SETPTE(l0_a, 10, PTE(CODE_A, PTE_V | PTE_R | PTE_X | PTE_A))
  SETPTE(l0_a, 11, PTE(CODE_B, PTE_V | PTE_R | PTE_X | PTE_A))
  SETPTE(l0_a, 12, PTE(CODE_A, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A))
  SETPTE(l0_a, 13, PTE(P0, RWAD) | (1 << 61))
  SETPTE(l0_a, 14, PTE(P0, RWAD) | (1 << 63))
  SETPTE(l0_a, 15, PTE(CODE_C, PTE_V | PTE_R | PTE_X | PTE_A))
  SETPTE(l0_a, 16, 0)
  SETPTE(l0_a, 17, PTE(CODE_A, PTE_V | PTE_X))
  SETPTE(l0_a, 18, PTE(P3, RWAD))
  SETPTE(l0_a, 19, 0)
  SETPTE(l0_a, 20, PTE(0x10000000, RWAD | PTE_X))
  SETPTE(l0_a, 21, PTE(P1, PTE_V | PTE_R | PTE_U | PTE_A))
  SETPTE(l0_a, 22, PTE(CODE_A, PTE_V | PTE_R | PTE_A))
  SETPTE(l0_a, 23, PTE(CODE_A, PTE_V | PTE_R | PTE_X | PTE_A))
  SETPTR(l0_b, 0, l0_a)                          /* a pointer where only leaves may be */

  /* level 1 */
  SETPTR(l1_a, 0, l0_a)
  SETPTE(l1_a, 1, PTE(MEGA, RWAD))
  SETPTE(l1_a, 2, PTE(MEGA + 0x1000, RWAD))      /* misaligned 2 MiB page */
  SETPTE(l1_a, 3, PTE(0x20000000, PTE_V))        /* next table outside RAM */
  SETPTR(l1_a, 4, l0_b)

  /* level 2 (the Sv39 root; the Sv48 level-2 table for VA < 512 GiB and the upper half) */
  SETPTR(root39, 1, l1_a)
  SETPTE(root39, 2, PTE(0x80000000, RWAD | PTE_X))
  SETPTE(root39, 3, PTE(0x80000000, RWAD))
  SETPTE(root39, 4, PTE(0x80200000, RWAD))       /* misaligned 1 GiB page */
  SETPTE(root39, 5, PTE(0x80000000, RWAD | PTE_X | PTE_U))
  SETPTE(root39, 256, PTE(0x80000000, RWAD))

  /* level 3 (Sv48 root) */
  SETPTR(root48, 0, root39)
  SETPTE(root48, 2, PTE(0, RWAD))                /* 512 GiB page at PA 0 */
  SETPTE(root48, 3, PTE(0x80000000, RWAD))       /* misaligned 512 GiB page */
  SETPTR(root48, 256, root39)
  ret

  .bss
  .balign 4096
  .globl root39, root48, l1_a, l0_a, l0_b
root39: .space 4096
root48: .space 4096
l1_a: .space 4096
l0_a: .space 4096
l0_b: .space 4096
