// Branches, exception generation and system instructions: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ,
// BR/BLR/RET; HVC (a call into tsvisor); hints and barriers; MRS/MSR of the registers this core
// has so far (NZCV, CurrentEL, ...). Anything else stops the vCPU with its encoding.
import { C_EXIT_PC, C_EXIT_INSN, C_EXIT_DATA, C_EL, FATAL_EXCEPTION, FATAL_SYSREG } from "../layout";
import { EXIT_ECALL_S } from "../../exit";
import { cpu, pc, nzcv, setPc, setNzcv, xr, setXr, fatal, unimplemented, CONTINUE } from "./state";
import { conditionHolds } from "./alu";

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
    if (insn & 0x10) return unimplemented(insn);
    setPc(conditionHolds(insn & 15, nzcv) ? pc + <u64>(sext((insn >> 5) & 0x7ffff, 19) << 2) : pc + 4);
    return CONTINUE;
  }
  if (top == 0xd6) return branchRegister(insn);
  if (top == 0xd4) return exceptionGen(insn);
  if (top == 0xd5) return system(insn);
  return unimplemented(insn);
}

function branchRegister(insn: u32): i32 {
  // BR, BLR, RET: opc in bits 24:21, op2 = 11111, op3 = 0, op4 = 0; the pointer-authentication forms are not implemented.
  if ((insn & 0xff9ffc1f) != 0xd61f0000 || ((insn >> 21) & 3) == 3) return unimplemented(insn);
  const target = xr((insn >> 5) & 31);
  if (((insn >> 21) & 3) == 1) setXr(30, pc + 4); // BLR
  setPc(target);
  return CONTINUE;
}

function exceptionGen(insn: u32): i32 {
  const opc = (insn >> 21) & 7;
  const ll = insn & 0x1f;
  if (opc == 0 && ll == 2) { // HVC: tsvisor plays EL2; the guest resumes after it (the exception's return address)
    store<u64>(cpu + C_EXIT_PC, pc);
    store<u32>(cpu + C_EXIT_INSN, insn);
    store<u64>(cpu + C_EXIT_DATA, (insn >> 5) & 0xffff);
    setPc(pc + 4);
    return EXIT_ECALL_S;
  }
  // SVC, SMC, BRK, HLT, DCPS: exceptions this core cannot raise yet.
  return fatal(FATAL_EXCEPTION, insn, pc);
}

// MRS/MSR system register encodings: op0:op1:CRn:CRm:op2 as bits 20:5 of the instruction.
const SYS_NZCV: u32 = 0xda10; // S3_3_C4_C2_0
const SYS_CURRENTEL: u32 = 0xc212; // S3_0_C4_C2_2

function system(insn: u32): i32 {
  if ((insn & 0xfffff01f) == 0xd503201f) { // hints: NOP, YIELD, WFE, WFI, SEV, SEVL, ... as no-ops for now
    setPc(pc + 4);
    return CONTINUE;
  }
  if ((insn & 0xfffff01f) == 0xd503301f) { // barriers: CLREX, DSB, DMB, ISB, SB
    const op2 = (insn >> 5) & 7;
    if (op2 == 2 || op2 == 4 || op2 == 5 || op2 == 6 || op2 == 7) { // CLREX, DSB, DMB, ISB, SB
      setPc(pc + 4);
      return CONTINUE;
    }
    return unimplemented(insn);
  }
  if ((insn & 0xffd00000) == 0xd5100000) { // MSR (register) / MRS
    const read = (insn >> 21) & 1;
    const enc = (insn >> 5) & 0xffff;
    const rt = insn & 31;
    if (enc == SYS_NZCV) {
      if (read) setXr(rt, <u64>nzcv);
      else setNzcv(<u32>xr(rt) & 0xf0000000);
    } else if (enc == SYS_CURRENTEL && read) {
      setXr(rt, <u64>load<u32>(cpu + C_EL) << 2);
    } else {
      return fatal(FATAL_SYSREG, insn, pc);
    }
    setPc(pc + 4);
    return CONTINUE;
  }
  return unimplemented(insn);
}
