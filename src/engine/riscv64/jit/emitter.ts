// Straight-line part of the block compiler: guest registers cached in wasm locals, the TLB fast
// path for loads and stores, and the integer ALU. Control flow lives in compile-block.ts.
// Guest registers are written through to memory, so compiled code can stop ("bail") before any
// instruction whose fast path fails and the interpreter resumes exactly there.
import * as L from "../layout.js";
import { Bytes, NoBytes, Op, I32, I64 } from "./wasm-writer.js";

// Locals: 0 = entry pc (param), 1..31 = guest x1..x31, then scratch.
export const LOCAL_VA = 32; // i64 scratch: effective address / operand
export const LOCAL_T = 33; // i64 scratch
export const LOCAL_E = 34; // i32 scratch: TLB entry address
export const LOCAL_ICOUNT = 35; // i32: instructions retired by earlier cases of this call
export const LOCAL_NEXT = 36; // i32: case the dispatch loop runs next
export const LOCAL_G = 37; // i32: wasm address of a memory group's lowest byte (see group())
export const LOCALS = [{ count: 33, type: I64 }, { count: 4, type: I32 }];
export const IF_I64 = I64; // block type of an if that yields an i64
export const IF_VOID = 0x40;

/**
 * How a compiled function ended (H_JIT_BAIL): the core continues, interprets, checks interrupts,
 * or (Spin) continues after the vCPU let other threads run: the code was polling memory.
 */
export const enum BlockEnd { Normal = 0, Bail = 1, Stop = 2, Spin = 3 }

export const enum Emit { Ok, End, Unsupported }

const LOAD_OPS = [Op.i64_load8_s, Op.i64_load16_s, Op.i64_load32_s, Op.i64_load, Op.i64_load8_u, Op.i64_load16_u, Op.i64_load32_u];
const STORE_OPS = [Op.i64_store8, Op.i64_store16, Op.i64_store32, Op.i64_store];
// AMO funct5 -> wasm 0xFE-prefixed i32 atomic RMW opcode (the i64 form is the next opcode).
const AMO_RMW = new Map<number, number>([[0, 0x1e], [1, 0x41], [4, 0x3a], [8, 0x33], [12, 0x2c]]);

export class BlockEmitter {
  readonly code: Bytes;
  /** Guest registers whose wasm local holds the current value (valid along one straight path). */
  readonly loaded = new Set<number>();
  private readonly xBase: number;
  readonly tlbR: number;
  readonly tlbW: number;

  /** Labels between the current position and the dispatch loop (for `br` to it). */
  depth = 0;

  /** `dry`: decide everything as for real, write no code (see compile-block.ts discover). */
  constructor(readonly hartBase: number, set: number, dry = false) {
    this.code = dry ? new NoBytes() : new Bytes();
    this.xBase = hartBase + L.H_X;
    this.tlbR = hartBase + L.H_TLB + set * L.TLB_SET_BYTES;
    this.tlbW = this.tlbR + L.TLB_KIND_BYTES;
  }

  op(o: number): this {
    this.code.byte(o);
    return this;
  }
  i64(v: number | bigint): this {
    this.code.byte(Op.i64_const);
    if (typeof v === "bigint") this.code.s64(BigInt.asIntN(64, v));
    else this.code.s64n(v);
    return this;
  }
  i32(v: number): this {
    this.code.byte(Op.i32_const).s32(v | 0);
    return this;
  }
  get(l: number): this {
    this.code.byte(Op.local_get).u32(l);
    return this;
  }
  set(l: number): this {
    this.code.byte(Op.local_set).u32(l);
    return this;
  }
  mem(o: number, align: number, offset: number): this {
    this.code.byte(o).u32(align).u32(offset >>> 0);
    return this;
  }

