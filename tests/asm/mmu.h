/* Shared layout of the MMU test programs (mmu-sv39.S, mmu-sv48.S; tables built by mmu-lib.S).
 *
 * Physical pages (64 MiB zone, program at 0x80200000, DTB at the top):
 *   P0 0x83000000  marker 0x1000 at offset 0      P1 0x83001000  marker 0x1001
 *   P2 0x83002000  marker 0x1002 (A/D page)       P3 0x83003000  marker 0x1003
 *   CODE_A 0x83010000  "addi a0,a0,1; ret" at 0; low half of "addi a0,a0,0x123" at 0xffe
 *   0x83011000 (physically next to CODE_A) high half 0x0010 + c.jr ra: a wrong straddle adds 1
 *   CODE_B 0x83012000  high half 0x1235 of that addi, then c.jr ra
 *   CODE_C 0x83014000  low half of an addi at 0xffe (its next virtual page is unmapped)
 *   CODE_D 0x83016000  "addi a0,a0,2; ret"
 *   MEGA  0x83200000 (2 MiB aligned) marker 0x2000 at +0x100; MEGA2 0x83400000 marker 0x2001
 *
 * Sv39 virtual layout (root = level-2 table):
 *   0x0_4000_0000 + i*4K   4 KiB pages via l1_a[0] -> l0_a[i] (see VA_* below)
 *   0x0_4020_0000          2 MiB page -> MEGA                 (l1_a[1])
 *   0x0_4040_0000          misaligned 2 MiB page              (l1_a[2])
 *   0x0_4060_0000          next-level table outside RAM       (l1_a[3])
 *   0x0_4080_0000          level-0 PTE that is a pointer      (l1_a[4] -> l0_b[0])
 *   0x0_8000_0000          1 GiB identity, S RWX (code, data, stack)   (root[2])
 *   0x0_C000_0000          1 GiB -> 0x80000000, S RW          (root[3])
 *   0x1_0000_0000          misaligned 1 GiB page              (root[4])
 *   0x1_4000_0000          1 GiB -> 0x80000000, U RWX: U-mode alias of the program (root[5])
 *   0xffff_ffc0_0000_0000  1 GiB -> 0x80000000, S RW (upper half)     (root[256])
 */
#define P0 0x83000000
#define P1 0x83001000
#define P2 0x83002000
#define P3 0x83003000
#define CODE_A 0x83010000
#define CODE_B 0x83012000
#define CODE_C 0x83014000
#define CODE_D 0x83016000
#define MEGA 0x83200000
#define MEGA2 0x83400000

#define PTE_V 1
#define PTE_R 2
#define PTE_W 4
#define PTE_X 8
#define PTE_U 16
#define PTE_G 32
#define PTE_A 64
#define PTE_D 128
#define PTE(pa, flags) ((((pa) >> 12) << 10) | (flags))
#define RWAD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

#define VA_PAGES 0x40000000
#define VA(i) (VA_PAGES + (i) * 0x1000)
#define VA_RW      VA(0)     /* P0 S RW */
#define VA_RO      VA(1)     /* P1 S R */
#define VA_INVALID VA(2)     /* V = 0 */
#define VA_WONLY   VA(3)     /* W without R: reserved */
#define VA_XONLY   VA(4)     /* P0 S X only */
#define VA_USER    VA(5)     /* P0 U RW */
#define VA_AD      VA(6)     /* P2 S RW, A = D = 0 */
#define VA_NORAM   VA(7)     /* -> 0x20000000 RWX, nothing there */
#define VA_FENCE   VA(8)     /* P0, remapped by the sfence tests */
#define VA_UXONLY  VA(9)     /* P3 U X only */
#define VA_CODE_A  VA(10)    /* CODE_A S RX */
#define VA_CODE_B  VA(11)    /* CODE_B S RX (virtually after CODE_A, physically not) */
#define VA_UCODE   VA(12)    /* CODE_A U RX */
#define VA_PBMT    VA(13)    /* P0 with PBMT bits set (no Svpbmt): reserved */
#define VA_NAPOT   VA(14)    /* P0 with N set (no Svnapot): reserved */
#define VA_CODE_C  VA(15)    /* CODE_C S RX; VA(16) unmapped */
#define VA_CODE_NA VA(17)    /* CODE_A S X, A = 0 */
#define VA_EDGE    VA(18)    /* P3 S RW; VA(19) unmapped */
#define VA_UART    VA(20)    /* the UART, S RWX */
#define VA_UROONLY VA(21)    /* P1 U R only */
#define VA_CODE_RO VA(22)    /* CODE_A S R (not executable) */
#define VA_REMAP   VA(23)    /* CODE_A S RX, remapped to CODE_D by the sfence tests */
#define VA_MEGA    0x40200000
#define VA_MEGA_BAD 0x40400000
#define VA_WALK_NORAM 0x40600000
#define VA_L0_PTR  0x40800000
#define VA_GIGA    0xC0000000
#define VA_GIGA_BAD 0x100000000
#define U_OFF      0xC0000000   /* U alias = identity address + U_OFF */
#define VA_HIGH    0xffffffc000000000

#define STIMECMP 0x14d
