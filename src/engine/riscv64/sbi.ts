// tsvisor's SBI v2.0 implementation: what HS-mode firmware does for a guest in virtual S-mode.
// Guest-controlled values are untrusted: every id, mask and address is range-checked, and
// unknown calls return SBI_ERR_NOT_SUPPORTED (logged, rate-limited by the host), never throw.
import * as L from "./layout.js";
import { HartView, HSM_STARTED, HSM_STOPPED, HSM_START_PENDING, HSM_SUSPENDED, SIP_SSIP } from "./hart-view.js";

export const SBI_SUCCESS = 0n;
export const SBI_ERR_FAILED = -1n;
export const SBI_ERR_NOT_SUPPORTED = -2n;
export const SBI_ERR_INVALID_PARAM = -3n;
export const SBI_ERR_DENIED = -4n;
export const SBI_ERR_INVALID_ADDRESS = -5n;
export const SBI_ERR_ALREADY_AVAILABLE = -6n;

export const EXT_BASE = 0x10;
export const EXT_TIME = 0x54494d45;
export const EXT_IPI = 0x735049;
export const EXT_RFENCE = 0x52464e43;
export const EXT_HSM = 0x48534d;
export const EXT_SRST = 0x53525354;
export const EXT_DBCN = 0x4442434e;
export const EXT_SUSP = 0x53555350;

const SPEC_VERSION = (2n << 24n) | 0n; // SBI v2.0
export const IMPL_ID = 0x7473766en; // "tsvn": not a registered id, so no guest mistakes us for another
const IMPL_VERSION = 0x00000100n;

/** What the SBI layer needs from the vCPU thread hosting the calling hart. */
export interface SbiHost {
  readonly self: HartView;
  readonly harts: readonly HartView[];
  /** Guest physical RAM view of [pa, pa+len), or null if outside RAM. */
  guestBytes(pa: bigint, len: number): Uint8Array | null;
  /** Console output: takes what fits in the zone's console ring now; returns how many bytes. */
  consoleWrite(bytes: Uint8Array): number;
  /**
   * Wait a little (bounded, a few ms) for room in the console ring, serving this hart's remote
   * fence requests meanwhile; returns early when there is room or the zone ends.
   */
  consoleWait(): void;
  /** Up to `max` bytes of pending console input (may be empty). */
  consoleRead(max: number): Uint8Array;
  flushLocalTlb(): void;
  /** fence.i on this hart: drop compiled code whose guest bytes changed. */
  flushLocalCode(): void;
  systemReset(kind: "poweroff" | "reboot", code: number): void;
  /** Diagnostics the guest can trigger at will: the host rate-limits them per `kind`. */
  log(kind: string, msg: string): void;
}

/** What the vCPU loop must do after the call. */
export type SbiAction = "continue" | "stop" | "suspend" | "suspend-nonretentive" | "reset";

function ret(h: HartView, err: bigint, val: bigint): void {
  h.setX(10, err);
  h.setX(11, val);
  h.pc = h.pc + 4n;
}

