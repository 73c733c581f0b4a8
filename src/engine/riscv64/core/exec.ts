// The interpreter: fetch through the fetch-page cache, expand RVC via table, execute.
// Hot path rules: no allocation, no calls into JS, registers in shared memory.
import {
  H_INSTRET, H_IP, H_SIE, H_PRIV, H_EXIT_PC, CTABLE_OFF,
  H_JIT_COUNT, H_JIT_BAIL, H_JIT_SET,
  H_PROF_HEAD, H_PROF_RING, PROF_RING_ENTRIES, PROF_EVERY, H_EXIT_ADDR, H_STAT_BLOCKS, H_STAT_JIT_INSNS, H_STAT_BAILS,
} from "../layout";
import { EXIT_JIT_FLUSH, EXIT_MMIO_LOAD, EXIT_MMIO_STORE, EXIT_ECALL_S, EXIT_WFI, EXIT_JIT, EXIT_SPIN } from "../../exit";
import { jitFind, jitHeat, flushJit } from "./jit-cache";
import { watched, storeWatched } from "./reservation";
import { hart, getX, setX, getF, setF, fpEnabled, PRIV_U } from "./state";
import {
  tlbR, tlbW, tlbX, tlbSet, tlbEntry, translateSlow, flushAll, flushPage, faultCause, fetchPage, fetchHost,
  setFetch, ACC_X, XLATE_FAULT,
} from "./mmu";
import { loadSlow, storeSlow, extendLoad, accessSize, rawStore, memCause, memTval, loadValue, MEM_OK, MEM_TRAP } from "./memory";
import { csrInsn, CSR_ILLEGAL, CSR_STOP } from "./csr";
import { enterTrap, leaveTrap } from "./trap";
import { execFp } from "./fpu";
import { mulhu, mulh, mulhsu, amo } from "./alu";

export let exitCode: i32 = -1; // >= 0 once an exit is pending
const PAUSE: u32 = 0x0100000f; // pause (a fence with pred=W, succ=0)
const PAUSE_WINDOW: i32 = 64; // pause hints per EXIT_SPIN
let pauses: i32 = 0;
export let needTimeCheck: bool = false; // stimecmp written: re-evaluate the timer now

export function clearExit(): void {
  exitCode = -1;
}

@inline function rdOf(i: u32): u32 { return (i >> 7) & 31; }
@inline function rs1Of(i: u32): u32 { return (i >> 15) & 31; }
@inline function rs2Of(i: u32): u32 { return (i >> 20) & 31; }
@inline function immI(i: u32): u64 { return <u64>(<i64>((<i32>i) >> 20)); }
@inline function immS(i: u32): u64 { return <u64>(<i64>(((<i32>i) >> 25 << 5) | <i32>((i >> 7) & 31))); }
@inline function sx32(v: u64): u64 { return <u64><i64><i32>v; }

