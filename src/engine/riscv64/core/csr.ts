// S- and U-level CSRs. M- and H-level CSRs do not exist for the guest: accessing them is
// an illegal instruction, exactly as on a hart whose M-mode hides them.
import {
  H_STATUS, H_SIE, H_STVEC, H_SSCRATCH, H_SEPC, H_SCAUSE, H_STVAL, H_SATP, H_SCOUNTEREN,
  H_SENVCFG, H_STIMECMP, H_INSTRET, H_IP, H_PRIV, H_FCSR,
} from "../layout";
import {
  hart, getX, setX, SSTATUS_SIE, SSTATUS_SPIE, SSTATUS_SPP, SSTATUS_FS, SSTATUS_SUM, SSTATUS_MXR, SSTATUS_SD,
  FS_DIRTY, PRIV_U, fpEnabled,
} from "./state";
import { flushAll, selectTlb } from "./mmu";

@external("env", "now") export declare function hostNow(): f64; // ms since zone start

// 10 MHz timebase.
@inline export function timeTicks(): u64 {
  return <u64>(hostNow() * 10000.0);
}

export let csrIllegal: bool = false; // set by csrRead/csrWrite on an illegal access
// Set when a write may have changed what the fetch/TLB path or interrupt state depends on.
export let csrSideEffect: bool = false;
export function clearCsrSideEffect(): void {
  csrSideEffect = false;
}

const SSTATUS_WMASK: u64 = SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_FS | SSTATUS_SUM | SSTATUS_MXR;
const SIE_MASK: u64 = (1 << 1) | (1 << 5) | (1 << 9);
const UXL_64: u64 = (<u64>2) << 32;

function counterAllowed(bit: u32): bool {
  if (load<i32>(hart + H_PRIV) != PRIV_U) return true;
  return ((load<u64>(hart + H_SCOUNTEREN) >> bit) & 1) != 0;
}

export function csrRead(csr: u32): u64 {
  csrIllegal = false;
  switch (csr) {
    case 0x001: if (!fpEnabled()) break; return load<u32>(hart + H_FCSR) & 0x1f;
    case 0x002: if (!fpEnabled()) break; return (load<u32>(hart + H_FCSR) >> 5) & 7;
    case 0x003: if (!fpEnabled()) break; return load<u32>(hart + H_FCSR) & 0xff;
    case 0xc00: case 0xc02: if (!counterAllowed(csr & 3)) break; return load<u64>(hart + H_INSTRET);
    case 0xc01: if (!counterAllowed(1)) break; return timeTicks();
    default: break;
  }
  if (csr >= 0xc03 && csr <= 0xc1f) {
    if (counterAllowed(csr & 31)) return 0;
    csrIllegal = true;
    return 0;
  }
  if (csr >= 0x100 && csr < 0x200 && load<i32>(hart + H_PRIV) != PRIV_U) {
    switch (csr) {
      case 0x100: {
        const s = load<u64>(hart + H_STATUS) | UXL_64;
        return (s & SSTATUS_FS) == FS_DIRTY ? s | SSTATUS_SD : s;
      }
      case 0x104: return load<u64>(hart + H_SIE);
      case 0x105: return load<u64>(hart + H_STVEC);
      case 0x106: return load<u64>(hart + H_SCOUNTEREN);
      case 0x10a: return load<u64>(hart + H_SENVCFG);
      case 0x140: return load<u64>(hart + H_SSCRATCH);
      case 0x141: return load<u64>(hart + H_SEPC);
      case 0x142: return load<u64>(hart + H_SCAUSE);
      case 0x143: return load<u64>(hart + H_STVAL);
      case 0x144: return <u64><u32>atomic.load<i32>(hart + H_IP);
      case 0x14d: return load<u64>(hart + H_STIMECMP);
      case 0x180: return load<u64>(hart + H_SATP);
      default: break;
    }
  }
  csrIllegal = true;
  return 0;
}

