// RISC-V F and D extensions: OP-FP (0x53) and the fused multiply-adds
// (0x43 FMADD, 0x47 FMSUB, 0x4B FNMSUB, 0x4F FNMADD). FP loads/stores and the fcsr CSRs
// live in exec.ts / csr.ts.
//
// Written from the RISC-V unprivileged spec (F, D chapters) and IEEE 754-2008.
// Single-precision values sit NaN-boxed in the 64-bit f registers: an operand whose upper
// 32 bits are not all ones reads as the canonical NaN, and results are written boxed.
// NaN results are always canonical, except for sign injection and moves (bit copies).
//
// The work is split as: fpu-round.ts (rounding modes, flags, software rounder),
// fpu-arith.ts (add/mul/div/sqrt/fma), fpu-cvt.ts (conversions); this file decodes and
// implements the bit-level operations (sign injection, min/max, compare, classify, moves).
import { getX, setX, getF, setF, getFrm, getFcsr, raiseFflags, FFLAG_NV } from "./state";
import { SIGN_D, CNAN_D, SIGN_S, CNAN_S, flags, beginOp, raise } from "./fpu-round";
import { addD, mulD, divD, sqrtD, fmaD, addS, mulS, divS, sqrtS, fmaS } from "./fpu-arith";
import { cvtToInt, cvtFromInt, cvtDtoS, cvtStoD } from "./fpu-cvt";

const BOX: u64 = 0xffffffff00000000;
const QUIET_D: u64 = 0x0008000000000000;
const QUIET_S: u32 = 0x00400000;

@inline function unbox(v: u64): u32 {
  return (v >> 32) == 0xffffffff ? <u32>v : CNAN_S;
}
@inline function getS(r: u32): u32 {
  return unbox(getF(r));
}
@inline function setS(r: u32, v: u32): void {
  setF(r, BOX | <u64>v);
}
@inline function widen(u: u32): f64 {
  return <f64>reinterpret<f32>(u);
}
@inline function isNaND(b: u64): bool {
  return (b << 1) > 0xffe0000000000000;
}
@inline function isSNaND(b: u64): bool {
  return isNaND(b) && (b & QUIET_D) == 0;
}
@inline function isNaNS(u: u32): bool {
  return (u << 1) > 0xff000000;
}
@inline function isSNaNS(u: u32): bool {
  return isNaNS(u) && (u & QUIET_S) == 0;
}
@inline function isInfD(b: u64): bool {
  return (b << 1) == 0xffe0000000000000;
}
@inline function isInfS(u: u32): bool {
  return (u << 1) == 0xff000000;
}
@inline function isZeroD(b: u64): bool {
  return (b << 1) == 0;
}
@inline function isZeroS(u: u32): bool {
  return (u << 1) == 0;
}

// Accrue the instruction's flags into fcsr (skipping the write when they are all set already).
@inline function commitFlags(): void {
  const f = flags;
  if (f != 0 && (getFcsr() & f) != f) raiseFflags(f);
}

// Resolve the rm field (7 = dynamic, from frm) and start an instruction; false if reserved.
@inline function useRm(f3: u32): bool {
  const rm = f3 == 7 ? getFrm() : f3;
  if (rm > 4) return false;
  beginOp(rm);
  return true;
}

// FMIN/FMAX (IEEE 754-2008 minNum/maxNum, -0 < +0): a NaN operand is ignored unless
// both are NaN (then the canonical NaN); signaling NaNs raise NV.
function minMaxD(a: u64, b: u64, max: bool): u64 {
  const na = isNaND(a), nb = isNaND(b);
  if (na || nb) {
    if (isSNaND(a) || isSNaND(b)) raise(FFLAG_NV);
    if (na && nb) return CNAN_D;
    return na ? b : a;
  }
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x == y) return max ? a & b : a | b; // equal: only ±0 pairs differ in bits
  return (x < y) != max ? a : b;
}
function minMaxS(a: u32, b: u32, max: bool): u32 {
  const na = isNaNS(a), nb = isNaNS(b);
  if (na || nb) {
    if (isSNaNS(a) || isSNaNS(b)) raise(FFLAG_NV);
    if (na && nb) return CNAN_S;
    return na ? b : a;
  }
  const x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x == y) return max ? a & b : a | b;
  return (x < y) != max ? a : b;
}

