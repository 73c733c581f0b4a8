// The system instruction space (0xd5......): hints, barriers, MSR (immediate) to PSTATE, cache and
// TLB maintenance (SYS), and MRS/MSR of the system registers this core has. A register it does not
// have reads and writes as UNDEFINED (as on a CPU without that feature), never as zero or a no-op.
import {
  C_EL, C_SPSEL, C_DAIF, C_SP_EL0, C_SYSREG, C_ICC_PMR, C_ICC_IGRPEN1, C_ICC_BPR1, C_ICC_CTLR, C_ICC_AP1R0,
  C_CNTV_CTL, C_CNTP_CTL, C_CNTV_CVAL, C_CNTP_CVAL, ZONE_VCPUS, SR_VBAR, SR_ESR, SR_FAR, SR_ELR, SR_SPSR, SR_SCTLR,
  SR_TPIDR_EL0, SR_TPIDR_EL1, SR_TPIDRRO_EL0, SR_CONTEXTIDR, SR_CPACR, SR_TCR, SR_TTBR0, SR_TTBR1,
  SR_MAIR, SR_AMAIR, SR_MDSCR, SR_CNTKCTL, SR_PAR, SR_AFSR0, SR_AFSR1, SR_CSSELR, SR_MPIDR,
  SR_DBGBVR0, SR_DBGBCR0, SR_DBGWVR0, SR_DBGWCR0, SR_MDCCINT,
  FATAL_UNSUPPORTED,
} from "../layout";
import { EXIT_WFI } from "../../exit";
import { cpu, pc, nzcv, setPc, setNzcv, xr, setXr, fatal, CONTINUE } from "./state";
import { undefinedInsn, setElSp } from "./exception";
import { clearMonitor } from "./monitor";
import { mmuConfigChanged, flushTlb, flushTlbBroadcast, addressTranslate, ACC_READ, ACC_WRITE } from "./mmu";
import {
  counter, timerCtl, acknowledge, highestPending, endOfInterrupt, deactivate, sendSgi, irqSignalled,
} from "./gic";

/** Set when an instruction may have made an interrupt deliverable (index.ts checks at once). */
export let irqRecheck: bool = false;
export function clearIrqRecheck(): void {
  irqRecheck = false;
}

