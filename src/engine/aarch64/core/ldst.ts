// Loads and stores of general-purpose registers, every addressing mode: unsigned offset, unscaled
// (LDUR/STUR) and unprivileged (LDTR/STTR: the same while there is no EL0), pre- and post-index,
// register offset with extend/shift, PC-relative literal, and pairs (LDP/STP/LDPSW/LDNP/STNP).
// Sizes 8 to 64 bits, zero- or sign-extended to 32 or 64 bits. PRFM is a no-op.
// The exclusive and acquire/release forms are exclusive.ts's; LSE atomics and SIMD&FP are not implemented yet.
import { MMIO_SIGNED, MMIO_W, FATAL_MMIO_FORM } from "../layout";
import { EXIT_MMIO_LOAD, EXIT_MMIO_STORE } from "../../exit";
import { pc, setPc, xr, xs, setXr, setXs, fatal, CONTINUE } from "./state";
import { undefinedInsn, TAKEN } from "./exception";
import { extendReg } from "./alu";
import { recordMmio } from "./memory";
import { xlateData, readAt, writeAt, physAddr, XL_FAULT, XL_MMIO } from "./access";
import { execExclusive } from "./exclusive";

@inline function sext(v: u32, bits: u32): i64 {
  return <i64>(<i32>(v << (32 - bits)) >> (32 - bits));
}

/** Sign-extend a loaded `size`-byte value to 64 bits. */
@inline function signExtend(v: u64, size: u32): u64 {
  if (size == 1) return <u64><i64><i8>v;
  if (size == 2) return <u64><i64><i16>v;
  if (size == 4) return <u64><i64><i32>v;
  return v;
}

export function execLoadStore(insn: u32): i32 {
  if ((insn >> 26) & 1) return undefinedInsn(insn); // SIMD&FP registers
  const op = (insn >> 27) & 7; // bits 29:27
  if (op == 3) return loadLiteral(insn); // x011: bits 29:28 = 01, bit 27 = 1
  if (op == 5) return pair(insn); // bits 29:27 = 101
  if (op == 7) return single(insn); // bits 29:27 = 111
  if (((insn >> 24) & 0x3f) == 0x08) return execExclusive(insn); // bits 29:24 = 001000
  return undefinedInsn(insn); // LDAPR/STLUR (RCpc), tags, ...
}

/** A single register's load or store of `size` bytes at `addr`; opc as in the encoding (00 store, 01 load, 1x signed). */
function access(insn: u32, rt: u32, addr: u64, size: u32, opc: u32): i32 {
  const x = xlateData(addr, size, opc == 0);
  if (x == XL_FAULT) return TAKEN;
  if (opc == 0) {
    const v = xr(rt);
    if (x == XL_MMIO) {
      recordMmio(insn, physAddr, size, size == 8 ? v : v & ((<u64>1 << (size << 3)) - 1), 31, 0);
      setPc(pc + 4);
      return EXIT_MMIO_STORE;
    }
    writeAt(x, 0, size, v);
    return CONTINUE;
  }
  // opc 01: zero-extend; 10: sign-extend to 64 bits; 11: sign-extend to 32 bits.
  const signed = opc >= 2;
  const w = opc == 3 || (opc == 1 && size < 8);
  if (x == XL_MMIO) {
    recordMmio(insn, physAddr, size, 0, rt, (signed ? MMIO_SIGNED : 0) | (w ? MMIO_W : 0));
    setPc(pc + 4);
    return EXIT_MMIO_LOAD;
  }
  let v = readAt(x, 0, size);
  if (signed) v = signExtend(v, size);
  if (opc == 3) v &= 0xffffffff;
  setXr(rt, v);
  return CONTINUE;
}

function loadLiteral(insn: u32): i32 {
  const opc = insn >> 30;
  if (opc == 3) { // PRFM (literal)
    setPc(pc + 4);
    return CONTINUE;
  }
  const addr = pc + <u64>(sext((insn >> 5) & 0x7ffff, 19) << 2);
  const r = access(insn, insn & 31, addr, opc == 0 ? 4 : opc == 1 ? 8 : 4, opc == 2 ? 2 : 1);
  if (r == CONTINUE) setPc(pc + 4);
  return r;
}