// Execute up to n instructions starting at pc. Returns the pc to continue from; the number
// executed is added to the hart's instret. Stops early on an exit or an interrupt-relevant change.
export function execChunk(pcIn: u64, n: i32): u64 {
  let pc = pcIn;
  let count: i32 = 0;
  let stop = false;
  // True when pc may start a block (after a jump, a taken branch, a trap or a block's normal end).
  let boundary = true;
  let flushed: i32 = 0; // instructions of this chunk already added to H_INSTRET
  while (count < n) {
    count++;
    // ---- fetch ----
    if ((pc & ~<u64>0xfff) != fetchPage) {
      const e = tlbEntry(tlbX, pc);
      if (load<u64>(e) == (pc & ~<u64>0xfff)) {
        setFetch(pc & ~<u64>0xfff, <usize>((pc & ~<u64>0xfff) + load<u64>(e, 8)));
      } else {
        const r = translateSlow(pc & ~<u64>0xfff, ACC_X);
        if (r < 0) {
          pc = enterTrap(r == XLATE_FAULT ? faultCause : 1, pc, pc);
          boundary = true;
          continue;
        }
        setFetch(pc & ~<u64>0xfff, <usize>r);
      }
    }
    const off = <usize>(pc & 0xfff);
    if (boundary) {
      boundary = false;
      const host = fetchHost + off;
      const e = jitFind(host, tlbSet);
      let request = false;
      if (e != 0) {
        const f = load<i32>(e, 8);
        if (f >= 0) {
          pc = call_indirect<u64>(<u32>f, pc);
          const k = load<i32>(hart + H_JIT_COUNT);
          count += k - 1;
          // 0: ended normally; 1: bailed before an instruction the interpreter must run;
          // 2: a CSR write may have made an interrupt deliverable or changed translation;
          // 3: polling memory (spin-waiting): let the vCPU yield its host CPU.
          const end = load<i32>(hart + H_JIT_BAIL);
          boundary = end != 1;
          if (counting) countBlock(k, boundary);
          if (end == 2) break;
          if (end == 3) {
            exitCode = EXIT_SPIN;
            break;
          }
          continue;
        }
        // not compilable: interpret
      } else {
        request = jitHeat(host, tlbSet);
      }
      if (request) {
        store<u64>(hart + H_EXIT_ADDR, <u64>host);
        store<u64>(hart + H_EXIT_PC, pc);
        store<i32>(hart + H_JIT_SET, tlbSet);
        exitCode = EXIT_JIT;
        count--;
        break;
      }
    }
    if (profiling) sampleInterpreted(pc);
    let insn: u32;
    let npc: u64;
    if (off <= 0xffc) {
      insn = load<u32>(fetchHost + off);
    } else {
      insn = load<u16>(fetchHost + off);
      if ((insn & 3) == 3) {
        // A 32-bit instruction straddling two pages.
        const r = translateSlow(pc + 2, ACC_X);
        if (r < 0) {
          pc = enterTrap(r == XLATE_FAULT ? faultCause : 1, pc + 2, pc);
          boundary = true;
          continue;
        }
        insn |= (<u32>load<u16>(<usize>r)) << 16;
      }
    }
    let ilen: u64 = 4;
    if ((insn & 3) != 3) {
      const c = insn & 0xffff;
      insn = load<u32>(<usize>CTABLE_OFF + (<usize>c << 2));
      ilen = 2;
      npc = pc + 2;
      if (insn == 0) {
        pc = enterTrap(2, c, pc);
        continue;
      }
    } else {
      npc = pc + 4;
    }
    const rd = rdOf(insn);
    const f3 = (insn >> 12) & 7;
    let trap = false;
    let cause: u64 = 2;
    let tval: u64 = 0;
    // Cases by how often boot code runs them: the switch is a compare per case (a jump table
    // measured slower: 1.09 s against 0.88 s for an interpreted boot), so the common ones go first.
    switch (insn & 0x7f) {
      case 0x13: { // OP-IMM
        const a = getX(rs1Of(insn));
        const imm = immI(insn);
        const sh = <u64>((insn >> 20) & 63);
        const f6 = insn >> 26;
        let v: u64 = 0;
        switch (f3) {
          case 0: v = a + imm; break;
          case 1:
            if (f6 == 0) v = a << sh;
            else if ((insn >> 20) == 0x600) v = clz<u64>(a);
            else if ((insn >> 20) == 0x601) v = ctz<u64>(a);
            else if ((insn >> 20) == 0x602) v = popcnt<u64>(a);
            else if ((insn >> 20) == 0x604) v = <u64><i64><i8>a;
            else if ((insn >> 20) == 0x605) v = <u64><i64><i16>a;
            else trap = true;
            break;
          case 2: v = <i64>a < <i64>imm ? 1 : 0; break;
          case 3: v = a < imm ? 1 : 0; break;
          case 4: v = a ^ imm; break;
          case 5:
            if (f6 == 0) v = a >> sh;
            else if (f6 == 0x10) v = <u64>(<i64>a >> <i64>sh);
            else if (f6 == 0x18) v = rotr<u64>(a, sh);
            else if ((insn >> 20) == 0x287) v = orcb(a);
            else if ((insn >> 20) == 0x6b8) v = bswap<u64>(a);
            else trap = true;
            break;
          case 6: v = a | imm; break;
          default: v = a & imm; break;
        }
        if (trap) { tval = insn; break; }
        setX(rd, v);
        break;
      }
      case 0x03: { // LOAD
        const va = getX(rs1Of(insn)) + immI(insn);
        if (f3 == 7) { trap = true; tval = insn; break; }
        const size = accessSize(f3);
        const e = tlbEntry(tlbR, va);
        if (load<u64>(e) == (va & ~<u64>0xfff) && (<u32>va & 0xfff) <= 4096 - size) {
          const a = <usize>(va + load<u64>(e, 8));
          let v: u64;
          switch (f3) {
            case 0: v = <u64><i64>load<i8>(a); break;
            case 1: v = <u64><i64>load<i16>(a); break;
            case 2: v = <u64><i64>load<i32>(a); break;
            case 3: v = load<u64>(a); break;
            case 4: v = load<u8>(a); break;
            case 5: v = load<u16>(a); break;
            default: v = load<u32>(a); break;
          }
          setX(rd, v);
        } else {
          const st = loadSlow(pc, va, f3, rd, false);
          if (st == MEM_OK) setX(rd, extendLoad(loadValue, f3));
          else if (st == MEM_TRAP) { trap = true; cause = memCause; tval = memTval; }
          else { exitCode = EXIT_MMIO_LOAD; stop = true; }
        }
        break;
      }
      case 0x63: { // BRANCH
        const a = getX(rs1Of(insn));
        const b = getX(rs2Of(insn));
        let taken: bool;
        switch (f3) {
          case 0: taken = a == b; break;
          case 1: taken = a != b; break;
          case 4: taken = <i64>a < <i64>b; break;
          case 5: taken = <i64>a >= <i64>b; break;
          case 6: taken = a < b; break;
          case 7: taken = a >= b; break;
          default: trap = true; tval = insn; taken = false; break;
        }
        if (taken) {
          const imm = ((<i32>insn >> 31) << 12) | <i32>(((insn >> 7) & 1) << 11) |
            <i32>(((insn >> 25) & 0x3f) << 5) | <i32>(((insn >> 8) & 0xf) << 1);
          npc = pc + <u64><i64>imm;
        }
        break;
      }
      case 0x23: { // STORE
        if (f3 > 3) { trap = true; tval = insn; break; }
        const st = storeAccess(pc, getX(rs1Of(insn)) + immS(insn), f3, getX(rs2Of(insn)), false);
        if (st == MEM_TRAP) { trap = true; cause = memCause; tval = memTval; }
        else if (st != MEM_OK) { exitCode = EXIT_MMIO_STORE; stop = true; }
        break;
      }
      case 0x33: { // OP
        const a = getX(rs1Of(insn));
        const b = getX(rs2Of(insn));
        const f7 = insn >> 25;
        let v: u64 = 0;
        if (f7 == 0) {
          switch (f3) {
            case 0: v = a + b; break;
            case 1: v = a << (b & 63); break;
            case 2: v = <i64>a < <i64>b ? 1 : 0; break;
            case 3: v = a < b ? 1 : 0; break;
            case 4: v = a ^ b; break;
            case 5: v = a >> (b & 63); break;
            case 6: v = a | b; break;
            default: v = a & b; break;
          }
        } else if (f7 == 0x20) {
          if (f3 == 0) v = a - b;
          else if (f3 == 5) v = <u64>(<i64>a >> <i64>(b & 63));
          else if (f3 == 7) v = a & ~b;
          else if (f3 == 6) v = a | ~b;
          else if (f3 == 4) v = ~(a ^ b);
          else trap = true;
        } else if (f7 == 1) {
          switch (f3) {
            case 0: v = a * b; break;
            case 1: v = mulh(a, b); break;
            case 2: v = mulhsu(a, b); break;
            case 3: v = mulhu(a, b); break;
            case 4: v = b == 0 ? <u64>-1 : (a == 0x8000000000000000 && b == <u64>-1) ? a : <u64>(<i64>a / <i64>b); break;
            case 5: v = b == 0 ? <u64>-1 : a / b; break;
            case 6: v = b == 0 ? a : (a == 0x8000000000000000 && b == <u64>-1) ? 0 : <u64>(<i64>a % <i64>b); break;
            default: v = b == 0 ? a : a % b; break;
          }
        } else if (f7 == 0x10 && (f3 == 2 || f3 == 4 || f3 == 6)) {
          v = (a << <u64>(f3 >> 1)) + b; // sh1add/sh2add/sh3add
        } else if (f7 == 0x05 && f3 >= 4) {
          if (f3 == 4) v = <i64>a < <i64>b ? a : b;
          else if (f3 == 5) v = a < b ? a : b;
          else if (f3 == 6) v = <i64>a > <i64>b ? a : b;
          else v = a > b ? a : b;
        } else if (f7 == 0x30 && f3 == 1) v = rotl<u64>(a, b & 63);
        else if (f7 == 0x30 && f3 == 5) v = rotr<u64>(a, b & 63);
        else trap = true;
        if (trap) { tval = insn; break; }
        setX(rd, v);
        break;
      }
      case 0x6f: { // JAL
        const imm = ((<i32>insn >> 31) << 20) | <i32>(insn & 0xff000) | <i32>(((insn >> 20) & 1) << 11) |
          <i32>(((insn >> 21) & 0x3ff) << 1);
        setX(rd, npc);
        npc = pc + <u64><i64>imm;
        break;
      }
      case 0x67: { // JALR
        if (f3 != 0) { trap = true; tval = insn; break; }
        const t = (getX(rs1Of(insn)) + immI(insn)) & ~<u64>1;
        setX(rd, npc);
        npc = t;
        break;
      }
      case 0x1b: { // OP-IMM-32
        const a = getX(rs1Of(insn));
        const f7 = insn >> 25;
        const sh = (insn >> 20) & 31;
        let v: u64 = 0;
        if (f3 == 0) v = sx32(a + immI(insn));
        else if (f3 == 1 && f7 == 0) v = sx32(<u64>(<u32>a << sh));
        else if (f3 == 1 && (insn >> 26) == 2) v = (a & 0xffffffff) << <u64>((insn >> 20) & 63); // slli.uw
        else if (f3 == 1 && f7 == 0x30 && rs2Of(insn) == 0) v = clz<u32>(<u32>a);
        else if (f3 == 1 && f7 == 0x30 && rs2Of(insn) == 1) v = ctz<u32>(<u32>a);
        else if (f3 == 1 && f7 == 0x30 && rs2Of(insn) == 2) v = popcnt<u32>(<u32>a);
        else if (f3 == 5 && f7 == 0) v = sx32(<u64>(<u32>a >> sh));
        else if (f3 == 5 && f7 == 0x20) v = <u64><i64>((<i32>a) >> sh);
        else if (f3 == 5 && f7 == 0x30) v = sx32(<u64>rotr<u32>(<u32>a, sh));
        else { trap = true; tval = insn; break; }
        setX(rd, v);
        break;
      }
      case 0x37: // LUI
        setX(rd, <u64><i64><i32>(insn & 0xfffff000));
        break;
      case 0x17: // AUIPC
        setX(rd, pc + <u64><i64><i32>(insn & 0xfffff000));
        break;
      case 0x3b: { // OP-32
        const a = getX(rs1Of(insn));
        const b = getX(rs2Of(insn));
        const f7 = insn >> 25;
        const a32 = <i32>a;
        const b32 = <i32>b;
        let v: u64 = 0;
        if (f7 == 0) {
          if (f3 == 0) v = sx32(a + b);
          else if (f3 == 1) v = sx32(<u64>(<u32>a << (<u32>b & 31)));
          else if (f3 == 5) v = sx32(<u64>(<u32>a >> (<u32>b & 31)));
          else trap = true;
        } else if (f7 == 0x20) {
          if (f3 == 0) v = sx32(a - b);
          else if (f3 == 5) v = <u64><i64>(a32 >> (b32 & 31));
          else trap = true;
        } else if (f7 == 1) {
          switch (f3) {
            case 0: v = sx32(<u64>(<u32>a * <u32>b)); break;
            case 4: v = b32 == 0 ? <u64>-1 : (a32 == i32.MIN_VALUE && b32 == -1) ? sx32(a) : <u64><i64>(a32 / b32); break;
            case 5: v = <u32>b == 0 ? <u64>-1 : sx32(<u64>(<u32>a / <u32>b)); break;
            case 6: v = b32 == 0 ? sx32(a) : (a32 == i32.MIN_VALUE && b32 == -1) ? 0 : <u64><i64>(a32 % b32); break;
            case 7: v = <u32>b == 0 ? sx32(a) : sx32(<u64>(<u32>a % <u32>b)); break;
            default: trap = true; break;
          }
        } else if (f7 == 0x04 && f3 == 0) v = (a & 0xffffffff) + b; // add.uw
        else if (f7 == 0x04 && f3 == 4 && rs2Of(insn) == 0) v = a & 0xffff; // zext.h
        else if (f7 == 0x10 && (f3 == 2 || f3 == 4 || f3 == 6)) v = ((a & 0xffffffff) << <u64>(f3 >> 1)) + b;
        else if (f7 == 0x30 && f3 == 1) v = sx32(<u64>rotl<u32>(<u32>a, <u32>b & 31));
        else if (f7 == 0x30 && f3 == 5) v = sx32(<u64>rotr<u32>(<u32>a, <u32>b & 31));
        else trap = true;
        if (trap) { tval = insn; break; }
        setX(rd, v);
        break;
      }
      case 0x73: { // SYSTEM
        const priv = load<i32>(hart + H_PRIV);
        if (f3 == 0) {
          if (insn == 0x00000073) { // ecall
            if (priv == PRIV_U) { trap = true; cause = 8; tval = 0; }
            else { store<u64>(hart + H_EXIT_PC, pc); npc = pc; exitCode = EXIT_ECALL_S; stop = true; }
          } else if (insn == 0x00100073) { // ebreak
            trap = true; cause = 3; tval = pc;
          } else if (insn == 0x10200073 && priv != PRIV_U) { // sret
            npc = leaveTrap();
            stop = true; // privilege and interrupt enables changed: re-check in the outer loop
          } else if (insn == 0x10500073 && priv != PRIV_U) { // wfi
            if ((<u32>atomic.load<i32>(hart + H_IP) & <u32>load<u64>(hart + H_SIE)) == 0) {
              exitCode = EXIT_WFI; stop = true;
            }
          } else if ((insn & 0xfe007fff) == 0x12000073 && priv != PRIV_U) { // sfence.vma
            if (rs1Of(insn) == 0) flushAll();
            else flushPage(getX(rs1Of(insn)));
          } else {
            trap = true; tval = insn;
          }
          break;
        }
        if (f3 == 4) { trap = true; tval = insn; break; }
        // Counters read exactly: account for what this chunk retired so far.
        store<u64>(hart + H_INSTRET, load<u64>(hart + H_INSTRET) + <u64>(count - 1 - flushed));
        flushed = count - 1;
        const r = csrInsn(insn);
        if (r == CSR_ILLEGAL) { trap = true; tval = insn; break; }
        if (r == CSR_STOP) stop = true;
        break;
      }
      case 0x2f: { // AMO
        const r = amo(insn);
        if (r != 0) { trap = true; cause = r == 2 ? <u64>2 : memCause; tval = r == 2 ? <u64>insn : memTval; }
        break;
      }
      case 0x0f: // FENCE / FENCE.I: fence.i has the vCPU thread drop compiled code that went stale.
        if (f3 > 1) { trap = true; tval = insn; }
        else if (f3 == 1) { flushJit(); exitCode = EXIT_JIT_FLUSH; stop = true; }
        else if (insn == PAUSE && ++pauses >= PAUSE_WINDOW) {
          // Zihintpause: Linux's cpu_relax() in every spin-wait. A vCPU spinning for a lock whose
          // holder's thread is not running only keeps it off the host CPU: yield it.
          pauses = 0;
          exitCode = EXIT_SPIN;
          stop = true;
        }
        break;
      case 0x07: { // LOAD-FP
        if (!fpEnabled() || (f3 != 2 && f3 != 3)) { trap = true; tval = insn; break; }
        const va = getX(rs1Of(insn)) + immI(insn);
        const st = fastLoad(va, f3, pc, rd);
        if (st == MEM_OK) setF(rd, f3 == 2 ? (loadValue | 0xffffffff00000000) : loadValue);
        else if (st == MEM_TRAP) { trap = true; cause = memCause; tval = memTval; }
        else { exitCode = EXIT_MMIO_LOAD; stop = true; }
        break;
      }
      case 0x27: { // STORE-FP
        if (!fpEnabled() || (f3 != 2 && f3 != 3)) { trap = true; tval = insn; break; }
        const st = storeAccess(pc, getX(rs1Of(insn)) + immS(insn), f3, getF(rs2Of(insn)), true);
        if (st == MEM_TRAP) { trap = true; cause = memCause; tval = memTval; }
        else if (st != MEM_OK) { exitCode = EXIT_MMIO_STORE; stop = true; }
        break;
      }
      case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53: // FP arithmetic
        if (!fpEnabled() || !execFp(insn)) { trap = true; tval = insn; }
        break;
      default:
        trap = true; tval = insn;
        break;
    }
    if (trap) {
      pc = enterTrap(cause, tval, pc);
      boundary = true;
      continue;
    }
    boundary = npc != pc + ilen;
    pc = npc;
    if (stop) break;
  }
  store<u64>(hart + H_INSTRET, load<u64>(hart + H_INSTRET) + <u64>(count - flushed));
  return pc;
}

