// Data processing — register: logical and ADD/SUB (shifted register), ADD/SUB (extended register),
// ADC/SBC, conditional compare, conditional select, 1- and 2-source (RBIT, REV*, CLZ, CLS,
// UDIV/SDIV, variable shifts) and 3-source (MADD/MSUB, widening multiplies, UMULH/SMULH).
import { nzcv, setNzcv, xr, xs, setXr, setXs, sized, CONTINUE, C_BIT } from "./state";
import { undefinedInsn } from "./exception";
import { addWithCarry, addFlags, logicFlags, conditionHolds, shiftValue, extendReg, umulh, smulh } from "./alu";

export function execDpReg(insn: u32): i32 {
  const sf = insn >> 31;
  const rd = insn & 31;
  const rn = (insn >> 5) & 31;
  const rm = (insn >> 16) & 31;
  if (((insn >> 28) & 1) == 0) {
    if (((insn >> 24) & 1) == 0) return logicalShifted(insn, sf, rd, rn, rm);
    return ((insn >> 21) & 1) == 0 ? addSubShifted(insn, sf, rd, rn, rm) : addSubExtended(insn, sf, rd, rn, rm);
  }
  const op2 = (insn >> 21) & 15;
  if (op2 == 0) return addSubCarry(insn, sf, rd, rn, rm);
  if (op2 == 2) return condCompare(insn, sf, rn, rm);
  if (op2 == 4) return condSelect(insn, sf, rd, rn, rm);
  if (op2 == 6) return ((insn >> 30) & 1) != 0 ? oneSource(insn, sf, rd, rn) : twoSource(insn, sf, rd, rn, rm);
  if (op2 >= 8) return threeSource(insn, sf, rd, rn, rm);
  return undefinedInsn(insn);
}

function logicalShifted(insn: u32, sf: u32, rd: u32, rn: u32, rm: u32): i32 {
  const amount = (insn >> 10) & 63;
  if (!sf && amount >= 32) return undefinedInsn(insn);
  let b = shiftValue(sf, xr(rm), (insn >> 22) & 3, amount);
  if ((insn >> 21) & 1) b = ~b; // BIC, ORN, EON, BICS
  const a = xr(rn);
  let r: u64;
  const opc = (insn >> 29) & 3;
  if (opc == 0 || opc == 3) r = a & b;
  else if (opc == 1) r = a | b;
  else r = a ^ b;
  r = sized(sf, r);
  if (opc == 3) setNzcv(logicFlags(sf, r));
  setXr(rd, r);
  return CONTINUE;
}

function addSub(insn: u32, sf: u32, a: u64, b: u64): u64 {
  return ((insn >> 30) & 1) != 0 ? addWithCarry(sf, a, ~b, 1) : addWithCarry(sf, a, b, 0);
}

function addSubShifted(insn: u32, sf: u32, rd: u32, rn: u32, rm: u32): i32 {
  const type = (insn >> 22) & 3;
  const amount = (insn >> 10) & 63;
  if (type == 3 || (!sf && amount >= 32)) return undefinedInsn(insn);
  const r = addSub(insn, sf, xr(rn), shiftValue(sf, xr(rm), type, amount));
  if ((insn >> 29) & 1) setNzcv(addFlags);
  setXr(rd, r);
  return CONTINUE;
}

function addSubExtended(insn: u32, sf: u32, rd: u32, rn: u32, rm: u32): i32 {
  const shift = (insn >> 10) & 7;
  if (shift > 4 || ((insn >> 22) & 3) != 0) return undefinedInsn(insn);
  const r = addSub(insn, sf, xs(rn), extendReg(rm, (insn >> 13) & 7, shift));
  if ((insn >> 29) & 1) {
    setNzcv(addFlags);
    setXr(rd, r);
  } else {
    setXs(rd, r);
  }
  return CONTINUE;
}

function addSubCarry(insn: u32, sf: u32, rd: u32, rn: u32, rm: u32): i32 {
  if (((insn >> 10) & 63) != 0) return undefinedInsn(insn); // RMIF, SETF (FEAT_FlagM)
  const c: u64 = (nzcv & C_BIT) != 0 ? 1 : 0;
  const b = xr(rm);
  const r = ((insn >> 30) & 1) != 0 ? addWithCarry(sf, xr(rn), ~b, c) : addWithCarry(sf, xr(rn), b, c);
  if ((insn >> 29) & 1) setNzcv(addFlags);
  setXr(rd, r);
  return CONTINUE;
}

function condCompare(insn: u32, sf: u32, rn: u32, rm: u32): i32 {
  // S must be 1, o2 (bit 10) and o3 (bit 4) 0.
  if (((insn >> 29) & 1) == 0 || (insn & 0x410) != 0) return undefinedInsn(insn);
  if (conditionHolds((insn >> 12) & 15, nzcv)) {
    const b: u64 = ((insn >> 11) & 1) != 0 ? <u64>rm : xr(rm); // bit 11: the immediate form (imm5 in Rm's place)
    addSub(insn, sf, xr(rn), b);
    setNzcv(addFlags);
  } else {
    setNzcv((insn & 15) << 28);
  }
  return CONTINUE;
}

