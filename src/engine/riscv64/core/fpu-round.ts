// Rounding back end of the FPU: every arithmetic result that is not trivially exact
// ends up here, either through a fast path (hardware round-to-nearest result plus the
// exact sign of its error) or through roundPack, a software rounder that handles all
// five RISC-V rounding modes, subnormals, overflow and the IEEE 754 flags.
//
// Conventions
//   * `rmode` is the effective rounding mode of the instruction being executed and
//     `flags` the exception flags it has raised so far; fpu.ts resets both per
//     instruction (beginOp) and accrues `flags` into fcsr when it is done.
//   * Underflow uses tininess *after* rounding (RISC-V): the result is tiny when the
//     value rounded to the target precision with an unbounded exponent range is below
//     the smallest normal number. UF is raised only when the result is also inexact.
import { FFLAG_NX, FFLAG_UF, FFLAG_OF } from "./state";

export const RNE: u32 = 0;
export const RTZ: u32 = 1;
export const RDN: u32 = 2;
export const RUP: u32 = 3;
export const RMM: u32 = 4;

export const SIGN_D: u64 = 0x8000000000000000;
export const FRAC_D: u64 = 0x000fffffffffffff;
export const HIDDEN_D: u64 = 0x0010000000000000;
export const INF_D: u64 = 0x7ff0000000000000;
export const MAX_D: u64 = 0x7fefffffffffffff;
export const CNAN_D: u64 = 0x7ff8000000000000;
export const SIGN_S: u32 = 0x80000000;
export const INF_S: u32 = 0x7f800000;
export const MAX_S: u32 = 0x7f7fffff;
export const CNAN_S: u32 = 0x7fc00000;

export let rmode: u32 = RNE;
export let flags: u32 = 0;

@inline export function beginOp(rm: u32): void {
  rmode = rm;
  flags = 0;
}
@inline export function raise(f: u32): void {
  flags |= f;
}

// Whether discarding the round bits `rb` (below the kept lsb; `half` is the weight of
// half an lsb) must increment the kept magnitude, for the current rounding mode.
@inline export function roundUp(rb: u64, half: u64, lsbOdd: bool, neg: bool): bool {
  const rm = rmode;
  if (rm == RNE) return rb > half || (rb == half && lsbOdd);
  if (rm == RTZ) return false;
  if (rm == RDN) return neg && rb != 0;
  if (rm == RUP) return !neg && rb != 0;
  return rb >= half; // RMM
}

// Overflowed result for the current rounding mode (largest finite or infinity), raising OF and NX.
export function overflow(neg: bool, dbl: bool): u64 {
  flags |= FFLAG_OF | FFLAG_NX;
  const rm = rmode;
  const toMax = rm == RTZ || (rm == RDN && !neg) || (rm == RUP && neg);
  if (dbl) return (neg ? SIGN_D : 0) | (toMax ? MAX_D : INF_D);
  return <u64>((neg ? SIGN_S : 0) | (toMax ? MAX_S : INF_S));
}

// Rounds (-1)^neg * sig * 2^exp (sig != 0) to binary64 (dbl) or binary32 in the current
// rounding mode and returns its bits (binary32 in the low 32 bits). Any bit of sig may be a
// sticky bit standing for "something nonzero below", as long as it lies at least two bits
// below the rounding position.
export function roundPack(neg: bool, exp: i32, sig: u64, dbl: bool): u64 {
  return dbl ? roundPackD(neg, exp, sig) : roundPackS(neg, exp, sig);
}
function roundPackD(neg: bool, exp: i32, sig: u64): u64 {
  return roundPackImpl(neg, exp, sig, true);
}
function roundPackS(neg: bool, exp: i32, sig: u64): u64 {
  return roundPackImpl(neg, exp, sig, false);
}
// (instantiated once per format so that the format constants fold)
@inline function roundPackImpl(neg: bool, exp: i32, sig: u64, dbl: bool): u64 {
  const fracBits: u64 = dbl ? 52 : 23;
  const sh: u64 = dbl ? 10 : 39; // round bits below the significand once its leading one is at bit 62
  const bias: i32 = dbl ? 1023 : 127;
  const maxE: u64 = dbl ? 0x7ff : 0xff;
  const signBit: u64 = neg ? (dbl ? SIGN_D : <u64>SIGN_S) : 0;
  const rmask: u64 = ((<u64>1) << sh) - 1;
  const half: u64 = (<u64>1) << (sh - 1);
  const lz = <i32>clz(sig);
  if (lz == 0) {
    sig = (sig >> 1) | (sig & 1);
    exp += 1;
  } else {
    sig <<= <u64>(lz - 1);
    exp -= lz - 1;
  }
  // value = 1.f * 2^(exp + 62)
  const be = exp + 62 + bias; // biased exponent before rounding
  if (be >= 1) {
    const rb = sig & rmask;
    let m = sig >> sh;
    if (rb != 0) {
      flags |= FFLAG_NX;
      if (roundUp(rb, half, (m & 1) != 0, neg)) m++;
    }
    if (be >= <i32>maxE) return overflow(neg, dbl);
    const bits = ((<u64>(be - 1)) << fracBits) + m; // a carry out of m bumps the exponent
    if ((bits >> fracBits) >= maxE) return overflow(neg, dbl);
    return signBit | bits;
  }
  // Below the normal range. Tiny unless rounding at full precision carries up to 2^emin.
  let tiny = true;
  if (be == 0) {
    const rb = sig & rmask;
    const m = sig >> sh;
    if (rb != 0 && m == ((<u64>1) << (fracBits + 1)) - 1 && roundUp(rb, half, true, neg)) tiny = false;
  }
  const d = 1 - be; // >= 1: shift onto the subnormal grid, keeping a sticky bit
  if (d >= 63) sig = 1;
  else sig = (sig >> <u64>d) | ((sig << <u64>(64 - d)) != 0 ? 1 : 0);
  const rb = sig & rmask;
  let m = sig >> sh;
  if (rb != 0) {
    flags |= tiny ? FFLAG_NX | FFLAG_UF : FFLAG_NX;
    if (roundUp(rb, half, (m & 1) != 0, neg)) m++;
  }
  return signBit | m; // m == 2^fracBits encodes the smallest normal number
}

