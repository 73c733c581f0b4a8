// Tests of the riscv64 F/D unit (src/engine/riscv64/core/fpu*.ts) through a small test
// wasm (core/test/fpu-entry.ts, built on demand by fpu-harness.ts):
//   * hand-picked IEEE 754 edge cases for every instruction, with expected bits and fflags;
//   * randomized comparisons, per operation, format and rounding mode, against the exact
//     BigInt reference in fpu-ref.ts (bits and fflags must match exactly);
//   * randomized round-to-nearest comparisons against plain JS double / Math.fround math;
//   * decoding: illegal encodings are refused without touching any state.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Fpu, rtype, r4, DYN, FMADD, FMSUB, FNMSUB, FNMADD, FADD, FMUL, FSGNJ, FMINMAX,
  FCVT_FF, FSQRT, FCMP, FCVT_IF, FCVT_FI, FMV_X_CLASS, FMV_F_X,
} from "./fpu-harness.js";
import { NX, UF, OF, DZ, NV, RNE, RTZ, RDN, RUP, RMM, F64 } from "./fpu-ref.js";
import type { Res } from "./fpu-ref.js";
import {
  MODE_NAMES, d2b, b2d, f2b, b2f, box, hex, D, S, KD, KS, isD, arg, flagStr, ins, Rng, randVal,
  expOf, regOf, buildCases,
} from "./fpu-gen.js";
import type { Kind, Case } from "./fpu-gen.js";

const fpu = new Fpu();

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

function expectF(_k: Kind, what: string, got: [bigint, number], want: Res | [bigint, number]) {
  const [wb, wf] = Array.isArray(want) ? want : [want.bits, want.flags];
  if (got[0] !== wb || got[1] !== wf) {
    assert.fail(`${what}: got ${hex(got[0])} ${flagStr(got[1])}, want ${hex(wb)} ${flagStr(wf)}`);
  }
}

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
  // near the top of the range (plain TwoSum would overflow in its intermediates)
  expectF(KD, "a-MAX RUP", add(KD, RUP, 0x7fdcb608328acaf7n, D.max | D.nz), [0xffe1a4fbe6ba9a83n, NX]);
  expectF(KD, "a-MAX RDN", add(KD, RDN, 0x7fdcb608328acaf7n, D.max | D.nz), [0xffe1a4fbe6ba9a84n, NX]);
  expectF(KD, "a-MAX RTZ", sub(KD, RTZ, 0x7fdebfffffffffffn, D.max), [0xffe09fffffffffffn, NX]);
  expectF(KD, "MAX-a RDN", sub(KD, RDN, D.max, 0x7fdebfffffffffffn), [0x7fe09fffffffffffn, NX]);
  expectF(KD, "MAX-a RNE", sub(KD, RNE, D.max, 0x7fdebfffffffffffn), [0x7fe0a00000000000n, NX]);
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
  // (1+2^-12)^2 = 1 + 2^-11 + 2^-24 is a binary32 midpoint; a tiny c must break the tie
  // (a binary64 intermediate would round it away and then tie to even).
  expectF(KS, "S midpoint + tiny", fma(FMADD, KS, RNE, as, as, f2b(2 ** -60)), [f2b(1 + 2 ** -11) + 1n, NX]);
  expectF(KS, "S midpoint - tiny", fma(FMADD, KS, RNE, as, as, f2b(-(2 ** -60))), [f2b(1 + 2 ** -11), NX]);
  expectF(KS, "S midpoint RMM", fma(FMADD, KS, RMM, as, as, 0n), [f2b(1 + 2 ** -11) + 1n, NX]);
  expectF(KS, "S midpoint RNE", fma(FMADD, KS, RNE, as, as, 0n), [f2b(1 + 2 ** -11), NX]);
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

const N = Number(process.env.FPU_RANDOM_N ?? 2000);


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
        const [reg, e] = regOf(r, src, v);
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

let seed = 1;
for (const c of buildCases()) {
  const s = seed++;
  test(`random ${c.name} vs exact reference`, () => runRandom(c, s));
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