function condSelect(insn: u32, sf: u32, rd: u32, rn: u32, rm: u32): i32 {
  const op2 = (insn >> 10) & 3;
  if (((insn >> 29) & 1) != 0 || op2 > 1) return undefinedInsn(insn);
  let r: u64;
  if (conditionHolds((insn >> 12) & 15, nzcv)) {
    r = xr(rn);
  } else {
    r = xr(rm);
    const op = (insn >> 30) & 1;
    if (op) r = ~r; // CSINV, CSNEG
    if (op2) r += 1; // CSINC, CSNEG
  }
  setXr(rd, sized(sf, r));
  return CONTINUE;
}

function oneSource(insn: u32, sf: u32, rd: u32, rn: u32): i32 {
  if (((insn >> 16) & 31) != 0 || ((insn >> 29) & 1) != 0) return undefinedInsn(insn); // opcode2, S
  const v = xr(rn);
  let r: u64;
  switch ((insn >> 10) & 63) {
    case 0: r = sf ? bitReverse(v) : bitReverse(v) >> 32; break; // RBIT
    case 1: r = ((v & 0x00ff00ff00ff00ff) << 8) | ((v >> 8) & 0x00ff00ff00ff00ff); break; // REV16
    case 2: r = sf ? rev32Each(v) : <u64>bswap<u32>(<u32>v); break; // REV32 / REV (32-bit)
    case 3: if (!sf) return undefinedInsn(insn); r = bswap<u64>(v); break; // REV
    case 4: r = sf ? clz<u64>(v) : <u64>clz<u32>(<u32>v); break; // CLZ
    case 5: // CLS: leading bits equal to the sign bit, not counting it
      r = sf ? clz<u64>(v ^ <u64>(<i64>v >> 1)) - 1 : <u64>(clz<u32>(<u32>v ^ <u32>(<i32><u32>v >> 1)) - 1);
      break;
    default: return undefinedInsn(insn);
  }
  setXr(rd, sized(sf, r));
  return CONTINUE;
}

function bitReverse(v: u64): u64 {
  v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1);
  v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0f) | ((v & 0x0f0f0f0f0f0f0f0f) << 4);
  return bswap<u64>(v);
}

function rev32Each(v: u64): u64 {
  return (<u64>bswap<u32>(<u32>(v >> 32)) << 32) | <u64>bswap<u32>(<u32>v);
}

function twoSource(insn: u32, sf: u32, rd: u32, rn: u32, rm: u32): i32 {
  if (((insn >> 29) & 1) != 0) return undefinedInsn(insn);
  const a = xr(rn);
  const b = xr(rm);
  let r: u64;
  switch ((insn >> 10) & 63) {
    case 2: // UDIV: division by zero gives 0
      if (sf) r = b == 0 ? 0 : a / b;
      else r = (b & 0xffffffff) == 0 ? 0 : <u64>(<u32>a / <u32>b);
      break;
    case 3: // SDIV: by zero gives 0, the most negative value by -1 gives itself (wasm would trap on both)
      if (sf) r = b == 0 ? 0 : (a == 0x8000000000000000 && b == <u64>-1) ? a : <u64>(<i64>a / <i64>b);
      else {
        const x = <i32>a, y = <i32>b;
        r = y == 0 ? 0 : (x == i32.MIN_VALUE && y == -1) ? <u64><u32>x : <u64><u32>(x / y);
      }
      break;
    case 8: r = shiftValue(sf, a, 0, <u32>b & (sf ? 63 : 31)); break; // LSLV
    case 9: r = shiftValue(sf, a, 1, <u32>b & (sf ? 63 : 31)); break; // LSRV
    case 10: r = shiftValue(sf, a, 2, <u32>b & (sf ? 63 : 31)); break; // ASRV
    case 11: r = shiftValue(sf, a, 3, <u32>b & (sf ? 63 : 31)); break; // RORV
    default: return undefinedInsn(insn); // CRC32*, PAC, MTE, FEAT_CSSC
  }
  setXr(rd, sized(sf, r));
  return CONTINUE;
}

function threeSource(insn: u32, sf: u32, rd: u32, rn: u32, rm: u32): i32 {
  if (((insn >> 29) & 3) != 0) return undefinedInsn(insn);
  const op31 = (insn >> 21) & 7;
  const o0 = (insn >> 15) & 1;
  const ra = (insn >> 10) & 31;
  const a = xr(rn);
  const b = xr(rm);
  let r: u64;
  if (op31 == 0) { // MADD, MSUB
    const p = a * b;
    r = o0 ? xr(ra) - p : xr(ra) + p;
    setXr(rd, sized(sf, r));
    return CONTINUE;
  }
  if (!sf) return undefinedInsn(insn);
  switch (op31) {
    case 1: { // SMADDL, SMSUBL
      const p = <u64>(<i64><i32>a * <i64><i32>b);
      r = o0 ? xr(ra) - p : xr(ra) + p;
      break;
    }
    case 5: { // UMADDL, UMSUBL
      const p = (a & 0xffffffff) * (b & 0xffffffff);
      r = o0 ? xr(ra) - p : xr(ra) + p;
      break;
    }
    case 2: if (o0 || ra != 31) return undefinedInsn(insn); r = smulh(a, b); break;
    case 6: if (o0 || ra != 31) return undefinedInsn(insn); r = umulh(a, b); break;
    default: return undefinedInsn(insn);
  }
  setXr(rd, r);
  return CONTINUE;
}
