// 128-bit multiply-high helpers and the A extension (LR/SC/AMO), atomic across vCPU threads.
import { getX, setX } from "./state";
import { tlbR, tlbW, tlbEntry, translateSlow, faultCause, ACC_R, ACC_W, XLATE_FAULT } from "./mmu";
import { setMemTrap } from "./memory";
import { watched, loadReserved, storeConditional, amoWatchedBegin, amoWatchedEnd } from "./reservation";

export function mulhu(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
export function mulh(a: u64, b: u64): u64 {
  let r = mulhu(a, b);
  if (<i64>a < 0) r -= b;
  if (<i64>b < 0) r -= a;
  return r;
}
export function mulhsu(a: u64, b: u64): u64 {
  let r = mulhu(a, b);
  if (<i64>a < 0) r -= b;
  return r;
}

// Executes an AMO-opcode instruction. Returns 0 on success, 1 for a memory trap (memCause/memTval),
// 2 for an illegal instruction.
export function amo(insn: u32): i32 {
  const f3 = (insn >> 12) & 7;
  if (f3 != 2 && f3 != 3) return 2;
  const f5 = insn >> 27;
  const isLr = f5 == 2;
  if (isLr && ((insn >> 20) & 31) != 0) return 2;
  const size: u64 = f3 == 2 ? 4 : 8;
  const rd = (insn >> 7) & 31;
  const va = getX((insn >> 15) & 31);
  const src = getX((insn >> 20) & 31);
  if ((va & (size - 1)) != 0) {
    setMemTrap(isLr ? 4 : 6, va);
    return 1;
  }
  // Translate (LR needs read permission, everything else write permission).
  const table = isLr ? tlbR : tlbW;
  const e = tlbEntry(table, va);
  let a: usize;
  if (load<u64>(e) == (va & ~<u64>0xfff)) {
    a = <usize>(va + load<u64>(e, 8));
  } else {
    const r = translateSlow(va, isLr ? ACC_R : ACC_W);
    if (r < 0) {
      // AMOs to MMIO are not supported: access fault.
      setMemTrap(r == XLATE_FAULT ? faultCause : (isLr ? 5 : 7), va);
      return 1;
    }
    a = <usize>r;
  }
  if (isLr) {
    const v = loadReserved(a, <u32>size);
    setX(rd, size == 4 ? <u64><i64><i32><u32>v : v);
    return 0;
  }
  if (f5 == 3) {
    setX(rd, storeConditional(a, <u32>size, src) ? 0 : 1);
    return 0;
  }
  const isWatched = watched(a);
  if (isWatched) amoWatchedBegin(a, <u32>size);
  const r = amoOp(a, <u32>size, f5, src, rd);
  if (isWatched) amoWatchedEnd(a);
  return r;
}

// The read-modify-write AMOs proper (not LR/SC).
function amoOp(a: usize, size: u32, f5: u32, src: u64, rd: u32): i32 {
  if (size == 4) {
    let old: u32;
    switch (f5) {
      case 1: old = atomic.xchg<u32>(a, <u32>src); break;
      case 0: old = atomic.add<u32>(a, <u32>src); break;
      case 4: old = atomic.xor<u32>(a, <u32>src); break;
      case 12: old = atomic.and<u32>(a, <u32>src); break;
      case 8: old = atomic.or<u32>(a, <u32>src); break;
      case 16: case 20: case 24: case 28: {
        const s = <u32>src;
        while (true) {
          old = atomic.load<u32>(a);
          let n: u32;
          if (f5 == 16) n = <i32>old < <i32>s ? old : s;
          else if (f5 == 20) n = <i32>old > <i32>s ? old : s;
          else if (f5 == 24) n = old < s ? old : s;
          else n = old > s ? old : s;
          if (atomic.cmpxchg<u32>(a, old, n) == old) break;
        }
        break;
      }
      default: return 2;
    }
    setX(rd, <u64><i64><i32>old);
    return 0;
  }
  let old: u64;
  switch (f5) {
    case 1: old = atomic.xchg<u64>(a, src); break;
    case 0: old = atomic.add<u64>(a, src); break;
    case 4: old = atomic.xor<u64>(a, src); break;
    case 12: old = atomic.and<u64>(a, src); break;
    case 8: old = atomic.or<u64>(a, src); break;
    case 16: case 20: case 24: case 28: {
      while (true) {
        old = atomic.load<u64>(a);
        let n: u64;
        if (f5 == 16) n = <i64>old < <i64>src ? old : src;
        else if (f5 == 20) n = <i64>old > <i64>src ? old : src;
        else if (f5 == 24) n = old < src ? old : src;
        else n = old > src ? old : src;
        if (atomic.cmpxchg<u64>(a, old, n) == old) break;
      }
      break;
    }
    default: return 2;
  }
  setX(rd, old);
  return 0;
}