// Developer profiling (TSVISOR_PROFILE): sample which pcs the interpreter, not a block, runs.
let profiling: bool = false;
let profileCountdown: i32 = PROF_EVERY;
// Statistics of compiled-block calls (TSVISOR_STATS), kept off the dispatch path otherwise.
let counting: bool = false;
export function setCounting(on: bool): void {
  counting = on;
}
function countBlock(k: i32, normal: bool): void {
  store<u64>(hart + H_STAT_BLOCKS, load<u64>(hart + H_STAT_BLOCKS) + 1);
  store<u64>(hart + H_STAT_JIT_INSNS, load<u64>(hart + H_STAT_JIT_INSNS) + <u64>k);
  if (!normal) store<u64>(hart + H_STAT_BAILS, load<u64>(hart + H_STAT_BAILS) + 1);
}

export function setProfiling(on: bool): void {
  profiling = on;
}
function sampleInterpreted(pc: u64): void {
  if (--profileCountdown > 0) return;
  profileCountdown = PROF_EVERY;
  const head = load<i32>(hart + H_PROF_HEAD);
  store<u64>(hart + H_PROF_RING + ((<usize>head & (PROF_RING_ENTRIES - 1)) << 3), pc);
  store<i32>(hart + H_PROF_HEAD, head + 1);
}

