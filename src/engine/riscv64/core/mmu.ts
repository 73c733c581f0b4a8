// Guest virtual -> wasm address translation: Sv39/Sv48 page walk with hardware A/D
// updates and a direct-mapped software TLB per (privilege set, access kind).
import {
  H_SATP, H_PRIV, H_STATUS, H_TLB, TLB_ENTRIES, TLB_KIND_BYTES, TLB_SET_BYTES, TLB_BYTES, RAM_BASE,
} from "../layout";
import { hart, ramOff, ramSize, SSTATUS_SUM, SSTATUS_MXR, PRIV_U } from "./state";

export const ACC_R: i32 = 0;
export const ACC_W: i32 = 1;
export const ACC_X: i32 = 2;

// Result of translateSlow when it does not return a wasm address.
export const XLATE_FAULT: i64 = -1; // faultCause holds the exception cause
export const XLATE_MMIO: i64 = -2; // mmioPa holds the physical address (not RAM)

export let faultCause: u64 = 0;
export let mmioPa: u64 = 0;

// Current TLB tables for this privilege / SUM combination (recomputed by selectTlb).
export let tlbR: usize = 0;
export let tlbW: usize = 0;
export let tlbX: usize = 0;
export let tlbSet: i32 = 0; // 0 = U, 1 = S, 2 = S with SUM (blocks are compiled per set)

// Fetch cache: the page the pc is in and its wasm address; fetchPage has bit 0 set when invalid.
export let fetchPage: u64 = 1;
export let fetchHost: usize = 0;
export function setFetch(page: u64, host: usize): void {
  fetchPage = page;
  fetchHost = host;
}

// Superpage fills since the last full flush, by address half, so that an address-specific
// sfence.vma can fall back to a full flush only when a superpage may cover the address.
let superUser: i32 = 0;
let superKernel: i32 = 0;

const PTE_V: u64 = 1;
const PTE_R: u64 = 2;
const PTE_W: u64 = 4;
const PTE_X: u64 = 8;
const PTE_U: u64 = 16;
const PTE_A: u64 = 64;
const PTE_D: u64 = 128;
const PTE_RESERVED: u64 = 0xffc0000000000000; // bits 63:54 (no Svpbmt / Svnapot)
const PPN_MASK: u64 = 0x00000fffffffffff; // 44 bits

export function selectTlb(): void {
  const priv = load<i32>(hart + H_PRIV);
  const base = hart + H_TLB;
  let set: usize = 0;
  if (priv != PRIV_U) set = (load<u64>(hart + H_STATUS) & SSTATUS_SUM) != 0 ? 2 : 1;
  tlbSet = <i32>set;
  tlbR = base + set * TLB_SET_BYTES;
  tlbW = tlbR + TLB_KIND_BYTES;
  // Fetch ignores SUM: S-mode can never execute user pages.
  tlbX = base + (priv == PRIV_U ? 0 : 1) * TLB_SET_BYTES + 2 * TLB_KIND_BYTES;
  fetchPage = 1;
}

export function flushAll(): void {
  memory.fill(hart + H_TLB, 0xff, TLB_BYTES);
  fetchPage = 1;
  superUser = 0;
  superKernel = 0;
}

// sfence.vma with an address: drop that page's entries in every set and kind.
export function flushPage(va: u64): void {
  const kernelHalf = (<i64>va) < 0;
  if (kernelHalf ? superKernel != 0 : superUser != 0) {
    flushAll();
    return;
  }
  fetchPage = 1;
  const idx = <usize>((va >> 12) & (TLB_ENTRIES - 1)) << 4;
  let p = hart + H_TLB + idx;
  for (let i = 0; i < 9; i++) {
    store<u64>(p, 0xffffffffffffffff);
    p += TLB_KIND_BYTES;
  }
}

@inline export function tlbEntry(table: usize, va: u64): usize {
  return table + (<usize>((va >> 12) & (TLB_ENTRIES - 1)) << 4);
}

@inline function accessFault(kind: i32): u64 {
  return kind == ACC_X ? 1 : kind == ACC_R ? 5 : 7;
}
@inline function pageFault(kind: i32): u64 {
  return kind == ACC_X ? 12 : kind == ACC_R ? 13 : 15;
}