  /** Push guest register r. The first read loads it from memory (always on the straight path). */
  reg(r: number): this {
    if (r === 0) return this.i64(0);
    if (this.loaded.has(r)) return this.get(r);
    this.loaded.add(r);
    this.i32(0).mem(Op.i64_load, 3, this.xBase + r * 8);
    this.code.byte(Op.local_tee).u32(r);
    return this;
  }
  /** Pop an i64 into guest register r (write-through). */
  write(r: number): this {
    if (r === 0) return this.op(Op.drop);
    this.loaded.add(r);
    this.set(r).i32(0).get(r).mem(Op.i64_store, 3, this.xBase + r * 8);
    return this;
  }
  pcPlus(off: number): this {
    this.get(0);
    if (off !== 0) this.i64(off).op(Op.i64_add);
    return this;
  }
  /**
   * Record how many instructions ran (those of earlier cases are in LOCAL_ICOUNT, plus n of this
   * one) and how the function ends: normally, by a bail, or needing an interrupt check.
   */
  counts(n: number, end: BlockEnd): this {
    this.i32(0).get(LOCAL_ICOUNT);
    if (n !== 0) this.i32(n).op(Op.i32_add);
    this.mem(Op.i32_store, 2, this.hartBase + L.H_JIT_COUNT);
    this.i32(0).i32(end).mem(Op.i32_store, 2, this.hartBase + L.H_JIT_BAIL);
    return this;
  }
  /** Leave the function at pc = entry + off after n instructions of the current case. */
  exit(n: number, off: number, end: BlockEnd = BlockEnd.Normal): void {
    this.counts(n, end).pcPlus(off).op(Op.return_);
  }

  /** An `if` whose body may `br` to the dispatch loop: track the nesting for branch depths. */
  open(): this {
    this.depth++;
    return this.op(Op.if_).op(IF_VOID);
  }
  close(): this {
    this.depth--;
    return this.op(Op.end);
  }

  /**
   * TLB fast path for an access of `size` bytes at rs1+imm: leaves the wasm address on the stack,
   * or returns from the block (bail) with pc at this instruction.
   */
  translate(rs1: number, imm: number, size: number, table: number, n: number, off: number, aligned = false): void {
    this.reg(rs1).i64(imm).op(Op.i64_add).set(LOCAL_VA);
    this.get(LOCAL_VA).i64(12).op(Op.i64_shr_u).op(Op.i32_wrap_i64).i32(L.TLB_ENTRIES - 1).op(Op.i32_and)
      .i32(4).op(Op.i32_shl).set(LOCAL_E);
    this.get(LOCAL_E).mem(Op.i64_load, 3, table).get(LOCAL_VA).i64(-4096).op(Op.i64_and).op(Op.i64_ne);
    if (aligned) {
      // Atomics must be naturally aligned (the interpreter raises the misaligned-AMO trap).
      this.get(LOCAL_VA).op(Op.i32_wrap_i64).i32(size - 1).op(Op.i32_and).op(Op.i32_or);
    } else if (size > 1) {
      this.get(LOCAL_VA).op(Op.i32_wrap_i64).i32(0xfff).op(Op.i32_and).i32(4096 - size).op(Op.i32_gt_u).op(Op.i32_or);
    }
    this.op(Op.if_).op(IF_VOID);
    this.exit(n, off, BlockEnd.Bail);
    this.op(Op.end);
    this.get(LOCAL_VA).get(LOCAL_E).mem(Op.i64_load, 3, table + 8).op(Op.i64_add).op(Op.i32_wrap_i64);
    if (table === this.tlbW) {
      // A page some hart holds an LR reservation in: the interpreter's store path kills it.
      this.code.byte(Op.local_tee).u32(LOCAL_E);
      this.i32(L.GUEST_RAM_OFF).op(Op.i32_sub).i32(12).op(Op.i32_shr_u).mem(Op.i32_load8_u, 0, L.WATCH_OFF);
      this.op(Op.if_).op(IF_VOID).exit(n, off, BlockEnd.Bail);
      this.op(Op.end);
      this.get(LOCAL_E);
    }
  }