/** op0:op1:CRn:CRm:op2 as MRS/MSR encode them in bits 20:5. */
@inline function enc(op0: u32, op1: u32, crn: u32, crm: u32, op2: u32): u32 {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

// What the guest sees of this CPU. Only what the core implements is advertised.
const MIDR: u64 = 0x411fd070; // Arm Cortex-A57 r1p0, as the device tree says
// EL0 and EL1 in AArch64 only; no EL2/EL3 for the guest; FP and AdvSIMD not implemented (0xf).
const ID_AA64PFR0: u64 = 0x01ff0011; // GIC (bits 27:24) = 1: the GICv3 system register interface
// 48-bit PA, 16-bit ASIDs, 4 KiB granule only (16K: 0 = absent, 64K: 0xf = absent). The MMU itself is not implemented yet.
const ID_AA64MMFR0: u64 = 0x0f000025;
// The Armv8.0 debug architecture with one breakpoint and one watchpoint (their registers hold values:
// debug exceptions are not implemented, so they never fire); no PMU.
const ID_AA64DFR0: u64 = 0x6;
const CTR_EL0: u64 = 0x8444c004; // 64-byte lines, VIPT-less (PIPT) I-cache, as QEMU's Cortex-A57
const DCZID_EL0: u64 = 0x10; // DZP: DC ZVA prohibited (not implemented)
/** SCTLR_EL1 bits asking for what this core lacks (setting them stops the vCPU): A (alignment checks), E0E and EE (big-endian data). */
const SCTLR_UNSUPPORTED: u64 = (1 << 1) | (1 << 24) | (1 << 25);

// The generic timer's counter counts at this rate from the zone's start (machine.ts timer.counterHz,
// which this file cannot import; gic.ts counter() is the counter).
const COUNTER_HZ: u64 = 62_500_000;

@inline function sr(i: u32): usize {
  return cpu + C_SYSREG + (<usize>i << 3);
}

/** The SR_* slot of a plain read/write EL1 register, or -1. */
function plainSlot(e: u32): i32 {
  switch (e) {
    case enc(3, 0, 12, 0, 0): return SR_VBAR;
    case enc(3, 0, 5, 2, 0): return SR_ESR;
    case enc(3, 0, 6, 0, 0): return SR_FAR;
    case enc(3, 0, 4, 0, 1): return SR_ELR;
    case enc(3, 0, 4, 0, 0): return SR_SPSR;
    case enc(3, 0, 13, 0, 4): return SR_TPIDR_EL1;
    case enc(3, 0, 13, 0, 1): return SR_CONTEXTIDR;
    case enc(3, 0, 1, 0, 2): return SR_CPACR;
    case enc(3, 0, 2, 0, 2): return SR_TCR;
    case enc(3, 0, 2, 0, 0): return SR_TTBR0;
    case enc(3, 0, 2, 0, 1): return SR_TTBR1;
    case enc(3, 0, 10, 2, 0): return SR_MAIR;
    case enc(3, 0, 10, 3, 0): return SR_AMAIR;
    case enc(2, 0, 0, 2, 2): return SR_MDSCR;
    case enc(3, 0, 14, 1, 0): return SR_CNTKCTL;
    case enc(3, 0, 7, 4, 0): return SR_PAR;
    case enc(3, 0, 5, 1, 0): return SR_AFSR0;
    case enc(3, 0, 5, 1, 1): return SR_AFSR1;
    case enc(3, 2, 0, 0, 0): return SR_CSSELR;
    case enc(2, 0, 0, 0, 4): return SR_DBGBVR0;
    case enc(2, 0, 0, 0, 5): return SR_DBGBCR0;
    case enc(2, 0, 0, 0, 6): return SR_DBGWVR0;
    case enc(2, 0, 0, 0, 7): return SR_DBGWCR0;
    case enc(2, 0, 0, 2, 0): return SR_MDCCINT;
    default: return -1;
  }
}

export function execSystem(insn: u32): i32 {
  const el = load<u32>(cpu + C_EL);
  if ((insn & 0xfffff01f) == 0xd503201f) { // hints
    const hint = (insn >> 5) & 0x7f;
    setPc(pc + 4);
    // WFI (3): halt unless an interrupt is pending (masked or not: WFI wakes either way); the vCPU
    // thread sleeps until one may be. WFE, YIELD, SEV, NOP and the PAC/BTI hints (NOPs on a CPU
    // without those features) go on.
    return hint == 3 && !irqSignalled() ? EXIT_WFI : CONTINUE;
  }
  if ((insn & 0xfffff01f) == 0xd503301f) { // CLREX, DSB, DMB, ISB, SB
    const op2 = (insn >> 5) & 7;
    if (op2 == 2 || op2 >= 4) {
      if (op2 == 2) clearMonitor(); // CLREX
      setPc(pc + 4);
      return CONTINUE;
    }
    return undefinedInsn(insn);
  }
  if ((insn & 0xfff8f01f) == 0xd500401f) return msrImmediate(insn, el);
  if ((insn & 0xfff80000) == 0xd5080000) return sys(insn, el);
  if ((insn & 0xffd00000) == 0xd5100000) {
    const e = (insn >> 5) & 0xffff;
    const rt = insn & 31;
    return (insn >> 21) & 1 ? mrs(insn, e, rt, el) : msr(insn, e, xr(rt), el);
  }
  return undefinedInsn(insn);
}

function msrImmediate(insn: u32, el: u32): i32 {
  const op1 = (insn >> 16) & 7;
  const op2 = (insn >> 5) & 7;
  const imm = (insn >> 8) & 15;
  if (el == 0) return undefinedInsn(insn); // SCTLR_EL1.UMA is not implemented
  if (op1 == 3 && op2 == 6) store<u32>(cpu + C_DAIF, load<u32>(cpu + C_DAIF) | (imm << 6)); // DAIFSet
  else if (op1 == 3 && op2 == 7) { // DAIFClr
    store<u32>(cpu + C_DAIF, load<u32>(cpu + C_DAIF) & ~(imm << 6));
    irqRecheck = true;
  }
  else if (op1 == 0 && op2 == 5) setElSp(el, imm & 1); // SPSel
  else return undefinedInsn(insn); // PAN, UAO, SSBS, DIT, ... not implemented
  setPc(pc + 4);
  return CONTINUE;
}

function sys(insn: u32, el: u32): i32 {
  const op1 = (insn >> 16) & 7;
  const crn = (insn >> 12) & 15;
  const crm = (insn >> 8) & 15;
  if ((insn >> 21) & 1) return undefinedInsn(insn); // SYSL
  const op2 = (insn >> 5) & 7;
  // TLBI: every form drops the whole TLB; the Inner and Outer Shareable ones (CRm 1, 2, 3, 5)
  // reach every vCPU of the zone, the local ones (CRm 6, 7) this one only.
  if (crn == 8 && el == 1) {
    if (crm == 1 || crm == 2 || crm == 3 || crm == 5) flushTlbBroadcast();
    else flushTlb();
  }
  else if (crn == 7 && crm == 8 && op1 == 0 && el == 1) { // AT S1E1R, S1E1W, S1E0R, S1E0W
    if (op2 > 3) return undefinedInsn(insn);
    store<u64>(sr(SR_PAR), addressTranslate(xr(insn & 31), op2 & 1 ? ACC_WRITE : ACC_READ, op2 < 2 ? 1 : 0));
  } else if (crn == 7 && crm != 4 && crm != 8 && crm != 9 && (el == 1 || op1 == 3)) {
    // No caches are modelled: cache maintenance has nothing to do (not DC ZVA: DCZID_EL0 prohibits it).
  } else return undefinedInsn(insn);
  setPc(pc + 4);
  return CONTINUE;
}

function mrs(insn: u32, e: u32, rt: u32, el: u32): i32 {
  let v: u64;
  // EL0 may read only these (TPIDR_EL0, TPIDRRO_EL0, NZCV, CTR_EL0, DCZID_EL0; the counter as CNTKCTL_EL1 allows).
  const kctl = <u32>load<u64>(sr(SR_CNTKCTL));
  if (e == enc(3, 3, 4, 2, 0)) v = <u64>nzcv;
  else if (e == enc(3, 3, 14, 0, 0) && (el != 0 || (kctl & 3) != 0)) v = COUNTER_HZ; // CNTFRQ_EL0
  else if (e == enc(3, 3, 14, 0, 2) && (el != 0 || (kctl & 2) != 0)) v = counter(); // CNTVCT_EL0 (no virtual offset)
  else if (e == enc(3, 3, 14, 0, 1) && (el != 0 || (kctl & 1) != 0)) v = counter(); // CNTPCT_EL0
  else if (e == enc(3, 3, 13, 0, 2)) v = load<u64>(sr(SR_TPIDR_EL0));
  else if (e == enc(3, 3, 13, 0, 3)) v = load<u64>(sr(SR_TPIDRRO_EL0));
  else if (e == enc(3, 3, 0, 0, 1)) v = CTR_EL0;
  else if (e == enc(3, 3, 0, 0, 7)) v = DCZID_EL0;
  else if (isTimer(e) && (el != 0 || (kctl & (e >= enc(3, 3, 14, 3, 0) ? 0x100 : 0x200)) != 0)) v = readTimer(e);
  else if (el == 0) return undefinedInsn(insn);
  else if (plainSlot(e) >= 0) v = load<u64>(sr(plainSlot(e)));
  else if (isIcc(e)) {
    const r = readIcc(e);
    if (r < 0) return undefinedInsn(insn);
    v = <u64>r;
  }
  else if (e == enc(3, 0, 4, 2, 2)) v = <u64>el << 2; // CurrentEL
  else if (e == enc(3, 0, 12, 1, 0)) v = irqSignalled() ? 0x80 : 0; // ISR_EL1: I (no FIQs, no SErrors)
  else if (e == enc(3, 3, 4, 2, 1)) v = <u64>load<u32>(cpu + C_DAIF);
  else if (e == enc(3, 0, 4, 2, 0)) v = <u64>load<u32>(cpu + C_SPSEL);
  else if (e == enc(3, 0, 4, 1, 0)) { // SP_EL0: from EL1 with SP_EL1 selected only
    if (load<u32>(cpu + C_SPSEL) == 0) return undefinedInsn(insn);
    v = load<u64>(cpu + C_SP_EL0);
  } else if (e == enc(3, 0, 1, 0, 0)) v = load<u64>(sr(SR_SCTLR));
  else if (e == enc(3, 0, 0, 0, 0)) v = MIDR;
  else if (e == enc(3, 0, 0, 0, 5)) v = load<u64>(sr(SR_MPIDR));
  else if (e == enc(3, 0, 0, 0, 6)) v = 0; // REVIDR_EL1
  else if (e == enc(3, 0, 0, 4, 0)) v = ID_AA64PFR0;
  else if (e == enc(3, 0, 0, 7, 0)) v = ID_AA64MMFR0;
  else if (e == enc(3, 0, 0, 5, 0)) v = ID_AA64DFR0;
  else if ((e >> 7) == (enc(3, 0, 0, 0, 0) >> 7) && ((e >> 3) & 15) >= 1 && ((e >> 3) & 15) <= 7) {
    v = 0; // the rest of the ID register space (op0 3, op1 0, CRn 0, CRm 1..7) reads as zero: features absent
  } else if (e == enc(3, 1, 0, 0, 1) || e == enc(3, 1, 0, 0, 0)) v = 0; // CLIDR_EL1, CCSIDR_EL1: no caches
  else if (e == enc(2, 0, 1, 1, 4)) v = 0; // OSLSR_EL1: OS lock not implemented
  else return undefinedInsn(insn);
  setXr(rt, v);
  setPc(pc + 4);
  return CONTINUE;
}

function msr(insn: u32, e: u32, v: u64, el: u32): i32 {
  if (e == enc(3, 3, 4, 2, 0)) setNzcv(<u32>v & 0xf0000000);
  else if (e == enc(3, 3, 13, 0, 2)) store<u64>(sr(SR_TPIDR_EL0), v);
  else if (isTimer(e) && (el != 0 || (<u32>load<u64>(sr(SR_CNTKCTL)) & (e >= enc(3, 3, 14, 3, 0) ? 0x100 : 0x200)) != 0)) {
    if (!writeTimer(e, v)) return undefinedInsn(insn);
  } else if (el == 0) return undefinedInsn(insn);
  else if (isIcc(e)) {
    if (!writeIcc(e, v)) return undefinedInsn(insn);
    irqRecheck = true;
  }
  else if (plainSlot(e) >= 0) {
    const slot = plainSlot(e);
    store<u64>(sr(slot), v);
    if (slot == SR_TCR || slot == SR_TTBR0 || slot == SR_TTBR1) mmuConfigChanged();
  }
  else if (e == enc(3, 3, 13, 0, 3)) store<u64>(sr(SR_TPIDRRO_EL0), v);
  else if (e == enc(3, 3, 4, 2, 1)) {
    store<u32>(cpu + C_DAIF, <u32>v & (0xf << 6));
    irqRecheck = true;
  }
  else if (e == enc(3, 0, 4, 2, 0)) setElSp(el, <u32>v & 1);
  else if (e == enc(3, 0, 4, 1, 0)) {
    if (load<u32>(cpu + C_SPSEL) == 0) return undefinedInsn(insn);
    store<u64>(cpu + C_SP_EL0, v);
  } else if (e == enc(3, 0, 1, 0, 0)) {
    if (v & SCTLR_UNSUPPORTED) return fatal(FATAL_UNSUPPORTED, insn, pc);
    store<u64>(sr(SR_SCTLR), v);
    mmuConfigChanged();
  } else if (e == enc(2, 0, 1, 0, 4) || e == enc(2, 0, 1, 3, 4)) {
    // OSLAR_EL1, OSDLR_EL1: the OS lock and double lock are not implemented; writes are ignored.
  } else return undefinedInsn(insn);
  setPc(pc + 4);
  return CONTINUE;
}

// ---- the generic timers: CNTV_* (virtual, PPI 11) and CNTP_* (physical, PPI 14), CTL / CVAL / TVAL ----
@inline function isTimer(e: u32): bool {
  return e >= enc(3, 3, 14, 2, 0) && e <= enc(3, 3, 14, 3, 2) && (e & 7) <= 2;
}

function readTimer(e: u32): u64 {
  const virt = e >= enc(3, 3, 14, 3, 0);
  const ctl: usize = virt ? C_CNTV_CTL : C_CNTP_CTL;
  const cval: usize = virt ? C_CNTV_CVAL : C_CNTP_CVAL;
  const op2 = e & 7;
  if (op2 == 1) return <u64>timerCtl(ctl, cval);
  if (op2 == 2) return load<u64>(cpu + cval);
  return <u64><i64><i32>(load<u64>(cpu + cval) - counter()); // TVAL: CVAL - CNT, signed 32 bits
}

function writeTimer(e: u32, v: u64): bool {
  const virt = e >= enc(3, 3, 14, 3, 0);
  const ctl: usize = virt ? C_CNTV_CTL : C_CNTP_CTL;
  const cval: usize = virt ? C_CNTV_CVAL : C_CNTP_CVAL;
  const op2 = e & 7;
  if (op2 == 1) store<u32>(cpu + ctl, <u32>v & 3);
  else if (op2 == 2) store<u64>(cpu + cval, v);
  else store<u64>(cpu + cval, counter() + <u64><i64><i32>v);
  irqRecheck = true;
  return true;
}

// ---- the GICv3 CPU interface: op0 3, op1 0, CRn 12 (and ICC_PMR_EL1 at CRn 4) ----
const ICC_PMR = enc(3, 0, 4, 6, 0);

@inline function isIcc(e: u32): bool {
  return e == ICC_PMR || ((e >> 7) == (enc(3, 0, 12, 0, 0) >> 7) && ((e >> 3) & 15) >= 8);
}

/** An ICC register's value, or -1 for one this interface lacks (group 0, the AP0Rs). */
function readIcc(e: u32): i64 {
  if (e == ICC_PMR) return load<u32>(cpu + C_ICC_PMR);
  switch (e) {
    case enc(3, 0, 12, 12, 0): return acknowledge(); // IAR1
    case enc(3, 0, 12, 12, 2): return highestPending(); // HPPIR1
    case enc(3, 0, 12, 12, 3): return load<u32>(cpu + C_ICC_BPR1);
    case enc(3, 0, 12, 12, 4): return 0x400 | (load<u32>(cpu + C_ICC_CTLR) & 2); // PRIbits 5 (4), IDbits 16 (0), EOImode
    case enc(3, 0, 12, 12, 5): return 7; // SRE: SRE, DFB, DIB
    case enc(3, 0, 12, 12, 7): return load<u32>(cpu + C_ICC_IGRPEN1);
    case enc(3, 0, 12, 11, 3): { // RPR
      const ap = load<u32>(cpu + C_ICC_AP1R0);
      return ap == 0 ? 0xff : ctz<u32>(ap) << 3;
    }
    case enc(3, 0, 12, 9, 0): return load<u32>(cpu + C_ICC_AP1R0);
    // Group 0 exists (one security state) but nothing is ever in it (IGROUPR reads as ones):
    // IAR0/HPPIR0 find nothing, IGRPEN0, BPR0 and AP0R0 read as zero.
    case enc(3, 0, 12, 12, 6): case enc(3, 0, 12, 8, 3): case enc(3, 0, 12, 8, 4): return 0;
    case enc(3, 0, 12, 8, 0): case enc(3, 0, 12, 8, 2): return 1023;
    default: return -1; // AP0R1-3, AP1R1-3: 5 priority bits need only the first
  }
}

function writeIcc(e: u32, v: u64): bool {
  if (e == ICC_PMR) {
    store<u32>(cpu + C_ICC_PMR, <u32>v & 0xf8);
    return true;
  }
  switch (e) {
    case enc(3, 0, 12, 12, 1): endOfInterrupt(<u32>v & 0xffffff); return true; // EOIR1
    case enc(3, 0, 12, 11, 1): deactivate(<u32>v & 0xffffff); return true; // DIR
    case enc(3, 0, 12, 12, 3): store<u32>(cpu + C_ICC_BPR1, <u32>v & 7); return true;
    case enc(3, 0, 12, 12, 4): store<u32>(cpu + C_ICC_CTLR, <u32>v & 2); return true; // EOImode
    case enc(3, 0, 12, 12, 5): return true; // SRE: fixed at one
    case enc(3, 0, 12, 12, 7): store<u32>(cpu + C_ICC_IGRPEN1, <u32>v & 1); return true;
    case enc(3, 0, 12, 11, 5): sendSgi(v, load<u32>(ZONE_VCPUS)); return true; // SGI1R
    case enc(3, 0, 12, 9, 0): store<u32>(cpu + C_ICC_AP1R0, <u32>v); return true;
    // Group 0: never used (see readIcc); EOIR0, IGRPEN0, BPR0, AP0R0 writes change nothing.
    case enc(3, 0, 12, 8, 1): case enc(3, 0, 12, 12, 6): case enc(3, 0, 12, 8, 3): case enc(3, 0, 12, 8, 4): return true;
    default: return false;
  }
}
