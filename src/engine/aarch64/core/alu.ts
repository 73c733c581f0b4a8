// Arithmetic helpers with the architecture's exact flag rules (Arm ARM pseudocode AddWithCarry,
// DecodeBitMasks, ShiftReg, ExtendReg), for 32-bit (sf = 0) and 64-bit (sf = 1) operands.
import { N_BIT, Z_BIT, C_BIT, V_BIT, xr } from "./state";

/** NZCV of the last addWithCarry. */
export let addFlags: u32 = 0;

/** x + y + carry at the width sf says; the result (zero-extended when 32-bit) and its flags in addFlags. */
export function addWithCarry(sf: u32, x: u64, y: u64, carry: u64): u64 {
  let r: u64;
  let f: u32 = 0;
  if (sf) {
    r = x + y + carry;
    const c = carry ? r <= x : r < x;
    if (c) f |= C_BIT;
    if ((((x ^ r) & (y ^ r)) >> 63) != 0) f |= V_BIT;
    if ((r >> 63) != 0) f |= N_BIT;
  } else {
    x &= 0xffffffff;
    y &= 0xffffffff;
    const wide = x + y + carry;
    r = wide & 0xffffffff;
    if ((wide >> 32) != 0) f |= C_BIT;
    if ((((x ^ r) & (y ^ r)) >> 31) & 1) f |= V_BIT;
    if ((r >> 31) != 0) f |= N_BIT;
  }
  if (r == 0) f |= Z_BIT;
  addFlags = f;
  return r;
}

/** N and Z of a logical result (C and V clear), as ANDS/BICS/TST set them. */
export function logicFlags(sf: u32, r: u64): u32 {
  let f: u32 = 0;
  if (sf ? (r >> 63) != 0 : ((r >> 31) & 1) != 0) f |= N_BIT;
  if ((sf ? r : r & 0xffffffff) == 0) f |= Z_BIT;
  return f;
}

/** Whether condition `cond` (4 bits) holds for flags `f`. */
export function conditionHolds(cond: u32, f: u32): bool {
  const n = (f & N_BIT) != 0;
  const z = (f & Z_BIT) != 0;
  const c = (f & C_BIT) != 0;
  const v = (f & V_BIT) != 0;
  let r: bool;
  switch (cond >> 1) {
    case 0: r = z; break; // EQ
    case 1: r = c; break; // CS
    case 2: r = n; break; // MI
    case 3: r = v; break; // VS
    case 4: r = c && !z; break; // HI
    case 5: r = n == v; break; // GE
    case 6: r = n == v && !z; break; // GT
    default: r = true; // AL (and NV, which also means always)
  }
  return (cond & 1) != 0 && cond != 15 ? !r : r;
}

/** Rotate the low `esize` bits of v right by r. */
@inline function rorElem(v: u64, r: u32, esize: u32): u64 {
  if (r == 0) return v;
  const mask: u64 = esize == 64 ? <u64>-1 : ((<u64>1 << esize) - 1);
  return ((v >> r) | (v << (esize - r))) & mask;
}

/** Repeat the low `esize` bits across 64 bits. */
@inline function replicate(v: u64, esize: u32): u64 {
  for (let e = esize; e < 64; e <<= 1) v |= v << e;
  return v;
}

/** DecodeBitMasks' results (wmask, tmask); valid false when the encoding is reserved. */
export let bmWmask: u64 = 0;
export let bmTmask: u64 = 0;

/** DecodeBitMasks(N, imms, immr, immediate) for a 32- or 64-bit datasize; false when reserved. */
export function decodeBitMasks(sf: u32, nBit: u32, imms: u32, immr: u32, immediate: bool): bool {
  const combined = (nBit << 6) | (~imms & 0x3f);
  if (combined == 0) return false;
  const len = 31 - clz<u32>(combined);
  if (len < 1) return false;
  if (!sf && len > 5) return false;
  const levels: u32 = (1 << len) - 1;
  if (immediate && (imms & levels) == levels) return false;
  const s = imms & levels;
  const r = immr & levels;
  const d = (s - r) & levels;
  const esize: u32 = 1 << len;
  const welem: u64 = s + 1 == 64 ? <u64>-1 : (<u64>1 << (s + 1)) - 1;
  const telem: u64 = d + 1 == 64 ? <u64>-1 : (<u64>1 << (d + 1)) - 1;
  let w = replicate(rorElem(welem, r, esize), esize);
  let t = replicate(telem, esize);
  if (!sf) {
    w &= 0xffffffff;
    t &= 0xffffffff;
  }
  bmWmask = w;
  bmTmask = t;
  return true;
}

/** ShiftReg: shift type (LSL, LSR, ASR, ROR) by amount at the datasize. */
export function shiftValue(sf: u32, v: u64, type: u32, amount: u32): u64 {
  if (sf) {
    switch (type) {
      case 0: return v << amount;
      case 1: return v >> amount;
      case 2: return <u64>(<i64>v >> amount);
      default: return rotr<u64>(v, amount);
    }
  }
  const w = <u32>v;
  switch (type) {
    case 0: return <u64>(w << amount);
    case 1: return <u64>(w >> amount);
    case 2: return <u64><u32>(<i32>w >> amount);
    default: return <u64>rotr<u32>(w, amount);
  }
}

/** ExtendReg(m, option, shift): register m (31 = XZR) extended per option (UXTB..SXTX) and shifted left. */
export function extendReg(m: u32, option: u32, shift: u32): u64 {
  const v = xr(m);
  let e: u64;
  switch (option) {
    case 0: e = v & 0xff; break;
    case 1: e = v & 0xffff; break;
    case 2: e = v & 0xffffffff; break;
    case 4: e = <u64><i64><i8>v; break;
    case 5: e = <u64><i64><i16>v; break;
    case 6: e = <u64><i64><i32>v; break;
    default: e = v; // UXTX, SXTX
  }
  return e << shift;
}

/** The high 64 bits of the unsigned 128-bit product x * y. */
export function umulh(x: u64, y: u64): u64 {
  const xl = x & 0xffffffff, xh = x >> 32, yl = y & 0xffffffff, yh = y >> 32;
  const ll = xl * yl, lh = xl * yh, hl = xh * yl, hh = xh * yh;
  const mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/** The high 64 bits of the signed 128-bit product x * y. */
export function smulh(x: u64, y: u64): u64 {
  let h = umulh(x, y);
  if (<i64>x < 0) h -= y;
  if (<i64>y < 0) h -= x;
  return h;
}
