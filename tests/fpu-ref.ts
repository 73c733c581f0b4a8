// Reference model of the RISC-V F/D arithmetic for the FPU tests, written directly from
// IEEE 754 on exact rational arithmetic (BigInt). Slow but obviously correct: every result
// is the exact value rounded once to the target format.

export type Fmt = { p: number; emin: number; emax: number; ebits: number; width: number };
export const F32: Fmt = { p: 24, emin: -126, emax: 127, ebits: 8, width: 32 };
export const F64: Fmt = { p: 53, emin: -1022, emax: 1023, ebits: 11, width: 64 };

export const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
export const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

export type Res = { bits: bigint; flags: number };

const bias = (f: Fmt) => (1 << (f.ebits - 1)) - 1;
const fracBits = (f: Fmt) => f.p - 1;
export const signBit = (f: Fmt) => 1n << BigInt(f.width - 1);
export const cnan = (f: Fmt) => (f.width === 64 ? 0x7ff8000000000000n : 0x7fc00000n);
export const infBits = (f: Fmt, neg: boolean) =>
  (neg ? signBit(f) : 0n) | (((1n << BigInt(f.ebits)) - 1n) << BigInt(fracBits(f)));
const maxBits = (f: Fmt, neg: boolean) => infBits(f, neg) - 1n;
export const zeroBits = (f: Fmt, neg: boolean) => (neg ? signBit(f) : 0n);

// A decoded operand: value = (-1)^neg * m * 2^e for finite ones (m = 0 for zeros).
export type Val =
  | { kind: "nan"; neg: boolean; snan: boolean }
  | { kind: "inf"; neg: boolean }
  | { kind: "fin"; neg: boolean; m: bigint; e: number };

export function decode(bits: bigint, f: Fmt): Val {
  const fb = BigInt(fracBits(f));
  const neg = (bits >> BigInt(f.width - 1)) & 1n ? true : false;
  const E = Number((bits >> fb) & ((1n << BigInt(f.ebits)) - 1n));
  const frac = bits & ((1n << fb) - 1n);
  if (E === (1 << f.ebits) - 1) {
    if (frac === 0n) return { kind: "inf", neg };
    return { kind: "nan", neg, snan: (frac >> (fb - 1n)) === 0n };
  }
  if (E === 0) return { kind: "fin", neg, m: frac, e: f.emin - fracBits(f) };
  return { kind: "fin", neg, m: frac | (1n << fb), e: E - bias(f) - fracBits(f) };
}

export function bitLen(x: bigint): number {
  if (x <= 0n) return 0;
  const h = x.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0], 16)));
}

// Is num * 2^s >= den?
function geScaled(num: bigint, den: bigint, s: number): boolean {
  return s >= 0 ? num << BigInt(s) >= den : num >= den << BigInt(-s);
}

// Round num/den * 2^q-scaled value to an integer multiple: returns I rounded and inexact.
function roundAt(neg: boolean, num: bigint, den: bigint, e2: number, q: number, rm: number) {
  // value / 2^q = num * 2^(e2 - q) / den
  const s = e2 - q;
  const N = s >= 0 ? num << BigInt(s) : num;
  const D = s >= 0 ? den : den << BigInt(-s);
  let I = N / D;
  const R = N % D;
  let inc = false;
  if (R !== 0n) {
    const twoR = 2n * R;
    switch (rm) {
      case RNE: inc = twoR > D || (twoR === D && (I & 1n) === 1n); break;
      case RTZ: inc = false; break;
      case RDN: inc = neg; break;
      case RUP: inc = !neg; break;
      case RMM: inc = twoR >= D; break;
    }
  }
  if (inc) I += 1n;
  return { M: I, inexact: R !== 0n };
}

export function overflowRes(f: Fmt, neg: boolean, rm: number): Res {
  const toMax = rm === RTZ || (rm === RDN && !neg) || (rm === RUP && neg);
  return { bits: toMax ? maxBits(f, neg) : infBits(f, neg), flags: OF | NX };
}

