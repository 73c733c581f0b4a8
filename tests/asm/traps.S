/* Synchronous traps and trap entry/exit: ecall from U, ebreak, illegal instructions (stval =
 * the instruction bits), misaligned AMO/LR/SC, access faults for loads, stores, AMOs and
 * fetches outside RAM/devices, sret to S and U with the SIE/SPIE/SPP dance, interrupts taken
 * in U-mode regardless of SIE, vectored stvec, and interrupt priority (SEI > SSI > STI). */
#include "test.h"
#define UART 0x10000000
#define PLIC 0x0c000000
#define RAM_END 0x84000000          /* 64 MiB zone */
#define STIMECMP 0x14d

/* `code` (with the faulting 32-bit instruction at label 6) must raise illegal instruction
 * with stval == its encoding and sepc == its address. */
#define TEST_ILLEGAL(n, code...) \
  TRAP_EXPECT(n, code); CHECK_MEM(trap_cause, CAUSE_ILLEGAL); \
  ld t5, trap_tval; la t6, 6b; lwu t6, 0(t6); beq t5, t6, 8f; j fail_got; 8: \
  ld t5, trap_epc; la t6, 6b; beq t5, t6, 8f; j fail_got; 8:;
/* Check that the last trap's sepc is label 6 (of the code just run). */
#define CHECK_EPC6 ld t5, trap_epc; la t6, 6b; beq t5, t6, 8f; j fail_got; 8:;

