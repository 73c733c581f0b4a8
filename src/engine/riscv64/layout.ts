// The riscv64 engine's layout of a zone's shared memory (one shared WebAssembly.Memory per zone).
// This file is compiled twice: by AssemblyScript into the CPU core and by tsc for the
// host side, so it holds plain integer constants only (no imports, no types).
//
//   0x0000_0000  AssemblyScript static data (read-only, identical in every instance)
//   0x000F_0000  zone control block (../zone-block.ts: doorbell, zone state, rings)
//   0x0010_0000  hart regions, HART_STRIDE each (registers, CSRs, TLB, mailbox)
//   0x0190_0000  LR/SC + code watch bytes (WATCH_OFF), then code page epochs (CODE_EPOCH_OFF)
//   0x0200_0000  guest RAM (guest physical RAM_BASE maps here)

export const HART_REGION_OFF = 0x00100000;
export const HART_STRIDE = 0x000c0000;
export const MAX_HARTS = 32;
export const GUEST_RAM_OFF = 0x02000000;
export const RAM_BASE = 0x80000000;
export const WASM_PAGE = 0x10000; // = zone-block.ts WASM_PAGE (tests of the JIT spell it L.WASM_PAGE)

// ---- hart region (byte offsets from the hart's base) ----
export const H_X = 0x000; // 32 x i64 integer registers (x0 always reads 0)
export const H_F = 0x100; // 32 x i64 FP registers (NaN-boxed singles)
export const H_PC = 0x200; // i64
export const H_PRIV = 0x208; // i32: 0 = U, 1 = S
export const H_FCSR = 0x20c; // i32: frm << 5 | fflags
export const H_STATUS = 0x210; // i64: sstatus bits (SIE, SPIE, SPP, FS, SUM, MXR, SD computed on read)
export const H_SIE = 0x218; // i64
export const H_STVEC = 0x220; // i64
export const H_SSCRATCH = 0x228; // i64
export const H_SEPC = 0x230; // i64
export const H_SCAUSE = 0x238; // i64
export const H_STVAL = 0x240; // i64
export const H_SATP = 0x248; // i64
export const H_SCOUNTEREN = 0x250; // i64
export const H_SENVCFG = 0x258; // i64
export const H_STIMECMP = 0x260; // i64, in timebase ticks
export const H_INSTRET = 0x268; // i64 retired-instruction counter (also cycle)
export const H_HARTID = 0x270; // i32
export const H_RESERVE = 0x278; // i64: LR reservation address, -1 when none
export const H_RESVAL = 0x280; // i64: value loaded by LR (SC compares against it)

// Cross-thread words (accessed with Atomics only).
export const H_IP = 0x300; // i32 pending interrupts in sip bit positions: SSIP=bit1 STIP=bit5 SEIP=bit9
export const H_WAKE = 0x304; // i32 futex word: bumped + notified to wake a hart from WFI / STOPPED
export const H_FLUSH = 0x308; // i32: remote sfence.vma requests (generation counter), see H_FLUSH_ACK
export const H_FLUSH_ACK = 0x30c; // i32: last generation this hart has flushed
export const H_HSM = 0x310; // i32: HSM state (SBI numbering: 0 started, 1 stopped, 2 start pending, ...)
export const H_START_ADDR = 0x318; // i64: HSM hart_start address
export const H_START_ARG = 0x320; // i64: HSM hart_start opaque

// Exit information written by the core when run() returns an exit (../exit.ts VcpuExit).
export const H_EXIT_PC = 0x340; // i64 pc of the instruction that exited
export const H_EXIT_ADDR = 0x348; // i64 guest physical address (MMIO) / tval (fatal)
export const H_EXIT_VADDR = 0x350; // i64 guest virtual address (MMIO)
export const H_EXIT_DATA = 0x358; // i64 store data / load result written back by host
export const H_EXIT_SIZE = 0x360; // i32 access size in bytes
export const H_EXIT_RD = 0x364; // i32 destination register for loads
export const H_EXIT_FLAGS = 0x368; // i32 MMIO_* flags
export const H_EXIT_CAUSE = 0x36c; // i32 trap cause (fatal exits)

export const MMIO_SIGNED = 1; // sign-extend the load result
export const MMIO_FLOAT = 2; // destination / source is an FP register

// This hart's MMIO load answer slot (../zone-block.ts ZC_MMIO_RING).
export const H_LD_RESULT = 0x388; // 0 ok, 1 access fault
export const H_LD_DATA_LO = 0x38c;
export const H_LD_DATA_HI = 0x390;

// Software TLB: TLB_SETS sets (U, S, S with SUM) x 3 access kinds (read, write, exec)
// x TLB_ENTRIES entries of { tag: i64 page vaddr (-1 = invalid), addend: i64 }.
export const H_TLB = 0x1000;
export const TLB_ENTRIES = 1024;
export const TLB_SETS = 3;
export const TLB_KIND_BYTES = TLB_ENTRIES * 16;
export const TLB_SET_BYTES = TLB_KIND_BYTES * 3;
export const TLB_BYTES = TLB_SET_BYTES * TLB_SETS;

