// Tests of the riscv64 F/D unit (src/engine/riscv64/core/fpu*.ts) through a small test
// wasm (core/test/fpu-entry.ts, built on demand by fpu-harness.ts):
//   * hand-picked IEEE 754 edge cases for every instruction, with expected bits and fflags;
//   * randomized comparisons, per operation, format and rounding mode, against the exact
//     BigInt reference in fpu-ref.ts (bits and fflags must match exactly);
//   * randomized round-to-nearest comparisons against plain JS double / Math.fround math;
//   * decoding: illegal encodings are refused without touching any state.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as R from "./fpu-ref.js";
import {
  Fpu, rtype, r4, DYN, FMADD, FMSUB, FNMSUB, FNMADD, FADD, FSUB, FMUL, FDIV, FSGNJ, FMINMAX,
  FCVT_FF, FSQRT, FCMP, FCVT_IF, FCVT_FI, FMV_X_CLASS, FMV_F_X,
} from "./fpu-harness.js";
import { NX, UF, OF, DZ, NV, RNE, RTZ, RDN, RUP, RMM, F32, F64 } from "./fpu-ref.js";
import type { Fmt, Res } from "./fpu-ref.js";

const fpu = new Fpu();
const MODES = [RNE, RTZ, RDN, RUP, RMM];
const MODE_NAMES = ["RNE", "RTZ", "RDN", "RUP", "RMM"];

// ---------------------------------------------------------------- value helpers
const dv = new DataView(new ArrayBuffer(8));
export function d2b(x: number): bigint {
  dv.setFloat64(0, x);
  return dv.getBigUint64(0);
}
function b2d(b: bigint): number {
  dv.setBigUint64(0, b);
  return dv.getFloat64(0);
}
function f2b(x: number): bigint {
  dv.setFloat32(0, x);
  return BigInt(dv.getUint32(0));
}
function b2f(b: bigint): number {
  dv.setUint32(0, Number(b & 0xffffffffn));
  return dv.getFloat32(0);
}
const BOX = 0xffffffff00000000n;
const box = (b: bigint) => BOX | (b & 0xffffffffn);
const unbox = (b: bigint) => ((b >> 32n) === 0xffffffffn ? b & 0xffffffffn : 0x7fc00000n);
const hex = (b: bigint) => "0x" + b.toString(16);

