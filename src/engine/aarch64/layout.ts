// The aarch64 engine's layout of a zone's shared memory, and of one vCPU's state in it.
// Compiled twice: by AssemblyScript into the A64 core (core/) and by tsc for the host side, so it
// holds plain integer constants only (no imports, no types).
//
//   0x0000_0000  AssemblyScript static data (read-only, identical in every instance)
//   0x000F_0000  zone control block (../zone-block.ts)
//   0x0010_0000  vCPU regions, CPU_STRIDE each
//   0x0030_0000  words all vCPUs of the zone share (ZONE_TLB_GEN)
//   0x0031_0000  the GICv3's state (GIC_*), shared by the VMM thread's GICD/GICR models and the cores' ICC registers
//   0x0200_0000  guest RAM (guest physical RAM_BASE maps here)

export const CPU_REGION_OFF = 0x00100000;
export const CPU_STRIDE = 0x00010000;
export const MAX_CPUS = 32;
export const GUEST_RAM_OFF = 0x02000000;
export const RAM_BASE = 0x40000000;
/** i32, bumped by every broadcast TLBI (TLBI ...IS/OS): each vCPU drops its TLB when it sees it change. */
export const ZONE_TLB_GEN = 0x00300000;
/** i32: the zone's vCPU count (an SGI's targets). */
export const ZONE_VCPUS = 0x00300004;

// ---- vCPU region (byte offsets from the vCPU's base) ----
// X0..X30, then slot 31: the stack pointer the vCPU uses now (SP_EL0 or SP_EL1, per PSTATE.SP).
// Register number 31 means SP or XZR by instruction; the core picks which (core/state.ts).
export const C_X = 0x000; // 32 x u64
export const C_PC = 0x100; // u64
export const C_NZCV = 0x108; // u32: N, Z, C, V in bits 31..28, as MRS NZCV reads them
export const C_EL = 0x10c; // u32: PSTATE.EL, the current exception level (1 at reset, 0 for user code)
export const C_INSTRET = 0x110; // u64: instructions retired
// Why run() returned, with its details (the exit codes are ../exit.ts's VcpuExit).
export const C_EXIT_PC = 0x118; // u64: the instruction that exited
export const C_EXIT_INSN = 0x120; // u32: its encoding
export const C_EXIT_REASON = 0x124; // u32: VcpuExit.Fatal: one of FATAL_*
export const C_EXIT_ADDR = 0x128; // u64: MMIO: physical address; fatal fetch: the pc
export const C_EXIT_DATA = 0x130; // u64: MMIO store: the value; hypercall: the HVC immediate
export const C_EXIT_SIZE = 0x138; // u32: MMIO access size in bytes
export const C_EXIT_REG = 0x13c; // u32: MMIO load: destination register (31 = none: XZR)
export const C_EXIT_FLAGS = 0x140; // u32: MMIO load: MMIO_* below