// Half an ulp of a binary64 whose biased exponent field is E (0 if not representable).
@inline function halfUlpD(E: u32): f64 {
  if (E >= 54) return reinterpret<f64>((<u64>(E - 53)) << 52);
  if (E >= 2) return reinterpret<f64>((<u64>1) << <u64>(E - 2));
  return 0;
}

// Software rounding of x = r + e (scaled by 2^k) where r is a binary64 carrying the
// 53-bit round-to-nearest value of x (unbounded exponent) and e has the sign of the error
// x - r; |e| == ulp(r)/2 exactly when x is a tie. The significand is extended by two bits
// holding the error as -2..+2 quarter ulps, which decides every coarser or equal rounding.
function slowRound(bits: u64, e: f64, k: i32, dbl: bool): u64 {
  const neg = (bits >> 63) != 0;
  const E = <u32>(bits >> 52) & 0x7ff;
  let m = bits & FRAC_D;
  if (E != 0) m |= HIDDEN_D;
  if (m == 0) return dbl ? bits : <u64>(<u32>(bits >> 32) & SIGN_S); // exact zero
  let sig = m << 2;
  if (e != 0) {
    const d: u64 = abs<f64>(e) == halfUlpD(E) ? 2 : 1;
    if ((e > 0) != neg) sig += d;
    else sig -= d;
  }
  return roundPack(neg, <i32>(E == 0 ? 1 : E) - 1077 + k, sig, dbl);
}

// Final binary64 result of an operation whose exact value is (r + e) * 2^k, with r, e as
// for slowRound. Fast path: unscaled results well inside the normal range, where a
// directed rounding is at most one ulp step from the round-to-nearest value.
export function finishD(r: f64, e: f64, k: i32): u64 {
  const bits = reinterpret<u64>(r);
  if (k == 0) {
    if (e == 0) return bits;
    const E = <u32>(bits >> 52) & 0x7ff;
    if (E - 2 <= 2043) {
      flags |= FFLAG_NX;
      const rm = rmode;
      if (rm == RNE) return bits;
      const neg = (bits >> 63) != 0;
      if (rm == RTZ) return (e > 0) != neg ? bits : bits - 1;
      if (rm == RDN) return e < 0 ? (neg ? bits + 1 : bits - 1) : bits;
      if (rm == RUP) return e > 0 ? (neg ? bits - 1 : bits + 1) : bits;
      // RMM differs from RNE only on a tie that RNE resolved towards zero
      return (e > 0) != neg && abs<f64>(e) == halfUlpD(E) ? bits + 1 : bits;
    }
  }
  return slowRound(bits, e, k, true);
}

// Final binary32 result (low 32 bits) of an operation whose exact value is x + e, where x
// is the binary64 round-to-nearest value of it and e as for slowRound. Values of binary32
// operations never leave the binary64 normal range, so no scaling is needed.
export function finishS(x: f64, e: f64): u32 {
  const xb = reinterpret<u64>(x);
  // Fast path: y = RNE(x) lies in binary32 exponents 2..253, so neither y nor its
  // neighbours are subnormal or infinite and the exact value is not tiny. x being a
  // binary32 midpoint with e != 0 (a double-rounding case) is left to the slow path.
  const mid = (xb & 0x1fffffff) == 0x10000000;
  const y = <f32>x;
  const yb = reinterpret<u32>(y);
  if (((yb >> 23) & 0xff) - 2 <= 251 && (e == 0 || !mid)) {
    const yd = <f64>y;
    const d = x != yd ? x - yd : e; // sign of (exact - y)
    if (d == 0) return yb;
    flags |= FFLAG_NX;
    const rm = rmode;
    const neg = (yb >> 31) != 0;
    if (rm == RNE) return yb;
    if (rm == RTZ) return (d > 0) != neg ? yb : yb - 1;
    if (rm == RDN) return d < 0 ? (neg ? yb + 1 : yb - 1) : yb;
    if (rm == RUP) return d > 0 ? (neg ? yb - 1 : yb + 1) : yb;
    // RMM: an exact tie (midpoint, e == 0) that RNE rounded towards zero goes up
    return mid && abs<f64>(x) > abs<f64>(yd) ? yb + 1 : yb;
  }
  return <u32>slowRound(xb, e, 0, false);
}
