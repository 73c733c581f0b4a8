// Shared pieces of the FPU tests: value helpers, instruction builders, random operand
// generators and the table of randomized cases (each with its exact reference and the
// assembler form used by the optional qemu cross-check in fpu-qemu.test.ts).
import * as R from "./fpu-ref.js";
import {
  rtype, r4, FMADD, FMSUB, FNMSUB, FNMADD, FADD, FSUB, FMUL, FDIV, FSGNJ, FMINMAX,
  FCVT_FF, FSQRT, FCMP, FCVT_IF, FCVT_FI, FMV_X_CLASS, FMV_F_X,
} from "./fpu-harness.js";
import { NX, UF, OF, DZ, NV, RNE, RTZ, RDN, RUP, RMM, F32, F64 } from "./fpu-ref.js";
import type { Fmt, Res } from "./fpu-ref.js";

export const MODES = [RNE, RTZ, RDN, RUP, RMM];
export const MODE_NAMES = ["RNE", "RTZ", "RDN", "RUP", "RMM"];

// ---------------------------------------------------------------- value helpers
export const dv = new DataView(new ArrayBuffer(8));
export function d2b(x: number): bigint {
  dv.setFloat64(0, x);
  return dv.getBigUint64(0);
}
export function b2d(b: bigint): number {
  dv.setBigUint64(0, b);
  return dv.getFloat64(0);
}
export function f2b(x: number): bigint {
  dv.setFloat32(0, x);
  return BigInt(dv.getUint32(0));
}
export function b2f(b: bigint): number {
  dv.setUint32(0, Number(b & 0xffffffffn));
  return dv.getFloat32(0);
}
export const BOX = 0xffffffff00000000n;
export const box = (b: bigint) => BOX | (b & 0xffffffffn);
export const unbox = (b: bigint) => ((b >> 32n) === 0xffffffffn ? b & 0xffffffffn : 0x7fc00000n);
export const hex = (b: bigint) => "0x" + b.toString(16);

export const D = {
  min: 0x1n, // smallest subnormal
  maxSub: 0x000fffffffffffffn,
  minNorm: 0x0010000000000000n,
  max: 0x7fefffffffffffffn,
  inf: 0x7ff0000000000000n,
  ninf: 0xfff0000000000000n,
  qnan: 0x7ff8000000000000n,
  snan: 0x7ff4000000000000n,
  nz: 0x8000000000000000n,
  one: d2b(1),
};
export const S = {
  min: 0x1n,
  maxSub: 0x007fffffn,
  minNorm: 0x00800000n,
  max: 0x7f7fffffn,
  inf: 0x7f800000n,
  ninf: 0xff800000n,
  qnan: 0x7fc00000n,
  snan: 0x7fa00000n,
  nz: 0x80000000n,
  one: f2b(1),
};


// ---------------------------------------------------------------- running instructions
export type Kind = { f: Fmt; fmt: number };
export const KD: Kind = { f: F64, fmt: 1 };
export const KS: Kind = { f: F32, fmt: 0 };
export const isD = (k: Kind) => k.fmt === 1;
export const arg = (k: Kind, b: bigint) => (isD(k) ? b : box(b)); // register image of an operand

export function flagStr(f: number): string {
  const n: string[] = [];
  if (f & NV) n.push("NV");
  if (f & DZ) n.push("DZ");
  if (f & OF) n.push("OF");
  if (f & UF) n.push("UF");
  if (f & NX) n.push("NX");
  return n.join("|") || "-";
}