// The rest of PSTATE, and the stack pointer of the level not in use (slot 31 of C_X holds the one in use).
export const C_SPSEL = 0x144; // u32: PSTATE.SP (0: EL1 uses SP_EL0)
export const C_DAIF = 0x148; // u32: PSTATE.D, A, I, F in bits 9..6, as MRS DAIF reads them
export const C_SP_EL0 = 0x150; // u64: SP_EL0 while not in use
export const C_SP_EL1 = 0x158; // u64: SP_EL1 while not in use
// The last instruction that raised UNDEFINED because this core lacks it (the host logs it once).
export const C_UNDEF_PC = 0x160; // u64
export const C_UNDEF_INSN = 0x168; // u32
export const C_UNDEF_COUNT = 0x16c; // u32: how many so far
// The host side of the vCPU (0x180..0x1ff: never read or reset by the core).
export const C_HOST = 0x180;
export const C_LD_ANSWER = 0x180; // 3 x u32: the VMM's answer to this vCPU's MMIO load (0 ok / 1 fault, low, high word)
export const C_WAKE = 0x190; // i32: bumped and notified to wake the vCPU thread from a wait
export const C_POWER = 0x194; // i32: POWER_* (PSCI's view of the vCPU), changed with Atomics only
export const C_START_PC = 0x198; // u64: PSCI CPU_ON's entry point
export const C_START_CTX = 0x1a0; // u64: PSCI CPU_ON's context ID (x0 at entry)
export const C_IRQ_HINT = 0x1a8; // i32: set (Atomics) when an interrupt may have become pending for this vCPU
export const POWER_OFF = 0;
export const POWER_ON = 1;
export const POWER_ON_PENDING = 2; // CPU_ON done, the vCPU's thread has not started it yet
export const POWER_CLAIMED = 3; // a CPU_ON caller is writing C_START_*: the vCPU's thread waits
// EL1 system registers that only hold a value for now, by SR_* index (u64 each).
export const C_SYSREG = 0x200;
export const SR_VBAR = 0;
export const SR_ESR = 1;
export const SR_FAR = 2;
export const SR_ELR = 3;
export const SR_SPSR = 4;
export const SR_SCTLR = 5;
export const SR_TPIDR_EL0 = 6;
export const SR_TPIDR_EL1 = 7;
export const SR_TPIDRRO_EL0 = 8;
export const SR_CONTEXTIDR = 9;
export const SR_CPACR = 10;
export const SR_TCR = 11;
export const SR_TTBR0 = 12;
export const SR_TTBR1 = 13;
export const SR_MAIR = 14;
export const SR_AMAIR = 15;
export const SR_MDSCR = 16;
export const SR_CNTKCTL = 17;
export const SR_PAR = 18;
export const SR_AFSR0 = 19;
export const SR_AFSR1 = 20;
export const SR_CSSELR = 21;
export const SR_MPIDR = 22; // read-only for the guest: the host sets it (machine.ts mpidrOf)
// The one breakpoint and one watchpoint ID_AA64DFR0_EL1 advertises: they hold values, never fire.
export const SR_DBGBVR0 = 23;
export const SR_DBGBCR0 = 24;
export const SR_DBGWVR0 = 25;
export const SR_DBGWCR0 = 26;
export const SR_MDCCINT = 27;
export const SR_COUNT = 28;
// The CPU interface (ICC_*_EL1), this vCPU's own, and its timers (0x1c0..0x1ff: reset by the core).
export const C_CPUIF = 0x1c0;
export const C_ICC_PMR = 0x1c0; // u32: priority mask
export const C_ICC_IGRPEN1 = 0x1c4; // u32: group 1 enable
export const C_ICC_BPR1 = 0x1c8; // u32: binary point
export const C_ICC_CTLR = 0x1cc; // u32: EOImode (bit 1)
export const C_ICC_AP1R0 = 0x1d0; // u32: active priorities, one bit per priority group (priority >> 3)
// The generic timers: virtual (PPI 11, INTID 27) and physical (PPI 14, INTID 30).
export const C_CNTV_CTL = 0x1d8; // u32: ENABLE, IMASK (ISTATUS is computed)
export const C_CNTP_CTL = 0x1dc;
export const C_CNTV_CVAL = 0x1e0; // u64
export const C_CNTP_CVAL = 0x1e8; // u64
// The software TLB (core/mmu.ts): TLB_ENTRIES of { u64 tag: page VA | 1, u64 data: page PA | TLB_* permission bits }.
export const C_TLB = 0x400;
export const TLB_ENTRIES = 256;

// MMIO load flags: how the loaded value goes into the register.
export const MMIO_SIGNED = 1; // sign-extend from the access size
export const MMIO_W = 2; // write the 32-bit register (upper half zero)

// The GICv3's state (zone-wide). SPIs are INTIDs 32..127 (GIC_SPIS of them), in bitmaps of 3 words.
export const GIC_OFF = 0x00310000;
export const GIC_SPIS = 96;
export const GICD_CTLR_OFF = GIC_OFF + 0x00; // u32: EnableGrp1NS (bit 1); ARE_NS reads as one
export const GIC_SPI_ENABLE = GIC_OFF + 0x10;
export const GIC_SPI_PENDING = GIC_OFF + 0x20; // latched (edge, software)
export const GIC_SPI_LEVEL = GIC_OFF + 0x30; // the lines' levels (pending while high, for level-sensitive SPIs)
export const GIC_SPI_ACTIVE = GIC_OFF + 0x40;
export const GIC_SPI_EDGE = GIC_OFF + 0x50; // ICFGR: 1 = edge-triggered
export const GIC_SPI_PRIO = GIC_OFF + 0x100; // one byte per SPI
export const GIC_SPI_ROUTE = GIC_OFF + 0x200; // one byte per SPI: the target vCPU
// Each vCPU's redistributor (SGIs 0-15, PPIs 16-31): GIC_REDIST + vCPU * GIC_REDIST_STRIDE.
export const GIC_REDIST = GIC_OFF + 0x1000;
export const GIC_REDIST_STRIDE = 0x80;
export const GR_ENABLE = 0x00;
export const GR_PENDING = 0x04;
export const GR_LEVEL = 0x08;
export const GR_ACTIVE = 0x0c;
export const GR_EDGE = 0x10; // 1 = edge (SGIs always)
export const GR_WAKER = 0x14; // ProcessorSleep (bit 1)
export const GR_PRIO = 0x20; // 32 bytes

// Fatal exits (VcpuExit.Fatal): why the vCPU cannot go on.
export const FATAL_FETCH = 1; // instruction fetch outside RAM (C_EXIT_ADDR)
export const FATAL_MMIO_FORM = 2; // an MMIO access this core cannot hand to the VMM (pairs, exclusives)
export const FATAL_WEDGED = 3; // exceptions in a row without an instruction completing (no vectors, a faulting handler)
export const FATAL_UNSUPPORTED = 4; // the guest turned on what this core lacks (SCTLR_EL1.M: the MMU), or an illegal exception return