// FEQ (quiet: NV only for signaling NaNs), FLT/FLE (signaling: NV for any NaN).
// f3: 0 = FLE, 1 = FLT, 2 = FEQ.
function compareD(a: u64, b: u64, f3: u32): u64 {
  if (isNaND(a) || isNaND(b)) {
    if (f3 != 2 || isSNaND(a) || isSNaND(b)) raise(FFLAG_NV);
    return 0;
  }
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  return (f3 == 2 ? x == y : f3 == 1 ? x < y : x <= y) ? 1 : 0;
}
function compareS(a: u32, b: u32, f3: u32): u64 {
  if (isNaNS(a) || isNaNS(b)) {
    if (f3 != 2 || isSNaNS(a) || isSNaNS(b)) raise(FFLAG_NV);
    return 0;
  }
  const x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  return (f3 == 2 ? x == y : f3 == 1 ? x < y : x <= y) ? 1 : 0;
}

// FCLASS: one-hot 10-bit mask.
// 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal, 6 +normal, 7 +inf, 8 sNaN, 9 qNaN.
function classify(neg: bool, expMax: bool, expZero: bool, fracZero: bool, quiet: bool): u64 {
  if (expMax) {
    if (!fracZero) return quiet ? 1 << 9 : 1 << 8;
    return neg ? 1 << 0 : 1 << 7;
  }
  if (expZero) {
    if (fracZero) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}
@inline function classD(b: u64): u64 {
  const E = (b >> 52) & 0x7ff;
  return classify((b >> 63) != 0, E == 0x7ff, E == 0, (b & 0x000fffffffffffff) == 0, (b & QUIET_D) != 0);
}
@inline function classS(u: u32): u64 {
  const E = (u >> 23) & 0xff;
  return classify((u >> 31) != 0, E == 0xff, E == 0, (u & 0x007fffff) == 0, (u & QUIET_S) != 0);
}

// Executes one OP-FP (opcode 0x53) or fused multiply-add (0x43 FMADD, 0x47 FMSUB,
// 0x4B FNMSUB, 0x4F FNMADD) instruction for F and D. The caller has already checked that
// sstatus.FS != Off. Returns false if the encoding is illegal (unknown funct, reserved
// rounding mode, or dynamic rounding with an invalid frm); then nothing was changed.
export function execFp(insn: u32): bool {
  const op = insn & 0x7f;
  const rd = (insn >> 7) & 31;
  const f3 = (insn >> 12) & 7;
  const rs1 = (insn >> 15) & 31;
  const rs2 = (insn >> 20) & 31;
  const fmt = (insn >> 25) & 3;
  if (fmt > 1) return false; // H and Q are not implemented
  const dbl = fmt == 1;

  if (op != 0x53) {
    if ((op & 0x73) != 0x43) return false; // 0x43, 0x47, 0x4b, 0x4f
    if (!useRm(f3)) return false;
    const rs3 = insn >> 27;
    // FMSUB negates c, FNMSUB negates the product, FNMADD negates both.
    const negP = op == 0x4b || op == 0x4f;
    const negC = op == 0x47 || op == 0x4f;
    if (dbl) {
      const a = getF(rs1), b = getF(rs2), c = getF(rs3);
      let r: u64;
      if (isNaND(a) || isNaND(b) || isNaND(c)) {
        // NV for signaling NaNs, and for inf * 0 even when the addend is a quiet NaN.
        if (isSNaND(a) || isSNaND(b) || isSNaND(c) ||
            (isInfD(a) && isZeroD(b)) || (isZeroD(a) && isInfD(b))) raise(FFLAG_NV);
        r = CNAN_D;
      } else {
        r = fmaD(negP ? a ^ SIGN_D : a, b, negC ? c ^ SIGN_D : c);
      }
      setF(rd, r);
    } else {
      const a = getS(rs1), b = getS(rs2), c = getS(rs3);
      let r: u32;
      if (isNaNS(a) || isNaNS(b) || isNaNS(c)) {
        if (isSNaNS(a) || isSNaNS(b) || isSNaNS(c) ||
            (isInfS(a) && isZeroS(b)) || (isZeroS(a) && isInfS(b))) raise(FFLAG_NV);
        r = CNAN_S;
      } else {
        r = fmaS(widen(negP ? a ^ SIGN_S : a), widen(b), widen(negC ? c ^ SIGN_S : c));
      }
      setS(rd, r);
    }
    commitFlags();
    return true;
  }

  const f5 = insn >> 27;
  switch (f5) {
    case 0: // FADD
    case 1: // FSUB
    case 2: // FMUL
    case 3: { // FDIV
      if (!useRm(f3)) return false;
      if (dbl) {
        const a = getF(rs1);
        let b = getF(rs2);
        let r: u64;
        if (isNaND(a) || isNaND(b)) {
          if (isSNaND(a) || isSNaND(b)) raise(FFLAG_NV);
          r = CNAN_D;
        } else if (f5 == 0) r = addD(a, b);
        else if (f5 == 1) r = addD(a, b ^ SIGN_D);
        else if (f5 == 2) r = mulD(a, b);
        else r = divD(a, b);
        setF(rd, r);
      } else {
        const a = getS(rs1), b = getS(rs2);
        let r: u32;
        if (isNaNS(a) || isNaNS(b)) {
          if (isSNaNS(a) || isSNaNS(b)) raise(FFLAG_NV);
          r = CNAN_S;
        } else if (f5 == 0) r = addS(widen(a), widen(b));
        else if (f5 == 1) r = addS(widen(a), -widen(b));
        else if (f5 == 2) r = mulS(widen(a), widen(b));
        else r = divS(widen(a), widen(b));
        setS(rd, r);
      }
      break;
    }
    case 11: { // FSQRT
      if (rs2 != 0 || !useRm(f3)) return false;
      if (dbl) {
        const a = getF(rs1);
        let r: u64;
        if (isNaND(a)) {
          if (isSNaND(a)) raise(FFLAG_NV);
          r = CNAN_D;
        } else r = sqrtD(a);
        setF(rd, r);
      } else {
        const a = getS(rs1);
        let r: u32;
        if (isNaNS(a)) {
          if (isSNaNS(a)) raise(FFLAG_NV);
          r = CNAN_S;
        } else r = sqrtS(widen(a));
        setS(rd, r);
      }
      break;
    }
    case 4: { // FSGNJ, FSGNJN, FSGNJX
      if (f3 > 2) return false;
      beginOp(0);
      if (dbl) {
        const a = getF(rs1), b = getF(rs2);
        const s = f3 == 0 ? b : f3 == 1 ? ~b : a ^ b;
        setF(rd, (a & ~SIGN_D) | (s & SIGN_D));
      } else {
        const a = getS(rs1), b = getS(rs2);
        const s = f3 == 0 ? b : f3 == 1 ? ~b : a ^ b;
        setS(rd, (a & ~SIGN_S) | (s & SIGN_S));
      }
      return true;
    }
    case 5: { // FMIN, FMAX
      if (f3 > 1) return false;
      beginOp(0);
      if (dbl) setF(rd, minMaxD(getF(rs1), getF(rs2), f3 == 1));
      else setS(rd, minMaxS(getS(rs1), getS(rs2), f3 == 1));
      break;
    }
    case 8: { // FCVT.S.D (fmt S, rs2 = D), FCVT.D.S (fmt D, rs2 = S)
      if (rs2 != (dbl ? 0 : 1) || !useRm(f3)) return false;
      if (dbl) setF(rd, cvtStoD(getS(rs1)));
      else setS(rd, cvtDtoS(getF(rs1)));
      break;
    }
    case 20: { // FLE, FLT, FEQ
      if (f3 > 2) return false;
      beginOp(0);
      setX(rd, dbl ? compareD(getF(rs1), getF(rs2), f3) : compareS(getS(rs1), getS(rs2), f3));
      break;
    }
    case 24: { // FCVT.{W,WU,L,LU}.{S,D}
      if (rs2 > 3 || !useRm(f3)) return false;
      const src = dbl ? getF(rs1) : reinterpret<u64>(widen(getS(rs1)));
      setX(rd, cvtToInt(src, rs2));
      break;
    }
    case 26: { // FCVT.{S,D}.{W,WU,L,LU}
      if (rs2 > 3 || !useRm(f3)) return false;
      const r = cvtFromInt(getX(rs1), rs2, dbl);
      if (dbl) setF(rd, r);
      else setS(rd, <u32>r);
      break;
    }
    case 28: { // FMV.X.{W,D} (f3 = 0), FCLASS (f3 = 1)
      if (rs2 != 0 || f3 > 1) return false;
      if (f3 == 0) setX(rd, dbl ? getF(rs1) : <u64><i64><i32><u32>getF(rs1));
      else setX(rd, dbl ? classD(getF(rs1)) : classS(getS(rs1)));
      return true;
    }
    case 30: { // FMV.{W,D}.X
      if (rs2 != 0 || f3 != 0) return false;
      const x = getX(rs1);
      if (dbl) setF(rd, x);
      else setS(rd, <u32>x);
      return true;
    }
    default:
      return false;
  }
  commitFlags();
  return true;
}
