// tsvisor's SBI (specification v3.0): what HS-mode firmware does for a guest in virtual S-mode.
// Offered: BASE, TIME, IPI, RFENCE (no hfence.*), HSM, SRST, DBCN, SUSP, FWFT, and the legacy
// set_timer, console_putchar, console_getchar, clear_ipi and shutdown. Guest-controlled values
// are untrusted: every id, mask and address is range-checked, and unknown calls return
// SBI_ERR_NOT_SUPPORTED (logged, rate-limited by the host), never throw.
import * as L from "./layout.js";
import { SIP_SSIP, SIP_STIP, type HartView } from "./hart-view.js";
import { EXT_BASE, EXT_DBCN, EXT_FWFT, EXT_HSM, EXT_IPI, EXT_RFENCE, EXT_SRST, EXT_SUSP, EXT_TIME,
  ret, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, SBI_SUCCESS, u32, type SbiAction, type SbiExtension,
  type SbiHost } from "./sbi-abi.js";
import { fwft } from "./sbi-fwft.js";
import { hsm, systemSuspend } from "./sbi-hsm.js";
import { ipi, rfence } from "./sbi-rfence.js";

export { serviceOwnFlush } from "./sbi-rfence.js";
export type { SbiAction, SbiHost } from "./sbi-abi.js";

const SPEC_VERSION = 3n << 24n; // major in bits 24-30, minor (0) in bits 0-23
export const IMPL_ID = 0x7473766en; // "tsvn": not a registered id, so no guest mistakes us for another
const IMPL_VERSION = 0x00000100n;
const DBCN_CHUNK = 0x10000; // most bytes one DBCN read/write moves (the guest calls again for more)
const LEGACY_LAST = 0x0f; // EIDs 0x00-0x0F: legacy calling convention, a1 is never written
const LEGACY_SET_TIMER = 0x00;
const LEGACY_PUTCHAR = 0x01;
const LEGACY_GETCHAR = 0x02;
const LEGACY_CLEAR_IPI = 0x03;
const LEGACY_SHUTDOWN = 0x08;

/** Every extension offered: dispatch and probe_extension both read this, so they cannot disagree. */
const EXTENSIONS = new Map<number, SbiExtension>([
  [LEGACY_SET_TIMER, (host, _fid, a) => { setTimer(host.self, a[0]); return legacyRet(host.self, 0n); }],
  [LEGACY_PUTCHAR, (host, _fid, a) => (putByte(host, a[0]) ? legacyRet(host.self, 0n) : "continue")],
  [LEGACY_GETCHAR, (host) => {
    const b = host.consoleRead(1);
    return legacyRet(host.self, b.length ? BigInt(b[0]) : -1n);
  }],
  [LEGACY_CLEAR_IPI, (host) => { // 0 if no IPI was pending, a positive value if one was
    const h = host.self;
    const was = Atomics.and(h.words, h.word(L.H_IP), ~SIP_SSIP) & SIP_SSIP;
    return legacyRet(h, was ? 1n : 0n);
  }],
  [LEGACY_SHUTDOWN, (host) => { host.systemReset("poweroff", 0); return "reset"; }],
  [EXT_BASE, base],
  [EXT_TIME, (host, fid, a) => {
    if (fid !== 0) return null;
    setTimer(host.self, a[0]);
    return ret(host.self, SBI_SUCCESS, 0n);
  }],
  [EXT_IPI, ipi],
  [EXT_RFENCE, rfence],
  [EXT_HSM, hsm],
  [EXT_SRST, systemReset],
  [EXT_DBCN, dbcn],
  [EXT_SUSP, systemSuspend],
  [EXT_FWFT, fwft],
]);

