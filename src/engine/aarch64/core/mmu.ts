// Stage 1 translation at EL1&0 (Arm ARM D8): 4 KiB granule, TTBR0_EL1 / TTBR1_EL1 selected by the
// VA's top bits with TCR_EL1.T0SZ / T1SZ (25..48-bit ranges; 39- and 48-bit are Linux's), blocks
// at levels 1 and 2, the access flag (no hardware update: AF = 0 faults), AP / UXN / PXN and the
// hierarchical table controls, SCTLR_EL1.WXN, top-byte-ignore for data. Memory attributes (MAIR)
// are not modelled: RAM is RAM and anything else is MMIO. A software TLB of TLB_ENTRIES pages,
// direct-mapped, caches the walks; it is flushed whole by TLBI and by writes to SCTLR, TCR and the
// TTBRs (so ASIDs need no tagging yet). A broadcast TLBI bumps ZONE_TLB_GEN; every vCPU compares
// it before each translation and flushes when it moved (the issuer does not wait for that).
import { C_EL, C_SYSREG, C_TLB, TLB_ENTRIES, SR_SCTLR, SR_TCR, SR_TTBR0, SR_TTBR1, ZONE_TLB_GEN } from "../layout";
import { cpu } from "./state";
import { ramAt } from "./memory";

// Permission bits in a TLB entry's data word.
const P_R1: u64 = 1; // EL1 read
const P_W1: u64 = 2;
const P_X1: u64 = 4;
const P_R0: u64 = 8; // EL0 read
const P_W0: u64 = 16;
const P_X0: u64 = 32;

export const ACC_READ: u32 = 0;
export const ACC_WRITE: u32 = 1;
export const ACC_EXEC: u32 = 2;

/** Whether SCTLR_EL1.M is set (kept in sync by mmuConfigChanged). */
export let mmuOn: bool = false;
let tbi0: bool = false;
let tbi1: bool = false;

/** A translation fault's status code (DFSC/IFSC) after translate() returned NO_PA. */
export let faultStatus: u32 = 0;
export const NO_PA: u64 = <u64>-1;

// Fault status codes (ESR_ELx.ISS DFSC/IFSC), plus the level in bits 1:0.
const FS_ADDRESS_SIZE: u32 = 0x00;
const FS_TRANSLATION: u32 = 0x04;
const FS_ACCESS_FLAG: u32 = 0x08;
const FS_PERMISSION: u32 = 0x0c;
const FS_WALK_EXTERNAL: u32 = 0x14;

@inline function sysreg(i: u32): u64 {
  return load<u64>(cpu + C_SYSREG + (<usize>i << 3));
}

/** The broadcast TLBI generation this vCPU's TLB has seen. */
let seenGen: i32 = 0;

export function flushTlb(): void {
  memory.fill(cpu + C_TLB, 0, TLB_ENTRIES << 4);
  seenGen = atomic.load<i32>(ZONE_TLB_GEN);
}

/** TLBI ...IS / ...OS: every vCPU of the zone drops its TLB (this one at once). */
export function flushTlbBroadcast(): void {
  atomic.add<i32>(ZONE_TLB_GEN, 1);
  flushTlb();
}

/** SCTLR_EL1, TCR_EL1 or a TTBR changed (or a reset): re-read what translation depends on, drop the TLB. */
export function mmuConfigChanged(): void {
  mmuOn = (sysreg(SR_SCTLR) & 1) != 0;
  const tcr = sysreg(SR_TCR);
  tbi0 = ((tcr >> 37) & 1) != 0;
  tbi1 = ((tcr >> 38) & 1) != 0;
  flushTlb();
}

/** A data address with the top byte ignored where TCR_EL1.TBIx says so (bit 55 picks the half). */
@inline export function dataVa(va: u64): u64 {
  const upper = ((va >> 55) & 1) != 0;
  if (upper ? tbi1 : tbi0) return upper ? va | 0xff00000000000000 : va & 0x00ffffffffffffff;
  return va;
}

@inline function needed(acc: u32, el: u32): u64 {
  if (acc == ACC_READ) return el ? P_R1 : P_R0;
  if (acc == ACC_WRITE) return el ? P_W1 : P_W0;
  return el ? P_X1 : P_X0;
}

/**
 * The physical address of `va` for an access of kind `acc` at the current EL, or NO_PA with
 * faultStatus set. The MMU must be on (callers check mmuOn).
 */
export function translate(va: u64, acc: u32): u64 {
  if (atomic.load<i32>(ZONE_TLB_GEN) != seenGen) flushTlb(); // another vCPU's broadcast TLBI
  const el = load<u32>(cpu + C_EL);
  const page = va & ~<u64>0xfff;
  const e = cpu + C_TLB + (<usize>((va >> 12) & (TLB_ENTRIES - 1)) << 4);
  if (load<u64>(e) == (page | 1)) {
    const data = load<u64>(e + 8);
    if ((data & needed(acc, el)) != 0) return (data & ~<u64>0xfff) | (va & 0xfff);
    // Not allowed by the cached walk: walk again, for the fault's level (rare).
  }
  const pa = walk(va, acc, el);
  if (pa != NO_PA) {
    store<u64>(e, page | 1);
    store<u64>(e + 8, (pa & ~<u64>0xfff) | walkPerms);
  }
  return pa;
}