  /**
   * One TLB check for a run of loads or stores off the same base register that all fall in
   * [rs1 + lo, rs1 + hi) within one page: leaves that range's wasm address in LOCAL_G, or bails
   * before the run's first instruction (nothing of it has run then).
   */
  group(rs1: number, lo: number, hi: number, store: boolean, n: number, off: number): void {
    const table = store ? this.tlbW : this.tlbR;
    this.reg(rs1).i64(lo).op(Op.i64_add).set(LOCAL_VA);
    this.get(LOCAL_VA).i64(12).op(Op.i64_shr_u).op(Op.i32_wrap_i64).i32(L.TLB_ENTRIES - 1).op(Op.i32_and)
      .i32(4).op(Op.i32_shl).set(LOCAL_E);
    this.get(LOCAL_E).mem(Op.i64_load, 3, table).get(LOCAL_VA).i64(-4096).op(Op.i64_and).op(Op.i64_ne);
    this.get(LOCAL_VA).op(Op.i32_wrap_i64).i32(0xfff).op(Op.i32_and).i32(4096 - (hi - lo)).op(Op.i32_gt_u).op(Op.i32_or);
    this.op(Op.if_).op(IF_VOID);
    this.exit(n, off, BlockEnd.Bail);
    this.op(Op.end);
    this.get(LOCAL_VA).get(LOCAL_E).mem(Op.i64_load, 3, table + 8).op(Op.i64_add).op(Op.i32_wrap_i64).set(LOCAL_G);
    if (store) {
      this.get(LOCAL_G).i32(L.GUEST_RAM_OFF).op(Op.i32_sub).i32(12).op(Op.i32_shr_u).mem(Op.i32_load8_u, 0, L.WATCH_OFF);
      this.op(Op.if_).op(IF_VOID).exit(n, off, BlockEnd.Bail);
      this.op(Op.end);
    }
  }
  /** A load inside a group: `delta` bytes above the group's base. */
  groupLoad(rd: number, f3: number, delta: number): void {
    this.get(LOCAL_G).mem(LOAD_OPS[f3], 0, delta).write(rd);
  }
  /** A store inside a group. */
  groupStore(f3: number, rs2: number, delta: number): void {
    this.get(LOCAL_G).reg(rs2).mem(STORE_OPS[f3], 0, delta);
  }

  /** Loads (opcode 0x03) through the read TLB. */
  load(rd: number, f3: number, rs1: number, imm: number, n: number, off: number): Emit {
    if (f3 === 7) return Emit.Unsupported;
    this.translate(rs1, imm, 1 << (f3 & 3), this.tlbR, n, off);
    this.mem(LOAD_OPS[f3], 0, 0).write(rd);
    return Emit.Ok;
  }
  /** Stores (opcode 0x23) through the write TLB. */
  store(f3: number, rs1: number, rs2: number, imm: number, n: number, off: number): Emit {
    if (f3 > 3) return Emit.Unsupported;
    this.translate(rs1, imm, 1 << f3, this.tlbW, n, off);
    this.reg(rs2).mem(STORE_OPS[f3], 0, 0);
    return Emit.Ok;
  }
  /**
   * AMOSWAP/ADD/XOR/OR/AND .W/.D as wasm atomic read-modify-writes. LR/SC and min/max stay in the
   * interpreter, as do misaligned addresses and pages with LR reservations (bail).
   */
  amo(insn: number, rd: number, f3: number, rs1: number, rs2: number, n: number, off: number): Emit {
    const rmw = AMO_RMW.get(insn >>> 27);
    if (rmw === undefined || (f3 !== 2 && f3 !== 3)) return Emit.Unsupported;
    const word = f3 === 2;
    this.translate(rs1, 0, word ? 4 : 8, this.tlbW, n, off, true);
    this.reg(rs2);
    if (word) this.op(Op.i32_wrap_i64);
    this.code.byte(0xfe).u32(word ? rmw : rmw + 1).u32(word ? 2 : 3).u32(0);
    if (word) this.op(Op.i64_extend_i32_s);
    this.write(rd);
    return Emit.Ok;
  }