// Is [pa, pa+len) inside guest RAM? Returns the wasm address or 0.
@inline export function ramAddr(pa: u64, len: u64): usize {
  const off = pa - <u64>RAM_BASE;
  if (pa >= <u64>RAM_BASE && off < ramSize && ramSize - off >= len) return ramOff + <usize>off;
  return 0;
}

// Full translation. Returns the wasm address of `va` (>= 0), XLATE_FAULT or XLATE_MMIO.
// On success for RAM, fills the TLB entry of `kind` for the current privilege set.
export function translateSlow(va: u64, kind: i32): i64 {
  const satp = load<u64>(hart + H_SATP);
  const mode = <i32>(satp >> 60);
  const priv = load<i32>(hart + H_PRIV);
  let pa: u64;
  let superpage = false;
  if (mode == 0) {
    pa = va;
  } else {
    const levels = mode == 8 ? 3 : 4;
    const vaBits = 12 + 9 * levels;
    // The upper bits must be a sign extension of the top VA bit.
    const top = (<i64>va) >> (vaBits - 1);
    if (top != 0 && top != -1) {
      faultCause = pageFault(kind);
      return XLATE_FAULT;
    }
    let a: u64 = (satp & PPN_MASK) << 12;
    let level = levels - 1;
    let pte: u64 = 0;
    let pteAddr: usize = 0;
    while (true) {
      const vpn = (va >> (12 + 9 * <u64>level)) & 0x1ff;
      pteAddr = ramAddr(a + (vpn << 3), 8);
      if (pteAddr == 0) {
        faultCause = accessFault(kind);
        return XLATE_FAULT;
      }
      pte = atomic.load<u64>(pteAddr);
      if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0) || (pte & PTE_RESERVED) != 0) {
        faultCause = pageFault(kind);
        return XLATE_FAULT;
      }
      if ((pte & (PTE_R | PTE_X)) != 0) break;
      // Non-leaf: A/D/U must be zero (reserved for future use); treat as fault.
      if ((pte & (PTE_A | PTE_D | PTE_U)) != 0 || level == 0) {
        faultCause = pageFault(kind);
        return XLATE_FAULT;
      }
      a = ((pte >> 10) & PPN_MASK) << 12;
      level--;
    }
    // Leaf permission checks.
    const status = load<u64>(hart + H_STATUS);
    let ok: bool;
    if (kind == ACC_X) ok = (pte & PTE_X) != 0;
    else if (kind == ACC_R) ok = (pte & PTE_R) != 0 || ((status & SSTATUS_MXR) != 0 && (pte & PTE_X) != 0);
    else ok = (pte & PTE_W) != 0;
    if (ok) {
      if (priv == PRIV_U) ok = (pte & PTE_U) != 0;
      else if ((pte & PTE_U) != 0) ok = kind != ACC_X && (status & SSTATUS_SUM) != 0;
    }
    const ppn = (pte >> 10) & PPN_MASK;
    // A misaligned superpage is a page fault.
    if (ok && level > 0 && (ppn & ((<u64>1 << (9 * <u64>level)) - 1)) != 0) ok = false;
    if (!ok) {
      faultCause = pageFault(kind);
      return XLATE_FAULT;
    }
    // Hardware A/D update; if another hart changed the PTE meanwhile, walk again.
    const need = PTE_A | (kind == ACC_W ? PTE_D : 0);
    if ((pte & need) != need) {
      if (atomic.cmpxchg<u64>(pteAddr, pte, pte | need) != pte) return translateSlow(va, kind);
    }
    const offMask: u64 = (<u64>1 << (12 + 9 * <u64>level)) - 1;
    pa = ((ppn << 12) & ~offMask) | (va & offMask);
    superpage = level > 0;
  }
  const host = ramAddr(pa & ~<u64>0xfff, 4096);
  if (host == 0) {
    mmioPa = pa;
    return XLATE_MMIO;
  }
  // Fill the TLB. Write entries are only filled on writes (D is then set).
  const table = kind == ACC_X ? tlbX : kind == ACC_R ? tlbR : tlbW;
  const e = tlbEntry(table, va);
  const page = va & ~<u64>0xfff;
  store<u64>(e, page);
  store<u64>(e, <u64>host - page, 8);
  if (superpage) {
    if ((<i64>va) < 0) superKernel++;
    else superUser++;
  }
  return <i64>(host + <usize>(va & 0xfff));
}
