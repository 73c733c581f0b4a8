// Entry points of the A64 CPU core (one wasm instance per vCPU thread; all instances of a zone
// import the same shared memory; ../layout.ts says where everything is). The core interprets
// A64 at EL1 and EL0 with the MMU off, synchronous exceptions to EL1; run() returns a VcpuExit
// code (../../exit.ts) with the details in the vCPU's region. Not yet: interrupts, the MMU, FP/SIMD.
import {
  C_X, C_EL, C_SPSEL, C_DAIF, C_INSTRET, C_EXIT_REG, C_EXIT_FLAGS, C_EXIT_SIZE, C_SYSREG, SR_SCTLR, SR_MPIDR, SR_COUNT, C_HOST, C_CPUIF,
  MMIO_SIGNED, MMIO_W,
} from "../layout";
import { EXIT_BUDGET, EXIT_FATAL } from "../../exit";
import { cpu, pc, setCpu, loadState, saveState, setPc, setXr, CONTINUE } from "./state";
import { undefinedInsn, takeException, takeInterrupt, resetStreak, TAKEN, EC_PC_ALIGN } from "./exception";
import { xlateFetch, fetchExit } from "./access";
import { mmuConfigChanged } from "./mmu";
import { irqSignalled, irqHint, msToTimer as timerMs } from "./gic";
import { irqRecheck, clearIrqRecheck } from "./sysreg";
import { execDpImm } from "./dp-imm";
import { execDpReg } from "./dp-reg";
import { execBranch } from "./branch";
import { execLoadStore } from "./ldst";

export function init(cpuBase: u32, ramOffset: u32, ramBase: u64, ramBytes: u64): void {
  setCpu(cpuBase, ramOffset, ramBase, ramBytes);
  mmuConfigChanged();
}

/** Architectural reset: every register zero, EL1 on SP_EL1, interrupts masked, MMU off (the boot registers are the host's to set). */
export function reset(mpidr: u64): void {
  memory.fill(cpu, 0, C_HOST); // not the host's words (power state, wake-ups) that other threads use
  memory.fill(cpu + C_CPUIF, 0, C_SYSREG - C_CPUIF);
  memory.fill(cpu + C_SYSREG, 0, SR_COUNT << 3);
  store<u32>(cpu + C_EL, 1);
  store<u32>(cpu + C_SPSEL, 1);
  store<u32>(cpu + C_DAIF, 0xf << 6);
  store<u64>(cpu + C_SYSREG + (SR_SCTLR << 3), 0x30d00800); // its RES1 bits, MMU and caches off
  store<u64>(cpu + C_SYSREG + (SR_MPIDR << 3), 0x80000000 | mpidr); // bit 31 is RES1
  mmuConfigChanged();
}

/** Execute one instruction at pc: CONTINUE (pc moved on) or an exit code. */
@inline function step(): i32 {
  if ((pc & 3) != 0) return takeException(EC_PC_ALIGN, 0, pc, pc, true);
  const a = xlateFetch();
  if (a == 0) return fetchExit;
  const insn = load<u32>(a);
  const op0 = (insn >> 25) & 15;
  if ((op0 & 0xe) == 0x8) { // 100x: data processing, immediate
    const r = execDpImm(insn);
    if (r == CONTINUE) setPc(pc + 4);
    return r;
  }
  if ((op0 & 7) == 5) { // x101: data processing, register
    const r = execDpReg(insn);
    if (r == CONTINUE) setPc(pc + 4);
    return r;
  }
  if ((op0 & 0xe) == 0xa) return execBranch(insn); // 101x: branches, exception generation, system
  if ((op0 & 5) == 4) return execLoadStore(insn); // x1x0: loads and stores
  return undefinedInsn(insn); // SIMD&FP data processing, SVE, SME, reserved (UDF)
}

/** Run at most `budget` instructions. Returns why it stopped (VcpuExit); pc is past any instruction that completed. */
// Instructions between looks for a pending interrupt (its own timers, other threads' devices and SGIs).
const IRQ_POLL: i32 = 256;
const DAIF_I: u32 = 1 << 7;

/** Take an IRQ if one is signalled and PSTATE.I allows it. */
function checkIrq(): void {
  clearIrqRecheck();
  if ((load<u32>(cpu + C_DAIF) & DAIF_I) == 0 && irqSignalled()) takeInterrupt();
}

export function run(budget: i32): i32 {
  loadState();
  let done: i32 = 0;
  let r: i32 = EXIT_BUDGET;
  let poll: i32 = 0;
  while (done < budget) {
    if (--poll <= 0 || irqRecheck || irqHint()) {
      poll = IRQ_POLL;
      checkIrq();
    }
    const e = step();
    if (e == CONTINUE) {
      done++;
      resetStreak();
      continue;
    }
    if (e == TAKEN) continue; // pc is at the vector; takeException ends a storm of them
    r = e;
    // MMIO, hypercall and WFI exits complete their instruction (pc is already past it); fatal ones do not.
    if (e != EXIT_FATAL) {
      done++;
      resetStreak();
    }
    break;
  }
  store<u64>(cpu + C_INSTRET, load<u64>(cpu + C_INSTRET) + <u64>done);
  saveState();
  return r;
}

/** The VMM's answer to an MMIO load exit: the value read, into the register the load named. */
export function completeMmioLoad(value: u64): void {
  const flags = load<u32>(cpu + C_EXIT_FLAGS);
  const size = load<u32>(cpu + C_EXIT_SIZE);
  let v = size == 8 ? value : value & ((<u64>1 << (size << 3)) - 1);
  if (flags & MMIO_SIGNED) {
    const shift = <u64>(64 - (size << 3));
    v = <u64>(<i64>(v << shift) >> shift);
  }
  if (flags & MMIO_W) v &= 0xffffffff;
  setXr(load<u32>(cpu + C_EXIT_REG), v);
}

/** WFI: whether an interrupt is pending for this vCPU (masked or not), so it must not sleep. */
export function wfiPending(): i32 {
  return irqSignalled() ? 1 : 0;
}

/** WFI: milliseconds until this vCPU's next armed timer fires, or -1. */
export function msToTimer(): f64 {
  return timerMs();
}

/** Register n (31: the stack pointer), for the host's tests and boot setup. */
export function getX(n: u32): u64 {
  return load<u64>(cpu + C_X + (<usize>n << 3));
}