export function handleSbi(host: SbiHost): SbiAction {
  const h = host.self;
  // EIDs and FIDs are 32-bit: the upper half of a7/a6 is not part of them.
  const eid = u32(h.getX(17));
  const fid = u32(h.getX(16));
  const args = [10, 11, 12, 13, 14, 15].map((r) => h.getX(r));
  const action = EXTENSIONS.get(eid)?.(host, fid, args);
  if (action) return action;
  host.log(`SBI eid=0x${eid.toString(16)} fid=${fid}`,
    `SBI call eid=0x${eid.toString(16)} fid=${fid} not supported (hart ${h.hartId})`);
  return eid <= LEGACY_LAST ? legacyRet(h, SBI_ERR_NOT_SUPPORTED) : ret(h, SBI_ERR_NOT_SUPPORTED, 0n);
}

/** Legacy calling convention: the result in a0 only ("nothing is returned in a1"). */
function legacyRet(h: HartView, v: bigint): SbiAction {
  h.setX(10, v);
  h.pc = h.pc + 4n;
  return "continue";
}

function setTimer(h: HartView, when: bigint): void {
  h.store64(L.H_STIMECMP, when);
  // The core re-evaluates STIP against the new deadline before running on.
  h.lowerIrq(SIP_STIP);
}

function base(host: SbiHost, fid: number, a: readonly bigint[]): SbiAction | null {
  const h = host.self;
  switch (fid) {
    case 0: return ret(h, SBI_SUCCESS, SPEC_VERSION);
    case 1: return ret(h, SBI_SUCCESS, IMPL_ID);
    case 2: return ret(h, SBI_SUCCESS, IMPL_VERSION);
    case 3: return ret(h, SBI_SUCCESS, EXTENSIONS.has(u32(a[0])) ? 1n : 0n); // an EID is 32-bit, as in a7
    case 4: case 5: case 6: return ret(h, SBI_SUCCESS, 0n); // mvendorid, marchid, mimpid: 0 is always legal
    default: return null;
  }
}

function systemReset(host: SbiHost, fid: number, a: readonly bigint[]): SbiAction | null {
  if (fid !== 0) return null;
  // reset_type 0 shutdown, 1 cold reboot, 2 warm reboot; reset_reason 0 none, 1 system failure.
  // Everything else is reserved, or vendor/implementation-specific of which none exists here.
  const [type, reason] = [u32(a[0]), u32(a[1])];
  if (type > 2 || reason > 1) return ret(host.self, SBI_ERR_INVALID_PARAM, 0n);
  // A "system failure" shutdown still powers off, but with a non-zero code the user can see.
  host.systemReset(type === 0 ? "poweroff" : "reboot", type === 0 ? reason : 0);
  return "reset";
}

function dbcn(host: SbiHost, fid: number, a: readonly bigint[]): SbiAction | null {
  const h = host.self;
  if (fid === 2) { // write_byte: blocks while the console is full (see putByte)
    return putByte(host, a[0]) ? ret(h, SBI_SUCCESS, 0n) : "continue";
  }
  if (fid !== 0 && fid !== 1) return null;
  // (num_bytes, base_addr_lo, base_addr_hi): every byte of the range must be RAM, or the call is
  // SBI_ERR_INVALID_PARAM; an address with base_addr_hi != 0 is at 2^64 or above, where none is.
  // An empty range has no byte that is not RAM.
  const [num, lo, hi] = [a[0], a[1], a[2]];
  if (num === 0n) return ret(h, SBI_SUCCESS, 0n);
  if (hi !== 0n || !host.inRam(lo, num)) return ret(h, SBI_ERR_INVALID_PARAM, 0n);
  const mem = host.guestBytes(lo, Number(num > DBCN_CHUNK ? DBCN_CHUNK : num));
  if (!mem) return ret(h, SBI_ERR_INVALID_PARAM, 0n);
  if (fid === 0) {
    // As many bytes as fit (the spec lets write return fewer); when none do, after a short wait.
    let n = host.consoleWrite(mem);
    if (n === 0) {
      host.consoleWait();
      n = host.consoleWrite(mem);
    }
    return ret(h, SBI_SUCCESS, BigInt(n));
  }
  const got = host.consoleRead(mem.length);
  mem.set(got);
  return ret(h, SBI_SUCCESS, BigInt(got.length));
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
