// FPU arithmetic: add/sub, mul, div, sqrt and fused multiply-add for binary64 and binary32.
//
// Inputs here are never NaN (fpu.ts handles NaN operands first). Binary64 operations use
// the hardware round-to-nearest-even result plus an error-free transformation giving the
// exact error (TwoSum, Dekker's product) or its sign (remainder of div/sqrt), then
// finishD (fpu-round.ts) applies the rounding mode and flags. Where the transformation
// could overflow or underflow, the operands are first reduced to significands in [1, 2)
// and the exponent is passed separately. Binary32 operations are computed exactly (or with
// the exact error) in binary64 and rounded by finishS. Binary64 FMA is done in integer
// arithmetic with a 128-bit intermediate.
import { FFLAG_NV, FFLAG_DZ } from "./state";
import {
  RDN, SIGN_D, FRAC_D, HIDDEN_D, INF_D, CNAN_D, SIGN_S, INF_S, CNAN_S,
  rmode, raise, finishD, finishS, roundPack,
} from "./fpu-round";

const SPLIT: f64 = 134217729.0; // 2^27 + 1, Veltkamp splitting constant

@inline function isInfD(b: u64): bool {
  return (b << 1) == 0xffe0000000000000;
}
@inline function isZeroD(b: u64): bool {
  return (b << 1) == 0;
}
@inline function signD(b: u64): bool {
  return (b >> 63) != 0;
}
// Sign of an exact zero sum of two addends with signs sa, sb.
@inline function zeroSumNeg(sa: bool, sb: bool): bool {
  return sa == sb ? sa : rmode == RDN;
}

