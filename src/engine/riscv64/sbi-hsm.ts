// SBI Hart State Management (HSM) and System Suspend (SUSP). A hart's HSM state is a word in
// its shared region that other harts' threads read and claim, so every transition another
// thread can race with is one atomic step (see hart-view.ts for the states).
import * as L from "./layout.js";
import { HSM_START_CLAIMED, HSM_START_PENDING, HSM_STOPPED, reportedHsmState } from "./hart-view.js";
import { ret, SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_DENIED, SBI_ERR_INVALID_ADDRESS, SBI_ERR_INVALID_PARAM,
  SBI_SUCCESS, u32, type SbiAction, type SbiHost } from "./sbi-abi.js";

const RETENTIVE = 0;
const NON_RETENTIVE = 0x80000000;
const SUSPEND_TO_RAM = 0;
const MIN_INSN = 2n; // with the C extension, an instruction may sit in the last 2 bytes of RAM

export function hsm(host: SbiHost, fid: number, a: readonly bigint[]): SbiAction | null {
  const h = host.self;
  switch (fid) {
    case 0: return hartStart(host, a[0], a[1], a[2]);
    case 1: return "stop"; // hart_stop: no return on success
    case 2:
      if (a[0] >= BigInt(host.harts.length)) return ret(h, SBI_ERR_INVALID_PARAM, 0n);
      return ret(h, SBI_SUCCESS, BigInt(reportedHsmState(host.harts[Number(a[0])].hsmState)));
    case 3: { // hart_suspend(suspend_type: uint32_t, resume_addr, opaque)
      const type = u32(a[0]);
      // Only the default types: the rest are reserved or platform-specific, and this platform has none.
      if (type === RETENTIVE) { ret(h, SBI_SUCCESS, 0n); return "suspend"; } // resume_addr unused
      if (type !== NON_RETENTIVE) return ret(h, SBI_ERR_INVALID_PARAM, 0n);
      return resumeAt(host, a[1], a[2]) ?? "suspend-nonretentive";
    }
    default: return null;
  }
}

function hartStart(host: SbiHost, id: bigint, addr: bigint, opaque: bigint): SbiAction {
  const h = host.self;
  if (id >= BigInt(host.harts.length)) return ret(h, SBI_ERR_INVALID_PARAM, 0n);
  if (!host.inRam(addr, MIN_INSN)) return ret(h, SBI_ERR_INVALID_ADDRESS, 0n);
  const t = host.harts[Number(id)];
  // Of starters racing for a STOPPED hart exactly one wins this exchange; the target's thread
  // ignores CLAIMED, so it cannot start before the address and opaque below are written.
  if (Atomics.compareExchange(t.words, t.word(L.H_HSM), HSM_STOPPED, HSM_START_CLAIMED) !== HSM_STOPPED) {
    return ret(h, SBI_ERR_ALREADY_AVAILABLE, 0n); // started, suspended, or already being started
  }
  t.store64(L.H_START_ADDR, addr);
  t.store64(L.H_START_ARG, opaque);
  t.hsmState = HSM_START_PENDING; // an Atomics store: publishes the two above to the target
  t.wake();
  return ret(h, SBI_SUCCESS, 0n);
}

/** Record where a non-retentive suspend resumes; an error action if `addr` is not RAM. */
function resumeAt(host: SbiHost, addr: bigint, opaque: bigint): SbiAction | null {
  const h = host.self;
  if (!host.inRam(addr, MIN_INSN)) return ret(h, SBI_ERR_INVALID_ADDRESS, 0n);
  h.store64(L.H_START_ADDR, addr);
  h.store64(L.H_START_ARG, opaque);
  return null;
}

/**
 * SBI system suspend (SUSP), suspend-to-RAM: allowed once every other hart is STOPPED. The
 * zone's memory stays as it is; the calling hart sleeps until an interrupt it enables becomes
 * pending (its timer, a device), then resumes at resume_addr as a non-retentive HSM suspend does:
 * a0 = hart id, a1 = opaque, S-mode with the MMU and interrupts off.
 */
export function systemSuspend(host: SbiHost, fid: number, a: readonly bigint[]): SbiAction | null {
  const h = host.self;
  if (fid !== 0) return null;
  // 0 is suspend-to-RAM; 1..0x7fffffff are reserved; 0x80000000.. are platform-specific and none exists here.
  if (u32(a[0]) !== SUSPEND_TO_RAM) return ret(h, SBI_ERR_INVALID_PARAM, 0n);
  if (host.harts.some((t) => t !== h && t.hsmState !== HSM_STOPPED)) return ret(h, SBI_ERR_DENIED, 0n);
  return resumeAt(host, a[1], a[2]) ?? "suspend-nonretentive";
}
