// Data processing — immediate: ADR/ADRP, ADD/SUB (immediate), logical (immediate), move wide,
// bitfield (SBFM/BFM/UBFM and their aliases), EXTR.
import { pc, nzcv, setNzcv, xr, xs, setXr, setXs, sized, CONTINUE } from "./state";
import { undefinedInsn } from "./exception";
import { addWithCarry, addFlags, logicFlags, decodeBitMasks, bmWmask, bmTmask } from "./alu";

export function execDpImm(insn: u32): i32 {
  const rd = insn & 31;
  const rn = (insn >> 5) & 31;
  const sf = insn >> 31;
  switch ((insn >> 23) & 7) {
    case 0: case 1: { // ADR, ADRP
      const imm = <i64>(<i32>(((insn >> 5) & 0x7ffff) << 13) >> 11) | <i64>((insn >> 29) & 3);
      if (sf) setXr(rd, (pc & ~<u64>0xfff) + <u64>(imm << 12));
      else setXr(rd, pc + <u64>imm);
      return CONTINUE;
    }
    case 2: { // ADD/ADDS/SUB/SUBS (immediate)
      const sh = (insn >> 22) & 1;
      const imm = <u64>((insn >> 10) & 0xfff) << (sh ? 12 : 0);
      const sub = (insn >> 30) & 1;
      const s = (insn >> 29) & 1;
      const r = sub ? addWithCarry(sf, xs(rn), ~imm, 1) : addWithCarry(sf, xs(rn), imm, 0);
      if (s) {
        setNzcv(addFlags);
        setXr(rd, r);
      } else {
        setXs(rd, r);
      }
      return CONTINUE;
    }
    case 4: { // AND/ORR/EOR/ANDS (immediate)
      const nBit = (insn >> 22) & 1;
      if (!sf && nBit) return undefinedInsn(insn);
      if (!decodeBitMasks(sf, nBit, (insn >> 10) & 63, (insn >> 16) & 63, true)) return undefinedInsn(insn);
      const a = xr(rn);
      let r: u64;
      switch ((insn >> 29) & 3) {
        case 0: r = a & bmWmask; break;
        case 1: r = a | bmWmask; break;
        case 2: r = a ^ bmWmask; break;
        default: {
          r = sized(sf, a & bmWmask);
          setNzcv(logicFlags(sf, r));
          setXr(rd, r);
          return CONTINUE;
        }
      }
      setXs(rd, sized(sf, r));
      return CONTINUE;
    }
    case 5: { // MOVN/MOVZ/MOVK
      const opc = (insn >> 29) & 3;
      const hw = (insn >> 21) & 3;
      if (opc == 1 || (!sf && hw >= 2)) return undefinedInsn(insn);
      const pos = hw << 4;
      const imm = <u64>((insn >> 5) & 0xffff) << pos;
      let r: u64;
      if (opc == 0) r = ~imm;
      else if (opc == 2) r = imm;
      else r = (xr(rd) & ~(<u64>0xffff << pos)) | imm;
      setXr(rd, sized(sf, r));
      return CONTINUE;
    }
    case 6: { // SBFM/BFM/UBFM
      const opc = (insn >> 29) & 3;
      const nBit = (insn >> 22) & 1;
      const immr = (insn >> 16) & 63;
      const imms = (insn >> 10) & 63;
      if (opc == 3 || nBit != sf || (!sf && ((immr | imms) & 32) != 0)) return undefinedInsn(insn);
      if (!decodeBitMasks(sf, nBit, imms, immr, false)) return undefinedInsn(insn);
      const src = xr(rn);
      const dst: u64 = opc == 1 ? xr(rd) : 0;
      const datasize: u32 = sf ? 64 : 32;
      const ror: u64 = immr == 0 ? src : sf ? rotr<u64>(src, immr) : <u64>rotr<u32>(<u32>src, immr);
      const bot = (dst & ~bmWmask) | (ror & bmWmask);
      // SBFM replicates the source's bit imms above the field; BFM keeps the destination's bits.
      let top: u64 = dst;
      if (opc == 0) top = ((src >> imms) & 1) != 0 ? <u64>-1 : 0;
      const r = (top & ~bmTmask) | (bot & bmTmask);
      setXr(rd, datasize == 64 ? r : r & 0xffffffff);
      return CONTINUE;
    }
    case 7: { // EXTR
      const nBit = (insn >> 22) & 1;
      const lsb = (insn >> 10) & 63;
      if ((insn >> 29) & 3 || (insn >> 21) & 1 || nBit != sf || (!sf && lsb >= 32)) return undefinedInsn(insn);
      const hi = xr(rn);
      const lo = xr((insn >> 16) & 31);
      let r: u64;
      if (sf) r = lsb == 0 ? lo : (lo >> lsb) | (hi << (64 - lsb));
      else r = lsb == 0 ? lo & 0xffffffff : (((lo & 0xffffffff) >> lsb) | (hi << (32 - lsb))) & 0xffffffff;
      setXr(rd, r);
      return CONTINUE;
    }
    default: // 3: add/subtract with tags (MTE)
      return undefinedInsn(insn);
  }
}
