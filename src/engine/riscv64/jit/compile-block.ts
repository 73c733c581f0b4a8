// Translates guest code into one wasm function (pc: i64) -> next pc: i64 per entry point.
// The function covers a *region*: the superblock at the entry (straight-line code along the
// fall-through path of conditional branches) plus the superblocks at in-page branch and jump
// targets reached from it. Each superblock is a case of a dispatch loop, so loops and if/else
// shapes inside a 4 KiB page run without returning to the core's dispatcher. Anything leaving the
// region (other pages, calls, returns, instructions the compiler does not handle) returns the
// next pc; a budget on retired instructions bounds the time between interrupt checks.
import { Op } from "./wasm-writer.js";
import type { FuncBody } from "./wasm-writer.js";
import {
  BlockEmitter, BlockEnd, Emit, IF_VOID, LOCALS, LOCAL_E, LOCAL_ICOUNT, LOCAL_NEXT, LOCAL_T,
} from "./emitter.js";

const MAX_CASE_INSNS = 128; // per superblock
const MAX_GROUP = 16; // memory instructions sharing one TLB check
const MAX_CASES = 32;
const MAX_REGION_INSNS = 768;
/** Instructions a call may retire inside its own loops before returning for an interrupt check. */
export const LOOP_BUDGET = 1024;
/**
 * A polling loop (see SpinWatch) returns after this many instructions, as BlockEnd.Spin: the vCPU
 * yields its host CPU, which the vCPU it waits for (a lock holder, say) may need. Linux 6.1's
 * riscv spinlock spins on a plain load with no pause hint, so only the shape of the loop tells.
 */
const SPIN_BUDGET = 256;
const SPIN_MAX_INSNS = 8;

/**
 * What the current superblock does, to recognise a polling loop: a short loop back to its own
 * start that only loads (from addresses it never changes) and compares — it can only end when
 * another hart or a device writes memory.
 */
class SpinWatch {
  insns = 0;
  writesMemory = false;
  readonly bases = new Set<number>();
  readonly written = new Set<number>();

  note(insn: number): void {
    this.insns++;
    const opc = insn & 0x7f;
    if (opc === 0x23 || opc === 0x27 || opc === 0x2f || opc === 0x73 || opc === 0x0f) this.writesMemory = true;
    if (opc === 0x03) this.bases.add((insn >>> 15) & 31);
    if (opc !== 0x23 && opc !== 0x63) this.written.add((insn >>> 7) & 31);
  }

  get polling(): boolean {
    return this.insns <= SPIN_MAX_INSNS && !this.writesMemory && this.bases.size > 0 &&
      [...this.bases].every((r) => !this.written.has(r));
  }
}
/** Index of the CSR helper among the block module's imported functions (see block-jit.ts). */
export const FN_CSR = 0;

export interface CompiledBlock {
  func: FuncBody;
  start: number; // wasm address of the lowest guest code byte covered (for reuse checks after fence.i)
  bytes: number; // guest code bytes covered from `start`
  insns: number;
  stop: number; // the first instruction that ended a superblock early (0 if none): for statistics
}

/** What a region is made of: case i starts at entry + offsets[i] (offsets[0] = 0). */
interface Region {
  offsets: number[];
  index: Map<number, number>;
  loops: boolean; // some case jumps back into the region: emit the dispatch loop
}

/** The guest code a region is compiled from: a private copy of its 4 KiB page, plus the RVC table. */
export interface CodePage {
  bytes: Uint8Array; // 4096 bytes: the page at wasm address `base`
  base: number;
  ctable: Uint8Array; // the core's 16-bit -> 32-bit expansion table (L.CTABLE_OFF), 4 bytes per entry
}

class RegionCompiler {
  readonly e: BlockEmitter;
  private readonly u16: (a: number) => number;
  /** Offsets (relative to the entry) that lie in the entry's page. */
  private readonly lo: number;
  private readonly hi: number;
  targets: number[] = [];
  /** The memory group the current instructions belong to (see memoryGroup). */
  private group: { end: number; lo: number } | null = null;
  insns = 0;
  stop = 0;
  minOff = 0;
  maxOff = 0;
  jumpsBack = false;
  /** Where the superblock being emitted starts, and what it does so far. */
  private caseStart = 0;
  private spin = new SpinWatch();