TEST_PROLOGUE
  .option norvc
  TRAP_INIT

  /* ---- ecall from U-mode ---- */
  TEST_U(1, CAUSE_USER_ECALL, nop)
  TEST_EQ(2, a0, a1, ld a0, trap_epc; la a1, 9b; addi a1, a1, -4)   /* sepc = the ecall */
  TEST(3, a0, 0, ld a0, trap_tval)
  TEST(4, a0, 0, ld a0, trap_status; andi a0, a0, SSTATUS_SPP)      /* came from U */
  TEST(5, a0, 42, li a0, 40; TEST_U(5, CAUSE_USER_ECALL, addi a0, a0, 2))  /* U code really ran */

  /* ---- ebreak ---- */
  TEST_TRAP_CAUSE(10, CAUSE_BREAKPOINT, 6: ebreak)
  CHECK_EPC6
  TEST(11, a0, 1, ld a0, trap_tval; la a1, 6b; seqz a2, a0; sub a1, a1, a0; seqz a1, a1; or a0, a1, a2) /* stval: 0 or pc */
  TEST(12, a0, SSTATUS_SPP, ld a0, trap_status; andi a0, a0, SSTATUS_SPP)  /* came from S */
  TEST_U(13, CAUSE_BREAKPOINT, ebreak)
  TEST(14, a0, 0, ld a0, trap_status; andi a0, a0, SSTATUS_SPP)

  /* ---- illegal instructions ---- */
  TEST_ILLEGAL(20, 6: .word 0x0000000b)                 /* custom-0 opcode */
  TEST_ILLEGAL(21, 6: .word 0x7e000033)                 /* OP with an unassigned funct7 */
  TEST_ILLEGAL(22, 6: .word 0x30200073)                 /* mret from S */
  TEST_ILLEGAL(23, 6: .word 0x7b200073)                 /* dret outside debug mode */
  TEST_ILLEGAL(24, 6: .word 0x00200073)                 /* uret (no N extension) */
  TEST_ILLEGAL(25, 6: .word 0x0000200f)                 /* MISC-MEM funct3 2 */
  TEST_ILLEGAL(26, 6: .word 0x00007003)                 /* LOAD funct3 7 */
  TEST_ILLEGAL(27, 6: .word 0x00004023)                 /* STORE funct3 4 */
  TEST_ILLEGAL(28, 6: .word 0x00002063)                 /* BRANCH funct3 2 */
  TEST_ILLEGAL(29, 6: .word 0x00001067)                 /* JALR funct3 1 */
  TEST_ILLEGAL(30, 6: .word 0x1015252f)                 /* lr.w with rs2 != 0 */
  TEST_ILLEGAL(31, 6: .word 0x0000002f)                 /* AMO funct3 0 (no Zabha) */
  TEST_ILLEGAL(32, 6: .word 0x0200101b)                 /* slliw with shamt[5] set */
  TEST_ILLEGAL(33, 6: .word 0x04001013)                 /* OP-IMM funct3 1 with funct6 1 */
  TEST_ILLEGAL(34, 6: .word 0x0000407b)                 /* custom-3 */
  TEST_ILLEGAL(37, 6: .word 0x22000073)                 /* hfence.vvma (no H) */
  /* privileged instructions from U-mode */
  TEST_U(40, CAUSE_ILLEGAL, 6: sret)
  TEST(41, a0, 0x10200073, ld a0, trap_tval)
  TEST_U(42, CAUSE_ILLEGAL, wfi)
  TEST_U(43, CAUSE_ILLEGAL, sfence.vma)
  TEST_U(44, CAUSE_ILLEGAL, .word 0x30200073)           /* mret */

  /* ---- misaligned atomics trap (no Zam) ---- */
  la s0, adata
  TEST_TRAP_CAUSE(50, CAUSE_MISALIGNED_STORE, li a1, 1; addi s1, s0, 2; amoadd.w a0, a1, (s1))
  TEST_EQ(51, a0, s1, ld a0, trap_tval)
  TEST(52, a0, 0x1111111122222222, ld a0, 0(s0))        /* memory untouched */
  TEST_TRAP_CAUSE(53, CAUSE_MISALIGNED_STORE, addi s1, s0, 4; amoswap.d a0, a1, (s1))
  TEST_EQ(54, a0, s1, ld a0, trap_tval)
  TEST_TRAP_CAUSE(55, CAUSE_MISALIGNED_LOAD, addi s1, s0, 1; lr.w a0, (s1))
  TEST_EQ(56, a0, s1, ld a0, trap_tval)
  TEST_TRAP_CAUSE(57, CAUSE_MISALIGNED_LOAD, addi s1, s0, 4; lr.d a0, (s1))
  TEST_EQ(58, a0, s1, ld a0, trap_tval)
  TEST_TRAP_CAUSE(59, CAUSE_MISALIGNED_STORE, addi s1, s0, 4; sc.d a0, a1, (s1))
  TEST_EQ(60, a0, s1, ld a0, trap_tval)
  TEST_TRAP_CAUSE(61, CAUSE_MISALIGNED_STORE, addi s1, s0, 6; amomaxu.w a0, a1, (s1))
  TEST(62, a0, 0x1111111122222222, ld a0, 0(s0))
  TEST_TRAP(63, CAUSE_MISALIGNED_STORE, 2, li s1, 2; amoadd.w a0, a1, (s1))  /* misaligned beats access fault */

  /* ---- access faults: nothing at the physical address (MMU off) ---- */
  TEST_TRAP(70, CAUSE_LOAD_ACCESS, 0, li s1, 0; 6: ld a0, 0(s1))
  CHECK_EPC6
  TEST_TRAP(71, CAUSE_LOAD_ACCESS, 8, li s1, 0; lw a0, 8(s1))
  TEST_TRAP(72, CAUSE_LOAD_ACCESS, 0x20000000, li s1, 0x20000000; lbu a0, 0(s1))
  TEST_TRAP(73, CAUSE_LOAD_ACCESS, RAM_END, li s1, RAM_END; ld a0, 0(s1))   /* just past RAM */
  TEST_TRAP(74, CAUSE_LOAD_ACCESS, 0xfffffffffffff000, li s1, -4096; ld a0, 0(s1))
  TEST_TRAP(75, CAUSE_LOAD_ACCESS, 0x7ffffff8, li s1, 0x7ffffff8; ld a0, 0(s1)) /* just below RAM */
  TEST_TRAP(76, CAUSE_STORE_ACCESS, 0x20000000, li s1, 0x20000000; li a1, 5; sd a1, 0(s1))
  TEST_TRAP(77, CAUSE_STORE_ACCESS, 0, li s1, 0; sb zero, 0(s1))
  TEST_TRAP(78, CAUSE_STORE_ACCESS, RAM_END + 16, li s1, RAM_END; sw zero, 16(s1))
  TEST_TRAP(79, CAUSE_STORE_ACCESS, 0x20000000, li s1, 0x20000000; amoadd.d a0, a1, (s1))
  TEST_TRAP(80, CAUSE_LOAD_ACCESS, 0x20000000, li s1, 0x20000000; lr.d a0, (s1))
  TEST_TRAP(81, CAUSE_STORE_ACCESS, UART, li s1, UART; amoor.w a0, a1, (s1))  /* devices take no AMOs */
  TEST_TRAP(82, CAUSE_FETCH_ACCESS, 0, li s1, 0; jalr s1)
  TEST_EQ(83, a0, zero, ld a0, trap_epc)
  TEST_TRAP(84, CAUSE_FETCH_ACCESS, 0x20000000, li s1, 0x20000000; jr s1)
  TEST_TRAP(85, CAUSE_FETCH_ACCESS, UART, li s1, UART; jr s1)                 /* cannot execute MMIO */
  TEST_TRAP(86, CAUSE_FETCH_ACCESS, RAM_END, li s1, RAM_END; jr s1)
  /* an access that straddles the end of RAM faults (stval: start or first bad byte) */
  TEST_TRAP_CAUSE(87, CAUSE_LOAD_ACCESS, li s1, RAM_END - 4; ld a0, 0(s1))
  TEST(88, a0, 1, ld a0, trap_tval; li t0, RAM_END - 4; li t1, RAM_END; sub t0, a0, t0; sub t1, a0, t1; seqz t0, t0; seqz t1, t1; or a0, t0, t1)
  /* a faulting load leaves rd unchanged */
  TEST(89, a0, 1234, li a0, 1234; TRAP_EXPECT(89, li s1, 0; ld a0, 0(s1)))

  /* ---- sret: SIE <- SPIE, SPIE <- 1, SPP <- U; privilege from SPP ---- */
  csrw sie, zero
  TEST(100, a0, SSTATUS_SIE | SSTATUS_SPIE, li t0, SSTATUS_SPP | SSTATUS_SPIE; csrs sstatus, t0; csrci sstatus, SSTATUS_SIE; \
       la t0, 5f; csrw sepc, t0; sret; 5: csrr a0, sstatus; andi a0, a0, 0x122)
  TEST(101, a0, SSTATUS_SPIE, li t0, SSTATUS_SPP; csrs sstatus, t0; li t0, SSTATUS_SPIE; csrc sstatus, t0; csrsi sstatus, SSTATUS_SIE; \
       la t0, 5f; csrw sepc, t0; sret; 5: csrr a0, sstatus; andi a0, a0, 0x122)
  /* sret to U with SPIE = 1: U runs with SIE = 1, so the ecall trap records SPIE = 1, SIE = 0 */
  TEST(102, a0, SSTATUS_SPIE, li t0, SSTATUS_SPIE; csrs sstatus, t0; RUN_U(nop); ld a0, trap_status; andi a0, a0, 0x122)
  TEST(103, a0, 0, li t0, SSTATUS_SPIE; csrc sstatus, t0; RUN_U(nop); ld a0, trap_status; andi a0, a0, 0x122)
  /* a trap from S with SIE = 1 */
  TEST(104, a0, SSTATUS_SPP | SSTATUS_SPIE, csrsi sstatus, SSTATUS_SIE; TRAP_EXPECT(104, ebreak); ld a0, trap_status; andi a0, a0, 0x122)
  TEST(105, a0, SSTATUS_SIE, csrr a0, sstatus; andi a0, a0, SSTATUS_SIE)    /* the handler's sret restored SIE */
  csrci sstatus, SSTATUS_SIE

  /* ---- interrupts: a dedicated handler logs them and clears their sources ---- */
  la t0, irq_handler
  csrw stvec, t0
  /* S-mode with SIE = 0: a pending, enabled interrupt is not taken */
  TEST(110, a0, 0, li t0, 2; csrw sie, t0; csrsi sip, 2; nop; nop; ld a0, irq_count)
  TEST(111, a0, 2, csrr a0, sip)
  /* U-mode: taken regardless of SIE, sepc = the interrupted U instruction */
  TEST_U(112, CAUSE_USER_ECALL, 6: nop; nop)            /* the handler returned to U, which went on */
  TEST(113, a0, 0, csrr a0, sip)                        /* handler cleared SSIP */
  TEST(114, a0, 1, ld a0, irq_count)
  TEST(115, a0, CAUSE_SSI, ld a0, irq_log)
  TEST_EQ(116, a0, a1, ld a0, irq_epc; la a1, 6b)       /* before the first U instruction ran */
  /* U-mode but the source masked in sie: not taken */
  TEST(118, a0, 1, csrw sie, zero; csrsi sip, 2; RUN_U(nop; nop); ld a0, irq_count)
  TEST(119, a0, CAUSE_USER_ECALL, ld a0, trap_cause)
  csrci sip, 2
  /* sret into S with SPIE = 1 and an interrupt pending: taken right at the sret target */
  csrci sstatus, SSTATUS_SIE             /* RUN_U came back with SIE = the SPIE it started with */
  TEST(120, a0, 2, li t0, 2; csrw sie, t0; csrsi sip, 2; li t0, SSTATUS_SPP | SSTATUS_SPIE; csrs sstatus, t0; \
       la t0, 6f; csrw sepc, t0; sret; 6: nop; ld a0, irq_count)
  TEST_EQ(121, a0, a1, ld a0, irq_epc + 8; la a1, 6b)
  csrci sstatus, SSTATUS_SIE
  csrw sie, zero

  /* ---- vectored mode: interrupts go to base + 4 * cause, exceptions to base ---- */
  la t0, vtable
  ori t0, t0, 1
  csrw stvec, t0
  TEST(130, a0, 5, li t0, 0x20; csrw sie, t0; csrw STIMECMP, zero; csrsi sstatus, SSTATUS_SIE; \
       li t1, 1000000; 5: ld t0, irq_count; li t2, 3; beq t0, t2, 4f; addi t1, t1, -1; bnez t1, 5b; 4: ld a0, vec_hit)
  TEST(131, a0, CAUSE_STI, ld a0, irq_log + 16)
  TEST(132, a0, 1, csrwi sie, 2; csrsi sip, 2; nop; ld a0, vec_hit)
  TEST(133, a0, 4, ld a0, irq_count)
  TEST(134, a0, 0xff, TRAP_EXPECT(134, ebreak); ld a0, vec_hit)     /* exception: base entry */
  TEST(135, a0, CAUSE_BREAKPOINT, ld a0, trap_cause)
  csrci sstatus, SSTATUS_SIE
  csrw sie, zero
  la t0, irq_handler
  csrw stvec, t0

  /* ---- priority: SEI > SSI > STI when all three are pending ---- */
  sd zero, irq_count, t0
  li t0, PLIC + 10 * 4                  /* UART source priority 1 */
  li t1, 1
  sw t1, 0(t0)
  li t0, PLIC + 0x2080                  /* context 1 (hart 0 S-mode, as on QEMU virt) enables source 10 */
  li t1, 1 << 10
  sw t1, 0(t0)
  li t0, PLIC + 0x201000                /* threshold 0 */
  sw zero, 0(t0)
  li t0, UART + 1                       /* IER: THR-empty interrupt */
  li t1, 2
  sb t1, 0(t0)
  csrw STIMECMP, zero
  csrsi sip, 2
  TEST(140, a0, 0x222, li t1, 1000000; 5: csrr a0, sip; li t2, 0x222; beq a0, t2, 4f; addi t1, t1, -1; bnez t1, 5b; 4:)
  TEST(141, a0, 3, li t0, 0x222; csrw sie, t0; csrsi sstatus, SSTATUS_SIE; nop; nop; nop; ld a0, irq_count)
  TEST(142, a0, CAUSE_SEI, ld a0, irq_log)
  TEST(143, a0, CAUSE_SSI, ld a0, irq_log + 8)
  TEST(144, a0, CAUSE_STI, ld a0, irq_log + 16)
  TEST(145, a0, 0, csrr a0, sip)
  csrci sstatus, SSTATUS_SIE
  csrw sie, zero
  TRAP_INIT
  j pass

