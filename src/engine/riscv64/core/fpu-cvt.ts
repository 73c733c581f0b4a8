// FPU conversions: float <-> integer (W, WU, L, LU) and binary64 <-> binary32.
import { FFLAG_NV, FFLAG_NX } from "./state";
import {
  SIGN_D, FRAC_D, HIDDEN_D, CNAN_D, SIGN_S, INF_S, CNAN_S,
  raise, roundUp, roundPack, finishS,
} from "./fpu-round";

// Integer formats, numbered as the rs2 field of FCVT encodes them.
export const CVT_W: u32 = 0;
export const CVT_WU: u32 = 1;
export const CVT_L: u32 = 2;
export const CVT_LU: u32 = 3;

// Result of an invalid conversion (NaN, infinity or out of range), raising NV:
// the most positive value for NaN and positive overflow, the most negative otherwise.
function invalidInt(neg: bool, kind: u32): u64 {
  raise(FFLAG_NV);
  if (kind == CVT_W) return neg ? 0xffffffff80000000 : 0x7fffffff;
  if (kind == CVT_WU) return neg ? 0 : 0xffffffffffffffff; // 32-bit all-ones, sign-extended
  if (kind == CVT_L) return neg ? 0x8000000000000000 : 0x7fffffffffffffff;
  return neg ? 0 : 0xffffffffffffffff;
}

// FCVT.{W,WU,L,LU}.{S,D} of a binary64 value (binary32 sources are widened first, which
// is exact and keeps NaN-ness). 32-bit results are returned sign-extended to 64 bits.
export function cvtToInt(bits: u64, kind: u32): u64 {
  const neg = (bits >> 63) != 0;
  const E = <i32>(bits >> 52) & 0x7ff;
  const f = bits & FRAC_D;
  if (E == 0x7ff) return invalidInt(neg && f == 0, kind);
  if (E == 0 && f == 0) return 0;
  const m = E == 0 ? f : f | HIDDEN_D;
  const ex = (E == 0 ? 1 : E) - 1075; // value = m * 2^ex
  let mag: u64;
  let inexact = false;
  if (ex >= 0) {
    if (ex > 11) return invalidInt(neg, kind); // >= 2^64
    mag = m << <u64>ex;
  } else {
    let rb: u64, half: u64;
    if (ex <= -64) {
      mag = 0;
      rb = 1; // nonzero, below one half
      half = (<u64>1) << 62;
    } else {
      const s = <u64>(-ex);
      mag = m >> s;
      rb = m & (((<u64>1) << s) - 1);
      half = (<u64>1) << (s - 1);
    }
    if (rb != 0) {
      inexact = true;
      if (roundUp(rb, half, (mag & 1) != 0, neg)) mag++;
    }
  }
  let res: u64;
  if (kind == CVT_W) {
    if (mag > (neg ? 0x80000000 : 0x7fffffff)) return invalidInt(neg, kind);
    res = neg ? 0 - mag : mag;
  } else if (kind == CVT_WU) {
    if (neg ? mag != 0 : mag > 0xffffffff) return invalidInt(neg, kind);
    res = <u64><i64><i32><u32>mag;
  } else if (kind == CVT_L) {
    if (mag > (neg ? 0x8000000000000000 : 0x7fffffffffffffff)) return invalidInt(neg, kind);
    res = neg ? 0 - mag : mag;
  } else {
    if (neg && mag != 0) return invalidInt(neg, kind);
    res = mag;
  }
  if (inexact) raise(FFLAG_NX);
  return res;
}

// FCVT.{S,D}.{W,WU,L,LU}: integer register value to binary64 (dbl) or binary32 bits.
export function cvtFromInt(v: u64, kind: u32, dbl: bool): u64 {
  let neg = false;
  let mag: u64;
  if (kind == CVT_W) {
    const i = <i64><i32><u32>v;
    neg = i < 0;
    mag = <u64>(neg ? -i : i);
  } else if (kind == CVT_WU) {
    mag = v & 0xffffffff;
  } else if (kind == CVT_L) {
    neg = <i64>v < 0;
    mag = neg ? 0 - v : v;
  } else {
    mag = v;
  }
  if (mag == 0) return 0;
  const exactLimit: u64 = dbl ? 0x20000000000000 : 0x1000000; // 2^53, 2^24
  if (mag < exactLimit) {
    // exactly representable
    const x = <f64>mag;
    if (dbl) return reinterpret<u64>(neg ? -x : x);
    const y = <f32>x;
    return <u64>reinterpret<u32>(neg ? -y : y);
  }
  return roundPack(neg, 0, mag, dbl);
}

// FCVT.S.D: binary64 bits to binary32 bits.
export function cvtDtoS(bits: u64): u32 {
  const E = <u32>(bits >> 52) & 0x7ff;
  const f = bits & FRAC_D;
  if (E == 0x7ff) {
    if (f == 0) return (bits >> 63) != 0 ? SIGN_S | INF_S : INF_S;
    if ((f & 0x0008000000000000) == 0) raise(FFLAG_NV);
    return CNAN_S;
  }
  if (E == 0 && f == 0) return (bits & SIGN_D) != 0 ? SIGN_S : 0;
  return finishS(reinterpret<f64>(bits), 0);
}

// FCVT.D.S: binary32 bits (already unboxed) to binary64 bits; exact.
export function cvtStoD(u: u32): u64 {
  if ((u << 1) > 0xff000000) {
    if ((u & 0x00400000) == 0) raise(FFLAG_NV);
    return CNAN_D;
  }
  return reinterpret<u64>(<f64>reinterpret<f32>(u));
}