  constructor(private readonly src: CodePage, private readonly host: number, set: number, hartBase: number,
    private readonly region: Region, dry = false) {
    this.e = new BlockEmitter(hartBase, set, dry);
    const b = src.bytes;
    this.u16 = (a) => b[a - src.base] | (b[a - src.base + 1] << 8);
    this.lo = pageStart(host) - host;
    this.hi = this.lo + 0x1000;
  }

  private caseAt(off: number): number {
    return this.region.index.get(off) ?? -1;
  }

  /**
   * Go to the case at `target` (n = instructions of the current case retired, including the
   * jump), or return its pc when the loop budget is spent.
   */
  private goto(target: number, n: number): void {
    const e = this.e;
    const spin = target === this.caseStart && this.spin.polling;
    e.get(LOCAL_ICOUNT).i32(n).op(Op.i32_add);
    e.code.byte(Op.local_tee).u32(LOCAL_ICOUNT);
    e.i32(spin ? SPIN_BUDGET : LOOP_BUDGET).op(Op.i32_ge_u).open();
    e.exit(0, target, spin ? BlockEnd.Spin : BlockEnd.Normal);
    e.close();
    e.i32(this.caseAt(target)).set(LOCAL_NEXT);
    e.code.byte(Op.br).u32(e.depth);
    this.jumpsBack = true;
  }

  /** Taken branch / plain jump to `target`: stay in the region when it is a case there. */
  private jump(target: number, n: number): void {
    if (target >= this.lo && target < this.hi && (target & 1) === 0 && !this.region.index.has(target)) {
      this.targets.push(target);
    }
    if (this.caseAt(target) >= 0) this.goto(target, n);
    else this.e.exit(n, target);
  }

  /** The 32-bit form and length of the instruction at `off`, or null past the page or if illegal. */
  private decode(off: number): { insn: number; ilen: number } | null {
    if (off + 2 > this.hi) return null;
    const lo = this.u16(this.host + off);
    if ((lo & 3) === 3) {
      if (off + 4 > this.hi) return null;
      return { insn: (lo | (this.u16(this.host + off + 2) << 16)) >>> 0, ilen: 4 };
    }
    const t = this.src.ctable;
    const insn = (t[lo * 4] | (t[lo * 4 + 1] << 8) | (t[lo * 4 + 2] << 16) | (t[lo * 4 + 3] << 24)) >>> 0;
    return insn === 0 ? null : { insn, ilen: 2 };
  }

  /**
   * Consecutive loads (or stores) from `off` on with the same base register, which none of
   * them changes: [lo, hi) is the byte range they touch relative to it, `end` the offset after
   * the last. Null unless there are at least two.
   */
  private memoryGroup(off: number): { end: number; lo: number; hi: number; rs1: number; store: boolean } | null {
    const first = this.decode(off);
    if (first === null) return null;
    const opc = first.insn & 0x7f;
    if (opc !== 0x03 && opc !== 0x23) return null;
    const store = opc === 0x23;
    const rs1 = (first.insn >>> 15) & 31;
    let lo = Infinity;
    let hi = -Infinity;
    let count = 0;
    let at = off;
    while (count < MAX_GROUP) {
      const d = this.decode(at);
      if (d === null || (d.insn & 0x7f) !== opc || ((d.insn >>> 15) & 31) !== rs1) break;
      const f3 = (d.insn >>> 12) & 7;
      if (store ? f3 > 3 : f3 === 7) break;
      if (count > 0 && this.caseAt(at) >= 0) break; // another case starts here
      const imm = store ? ((d.insn >> 25) << 5) | ((d.insn >>> 7) & 31) : d.insn >> 20;
      lo = Math.min(lo, imm);
      hi = Math.max(hi, imm + (1 << (f3 & 3)));
      count++;
      at += d.ilen;
      if (!store && ((d.insn >>> 7) & 31) === rs1) break; // it changes the base: the last one
    }
    return count >= 2 && hi - lo <= 4096 ? { end: at, lo, hi, rs1, store } : null;
  }