  /** Signed/unsigned division and remainder with RISC-V's results for /0 and overflow. */
  divide(a: number, b: number, rd: number, kind: number, word: boolean): void {
    // kind: 4 div, 5 divu, 6 rem, 7 remu
    this.reg(a);
    if (word) this.op(Op.i32_wrap_i64).op(kind === 4 || kind === 6 ? Op.i64_extend_i32_s : Op.i64_extend_i32_u);
    this.set(LOCAL_T);
    this.reg(b);
    if (word) this.op(Op.i32_wrap_i64).op(kind === 4 || kind === 6 ? Op.i64_extend_i32_s : Op.i64_extend_i32_u);
    this.set(LOCAL_VA);
    const isRem = kind >= 6;
    this.get(LOCAL_VA).op(Op.i64_eqz).op(Op.if_).op(IF_I64);
    if (isRem) this.get(LOCAL_T); else this.i64(-1);
    this.op(Op.else_);
    if (kind === 4 || kind === 6) {
      this.get(LOCAL_T).i64(word ? -(2 ** 31) : -(2n ** 63n)).op(Op.i64_eq).get(LOCAL_VA).i64(-1).op(Op.i64_eq)
        .op(Op.i32_and).op(Op.if_).op(IF_I64);
      if (isRem) this.i64(0); else this.get(LOCAL_T);
      this.op(Op.else_).get(LOCAL_T).get(LOCAL_VA).op(isRem ? Op.i64_rem_s : Op.i64_div_s).op(Op.end);
    } else {
      this.get(LOCAL_T).get(LOCAL_VA).op(isRem ? Op.i64_rem_u : Op.i64_div_u);
    }
    this.op(Op.end);
    if (word) this.op(Op.i32_wrap_i64).op(Op.i64_extend_i32_s);
    this.write(rd);
  }

  opImm(insn: number, rd: number, f3: number, rs1: number, imm: number): Emit {
    const sh = (insn >>> 20) & 63;
    const f6 = insn >>> 26;
    const hi = insn >>> 20;
    switch (f3) {
      case 0: this.reg(rs1).i64(imm).op(Op.i64_add); break;
      case 1:
        if (f6 === 0) this.reg(rs1).i64(sh).op(Op.i64_shl);
        else if (hi === 0x600) this.reg(rs1).op(Op.i64_clz);
        else if (hi === 0x601) this.reg(rs1).op(Op.i64_ctz);
        else if (hi === 0x602) this.reg(rs1).op(Op.i64_popcnt);
        else if (hi === 0x604) this.reg(rs1).op(Op.i64_extend8_s);
        else if (hi === 0x605) this.reg(rs1).op(Op.i64_extend16_s);
        else return Emit.Unsupported;
        break;
      case 2: this.reg(rs1).i64(imm).op(Op.i64_lt_s).op(Op.i64_extend_i32_u); break;
      case 3: this.reg(rs1).i64(imm).op(Op.i64_lt_u).op(Op.i64_extend_i32_u); break;
      case 4: this.reg(rs1).i64(imm).op(Op.i64_xor); break;
      case 5:
        if (f6 === 0) this.reg(rs1).i64(sh).op(Op.i64_shr_u);
        else if (f6 === 0x10) this.reg(rs1).i64(sh).op(Op.i64_shr_s);
        else if (f6 === 0x18) this.reg(rs1).i64(sh).op(Op.i64_rotr);
        else return Emit.Unsupported;
        break;
      case 6: this.reg(rs1).i64(imm).op(Op.i64_or); break;
      default: this.reg(rs1).i64(imm).op(Op.i64_and); break;
    }
    this.write(rd);
    return Emit.Ok;
  }

  opImm32(insn: number, rd: number, f3: number, rs1: number, imm: number, f7: number): Emit {
    const sh = (insn >>> 20) & 31;
    const low = () => this.reg(rs1).op(Op.i32_wrap_i64);
    if (f3 === 0) low().i32(imm).op(Op.i32_add).op(Op.i64_extend_i32_s);
    else if (f3 === 1 && f7 === 0) low().i32(sh).op(Op.i32_shl).op(Op.i64_extend_i32_s);
    else if (f3 === 1 && insn >>> 26 === 2) this.reg(rs1).i64(0xffffffff).op(Op.i64_and).i64((insn >>> 20) & 63).op(Op.i64_shl);
    else if (f3 === 1 && f7 === 0x30 && (insn >>> 20 & 31) <= 2) {
      low().op([Op.i32_clz, Op.i32_ctz, Op.i32_popcnt][(insn >>> 20) & 31]).op(Op.i64_extend_i32_u);
    } else if (f3 === 5 && f7 === 0) low().i32(sh).op(Op.i32_shr_u).op(Op.i64_extend_i32_s);
    else if (f3 === 5 && f7 === 0x20) low().i32(sh).op(Op.i32_shr_s).op(Op.i64_extend_i32_s);
    else if (f3 === 5 && f7 === 0x30) low().i32(sh).op(Op.i32_rotr).op(Op.i64_extend_i32_s);
    else return Emit.Unsupported;
    this.write(rd);
    return Emit.Ok;
  }

