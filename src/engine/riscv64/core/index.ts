// Entry points of the riscv64 CPU core. One wasm instance per vCPU thread; all instances of
// a zone import the same shared memory. See ../layout.ts for where everything lives.
import {
  H_PC, H_STIMECMP, H_IP, H_FLUSH, H_FLUSH_ACK, H_EXIT_PC, H_EXIT_ADDR, H_EXIT_VADDR, H_EXIT_CAUSE,
  H_RESERVE, H_PRIV, H_SCOUNTEREN, H_TLB, CTABLE_OFF, H_INSTRET,
} from "../layout";
import { EXIT_BUDGET, EXIT_FATAL, EXIT_JIT_FLUSH } from "../../exit";
import { hart, setHartBase, getPc, setPc, PRIV_S } from "./state";
import { selectTlb, flushAll } from "./mmu";
import { execChunk, exitCode, clearExit } from "./exec";
import { enterTrap, pendingInterrupt, INTERRUPT_BIT, wedged, resetWedge, stormFirstCause, stormFirstPc, stormFirstTval } from "./trap";
import { timeTicks } from "./csr";
import { buildCompressedTable } from "./compressed";
import { flushJit, clearJit, jitBind } from "./jit-cache";
import { releaseReservation } from "./reservation";
export { flushJit } from "./jit-cache";
export { setProfiling, setCounting } from "./exec";
export { setJitThreshold } from "./jit-cache";
export { jitCsr } from "./csr";
export { completeMmioLoad } from "./memory";

// Instructions between checks of the timer and of other threads' requests.
const CHUNK: i32 = 4096;
const STIP: i32 = 1 << 5;

export function init(hartBase: u32, ramOffset: u32, ramBytes: u64): void {
  setHartBase(hartBase, ramOffset, ramBytes);
  // The last entry is written last: non-zero means the zone owner built the table already.
  if (load<u32>(<usize>CTABLE_OFF + (0xfffe << 2)) == 0) buildCompressedTable();
}

// Architectural reset of this hart: S-mode, everything zero, no timer, no reservation.
// The cross-thread words (0x300..0x340: HSM state, start address, fence counters) survive, and
// of the pending interrupts only the platform-driven SEIP level does.
export function resetHart(): void {
  releaseReservation();
  memory.fill(hart, 0, 0x300);
  memory.fill(hart + 0x340, 0, H_TLB - 0x340);
  atomic.and<i32>(hart + H_IP, 1 << 9);
  store<i32>(hart + H_PRIV, PRIV_S);
  // As firmware does (OpenSBI): user mode may read cycle, time and instret unless S-mode says otherwise.
  store<u64>(hart + H_SCOUNTEREN, 7);
  store<i64>(hart + H_STIMECMP, -1);
  store<i64>(hart + H_RESERVE, -1);
  flushAll();
  clearJit();
  resetWedge();
}

export function flushTlb(): void {
  flushAll();
}

// The vCPU thread compiled (or failed to compile) the block requested by EXIT_JIT.
export function setJitBlock(host: u32, set: i32, func: i32): void {
  jitBind(host, set, func);
}

function pollTimer(): void {
  const due = timeTicks() >= load<u64>(hart + H_STIMECMP);
  const ip = atomic.load<i32>(hart + H_IP);
  if (due) {
    if ((ip & STIP) == 0) atomic.or<i32>(hart + H_IP, STIP);
  } else if ((ip & STIP) != 0) {
    atomic.and<i32>(hart + H_IP, ~STIP);
  }
}

// Remote sfence.vma / fence.i requests from other harts (SBI RFENCE): flush and acknowledge.
// True when compiled code must be re-checked (EXIT_JIT_FLUSH) before it runs again.
function pollRemoteFlush(): bool {
  const gen = atomic.load<i32>(hart + H_FLUSH);
  if (gen == atomic.load<i32>(hart + H_FLUSH_ACK)) return false;
  // Remote sfence.vma and remote fence.i share this path: flush both.
  flushAll();
  flushJit();
  atomic.store<i32>(hart + H_FLUSH_ACK, gen);
  atomic.notify(hart + H_FLUSH_ACK, 16);
  return true;
}

// Run this hart for about `budget` instructions; returns an EXIT_* code (see layout.ts).
export function run(budget: i32): i32 {
  clearExit();
  selectTlb();
  let pc = getPc();
  // Count retired instructions, not chunks: a chunk may end early (a CSR write, an MMIO access).
  const start = load<u64>(hart + H_INSTRET);
  while (true) {
    pollTimer();
    if (pollRemoteFlush()) {
      setPc(pc);
      return EXIT_JIT_FLUSH;
    }
    const irq = pendingInterrupt();
    if (irq != 0) pc = enterTrap(INTERRUPT_BIT | <u64>irq, 0, pc);
    if (wedged()) {
      store<u64>(hart + H_EXIT_PC, stormFirstPc);
      store<u64>(hart + H_EXIT_ADDR, stormFirstTval);
      store<i32>(hart + H_EXIT_CAUSE, <i32>stormFirstCause);
      resetWedge();
      setPc(pc);
      return EXIT_FATAL;
    }
    const left = <i64>budget - <i64>(load<u64>(hart + H_INSTRET) - start);
    if (left <= 0) break;
    pc = execChunk(pc, left < <i64>CHUNK ? <i32>left : CHUNK);
    if (exitCode >= 0) {
      setPc(pc);
      return exitCode;
    }
  }
  setPc(pc);
  return EXIT_BUDGET;
}

// The host could not serve the pending MMIO access: raise the access fault in the guest.
export function mmioFault(isStore: bool): void {
  const pc = load<u64>(hart + H_EXIT_PC);
  setPc(enterTrap(isStore ? 7 : 5, load<u64>(hart + H_EXIT_VADDR), pc));
}