let walkPerms: u64 = 0;

/** The table walk: NO_PA with faultStatus on a fault; walkPerms holds the page's permission bits. */
function walk(va: u64, acc: u32, el: u32): u64 {
  const tcr = sysreg(SR_TCR);
  const upper = ((va >> 63) & 1) != 0;
  const tsz = <u32>(upper ? (tcr >> 16) & 63 : tcr & 63);
  const epd = upper ? (tcr >> 23) & 1 : (tcr >> 7) & 1;
  const tg = upper ? (tcr >> 30) & 3 : (tcr >> 14) & 3;
  // 4 KiB granule only (TG0 00, TG1 10): ID_AA64MMFR0 says 16K and 64K are absent.
  if (epd != 0 || tg != (upper ? 2 : 0) || tsz < 16 || tsz > 39) {
    faultStatus = FS_TRANSLATION;
    return NO_PA;
  }
  const ia: u32 = 64 - tsz;
  // Every bit above the input range must equal the selecting bit 63.
  const top = va >> ia;
  if (upper ? top != (<u64>-1 >> ia) : top != 0) {
    faultStatus = FS_TRANSLATION;
    return NO_PA;
  }
  let level: u32 = ia > 39 ? 0 : ia > 30 ? 1 : 2;
  let table = (upper ? sysreg(SR_TTBR1) : sysreg(SR_TTBR0)) & 0x0000fffffffffffe;
  let apTable: u64 = 0;
  let uxnTable: u64 = 0;
  let pxnTable: u64 = 0;
  for (;;) {
    const shift: u32 = 39 - 9 * level;
    const bits: u32 = min<u32>(9, ia - shift); // the first level may index fewer bits
    const index = (va >> shift) & ((<u64>1 << bits) - 1);
    const a = ramAt(table + (index << 3), 8);
    if (a == 0) {
      faultStatus = FS_WALK_EXTERNAL | level;
      return NO_PA;
    }
    const d = atomic.load<u64>(a);
    if ((d & 1) == 0 || (level == 3 && (d & 2) == 0) || (level == 0 && (d & 2) == 0)) {
      faultStatus = FS_TRANSLATION | level;
      return NO_PA;
    }
    if (level < 3 && (d & 2) != 0) { // a table
      apTable |= (d >> 61) & 3;
      uxnTable |= (d >> 60) & 1;
      pxnTable |= (d >> 59) & 1;
      table = d & 0x0000fffffffff000;
      level++;
      continue;
    }
    // A block (levels 1, 2) or a page (level 3).
    if ((d & (1 << 10)) == 0) {
      faultStatus = FS_ACCESS_FLAG | level;
      return NO_PA;
    }
    const outMask: u64 = (<u64>1 << shift) - 1;
    const pa = (d & 0x0000fffffffff000 & ~outMask) | (va & outMask);
    // AP[2:1]: bit 7 read-only, bit 6 EL0 access; APTable[1] removes write, APTable[0] removes EL0.
    const ap = (d >> 6) & 3;
    const ro = (ap & 2) != 0 || (apTable & 2) != 0;
    const user = (ap & 1) != 0 && (apTable & 1) == 0;
    const uxn = ((d >> 54) & 1) != 0 || uxnTable != 0;
    // EL1 never executes what EL0 can write; with SCTLR_EL1.WXN nothing writable executes.
    const pxn = ((d >> 53) & 1) != 0 || pxnTable != 0 || (user && !ro);
    const wxn = ((sysreg(SR_SCTLR) >> 19) & 1) != 0;
    let perms: u64 = P_R1;
    if (!ro) perms |= P_W1;
    if (!pxn && !(wxn && !ro)) perms |= P_X1;
    if (user) {
      perms |= P_R0;
      if (!ro) perms |= P_W0;
    }
    if (!uxn && !(wxn && user && !ro)) perms |= P_X0;
    walkPerms = perms;
    if ((perms & needed(acc, el)) == 0) {
      faultStatus = FS_PERMISSION | level;
      return NO_PA;
    }
    return pa;
  }
}

/** AT S1E1R/W, S1E0R/W: PAR_EL1 for `va` (the PA, or F = 1 with the fault status). */
export function addressTranslate(va: u64, acc: u32, el: u32): u64 {
  if (!mmuOn) return va & 0x0000fffffffff000;
  const pa = walk(va, acc, el);
  if (pa == NO_PA) return 1 | (<u64>faultStatus << 1);
  return pa & 0x0000fffffffff000;
}