// Round the exact nonzero value (-1)^neg * num/den * 2^e2 to format f in mode rm.
export function roundRat(neg: boolean, num: bigint, den: bigint, e2: number, f: Fmt, rm: number): Res {
  if (num <= 0n || den <= 0n) throw new Error("roundRat needs a positive value");
  let E = bitLen(num) - bitLen(den) + e2; // 2^(E-1) < v < 2^(E+1)
  if (!geScaled(num, den, e2 - E)) E -= 1; // now 2^E <= v < 2^(E+1)
  const p = f.p;
  // tininess after rounding: round with unbounded exponent range
  const u = roundAt(neg, num, den, e2, E - (p - 1), rm);
  const uExp = u.M >= 1n << BigInt(p) ? E + 1 : E;
  const tiny = uExp < f.emin;
  let q = Math.max(E, f.emin) - (p - 1);
  let { M, inexact } = roundAt(neg, num, den, e2, q, rm);
  if (M === 1n << BigInt(p)) {
    M >>= 1n;
    q += 1;
  }
  let flags = 0;
  if (inexact) flags |= NX;
  if (tiny && inexact) flags |= UF;
  if (M === 0n) return { bits: zeroBits(f, neg), flags };
  const hidden = 1n << BigInt(p - 1);
  if (M >= hidden && q + p - 1 > f.emax) return overflowRes(f, neg, rm);
  let bits: bigint;
  if (M < hidden) bits = M; // subnormal (q == emin - p + 1)
  else bits = (BigInt(q + p - 1 + bias(f)) << BigInt(p - 1)) | (M - hidden);
  return { bits: (neg ? signBit(f) : 0n) | bits, flags };
}

// Round an exact dyadic (-1)^neg * n * 2^e (n >= 0); zero gives +0 / -0 by zeroNeg.
function roundDyadic(n: bigint, e: number, f: Fmt, rm: number, zeroNeg: boolean): Res {
  if (n === 0n) return { bits: zeroBits(f, zeroNeg), flags: 0 };
  const neg = n < 0n;
  return roundRat(neg, neg ? -n : n, 1n, e, f, rm);
}

type Fin = { kind: "fin"; neg: boolean; m: bigint; e: number };
const sval = (v: Fin) => (v.neg ? -v.m : v.m);

function nanRes(f: Fmt, ...vs: Val[]): Res {
  const snan = vs.some((v) => v.kind === "nan" && v.snan);
  return { bits: cnan(f), flags: snan ? NV : 0 };
}
const invalid = (f: Fmt): Res => ({ bits: cnan(f), flags: NV });
const isNaN_ = (v: Val) => v.kind === "nan";

function exactSum(a: Fin, b: Fin): { n: bigint; e: number } {
  const e = Math.min(a.e, b.e);
  return { n: (sval(a) << BigInt(a.e - e)) + (sval(b) << BigInt(b.e - e)), e };
}
const zeroSumNeg = (na: boolean, nb: boolean, rm: number) => (na === nb ? na : rm === RDN);
const isZero = (v: Val) => v.kind === "fin" && v.m === 0n;

export function add(ab: bigint, bb: bigint, f: Fmt, rm: number, sub = false): Res {
  const a = decode(ab, f);
  const b0 = decode(bb, f);
  if (isNaN_(a) || isNaN_(b0)) return nanRes(f, a, b0);
  const b = sub ? ({ ...b0, neg: !b0.neg } as Val) : b0;
  if (a.kind === "inf" || b.kind === "inf") {
    if (a.kind === "inf" && b.kind === "inf" && a.neg !== b.neg) return invalid(f);
    return { bits: infBits(f, a.kind === "inf" ? a.neg : b.neg), flags: 0 };
  }
  const s = exactSum(a as Fin, b as Fin);
  return roundDyadic(s.n, s.e, f, rm, zeroSumNeg(a.neg, b.neg, rm));
}

export function mul(ab: bigint, bb: bigint, f: Fmt, rm: number): Res {
  const a = decode(ab, f), b = decode(bb, f);
  if (isNaN_(a) || isNaN_(b)) return nanRes(f, a, b);
  const neg = a.neg !== b.neg;
  if (a.kind === "inf" || b.kind === "inf") {
    if (isZero(a) || isZero(b)) return invalid(f);
    return { bits: infBits(f, neg), flags: 0 };
  }
  const A = a as Fin, B = b as Fin;
  return roundDyadic(neg ? -(A.m * B.m) : A.m * B.m, A.e + B.e, f, rm, neg);
}

