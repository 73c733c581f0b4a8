// The aarch64 engine's layout of a zone's shared memory, and of one vCPU's state in it.
// Compiled twice: by AssemblyScript into the A64 core (core/) and by tsc for the host side, so it
// holds plain integer constants only (no imports, no types).
//
//   0x0000_0000  AssemblyScript static data (read-only, identical in every instance)
//   0x000F_0000  zone control block (../zone-block.ts)
//   0x0010_0000  vCPU regions, CPU_STRIDE each
//   0x0200_0000  guest RAM (guest physical RAM_BASE maps here)

export const CPU_REGION_OFF = 0x00100000;
export const CPU_STRIDE = 0x00010000;
export const MAX_CPUS = 32;
export const GUEST_RAM_OFF = 0x02000000;
export const RAM_BASE = 0x40000000;

// ---- vCPU region (byte offsets from the vCPU's base) ----
// X0..X30, then slot 31: the stack pointer the vCPU uses now (SP_EL0 or SP_EL1, per PSTATE.SP).
// Register number 31 means SP or XZR by instruction; the core picks which (core/state.ts).
export const C_X = 0x000; // 32 x u64
export const C_PC = 0x100; // u64
export const C_NZCV = 0x108; // u32: N, Z, C, V in bits 31..28, as MRS NZCV reads them
export const C_EL = 0x10c; // u32: current exception level (1 at reset; 0 once EL0 exists)
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

// MMIO load flags: how the loaded value goes into the register.
export const MMIO_SIGNED = 1; // sign-extend from the access size
export const MMIO_W = 2; // write the 32-bit register (upper half zero)

// Fatal exits (VcpuExit.Fatal): why the vCPU cannot go on.
export const FATAL_UNIMPLEMENTED = 1; // an encoding this core does not implement (or UNDEFINED, until exceptions exist)
export const FATAL_FETCH = 2; // instruction fetch outside RAM (C_EXIT_ADDR)
export const FATAL_PC_ALIGN = 3; // pc not a multiple of 4
export const FATAL_MMIO_FORM = 4; // an MMIO access this core cannot hand to the VMM (pairs)
export const FATAL_SYSREG = 5; // an MRS/MSR of a system register this core does not implement
export const FATAL_EXCEPTION = 6; // an instruction that raises an exception (SVC, BRK, SMC, UDF) before exceptions exist