/* Interrupt handler: logs scause/sepc (up to 8), clears the source, returns; exceptions go to
 * trap_handler. */
  .balign 4
irq_handler:
  csrr t6, scause
  bgez t6, trap_handler
  addi sp, sp, -32
  sd t0, 0(sp)
  sd t1, 8(sp)
  la t0, irq_count
  ld t1, 0(t0)
  addi t5, t1, 1
  sd t5, 0(t0)
  li t5, 8
  bgeu t1, t5, irq_storm
  slli t1, t1, 3
  la t0, irq_log
  add t0, t0, t1
  sd t6, 0(t0)
  csrr t5, sepc
  sd t5, 64(t0)                          /* irq_epc[] follows irq_log[] */
  slli t6, t6, 1
  srli t6, t6, 1
  li t5, 1
  beq t6, t5, 1f
  li t5, 5
  beq t6, t5, 2f
  li t5, 9
  beq t6, t5, 3f
  j irq_storm
1: csrci sip, 2
  j 4f
2: li t5, -1
  csrw STIMECMP, t5
  j 4f
3: li t0, PLIC + 0x201004               /* claim */
  lw t1, 0(t0)
  li t5, UART + 1                        /* silence the UART */
  sb zero, 0(t5)
  sw t1, 0(t0)                           /* complete */
4: ld t0, 0(sp)
  ld t1, 8(sp)
  addi sp, sp, 32
  sret
irq_storm:
  li gp, 999
  j fail

/* Vector table: each entry notes which slot ran. */
  .balign 256
vtable:
  j vexc
  j vssi
  j fail
  j fail
  j fail
  j vsti
  j fail
  j fail
  j fail
  j vsei
vexc: li t6, 0xff
  sd t6, vec_hit, t5
  j trap_handler
vssi: li t6, 1
  sd t6, vec_hit, t5
  j irq_handler
vsti: li t6, 5
  sd t6, vec_hit, t5
  j irq_handler
vsei: li t6, 9
  sd t6, vec_hit, t5
  j irq_handler

TEST_EPILOGUE
TRAP_SUPPORT

  .data
  .balign 8
adata: .dword 0x1111111122222222, 0
irq_count: .dword 0
irq_log: .dword 0, 0, 0, 0, 0, 0, 0, 0
irq_epc: .dword 0, 0, 0, 0, 0, 0, 0, 0
vec_hit: .dword 0
TEST_STACK
