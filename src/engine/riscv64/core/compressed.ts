// RVC: each 16-bit encoding expands to its 32-bit equivalent (0 when illegal/reserved), so
// the interpreter decodes one instruction format. Expanded once into a 64K-entry table.
import { CTABLE_OFF } from "../layout";

@inline function encI(op: u32, rd: u32, f3: u32, rs1: u32, imm: i32): u32 {
  return ((<u32>imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
@inline function encS(op: u32, f3: u32, rs1: u32, rs2: u32, imm: i32): u32 {
  const u = <u32>imm;
  return (((u >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 0x1f) << 7) | op;
}
@inline function encR(op: u32, rd: u32, f3: u32, rs1: u32, rs2: u32, f7: u32): u32 {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
@inline function encB(f3: u32, rs1: u32, rs2: u32, imm: i32): u32 {
  const u = <u32>imm;
  return (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((u >> 1) & 0xf) << 8) | (((u >> 11) & 1) << 7) | 0x63;
}
@inline function encJ(rd: u32, imm: i32): u32 {
  const u = <u32>imm;
  return (((u >> 20) & 1) << 31) | (((u >> 1) & 0x3ff) << 21) | (((u >> 11) & 1) << 20) |
    (((u >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}
@inline function bit(c: u32, b: u32): u32 {
  return (c >> b) & 1;
}
// Sign-extend the low `bits` bits of v.
@inline function sext(v: u32, bits: i32): i32 {
  return (<i32>(v << (32 - bits))) >> (32 - bits);
}

export function expand(c: u32): u32 {
  const f3 = (c >> 13) & 7;
  const rdp = ((c >> 2) & 7) + 8; // rd' / rs2'
  const rs1p = ((c >> 7) & 7) + 8;
  const rd = (c >> 7) & 31;
  const rs2 = (c >> 2) & 31;
  const imm6 = sext((bit(c, 12) << 5) | ((c >> 2) & 31), 6);
  switch (c & 3) {
    case 0: {
      const uimmW = (((c >> 10) & 7) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6); // C.LW/C.SW
      const uimmD = (((c >> 10) & 7) << 3) | (((c >> 5) & 3) << 6); // C.LD/C.SD/C.FLD/C.FSD
      switch (f3) {
        case 0: {
          const nz = (((c >> 11) & 3) << 4) | (((c >> 7) & 15) << 6) | (bit(c, 6) << 2) | (bit(c, 5) << 3);
          if (nz == 0) return 0;
          return encI(0x13, rdp, 0, 2, nz);
        }
        case 1: return encI(0x07, rdp, 3, rs1p, uimmD);
        case 2: return encI(0x03, rdp, 2, rs1p, uimmW);
        case 3: return encI(0x03, rdp, 3, rs1p, uimmD);
        case 5: return encS(0x27, 3, rs1p, rdp, uimmD);
        case 6: return encS(0x23, 2, rs1p, rdp, uimmW);
        case 7: return encS(0x23, 3, rs1p, rdp, uimmD);
        default: return 0;
      }
    }
    case 1: {
      switch (f3) {
        case 0: return encI(0x13, rd, 0, rd, imm6); // C.ADDI / C.NOP
        case 1: if (rd == 0) return 0; return encI(0x1b, rd, 0, rd, imm6); // C.ADDIW
        case 2: return encI(0x13, rd, 0, 0, imm6); // C.LI
        case 3: {
          if (rd == 2) {
            const nz = sext((bit(c, 12) << 9) | (bit(c, 6) << 4) | (bit(c, 5) << 6) | (((c >> 3) & 3) << 7) |
              (bit(c, 2) << 5), 10);
            if (nz == 0) return 0;
            return encI(0x13, 2, 0, 2, nz); // C.ADDI16SP
          }
          if (imm6 == 0) return 0;
          return ((<u32>imm6 & 0xfffff) << 12) | (rd << 7) | 0x37; // C.LUI
        }
        case 4: {
          const f2 = (c >> 10) & 3;
          const shamt = (bit(c, 12) << 5) | ((c >> 2) & 31);
          if (f2 == 0) return encI(0x13, rs1p, 5, rs1p, <i32>shamt); // C.SRLI
          if (f2 == 1) return encI(0x13, rs1p, 5, rs1p, <i32>(shamt | 0x400)); // C.SRAI
          if (f2 == 2) return encI(0x13, rs1p, 7, rs1p, imm6); // C.ANDI
          const op2 = (c >> 5) & 3;
          if (bit(c, 12) == 0) {
            if (op2 == 0) return encR(0x33, rs1p, 0, rs1p, rdp, 0x20); // C.SUB
            if (op2 == 1) return encR(0x33, rs1p, 4, rs1p, rdp, 0); // C.XOR
            if (op2 == 2) return encR(0x33, rs1p, 6, rs1p, rdp, 0); // C.OR
            return encR(0x33, rs1p, 7, rs1p, rdp, 0); // C.AND
          }
          if (op2 == 0) return encR(0x3b, rs1p, 0, rs1p, rdp, 0x20); // C.SUBW
          if (op2 == 1) return encR(0x3b, rs1p, 0, rs1p, rdp, 0); // C.ADDW
          return 0;
        }
        case 5: {
          const off = sext((bit(c, 12) << 11) | (bit(c, 11) << 4) | (((c >> 9) & 3) << 8) | (bit(c, 8) << 10) |
            (bit(c, 7) << 6) | (bit(c, 6) << 7) | (((c >> 3) & 7) << 1) | (bit(c, 2) << 5), 12);
          return encJ(0, off); // C.J
        }
        default: {
          const off = sext((bit(c, 12) << 8) | (((c >> 10) & 3) << 3) | (((c >> 5) & 3) << 6) |
            (((c >> 3) & 3) << 1) | (bit(c, 2) << 5), 9);
          return encB(f3 == 6 ? 0 : 1, rs1p, 0, off); // C.BEQZ / C.BNEZ
        }
      }
    }
    case 2: {
      switch (f3) {
        case 0: return encI(0x13, rd, 1, rd, <i32>((bit(c, 12) << 5) | rs2)); // C.SLLI
        case 1: return encI(0x07, rd, 3, 2, <i32>((bit(c, 12) << 5) | (((c >> 5) & 3) << 3) | (((c >> 2) & 7) << 6)));
        case 2: {
          if (rd == 0) return 0;
          return encI(0x03, rd, 2, 2, <i32>((bit(c, 12) << 5) | (((c >> 4) & 7) << 2) | (((c >> 2) & 3) << 6)));
        }
        case 3: {
          if (rd == 0) return 0;
          return encI(0x03, rd, 3, 2, <i32>((bit(c, 12) << 5) | (((c >> 5) & 3) << 3) | (((c >> 2) & 7) << 6)));
        }
        case 4: {
          if (bit(c, 12) == 0) {
            if (rs2 == 0) {
              if (rd == 0) return 0;
              return encI(0x67, 0, 0, rd, 0); // C.JR
            }
            return encR(0x33, rd, 0, 0, rs2, 0); // C.MV
          }
          if (rs2 == 0) {
            if (rd == 0) return 0x00100073; // C.EBREAK
            return encI(0x67, 1, 0, rd, 0); // C.JALR
          }
          return encR(0x33, rd, 0, rd, rs2, 0); // C.ADD
        }
        case 5: return encS(0x27, 3, 2, rs2, <i32>((((c >> 10) & 7) << 3) | (((c >> 7) & 7) << 6)));
        case 6: return encS(0x23, 2, 2, rs2, <i32>((((c >> 9) & 15) << 2) | (((c >> 7) & 3) << 6)));
        default: return encS(0x23, 3, 2, rs2, <i32>((((c >> 10) & 7) << 3) | (((c >> 7) & 7) << 6)));
      }
    }
    default: return 0;
  }
}

export function buildCompressedTable(): void {
  for (let c: u32 = 0; c < 65536; c++) {
    store<u32>(<usize>CTABLE_OFF + (<usize>c << 2), (c & 3) == 3 ? 0 : expand(c));
  }
}
