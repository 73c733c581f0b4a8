// SBI IPI and RFENCE: calls that name a set of harts (§Hart list parameter) and reach into them.
import * as L from "./layout.js";
import { HSM_STARTED, HSM_SUSPENDED, SIP_SSIP, type HartView } from "./hart-view.js";
import { ret, SBI_ERR_INVALID_ADDRESS, SBI_ERR_INVALID_PARAM, SBI_SUCCESS, type SbiAction,
  type SbiHost } from "./sbi-abi.js";

const ALL_ONES = (1n << 64n) - 1n;
// satp has no ASID bits on this platform (ASIDLEN = 0, see the core's satp write): 0 is the
// only ASID a hart can hold, any other is "not valid" for remote_sfence_vma_asid.
const MAX_ASID = 0n;

/**
 * Expand (hart_mask, hart_mask_base) into hart ids; null if any id it names is not a hart of
 * the zone. Base -1 means every hart, the mask ignored. The base itself need not be a hart
 * unless bit 0 is set (v3.0): an empty mask names none, whatever the base.
 */
export function hartsFromMask(mask: bigint, base: bigint, count: number): number[] | null {
  if (base === ALL_ONES) return Array.from({ length: count }, (_, i) => i);
  const out: number[] = [];
  for (let bit = 0n; bit < 64n; bit++) {
    if (((mask >> bit) & 1n) === 0n) continue;
    const id = base + bit;
    if (id >= BigInt(count)) return null;
    out.push(Number(id));
  }
  return out;
}

export function ipi(host: SbiHost, fid: number, a: readonly bigint[]): SbiAction | null {
  if (fid !== 0) return null;
  const ids = hartsFromMask(a[0], a[1], host.harts.length);
  if (!ids) return ret(host.self, SBI_ERR_INVALID_PARAM, 0n);
  for (const id of ids) host.harts[id].raiseIrq(SIP_SSIP);
  return ret(host.self, SBI_SUCCESS, 0n);
}

/**
 * "The remote fence operation applies to the entire address space if either start_addr and size
 * are both 0, or size is equal to 2^XLEN-1"; any other range must not wrap past the top.
 */
function rangeValid(start: bigint, size: bigint): boolean {
  return size === ALL_ONES || (start === 0n && size === 0n) || start + size <= ALL_ONES + 1n;
}

export function rfence(host: SbiHost, fid: number, a: readonly bigint[]): SbiAction | null {
  const h = host.self;
  if (fid > 2) return null; // hfence.*: no H extension
  const ids = hartsFromMask(a[0], a[1], host.harts.length);
  if (!ids) return ret(h, SBI_ERR_INVALID_PARAM, 0n);
  if (fid >= 1 && !rangeValid(a[2], a[3])) return ret(h, SBI_ERR_INVALID_ADDRESS, 0n);
  if (fid === 2 && a[4] > MAX_ASID) return ret(h, SBI_ERR_INVALID_PARAM, 0n);
  // remote_fence_i (0) and remote_sfence_vma(_asid) (1, 2): the targets flush both (compiled
  // code and TLB) through the same request; this hart does just what was asked.
  remoteSfence(host, ids, fid === 0 ? "code" : "tlb");
  return ret(h, SBI_SUCCESS, 0n);
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