// ---------------------------------------------------------------- instruction builders
export const ins = {
  add: (k: Kind, rm: number) => rtype(FADD, k.fmt, 2, rm),
  sub: (k: Kind, rm: number) => rtype(FSUB, k.fmt, 2, rm),
  mul: (k: Kind, rm: number) => rtype(FMUL, k.fmt, 2, rm),
  div: (k: Kind, rm: number) => rtype(FDIV, k.fmt, 2, rm),
  sqrt: (k: Kind, rm: number) => rtype(FSQRT, k.fmt, 0, rm),
  sgnj: (k: Kind, f3: number) => rtype(FSGNJ, k.fmt, 2, f3),
  min: (k: Kind) => rtype(FMINMAX, k.fmt, 2, 0),
  max: (k: Kind) => rtype(FMINMAX, k.fmt, 2, 1),
  cmp: (k: Kind, f3: number) => rtype(FCMP, k.fmt, 2, f3),
  cls: (k: Kind) => rtype(FMV_X_CLASS, k.fmt, 0, 1),
  mvx: (k: Kind) => rtype(FMV_X_CLASS, k.fmt, 0, 0),
  mvf: (k: Kind) => rtype(FMV_F_X, k.fmt, 0, 0),
  toInt: (k: Kind, kind: number, rm: number) => rtype(FCVT_IF, k.fmt, kind, rm),
  fromInt: (k: Kind, kind: number, rm: number) => rtype(FCVT_FI, k.fmt, kind, rm),
  s_d: (rm: number) => rtype(FCVT_FF, 0, 1, rm),
  d_s: (rm: number) => rtype(FCVT_FF, 1, 0, rm),
  fma: (op: number, k: Kind, rm: number) => r4(op, k.fmt, rm),
};
export const FMA_OPS: [number, string, boolean, boolean][] = [
  [FMADD, "FMADD", false, false],
  [FMSUB, "FMSUB", false, true],
  [FNMSUB, "FNMSUB", true, false],
  [FNMADD, "FNMADD", true, true],
];


// ---------------------------------------------------------------- randomized vs reference

// xorshift128 PRNG (deterministic per test)
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = seed | 0 || 1;
    this.b = 0x9e3779b9;
    this.c = 0x243f6a88;
    this.d = 0xb7e15162;
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32(): number {
    let t = this.d;
    const s = this.a;
    this.d = this.c;
    this.c = this.b;
    this.b = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.a = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.a;
  }
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  bits(n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i += 32) v = (v << 32n) | BigInt(this.u32());
    return BigInt.asUintN(n, v);
  }
}

export const fb = (f: Fmt) => f.p - 1;
export const maxE = (f: Fmt) => (1 << f.ebits) - 1;
export const biasOf = (f: Fmt) => (1 << (f.ebits - 1)) - 1;

export function randMant(r: Rng, f: Fmt): bigint {
  const n = fb(f);
  switch (r.int(5)) {
    case 0: { // few significant bits (exact results, ties)
      const k = r.int(n + 1);
      return (r.bits(k) << BigInt(n - k)) & ((1n << BigInt(n)) - 1n);
    }
    case 1: { // trailing ones
      const k = r.int(n + 1);
      return (r.bits(n) | ((1n << BigInt(k)) - 1n)) & ((1n << BigInt(n)) - 1n);
    }
    case 2:
      return r.chance(0.5) ? 0n : (1n << BigInt(n)) - 1n;
    default:
      return r.bits(n);
  }
}
export function mk(f: Fmt, neg: boolean, E: number, m: bigint): bigint {
  return ((neg ? 1n : 0n) << BigInt(f.width - 1)) | (BigInt(E) << BigInt(fb(f))) | m;
}
export function specialVal(r: Rng, f: Fmt): bigint {
  const neg = r.chance(0.5);
  const n = fb(f);
  const list = [
    mk(f, neg, 0, 0n), mk(f, neg, 0, 1n), mk(f, neg, 0, (1n << BigInt(n)) - 1n), mk(f, neg, 1, 0n),
    mk(f, neg, maxE(f) - 1, (1n << BigInt(n)) - 1n), mk(f, neg, maxE(f), 0n),
    mk(f, neg, maxE(f), 1n << BigInt(n - 1)), mk(f, neg, maxE(f), 1n + r.bits(n - 1)),
    mk(f, neg, biasOf(f), 0n), mk(f, neg, maxE(f), (1n << BigInt(n - 1)) | r.bits(n - 1)),
  ];
  return list[r.int(list.length)];
}
// A random operand; `near` (an exponent field) biases it towards a given magnitude.
export function randVal(r: Rng, f: Fmt, near?: number): bigint {
  const neg = r.chance(0.5);
  const x = r.u32() % 100;
  if (x < 6) return specialVal(r, f);
  let E: number;
  if (near !== undefined && x < 55) E = near + r.int(2 * f.p + 7) - f.p - 3;
  else if (x < 70) E = r.int(maxE(f) + 1);
  else if (x < 80) E = r.chance(0.5) ? r.int(3) : maxE(f) - 1 - r.int(3);
  else E = biasOf(f) + r.int(41) - 20;
  if (E < 0) E = 0;
  if (E > maxE(f) - 1) E = maxE(f) - 1;
  return mk(f, neg, E, randMant(r, f));
}
export const expOf = (f: Fmt, b: bigint) => Number((b >> BigInt(fb(f))) & BigInt(maxE(f)));
export const valOf = (f: Fmt, b: bigint) => (f === F64 ? b2d(b) : b2f(b));
export const bitsOf = (f: Fmt, x: number) => (f === F64 ? d2b(x) : f2b(x));
// Exponent (unbiased) where results are interesting: around the smallest normal, the
// largest finite, or anywhere.
export function targetExp(r: Rng, f: Fmt): number {
  const t = r.int(3);
  if (t === 0) return f.emin + r.int(3) - 2;
  if (t === 1) return f.emax - r.int(2) + 1;
  return r.int(f.emax - f.emin) + f.emin;
}
// Pair (a, b) whose product is within a few ulps of 2^T: exercises carries into the next
// binade at the underflow / overflow thresholds and tininess after rounding.
export function nearPow2Product(r: Rng, f: Fmt): [bigint, bigint] {
  const T = targetExp(r, f);
  const ea = r.int(20) - 10 + (T > 0 ? 12 : -12);
  const a = mk(f, r.chance(0.5), ea + biasOf(f), randMant(r, f));
  // b ~ 2^T / a, computed as 2^(T - ea) * (2^ea / a) to stay in range
  const bv = Math.pow(2, T - ea) * (Math.pow(2, ea) / Math.abs(valOf(f, a)));
  let b = bitsOf(f, f === F64 ? bv : Math.fround(bv));
  if (expOf(f, b) === maxE(f)) b -= 1n;
  b += BigInt(r.int(5) - 2);
  if (b < 0n) b = 0n;
  return [a, (r.chance(0.5) ? R.signBit(f) : 0n) | b];
}
// Register image; a few single operands are left improperly boxed.
export function regOf(r: Rng, k: Kind | "int", b: bigint): [bigint, bigint] {
  if (k === "int" || isD(k)) {
    b = BigInt.asUintN(64, b);
    return [b, b];
  }
  b = BigInt.asUintN(32, b);
  if (r.chance(0.02)) {
    const raw = (r.bits(32) << 32n) | b;
    if ((raw >> 32n) !== 0xffffffffn) return [raw, R.cnan(F32)];
  }
  return [box(b), b];
}


