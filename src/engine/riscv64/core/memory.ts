// Slow paths of guest loads/stores: TLB misses, page-crossing accesses, MMIO exits and
// faults. The fast paths are inlined in exec.ts.
import {
  H_EXIT_PC, H_EXIT_ADDR, H_EXIT_VADDR, H_EXIT_DATA, H_EXIT_SIZE, H_EXIT_RD, H_EXIT_FLAGS,
  MMIO_SIGNED, MMIO_FLOAT,
} from "../layout";
import { hart, setX, setF } from "./state";
import { translateSlow, faultCause, mmioPa, ACC_R, ACC_W, XLATE_FAULT, XLATE_MMIO } from "./mmu";
import { rawStore } from "./raw";
import { watched, storeWatched } from "./reservation";
export { rawStore } from "./raw";

// Outcome of a slow access.
export const MEM_OK: i32 = 0;
export const MEM_TRAP: i32 = 1; // memCause/memTval hold the exception to raise
export const MEM_EXIT: i32 = 2; // an MMIO exit has been recorded in the hart's exit fields

export let memCause: u64 = 0;
export let memTval: u64 = 0;
export let loadValue: u64 = 0;

export function setMemTrap(cause: u64, tval: u64): void {
  memCause = cause;
  memTval = tval;
}

// Size in bytes of a load/store by funct3 (low two bits).
@inline export function accessSize(f3: u32): u32 {
  return <u32>1 << (f3 & 3);
}

// Extend a raw loaded value per the load's funct3 (LB..LWU).
@inline export function extendLoad(v: u64, f3: u32): u64 {
  switch (f3) {
    case 0: return <u64><i64><i8>v;
    case 1: return <u64><i64><i16>v;
    case 2: return <u64><i64><i32>v;
    case 4: return v & 0xff;
    case 5: return v & 0xffff;
    case 6: return v & 0xffffffff;
    default: return v;
  }
}

@inline function rawLoad(a: usize, size: u32): u64 {
  if (size == 8) return load<u64>(a);
  if (size == 4) return load<u32>(a);
  if (size == 2) return load<u16>(a);
  return load<u8>(a);
}


function recordMmio(pc: u64, va: u64, pa: u64, size: u32, rd: u32, flags: i32, data: u64): void {
  store<u64>(hart + H_EXIT_PC, pc);
  store<u64>(hart + H_EXIT_ADDR, pa);
  store<u64>(hart + H_EXIT_VADDR, va);
  store<u64>(hart + H_EXIT_DATA, data);
  store<u32>(hart + H_EXIT_SIZE, size);
  store<u32>(hart + H_EXIT_RD, rd);
  store<i32>(hart + H_EXIT_FLAGS, flags);
}

// Page-crossing access: translate byte by byte (rare). MMIO is not allowed to straddle.
function crossLoad(va: u64, size: u32, kind: i32): i32 {
  let v: u64 = 0;
  for (let i: u32 = 0; i < size; i++) {
    const r = translateSlow(va + i, kind);
    if (r < 0) {
      memCause = r == XLATE_FAULT ? faultCause : 5;
      memTval = va + i;
      return MEM_TRAP;
    }
    v |= (<u64>load<u8>(<usize>r)) << (8 * <u64>i);
  }
  loadValue = v;
  return MEM_OK;
}

// Load slow path. On MEM_OK the loaded (unextended) value is in loadValue.
export function loadSlow(pc: u64, va: u64, f3: u32, rd: u32, isFloat: bool): i32 {
  const size = accessSize(f3);
  if ((<u32>va & 0xfff) + size > 4096) return crossLoad(va, size, ACC_R);
  const r = translateSlow(va, ACC_R);
  if (r >= 0) {
    loadValue = rawLoad(<usize>r, size);
    return MEM_OK;
  }
  if (r == XLATE_MMIO) {
    const flags = (isFloat ? MMIO_FLOAT : 0) | (f3 < 4 ? MMIO_SIGNED : 0);
    recordMmio(pc, va, mmioPa, size, rd, flags, 0);
    return MEM_EXIT;
  }
  memCause = faultCause;
  memTval = va;
  return MEM_TRAP;
}

export function storeSlow(pc: u64, va: u64, f3: u32, v: u64, isFloat: bool): i32 {
  const size = accessSize(f3);
  if ((<u32>va & 0xfff) + size > 4096) {
    // Translate every byte first so a fault leaves memory untouched.
    for (let i: u32 = 0; i < size; i++) {
      const r = translateSlow(va + i, ACC_W);
      if (r < 0) {
        memCause = r == XLATE_FAULT ? faultCause : 7;
        memTval = va + i;
        return MEM_TRAP;
      }
    }
    for (let i: u32 = 0; i < size; i++) {
      const a = <usize>translateSlow(va + i, ACC_W);
      if (watched(a)) storeWatched(a, 1, v >> (8 * <u64>i));
      else store<u8>(a, <u8>(v >> (8 * <u64>i)));
    }
    return MEM_OK;
  }
  const r = translateSlow(va, ACC_W);
  if (r >= 0) {
    if (watched(<usize>r)) storeWatched(<usize>r, size, v);
    else rawStore(<usize>r, size, v);
    return MEM_OK;
  }
  if (r == XLATE_MMIO) {
    recordMmio(pc, va, mmioPa, size, 0, isFloat ? MMIO_FLOAT : 0, v);
    return MEM_EXIT;
  }
  memCause = faultCause;
  memTval = va;
  return MEM_TRAP;
}

// Host finished an MMIO load: H_EXIT_DATA holds the raw value.
export function completeMmioLoad(): void {
  const size = load<u32>(hart + H_EXIT_SIZE);
  const rd = load<u32>(hart + H_EXIT_RD);
  const flags = load<i32>(hart + H_EXIT_FLAGS);
  let v = load<u64>(hart + H_EXIT_DATA);
  if (size < 8) v &= ((<u64>1) << (8 * <u64>size)) - 1;
  if ((flags & MMIO_FLOAT) != 0) {
    setF(rd, size == 4 ? (v | 0xffffffff00000000) : v);
    return;
  }
  if ((flags & MMIO_SIGNED) != 0 && size < 8) {
    const sh = 64 - 8 * <u64>size;
    v = <u64>((<i64>(v << sh)) >> sh);
  }
  setX(rd, v);
}

export { ACC_W };
