// Trap entry into virtual S-mode and interrupt selection, as the privileged spec defines
// for a hart whose M-mode (here: tsvisor) delegates every S-level trap.
import {
  H_PRIV, H_STATUS, H_SEPC, H_SCAUSE, H_STVAL, H_STVEC, H_SIE, H_IP,
} from "../layout";
import { hart, SSTATUS_SIE, SSTATUS_SPIE, SSTATUS_SPP, PRIV_S, PRIV_U } from "./state";
import { selectTlb } from "./mmu";
import { releaseReservation } from "./reservation";

export const IRQ_SSI: u32 = 1;
export const IRQ_STI: u32 = 5;
export const IRQ_SEI: u32 = 9;
export const INTERRUPT_BIT: u64 = 0x8000000000000000;

// Wedge detection. (a) A trap taken at the very address the previous trap vectored to means
// the handler itself cannot run (e.g. stvec points at unmapped memory or at an illegal
// instruction). (b) S-mode taking the same exception at the same pc over and over, with no sret
// in between that moves past it, is stuck. A handler that emulates or skips the instruction
// (sret to another pc) makes progress however often the same trap comes back: leaveTrap resets
// the count then, so only handlers that return to the very instruction that trapped add up.
export let stormCount: i32 = 0;
let lastVector: u64 = 1;
let sameCount: i32 = 0;
let lastCause: u64 = 0;
let lastPc: u64 = 1;
export let stormFirstCause: u64 = 0;
export let stormFirstPc: u64 = 0;
export let stormFirstTval: u64 = 0;
export const STORM_LIMIT: i32 = 64;
const SAME_LIMIT: i32 = 1000000;

export function wedged(): bool {
  return stormCount >= STORM_LIMIT || sameCount >= SAME_LIMIT;
}
export function resetWedge(): void {
  stormCount = 0;
  sameCount = 0;
  lastVector = 1;
  lastPc = 1;
}

// Enter S-mode trap handler for `cause` at `pc`; returns the new pc.
export function enterTrap(cause: u64, tval: u64, pc: u64): u64 {
  const isInterrupt = (cause & INTERRUPT_BIT) != 0;
  if (!isInterrupt && pc == lastVector) {
    stormCount++;
  } else {
    stormCount = 1;
    stormFirstCause = cause;
    stormFirstPc = pc;
    stormFirstTval = tval;
  }
  const priv = load<i32>(hart + H_PRIV);
  if (!isInterrupt) {
    if (priv == PRIV_S && cause == lastCause && pc == lastPc) sameCount++;
    else sameCount = 0;
    lastCause = cause;
    lastPc = pc;
    if (sameCount > 0 && stormCount == 1) {
      stormFirstCause = cause;
      stormFirstPc = pc;
      stormFirstTval = tval;
    }
  }
  store<u64>(hart + H_SEPC, pc);
  store<u64>(hart + H_SCAUSE, cause);
  store<u64>(hart + H_STVAL, tval);
  let s = load<u64>(hart + H_STATUS);
  s = (s & ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE)) |
    (priv == PRIV_S ? SSTATUS_SPP : 0) |
    ((s & SSTATUS_SIE) != 0 ? SSTATUS_SPIE : 0);
  store<u64>(hart + H_STATUS, s);
  store<i32>(hart + H_PRIV, PRIV_S);
  releaseReservation();
  if (priv != PRIV_S) selectTlb();
  const tvec = load<u64>(hart + H_STVEC);
  let npc = tvec & ~<u64>3;
  if (isInterrupt && (tvec & 1) != 0) npc += (cause & 63) << 2;
  lastVector = npc;
  return npc;
}

// The highest-priority interrupt that should be taken now, or 0. Priority SEI > SSI > STI.
@inline export function pendingInterrupt(): u32 {
  const pend = <u32>atomic.load<i32>(hart + H_IP) & <u32>load<u64>(hart + H_SIE);
  if (pend == 0) return 0;
  if (load<i32>(hart + H_PRIV) == PRIV_S && (load<u64>(hart + H_STATUS) & SSTATUS_SIE) == 0) return 0;
  if ((pend & (1 << IRQ_SEI)) != 0) return IRQ_SEI;
  if ((pend & (1 << IRQ_SSI)) != 0) return IRQ_SSI;
  if ((pend & (1 << IRQ_STI)) != 0) return IRQ_STI;
  return 0;
}

// sret: back to SPP with SIE restored from SPIE.
export function leaveTrap(): u64 {
  let s = load<u64>(hart + H_STATUS);
  const toPriv = (s & SSTATUS_SPP) != 0 ? PRIV_S : PRIV_U;
  s = (s & ~(SSTATUS_SIE | SSTATUS_SPP)) | ((s & SSTATUS_SPIE) != 0 ? SSTATUS_SIE : 0) | SSTATUS_SPIE;
  store<u64>(hart + H_STATUS, s);
  store<i32>(hart + H_PRIV, toPriv);
  releaseReservation();
  selectTlb();
  const epc = load<u64>(hart + H_SEPC);
  if (epc != lastPc) sameCount = 0; // the handler moved the guest past its last trap: progress
  return epc;
}