export function div(ab: bigint, bb: bigint, f: Fmt, rm: number): Res {
  const a = decode(ab, f), b = decode(bb, f);
  if (isNaN_(a) || isNaN_(b)) return nanRes(f, a, b);
  const neg = a.neg !== b.neg;
  if (a.kind === "inf") return b.kind === "inf" ? invalid(f) : { bits: infBits(f, neg), flags: 0 };
  if (b.kind === "inf") return { bits: zeroBits(f, neg), flags: 0 };
  const A = a as Fin, B = b as Fin;
  if (B.m === 0n) {
    if (A.m === 0n) return invalid(f);
    return { bits: infBits(f, neg), flags: DZ };
  }
  if (A.m === 0n) return { bits: zeroBits(f, neg), flags: 0 };
  return roundRat(neg, A.m, B.m, A.e - B.e, f, rm);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLen(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(ab: bigint, f: Fmt, rm: number): Res {
  const a = decode(ab, f);
  if (isNaN_(a)) return nanRes(f, a);
  if (isZero(a)) return { bits: ab, flags: 0 };
  if (a.neg) return invalid(f);
  if (a.kind === "inf") return { bits: ab, flags: 0 };
  const A = a as Fin;
  let m = A.m, e = A.e;
  if (e & 1) {
    m <<= 1n;
    e -= 1;
  }
  // sqrt(m * 2^e) = sqrt(m * 4^s) * 2^(e/2 - s); take enough bits for a sticky bit.
  const s = 2 * f.p + 8;
  const N = m << BigInt(2 * s);
  const r = isqrt(N);
  const exact = r * r === N;
  // value = (2r + sticky) / 2 * 2^(e/2 - s)
  return roundRat(false, 2n * r + (exact ? 0n : 1n), 1n, e / 2 - s - 1, f, rm);
}

// Fused (-1)^negP a*b + (-1)^negC c.
export function fma(ab: bigint, bb: bigint, cb: bigint, f: Fmt, rm: number, negP: boolean, negC: boolean): Res {
  const a = decode(ab, f), b = decode(bb, f), c0 = decode(cb, f);
  const infZero = (a.kind === "inf" && isZero(b)) || (b.kind === "inf" && isZero(a));
  if (isNaN_(a) || isNaN_(b) || isNaN_(c0)) {
    const r = nanRes(f, a, b, c0);
    if (infZero) r.flags |= NV;
    return r;
  }
  if (infZero) return invalid(f);
  const pneg = (a.neg !== b.neg) !== negP;
  const c = { ...c0, neg: c0.neg !== negC } as Val;
  if (a.kind === "inf" || b.kind === "inf") {
    if (c.kind === "inf" && c.neg !== pneg) return invalid(f);
    return { bits: infBits(f, pneg), flags: 0 };
  }
  if (c.kind === "inf") return { bits: infBits(f, c.neg), flags: 0 };
  const A = a as Fin, B = b as Fin, C = c as Fin;
  const P: Fin = { kind: "fin", neg: pneg, m: A.m * B.m, e: A.e + B.e };
  const s = exactSum(P, C);
  return roundDyadic(s.n, s.e, f, rm, zeroSumNeg(pneg, C.neg, rm));
}

// ---- conversions ----
export type IntKind = 0 | 1 | 2 | 3; // W, WU, L, LU
const M64 = (1n << 64n) - 1n;
const sext32 = (v: bigint) => BigInt.asUintN(64, BigInt.asIntN(32, v));

export function cvtToInt(ab: bigint, f: Fmt, rm: number, kind: IntKind): { x: bigint; flags: number } {
  const a = decode(ab, f);
  const lo = kind === 0 ? -(1n << 31n) : kind === 2 ? -(1n << 63n) : 0n;
  const hi = kind === 0 ? (1n << 31n) - 1n : kind === 1 ? (1n << 32n) - 1n : kind === 2 ? (1n << 63n) - 1n : M64;
  const out = (v: bigint) => (kind <= 1 ? sext32(v) : BigInt.asUintN(64, v));
  if (a.kind === "nan") return { x: out(hi), flags: NV };
  if (a.kind === "inf") return { x: out(a.neg ? lo : hi), flags: NV };
  let v: bigint;
  let inexact = false;
  if (a.e >= 0) v = a.m << BigInt(a.e);
  else {
    const r = roundAt(a.neg, a.m, 1n, a.e, 0, rm);
    v = r.M;
    inexact = r.inexact;
  }
  if (a.neg) v = -v;
  if (v < lo) return { x: out(lo), flags: NV };
  if (v > hi) return { x: out(hi), flags: NV };
  return { x: out(v), flags: inexact ? NX : 0 };
}

export function cvtFromInt(x: bigint, kind: IntKind, f: Fmt, rm: number): Res {
  let v = kind === 0 ? BigInt.asIntN(32, x) : kind === 1 ? BigInt.asUintN(32, x) : kind === 2 ? BigInt.asIntN(64, x) : BigInt.asUintN(64, x);
  return roundDyadic(v, 0, f, rm, false);
}

// FCVT.S.D (from = F64, to = F32) and FCVT.D.S.
export function cvtFF(ab: bigint, from: Fmt, to: Fmt, rm: number): Res {
  const a = decode(ab, from);
  if (a.kind === "nan") return nanRes(to, a);
  if (a.kind === "inf") return { bits: infBits(to, a.neg), flags: 0 };
  if (a.m === 0n) return { bits: zeroBits(to, a.neg), flags: 0 };
  return roundRat(a.neg, a.m, 1n, a.e, to, rm);
}

// ---- bit-level operations ----
function cmpVal(a: Fin, b: Fin): number {
  const s = exactSum(a, { ...b, neg: !b.neg });
  return s.n < 0n ? -1 : s.n > 0n ? 1 : 0;
}

export function minMax(ab: bigint, bb: bigint, f: Fmt, max: boolean): Res {
  const a = decode(ab, f), b = decode(bb, f);
  const flags = (a.kind === "nan" && a.snan) || (b.kind === "nan" && b.snan) ? NV : 0;
  if (a.kind === "nan" && b.kind === "nan") return { bits: cnan(f), flags };
  if (a.kind === "nan") return { bits: bb, flags };
  if (b.kind === "nan") return { bits: ab, flags };
  const toFin = (v: Val): Fin =>
    v.kind === "inf" ? { kind: "fin", neg: v.neg, m: 1n, e: 100000 } : (v as Fin);
  let c = cmpVal(toFin(a), toFin(b));
  if (c === 0 && a.neg !== b.neg) c = a.neg ? -1 : 1; // -0 < +0
  return { bits: (c < 0) !== max ? ab : bb, flags };
}

// op: 0 = FLE, 1 = FLT, 2 = FEQ
export function compare(ab: bigint, bb: bigint, f: Fmt, op: number): { x: bigint; flags: number } {
  const a = decode(ab, f), b = decode(bb, f);
  if (a.kind === "nan" || b.kind === "nan") {
    const sn = (a.kind === "nan" && a.snan) || (b.kind === "nan" && b.snan);
    return { x: 0n, flags: op !== 2 || sn ? NV : 0 };
  }
  const toFin = (v: Val): Fin =>
    v.kind === "inf" ? { kind: "fin", neg: v.neg, m: 1n, e: 100000 } : (v as Fin);
  const c = cmpVal(toFin(a), toFin(b));
  const r = op === 2 ? c === 0 : op === 1 ? c < 0 : c <= 0;
  return { x: r ? 1n : 0n, flags: 0 };
}

export function fclass(ab: bigint, f: Fmt): bigint {
  const a = decode(ab, f);
  if (a.kind === "nan") return a.snan ? 1n << 8n : 1n << 9n;
  if (a.kind === "inf") return a.neg ? 1n : 1n << 7n;
  if (a.m === 0n) return a.neg ? 1n << 3n : 1n << 4n;
  const sub = a.m < 1n << BigInt(f.p - 1);
  if (sub) return a.neg ? 1n << 2n : 1n << 5n;
  return a.neg ? 1n << 1n : 1n << 6n;
}

// f3: 0 = FSGNJ, 1 = FSGNJN, 2 = FSGNJX
export function sgnj(ab: bigint, bb: bigint, f: Fmt, f3: number): bigint {
  const sb = signBit(f);
  const s = f3 === 0 ? bb & sb : f3 === 1 ? ~bb & sb : (ab ^ bb) & sb;
  return (ab & ~sb) | s;
}
