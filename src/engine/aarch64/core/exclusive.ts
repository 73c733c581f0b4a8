// Load/store exclusive (LDXR/STXR, LDAXR/STLXR and the pair forms) and load-acquire/store-release
// (LDAR/STLR, LDLAR/STLLR). The exclusive monitor remembers the address, size and value an LDXR
// read; a STXR to that address and size succeeds by compare-and-swap against that value, atomic
// across the zone's vCPU threads for 1- to 8-byte accesses (a value changed and changed back
// meanwhile goes unseen, as with the riscv64 engine's LR/SC). A 64-bit pair (16 bytes) is checked
// and written in two halves: exact on one vCPU, not atomic across several yet.
// Acquire/release accesses are sequentially consistent wasm atomics when aligned.
import { FATAL_MMIO_FORM, MMIO_W } from "../layout";
import { pc, setPc, xr, xs, setXr, fatal, CONTINUE } from "./state";
import { undefinedInsn, TAKEN } from "./exception";
import { loadRaw, storeRaw, recordMmio } from "./memory";
import { EXIT_MMIO_LOAD, EXIT_MMIO_STORE } from "../../exit";
import { xlateData, hostAddr, physAddr, XL_FAULT, XL_RAM, XL_MMIO } from "./access";
import { monitorAddr, monitorSize, monitorLo, monitorHi, armMonitor, clearMonitor } from "./monitor";

@inline function atomicLoad(a: usize, size: u32): u64 {
  if (size == 8) return atomic.load<u64>(a);
  if (size == 4) return <u64>atomic.load<u32>(a);
  if (size == 2) return <u64>atomic.load<u16>(a);
  return <u64>atomic.load<u8>(a);
}

/** Replace `expected` at `a` by `v` if it is still there; true when it was. */
@inline function compareSwap(a: usize, size: u32, expected: u64, v: u64): bool {
  if (size == 8) return atomic.cmpxchg<u64>(a, expected, v) == expected;
  if (size == 4) return <u64>atomic.cmpxchg<u32>(a, <u32>expected, <u32>v) == expected;
  if (size == 2) return <u64>atomic.cmpxchg<u16>(a, <u16>expected, <u16>v) == expected;
  return <u64>atomic.cmpxchg<u8>(a, <u8>expected, <u8>v) == expected;
}

/** Bits 29:24 = 001000: the exclusive and ordered forms. */
export function execExclusive(insn: u32): i32 {
  const sizeLog = insn >> 30;
  const o2 = (insn >> 23) & 1;
  const load = (insn >> 22) & 1;
  const o1 = (insn >> 21) & 1;
  const rs = (insn >> 16) & 31;
  const rt2 = (insn >> 10) & 31;
  const rn = (insn >> 5) & 31;
  const rt = insn & 31;
  if (o2 == 1 && o1 == 1) return undefinedInsn(insn); // CAS, CASP (LSE): not implemented
  const pair = o1 == 1;
  if (pair && sizeLog < 2) return undefinedInsn(insn);
  const size: u32 = 1 << sizeLog;
  const total: u32 = pair ? size << 1 : size;
  const addr = xs(rn);
  // Exclusive and ordered accesses must be aligned to their whole size (B2.5.2): unaligned ones fault.
  // Until alignment faults exist they are refused rather than done non-atomically.
  if ((addr & <u64>(total - 1)) != 0) return undefinedInsn(insn);
  const x = xlateData(addr, total, load == 0);
  if (x == XL_FAULT) return TAKEN;
  if (x == XL_MMIO && o2 == 1) { // LDAR/STLR to a device (Linux's readl with erratum 832075's workaround)
    setPc(pc + 4);
    if (load) {
      recordMmio(insn, physAddr, size, 0, rt, size < 8 ? MMIO_W : 0);
      return EXIT_MMIO_LOAD;
    }
    recordMmio(insn, physAddr, size, size == 8 ? xr(rt) : xr(rt) & ((<u64>1 << (size << 3)) - 1), 31, 0);
    return EXIT_MMIO_STORE;
  }
  if (x != XL_RAM) return fatal(FATAL_MMIO_FORM, insn, physAddr); // exclusives: RAM only (aligned: never split)
  const a = hostAddr;
  if (o2 == 1) { // LDAR, LDLAR / STLR, STLLR
    if (load) setXr(rt, atomicLoad(a, size));
    else if (size == 8) atomic.store<u64>(a, xr(rt));
    else if (size == 4) atomic.store<u32>(a, <u32>xr(rt));
    else if (size == 2) atomic.store<u16>(a, <u16>xr(rt));
    else atomic.store<u8>(a, <u8>xr(rt));
    setPc(pc + 4);
    return CONTINUE;
  }
  if (load) { // LDXR, LDAXR, LDXP, LDAXP
    let lo: u64, hi: u64 = 0;
    if (pair && size == 4) { // one 64-bit access holds both registers
      const v = atomic.load<u64>(a);
      lo = v & 0xffffffff;
      hi = v >> 32;
    } else {
      lo = atomicLoad(a, size);
      if (pair) hi = atomicLoad(a + size, size);
    }
    armMonitor(addr, total, lo, hi);
    setXr(rt, lo);
    if (pair) setXr(rt2, hi);
    setPc(pc + 4);
    return CONTINUE;
  }
  // STXR, STLXR, STXP, STLXP: Rs gets 0 on success, 1 on failure; the monitor is open afterwards.
  if (rs == rn && rn != 31 || rs == rt || (pair && rs == rt2)) return undefinedInsn(insn); // CONSTRAINED UNPREDICTABLE
  let ok = monitorSize == total && monitorAddr == addr;
  if (ok) {
    if (!pair) ok = compareSwap(a, size, monitorLo, xr(rt));
    else if (size == 4) ok = compareSwap(a, 8, monitorLo | (monitorHi << 32), (xr(rt) & 0xffffffff) | (xr(rt2) << 32));
    else {
      ok = loadRaw(a, 8) == monitorLo && loadRaw(a + 8, 8) == monitorHi;
      if (ok) {
        storeRaw(a, 8, xr(rt));
        storeRaw(a + 8, 8, xr(rt2));
      }
    }
  }
  clearMonitor();
  setXr(rs, ok ? 0 : 1);
  setPc(pc + 4);
  return CONTINUE;
}