// Table of 65536 u32: the 32-bit equivalent of every 16-bit compressed encoding (0 = illegal).
// Built once by the core at init; read-only afterwards and identical for every hart.
export const CTABLE_OFF = 0x00080000;

// Block JIT (per hart). Binding table: two-way set-associative, TLB-set-specific compiled code
// keyed by the wasm address of its first instruction. Entry: { host: u32 (JIT_EMPTY = free),
// set: i32 (TLB set), func: i32 (table index, or -2 not compilable), pad }.
export const H_JIT = 0x40000;
export const JIT_ENTRIES = 16384; // JIT_ENTRIES / 2 sets of 2 slots
export const JIT_BYTES = JIT_ENTRIES * 16;
export const JIT_EMPTY = 0xffffffff;
// How hot code not compiled yet is: tagless u16 counters indexed by a hash of (address, set), so
// cold code passing through never pushes anything out of the binding table.
export const H_JIT_HEAT = 0x90000;
export const JIT_HEAT_ENTRIES = 65536;
// Warm candidates to compile along with the next request: ring of { host: u32, set: i32 } the
// core appends to when a counter reaches JIT_WARM; H_JIT_WARM_HEAD counts appends.
export const H_JIT_WARM = 0xb0000;
export const JIT_WARM_ENTRIES = 1024;
export const H_JIT_WARM_HEAD = 0x32c; // i32 (kept across hart resets: the vCPU thread's tail follows it)
export const H_JIT_READY = 0x328; // i32: bumped by the compiler thread for each reply it posts (kept across resets)
export const H_JIT_COUNT = 0x3a0; // i32: instructions a block retired before returning
export const H_JIT_BAIL = 0x3a4; // i32: how the block ended: 0 normally, 1 bailed (interpret the next one), 2 check interrupts
export const H_JIT_SET = 0x3a8; // i32: TLB set of a compile request
export const H_JIT_FLUSHES = 0x3c8; // i32: fence.i (local or remote) seen by this hart (statistics)
export const H_STAT_BLOCKS = 0x3b0; // i64: compiled-block calls (statistics)
export const H_STAT_JIT_INSNS = 0x3b8; // i64: instructions retired inside compiled blocks
export const H_STAT_BAILS = 0x3c0; // i64: block calls that bailed out
export const H_STAT_EVICTS = 0x3d0; // i64: compiled bindings pushed out of the lookup table by another block
export const H_PROF_HEAD = 0x3d8; // i32: samples written to H_PROF_RING so far (profiling only)
export const H_PROF_RING = 0x80000; // PROF_RING_ENTRIES x i64: sampled pcs of interpreted instructions
export const PROF_RING_ENTRIES = 4096;
export const PROF_EVERY = 61; // one interpreted instruction in PROF_EVERY is sampled
// Executions of a block start before it is compiled, per engine mode (TSVISOR_JIT; the vCPU
// thread gives its core one with setJitThreshold): "on" JIT_THRESHOLD, "eager" 1 (compile at
// the first execution), "off" 0 (never compile: the interpreter runs everything).
// 8192: measured on the demo guest's boot (bench:boot, 1 vCPU, start -> exit): 512 -> 1.40 s,
// 2048 -> 1.15 s, 8192 -> 0.89 s, 16384 -> 0.87 s, with sha256 of 64 MiB unchanged (1.00-1.03x
// QEMU). Boot code runs a few times; compiling it kept the compiler thread busy with cold blocks
// (4578 at 512, 0.9 s of compiling) while the hot ones waited behind them.
// Counting retired instructions instead (so a long straight-line block compiles sooner) measured
// slower: 0.83-0.89 s at 65535 instructions against 0.79-0.85 s at 8192 executions.
export const JIT_THRESHOLD = 8192;

// Self-modifying code and DMA into code: a page that compiled code came from is "armed" (bit
// CODE_ARMED of its watch byte). The first write to an armed page disarms it and bumps the page's
// write epoch (u32 per 4 KiB page at CODE_EPOCH_OFF); at fence.i the JIT drops code whose page
// epoch moved since it was compiled. Everything that writes guest RAM follows this protocol.
export const CODE_ARMED = 0x80;
export const CODE_EPOCH_OFF = 0x01a00000; // up to 4 MiB

// LR/SC reservations: one byte per guest page counting the harts holding a reservation in that
// page (stores to such pages take the slow path and kill matching reservations), plus a zone
// lock serialising SC against those stores (../zone-block.ts ZC_LR_LOCK).
export const WATCH_OFF = 0x01900000; // up to 1 MiB: one byte per 4 KiB of guest RAM (count | CODE_ARMED)
export const RESERVATION_GRANULE = 64;