function single(insn: u32): i32 {
  const sizeLog = insn >> 30;
  const opc = (insn >> 22) & 3;
  const rt = insn & 31;
  const rn = (insn >> 5) & 31;
  // PRFM / PRFUM (size 11, opc 10): no-ops; size 10 opc 11 and size 11 opc 11 are unallocated.
  if (sizeLog == 3 && opc == 2) {
    const mode = (insn >> 10) & 3;
    const prfm = ((insn >> 24) & 1) != 0 || (((insn >> 21) & 1) != 0 ? mode == 2 : mode == 0);
    if (!prfm) return undefinedInsn(insn); // LSE atomics and unallocated forms share these bits
    setPc(pc + 4);
    return CONTINUE;
  }
  if (sizeLog >= 2 && opc == 3) return undefinedInsn(insn);
  const size: u32 = 1 << sizeLog;
  let addr: u64;
  let wback = false;
  let post = false;
  let newBase: u64 = 0;
  if ((insn >> 24) & 1) { // unsigned offset, scaled
    addr = xs(rn) + (<u64>((insn >> 10) & 0xfff) << sizeLog);
  } else if ((insn >> 21) & 1) {
    if (((insn >> 10) & 3) != 2) return undefinedInsn(insn); // atomic memory operations (LSE), PAC loads
    const option = (insn >> 13) & 7;
    if ((option & 2) == 0) return undefinedInsn(insn);
    addr = xs(rn) + extendReg((insn >> 16) & 31, option, ((insn >> 12) & 1) ? sizeLog : 0);
  } else {
    const imm = <u64>sext((insn >> 12) & 0x1ff, 9);
    const mode = (insn >> 10) & 3; // 00 unscaled, 01 post-index, 10 unprivileged, 11 pre-index
    const base = xs(rn);
    if (mode == 1) {
      addr = base;
      wback = post = true;
      newBase = base + imm;
    } else {
      addr = base + imm;
      if (mode == 3) {
        wback = true;
        newBase = addr;
      }
    }
  }
  // The base is written back before an MMIO exit (the VMM completes only the register transfer),
  // never after a fault (the instruction did not happen).
  if (wback) {
    const r = access(insn, rt, addr, size, opc);
    if (r != TAKEN) setXs(rn, newBase);
    if (r == CONTINUE) setPc(pc + 4);
    return r;
  }
  const r = access(insn, rt, addr, size, opc);
  if (r == CONTINUE) setPc(pc + 4);
  return r;
}

function pair(insn: u32): i32 {
  const opc = insn >> 30;
  const load = (insn >> 22) & 1;
  const mode = (insn >> 23) & 3; // 00 no-allocate (offset), 01 post-index, 10 offset, 11 pre-index
  if (opc == 3 || (opc == 1 && !load)) return undefinedInsn(insn); // STGP (MTE)
  const signed = opc == 1; // LDPSW
  const sizeLog: u32 = opc == 2 ? 3 : 2;
  const size: u32 = 1 << sizeLog;
  const rt = insn & 31;
  const rt2 = (insn >> 10) & 31;
  const rn = (insn >> 5) & 31;
  const offset = <u64>(sext((insn >> 15) & 0x7f, 7) << sizeLog);
  const base = xs(rn);
  const addr = mode == 1 ? base : base + offset;
  const x = xlateData(addr, size << 1, !load);
  if (x == XL_FAULT) return TAKEN;
  if (x == XL_MMIO) return fatal(FATAL_MMIO_FORM, insn, physAddr);
  if (load) {
    let v1 = readAt(x, 0, size);
    let v2 = readAt(x, size, size);
    if (signed) {
      v1 = signExtend(v1, 4);
      v2 = signExtend(v2, 4);
    }
    setXr(rt, v1);
    setXr(rt2, v2);
  } else {
    writeAt(x, 0, size, xr(rt));
    writeAt(x, size, size, xr(rt2));
  }
  if (mode == 1 || mode == 3) setXs(rn, base + offset);
  setPc(pc + 4);
  return CONTINUE;
}
