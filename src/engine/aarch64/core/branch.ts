// Branches and exception generation: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET, ERET; SVC and
// BRK (exceptions to EL1), HVC (a call into tsvisor). The system instructions are sysreg.ts's.
import { C_EXIT_PC, C_EXIT_INSN, C_EXIT_DATA, C_EL } from "../layout";
import { EXIT_ECALL_S } from "../../exit";
import { cpu, pc, nzcv, setPc, xr, setXr, CONTINUE } from "./state";
import { conditionHolds } from "./alu";
import { takeException, undefinedInsn, exceptionReturn, EC_SVC64, EC_BRK64 } from "./exception";
import { execSystem } from "./sysreg";

/** Sign-extend the low `bits` bits of v. */
@inline function sext(v: u32, bits: u32): i64 {
  return <i64>(<i32>(v << (32 - bits)) >> (32 - bits));
}

export function execBranch(insn: u32): i32 {
  const top = insn >> 24;
  if ((insn & 0x7c000000) == 0x14000000) { // B, BL
    if (insn >> 31) setXr(30, pc + 4);
    setPc(pc + <u64>(sext(insn & 0x3ffffff, 26) << 2));
    return CONTINUE;
  }
  if ((insn & 0x7e000000) == 0x34000000) { // CBZ, CBNZ
    const sf = insn >> 31;
    let v = xr(insn & 31);
    if (!sf) v &= 0xffffffff;
    const nz = (insn >> 24) & 1;
    const taken = nz ? v != 0 : v == 0;
    setPc(taken ? pc + <u64>(sext((insn >> 5) & 0x7ffff, 19) << 2) : pc + 4);
    return CONTINUE;
  }
  if ((insn & 0x7e000000) == 0x36000000) { // TBZ, TBNZ
    const bit = ((insn >> 26) & 32) | ((insn >> 19) & 31);
    const set = ((xr(insn & 31) >> bit) & 1) != 0;
    const taken = (insn >> 24) & 1 ? set : !set;
    setPc(taken ? pc + <u64>(sext((insn >> 5) & 0x3fff, 14) << 2) : pc + 4);
    return CONTINUE;
  }
  if (top == 0x54) { // B.cond (bit 4 set: BC.cond, FEAT_HBC, not implemented)
    if (insn & 0x10) return undefinedInsn(insn);
    setPc(conditionHolds(insn & 15, nzcv) ? pc + <u64>(sext((insn >> 5) & 0x7ffff, 19) << 2) : pc + 4);
    return CONTINUE;
  }
  if (top == 0xd6) return branchRegister(insn);
  if (top == 0xd4) return exceptionGen(insn);
  if (top == 0xd5) return execSystem(insn);
  return undefinedInsn(insn);
}

function branchRegister(insn: u32): i32 {
  if (insn == 0xd69f03e0) return load<u32>(cpu + C_EL) == 0 ? undefinedInsn(insn) : exceptionReturn(); // ERET
  // BR, BLR, RET: opc in bits 24:21, op2 = 11111, op3 = 0, op4 = 0; the pointer-authentication forms are not implemented.
  if ((insn & 0xff9ffc1f) != 0xd61f0000 || ((insn >> 21) & 3) == 3) return undefinedInsn(insn);
  const target = xr((insn >> 5) & 31);
  if (((insn >> 21) & 3) == 1) setXr(30, pc + 4); // BLR
  setPc(target);
  return CONTINUE;
}

function exceptionGen(insn: u32): i32 {
  const opc = (insn >> 21) & 7;
  const ll = insn & 0x1f;
  const imm = (insn >> 5) & 0xffff;
  const el = load<u32>(cpu + C_EL);
  if (opc == 0 && ll == 1) return takeException(EC_SVC64, imm, pc + 4, 0, false); // SVC: returns after it
  if (opc == 0 && ll == 2 && el == 1) { // HVC: tsvisor plays EL2; the guest resumes after it (the exception's return address)
    store<u64>(cpu + C_EXIT_PC, pc);
    store<u32>(cpu + C_EXIT_INSN, insn);
    store<u64>(cpu + C_EXIT_DATA, imm);
    setPc(pc + 4);
    return EXIT_ECALL_S;
  }
  if (opc == 1 && ll == 0) return takeException(EC_BRK64, imm, pc, 0, false); // BRK: returns to it
  // HVC from EL0, SMC (no EL3), HLT (no halting debug), DCPS*: UNDEFINED.
  return undefinedInsn(insn);
}