// Assembler form for the qemu cross-check: f = f register operand/result, x = integer register.
export type Form = "fff" | "ffff" | "ff" | "xf" | "xff" | "fx";
export type Case = {
  name: string; k: Kind; rms: number[]; gen: (r: Rng) => bigint[]; insn: (rm: number) => number;
  ref: (ops: bigint[], rm: number) => Res | { x: bigint; flags: number }; src?: Kind | "int";
  asm: [string, Form];
};

export function binGen(f: Fmt, nearProb = 0.6) {
  return (r: Rng) => {
    const a = randVal(r, f);
    const b = r.chance(nearProb) ? randVal(r, f, expOf(f, a)) : randVal(r, f);
    return [a, b];
  };
}

export function buildCases(): Case[] {
const all: Case[] = [];
const KINDS: [string, Kind][] = [["D", KD], ["S", KS]];
for (const [fn, k] of KINDS) {
  const f = k.f;
  const l = fn.toLowerCase();
  const cases: Case[] = [
    { name: `FADD.${fn}`, k, asm: [`fadd.${l}`, "fff"], rms: MODES, gen: binGen(f), insn: (rm) => ins.add(k, rm), ref: ([a, b], rm) => R.add(a, b, f, rm) },
    { name: `FSUB.${fn}`, k, asm: [`fsub.${l}`, "fff"], rms: MODES, gen: binGen(f), insn: (rm) => ins.sub(k, rm), ref: ([a, b], rm) => R.add(a, b, f, rm, true) },
    {
      name: `FMUL.${fn}`, k, asm: [`fmul.${l}`, "fff"], rms: MODES, insn: (rm) => ins.mul(k, rm), ref: ([a, b], rm) => R.mul(a, b, f, rm),
      gen: (r) => {
        if (r.chance(0.3)) return nearPow2Product(r, f);
        const a = randVal(r, f);
        // bias b so that the product lands near the subnormal / overflow boundaries
        const t = r.int(4);
        const want = t === 0 ? 1 : t === 1 ? maxE(f) - 1 : undefined;
        const b = want === undefined ? randVal(r, f) : randVal(r, f, want - expOf(f, a) + biasOf(f));
        return [a, b];
      },
    },
    {
      name: `FDIV.${fn}`, k, asm: [`fdiv.${l}`, "fff"], rms: MODES, insn: (rm) => ins.div(k, rm), ref: ([a, b], rm) => R.div(a, b, f, rm),
      gen: (r) => {
        if (r.chance(0.25)) {
          // quotient within a few ulps of a power of two near the range limits
          const [q, b] = nearPow2Product(r, f);
          return [R.mul(q, b, f, r.int(5)).bits + BigInt(r.int(3) - 1), b];
        }
        const b = randVal(r, f);
        const t = r.int(4);
        if (t === 0) {
          // a = b * q (often exact quotients)
          const q = mk(f, r.chance(0.5), biasOf(f) + r.int(9) - 4, randMant(r, f) & ~((1n << BigInt(fb(f) - 8)) - 1n));
          return [R.mul(b, q, f, RTZ).bits, b];
        }
        const want = t === 1 ? 1 : t === 2 ? maxE(f) - 1 : undefined;
        const a = want === undefined ? randVal(r, f) : randVal(r, f, want + expOf(f, b) - biasOf(f));
        return [a, b];
      },
    },
    {
      name: `FSQRT.${fn}`, k, asm: [`fsqrt.${l}`, "ff"], rms: MODES, insn: (rm) => ins.sqrt(k, rm), ref: ([a], rm) => R.sqrt(a, f, rm),
      gen: (r) => {
        if (r.chance(0.25)) {
          // squares (exact roots) and near-squares
          const s = randVal(r, f, biasOf(f) + r.int(2 * biasOf(f)) - biasOf(f)) & ~R.signBit(f);
          const sq = R.mul(s, s, f, RTZ).bits;
          return [sq + BigInt(r.int(3) - 1)];
        }
        return [r.chance(0.8) ? randVal(r, f) & ~R.signBit(f) : randVal(r, f)];
      },
    },
    ...FMA_OPS.map(([op, nm, negP, negC]): Case => ({
      name: `${nm}.${fn}`, k, asm: [`${nm.toLowerCase()}.${l}`, "ffff"], rms: MODES, insn: (rm) => ins.fma(op, k, rm),
      ref: ([a, b, c], rm) => R.fma(a, b, c, f, rm, negP, negC),
      gen: (r) => {
        const t = r.int(7);
        if (t === 5) {
          // short significands: exact products that are binary32 midpoints, plus a tiny c
          const sh = (x: bigint) => x & ~((1n << BigInt(fb(f) - 1 - r.int(f.p >> 1))) - 1n);
          const a = sh(randVal(r, f, biasOf(f)));
          const b = sh(randVal(r, f, biasOf(f)));
          return [a, b, randVal(r, f, biasOf(f) - f.p - r.int(60))];
        }
        if (t === 6) {
          const [a, b] = nearPow2Product(r, f);
          return [a, b, r.chance(0.5) ? 0n : randVal(r, f, 1)];
        }
        const a = randVal(r, f);
        const b = r.chance(0.3) ? randVal(r, f, biasOf(f)) : randVal(r, f);
        let c: bigint;
        if (t <= 1) {
          // c close to -a*b: massive cancellation
          const p = R.mul(a, b, f, RNE).bits;
          c = p + BigInt(r.int(5) - 2);
          if (r.chance(0.7) !== (negP !== negC)) c ^= R.signBit(f);
          if (expOf(f, c) === maxE(f)) c = randVal(r, f);
        } else if (t === 2) {
          c = randVal(r, f, Math.max(0, Math.min(maxE(f), expOf(f, a) + expOf(f, b) - biasOf(f))));
        } else c = randVal(r, f);
        return [a, b, c];
      },
    })),
    ...[0, 1, 2, 3].map((kind): Case => ({
      name: `FCVT.${["W", "WU", "L", "LU"][kind]}.${fn}`, k, asm: [`fcvt.${["w", "wu", "l", "lu"][kind]}.${l}`, "xf"], rms: MODES, insn: (rm) => ins.toInt(k, kind, rm),
      ref: ([a], rm) => R.cvtToInt(a, f, rm, kind as R.IntKind),
      gen: (r) => {
        if (r.chance(0.6)) {
          // near integers and range limits
          const lim = [0, 1, 2, 3, 31, 32, 52, 53, 62, 63, 64][r.int(11)];
          const base = r.chance(0.5) ? BigInt(r.int(8)) : (1n << BigInt(lim)) + BigInt(r.int(5) - 2);
          const frac = [0, 0.5, 0.25, 0.75, 0.5000001, 0.4999999][r.int(6)];
          let x = Number(base) + frac;
          if (r.chance(0.5)) x = -x;
          return [isD(k) ? d2b(x) : f2b(x)];
        }
        return [randVal(r, f, biasOf(f) + r.int(70))];
      },
    })),
    ...[0, 1, 2, 3].map((kind): Case => ({
      name: `FCVT.${fn}.${["W", "WU", "L", "LU"][kind]}`, k, asm: [`fcvt.${l}.${["w", "wu", "l", "lu"][kind]}`, "fx"], rms: MODES, insn: (rm) => ins.fromInt(k, kind, rm),
      ref: ([x], rm) => R.cvtFromInt(x, kind as R.IntKind, f, rm), src: "int",
      gen: (r) => {
        const len = r.int(65);
        let v = r.bits(64) & ((1n << BigInt(len)) - 1n);
        if (r.chance(0.3)) v = (v >> BigInt(Math.max(0, len - f.p - 1))) << BigInt(Math.max(0, len - f.p - 1)); // ties
        if (r.chance(0.3)) v = BigInt.asUintN(64, -v);
        if (r.chance(0.1)) v |= r.bits(64) << 32n; // garbage in the upper half (W/WU ignore it)
        return [BigInt.asUintN(64, v)];
      },
    })),
    { name: `FMIN.${fn}`, k, asm: [`fmin.${l}`, "fff"], rms: [0], gen: binGen(f, 0.3), insn: () => ins.min(k), ref: ([a, b]) => R.minMax(a, b, f, false) },
    { name: `FMAX.${fn}`, k, asm: [`fmax.${l}`, "fff"], rms: [0], gen: binGen(f, 0.3), insn: () => ins.max(k), ref: ([a, b]) => R.minMax(a, b, f, true) },
    ...[0, 1, 2].map((op): Case => ({
      name: `${["FLE", "FLT", "FEQ"][op]}.${fn}`, k, asm: [`${["fle", "flt", "feq"][op]}.${l}`, "xff"], rms: [0], insn: () => ins.cmp(k, op),
      ref: ([a, b]) => R.compare(a, b, f, op),
      gen: (r) => { const a = randVal(r, f); return [a, r.chance(0.3) ? a ^ (r.chance(0.5) ? R.signBit(f) : 0n) : randVal(r, f, expOf(f, a))]; },
    })),
    { name: `FCLASS.${fn}`, k, asm: [`fclass.${l}`, "xf"], rms: [0], gen: (r) => [randVal(r, f)], insn: () => ins.cls(k), ref: ([a]) => ({ x: R.fclass(a, f), flags: 0 }) },
    ...[0, 1, 2].map((op): Case => ({
      name: `FSGNJ${["", "N", "X"][op]}.${fn}`, k, asm: [`fsgnj${["", "n", "x"][op]}.${l}`, "fff"], rms: [0], insn: () => ins.sgnj(k, op),
      ref: ([a, b]) => ({ bits: R.sgnj(a, b, f, op), flags: 0 }), gen: binGen(f, 0),
    })),
  ];
  all.push(...cases);
}
  all.push({
      name: "FCVT.S.D", k: KS, src: KD, rms: MODES, insn: (rm) => ins.s_d(rm), ref: ([a], rm) => R.cvtFF(a, F64, F32, rm),
      gen: (r) => {
        if (r.chance(0.25)) {
          // just below / around the binary32 smallest normal and largest finite numbers
          const E = [896, 895, 897, 874, 873, 1150, 1151, 1152][r.int(8)];
          const m = ((1n << 52n) - (1n << 29n)) | r.bits(29) | (r.chance(0.3) ? 1n << 28n : 0n);
          return [mk(F64, r.chance(0.5), E, r.chance(0.3) ? m & ~((1n << 28n) - 1n) : m)];
        }
        return [r.chance(0.5) ? randVal(r, F64, 1023 + r.int(300) - 150) : randVal(r, F64)];
      },
    asm: ["fcvt.s.d", "ff"],
  });
  all.push({
      name: "FCVT.D.S", k: KD, src: KS, rms: MODES, insn: (rm) => ins.d_s(rm), ref: ([a], rm) => R.cvtFF(a, F32, F64, rm),
      gen: (r) => [randVal(r, F32)],
    asm: ["fcvt.d.s", "ff"],
  });
  return all;
}