const D = {
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
const S = {
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
type Kind = { f: Fmt; fmt: number };
const KD: Kind = { f: F64, fmt: 1 };
const KS: Kind = { f: F32, fmt: 0 };
const isD = (k: Kind) => k.fmt === 1;
const arg = (k: Kind, b: bigint) => (isD(k) ? b : box(b)); // register image of an operand

function flagStr(f: number): string {
  const n: string[] = [];
  if (f & NV) n.push("NV");
  if (f & DZ) n.push("DZ");
  if (f & OF) n.push("OF");
  if (f & UF) n.push("UF");
  if (f & NX) n.push("NX");
  return n.join("|") || "-";
}

// Runs an FP-result instruction; returns [result bits (unboxed for S), fflags].
function runF(k: Kind, insn: number, a: bigint, b = 0n, c = 0n, fcsr = 0): [bigint, number] {
  const o = fpu.run(insn, a, b, c, fcsr);
  assert.ok(o.ok, `insn ${hex(BigInt(insn))} refused`);
  if (!isD(k)) {
    assert.equal(o.f >> 32n, 0xffffffffn, `single result not NaN-boxed: ${hex(o.f)}`);
    return [o.f & 0xffffffffn, o.fflags];
  }
  return [o.f, o.fflags];
}
function runX(insn: number, a: bigint, b = 0n, fcsr = 0): [bigint, number] {
  const o = fpu.run(insn, a, b, 0n, fcsr);
  assert.ok(o.ok, `insn ${hex(BigInt(insn))} refused`);
  return [o.x, o.fflags];
}

function expectF(k: Kind, what: string, got: [bigint, number], want: Res | [bigint, number]) {
  const [wb, wf] = Array.isArray(want) ? want : [want.bits, want.flags];
  if (got[0] !== wb || got[1] !== wf) {
    assert.fail(`${what}: got ${hex(got[0])} ${flagStr(got[1])}, want ${hex(wb)} ${flagStr(wf)}`);
  }
}

// ---------------------------------------------------------------- instruction builders
const ins = {
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
const FMA_OPS: [number, string, boolean, boolean][] = [
  [FMADD, "FMADD", false, false],
  [FMSUB, "FMSUB", false, true],
  [FNMSUB, "FNMSUB", true, false],
  [FNMADD, "FNMADD", true, true],
];

// ---------------------------------------------------------------- hand-picked cases

test("FADD/FSUB edge cases", () => {
  const add = (k: Kind, rm: number, a: bigint, b: bigint) => runF(k, ins.add(k, rm), arg(k, a), arg(k, b));
  const sub = (k: Kind, rm: number, a: bigint, b: bigint) => runF(k, ins.sub(k, rm), arg(k, a), arg(k, b));
  // 1 + 2^-53 is a tie: RNE keeps 1, RMM and RUP go up.
  expectF(KD, "1+2^-53 RNE", add(KD, RNE, D.one, d2b(2 ** -53)), [D.one, NX]);
  expectF(KD, "1+2^-53 RMM", add(KD, RMM, D.one, d2b(2 ** -53)), [d2b(1 + 2 ** -52), NX]);
  expectF(KD, "1+2^-53 RUP", add(KD, RUP, D.one, d2b(2 ** -53)), [d2b(1 + 2 ** -52), NX]);
  expectF(KD, "1+2^-53 RTZ", add(KD, RTZ, D.one, d2b(2 ** -53)), [D.one, NX]);
  expectF(KD, "(1+2^-52)+2^-53 RNE (tie to even)", add(KD, RNE, d2b(1 + 2 ** -52), d2b(2 ** -53)), [d2b(1 + 2 ** -51), NX]);
  expectF(KD, "-1-2^-53 RDN", add(KD, RDN, d2b(-1), d2b(-(2 ** -53))), [d2b(-1 - 2 ** -52), NX]);
  expectF(KD, "-1-2^-53 RUP", add(KD, RUP, d2b(-1), d2b(-(2 ** -53))), [d2b(-1), NX]);
  expectF(KD, "1-2^-54 RNE", sub(KD, RNE, D.one, d2b(2 ** -54)), [D.one, NX]);
  expectF(KD, "1-2^-54 RTZ", sub(KD, RTZ, D.one, d2b(2 ** -54)), [d2b(1 - 2 ** -53), NX]);
  // overflow
  expectF(KD, "MAX+MAX RNE", add(KD, RNE, D.max, D.max), [D.inf, OF | NX]);
  expectF(KD, "MAX+MAX RTZ", add(KD, RTZ, D.max, D.max), [D.max, OF | NX]);
  expectF(KD, "-MAX-MAX RUP", add(KD, RUP, D.max | D.nz, D.max | D.nz), [D.max | D.nz, OF | NX]);
  expectF(KD, "-MAX-MAX RDN", add(KD, RDN, D.max | D.nz, D.max | D.nz), [D.ninf, OF | NX]);
  expectF(KD, "MAX+ulp/2 RNE", add(KD, RNE, D.max, d2b(2 ** 970)), [D.inf, OF | NX]);
  expectF(KD, "MAX+ulp/2 RTZ (no overflow)", add(KD, RTZ, D.max, d2b(2 ** 970)), [D.max, NX]);
  expectF(KD, "MAX+tiny RUP", add(KD, RUP, D.max, D.min), [D.inf, OF | NX]);
  // signed zeros
  expectF(KD, "x-x RNE", sub(KD, RNE, d2b(3.5), d2b(3.5)), [0n, 0]);
  expectF(KD, "x-x RDN", sub(KD, RDN, d2b(3.5), d2b(3.5)), [D.nz, 0]);
  expectF(KD, "-0 + -0", add(KD, RNE, D.nz, D.nz), [D.nz, 0]);
  expectF(KD, "+0 + -0 RNE", add(KD, RNE, 0n, D.nz), [0n, 0]);
  expectF(KD, "+0 + -0 RDN", add(KD, RDN, 0n, D.nz), [D.nz, 0]);
  expectF(KS, "x-x RDN (S)", sub(KS, RDN, f2b(3.5), f2b(3.5)), [S.nz, 0]);
  expectF(KS, "-0 - +0 (S)", sub(KS, RNE, S.nz, 0n), [S.nz, 0]);
  // subnormals: sums there are exact
  expectF(KD, "min+min", add(KD, RNE, D.min, D.min), [2n, 0]);
  expectF(KD, "maxSub+min", add(KD, RNE, D.maxSub, D.min), [D.minNorm, 0]);
  expectF(KS, "maxSub+min (S)", add(KS, RNE, S.maxSub, S.min), [S.minNorm, 0]);
  // specials
  expectF(KD, "inf-inf", sub(KD, RNE, D.inf, D.inf), [D.qnan, NV]);
  expectF(KD, "inf+inf", add(KD, RNE, D.inf, D.inf), [D.inf, 0]);
  expectF(KD, "sNaN+1", add(KD, RNE, D.snan, D.one), [D.qnan, NV]);
  expectF(KD, "1+qNaN(payload)", add(KD, RNE, D.one, 0xfff8000000001234n), [D.qnan, 0]);
  expectF(KS, "inf-inf (S)", sub(KS, RNE, S.inf, S.inf), [S.qnan, NV]);
  expectF(KS, "sNaN+1 (S)", add(KS, RNE, S.snan, S.one), [S.qnan, NV]);
  // single: 1 + 2^-24 tie; 1 + 2^-24 + 2^-60 above the tie (double rounding trap)
  expectF(KS, "1+2^-24 (S)", add(KS, RNE, S.one, f2b(2 ** -24)), [S.one, NX]);
  expectF(KS, "S overflow", add(KS, RNE, S.max, S.max), [S.inf, OF | NX]);
  expectF(KS, "S overflow RTZ", add(KS, RTZ, S.max, S.max), [S.max, OF | NX]);
  // improperly boxed single operands read as the canonical NaN
  const o = fpu.run(ins.add(KS, RNE), 0x3f800000n, box(S.one));
  assert.equal(o.f, box(S.qnan));
  assert.equal(o.fflags, 0);
});

test("FMUL edge cases (underflow, tininess after rounding)", () => {
  const mul = (k: Kind, rm: number, a: bigint, b: bigint) => runF(k, ins.mul(k, rm), arg(k, a), arg(k, b));
  expectF(KD, "minNorm*0.5 exact subnormal", mul(KD, RNE, D.minNorm, d2b(0.5)), [0x0008000000000000n, 0]);
  expectF(KD, "min*0.5 RNE", mul(KD, RNE, D.min, d2b(0.5)), [0n, UF | NX]);
  expectF(KD, "min*0.5 RUP", mul(KD, RUP, D.min, d2b(0.5)), [D.min, UF | NX]);
  expectF(KD, "-min*0.5 RDN", mul(KD, RDN, D.min | D.nz, d2b(0.5)), [D.min | D.nz, UF | NX]);
  expectF(KD, "min*0.75 RNE", mul(KD, RNE, D.min, d2b(0.75)), [D.min, UF | NX]);
  // x = 2^-1022 * (1 - 2^-54): rounds (unbounded) to 2^-1022 in RNE => not tiny, no UF.
  const a = d2b(2 ** -1022 * (1 - 2 ** -27)), b = d2b(1 + 2 ** -27);
  expectF(KD, "tiny-after-rounding RNE", mul(KD, RNE, a, b), [D.minNorm, NX]);
  expectF(KD, "tiny-after-rounding RUP", mul(KD, RUP, a, b), [D.minNorm, NX]);
  expectF(KD, "tiny-after-rounding RTZ", mul(KD, RTZ, a, b), [D.maxSub, UF | NX]);
  // x = 2^-1022 * (1 - 2^-53): exactly representable with unbounded exponent => tiny.
  expectF(KD, "tiny (1-2^-53)*2^-1022", mul(KD, RNE, d2b(1 - 2 ** -53), D.minNorm), [D.minNorm, UF | NX]);
  const as = f2b(2 ** -126 * (1 - 2 ** -13)), bs = f2b(1 + 2 ** -13);
  expectF(KS, "S tiny-after-rounding RNE", mul(KS, RNE, as, bs), [S.minNorm, NX]);
  expectF(KS, "S tiny-after-rounding RTZ", mul(KS, RTZ, as, bs), [S.maxSub, UF | NX]);
  expectF(KS, "S (1-2^-24)*2^-126", mul(KS, RNE, f2b(1 - 2 ** -24), S.minNorm), [S.minNorm, UF | NX]);
  expectF(KD, "MAX*2", mul(KD, RNE, D.max, d2b(2)), [D.inf, OF | NX]);
  expectF(KD, "MAX*2 RDN", mul(KD, RDN, D.max, d2b(2)), [D.max, OF | NX]);
  expectF(KD, "huge*tiny exact", mul(KD, RNE, d2b(2 ** 1000), d2b(2 ** -1070)), [d2b(2 ** -70), 0]);
  expectF(KD, "sub*sub", mul(KD, RNE, D.maxSub, D.maxSub), [0n, UF | NX]);
  expectF(KD, "inf*0", mul(KD, RNE, D.inf, D.nz), [D.qnan, NV]);
  expectF(KD, "-inf*2", mul(KD, RNE, D.ninf, d2b(2)), [D.ninf, 0]);
  expectF(KD, "-0*3", mul(KD, RNE, D.nz, d2b(3)), [D.nz, 0]);
  expectF(KS, "S inf*0", mul(KS, RNE, S.inf, 0n), [S.qnan, NV]);
  expectF(KS, "S 3*(1/3)", mul(KS, RNE, f2b(3), f2b(1 / 3)), [S.one, NX]);
  expectF(KS, "S MAX*MAX RUP", mul(KS, RUP, S.max, S.max), [S.inf, OF | NX]);
  expectF(KS, "S -MAX*MAX RUP", mul(KS, RUP, S.max | S.nz, S.max), [S.max | S.nz, OF | NX]);
});

test("FDIV and FSQRT edge cases", () => {
  const div = (k: Kind, rm: number, a: bigint, b: bigint) => runF(k, ins.div(k, rm), arg(k, a), arg(k, b));
  const sq = (k: Kind, rm: number, a: bigint) => runF(k, ins.sqrt(k, rm), arg(k, a));
  expectF(KD, "1/3 RNE", div(KD, RNE, D.one, d2b(3)), [d2b(1 / 3), NX]);
  expectF(KD, "1/3 RUP", div(KD, RUP, D.one, d2b(3)), [d2b(1 / 3) + 1n, NX]);
  expectF(KD, "1/3 RTZ", div(KD, RTZ, D.one, d2b(3)), [d2b(1 / 3), NX]);
  expectF(KD, "-1/3 RDN", div(KD, RDN, d2b(-1), d2b(3)), [d2b(-1 / 3) + 1n, NX]);
  expectF(KD, "2/3 RUP", div(KD, RUP, d2b(2), d2b(3)), [d2b(2 / 3) + 1n, NX]);
  expectF(KD, "2/3 RTZ", div(KD, RTZ, d2b(2), d2b(3)), [d2b(2 / 3), NX]);
  expectF(KD, "-2/3 RUP", div(KD, RUP, d2b(-2), d2b(3)), [d2b(-2 / 3), NX]);
  expectF(KD, "2/-3 RDN", div(KD, RDN, d2b(2), d2b(-3)), [d2b(-2 / 3) + 1n, NX]);
  expectF(KD, "1/0", div(KD, RNE, D.one, 0n), [D.inf, DZ]);
  expectF(KD, "-1/0", div(KD, RNE, d2b(-1), 0n), [D.ninf, DZ]);
  expectF(KD, "1/-0", div(KD, RNE, D.one, D.nz), [D.ninf, DZ]);
  expectF(KD, "0/0", div(KD, RNE, 0n, 0n), [D.qnan, NV]);
  expectF(KD, "inf/inf", div(KD, RNE, D.inf, D.ninf), [D.qnan, NV]);
  expectF(KD, "inf/0 (no DZ)", div(KD, RNE, D.inf, 0n), [D.inf, 0]);
  expectF(KD, "1/inf", div(KD, RNE, D.one, D.ninf), [D.nz, 0]);
  expectF(KD, "MAX/0.5", div(KD, RNE, D.max, d2b(0.5)), [D.inf, OF | NX]);
  expectF(KD, "MAX/0.5 RTZ", div(KD, RTZ, D.max, d2b(0.5)), [D.max, OF | NX]);
  expectF(KD, "min/2", div(KD, RNE, D.min, d2b(2)), [0n, UF | NX]);
  expectF(KD, "min/2 RUP", div(KD, RUP, D.min, d2b(2)), [D.min, UF | NX]);
  expectF(KD, "min/min", div(KD, RNE, D.min, D.min), [D.one, 0]);
  expectF(KD, "minNorm/2 exact", div(KD, RNE, D.minNorm, d2b(2)), [0x0008000000000000n, 0]);
  expectF(KD, "1/MAX", div(KD, RNE, D.one, D.max), [0x0004000000000000n, UF | NX]);
  expectF(KS, "S 1/3 RUP", div(KS, RUP, S.one, f2b(3)), [f2b(1 / 3), NX]); // RNE rounds up here
  expectF(KS, "S 1/3 RTZ", div(KS, RTZ, S.one, f2b(3)), [f2b(1 / 3) - 1n, NX]);
  expectF(KS, "S 1/0", div(KS, RNE, S.one, 0n), [S.inf, DZ]);
  expectF(KS, "S inf/0", div(KS, RNE, S.inf, 0n), [S.inf, 0]);
  expectF(KS, "S 0/0", div(KS, RNE, 0n, 0n), [S.qnan, NV]);
  expectF(KS, "S 6/3", div(KS, RNE, f2b(6), f2b(3)), [f2b(2), 0]);
  expectF(KS, "S min/2", div(KS, RNE, S.min, f2b(2)), [0n, UF | NX]);
  expectF(KS, "S 3*min/2 (tie)", div(KS, RNE, 3n, f2b(2)), [2n, UF | NX]);
  expectF(KD, "sqrt(2) RNE", sq(KD, RNE, d2b(2)), [d2b(Math.SQRT2), NX]);
  // binary64 sqrt(2) rounds up to nearest, binary32 sqrt(2) rounds down
  expectF(KD, "sqrt(2) RUP", sq(KD, RUP, d2b(2)), [d2b(Math.SQRT2), NX]);
  expectF(KD, "sqrt(2) RTZ", sq(KD, RTZ, d2b(2)), [d2b(Math.SQRT2) - 1n, NX]);
  expectF(KD, "sqrt(2) RMM", sq(KD, RMM, d2b(2)), [d2b(Math.SQRT2), NX]);
  expectF(KD, "sqrt(4)", sq(KD, RUP, d2b(4)), [d2b(2), 0]);
  expectF(KD, "sqrt(-0)", sq(KD, RNE, D.nz), [D.nz, 0]);
  expectF(KD, "sqrt(-1)", sq(KD, RNE, d2b(-1)), [D.qnan, NV]);
  expectF(KD, "sqrt(-inf)", sq(KD, RNE, D.ninf), [D.qnan, NV]);
  expectF(KD, "sqrt(inf)", sq(KD, RNE, D.inf), [D.inf, 0]);
  expectF(KD, "sqrt(min)", sq(KD, RNE, D.min), [d2b(2 ** -537), 0]);
  expectF(KD, "sqrt(sNaN)", sq(KD, RNE, D.snan), [D.qnan, NV]);
  expectF(KD, "sqrt(-qNaN)", sq(KD, RNE, D.qnan | D.nz), [D.qnan, 0]);
  expectF(KD, "sqrt(MAX)", sq(KD, RNE, D.max), [d2b(Math.sqrt(b2d(D.max))), NX]);
  expectF(KS, "S sqrt(2) RUP", sq(KS, RUP, f2b(2)), [f2b(Math.SQRT2) + 1n, NX]);
  expectF(KS, "S sqrt(2) RDN", sq(KS, RDN, f2b(2)), [f2b(Math.SQRT2), NX]);
  expectF(KS, "S sqrt(min)", sq(KS, RNE, S.min), [f2b(Math.fround(Math.sqrt(2 ** -149))), NX]);
  expectF(KS, "S sqrt(-min)", sq(KS, RNE, S.min | S.nz), [S.qnan, NV]);
});

test("fused multiply-add: single rounding and special cases", () => {
  const fma = (op: number, k: Kind, rm: number, a: bigint, b: bigint, c: bigint) =>
    runF(k, ins.fma(op, k, rm), arg(k, a), arg(k, b), arg(k, c));
  // (1+2^-27)^2 - (1+2^-26) = 2^-54 exactly; an unfused evaluation gives 0.
  const a = d2b(1 + 2 ** -27);
  expectF(KD, "fused D", fma(FMADD, KD, RNE, a, a, d2b(-(1 + 2 ** -26))), [d2b(2 ** -54), 0]);
  expectF(KD, "fused D FMSUB", fma(FMSUB, KD, RNE, a, a, d2b(1 + 2 ** -26)), [d2b(2 ** -54), 0]);
  expectF(KD, "fused D FNMSUB", fma(FNMSUB, KD, RNE, a, a, d2b(1 + 2 ** -26)), [d2b(-(2 ** -54)), 0]);
  expectF(KD, "fused D FNMADD", fma(FNMADD, KD, RNE, a, a, d2b(-(1 + 2 ** -26))), [d2b(-(2 ** -54)), 0]);
  const as = f2b(1 + 2 ** -12);
  expectF(KS, "fused S", fma(FMADD, KS, RNE, as, as, f2b(-(1 + 2 ** -11))), [f2b(2 ** -24), 0]);
  // a*b + c with a*b = 1 + 2^-52 + 2^-104-ish: the tiny tail decides a directed rounding
  expectF(KD, "tail RUP", fma(FMADD, KD, RUP, a, a, d2b(2 ** -300)), [d2b(1 + 2 ** -26) + 1n, NX]);
  expectF(KD, "tail RNE", fma(FMADD, KD, RNE, a, a, d2b(2 ** -300)), [d2b(1 + 2 ** -26), NX]);
  // exact zero results
  expectF(KD, "1*1-1 RNE", fma(FMSUB, KD, RNE, D.one, D.one, D.one), [0n, 0]);
  expectF(KD, "1*1-1 RDN", fma(FMSUB, KD, RDN, D.one, D.one, D.one), [D.nz, 0]);
  expectF(KD, "-(0*1)-0", fma(FNMADD, KD, RNE, 0n, D.one, 0n), [D.nz, 0]);
  expectF(KD, "0*1 + -0", fma(FMADD, KD, RNE, 0n, D.one, D.nz), [0n, 0]);
  expectF(KD, "0*1 + -0 RDN", fma(FMADD, KD, RDN, 0n, D.one, D.nz), [D.nz, 0]);
  expectF(KD, "0*x + c exact", fma(FMADD, KD, RNE, 0n, d2b(3), D.min), [D.min, 0]);
  // invalid
  expectF(KD, "inf*0 + qNaN", fma(FMADD, KD, RNE, D.inf, 0n, D.qnan), [D.qnan, NV]);
  expectF(KD, "0*inf + 1", fma(FMADD, KD, RNE, 0n, D.ninf, D.one), [D.qnan, NV]);
  expectF(KD, "inf*1 - inf", fma(FMSUB, KD, RNE, D.inf, D.one, D.inf), [D.qnan, NV]);
  expectF(KD, "inf*1 + inf", fma(FMADD, KD, RNE, D.inf, D.one, D.inf), [D.inf, 0]);
  expectF(KD, "-(inf*1) - inf", fma(FNMADD, KD, RNE, D.inf, D.one, D.inf), [D.ninf, 0]);
  expectF(KD, "1*1 + -inf", fma(FMADD, KD, RNE, D.one, D.one, D.ninf), [D.ninf, 0]);
  expectF(KD, "qNaN*1+1", fma(FMADD, KD, RNE, D.qnan, D.one, D.one), [D.qnan, 0]);
  expectF(KD, "1*1+sNaN", fma(FMADD, KD, RNE, D.one, D.one, D.snan), [D.qnan, NV]);
  expectF(KS, "S inf*0 + qNaN", fma(FMADD, KS, RNE, 0n, S.inf, S.qnan), [S.qnan, NV]);
  // overflow / underflow
  expectF(KD, "MAX*2 - MAX", fma(FMSUB, KD, RNE, D.max, d2b(2), D.max), [D.max, 0]);
  expectF(KD, "MAX*MAX + -inf", fma(FMADD, KD, RNE, D.max, D.max, D.ninf), [D.ninf, 0]);
  expectF(KD, "MAX*1.5", fma(FMADD, KD, RNE, D.max, d2b(1.5), 0n), [D.inf, OF | NX]);
  expectF(KD, "min*0.5 + 0", fma(FMADD, KD, RNE, D.min, d2b(0.5), 0n), [0n, UF | NX]);
  expectF(KD, "min*0.5 - 0 RDN", fma(FMSUB, KD, RDN, D.min | D.nz, d2b(0.5), 0n), [D.min | D.nz, UF | NX]);
  expectF(KD, "minNorm*(1-2^-53)", fma(FMADD, KD, RNE, D.minNorm, d2b(1 - 2 ** -53), 0n), [D.minNorm, UF | NX]);
  expectF(KD, "min*min + 1 RUP", fma(FMADD, KD, RUP, D.min, D.min, D.one), [D.one + 1n, NX]);
  expectF(KD, "min*min - 1 RTZ", fma(FMSUB, KD, RTZ, D.min, D.min, D.one), [d2b(-(1 - 2 ** -53)), NX]);
  expectF(KD, "min*min - 1 RDN", fma(FMSUB, KD, RDN, D.min, D.min, D.one), [d2b(-1), NX]);
  expectF(KD, "-min*min + 1 RTZ", fma(FNMSUB, KD, RTZ, D.min, D.min, D.one), [d2b(1 - 2 ** -53), NX]);
});

test("FMIN/FMAX, compares, FCLASS, sign injection, moves", () => {
  for (const k of [KD, KS]) {
    const T = isD(k) ? D : S;
    const mm = (max: boolean, a: bigint, b: bigint) =>
      runF(k, max ? ins.max(k) : ins.min(k), arg(k, a), arg(k, b));
    expectF(k, "min(-0,+0)", mm(false, T.nz, 0n), [T.nz, 0]);
    expectF(k, "min(+0,-0)", mm(false, 0n, T.nz), [T.nz, 0]);
    expectF(k, "max(-0,+0)", mm(true, T.nz, 0n), [0n, 0]);
    expectF(k, "max(+0,-0)", mm(true, 0n, T.nz), [0n, 0]);
    expectF(k, "min(qNaN,1)", mm(false, T.qnan, T.one), [T.one, 0]);
    expectF(k, "max(1,qNaN)", mm(true, T.one, T.qnan), [T.one, 0]);
    expectF(k, "min(sNaN,1)", mm(false, T.snan, T.one), [T.one, NV]);
    expectF(k, "min(qNaN,qNaN)", mm(false, T.qnan | 5n, T.qnan), [T.qnan, 0]);
    expectF(k, "max(sNaN,qNaN)", mm(true, T.snan, T.qnan), [T.qnan, NV]);
    expectF(k, "min(-inf,1)", mm(false, T.ninf, T.one), [T.ninf, 0]);
    expectF(k, "max(-inf,-MAX)", mm(true, T.ninf, T.max | T.nz), [T.max | T.nz, 0]);
    expectF(k, "max(min,-min)", mm(true, T.min | T.nz, T.min), [T.min, 0]);

    const cmp = (f3: number, a: bigint, b: bigint) => runX(ins.cmp(k, f3), arg(k, a), arg(k, b));
    const FLE = 0, FLT = 1, FEQ = 2;
    assert.deepEqual(cmp(FEQ, T.nz, 0n), [1n, 0]);
    assert.deepEqual(cmp(FLT, T.nz, 0n), [0n, 0]);
    assert.deepEqual(cmp(FLE, T.nz, 0n), [1n, 0]);
    assert.deepEqual(cmp(FEQ, T.qnan, T.qnan), [0n, 0]);
    assert.deepEqual(cmp(FEQ, T.snan, T.one), [0n, NV]);
    assert.deepEqual(cmp(FLT, T.qnan, T.one), [0n, NV]);
    assert.deepEqual(cmp(FLE, T.one, T.qnan), [0n, NV]);
    assert.deepEqual(cmp(FLT, T.ninf, T.max | T.nz), [1n, 0]);
    assert.deepEqual(cmp(FLE, T.inf, T.inf), [1n, 0]);
    assert.deepEqual(cmp(FLT, T.min, T.min), [0n, 0]);

    const cls = (a: bigint) => runX(ins.cls(k), arg(k, a))[0];
    assert.equal(cls(T.ninf), 1n << 0n);
    assert.equal(cls(T.one | T.nz), 1n << 1n);
    assert.equal(cls(T.min | T.nz), 1n << 2n);
    assert.equal(cls(T.nz), 1n << 3n);
    assert.equal(cls(0n), 1n << 4n);
    assert.equal(cls(T.maxSub), 1n << 5n);
    assert.equal(cls(T.minNorm), 1n << 6n);
    assert.equal(cls(T.inf), 1n << 7n);
    assert.equal(cls(T.snan), 1n << 8n);
    assert.equal(cls(T.qnan | T.nz), 1n << 9n);
  }
  // single operands that are not NaN-boxed read as the canonical (quiet, positive) NaN
  assert.deepEqual(runX(ins.cls(KS), 0x00000000_3f800000n), [1n << 9n, 0]);
  assert.deepEqual(runX(ins.cmp(KS, 2), 0x7fffffff_3f800000n, box(S.one)), [0n, 0]);
  assert.deepEqual(runX(ins.cmp(KS, 1), 0x7fffffff_3f800000n, box(S.one)), [0n, NV]);
  let o = fpu.run(ins.min(KS), 0x3f800000n, box(f2b(2)));
  assert.equal(o.f, box(f2b(2)));
  // sign injection
  const sg = (k: Kind, f3: number, a: bigint, b: bigint) => runF(k, ins.sgnj(k, f3), arg(k, a), arg(k, b));
  expectF(KD, "fsgnj", sg(KD, 0, D.one, D.nz), [D.one | D.nz, 0]);
  expectF(KD, "fsgnjn", sg(KD, 1, D.one, D.nz), [D.one, 0]);
  expectF(KD, "fsgnjx", sg(KD, 2, D.one | D.nz, D.nz), [D.one, 0]);
  expectF(KD, "fsgnj keeps NaN payload", sg(KD, 0, D.snan | 7n, D.nz), [D.snan | 7n | D.nz, 0]);
  expectF(KS, "fsgnjn.s", sg(KS, 1, S.snan, 0n), [S.snan | S.nz, 0]);
  o = fpu.run(ins.sgnj(KS, 1), 0x12345678n, 0x12345678n); // fneg.s of an unboxed value
  assert.equal(o.f, box(S.qnan | S.nz));
  o = fpu.run(ins.sgnj(KS, 0), box(S.one), 0x80000000n); // unboxed sign source: canonical NaN is positive
  assert.equal(o.f, box(S.one));
  // moves copy bits
  assert.deepEqual(runX(ins.mvx(KS), 0x12345678_80000001n), [0xffffffff80000001n, 0]);
  assert.deepEqual(runX(ins.mvx(KS), 0x7fa00001n), [0x7fa00001n, 0]);
  assert.deepEqual(runX(ins.mvx(KD), D.snan | 3n), [D.snan | 3n, 0]);
  o = fpu.run(ins.mvf(KS), 0xdeadbeef_7fa00001n);
  assert.equal(o.f, box(0x7fa00001n));
  o = fpu.run(ins.mvf(KD), 0xfff0000000000001n);
  assert.equal(o.f, 0xfff0000000000001n);
  assert.equal(o.fflags, 0);
});

test("FCVT float -> integer at the boundaries", () => {
  const W = 0, WU = 1, L = 2, LU = 3;
  const cv = (k: Kind, kind: number, rm: number, x: number | bigint) =>
    runX(ins.toInt(k, kind, rm), arg(k, typeof x === "bigint" ? x : isD(k) ? d2b(x) : f2b(x)));
  const m64 = (v: bigint) => BigInt.asUintN(64, v);
  assert.deepEqual(cv(KD, W, RNE, 2147483647.5), [0x7fffffffn, NV]);
  assert.deepEqual(cv(KD, W, RTZ, 2147483647.5), [0x7fffffffn, NX]);
  assert.deepEqual(cv(KD, W, RDN, 2147483647.5), [0x7fffffffn, NX]);
  assert.deepEqual(cv(KD, W, RNE, -2147483648.5), [m64(-2147483648n), NX]);
  assert.deepEqual(cv(KD, W, RDN, -2147483648.5), [m64(-2147483648n), NV]);
  assert.deepEqual(cv(KD, W, RMM, -2147483648.5), [m64(-2147483648n), NV]);
  assert.deepEqual(cv(KD, W, RTZ, -2147483648.9), [m64(-2147483648n), NX]);
  assert.deepEqual(cv(KD, W, RNE, 2.5), [2n, NX]);
  assert.deepEqual(cv(KD, W, RMM, 2.5), [3n, NX]);
  assert.deepEqual(cv(KD, W, RMM, -2.5), [m64(-3n), NX]);
  assert.deepEqual(cv(KD, W, RUP, -2.5), [m64(-2n), NX]);
  assert.deepEqual(cv(KD, W, RDN, 2.5), [2n, NX]);
  assert.deepEqual(cv(KD, W, RUP, 0.1), [1n, NX]);
  assert.deepEqual(cv(KD, W, RDN, -1e-300), [m64(-1n), NX]);
  assert.deepEqual(cv(KD, W, RNE, D.min), [0n, NX]);
  assert.deepEqual(cv(KD, W, RNE, -0), [0n, 0]);
  assert.deepEqual(cv(KD, W, RNE, D.qnan | D.nz), [0x7fffffffn, NV]);
  assert.deepEqual(cv(KD, W, RNE, D.ninf), [m64(-2147483648n), NV]);
  assert.deepEqual(cv(KD, W, RNE, D.inf), [0x7fffffffn, NV]);
  assert.deepEqual(cv(KD, WU, RNE, -0.5), [0n, NX]);
  assert.deepEqual(cv(KD, WU, RDN, -0.5), [0n, NV]);
  assert.deepEqual(cv(KD, WU, RTZ, -0.99), [0n, NX]);
  assert.deepEqual(cv(KD, WU, RNE, -1), [0n, NV]);
  assert.deepEqual(cv(KD, WU, RNE, 4294967295.4), [0xffffffffffffffffn, NX]);
  assert.deepEqual(cv(KD, WU, RNE, 4294967295.5), [0xffffffffffffffffn, NV]);
  assert.deepEqual(cv(KD, WU, RNE, 2147483648), [0xffffffff80000000n, 0]);
  assert.deepEqual(cv(KD, WU, RNE, D.qnan), [0xffffffffffffffffn, NV]);
  assert.deepEqual(cv(KD, WU, RNE, D.ninf), [0n, NV]);
  assert.deepEqual(cv(KD, L, RNE, 2 ** 63), [0x7fffffffffffffffn, NV]);
  assert.deepEqual(cv(KD, L, RNE, -(2 ** 63)), [0x8000000000000000n, 0]);
  assert.deepEqual(cv(KD, L, RNE, 2 ** 63 - 1024), [0x7ffffffffffffc00n, 0]);
  assert.deepEqual(cv(KD, L, RNE, -(2 ** 64)), [0x8000000000000000n, NV]);
  assert.deepEqual(cv(KD, L, RUP, 1e-300), [1n, NX]);
  assert.deepEqual(cv(KD, LU, RNE, 2 ** 64), [0xffffffffffffffffn, NV]);
  assert.deepEqual(cv(KD, LU, RNE, 2 ** 64 - 2048), [0xfffffffffffff800n, 0]);
  assert.deepEqual(cv(KD, LU, RNE, -0.2), [0n, NX]);
  assert.deepEqual(cv(KD, LU, RUP, -0.9), [0n, NX]);
  assert.deepEqual(cv(KD, LU, RNE, D.snan), [0xffffffffffffffffn, NV]);
  assert.deepEqual(cv(KD, LU, RNE, 1e300), [0xffffffffffffffffn, NV]);
  assert.deepEqual(cv(KS, W, RNE, 2 ** 31), [0x7fffffffn, NV]);
  assert.deepEqual(cv(KS, W, RNE, -(2 ** 31)), [m64(-(2n ** 31n)), 0]);
  assert.deepEqual(cv(KS, W, RNE, 1.5), [2n, NX]);
  assert.deepEqual(cv(KS, WU, RNE, 3e9), [3000000000n | 0xffffffff00000000n, 0]);
  assert.deepEqual(cv(KS, L, RNE, S.snan), [0x7fffffffffffffffn, NV]);
  assert.deepEqual(runX(ins.toInt(KS, L, RNE), 0x1234n), [0x7fffffffffffffffn, NV]); // unboxed: canonical NaN
  assert.deepEqual(cv(KS, LU, RNE, -(2 ** 40)), [0n, NV]);
  assert.deepEqual(cv(KS, LU, RNE, 2 ** 63), [0x8000000000000000n, 0]);
});

test("FCVT integer -> float and between formats", () => {
  const W = 0, WU = 1, L = 2, LU = 3;
  const cv = (k: Kind, kind: number, rm: number, x: bigint) => runF(k, ins.fromInt(k, kind, rm), BigInt.asUintN(64, x));
  expectF(KD, "2^53+1 RNE", cv(KD, L, RNE, 2n ** 53n + 1n), [d2b(2 ** 53), NX]);
  expectF(KD, "2^53+1 RUP", cv(KD, L, RUP, 2n ** 53n + 1n), [d2b(2 ** 53 + 2), NX]);
  expectF(KD, "2^53+1 RMM", cv(KD, L, RMM, 2n ** 53n + 1n), [d2b(2 ** 53 + 2), NX]);
  expectF(KD, "2^53+3 RNE", cv(KD, L, RNE, 2n ** 53n + 3n), [d2b(2 ** 53 + 4), NX]);
  expectF(KD, "-(2^53+1) RDN", cv(KD, L, RDN, -(2n ** 53n + 1n)), [d2b(-(2 ** 53) - 2), NX]);
  expectF(KD, "-2^63", cv(KD, L, RNE, -(2n ** 63n)), [d2b(-(2 ** 63)), 0]);
  expectF(KD, "2^64-1 LU RNE", cv(KD, LU, RNE, 2n ** 64n - 1n), [d2b(2 ** 64), NX]);
  expectF(KD, "2^64-1 LU RTZ", cv(KD, LU, RTZ, 2n ** 64n - 1n), [d2b(2 ** 64) - 1n, NX]);
  expectF(KD, "W -1", cv(KD, W, RNE, 0xffffffffn), [d2b(-1), 0]);
  expectF(KD, "W ignores upper bits", cv(KD, W, RNE, 0x12345678_00000005n), [d2b(5), 0]);
  expectF(KD, "WU 0xffffffff", cv(KD, WU, RNE, 0xffffffffffffffffn), [d2b(4294967295), 0]);
  expectF(KD, "zero is +0", cv(KD, L, RDN, 0n), [0n, 0]);
  expectF(KS, "S 2^24+1", cv(KS, W, RNE, 2n ** 24n + 1n), [f2b(2 ** 24), NX]);
  expectF(KS, "S 2^24+1 RUP", cv(KS, W, RUP, 2n ** 24n + 1n), [f2b(2 ** 24 + 2), NX]);
  expectF(KS, "S -2^31", cv(KS, W, RNE, 0x80000000n), [f2b(-(2 ** 31)), 0]);
  expectF(KS, "S 0x7fffffff RTZ", cv(KS, W, RTZ, 0x7fffffffn), [f2b(2 ** 31) - 1n, NX]);
  expectF(KS, "S 2^64-1 LU", cv(KS, LU, RNE, 2n ** 64n - 1n), [f2b(2 ** 64), NX]);
  expectF(KS, "S 2^64-1 LU RDN", cv(KS, LU, RDN, 2n ** 64n - 1n), [f2b(2 ** 64) - 1n, NX]);
  expectF(KS, "S -1 L", cv(KS, L, RNE, -1n), [f2b(-1), 0]);

  const sd = (rm: number, x: bigint) => runF(KS, ins.s_d(rm), x);
  expectF(KS, "S.D 1+2^-24 RNE", sd(RNE, d2b(1 + 2 ** -24)), [S.one, NX]);
  expectF(KS, "S.D 1+2^-24 RMM", sd(RMM, d2b(1 + 2 ** -24)), [S.one + 1n, NX]);
  expectF(KS, "S.D 1+2^-24+2^-52 RNE", sd(RNE, d2b(1 + 2 ** -24 + 2 ** -52)), [S.one + 1n, NX]);
  expectF(KS, "S.D MAX_D", sd(RNE, D.max), [S.inf, OF | NX]);
  expectF(KS, "S.D MAX_D RTZ", sd(RTZ, D.max), [S.max, OF | NX]);
  expectF(KS, "S.D -MAX_D RUP", sd(RUP, D.max | D.nz), [S.max | S.nz, OF | NX]);
  expectF(KS, "S.D min_D", sd(RNE, D.min), [0n, UF | NX]);
  expectF(KS, "S.D -min_D RDN", sd(RDN, D.min | D.nz), [S.min | S.nz, UF | NX]);
  expectF(KS, "S.D 2^-149", sd(RNE, d2b(2 ** -149)), [S.min, 0]);
  expectF(KS, "S.D 2^-150", sd(RNE, d2b(2 ** -150)), [0n, UF | NX]);
  expectF(KS, "S.D 2^-150+", sd(RNE, d2b(2 ** -150 * (1 + 2 ** -52))), [S.min, UF | NX]);
  expectF(KS, "S.D minNormS*(1-2^-25)", sd(RNE, d2b(2 ** -126 * (1 - 2 ** -25))), [S.minNorm, NX]);
  expectF(KS, "S.D minNormS*(1-2^-24)", sd(RNE, d2b(2 ** -126 * (1 - 2 ** -24))), [S.minNorm, UF | NX]);
  expectF(KS, "S.D sNaN", sd(RNE, D.snan), [S.qnan, NV]);
  expectF(KS, "S.D qNaN payload", sd(RNE, 0xfff8000012345678n), [S.qnan, 0]);
  expectF(KS, "S.D -inf", sd(RNE, D.ninf), [S.ninf, 0]);
  expectF(KS, "S.D -0", sd(RNE, D.nz), [S.nz, 0]);
  const ds = (x: bigint) => runF(KD, ins.d_s(RNE), x);
  expectF(KD, "D.S sNaN", ds(box(S.snan)), [D.qnan, NV]);
  expectF(KD, "D.S unboxed", ds(0x3f800000n), [D.qnan, 0]);
  expectF(KD, "D.S min", ds(box(S.min)), [d2b(2 ** -149), 0]);
  expectF(KD, "D.S -inf", ds(box(S.ninf)), [D.ninf, 0]);
});

test("rounding mode fields, fcsr accrual, illegal encodings", () => {
  // DYN takes frm from fcsr; flags accrue on top of existing ones and frm is preserved.
  const insn = ins.div(KD, DYN);
  let o = fpu.run(insn, D.one, d2b(3), 0n, (RUP << 5) | DZ);
  assert.ok(o.ok);
  assert.equal(o.f, d2b(1 / 3) + 1n);
  assert.equal(o.fcsr, (RUP << 5) | DZ | NX);
  o = fpu.run(ins.toInt(KD, 0, DYN), d2b(2.5), 0n, 0n, RMM << 5);
  assert.equal(o.x, 3n);
  // FS becomes dirty when an f register is written
  fpu.ex.setStatusReg(0n);
  fpu.ex.setFReg(1, D.one);
  fpu.ex.setStatusReg(0n);
  assert.ok(fpu.ex.execFp(ins.add(KD, RNE)));
  assert.equal(fpu.ex.getStatusReg() & (3n << 13n), 3n << 13n);

  const illegal: [string, number, number?][] = [
    ["rm=5", rtype(FADD, 1, 2, 5)],
    ["rm=6", rtype(FMUL, 0, 2, 6)],
    ["fma rm=5", r4(FMADD, 1, 5)],
    ["fcvt rm=6", rtype(FCVT_IF, 1, 0, 6)],
    ["fcvt.d.s rm=5", rtype(FCVT_FF, 1, 0, 5)],
    ["dyn, frm=5", rtype(FADD, 1, 2, DYN), 5 << 5],
    ["dyn, frm=6", rtype(FSQRT, 0, 0, DYN), 6 << 5],
    ["dyn, frm=7", r4(FNMADD, 0, DYN), 7 << 5],
    ["fcvt dyn frm=7", rtype(FCVT_FI, 0, 2, DYN), 7 << 5],
    ["fmt H", rtype(FADD, 2, 2, 0)],
    ["fmt Q", rtype(FADD, 3, 2, 0)],
    ["fma fmt Q", r4(FMADD, 3, 0)],
    ["funct5 6", rtype(6, 1, 2, 0)],
    ["funct5 31", rtype(31, 1, 0, 0)],
    ["fsqrt rs2=1", rtype(FSQRT, 1, 1, 0)],
    ["fsgnj f3=3", rtype(FSGNJ, 1, 2, 3)],
    ["fmin f3=2", rtype(FMINMAX, 0, 2, 2)],
    ["fcmp f3=3", rtype(FCMP, 1, 2, 3)],
    ["fcvt.w rs2=4", rtype(FCVT_IF, 1, 4, 0)],
    ["fcvt.d.w rs2=5", rtype(FCVT_FI, 1, 5, 0)],
    ["fcvt.s.s", rtype(FCVT_FF, 0, 0, 0)],
    ["fcvt.d.d", rtype(FCVT_FF, 1, 1, 0)],
    ["fclass f3=2", rtype(FMV_X_CLASS, 1, 0, 2)],
    ["fmv.x.d rs2=1", rtype(FMV_X_CLASS, 1, 1, 0)],
    ["fmv.d.x f3=1", rtype(FMV_F_X, 1, 0, 1)],
    ["fmv.w.x rs2=1", rtype(FMV_F_X, 0, 1, 0)],
    ["opcode 0x13", 0x00000013],
  ];
  for (const [name, code, fcsr = 0] of illegal) {
    o = fpu.run(code, d2b(1.5), d2b(2.5), d2b(3.5), fcsr | NV);
    assert.equal(o.ok, false, name);
    assert.equal(o.f, 0n, name + ": f register written");
    assert.equal(o.x, 0n, name + ": x register written");
    assert.equal(o.fcsr, fcsr | NV, name + ": fcsr changed");
  }
  // legal encodings with a static rm other than 7 ignore a bad frm
  o = fpu.run(ins.add(KD, RNE), D.one, D.one, 0n, 7 << 5);
  assert.ok(o.ok);
  assert.equal(o.f, d2b(2));
  // instructions without an rm field accept any frm, even with funct3 used as an opcode
  o = fpu.run(ins.sgnj(KD, 2), D.one, D.nz, 0n, 5 << 5);
  assert.ok(o.ok);
  o = fpu.run(ins.cls(KD), D.one, 0n, 0n, 6 << 5);
  assert.ok(o.ok);
  assert.equal(o.x, 1n << 6n);
});

// ---------------------------------------------------------------- randomized vs reference

// xorshift128 PRNG (deterministic per test)
class Rng {
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

const fb = (f: Fmt) => f.p - 1;
const maxE = (f: Fmt) => (1 << f.ebits) - 1;
const biasOf = (f: Fmt) => (1 << (f.ebits - 1)) - 1;

function randMant(r: Rng, f: Fmt): bigint {
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
function mk(f: Fmt, neg: boolean, E: number, m: bigint): bigint {
  return ((neg ? 1n : 0n) << BigInt(f.width - 1)) | (BigInt(E) << BigInt(fb(f))) | m;
}
function specialVal(r: Rng, f: Fmt): bigint {
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
function randVal(r: Rng, f: Fmt, near?: number): bigint {
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
const expOf = (f: Fmt, b: bigint) => Number((b >> BigInt(fb(f))) & BigInt(maxE(f)));
// Register image; a few single operands are left improperly boxed.
function regOf(r: Rng, k: Kind, b: bigint): [bigint, bigint] {
  if (isD(k)) return [b, b];
  if (r.chance(0.02)) {
    const raw = (r.bits(32) << 32n) | b;
    if ((raw >> 32n) !== 0xffffffffn) return [raw, R.cnan(F32)];
  }
  return [box(b), b];
}

const N = Number(process.env.FPU_RANDOM_N ?? 2000);

type Case = { name: string; k: Kind; rms: number[]; gen: (r: Rng) => bigint[]; insn: (rm: number) => number;
  ref: (ops: bigint[], rm: number) => Res | { x: bigint; flags: number }; src?: Kind | "int" };

function runRandom(c: Case, seed: number) {
  const r = new Rng(seed);
  const src = c.src ?? c.k;
  let fails = 0;
  const msgs: string[] = [];
  for (const rm of c.rms) {
    for (let i = 0; i < N; i++) {
      const vals = c.gen(r);
      const regs: bigint[] = [];
      const eff: bigint[] = [];
      for (const v of vals) {
        const [reg, e] = src === "int" ? [v, v] : regOf(r, src, v);
        regs.push(reg);
        eff.push(e);
      }
      // Sometimes use the dynamic rounding mode instead of the static field.
      const dyn = r.chance(0.2);
      const insn = c.insn(dyn ? DYN : rm);
      const o = fpu.run(insn, regs[0], regs[1] ?? 0n, regs[2] ?? 0n, dyn ? rm << 5 : 0);
      const want = c.ref(eff, rm);
      let got: bigint;
      let wantBits: bigint;
      if ("x" in want) {
        got = o.x;
        wantBits = want.x;
      } else {
        got = isD(c.k) ? o.f : o.f >> 32n === 0xffffffffn ? o.f & 0xffffffffn : -1n;
        wantBits = want.bits;
      }
      if (!o.ok || got !== wantBits || o.fflags !== want.flags) {
        fails++;
        if (msgs.length < 8) {
          msgs.push(`${c.name} ${MODE_NAMES[rm]}${dyn ? "(dyn)" : ""} ops=[${regs.map(hex).join(", ")}]: ` +
            `got ${hex(got)} ${flagStr(o.fflags)}, want ${hex(wantBits)} ${flagStr(want.flags)}`);
        }
      }
    }
  }
  if (fails) assert.fail(`${fails} mismatches\n` + msgs.join("\n"));
}

function binGen(f: Fmt, nearProb = 0.6) {
  return (r: Rng) => {
    const a = randVal(r, f);
    const b = r.chance(nearProb) ? randVal(r, f, expOf(f, a)) : randVal(r, f);
    return [a, b];
  };
}

const KINDS: [string, Kind][] = [["D", KD], ["S", KS]];
let seed = 1;
for (const [fn, k] of KINDS) {
  const f = k.f;
  const cases: Case[] = [
    { name: `FADD.${fn}`, k, rms: MODES, gen: binGen(f), insn: (rm) => ins.add(k, rm), ref: ([a, b], rm) => R.add(a, b, f, rm) },
    { name: `FSUB.${fn}`, k, rms: MODES, gen: binGen(f), insn: (rm) => ins.sub(k, rm), ref: ([a, b], rm) => R.add(a, b, f, rm, true) },
    {
      name: `FMUL.${fn}`, k, rms: MODES, insn: (rm) => ins.mul(k, rm), ref: ([a, b], rm) => R.mul(a, b, f, rm),
      gen: (r) => {
        const a = randVal(r, f);
        // bias b so that the product lands near the subnormal / overflow boundaries
        const t = r.int(4);
        const want = t === 0 ? 1 : t === 1 ? maxE(f) - 1 : undefined;
        const b = want === undefined ? randVal(r, f) : randVal(r, f, want - expOf(f, a) + biasOf(f));
        return [a, b];
      },
    },
    {
      name: `FDIV.${fn}`, k, rms: MODES, insn: (rm) => ins.div(k, rm), ref: ([a, b], rm) => R.div(a, b, f, rm),
      gen: (r) => {
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
      name: `FSQRT.${fn}`, k, rms: MODES, insn: (rm) => ins.sqrt(k, rm), ref: ([a], rm) => R.sqrt(a, f, rm),
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
      name: `${nm}.${fn}`, k, rms: MODES, insn: (rm) => ins.fma(op, k, rm),
      ref: ([a, b, c], rm) => R.fma(a, b, c, f, rm, negP, negC),
      gen: (r) => {
        const a = randVal(r, f);
        const b = r.chance(0.3) ? randVal(r, f, biasOf(f)) : randVal(r, f);
        const t = r.int(5);
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
      name: `FCVT.${["W", "WU", "L", "LU"][kind]}.${fn}`, k, rms: MODES, insn: (rm) => ins.toInt(k, kind, rm),
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
      name: `FCVT.${fn}.${["W", "WU", "L", "LU"][kind]}`, k, rms: MODES, insn: (rm) => ins.fromInt(k, kind, rm),
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
    { name: `FMIN.${fn}`, k, rms: [0], gen: binGen(f, 0.3), insn: () => ins.min(k), ref: ([a, b]) => R.minMax(a, b, f, false) },
    { name: `FMAX.${fn}`, k, rms: [0], gen: binGen(f, 0.3), insn: () => ins.max(k), ref: ([a, b]) => R.minMax(a, b, f, true) },
    ...[0, 1, 2].map((op): Case => ({
      name: `${["FLE", "FLT", "FEQ"][op]}.${fn}`, k, rms: [0], insn: () => ins.cmp(k, op),
      ref: ([a, b]) => R.compare(a, b, f, op),
      gen: (r) => { const a = randVal(r, f); return [a, r.chance(0.3) ? a ^ (r.chance(0.5) ? R.signBit(f) : 0n) : randVal(r, f, expOf(f, a))]; },
    })),
    { name: `FCLASS.${fn}`, k, rms: [0], gen: (r) => [randVal(r, f)], insn: () => ins.cls(k), ref: ([a]) => ({ x: R.fclass(a, f), flags: 0 }) },
    ...[0, 1, 2].map((op): Case => ({
      name: `FSGNJ${["", "N", "X"][op]}.${fn}`, k, rms: [0], insn: () => ins.sgnj(k, op),
      ref: ([a, b]) => ({ bits: R.sgnj(a, b, f, op), flags: 0 }), gen: binGen(f, 0),
    })),
  ];
  for (const c of cases) {
    const s = seed++;
    test(`random ${c.name} vs exact reference`, () => runRandom(c, s));
  }
}
{
  const s1 = seed++, s2 = seed++;
  test("random FCVT.S.D vs exact reference", () =>
    runRandom({
      name: "FCVT.S.D", k: KS, src: KD, rms: MODES, insn: (rm) => ins.s_d(rm), ref: ([a], rm) => R.cvtFF(a, F64, F32, rm),
      gen: (r) => [r.chance(0.5) ? randVal(r, F64, 1023 + r.int(300) - 150) : randVal(r, F64)],
    }, s1));
  test("random FCVT.D.S vs exact reference", () =>
    runRandom({
      name: "FCVT.D.S", k: KD, src: KS, rms: MODES, insn: (rm) => ins.d_s(rm), ref: ([a], rm) => R.cvtFF(a, F32, F64, rm),
      gen: (r) => [randVal(r, F32)],
    }, s2));
}

// ---------------------------------------------------------------- round-to-nearest vs JS math
test("random RNE results agree with JS double / Math.fround arithmetic", () => {
  const r = new Rng(4242);
  const cnanD = D.qnan, cnanS = S.qnan;
  const ops: [string, (k: Kind) => number, (x: number, y: number) => number][] = [
    ["add", (k) => ins.add(k, RNE), (x, y) => x + y],
    ["sub", (k) => ins.sub(k, RNE), (x, y) => x - y],
    ["mul", (k) => ins.mul(k, RNE), (x, y) => x * y],
    ["div", (k) => ins.div(k, RNE), (x, y) => x / y],
    ["sqrt", (k) => ins.sqrt(k, RNE), (x) => Math.sqrt(x)],
  ];
  let fails = 0;
  const msgs: string[] = [];
  for (const [name, mkInsn, op] of ops) {
    for (const k of [KD, KS]) {
      for (let i = 0; i < 3 * N; i++) {
        const a = randVal(r, k.f);
        const b = randVal(r, k.f, r.chance(0.5) ? expOf(k.f, a) : undefined);
        const o = fpu.run(mkInsn(k), arg(k, a), arg(k, b));
        let want: bigint;
        if (isD(k)) {
          const z = op(b2d(a), b2d(b));
          want = Number.isNaN(z) ? cnanD : d2b(z);
        } else {
          // double rounding through binary64 is innocuous for these operations
          const z = Math.fround(op(b2f(a), b2f(b)));
          want = Number.isNaN(z) ? cnanS : f2b(z);
        }
        const got = isD(k) ? o.f : o.f & 0xffffffffn;
        if (got !== want) {
          fails++;
          if (msgs.length < 8) msgs.push(`${name}.${isD(k) ? "D" : "S"} ${hex(a)} ${hex(b)}: got ${hex(got)} want ${hex(want)}`);
        }
      }
    }
  }
  // conversions
  for (let i = 0; i < 3 * N; i++) {
    const a = randVal(r, F64);
    let o = fpu.run(ins.s_d(RNE), a);
    const z = Math.fround(b2d(a));
    const want = Number.isNaN(z) ? cnanS : f2b(z);
    if ((o.f & 0xffffffffn) !== want) {
      fails++;
      if (msgs.length < 8) msgs.push(`fcvt.s.d ${hex(a)}: got ${hex(o.f)} want ${hex(want)}`);
    }
    const v = BigInt.asIntN(64, r.bits(64) >> BigInt(r.int(64)));
    o = fpu.run(ins.fromInt(KD, 2, RNE), BigInt.asUintN(64, v));
    if (o.f !== d2b(Number(v))) {
      fails++;
      if (msgs.length < 8) msgs.push(`fcvt.d.l ${v}: got ${hex(o.f)} want ${hex(d2b(Number(v)))}`);
    }
    const x = b2d(randVal(r, F64, 1023 + r.int(40)));
    o = fpu.run(ins.toInt(KD, 2, RTZ), d2b(x));
    if (!Number.isNaN(x) && Math.abs(x) < 2 ** 63 && o.x !== BigInt.asUintN(64, BigInt(Math.trunc(x)))) {
      fails++;
      if (msgs.length < 8) msgs.push(`fcvt.l.d rtz ${x}: got ${o.x}`);
    }
  }
  if (fails) assert.fail(`${fails} mismatches\n` + msgs.join("\n"));
});
