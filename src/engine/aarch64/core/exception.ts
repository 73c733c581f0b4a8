// Synchronous exceptions taken to EL1 (Arm ARM D1.10 "Exception entry"), and ERET. Only EL0 and
// EL1 exist for the guest: HVC goes to tsvisor (EL2) as an exit, SMC is UNDEFINED (no EL3).
// An encoding this core lacks raises UNDEFINED as a CPU without that feature would, and is noted
// in C_UNDEF_* so the host can say which instruction the guest missed.
import {
  C_X, C_EL, C_SPSEL, C_DAIF, C_SP_EL0, C_SP_EL1, C_SYSREG, SR_VBAR, SR_ESR, SR_FAR, SR_ELR, SR_SPSR,
  C_UNDEF_PC, C_UNDEF_INSN, C_UNDEF_COUNT, FATAL_WEDGED,
} from "../layout";
import { cpu, pc, nzcv, setPc, setNzcv, fatal } from "./state";
import { clearMonitor } from "./monitor";

// Exception classes (ESR_ELx.EC).
export const EC_UNKNOWN: u32 = 0x00;
export const EC_ILLEGAL_STATE: u32 = 0x0e;
export const EC_SVC64: u32 = 0x15;
export const EC_PC_ALIGN: u32 = 0x22;
export const EC_BRK64: u32 = 0x3c;

/** Executors return this when they took an exception: pc is the vector, the instruction did not complete. */
export const TAKEN: i32 = -2;

/** Exceptions taken since an instruction last completed (index.ts resets it). */
export let streak: i32 = 0;
const STORM: i32 = 64;

export function resetStreak(): void {
  streak = 0;
}

@inline function sysreg(i: u32): usize {
  return cpu + C_SYSREG + (<usize>i << 3);
}

/** Which SP slot 31 of C_X holds for this EL and PSTATE.SP: 1 = SP_EL1, 0 = SP_EL0. */
@inline function spBank(el: u32, spsel: u32): u32 {
  return el != 0 && spsel != 0 ? 1 : 0;
}

/** Switch PSTATE.EL and PSTATE.SP, banking the stack pointer in use. */
export function setElSp(el: u32, spsel: u32): void {
  const from = spBank(load<u32>(cpu + C_EL), load<u32>(cpu + C_SPSEL));
  const to = spBank(el, spsel);
  if (from != to) {
    const slot = cpu + C_X + (31 << 3);
    store<u64>(from ? cpu + C_SP_EL1 : cpu + C_SP_EL0, load<u64>(slot));
    store<u64>(slot, load<u64>(to ? cpu + C_SP_EL1 : cpu + C_SP_EL0));
  }
  store<u32>(cpu + C_EL, el);
  store<u32>(cpu + C_SPSEL, spsel);
}

/** PSTATE as SPSR_ELx saves it: NZCV, DAIF, M[3:0] = EL and SP (AArch64). */
export function pstate(): u64 {
  return <u64>(nzcv | load<u32>(cpu + C_DAIF) | (load<u32>(cpu + C_EL) << 2) | load<u32>(cpu + C_SPSEL));
}

/** Take a synchronous exception to EL1: `ret` is the preferred return address, `far` for FAR_EL1 (or none). */
export function takeException(ec: u32, iss: u32, ret: u64, far: u64, setFar: bool): i32 {
  if (++streak > STORM) return fatal(FATAL_WEDGED, ec, pc);
  const fromEl = load<u32>(cpu + C_EL);
  clearMonitor();
  store<u64>(sysreg(SR_SPSR), pstate());
  store<u64>(sysreg(SR_ELR), ret);
  store<u64>(sysreg(SR_ESR), (<u64>ec << 26) | (1 << 25) | <u64>(iss & 0x1ffffff));
  if (setFar) store<u64>(sysreg(SR_FAR), far);
  const vectorBase = load<u64>(sysreg(SR_VBAR));
  const offset: u64 = fromEl == 0 ? 0x400 : load<u32>(cpu + C_SPSEL) != 0 ? 0x200 : 0;
  setElSp(1, 1);
  store<u32>(cpu + C_DAIF, 0xf << 6);
  setPc(vectorBase + offset);
  return TAKEN;
}

/** Take an IRQ to EL1 (vector +0x80): the instruction at pc has not run and is where ERET returns. */
export function takeInterrupt(): void {
  const fromEl = load<u32>(cpu + C_EL);
  clearMonitor();
  store<u64>(sysreg(SR_SPSR), pstate());
  store<u64>(sysreg(SR_ELR), pc);
  const offset: u64 = fromEl == 0 ? 0x480 : load<u32>(cpu + C_SPSEL) != 0 ? 0x280 : 0x080;
  setElSp(1, 1);
  store<u32>(cpu + C_DAIF, 0xf << 6);
  setPc(load<u64>(sysreg(SR_VBAR)) + offset);
}

/** An encoding this core does not implement, or one the architecture leaves UNDEFINED. */
export function undefinedInsn(insn: u32): i32 {
  store<u64>(cpu + C_UNDEF_PC, pc);
  store<u32>(cpu + C_UNDEF_INSN, insn);
  store<u32>(cpu + C_UNDEF_COUNT, load<u32>(cpu + C_UNDEF_COUNT) + 1);
  return takeException(EC_UNKNOWN, 0, pc, 0, false);
}

/** ERET from EL1: PSTATE from SPSR_EL1, pc from ELR_EL1. A return to EL2/EL3 or AArch32 is illegal. */
export function exceptionReturn(): i32 {
  const spsr = load<u64>(sysreg(SR_SPSR));
  const target = load<u64>(sysreg(SR_ELR));
  const m = <u32>spsr & 0x1f;
  if (m != 0 && m != 4 && m != 5) {
    // Illegal exception return (D1.11.4): PSTATE.IL is set and the next instruction takes an
    // Illegal Execution State exception; this core takes it at once, at the target.
    setPc(target);
    return takeException(EC_ILLEGAL_STATE, 0, target, 0, false);
  }
  clearMonitor(); // an exception return clears the local monitor: an interrupted LDXR/STXR retries
  setNzcv(<u32>spsr & 0xf0000000);
  store<u32>(cpu + C_DAIF, <u32>spsr & (0xf << 6));
  setElSp(m >> 2, m & 1);
  setPc(target);
  return -1; // CONTINUE
}