// Dekker: the exact error a*b - p of p = RN(a*b), provided nothing overflows and the error
// is representable (exponent of lsb(a)*lsb(b) >= -1074).
@inline function mulErr(a: f64, b: f64, p: f64): f64 {
  const ta = a * SPLIT;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = b * SPLIT;
  const bh = tb - (tb - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

// Fast2Sum: the exact error a + b - s of s = RN(a + b), for finite a, b, s. Ordering the
// addends by magnitude keeps every intermediate exact (plain TwoSum can overflow when an
// addend is near the largest finite number).
@inline function sumErr(a: f64, b: f64, s: f64): f64 {
  if (abs<f64>(a) < abs<f64>(b)) {
    const t = a;
    a = b;
    b = t;
  }
  return b - (s - a);
}

// Significand of a finite nonzero binary64 as a double in [1, 2) carrying the sign;
// the unbiased exponent goes to `mantExp`.
let mantExp: i32 = 0;
function mantD(bits: u64): f64 {
  let E = <i32>(bits >> 52) & 0x7ff;
  let f = bits & FRAC_D;
  if (E == 0) {
    const lz = <i32>clz(f) - 11;
    f = (f << <u64>lz) & FRAC_D;
    E = 1 - lz;
  }
  mantExp = E - 1023;
  return reinterpret<f64>((bits & SIGN_D) | ((<u64>1023) << 52) | f);
}

// ---------------------------------------------------------------- binary64

export function addD(ab: u64, bb: u64): u64 {
  if (isInfD(ab) || isInfD(bb)) {
    if (isInfD(ab) && isInfD(bb) && ((ab ^ bb) >> 63) != 0) {
      raise(FFLAG_NV);
      return CNAN_D;
    }
    return isInfD(ab) ? ab : bb;
  }
  let a = reinterpret<f64>(ab);
  let b = reinterpret<f64>(bb);
  let s = a + b;
  let k = 0;
  if (abs<f64>(s) == Infinity) {
    // Overflowed: both addends are then >= 2^970, so halving them is exact.
    a *= 0.5;
    b *= 0.5;
    s = a + b;
    k = 1;
  }
  if (s == 0) return zeroSumNeg(signD(ab), signD(bb)) ? SIGN_D : 0;
  return finishD(s, sumErr(a, b, s), k);
}

export function mulD(ab: u64, bb: u64): u64 {
  const neg = ((ab ^ bb) >> 63) != 0;
  if (isInfD(ab) || isInfD(bb)) {
    if (isZeroD(ab) || isZeroD(bb)) {
      raise(FFLAG_NV);
      return CNAN_D;
    }
    return neg ? SIGN_D | INF_D : INF_D;
  }
  if (isZeroD(ab) || isZeroD(bb)) return neg ? SIGN_D : 0;
  const Ea = <u32>(ab >> 52) & 0x7ff;
  const Eb = <u32>(bb >> 52) & 0x7ff;
  // Both normal and < 2^995 (safe to split), product in [2^-970, 2^1023).
  if (Ea - 1 < 2017 && Eb - 1 < 2017 && Ea + Eb - 1076 < 1992) {
    const a = reinterpret<f64>(ab);
    const b = reinterpret<f64>(bb);
    const p = a * b;
    return finishD(p, mulErr(a, b, p), 0);
  }
  const ma = mantD(ab);
  const xa = mantExp;
  const mb = mantD(bb);
  const p = ma * mb;
  return finishD(p, mulErr(ma, mb, p), xa + mantExp);
}

// Sign of the exact remainder n - q*d as +-|q| (never a tie: quotients and square roots
// of binary64 numbers are never exactly halfway between two binary64 numbers), or 0.
@inline function remErr(n: f64, q: f64, d: f64, qAbs: f64): f64 {
  const p = q * d;
  const pe = mulErr(q, d, p);
  const r = n - p; // exact (Sterbenz)
  return r > pe ? qAbs : r < pe ? -qAbs : 0;
}

export function divD(ab: u64, bb: u64): u64 {
  const neg = ((ab ^ bb) >> 63) != 0;
  const sgn: u64 = neg ? SIGN_D : 0;
  if (isInfD(ab)) {
    if (isInfD(bb)) {
      raise(FFLAG_NV);
      return CNAN_D;
    }
    return sgn | INF_D;
  }
  if (isInfD(bb)) return sgn;
  if (isZeroD(bb)) {
    if (isZeroD(ab)) {
      raise(FFLAG_NV);
      return CNAN_D;
    }
    raise(FFLAG_DZ);
    return sgn | INF_D;
  }
  if (isZeroD(ab)) return sgn;
  const Ea = <i32>(ab >> 52) & 0x7ff;
  const Eb = <i32>(bb >> 52) & 0x7ff;
  let n: f64, d: f64, k = 0;
  // Fast when the quotient is in [2^-1021, 2^995), b is normal and < 2^995, the error
  // of q*b is representable (a >= 2^-963) and q*b cannot round to infinity (a < 2^1023).
  if (<u32>(Eb - 1) < 2017 && <u32>(Ea - 60) <= 1985 && <u32>(Ea - Eb + 1020) <= 2014) {
    n = reinterpret<f64>(ab);
    d = reinterpret<f64>(bb);
  } else {
    n = mantD(ab);
    k = mantExp;
    d = mantD(bb);
    k -= mantExp;
  }
  const q = n / d;
  let e = remErr(n, q, d, abs<f64>(q));
  if (d < 0) e = -e; // quotient error = remainder / d
  return finishD(q, e, k);
}

export function sqrtD(ab: u64): u64 {
  if (isZeroD(ab)) return ab; // sqrt(-0) = -0
  if (signD(ab)) {
    raise(FFLAG_NV);
    return CNAN_D;
  }
  if (isInfD(ab)) return ab;
  const Ea = <u32>(ab >> 52) & 0x7ff;
  let a: f64, k = 0;
  if (Ea - 60 <= 1940) {
    a = reinterpret<f64>(ab);
  } else {
    a = mantD(ab);
    let x = mantExp;
    if (x & 1) {
      a *= 2;
      x -= 1;
    }
    k = x >> 1;
  }
  const s = sqrt<f64>(a);
  return finishD(s, remErr(a, s, s, s), k);
}

// ---- binary64 fused multiply-add in integer arithmetic ----

// 128-bit intermediate (hi:lo)
let wHi: u64 = 0;
let wLo: u64 = 0;

// Integer significand (leading one at bit 52) of a finite nonzero binary64; value = m * 2^unpExp.
let unpExp: i32 = 0;
@inline function unpackD(bits: u64): u64 {
  const E = <i32>(bits >> 52) & 0x7ff;
  const f = bits & FRAC_D;
  if (E == 0) {
    const lz = <i32>clz(f) - 11;
    unpExp = -1074 - lz;
    return f << <u64>lz;
  }
  unpExp = E - 1075;
  return f | HIDDEN_D;
}

// wHi:wLo = a * b
@inline function mul64(a: u64, b: u64): void {
  const a0 = a & 0xffffffff, a1 = a >> 32;
  const b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  wLo = (mid << 32) | (p00 & 0xffffffff);
  wHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

// wHi:wLo = (h:l) >> n, ORing every bit shifted out into bit 0.
function shr128Jam(h: u64, l: u64, n: i32): void {
  if (n == 0) {
    wHi = h;
    wLo = l;
  } else if (n < 64) {
    const s = <u64>n;
    wLo = (l >> s) | (h << (64 - s)) | ((l << (64 - s)) != 0 ? 1 : 0);
    wHi = h >> s;
  } else if (n < 128) {
    const s = <u64>(n - 64);
    const lost = s == 0 ? l : (l | (h << (64 - s)));
    wLo = (h >> s) | (lost != 0 ? 1 : 0);
    wHi = 0;
  } else {
    wLo = (h | l) != 0 ? 1 : 0;
    wHi = 0;
  }
}

// a*b + c, all finite, a and b nonzero; signs already include the instruction's negations.
function fmaFiniteD(ab: u64, bb: u64, cb: u64): u64 {
  const sp = ((ab ^ bb) >> 63) != 0;
  const ma = unpackD(ab);
  const ea = unpExp;
  const mb = unpackD(bb);
  mul64(ma, mb); // in [2^104, 2^106)
  // Product with its leading one at bit 124 or 125 of 128: value = (pH:pL) * 2^pe.
  let pH = (wHi << 20) | (wLo >> 44);
  let pL = wLo << 20;
  let pe = ea + unpExp - 20;
  if (isZeroD(cb)) return roundPack(sp, pe + 64, pH | (pL != 0 ? 1 : 0), true);
  const sc = signD(cb);
  let cH = unpackD(cb) << 8; // leading one at bit 124
  let cL: u64 = 0;
  let ce = unpExp - 72;
  // Align the operand with the smaller exponent to the other.
  let e: i32;
  if (pe >= ce) {
    shr128Jam(cH, cL, pe - ce);
    cH = wHi;
    cL = wLo;
    e = pe;
  } else {
    shr128Jam(pH, pL, ce - pe);
    pH = wHi;
    pL = wLo;
    e = ce;
  }
  let hi: u64, lo: u64, neg: bool;
  if (sp == sc) {
    lo = pL + cL;
    hi = pH + cH + (lo < pL ? 1 : 0);
    neg = sp;
  } else if (pH > cH || (pH == cH && pL > cL)) {
    lo = pL - cL;
    hi = pH - cH - (pL < cL ? 1 : 0);
    neg = sp;
  } else if (pH == cH && pL == cL) {
    return rmode == RDN ? SIGN_D : 0; // exact cancellation
  } else {
    lo = cL - pL;
    hi = cH - pH - (cL < pL ? 1 : 0);
    neg = sc;
  }
  if (hi == 0) return roundPack(neg, e, lo, true);
  const lz = clz(hi);
  if (lz != 0) {
    hi = (hi << lz) | (lo >> (64 - lz));
    lo <<= lz;
    e -= <i32>lz;
  }
  return roundPack(neg, e + 64, hi | (lo != 0 ? 1 : 0), true);
}

// Fused (+-a*b) + (+-c) for non-NaN binary64 operands.
export function fmaD(ab: u64, bb: u64, cb: u64): u64 {
  const sp = ((ab ^ bb) >> 63) != 0;
  if (isInfD(ab) || isInfD(bb)) {
    if (isZeroD(ab) || isZeroD(bb) || (isInfD(cb) && signD(cb) != sp)) {
      raise(FFLAG_NV);
      return CNAN_D;
    }
    return sp ? SIGN_D | INF_D : INF_D;
  }
  if (isInfD(cb)) return cb;
  if (isZeroD(ab) || isZeroD(bb)) {
    if (isZeroD(cb)) return zeroSumNeg(sp, signD(cb)) ? SIGN_D : 0;
    return cb; // exact
  }
  return fmaFiniteD(ab, bb, cb);
}

// ---------------------------------------------------------------- binary32
// Operands are binary32 values widened (exactly) to binary64, never NaN.

@inline function infS(x: f64): bool {
  return abs<f64>(x) == Infinity;
}
@inline function zeroS(neg: bool): u32 {
  return neg ? SIGN_S : 0;
}
@inline function signF(x: f64): bool {
  return (reinterpret<u64>(x) >> 63) != 0;
}

// Rounded binary32 result of the exact sum a + b (binary64 values whose sum error is representable).
function sumS(a: f64, b: f64): u32 {
  const s = a + b;
  if (s == 0) return zeroS(zeroSumNeg(signF(a), signF(b)));
  return finishS(s, sumErr(a, b, s));
}

export function addS(a: f64, b: f64): u32 {
  if (infS(a) || infS(b)) {
    if (infS(a) && infS(b) && signF(a) != signF(b)) {
      raise(FFLAG_NV);
      return CNAN_S;
    }
    return reinterpret<u32>(<f32>(infS(a) ? a : b));
  }
  return sumS(a, b);
}

export function mulS(a: f64, b: f64): u32 {
  if ((infS(a) && b == 0) || (infS(b) && a == 0)) {
    raise(FFLAG_NV);
    return CNAN_S;
  }
  const p = a * b; // exact (48-bit product), infinities and signed zeros included
  if (infS(p) || p == 0) return reinterpret<u32>(<f32>p);
  return finishS(p, 0);
}

// A binary64 value with at most 24 significant bits?
@inline function short(x: f64): bool {
  return (reinterpret<u64>(x) & 0x1fffffff) == 0;
}

export function divS(a: f64, b: f64): u32 {
  if ((infS(a) && infS(b)) || (a == 0 && b == 0)) {
    raise(FFLAG_NV);
    return CNAN_S;
  }
  if (b == 0 && !infS(a)) raise(FFLAG_DZ);
  const q = a / b;
  if (infS(q) || q == 0) return reinterpret<u32>(<f32>q);
  // The quotient is exact iff it has <= 24 bits and q*b == a (then exactly computed).
  // Otherwise no binary32 number or midpoint lies within 2^-49 relative of it, so any
  // nonzero error sign decides the rounding.
  if (short(q) && q * b == a) return finishS(q, 0);
  return finishS(q, q);
}

export function sqrtS(a: f64): u32 {
  if (a == 0) return reinterpret<u32>(<f32>a);
  if (a < 0) {
    raise(FFLAG_NV);
    return CNAN_S;
  }
  if (infS(a)) return INF_S;
  const s = sqrt<f64>(a);
  if (short(s) && s * s == a) return finishS(s, 0); // exact (same argument as divS)
  return finishS(s, s);
}

// Fused (a*b) + c with signs already applied: the product is exact in binary64 and the
// sum's error is representable, so TwoSum gives everything finishS needs.
export function fmaS(a: f64, b: f64, c: f64): u32 {
  const pInf = infS(a) || infS(b);
  if ((pInf && (a == 0 || b == 0))) {
    raise(FFLAG_NV);
    return CNAN_S;
  }
  const p = a * b;
  if (pInf) {
    if (infS(c) && signF(c) != signF(p)) {
      raise(FFLAG_NV);
      return CNAN_S;
    }
    return reinterpret<u32>(<f32>p);
  }
  if (infS(c)) return reinterpret<u32>(<f32>c);
  return sumS(p, c);
}