  /** Emit the superblock starting at `start`; it always ends with a return or a jump. */
  emitCase(start: number): void {
    const e = this.e;
    e.loaded.clear(); // a case is entered from several places
    this.group = null;
    this.caseStart = start;
    this.spin = new SpinWatch();
    let off = start;
    let n = 0;
    this.minOff = Math.min(this.minOff, start);
    for (;;) {
      if (n > 0 && this.caseAt(off) >= 0) { this.goto(off, n); return; } // falls into another case
      if (n >= MAX_CASE_INSNS || off + 2 > this.hi) { e.exit(n, off); return; }
      const a = this.host + off;
      const lo = this.u16(a);
      let insn: number;
      let ilen: number;
      if ((lo & 3) === 3) {
        if (off + 4 > this.hi) { e.exit(n, off); return; }
        insn = (lo | (this.u16(a + 2) << 16)) >>> 0;
        ilen = 4;
      } else {
        const t = this.src.ctable;
        insn = (t[lo * 4] | (t[lo * 4 + 1] << 8) | (t[lo * 4 + 2] << 16) | (t[lo * 4 + 3] << 24)) >>> 0;
        ilen = 2;
      }
      if (this.group !== null && off >= this.group.end) this.group = null;
      if (this.group === null && (insn & 0x5f) === 0x03) { // a load or store: maybe a group starts
        const g = this.memoryGroup(off);
        if (g !== null) {
          e.group(g.rs1, g.lo, g.hi, g.store, n, off);
          this.group = { end: g.end, lo: g.lo };
        }
      }
      this.spin.note(insn);
      const r = insn === 0 ? Emit.Unsupported : this.insn(insn, ilen, n, off);
      if (r === Emit.Unsupported) {
        if (this.stop === 0) this.stop = insn;
        e.exit(n, off, BlockEnd.Bail);
        return;
      }
      n++;
      this.insns++;
      off += ilen;
      this.maxOff = Math.max(this.maxOff, off);
      if (r === Emit.End) return;
    }
  }

  /** One instruction; n = instructions before it in this case, off = its offset from the entry. */
  private insn(insn: number, ilen: number, n: number, off: number): Emit {
    const e = this.e;
    const opc = insn & 0x7f;
    const rd = (insn >>> 7) & 31;
    const f3 = (insn >>> 12) & 7;
    const rs1 = (insn >>> 15) & 31;
    const rs2 = (insn >>> 20) & 31;
    const f7 = insn >>> 25;
    const immI = insn >> 20;
    switch (opc) {
      case 0x37: e.i64(insn & 0xfffff000 | 0).write(rd); return Emit.Ok; // lui (sign-extended)
      case 0x17: e.pcPlus(off + (insn & 0xfffff000 | 0)).write(rd); return Emit.Ok; // auipc
      case 0x13: return e.opImm(insn, rd, f3, rs1, immI);
      case 0x1b: return e.opImm32(insn, rd, f3, rs1, immI, f7);
      case 0x33: return e.opReg(rd, f3, rs1, rs2, f7);
      case 0x3b: return e.opReg32(rd, f3, rs1, rs2, f7);
      case 0x03:
        if (this.group !== null) { e.groupLoad(rd, f3, immI - this.group.lo); return Emit.Ok; }
        return e.load(rd, f3, rs1, immI, n, off);
      case 0x23: {
        const imm = ((insn >> 25) << 5) | ((insn >>> 7) & 31);
        if (this.group !== null) { e.groupStore(f3, rs2, imm - this.group.lo); return Emit.Ok; }
        return e.store(f3, rs1, rs2, imm, n, off);
      }
      case 0x2f: return e.amo(insn, rd, f3, rs1, rs2, n, off);
      case 0x0f: // fence: memory is already sequential here, and MMIO is one FIFO (vcpu-worker.ts);
        // fence.i and pause go to the interpreter
        if (f3 !== 0 || insn === 0x0100000f) return Emit.Unsupported; // pause: the core counts spin-waits
        return Emit.Ok;
      case 0x63: {
        const cmp = [Op.i64_eq, Op.i64_ne, -1, -1, Op.i64_lt_s, Op.i64_ge_s, Op.i64_lt_u, Op.i64_ge_u][f3];
        if (cmp < 0) return Emit.Unsupported;
        const imm = ((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 0x3f) << 5) | (((insn >>> 8) & 0xf) << 1);
        // Taken: another case of the region, or leave. Not taken: go on along the fall-through path.
        e.reg(rs1).reg(rs2).op(cmp).open();
        this.jump(off + imm, n + 1);
        e.close();
        return Emit.Ok;
      }
      case 0x6f: {
        const imm = ((insn >> 31) << 20) | (insn & 0xff000) | (((insn >>> 20) & 1) << 11) | (((insn >>> 21) & 0x3ff) << 1);
        e.pcPlus(off + ilen).write(rd);
        if (rd === 0) this.jump(off + imm, n + 1);
        else e.exit(n + 1, off + imm); // calls go through the dispatcher (the callee is its own entry)
        return Emit.End;
      }
      case 0x67: {
        if (f3 !== 0) return Emit.Unsupported;
        e.reg(rs1).i64(immI).op(Op.i64_add).i64(-2).op(Op.i64_and).set(LOCAL_T);
        e.pcPlus(off + ilen).write(rd);
        e.counts(n + 1, BlockEnd.Normal).get(LOCAL_T).op(Op.return_);
        return Emit.End;
      }
      case 0x73: {
        if (f3 === 0 || f3 === 4) return Emit.Unsupported; // ecall, sret, wfi, sfence.vma: interpreter
        // Zicsr through the core: 0 done, 1 done but interrupts/translation changed (stop and let
        // the core check), 2 not done (illegal, exact counters): bail to the interpreter.
        e.i32(insn).code.byte(Op.call).u32(FN_CSR);
        e.code.byte(Op.local_tee).u32(LOCAL_E);
        e.open();
        e.get(LOCAL_E).i32(1).op(Op.i32_eq).open();
        e.exit(n + 1, off + ilen, BlockEnd.Stop);
        e.close();
        e.exit(n, off, BlockEnd.Bail);
        e.close();
        e.loaded.delete(rd); // the core wrote rd in memory
        return Emit.Ok;
      }
      default:
        return Emit.Unsupported;
    }
  }
}

