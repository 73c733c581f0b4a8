// The one vocabulary of vCPU exits (cf. AxVisor's AxVCpuExitReason): why an engine's core hands
// control back to its vCPU thread. A core's run() returns one of these codes (with the details
// in its vCPU state) and the vCPU thread dispatches on them; the zone layer never sees them: how a
// zone ends is its run state (zone-block.ts ZONE_*) and the ZoneOutcome derived from it.
// Compiled by AssemblyScript into the riscv64 core as well as by tsc: integer constants only.
export enum VcpuExit {
  Budget = 0, // instruction budget used up; nothing to do
  MmioLoad = 1, // load from a non-RAM physical address
  MmioStore = 2, // store to a non-RAM physical address
  Hypercall = 3, // a call into the hypervisor (riscv64: ecall from virtual S-mode, pc still at it)
  Halt = 4, // wait-for-interrupt with nothing pending (pc already past it)
  Fatal = 5, // guest wedged (a trap storm); the vCPU state says where and why
  Spin = 6, // the guest is spin-waiting (riscv64: a run of pause hints): let another thread have the host CPU
  JitCompile = 7, // a block is hot: compile it
  JitFlush = 8, // instruction fence: drop compiled code whose guest bytes were written since
}

// The same codes under the names the riscv64 core's AssemblyScript sources use.
export const EXIT_BUDGET = VcpuExit.Budget;
export const EXIT_MMIO_LOAD = VcpuExit.MmioLoad;
export const EXIT_MMIO_STORE = VcpuExit.MmioStore;
export const EXIT_ECALL_S = VcpuExit.Hypercall;
export const EXIT_WFI = VcpuExit.Halt;
export const EXIT_FATAL = VcpuExit.Fatal;
export const EXIT_SPIN = VcpuExit.Spin;
export const EXIT_JIT = VcpuExit.JitCompile;
export const EXIT_JIT_FLUSH = VcpuExit.JitFlush;