function toSigned(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Expand (hart_mask, hart_mask_base) into hart ids; null if any id is invalid. */
export function hartsFromMask(mask: bigint, base: bigint, count: number): number[] | null {
  if (toSigned(base) === -1n) return Array.from({ length: count }, (_, i) => i);
  const out: number[] = [];
  for (let bit = 0n; bit < 64n; bit++) {
    if (((mask >> bit) & 1n) === 0n) continue;
    const id = base + bit;
    if (id >= BigInt(count)) return null;
    out.push(Number(id));
  }
  return out;
}

export function handleSbi(host: SbiHost): SbiAction {
  const h = host.self;
  const eid = Number(BigInt.asUintN(32, h.getX(17)));
  const fid = Number(BigInt.asUintN(32, h.getX(16)));
  const a0 = h.getX(10);
  const a1 = h.getX(11);
  const a2 = h.getX(12);
  switch (eid) {
    // ---- legacy extensions (v0.1): console, timer and shutdown only ----
    case 0x00: // set_timer
      setTimer(h, a0);
      ret(h, 0n, 0n);
      h.setX(11, a1); // legacy calls return only a0
      return "continue";
    case 0x01: // console_putchar: blocks while the console is full (see putByte)
      if (!putByte(host, a0)) return "continue";
      h.setX(10, 0n);
      h.pc = h.pc + 4n;
      return "continue";
    case 0x02: {
      const b = host.consoleRead(1);
      h.setX(10, b.length ? BigInt(b[0]) : BigInt.asUintN(64, -1n));
      h.pc = h.pc + 4n;
      return "continue";
    }
    case 0x03: // clear_ipi
      h.lowerIrq(SIP_SSIP);
      h.setX(10, 0n);
      h.pc = h.pc + 4n;
      return "continue";
    case 0x08: // shutdown
      host.systemReset("poweroff", 0);
      return "reset";
    case EXT_BASE:
      return base(host, fid, a0);
    case EXT_TIME:
      if (fid !== 0) return unsupported(host, eid, fid);
      setTimer(h, a0);
      ret(h, SBI_SUCCESS, 0n);
      return "continue";
    case EXT_IPI: {
      if (fid !== 0) return unsupported(host, eid, fid);
      const ids = hartsFromMask(a0, a1, host.harts.length);
      if (!ids) { ret(h, SBI_ERR_INVALID_PARAM, 0n); return "continue"; }
      for (const id of ids) host.harts[id].raiseIrq(SIP_SSIP);
      ret(h, SBI_SUCCESS, 0n);
      return "continue";
    }
    case EXT_RFENCE:
      return rfence(host, fid, a0, a1);
    case EXT_HSM:
      return hsm(host, fid, a0, a1, a2);
    case EXT_SRST: {
      if (fid !== 0) return unsupported(host, eid, fid);
      const type = Number(BigInt.asUintN(32, a0));
      const reason = Number(BigInt.asUintN(32, a1));
      if (type > 2 || reason > 1) { ret(h, SBI_ERR_INVALID_PARAM, 0n); return "continue"; }
      // A "system failure" reason still powers off, but with a non-zero code the user can see.
      host.systemReset(type === 0 ? "poweroff" : "reboot", type === 0 ? reason : 0);
      return "reset";
    }
    case EXT_DBCN:
      return dbcn(host, fid, a0, a1, a2);
    case EXT_SUSP:
      return systemSuspend(host, fid, a0, a1, a2);
    default:
      return unsupported(host, eid, fid);
  }
}

function unsupported(host: SbiHost, eid: number, fid: number): SbiAction {
  host.log(`SBI eid=0x${eid.toString(16)} fid=${fid}`,
    `SBI call eid=0x${eid.toString(16)} fid=${fid} not supported (hart ${host.self.hartId})`);
  ret(host.self, SBI_ERR_NOT_SUPPORTED, 0n);
  return "continue";
}

function setTimer(h: HartView, when: bigint): void {
  h.store64(L.H_STIMECMP, when);
  // The core re-evaluates STIP against the new deadline before running on.
  h.lowerIrq(1 << 5);
}

function base(host: SbiHost, fid: number, a0: bigint): SbiAction {
  const h = host.self;
  switch (fid) {
    case 0: ret(h, SBI_SUCCESS, SPEC_VERSION); return "continue";
    case 1: ret(h, SBI_SUCCESS, IMPL_ID); return "continue";
    case 2: ret(h, SBI_SUCCESS, IMPL_VERSION); return "continue";
    case 3: {
      const ext = Number(BigInt.asUintN(32, a0));
      const known = [EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN, EXT_SUSP, 0, 1, 2, 3, 8].includes(ext) &&
        a0 < 0x100000000n;
      ret(h, SBI_SUCCESS, known ? 1n : 0n);
      return "continue";
    }
    case 4: case 5: case 6: ret(h, SBI_SUCCESS, 0n); return "continue"; // mvendorid, marchid, mimpid
    default: return unsupported(host, EXT_BASE, fid);
  }
}

function rfence(host: SbiHost, fid: number, mask: bigint, maskBase: bigint): SbiAction {
  const h = host.self;
  if (fid > 2) return unsupported(host, EXT_RFENCE, fid); // hfence.* need the H extension
  const ids = hartsFromMask(mask, maskBase, host.harts.length);
  if (!ids) { ret(h, SBI_ERR_INVALID_PARAM, 0n); return "continue"; }
  // remote_fence_i (0) and remote_sfence_vma(_asid) (1, 2): the targets flush both (compiled
  // code and TLB) through the same request; this hart does just what was asked.
  remoteSfence(host, ids, fid === 0 ? "code" : "tlb");
  ret(h, SBI_SUCCESS, 0n);
  return "continue";
}

/** Flush the TLBs and compiled code of `ids` and wait until every running target has done so. */
export function remoteSfence(host: SbiHost, ids: number[], local: "tlb" | "code" = "tlb"): void {
  const waits: { h: HartView; gen: number }[] = [];
  for (const id of ids) {
    const t = host.harts[id];
    if (t === host.self) {
      if (local === "tlb") host.flushLocalTlb();
      else host.flushLocalCode();
      continue;
    }
    if (t.hsmState !== HSM_STARTED && t.hsmState !== HSM_SUSPENDED) continue;
    const gen = Atomics.add(t.words, t.word(L.H_FLUSH), 1) + 1;
    t.wake();
    waits.push({ h: t, gen });
  }
  for (const w of waits) {
    const ackIdx = w.h.word(L.H_FLUSH_ACK);
    for (let spins = 0; ; spins++) {
      const ack = Atomics.load(w.h.words, ackIdx);
      if (ack - w.gen >= 0) break;
      const st = w.h.hsmState;
      if (st !== HSM_STARTED && st !== HSM_SUSPENDED) break; // stopped harts flush when they start
      serviceOwnFlush(host); // the target may be waiting on us in the same way
      Atomics.wait(w.h.words, ackIdx, ack, 1);
      if (spins > 20000) { host.log("rfence timeout", `hart ${w.h.hartId} did not acknowledge a remote fence`); break; }
    }
  }
}

/** Serve a remote fence request pending for the calling hart (TLB and compiled code) and acknowledge it. */
export function serviceOwnFlush(host: SbiHost): void {
  const h = host.self;
  const gen = Atomics.load(h.words, h.word(L.H_FLUSH));
  if (gen !== Atomics.load(h.words, h.word(L.H_FLUSH_ACK))) {
    host.flushLocalTlb(); // a request means both, as in the core's own poll
    host.flushLocalCode();
    Atomics.store(h.words, h.word(L.H_FLUSH_ACK), gen);
    Atomics.notify(h.words, h.word(L.H_FLUSH_ACK));
  }
}

function hsm(host: SbiHost, fid: number, a0: bigint, a1: bigint, a2: bigint): SbiAction {
  const h = host.self;
  switch (fid) {
    case 0: { // hart_start(hartid, start_addr, opaque)
      if (a0 >= BigInt(host.harts.length)) { ret(h, SBI_ERR_INVALID_PARAM, 0n); return "continue"; }
      const t = host.harts[Number(a0)];
      if (!host.guestBytes(a1, 4)) { ret(h, SBI_ERR_INVALID_ADDRESS, 0n); return "continue"; }
      // Claim the STOPPED -> START_PENDING transition atomically: two starters race otherwise.
      const prev = Atomics.compareExchange(t.words, t.word(L.H_HSM), HSM_STOPPED, HSM_START_PENDING);
      if (prev !== HSM_STOPPED) { ret(h, SBI_ERR_ALREADY_AVAILABLE, 0n); return "continue"; }
      t.store64(L.H_START_ADDR, a1);
      t.store64(L.H_START_ARG, a2);
      t.wake();
      ret(h, SBI_SUCCESS, 0n);
      return "continue";
    }
    case 1: // hart_stop: no return on success
      return "stop";
    case 2: {
      if (a0 >= BigInt(host.harts.length)) { ret(h, SBI_ERR_INVALID_PARAM, 0n); return "continue"; }
      ret(h, SBI_SUCCESS, BigInt(host.harts[Number(a0)].hsmState));
      return "continue";
    }
    case 3: { // hart_suspend(type, resume_addr, opaque)
      const type = BigInt.asUintN(32, a0);
      if (type === 0n) { ret(h, SBI_SUCCESS, 0n); return "suspend"; }
      if (type === 0x80000000n) {
        if (!host.guestBytes(a1, 4)) { ret(h, SBI_ERR_INVALID_ADDRESS, 0n); return "continue"; }
        h.store64(L.H_START_ADDR, a1);
        h.store64(L.H_START_ARG, a2);
        return "suspend-nonretentive";
      }
      ret(h, SBI_ERR_INVALID_PARAM, 0n);
      return "continue";
    }
    default: return unsupported(host, EXT_HSM, fid);
  }
}

/**
 * SBI v2.0 system suspend (SUSP), suspend-to-RAM: allowed once every other hart is stopped. The
 * zone's memory stays as it is; the calling hart sleeps until an interrupt it enables becomes
 * pending (its timer, a device), then resumes at resume_addr as a non-retentive HSM suspend does:
 * a0 = hart id, a1 = opaque, S-mode with the MMU and interrupts off.
 */
function systemSuspend(host: SbiHost, fid: number, a0: bigint, a1: bigint, a2: bigint): SbiAction {
  const h = host.self;
  if (fid !== 0) return unsupported(host, EXT_SUSP, fid);
  // 0 is suspend-to-RAM; 1..0x7fffffff are reserved; 0x80000000.. are platform-specific and none exists here.
  if (BigInt.asUintN(32, a0) !== 0n) { ret(h, SBI_ERR_INVALID_PARAM, 0n); return "continue"; }
  if (host.harts.some((t) => t !== h && t.hsmState !== HSM_STOPPED)) { ret(h, SBI_ERR_DENIED, 0n); return "continue"; }
  if (!host.guestBytes(a1, 4)) { ret(h, SBI_ERR_INVALID_ADDRESS, 0n); return "continue"; }
  h.store64(L.H_START_ADDR, a1);
  h.store64(L.H_START_ARG, a2);
  return "suspend-nonretentive";
}

function dbcn(host: SbiHost, fid: number, a0: bigint, a1: bigint, a2: bigint): SbiAction {
  const h = host.self;
  if (fid === 2) { // write_byte: blocks while the console is full (see putByte)
    if (putByte(host, a0)) ret(h, SBI_SUCCESS, 0n);
    return "continue";
  }
  if (fid !== 0 && fid !== 1) return unsupported(host, EXT_DBCN, fid);
  // num_bytes, base_addr_lo, base_addr_hi (physical). Cap the length: a guest may pass anything.
  const len = Number(a0 > 0x10000n ? 0x10000n : a0);
  const addr = (BigInt.asUintN(64, a2) << 64n) | BigInt.asUintN(64, a1); // hi is 0 on RV64
  const mem = addr < 1n << 64n ? host.guestBytes(addr, len) : null;
  if (!mem) { ret(h, SBI_ERR_INVALID_PARAM, 0n); return "continue"; }
  if (fid === 0) {
    // As many bytes as fit (the spec lets write return fewer); when none do, after a short wait.
    let n = host.consoleWrite(mem);
    if (n === 0 && len > 0) {
      host.consoleWait();
      n = host.consoleWrite(mem);
    }
    ret(h, SBI_SUCCESS, BigInt(n));
  } else {
    const got = host.consoleRead(len);
    mem.set(got);
    ret(h, SBI_SUCCESS, BigInt(got.length));
  }
  return "continue";
}

/**
 * One console byte for the calls the spec makes blocking (DBCN write_byte, legacy putchar).
 * False when the console stayed full for the short wait: the caller leaves the pc on the ecall,
 * so the guest makes the call again after the vCPU loop's turn (zone stop, fences, interrupts).
 */
function putByte(host: SbiHost, a0: bigint): boolean {
  const b = Uint8Array.of(Number(a0 & 0xffn));
  if (host.consoleWrite(b) === 1) return true;
  host.consoleWait();
  return host.consoleWrite(b) === 1;
}

export { HSM_STARTED, HSM_STOPPED, HSM_START_PENDING, HSM_SUSPENDED };