/** The 4 KiB page of a wasm address (addresses reach 4 GiB: `&` alone would go negative past 2 GiB). */
export const pageStart = (host: number): number => (host & ~0xfff) >>> 0;

/** Which superblocks form the region of the entry at `host` (a dry run of the compiler). */
function discover(src: CodePage, host: number, set: number, hartBase: number): Region {
  const region: Region = { offsets: [0], index: new Map([[0, 0]]), loops: false };
  let insns = 0;
  for (let i = 0; i < region.offsets.length; i++) {
    const c = new RegionCompiler(src, host, set, hartBase, region, true);
    c.emitCase(region.offsets[i]);
    insns += c.insns;
    if (i === 0 && c.insns === 0) break;
    region.loops ||= c.jumpsBack;
    for (const t of c.targets) {
      if (region.index.has(t) || region.offsets.length >= MAX_CASES || insns >= MAX_REGION_INSNS) continue;
      region.index.set(t, region.offsets.length);
      region.offsets.push(t);
      region.loops = true;
    }
  }
  return region;
}

/**
 * Compile the region whose entry instruction is at wasm address `host` (in `src`'s page) for TLB
 * set `set` of the hart at `hartBase`. `insns` is 0 when not even the entry instruction can be compiled.
 */
export function compileBlock(src: CodePage, host: number, set: number, hartBase: number): CompiledBlock {
  const region = discover(src, host, set, hartBase);
  const c = new RegionCompiler(src, host, set, hartBase, region);
  const e = c.e;
  const k = region.offsets.length;
  if (!region.loops) {
    c.emitCase(0);
  } else {
    // loop { block_{k-1} ... block_0 { br_table next } case 0 } case 1 } ... case k-1 } }
    e.op(Op.loop).op(IF_VOID);
    for (let i = 0; i < k; i++) e.op(Op.block).op(IF_VOID);
    e.get(LOCAL_NEXT).op(Op.br_table).code.u32(k);
    for (let i = 0; i < k; i++) e.code.u32(i);
    e.code.u32(0);
    for (let i = 0; i < k; i++) {
      e.op(Op.end);
      e.depth = k - 1 - i; // blocks still open around case i, below the loop
      c.emitCase(region.offsets[i]);
    }
    e.op(Op.end);
  }
  e.op(Op.unreachable).op(Op.end);
  if (c.insns === 0) return { func: { locals: [], body: e.code }, start: host, bytes: 0, insns: 0, stop: c.stop };
  return {
    func: { locals: LOCALS, body: e.code }, start: host + c.minOff, bytes: c.maxOff - c.minOff, insns: c.insns, stop: c.stop,
  };
}