  opReg(rd: number, f3: number, rs1: number, rs2: number, f7: number): Emit {
    const ab = () => this.reg(rs1).reg(rs2);
    if (f7 === 0) {
      ab().op([Op.i64_add, Op.i64_shl, Op.i64_lt_s, Op.i64_lt_u, Op.i64_xor, Op.i64_shr_u, Op.i64_or, Op.i64_and][f3]);
      if (f3 === 2 || f3 === 3) this.op(Op.i64_extend_i32_u);
    } else if (f7 === 0x20) {
      if (f3 === 0) ab().op(Op.i64_sub);
      else if (f3 === 5) ab().op(Op.i64_shr_s);
      else if (f3 === 7) this.reg(rs1).reg(rs2).i64(-1).op(Op.i64_xor).op(Op.i64_and);
      else if (f3 === 6) this.reg(rs1).reg(rs2).i64(-1).op(Op.i64_xor).op(Op.i64_or);
      else if (f3 === 4) ab().op(Op.i64_xor).i64(-1).op(Op.i64_xor);
      else return Emit.Unsupported;
    } else if (f7 === 1) {
      if (f3 === 0) ab().op(Op.i64_mul);
      else if (f3 >= 4) { this.divide(rs1, rs2, rd, f3, false); return Emit.Ok; }
      else return Emit.Unsupported; // mulh* stay in the interpreter
    } else if (f7 === 0x10 && (f3 === 2 || f3 === 4 || f3 === 6)) {
      this.reg(rs1).i64(f3 >> 1).op(Op.i64_shl).reg(rs2).op(Op.i64_add);
    } else if (f7 === 0x05 && f3 >= 4) {
      // min, minu, max, maxu via select(a, b, cond)
      this.reg(rs1).reg(rs2).reg(rs1).reg(rs2).op([Op.i64_lt_s, Op.i64_lt_u, Op.i64_gt_s, Op.i64_gt_u][f3 - 4]).op(Op.select);
    } else if (f7 === 0x30 && (f3 === 1 || f3 === 5)) {
      ab().op(f3 === 1 ? Op.i64_rotl : Op.i64_rotr);
    } else {
      return Emit.Unsupported;
    }
    this.write(rd);
    return Emit.Ok;
  }

  opReg32(rd: number, f3: number, rs1: number, rs2: number, f7: number): Emit {
    const ab32 = () => this.reg(rs1).op(Op.i32_wrap_i64).reg(rs2).op(Op.i32_wrap_i64);
    if (f7 === 0 && (f3 === 0 || f3 === 1 || f3 === 5)) {
      ab32().op(f3 === 0 ? Op.i32_add : f3 === 1 ? Op.i32_shl : Op.i32_shr_u).op(Op.i64_extend_i32_s);
    } else if (f7 === 0x20 && (f3 === 0 || f3 === 5)) {
      ab32().op(f3 === 0 ? Op.i32_sub : Op.i32_shr_s).op(Op.i64_extend_i32_s);
    } else if (f7 === 1) {
      if (f3 === 0) ab32().op(Op.i32_mul).op(Op.i64_extend_i32_s);
      else if (f3 >= 4) { this.divide(rs1, rs2, rd, f3, true); return Emit.Ok; }
      else return Emit.Unsupported;
    } else if (f7 === 0x04 && f3 === 0) {
      this.reg(rs1).i64(0xffffffff).op(Op.i64_and).reg(rs2).op(Op.i64_add);
    } else if (f7 === 0x04 && f3 === 4 && rs2 === 0) {
      this.reg(rs1).i64(0xffff).op(Op.i64_and);
    } else if (f7 === 0x10 && (f3 === 2 || f3 === 4 || f3 === 6)) {
      this.reg(rs1).i64(0xffffffff).op(Op.i64_and).i64(f3 >> 1).op(Op.i64_shl).reg(rs2).op(Op.i64_add);
    } else if (f7 === 0x30 && (f3 === 1 || f3 === 5)) {
      ab32().op(f3 === 1 ? Op.i32_rotl : Op.i32_rotr).op(Op.i64_extend_i32_s);
    } else {
      return Emit.Unsupported;
    }
    this.write(rd);
    return Emit.Ok;
  }
}