// Write after a successful read check (csrRead must have been called first for the same csr).
export function csrWrite(csr: u32, v: u64): void {
  csrIllegal = false;
  if ((csr >> 10) == 3) { csrIllegal = true; return; } // read-only CSR
  switch (csr) {
    case 0x001: setFcsrBits((load<u32>(hart + H_FCSR) & 0xe0) | (<u32>v & 0x1f)); return;
    case 0x002: setFcsrBits((load<u32>(hart + H_FCSR) & 0x1f) | ((<u32>v & 7) << 5)); return;
    case 0x003: setFcsrBits(<u32>v & 0xff); return;
    case 0x100: {
      const old = load<u64>(hart + H_STATUS);
      const nv = (old & ~SSTATUS_WMASK) | (v & SSTATUS_WMASK);
      store<u64>(hart + H_STATUS, nv);
      if (((old ^ nv) & SSTATUS_MXR) != 0) flushAll();
      if (((old ^ nv) & SSTATUS_SUM) != 0) selectTlb();
      // Stop only when it matters: another TLB set (SUM, MXR) or an interrupt now deliverable.
      // Disabling interrupts, as every spin_lock_irqsave does, needs nothing.
      if (((old ^ nv) & (SSTATUS_SUM | SSTATUS_MXR)) != 0) csrSideEffect = true;
      else if ((nv & ~old & SSTATUS_SIE) != 0 &&
        (<u64><u32>atomic.load<i32>(hart + H_IP) & load<u64>(hart + H_SIE)) != 0) csrSideEffect = true;
      return;
    }
    case 0x104: store<u64>(hart + H_SIE, v & SIE_MASK); csrSideEffect = true; return;
    case 0x105: store<u64>(hart + H_STVEC, (v & 2) != 0 ? v & ~<u64>3 : v); return;
    case 0x106: store<u64>(hart + H_SCOUNTEREN, v & 7); return;
    case 0x10a: store<u64>(hart + H_SENVCFG, v & 1); return;
    case 0x140: store<u64>(hart + H_SSCRATCH, v); return;
    case 0x141: store<u64>(hart + H_SEPC, v & ~<u64>1); return;
    case 0x142: store<u64>(hart + H_SCAUSE, v & 0x800000000000003f); return;
    case 0x143: store<u64>(hart + H_STVAL, v); return;
    case 0x144:
      // Only SSIP is writable by software; STIP and SEIP are driven by the platform.
      if ((v & 2) != 0) atomic.or<i32>(hart + H_IP, 2);
      else atomic.and<i32>(hart + H_IP, ~2);
      csrSideEffect = true;
      return;
    case 0x14d: store<u64>(hart + H_STIMECMP, v); csrSideEffect = true; return;
    case 0x180: {
      const mode = v >> 60;
      // WARL: unsupported modes leave satp unchanged; no ASID bits (ASIDLEN = 0).
      if (mode != 0 && mode != 8 && mode != 9) return;
      store<u64>(hart + H_SATP, (mode << 60) | (v & 0x00000fffffffffff));
      flushAll();
      csrSideEffect = true;
      return;
    }
    default: break;
  }
}

// csrrs/csrrc on sip: only SSIP is software-writable; set or clear it atomically if named.
export function csrSipBits(set: bool, bits: u64): void {
  if ((bits & 2) == 0) return;
  if (set) atomic.or<i32>(hart + H_IP, 2);
  else atomic.and<i32>(hart + H_IP, ~2);
  csrSideEffect = true;
}

function setFcsrBits(v: u32): void {
  store<u32>(hart + H_FCSR, v);
  store<u64>(hart + H_STATUS, load<u64>(hart + H_STATUS) | FS_DIRTY);
}

export const CSR_OK: i32 = 0;
export const CSR_STOP: i32 = 1; // done, but the interrupt or translation state may have changed
export const CSR_ILLEGAL: i32 = 2; // nothing changed: an illegal-instruction trap is due

// csrrw/csrrs/csrrc and their immediate forms, for the interpreter and (via jitCsr) compiled blocks.
export function csrInsn(insn: u32): i32 {
  const f3 = (insn >> 12) & 7;
  const rs1 = (insn >> 15) & 31;
  const csr = insn >> 20;
  const src: u64 = f3 >= 5 ? <u64>rs1 : getX(rs1);
  const old = csrRead(csr);
  if (csrIllegal) return CSR_ILLEGAL;
  const op = f3 & 3;
  if (csr == 0x144 && op != 1) {
    // sip set/clear touch only the named bits: a read-modify-write could lose an IPI.
    if (rs1 != 0) csrSipBits(op == 2, src);
  } else if (op == 1 || rs1 != 0) {
    csrWrite(csr, op == 1 ? src : op == 2 ? old | src : old & ~src);
    if (csrIllegal) return CSR_ILLEGAL; // read-only CSRs fail before any change
  }
  setX((insn >> 7) & 31, old);
  if (csrSideEffect) {
    csrSideEffect = false;
    return CSR_STOP;
  }
  return CSR_OK;
}

// A CSR instruction inside a compiled block. The cycle/instret counters need the exact retired
// count, which only the interpreter has: CSR_ILLEGAL here means "bail and let it run the instruction".
export function jitCsr(insn: u32): i32 {
  const csr = insn >> 20;
  if (csr == 0xc00 || csr == 0xc02) return CSR_ILLEGAL;
  return csrInsn(insn);
}