// Store through the TLB fast path or the slow path; returns MEM_OK, MEM_TRAP or MEM_EXIT.
@inline function storeAccess(pc: u64, va: u64, f3: u32, v: u64, isFloat: bool): i32 {
  const size = accessSize(f3);
  const e = tlbEntry(tlbW, va);
  if (load<u64>(e) == (va & ~<u64>0xfff) && (<u32>va & 0xfff) <= 4096 - size) {
    const a = <usize>(va + load<u64>(e, 8));
    if (watched(a)) storeWatched(a, size, v);
    else rawStore(a, size, v);
    return MEM_OK;
  }
  return storeSlow(pc, va, f3, v, isFloat);
}

// FP load through the TLB (fast) or the slow path; the value lands in loadValue.
function fastLoad(va: u64, f3: u32, pc: u64, rd: u32): i32 {
  const size = accessSize(f3);
  const e = tlbEntry(tlbR, va);
  if (load<u64>(e) == (va & ~<u64>0xfff) && (<u32>va & 0xfff) <= 4096 - size) {
    const a = <usize>(va + load<u64>(e, 8));
    loadValue = size == 8 ? load<u64>(a) : <u64>load<u32>(a);
    return MEM_OK;
  }
  return loadSlow(pc, va, f3, rd, true);
}

// orc.b: each byte becomes 0xff if non-zero, else 0.
function orcb(a: u64): u64 {
  let r: u64 = 0;
  for (let i: u64 = 0; i < 64; i += 8) {
    if (((a >> i) & 0xff) != 0) r |= (<u64>0xff) << i;
  }
  return r;
}

